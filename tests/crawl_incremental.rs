//! Incremental crawling against a small mutable site on loopback: conditional GETs
//! (`If-None-Match` / `If-Modified-Since` → 304), new versions only for changed ads,
//! ads marked removed after `remove_after_missed_runs` complete runs without them (and
//! un-removed when they come back), nothing marked missing after an incomplete run, run
//! stats per run, selector health, and the binary's exit code and `sites` output.
//!
//! Every test has its own server and data directory, so they run in parallel.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use support::db::TestDb;
use support::site::SiteFile;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::TimeZone as _;
use sqlx::Row;
use tokio::net::TcpListener;
use webwacht::config::Config;
use webwacht::crawl::{crawl_site, CrawlOptions, SiteReport};
use webwacht::site::compile::compile_str;
use webwacht::site::Site;
use webwacht::store::runs::RunStats;
use webwacht::store::Store;

const UA: &str = "webwacht-test/1.0 (+http://127.0.0.1/contact)";
const SITE_ID: &str = "inc";
const SITE_NAME: &str = "Incrementele testsite";

// ---------------------------------------------------------------------------------------
// The test site
// ---------------------------------------------------------------------------------------

/// One ad of the test site.
#[derive(Debug, Clone)]
struct Ad {
    title: String,
    body: String,
    /// Bumped on every change of the page: a new `ETag` and `Last-Modified`.
    version: u32,
    /// The page sends an `ETag`.
    etag: bool,
    /// The page sends a `Last-Modified`.
    last_modified: bool,
    /// The listings link the ad.
    listed: bool,
    /// The ad page answers 404.
    gone: bool,
}

impl Ad {
    fn etag_value(&self, id: &str) -> Option<String> {
        self.etag.then(|| format!("\"{id}-v{}\"", self.version))
    }

    fn last_modified_value(&self) -> Option<String> {
        self.last_modified.then(|| http_date(self.version))
    }
}

