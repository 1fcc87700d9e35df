//! The review UI end to end, in Debian's headless Chromium driven by playwright-core
//! (`tests/e2e/review.mjs`): a researcher logs in, filters the queue, opens a flag and
//! confirms it; a coordinator finds the decision in the audit log; anonymous requests are
//! sent to `/login`. The flag comes from a hostile ad site whose pages and fields carry
//! script payloads (`<script>`, `onerror=`, `javascript:` links, SVG scripts, meta refresh,
//! `<object>`, `<base>`): nothing may run, and nothing but the UI's own server may be
//! asked for anything. Every payload that could leave the page aims at a beacon on
//! 127.0.0.2, which must stay silent.
//!
//! Then `tests/e2e/a11y.mjs` checks accessibility against the same server (issue 5, point
//! 1): axe-core's WCAG 2.0/2.1 A and AA rules (contrast included) on every page, and the
//! keyboard alone: skip link, filter form, and dismissing a second flag with a typed note,
//! which must then be in the database.
//!
//! Needs `node`, `/usr/bin/chromium` and `tests/e2e/node_modules` (`tools/test` installs
//! them). Without them the test is skipped with a notice, unless `CI` is set: then it fails.

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::browser::{missing_tools, node_command, CHROMIUM};
use support::db::TestDb;
use support::site::SiteFile;

