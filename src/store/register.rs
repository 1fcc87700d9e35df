//! Register snapshots: store an import in one transaction, load the newest snapshot.

use chrono::NaiveDate;
use std::collections::HashMap;

use super::{now, Result, Store, StoreError};
use crate::register::model::{BusinessType, Licence, LicenceRegister, LicenceStatus, Registration};

/// What was stored for one import.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Snapshot {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub row_count: i64,
    pub imported_at: String,
}

/// Store a licence snapshot with all its rows, all or nothing.
pub async fn insert_licences(
    store: &Store,
    file_name: &str,
    sha256: &str,
    licences: &[Licence],
) -> Result<Snapshot> {
    let mut tx = store.pool().begin().await?;
    let imported_at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO register_snapshots (kind, file_name, sha256, row_count, imported_at)
         VALUES ('licences', $1, $2, $3, $4) RETURNING id",
    )
    .bind(file_name)
    .bind(sha256)
    .bind(licences.len() as i64)
    .bind(&imported_at)
    .fetch_one(&mut *tx)
    .await?;
    for l in licences {
        sqlx::query(
            "INSERT INTO licences (snapshot_id, licence_number, normalized, holder, business_type,
             municipality_code, address, valid_from, valid_until, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(&l.licence_number)
        .bind(&l.normalized)
        .bind(&l.holder)
        .bind(l.business_type.as_str())
        .bind(&l.municipality_code)
        .bind(&l.address)
        .bind(l.valid_from.to_string())
        .bind(l.valid_until.map(|d| d.to_string()))
        .bind(l.status.as_str())
        .execute(&mut *tx)
        .await?;
        for p in &l.phones {
            sqlx::query(
                "INSERT INTO licence_phones (snapshot_id, normalized, e164) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(&l.normalized)
            .bind(p)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Snapshot {
        id,
        kind: "licences".into(),
        file_name: file_name.into(),
        sha256: sha256.into(),
        row_count: licences.len() as i64,
        imported_at,
    })
}

/// Store a registration snapshot, all or nothing.
pub async fn insert_registrations(
    store: &Store,
    file_name: &str,
    sha256: &str,
    rows: &[Registration],
) -> Result<Snapshot> {
    let mut tx = store.pool().begin().await?;
    let imported_at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO register_snapshots (kind, file_name, sha256, row_count, imported_at)
         VALUES ('registrations', $1, $2, $3, $4) RETURNING id",
    )
    .bind(file_name)
    .bind(sha256)
    .bind(rows.len() as i64)
    .bind(&imported_at)
    .fetch_one(&mut *tx)
    .await?;
    for r in rows {
        sqlx::query(
            "INSERT INTO registrations (snapshot_id, registration_number, normalized, valid_from, valid_until, status)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&r.registration_number)
        .bind(&r.normalized)
        .bind(r.valid_from.to_string())
        .bind(r.valid_until.map(|d| d.to_string()))
        .bind(r.status.as_str())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Snapshot {
        id,
        kind: "registrations".into(),
        file_name: file_name.into(),
        sha256: sha256.into(),
        row_count: rows.len() as i64,
        imported_at,
    })
}

/// All snapshots, newest first.
pub async fn snapshots(store: &Store) -> Result<Vec<Snapshot>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SNAPSHOT_COLUMNS} FROM register_snapshots s ORDER BY s.id DESC"
    ))
    .fetch_all(store.pool())
    .await?)
}

/// A licence row as stored (dates as `YYYY-MM-DD` text).
#[derive(Debug, sqlx::FromRow)]
struct LicenceRow {
    licence_number: String,
    normalized: String,
    holder: String,
    business_type: BusinessType,
    municipality_code: String,
    address: Option<String>,
    valid_from: String,
    valid_until: Option<String>,
    status: LicenceStatus,
}

const LICENCE_COLUMNS: &str = "l.licence_number, l.normalized, l.holder, l.business_type, \
     l.municipality_code, l.address, l.valid_from, l.valid_until, l.status";

impl LicenceRow {
    fn into_licence(self, phones: Vec<String>) -> Result<Licence> {
        Ok(Licence {
            licence_number: self.licence_number,
            normalized: self.normalized,
            holder: self.holder,
            business_type: self.business_type,
            municipality_code: self.municipality_code,
            phones,
            address: self.address,
            valid_from: day(&self.valid_from)?,
            valid_until: self.valid_until.as_deref().map(day).transpose()?,
            status: self.status,
        })
    }
}

/// A registration row as stored.
#[derive(Debug, sqlx::FromRow)]
struct RegistrationRow {
    registration_number: String,
    normalized: String,
    valid_from: String,
    valid_until: Option<String>,
    status: LicenceStatus,
}

