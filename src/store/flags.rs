//! Flags: one per ad and rule. Re-running never duplicates a flag; a flag whose cause is
//! gone is marked resolved with the reason, never deleted. Every status change writes an
//! append-only decision row and an audit-log entry.

use std::collections::HashMap;

use serde::Serialize;

use super::{now, Result, Store};
use crate::review::FlagStatus;

/// A finding ready to be stored.
#[derive(Debug, Clone)]
pub struct NewFlag {
    pub rule: &'static str,
    pub strength: u8,
    pub explanation: String,
    /// JSON text.
    pub evidence: String,
    pub municipality_code: Option<String>,
}

/// What reconciling one ad did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Reconciled {
    pub new: usize,
    pub updated: usize,
    pub resolved: usize,
    pub reopened: usize,
    /// Observations on decided flags: the ad changed after the decision.
    pub observed: usize,
}

/// The newest flag of one ad and rule: the one no other flag follows.
#[derive(sqlx::FromRow)]
struct CurrentFlag {
    rule: String,
    id: i64,
    status: FlagStatus,
    resolved_at: Option<String>,
    version_id: i64,
}

impl CurrentFlag {
    fn decided(&self) -> bool {
        self.status.is_decided()
    }
}

/// Bring the flags of one ad in line with its findings on `version_id`, in one
/// transaction.
///
/// An undecided flag follows the ad: it is updated, resolved when its cause is gone and
/// reopened when the cause returns. A decided flag (confirmed, dismissed, reported,
/// closed) is pinned to what the person saw and is never rewritten: when the ad has
/// changed since, that is recorded once per version as an observation on it, and if the
/// changed ad meets the rule again, a new flag follows the decided one.
pub async fn reconcile(
    store: &Store,
    ad_id: i64,
    version_id: i64,
    snapshot_id: Option<i64>,
    findings: &[NewFlag],
    evaluated_rules: &[&str],
) -> Result<Reconciled> {
    let mut tx = store.pool().begin().await?;
    let at = now();
    let existing: HashMap<String, CurrentFlag> = sqlx::query_as::<_, CurrentFlag>(
        "SELECT f.rule, f.id, f.status, f.resolved_at, f.version_id FROM flags f
         WHERE f.ad_id = $1 AND NOT EXISTS (SELECT 1 FROM flags g WHERE g.follows_flag_id = f.id)",
    )
    .bind(ad_id)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|f| (f.rule.clone(), f))
    .collect();
    let mut out = Reconciled::default();
    for f in findings {
        match existing.get(f.rule) {
            None => {
                insert_flag(&mut tx, ad_id, version_id, snapshot_id, f, None, &at).await?;
                out.new += 1;
            }
            Some(cur) if cur.decided() && cur.version_id == version_id => {
                // The ad the person decided on is still there as it was.
                sqlx::query("UPDATE flags SET last_seen = $1 WHERE id = $2")
                    .bind(&at)
                    .bind(cur.id)
                    .execute(&mut *tx)
                    .await?;
            }
            Some(cur) if cur.decided() => {
                out.observed += usize::from(observe_change(&mut tx, cur, version_id, &at).await?);
                insert_flag(
                    &mut tx,
                    ad_id,
                    version_id,
                    snapshot_id,
                    f,
                    Some(cur.id),
                    &at,
                )
                .await?;
                out.new += 1;
            }
            Some(cur) => {
                sqlx::query(
                    "UPDATE flags SET strength = $1, explanation = $2, evidence = $3, version_id = $4, snapshot_id = $5,
                     municipality_code = $6, last_seen = $7, resolved_at = NULL, resolved_reason = NULL WHERE id = $8",
                )
                .bind(i64::from(f.strength))
                .bind(&f.explanation)
                .bind(&f.evidence)
                .bind(version_id)
                .bind(snapshot_id)
                .bind(&f.municipality_code)
                .bind(&at)
                .bind(cur.id)
                .execute(&mut *tx)
                .await?;
                if cur.resolved_at.is_some() {
                    let to = if cur.status == FlagStatus::Resolved {
                        "new"
                    } else {
                        cur.status.as_str()
                    };
                    set_status(&mut tx, cur.id, to).await?;
                    decide(
                        &mut tx,
                        cur.id,
                        Some(cur.status.as_str()),
                        to,
                        "De oorzaak is teruggekeerd; signaal heropend",
                        &at,
                    )
                    .await?;
                    out.reopened += 1;
                } else {
                    out.updated += 1;
                }
            }
        }
    }
    for (rule, cur) in &existing {
        let still = findings.iter().any(|f| f.rule == rule);
        if still || !evaluated_rules.contains(&rule.as_str()) {
            continue;
        }
        if cur.decided() {
            // The cause is gone on a changed ad: an observation, never a rewrite. (When
            // only the register changed, the ad the person decided on is as it was.)
            if cur.version_id != version_id {
                out.observed += usize::from(observe_change(&mut tx, cur, version_id, &at).await?);
            }
            continue;
        }
        if cur.resolved_at.is_some() {
            continue;
        }
        let reason =
            format!(
            "De oorzaak is verdwenen bij de controle van {at} (advertentieversie {version_id}, \
             registermomentopname {}): de advertentie is aangepast of het register is bijgewerkt.",
            snapshot_id.map(|s| s.to_string()).unwrap_or_else(|| "-".into())
        );
        sqlx::query("UPDATE flags SET resolved_at = $1, resolved_reason = $2 WHERE id = $3")
            .bind(&at)
            .bind(&reason)
            .bind(cur.id)
            .execute(&mut *tx)
            .await?;
        if cur.status.is_open() {
            set_status(&mut tx, cur.id, "resolved").await?;
            decide(
                &mut tx,
                cur.id,
                Some(cur.status.as_str()),
                "resolved",
                &reason,
                &at,
            )
            .await?;
        }
        out.resolved += 1;
    }
    tx.commit().await?;
    Ok(out)
}

