//! (temporary stub)
use super::Phone;
pub fn find_phones(_t: &str) -> Vec<Phone> {
    vec![]
}
pub fn phones_from_links(_l: &[String]) -> Vec<Phone> {
    vec![]
}
pub fn parse_phone(_s: &str) -> Option<Phone> {
    None
}
