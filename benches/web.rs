//! Load benchmark of the review UI on loopback (not a timed test): 100,000 synthetic flags
//! in a SQLite store, 20 researchers logged in through the real login form, each with
//! their own connection, asking for the queue (`/flags`, a mix of filters) and for single
//! flags (`/flags/{id}`, which also writes an audit row and reads the WARC evidence).
//! Prints p50, p90, p99, max and throughput per route (first for one session alone: the
//! cost of a request; then for all sessions at once, back to back, without pauses), the
//! database size and the seed time. The target: p99 at most 50 ms for both routes.
//!
//! `cargo bench --bench web`. Knobs (environment): `WEBWACHT_BENCH_FLAGS` (100000),
//! `WEBWACHT_BENCH_ADS` (60 % of the flags), `WEBWACHT_BENCH_SESSIONS` (20),
//! `WEBWACHT_BENCH_REQUESTS` (2000 per route and phase), `WEBWACHT_BENCH_WARMUP` (200 per
//! route), `WEBWACHT_BENCH_SERVER_THREADS` (2), `WEBWACHT_BENCH_KEEP=1` (keep the data
//! directory and print its path), `WEBWACHT_BENCH_DATA_DIR=DIR` (measure a kept directory
//! again instead of seeding a new one), `WEBWACHT_BENCH_DATABASE_URL=postgres://…` (an
//! empty PostgreSQL database instead of SQLite in the data directory).
//!
//! The data is invented and seeded straight into the tables with multi-row INSERTs in one
//! transaction (bench seeding only: the application never writes flags this way). The
//! server runs on its own multi-threaded tokio runtime and opens the database itself, as
//! `webwacht serve` does; the clients share one single-threaded runtime. Both sides share
//! the machine, so the latencies include the clients' own work.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use sqlx::AnyConnection;
use webwacht::crawl::fetch::Response;
use webwacht::evidence::EvidenceWriter;
use webwacht::store::sql::Sql;
use webwacht::store::{timestamp, users, Engine, Store, Usage};

/// The allocator the `webwacht` binary ships with (see Cargo.toml): measured with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PASSWORD: &str = "belasting-proef-wachtwoord";
const RULES: [(&str, i64); 5] = [
    ("no_licence_number", 5),
    ("unknown_licence_number", 7),
    ("licence_inactive", 7),
    ("phone_not_on_licence", 5),
    ("phone_of_other_licence", 6),
];
/// Status and its share of the flags (per mille).
const STATUSES: [(&str, u32); 7] = [
    ("new", 380),
    ("in_review", 60),
    ("confirmed", 140),
    ("dismissed", 200),
    ("reported", 60),
    ("closed", 60),
    ("resolved", 100),
];
const SITES: usize = 12;
/// Phones that appear in many ads (one advertiser or agency behind many ads).
const SHARED_PHONES: usize = 300;
const LICENCES: usize = 3000;
/// Rows per multi-row INSERT; the widest table has 13 columns, well under SQLite's
/// 32,766 parameters.
const CHUNK: usize = 400;
/// The days over which the flags were raised.
const DAYS: i64 = 730;

const WORDS: &[&str] = &[
    "lieve",
    "dame",
    "ontvangt",
    "discreet",
    "in",
    "een",
    "schone",
    "privé",
    "omgeving",
    "ook",
    "escort",
    "bel",
    "of",
    "app",
    "voor",
    "afspraak",
    "nieuw",
    "in",
    "de",
    "stad",
    "alleen",
    "heren",
    "met",
    "respect",
    "ma",
    "t/m",
    "za",
    "van",
    "10:00",
    "tot",
    "22:00",
    "uur",
    "hotel",
    "bezoek",
    "mogelijk",
    "vriendelijk",
    "slank",
    "gezellig",
    "ervaren",
    "parkeren",
    "voor",
    "de",
    "deur",
    "prijzen",
    "op",
    "aanvraag",
    "geen",
    "sms",
    "anoniem",
    "nummer",
    "wordt",
    "niet",
    "opgenomen",
];

pub(crate) fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// The values of one row of a multi-row INSERT, separated by commas.
struct Values<'s, 'q> {
    sql: &'s mut Sql<'q>,
    first: bool,
}

impl<'q> Values<'_, 'q> {
    fn push_bind<V>(&mut self, value: V) -> &mut Self
    where
        V: 'q + sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        if !std::mem::take(&mut self.first) {
            self.sql.push(", ");
        }
        self.sql.push_bind(value);
        self
    }
}

