//! (temporary stub)
use super::LicenceNumber;
use std::collections::HashSet;
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}
pub fn find_licence_numbers(_t: &str) -> Vec<LicenceNumber> {
    vec![]
}
pub fn find_registration_numbers(_t: &str) -> Vec<LicenceNumber> {
    vec![]
}
pub fn find_known_numbers(_t: &str, _k: &HashSet<String>) -> Vec<LicenceNumber> {
    vec![]
}
pub fn bare_number(_f: &str) -> Option<LicenceNumber> {
    None
}
