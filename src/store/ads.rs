//! Sites, crawl runs, fetches, ads and ad versions with what was extracted from them.

use std::collections::HashSet;

use sqlx::AnyConnection;

use super::sql::Sql;

use super::scope::Scope;
use super::{now, Result, Store};
use crate::extract::Extraction;
use crate::site::AdPage;

/// Make sure the site has a row (name refreshed from its site file).
pub async fn upsert_site(store: &Store, id: &str, name: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO sites (id, name, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name",
    )
    .bind(id)
    .bind(name)
    .bind(now())
    .execute(store.pool())
    .await?;
    Ok(())
}

/// One HTTP response we acted on, with its evidence reference when kept.
#[derive(Debug, Clone, Default)]
pub struct NewFetch {
    pub run_id: i64,
    pub url: String,
    pub page_kind: &'static str,
    pub http_status: Option<u16>,
    pub fetched_at: String,
    pub body_sha256: Option<String>,
    pub body_size: Option<i64>,
    pub warc_file: Option<String>,
    pub warc_offset: Option<i64>,
    pub warc_length: Option<i64>,
    /// SHA-256 of the whole WARC response record (`warc_length` bytes at `warc_offset`).
    pub warc_record_sha256: Option<String>,
    pub error: Option<String>,
}

pub async fn insert_fetch(store: &Store, f: &NewFetch) -> Result<i64> {
    let mut conn = store.pool().acquire().await?;
    insert_fetch_in(&mut conn, f).await
}

/// [`insert_fetch`] inside the caller's transaction.
pub async fn insert_fetch_in(conn: &mut AnyConnection, f: &NewFetch) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO fetches (run_id, url, page_kind, http_status, fetched_at, body_sha256, body_size,
         warc_file, warc_offset, warc_length, warc_record_sha256, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(f.run_id)
    .bind(&f.url)
    .bind(f.page_kind)
    .bind(f.http_status.map(i64::from))
    .bind(&f.fetched_at)
    .bind(&f.body_sha256)
    .bind(f.body_size)
    .bind(&f.warc_file)
    .bind(f.warc_offset)
    .bind(f.warc_length)
    .bind(&f.warc_record_sha256)
    .bind(&f.error)
    .fetch_one(&mut *conn)
    .await?)
}

/// One evidence record the database refers to, with the URL it was fetched for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEvidence {
    pub fetch_id: i64,
    pub url: String,
    /// File name relative to `data_dir/evidence`.
    pub file: String,
    pub offset: i64,
    pub length: i64,
    /// SHA-256 of the payload (the response body), hex.
    pub body_sha256: Option<String>,
    /// SHA-256 of the whole response record, hex; absent on fetches stored before
    /// migration 0003.
    pub record_sha256: Option<String>,
}

/// Number of fetches that carry an evidence reference.
pub async fn count_evidence(store: &Store) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM fetches WHERE warc_file IS NOT NULL")
            .fetch_one(store.pool())
            .await?,
    )
}

