//! What the review UI reads and writes: the queue with its filters and counts, one flag
//! with everything needed to judge it, people's decisions, the phone timeline and search.

use sqlx::{QueryBuilder, Row, Sqlite};

use super::{now, Result, Store, StoreError};
use crate::review::FlagStatus;

pub use super::scope::{Scope, MUNICIPALITY_STATUSES};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub id: i64,
    pub rule: String,
    pub strength: i64,
    pub status: String,
    pub municipality_code: Option<String>,
    pub municipality_name: Option<String>,
    pub site_id: String,
    pub first_seen: String,
    pub last_seen: String,
    pub escalated: bool,
}

/// One page of the queue and the counts a reviewer sees above it.
#[derive(Debug, Clone, Default)]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    /// Flags matching every filter.
    pub total: i64,
    /// Flags matching every filter but status, per status.
    pub per_status: Vec<(String, i64)>,
}

fn push_conditions<'a>(
    q: &mut QueryBuilder<'a, Sqlite>,
    scope: &'a Scope,
    f: &'a QueueFilter,
    with_status: bool,
) {
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
        if ids.is_empty() {
            q.push("NULL");
        }
        let mut sep = q.separated(", ");
        for id in ids {
            sep.push_bind(*id);
        }
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
        per_status: Vec<(String, i64)>,
        filter: &QueueFilter,
    ) -> QueuePage {
        let total = match &filter.status {
            Some(s) => per_status
                .iter()
                .find(|(x, _)| x == s)
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
    // joined. Skipped rows (OFFSET) and filtered-out rows never touch the table or `ads`.
    // CROSS JOIN keeps SQLite from turning the join around: with the LIMIT bound as a
    // parameter, SQLite 3.46 otherwise scans every flag and probes the page for each.
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT f.id, f.rule, f.strength, f.status, f.municipality_code, m.name, a.site_id,
                f.first_seen, f.last_seen, f.escalated_at IS NOT NULL
         FROM (SELECT f.id FROM flags f",
    );
    push_conditions(&mut q, scope, filter, true);
    q.push(order)
        .push(" LIMIT ")
        .push_bind(per_page)
        .push(" OFFSET ")
        .push_bind((page.max(1) - 1) * per_page);
    q.push(
        ") page CROSS JOIN flags f ON f.id = page.id JOIN ads a ON a.id = f.ad_id
         LEFT JOIN municipalities m ON m.code = f.municipality_code",
    );
    q.push(order);
    let rows = q
        .build()
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|r| QueueRow {
            id: r.get(0),
            rule: r.get(1),
            strength: r.get(2),
            status: r.get(3),
            municipality_code: r.get(4),
            municipality_name: r.get(5),
            site_id: r.get(6),
            first_seen: r.get(7),
            last_seen: r.get(8),
            escalated: r.get(9),
        })
        .collect();
    Ok(rows)
}

/// Flags matching every filter but status, per status, in lifecycle order.
pub async fn status_counts(
    store: &Store,
    scope: &Scope,
    filter: &QueueFilter,
) -> Result<Vec<(String, i64)>> {
    let mut c = QueryBuilder::<Sqlite>::new("SELECT f.status, COUNT(*) FROM flags f");
    push_conditions(&mut c, scope, filter, false);
    c.push(" GROUP BY f.status");
    let mut per_status: Vec<(String, i64)> = c
        .build()
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    per_status.sort_by_key(|(s, _)| {
        FlagStatus::ALL
            .iter()
            .position(|x| x.as_str() == s)
            .unwrap_or(usize::MAX)
    });
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
    pub rules: Vec<String>,
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
    let municipalities = sqlx::query(
        // One index probe per municipality, instead of reading every flag.
        "SELECT m.code, m.name FROM municipalities m
         WHERE EXISTS (SELECT 1 FROM flags f WHERE f.municipality_code = m.code) ORDER BY m.name",
    )
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    Ok(FilterChoices {
        rules,
        sites,
        municipalities,
    })
}