/// A multi-row INSERT of `rows` in chunks, on the seeding transaction.
async fn insert<T>(
    tx: &mut AnyConnection,
    head: &str,
    rows: &[T],
    mut bind: impl for<'s, 'q> FnMut(&mut Values<'s, 'q>, &T),
) {
    for chunk in rows.chunks(CHUNK) {
        let mut q = Sql::new(head);
        q.push("VALUES ");
        for (i, row) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            bind(
                &mut Values {
                    sql: &mut q,
                    first: true,
                },
                row,
            );
            q.push(")");
        }
        q.build().execute(&mut *tx).await.unwrap();
    }
}

/// Index in `0..n`, skewed towards 0 (`power` > 1: a few values take most draws).
fn skewed(rng: &mut fastrand::Rng, n: usize, power: f64) -> usize {
    ((rng.f64().powf(power) * n as f64) as usize).min(n - 1)
}

fn text(rng: &mut fastrand::Rng, bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 16);
    while s.len() < bytes {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(WORDS[rng.usize(..WORDS.len())]);
    }
    s
}

/// An invented Dutch mobile number: (E.164, as written in the ad).
fn mobile(n: usize) -> (String, String) {
    let digits = format!("{:08}", 10_000_000 + (n * 7_919) % 89_999_999);
    (
        format!("+316{digits}"),
        format!("06-{} {}", &digits[..4], &digits[4..]),
    )
}

fn licence(k: usize) -> (String, String) {
    let value = format!("ESC-{}-{:04}", 2019 + k % 6, k);
    (value.replace('-', ""), value)
}

/// What the flags of one ad need to know about it.
struct AdInfo {
    version_id: i64,
    municipality: Option<String>,
    first_seen: DateTime<Utc>,
    last_seen: DateTime<Utc>,
}

pub(crate) struct Seeded {
    municipalities: Vec<String>,
    evidence_bytes: u64,
}

