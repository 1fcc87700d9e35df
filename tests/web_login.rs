//! The login under attack (issue 13, points 3 to 6), against a real server on loopback
//! port 0 with real sockets: parallel guesses, password spraying between the attacker's
//! own logins, a burst of guesses against the real user, a flood of logins, hostile
//! `next` targets and over-long fields. Clients come from several loopback addresses
//! (127.0.0.x), so the server sees them as different machines.

mod support;

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use support::db::TestDb;

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, RETRY_AFTER, SET_COOKIE};
use reqwest::StatusCode;
use tokio::net::TcpListener;
use webwacht::store::{users, Store};
use webwacht::web::auth::Role;
use webwacht::web::password::HashingPool;
use webwacht::web::throttle::{ADDRESS_FREE_FAILURES, NAME_FREE_FAILURES, PAIR_FREE_FAILURES};
use webwacht::web::{self, limits, AppState};

const PASSWORD: &str = "een lang genoeg wachtwoord";

/// The UI on 127.0.0.1 port 0, on an empty database with three users.
struct Server {
    base: String,
    store: Store,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

async fn server(db: &TestDb, dir: &Path) -> Server {
    server_with(db, dir, |_| {}).await
}

async fn server_with(db: &TestDb, dir: &Path, adjust: impl FnOnce(&mut AppState)) -> Server {
    let store = db.open().await;
    let hash = web::hash_password(PASSWORD).unwrap();
    for (name, role) in [
        ("rita", Role::Researcher),
        ("eigen", Role::Researcher),
        ("coco", Role::Coordinator),
    ] {
        users::create_user(&store, name, &hash, role, None)
            .await
            .unwrap();
    }
    let mut state = AppState::new(store.clone(), dir.join("evidence"));
    adjust(&mut state);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        web::serve(listener, state, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Server {
        base,
        store,
        stop: Some(stop),
        task: Some(task),
    }
}

impl Server {
    async fn shutdown(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap();
    }

    async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }
}

/// A browser on loopback address 127.0.0.`host`.
fn browser(host: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, host)))
        .build()
        .unwrap()
}

struct Answer {
    status: StatusCode,
    location: String,
    retry_after: Option<String>,
    session: bool,
    body: String,
}

/// What the login form holds for one attempt: its cookie and token.
struct Form {
    cookie: String,
    csrf: String,
}