/// The menus of a restricted scope: only values of flags it may see (the flags of one
/// territory, from the municipality index).
async fn scoped_filter_choices(store: &Store, scope: &Scope) -> Result<FilterChoices> {
    let mut q = QueryBuilder::<Sqlite>::new("SELECT DISTINCT f.rule FROM flags f WHERE 1 = 1");
    scope.and_flag(&mut q, "f");
    q.push(" ORDER BY 1");
    let rules = q.build_query_scalar().fetch_all(store.pool()).await?;
    let mut q = QueryBuilder::<Sqlite>::new("SELECT DISTINCT f.site_id FROM flags f WHERE 1 = 1");
    scope.and_flag(&mut q, "f");
    q.push(" ORDER BY 1");
    let sites = q.build_query_scalar().fetch_all(store.pool()).await?;
    let mut q = QueryBuilder::<Sqlite>::new("SELECT code, name FROM municipalities WHERE 1 = 1");
    scope.and_municipality(&mut q, "code");
    q.push(" ORDER BY name");
    let municipalities = q
        .build()
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    Ok(FilterChoices {
        rules,
        sites,
        municipalities,
    })
}

/// A phone found in the captured ad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailPhone {
    pub e164: String,
    pub raw: String,
    pub kind: String,
    pub country: String,
    pub obfuscated: bool,
}

/// A licence or registration number found in the captured ad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailNumber {
    pub kind: String,
    pub value: String,
    pub normalized: String,
    pub raw: String,
    /// The woman's name the number stands next to in an agency's list.
    pub name: Option<String>,
}

/// A register entry the ad was judged against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    pub licence_number: String,
    pub holder: String,
    pub business_type: String,
    pub municipality_code: String,
    pub address: Option<String>,
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub status: String,
    pub phones: Vec<String>,
    /// Why it is shown: the ad names its number, or it holds one of the ad's phones.
    pub matched_on: &'static str,
}

/// One decision in a flag's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    pub actor: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: Option<String>,
    pub decided_at: String,
}

/// Another ad with one of the flag's phones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedAd {
    pub ad_id: i64,
    pub e164: String,
    pub site_id: String,
    pub url: String,
    pub advertiser: Option<String>,
    pub place_text: Option<String>,
    pub municipality_name: Option<String>,
    pub first_seen: String,
    pub last_seen: String,
}

/// Everything the one-screen review of a flag needs.
#[derive(Debug, Clone)]
pub struct FlagDetail {
    pub id: i64,
    pub ad_id: i64,
    pub rule: String,
    pub strength: i64,
    pub status: String,
    pub explanation: String,
    pub municipality_code: Option<String>,
    pub municipality_name: Option<String>,
    pub first_seen: String,
    pub last_seen: String,
    pub resolved_reason: Option<String>,
    pub escalated_at: Option<String>,
    pub snapshot_id: Option<i64>,
    pub snapshot_imported_at: Option<String>,
    pub site_id: String,
    pub url: String,
    pub version_id: i64,
    pub captured_at: String,
    pub title: Option<String>,
    pub body: Option<String>,
    pub advertiser: Option<String>,
    pub place_text: Option<String>,
    pub fetched_at: Option<String>,
    pub body_sha256: Option<String>,
    pub evidence: Option<super::ads::StoredEvidence>,
    pub phones: Vec<DetailPhone>,
    pub numbers: Vec<DetailNumber>,
    pub register: Vec<RegisterEntry>,
    pub linked: Vec<LinkedAd>,
    pub decisions: Vec<DecisionRow>,
    /// What the system saw happen to the ad after a person's decision.
    pub observations: Vec<ObservationRow>,
    /// The decided flag this one follows (the ad changed after that decision).
    pub follows_flag_id: Option<i64>,
    /// The newer flag that follows this decided one, if the scope may see it.
    pub followed_by: Option<i64>,
}

/// An observation on a decided flag (append-only, `flag_observations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservationRow {
    /// `ad_changed` or `ad_removed`.
    pub kind: String,
    pub version_id: Option<i64>,
    pub note: String,
    pub observed_at: String,
}

/// How many other ads with the same phone the detail page lists at most.
pub const LINKED_LIMIT: i64 = 100;