/// An HTTP date that moves one hour per version.
fn http_date(version: u32) -> String {
    let base = chrono::Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap();
    (base + chrono::Duration::hours(i64::from(version)))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// One request the test site answered.
#[derive(Debug, Clone)]
struct Hit {
    path: String,
    status: u16,
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
}

#[derive(Debug)]
struct SiteState {
    ads: BTreeMap<String, Ad>,
    per_page: usize,
    /// A redesign: the listing's ad links lose the class the site file selects.
    links_broken: bool,
    /// This listing page answers 500.
    failing_page: Option<usize>,
    log: Vec<Hit>,
}

type Shared = Arc<Mutex<SiteState>>;

/// A running test site on 127.0.0.1 whose ads can be changed between runs.
#[derive(Clone)]
struct TestSite {
    base: String,
    state: Shared,
}

fn ad_id(i: usize) -> String {
    format!("ad{i:02}")
}

impl TestSite {
    /// `n` listed ads `ad01..`, each with an `ETag` and a `Last-Modified`, 3 per listing
    /// page.
    async fn start(n: usize) -> TestSite {
        let ads = (1..=n)
            .map(|i| {
                (
                    ad_id(i),
                    Ad {
                        title: format!("Advertentie {i}"),
                        body: format!("Nieuw in de stad, discreet en gezellig. Nummer {i}."),
                        version: 1,
                        etag: true,
                        last_modified: true,
                        listed: true,
                        gone: false,
                    },
                )
            })
            .collect();
        let state = Arc::new(Mutex::new(SiteState {
            ads,
            per_page: 3,
            links_broken: false,
            failing_page: None,
            log: Vec::new(),
        }));
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().fallback(handle).with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        TestSite {
            base: format!("http://{addr}"),
            state,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut SiteState) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    fn ad(&self, id: &str, f: impl FnOnce(&mut Ad)) {
        self.with(|s| f(s.ads.get_mut(id).expect("known ad")));
    }

    /// Change an ad's text: a new version of the page.
    fn change_body(&self, id: &str, body: &str) {
        self.ad(id, |ad| {
            ad.body = body.to_string();
            ad.version += 1;
        });
    }

    fn url(&self, id: &str) -> String {
        format!("{}/ad/{id}", self.base)
    }

    /// Position in the request log, to look at one run's requests.
    fn mark(&self) -> usize {
        self.with(|s| s.log.len())
    }

    fn hits_since(&self, mark: usize) -> Vec<Hit> {
        self.with(|s| s.log[mark..].to_vec())
    }

    fn ad_hits_since(&self, mark: usize) -> BTreeMap<String, Hit> {
        let mut out = BTreeMap::new();
        for h in self.hits_since(mark) {
            if let Some(id) = h.path.strip_prefix("/ad/") {
                assert!(
                    out.insert(id.to_string(), h.clone()).is_none(),
                    "{id} fetched twice in one run"
                );
            }
        }
        out
    }
}

async fn handle(State(state): State<Shared>, req: Request) -> Response {
    let get = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let if_none_match = get(header::IF_NONE_MATCH);
    let if_modified_since = get(header::IF_MODIFIED_SINCE);
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let mut s = state.lock().unwrap();
    let (status, headers, body) = answer(
        &s,
        &path,
        &query,
        if_none_match.as_deref(),
        if_modified_since.as_deref(),
    );
    s.log.push(Hit {
        path: if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        },
        status: status.as_u16(),
        if_none_match,
        if_modified_since,
    });
    let mut resp = (status, body).into_response();
    for (name, value) in headers {
        resp.headers_mut()
            .insert(name, HeaderValue::from_str(&value).unwrap());
    }
    resp
}

type Answer = (StatusCode, Vec<(header::HeaderName, String)>, String);

fn html(status: StatusCode, body: String) -> Answer {
    (
        status,
        vec![(header::CONTENT_TYPE, "text/html; charset=utf-8".into())],
        body,
    )
}

fn answer(
    s: &SiteState,
    path: &str,
    query: &str,
    if_none_match: Option<&str>,
    if_modified_since: Option<&str>,
) -> Answer {
    let not_found = || html(StatusCode::NOT_FOUND, "<h1>Niet gevonden</h1>".into());
    if path == "/list" {
        let listed: Vec<(&String, &Ad)> = s.ads.iter().filter(|(_, a)| a.listed).collect();
        let pages = listed.len().div_ceil(s.per_page).max(1);
        let page = query
            .strip_prefix("page=")
            .and_then(|p| p.parse::<usize>().ok());
        let Some(page) = page.filter(|p| (1..=pages).contains(p)) else {
            return not_found();
        };
        if s.failing_page == Some(page) {
            return html(StatusCode::INTERNAL_SERVER_ERROR, "<h1>Storing</h1>".into());
        }
        let class = if s.links_broken { "lees-meer" } else { "more" };
        let mut out = String::from("<html><body><h1>Advertenties</h1>\n");
        for (id, ad) in listed.iter().skip((page - 1) * s.per_page).take(s.per_page) {
            out += &format!(
                "<article class=\"ad\"><a class=\"{class}\" href=\"/ad/{id}\">{}</a></article>\n",
                ad.title
            );
        }
        if page < pages {
            out += &format!(
                "<a rel=\"next\" href=\"/list?page={}\">Volgende</a>\n",
                page + 1
            );
        }
        out += "</body></html>";
        return html(StatusCode::OK, out);
    }
    let Some(id) = path.strip_prefix("/ad/") else {
        return not_found();
    };
    let Some(ad) = s.ads.get(id).filter(|a| !a.gone) else {
        return not_found();
    };
    let etag = ad.etag_value(id);
    let last_modified = ad.last_modified_value();
    // RFC 9110 13.2.2: If-None-Match decides when present; If-Modified-Since only
    // without it.
    let not_modified = match (if_none_match, &etag) {
        (Some(inm), Some(etag)) => inm.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        (Some(_), None) => false,
        (None, _) => match (if_modified_since, &last_modified) {
            (Some(ims), Some(lm)) => {
                let parse = |d: &str| chrono::DateTime::parse_from_rfc2822(d).ok();
                matches!((parse(ims), parse(lm)), (Some(i), Some(l)) if l <= i)
            }
            _ => false,
        },
    };
    let mut headers = Vec::new();
    if let Some(e) = etag {
        headers.push((header::ETAG, e));
    }
    if let Some(lm) = last_modified {
        headers.push((header::LAST_MODIFIED, lm));
    }
    if not_modified {
        return (StatusCode::NOT_MODIFIED, headers, String::new());
    }
    headers.push((header::CONTENT_TYPE, "text/html; charset=utf-8".into()));
    let body = format!(
        "<html><body><article data-ad-id=\"{id}\"><h1>{}</h1><div class=\"description\">{}</div></article></body></html>",
        ad.title, ad.body
    );
    (StatusCode::OK, headers, body)
}

/// The site file for the test site: fast, no robots.txt, removal after 2 missed runs.
fn site_toml(base: &str) -> String {
    SiteFile::new(SITE_ID, SITE_NAME, &format!("{base}/list?page=1"))
        .site("respect_robots", "false")
        .site("max_pages", "500")
        .site("remove_after_missed_runs", "2")
        .listing("next_page", "a[rel=next]")
        .ad_id_attribute()
        .toml()
}

// ---------------------------------------------------------------------------------------
// Crawling it through the library
// ---------------------------------------------------------------------------------------

struct Harness {
    web: TestSite,
    site: Site,
    store: Store,
    cfg: Config,
}

impl Harness {
    async fn start(db: &TestDb, dir: &Path, ads: usize) -> Harness {
        let web = TestSite::start(ads).await;
        let cfg = db.config(dir);
        let store = Store::open(&cfg).await.unwrap();
        let site = compile_str(Path::new("inc.toml"), &site_toml(&web.base)).unwrap();
        assert_eq!(site.remove_after_missed_runs, 2);
        Harness {
            web,
            site,
            store,
            cfg,
        }
    }

    async fn crawl(&self) -> SiteReport {
        self.crawl_with(None).await
    }

    async fn crawl_with(&self, max_pages: Option<u32>) -> SiteReport {
        let opts = CrawlOptions {
            user_agent: UA.into(),
            max_pages,
            unthrottled: false,
        };
        crawl_site(&self.store, &self.site, &opts, &self.cfg.evidence_dir())
            .await
            .unwrap()
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }

    async fn versions_total(&self) -> i64 {
        self.count("SELECT COUNT(*) FROM ad_versions").await
    }

    /// Versions per ad id.
    async fn versions(&self) -> BTreeMap<String, i64> {
        sqlx::query(
            "SELECT a.external_id, COUNT(v.id) FROM ads a LEFT JOIN ad_versions v ON v.ad_id = a.id
             GROUP BY a.id ORDER BY a.external_id",
        )
        .fetch_all(self.store.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    }

    /// (removed_at, missed_runs) of an ad.
    async fn removal(&self, id: &str) -> (Option<String>, i64) {
        let r = sqlx::query("SELECT removed_at, missed_runs FROM ads WHERE external_id = $1")
            .bind(id)
            .fetch_one(self.store.pool())
            .await
            .unwrap();
        (r.get(0), r.get(1))
    }

    /// Fetch rows of an ad page, and how many of them point at WARC evidence.
    async fn fetches_of(&self, id: &str) -> (i64, i64) {
        let r = sqlx::query(
            "SELECT COUNT(*), COUNT(warc_file) FROM fetches WHERE page_kind = 'ad' AND url = $1",
        )
        .bind(self.web.url(id))
        .fetch_one(self.store.pool())
        .await
        .unwrap();
        (r.get(0), r.get(1))
    }

    async fn current_body(&self, id: &str) -> String {
        sqlx::query_scalar(
            "SELECT v.body FROM ads a JOIN ad_versions v ON v.id = a.current_version_id
             WHERE a.external_id = $1",
        )
        .bind(id)
        .fetch_one(self.store.pool())
        .await
        .unwrap()
    }

    /// `sites.health`, `sites.health_message`.
    async fn site_health(&self) -> (String, Option<String>) {
        let r = sqlx::query("SELECT health, health_message FROM sites WHERE id = $1")
            .bind(SITE_ID)
            .fetch_one(self.store.pool())
            .await
            .unwrap();
        (r.get(0), r.get(1))
    }
}

fn ids(range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    range.map(ad_id).collect()
}

// ---------------------------------------------------------------------------------------
// 1. Conditional GETs
// ---------------------------------------------------------------------------------------

/// A second run asks every known ad conditionally, with exactly the validators the page
/// sent (ETag, Last-Modified, or both); the 304s add no version and no evidence.
async fn second_run_uses_conditional_gets_and_stores_nothing_new(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, &dir, 7).await;
    // One page with only Last-Modified, one with only an ETag.
    h.web.ad("ad03", |a| a.etag = false);
    h.web.ad("ad05", |a| a.last_modified = false);

    let first = h.crawl().await;
    assert_eq!(first.stats.ads_new, 7, "{:?}", first.stats);
    assert_eq!(first.stats.ads_not_modified, 0);
    assert_eq!(first.stats.pages, 3 + 7, "3 listing pages and 7 ads");
    assert!(!first.health.broken, "{:?}", first.health);
    let hits = h.web.hits_since(0);
    assert!(
        hits.iter()
            .all(|h| h.if_none_match.is_none() && h.if_modified_since.is_none()),
        "nothing is known yet: {hits:?}"
    );
    assert_eq!(h.versions_total().await, 7);
    let ad_fetches = h
        .count("SELECT COUNT(*) FROM fetches WHERE page_kind = 'ad'")
        .await;
    assert_eq!(ad_fetches, 7);

    let mark = h.web.mark();
    let second = h.crawl().await;
    let s = second.stats;
    assert_eq!(s.ads_not_modified, 7, "{s:?}");
    assert_eq!(s.ads_seen, 7);
    assert_eq!((s.ads_new, s.ads_changed, s.ads_parsed), (0, 0, 0), "{s:?}");
    assert_eq!(s.errors, 0);
    assert!(!second.health.broken, "{:?}", second.health);

    let ad_hits = h.web.ad_hits_since(mark);
    assert_eq!(ad_hits.keys().cloned().collect::<Vec<_>>(), ids(1..=7));
    let (etag_only, lm_only) = ("ad05", "ad03");
    for (id, hit) in &ad_hits {
        assert_eq!(hit.status, 304, "{id}: {hit:?}");
        let expect_etag = (id != lm_only).then(|| format!("\"{id}-v1\""));
        let expect_lm = (id != etag_only).then(|| http_date(1));
        assert_eq!(hit.if_none_match, expect_etag, "{id}");
        assert_eq!(hit.if_modified_since, expect_lm, "{id}");
    }
    // Listings are always fetched in full.
    for hit in h.web.hits_since(mark) {
        if hit.path.starts_with("/list") {
            assert_eq!(hit.status, 200);
            assert!(hit.if_none_match.is_none() && hit.if_modified_since.is_none());
        }
    }
    assert_eq!(h.versions_total().await, 7, "a 304 is no new version");
    let evidence_after = h
        .count("SELECT COUNT(*) FROM fetches WHERE page_kind = 'ad' AND warc_file IS NOT NULL")
        .await;
    assert_eq!(evidence_after, 7, "a 304 keeps no new evidence");
    let not_modified = h
        .count("SELECT COUNT(*) FROM fetches WHERE page_kind = 'ad' AND http_status = 304")
        .await;
    assert_eq!(not_modified, 7, "every 304 is recorded as a fetch");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM ads WHERE removed_at IS NULL AND missed_runs = 0")
            .await,
        7
    );
}

