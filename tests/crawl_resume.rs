//! Resume after `kill -9`: the binary crawls the demo site and is killed mid-run several
//! times; the next `webwacht crawl` resumes the unfinished run. The final state (ads,
//! versions, extracted phones, flags, run counters) must equal an uninterrupted run, and
//! no finished page may be fetched again (the demo server records every request).

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use sqlx::Row;
use support::db::TestDb;
use webwacht::demo::{self, DemoServer};

/// 40 ms between requests: a run of the demo site takes about 3 s, long enough to kill.
const RPM: u32 = 1500;

/// Site file and register in `dir`, whose `webwacht.toml` names its database.
fn prepare(dir: &Path, base_url: &str) {
    let selectors = dir.join("selectors");
    std::fs::create_dir_all(&selectors).unwrap();
    let toml = demo::site_toml(base_url).replace(
        "requests_per_minute = 600",
        &format!("requests_per_minute = {RPM}"),
    );
    assert!(toml.contains(&format!("requests_per_minute = {RPM}")));
    std::fs::write(selectors.join("demo-escort.toml"), toml).unwrap();
    let register = dir.join("register.csv");
    std::fs::write(&register, demo::register_csv()).unwrap();
    let out = support::webwacht(
        dir,
        &["register", "import", "register.csv", "--kind", "licences"],
    );
    assert!(out.status.success(), "{}", support::stderr(&out));
}

fn crawl_command(dir: &Path) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_webwacht"));
    c.arg("--data-dir")
        .arg(dir)
        .args(["--selectors-dir", "selectors", "crawl"])
        .current_dir(dir)
        .env("WEBWACHT_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

async fn crawl_to_the_end(dir: &Path) {
    let out = crawl_command(dir).output().await.unwrap();
    assert!(
        out.status.success(),
        "crawl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Everything a crawl leaves behind that must not depend on interruptions.
#[derive(Debug, PartialEq, Eq)]
struct State {
    /// external id -> (content hash of the current version, removed)
    ads: Vec<(String, String, bool)>,
    versions: i64,
    phones: Vec<(String, String)>,
    flags: Vec<(String, String, String)>,
    /// (status, pages, ads_seen, ads_new, ads_changed, robots_blocked, errors)
    runs: Vec<(String, i64, i64, i64, i64, i64, i64)>,
}

async fn state(db: &TestDb) -> (State, i64) {
    let store = db.open().await;
    let pool = store.pool();
    let ads = sqlx::query(
        "SELECT a.external_id, v.content_sha256, CASE WHEN a.removed_at IS NULL THEN 0 ELSE 1 END FROM ads a
         JOIN ad_versions v ON v.id = a.current_version_id ORDER BY a.external_id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get::<i64, _>(2) != 0))
    .collect();
    let versions = sqlx::query_scalar("SELECT COUNT(*) FROM ad_versions")
        .fetch_one(pool)
        .await
        .unwrap();
    let phones = sqlx::query(
        "SELECT a.external_id, p.e164 FROM version_phones p JOIN ad_versions v ON v.id = p.version_id
         JOIN ads a ON a.id = v.ad_id ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let flags = sqlx::query(
        "SELECT a.external_id, f.rule, f.status FROM flags f JOIN ads a ON a.id = f.ad_id ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect();
    let runs = sqlx::query(
        "SELECT status, pages, ads_seen, ads_new, ads_changed, robots_blocked, errors FROM crawl_runs ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.get(0),
            r.get(1),
            r.get(2),
            r.get(3),
            r.get(4),
            r.get(5),
            r.get(6),
        )
    })
    .collect();
    let resumed =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(resumed), 0) AS BIGINT) FROM crawl_runs")
            .fetch_one(pool)
            .await
            .unwrap();
    store.close().await;
    (
        State {
            ads,
            versions,
            phones,
            flags,
            runs,
        },
        resumed,
    )
}

/// Requests per path since `from` in the server log, robots.txt left out.
fn requests_since(server: &DemoServer, from: usize) -> HashMap<String, usize> {
    let log = server.log.lock().unwrap();
    let mut n = HashMap::new();
    for r in &log[from..] {
        if r.path_and_query != "/robots.txt" {
            *n.entry(r.path_and_query.clone()).or_default() += 1;
        }
    }
    n
}

async fn a_crawl_killed_several_times_ends_as_an_uninterrupted_one(db: TestDb, dir: PathBuf) {
    let server = DemoServer::start().await.unwrap();
    let base = server.base_url();

    prepare(&dir, &base);
    crawl_to_the_end(&dir).await;
    let (want, resumed) = state(&db).await;
    assert_eq!(resumed, 0);
    assert!(want.ads.len() >= 60, "{} ads", want.ads.len());
    assert!(!want.flags.is_empty());
    let pages_once = requests_since(&server, 0);
    assert!(pages_once.values().all(|&n| n == 1), "{pages_once:?}");

    let killed_dir = tempfile::tempdir().unwrap();
    let killed_db = TestDb::new(db.engine, killed_dir.path()).await.unwrap();
    killed_db.write_config(killed_dir.path());
    let killed = killed_dir.path();
    prepare(killed, &base);
    let from = server.log.lock().unwrap().len();
    let kills = [900, 1300, 700];
    for (i, ms) in kills.iter().enumerate() {
        let mut child = crawl_command(killed).spawn().unwrap();
        tokio::time::sleep(Duration::from_millis(*ms)).await;
        assert!(
            child.try_wait().unwrap().is_none(),
            "attempt {i} finished before the kill: make the run slower"
        );
        child.kill().await.unwrap(); // SIGKILL
    }
    crawl_to_the_end(killed).await;
    let (got, resumed) = state(&killed_db).await;
    assert_eq!(
        resumed,
        kills.len() as i64,
        "every attempt after the first resumed the same run"
    );
    assert_eq!(got, want);

    // Finished pages were not fetched again: at most the page in flight at each kill.
    let pages = requests_since(&server, from);
    assert_eq!(
        pages.keys().collect::<std::collections::BTreeSet<_>>(),
        pages_once.keys().collect(),
        "the same pages were fetched"
    );
    let refetched: usize = pages.values().map(|n| n - 1).sum();
    assert!(
        refetched <= kills.len(),
        "{refetched} pages fetched again after {} kills: {:?}",
        kills.len(),
        pages.iter().filter(|(_, &n)| n > 1).collect::<Vec<_>>()
    );
}

both_engines!(async a_crawl_killed_several_times_ends_as_an_uninterrupted_one);
