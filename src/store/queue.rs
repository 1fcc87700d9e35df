//! The review queue: one page of flags with its filters and sort, the counts per status
//! above it, the filter menus, the generation number its caches key on, and the
//! monitor's anonymous counts.

use super::scope::Scope;
use super::sql::Sql;
use super::types::Truth;
use super::{Result, Store};
use crate::review::FlagStatus;
use crate::rules::Rule;

/// Sort order of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Strongest first, then newest.
    #[default]
    Strength,
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
}

/// Filters of the queue; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct QueueFilter {
    pub status: Option<String>,
    pub rule: Option<String>,
    pub municipality: Option<String>,
    pub site: Option<String>,
    pub min_strength: Option<i64>,
    /// First seen on or after this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// First seen on or before this day (YYYY-MM-DD).
    pub to: Option<String>,
    pub escalated_only: bool,
    /// Restrict to these flag ids (search results).
    pub ids: Option<Vec<i64>>,
}

/// One line of the queue. Holds no personal data: no phone, name, text or URL.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueRow {
    pub id: i64,
    pub rule: Rule,
    pub strength: i64,
    pub status: FlagStatus,
    pub municipality_code: Option<String>,
    pub municipality_name: Option<String>,
    pub site_id: String,
    pub first_seen: String,
    pub last_seen: String,
    #[sqlx(try_from = "Truth")]
    pub escalated: bool,
}

/// One page of the queue and the counts a reviewer sees above it.
#[derive(Debug, Clone, Default)]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    /// Flags matching every filter.
    pub total: i64,
    /// Flags matching every filter but status, per status.
    pub per_status: Vec<(FlagStatus, i64)>,
}

fn push_conditions<'a>(q: &mut Sql<'a>, scope: &'a Scope, f: &'a QueueFilter, with_status: bool) {
    q.push(" WHERE 1 = 1");
    scope.and_flag(q, "f");
    if with_status {
        if let Some(s) = &f.status {
            q.push(" AND f.status = ").push_bind(s);
        }
    }
    if let Some(r) = &f.rule {
        q.push(" AND f.rule = ").push_bind(r);
    }
    if let Some(m) = &f.municipality {
        q.push(" AND f.municipality_code = ").push_bind(m);
    }
    if let Some(s) = &f.site {
        q.push(" AND f.site_id = ").push_bind(s);
    }
    if let Some(n) = f.min_strength {
        q.push(" AND f.strength >= ").push_bind(n);
    }
    if let Some(d) = &f.from {
        q.push(" AND f.first_seen >= ").push_bind(d);
    }
    if let Some(d) = &f.to {
        // Dates are stored as RFC 3339; every time on day `d` sorts before `d` + "U".
        q.push(" AND f.first_seen < ").push_bind(format!("{d}U"));
    }
    if f.escalated_only {
        q.push(" AND f.escalated_at IS NOT NULL");
    }
    if let Some(ids) = &f.ids {
        q.push(" AND f.id IN (");
        q.push_bind_list(ids.iter().copied());
        q.push(")");
    }
}

/// One page of the queue (`page` from 1) with its counts.
pub async fn queue(
    store: &Store,
    scope: &Scope,
    filter: &QueueFilter,
    sort: Sort,
    page: i64,
    per_page: i64,
) -> Result<QueuePage> {
    let rows = queue_rows(store, scope, filter, sort, page, per_page).await?;
    let per_status = status_counts(store, scope, filter).await?;
    Ok(QueuePage::new(rows, per_status, filter))
}

impl QueuePage {
    /// A page from its rows and the per-status counts of its filter.
    pub fn new(
        rows: Vec<QueueRow>,
        per_status: Vec<(FlagStatus, i64)>,
        filter: &QueueFilter,
    ) -> QueuePage {
        let total = match &filter.status {
            Some(s) => per_status
                .iter()
                .find(|(x, _)| x.as_str() == s)
                .map_or(0, |(_, n)| *n),
            None => per_status.iter().map(|(_, n)| n).sum(),
        };
        QueuePage {
            rows,
            total,
            per_status,
        }
    }
}