// ---------------------------------------------------------------------------------------
// 2. Changed ads
// ---------------------------------------------------------------------------------------

/// A changed page gets exactly one new version and its new validators are used next
/// time; a page whose ETag changed but whose content did not gets no version.
async fn a_changed_ad_gets_exactly_one_new_version(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, &dir, 5).await;
    h.crawl().await;
    let before = h.versions().await;
    assert!(before.values().all(|&n| n == 1), "{before:?}");

    h.web
        .change_body("ad02", "Terug van vakantie, nu ook in het weekend.");
    // A new ETag for the same content (e.g. a server that stamps the page).
    h.web.ad("ad04", |a| a.version += 1);
    let mark = h.web.mark();
    let r = h.crawl().await;
    let s = r.stats;
    assert_eq!(s.ads_changed, 1, "{s:?}");
    assert_eq!(s.ads_not_modified, 3, "{s:?}");
    assert_eq!((s.ads_new, s.ads_parsed, s.ads_seen), (0, 2, 5), "{s:?}");
    let hits = h.web.ad_hits_since(mark);
    assert_eq!(hits["ad02"].status, 200);
    assert_eq!(hits["ad02"].if_none_match.as_deref(), Some("\"ad02-v1\""));
    assert_eq!(hits["ad04"].status, 200);

    let after = h.versions().await;
    for (id, n) in &after {
        let want = if id == "ad02" { 2 } else { 1 };
        assert_eq!(*n, want, "{id}: {after:?}");
    }
    assert_eq!(
        h.current_body("ad02").await,
        "Terug van vakantie, nu ook in het weekend."
    );
    assert_eq!(
        h.current_body("ad04").await,
        "Nieuw in de stad, discreet en gezellig. Nummer 4."
    );

    // The new validators were stored: next time everything is 304.
    let mark = h.web.mark();
    let r = h.crawl().await;
    assert_eq!(r.stats.ads_not_modified, 5, "{:?}", r.stats);
    assert_eq!(r.stats.ads_changed, 0);
    let hits = h.web.ad_hits_since(mark);
    assert_eq!(hits["ad02"].if_none_match.as_deref(), Some("\"ad02-v2\""));
    assert_eq!(hits["ad02"].if_modified_since, Some(http_date(2)));
    assert_eq!(h.versions().await, after);
}

