//! Register snapshots: store an import in one transaction, load the newest snapshot.

use chrono::NaiveDate;
use sqlx::Row;

use super::{now, Result, Store};
use crate::register::model::{BusinessType, Licence, LicenceRegister, LicenceStatus, Registration};

/// What was stored for one import.
#[derive(Debug, Clone)]
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
    let rows = sqlx::query(
        "SELECT id, kind, file_name, sha256, row_count, imported_at FROM register_snapshots ORDER BY id DESC",
    )
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Snapshot {
            id: r.get(0),
            kind: r.get(1),
            file_name: r.get(2),
            sha256: r.get(3),
            row_count: r.get(4),
            imported_at: r.get(5),
        })
        .collect())
}

/// The newest licence snapshot, indexed for matching (empty when none was imported).
pub async fn newest_licences(store: &Store) -> Result<LicenceRegister> {
    let snap = sqlx::query("SELECT id, imported_at FROM register_snapshots WHERE kind = 'licences' ORDER BY id DESC LIMIT 1")
        .fetch_optional(store.pool())
        .await?;
    let Some(snap) = snap else {
        return Ok(LicenceRegister::default());
    };
    let id: i64 = snap.get(0);
    let imported_at: String = snap.get(1);
    let phone_rows = sqlx::query(
        "SELECT normalized, e164 FROM licence_phones WHERE snapshot_id = $1 ORDER BY rowid",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let mut phones: std::collections::HashMap<String, Vec<String>> = Default::default();
    for r in phone_rows {
        phones.entry(r.get(0)).or_default().push(r.get(1));
    }
    let rows = sqlx::query(
        "SELECT licence_number, normalized, holder, business_type, municipality_code, address,
                valid_from, valid_until, status
         FROM licences WHERE snapshot_id = $1",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    let licences = rows
        .into_iter()
        .map(|r| {
            let normalized: String = r.get(1);
            Licence {
                licence_number: r.get(0),
                phones: phones.remove(&normalized).unwrap_or_default(),
                normalized,
                holder: r.get(2),
                business_type: BusinessType::parse(r.get(3)).unwrap_or(BusinessType::Other),
                municipality_code: r.get(4),
                address: r.get(5),
                valid_from: date(r.get(6)).unwrap_or_default(),
                valid_until: date(r.get(7)),
                status: LicenceStatus::parse(r.get(8)).unwrap_or(LicenceStatus::Expired),
            }
        })
        .collect();
    Ok(LicenceRegister::new(Some(id), Some(imported_at), licences))
}

/// One register entry as stored, with the snapshot it came from.
#[derive(Debug, Clone)]
pub enum Entry {
    Licence(Licence, Snapshot),
    Registration(Registration, Snapshot),
}

const SNAPSHOT_COLUMNS: &str = "s.id, s.kind, s.file_name, s.sha256, s.row_count, s.imported_at";

fn snapshot_at(r: &sqlx::any::AnyRow, at: usize) -> Snapshot {
    Snapshot {
        id: r.get(at),
        kind: r.get(at + 1),
        file_name: r.get(at + 2),
        sha256: r.get(at + 3),
        row_count: r.get(at + 4),
        imported_at: r.get(at + 5),
    }
}

fn date(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

/// The entry with this number (normalized) in the newest licence snapshot, else in the
/// newest registration snapshot: what matching uses now.
pub async fn find(store: &Store, normalized: &str) -> Result<Option<Entry>> {
    let licence = sqlx::query(&format!(
        "SELECT l.licence_number, l.normalized, l.holder, l.business_type, l.municipality_code,
                l.address, l.valid_from, l.valid_until, l.status, {SNAPSHOT_COLUMNS}
         FROM licences l JOIN register_snapshots s ON s.id = l.snapshot_id
         WHERE l.normalized = $1
           AND l.snapshot_id = (SELECT MAX(id) FROM register_snapshots WHERE kind = 'licences')"
    ))
    .bind(normalized)
    .fetch_optional(store.pool())
    .await?;
    if let Some(r) = licence {
        let snapshot = snapshot_at(&r, 9);
        let phones = sqlx::query_scalar(
            "SELECT e164 FROM licence_phones WHERE snapshot_id = $1 AND normalized = $2 ORDER BY rowid",
        )
        .bind(snapshot.id)
        .bind(normalized)
        .fetch_all(store.pool())
        .await?;
        let licence = Licence {
            licence_number: r.get(0),
            normalized: r.get(1),
            holder: r.get(2),
            business_type: BusinessType::parse(r.get(3)).unwrap_or(BusinessType::Other),
            municipality_code: r.get(4),
            phones,
            address: r.get(5),
            valid_from: date(r.get(6)).unwrap_or_default(),
            valid_until: date(r.get(7)),
            status: LicenceStatus::parse(r.get(8)).unwrap_or(LicenceStatus::Expired),
        };
        return Ok(Some(Entry::Licence(licence, snapshot)));
    }
    let registration = sqlx::query(&format!(
        "SELECT r.registration_number, r.normalized, r.valid_from, r.valid_until, r.status,
                {SNAPSHOT_COLUMNS}
         FROM registrations r JOIN register_snapshots s ON s.id = r.snapshot_id
         WHERE r.normalized = $1
           AND r.snapshot_id = (SELECT MAX(id) FROM register_snapshots WHERE kind = 'registrations')"
    ))
    .bind(normalized)
    .fetch_optional(store.pool())
    .await?;
    Ok(registration.map(|r| {
        let registration = Registration {
            registration_number: r.get(0),
            normalized: r.get(1),
            valid_from: date(r.get(2)).unwrap_or_default(),
            valid_until: date(r.get(3)),
            status: LicenceStatus::parse(r.get(4)).unwrap_or(LicenceStatus::Expired),
        };
        Entry::Registration(registration, snapshot_at(&r, 5))
    }))
}

/// The older snapshots that hold this number (normalized), newest first: where a number
/// that is no longer in the register came from.
pub async fn older_snapshots_with(store: &Store, normalized: &str) -> Result<Vec<Snapshot>> {
    let rows = sqlx::query(&format!(
        "SELECT {SNAPSHOT_COLUMNS} FROM register_snapshots s
         WHERE s.id IN (SELECT snapshot_id FROM licences WHERE normalized = $1
                        UNION SELECT snapshot_id FROM registrations WHERE normalized = $2)
         ORDER BY s.id DESC"
    ))
    .bind(normalized)
    .bind(normalized)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.iter().map(|r| snapshot_at(r, 0)).collect())
}