/// Store a new flag (`follows`: the decided flag of the same ad and rule it follows) with
/// its first decision row.
async fn insert_flag(
    tx: &mut sqlx::AnyConnection,
    ad_id: i64,
    version_id: i64,
    snapshot_id: Option<i64>,
    f: &NewFlag,
    follows: Option<i64>,
    at: &str,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO flags (ad_id, rule, strength, status, explanation, evidence, version_id, snapshot_id,
         municipality_code, first_seen, last_seen, follows_flag_id)
         VALUES ($1, $2, $3, 'new', $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(ad_id)
    .bind(f.rule)
    .bind(i64::from(f.strength))
    .bind(&f.explanation)
    .bind(&f.evidence)
    .bind(version_id)
    .bind(snapshot_id)
    .bind(&f.municipality_code)
    .bind(at)
    .bind(at)
    .bind(follows)
    .fetch_one(&mut *tx)
    .await?;
    let note = match follows {
        None => "Signaal aangemaakt door regel".to_string(),
        Some(old) => format!(
            "Signaal aangemaakt door regel: de advertentie is gewijzigd na het besluit over signaal {old}"
        ),
    };
    decide(tx, id, None, "new", &note, at).await?;
    Ok(id)
}

/// Record on a decided flag that its ad changed to `version_id` after the decision, once
/// per version. Returns whether it was new.
async fn observe_change(
    tx: &mut sqlx::AnyConnection,
    cur: &CurrentFlag,
    version_id: i64,
    at: &str,
) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO flag_observations (flag_id, kind, version_id, note, observed_at)
         SELECT $1, 'ad_changed', $2, $3, $4
         WHERE NOT EXISTS (SELECT 1 FROM flag_observations WHERE flag_id = $1 AND kind = 'ad_changed' AND version_id = $2)",
    )
    .bind(cur.id)
    .bind(version_id)
    .bind(format!(
        "Advertentie gewijzigd na besluit: nieuwe versie {version_id} (het besluit gaat over versie {})",
        cur.version_id
    ))
    .bind(at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(n > 0)
}