// ---------------------------------------------------------------------------------------
// 3. Removed ads
// ---------------------------------------------------------------------------------------

/// An ad the complete listings no longer link is removed only after 2 runs in a row
/// (`remove_after_missed_runs = 2`), whether its page answers 404 or is still there; its
/// versions and evidence stay; an ad that comes back is un-removed.
async fn missing_ads_are_removed_after_two_runs_and_come_back(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, &dir, 8).await;
    let r1 = h.crawl().await;
    assert_eq!(r1.stats.ads_new, 8);
    let evidence_before = (h.fetches_of("ad03").await, h.fetches_of("ad04").await);
    assert_eq!(evidence_before, ((1, 1), (1, 1)));

    // ad03 leaves the listings and its page is gone; ad04 leaves the listings but its
    // page is still there; ad02 misses one run only.
    h.web.ad("ad03", |a| {
        a.listed = false;
        a.gone = true;
    });
    h.web.ad("ad04", |a| a.listed = false);
    h.web.ad("ad02", |a| a.listed = false);
    let mark = h.web.mark();
    let r2 = h.crawl().await;
    assert_eq!(r2.stats.ads_removed, 0, "{:?}", r2.stats);
    assert_eq!(r2.stats.ads_seen, 5);
    for id in ["ad02", "ad03", "ad04"] {
        assert_eq!(h.removal(id).await, (None, 1), "{id} missed one run");
        assert!(
            !h.web.ad_hits_since(mark).contains_key(id),
            "{id} not linked"
        );
    }
    assert_eq!(h.removal("ad01").await, (None, 0));

    h.web.ad("ad02", |a| a.listed = true);
    let r3 = h.crawl().await;
    assert_eq!(r3.stats.ads_removed, 2, "{:?}", r3.stats);
    for id in ["ad03", "ad04"] {
        let (removed_at, missed) = h.removal(id).await;
        assert!(removed_at.is_some(), "{id} removed after 2 missed runs");
        assert_eq!(missed, 2);
    }
    assert_eq!(
        h.removal("ad02").await,
        (None, 0),
        "seen again: counter reset"
    );
    // The evidence stays.
    assert_eq!(
        (h.fetches_of("ad03").await, h.fetches_of("ad04").await),
        evidence_before
    );
    let versions = h.versions().await;
    assert_eq!((versions["ad03"], versions["ad04"]), (1, 1));
    assert_eq!(
        h.count("SELECT COUNT(*) FROM ads WHERE removed_at IS NULL")
            .await,
        6
    );

    // ad03 comes back unchanged (a 304), ad04 comes back changed (a 200); ad02 misses a
    // run again, which is its first in a row.
    h.web.ad("ad03", |a| {
        a.listed = true;
        a.gone = false;
    });
    h.web.ad("ad04", |a| a.listed = true);
    h.web.change_body("ad04", "Weer terug, nieuwe foto's.");
    h.web.ad("ad02", |a| a.listed = false);
    let mark = h.web.mark();
    let r4 = h.crawl().await;
    let hits = h.web.ad_hits_since(mark);
    assert_eq!(hits["ad03"].status, 304);
    assert_eq!(hits["ad04"].status, 200);
    assert_eq!(r4.stats.ads_removed, 0, "{:?}", r4.stats);
    assert_eq!(r4.stats.ads_changed, 1, "{:?}", r4.stats);
    assert_eq!(h.removal("ad03").await, (None, 0), "un-removed by a 304");
    assert_eq!(
        h.removal("ad04").await,
        (None, 0),
        "un-removed by a new version"
    );
    assert_eq!(
        h.removal("ad02").await,
        (None, 1),
        "missed runs must be in a row"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM ads WHERE removed_at IS NULL")
            .await,
        8
    );
    assert_eq!(h.versions().await["ad03"], 1);
    assert_eq!(h.versions().await["ad04"], 2);
}