/// The flag with this id, if `scope` may see it.
pub async fn flag_detail(store: &Store, scope: &Scope, id: i64) -> Result<Option<FlagDetail>> {
    let Some(r) = sqlx::query(
        "SELECT f.id, f.ad_id, f.rule, f.strength, f.status, f.explanation, f.municipality_code, m.name,
                f.first_seen, f.last_seen, f.resolved_reason, f.escalated_at, f.snapshot_id, rs.imported_at,
                a.site_id, a.url, v.id, v.captured_at, v.title, v.body, v.advertiser, v.place_text,
                fe.fetched_at, fe.body_sha256, fe.id, fe.warc_file, fe.warc_offset, fe.warc_length,
                fe.warc_record_sha256,
                (SELECT json_group_array(json_array(e164, raw, kind, country, obfuscated)) FROM
                  (SELECT * FROM version_phones WHERE version_id = v.id ORDER BY rowid)),
                (SELECT json_group_array(json_array(kind, value, normalized, raw, name)) FROM
                  (SELECT * FROM version_numbers WHERE version_id = v.id ORDER BY rowid)),
                (SELECT json_group_array(json_array(actor, from_status, to_status, note, decided_at)) FROM
                  (SELECT * FROM decisions WHERE flag_id = f.id ORDER BY id)),
                f.follows_flag_id, pf.status, pf.municipality_code, nf.id, nf.status, nf.municipality_code,
                (SELECT json_group_array(json_array(kind, version_id, note, observed_at)) FROM
                  (SELECT * FROM flag_observations WHERE flag_id = f.id ORDER BY id))
         FROM flags f JOIN ads a ON a.id = f.ad_id JOIN ad_versions v ON v.id = f.version_id
         LEFT JOIN flags pf ON pf.id = f.follows_flag_id
         LEFT JOIN flags nf ON nf.follows_flag_id = f.id
         LEFT JOIN fetches fe ON fe.id = v.fetch_id
         LEFT JOIN municipalities m ON m.code = f.municipality_code
         LEFT JOIN register_snapshots rs ON rs.id = f.snapshot_id
         WHERE f.id = ?",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?
    else {
        return Ok(None);
    };
    let status: String = r.get(4);
    let municipality_code: Option<String> = r.get(6);
    if !scope.sees_flag(&status, municipality_code.as_deref()) {
        return Ok(None);
    }
    let version_id: i64 = r.get(16);
    let url: String = r.get(15);
    let evidence = match (r.get::<Option<String>, _>(25), r.get::<Option<i64>, _>(24)) {
        (Some(file), Some(fetch_id)) => Some(super::ads::StoredEvidence {
            fetch_id,
            url: url.clone(),
            file,
            offset: r.get::<Option<i64>, _>(26).unwrap_or(-1),
            length: r.get::<Option<i64>, _>(27).unwrap_or(-1),
            body_sha256: r.get(23),
            record_sha256: r.get(28),
        }),
        _ => None,
    };
    // Phones, numbers and decisions come with the flag as JSON arrays: one query instead
    // of four (each query is a round trip to a connection thread).
    let phones: Vec<DetailPhone> = json_rows(&r.get::<String, _>(29))?
        .into_iter()
        .map(|p| DetailPhone {
            e164: text_at(&p, 0),
            raw: text_at(&p, 1),
            kind: text_at(&p, 2),
            country: text_at(&p, 3),
            obfuscated: p.get(4).and_then(serde_json::Value::as_i64).unwrap_or(0) != 0,
        })
        .collect();
    let numbers: Vec<DetailNumber> = json_rows(&r.get::<String, _>(30))?
        .into_iter()
        .map(|n| DetailNumber {
            kind: text_at(&n, 0),
            value: text_at(&n, 1),
            normalized: text_at(&n, 2),
            raw: text_at(&n, 3),
            name: n.get(4).and_then(|v| v.as_str()).map(str::to_string),
        })
        .collect();
    let decisions: Vec<DecisionRow> = json_rows(&r.get::<String, _>(31))?
        .into_iter()
        .map(|d| DecisionRow {
            actor: text_at(&d, 0),
            from_status: d.get(1).and_then(|v| v.as_str()).map(str::to_string),
            to_status: text_at(&d, 2),
            note: d.get(3).and_then(|v| v.as_str()).map(str::to_string),
            decided_at: text_at(&d, 4),
        })
        .collect();
    let snapshot_id: Option<i64> = r.get(12);
    let register = match snapshot_id {
        Some(s) => register_entries(store, scope, s, &numbers, &phones).await?,
        None => Vec::new(),
    };
    let ad_id: i64 = r.get(1);
    let linked = linked_ads(store, scope, ad_id, &phones).await?;
    // The flag this one follows and the one that follows it (at most one: the unique
    // index `flags_chain`), each only when the scope may see it.
    let visible = |id: usize| -> Option<i64> {
        let flag: Option<i64> = r.get(id);
        let status: Option<String> = r.get(id + 1);
        let code: Option<String> = r.get(id + 2);
        flag.filter(|_| scope.sees_flag(status.as_deref().unwrap_or(""), code.as_deref()))
    };
    let observations = json_rows(&r.get::<String, _>(38))?
        .into_iter()
        .map(|o| ObservationRow {
            kind: text_at(&o, 0),
            version_id: o.get(1).and_then(serde_json::Value::as_i64),
            note: text_at(&o, 2),
            observed_at: text_at(&o, 3),
        })
        .collect();
    Ok(Some(FlagDetail {
        id: r.get(0),
        follows_flag_id: visible(32),
        followed_by: visible(35),
        observations,
        ad_id,
        rule: r.get(2),
        strength: r.get(3),
        status,
        explanation: r.get(5),
        municipality_code,
        municipality_name: r.get(7),
        first_seen: r.get(8),
        last_seen: r.get(9),
        resolved_reason: r.get(10),
        escalated_at: r.get(11),
        snapshot_id,
        snapshot_imported_at: r.get(13),
        site_id: r.get(14),
        url,
        version_id,
        captured_at: r.get(17),
        title: r.get(18),
        body: r.get(19),
        advertiser: r.get(20),
        place_text: r.get(21),
        fetched_at: r.get(22),
        body_sha256: r.get(23),
        evidence,
        phones,
        numbers,
        register,
        linked,
        decisions,
    }))
}

/// The rows of a `json_group_array(json_array(...))` column.
fn json_rows(text: &str) -> Result<Vec<Vec<serde_json::Value>>> {
    serde_json::from_str(text).map_err(|e| StoreError::Sql(sqlx::Error::Decode(Box::new(e))))
}

fn text_at(row: &[serde_json::Value], i: usize) -> String {
    row.get(i)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_string()
}

async fn register_entries(
    store: &Store,
    scope: &Scope,
    snapshot_id: i64,
    numbers: &[DetailNumber],
    phones: &[DetailPhone],
) -> Result<Vec<RegisterEntry>> {
    let licence_numbers: Vec<&str> = numbers
        .iter()
        .filter(|n| n.kind == "licence")
        .map(|n| n.normalized.as_str())
        .collect();
    if licence_numbers.is_empty() && phones.is_empty() {
        return Ok(Vec::new());
    }
    // One query: the licences the ad names, and those that hold one of its phones, each
    // found through its own index (an OR of the two lets SQLite scan the whole snapshot).
    let mut q = QueryBuilder::<Sqlite>::new("WITH wanted(n) AS (SELECT NULL WHERE 0");
    for n in &licence_numbers {
        q.push(" UNION SELECT ").push_bind(*n);
    }
    q.push(" UNION SELECT normalized FROM licence_phones INDEXED BY licence_phones_e164 WHERE snapshot_id = ")
        .push_bind(snapshot_id)
        .push(" AND e164 IN (");
    let mut sep = q.separated(", ");
    sep.push("NULL");
    for p in phones {
        sep.push_bind(&p.e164);
    }
    q.push(
        "))
         SELECT l.licence_number, l.holder, l.business_type, l.municipality_code, l.address,
                l.valid_from, l.valid_until, l.status, l.normalized,
                (SELECT group_concat(e164, ', ') FROM (SELECT lp.e164 FROM licence_phones lp
                  WHERE lp.snapshot_id = l.snapshot_id AND lp.normalized = l.normalized ORDER BY lp.e164))
         FROM wanted CROSS JOIN licences l ON l.snapshot_id = ",
    )
    .push_bind(snapshot_id)
    .push(" AND l.normalized = wanted.n WHERE 1 = 1");
    scope.and_licence(&mut q, "l");
    let mut out: Vec<(usize, RegisterEntry)> = q
        .build()
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|l| {
            let normalized: String = l.get(8);
            let named = licence_numbers.iter().position(|n| *n == normalized);
            let phones: Option<String> = l.get(9);
            (
                named.unwrap_or(usize::MAX),
                RegisterEntry {
                    licence_number: l.get(0),
                    holder: l.get(1),
                    business_type: l.get(2),
                    municipality_code: l.get(3),
                    address: l.get(4),
                    valid_from: l.get(5),
                    valid_until: l.get(6),
                    status: l.get(7),
                    phones: phones
                        .map(|p| p.split(", ").map(str::to_string).collect())
                        .unwrap_or_default(),
                    matched_on: if named.is_some() {
                        "vergunningnummer in de advertentie"
                    } else {
                        "telefoonnummer uit de advertentie"
                    },
                },
            )
        })
        .collect();
    // Named licences first, in the ad's order; then those found through a phone.
    out.sort_by(|a, b| (a.0, &a.1.licence_number).cmp(&(b.0, &b.1.licence_number)));
    Ok(out.into_iter().map(|(_, e)| e).collect())
}