async fn set_status(tx: &mut sqlx::AnyConnection, id: i64, status: &str) -> Result<()> {
    sqlx::query("UPDATE flags SET status = $1 WHERE id = $2")
        .bind(status)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn decide(
    tx: &mut sqlx::AnyConnection,
    flag_id: i64,
    from: Option<&str>,
    to: &str,
    note: &str,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO decisions (flag_id, actor, from_status, to_status, note, decided_at) VALUES ($1, 'system', $2, $3, $4, $5)",
    )
    .bind(flag_id)
    .bind(from)
    .bind(to)
    .bind(note)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO audit_log (at, actor, action, object, detail) VALUES ($1, 'system', 'flag_status', $2, $3)")
        .bind(at)
        .bind(format!("flag:{flag_id}"))
        .bind(format!("{} -> {to}", from.unwrap_or("-")))
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A flag as `webwacht flags` shows it. Field names are fixed by DESIGN.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FlagView {
    pub id: i64,
    pub rule: String,
    pub strength: i64,
    pub status: String,
    pub ad_url: String,
    pub site: String,
    pub municipality_code: Option<String>,
    pub phones: Vec<String>,
    pub licence_numbers: Vec<String>,
    pub explanation: String,
    pub first_seen: String,
    pub last_seen: String,
}

/// Filters of `webwacht flags`; `None` means any.
#[derive(Debug, Default, Clone)]
pub struct FlagFilter {
    pub status: Option<String>,
    pub municipality: Option<String>,
    pub rule: Option<String>,
}

/// A flag of the listing as stored, before its phones and numbers are added.
#[derive(sqlx::FromRow)]
struct ListedFlag {
    id: i64,
    rule: String,
    strength: i64,
    status: String,
    ad_url: String,
    site: String,
    municipality_code: Option<String>,
    explanation: String,
    first_seen: String,
    last_seen: String,
    version_id: i64,
}

/// Flags matching the filter, strongest first, then newest.
pub async fn list(store: &Store, filter: &FlagFilter) -> Result<Vec<FlagView>> {
    let rows: Vec<ListedFlag> = sqlx::query_as(
        "SELECT f.id, f.rule, f.strength, f.status, a.url AS ad_url, a.site_id AS site,
                f.municipality_code, f.explanation, f.first_seen, f.last_seen, f.version_id
         FROM flags f JOIN ads a ON a.id = f.ad_id
         WHERE ($1 IS NULL OR f.status = $1) AND ($2 IS NULL OR f.municipality_code = $2) AND ($3 IS NULL OR f.rule = $3)
         ORDER BY f.strength DESC, f.id",
    )
    .bind(&filter.status)
    .bind(&filter.municipality)
    .bind(&filter.rule)
    .fetch_all(store.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let version = r.version_id;
        let phones = sqlx::query_scalar(
            "SELECT e164 FROM version_phones WHERE version_id = $1 ORDER BY rowid",
        )
        .bind(version)
        .fetch_all(store.pool())
        .await?;
        let licence_numbers = sqlx::query_scalar(
            "SELECT normalized FROM version_numbers WHERE version_id = $1 AND kind = 'licence' ORDER BY rowid",
        )
        .bind(version)
        .fetch_all(store.pool())
        .await?;
        out.push(FlagView {
            id: r.id,
            rule: r.rule,
            strength: r.strength,
            status: r.status,
            ad_url: r.ad_url,
            site: r.site,
            municipality_code: r.municipality_code,
            phones,
            licence_numbers,
            explanation: r.explanation,
            first_seen: r.first_seen,
            last_seen: r.last_seen,
        });
    }
    Ok(out)
}

/// Open (not resolved) flags per rule, most first.
pub async fn open_per_rule(store: &Store) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT rule, COUNT(*) c FROM flags WHERE resolved_at IS NULL GROUP BY rule ORDER BY c DESC, rule",
    )
    .fetch_all(store.pool())
    .await?)
}

/// Open (not resolved) flags per municipality: (code, name, count), most first.
pub async fn open_per_municipality(store: &Store) -> Result<Vec<(Option<String>, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT f.municipality_code, COALESCE(m.name, 'onbekende gemeente'), COUNT(*) c FROM flags f
         LEFT JOIN municipalities m ON m.code = f.municipality_code
         WHERE f.resolved_at IS NULL GROUP BY f.municipality_code, m.name ORDER BY c DESC, m.name",
    )
    .fetch_all(store.pool())
    .await?)
}
