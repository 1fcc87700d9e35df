//! One flag with everything a person needs to judge it on one screen: the ad version it
//! rests on, its phones and numbers, the register entries it was judged against, the
//! other ads with the same phone, and its history.

use super::sql::Sql;

use super::decisions::DecisionRow;
use super::scope::Scope;
use super::{Result, Store, StoreError};
use crate::review::FlagStatus;
use crate::rules::Rule;

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

/// Another ad with one of the flag's phones.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
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
    pub rule: Rule,
    pub strength: i64,
    pub status: FlagStatus,
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
    let e = store.engine();
    let sql = format!(
        "SELECT f.id, f.ad_id, f.rule, f.strength, f.status, f.explanation, f.municipality_code,
                m.name AS municipality_name, f.first_seen, f.last_seen, f.resolved_reason,
                f.escalated_at, f.snapshot_id, rs.imported_at AS snapshot_imported_at,
                a.site_id, a.url, v.id AS version_id, v.captured_at, v.title, v.body,
                v.advertiser, v.place_text, fe.fetched_at, fe.body_sha256, fe.id AS fetch_id,
                fe.warc_file, fe.warc_offset, fe.warc_length, fe.warc_record_sha256,
                {phones} AS phones, {numbers} AS numbers, {decisions} AS decisions,
                f.follows_flag_id, pf.status AS follows_status, pf.municipality_code AS follows_code,
                nf.id AS followed_by, nf.status AS followed_by_status,
                nf.municipality_code AS followed_by_code, {observations} AS observations
         FROM flags f JOIN ads a ON a.id = f.ad_id JOIN ad_versions v ON v.id = f.version_id
         LEFT JOIN flags pf ON pf.id = f.follows_flag_id
         LEFT JOIN flags nf ON nf.follows_flag_id = f.id
         LEFT JOIN fetches fe ON fe.id = v.fetch_id
         LEFT JOIN municipalities m ON m.code = f.municipality_code
         LEFT JOIN register_snapshots rs ON rs.id = f.snapshot_id
         WHERE f.id = $1",
        phones = e.json_rows(
            "e164, raw, kind, country, obfuscated",
            "version_phones WHERE version_id = v.id",
            "rowid"
        ),
        numbers = e.json_rows(
            "kind, value, normalized, raw, name",
            "version_numbers WHERE version_id = v.id",
            "rowid"
        ),
        decisions = e.json_rows(
            "actor, from_status, to_status, note, decided_at",
            "decisions WHERE flag_id = f.id",
            "id"
        ),
        observations = e.json_rows(
            "kind, version_id, note, observed_at",
            "flag_observations WHERE flag_id = f.id",
            "id"
        ),
    );
    let Some(r): Option<DetailRow> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(store.pool())
        .await?
    else {
        return Ok(None);
    };
    if !scope.sees_flag(r.status.as_str(), r.municipality_code.as_deref()) {
        return Ok(None);
    }
    let evidence = match (r.warc_file, r.fetch_id) {
        (Some(file), Some(fetch_id)) => Some(super::ads::StoredEvidence {
            fetch_id,
            url: r.url.clone(),
            file,
            offset: r.warc_offset.unwrap_or(-1),
            length: r.warc_length.unwrap_or(-1),
            body_sha256: r.body_sha256.clone(),
            record_sha256: r.warc_record_sha256,
        }),
        _ => None,
    };
    // Phones, numbers and decisions come with the flag as JSON arrays: one query instead
    // of four (each query is a round trip to a connection thread).
    let phones: Vec<DetailPhone> = json_rows::<PhoneJson>(&r.phones)?
        .into_iter()
        .map(
            |PhoneJson(e164, raw, kind, country, obfuscated)| DetailPhone {
                e164,
                raw,
                kind,
                country,
                // SQLite's JSON has 0/1, PostgreSQL's true/false.
                obfuscated: obfuscated
                    .as_bool()
                    .unwrap_or(obfuscated.as_i64() != Some(0)),
            },
        )
        .collect();
    let numbers: Vec<DetailNumber> = json_rows::<NumberJson>(&r.numbers)?
        .into_iter()
        .map(
            |NumberJson(kind, value, normalized, raw, name)| DetailNumber {
                kind,
                value,
                normalized,
                raw,
                name,
            },
        )
        .collect();
    let decisions: Vec<DecisionRow> = json_rows::<DecisionJson>(&r.decisions)?
        .into_iter()
        .map(
            |DecisionJson(actor, from_status, to_status, note, decided_at)| DecisionRow {
                actor,
                from_status: from_status.map(|s| s.0),
                to_status: to_status.0,
                note,
                decided_at,
            },
        )
        .collect();
    let register = match r.snapshot_id {
        Some(s) => register_entries(store, scope, s, &numbers, &phones).await?,
        None => Vec::new(),
    };
    let linked = linked_ads(store, scope, r.ad_id, &phones).await?;
    // The flag this one follows and the one that follows it (at most one: the unique
    // index `flags_chain`), each only when the scope may see it.
    let visible = |flag: Option<i64>, status: &Option<String>, code: &Option<String>| {
        flag.filter(|_| scope.sees_flag(status.as_deref().unwrap_or(""), code.as_deref()))
    };
    let observations = json_rows::<ObservationJson>(&r.observations)?
        .into_iter()
        .map(
            |ObservationJson(kind, version_id, note, observed_at)| ObservationRow {
                kind,
                version_id,
                note,
                observed_at,
            },
        )
        .collect();
    Ok(Some(FlagDetail {
        id: r.id,
        follows_flag_id: visible(r.follows_flag_id, &r.follows_status, &r.follows_code),
        followed_by: visible(r.followed_by, &r.followed_by_status, &r.followed_by_code),
        observations,
        ad_id: r.ad_id,
        rule: r.rule,
        strength: r.strength,
        status: r.status,
        explanation: r.explanation,
        municipality_code: r.municipality_code,
        municipality_name: r.municipality_name,
        first_seen: r.first_seen,
        last_seen: r.last_seen,
        resolved_reason: r.resolved_reason,
        escalated_at: r.escalated_at,
        snapshot_id: r.snapshot_id,
        snapshot_imported_at: r.snapshot_imported_at,
        site_id: r.site_id,
        url: r.url,
        version_id: r.version_id,
        captured_at: r.captured_at,
        title: r.title,
        body: r.body,
        advertiser: r.advertiser,
        place_text: r.place_text,
        fetched_at: r.fetched_at,
        body_sha256: r.body_sha256,
        evidence,
        phones,
        numbers,
        register,
        linked,
        decisions,
    }))
}