use axum::extract::{Path as UrlPath, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use webwacht::crawl::CrawlOptions;
use webwacht::extract::Gazetteer;
use webwacht::register;
use webwacht::review::FlagStatus;
use webwacht::rules::Policies;
use webwacht::site::compile::compile_str;
use webwacht::store::flags::{list, FlagFilter};
use webwacht::store::{self, review, users, Store};
use webwacht::web::auth::Role;
use webwacht::web::{self, hash_password, AppState};

const SITE_ID: &str = "vijandige-gids";
const RESEARCHER: (&str, &str) = ("rechercheur-e2e", "e2e-wachtwoord-rechercheur-1");
const COORDINATOR: (&str, &str) = ("coordinator-e2e", "e2e-wachtwoord-coordinator-1");
/// The note a11y.mjs types (keyboard only) when it dismisses its flag.
const KEYBOARD_NOTE: &str =
    "Afgewezen met alleen het toetsenbord: geen vergunningplicht (a11y-test).";
/// One browser run (review.mjs, a11y.mjs); each normally takes a few seconds.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(180);

/// A small invented licence register: the one licence the clean ad (104) shows.
const REGISTER_CSV: &str = "\
licence_number,holder,business_type,municipality_code,phones,address,valid_from,valid_until,status
UTR-2024-0777,Agency Proefhuis,escort,GM0344,06-12340104,Verzinweg 1 Utrecht,2024-01-01,,active
";

// ---------------------------------------------------------------------------------------
// The beacon: every payload that escaped would call it. It must get no request at all.

type Hits = Arc<Mutex<Vec<String>>>;

async fn record_hit(State(hits): State<Hits>, request: Request) -> StatusCode {
    let line = format!("{} {}", request.method(), request.uri());
    hits.lock().unwrap().push(line);
    StatusCode::NO_CONTENT
}

/// The beacon on 127.0.0.2 (still loopback, but another origin than the UI on 127.0.0.1).
async fn start_beacon() -> (SocketAddr, Hits) {
    let listener = TcpListener::bind("127.0.0.2:0")
        .await
        .expect("bind 127.0.0.2");
    let addr = listener.local_addr().unwrap();
    let hits: Hits = Arc::default();
    let app = Router::new().fallback(record_hit).with_state(hits.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, hits)
}

// ---------------------------------------------------------------------------------------
// The hostile ad site.

/// Ad 101: every kind of active content in the page itself, plus payloads as text in the
/// title, body, advertiser and place (escaped in the page, so they arrive as literal text).
/// No licence number: the default policy raises `no_licence_number`.
fn payload_ad(beacon: SocketAddr) -> String {
    let b = format!("http://{beacon}");
    format!(
        r##"<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<title>Advertentie</title>
<base href="{b}/base/">
<meta http-equiv="refresh" content="0;url={b}/beacon/meta-refresh">
<link rel="stylesheet" href="{b}/beacon/stylesheet">
<script>alert('XSS-EXEC-head'); console.log('XSS-EXEC-head'); document.title = 'pwned'; fetch('{b}/beacon/fetch');</script>
<script src="{b}/beacon/script-src"></script>
</head>
<body onload="console.log('XSS-EXEC-body-onload'); alert('XSS-EXEC-body-onload')">
<article data-ad-id="101">
<h1>&lt;script&gt;console.log('XSS-EXEC-title')&lt;/script&gt; Nieuw in Utrecht</h1>
<span class="name">&lt;img src=x onerror=alert('XSS-EXEC-name')&gt;Lotte</span>
<span class="location">Utrecht &lt;svg onload=alert('XSS-EXEC-place')&gt;</span>
<div class="description">&lt;b onmouseover=alert('XSS-EXEC-body')&gt;Discreet&lt;/b&gt; en lief.
Bel of app 06-12340101. &lt;a href="javascript:alert('XSS-EXEC-bodylink')"&gt;foto's&lt;/a&gt;</div>
<a href="tel:0612340101">06-12340101</a>
<img id="img-onerror" src="x" onerror="alert('XSS-EXEC-img'); console.log('XSS-EXEC-img'); parent.document.title = 'pwned'">
<img id="img-beacon" src="{b}/beacon/img">
<a id="js-link" href="javascript:alert('XSS-EXEC-link');console.log('XSS-EXEC-link');parent.document.title='pwned'">bekijk foto's</a>
<a id="beacon-link" href="{b}/beacon/link">mijn website</a>
<a id="beacon-link-top" href="{b}/beacon/link-top" target="_top">mijn website (top)</a>
<a id="beacon-link-blank" href="{b}/beacon/link-blank" target="_blank">mijn website (nieuw venster)</a>
<svg xmlns="http://www.w3.org/2000/svg"><script>alert('XSS-EXEC-svg-script'); console.log('XSS-EXEC-svg-script')</script></svg>
<svg xmlns="http://www.w3.org/2000/svg" onload="alert('XSS-EXEC-svg-onload'); console.log('XSS-EXEC-svg-onload')"><circle r="4"/></svg>
<iframe id="js-iframe" src="javascript:alert('XSS-EXEC-iframe');console.log('XSS-EXEC-iframe')"></iframe>
<iframe id="beacon-iframe" src="{b}/beacon/iframe"></iframe>
<object id="beacon-object" data="{b}/beacon/object"></object>
<embed src="{b}/beacon/embed">
<video src="{b}/beacon/video" autoplay></video>
<form id="beacon-form" action="{b}/beacon/form" method="get"><input name="q" value="1"><button id="beacon-form-button" type="submit">verstuur</button></form>
<details open ontoggle="console.log('XSS-EXEC-ontoggle'); alert('XSS-EXEC-ontoggle')"><summary>meer</summary></details>
<input autofocus onfocus="console.log('XSS-EXEC-onfocus'); alert('XSS-EXEC-onfocus')">
<div style="background-image: url({b}/beacon/css-inline)">achtergrond</div>
</article>
</body></html>
"##
    )
}

/// Ad 102: payloads only as text (advertiser, place, body); no licence number.
const TEXT_PAYLOAD_AD: &str = r#"<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Advertentie</title></head><body>
<article data-ad-id="102">
<h1>Sanne &lt;iframe src=javascript:alert('XSS-EXEC-title2')&gt;</h1>
<span class="name">&lt;script&gt;alert('XSS-EXEC-name2')&lt;/script&gt;Sanne</span>
<span class="location">Rotterdam</span>
<div class="description">Nieuw in Rotterdam. &lt;svg&gt;&lt;script&gt;alert('XSS-EXEC-body2')&lt;/script&gt;&lt;/svg&gt; Bel 06-12340102.</div>
</article></body></html>
"#;

/// Ad 103: claims a licence number the register does not know (`unknown_licence_number`).
const UNKNOWN_LICENCE_AD: &str = r#"<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Advertentie</title></head><body>
<article data-ad-id="103">
<h1>Mila, escort in Utrecht</h1>
<span class="name">Mila</span>
<span class="location">Utrecht</span>
<div class="description">Bel 06-12340103.</div>
<span class="licence">Vergunningnummer: UTR-2099-9999</span>
</article></body></html>
"#;

/// Ad 104: the licensed ad, with its registered phone: no flag.
const CLEAN_AD: &str = r#"<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Advertentie</title></head><body>
<article data-ad-id="104">
<h1>Agency Proefhuis</h1>
<span class="name">Agency Proefhuis</span>
<span class="location">Utrecht</span>
<div class="description">Bel 06-12340104.</div>
<span class="licence">Vergunningnummer: UTR-2024-0777</span>
</article></body></html>
"#;

const LISTING: &str = r#"<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>Vijandige gids</title></head><body>
<article class="ad"><a class="more" href="/advertentie/101">Lotte</a></article>
<article class="ad"><a class="more" href="/advertentie/102">Sanne</a></article>
<article class="ad"><a class="more" href="/advertentie/103">Mila</a></article>
<article class="ad"><a class="more" href="/advertentie/104">Agency Proefhuis</a></article>
</body></html>
"#;

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

async fn start_hostile_site(beacon: SocketAddr) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route(
            "/robots.txt",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/plain")],
                    "User-agent: *\nAllow: /\n",
                )
            }),
        )
        .route("/escorts", get(|| async { html(LISTING.into()) }))
        .route(
            "/advertentie/{id}",
            get(move |UrlPath(id): UrlPath<String>| async move {
                match id.as_str() {
                    "101" => html(payload_ad(beacon)),
                    "102" => html(TEXT_PAYLOAD_AD.into()),
                    "103" => html(UNKNOWN_LICENCE_AD.into()),
                    "104" => html(CLEAN_AD.into()),
                    _ => StatusCode::NOT_FOUND.into_response(),
                }
            }),
        )
        .fallback(|| async { StatusCode::NOT_FOUND });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// The phone selector of a site file: every `tel:` link.