// ---------------------------------------------------------------------------------------
// 4. Incomplete runs
// ---------------------------------------------------------------------------------------

/// A run cut short by the page budget, or one whose listing page failed, says nothing
/// about which ads are gone: no ad gets a missed run, none is removed, and the low ad
/// count is not judged as broken selectors.
async fn an_incomplete_run_marks_nothing_missing(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, &dir, 6).await;
    let r1 = h.crawl().await;
    assert_eq!(r1.stats.ads_new, 6);
    let all_present = "SELECT COUNT(*) FROM ads WHERE removed_at IS NULL AND missed_runs = 0";

    // No ad may get a missed run (one more would remove it).
    let mark = h.web.mark();
    let r = h.crawl_with(Some(2)).await;
    assert_eq!(r.stats.pages, 2, "{:?}", r.stats);
    assert_eq!(h.web.hits_since(mark).len(), 2, "the budget holds");
    assert_eq!(r.stats.ads_seen, 1);
    assert_eq!(r.stats.ads_removed, 0);
    assert!(
        !r.health.broken,
        "a cut-short run is not judged: {:?}",
        r.health
    );
    assert_eq!(h.count(all_present).await, 6);

    // The second listing page fails: its ads are unknown this run.
    h.web.with(|s| s.failing_page = Some(2));
    let r = h.crawl().await;
    assert_eq!(r.stats.listing_errors, 1, "{:?}", r.stats);
    assert_eq!(r.stats.ads_seen, 3);
    assert_eq!(r.stats.ads_removed, 0);
    assert_eq!(h.count(all_present).await, 6);

    // The control: the same ads missing from complete listings do count.
    h.web.with(|s| s.failing_page = None);
    h.web.ad("ad06", |a| a.listed = false);
    h.crawl().await;
    assert_eq!(h.removal("ad06").await, (None, 1));
}

