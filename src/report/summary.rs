//! The Dutch summary after a run: ads, flags per rule, flags per municipality, and where
//! to look further.

use std::fmt::Write;

use crate::store::{self, Store};

/// Counts behind the summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub ads: i64,
    pub flags: i64,
    /// (rule, count), most first.
    pub per_rule: Vec<(String, i64)>,
    /// (municipality code, name, count), most first.
    pub per_municipality: Vec<(Option<String>, String, i64)>,
}

/// Count open flags (not resolved) per rule and per municipality.
pub async fn summarise(store: &Store) -> store::Result<Summary> {
    let per_rule = store::flags::open_per_rule(store).await?;
    Ok(Summary {
        ads: store::ads::count_ads(store).await?,
        flags: per_rule.iter().map(|(_, c)| c).sum(),
        per_rule,
        per_municipality: store::flags::open_per_municipality(store).await?,
    })
}

impl Summary {
    /// The summary as Dutch text.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Advertenties: {}", self.ads);
        let _ = writeln!(s, "Open signalen: {}", self.flags);
        let _ = writeln!(s, "\nSignalen per regel:");
        for (rule, n) in &self.per_rule {
            let title = crate::rules::Rule::parse(rule)
                .map(|r| r.title())
                .unwrap_or("");
            let _ = writeln!(s, "  {n:>4}  {rule:<24} {title}");
        }
        let _ = writeln!(s, "\nSignalen per gemeente:");
        for (code, name, n) in &self.per_municipality {
            let _ = writeln!(s, "  {n:>4}  {:<7} {name}", code.as_deref().unwrap_or("-"));
        }
        s
    }
}
