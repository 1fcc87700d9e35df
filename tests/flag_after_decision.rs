//! A person's decision is pinned (security review, F2): once a flag is decided, a later
//! crawl never rewrites the ad version, evidence, municipality or explanation that person
//! saw. A change of the ad after the decision is an observation on the flag ("advertentie
//! gewijzigd na besluit"); if the changed ad meets the rule again, that is a new flag that
//! follows the decided one. Three changes after a decision: the place changes, the licence
//! number is added, the ad is removed.
//!
//! Each test runs its own small mutable ad site on 127.0.0.1 and its own data directory.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use sqlx::Row;
use support::db::TestDb;
use support::site::SiteFile;
use support::web::Browser;
use tokio::net::TcpListener;
use webwacht::config::Config;
use webwacht::crawl::{crawl_site, CrawlOptions};
use webwacht::extract::Gazetteer;
use webwacht::register;
use webwacht::rules::{self, MatchStats, Policies};
use webwacht::site::compile::compile_str;
use webwacht::site::Site;
use webwacht::store::review::{self as rv, NewDecision, Scope};
use webwacht::store::{self, users, Store};
use webwacht::web::auth::Role;
use webwacht::web::{self, AppState};

const PASSWORD: &str = "een lang genoeg wachtwoord";
/// Invented numbers (the demo's unregistered and licensed ranges).
const PHONE: &str = "06-23208000";
const LICENSED_PHONE: &str = "06-12104000";
const LICENCE: &str = "ESC-2026-0042";

#[derive(Debug, Clone)]
struct Ad {
    place: String,
    phone: String,
    licence: Option<String>,
    listed: bool,
}

type Shared = Arc<Mutex<BTreeMap<String, Ad>>>;

async fn handle(State(ads): State<Shared>, req: Request) -> Response {
    let ads = ads.lock().unwrap();
    let path = req.uri().path();
    if path == "/list" {
        let links: String = ads
            .iter()
            .filter(|(_, a)| a.listed)
            .map(|(id, _)| {
                format!(
                    "<article class=\"ad\"><a class=\"more\" href=\"/ad/{id}\">{id}</a></article>"
                )
            })
            .collect();
        return Html(format!("<html><body>{links}</body></html>")).into_response();
    }
    let Some(ad) = path
        .strip_prefix("/ad/")
        .and_then(|id| ads.get(id).map(|a| (id, a)))
    else {
        return (StatusCode::NOT_FOUND, "niet gevonden").into_response();
    };
    let (id, ad) = ad;
    let licence = ad
        .licence
        .as_ref()
        .map(|l| format!("<p class=\"licence\">Vergunningnummer: {l}</p>"))
        .unwrap_or_default();
    Html(format!(
        "<html><body><article data-ad-id=\"{id}\"><h1>Escort {id}</h1>\
         <div class=\"description\">Discreet en gezellig, bel {}.</div>\
         <span class=\"name\">Adverteerder {id}</span><span class=\"location\">{}</span>{licence}\
         </article></body></html>",
        ad.phone, ad.place
    ))
    .into_response()
}

fn site_toml(base: &str) -> String {
    SiteFile::new("besluit", "Besluittestsite", &format!("{base}/list"))
        .site("respect_robots", "false")
        .site("max_pages", "100")
        .site("remove_after_missed_runs", "1")
        .ad_id_attribute()
        .ad("advertiser", ".name")
        .ad("place", ".location")
        .ad("licence", ".licence")
        .toml()
}

struct Harness {
    ads: Shared,
    site: Site,
    store: Store,
    cfg: Config,
    dir: PathBuf,
}