/// Other ads that carried one of `phones`, newest first. A restricted scope sees only the
/// ads its own signals rest on, as they were when decided (the pinned version), so
/// neither another territory nor an undecided suspicion shows.
async fn linked_ads(
    store: &Store,
    scope: &Scope,
    ad_id: i64,
    phones: &[DetailPhone],
) -> Result<Vec<LinkedAd>> {
    if phones.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT a.id, p.e164, a.site_id, a.url, v.advertiser, v.place_text, m.name, a.first_seen,
                MAX(v.captured_at)
         FROM version_phones p JOIN ad_versions v ON v.id = p.version_id JOIN ads a ON a.id = v.ad_id
         LEFT JOIN municipalities m ON m.code = v.municipality_code
         WHERE a.id != ",
    );
    q.push_bind(ad_id).push(" AND p.e164 IN (");
    let mut sep = q.separated(", ");
    for p in phones {
        sep.push_bind(&p.e164);
    }
    q.push(")");
    scope.and_version(&mut q, "v.id");
    q.push(" GROUP BY a.id, p.e164 ORDER BY MAX(v.captured_at) DESC, a.id DESC LIMIT ")
        .push_bind(LINKED_LIMIT);
    Ok(q.build()
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|r| LinkedAd {
            ad_id: r.get(0),
            e164: r.get(1),
            site_id: r.get(2),
            url: r.get(3),
            advertiser: r.get(4),
            place_text: r.get(5),
            municipality_name: r.get(6),
            first_seen: r.get(7),
            last_seen: r.get(8),
        })
        .collect())
}

