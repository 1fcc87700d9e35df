//! Flags over time: re-matching never duplicates a flag; a flag whose cause is gone (the
//! licence was added to the register) is resolved with a reason and kept; when the cause
//! returns it is reopened.

mod support;

use std::path::{Path, PathBuf};
use support::db::TestDb;

use webwacht::crawl::{crawl_site, CrawlOptions};
use webwacht::demo::{self, DemoServer};
use webwacht::extract::Gazetteer;
use webwacht::register;
use webwacht::rules::{self, Policies};
use webwacht::site::compile::compile_str;
use webwacht::store::flags::{list, FlagFilter};
use webwacht::store::{self, Store};

async fn import(store: &Store, csv: &str) {
    let (m, p) = webwacht::extract::gazetteer::embedded();
    let g = Gazetteer::new(m, p);
    let rows = register::parse_licences("demo.csv", csv.as_bytes(), &g).unwrap();
    store::register::insert_licences(store, "demo.csv", "-", &rows)
        .await
        .unwrap();
}

async fn resolved_when_cause_is_gone_and_reopened_when_it_returns(db: TestDb, dir: PathBuf) {
    let server = DemoServer::start().await.unwrap();
    let cfg = db.config(&dir);
    let store = Store::open(&cfg).await.unwrap();
    import(&store, &demo::register_csv()).await;
    let toml = demo::site_toml(&server.base_url())
        .replace("requests_per_minute = 600", "requests_per_minute = 6000");
    let site = compile_str(Path::new("demo-escort.toml"), &toml).unwrap();
    let opts = CrawlOptions {
        user_agent: "webwacht-test".into(),
        max_pages: None,
        unthrottled: false,
    };
    crawl_site(&store, &site, &opts, &cfg.evidence_dir())
        .await
        .unwrap();
    let policies = Policies::default();
    let first = rules::run(&store, &policies).await.unwrap();
    assert!(first.flags_new > 0);
    let all = list(&store, &FlagFilter::default()).await.unwrap();

    // Matching again changes nothing.
    let again = rules::run(&store, &policies).await.unwrap();
    assert_eq!(again.flags_new, 0);
    assert_eq!(again.flags_resolved, 0);
    assert_eq!(
        list(&store, &FlagFilter::default()).await.unwrap().len(),
        all.len()
    );

    // Add the claimed number of one unknown-licence ad to the register, with its phones.
    let target = all
        .iter()
        .find(|f| f.rule == "unknown_licence_number")
        .expect("demo has one")
        .clone();
    let number = &target.licence_numbers[0];
    let code = target
        .municipality_code
        .clone()
        .unwrap_or_else(|| "GM0599".into());
    let phones = target.phones.join(";");
    let fixed = format!(
        "{}{number},Nieuwe Houder BV,escort,{code},{phones},,2024-01-01,,active\n",
        demo::register_csv()
    );
    import(&store, &fixed).await;
    let after = rules::run(&store, &policies).await.unwrap();
    assert_eq!(after.flags_resolved, 1, "{after:?}");
    let now = list(&store, &FlagFilter::default()).await.unwrap();
    assert_eq!(now.len(), all.len(), "a resolved flag is kept, not deleted");
    let resolved = now.iter().find(|f| f.id == target.id).unwrap();
    assert_eq!(resolved.status, "resolved");
    let reason: Option<String> =
        sqlx::query_scalar("SELECT resolved_reason FROM flags WHERE id = $1")
            .bind(target.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(reason.unwrap().contains("oorzaak is verdwenen"));
    let decisions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM decisions WHERE flag_id = $1")
        .bind(target.id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(decisions, 2, "created + resolved");

    // The old register again: the cause is back, the same flag reopens.
    import(&store, &demo::register_csv()).await;
    let back = rules::run(&store, &policies).await.unwrap();
    assert_eq!(back.flags_reopened, 1);
    let reopened = list(&store, &FlagFilter::default()).await.unwrap();
    assert_eq!(reopened.len(), all.len());
    assert_eq!(
        reopened.iter().find(|f| f.id == target.id).unwrap().status,
        "new"
    );
}

both_engines!(async resolved_when_cause_is_gone_and_reopened_when_it_returns);
