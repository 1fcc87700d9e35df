//! People's decisions on flags: the append-only history, and storing a new decision.

use super::{now, Result, Store, StoreError};
use crate::review::FlagStatus;

/// One decision in a flag's history.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DecisionRow {
    pub actor: String,
    pub from_status: Option<FlagStatus>,
    pub to_status: FlagStatus,
    pub note: Option<String>,
    pub decided_at: String,
}

/// The decisions on a flag, oldest first.
pub async fn decisions(store: &Store, flag_id: i64) -> Result<Vec<DecisionRow>> {
    Ok(sqlx::query_as(
        "SELECT actor, from_status, to_status, note, decided_at FROM decisions WHERE flag_id = $1 ORDER BY id",
    )
    .bind(flag_id)
    .fetch_all(store.pool())
    .await?)
}

/// A person's decision on a flag, as validated by `review`.
#[derive(Debug, Clone)]
pub struct NewDecision<'a> {
    pub flag_id: i64,
    pub actor: &'a str,
    /// The status the person saw; the decision fails if it changed meanwhile.
    pub expected_status: &'a str,
    /// The ad version the person saw: the decision is pinned to it, and fails if the
    /// system moved the flag to a newer version meanwhile.
    pub expected_version: i64,
    /// Every status the flag passes through, in order; one decision row each.
    pub steps: &'a [&'a str],
    /// Set or clear the escalation mark.
    pub escalate: bool,
    pub note: Option<&'a str>,
    /// `confirm`, `dismiss` or `escalate`: what the audit log records.
    pub action: &'a str,
}

/// Store a decision: status, one append-only decision row per step and an audit entry,
/// in one transaction. Fails with `Conflict` when someone else changed the flag first.
pub async fn decide(store: &Store, d: &NewDecision<'_>) -> Result<()> {
    let Some(end) = d.steps.last() else {
        return Err(StoreError::Conflict("een beslissing zonder stap".into()));
    };
    let at = now();
    let _turn = store.write_turn().await;
    let mut tx = store.pool().begin().await?;
    let changed = sqlx::query(
        "UPDATE flags SET status = $1, escalated_at = CASE WHEN $2 THEN COALESCE(escalated_at, $3) ELSE NULL END
         WHERE id = $4 AND status = $5 AND version_id = $6",
    )
    .bind(end)
    .bind(d.escalate)
    .bind(&at)
    .bind(d.flag_id)
    .bind(d.expected_status)
    .bind(d.expected_version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(StoreError::Conflict(
            "het signaal is intussen door iemand anders gewijzigd; bekijk het opnieuw".into(),
        ));
    }
    let mut from = d.expected_status;
    for (i, to) in d.steps.iter().enumerate() {
        // The note belongs to the decision, i.e. the last step.
        let note = if i + 1 == d.steps.len() { d.note } else { None };
        sqlx::query(
            "INSERT INTO decisions (flag_id, actor, from_status, to_status, note, decided_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(d.flag_id)
        .bind(d.actor)
        .bind(from)
        .bind(to)
        .bind(note)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        from = to;
    }
    let path = std::iter::once(d.expected_status)
        .chain(d.steps.iter().copied())
        .collect::<Vec<_>>()
        .join(" -> ");
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, object, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&at)
    .bind(d.actor)
    .bind(format!("flag_{}", d.action))
    .bind(format!("flag:{}", d.flag_id))
    .bind(path)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