/// The decisions on a flag, oldest first.
pub async fn decisions(store: &Store, flag_id: i64) -> Result<Vec<DecisionRow>> {
    Ok(sqlx::query(
        "SELECT actor, from_status, to_status, note, decided_at FROM decisions WHERE flag_id = ? ORDER BY id",
    )
    .bind(flag_id)
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(|r| DecisionRow {
        actor: r.get(0),
        from_status: r.get(1),
        to_status: r.get(2),
        note: r.get(3),
        decided_at: r.get(4),
    })
    .collect())
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
        "UPDATE flags SET status = ?, escalated_at = CASE WHEN ? THEN COALESCE(escalated_at, ?) ELSE NULL END
         WHERE id = ? AND status = ? AND version_id = ?",
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
            "INSERT INTO decisions (flag_id, actor, from_status, to_status, note, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
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
    sqlx::query("INSERT INTO audit_log (at, actor, action, object, detail) VALUES (?, ?, ?, ?, ?)")
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

/// One capture in the timeline of a phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneSighting {
    pub captured_at: String,
    pub ad_id: i64,
    pub site_id: String,
    pub url: String,
    pub advertiser: Option<String>,
    pub place_text: Option<String>,
    pub municipality_name: Option<String>,
    pub raw: String,
    pub obfuscated: bool,
}

/// How many captures the phone page shows at most.
pub const TIMELINE_LIMIT: i64 = 500;

