//! (temporary stub)
pub struct DemoServer;
impl DemoServer {
    pub async fn start() -> std::io::Result<DemoServer> {
        Ok(DemoServer)
    }
    pub fn base_url(&self) -> String {
        String::new()
    }
    pub async fn shutdown(self) {}
}
pub fn register_csv() -> String {
    String::new()
}
pub fn site_toml(_b: &str) -> String {
    String::new()
}
