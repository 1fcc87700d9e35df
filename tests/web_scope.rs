//! A municipality user sees only what its role may see, on every page (security review,
//! F1 and F6): decided signals (confirmed, reported, closed) of its own territory, and of
//! the ads behind them only what those signals rest on. Nothing from another territory
//! and nothing undecided appears: not in linked ads, the phone timeline, register
//! entries, search, the filter menus or the counts.
//!
//! The data is a real run of `webwacht demo --no-serve`. Den Haag (GM0518) has an ad whose
//! phone is also on ads in five other municipalities; a researcher confirms it, dismisses
//! another Den Haag flag and confirms one elsewhere. Then the Den Haag user walks every
//! page it can reach by following links from the queue and the monitor, and every flag,
//! ad and phone page by address, and no page may show anything of the rest.

mod support;

use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;

use axum::http::StatusCode;
use sqlx::Row;
use support::db::TestDb;
use support::web::{links, Browser};
use webwacht::store::review::{self as rv, NewDecision, Scope, SearchTerms};
use webwacht::store::{users, Store};
use webwacht::web::auth::Role;
use webwacht::web::{self, AppState};

const PASSWORD: &str = "een lang genoeg wachtwoord";
const OWN: &str = "GM0518";

async fn ids(store: &Store, sql: &str) -> Vec<i64> {
    sqlx::query_scalar(sql)
        .fetch_all(store.pool())
        .await
        .unwrap()
}

async fn texts(store: &Store, sql: &str) -> BTreeSet<String> {
    sqlx::query(sql)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| r.get::<Option<String>, _>(0))
        .filter(|s| s.trim().chars().count() >= 4)
        .collect()
}

async fn decide(store: &Store, id: i64, to: &str) {
    let version: i64 = sqlx::query_scalar("SELECT version_id FROM flags WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap();
    rv::decide(
        store,
        &NewDecision {
            flag_id: id,
            actor: "rita",
            expected_status: "new",
            expected_version: version,
            steps: &["in_review", to],
            escalate: false,
            note: Some("getoetst"),
            action: if to == "confirmed" {
                "confirm"
            } else {
                "dismiss"
            },
        },
    )
    .await
    .unwrap();
}

/// The demo database with the decisions described above; returns the store and the id of
/// the Den Haag flag whose phone is shared.
async fn decided_demo(db: &TestDb) -> (Store, i64) {
    let store = db.open().await;
    // The Den Haag flag whose phone is on ads in other municipalities.
    let shared = ids(
        &store,
        "SELECT f.id FROM flags f JOIN version_phones p ON p.version_id = f.version_id
         WHERE f.municipality_code = 'GM0518' AND EXISTS (
           SELECT 1 FROM version_phones p2 JOIN ad_versions v2 ON v2.id = p2.version_id
           JOIN flags f2 ON f2.ad_id = v2.ad_id
           WHERE p2.e164 = p.e164 AND f2.municipality_code != 'GM0518')
         ORDER BY f.id LIMIT 1",
    )
    .await;
    let shared = *shared
        .first()
        .expect("the demo links a Den Haag ad to others");
    decide(&store, shared, "confirmed").await;
    let others = ids(
        &store,
        "SELECT id FROM flags WHERE municipality_code = 'GM0518' AND status = 'new' ORDER BY id",
    )
    .await;
    assert!(others.len() >= 3);
    decide(&store, others[0], "confirmed").await;
    decide(&store, others[1], "dismissed").await;
    // A confirmed signal of another municipality that shares the phone.
    let elsewhere = ids(
        &store,
        &format!(
            "SELECT f2.id FROM flags f JOIN version_phones p ON p.version_id = f.version_id
             JOIN version_phones p2 ON p2.e164 = p.e164 JOIN flags f2 ON f2.version_id = p2.version_id
             WHERE f.id = {shared} AND f2.municipality_code != 'GM0518' ORDER BY f2.id LIMIT 1"
        ),
    )
    .await;
    decide(&store, elsewhere[0], "confirmed").await;
    (store, shared)
}

/// What the Den Haag user may not see anywhere: names, places, addresses, phones and
/// explanations of every ad version no visible flag rests on, the codes and names of the
/// other municipalities, and the explanations of flags it may not see. Strings that also
/// belong to what it may see are left out (an advertiser with ads in both).
async fn forbidden(store: &Store) -> BTreeSet<String> {
    let visible_versions = "(SELECT version_id FROM flags WHERE municipality_code = 'GM0518'
                             AND status IN ('confirmed', 'reported', 'closed'))";
    let visible_ads = "(SELECT ad_id FROM flags WHERE municipality_code = 'GM0518'
                        AND status IN ('confirmed', 'reported', 'closed'))";
    let mut out = BTreeSet::new();
    let mut allowed = BTreeSet::new();
    for column in ["advertiser", "place_text", "title"] {
        out.extend(
            texts(
                store,
                &format!("SELECT {column} FROM ad_versions WHERE id NOT IN {visible_versions}"),
            )
            .await,
        );
        allowed.extend(
            texts(
                store,
                &format!("SELECT {column} FROM ad_versions WHERE id IN {visible_versions}"),
            )
            .await,
        );
    }
    out.extend(
        texts(
            store,
            &format!("SELECT url FROM ads WHERE id NOT IN {visible_ads}"),
        )
        .await,
    );
    out.extend(
        texts(
            store,
            &format!("SELECT e164 FROM version_phones WHERE version_id NOT IN {visible_versions}"),
        )
        .await,
    );
    allowed.extend(
        texts(
            store,
            &format!("SELECT e164 FROM version_phones WHERE version_id IN {visible_versions}"),
        )
        .await,
    );
    out.extend(
        texts(
            store,
            "SELECT DISTINCT municipality_code FROM flags WHERE municipality_code != 'GM0518'",
        )
        .await,
    );
    out.extend(
        texts(
            store,
            "SELECT name FROM municipalities WHERE code IN
               (SELECT municipality_code FROM flags WHERE municipality_code != 'GM0518')",
        )
        .await,
    );
    out.extend(
        texts(
            store,
            "SELECT explanation FROM flags WHERE NOT (municipality_code = 'GM0518'
               AND status IN ('confirmed', 'reported', 'closed'))",
        )
        .await,
    );
    // The text of the visible ads may name a place of another municipality by itself.
    let own_text: String = texts(
        store,
        &format!("SELECT title || ' ' || COALESCE(body, '') FROM ad_versions WHERE id IN {visible_versions}"),
    )
    .await
    .into_iter()
    .collect::<Vec<_>>()
    .join("\n");
    out.retain(|s| !allowed.contains(s) && !own_text.contains(s.as_str()));
    out
}

