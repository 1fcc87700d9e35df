//! Crawl runs: their counters, the persistent frontier that lets a killed run resume,
//! selector health per run and per site.

use sqlx::AnyConnection;

use super::types::Truth;
use super::{now, Result, Store};

/// Counters of one crawl run. Saved with every finished page, so a resumed run goes on
/// counting where the killed one stopped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct RunStats {
    /// Requests for pages (listings and ads), robots.txt not included.
    pub pages: i64,
    /// Ads the listings led to that answered: parsed or not modified (304).
    pub ads_seen: i64,
    pub ads_new: i64,
    pub ads_changed: i64,
    /// Ads that the complete listings no longer linked for the configured number of runs.
    pub ads_removed: i64,
    /// Ads that answered 304 Not Modified to a conditional GET.
    pub ads_not_modified: i64,
    /// Ad pages that were parsed (not 304).
    pub ads_parsed: i64,
    pub empty_title: i64,
    pub empty_body: i64,
    pub robots_blocked: i64,
    pub errors: i64,
    /// Listing pages that failed: the listing walk was not complete.
    pub listing_errors: i64,
}

/// The counter columns, by [`RunStats`]'s field names.
const STATS_COLUMNS: &str =
    "pages, ads_seen, ads_new, ads_changed, ads_removed, ads_not_modified, \
     ads_parsed, empty_title, empty_body, robots_blocked, errors, listing_errors";

/// An unfinished run with its counters.
#[derive(sqlx::FromRow)]
struct Unfinished {
    id: i64,
    #[sqlx(flatten)]
    stats: RunStats,
}

/// A run to work on: new, or an unfinished one picked up again.
#[derive(Debug, Clone)]
pub struct OpenRun {
    pub id: i64,
    /// The run was left unfinished (killed) and is resumed.
    pub resumed: bool,
    pub stats: RunStats,
}

/// A URL of a run's frontier.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FrontierEntry {
    pub url: String,
    #[sqlx(try_from = "Truth")]
    pub is_ad: bool,
    #[sqlx(try_from = "Truth")]
    pub done: bool,
}

/// The site's unfinished run if there is one (it was killed), else a new run.
pub async fn open_run(store: &Store, site_id: &str) -> Result<OpenRun> {
    let mut tx = store.pool().begin().await?;
    let sql = format!(
        "SELECT id, {STATS_COLUMNS} FROM crawl_runs
         WHERE site_id = $1 AND status = 'running' ORDER BY id DESC LIMIT 1"
    );
    let unfinished: Option<Unfinished> = sqlx::query_as(&sql)
        .bind(site_id)
        .fetch_optional(&mut *tx)
        .await?;
    let run = match unfinished {
        Some(Unfinished { id, stats }) => {
            sqlx::query("UPDATE crawl_runs SET resumed = resumed + 1 WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            OpenRun {
                id,
                resumed: true,
                stats,
            }
        }
        None => OpenRun {
            id: sqlx::query_scalar(
                "INSERT INTO crawl_runs (site_id, started_at, status) VALUES ($1, $2, 'running') RETURNING id",
            )
            .bind(site_id)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?,
            resumed: false,
            stats: RunStats::default(),
        },
    };
    tx.commit().await?;
    Ok(run)
}

/// Start a new run (without looking for an unfinished one).
pub async fn start_run(store: &Store, site_id: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO crawl_runs (site_id, started_at, status) VALUES ($1, $2, 'running') RETURNING id",
    )
    .bind(site_id)
    .bind(now())
    .fetch_one(store.pool())
    .await?)
}

/// The run's frontier in discovery order.
pub async fn frontier(store: &Store, run_id: i64) -> Result<Vec<FrontierEntry>> {
    Ok(sqlx::query_as(
        "SELECT url, kind = 'ad' AS is_ad, done FROM crawl_frontier WHERE run_id = $1 ORDER BY seq",
    )
    .bind(run_id)
    .fetch_all(store.pool())
    .await?)
}