/// The flag detail query's row, by column name.
#[derive(sqlx::FromRow)]
struct DetailRow {
    id: i64,
    ad_id: i64,
    rule: Rule,
    strength: i64,
    status: FlagStatus,
    explanation: String,
    municipality_code: Option<String>,
    municipality_name: Option<String>,
    first_seen: String,
    last_seen: String,
    resolved_reason: Option<String>,
    escalated_at: Option<String>,
    snapshot_id: Option<i64>,
    snapshot_imported_at: Option<String>,
    site_id: String,
    url: String,
    version_id: i64,
    captured_at: String,
    title: Option<String>,
    body: Option<String>,
    advertiser: Option<String>,
    place_text: Option<String>,
    fetched_at: Option<String>,
    body_sha256: Option<String>,
    fetch_id: Option<i64>,
    warc_file: Option<String>,
    warc_offset: Option<i64>,
    warc_length: Option<i64>,
    warc_record_sha256: Option<String>,
    phones: String,
    numbers: String,
    decisions: String,
    follows_flag_id: Option<i64>,
    follows_status: Option<String>,
    follows_code: Option<String>,
    followed_by: Option<i64>,
    followed_by_status: Option<String>,
    followed_by_code: Option<String>,
    observations: String,
}

/// One row of each JSON list of the detail query, in [`super::dialect::Engine::json_rows`]
/// column order.
#[derive(serde::Deserialize)]
struct PhoneJson(String, String, String, String, serde_json::Value);
#[derive(serde::Deserialize)]
struct NumberJson(String, String, String, String, Option<String>);
#[derive(serde::Deserialize)]
struct DecisionJson(
    String,
    Option<StatusJson>,
    StatusJson,
    Option<String>,
    String,
);

/// A status code in a JSON list, read as the store reads it in a column.
#[derive(serde::Deserialize)]
#[serde(try_from = "String")]
struct StatusJson(FlagStatus);

impl TryFrom<String> for StatusJson {
    type Error = String;

