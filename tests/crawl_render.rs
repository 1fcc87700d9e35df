//! Sites that build their ads with JavaScript: with `render = "chromium"` the crawl
//! finds the ads and their phone numbers through headless Chromium, while every request
//! (scripts and JSON included) still comes from our polite fetcher: the configured
//! User-Agent, the rate limit, robots.txt and allowed hosts, proven from what the
//! server recorded. With the default `http` the same site yields nothing.
//!
//! Needs Debian's `chromium` at /usr/bin/chromium; without it these tests fail.

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::db::TestDb;
use support::site::SiteFile;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

use webwacht::crawl::render::CHROMIUM;
use webwacht::crawl::{crawl_site, CrawlOptions, SiteReport};
use webwacht::site::compile::compile_str;
use webwacht::store::{ads, Store};

const UA: &str = "webwacht-test/1.0 (+http://127.0.0.1/contact)";
const RPM: u32 = 300; // one request per 200 ms

/// One request the test site received.
#[derive(Debug, Clone)]
struct Logged {
    at: Instant,
    path: String,
    user_agent: Option<String>,
}

type Log = Arc<Mutex<Vec<Logged>>>;

const ROBOTS_TXT: &str = "User-agent: *\nDisallow: /verboden/\n";

/// Listing and ad pages alike: an empty `<main>` that `/app.js` fills.
/// `/verboden/tracker.js` is disallowed by robots.txt, `/logo.png` is an image the crawl
/// never needs, and `http://localhost:<port>/extern.js` is the same server under a host
/// that is not in `allowed_hosts`: none of the three may ever be requested.
fn shell(port: u16) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Escorts</title>
<script src="/app.js" defer></script>
<script src="/verboden/tracker.js" defer></script>
<script src="http://localhost:{port}/extern.js" defer></script>
</head><body><img src="/logo.png" alt=""><main></main></body></html>"#
    )
}

const APP_JS: &str = r#"
fetch('/api/ads.json').then(r => r.json()).then(ads => {
  const main = document.querySelector('main');
  const m = location.pathname.match(/^\/advertentie\/(\d+)$/);
  if (!m) {
    for (const ad of ads) {
      const art = document.createElement('article');
      art.className = 'ad';
      const a = document.createElement('a');
      a.className = 'more';
      a.href = '/advertentie/' + ad.id;
      a.textContent = ad.name;
      art.appendChild(a);
      main.appendChild(art);
    }
    return;
  }
  const ad = ads.find(x => String(x.id) === m[1]);
  const art = document.createElement('article');
  art.dataset.adId = ad.id;
  art.innerHTML = '<h1></h1><p class="description"></p><span class="location"></span>' +
    '<a class="tel"></a>';
  art.querySelector('h1').textContent = ad.name;
  art.querySelector('.description').textContent = ad.text;
  art.querySelector('.location').textContent = ad.place;
  art.querySelector('.tel').href = 'tel:' + ad.phone;
  art.querySelector('.tel').textContent = ad.phone;
  main.appendChild(art);
});
"#;

const ADS_JSON: &str = r#"[
  {"id": 1, "name": "Lotte", "place": "Utrecht", "phone": "06-12345678",
   "text": "Discreet escort in Utrecht. Bel of app 06-12345678."},
  {"id": 2, "name": "Sanne", "place": "Rotterdam", "phone": "06 87654321",
   "text": "Nieuw in Rotterdam, bel 06 87654321 voor een afspraak."}
]"#;

async fn log_request(State(log): State<Log>, request: Request, next: Next) -> Response {
    let entry = Logged {
        at: Instant::now(),
        path: request
            .uri()
            .path_and_query()
            .map_or_else(|| request.uri().path().to_string(), |pq| pq.to_string()),
        user_agent: request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(String::from),
    };
    log.lock().unwrap().push(entry);
    next.run(request).await
}

fn typed(content_type: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The script-built ad site on 127.0.0.1, port 0.
async fn start_site() -> (SocketAddr, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log: Log = Arc::default();
    let port = addr.port();
    let page = move || async move { typed("text/html; charset=utf-8", shell(port)) };
    let app = Router::new()
        .route(
            "/robots.txt",
            get(|| async { typed("text/plain", ROBOTS_TXT.into()) }),
        )
        .route("/escorts", get(page))
        .route("/advertentie/{id}", get(page))
        .route(
            "/app.js",
            get(|| async { typed("text/javascript", APP_JS.into()) }),
        )
        .route(
            "/api/ads.json",
            get(|| async { typed("application/json", ADS_JSON.into()) }),
        )
        .route(
            "/verboden/tracker.js",
            get(|| async { typed("text/javascript", "document.title = 'x';".into()) }),
        )
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(middleware::from_fn_with_state(log.clone(), log_request));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, log)
}