const PHONE: &str = r#"{ selector = "a[href^='tel:']", attr = "href", all = true }"#;

fn site_toml(addr: SocketAddr) -> String {
    SiteFile::new(SITE_ID, "Vijandige Gids", &format!("http://{addr}/escorts"))
        .site("allowed_hosts", r#"["127.0.0.1"]"#)
        .ad_id_attribute()
        .ad("advertiser", ".name")
        .ad("place", ".location")
        .ad_value("phone", PHONE)
        .ad("licence", ".licence")
        .toml()
}

// ---------------------------------------------------------------------------------------
// What the browser run needs.

async fn import_register(store: &Store) {
    let (m, p) = webwacht::extract::gazetteer::embedded();
    let g = Gazetteer::new(m, p);
    let rows = register::parse_licences("e2e.csv", REGISTER_CSV.as_bytes(), &g).unwrap();
    store::register::insert_licences(store, "e2e.csv", "-", &rows)
        .await
        .unwrap();
}

async fn add_user(store: &Store, (name, password): (&str, &str), role: Role) {
    let hash = hash_password(password).unwrap();
    users::create_user(store, name, &hash, role, None)
        .await
        .unwrap();
}

fn ad_url_id(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or_default()
}

/// Runs `node tests/e2e/<script>` with `env` (loopback only: no proxy variables) and
/// asserts it exits 0, showing its output and the beacon's hits if not.
async fn run_node(script: &str, env: &[(&str, String)], hits: &Hits) {
    let started = Instant::now();
    let mut node = node_command(script, env);
    let out = tokio::time::timeout(BROWSER_TIMEOUT, node.output())
        .await
        .unwrap_or_else(|_| panic!("tests/e2e/{script} took longer than {BROWSER_TIMEOUT:?}"))
        .unwrap_or_else(|e| panic!("run node tests/e2e/{script}: {e}"));
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let beacon_hits = hits.lock().unwrap().clone();
    assert!(
        out.status.success(),
        "tests/e2e/{script} failed ({}) after {took:?}; beacon hits: {beacon_hits:?}\n\
         --- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    println!("{stdout}{script}: {took:?}");
}

async fn review_ui_in_headless_chromium_runs_no_payload(db: TestDb, dir: PathBuf) {
    if let Some(why) = missing_tools(&["playwright-core", "axe-core"]) {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty());
        assert!(
            !ci,
            "CI is set but the browser test cannot run: {why}. tools/test installs what it needs."
        );
        eprintln!("NOTICE: web_e2e skipped: {why}. Run tools/test to install it.");
        return;
    }

    // The hostile site is crawled into a fresh data dir and matched against the register.
    let (beacon, hits) = start_beacon().await;
    let site_addr = start_hostile_site(beacon).await;
    let cfg = db.config(&dir);
    let store = Store::open(&cfg).await.unwrap();
    import_register(&store).await;
    let site = compile_str(Path::new("vijandige-gids.toml"), &site_toml(site_addr)).unwrap();
    let opts = CrawlOptions {
        user_agent: "webwacht-e2e/1.0 (+http://127.0.0.1/contact)".into(),
        max_pages: Some(20),
        unthrottled: false,
    };
    let (reports, _) = webwacht::pipeline::crawl_and_match(
        &store,
        std::slice::from_ref(&site),
        &opts,
        &cfg.evidence_dir(),
        &Policies::default(),
    )
    .await
    .unwrap();
    assert_eq!(reports[0].stats.ads_seen, 4, "{:?}", reports[0].stats);

    let flags = list(&store, &FlagFilter::default()).await.unwrap();
    let summary: Vec<(i64, &str, &str)> = flags
        .iter()
        .map(|f| (f.id, f.rule.as_str(), ad_url_id(&f.ad_url)))
        .collect();
    let flag_of = |ad: &str, rule: &str| {
        flags
            .iter()
            .find(|f| ad_url_id(&f.ad_url) == ad && f.rule == rule)
            .unwrap_or_else(|| panic!("no {rule} flag for ad {ad}: {summary:?}"))
    };
    let target = flag_of("101", "no_licence_number");
    let expected: Vec<String> = flags
        .iter()
        .filter(|f| f.rule == "no_licence_number" && f.site == SITE_ID)
        .map(|f| f.id.to_string())
        .collect();
    let others: Vec<String> = flags
        .iter()
        .filter(|f| f.rule != "no_licence_number")
        .map(|f| f.id.to_string())
        .collect();
    assert!(expected.len() >= 2, "{summary:?}");
    let unknown = flag_of("103", "unknown_licence_number");
    // Dismissed by a11y.mjs with the keyboard alone; review.mjs leaves it alone.
    let keyboard = flag_of("102", "no_licence_number");
    assert_ne!(keyboard.id, target.id);
    assert!(
        !flags.iter().any(|f| ad_url_id(&f.ad_url) == "104"),
        "{summary:?}"
    );
    let target_id = target.id;
    let phone = target.phones.first().cloned().expect("ad 101 has a phone");
    let detail = review::flag_detail(&store, &review::Scope::All, target_id)
        .await
        .unwrap()
        .unwrap();
    let ad_id = detail.ad_id;

    add_user(&store, RESEARCHER, Role::Researcher).await;
    add_user(&store, COORDINATOR, Role::Coordinator).await;

    // The UI on 127.0.0.1, port 0.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ui = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let state = AppState::new(store.clone(), cfg.evidence_dir());
    let server = tokio::spawn(web::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let common = [
        ("BASE_URL", format!("http://{ui}")),
        ("BEACON_URL", format!("http://{beacon}")),
        ("CHROMIUM", CHROMIUM.to_string()),
        ("COORDINATOR_NAME", COORDINATOR.0.to_string()),
        ("COORDINATOR_PASSWORD", COORDINATOR.1.to_string()),
        ("FLAG_ID", target_id.to_string()),
        ("AD_ID", ad_id.to_string()),
        ("PHONE_E164", phone.clone()),
    ];
    let mut review_env = common.to_vec();
    review_env.extend([
        ("RESEARCHER_NAME", RESEARCHER.0.to_string()),
        ("RESEARCHER_PASSWORD", RESEARCHER.1.to_string()),
        ("FILTER_RULE", "no_licence_number".to_string()),
        ("FILTER_SITE", SITE_ID.to_string()),
        ("EXPECT_IDS", expected.join(",")),
        ("OTHER_IDS", others.join(",")),
    ]);
    run_node("review.mjs", &review_env, &hits).await;

    // Accessibility (issue 5, point 1): axe-core on every page, and the keyboard alone
    // (skip link, filter form, dismissing the keyboard flag with a typed note).
    let mut a11y_env = common.to_vec();
    a11y_env.extend([
        ("KEYBOARD_FLAG_ID", keyboard.id.to_string()),
        ("KEYBOARD_NOTE", KEYBOARD_NOTE.to_string()),
        ("SEARCH_Q", "06-12340101".to_string()),
    ]);
    run_node("a11y.mjs", &a11y_env, &hits).await;

    // What the browser did is in the database: the decision, and who saw what.
    let now = list(&store, &FlagFilter::default()).await.unwrap();
    let status_of = |id: i64| now.iter().find(|f| f.id == id).map(|f| f.status.clone());
    assert_eq!(status_of(target_id).as_deref(), Some("confirmed"));
    assert_eq!(status_of(unknown.id).as_deref(), Some("new"));
    assert_eq!(status_of(keyboard.id).as_deref(), Some("dismissed"));
    let typed = review::decisions(&store, keyboard.id).await.unwrap();
    assert!(
        typed.last().is_some_and(|d| d.actor == COORDINATOR.0
            && d.to_status == FlagStatus::Dismissed
            && d.note.as_deref() == Some(KEYBOARD_NOTE)),
        "the keyboard dismissal with its typed note: {typed:?}"
    );
    let decisions = review::decisions(&store, target_id).await.unwrap();
    let by_researcher: Vec<_> = decisions
        .iter()
        .filter(|d| d.actor == RESEARCHER.0)
        .collect();
    // One row per lifecycle step (new -> in_review -> confirmed); the note is on the last.
    let (first, last) = match by_researcher.as_slice() {
        [first, .., last] | [first @ last] => (first, last),
        [] => panic!("no decision by {}: {decisions:?}", RESEARCHER.0),
    };
    assert_eq!(first.from_status, Some(FlagStatus::New), "{decisions:?}");
    assert_eq!(last.to_status, FlagStatus::Confirmed, "{decisions:?}");
    assert!(
        last.note.as_deref().is_some_and(|n| n.contains("<script>")),
        "the note is stored as typed: {decisions:?}"
    );
    // The anonymous POST the browser tried decided nothing.
    assert!(
        decisions
            .iter()
            .all(|d| d.actor == RESEARCHER.0 || d.actor == "system"),
        "{decisions:?}"
    );
    let object = format!("flag:{target_id}");
    let audit = review::audit_log(
        &store,
        &review::Scope::All,
        Some(RESEARCHER.0),
        Some(&object),
        None,
        1000,
    )
    .await
    .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert!(actions.contains(&"flag_confirm"), "{actions:?}");
    assert!(actions.contains(&"view"), "{actions:?}");

    // Nothing reached the beacon: not the crawler, not the browser.
    let hits = hits.lock().unwrap().clone();
    assert!(hits.is_empty(), "the beacon was called: {hits:?}");

    let _ = stop.send(());
    server.await.unwrap().unwrap();
    store.close().await;
}

both_engines!(async review_ui_in_headless_chromium_runs_no_payload);