impl Harness {
    async fn start(db: &TestDb, dir: PathBuf, ads: &[(&str, &str)]) -> Harness {
        let shared: Shared = Arc::new(Mutex::new(
            ads.iter()
                .map(|(id, place)| {
                    (
                        id.to_string(),
                        Ad {
                            place: place.to_string(),
                            phone: PHONE.into(),
                            licence: None,
                            listed: true,
                        },
                    )
                })
                .collect(),
        ));
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().fallback(handle).with_state(shared.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let cfg = db.config(&dir);
        let store = Store::open(&cfg).await.unwrap();
        let site = compile_str(
            Path::new("besluit.toml"),
            &site_toml(&format!("http://{addr}")),
        )
        .unwrap();
        let h = Harness {
            ads: shared,
            site,
            store,
            cfg,
            dir,
        };
        // The register: one licence in Rotterdam with the licensed phone.
        let (m, p) = webwacht::extract::gazetteer::embedded();
        let g = Gazetteer::new(m, p);
        let csv = format!(
            "licence_number,holder,business_type,municipality_code,phones,address,valid_from,valid_until,status\n\
             {LICENCE},Voorbeeld Escort BV,escort,GM0599,{LICENSED_PHONE},,2024-01-01,,active\n"
        );
        let rows = register::parse_licences("register.csv", csv.as_bytes(), &g).unwrap();
        store::register::insert_licences(&h.store, "register.csv", "-", &rows)
            .await
            .unwrap();
        h
    }

    fn change(&self, id: &str, f: impl FnOnce(&mut Ad)) {
        f(self.ads.lock().unwrap().get_mut(id).unwrap());
    }

    async fn crawl_and_match(&self) -> MatchStats {
        let opts = CrawlOptions {
            user_agent: "webwacht-test".into(),
            max_pages: None,
            unthrottled: false,
        };
        crawl_site(&self.store, &self.site, &opts, &self.cfg.evidence_dir())
            .await
            .unwrap();
        rules::run(&self.store, &Policies::default()).await.unwrap()
    }

    /// The flags of one ad (by the site's ad id), oldest first.
    async fn flags_of(&self, ad: &str) -> Vec<FlagRow> {
        sqlx::query(
            "SELECT f.id, f.rule, f.status, f.version_id, f.municipality_code, f.explanation, f.evidence,
                    f.strength, f.snapshot_id, f.follows_flag_id, f.resolved_at
             FROM flags f JOIN ads a ON a.id = f.ad_id WHERE a.external_id = $1 ORDER BY f.id",
        )
        .bind(ad)
        .fetch_all(self.store.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|r| FlagRow {
            id: r.get(0),
            rule: r.get(1),
            status: r.get(2),
            version_id: r.get(3),
            municipality_code: r.get(4),
            explanation: r.get(5),
            evidence: r.get(6),
            strength: r.get(7),
            snapshot_id: r.get(8),
            follows: r.get(9),
            resolved_at: r.get(10),
        })
        .collect()
    }

    async fn observations(&self, flag: i64) -> Vec<(String, Option<i64>)> {
        sqlx::query("SELECT kind, version_id FROM flag_observations WHERE flag_id = $1 ORDER BY id")
            .bind(flag)
            .fetch_all(self.store.pool())
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    }

    /// A researcher confirms the flag, as the review UI stores it.
    async fn confirm(&self, f: &FlagRow) {
        rv::decide(
            &self.store,
            &NewDecision {
                flag_id: f.id,
                actor: "rita",
                expected_status: "new",
                expected_version: f.version_id,
                steps: &["in_review", "confirmed"],
                escalate: false,
                note: None,
                action: "confirm",
            },
        )
        .await
        .unwrap();
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct FlagRow {
    id: i64,
    rule: String,
    status: String,
    version_id: i64,
    municipality_code: Option<String>,
    explanation: String,
    evidence: String,
    strength: i64,
    snapshot_id: Option<i64>,
    follows: Option<i64>,
    resolved_at: Option<String>,
}

/// The one `no_licence_number` flag of a fresh ad, confirmed by a person.
async fn confirmed_flag(h: &Harness, ad: &str) -> FlagRow {
    h.crawl_and_match().await;
    let flags = h.flags_of(ad).await;
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].rule, "no_licence_number");
    h.confirm(&flags[0]).await;
    let mut f = flags[0].clone();
    f.status = "confirmed".into();
    assert_eq!(h.flags_of(ad).await[0], f);
    f
}

async fn place_changed_after_decision_is_an_observation_and_a_new_flag(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, dir, &[("a1", "Rotterdam")]).await;
    let decided = confirmed_flag(&h, "a1").await;
    assert_eq!(decided.municipality_code.as_deref(), Some("GM0599"));

