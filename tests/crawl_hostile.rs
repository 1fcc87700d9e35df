//! The crawler against a hostile server on loopback: slow answers, endless bodies, a gzip
//! bomb, brotli, redirect loops, bad charsets, 429 with Retry-After, bursts of 5xx,
//! robots.txt that fails, connection resets, and a crawl run that survives bad pages.
//! Waits are shortened through `FetchPolicy`; assertions are on what the server recorded.

mod support;

use std::future::Future;
use std::path::Path;
use std::time::{Duration, SystemTime};

use support::hostile::{gaps, Hostile, Reply};
use support::site::SiteFile;
use webwacht::config::Config;
use webwacht::crawl::fetch::{FetchError, FetchPolicy, Fetcher, Response, DEFAULT_BODY_LIMIT};
use webwacht::crawl::rate::RateLimiter;
use webwacht::crawl::robots::{RobotsCache, RobotsPolicy};
use webwacht::crawl::{crawl_site, CrawlOptions};
use webwacht::site::compile::compile_str;
use webwacht::store::Store;

const UA: &str = "webwacht-vijandig/1.0 (+http://127.0.0.1/contact)";
const MS: Duration = Duration::from_millis(1);

/// Short waits, so the tests take tens of milliseconds per retry.
fn fast() -> FetchPolicy {
    FetchPolicy {
        request_timeout: Duration::from_secs(3),
        retry_base: Some(10 * MS),
        slowdown_base: Some(10 * MS),
        ..FetchPolicy::default()
    }
}

fn fetcher(policy: FetchPolicy) -> Fetcher {
    Fetcher::with_policy(UA, vec!["127.0.0.1".into()], policy).unwrap()
}

/// One request per millisecond: out of the way unless a test is about it.
fn limiter() -> RateLimiter {
    RateLimiter::new(60_000, None)
}

/// Turns a hang into a failure instead of a stuck test run.
async fn guard<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(8), f)
        .await
        .expect("the crawler hung")
}

async fn get(server: &Hostile, path: &str, policy: FetchPolicy) -> Result<Response, FetchError> {
    guard(fetcher(policy).get(&server.url(path), &limiter())).await
}

fn at_least(gap: Duration, min: Duration, what: &str) {
    assert!(gap >= min, "{what}: gap {gap:?} is below {min:?}");
}

// --- slow, endless and compressed answers -----------------------------------------------

#[tokio::test]
async fn slow_answer_times_out_and_is_retried_a_bounded_number_of_times() {
    let server = Hostile::start(|_| Reply::Hang).await;
    let policy = FetchPolicy {
        request_timeout: 200 * MS,
        max_retries: 2,
        ..fast()
    };
    let err = get(&server, "/langzaam", policy).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert!(
        err.to_string().contains("geen (volledig) antwoord"),
        "{err}"
    );
    assert_eq!(server.count("/langzaam"), 3, "first try and two retries");
}

#[tokio::test]
async fn endless_body_is_cut_at_the_limit() {
    let server = Hostile::start(|_| Reply::Stream {
        headers: vec![("Content-Type".into(), "text/html".into())],
        chunks: Box::new(std::iter::repeat(b"<p>eindeloos</p>\n".repeat(4096))),
    })
    .await;
    let resp = get(&server, "/groot", fast()).await.unwrap();
    assert_eq!(resp.status, 200);
    assert!(resp.truncated);
    assert_eq!(resp.body.len(), DEFAULT_BODY_LIMIT);
    assert!(resp.body.starts_with(b"<p>eindeloos</p>"));
}

#[tokio::test]
async fn gzip_bomb_is_cut_at_the_limit_of_decompressed_bytes() {
    let server = Hostile::start(|_| Reply::Stream {
        headers: vec![
            ("Content-Type".into(), "text/html".into()),
            ("Content-Encoding".into(), "gzip".into()),
        ],
        chunks: support::hostile::gzip_bomb(),
    })
    .await;
    // The stream never ends: only a client that stops at the limit returns at all.
    let resp = get(&server, "/bom", fast()).await.unwrap();
    assert!(resp.truncated);
    assert_eq!(
        resp.body.len(),
        DEFAULT_BODY_LIMIT,
        "limit counts unpacked bytes"
    );
    assert!(resp.body.iter().all(|&b| b == 0), "the body was unpacked");
    let asked = server.log()[0].accept_encoding.clone().unwrap_or_default();
    assert!(asked.contains("gzip"), "Accept-Encoding: {asked:?}");
}