// ---------------------------------------------------------------------------------------
// 5. Run stats
// ---------------------------------------------------------------------------------------

/// Each run's counters, status, duration and health are stored in its own `crawl_runs`
/// row, as the report gave them, and its frontier is dropped.
async fn run_stats_are_stored_per_run(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, &dir, 4).await;
    // A listed ad whose page is broken: one error per run.
    h.web.with(|s| {
        let mut bad = s.ads["ad01"].clone();
        bad.gone = true;
        s.ads.insert("ad00".into(), bad);
    });
    let r1 = h.crawl().await;

    h.web.change_body("ad01", "Andere tekst.");
    h.web.with(|s| {
        let mut new = s.ads["ad02"].clone();
        new.body = "Net begonnen.".into();
        s.ads.insert("ad05".into(), new);
    });
    h.web.ad("ad04", |a| a.listed = false);
    let r2 = h.crawl().await;
    let r3 = h.crawl().await;

    let expect = |pages, seen, new, changed, not_modified, removed, parsed| RunStats {
        pages,
        ads_seen: seen,
        ads_new: new,
        ads_changed: changed,
        ads_removed: removed,
        ads_not_modified: not_modified,
        ads_parsed: parsed,
        empty_title: 0,
        empty_body: 0,
        robots_blocked: 0,
        errors: 1,
        listing_errors: 0,
    };
    // 5 links on 2 listing pages each run (ad00 always; ad04 out, ad05 in from run 2).
    let runs = [
        (&r1, expect(7, 4, 4, 0, 0, 0, 4)),
        (&r2, expect(7, 4, 1, 1, 2, 0, 2)),
        (&r3, expect(7, 4, 0, 0, 4, 1, 0)),
    ];
    let ids: Vec<i64> = runs.iter().map(|(r, _)| r.run_id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "one row per run: {ids:?}"
    );
    for (report, want) in runs {
        assert_eq!(report.stats, want, "run {}", report.run_id);
        let row = sqlx::query(
            "SELECT status, finished_at, duration_ms, health, health_message, pages, ads_seen,
             ads_new, ads_changed, ads_removed, ads_not_modified, ads_parsed, errors,
             listing_errors, robots_blocked FROM crawl_runs WHERE id = $1",
        )
        .bind(report.run_id)
        .fetch_one(h.store.pool())
        .await
        .unwrap();
        assert_eq!(row.get::<String, _>("status"), "finished");
        assert!(row.get::<Option<String>, _>("finished_at").is_some());
        let duration: Option<i64> = row.get("duration_ms");
        assert!(
            duration.is_some_and(|d| (0..60_000).contains(&d)),
            "{duration:?}"
        );
        assert_eq!(
            row.get::<Option<String>, _>("health").as_deref(),
            Some("ok")
        );
        assert_eq!(row.get::<Option<String>, _>("health_message"), None);
        let stored = [
            "pages",
            "ads_seen",
            "ads_new",
            "ads_changed",
            "ads_removed",
            "ads_not_modified",
            "ads_parsed",
            "errors",
            "listing_errors",
            "robots_blocked",
        ]
        .map(|c| row.get::<i64, _>(c));
        let s = report.stats;
        assert_eq!(
            stored,
            [
                s.pages,
                s.ads_seen,
                s.ads_new,
                s.ads_changed,
                s.ads_removed,
                s.ads_not_modified,
                s.ads_parsed,
                s.errors,
                s.listing_errors,
                s.robots_blocked
            ],
            "run {}",
            report.run_id
        );
    }
    assert_eq!(
        h.count("SELECT COUNT(*) FROM crawl_runs WHERE status = 'finished'")
            .await,
        3
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM crawl_frontier").await, 0);
    // The same through the store's own reader (`webwacht sites`).
    let recent = webwacht::store::runs::recent_runs(&h.store, SITE_ID, 10)
        .await
        .unwrap();
    assert_eq!(recent.len(), 3);
    assert_eq!(recent[0].stats, r3.stats);
    assert_eq!(recent[2].stats, r1.stats);
}

