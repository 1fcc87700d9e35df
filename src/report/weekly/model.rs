//! A weekly list as it is frozen when made: every value a file shows, so that the CSV,
//! XLSX and PDF can be written again, byte for byte, from the list alone.

use serde::{Deserialize, Serialize};

/// An ISO 8601 week, `YYYY-Www`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IsoWeek {
    pub year: i32,
    pub week: u32,
}

impl std::fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

/// One municipality's list of one week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyList {
    /// CBS code, `GMxxxx`.
    pub municipality_code: String,
    pub municipality_name: String,
    pub week: IsoWeek,
    /// First day (Monday) and last day (Sunday) of the week, `YYYY-MM-DD`.
    pub week_start: String,
    pub week_end: String,
    /// When the list was made, RFC 3339 in Europe/Amsterdam time (`2026-12-07T07:00:12+01:00`).
    pub made_at: String,
    /// The signals on the list, by signal number.
    pub rows: Vec<ListRow>,
}

/// One signal on a list. Holds personal data (phones, advertiser, URL): the list goes to
/// the municipality's enforcement officers only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRow {
    /// The flag's id.
    pub signal: i64,
    /// Rule code (`no_licence_number`).
    pub rule: String,
    /// The rule's Dutch title ("Geen vergunningnummer in advertentie").
    pub rule_title: String,
    /// 0–10.
    pub strength: i64,
    /// The Dutch explanation of the signal.
    pub explanation: String,
    /// Municipality name.
    pub municipality: String,
    /// Site id.
    pub site: String,
    pub ad_url: String,
    /// The place as the ad names it.
    pub place: String,
    pub advertiser: String,
    /// E.164 phone numbers.
    pub phones: Vec<String>,
    /// Licence numbers the ad shows.
    pub licence_numbers: Vec<String>,
    /// RFC 3339.
    pub first_seen: String,
    pub last_seen: String,
    pub confirmed_at: String,
    /// SHA-256 of the WARC record of the capture the signal rests on, hex.
    pub evidence_sha256: String,
}

/// Signals per rule, sorted by the rule's title: (rule title, count).
pub fn summary_per_rule(list: &WeeklyList) -> Vec<(String, usize)> {
    let mut per: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for r in &list.rows {
        *per.entry(r.rule_title.as_str()).or_default() += 1;
    }
    per.into_iter().map(|(t, n)| (t.to_string(), n)).collect()
}