#[tokio::test]
async fn brotli_and_gzip_answers_are_decoded() {
    const PAGE: &str = "<html><h1>Café Zuid</h1><p>Nieuw in Utrecht: € 120</p></html>";
    let server = Hostile::start(|req| {
        let (encoding, body) = match req.path.as_str() {
            "/br" => ("br", support::hostile::brotli(PAGE.as_bytes())),
            _ => ("gzip", support::hostile::gzip(PAGE.as_bytes())),
        };
        Reply::status(
            200,
            &[
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Encoding", encoding),
            ],
            body,
        )
    })
    .await;
    for path in ["/br", "/gz"] {
        let resp = get(&server, path, fast()).await.unwrap();
        assert_eq!(resp.text(), PAGE, "{path}");
    }
    let asked = server.log()[0].accept_encoding.clone().unwrap_or_default();
    assert!(asked.contains("br"), "Accept-Encoding: {asked:?}");
}

// --- redirects ----------------------------------------------------------------------------

#[tokio::test]
async fn redirect_loop_is_stopped() {
    let server = Hostile::start(|req| match req.path.as_str() {
        "/a" => Reply::status(302, &[("Location", "/b")], ""),
        "/b" => Reply::status(301, &[("Location", "/a")], ""),
        "/oud" => Reply::status(308, &[("Location", "/nieuw")], ""),
        _ => Reply::html("<h1>hier</h1>"),
    })
    .await;
    let err = get(&server, "/a", fast()).await.unwrap_err();
    assert!(matches!(err, FetchError::RedirectLoop { .. }), "{err:?}");
    assert_eq!((server.count("/a"), server.count("/b")), (1, 1));
    // A plain redirect is followed, and the response says where it ended.
    let resp = get(&server, "/oud", fast()).await.unwrap();
    assert_eq!(resp.url.path(), "/nieuw");
}

#[tokio::test]
async fn redirect_to_a_foreign_host_is_refused() {
    let elsewhere = Hostile::start(|_| Reply::html("<h1>elders</h1>")).await;
    let target = format!("http://localhost:{}/elders", elsewhere.port());
    let server = Hostile::start(move |_| Reply::status(302, &[("Location", &target)], "")).await;
    let err = get(&server, "/weg", fast()).await.unwrap_err();
    assert!(matches!(err, FetchError::ForeignRedirect { .. }), "{err:?}");
    assert!(elsewhere.log().is_empty(), "the foreign host was contacted");
}

// --- charsets -----------------------------------------------------------------------------

/// An ad in Windows-1252: é is 0xE9, € is 0x80, ’ is 0x92, – is 0x96.
const AD_1252: &[u8] = b"<h1>Caf\xe9 Amour</h1><p class=description>Nieuw in Rotterdam \x96 \x80 150 per uur. Bel me \x92s avonds, ik ben een lieve spontane vrouw met \xe9\xe9n doel: genieten.</p></html>";

async fn decoded(content_type: Option<&'static str>, prefix: &'static [u8]) -> String {
    let server = Hostile::start(move |_| {
        let body = [prefix, AD_1252].concat();
        match content_type {
            Some(ct) => Reply::status(200, &[("Content-Type", ct)], body),
            None => Reply::status(200, &[], body),
        }
    })
    .await;
    let resp = get(&server, "/ad", fast()).await.unwrap();
    assert_eq!(resp.encoding(), encoding_rs::WINDOWS_1252);
    resp.text()
}

fn assert_ad_text(text: &str) {
    for expected in [
        "Café Amour",
        "€ 150",
        "me ’s avonds",
        "Rotterdam – ",
        "één doel",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text:?}");
    }
}

#[tokio::test]
async fn windows_1252_without_any_declaration_is_sniffed() {
    assert_ad_text(&decoded(Some("text/html"), b"<html>").await);
    assert_ad_text(&decoded(None, b"<html>").await);
}

#[tokio::test]
async fn latin1_in_the_header_is_read_as_windows_1252() {
    assert_ad_text(&decoded(Some("text/html; charset=ISO-8859-1"), b"<html>").await);
    assert_ad_text(&decoded(Some("text/html; charset=\"windows-1252\""), b"<html>").await);
}

#[tokio::test]
async fn meta_charset_without_header_is_honoured() {
    assert_ad_text(&decoded(None, b"<html><head><meta charset=\"latin1\"></head>").await);
    assert_ad_text(
        &decoded(
            Some("text/html"),
            b"<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head>",
        )
        .await,
    );
}

