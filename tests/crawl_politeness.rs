//! Politeness against the demo site on loopback: robots.txt disallows are honoured and
//! the per-site rate limit holds, proven from what the server recorded.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;
use support::db::TestDb;

use webwacht::crawl::{crawl_site, CrawlOptions};
use webwacht::demo::{self, DemoServer};
use webwacht::site::compile::compile_str;
use webwacht::store::Store;

const UA: &str = "webwacht-test/1.0 (+http://127.0.0.1/contact)";

async fn crawl(
    db: &TestDb,
    dir: &Path,
    rpm: u32,
    max_pages: u32,
) -> (DemoServer, webwacht::crawl::SiteReport) {
    let server = DemoServer::start().await.unwrap();
    let cfg = db.config(dir);
    let store = Store::open(&cfg).await.unwrap();
    let toml = demo::site_toml(&server.base_url()).replace(
        "requests_per_minute = 600",
        &format!("requests_per_minute = {rpm}"),
    );
    assert!(toml.contains(&format!("requests_per_minute = {rpm}")));
    let site = compile_str(Path::new("demo-escort.toml"), &toml).unwrap();
    let opts = CrawlOptions {
        user_agent: UA.into(),
        max_pages: Some(max_pages),
        unthrottled: false,
    };
    let report = crawl_site(&store, &site, &opts, &cfg.evidence_dir())
        .await
        .unwrap();
    store.close().await;
    (server, report)
}

async fn robots_txt_disallow_is_honoured(db: TestDb, dir: PathBuf) {
    let (server, report) = crawl(&db, &dir, 6000, 1000).await;
    let log = server.log.lock().unwrap().clone();
    assert_eq!(
        log[0].path_and_query, "/robots.txt",
        "robots.txt is read first"
    );
    let prive: Vec<_> = log
        .iter()
        .filter(|r| r.path_and_query.starts_with("/prive/"))
        .collect();
    assert!(prive.is_empty(), "fetched disallowed paths: {prive:?}");
    // The listings do link to the disallowed section, so the rule was really applied.
    assert!(report.stats.robots_blocked > 0, "{:?}", report.stats);
    let crawlable = demo::ads().iter().filter(|a| !a.disallowed).count() as i64;
    assert_eq!(report.stats.ads_seen, crawlable);
    assert!(log.iter().all(|r| r.user_agent.as_deref() == Some(UA)));
}

async fn requests_per_minute_is_never_exceeded(db: TestDb, dir: PathBuf) {
    let rpm = 300; // one request per 200 ms
    let (server, _report) = crawl(&db, &dir, rpm, 10).await;
    let log = server.log.lock().unwrap().clone();
    assert!(log.len() >= 10, "{} requests", log.len());
    let interval = Duration::from_secs(60) / rpm;
    // Allow for scheduling jitter on the receiving side only.
    let slack = Duration::from_millis(25);
    for pair in log.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].at);
        assert!(
            gap + slack >= interval,
            "gap {gap:?} between {} and {} is below {interval:?}",
            pair[0].path_and_query,
            pair[1].path_and_query
        );
    }
    // Over any minute-long stretch the budget holds too.
    let total = log.last().unwrap().at.duration_since(log[0].at);
    assert!(total + slack >= interval * (log.len() as u32 - 1));
}

both_engines!(async robots_txt_disallow_is_honoured);
both_engines!(async requests_per_minute_is_never_exceeded);