impl RegistrationRow {
    fn into_registration(self) -> Result<Registration> {
        Ok(Registration {
            registration_number: self.registration_number,
            normalized: self.normalized,
            valid_from: day(&self.valid_from)?,
            valid_until: self.valid_until.as_deref().map(day).transpose()?,
            status: self.status,
        })
    }
}

/// A stored day (`YYYY-MM-DD`); anything else is damage, reported as such.
fn day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| StoreError::Integrity(format!("datum {s:?} in het register: {e}")))
}

/// The newest licence snapshot, indexed for matching (empty when none was imported).
pub async fn newest_licences(store: &Store) -> Result<LicenceRegister> {
    let snap: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, imported_at FROM register_snapshots WHERE kind = 'licences' ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(store.pool())
    .await?;
    let Some((id, imported_at)) = snap else {
        return Ok(LicenceRegister::default());
    };
    let phone_rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT normalized, e164 FROM licence_phones WHERE snapshot_id = $1 ORDER BY rowid",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let mut phones: HashMap<String, Vec<String>> = HashMap::new();
    for (normalized, e164) in phone_rows {
        phones.entry(normalized).or_default().push(e164);
    }
    let rows: Vec<LicenceRow> = sqlx::query_as(&format!(
        "SELECT {LICENCE_COLUMNS} FROM licences l WHERE l.snapshot_id = $1"
    ))
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let licences = rows
        .into_iter()
        .map(|r| {
            let p = phones.remove(&r.normalized).unwrap_or_default();
            r.into_licence(p)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(LicenceRegister::new(Some(id), Some(imported_at), licences))
}

/// One register entry as stored, with the snapshot it came from.
#[derive(Debug, Clone)]
pub enum Entry {
    Licence(Licence, Snapshot),
    Registration(Registration, Snapshot),
}

const SNAPSHOT_COLUMNS: &str = "s.id, s.kind, s.file_name, s.sha256, s.row_count, s.imported_at";

#[derive(sqlx::FromRow)]
struct Found<T> {
    #[sqlx(flatten)]
    row: T,
    #[sqlx(flatten)]
    snapshot: Snapshot,
}

/// The entry with this number (normalized) in the newest licence snapshot, else in the
/// newest registration snapshot: what matching uses now.
pub async fn find(store: &Store, normalized: &str) -> Result<Option<Entry>> {
    let licence: Option<Found<LicenceRow>> = sqlx::query_as(&format!(
        "SELECT {LICENCE_COLUMNS}, {SNAPSHOT_COLUMNS}
         FROM licences l JOIN register_snapshots s ON s.id = l.snapshot_id
         WHERE l.normalized = $1
           AND l.snapshot_id = (SELECT MAX(id) FROM register_snapshots WHERE kind = 'licences')"
    ))
    .bind(normalized)
    .fetch_optional(store.pool())
    .await?;
    if let Some(Found { row, snapshot }) = licence {
        let phones = sqlx::query_scalar(
            "SELECT e164 FROM licence_phones WHERE snapshot_id = $1 AND normalized = $2 ORDER BY rowid",
        )
        .bind(snapshot.id)
        .bind(normalized)
        .fetch_all(store.pool())
        .await?;
        return Ok(Some(Entry::Licence(row.into_licence(phones)?, snapshot)));
    }
    let registration: Option<Found<RegistrationRow>> = sqlx::query_as(&format!(
        "SELECT r.registration_number, r.normalized, r.valid_from, r.valid_until, r.status,
                {SNAPSHOT_COLUMNS}
         FROM registrations r JOIN register_snapshots s ON s.id = r.snapshot_id
         WHERE r.normalized = $1
           AND r.snapshot_id = (SELECT MAX(id) FROM register_snapshots WHERE kind = 'registrations')"
    ))
    .bind(normalized)
    .fetch_optional(store.pool())
    .await?;
    registration
        .map(|Found { row, snapshot }| Ok(Entry::Registration(row.into_registration()?, snapshot)))
        .transpose()
}

/// The older snapshots that hold this number (normalized), newest first: where a number
/// that is no longer in the register came from.
pub async fn older_snapshots_with(store: &Store, normalized: &str) -> Result<Vec<Snapshot>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SNAPSHOT_COLUMNS} FROM register_snapshots s
         WHERE s.id IN (SELECT snapshot_id FROM licences WHERE normalized = $1
                        UNION SELECT snapshot_id FROM registrations WHERE normalized = $2)
         ORDER BY s.id DESC"
    ))
    .bind(normalized)
    .bind(normalized)
    .fetch_all(store.pool())
    .await?)
}