// --- 429, Retry-After and adaptive pace ---------------------------------------------------

/// The first request to each path gets 429 with `retry_after`, later ones 200.
async fn busy_once(retry_after: impl Fn() -> String + Send + Sync + 'static) -> Hostile {
    Hostile::start(move |req| {
        if req.previous == 0 {
            Reply::status(429, &[("Retry-After", &retry_after())], "te druk")
        } else {
            Reply::html("<h1>ok</h1>")
        }
    })
    .await
}

#[tokio::test]
async fn retry_after_in_seconds_delays_the_retry() {
    let server = busy_once(|| "1".into()).await;
    let resp = get(&server, "/druk", fast()).await.unwrap();
    assert_eq!(resp.status, 200);
    let times = server.times("/druk");
    assert_eq!(times.len(), 2);
    at_least(
        times[1] - times[0],
        Duration::from_secs(1),
        "Retry-After: 1",
    );
}

#[tokio::test]
async fn retry_after_as_http_date_delays_the_whole_site() {
    // Two seconds ahead; HTTP dates have whole seconds, so at least one second remains.
    let server =
        busy_once(|| httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2))).await;
    // No retries: the page is given up, yet the next page of the site still waits.
    let fetcher = fetcher(FetchPolicy {
        max_retries: 0,
        ..fast()
    });
    let limiter = limiter();
    let first = guard(fetcher.get(&server.url("/druk"), &limiter))
        .await
        .unwrap();
    assert_eq!(first.status, 429, "given up after no retries");
    let next = guard(fetcher.get(&server.url("/ander"), &limiter))
        .await
        .unwrap();
    assert_eq!(next.status, 429, "first request for /ander");
    let log = server.log();
    at_least(
        log[1].at - log[0].at,
        Duration::from_secs(1),
        "Retry-After as date",
    );
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = busy_once(|| "3600".into()).await;
    let policy = FetchPolicy {
        retry_after_max: 300 * MS,
        ..fast()
    };
    // An hour would trip the guard; the cap makes it 300 ms.
    let resp = get(&server, "/druk", policy).await.unwrap();
    assert_eq!(resp.status, 200);
    at_least(
        gaps(&server.times("/druk"))[0],
        300 * MS,
        "capped Retry-After",
    );
}

#[tokio::test]
async fn repeated_429_slows_the_whole_site_down() {
    let server = Hostile::start(|req| match (req.path.as_str(), req.previous) {
        ("/druk", 0 | 1) => Reply::status(429, &[], "te druk"),
        _ => Reply::html("<h1>ok</h1>"),
    })
    .await;
    let fetcher = fetcher(FetchPolicy {
        retry_base: Some(MS),
        slowdown_base: Some(200 * MS),
        ..fast()
    });
    let limiter = limiter();
    for path in ["/druk", "/een", "/twee"] {
        let resp = guard(fetcher.get(&server.url(path), &limiter))
            .await
            .unwrap();
        assert_eq!(resp.status, 200, "{path}");
    }
    let paths: Vec<_> = server.log().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/druk", "/druk", "/druk", "/een", "/twee"]);
    let g = gaps(&server.log().iter().map(|r| r.at).collect::<Vec<_>>());
    // The gap counts from when the client sent the request before, so allow for the
    // connection set-up of that request being slower than the next one's.
    let slack = 25 * MS;
    // 429 → extra gap 200 ms; 429 again → doubled to 400 ms; 200 → halved to 200 ms (the
    // speed-up itself is a unit test of `Pace`: an upper bound on a gap would be flaky).
    at_least(g[0] + slack, 200 * MS, "after the first 429");
    at_least(g[1] + slack, 400 * MS, "after the second 429");
    at_least(g[2] + slack, 200 * MS, "after one success");
}

// --- 5xx, resets and garbage --------------------------------------------------------------

#[tokio::test]
async fn burst_of_server_errors_is_retried_with_growing_gaps() {
    let server = Hostile::start(|req| match req.previous {
        0..=2 => Reply::status(500, &[], "kapot"),
        _ => Reply::html("<h1>weer goed</h1>"),
    })
    .await;
    let base = 60 * MS;
    let resp = get(
        &server,
        "/wankel",
        FetchPolicy {
            retry_base: Some(base),
            ..fast()
        },
    )
    .await
    .unwrap();
    assert_eq!(resp.status, 200);
    let g = gaps(&server.times("/wankel"));
    assert_eq!(g.len(), 3, "three retries");
    // Retry n waits between base·2^(n-1)/2 and base·2^(n-1).
    at_least(g[0], base / 2, "first retry");
    at_least(g[1], base, "second retry");
    at_least(g[2], base * 2, "third retry");
}

