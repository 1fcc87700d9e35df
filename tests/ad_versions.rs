//! Ads and versions: a new version only when the content hash changes; an ad that
//! changes back reuses its earlier version.

mod support;

use std::path::PathBuf;
use support::db::TestDb;
use webwacht::extract::Extraction;
use webwacht::site::AdPage;
use webwacht::store::ads::{self, AdOutcome, NewFetch};
use webwacht::store::Store;

async fn fetch(store: &Store, run: i64) -> i64 {
    ads::insert_fetch(
        store,
        &NewFetch {
            run_id: run,
            url: "http://127.0.0.1/advertentie/1".into(),
            page_kind: "ad",
            http_status: Some(200),
            fetched_at: webwacht::store::now(),
            body_sha256: Some("00".repeat(32)),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn versions_follow_content_changes(db: TestDb, _dir: PathBuf) {
    let store = db.open().await;
    ads::upsert_site(&store, "s", "S").await.unwrap();
    let run = webwacht::store::runs::start_run(&store, "s").await.unwrap();
    let page = AdPage {
        external_id: "1".into(),
        title: "Lotte".into(),
        body: "Bel 06-12345678".into(),
        ..Default::default()
    };
    let changed = AdPage {
        body: "Bel 06-12345679".into(),
        ..page.clone()
    };
    let none = Extraction::default();
    let url = "http://127.0.0.1/advertentie/1";
    let mut outcomes = Vec::new();
    for p in [&page, &page, &changed, &changed, &page] {
        let f = fetch(&store, run).await;
        outcomes.push(
            ads::record_ad(&store, "s", url, f, &webwacht::store::now(), p, &none)
                .await
                .unwrap(),
        );
    }
    use AdOutcome::*;
    assert_eq!(outcomes, [New, Unchanged, Changed, Unchanged, Changed]);
    let versions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ad_versions")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(versions, 2, "changing back reuses the first version");
    assert_eq!(ads::count_ads(&store).await.unwrap(), 1);
}

both_engines!(async versions_follow_content_changes);
