//! The append-only audit log: who did what, when.

use super::scope::Scope;
use super::{now, Result, Store};

/// One entry waiting to be written, and who waits for it.
#[derive(Debug)]
pub(super) struct Pending {
    at: String,
    actor: String,
    action: String,
    object: Option<String>,
    detail: Option<String>,
    done: tokio::sync::oneshot::Sender<std::result::Result<(), String>>,
}

/// Append one entry. `actor` is a user name or `system`. Returns once the entry is
/// committed.
///
/// Group commit: entries that arrive while another write holds this process's write
/// turn wait together, and whoever gets the turn next writes all of them in one
/// transaction. Under load (every page view is an entry) that is one commit for many
/// entries instead of one each — and every commit empties the page caches of the other
/// connections, so fewer commits is less re-reading for everyone.
pub async fn record(
    store: &Store,
    actor: &str,
    action: &str,
    object: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    let (done, written) = tokio::sync::oneshot::channel();
    store.pending_audit().push(Pending {
        at: now(),
        actor: actor.to_string(),
        action: action.to_string(),
        object: object.map(str::to_string),
        detail: detail.map(str::to_string),
        done,
    });
    {
        let _turn = store.write_turn().await;
        let batch = std::mem::take(&mut *store.pending_audit());
        if !batch.is_empty() {
            let outcome = write_batch(store, &batch).await.map_err(|e| e.to_string());
            for p in batch {
                let _ = p.done.send(outcome.clone());
            }
        }
    }
    match written.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(super::StoreError::Conflict(format!(
            "het auditlog kon niet geschreven worden: {e}"
        ))),
        // The writer went away without answering (its task was cancelled): write it
        // ourselves is impossible now, so say so.
        Err(_) => Err(super::StoreError::Conflict(
            "het auditlog kon niet geschreven worden".into(),
        )),
    }
}

async fn write_batch(store: &Store, batch: &[Pending]) -> Result<()> {
    let mut tx = store.pool().begin().await?;
    for p in batch {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, object, detail) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&p.at)
        .bind(&p.actor)
        .bind(&p.action)
        .bind(&p.object)
        .bind(&p.detail)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Number of audit entries with this action (used by tests and the monitor).
pub async fn count_action(store: &Store, action: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(store.pool())
            .await?,
    )
}

/// One audit-log entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: Option<String>,
    pub detail: Option<String>,
}

/// Audit entries, newest first, optionally for one actor or object; `before` pages by id.
pub async fn audit_log(
    store: &Store,
    scope: &Scope,
    actor: Option<&str>,
    object: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>> {
    scope.require_staff()?;
    Ok(sqlx::query_as(
        "SELECT id, at, actor, action, object, detail FROM audit_log
         WHERE ($1 IS NULL OR actor = $1) AND ($2 IS NULL OR object = $2) AND ($3 IS NULL OR id < $3)
         ORDER BY id DESC LIMIT $4",
    )
    .bind(actor)
    .bind(object)
    .bind(before)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}