/// Every capture of an ad that carried `e164`, newest first (a restricted scope: only the
/// captures its own signals rest on).
pub async fn phone_timeline(
    store: &Store,
    scope: &Scope,
    e164: &str,
) -> Result<Vec<PhoneSighting>> {
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT v.captured_at, a.id, a.site_id, a.url, v.advertiser, v.place_text, m.name, p.raw, p.obfuscated
         FROM version_phones p JOIN ad_versions v ON v.id = p.version_id JOIN ads a ON a.id = v.ad_id
         LEFT JOIN municipalities m ON m.code = v.municipality_code
         WHERE p.e164 = ",
    );
    q.push_bind(e164);
    scope.and_version(&mut q, "v.id");
    q.push(" ORDER BY v.captured_at DESC, v.id DESC LIMIT ")
        .push_bind(TIMELINE_LIMIT);
    Ok(q.build()
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|r| PhoneSighting {
            captured_at: r.get(0),
            ad_id: r.get(1),
            site_id: r.get(2),
            url: r.get(3),
            advertiser: r.get(4),
            place_text: r.get(5),
            municipality_name: r.get(6),
            raw: r.get(7),
            obfuscated: r.get::<i64, _>(8) != 0,
        })
        .collect())
}

/// Ids of the flags `scope` may see on ads that ever carried `e164`.
pub async fn flags_with_phone(store: &Store, scope: &Scope, e164: &str) -> Result<Vec<i64>> {
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT f.id FROM flags f WHERE f.ad_id IN
           (SELECT v.ad_id FROM version_phones p JOIN ad_versions v ON v.id = p.version_id WHERE p.e164 = ",
    );
    q.push_bind(e164).push(")");
    scope.and_flag(&mut q, "f");
    q.push(" ORDER BY f.id");
    Ok(q.build_query_scalar().fetch_all(store.pool()).await?)
}

/// How many flags a search returns at most.
pub const SEARCH_LIMIT: i64 = 500;

/// What one search looks for; every part is optional and the results are joined.
#[derive(Debug, Clone, Default)]
pub struct SearchTerms {
    /// Phones in E.164, already parsed from whatever notation was typed.
    pub phones: Vec<String>,
    /// A licence or registration number, normalised (upper case, letters and digits).
    pub number: Option<String>,
    /// Municipality codes of a place name.
    pub municipalities: Vec<String>,
    /// The text as typed, matched in title, body, advertiser and place of the capture.
    pub text: Option<String>,
}

/// Ids of the flags `scope` may see matching any of the terms, newest first.
pub async fn search(store: &Store, scope: &Scope, t: &SearchTerms) -> Result<Vec<i64>> {
    let mut q = QueryBuilder::<Sqlite>::new("SELECT f.id FROM flags f WHERE (0");
    if !t.phones.is_empty() {
        q.push(
            " OR f.ad_id IN (SELECT v.ad_id FROM version_phones p JOIN ad_versions v ON v.id = p.version_id
              WHERE p.e164 IN (",
        );
        let mut sep = q.separated(", ");
        for p in &t.phones {
            sep.push_bind(p);
        }
        q.push("))");
    }
    if let Some(n) = &t.number {
        q.push(
            " OR f.ad_id IN (SELECT v.ad_id FROM version_numbers n JOIN ad_versions v ON v.id = n.version_id
              WHERE n.normalized = ",
        )
        .push_bind(n)
        .push(")");
    }
    if !t.municipalities.is_empty() {
        q.push(" OR f.municipality_code IN (");
        let mut sep = q.separated(", ");
        for m in &t.municipalities {
            sep.push_bind(m);
        }
        q.push(")");
    }
    if let Some(text) = &t.text {
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        q.push(" OR f.version_id IN (SELECT id FROM ad_versions WHERE title LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR body LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR advertiser LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR place_text LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    q.push(")");
    scope.and_flag(&mut q, "f");
    q.push(" ORDER BY f.first_seen DESC, f.id DESC LIMIT ")
        .push_bind(SEARCH_LIMIT);
    Ok(q.build_query_scalar().fetch_all(store.pool()).await?)
}

/// Municipality codes for a place or municipality name (case-insensitive).
pub async fn municipalities_named(store: &Store, name: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT code FROM municipalities WHERE name = ?1 COLLATE NOCASE
         UNION SELECT municipality_code FROM places WHERE name = ?1 COLLATE NOCASE",
    )
    .bind(name)
    .fetch_all(store.pool())
    .await?)
}

