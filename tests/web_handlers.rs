//! The review UI's handlers, driven with `oneshot` (no socket) on a real database filled
//! by a real run of `webwacht demo --no-serve` (crawl of the bundled demo site, register
//! import, rules), on SQLite and on PostgreSQL. Every test works on its own copy of that
//! database.

mod support;

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use sqlx::Row;
use support::db::TestDb;
use support::web::{cookie_from, form, hidden, login_attempt_from, send, Answer, Browser};
use webwacht::store::{users, Store};
use webwacht::web::auth::Role;
use webwacht::web::{self, AppState};

const PASSWORD: &str = "een lang genoeg wachtwoord";

/// A private copy of the demo database with a researcher, a coordinator and a
/// municipality user (Rotterdam), and the app on it.
struct Env {
    store: Store,
    app: Router,
}

async fn env(db: &TestDb, dir: &Path) -> Env {
    let store = db.open().await;
    let hash = web::hash_password(PASSWORD).unwrap();
    for (name, role, m) in [
        ("rita", Role::Researcher, None),
        ("ruud", Role::Researcher, None),
        ("coco", Role::Coordinator, None),
        ("rotterdam", Role::Municipality, Some("GM0599")),
    ] {
        users::create_user(&store, name, &hash, role, m)
            .await
            .unwrap();
    }
    let app = web::app(AppState::new(store.clone(), dir.join("evidence")));
    Env { store, app }
}

async fn login_attempt(app: &Router, name: &str, password: &str) -> Answer {
    login_attempt_from(app, name, password, [127, 0, 0, 1]).await
}

async fn login(env: &Env, name: &str) -> Browser {
    Browser::login(&env.app, name, PASSWORD).await
}

async fn scalar(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn status_of(store: &Store, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM flags WHERE id = $1")
        .bind(id)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// Ids of the flags in the `<tbody>` of a queue page, in order.
fn queue_ids(body: &str) -> Vec<i64> {
    body.match_indices("<a class=\"utrecht-link\" href=\"/flags/")
        .map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        })
        .collect()
}