    fn try_from(code: String) -> std::result::Result<Self, String> {
        FlagStatus::parse(&code)
            .map(StatusJson)
            .ok_or_else(|| format!("unknown flag status {code:?}"))
    }
}
#[derive(serde::Deserialize)]
struct ObservationJson(String, Option<i64>, String, String);

/// The rows of a JSON list column (see [`super::dialect::Engine::json_rows`]).
fn json_rows<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>> {
    serde_json::from_str(text).map_err(|e| StoreError::Sql(sqlx::Error::Decode(Box::new(e))))
}

/// A licence of the register-entries query.
#[derive(sqlx::FromRow)]
struct RegisterRow {
    licence_number: String,
    holder: String,
    business_type: String,
    municipality_code: String,
    address: Option<String>,
    valid_from: String,
    valid_until: Option<String>,
    status: String,
    normalized: String,
    /// The licence's phones joined by ", ".
    phones: Option<String>,
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
    let e = store.engine();
    let mut q = Sql::new("WITH wanted(n) AS (SELECT NULL WHERE 1 = 0");
    for n in &licence_numbers {
        q.push(" UNION SELECT ").push_bind(*n);
    }
    q.push(format_args!(
        " UNION SELECT normalized FROM licence_phones {} WHERE snapshot_id = ",
        e.indexed_by("licence_phones_e164")
    ))
    .push_bind(snapshot_id)
    .push(" AND e164 IN (");
    q.push_bind_list(phones.iter().map(|p| p.e164.as_str()));
    q.push(format_args!(
        "))
         SELECT l.licence_number, l.holder, l.business_type, l.municipality_code, l.address,
                l.valid_from, l.valid_until, l.status, l.normalized, {} AS phones
         FROM wanted {} licences l ON l.snapshot_id = ",
        e.joined(
            "lp.e164",
            ", ",
            "licence_phones lp WHERE lp.snapshot_id = l.snapshot_id AND lp.normalized = l.normalized",
            "lp.e164"
        ),
        e.join_in_order()
    ))
    .push_bind(snapshot_id)
    .push(" AND l.normalized = wanted.n WHERE 1 = 1");
    scope.and_licence(&mut q, "l");
    let rows: Vec<RegisterRow> = q.build_query_as().fetch_all(store.pool()).await?;
    let mut out: Vec<(usize, RegisterEntry)> = rows
        .into_iter()
        .map(|l| {
            let named = licence_numbers.iter().position(|n| *n == l.normalized);
            (
                named.unwrap_or(usize::MAX),
                RegisterEntry {
                    licence_number: l.licence_number,
                    holder: l.holder,
                    business_type: l.business_type,
                    municipality_code: l.municipality_code,
                    address: l.address,
                    valid_from: l.valid_from,
                    valid_until: l.valid_until,
                    status: l.status,
                    phones: l
                        .phones
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
    // Per ad and phone the newest version that carried the phone, found from two indexes
    // alone (migration 0009: the phone's versions, and each version's ad and capture
    // time); only the page's few rows are then read in full.
    let mut q = Sql::new(
        "SELECT a.id AS ad_id, l.e164, a.site_id, a.url, v.advertiser, v.place_text,
                m.name AS municipality_name, a.first_seen, l.captured_at AS last_seen
         FROM (SELECT ad_id, e164, id, captured_at
               FROM (SELECT v.ad_id, p.e164, v.id, v.captured_at,
                            ROW_NUMBER() OVER (PARTITION BY v.ad_id, p.e164
                                               ORDER BY v.captured_at DESC, v.id DESC) AS newest
                     FROM version_phones p JOIN ad_versions v ON v.id = p.version_id
                     WHERE v.ad_id != ",
    );
    q.push_bind(ad_id).push(" AND p.e164 IN (");
    q.push_bind_list(phones.iter().map(|p| p.e164.as_str()));
    q.push(")");
    scope.and_version(&mut q, "v.id");
    q.push(") AS versions WHERE newest = 1 ORDER BY captured_at DESC, id DESC LIMIT ")
        .push_bind(LINKED_LIMIT);
    q.push(
        ") AS l JOIN ad_versions v ON v.id = l.id JOIN ads a ON a.id = l.ad_id
         LEFT JOIN municipalities m ON m.code = v.municipality_code
         ORDER BY l.captured_at DESC, l.id DESC",
    );
    Ok(q.build_query_as().fetch_all(store.pool()).await?)
}