/// One audit-log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    Ok(sqlx::query(
        "SELECT id, at, actor, action, object, detail FROM audit_log
         WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR object = ?2) AND (?3 IS NULL OR id < ?3)
         ORDER BY id DESC LIMIT ?4",
    )
    .bind(actor)
    .bind(object)
    .bind(before)
    .bind(limit)
    .fetch_all(store.pool())
    .await?
    .into_iter()
    .map(|r| AuditRow {
        id: r.get(0),
        at: r.get(1),
        actor: r.get(2),
        action: r.get(3),
        object: r.get(4),
        detail: r.get(5),
    })
    .collect())
}

/// An ad with every stored version, for `/ads/{id}`.
#[derive(Debug, Clone)]
pub struct AdDetail {
    pub id: i64,
    pub site_id: String,
    pub url: String,
    pub first_seen: String,
    pub last_seen: String,
    pub removed_at: Option<String>,
    pub versions: Vec<AdVersionRow>,
    pub flag_ids: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct AdVersionRow {
    pub captured_at: String,
    pub title: Option<String>,
    pub body: Option<String>,
    pub advertiser: Option<String>,
    pub place_text: Option<String>,
    pub phones: Vec<String>,
}

/// How many versions `/ads/{id}` shows at most.
pub const VERSIONS_LIMIT: i64 = 50;

/// The ad with this id and its versions, if `scope` may see it (a restricted scope: only
/// an ad that carries one of its flags, with the versions those flags rest on).
pub async fn ad_detail(store: &Store, scope: &Scope, id: i64) -> Result<Option<AdDetail>> {
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT a.id, a.site_id, a.url, a.first_seen, a.last_seen, a.removed_at FROM ads a WHERE a.id = ",
    );
    q.push_bind(id);
    scope.and_ad(&mut q, "a.id");
    let Some(a) = q.build().fetch_optional(store.pool()).await? else {
        return Ok(None);
    };
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT v.id, v.captured_at, v.title, v.body, v.advertiser, v.place_text FROM ad_versions v
         WHERE v.ad_id = ",
    );
    q.push_bind(id);
    scope.and_version(&mut q, "v.id");
    q.push(" ORDER BY v.captured_at DESC, v.id DESC LIMIT ")
        .push_bind(VERSIONS_LIMIT);
    let mut versions = Vec::new();
    for v in q.build().fetch_all(store.pool()).await? {
        let phones = sqlx::query_scalar(
            "SELECT e164 FROM version_phones WHERE version_id = ? ORDER BY rowid",
        )
        .bind(v.get::<i64, _>(0))
        .fetch_all(store.pool())
        .await?;
        versions.push(AdVersionRow {
            captured_at: v.get(1),
            title: v.get(2),
            body: v.get(3),
            advertiser: v.get(4),
            place_text: v.get(5),
            phones,
        });
    }
    let mut q = QueryBuilder::<Sqlite>::new("SELECT f.id FROM flags f WHERE f.ad_id = ");
    q.push_bind(id);
    scope.and_flag(&mut q, "f");
    q.push(" ORDER BY f.id");
    let flag_ids = q.build_query_scalar().fetch_all(store.pool()).await?;
    Ok(Some(AdDetail {
        id: a.get(0),
        site_id: a.get(1),
        url: a.get(2),
        first_seen: a.get(3),
        last_seen: a.get(4),
        removed_at: a.get(5),
        versions,
        flag_ids,
    }))
}

/// Anonymous counts for the monitor: (municipality name, status, count) of the flags
/// `scope` may see (a municipality: only the decided signals of its own territory).
pub async fn monitor_counts(store: &Store, scope: &Scope) -> Result<Vec<(String, String, i64)>> {
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT COALESCE(m.name, 'onbekende gemeente'), f.status, COUNT(*) FROM flags f
         LEFT JOIN municipalities m ON m.code = f.municipality_code WHERE 1 = 1",
    );
    scope.and_flag(&mut q, "f");
    q.push(" GROUP BY 1, 2 ORDER BY 1, 2");
    Ok(q.build()
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}
