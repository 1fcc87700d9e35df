//! Municipalities and places: the gazetteer tables, seeded from the embedded table and
//! refreshed by `webwacht places import`.

use super::{now, Result, Store};
use crate::extract::gazetteer::{self, Municipality, PlaceRow};
use crate::extract::Gazetteer;

/// Fill the tables from the embedded gazetteer when they are empty (first start).
pub async fn seed_if_empty(store: &Store) -> Result<()> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM municipalities")
        .fetch_one(store.pool())
        .await?;
    if n == 0 {
        let (municipalities, places) = gazetteer::embedded();
        replace(
            store,
            &municipalities,
            &places,
            "embedded",
            gazetteer::EMBEDDED_VINTAGE,
            None,
        )
        .await?;
    }
    Ok(())
}

/// Replace the whole gazetteer in one transaction.
pub async fn replace(
    store: &Store,
    municipalities: &[Municipality],
    places: &[PlaceRow],
    source: &str,
    vintage: &str,
    sha256: Option<&str>,
) -> Result<()> {
    let mut tx = store.pool().begin().await?;
    sqlx::query("DELETE FROM places").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM municipalities")
        .execute(&mut *tx)
        .await?;
    for m in municipalities {
        sqlx::query("INSERT INTO municipalities (code, name) VALUES ($1, $2)")
            .bind(&m.code)
            .bind(&m.name)
            .execute(&mut *tx)
            .await?;
    }
    for p in places {
        sqlx::query("INSERT INTO places (name, municipality_code) VALUES ($1, $2)")
            .bind(&p.name)
            .bind(&p.municipality_code)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO gazetteer_meta (id, source, vintage, sha256, imported_at) VALUES (1, $1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET source = excluded.source, vintage = excluded.vintage,
         sha256 = excluded.sha256, imported_at = excluded.imported_at",
    )
    .bind(source)
    .bind(vintage)
    .bind(sha256)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Build the lookup from the tables.
pub async fn load(store: &Store) -> Result<Gazetteer> {
    let municipalities: Vec<(String, String)> =
        sqlx::query_as("SELECT code, name FROM municipalities ORDER BY code")
            .fetch_all(store.pool())
            .await?;
    let places: Vec<(String, String)> =
        sqlx::query_as("SELECT name, municipality_code FROM places ORDER BY id")
            .fetch_all(store.pool())
            .await?;
    let municipalities = municipalities
        .into_iter()
        .map(|(code, name)| Municipality { code, name })
        .collect();
    let places = places
        .into_iter()
        .map(|(name, municipality_code)| PlaceRow {
            name,
            municipality_code,
        })
        .collect();
    Ok(Gazetteer::new(municipalities, places))
}

/// Counts and vintage, for `places import` output and the summary.
pub async fn info(store: &Store) -> Result<(i64, i64, String, String)> {
    let m: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM municipalities")
        .fetch_one(store.pool())
        .await?;
    let p: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM places")
        .fetch_one(store.pool())
        .await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT source, vintage FROM gazetteer_meta WHERE id = 1")
            .fetch_optional(store.pool())
            .await?;
    let (source, vintage) = row.unwrap_or_else(|| ("-".into(), "-".into()));
    Ok((m, p, source, vintage))
}
