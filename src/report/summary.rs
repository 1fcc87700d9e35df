//! The Dutch summary after a run: ads, flags per rule, flags per municipality, and where
//! to look further.

use std::fmt::Write;

use sqlx::Row;

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
    let ads = store::ads::count_ads(store).await?;
    let per_rule: Vec<(String, i64)> = sqlx::query(
        "SELECT rule, COUNT(*) c FROM flags WHERE resolved_at IS NULL GROUP BY rule ORDER BY c DESC, rule",
    )
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let per_municipality = sqlx::query(
        "SELECT f.municipality_code, m.name, COUNT(*) c FROM flags f LEFT JOIN municipalities m ON m.code = f.municipality_code
         WHERE f.resolved_at IS NULL GROUP BY f.municipality_code ORDER BY c DESC, m.name",
    )
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(|r| {
        let name: Option<String> = r.get(1);
        (r.get(0), name.unwrap_or_else(|| "onbekende gemeente".into()), r.get(2))
    })
    .collect();
    Ok(Summary {
        ads,
        flags: per_rule.iter().map(|(_, c)| c).sum(),
        per_rule,
        per_municipality,
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