/// The phone selector of a site file: every `tel:` link.
const PHONE: &str = r#"{ selector = "a[href^='tel:']", attr = "href", all = true }"#;

fn site_toml(addr: SocketAddr, render: Option<&str>) -> String {
    let site = SiteFile::new("js-gids", "JS Gids", &format!("http://{addr}/escorts"))
        .site("allowed_hosts", r#"["127.0.0.1"]"#)
        .site("requests_per_minute", &RPM.to_string())
        .ad_id_attribute()
        .ad("place", ".location")
        .ad_value("phone", PHONE);
    match render {
        Some(r) => site.site("render", &format!("{r:?}")).toml(),
        None => site.toml(),
    }
}

struct Run {
    report: SiteReport,
    /// E.164 numbers per ad URL, sorted by URL.
    phones: Vec<(String, Vec<String>)>,
    log: Vec<Logged>,
}

async fn crawl(db: &TestDb, dir: &Path, render: Option<&str>) -> Run {
    let (addr, log) = start_site().await;
    let cfg = db.config(dir);
    let store = Store::open(&cfg).await.unwrap();
    let site = compile_str(Path::new("js-gids.toml"), &site_toml(addr, render)).unwrap();
    let opts = CrawlOptions {
        user_agent: UA.into(),
        max_pages: Some(20),
        unthrottled: false,
    };
    let report = crawl_site(&store, &site, &opts, &cfg.evidence_dir())
        .await
        .unwrap();
    let mut phones: Vec<(String, Vec<String>)> = ads::current_ads(&store)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.url, a.phones))
        .collect();
    phones.sort();
    store.close().await;
    let log = log.lock().unwrap().clone();
    Run {
        report,
        phones,
        log,
    }
}

fn require_chromium() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} ontbreekt: deze test heeft headless Chromium nodig \
         (Debian: apt-get install -y chromium)"
    );
}

async fn chromium_renders_script_built_ads_politely(db: TestDb, dir: PathBuf) {
    require_chromium();
    let run = crawl(&db, &dir, Some("chromium")).await;
    let paths: Vec<&str> = run.log.iter().map(|r| r.path.as_str()).collect();

    // The ads exist only after app.js ran: found, and their phones extracted.
    assert_eq!(
        run.report.stats.ads_seen, 2,
        "{:?} {paths:?}",
        run.report.stats
    );
    assert_eq!(run.report.stats.errors, 0, "{:?}", run.report.stats);
    let numbers: Vec<&[String]> = run.phones.iter().map(|(_, p)| p.as_slice()).collect();
    assert_eq!(
        numbers,
        [["+31612345678".to_string()], ["+31687654321".to_string()]],
        "{:?}",
        run.phones
    );

    // Chromium asked for the scripts and the data; all of it came through our fetcher.
    assert_eq!(
        paths[0], "/robots.txt",
        "robots.txt is read first: {paths:?}"
    );
    for needed in ["/escorts", "/app.js", "/api/ads.json", "/advertentie/1"] {
        assert!(paths.contains(&needed), "{needed} not requested: {paths:?}");
    }
    for never in ["/verboden/tracker.js", "/extern.js", "/logo.png"] {
        assert!(!paths.contains(&never), "{never} was requested: {paths:?}");
    }
    assert_eq!(
        paths.iter().filter(|p| **p == "/robots.txt").count(),
        1,
        "{paths:?}"
    );
    for r in &run.log {
        assert_eq!(r.user_agent.as_deref(), Some(UA), "{}", r.path);
    }
    let interval = Duration::from_secs(60) / RPM;
    let slack = Duration::from_millis(25); // scheduling jitter on the receiving side
    for pair in run.log.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap + slack >= interval,
            "gap {gap:?} between {} and {} is below {interval:?}",
            pair[0].path,
            pair[1].path
        );
    }
}

async fn plain_http_sees_no_script_built_ads(db: TestDb, dir: PathBuf) {
    let run = crawl(&db, &dir, None).await;
    assert_eq!(run.report.stats.ads_seen, 0, "{:?}", run.report.stats);
    assert!(run.phones.is_empty(), "{:?}", run.phones);
    let paths: Vec<&str> = run.log.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/robots.txt", "/escorts"]);
}

both_engines!(async chromium_renders_script_built_ads_politely);
both_engines!(async plain_http_sees_no_script_built_ads);