/// Fill a fresh store with `ads` ads (and their versions, fetches, phones, numbers,
/// places, WARC evidence), a register snapshot, `flags` flags with their decisions and
/// audit rows, and `sessions` users.
pub(crate) async fn seed(
    store: &Store,
    evidence_dir: &Path,
    ads: usize,
    flags: usize,
    sessions: usize,
) -> Seeded {
    assert!(
        flags <= ads * RULES.len(),
        "at most {} flags per ad",
        RULES.len()
    );
    let mut rng = fastrand::Rng::with_seed(20_251_130);
    let now = Utc::now();
    let start = now - chrono::Duration::days(DAYS);
    let mut municipalities: Vec<String> =
        sqlx::query_scalar("SELECT code FROM municipalities ORDER BY code")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert!(
        !municipalities.is_empty(),
        "Store::connect seeds the gazetteer"
    );
    // Big and small municipalities in no particular order of code.
    rng.shuffle(&mut municipalities);
    let names: BTreeMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT code, name FROM municipalities")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .into_iter()
            .collect();

    let mut tx = store.pool().begin().await.unwrap();
    let sites: Vec<String> = (1..=SITES).map(|i| format!("gids-{i:02}")).collect();
    insert(
        &mut tx,
        "INSERT INTO sites (id, name, updated_at) ",
        &sites,
        |b, s| {
            b.push_bind(s.clone())
                .push_bind(format!("Advertentiegids {s}"))
                .push_bind(timestamp(now));
        },
    )
    .await;
    // One crawl run per site and day.
    let runs: Vec<(i64, usize, DateTime<Utc>)> = (0..SITES * DAYS as usize)
        .map(|i| {
            let t = start + chrono::Duration::days((i / SITES) as i64 + 1);
            (i as i64 + 1, i % SITES, t)
        })
        .collect();
    insert(
        &mut tx,
        "INSERT INTO crawl_runs (id, site_id, started_at, finished_at, status, pages, ads_seen) ",
        &runs,
        |b, (id, site, t)| {
            b.push_bind(*id)
                .push_bind(sites[*site].clone())
                .push_bind(timestamp(*t))
                .push_bind(timestamp(*t + chrono::Duration::minutes(40)))
                .push_bind("finished")
                .push_bind(600)
                .push_bind(500);
        },
    )
    .await;

    // The register: one snapshot; every licence holds one phone, some of them the phone
    // of an ad.
    sqlx::query(
        "INSERT INTO register_snapshots (id, kind, file_name, sha256, row_count, imported_at)
         VALUES (1, 'licences', 'vergunningen.csv', $1, $2, $3)",
    )
    .bind("0".repeat(64))
    .bind(LICENCES as i64)
    .bind(timestamp(start))
    .execute(&mut *tx)
    .await
    .unwrap();
    let lic: Vec<usize> = (0..LICENCES).collect();
    insert(
        &mut tx,
        "INSERT INTO licences (snapshot_id, licence_number, normalized, holder, business_type,
         municipality_code, address, valid_from, valid_until, status) ",
        &lic,
        |b, k| {
            let (normalized, value) = licence(*k);
            b.push_bind(1)
                .push_bind(value)
                .push_bind(normalized)
                .push_bind(format!("Houder {k} B.V."))
                .push_bind(["escort", "club", "prive", "thuiswerk"][k % 4])
                .push_bind(municipalities[k % municipalities.len()].clone())
                .push_bind(format!("Straat {k}"))
                .push_bind("2020-01-01")
                .push_bind(None::<String>)
                .push_bind(["active", "active", "active", "suspended", "expired"][k % 5]);
        },
    )
    .await;
    insert(
        &mut tx,
        "INSERT INTO licence_phones (snapshot_id, normalized, e164) ",
        &lic,
        |b, k| {
            b.push_bind(1)
                .push_bind(licence(*k).0)
                .push_bind(mobile(k * 17 % ads).0);
        },
    )
    .await;

    // Ads, one to three versions each, every version with its fetch and WARC evidence.
    let mut writer = EvidenceWriter::new(evidence_dir).unwrap();
    let mut infos: Vec<AdInfo> = Vec::with_capacity(ads);
    let (mut version_id, mut fetch_id) = (0i64, 0i64);
    let mut evidence_bytes = 0u64;
    let batch = 1000;
    for first in (0..ads).step_by(batch) {
        let mut ad_rows = Vec::new();
        let mut version_rows = Vec::new();
        let mut fetch_rows = Vec::new();
        let mut phone_rows = Vec::new();
        let mut number_rows = Vec::new();
        let mut place_rows = Vec::new();
        for i in first..(first + batch).min(ads) {
            let ad_id = i as i64 + 1;
            let site = skewed(&mut rng, SITES, 1.6);
            let municipality = (rng.u32(..100) >= 4)
                .then(|| municipalities[skewed(&mut rng, municipalities.len(), 3.0)].clone());
            let place = municipality
                .as_ref()
                .map(|m| names[m].clone())
                .unwrap_or_else(|| "onbekend".into());
            let first_seen = start + chrono::Duration::seconds(rng.i64(0..DAYS * 86_400));
            let versions = 1 + usize::from(rng.u32(..100) < 25) + usize::from(rng.u32(..100) < 8);
            let url = format!("https://{}.example/advertentie/{i}", sites[site]);
            let own = mobile(i);
            let mut captured = first_seen;
            for v in 0..versions {
                version_id += 1;
                fetch_id += 1;
                if v > 0 {
                    captured = (captured + chrono::Duration::seconds(rng.i64(86_400..40 * 86_400)))
                        .min(now);
                }
                let mut phones = vec![if rng.u32(..100) < 20 {
                    mobile(1_000_000 + skewed(&mut rng, SHARED_PHONES, 2.0))
                } else {
                    own.clone()
                }];
                if rng.u32(..100) < 15 {
                    phones.push(mobile(2_000_000 + i));
                }
                let number = (rng.u32(..100) < 45).then(|| {
                    if rng.u32(..100) < 70 {
                        licence(rng.usize(..LICENCES))
                    } else {
                        licence(10_000 + rng.usize(..50_000))
                    }
                });
                let title = format!("Nieuw in {place}: {}", text(&mut rng, 40));
                let mut body = text(&mut rng, 900);
                for (_, raw) in &phones {
                    body.push_str(&format!(" Bel {raw}."));
                }
                if let Some((_, value)) = &number {
                    body.push_str(&format!(" Vergunningnummer: {value}."));
                }
                let advertiser = format!("Adverteerder {}", i % 20_000);
                let html = format!(
                    "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
                     <body><article data-ad-id=\"{i}\"><h1>{title}</h1><p class=\"name\">{advertiser}</p>\
                     <p class=\"location\">{place}</p><div class=\"description\"><p>{body}</p></div>\
                     </article></body></html>"
                );
                let mut headers = reqwest::header::HeaderMap::new();
                headers.insert(CONTENT_TYPE, "text/html; charset=utf-8".parse().unwrap());
                let resp = Response {
                    url: url.parse().unwrap(),
                    status: 200,
                    headers,
                    body: html.into_bytes(),
                    truncated: false,
                    fetched_at: captured,
                };
                let ev = writer
                    .write(&resp.capture(), "webwacht-bench/0.1 (+http://127.0.0.1/)")
                    .unwrap();
                evidence_bytes += ev.length;
                let day = (captured - start).num_days().clamp(0, DAYS - 1) as usize;
                fetch_rows.push((
                    fetch_id,
                    (day * SITES + site) as i64 + 1,
                    url.clone(),
                    timestamp(captured),
                    resp.body.len() as i64,
                    ev,
                ));
                version_rows.push((
                    version_id,
                    ad_id,
                    fetch_id,
                    timestamp(captured),
                    title,
                    body,
                    advertiser,
                    place.clone(),
                    municipality.clone(),
                ));
                for (pos, (e164, raw)) in phones.into_iter().enumerate() {
                    if pos == 1 && phone_rows.last().is_some_and(|(_, e, _)| *e == e164) {
                        continue;
                    }
                    phone_rows.push((version_id, e164, raw));
                }
                if let Some((normalized, value)) = number {
                    number_rows.push((version_id, normalized, value));
                }
                place_rows.push((version_id, place.clone(), municipality.clone()));
            }
            let last_seen =
                (captured + chrono::Duration::seconds(rng.i64(0..20 * 86_400))).min(now);
            ad_rows.push((
                ad_id,
                sites[site].clone(),
                url,
                timestamp(first_seen),
                timestamp(last_seen),
                version_id,
            ));
            infos.push(AdInfo {
                version_id,
                municipality,
                first_seen,
                last_seen,
            });
        }
        insert(
            &mut tx,
            "INSERT INTO ads (id, site_id, external_id, url, first_seen, last_seen, current_version_id) ",
            &ad_rows,
            |b, (id, site, url, first, last, version)| {
                b.push_bind(*id)
                    .push_bind(site.clone())
                    .push_bind(id.to_string())
                    .push_bind(url.clone())
                    .push_bind(first.clone())
                    .push_bind(last.clone())
                    .push_bind(*version);
            },
        )
        .await;
        insert(
            &mut tx,
            "INSERT INTO fetches (id, run_id, url, page_kind, http_status, fetched_at, body_sha256,
             body_size, warc_file, warc_offset, warc_length, warc_record_sha256) ",
            &fetch_rows,
            |b, (id, run, url, at, size, ev)| {
                b.push_bind(*id)
                    .push_bind(*run)
                    .push_bind(url.clone())
                    .push_bind("ad")
                    .push_bind(200)
                    .push_bind(at.clone())
                    .push_bind(ev.sha256.clone())
                    .push_bind(*size)
                    .push_bind(ev.file.clone())
                    .push_bind(ev.offset as i64)
                    .push_bind(ev.length as i64)
                    .push_bind(ev.record_sha256.clone());
            },
        )
        .await;
        insert(
            &mut tx,
            "INSERT INTO ad_versions (id, ad_id, content_sha256, fetch_id, captured_at, title, body,
             advertiser, place_text, municipality_code) ",
            &version_rows,
            |b, (id, ad, fetch, at, title, body, advertiser, place, municipality)| {
                b.push_bind(*id)
                    .push_bind(*ad)
                    .push_bind(format!("{id:064x}"))
                    .push_bind(*fetch)
                    .push_bind(at.clone())
                    .push_bind(title.clone())
                    .push_bind(body.clone())
                    .push_bind(advertiser.clone())
                    .push_bind(place.clone())
                    .push_bind(municipality.clone());
            },
        )
        .await;
        insert(
            &mut tx,
            "INSERT INTO version_phones (version_id, e164, raw, kind, country, obfuscated) ",
            &phone_rows,
            |b, (version, e164, raw)| {
                b.push_bind(*version)
                    .push_bind(e164.clone())
                    .push_bind(raw.clone())
                    .push_bind("mobile")
                    .push_bind("NL")
                    .push_bind(false);
            },
        )
        .await;
        insert(
            &mut tx,
            "INSERT INTO version_numbers (version_id, kind, normalized, value, raw) ",
            &number_rows,
            |b, (version, normalized, value)| {
                b.push_bind(*version)
                    .push_bind("licence")
                    .push_bind(normalized.clone())
                    .push_bind(value.clone())
                    .push_bind(format!("Vergunningnummer: {value}"));
            },
        )
        .await;
        insert(
            &mut tx,
            "INSERT INTO version_places (version_id, position, name, municipality_code) ",
            &place_rows,
            |b, (version, name, municipality)| {
                b.push_bind(*version)
                    .push_bind(0)
                    .push_bind(name.clone())
                    .push_bind(municipality.clone());
            },
        )
        .await;
    }
    drop(writer);

    // Flags: the first pass over the ads gives every ad one rule, the next passes a
    // second rule to some of them; (ad, rule) stays unique.
    type DecisionRow = (
        i64,
        Option<&'static str>,
        &'static str,
        &'static str,
        String,
    );
    let mut decision_rows: Vec<DecisionRow> = Vec::new();
    let mut flag_rows = Vec::with_capacity(batch);
    for j in 0..flags {
        let ad = j % ads;
        let (rule, default) = RULES[(j / ads + ad) % RULES.len()];
        let info = &infos[ad];
        let strength = if rng.u32(..100) < 30 {
            (default + rng.i64(-2..=2)).clamp(0, 10)
        } else {
            default
        };
        let mut pick = rng.u32(..1000);
        let status = STATUSES
            .iter()
            .find(|(_, share)| {
                let hit = pick < *share;
                pick = pick.saturating_sub(*share);
                hit
            })
            .map_or("new", |(s, _)| s);
        let span = (info.last_seen - info.first_seen).num_seconds().max(1);
        let first_seen = info.first_seen + chrono::Duration::seconds(rng.i64(0..span));
        let decided = first_seen + chrono::Duration::hours(rng.i64(1..240));
        let flag_id = j as i64 + 1;
        decision_rows.push((
            flag_id,
            None,
            "new",
            "Signaal aangemaakt door regel",
            timestamp(first_seen),
        ));
        let path: &[&'static str] = match status {
            "new" => &[],
            "in_review" => &["in_review"],
            "confirmed" => &["in_review", "confirmed"],
            "dismissed" => &["dismissed"],
            "reported" => &["confirmed", "reported"],
            "closed" => &["confirmed", "reported", "closed"],
            _ => &["resolved"],
        };
        let mut from = "new";
        for (k, to) in path.iter().enumerate() {
            decision_rows.push((
                flag_id,
                Some(from),
                to,
                "Beoordeeld in de belastingproef",
                timestamp(decided + chrono::Duration::hours(k as i64 * 24)),
            ));
            from = to;
        }
        flag_rows.push((
            flag_id,
            ad as i64 + 1,
            rule,
            strength,
            status,
            info,
            timestamp(first_seen),
            (status == "in_review" && rng.u32(..100) < 10).then(|| timestamp(decided)),
        ));
        if flag_rows.len() == batch || j + 1 == flags {
            insert(
                &mut tx,
                "INSERT INTO flags (id, ad_id, rule, strength, status, explanation, evidence, version_id,
                 snapshot_id, municipality_code, first_seen, last_seen, resolved_at, resolved_reason,
                 escalated_at) ",
                &flag_rows,
                |b, (id, ad, rule, strength, status, info, first, escalated)| {
                    let resolved = (*status == "resolved").then(|| timestamp(info.last_seen));
                    b.push_bind(*id)
                        .push_bind(*ad)
                        .push_bind(*rule)
                        .push_bind(*strength)
                        .push_bind(*status)
                        .push_bind(format!(
                            "De advertentie (regel {rule}) voldoet niet aan het beleid van de gemeente: \
                             geen geldig vergunningnummer gevonden bij advertentie {ad}."
                        ))
                        .push_bind(format!(
                            "{{\"version\":{},\"phones\":[\"{}\"],\"licence_numbers\":[]}}",
                            info.version_id,
                            mobile(*ad as usize - 1).0
                        ))
                        .push_bind(info.version_id)
                        .push_bind(1)
                        .push_bind(info.municipality.clone())
                        .push_bind(first.clone())
                        .push_bind(timestamp(info.last_seen))
                        .push_bind(resolved.clone())
                        .push_bind(resolved.map(|_| "de advertentie is aangepast"))
                        .push_bind(escalated.clone());
                },
            )
            .await;
            flag_rows.clear();
        }
    }
    insert(
        &mut tx,
        "INSERT INTO decisions (flag_id, actor, from_status, to_status, note, decided_at) ",
        &decision_rows,
        |b, (flag, from, to, note, at)| {
            b.push_bind(*flag)
                .push_bind(if from.is_some() {
                    "onderzoeker01"
                } else {
                    "system"
                })
                .push_bind(*from)
                .push_bind(*to)
                .push_bind(*note)
                .push_bind(at.clone());
        },
    )
    .await;
    // The audit trail of those decisions, plus earlier views.
    insert(
        &mut tx,
        "INSERT INTO audit_log (at, actor, action, object, detail) ",
        &decision_rows,
        |b, (flag, from, to, _, at)| {
            b.push_bind(at.clone())
                .push_bind("system")
                .push_bind("flag_status")
                .push_bind(format!("flag:{flag}"))
                .push_bind(format!("{} -> {to}", from.unwrap_or("-")));
        },
    )
    .await;
    let views: Vec<usize> = (0..flags).collect();
    insert(
        &mut tx,
        "INSERT INTO audit_log (at, actor, action, object, detail) ",
        &views,
        |b, j| {
            b.push_bind(timestamp(
                now - chrono::Duration::minutes((flags - j) as i64),
            ))
            .push_bind(format!("onderzoeker{:02}", j % 20 + 1))
            .push_bind("view")
            .push_bind(format!("flag:{}", j + 1))
            .push_bind(None::<String>);
        },
    )
    .await;
    tx.commit().await.unwrap();
    settle(store).await;

    // The reviewers: one argon2 hash for all of them (hashing is slow on purpose).
    let hash = webwacht::web::hash_password(PASSWORD).unwrap();
    for s in 1..=sessions {
        users::create_user(
            store,
            &format!("onderzoeker{s:02}"),
            &hash,
            webwacht::web::auth::Role::Researcher,
            None,
        )
        .await
        .unwrap();
    }
    Seeded {
        municipalities,
        evidence_bytes,
    }
}

