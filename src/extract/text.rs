//! (temporary stub)
pub fn html_to_text(html: &str) -> String {
    html.to_string()
}
pub fn looks_like_html(s: &str) -> bool {
    s.contains('<')
}
pub fn link_targets(_h: &str) -> Vec<String> {
    vec![]
}
