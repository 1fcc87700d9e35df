//! End-to-end crawl benchmark on loopback (not a timed test): one site of 5,000 ads spread
//! over 20 hosts (127.0.0.1 … 127.0.0.20), politeness switched off; reports ad pages per
//! second (fetch, parse, extract, evidence, store) and the process's peak RSS. Then the
//! politeness utilisation: a site of N pages at r requests/min should take (N - 1)/r
//! minutes (the first request goes at once).
//!
//! `cargo bench --bench crawl` (env `CRAWL_BENCH_ADS`, `CRAWL_BENCH_HOSTS` to resize;
//! `WEBWACHT_BENCH_DATABASE_URL=postgres://…` to store into an empty PostgreSQL database
//! instead of SQLite; each crawl of the benchmark then starts from an empty schema).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use webwacht::config::Config;
use webwacht::crawl::{crawl_site, CrawlOptions};
use webwacht::site::compile::compile_str;
use webwacht::store::Store;

/// The allocator the `webwacht` binary ships with (see Cargo.toml): measured with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ADS_PER_LISTING: usize = 50;
const PLACES: &[&str] = &[
    "Rotterdam",
    "Hoogvliet",
    "Den Bosch",
    "Rhoon",
    "Utrecht",
    "Zwolle",
];

#[derive(Clone)]
struct Site {
    /// Base URL of every host, in order.
    hosts: Arc<Vec<String>>,
    ads: usize,
}

impl Site {
    fn ad_url(&self, i: usize) -> String {
        format!("{}/ad/{i}", self.hosts[i % self.hosts.len()])
    }
}

#[derive(serde::Deserialize)]
struct Page {
    page: usize,
}

async fn listing(State(s): State<Site>, Query(q): Query<Page>) -> impl IntoResponse {
    let first = (q.page - 1) * ADS_PER_LISTING;
    let mut html = String::from("<html><body><main>");
    for i in first..(first + ADS_PER_LISTING).min(s.ads) {
        html.push_str(&format!(
            "<article class=\"ad\"><a class=\"more\" href=\"{}\">Advertentie {i}</a></article>",
            s.ad_url(i)
        ));
    }
    if first + ADS_PER_LISTING < s.ads {
        html.push_str(&format!(
            "<a rel=\"next\" href=\"/list?page={}\">volgende</a>",
            q.page + 1
        ));
    }
    html.push_str("</main></body></html>");
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html)
}

/// A synthetic ad of about 1.5 KB: invented number, licence, place.
async fn ad(UrlPath(i): UrlPath<usize>) -> impl IntoResponse {
    let phone = format!("06-{:08}", 10_000_000 + i * 7919 % 89_999_999);
    let place = PLACES[i % PLACES.len()];
    let html = format!(
        r#"<!doctype html><html><head><title>Advertentie {i}</title></head><body>
<article data-ad-id="b{i}"><h1>Nieuw in {place}: advertentie {i}</h1>
<p class="location">{place}</p>
<div class="description"><p>Lieve dame ontvangt in {place} en omgeving, ook escort. Bel of app
{phone} voor een afspraak. Discreet, schoon en met respect. Ma t/m za van 10:00 tot 22:00 uur.
Prijzen vanaf € 150,- per uur. Vergunningnummer: ESC-2026-{i:04}.</p>
<p>Ook in het weekend bereikbaar. Geen anonieme nummers. Tot snel!</p></div>
<a href="tel:{phone}">Bel mij</a></article></body></html>"#
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html)
}

/// Start `n` servers on 127.0.0.1 … 127.0.0.n; the first also serves the listings.
async fn serve(n: usize, ads: usize) -> Vec<String> {
    let mut listeners = Vec::new();
    for k in 1..=n {
        let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, k as u8));
        let l = tokio::net::TcpListener::bind(SocketAddr::new(ip, 0))
            .await
            .expect("bind a loopback address");
        listeners.push(l);
    }
    let hosts: Vec<String> = listeners
        .iter()
        .map(|l| format!("http://{}", l.local_addr().unwrap()))
        .collect();
    let site = Site {
        hosts: Arc::new(hosts.clone()),
        ads,
    };
    for l in listeners {
        let app = Router::new()
            .route("/list", get(listing))
            .route("/ad/{i}", get(ad))
            .with_state(site.clone());
        tokio::spawn(async move { axum::serve(l, app).await });
    }
    hosts
}