/// Bring the freshly seeded database into the state a database in service is in.
/// SQLite: the WAL checkpointed into the database file. PostgreSQL: what autovacuum does in
/// time, fresh statistics for the planner and the visibility map set, so that index-only
/// scans (the queue's page ids and counts) need not visit the table. VACUUM cannot mark a
/// page all-visible while an older snapshot is open (autovacuum analysing the new tables
/// may hold one for a moment), so it is repeated until the flags are all-visible.
async fn settle(store: &Store) {
    match store.engine() {
        Engine::Sqlite => {
            sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(store.pool())
                .await
                .unwrap();
        }
        Engine::Postgres => {
            for _ in 0..60 {
                sqlx::raw_sql("VACUUM ANALYZE")
                    .execute(store.pool())
                    .await
                    .unwrap();
                let (visible, pages): (i64, i64) = sqlx::query_as(
                    "SELECT relallvisible::bigint, relpages::bigint FROM pg_class WHERE relname = 'flags'",
                )
                .fetch_one(store.pool())
                .await
                .unwrap();
                if visible * 100 >= pages * 95 {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            panic!("VACUUM did not make the flags all-visible within a minute");
        }
    }
}

/// Serve the UI on its own runtime (as `webwacht serve` would), on a free loopback port.
fn start_server(
    db_url: String,
    evidence_dir: PathBuf,
    threads: usize,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let store = Store::connect_as(&db_url, Usage::Server).await.unwrap();
            let state = webwacht::web::AppState::new(store.clone(), evidence_dir);
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            webwacht::web::serve(listener, state, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
            store.close().await;
        });
    });
    (base, stop, handle)
}

