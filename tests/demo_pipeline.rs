//! The binary against the bundled demo site on loopback: the exact expected set of
//! (ad, rule) flags, no duplicates on a second run, evidence on disk.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use support::db::TestDb;

use support::{stderr, stdout, webwacht};

fn flags(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let out = webwacht(dir, &["flags", "--format", "json"]);
    assert!(out.status.success(), "flags failed: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("flags --format json is a JSON array")
}

fn ad_id(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_string()
}

fn demo_raises_exactly_the_expected_flags_and_is_idempotent(db: &TestDb, dir: &Path) {
    let demo = || {
        let mut args = db.args().to_vec();
        args.extend(["demo", "--no-serve"]);
        webwacht(dir, &args)
    };
    let out = demo();
    assert!(
        out.status.success(),
        "demo failed:\n{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("Signalen per regel"), "{text}");
    assert!(text.contains("Signalen per gemeente"), "{text}");

    let first = flags(dir);
    let got: BTreeSet<(String, String)> = first
        .iter()
        .map(|f| {
            (
                ad_id(f["ad_url"].as_str().unwrap()),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = webwacht::demo::expected_flags()
        .into_iter()
        .map(|(ad, rule)| (ad, rule.to_string()))
        .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:?}\nextra: {extra:?}"
    );
    assert_eq!(got.len(), first.len(), "one flag per ad and rule");
    assert_eq!(first.len(), 42, "the demo's 42 flags on {:?}", db.engine);

    // The loop: the demo reviewer confirmed Rotterdam's three strongest signals and this
    // week's list carried them (confirmed -> reported); the rest is undecided.
    let reported: Vec<&serde_json::Value> =
        first.iter().filter(|f| f["status"] == "reported").collect();
    assert_eq!(reported.len(), 3, "three signals on the demo's weekly list");
    for f in &first {
        let s = f["strength"].as_i64().unwrap();
        assert!((0..=10).contains(&s));
        assert!(!f["explanation"].as_str().unwrap().is_empty());
        if f["status"] == "reported" {
            assert_eq!(f["municipality_code"], "GM0599", "{f}");
        } else {
            assert_eq!(f["status"], "new");
        }
        assert_eq!(f["site"], "demo-escort");
    }
    let reports = dir.join("reports").join("GM0599");
    let files: Vec<String> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 3, "CSV, XLSX and PDF: {files:?}");
    for kind in ["csv", "xlsx", "pdf"] {
        assert!(files.iter().any(|f| f.ends_with(kind)), "{files:?}");
        assert!(
            text.contains(&format!(".{kind}")),
            "the demo prints the {kind} path"
        );
    }

    // The pipeline left the flags ready for the review UI's index-only reads: on
    // PostgreSQL it vacuumed them; SQLite needs nothing. (Whether every page ended up
    // all-visible depends on other snapshots open at that moment, autovacuum's included.)
    if db.engine == webwacht::store::Engine::Postgres {
        let vacuums: i64 = tokio::runtime::Runtime::new().unwrap().block_on(async {
            let store = db.open().await;
            sqlx::query_scalar(
                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'flags'",
            )
            .fetch_one(store.pool())
            .await
            .unwrap()
        });
        assert!(vacuums >= 1, "flags vacuumed after the pipeline");
    }

    // Evidence: at least one WARC file was written.
    let evidence = std::fs::read_dir(dir.join("evidence")).unwrap().count();
    assert!(evidence >= 1);

    // A second run on the same data dir does not duplicate any flag.
    let again = demo();
    assert!(again.status.success(), "{}", stderr(&again));
    let second = flags(dir);
    assert_eq!(first.len(), second.len());
    let ids = |v: &[serde_json::Value]| {
        v.iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(ids(&first), ids(&second));
    // ...and decides nothing more: the same statuses.
    let statuses = |v: &[serde_json::Value]| {
        v.iter()
            .map(|f| (f["id"].as_i64().unwrap(), f["status"].to_string()))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(statuses(&first), statuses(&second));
}

both_engines!(demo_raises_exactly_the_expected_flags_and_is_idempotent);