/// Add URLs to the frontier (known ones are left alone).
pub async fn add_to_frontier(
    conn: &mut AnyConnection,
    run_id: i64,
    urls: &[url::Url],
    is_ad: bool,
) -> Result<()> {
    for url in urls {
        let url = url.as_str();
        sqlx::query(
            "INSERT INTO crawl_frontier (run_id, url, kind, seq)
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM crawl_frontier WHERE run_id = $4))
             ON CONFLICT DO NOTHING",
        )
        .bind(run_id)
        .bind(url)
        .bind(if is_ad { "ad" } else { "listing" })
        .bind(run_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Mark a URL handled and save the run's counters, in the caller's transaction, so that
/// a page counts exactly once however often the process is killed.
pub async fn page_done(
    conn: &mut AnyConnection,
    run_id: i64,
    url: &str,
    stats: &RunStats,
) -> Result<()> {
    sqlx::query("UPDATE crawl_frontier SET done = 1 WHERE run_id = $1 AND url = $2")
        .bind(run_id)
        .bind(url)
        .execute(&mut *conn)
        .await?;
    save_stats(conn, run_id, stats).await
}

async fn save_stats(conn: &mut AnyConnection, run_id: i64, s: &RunStats) -> Result<()> {
    sqlx::query(
        "UPDATE crawl_runs SET pages = $1, ads_seen = $2, ads_new = $3, ads_changed = $4, ads_removed = $5,
         ads_not_modified = $6, ads_parsed = $7, empty_title = $8, empty_body = $9, robots_blocked = $10,
         errors = $11, listing_errors = $12 WHERE id = $13",
    )
    .bind(s.pages)
    .bind(s.ads_seen)
    .bind(s.ads_new)
    .bind(s.ads_changed)
    .bind(s.ads_removed)
    .bind(s.ads_not_modified)
    .bind(s.ads_parsed)
    .bind(s.empty_title)
    .bind(s.empty_body)
    .bind(s.robots_blocked)
    .bind(s.errors)
    .bind(s.listing_errors)
    .bind(run_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A site's selector health as judged after a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub broken: bool,
    /// Dutch; `None` when all is well.
    pub message: Option<String>,
}

/// Close a run: counters, health, duration; drop its frontier; set the site's health.
pub async fn finish_run(
    store: &Store,
    site_id: &str,
    run_id: i64,
    stats: &RunStats,
    health: &Health,
) -> Result<()> {
    let mut tx = store.pool().begin().await?;
    save_stats(&mut tx, run_id, stats).await?;
    let finished = chrono::Utc::now();
    let started: String = sqlx::query_scalar("SELECT started_at FROM crawl_runs WHERE id = $1")
        .bind(run_id)
        .fetch_one(&mut *tx)
        .await?;
    let duration_ms = chrono::DateTime::parse_from_rfc3339(&started)
        .map(|s| (finished - s.with_timezone(&chrono::Utc)).num_milliseconds())
        .ok();
    let state = if health.broken { "broken" } else { "ok" };
    sqlx::query(
        "UPDATE crawl_runs SET finished_at = $1, status = 'finished', duration_ms = $2, health = $3,
         health_message = $4 WHERE id = $5",
    )
    .bind(super::timestamp(finished))
    .bind(duration_ms)
    .bind(state)
    .bind(&health.message)
    .bind(run_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM crawl_frontier WHERE run_id = $1")
        .bind(run_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE sites SET health = $1, health_message = $2, updated_at = $3 WHERE id = $4")
        .bind(state)
        .bind(&health.message)
        .bind(now())
        .bind(site_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// `ads_seen` of the site's finished runs before `run_id`, newest first.
pub async fn previous_ad_counts(
    store: &Store,
    site_id: &str,
    run_id: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT ads_seen FROM crawl_runs WHERE site_id = $1 AND id < $2 AND status = 'finished'
         ORDER BY id DESC LIMIT $3",
    )
    .bind(site_id)
    .bind(run_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// One site with its health and last run, for `webwacht sites`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SiteStatus {
    pub id: String,
    pub name: String,
    pub health: String,
    pub health_message: Option<String>,
    #[sqlx(skip)]
    pub last_run: Option<RunSummary>,
    pub ads_current: i64,
}

/// One run as `webwacht sites` shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RunSummary {
    pub id: i64,
    pub started_at: String,
    pub status: String,
    pub duration_ms: Option<i64>,
    #[sqlx(flatten)]
    pub stats: RunStats,
}

/// Every site the crawler has seen, with its newest run.
pub async fn site_statuses(store: &Store) -> Result<Vec<SiteStatus>> {
    let mut sites: Vec<SiteStatus> = sqlx::query_as(
        "SELECT s.id, s.name, s.health, s.health_message,
                (SELECT COUNT(*) FROM ads a WHERE a.site_id = s.id AND a.removed_at IS NULL)
                  AS ads_current
         FROM sites s ORDER BY s.id",
    )
    .fetch_all(store.pool())
    .await?;
    for site in &mut sites {
        site.last_run = recent_runs(store, &site.id, 1).await?.into_iter().next();
    }
    Ok(sites)
}

/// The site's newest runs, newest first.
pub async fn recent_runs(store: &Store, site_id: &str, limit: i64) -> Result<Vec<RunSummary>> {
    let sql = format!(
        "SELECT id, started_at, status, duration_ms, {STATS_COLUMNS}
         FROM crawl_runs WHERE site_id = $1 ORDER BY id DESC LIMIT $2"
    );
    Ok(sqlx::query_as(&sql)
        .bind(site_id)
        .bind(limit)
        .fetch_all(store.pool())
        .await?)
}