/// Log in through the real form; returns the `Cookie` header of the session.
async fn login(client: &reqwest::Client, base: &str, name: &str) -> String {
    let page = client.get(format!("{base}/login")).send().await.unwrap();
    let login_cookie = page
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("webwacht_login="))
        .and_then(|v| v.split(';').next())
        .expect("GET /login sets the login cookie")
        .to_string();
    let html = page.text().await.unwrap();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the login form has a csrf field")
        .to_string();
    let res = client
        .post(format!("{base}/login"))
        .header(COOKIE, login_cookie)
        .form(&[
            ("name", name),
            ("password", PASSWORD),
            ("csrf", &csrf),
            ("next", "/flags"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "login of {name}");
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("webwacht_sessie="))
        .and_then(|v| v.split(';').next())
        .expect("login sets the session cookie")
        .to_string()
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Queue,
    Detail,
    /// A reviewer's rhythm: one queue page, then two flags from it.
    Mixed,
}

/// The next request of a session: (route, query kind, path).
fn next_request(
    rng: &mut fastrand::Rng,
    phase: Phase,
    n: usize,
    flags: usize,
    municipalities: &[String],
) -> (&'static str, &'static str, String) {
    let queue = match phase {
        Phase::Queue => true,
        Phase::Detail => false,
        Phase::Mixed => n % 3 == 0,
    };
    if !queue {
        return (
            "/flags/{id}",
            "willekeurig id",
            format!("/flags/{}", rng.usize(1..=flags)),
        );
    }
    let today = Utc::now().date_naive();
    match rng.usize(..7) {
        0 => ("/flags", "geen filter", "/flags".into()),
        1 => ("/flags", "status=new", "/flags?status=new".into()),
        2 => (
            "/flags",
            "rule+municipality",
            format!(
                "/flags?rule={}&municipality={}",
                RULES[rng.usize(..RULES.len())].0,
                municipalities[skewed(rng, municipalities.len(), 3.0)]
            ),
        ),
        3 => (
            "/flags",
            "min_strength=7&sort=newest",
            "/flags?min_strength=7&sort=newest".into(),
        ),
        4 => ("/flags", "page=200", "/flags?page=200".into()),
        5 => (
            "/flags",
            "site",
            format!("/flags?site=gids-{:02}", rng.usize(1..=SITES)),
        ),
        _ => {
            let from = today - chrono::Duration::days(rng.i64(30..DAYS));
            let to = from + chrono::Duration::days(30);
            (
                "/flags",
                "from+to (30 dagen)",
                format!("/flags?from={from}&to={to}"),
            )
        }
    }
}