async fn open_form(client: &reqwest::Client, base: &str) -> Form {
    let page = client.get(format!("{base}/login")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let cookie = page
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("webwacht_login="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let html = page.text().await.unwrap();
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    Form { cookie, csrf }
}

async fn submit(
    client: &reqwest::Client,
    base: &str,
    form: &Form,
    name: &str,
    password: &str,
    next: &str,
) -> Answer {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("name", name)
        .append_pair("password", password)
        .append_pair("csrf", &form.csrf)
        .append_pair("next", next)
        .finish();
    answer(
        client
            .post(format!("{base}/login"))
            .header(COOKIE, &form.cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn answer(res: reqwest::Response) -> Answer {
    let header = |name| {
        res.headers()
            .get(name)
            .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap_or("?").to_string())
    };
    let location = header(LOCATION).unwrap_or_default();
    let retry_after = header(RETRY_AFTER);
    let session = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.starts_with("webwacht_sessie=")));
    let status = res.status();
    Answer {
        status,
        location,
        retry_after,
        session,
        body: res.text().await.unwrap(),
    }
}

/// One whole attempt from 127.0.0.`host`.
async fn login_from(base: &str, host: u8, name: &str, password: &str) -> Answer {
    let client = browser(host);
    let form = open_form(&client, base).await;
    submit(&client, base, &form, name, password, "/flags").await
}

fn count(answers: &[Answer], status: StatusCode) -> usize {
    answers.iter().filter(|a| a.status == status).count()
}

// ---------------------------------------------------------------------------------------
// Point 3: the throttle.

/// F3: 64 wrong passwords at once for one name used to get 49 password checks, because
/// the failures were only counted after hashing.
async fn parallel_guesses_for_one_name_get_only_the_free_checks(db: TestDb, dir: PathBuf) {
    let s = server(&db, &dir).await;
    let client = browser(1);
    let mut forms = Vec::new();
    for _ in 0..64 {
        forms.push(open_form(&client, &s.base).await);
    }
    let barrier = Arc::new(tokio::sync::Barrier::new(forms.len()));
    let attempts: Vec<_> = forms
        .into_iter()
        .enumerate()
        .map(|(i, form)| {
            let (base, barrier) = (s.base.clone(), barrier.clone());
            tokio::spawn(async move {
                let client = browser(1);
                barrier.wait().await;
                submit(
                    &client,
                    &base,
                    &form,
                    "rita",
                    &format!("fout {i}"),
                    "/flags",
                )
                .await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for a in attempts {
        answers.push(a.await.unwrap());
    }
    let checked = count(&answers, StatusCode::UNAUTHORIZED);
    assert_eq!(checked, PAIR_FREE_FAILURES as usize, "password checks");
    assert_eq!(count(&answers, StatusCode::TOO_MANY_REQUESTS), 64 - checked);
    assert!(answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .all(|a| a.retry_after.is_some() && a.body.contains("Te veel mislukte pogingen")));
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'")
            .await,
        PAIR_FREE_FAILURES as i64
    );
    s.shutdown().await;
}

/// F4: logging in to one's own account between guesses used to clear the address's
/// failures, so 30 names could be sprayed without a single 429.
async fn own_logins_between_guesses_do_not_reset_the_address(db: TestDb, dir: PathBuf) {
    let s = server(&db, &dir).await;
    let mut guesses = Vec::new();
    for i in 0..30 {
        let own = login_from(&s.base, 1, "eigen", PASSWORD).await;
        let guess = login_from(&s.base, 1, &format!("slachtoffer{i}"), "zomer2024").await;
        if own.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(guess.status, StatusCode::TOO_MANY_REQUESTS);
        }
        guesses.push(guess);
    }
    let free = ADDRESS_FREE_FAILURES as usize;
    let statuses: Vec<StatusCode> = guesses.iter().map(|g| g.status).collect();
    assert!(
        statuses[..free]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    // Right after the address's free failures the address waits, whatever name comes next.
    assert_eq!(
        statuses[free],
        StatusCode::TOO_MANY_REQUESTS,
        "{statuses:?}"
    );
    // The wait doubles with every failure, so hardly any further guess gets through
    // (one could, if this machine stalled for a second between two requests).
    assert!(
        count(&guesses, StatusCode::UNAUTHORIZED) <= free + 2,
        "{statuses:?}"
    );
    s.shutdown().await;
}

/// A burst of guesses from elsewhere used to lock the real user out for up to 15 minutes:
/// three failures for a name made everyone wait, whatever their address and password.
async fn a_burst_of_guesses_does_not_lock_out_the_real_user(db: TestDb, dir: PathBuf) {
    let s = server(&db, &dir).await;
    // Five attacking machines, four guesses each: the name is well past its budget.
    let mut burst = Vec::new();
    for host in 2..7 {
        for i in 0..4 {
            burst.push(login_from(&s.base, host, "rita", &format!("gok {i}")).await);
        }
    }
    assert!(
        count(&burst, StatusCode::UNAUTHORIZED) as u32 >= NAME_FREE_FAILURES,
        "the burst reached the name's limit"
    );
    // An attacking machine, even with the right password now, waits.
    let a = login_from(&s.base, 2, "rita", PASSWORD).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS, "{}", a.body);
    assert!(a.retry_after.is_some());
    // The real user, from her own clean address, gets in at once.
    let a = login_from(&s.base, 50, "rita", PASSWORD).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert!(a.session);
    // A wrong password from another clean address is checked (and is then no longer clean).
    let a = login_from(&s.base, 51, "rita", "nog een gok").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// Point 4: a flood of logins.

/// F3: every login used to hash at once (19 MiB each); now a small pool hashes and the
/// rest are told to come back, without a password check and without counting as a failure.
async fn a_login_flood_gets_503_with_retry_after_beyond_the_pool(db: TestDb, dir: PathBuf) {
    let s = server_with(&db, &dir, |state| {
        state.hashing = Arc::new(HashingPool::new(1, Duration::from_millis(1)));
    })
    .await;
    let barrier = Arc::new(tokio::sync::Barrier::new(24));
    let attempts: Vec<_> = (0..24u8)
        .map(|i| {
            let (base, barrier) = (s.base.clone(), barrier.clone());
            tokio::spawn(async move {
                let client = browser(100 + i);
                let form = open_form(&client, &base).await;
                barrier.wait().await;
                submit(&client, &base, &form, &format!("naam{i}"), "fout", "/flags").await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for a in attempts {
        answers.push(a.await.unwrap());
    }
    let busy: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert!(!busy.is_empty(), "some attempts found the pool busy");
    assert!(busy.iter().all(|a| a.retry_after.as_deref() == Some("2")
        && a.body
            .contains("Probeer het over een paar seconden opnieuw")));
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED) + busy.len(),
        24,
        "nothing else: {:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'")
            .await,
        count(&answers, StatusCode::UNAUTHORIZED) as i64,
        "an attempt that was not checked is not a failure"
    );
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// Point 5: where a login leads.

/// F5: `next=/%09/evil.example/` used to become `Location: /\t/evil.example/` (browsers
/// drop the tab: `//evil.example/`), and LF, CR or VT gave a 500 after the session was
/// already stored.
async fn next_never_leaves_the_site_or_breaks_the_answer(db: TestDb, dir: PathBuf) {
    let s = server(&db, &dir).await;
    let client = browser(1);
    let hostile = [
        "/\t/evil.example/",
        "/\n/x",
        "/\r/x",
        "/\u{b}/x",
        "/\\evil.example",
        "\\\\evil.example",
        "//evil.example",
        "/\\/evil.example",
        "https://evil.example/",
        "/.//evil.example/",
        "javascript:alert(1)",
    ];
    for next in hostile {
        // The login page itself keeps only a safe target in its form.
        let page = client
            .get(format!("{}/login", s.base))
            .query(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{next:?}");
        assert!(page
            .text()
            .await
            .unwrap()
            .contains("name=\"next\" value=\"/flags\""));
        let form = open_form(&client, &s.base).await;
        let a = submit(&client, &s.base, &form, "rita", PASSWORD, next).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{next:?}: {}", a.body);
        assert_eq!(a.location, "/flags", "{next:?}");
        assert!(a.session);
    }
    let form = open_form(&client, &s.base).await;
    let a = submit(
        &client,
        &s.base,
        &form,
        "rita",
        PASSWORD,
        "/flags/3?status=new",
    )
    .await;
    assert_eq!(a.location, "/flags/3?status=new", "a local path is kept");
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM sessions").await,
        hostile.len() as i64 + 1,
        "one session per login, none left over from a failure"
    );
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// Point 6: input limits.

/// F7: a 1.9 MB login name used to be stored in the audit log and shown back.
async fn over_long_login_fields_are_refused_and_not_stored(db: TestDb, dir: PathBuf) {
    let s = server(&db, &dir).await;
    let client = browser(1);
    let long_name = "a".repeat(limits::MAX_LOGIN_NAME_CHARS + 1);
    let form = open_form(&client, &s.base).await;
    let a = submit(&client, &s.base, &form, &long_name, "fout", "/flags").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("hoogstens 100 tekens"), "{}", a.body);
    assert!(!a.body.contains(&long_name), "not shown back");
    let long_password = "p".repeat(limits::MAX_PASSWORD_CHARS + 1);
    let a = submit(&client, &s.base, &form, "rita", &long_password, "/flags").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    // Exactly at the cap is an ordinary attempt.
    let name = "b".repeat(limits::MAX_LOGIN_NAME_CHARS);
    let a = submit(&client, &s.base, &form, &name, "fout", "/flags").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    // 1.9 MB: refused before it is read, in Dutch.
    let huge = "x".repeat(1_900_000);
    let a = submit(&client, &s.base, &form, &huge, "fout", "/flags").await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        a.body.contains("groter dan webwacht aanneemt"),
        "{}",
        a.body
    );
    assert_eq!(
        s.scalar(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE length(actor) > {}",
            limits::MAX_LOGIN_NAME_CHARS
        ))
        .await,
        0
    );
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'")
            .await,
        1,
        "only the attempt within the caps"
    );
    s.shutdown().await;
}

/// A logged-in coordinator's forms and filters have caps too: new users, the audit log's
/// filters and the queue's filters. Over a cap is a Dutch 400, and nothing is stored.
async fn coordinator_forms_and_filters_have_caps(db: TestDb, dir: PathBuf) {
    let s = server(&db, &dir).await;
    let client = browser(1);
    let cookie = {
        let form = open_form(&client, &s.base).await;
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("name", "coco")
            .append_pair("password", PASSWORD)
            .append_pair("csrf", &form.csrf)
            .append_pair("next", "/users")
            .finish();
        let res = client
            .post(format!("{}/login", s.base))
            .header(COOKIE, &form.cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        res.headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("webwacht_sessie="))
            .and_then(|v| v.split(';').next())
            .unwrap()
            .to_string()
    };
    let get = |path: String| {
        let (client, cookie) = (client.clone(), cookie.clone());
        async move {
            answer(
                client
                    .get(path)
                    .header(COOKIE, cookie)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let users = get(format!("{}/users", s.base)).await;
    assert_eq!(users.status, StatusCode::OK);
    let csrf = users
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let over = "z".repeat(limits::MAX_FILTER_CHARS + 1);
    for path in [
        format!("/audit?actor={over}"),
        format!("/audit?object={over}"),
        format!("/flags?site={over}"),
        format!("/flags?rule={over}"),
    ] {
        let a = get(format!("{}{path}", s.base)).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            a.body.contains("is langer dan 100 tekens"),
            "{path}: {}",
            a.body
        );
        assert!(!a.body.contains(&over), "not shown back");
    }
    // The search text and the decision note (caps that were already there, now in
    // `limits` with the others): refused, and neither logged nor stored.
    let q = "q".repeat(limits::MAX_QUERY_CHARS + 1);
    let a = get(format!("{}/search?q={q}", s.base)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("de zoektekst is langer dan 200 tekens"));
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'search'")
            .await,
        0
    );
    let note = "n".repeat(limits::MAX_NOTE_CHARS + 1);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &csrf)
        .append_pair("status", "new")
        .append_pair("action", "dismiss")
        .append_pair("note", &note)
        .finish();
    let a = answer(
        client
            .post(format!("{}/flags/1/decide", s.base))
            .header(COOKIE, &cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(a.body.contains("de toelichting is langer dan 4000 tekens"));
    let long_password = "w".repeat(limits::MAX_PASSWORD_CHARS + 1);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("csrf", &csrf)
        .append_pair("name", "nieuweling")
        .append_pair("role", "researcher")
        .append_pair("municipality", "")
        .append_pair("password", &long_password)
        .finish();
    let a = answer(
        client
            .post(format!("{}/users", s.base))
            .header(COOKIE, &cookie)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        a.body.contains("een wachtwoord heeft hoogstens 256 tekens"),
        "{}",
        a.body
    );
    assert_eq!(
        s.scalar("SELECT COUNT(*) FROM users WHERE name = 'nieuweling'")
            .await,
        0
    );
    s.shutdown().await;
}

both_engines!(async parallel_guesses_for_one_name_get_only_the_free_checks);
both_engines!(async own_logins_between_guesses_do_not_reset_the_address);
both_engines!(async a_burst_of_guesses_does_not_lock_out_the_real_user);
both_engines!(async a_login_flood_gets_503_with_retry_after_beyond_the_pool);
both_engines!(async next_never_leaves_the_site_or_breaks_the_answer);
both_engines!(async over_long_login_fields_are_refused_and_not_stored);
both_engines!(async coordinator_forms_and_filters_have_caps);