async fn anonymous_requests_go_to_login(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    for uri in [
        "/flags",
        "/flags/1",
        "/flags?status=new",
        "/phones/+31612345678",
        "/ads/1",
        "/search?q=rotterdam",
        "/monitor",
        "/audit",
        "/users",
        "/sites",
        "/metrics",
    ] {
        let a = send(&env.app, Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{uri}");
        assert!(
            a.location().starts_with("/login"),
            "{uri} -> {}",
            a.location()
        );
    }
    let a = send(
        &env.app,
        Request::get("/flags/3").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(a.location(), "/login?next=%2Fflags%2F3");
    // A POST without a session changes nothing.
    let a = send(
        &env.app,
        Request::post("/flags/1/decide")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("action=confirm&status=new"))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&env.store, 1).await, "new");
    // A forged or expired cookie is no session either.
    let a = send(
        &env.app,
        Request::get("/flags")
            .header(header::COOKIE, "webwacht_sessie=00ff")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    // Open without a session: the login page and the health check.
    let a = send(
        &env.app,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!((a.status, a.body.as_str()), (StatusCode::OK, "ok\n"));
}

async fn every_response_carries_the_security_headers(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let b = login(&env, "rita").await;
    let anonymous = send(
        &env.app,
        Request::get("/login").body(Body::empty()).unwrap(),
    )
    .await;
    let answers = [
        anonymous,
        send(
            &env.app,
            Request::get("/flags").body(Body::empty()).unwrap(),
        )
        .await,
        send(
            &env.app,
            Request::get("/nergens").body(Body::empty()).unwrap(),
        )
        .await,
        b.get("/flags").await,
        b.get("/flags/1").await,
        b.get("/flags/999999").await,
        b.get("/assets/webwacht.css").await,
        b.get("/audit").await,
    ];
    for a in &answers {
        let csp = a.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(csp.contains("script-src 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(a.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(a.headers[header::REFERRER_POLICY], "no-referrer");
    }
    assert_eq!(answers[2].status, StatusCode::NOT_FOUND);
    assert_eq!(answers[5].status, StatusCode::NOT_FOUND);
    assert_eq!(
        answers[7].status,
        StatusCode::FORBIDDEN,
        "researchers see no audit log"
    );
    // Pages with personal data are never cached; assets may be.
    assert_eq!(answers[4].headers[header::CACHE_CONTROL], "no-store");
    assert!(answers[6].headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}

async fn session_cookie_is_strict_and_secure_behind_tls(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let a = login_attempt(&env.app, "rita", PASSWORD).await;
    let set: Vec<&str> = a
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("webwacht_sessie="))
        .unwrap();
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Strict"), "{session}");
    assert!(!session.contains("Secure"), "plain HTTP: {session}");
    assert_eq!(a.location(), "/flags");

    let page = send(
        &env.app,
        Request::get("/login").body(Body::empty()).unwrap(),
    )
    .await;
    let a = send(
        &env.app,
        Request::post("/login")
            .header(
                header::COOKIE,
                cookie_from(&page, "webwacht_login").unwrap(),
            )
            .header("x-forwarded-proto", "https")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(&[
                ("name", "rita"),
                ("password", PASSWORD),
                ("csrf", &hidden(&page.body, "csrf")),
            ])))
            .unwrap(),
    )
    .await;
    let session = cookie_header(&a, "webwacht_sessie");
    assert!(session.contains("Secure"), "{session}");
}

fn cookie_header(a: &Answer, name: &str) -> String {
    a.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap()
}

async fn sessions_expire_and_logout_ends_them(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let b = login(&env, "rita").await;
    assert_eq!(b.get("/flags").await.status, StatusCode::OK);
    // Idle for longer than allowed.
    sqlx::query("UPDATE sessions SET last_seen = '2020-01-01T00:00:00Z'")
        .execute(env.store.pool())
        .await
        .unwrap();
    assert_eq!(b.get("/flags").await.status, StatusCode::SEE_OTHER);
    assert_eq!(scalar(&env.store, "SELECT COUNT(*) FROM sessions").await, 0);

    // Past the absolute end, however recently used.
    let b = login(&env, "rita").await;
    sqlx::query("UPDATE sessions SET expires_at = '2020-01-01T00:00:00Z'")
        .execute(env.store.pool())
        .await
        .unwrap();
    assert_eq!(b.get("/flags").await.status, StatusCode::SEE_OTHER);

    // Logging out needs the form token, then the cookie is worthless.
    let b = login(&env, "rita").await;
    assert_eq!(
        b.post("/logout", &[("csrf", "fout")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(b.get("/flags").await.status, StatusCode::OK);
    let a = b.post("/logout", &[("csrf", &b.csrf)]).await;
    assert_eq!((a.status, a.location()), (StatusCode::SEE_OTHER, "/login"));
    assert_eq!(b.get("/flags").await.status, StatusCode::SEE_OTHER);
    // The database holds only hashes of session tokens.
    let token = b.cookie.trim_start_matches("webwacht_sessie=");
    let stored = scalar(
        &env.store,
        &format!("SELECT COUNT(*) FROM sessions WHERE token_sha256 = '{token}'"),
    )
    .await;
    assert_eq!(stored, 0);
}

async fn failed_logins_are_refused_logged_and_slowed_down(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let a = login_attempt(&env.app, "rita", "verkeerd wachtwoord").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(cookie_from(&a, "webwacht_sessie").is_none());
    assert!(a.body.contains("Onbekende naam of onjuist wachtwoord"));
    let a = login_attempt_from(&env.app, "niemand", "verkeerd wachtwoord", [127, 0, 0, 9]).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(
        a.body.contains("Onbekende naam of onjuist wachtwoord"),
        "same answer for unknown names"
    );
    login_attempt(&env.app, "rita", "nog steeds fout").await;
    login_attempt(&env.app, "rita", "weer fout").await;
    // Three failures for this name from this address: now even the right password must
    // wait here.
    let a = login_attempt(&env.app, "rita", PASSWORD).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
    assert!(a.headers.contains_key(header::RETRY_AFTER));
    assert!(a.body.contains("Te veel mislukte pogingen"));
    assert!(cookie_from(&a, "webwacht_sessie").is_none());
    assert_eq!(
        scalar(
            &env.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'"
        )
        .await,
        4
    );
    // From an address with a clean record the real user still gets in, and so does
    // another user from the address that failed (three failures are within an
    // address's budget; see `throttle`).
    assert_eq!(
        login_attempt_from(&env.app, "rita", PASSWORD, [127, 0, 0, 7])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        login_attempt(&env.app, "coco", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn login_form_needs_its_token(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let a = send(
        &env.app,
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(&[
                ("name", "rita"),
                ("password", PASSWORD),
                ("csrf", "abc"),
            ])))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(cookie_from(&a, "webwacht_sessie").is_none());
}

async fn decisions_need_the_form_token_and_our_origin(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let b = login(&env, "rita").await;
    let a = b
        .post(
            "/flags/1/decide",
            &[("csrf", "vals"), ("status", "new"), ("action", "confirm")],
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = b
        .post(
            "/flags/1/decide",
            &[("status", "new"), ("action", "confirm")],
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = send(
        &env.app,
        Request::post("/flags/1/decide")
            .header(header::COOKIE, &b.cookie)
            .header(header::ORIGIN, "http://evil.example")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(&[
                ("csrf", &b.csrf),
                ("status", "new"),
                ("action", "confirm"),
            ])))
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&env.store, 1).await, "new");
    assert_eq!(
        scalar(
            &env.store,
            "SELECT COUNT(*) FROM decisions WHERE actor = 'rita'"
        )
        .await,
        0
    );
}

async fn queue_filters_sorts_and_counts(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let b = login(&env, "rita").await;
    let total = scalar(&env.store, "SELECT COUNT(*) FROM flags").await;
    let all = b.get("/flags").await;
    assert!(
        all.body.contains(&format!("{total} signalen gevonden")),
        "{}",
        all.body
    );
    assert!(all.body.contains(&format!("alle ({total})")));
    let ids = queue_ids(&all.body);
    assert_eq!(ids.len() as i64, total.min(50));
    // Default order: strongest first.
    let strengths: Vec<i64> = {
        let mut v = Vec::new();
        for id in &ids {
            v.push(
                sqlx::query_scalar("SELECT strength FROM flags WHERE id = $1")
                    .bind(id)
                    .fetch_one(env.store.pool())
                    .await
                    .unwrap(),
            );
        }
        v
    };
    assert!(strengths.windows(2).all(|w| w[0] >= w[1]), "{strengths:?}");

    // Rule + municipality.
    let want: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM flags WHERE rule = 'no_licence_number' AND municipality_code = 'GM0599' ORDER BY id",
    )
    .fetch_all(env.store.pool())
    .await
    .unwrap();
    assert!(!want.is_empty());
    let page = b
        .get("/flags?rule=no_licence_number&municipality=GM0599")
        .await;
    let mut got = queue_ids(&page.body);
    got.sort_unstable();
    assert_eq!(got, want);

    // Strength, status and site.
    let page = b.get("/flags?min_strength=7").await;
    let n7 = scalar(&env.store, "SELECT COUNT(*) FROM flags WHERE strength >= 7").await;
    assert_eq!(queue_ids(&page.body).len() as i64, n7);
    let page = b.get("/flags?status=confirmed").await;
    assert!(queue_ids(&page.body).is_empty());
    assert!(page.body.contains("0 signalen gevonden"));
    let page = b.get("/flags?site=demo-escort").await;
    assert_eq!(queue_ids(&page.body).len() as i64, total.min(50));
    let page = b.get("/flags?site=andere-site").await;
    assert!(queue_ids(&page.body).is_empty());

    // Dates: everything was first seen today.
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let page = b.get(&format!("/flags?from={today}&to={today}")).await;
    assert_eq!(queue_ids(&page.body).len() as i64, total.min(50));
    let page = b.get("/flags?to=2020-01-01").await;
    assert!(queue_ids(&page.body).is_empty());

    // Newest first is by first_seen, then id, descending.
    let page = b.get("/flags?sort=newest").await;
    let ids = queue_ids(&page.body);
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted);

    // Counts per status follow a decision.
    b.decide(ids[0], "new", "confirm", "").await;
    let page = b.get("/flags").await;
    assert!(page.body.contains("bevestigd (1)"), "{}", page.body);
    assert!(page.body.contains(&format!("nieuw ({})", total - 1)));

    // A change by another process (a crawl from cron) shows at once: the cached counts
    // follow the database's generation number.
    sqlx::query("UPDATE flags SET status = 'dismissed' WHERE id = $1")
        .bind(ids[1])
        .execute(env.store.pool())
        .await
        .unwrap();
    let page = b.get("/flags").await;
    assert!(page.body.contains("afgewezen (1)"), "{}", page.body);
    assert!(page.body.contains(&format!("nieuw ({})", total - 2)));

    // Bad values get a Dutch error that names the field.
    for (uri, needle) in [
        ("/flags?min_strength=elf", "sterkte vanaf"),
        ("/flags?from=gisteren", "eerst gezien vanaf"),
        ("/flags?status=open", "onbekende status"),
        ("/flags?sort=random", "onbekende sortering"),
        ("/flags?page=0", "pagina"),
    ] {
        let a = b.get(uri).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(a.body.contains(needle), "{uri}: {}", a.body);
    }
}

async fn queue_pages_through_results(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    use webwacht::store::review::{queue, QueueFilter, Scope, Sort};
    let total = scalar(&env.store, "SELECT COUNT(*) FROM flags").await;
    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let p = queue(
            &env.store,
            &Scope::All,
            &QueueFilter::default(),
            Sort::Strength,
            page,
            10,
        )
        .await
        .unwrap();
        assert_eq!(p.total, total);
        if p.rows.is_empty() {
            break;
        }
        seen.extend(p.rows.iter().map(|r| r.id));
        page += 1;
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no flag on two pages");
    assert_eq!(seen.len() as i64, total);
    assert_eq!(page - 1, (total + 9) / 10);
}

/// A flag with a licence number in the register and a phone another ad shares, if the
/// demo has one; else any flag with a register entry.
async fn rich_flag(store: &Store) -> i64 {
    sqlx::query_scalar(
        "SELECT f.id FROM flags f JOIN version_numbers n ON n.version_id = f.version_id
         JOIN licences l ON l.normalized = n.normalized AND l.snapshot_id = f.snapshot_id
         JOIN version_phones p ON p.version_id = f.version_id
         ORDER BY (SELECT COUNT(*) FROM version_phones p2 WHERE p2.e164 = p.e164) DESC, f.id LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .unwrap()
}

async fn one_flag_on_one_screen(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let b = login(&env, "rita").await;
    let id = rich_flag(&env.store).await;
    let r = sqlx::query(
        "SELECT f.explanation, f.strength, a.url, fe.body_sha256, n.value, l.holder, p.raw, p.e164
         FROM flags f JOIN ads a ON a.id = f.ad_id JOIN ad_versions v ON v.id = f.version_id
         JOIN fetches fe ON fe.id = v.fetch_id
         JOIN version_numbers n ON n.version_id = v.id
         JOIN licences l ON l.normalized = n.normalized AND l.snapshot_id = f.snapshot_id
         JOIN version_phones p ON p.version_id = v.id WHERE f.id = $1",
    )
    .bind(id)
    .fetch_one(env.store.pool())
    .await
    .unwrap();
    let (explanation, strength, url, sha, number, holder, raw, e164): (
        String,
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
    ) = (
        r.get(0),
        r.get(1),
        r.get(2),
        r.get(3),
        r.get(4),
        r.get(5),
        r.get(6),
        r.get(7),
    );
    let page = b.get(&format!("/flags/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    let esc = |s: &str| {
        s.replace('&', "&#38;")
            .replace('<', "&#60;")
            .replace('>', "&#62;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;")
    };
    assert!(body.contains(&esc(&explanation)), "explanation");
    assert!(body.contains(&format!("<strong>{strength}</strong> van 10")));
    assert!(body.contains(&sha), "SHA-256 of the capture");
    assert!(
        body.contains(&format!("href=\"{}\"", esc(&url))),
        "link to the original"
    );
    assert!(body.contains("rel=\"noreferrer noopener nofollow\""));
    assert!(body.contains(&esc(&holder)), "the register entry");
    assert!(
        body.contains(&format!("<mark class=\"ww-hit\">{}</mark>", esc(&raw)))
            || body.contains(&format!("<mark class=\"ww-hit\">{}</mark>", esc(&number))),
        "an extracted number is highlighted"
    );
    assert!(body.contains(&format!("href=\"/phones/{e164}\"")));
    // The capture only inside a sandboxed frame, with its own CSP in front.
    let frame = &body[body.find("<iframe").expect("a frame")..];
    let frame = &frame[..frame.find('>').unwrap()];
    assert!(frame.contains(" sandbox=\"\""), "{frame}");
    assert!(frame.contains("srcdoc=\"&#60;meta http-equiv=&#34;Content-Security-Policy&#34; content=&#34;default-src &#39;none&#39;&#34;&#62;"));
    assert!(!frame.contains("allow-scripts"));
    // History starts with the rule's creation.
    assert!(body.contains("Geschiedenis"));
    assert!(body.contains("Signaal aangemaakt door regel"));
    // The view is in the audit log.
    assert_eq!(
        scalar(
            &env.store,
            &format!("SELECT COUNT(*) FROM audit_log WHERE actor = 'rita' AND action = 'view' AND object = 'flag:{id}'")
        )
        .await,
        1
    );
}

async fn other_ads_with_the_same_phone_are_listed(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let b = login(&env, "rita").await;
    let row = sqlx::query(
        "SELECT f.id, p.e164 FROM flags f JOIN version_phones p ON p.version_id = f.version_id
         WHERE (SELECT COUNT(DISTINCT v.ad_id) FROM version_phones p2 JOIN ad_versions v ON v.id = p2.version_id
                WHERE p2.e164 = p.e164) > 1
         ORDER BY f.id LIMIT 1",
    )
    .fetch_optional(env.store.pool())
    .await
    .unwrap();
    let Some(row) = row else {
        panic!("the demo has ads that share a phone");
    };
    let (id, e164): (i64, String) = (row.get(0), row.get(1));
    let others: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT v.ad_id FROM version_phones p JOIN ad_versions v ON v.id = p.version_id
         WHERE p.e164 = $1 AND v.ad_id != (SELECT ad_id FROM flags WHERE id = $2)",
    )
    .bind(&e164)
    .bind(id)
    .fetch_all(env.store.pool())
    .await
    .unwrap();
    let page = b.get(&format!("/flags/{id}")).await;
    let section = &page.body[page.body.find("id=\"zelfde-telefoon\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    for ad in &others {
        assert!(
            section.contains(&format!("href=\"/ads/{ad}\"")),
            "ad {ad} in {section}"
        );
    }
    // The phone's own page: the timeline over all those ads, and it is audited.
    let phone = b.get(&format!("/phones/{e164}")).await;
    assert_eq!(phone.status, StatusCode::OK);
    for ad in &others {
        assert!(phone.body.contains(&format!("href=\"/ads/{ad}\"")));
    }
    assert!(phone.body.contains("Tijdlijn"));
    assert_eq!(
        scalar(
            &env.store,
            &format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'view' AND object = 'phone:{e164}'"
            )
        )
        .await,
        1
    );
    // Any other notation leads to the same page.
    let national = format!("0{}", &e164[3..]);
    let a = b.get(&format!("/phones/{national}")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), format!("/phones/{e164}"));
    assert_eq!(
        b.get("/phones/geen-nummer").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn researcher_confirms_dismisses_and_escalates(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let rita = login(&env, "rita").await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM flags ORDER BY id LIMIT 4")
        .fetch_all(env.store.pool())
        .await
        .unwrap();

    // Confirm.
    let a = rita.decide(ids[0], "new", "confirm", "").await;
    assert_eq!(
        (a.status, a.location()),
        (StatusCode::SEE_OTHER, format!("/flags/{}", ids[0]).as_str())
    );
    assert_eq!(status_of(&env.store, ids[0]).await, "confirmed");

    // Dismiss needs a note.
    let a = rita.decide(ids[1], "new", "dismiss", "   ").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("toelichting is verplicht"), "{}", a.body);
    assert_eq!(status_of(&env.store, ids[1]).await, "new");
    let a = rita
        .decide(ids[1], "new", "dismiss", "Het nummer is van een garage.")
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&env.store, ids[1]).await, "dismissed");
    let note: String =
        sqlx::query_scalar("SELECT note FROM decisions WHERE flag_id = $1 AND actor = 'rita' AND to_status = 'dismissed'")
            .bind(ids[1])
            .fetch_one(env.store.pool())
            .await
            .unwrap();
    assert_eq!(note, "Het nummer is van een garage.");

    // A decided flag stays decided.
    let a = rita
        .decide(ids[0], "confirmed", "dismiss", "toch niet")
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of(&env.store, ids[0]).await, "confirmed");

    // Someone else decided first: the stale form is refused.
    let ruud = login(&env, "ruud").await;
    ruud.decide(ids[3], "new", "confirm", "").await;
    let a = rita.decide(ids[3], "new", "dismiss", "dubbel").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains("intussen gewijzigd"));
    assert_eq!(status_of(&env.store, ids[3]).await, "confirmed");

    // Escalate: in review, marked, and only a coordinator decides.
    let a = rita
        .decide(ids[2], "new", "escalate", "Twijfel over de plaats.")
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&env.store, ids[2]).await, "in_review");
    let page = rita.get(&format!("/flags/{}", ids[2])).await;
    assert!(page.body.contains("voorgelegd aan coördinator"));
    assert!(
        !page.body.contains("value=\"confirm\""),
        "no decision form for the researcher"
    );
    let a = rita.decide(ids[2], "in_review", "confirm", "").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let escalated = rita.get("/flags?escalated=1").await;
    assert_eq!(queue_ids(&escalated.body), vec![ids[2]]);
    let coco = login(&env, "coco").await;
    let a = coco
        .decide(ids[2], "in_review", "confirm", "Bevestigd na overleg.")
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&env.store, ids[2]).await, "confirmed");

    // Every decision is a decision row and an audit entry by the person.
    let history: Vec<(String, String)> =
        sqlx::query("SELECT actor, to_status FROM decisions WHERE flag_id = $1 ORDER BY id")
            .bind(ids[2])
            .fetch_all(env.store.pool())
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    assert_eq!(
        history,
        [
            ("system".to_string(), "new".to_string()),
            ("rita".to_string(), "in_review".to_string()),
            ("coco".to_string(), "confirmed".to_string())
        ]
    );
    // A decision on a new flag passes through review: the lifecycle of DESIGN.
    let steps: Vec<(Option<String>, String)> = sqlx::query(
        "SELECT from_status, to_status FROM decisions WHERE flag_id = $1 AND actor = 'rita' ORDER BY id",
    )
    .bind(ids[1])
    .fetch_all(env.store.pool())
    .await
    .unwrap()
    .into_iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    assert_eq!(
        steps,
        [
            (Some("new".to_string()), "in_review".to_string()),
            (Some("in_review".to_string()), "dismissed".to_string())
        ]
    );
    for (actor, action, id) in [
        ("rita", "flag_confirm", ids[0]),
        ("rita", "flag_dismiss", ids[1]),
        ("rita", "flag_escalate", ids[2]),
        ("coco", "flag_confirm", ids[2]),
    ] {
        assert_eq!(
            scalar(
                &env.store,
                &format!("SELECT COUNT(*) FROM audit_log WHERE actor = '{actor}' AND action = '{action}' AND object = 'flag:{id}'")
            )
            .await,
            1,
            "{actor} {action} {id}"
        );
    }
    // The coordinator finds them in the audit log page; the history shows on the flag.
    let audit = coco.get(&format!("/audit?object=flag:{}", ids[2])).await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("flag_escalate") && audit.body.contains("flag_confirm"));
    let page = coco.get(&format!("/flags/{}", ids[2])).await;
    assert!(page.body.contains("Bevestigd na overleg."));
}

