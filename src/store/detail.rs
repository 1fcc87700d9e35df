//! One flag with everything a person needs to judge it on one screen: the ad version it
//! rests on, its phones and numbers, the register entries it was judged against, the
//! other ads with the same phone, and its history.

use sqlx::Row;

use super::sql::Sql;

use super::decisions::DecisionRow;
use super::scope::Scope;
use super::{Result, Store, StoreError};

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
    let e = store.engine();
    let sql = format!(
        "SELECT f.id, f.ad_id, f.rule, f.strength, f.status, f.explanation, f.municipality_code, m.name,
                f.first_seen, f.last_seen, f.resolved_reason, f.escalated_at, f.snapshot_id, rs.imported_at,
                a.site_id, a.url, v.id, v.captured_at, v.title, v.body, v.advertiser, v.place_text,
                fe.fetched_at, fe.body_sha256, fe.id, fe.warc_file, fe.warc_offset, fe.warc_length,
                fe.warc_record_sha256,
                {phones}, {numbers}, {decisions},
                f.follows_flag_id, pf.status, pf.municipality_code, nf.id, nf.status, nf.municipality_code,
                {observations}
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
    let Some(r) = sqlx::query(&sql)
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
            // SQLite's JSON has 0/1, PostgreSQL's true/false.
            obfuscated: p
                .get(4)
                .is_some_and(|v| v.as_bool().unwrap_or(v.as_i64() != Some(0))),
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
                l.valid_from, l.valid_until, l.status, l.normalized, {}
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
    // Per ad and phone the newest version that carried the phone.
    let mut q = Sql::new(
        "SELECT id, e164, site_id, url, advertiser, place_text, municipality_name, first_seen,
                captured_at
         FROM (SELECT a.id, p.e164, a.site_id, a.url, v.advertiser, v.place_text,
                      m.name AS municipality_name, a.first_seen, v.captured_at,
                      ROW_NUMBER() OVER (PARTITION BY a.id, p.e164
                                         ORDER BY v.captured_at DESC, v.id DESC) AS newest
               FROM version_phones p JOIN ad_versions v ON v.id = p.version_id
               JOIN ads a ON a.id = v.ad_id
               LEFT JOIN municipalities m ON m.code = v.municipality_code
               WHERE a.id != ",
    );
    q.push_bind(ad_id).push(" AND p.e164 IN (");
    q.push_bind_list(phones.iter().map(|p| p.e164.as_str()));
    q.push(")");
    scope.and_version(&mut q, "v.id");
    q.push(") AS linked WHERE newest = 1 ORDER BY captured_at DESC, id DESC LIMIT ")
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