/// The rows of one page of the queue (`page` from 1).
pub async fn queue_rows(
    store: &Store,
    scope: &Scope,
    filter: &QueueFilter,
    sort: Sort,
    page: i64,
    per_page: i64,
) -> Result<Vec<QueueRow>> {
    let order = match sort {
        Sort::Strength => " ORDER BY f.strength DESC, f.id DESC",
        Sort::Newest => " ORDER BY f.first_seen DESC, f.id DESC",
        Sort::Oldest => " ORDER BY f.first_seen, f.id",
    };
    // The page's ids first, from the indexes alone; only those rows are then read and
    // joined. Skipped rows (OFFSET) and filtered-out rows never touch the table. The site
    // is the flag's own copy (migration 0005), so `ads` is not joined: one table less to
    // plan, and PostgreSQL plans this query anew for every page (its LIMIT and OFFSET).
    // CROSS JOIN keeps SQLite from turning the join around: with the LIMIT bound as a
    // parameter, SQLite 3.46 otherwise scans every flag and probes the page for each.
    let mut q = Sql::new(
        "SELECT f.id, f.rule, f.strength, f.status, f.municipality_code,
                m.name AS municipality_name, f.site_id, f.first_seen, f.last_seen,
                f.escalated_at IS NOT NULL AS escalated
         FROM (SELECT f.id FROM flags f",
    );
    push_conditions(&mut q, scope, filter, true);
    q.push(order)
        .push(" LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind((page.max(1) - 1) * per_page);
    q.push(format_args!(
        ") page {} flags f ON f.id = page.id
         LEFT JOIN municipalities m ON m.code = f.municipality_code",
        store.engine().join_in_order()
    ));
    q.push(order);
    let rows = q.build_query_as().fetch_all(store.pool()).await?;
    Ok(rows)
}

/// Flags matching every filter but status, per status, in lifecycle order.
pub async fn status_counts(
    store: &Store,
    scope: &Scope,
    filter: &QueueFilter,
) -> Result<Vec<(FlagStatus, i64)>> {
    let mut c = Sql::new("SELECT f.status, COUNT(*) FROM flags f");
    push_conditions(&mut c, scope, filter, false);
    c.push(" GROUP BY f.status");
    let mut per_status: Vec<(FlagStatus, i64)> = c.build_query_as().fetch_all(store.pool()).await?;
    per_status.sort_by_key(|(s, _)| FlagStatus::ALL.iter().position(|x| x == s));
    Ok(per_status)
}

/// A number that changes whenever a flag or a site is added, changed or removed, by any
/// process (kept by triggers, migration 0005): what is computed from flags can be
/// cached until it moves.
pub async fn generation(store: &Store) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT n FROM flags_generation WHERE id = 1")
            .fetch_one(store.pool())
            .await?,
    )
}

/// Distinct values for the queue's filter menus.
#[derive(Debug, Clone, Default)]
pub struct FilterChoices {
    pub rules: Vec<Rule>,
    pub sites: Vec<String>,
    /// (code, name)
    pub municipalities: Vec<(String, String)>,
}

pub async fn filter_choices(store: &Store, scope: &Scope) -> Result<FilterChoices> {
    if let Scope::Municipality(_) = scope {
        return scoped_filter_choices(store, scope).await;
    }
    // One index lookup per distinct rule (a loose index scan on flags_rule), instead of
    // reading every flag.
    let rules = sqlx::query_scalar(
        "WITH RECURSIVE r(rule) AS (
             SELECT MIN(rule) FROM flags
             UNION ALL
             SELECT (SELECT MIN(rule) FROM flags WHERE rule > r.rule) FROM r WHERE r.rule IS NOT NULL)
         SELECT rule FROM r WHERE rule IS NOT NULL ORDER BY rule",
    )
    .fetch_all(store.pool())
    .await?;
    let sites = sqlx::query_scalar("SELECT id FROM sites ORDER BY id")
        .fetch_all(store.pool())
        .await?;
    let municipalities = sqlx::query_as(
        // One index probe per municipality, instead of reading every flag.
        "SELECT m.code, m.name FROM municipalities m
         WHERE EXISTS (SELECT 1 FROM flags f WHERE f.municipality_code = m.code) ORDER BY m.name",
    )
    .fetch_all(store.pool())
    .await?;
    Ok(FilterChoices {
        rules,
        sites,
        municipalities,
    })
}

/// The menus of a restricted scope: only values of flags it may see (the flags of one
/// territory, from the municipality index).
async fn scoped_filter_choices(store: &Store, scope: &Scope) -> Result<FilterChoices> {
    let mut q = Sql::new("SELECT DISTINCT f.rule FROM flags f WHERE 1 = 1");
    scope.and_flag(&mut q, "f");
    q.push(" ORDER BY 1");
    let rules = q.build_query_scalar().fetch_all(store.pool()).await?;
    let mut q = Sql::new("SELECT DISTINCT f.site_id FROM flags f WHERE 1 = 1");
    scope.and_flag(&mut q, "f");
    q.push(" ORDER BY 1");
    let sites = q.build_query_scalar().fetch_all(store.pool()).await?;
    let mut q = Sql::new("SELECT code, name FROM municipalities WHERE 1 = 1");
    scope.and_municipality(&mut q, "code");
    q.push(" ORDER BY name");
    let municipalities = q.build_query_as().fetch_all(store.pool()).await?;
    Ok(FilterChoices {
        rules,
        sites,
        municipalities,
    })
}

/// Anonymous counts for the monitor: (municipality name, status, count) of the flags
/// `scope` may see (a municipality: only the decided signals of its own territory).
pub async fn monitor_counts(
    store: &Store,
    scope: &Scope,
) -> Result<Vec<(String, FlagStatus, i64)>> {
    let mut q = Sql::new(
        "SELECT COALESCE(m.name, 'onbekende gemeente'), f.status, COUNT(*) FROM flags f
         LEFT JOIN municipalities m ON m.code = f.municipality_code WHERE 1 = 1",
    );
    scope.and_flag(&mut q, "f");
    q.push(" GROUP BY 1, 2 ORDER BY 1, 2");
    Ok(q.build_query_as().fetch_all(store.pool()).await?)
}