async fn a_municipality_sees_only_its_own_decided_signals(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let own: i64 = scalar(
        &env.store,
        "SELECT id FROM flags WHERE municipality_code = 'GM0599' ORDER BY id LIMIT 1",
    )
    .await;
    let other: i64 = scalar(
        &env.store,
        "SELECT id FROM flags WHERE municipality_code IS NOT NULL AND municipality_code != 'GM0599' ORDER BY id LIMIT 1",
    )
    .await;
    let rita = login(&env, "rita").await;
    rita.decide(own, "new", "confirm", "").await;
    rita.decide(other, "new", "confirm", "").await;
    let unconfirmed_own: i64 = scalar(
        &env.store,
        "SELECT id FROM flags WHERE municipality_code = 'GM0599' AND status = 'new' ORDER BY id LIMIT 1",
    )
    .await;

    let rdam = login(&env, "rotterdam").await;
    let queue = rdam.get("/flags").await;
    assert_eq!(queue_ids(&queue.body), vec![own]);
    assert_eq!(
        rdam.get(&format!("/flags/{own}")).await.status,
        StatusCode::OK
    );
    // Another municipality's flag does not exist for this user.
    let a = rdam.get(&format!("/flags/{other}")).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = rdam
        .get("/flags?municipality=GM0363&status=confirmed")
        .await;
    assert!(queue_ids(&a.body).is_empty());
    // Nor does its own flag before a researcher confirmed it.
    assert_eq!(
        rdam.get(&format!("/flags/{unconfirmed_own}")).await.status,
        StatusCode::NOT_FOUND
    );
    // Read-only: no form, and a forged decision is refused.
    let page = rdam.get(&format!("/flags/{own}")).await;
    assert!(!page.body.contains("/decide"));
    let a = rdam.decide(own, "confirmed", "dismiss", "nee").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    for uri in [
        "/search?q=06",
        "/phones/+31612345678",
        "/ads/1",
        "/audit",
        "/users",
        "/sites",
    ] {
        assert_eq!(rdam.get(uri).await.status, StatusCode::FORBIDDEN, "{uri}");
    }
}

