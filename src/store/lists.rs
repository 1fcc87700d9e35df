//! The weekly lists to the municipalities: which confirmed signals are due on a list,
//! making a list (the system's `confirmed -> reported` move, in one transaction), the
//! files written from it, and finding a list again.

use super::scope::Scope;
use super::{Result, Store, StoreError};
use crate::report::weekly::model::ListRow;

/// Who the system's moves are recorded as.
pub const SYSTEM_ACTOR: &str = "systeem";

/// A list as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredList {
    pub id: i64,
    pub municipality_code: String,
    pub week: String,
    pub made_at: String,
    pub signal_count: i64,
    /// The frozen list, JSON of [`crate::report::weekly::model::WeeklyList`].
    pub content: String,
}

/// One file of a list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredFile {
    pub kind: String,
    /// Relative to the data directory.
    pub path: String,
    pub sha256: String,
    pub size: i64,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    signal: i64,
    rule: String,
    strength: i64,
    explanation: String,
    municipality: Option<String>,
    site: String,
    ad_url: String,
    place: Option<String>,
    advertiser: Option<String>,
    phones: Option<String>,
    licence_numbers: Option<String>,
    first_seen: String,
    last_seen: String,
    confirmed_at: String,
    evidence_sha256: Option<String>,
}

/// The signals due on `municipality`'s list for a week that ends at `week_end` (RFC 3339,
/// UTC): confirmed, located in its territory, on no list yet, and confirmed before the
/// week ended. By signal number. `rule_title` is left for the caller.
pub async fn due(store: &Store, municipality: &str, week_end: &str) -> Result<Vec<ListRow>> {
    let e = store.engine();
    let phones = e.joined(
        "e164",
        "\n",
        "version_phones WHERE version_id = f.version_id",
        "rowid",
    );
    let numbers = e.joined(
        "value",
        "\n",
        "version_numbers WHERE version_id = f.version_id AND kind = 'licence'",
        "rowid",
    );
    let sql = format!(
        "SELECT f.id AS signal, f.rule, f.strength, f.explanation, m.name AS municipality,
                a.site_id AS site, a.url AS ad_url, v.place_text AS place, v.advertiser,
                {phones} AS phones, {numbers} AS licence_numbers,
                f.first_seen, f.last_seen, c.confirmed_at, fe.warc_record_sha256 AS evidence_sha256
         FROM flags f
         JOIN (SELECT cf.id AS flag_id,
                      (SELECT MAX(d.decided_at) FROM decisions d
                       WHERE d.flag_id = cf.id AND d.to_status = 'confirmed') AS confirmed_at
               FROM flags cf WHERE cf.status = 'confirmed' AND cf.municipality_code = $1) c
           ON c.flag_id = f.id
         JOIN ads a ON a.id = f.ad_id
         JOIN ad_versions v ON v.id = f.version_id
         LEFT JOIN fetches fe ON fe.id = v.fetch_id
         LEFT JOIN municipalities m ON m.code = f.municipality_code
         WHERE f.status = 'confirmed' AND f.municipality_code = $1 AND c.confirmed_at < $2
           AND NOT EXISTS (SELECT 1 FROM weekly_list_flags l WHERE l.flag_id = f.id)
         ORDER BY f.id"
    );
    let rows: Vec<DueRow> = sqlx::query_as(&sql)
        .bind(municipality)
        .bind(week_end)
        .fetch_all(store.pool())
        .await?;
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| s.split('\n').map(str::to_string).collect())
            .unwrap_or_default()
    };
    Ok(rows
        .into_iter()
        .map(|r| ListRow {
            signal: r.signal,
            rule: r.rule,
            rule_title: String::new(),
            strength: r.strength,
            explanation: r.explanation,
            municipality: r.municipality.unwrap_or_default(),
            site: r.site,
            ad_url: r.ad_url,
            place: r.place.unwrap_or_default(),
            advertiser: r.advertiser.unwrap_or_default(),
            phones: split(r.phones),
            licence_numbers: split(r.licence_numbers),
            first_seen: r.first_seen,
            last_seen: r.last_seen,
            confirmed_at: r.confirmed_at,
            evidence_sha256: r.evidence_sha256.unwrap_or_default(),
        })
        .collect())
}

/// Municipalities with a confirmed signal that is on no list yet.
pub async fn municipalities_with_due(store: &Store) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT f.municipality_code FROM flags f
         WHERE f.status = 'confirmed' AND f.municipality_code IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM weekly_list_flags l WHERE l.flag_id = f.id)
         ORDER BY 1",
    )
    .fetch_all(store.pool())
    .await?)
}