// ---------------------------------------------------------------------------------------
// 6. Selector health
// ---------------------------------------------------------------------------------------

async fn assert_broken(h: &Harness, report: &SiteReport, needle: &str) {
    assert!(
        report.health.broken,
        "{:?} {:?}",
        report.health, report.stats
    );
    let message = report.health.message.clone().unwrap();
    assert!(message.starts_with("Site defect: "), "{message}");
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
    assert_eq!(
        h.site_health().await,
        ("broken".into(), Some(message.clone()))
    );
    let run: (String, Option<String>) =
        sqlx::query_as("SELECT health, health_message FROM crawl_runs WHERE id = $1")
            .bind(report.run_id)
            .fetch_one(h.store.pool())
            .await
            .unwrap();
    assert_eq!(run, ("broken".into(), Some(message)));
}

async fn assert_healthy(h: &Harness, report: &SiteReport) {
    assert!(
        !report.health.broken,
        "{:?} {:?}",
        report.health, report.stats
    );
    assert_eq!(report.health.message, None);
    assert_eq!(h.site_health().await, ("ok".into(), None));
}

/// The listings still load but the ad-link selector finds nothing: broken, then a
/// healthy run sets the site back to ok.
async fn health_no_ad_links_is_broken(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, &dir, 5).await;
    let r = h.crawl().await;
    assert_healthy(&h, &r).await;

    h.web.with(|s| s.links_broken = true);
    let r = h.crawl().await;
    assert_eq!(r.stats.ads_seen, 0, "{:?}", r.stats);
    assert_eq!(r.stats.listing_errors, 0);
    assert_broken(&h, &r, "geen advertenties gevonden: kloppen de selectors").await;

    h.web.with(|s| s.links_broken = false);
    let r = h.crawl().await;
    assert_eq!(r.stats.ads_seen, 5);
    assert_healthy(&h, &r).await;
}

/// More than half of the ads gone since the previous run: broken; the run after is
/// compared with the broken one and recovers.
async fn health_ad_count_drop_of_more_than_half_is_broken(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, &dir, 6).await;
    let r = h.crawl().await;
    assert_healthy(&h, &r).await;

    for id in ids(3..=6) {
        h.web.ad(&id, |a| a.listed = false);
    }
    let r = h.crawl().await;
    assert_eq!(r.stats.ads_seen, 2);
    assert_broken(&h, &r, "gedaald van 6 naar 2").await;

    for id in ids(1..=6) {
        h.web.ad(&id, |a| a.listed = true);
    }
    let r = h.crawl().await;
    assert_healthy(&h, &r).await;
}