async fn search_by_phone_number_place_and_text(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let b = login(&env, "rita").await;
    // A phone, typed in another notation.
    let row = sqlx::query(
        "SELECT f.id, p.e164 FROM flags f JOIN version_phones p ON p.version_id = f.version_id
         WHERE p.e164 LIKE '+316%' ORDER BY f.id LIMIT 1",
    )
    .fetch_one(env.store.pool())
    .await
    .unwrap();
    let (id, e164): (i64, String) = (row.get(0), row.get(1));
    let typed = format!("06-{} {}", &e164[4..8], &e164[8..]);
    let page = b.get(&format!("/search?q={}", urlencode(&typed))).await;
    assert!(
        page.body.contains(&format!("telefoon {e164}")),
        "{}",
        page.body
    );
    assert!(queue_ids(&page.body).contains(&id));

    // A licence number, with other separators and case.
    let row = sqlx::query(
        "SELECT f.id, n.normalized FROM flags f JOIN version_numbers n ON n.version_id = f.version_id
         WHERE n.kind = 'licence' ORDER BY f.id LIMIT 1",
    )
    .fetch_one(env.store.pool())
    .await
    .unwrap();
    let (id, normalized): (i64, String) = (row.get(0), row.get(1));
    let typed = normalized.to_lowercase();
    let typed = format!("{}-{}", &typed[..3], &typed[3..]);
    let page = b.get(&format!("/search?q={}", urlencode(&typed))).await;
    assert!(
        queue_ids(&page.body).contains(&id),
        "{typed}: {}",
        page.body
    );

    // A place: every flag located in that municipality.
    let want = scalar(
        &env.store,
        "SELECT COUNT(*) FROM flags WHERE municipality_code = 'GM0599'",
    )
    .await;
    let page = b.get("/search?q=rotterdam").await;
    assert!(queue_ids(&page.body).len() as i64 >= want);

    // Text from an ad's body.
    let (id, body): (i64, String) = {
        let r = sqlx::query(
            "SELECT f.id, v.body FROM flags f JOIN ad_versions v ON v.id = f.version_id
             WHERE length(v.body) > 40 ORDER BY f.id LIMIT 1",
        )
        .fetch_one(env.store.pool())
        .await
        .unwrap();
        (r.get(0), r.get(1))
    };
    let words: String = body
        .split_whitespace()
        .skip(2)
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let page = b.get(&format!("/search?q={}", urlencode(&words))).await;
    assert!(queue_ids(&page.body).contains(&id), "{words}");

    // Searching is itself logged, with what was searched.
    assert_eq!(
        scalar(
            &env.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'search' AND actor = 'rita'"
        )
        .await,
        4
    );
    let page = b.get("/search?q=zzzzqqqq").await;
    assert!(queue_ids(&page.body).is_empty());
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn ad_content_is_text_never_markup(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let b = login(&env, "rita").await;
    let id: i64 = scalar(&env.store, "SELECT id FROM flags ORDER BY id LIMIT 1").await;
    sqlx::query(
        "UPDATE ad_versions SET title = '<script>alert(1)</script>', body = '<img src=x onerror=alert(2)> \"quoted\"',
         advertiser = '<b>naam</b>' WHERE id = (SELECT version_id FROM flags WHERE id = $1)",
    )
    .bind(id)
    .execute(env.store.pool())
    .await
    .unwrap();
    let page = b.get(&format!("/flags/{id}")).await;
    assert!(!page.body.contains("<script>alert(1)"));
    assert!(!page.body.contains("<img src=x"));
    assert!(!page.body.contains("<b>naam</b>"));
    assert!(page
        .body
        .contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(page.body.contains("&#60;b&#62;naam&#60;/b&#62;"));
}

async fn coordinators_manage_users_researchers_do_not(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let rita = login(&env, "rita").await;
    for uri in ["/users", "/audit", "/sites", "/metrics"] {
        assert_eq!(rita.get(uri).await.status, StatusCode::FORBIDDEN, "{uri}");
    }
    let a = rita
        .post(
            "/users",
            &[
                ("csrf", &rita.csrf),
                ("name", "mallory"),
                ("role", "coordinator"),
                ("password", "lang genoeg wachtwoord"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);

    let coco = login(&env, "coco").await;
    let a = coco
        .post(
            "/users",
            &[
                ("csrf", &coco.csrf),
                ("name", "nieuw"),
                ("role", "researcher"),
                ("password", "kort"),
            ],
        )
        .await;
    assert!(a.body.contains("minstens 12 tekens"), "{}", a.body);
    let a = coco
        .post(
            "/users",
            &[
                ("csrf", &coco.csrf),
                ("name", "nieuw"),
                ("role", "researcher"),
                ("password", "lang genoeg wachtwoord"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE name = 'nieuw'")
        .fetch_one(env.store.pool())
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
    let uid: i64 = scalar(&env.store, "SELECT id FROM users WHERE name = 'rita'").await;
    let a = coco
        .post(&format!("/users/{uid}/disable"), &[("csrf", &coco.csrf)])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    // Disabling ends the user's sessions and logins.
    assert_eq!(rita.get("/flags").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        login_attempt(&env.app, "rita", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let sites = coco.get("/sites").await;
    assert!(sites.body.contains("demo-escort"));
    let metrics = coco.get("/metrics").await;
    assert!(metrics.body.contains("webwacht_flags{status=\"new\"}"));
}

async fn the_register_entry_found_through_a_phone_is_shown(db: TestDb, dir: PathBuf) {
    let env = env(&db, &dir).await;
    let b = login(&env, "rita").await;
    // A flag whose ad's phone is registered with a licence the ad does not name.
    let row = sqlx::query(
        "SELECT f.id, l.licence_number FROM flags f JOIN version_phones p ON p.version_id = f.version_id
         JOIN licence_phones lp ON lp.e164 = p.e164 AND lp.snapshot_id = f.snapshot_id
         JOIN licences l ON l.normalized = lp.normalized AND l.snapshot_id = lp.snapshot_id
         WHERE f.rule = 'phone_of_other_licence'
           AND lp.normalized NOT IN (SELECT normalized FROM version_numbers WHERE version_id = f.version_id)
         ORDER BY f.id LIMIT 1",
    )
    .fetch_one(env.store.pool())
    .await
    .expect("the demo has a phone_of_other_licence flag");
    let (id, licence): (i64, String) = (row.get(0), row.get(1));
    let page = b.get(&format!("/flags/{id}")).await;
    let section = &page.body[page.body.find("id=\"register\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    let row = &section[section
        .find(&licence)
        .unwrap_or_else(|| panic!("{licence} in {section}"))..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("telefoonnummer uit de advertentie"), "{row}");
}

both_engines!(demo anonymous_requests_go_to_login);
both_engines!(demo every_response_carries_the_security_headers);
both_engines!(demo session_cookie_is_strict_and_secure_behind_tls);
both_engines!(demo sessions_expire_and_logout_ends_them);
both_engines!(demo failed_logins_are_refused_logged_and_slowed_down);
both_engines!(demo login_form_needs_its_token);
both_engines!(demo decisions_need_the_form_token_and_our_origin);
both_engines!(demo queue_filters_sorts_and_counts);
both_engines!(demo queue_pages_through_results);
both_engines!(demo one_flag_on_one_screen);
both_engines!(demo other_ads_with_the_same_phone_are_listed);
both_engines!(demo researcher_confirms_dismisses_and_escalates);
both_engines!(demo a_municipality_sees_only_its_own_decided_signals);
both_engines!(demo search_by_phone_number_place_and_text);
both_engines!(demo ad_content_is_text_never_markup);
both_engines!(demo coordinators_manage_users_researchers_do_not);
both_engines!(demo the_register_entry_found_through_a_phone_is_shown);