/// The list of `municipality` for `week` (`2026-W48`), if made.
pub async fn find(store: &Store, municipality: &str, week: &str) -> Result<Option<StoredList>> {
    Ok(sqlx::query_as(
        "SELECT id, municipality_code, week, made_at, signal_count, content FROM weekly_lists
         WHERE municipality_code = $1 AND week = $2",
    )
    .bind(municipality)
    .bind(week)
    .fetch_optional(store.pool())
    .await?)
}

/// A new list to store: its frozen content and the signals it carries.
pub struct NewList<'a> {
    pub municipality_code: &'a str,
    pub week: &'a str,
    pub made_at: &'a str,
    pub content: &'a str,
    pub flag_ids: &'a [i64],
    /// Who is to get the list by mail: noted with the list, in its transaction, so a
    /// notice is never lost between making and sending.
    pub recipients: &'a [String],
    /// When the moves are recorded (RFC 3339, UTC).
    pub at: &'a str,
}

/// Store a list and move each of its signals `confirmed -> reported`: a decision row by
/// the system that names the list, the flag's status, one audit entry; all in one
/// transaction. Fails with `Conflict` (and stores nothing) when a signal is no longer
/// confirmed or already on a list.
pub async fn make(store: &Store, l: &NewList<'_>) -> Result<i64> {
    let _turn = store.write_turn().await;
    let mut tx = store.pool().begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO weekly_lists (municipality_code, week, made_at, signal_count, content)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(l.municipality_code)
    .bind(l.week)
    .bind(l.made_at)
    .bind(l.flag_ids.len() as i64)
    .bind(l.content)
    .fetch_one(&mut *tx)
    .await?;
    for flag in l.flag_ids {
        let moved = sqlx::query(
            "UPDATE flags SET status = 'reported' WHERE id = $1 AND status = 'confirmed'",
        )
        .bind(flag)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Err(StoreError::Conflict(format!(
                "signaal {flag} is intussen niet meer bevestigd; maak de lijst opnieuw"
            )));
        }
        sqlx::query("INSERT INTO weekly_list_flags (list_id, flag_id) VALUES ($1, $2)")
            .bind(id)
            .bind(flag)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO decisions (flag_id, actor, from_status, to_status, note, decided_at, list_id)
             VALUES ($1, $2, 'confirmed', 'reported', $3, $4, $5)",
        )
        .bind(flag)
        .bind(SYSTEM_ACTOR)
        .bind(format!("op de weeklijst {} van {}", l.week, l.municipality_code))
        .bind(l.at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    for to in l.recipients {
        sqlx::query(
            "INSERT INTO weekly_list_sends (list_id, recipient) VALUES ($1, $2)
             ON CONFLICT (list_id, recipient) DO NOTHING",
        )
        .bind(id)
        .bind(to)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, object, detail) VALUES ($1, $2, 'weekly_list', $3, $4)",
    )
    .bind(l.at)
    .bind(SYSTEM_ACTOR)
    .bind(format!("list:{id}"))
    .bind(format!(
        "{} {}: {} signalen confirmed -> reported",
        l.municipality_code,
        l.week,
        l.flag_ids.len()
    ))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Record (or correct) a file of a list.
pub async fn record_file(store: &Store, list_id: i64, f: &StoredFile) -> Result<()> {
    sqlx::query(
        "INSERT INTO weekly_list_files (list_id, kind, path, sha256, size) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (list_id, kind) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, size = excluded.size",
    )
    .bind(list_id)
    .bind(&f.kind)
    .bind(&f.path)
    .bind(&f.sha256)
    .bind(f.size)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The files of a list, by kind.
pub async fn files(store: &Store, list_id: i64) -> Result<Vec<StoredFile>> {
    Ok(sqlx::query_as(
        "SELECT kind, path, sha256, size FROM weekly_list_files WHERE list_id = $1 ORDER BY kind",
    )
    .bind(list_id)
    .fetch_all(store.pool())
    .await?)
}

/// The lists `scope` may see (a municipality: its own), newest week first.
pub async fn lists(store: &Store, scope: &Scope) -> Result<Vec<StoredList>> {
    let mut q = super::sql::Sql::new(
        "SELECT id, municipality_code, week, made_at, signal_count, '' AS content
         FROM weekly_lists WHERE 1 = 1",
    );
    scope.and_municipality(&mut q, "municipality_code");
    q.push(" ORDER BY week DESC, municipality_code");
    Ok(q.build_query_as().fetch_all(store.pool()).await?)
}

/// The name of a municipality, if the code is known.
pub async fn municipality_name(store: &Store, code: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT name FROM municipalities WHERE code = $1")
            .bind(code)
            .fetch_optional(store.pool())
            .await?,
    )
}