#[tokio::test]
async fn server_error_that_never_recovers_gives_up_after_max_retries() {
    let server = Hostile::start(|_| Reply::status(502, &[], "kapot")).await;
    let resp = get(&server, "/kapot", fast()).await.unwrap();
    assert_eq!(resp.status, 502, "the last answer is kept for the record");
    assert_eq!(server.count("/kapot"), 4, "one try and three retries");
}

#[tokio::test]
async fn retries_still_wait_for_the_rate_limiter() {
    let server = Hostile::start(|req| match req.previous {
        0 | 1 => Reply::status(503, &[], "even niet"),
        _ => Reply::html("<h1>ok</h1>"),
    })
    .await;
    let fetcher = fetcher(FetchPolicy {
        retry_base: Some(MS),
        slowdown_base: Some(MS),
        ..fast()
    });
    let limiter = RateLimiter::new(600, None); // 100 ms apart
    let resp = guard(fetcher.get(&server.url("/wankel"), &limiter))
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    let slack = 25 * MS; // scheduling jitter on the receiving side
    for gap in gaps(&server.times("/wankel")) {
        at_least(gap + slack, 100 * MS, "retry within the rate limit");
    }
}

#[tokio::test]
async fn connection_reset_is_retried_then_fails() {
    let server = Hostile::start(|_| Reply::Reset).await;
    let policy = FetchPolicy {
        max_retries: 2,
        ..fast()
    };
    let err = get(&server, "/reset", policy).await.unwrap_err();
    assert!(matches!(err, FetchError::Http { .. }), "{err:?}");
    assert_eq!(server.count("/reset"), 3, "first try and two retries");
}

#[tokio::test]
async fn garbage_instead_of_http_fails_cleanly() {
    let server = Hostile::start(|_| Reply::Raw(b"\x00\xffdit is geen HTTP\r\n\r\n".to_vec())).await;
    let err = get(&server, "/rommel", fast()).await.unwrap_err();
    assert!(matches!(err, FetchError::Http { .. }), "{err:?}");
}

// --- robots.txt ---------------------------------------------------------------------------

#[tokio::test]
async fn unavailable_robots_txt_lifts_when_the_site_recovers() {
    let server = Hostile::start(|req| match (req.path.as_str(), req.previous) {
        ("/robots.txt", 0) => Reply::status(503, &[], "onderhoud"),
        ("/robots.txt", _) => Reply::status(
            200,
            &[("Content-Type", "text/plain")],
            "User-agent: *\nDisallow: /prive/\n",
        ),
        _ => Reply::html("<h1>ok</h1>"),
    })
    .await;
    let cache = RobotsCache::new(Duration::from_secs(24 * 3600), 200 * MS);
    let fetcher = fetcher(FetchPolicy {
        max_retries: 0,
        ..fast()
    });
    let limiter = limiter();
    let page = server.url("/advertentie/1");
    let policy = || guard(cache.policy(&fetcher, &limiter, &page, "webwacht-vijandig"));

    assert!(!policy().await.allowed(&page), "5xx: nothing allowed");
    assert!(!policy().await.allowed(&page), "still cached");
    assert_eq!(server.count("/robots.txt"), 1);
    tokio::time::sleep(250 * MS).await;
    let recovered = policy().await;
    assert!(recovered.allowed(&page), "asked again and lifted");
    assert!(!recovered.allowed(&server.url("/prive/1")));
    assert_eq!(server.count("/robots.txt"), 2);
    policy().await;
    assert_eq!(server.count("/robots.txt"), 2, "rules are cached for a day");
}

#[tokio::test]
async fn robots_txt_answering_429_counts_as_unavailable() {
    let server = Hostile::start(|_| Reply::status(429, &[], "te druk")).await;
    let fetcher = fetcher(FetchPolicy {
        max_retries: 0,
        ..fast()
    });
    let page = server.url("/advertentie/1");
    let policy = guard(RobotsPolicy::fetch(&fetcher, &limiter(), &page, "webwacht")).await;
    assert!(!policy.allowed(&page));
}