fn site_toml(hosts: &[String], rpm: u32) -> String {
    let names: Vec<String> = hosts
        .iter()
        .map(|h| {
            format!(
                "{:?}",
                h.trim_start_matches("http://").split(':').next().unwrap()
            )
        })
        .collect();
    format!(
        r#"[site]
id = "bench"
name = "Benchmark"
start_urls = ["{}/list?page=1"]
allowed_hosts = [{}]
requests_per_minute = {rpm}
respect_robots = false
max_pages = 100000

[listing]
ad_links = "article.ad a.more"
next_page = "a[rel=next]"

[ad]
id = {{ selector = "article[data-ad-id]", attr = "data-ad-id" }}
title = "h1"
body = ".description"
place = ".location"
phone = {{ selector = "a[href^='tel:']", attr = "href", all = true }}
"#,
        hosts[0],
        names.join(", ")
    )
}

/// Peak resident set size of this process (Linux `VmHWM`), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Drop everything of an earlier crawl in the benchmark's PostgreSQL database.
async fn empty_postgres(url: &str) {
    let store = Store::connect(url).await.unwrap();
    sqlx::Executor::execute(
        store.pool(),
        "DROP SCHEMA public CASCADE; CREATE SCHEMA public",
    )
    .await
    .unwrap();
    store.close().await;
}

async fn crawl(dir: &Path, toml: &str, unthrottled: bool) -> (webwacht::crawl::SiteReport, f64) {
    let mut cfg = Config::for_data_dir(dir);
    if let Ok(url) = std::env::var("WEBWACHT_BENCH_DATABASE_URL") {
        cfg.database_url = url;
        empty_postgres(&cfg.database_url).await;
    }
    let store = Store::open(&cfg).await.unwrap();
    let site = compile_str(Path::new("bench.toml"), toml).unwrap();
    let opts = CrawlOptions {
        user_agent: "webwacht-bench/0.1 (+http://127.0.0.1/)".into(),
        max_pages: None,
        unthrottled,
    };
    let start = Instant::now();
    let report = crawl_site(&store, &site, &opts, &cfg.evidence_dir())
        .await
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    store.close().await;
    (report, secs)
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (ads, hosts_n) = (env("CRAWL_BENCH_ADS", 5000), env("CRAWL_BENCH_HOSTS", 20));

    let hosts = serve(hosts_n, ads).await;
    let dir = tempfile::tempdir().unwrap();
    let (report, secs) = crawl(dir.path(), &site_toml(&hosts, 6000), true).await;
    let s = report.stats;
    assert_eq!(s.ads_seen as usize, ads, "every ad crawled: {s:?}");
    println!(
        "crawl: {} ad pages + {} listing pages over {hosts_n} hosts in {secs:.2} s = {:.0} ad pages/s end to end (fetch, parse, extract, evidence, store); peak RSS {:.0} MiB",
        s.ads_seen,
        s.pages - s.ads_seen,
        s.ads_seen as f64 / secs,
        peak_rss_mib().unwrap_or(f64::NAN)
    );

    // Politeness utilisation: N pages at r requests/min.
    // 59 ads on 2 listing pages: 61 requests, 3 s at 1,200/min.
    let rpm = 1200u32;
    let small = serve(1, 59).await;
    let dir = tempfile::tempdir().unwrap();
    let (report, secs) = crawl(dir.path(), &site_toml(&small, rpm), false).await;
    let pages = report.stats.pages as f64;
    let expected = (pages - 1.0) * 60.0 / f64::from(rpm);
    println!(
        "politeness: {pages} pages at {rpm}/min took {secs:.2} s, (N - 1)/r = {expected:.2} s: {:+.1} %",
        (secs / expected - 1.0) * 100.0
    );
}