    h.change("a1", |a| a.place = "Den Haag".into());
    let stats = h.crawl_and_match().await;
    assert_eq!(stats.flags_observed, 1, "{stats:?}");
    let flags = h.flags_of("a1").await;
    assert_eq!(flags.len(), 2, "{flags:?}");
    // What the person decided on is exactly as they saw it.
    assert_eq!(flags[0], decided);
    // The changed ad meets the rule again: a new flag in the new place, following it.
    let new = &flags[1];
    assert_eq!(new.status, "new");
    assert_eq!(new.follows, Some(decided.id));
    assert_eq!(new.municipality_code.as_deref(), Some("GM0518"));
    assert!(new.version_id > decided.version_id);
    assert_eq!(
        h.observations(decided.id).await,
        [("ad_changed".to_string(), Some(new.version_id))]
    );

    // Staff see the chain both ways; Rotterdam not the undecided follower.
    let old = rv::flag_detail(&h.store, &Scope::All, decided.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((old.followed_by, old.observations.len()), (Some(new.id), 1));
    let newer = rv::flag_detail(&h.store, &Scope::All, new.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(newer.follows_flag_id, Some(decided.id));
    let seen_by_rotterdam =
        rv::flag_detail(&h.store, &Scope::Municipality("GM0599".into()), decided.id)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(seen_by_rotterdam.followed_by, None);

    // Matching again changes nothing: no third flag, no second observation.
    let again = h.crawl_and_match().await;
    assert_eq!((again.flags_new, again.flags_observed), (0, 0), "{again:?}");
    assert_eq!(h.flags_of("a1").await.len(), 2);
    assert_eq!(h.observations(decided.id).await.len(), 1);

    // Rotterdam still sees its confirmed signal, with the change in its history; Den
    // Haag does not see Rotterdam's decision, nor the undecided new flag.
    let hash = web::hash_password(PASSWORD).unwrap();
    users::create_user(
        &h.store,
        "rotterdam",
        &hash,
        Role::Municipality,
        Some("GM0599"),
    )
    .await
    .unwrap();
    users::create_user(
        &h.store,
        "denhaag",
        &hash,
        Role::Municipality,
        Some("GM0518"),
    )
    .await
    .unwrap();
    let app = web::app(AppState::new(h.store.clone(), h.dir.join("evidence")));
    let rotterdam = Browser::login(&app, "rotterdam", PASSWORD).await;
    let page = rotterdam.get(&format!("/flags/{}", decided.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("advertentie gewijzigd na besluit"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Rotterdam") && !page.body.contains("Den Haag"));
    // The new flag is undecided: not shown to Rotterdam, not even as a link.
    assert!(!page.body.contains(&format!("/flags/{}\"", new.id)));
    let denhaag = Browser::login(&app, "denhaag", PASSWORD).await;
    for id in [decided.id, new.id] {
        assert_eq!(
            denhaag.get(&format!("/flags/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

async fn licence_added_after_decision_keeps_the_decision_and_observes_the_change(
    db: TestDb,
    dir: PathBuf,
) {
    let h = Harness::start(&db, dir, &[("a2", "Rotterdam")]).await;
    let decided = confirmed_flag(&h, "a2").await;

    h.change("a2", |a| {
        a.licence = Some(LICENCE.into());
        a.phone = LICENSED_PHONE.into();
    });
    let stats = h.crawl_and_match().await;
    assert_eq!(stats.flags_observed, 1, "{stats:?}");
    let flags = h.flags_of("a2").await;
    // The licensed ad meets no rule: no new flag, and the decision stands as it was made
    // (not resolved, not moved to the new version).
    assert_eq!(flags, std::slice::from_ref(&decided), "{flags:?}");
    let obs = h.observations(decided.id).await;
    assert_eq!(obs.len(), 1);
    assert_eq!(obs[0].0, "ad_changed");
    assert!(obs[0].1 > Some(decided.version_id));

    let d = rv::flag_detail(&h.store, &Scope::All, decided.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.version_id, decided.version_id);
    assert!(
        d.numbers.is_empty(),
        "the decided version had no licence number"
    );
    assert_eq!(d.observations.len(), 1);
}

async fn ad_removed_after_decision_is_an_observation(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, dir, &[("a3", "Rotterdam"), ("a4", "Rotterdam")]).await;
    let decided = confirmed_flag(&h, "a3").await;

    h.change("a3", |a| a.listed = false);
    h.crawl_and_match().await;
    let removed: Option<String> =
        sqlx::query_scalar("SELECT removed_at FROM ads WHERE external_id = 'a3'")
            .fetch_one(h.store.pool())
            .await
            .unwrap();
    assert!(removed.is_some(), "the ad is marked removed");
    assert_eq!(h.flags_of("a3").await, std::slice::from_ref(&decided));
    assert_eq!(
        h.observations(decided.id).await,
        [("ad_removed".to_string(), None)]
    );
    // The undecided flag of the other ad gets no observation.
    let other = &h.flags_of("a4").await[0];
    assert!(h.observations(other.id).await.is_empty());
}

async fn the_database_refuses_to_rewrite_a_decided_flag(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, dir, &[("a5", "Rotterdam")]).await;
    let decided = confirmed_flag(&h, "a5").await;
    for set in [
        "municipality_code = 'GM0518'",
        "explanation = 'iets anders'",
        "version_id = version_id + 1",
        "evidence = '{}'",
    ] {
        let r = sqlx::query(&format!("UPDATE flags SET {set} WHERE id = $1"))
            .bind(decided.id)
            .execute(h.store.pool())
            .await;
        assert!(r.is_err(), "{set} was allowed");
    }
    assert_eq!(h.flags_of("a5").await, [decided]);
}

async fn a_decision_on_a_version_the_person_did_not_see_is_refused(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, dir, &[("a6", "Rotterdam")]).await;
    h.crawl_and_match().await;
    let seen = h.flags_of("a6").await[0].clone();
    // The ad changes while the researcher looks at the flag: the undecided flag moves on.
    h.change("a6", |a| a.place = "Ridderkerk".into());
    h.crawl_and_match().await;
    let now = h.flags_of("a6").await[0].clone();
    assert_ne!(now.version_id, seen.version_id);
    let r = rv::decide(
        &h.store,
        &NewDecision {
            flag_id: seen.id,
            actor: "rita",
            expected_status: "new",
            expected_version: seen.version_id,
            steps: &["in_review", "confirmed"],
            escalate: false,
            note: None,
            action: "confirm",
        },
    )
    .await;
    assert!(r.is_err(), "confirmed a version the person never saw");
    assert_eq!(h.flags_of("a6").await[0].status, "new");
}

/// Issue 19, point 5: a licensed business that shows its valid licence and its phone on
/// one line raises no flag (the phone was taken as a second, unknown licence number);
/// and where a number is unknown, the explanation quotes that number, never the phone.
async fn a_valid_licence_with_the_phone_on_the_same_line_raises_no_flag(db: TestDb, dir: PathBuf) {
    let h = Harness::start(&db, dir, &[("ok", "Rotterdam"), ("onbekend", "Rotterdam")]).await;
    h.change("ok", |a| {
        a.phone = LICENSED_PHONE.into();
        a.licence = Some(format!("{LICENCE}, bel {LICENSED_PHONE}"));
    });
    h.change("onbekend", |a| {
        a.licence = Some(format!("ESC-2026-0999 en tel {PHONE}"));
    });
    h.crawl_and_match().await;
    assert_eq!(
        h.flags_of("ok").await,
        Vec::<FlagRow>::new(),
        "a licensed business is not flagged"
    );
    let flags = h.flags_of("onbekend").await;
    let unknown: Vec<&FlagRow> = flags
        .iter()
        .filter(|f| f.rule == "unknown_licence_number")
        .collect();
    assert_eq!(unknown.len(), 1, "{flags:?}");
    let e = &unknown[0].explanation;
    assert!(e.contains("ESC-2026-0999"), "{e}");
    let digits: String = PHONE.chars().filter(char::is_ascii_digit).collect();
    assert!(
        !e.contains(PHONE) && !e.contains(&digits[2..]) && !e.contains("tel "),
        "the explanation quotes the phone: {e}"
    );
}

both_engines!(async place_changed_after_decision_is_an_observation_and_a_new_flag);
both_engines!(async licence_added_after_decision_keeps_the_decision_and_observes_the_change);
both_engines!(async ad_removed_after_decision_is_an_observation);
both_engines!(async the_database_refuses_to_rewrite_a_decided_flag);
both_engines!(async a_decision_on_a_version_the_person_did_not_see_is_refused);
both_engines!(async a_valid_licence_with_the_phone_on_the_same_line_raises_no_flag);