async fn a_municipality_user_sees_nothing_of_other_territories_or_undecided_signals(
    db: TestDb,
    dir: PathBuf,
) {
    let (store, shared) = decided_demo(&db).await;
    let hash = web::hash_password(PASSWORD).unwrap();
    users::create_user(&store, "denhaag", &hash, Role::Municipality, Some(OWN))
        .await
        .unwrap();
    let app = web::app(AppState::new(store.clone(), dir.join("evidence")));
    let user = Browser::login(&app, "denhaag", PASSWORD).await;

    let visible: BTreeSet<i64> = ids(
        &store,
        "SELECT id FROM flags WHERE municipality_code = 'GM0518' AND status IN ('confirmed', 'reported', 'closed')",
    )
    .await
    .into_iter()
    .collect();
    assert_eq!(visible.len(), 2);
    let hidden: Vec<i64> = ids(&store, "SELECT id FROM flags ORDER BY id")
        .await
        .into_iter()
        .filter(|id| !visible.contains(id))
        .collect();
    let forbidden = forbidden(&store).await;
    assert!(forbidden.len() > 50, "{forbidden:?}");
    println!(
        "{} strings of other territories and undecided signals",
        forbidden.len()
    );
    // The linked ads of the shared flag are what the review found leaking: their names
    // are among the forbidden strings.
    let linked_names = texts(
        &store,
        &format!(
            "SELECT v2.advertiser FROM flags f JOIN version_phones p ON p.version_id = f.version_id
             JOIN version_phones p2 ON p2.e164 = p.e164 JOIN ad_versions v2 ON v2.id = p2.version_id
             WHERE f.id = {shared} AND v2.ad_id != f.ad_id"
        ),
    )
    .await;
    assert!(!linked_names.is_empty() && linked_names.iter().all(|n| forbidden.contains(n)));

    // Walk every page reachable by links from the queue and the monitor, plus every flag
    // by address and the filters a user could type.
    let mut queue: VecDeque<String> = ["/flags", "/monitor", "/"]
        .into_iter()
        .map(String::from)
        .collect();
    for id in visible.iter().chain(&hidden) {
        queue.push_back(format!("/flags/{id}"));
    }
    for s in ["new", "in_review", "dismissed", "resolved", "confirmed"] {
        queue.push_back(format!("/flags?status={s}"));
    }
    let mut seen = BTreeSet::new();
    let mut ok_pages = 0;
    while let Some(uri) = queue.pop_front() {
        if !seen.insert(uri.clone()) || seen.len() > 400 {
            continue;
        }
        let page = user.get(&uri).await;
        if page.status.is_redirection() {
            let to = page.headers["location"].to_str().unwrap().to_string();
            queue.push_back(to);
            continue;
        }
        if let Some(id) = uri
            .strip_prefix("/flags/")
            .and_then(|s| s.parse::<i64>().ok())
        {
            let want = if visible.contains(&id) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(page.status, want, "{uri}");
        }
        if page.status != StatusCode::OK {
            assert!(
                matches!(page.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "{uri}: {}",
                page.status
            );
            continue;
        }
        ok_pages += 1;
        for f in &forbidden {
            assert!(
                !page.body.contains(f.as_str()),
                "{uri} shows {f:?}, which belongs to another territory or an undecided signal"
            );
        }
        for id in &hidden {
            assert!(
                !page.body.contains(&format!("/flags/{id}\"")),
                "{uri} links hidden flag {id}"
            );
        }
        // (A flag's own history names the statuses it passed through; lists and counts
        // show no undecided status.)
        for label in ["nieuw", "in behandeling", "afgewezen", "opgelost"] {
            if uri.starts_with("/flags/") {
                break;
            }
            assert!(
                !page.body.contains(&format!(">{label}<")),
                "{uri} shows the status {label}"
            );
        }
        for l in links(&page.body) {
            queue.push_back(l);
        }
    }
    // The walk reached the queue, its filters and pages, the monitor and both flags.
    assert!(ok_pages >= 6, "only {ok_pages} pages: {seen:?}");
    println!("{ok_pages} pages walked, {} addresses tried", seen.len());

    // The confirmed flag with the shared phone lists no other ad: every other ad with
    // that phone is in another territory or undecided.
    let page = user.get(&format!("/flags/{shared}")).await;
    assert!(!page.body.contains("/ads/"), "{}", page.body);
    // The monitor counts only Den Haag's decided signals.
    let monitor = user.get("/monitor").await;
    assert_eq!(
        monitor
            .body
            .matches("<tr class=\"utrecht-table__row\"><td")
            .count(),
        1
    );
    assert!(monitor.body.contains(">bevestigd<") && monitor.body.contains(">2<"));
    // A filter on another territory, typed by hand, finds nothing (the page echoes only
    // what was typed).
    for s in ["new", "confirmed", "dismissed"] {
        let page = user
            .get(&format!("/flags?status={s}&municipality=GM0599"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("href=\"/flags/"), "{}", page.body);
    }
    // Pages for the review team only.
    for uri in [
        "/search?q=escort",
        "/phones/+31623412650",
        "/ads/1",
        "/audit",
        "/users",
        "/sites",
        "/metrics",
    ] {
        assert_eq!(user.get(uri).await.status, StatusCode::FORBIDDEN, "{uri}");
    }
}

async fn store_queries_apply_the_scope_too(db: TestDb, _dir: PathBuf) {
    let (store, shared) = decided_demo(&db).await;
    let scope = Scope::Municipality(OWN.into());
    let d = rv::flag_detail(&store, &scope, shared)
        .await
        .unwrap()
        .unwrap();
    assert!(d.linked.is_empty(), "{:?}", d.linked);
    assert!(d.register.iter().all(|r| r.municipality_code == OWN));
    let staff = rv::flag_detail(&store, &Scope::All, shared)
        .await
        .unwrap()
        .unwrap();
    assert!(staff.linked.len() >= 5, "staff still see the linked ads");

    let phone = d.phones[0].e164.clone();
    let everyone = rv::phone_timeline(&store, &Scope::All, &phone)
        .await
        .unwrap();
    let mine = rv::phone_timeline(&store, &scope, &phone).await.unwrap();
    assert!(everyone.len() > mine.len() && !mine.is_empty());
    assert!(mine.iter().all(|s| s.ad_id == d.ad_id));
    let flags = rv::flags_with_phone(&store, &scope, &phone).await.unwrap();
    assert_eq!(flags, [shared]);

    let terms = SearchTerms {
        phones: vec![phone.clone()],
        ..SearchTerms::default()
    };
    assert_eq!(rv::search(&store, &scope, &terms).await.unwrap(), [shared]);
    assert!(rv::search(&store, &Scope::All, &terms).await.unwrap().len() >= 6);

    let other_ad = everyone.iter().find(|s| s.ad_id != d.ad_id).unwrap().ad_id;
    assert!(rv::ad_detail(&store, &scope, other_ad)
        .await
        .unwrap()
        .is_none());
    let own_ad = rv::ad_detail(&store, &scope, d.ad_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(own_ad.flag_ids, [shared]);

    let counts = rv::monitor_counts(&store, &scope).await.unwrap();
    assert_eq!(counts.len(), 1, "{counts:?}");
    assert_eq!((counts[0].1.as_str(), counts[0].2), ("confirmed", 2));
    // The audit log and the users are for staff only, in the store as in the handlers.
    assert!(rv::audit_log(&store, &scope, None, None, None, 10)
        .await
        .is_err());
    assert!(users::list_users(&store, &scope).await.is_err());
    assert!(!rv::audit_log(&store, &Scope::All, None, None, None, 10)
        .await
        .unwrap()
        .is_empty());
    let menus = rv::filter_choices(&store, &scope).await.unwrap();
    assert_eq!(menus.municipalities.len(), 1);
    assert_eq!(menus.sites, ["demo-escort"]);
}

both_engines!(demo a_municipality_user_sees_nothing_of_other_territories_or_undecided_signals);
both_engines!(demo store_queries_apply_the_scope_too);