/// More than 20 % of the parsed ads without a body: broken; bodies back: ok.
async fn health_empty_required_field_is_broken(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, &dir, 5).await;
    let r = h.crawl().await;
    assert_healthy(&h, &r).await;

    // 2 of 5 (40 %).
    for id in ids(1..=5) {
        let body = if id == "ad01" || id == "ad02" {
            ""
        } else {
            "Weer anders."
        };
        h.web.change_body(&id, body);
    }
    let r = h.crawl().await;
    assert_eq!(
        (r.stats.ads_parsed, r.stats.empty_body),
        (5, 2),
        "{:?}",
        r.stats
    );
    assert_eq!(r.stats.ads_seen, 5, "title only: still an ad");
    assert_broken(&h, &r, "veld 'tekst' leeg bij 2 van 5 advertenties").await;

    for id in ids(1..=2) {
        h.web.change_body(&id, "Tekst is terug.");
    }
    let r = h.crawl().await;
    assert_eq!(r.stats.empty_body, 0);
    assert_healthy(&h, &r).await;
}

// ---------------------------------------------------------------------------------------
// 7. The binary
// ---------------------------------------------------------------------------------------

/// `webwacht crawl` exits 1 when a site is broken (its listings link no ads) and
/// `webwacht sites` says DEFECT with the message; after a healthy crawl both are fine.
async fn binary_crawl_fails_and_sites_shows_defect(_db: TestDb, dir: PathBuf) {
    let web = TestSite::start(4).await;
    let dir = dir.as_path();
    let selectors = dir.join("selectors");
    std::fs::create_dir(&selectors).unwrap();
    std::fs::write(selectors.join("inc.toml"), site_toml(&web.base)).unwrap();
    let run = |args: &'static [&'static str]| {
        let (dir, selectors): (PathBuf, PathBuf) = (dir.into(), selectors.clone());
        async move {
            tokio::task::spawn_blocking(move || {
                let mut all = vec!["--selectors-dir", selectors.to_str().unwrap()];
                all.extend_from_slice(args);
                support::webwacht(&dir, &all)
            })
            .await
            .unwrap()
        }
    };

    web.with(|s| s.links_broken = true);
    let mark = web.mark();
    let out = run(&["crawl"]).await;
    assert!(
        web.hits_since(mark)
            .iter()
            .any(|h| h.path == "/list?page=1"),
        "the binary crawled the test site"
    );
    assert_eq!(out.status.code(), Some(1), "{}", support::stderr(&out));
    let message = "Site defect: geen advertenties gevonden: kloppen de selectors voor de advertentielinks nog?";
    assert!(
        support::stdout(&out).contains(message),
        "{}",
        support::stdout(&out)
    );
    assert!(
        support::stderr(&out).contains("site(s) defect: inc"),
        "{}",
        support::stderr(&out)
    );
    let out = run(&["sites"]).await;
    assert!(out.status.success(), "{}", support::stderr(&out));
    let text = support::stdout(&out);
    assert!(
        text.contains(&format!("inc ({SITE_NAME}): DEFECT")),
        "{text}"
    );
    assert!(text.contains(&format!("  {message}")), "{text}");

    // Repaired: exit 0, and `sites` says all is well.
    web.with(|s| s.links_broken = false);
    let out = run(&["crawl"]).await;
    assert!(out.status.success(), "{}", support::stderr(&out));
    assert!(
        support::stdout(&out).contains("inc: 6 pagina's, 4 advertenties (4 nieuw"),
        "{}",
        support::stdout(&out)
    );
    let text = support::stdout(&run(&["sites"]).await);
    assert!(
        text.contains(&format!(
            "inc ({SITE_NAME}): in orde, 4 advertenties online"
        )),
        "{text}"
    );
    assert!(
        !text.contains("DEFECT") && !text.contains("Site defect"),
        "{text}"
    );
}

both_engines!(async second_run_uses_conditional_gets_and_stores_nothing_new);
both_engines!(async a_changed_ad_gets_exactly_one_new_version);
both_engines!(async missing_ads_are_removed_after_two_runs_and_come_back);
both_engines!(async an_incomplete_run_marks_nothing_missing);
both_engines!(async run_stats_are_stored_per_run);
both_engines!(async health_no_ad_links_is_broken);
both_engines!(async health_ad_count_drop_of_more_than_half_is_broken);
both_engines!(async health_empty_required_field_is_broken);
both_engines!(async binary_crawl_fails_and_sites_shows_defect);