/// A list by id.
pub async fn by_id(store: &Store, id: i64) -> Result<Option<StoredList>> {
    Ok(sqlx::query_as(
        "SELECT id, municipality_code, week, made_at, signal_count, content FROM weekly_lists WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?)
}

/// Note that `recipient` is to get list `list_id` (once; nothing when already noted).
pub async fn want_send(store: &Store, list_id: i64, recipient: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO weekly_list_sends (list_id, recipient) VALUES ($1, $2)
         ON CONFLICT (list_id, recipient) DO NOTHING",
    )
    .bind(list_id)
    .bind(recipient)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Every (list, recipient) not yet sent, oldest list first.
pub async fn unsent(store: &Store) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT list_id, recipient FROM weekly_list_sends WHERE sent_at IS NULL ORDER BY list_id, recipient",
    )
    .fetch_all(store.pool())
    .await?)
}

/// The SMTP server accepted the notice.
pub async fn mark_sent(store: &Store, list_id: i64, recipient: &str, at: &str) -> Result<()> {
    sqlx::query(
        "UPDATE weekly_list_sends SET attempts = attempts + 1, last_attempt_at = $1, last_error = NULL, sent_at = $1
         WHERE list_id = $2 AND recipient = $3",
    )
    .bind(at)
    .bind(list_id)
    .bind(recipient)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// The notice did not go out; it stays unsent.
pub async fn mark_failed(
    store: &Store,
    list_id: i64,
    recipient: &str,
    at: &str,
    why: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE weekly_list_sends SET attempts = attempts + 1, last_attempt_at = $1, last_error = $2
         WHERE list_id = $3 AND recipient = $4",
    )
    .bind(at)
    .bind(why)
    .bind(list_id)
    .bind(recipient)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// A list `scope` may see (a municipality: only its own), by id.
pub async fn list_in_scope(store: &Store, scope: &Scope, id: i64) -> Result<Option<StoredList>> {
    let mut q = super::sql::Sql::new(
        "SELECT id, municipality_code, week, made_at, signal_count, '' AS content
         FROM weekly_lists WHERE id = ",
    );
    q.push_bind(id);
    scope.and_municipality(&mut q, "municipality_code");
    Ok(q.build_query_as().fetch_optional(store.pool()).await?)
}

/// A signal on a list, as the list page shows it: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ListedFlag {
    pub flag_id: i64,
    pub rule: crate::rules::Rule,
    pub strength: i64,
    pub status: crate::review::FlagStatus,
}

/// The signals on list `list_id` with their status now, if `scope` may see the list.
pub async fn listed_flags(store: &Store, scope: &Scope, list_id: i64) -> Result<Vec<ListedFlag>> {
    if list_in_scope(store, scope, list_id).await?.is_none() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(
        "SELECT f.id AS flag_id, f.rule, f.strength, f.status FROM weekly_list_flags l
         JOIN flags f ON f.id = l.flag_id WHERE l.list_id = $1 ORDER BY f.id",
    )
    .bind(list_id)
    .fetch_all(store.pool())
    .await?)
}

/// A municipality marks a listed signal handled: `reported -> closed`, with its note, a
/// decision row and an audit entry. Fails with `OutOfScope` (a 404) outside `scope` or off the
/// list, and with `Conflict` when the signal is not `reported` (any more).
pub async fn close_listed(
    store: &Store,
    scope: &Scope,
    list_id: i64,
    flag_id: i64,
    actor: &str,
    note: &str,
    at: &str,
) -> Result<()> {
    if list_in_scope(store, scope, list_id).await?.is_none() {
        return Err(StoreError::OutOfScope);
    }
    let _turn = store.write_turn().await;
    let mut tx = store.pool().begin().await?;
    let on_list: Option<i64> = sqlx::query_scalar(
        "SELECT flag_id FROM weekly_list_flags WHERE list_id = $1 AND flag_id = $2",
    )
    .bind(list_id)
    .bind(flag_id)
    .fetch_optional(&mut *tx)
    .await?;
    if on_list.is_none() {
        return Err(StoreError::OutOfScope);
    }
    let moved =
        sqlx::query("UPDATE flags SET status = 'closed' WHERE id = $1 AND status = 'reported'")
            .bind(flag_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if moved != 1 {
        return Err(StoreError::Conflict(
            "dit signaal is niet (meer) gemeld; het is al afgehandeld".into(),
        ));
    }
    sqlx::query(
        "INSERT INTO decisions (flag_id, actor, from_status, to_status, note, decided_at, list_id)
         VALUES ($1, $2, 'reported', 'closed', $3, $4, $5)",
    )
    .bind(flag_id)
    .bind(actor)
    .bind(note)
    .bind(at)
    .bind(list_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, object, detail) VALUES ($1, $2, 'flag_close', $3, $4)",
    )
    .bind(at)
    .bind(actor)
    .bind(format!("flag:{flag_id}"))
    .bind(format!("reported -> closed (lijst {list_id})"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
