//! `/reports` in Debian's headless Chromium (`tests/e2e/reports.mjs`, playwright-core),
//! on both engines: a municipality user finds its own weekly list through the menu and
//! downloads it, sees none of another municipality's, and that list's page and files
//! typed as URLs answer 404.
//!
//! Needs `node`, `/usr/bin/chromium` and `tests/e2e/node_modules` (`tools/test` installs
//! them). Without them the test is skipped with a notice, unless `CI` is set: then it fails.

mod support;

use std::path::PathBuf;
use std::time::Duration;

use support::browser::{missing_tools, node_command};
use support::db::TestDb;
use support::flags::{confirm_first, make_lists};
use tokio::net::TcpListener;
use webwacht::store::users;
use webwacht::web::auth::Role;
use webwacht::web::{self, AppState};

const PASSWORD: &str = "een lang genoeg wachtwoord";

async fn a_municipality_sees_only_its_own_lists_in_chromium(db: TestDb, dir: PathBuf) {
    if let Some(why) = missing_tools(&["playwright-core"]) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs the browser test: {why}"
        );
        eprintln!("skipped: {why}");
        return;
    }
    let store = db.open().await;
    confirm_first(&store, "GM0518", 1).await;
    confirm_first(&store, "GM0599", 1).await;
    let now = chrono::Utc::now() + chrono::Duration::days(7);
    let made = make_lists(&store, &dir, now).await;
    let id_of = |code: &str| {
        made.iter()
            .find(|o| o.municipality_code == code)
            .and_then(|o| o.list_id)
            .unwrap()
            .to_string()
    };
    let hash = web::hash_password(PASSWORD).unwrap();
    users::create_user(&store, "denhaag", &hash, Role::Municipality, Some("GM0518"))
        .await
        .unwrap();

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(web::serve(
        listener,
        AppState::new(store.clone(), dir.join("evidence")),
        async {
            let _ = stopped.await;
        },
    ));

    let mut node = node_command(
        "reports.mjs",
        &[
            ("BASE_URL", base.clone()),
            ("USER_NAME", "denhaag".to_string()),
            ("USER_PASSWORD", PASSWORD.to_string()),
            ("OWN_LIST", id_of("GM0518")),
            ("OWN_CODE", "GM0518".to_string()),
            ("OTHER_LIST", id_of("GM0599")),
            ("OTHER_CODE", "GM0599".to_string()),
        ],
    );
    let out = tokio::time::timeout(Duration::from_secs(120), node.output())
        .await
        .expect("tests/e2e/reports.mjs took longer than 120 s")
        .expect("run node tests/e2e/reports.mjs");
    let _ = stop.send(());
    let _ = server.await;
    assert!(
        out.status.success(),
        "tests/e2e/reports.mjs failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let downloads: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'report_download' AND actor = 'denhaag'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(downloads, 1, "the browser's download is in the audit log");
    store.close().await;
}
both_engines!(demo a_municipality_sees_only_its_own_lists_in_chromium);
