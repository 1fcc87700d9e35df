//! `/reports` on both engines: a municipality user sees and downloads only its own weekly
//! lists (another municipality's list or file answers 404, also by URL), every download
//! is in the audit log, and it can mark a listed signal handled (`reported -> closed`)
//! with a required note; staff see every list; only a municipality closes.

mod support;

use std::path::PathBuf;

use axum::http::StatusCode;
use support::db::TestDb;
use support::flags::{confirm_first, make_lists, status};
use support::web::{links, Browser};
use webwacht::report::weekly::model::IsoWeek;
use webwacht::store::users;
use webwacht::web::auth::Role;
use webwacht::web::{self, AppState};

const PASSWORD: &str = "een lang genoeg wachtwoord";

async fn a_municipality_sees_downloads_and_closes_only_its_own_lists(db: TestDb, dir: PathBuf) {
    let store = db.open().await;
    let den_haag = confirm_first(&store, "GM0518", 2).await;
    let rotterdam = confirm_first(&store, "GM0599", 2).await;
    let now = chrono::Utc::now() + chrono::Duration::days(7);
    let made = make_lists(&store, &dir, now).await;
    let id_of = |code: &str| {
        made.iter()
            .find(|o| o.municipality_code == code)
            .and_then(|o| o.list_id)
            .unwrap()
    };
    let (own, other) = (id_of("GM0518"), id_of("GM0599"));

    let hash = web::hash_password(PASSWORD).unwrap();
    users::create_user(&store, "denhaag", &hash, Role::Municipality, Some("GM0518"))
        .await
        .unwrap();
    users::create_user(&store, "coordinator", &hash, Role::Coordinator, None)
        .await
        .unwrap();
    users::create_user(&store, "onderzoeker", &hash, Role::Researcher, None)
        .await
        .unwrap();
    let app = web::app(AppState::new(store.clone(), dir.join("evidence")));
    let user = Browser::login(&app, "denhaag", PASSWORD).await;

    // The overview: its own list, not the other.
    let page = user.get("/reports").await;
    assert_eq!(page.status, StatusCode::OK);
    let hrefs = links(&page.body);
    assert!(hrefs.contains(&format!("/reports/{own}")), "{hrefs:?}");
    assert!(
        !hrefs
            .iter()
            .any(|h| h.starts_with(&format!("/reports/{other}"))),
        "{hrefs:?}"
    );
    assert!(!page.body.contains("GM0599"));

    // Its files download as archived, and each download is audited.
    for kind in ["csv", "xlsx", "pdf"] {
        let a = user.get(&format!("/reports/{own}/{kind}")).await;
        assert_eq!(a.status, StatusCode::OK, "{kind}");
        let week = IsoWeek::last_complete(now);
        let archived = std::fs::read(dir.join(format!("reports/GM0518/{week}.{kind}"))).unwrap();
        assert_eq!(a.bytes, archived, "{kind} is the archived file");
        assert!(a.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"));
    }
    let downloads: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'report_download' AND actor = 'denhaag' AND object = $1",
    )
    .bind(format!("list:{own}"))
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(downloads, 3);

    // Another municipality's list and files, by URL: 404, as if they did not exist.
    for uri in [
        format!("/reports/{other}"),
        format!("/reports/{other}/csv"),
        format!("/reports/{other}/xlsx"),
        format!("/reports/{other}/pdf"),
        format!("/reports/{own}/evidence"),
        "/reports/999999/csv".to_string(),
    ] {
        assert_eq!(user.get(&uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
    let close = |list: i64, flag: i64, note: &'static str| {
        let user = &user;
        async move {
            user.post(
                &format!("/reports/{list}/flags/{flag}/close"),
                &[("csrf", &user.csrf), ("note", note)],
            )
            .await
        }
    };
    assert_eq!(
        close(other, rotterdam[0], "afgehandeld").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        close(own, rotterdam[0], "afgehandeld").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(status(&store, rotterdam[0]).await, "reported");

    // Closing its own signal needs a note, then moves it reported -> closed.
    let list_page = user.get(&format!("/reports/{own}")).await;
    assert!(
        list_page.body.contains("Markeer als afgehandeld"),
        "{}",
        list_page.body
    );
    let empty = close(own, den_haag[0], "  ").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Schrijf in de toelichting"));
    assert_eq!(status(&store, den_haag[0]).await, "reported");
    let done = close(
        own,
        den_haag[0],
        "Bezocht op 3 december; vergunning aangevraagd.",
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(status(&store, den_haag[0]).await, "closed");
    let last: (String, String, String, Option<String>) = sqlx::query_as(
        "SELECT actor, from_status, to_status, note FROM decisions WHERE flag_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(den_haag[0])
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(
        last,
        (
            "denhaag".into(),
            "reported".into(),
            "closed".into(),
            Some("Bezocht op 3 december; vergunning aangevraagd.".into())
        )
    );
    // Once closed, not again: the page says so.
    let again = close(own, den_haag[0], "nog eens").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("al afgehandeld"), "{}", again.body);

    // Staff see every list; a researcher cannot close.
    let coordinator = Browser::login(&app, "coordinator", PASSWORD).await;
    let all = links(&coordinator.get("/reports").await.body);
    assert!(all.contains(&format!("/reports/{own}")) && all.contains(&format!("/reports/{other}")));
    let researcher = Browser::login(&app, "onderzoeker", PASSWORD).await;
    let refused = researcher
        .post(
            &format!("/reports/{other}/flags/{}/close", rotterdam[1]),
            &[("csrf", &researcher.csrf), ("note", "x")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(status(&store, rotterdam[1]).await, "reported");
    store.close().await;
}
both_engines!(demo a_municipality_sees_downloads_and_closes_only_its_own_lists);