/// Up to `limit` evidence references with a fetch id above `after_fetch_id`, in fetch
/// order (keyset paging: callers pass the last id they saw).
pub async fn evidence_after(
    store: &Store,
    after_fetch_id: i64,
    limit: i64,
) -> Result<Vec<StoredEvidence>> {
    Ok(sqlx::query_as(
        "SELECT id AS fetch_id, url, warc_file AS file, COALESCE(warc_offset, -1) AS offset,
                COALESCE(warc_length, -1) AS length, body_sha256, warc_record_sha256 AS record_sha256
         FROM fetches WHERE warc_file IS NOT NULL AND id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after_fetch_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// What storing an ad page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdOutcome {
    New,
    Changed,
    Unchanged,
}

/// HTTP validators of an ad's last full answer, sent back in a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// Store a parsed ad page: a new ad, a new version when the content hash changed, or
/// only `last_seen` when nothing changed. One transaction.
pub async fn record_ad(
    store: &Store,
    site_id: &str,
    url: &str,
    fetch_id: i64,
    captured_at: &str,
    page: &AdPage,
    extraction: &Extraction,
) -> Result<AdOutcome> {
    let mut tx = store.pool().begin().await?;
    let outcome = record_ad_in(
        &mut tx,
        site_id,
        url,
        fetch_id,
        captured_at,
        page,
        extraction,
        &Validators::default(),
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}

/// [`record_ad`] inside the caller's transaction, also keeping the answer's validators.
#[allow(clippy::too_many_arguments)]
pub async fn record_ad_in(
    tx: &mut AnyConnection,
    site_id: &str,
    url: &str,
    fetch_id: i64,
    captured_at: &str,
    page: &AdPage,
    extraction: &Extraction,
    validators: &Validators,
) -> Result<AdOutcome> {
    let hash = page.content_hash();
    let existing: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT a.id, v.content_sha256 FROM ads a LEFT JOIN ad_versions v ON v.id = a.current_version_id
         WHERE a.site_id = $1 AND a.external_id = $2",
    )
    .bind(site_id)
    .bind(&page.external_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (ad_id, outcome) = match existing {
        Some((id, current)) => {
            sqlx::query(
                "UPDATE ads SET last_seen = $1, url = $2, removed_at = NULL, missed_runs = 0, etag = $3,
                 last_modified = $4 WHERE id = $5",
            )
            .bind(captured_at)
            .bind(url)
            .bind(&validators.etag)
            .bind(&validators.last_modified)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if current.as_deref() == Some(hash.as_str()) {
                return Ok(AdOutcome::Unchanged);
            }
            (id, AdOutcome::Changed)
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO ads (site_id, external_id, url, first_seen, last_seen, etag, last_modified)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(site_id)
            .bind(&page.external_id)
            .bind(url)
            .bind(captured_at)
            .bind(captured_at)
            .bind(&validators.etag)
            .bind(&validators.last_modified)
            .fetch_one(&mut *tx)
            .await?;
            (id, AdOutcome::New)
        }
    };
    let municipality = extraction
        .places
        .iter()
        .find_map(|p| p.municipality_code.clone());
    // An ad can change back to an earlier content: reuse that version.
    let old: Option<i64> =
        sqlx::query_scalar("SELECT id FROM ad_versions WHERE ad_id = $1 AND content_sha256 = $2")
            .bind(ad_id)
            .bind(&hash)
            .fetch_optional(&mut *tx)
            .await?;
    let version_id = match old {
        Some(v) => v,
        None => {
            let v: i64 = sqlx::query_scalar(
                "INSERT INTO ad_versions (ad_id, content_sha256, fetch_id, captured_at, title, body, advertiser,
                 place_text, posted, municipality_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(ad_id)
            .bind(&hash)
            .bind(fetch_id)
            .bind(captured_at)
            .bind(&page.title)
            .bind(&page.body)
            .bind(&page.advertiser)
            .bind(&page.place)
            .bind(&page.posted)
            .bind(&municipality)
            .fetch_one(&mut *tx)
            .await?;
            for p in &extraction.phones {
                sqlx::query(
                    "INSERT INTO version_phones (version_id, e164, raw, kind, country, obfuscated) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(v)
                .bind(&p.e164)
                .bind(&p.raw)
                .bind(p.kind.as_str())
                .bind(&p.country)
                .bind(p.obfuscated)
                .execute(&mut *tx)
                .await?;
            }
            for (kind, numbers) in [
                ("licence", &extraction.licence_numbers),
                ("registration", &extraction.registration_numbers),
            ] {
                for n in numbers {
                    sqlx::query(
                        "INSERT INTO version_numbers (version_id, kind, normalized, value, raw, name) VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(v)
                    .bind(kind)
                    .bind(&n.normalized)
                    .bind(&n.value)
                    .bind(&n.raw)
                    .bind(&n.name)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            for (i, p) in extraction.places.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO version_places (version_id, position, name, municipality_code) VALUES ($1, $2, $3, $4)",
                )
                .bind(v)
                .bind(i as i64)
                .bind(&p.name)
                .bind(&p.municipality_code)
                .execute(&mut *tx)
                .await?;
            }
            v
        }
    };
    sqlx::query("UPDATE ads SET current_version_id = $1 WHERE id = $2")
        .bind(version_id)
        .bind(ad_id)
        .execute(&mut *tx)
        .await?;
    Ok(outcome)
}

/// The validators of the ad last fetched from `url`, if it had any.
pub async fn validators(store: &Store, site_id: &str, url: &str) -> Result<Validators> {
    let row: Option<Validators> = sqlx::query_as(
        "SELECT etag, last_modified FROM ads WHERE site_id = $1 AND url = $2 ORDER BY last_seen DESC LIMIT 1",
    )
    .bind(site_id)
    .bind(url)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.unwrap_or_default())
}

/// A 304 Not Modified: the ad at `url` is still there, unchanged. `false` when no ad
/// has that URL (then the caller fetches it in full next time).
pub async fn seen_unchanged(
    tx: &mut AnyConnection,
    site_id: &str,
    url: &str,
    seen_at: &str,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE ads SET last_seen = $1, removed_at = NULL, missed_runs = 0 WHERE site_id = $2 AND url = $3",
    )
    .bind(seen_at)
    .bind(site_id)
    .bind(url)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// After a run whose listings were read completely: every ad of the site the listings
/// did not link (`linked`) has missed one more run; at `remove_after` missed runs it is
/// marked removed (its versions and evidence stay). Returns how many were removed now.
pub async fn mark_missing(
    store: &Store,
    site_id: &str,
    linked: &HashSet<String>,
    remove_after: u32,
) -> Result<i64> {
    let mut tx = store.pool().begin().await?;
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, url FROM ads WHERE site_id = $1 AND removed_at IS NULL")
            .bind(site_id)
            .fetch_all(&mut *tx)
            .await?;
    let at = now();
    let mut removed = 0;
    for (id, url) in rows {
        if linked.contains(&url) {
            continue;
        }
        let missed: i64 = sqlx::query_scalar(
            "UPDATE ads SET missed_runs = missed_runs + 1 WHERE id = $1 RETURNING missed_runs",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if missed >= i64::from(remove_after) {
            sqlx::query("UPDATE ads SET removed_at = $1 WHERE id = $2")
                .bind(&at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            // A decided flag keeps what the person saw; that the ad is gone is an
            // observation on it.
            sqlx::query(
                "INSERT INTO flag_observations (flag_id, kind, version_id, note, observed_at)
                 SELECT f.id, 'ad_removed', NULL, $1, $2 FROM flags f
                 WHERE f.ad_id = $3 AND f.status IN ('confirmed', 'dismissed', 'reported', 'closed')",
            )
            .bind("Advertentie verwijderd na besluit: de site toont de advertentie niet meer")
            .bind(&at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            removed += 1;
        }
    }
    tx.commit().await?;
    Ok(removed)
}

/// The facts of an ad's current version that the rules judge.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CurrentAd {
    pub ad_id: i64,
    pub site_id: String,
    pub url: String,
    pub version_id: i64,
    pub fetch_id: i64,
    pub captured_at: String,
    pub body_sha256: Option<String>,
    pub municipality_code: Option<String>,
    #[sqlx(skip)]
    pub phones: Vec<String>,
    /// (as written, normalised)
    #[sqlx(skip)]
    pub licence_numbers: Vec<(String, String)>,
}

/// Every ad that is not removed, with its current version's extraction.
pub async fn current_ads(store: &Store) -> Result<Vec<CurrentAd>> {
    let mut ads: Vec<CurrentAd> = sqlx::query_as(
        "SELECT a.id AS ad_id, a.site_id, a.url, v.id AS version_id, v.fetch_id, v.captured_at,
                f.body_sha256, v.municipality_code
         FROM ads a JOIN ad_versions v ON v.id = a.current_version_id JOIN fetches f ON f.id = v.fetch_id
         WHERE a.removed_at IS NULL ORDER BY a.id",
    )
    .fetch_all(store.pool())
    .await?;
    let index: std::collections::HashMap<i64, usize> = ads
        .iter()
        .enumerate()
        .map(|(i, a)| (a.version_id, i))
        .collect();
    let phones: Vec<(i64, String)> = sqlx::query_as(
        "SELECT p.version_id, p.e164 FROM version_phones p JOIN ads a ON a.current_version_id = p.version_id ORDER BY p.rowid",
    )
    .fetch_all(store.pool())
    .await?;
    for (version, e164) in phones {
        if let Some(&i) = index.get(&version) {
            ads[i].phones.push(e164);
        }
    }
    let numbers: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT n.version_id, n.value, n.normalized FROM version_numbers n JOIN ads a ON a.current_version_id = n.version_id
         WHERE n.kind = 'licence' ORDER BY n.rowid",
    )
    .fetch_all(store.pool())
    .await?;
    for (version, value, normalized) in numbers {
        if let Some(&i) = index.get(&version) {
            ads[i].licence_numbers.push((value, normalized));
        }
    }
    Ok(ads)
}

/// Number of ads that are not removed.
pub async fn count_ads(store: &Store) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM ads WHERE removed_at IS NULL")
            .fetch_one(store.pool())
            .await?,
    )
}

/// An ad with every stored version, for `/ads/{id}`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdDetail {
    pub id: i64,
    pub site_id: String,
    pub url: String,
    pub first_seen: String,
    pub last_seen: String,
    pub removed_at: Option<String>,
    #[sqlx(skip)]
    pub versions: Vec<AdVersionRow>,
    #[sqlx(skip)]
    pub flag_ids: Vec<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdVersionRow {
    #[sqlx(rename = "id")]
    version_id: i64,
    pub captured_at: String,
    pub title: Option<String>,
    pub body: Option<String>,
    pub advertiser: Option<String>,
    pub place_text: Option<String>,
    #[sqlx(skip)]
    pub phones: Vec<String>,
}

/// How many versions `/ads/{id}` shows at most.
pub const VERSIONS_LIMIT: i64 = 50;

/// The ad with this id and its versions, if `scope` may see it (a restricted scope: only
/// an ad that carries one of its flags, with the versions those flags rest on).
pub async fn ad_detail(store: &Store, scope: &Scope, id: i64) -> Result<Option<AdDetail>> {
    let mut q = Sql::new(
        "SELECT a.id, a.site_id, a.url, a.first_seen, a.last_seen, a.removed_at FROM ads a WHERE a.id = ",
    );
    q.push_bind(id);
    scope.and_ad(&mut q, "a.id");
    let Some(mut ad): Option<AdDetail> = q.build_query_as().fetch_optional(store.pool()).await?
    else {
        return Ok(None);
    };
    let mut q = Sql::new(
        "SELECT v.id, v.captured_at, v.title, v.body, v.advertiser, v.place_text FROM ad_versions v
         WHERE v.ad_id = ",
    );
    q.push_bind(id);
    scope.and_version(&mut q, "v.id");
    q.push(" ORDER BY v.captured_at DESC, v.id DESC LIMIT ")
        .push_bind(VERSIONS_LIMIT);
    ad.versions = q.build_query_as().fetch_all(store.pool()).await?;
    for v in &mut ad.versions {
        v.phones = sqlx::query_scalar(
            "SELECT e164 FROM version_phones WHERE version_id = $1 ORDER BY rowid",
        )
        .bind(v.version_id)
        .fetch_all(store.pool())
        .await?;
    }
    let mut q = Sql::new("SELECT f.id FROM flags f WHERE f.ad_id = ");
    q.push_bind(id);
    scope.and_flag(&mut q, "f");
    q.push(" ORDER BY f.id");
    ad.flag_ids = q.build_query_scalar().fetch_all(store.pool()).await?;
    Ok(Some(ad))
}