fn site_toml(base: &str) -> String {
    SiteFile::new("vijandig", "Vijandige site", &format!("{base}/lijst"))
        .site("respect_robots", "true")
        .site("max_pages", "50")
        .listing("ad_links", "a.ad")
        .toml()
}

async fn crawl(server: &Hostile, user_agent: &str) -> webwacht::crawl::SiteReport {
    crawl_base(&server.base(), user_agent).await
}

async fn crawl_base(base: &str, user_agent: &str) -> webwacht::crawl::SiteReport {
    let dir = tempfile::tempdir().unwrap();
    let cfg = Config::for_data_dir(dir.path());
    let store = Store::open(&cfg).await.unwrap();
    let site = compile_str(Path::new("vijandig.toml"), &site_toml(base)).unwrap();
    let opts = CrawlOptions {
        user_agent: user_agent.into(),
        max_pages: None,
        unthrottled: false,
    };
    let report = guard(crawl_site(&store, &site, &opts, &cfg.evidence_dir()))
        .await
        .unwrap();
    store.close().await;
    report
}

#[tokio::test]
async fn robots_txt_answering_5xx_stops_the_site() {
    let server = Hostile::start(|req| match req.path.as_str() {
        "/robots.txt" => Reply::status(500, &[], "kapot"),
        _ => Reply::html("<a class=ad href=/ad/1>ad</a>"),
    })
    .await;
    // Its own agent token: the process-wide robots cache is keyed by origin and token.
    let agent = "webwacht-robots5xx/1.0";
    let report = crawl(&server, agent).await;
    let paths: Vec<_> = server.log().into_iter().map(|r| r.path).collect();
    assert!(
        paths.iter().all(|p| p == "/robots.txt"),
        "fetched {paths:?}"
    );
    assert_eq!(paths.len(), 4, "robots.txt tried and retried three times");
    assert_eq!(report.stats.pages, 0);
    assert_eq!(report.stats.robots_blocked, 1);
    // A second run in the same process within the retry interval asks nobody.
    let again = crawl(&server, agent).await;
    assert_eq!(again.stats.robots_blocked, 1);
    assert_eq!(
        server.log().len(),
        4,
        "the crawl uses the process-wide cache"
    );
}

// --- a whole run --------------------------------------------------------------------------

fn ad(title: &str) -> Reply {
    Reply::html(format!(
        "<html><h1>{title}</h1><div class=description>Nieuw in Den Haag, bel 06-12345678</div></html>"
    ))
}

#[tokio::test]
async fn bad_pages_do_not_stop_the_run_and_every_request_carries_the_user_agent() {
    let server = Hostile::start(|req| match (req.path.as_str(), req.previous) {
        ("/robots.txt", 0) => Reply::status(503, &[], "even niet"),
        ("/robots.txt", _) => Reply::status(
            200,
            &[("Content-Type", "text/plain")],
            "User-agent: *\nDisallow: /verboden/\n",
        ),
        ("/lijst", _) => Reply::html(
            ["goed", "reset", "kapot", "rommel", "folder.pdf", "oud"]
                .iter()
                .map(|p| format!("<a class=ad href=/ad/{p}>x</a>"))
                .chain(["<a class=ad href=/verboden/1>x</a>".to_string()])
                .collect::<String>(),
        ),
        ("/ad/goed", _) => ad("Goed"),
        ("/ad/nieuw", _) => ad("Verhuisd"),
        ("/ad/oud", _) => Reply::status(301, &[("Location", "/ad/nieuw")], ""),
        ("/ad/reset", _) => Reply::Reset,
        ("/ad/kapot", _) => Reply::status(500, &[], "kapot"),
        // Unclosed tags, stray end tags, no charset: still read.
        ("/ad/rommel", _) => Reply::status(
            200,
            &[("Content-Type", "text/html")],
            &b"<html><h1>Caf\xe9 Rommel<div class=description>Bel \x80 50 <b><i>open</table></span>"[..],
        ),
        ("/ad/folder.pdf", _) => Reply::status(200, &[("Content-Type", "application/pdf")], "%PDF-1.4"),
        _ => Reply::status(404, &[], "weg"),
    })
    .await;
    let report = crawl(&server, UA).await;

    let s = &report.stats;
    assert_eq!(s.ads_seen, 3, "goed, rommel and the redirected ad: {s:?}");
    assert_eq!(s.errors, 3, "reset, kapot and the PDF: {s:?}");
    assert_eq!(s.robots_blocked, 1, "{s:?}");
    assert_eq!(s.pages, 7, "listing and six ad links: {s:?}");
    assert_eq!(server.count("/robots.txt"), 2, "robots.txt retried once");
    assert_eq!(server.count("/ad/reset"), 4, "bounded retries");
    assert_eq!(server.count("/ad/kapot"), 4, "bounded retries");
    assert_eq!(server.count("/verboden/1"), 0);
    assert_eq!(server.count("/ad/nieuw"), 1);

    let log = server.log();
    assert_eq!(log.len(), 16, "{log:?}");
    for r in &log {
        assert_eq!(r.user_agent.as_deref(), Some(UA), "{}", r.path);
    }
}

