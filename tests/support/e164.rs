//! The independent validity check shared by `tests/extract_props.rs` and the cargo fuzz
//! target (`fuzz/fuzz_targets/extract.rs`), included by path in both.

use phonenumber::metadata::{Descriptor, DATABASE};
use regex::Regex;

/// `pattern` matches all of `nsn`; compiled patterns are cached.
fn full_match(pattern: &str, nsn: &str) -> bool {
    static CACHE: std::sync::LazyLock<
        std::sync::Mutex<std::collections::HashMap<String, Option<Regex>>>,
    > = std::sync::LazyLock::new(Default::default);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(pattern.to_string())
        .or_insert_with(|| Regex::new(&format!("^(?:{pattern})$")).ok())
        .as_ref()
        .is_some_and(|r| r.is_match(nsn))
}

/// Why an E.164 string is not a valid full-length number, or `None` when it is: some
/// region of its country code has a number type (fixed line, mobile, toll free, …) whose
/// pattern matches the whole national number, at a length the metadata allows.
///
/// Read straight from libphonenumber's metadata as the `phonenumber` crate ships it, not
/// through the crate's parser: that parser strips a trunk prefix it should keep
/// (`+7 8…`, whisperfish/rust-phonenumber#76) and lets some too-long numbers pass.
pub fn invalid_reason(e164: &str) -> Option<String> {
    let Some(digits) = e164.strip_prefix('+') else {
        return Some("no leading +".into());
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some("not + followed by digits".into());
    }
    // Country calling codes are prefix-free: at most one prefix of 1–3 digits is one.
    let found = (1..=3.min(digits.len() - 1)).find_map(|l| {
        let code: u16 = digits[..l].parse().ok()?;
        let regions = DATABASE.by_code(&code)?;
        Some((code, &digits[l..], regions))
    });
    let Some((code, nsn, regions)) = found else {
        return Some("no known country calling code".into());
    };
    let full = |d: &Descriptor| {
        let lengths = d.possible_length();
        let pattern: String = d.national_number().as_str().split_whitespace().collect();
        (lengths.is_empty() || lengths.contains(&(nsn.len() as u16))) && full_match(&pattern, nsn)
    };
    let valid = regions.iter().any(|m| {
        let d = m.descriptors();
        full(d.general())
            && [
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.voip(),
                d.personal_number(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ]
            .into_iter()
            .flatten()
            .any(full)
    });
    (!valid).then(|| format!("+{code} {nsn}: no number type of the plan matches it in full"))
}
