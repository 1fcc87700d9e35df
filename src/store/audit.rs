//! The append-only audit log: who did what, when.

use super::{now, Result, Store};

/// Append one entry. `actor` is a user name or `system`.
pub async fn record(
    store: &Store,
    actor: &str,
    action: &str,
    object: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    let _turn = store.write_turn().await;
    sqlx::query("INSERT INTO audit_log (at, actor, action, object, detail) VALUES (?, ?, ?, ?, ?)")
        .bind(now())
        .bind(actor)
        .bind(action)
        .bind(object)
        .bind(detail)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Number of audit entries with this action (used by tests and the monitor).
pub async fn count_action(store: &Store, action: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = ?")
            .bind(action)
            .fetch_one(store.pool())
            .await?,
    )
}