/// One measured request.
struct Sample {
    route: &'static str,
    kind: &'static str,
    took: Duration,
}

/// Every session sends `per_session` requests, one after the other; all sessions at once.
async fn run_phase(
    base: &str,
    clients: &[(reqwest::Client, String)],
    phase: Phase,
    per_session: usize,
    flags: usize,
    municipalities: &[String],
    seed: u64,
) -> (Vec<Sample>, Duration) {
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for (s, (client, cookie)) in clients.iter().enumerate() {
        let (client, cookie, base) = (client.clone(), cookie.clone(), base.to_string());
        let municipalities = municipalities.to_vec();
        set.spawn(async move {
            let mut rng = fastrand::Rng::with_seed(seed * 1000 + s as u64);
            let mut out = Vec::with_capacity(per_session);
            for n in 0..per_session {
                let (route, kind, path) = next_request(&mut rng, phase, n, flags, &municipalities);
                let t = Instant::now();
                let res = client
                    .get(format!("{base}{path}"))
                    .header(COOKIE, &cookie)
                    .send()
                    .await
                    .unwrap();
                let status = res.status();
                let body = res.bytes().await.unwrap();
                let took = t.elapsed();
                assert_eq!(
                    status,
                    200,
                    "GET {path}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(500)])
                );
                out.push(Sample { route, kind, took });
            }
            out
        });
    }
    let mut samples = Vec::new();
    while let Some(r) = set.join_next().await {
        samples.extend(r.unwrap());
    }
    (samples, started.elapsed())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Nearest-rank percentile of sorted durations.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report_line(label: &str, mut took: Vec<Duration>, wall: Option<Duration>) -> f64 {
    took.sort_unstable();
    let p99 = ms(percentile(&took, 99.0));
    let rate = wall.map_or(String::new(), |w| {
        format!("{:>8.0}/s", took.len() as f64 / w.as_secs_f64())
    });
    println!(
        "  {label:<36} {:>6} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {rate}",
        took.len(),
        ms(percentile(&took, 50.0)),
        ms(percentile(&took, 90.0)),
        p99,
        ms(*took.last().unwrap()),
    );
    p99
}

fn report(name: &str, samples: &[Sample], wall: Duration, load: (&str, &str)) -> Vec<f64> {
    println!(
        "\n{name}: {} requests in {:.1} s (load average before {}, after {})",
        samples.len(),
        wall.as_secs_f64(),
        load.0,
        load.1
    );
    println!(
        "  {:<36} {:>6} {:>8} {:>8} {:>8} {:>8} {:>10}",
        "route / query", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "throughput"
    );
    let mut p99s = Vec::new();
    for route in ["/flags", "/flags/{id}"] {
        let took: Vec<Duration> = samples
            .iter()
            .filter(|s| s.route == route)
            .map(|s| s.took)
            .collect();
        if took.is_empty() {
            continue;
        }
        p99s.push(report_line(route, took, Some(wall)));
        let mut kinds: Vec<&str> = samples
            .iter()
            .filter(|s| s.route == route)
            .map(|s| s.kind)
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        if kinds.len() > 1 {
            for kind in kinds {
                let took = samples
                    .iter()
                    .filter(|s| s.route == route && s.kind == kind)
                    .map(|s| s.took)
                    .collect();
                report_line(&format!("  {kind}"), took, None);
            }
        }
    }
    p99s
}

fn file_mib(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1_048_576.0)
}