// --- hostile markup and site files --------------------------------------------------------

/// A page of `depth` nested `<div>`s around a phone number, after a title and text the
/// selectors find.
fn nested_page(depth: usize) -> String {
    format!(
        "<html><h1>Diep genest</h1><div class=description>Nieuw in Den Haag</div>{}bel 06-12345678{}</html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_deeply_nested_markup_is_handled() {
    // 5 MiB, just under the body limit: 476,000 nested elements. html5ever alone takes
    // time quadratic in the depth (12 s for 40,000); the crawl must be done in seconds.
    let depth = (DEFAULT_BODY_LIMIT - 200) / 11;
    let page = nested_page(depth);
    assert!(page.len() <= DEFAULT_BODY_LIMIT && page.len() > DEFAULT_BODY_LIMIT - 400);
    let server = Hostile::start(move |req| match req.path.as_str() {
        "/lijst" => Reply::html("<a class=ad href=/ad/diep>x</a>"),
        "/ad/diep" => Reply::html(page.clone()),
        _ => Reply::status(404, &[], "weg"),
    })
    .await;
    // On a thread of its own, so a parser stuck on the page fails the test instead of
    // holding it: the guard cannot interrupt a computation that never yields.
    let base = server.base();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _ = tx.send(rt.block_on(crawl_base(&base, "webwacht-diep/1.0")));
    });
    let report = tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(60)))
        .await
        .unwrap()
        .expect("the page of nested markup stalled the crawl");
    assert_eq!(report.stats.ads_seen, 1, "{:?}", report.stats);
    assert_eq!(report.stats.errors, 0, "{:?}", report.stats);
}

/// A site file whose `key` holds a selector of 3,000 nested `:not(`.
fn site_file_with_deep_selector(dir: &Path, key: &str) -> std::path::PathBuf {
    let deep = format!("a{}b{}", ":not(".repeat(3_000), ")".repeat(3_000));
    let mut toml = site_toml("http://127.0.0.1:9");
    toml = match key {
        "listing.ad_links" => {
            toml.replace("ad_links = \"a.ad\"", &format!("ad_links = \"{deep}\""))
        }
        _ => toml.replace("title = \"h1\"", &format!("title = \"{deep}\"")),
    };
    let sites = dir.join("selectors");
    std::fs::create_dir_all(&sites).unwrap();
    let file = sites.join("vijandig.toml");
    std::fs::write(&file, toml).unwrap();
    file
}

#[test]
fn a_deeply_nested_selector_is_bad_input_not_a_crash() {
    for (key, args) in [
        ("listing.ad_links", &["selectors", "check"][..]),
        ("ad.title", &["selectors", "check"][..]),
        ("listing.ad_links", &["crawl"][..]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        site_file_with_deep_selector(dir.path(), key);
        let mut all = vec!["--selectors-dir", "selectors"];
        all.extend_from_slice(args);
        let out = support::webwacht(dir.path(), &all);
        let err = support::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?} {key}: {err}");
        assert!(err.contains("vijandig.toml") && err.contains(key), "{err}");
        assert!(err.contains("haakjes binnen elkaar"), "{err}");
    }
}

#[test]
fn a_bad_selector_is_explained_in_dutch_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let sites = dir.path().join("selectors");
    std::fs::create_dir_all(&sites).unwrap();
    let toml = site_toml("http://127.0.0.1:9").replace("title = \"h1\"", "title = \"h1 > \"");
    std::fs::write(sites.join("vijandig.toml"), toml).unwrap();
    let out = support::webwacht(
        dir.path(),
        &["--selectors-dir", "selectors", "selectors", "check"],
    );
    let err = support::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("vijandig.toml") && err.contains("ad.title"),
        "{err}"
    );
    assert!(err.contains("bij positie"), "{err}");
    assert!(
        !err.contains("report") && !err.contains("developer"),
        "{err}"
    );
}