fn main() {
    let flags = knob("WEBWACHT_BENCH_FLAGS", 100_000);
    let ads = knob("WEBWACHT_BENCH_ADS", (flags * 6 / 10).max(1));
    let sessions = knob("WEBWACHT_BENCH_SESSIONS", 20);
    let requests = knob("WEBWACHT_BENCH_REQUESTS", 2000);
    let warmup = knob("WEBWACHT_BENCH_WARMUP", 200);
    let threads = knob("WEBWACHT_BENCH_SERVER_THREADS", 2);
    let per_session = requests.div_ceil(sessions);

    // An earlier run's data (`WEBWACHT_BENCH_KEEP=1`) can be measured again without
    // seeding; the server's start then runs any new migration on it.
    let reuse = std::env::var_os("WEBWACHT_BENCH_DATA_DIR").map(PathBuf::from);
    let dir = tempfile::tempdir().unwrap();
    let data_dir = reuse.clone().unwrap_or_else(|| dir.path().to_path_buf());
    let db = data_dir.join("webwacht.db");
    let db_url = std::env::var("WEBWACHT_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", db.display()));
    let evidence_dir = data_dir.join("evidence");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    println!(
        "web: {flags} flags on {ads} ads, {sessions} sessions, {per_session} requests per session \
         and phase, server on {threads} threads; load average {}",
        load_average()
    );
    let t = Instant::now();
    let seeded = rt.block_on(async {
        let store = Store::connect(&db_url).await.unwrap();
        let seeded = match reuse {
            Some(_) => Seeded {
                municipalities: sqlx::query_scalar(
                    "SELECT code FROM municipalities ORDER BY random()",
                )
                .fetch_all(store.pool())
                .await
                .unwrap(),
                evidence_bytes: 0,
            },
            None => seed(&store, &evidence_dir, ads, flags, sessions).await,
        };
        store.close().await;
        seeded
    });
    let db_mib = match Engine::of_url(&db_url) {
        Some(Engine::Postgres) => rt.block_on(async {
            let store = Store::connect(&db_url).await.unwrap();
            let bytes: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(store.pool())
                .await
                .unwrap();
            store.close().await;
            bytes as f64 / 1_048_576.0
        }),
        _ => file_mib(&db) + file_mib(&data_dir.join("webwacht.db-wal")),
    };
    println!(
        "seeded in {:.1} s: {} database {db_mib:.0} MiB, WARC evidence {:.0} MiB",
        t.elapsed().as_secs_f64(),
        Engine::of_url(&db_url).map_or("?", Engine::name),
        seeded.evidence_bytes as f64 / 1_048_576.0
    );

    let (base, stop, server) = start_server(db_url, evidence_dir, threads);
    let worst = rt.block_on(async {
        let mut clients = Vec::new();
        let t = Instant::now();
        for s in 1..=sessions {
            // One client per session: its own connection, as a browser has.
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let cookie = login(&client, &base, &format!("onderzoeker{s:02}")).await;
            clients.push((client, cookie));
        }
        println!(
            "{sessions} sessions logged in through POST /login in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let m = &seeded.municipalities;
        for (i, phase) in [Phase::Queue, Phase::Detail].into_iter().enumerate() {
            let per = warmup.div_ceil(sessions);
            run_phase(&base, &clients, phase, per, flags, m, 100 + i as u64).await;
        }
        // The cost of one request with nobody else asking: one session, one at a time.
        for (i, (name, phase)) in [
            ("one session: queue", Phase::Queue),
            ("one session: detail", Phase::Detail),
        ]
        .into_iter()
        .enumerate()
        {
            let before = load_average();
            let (samples, wall) = run_phase(
                &base,
                &clients[..1],
                phase,
                (requests / 10).max(1),
                flags,
                m,
                200 + i as u64,
            )
            .await;
            report(name, &samples, wall, (&before, &load_average()));
        }
        let mut worst = 0f64;
        for (i, (name, phase)) in [
            ("queue", Phase::Queue),
            ("detail", Phase::Detail),
            ("mixed (queue, flag, flag)", Phase::Mixed),
        ]
        .into_iter()
        .enumerate()
        {
            let before = load_average();
            let (samples, wall) =
                run_phase(&base, &clients, phase, per_session, flags, m, i as u64).await;
            let after = load_average();
            for p99 in report(name, &samples, wall, (&before, &after)) {
                worst = worst.max(p99);
            }
        }
        worst
    });
    let _ = stop.send(());
    server.join().unwrap();
    println!(
        "\nworst p99 {worst:.1} ms: {} the target of 50 ms",
        if worst <= 50.0 { "within" } else { "over" }
    );
    if std::env::var_os("WEBWACHT_BENCH_KEEP").is_some() {
        println!("data kept in {}", dir.keep().display());
    }
}
