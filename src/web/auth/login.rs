//! Accounts, sessions, CSRF and the login throttle.
//!
//! - Passwords: argon2id, checked under a semaphore off the async threads (see
//!   [`super::super::password`]). Unknown names are verified against a dummy hash, so timing
//!   does not tell which names exist.
//! - Sessions: 32 random bytes in an HttpOnly, SameSite=Strict cookie (Secure when the
//!   request came through TLS, as a reverse proxy says with `X-Forwarded-Proto: https`);
//!   the database keeps only their SHA-256. A session ends after [`SESSION_IDLE`] without
//!   use and at most [`SESSION_MAX`] after login.
//! - CSRF: a synchronizer token per session in every form, checked on every POST; the
//!   login form, which has no session yet, uses a double-submit cookie. Both compare in
//!   constant time. A foreign `Origin` on a POST is refused as well.
//! - Failed logins: counted per (name, address), per address and per name before the
//!   password is checked, and answered with 429 rather than by sleeping (see
//!   [`super::super::throttle`] for the policy).
//! - After login only a path on this site is followed (`next`); anything else goes to
//!   `/flags`.
//!
//! Hand-written rather than tower-sessions/axum-csrf: the whole mechanism is this file,
//! it stores sessions in our own database (hashed), and it adds no dependency tree.

use std::net::SocketAddr;
use std::time::Duration;

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use chrono::Utc;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::super::limits::{self, MAX_LOGIN_NAME_CHARS, MAX_NEXT_CHARS, MAX_PASSWORD_CHARS};
use super::super::password::{dummy_hash, verify_password, HashingError, BUSY_RETRY_AFTER};
use super::super::throttle::address_key;
use super::super::{AppState, WebError};
use crate::store::{self, audit, review::Scope, users};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "webwacht_sessie";
/// Name of the cookie that carries the login form's CSRF token.
pub const LOGIN_CSRF_COOKIE: &str = "webwacht_login";
/// A session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::from_secs(30 * 60);
/// A session ends this long after login, used or not (one working day).
pub const SESSION_MAX: Duration = Duration::from_secs(9 * 60 * 60);
/// Shortest password accepted for a new user.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Reviews flags.
    Researcher,
    /// Everything a researcher does, plus sites, users, policy and the audit log.
    Coordinator,
    /// Read-only, and only the decided signals of its own municipality.
    Municipality,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "researcher" => Some(Role::Researcher),
            "coordinator" => Some(Role::Coordinator),
            "municipality" => Some(Role::Municipality),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Researcher => "researcher",
            Role::Coordinator => "coordinator",
            Role::Municipality => "municipality",
        }
    }

    /// Dutch label.
    pub fn dutch(self) -> &'static str {
        match self {
            Role::Researcher => "internetrechercheur",
            Role::Coordinator => "coördinator",
            Role::Municipality => "gemeente",
        }
    }
}

/// 32 random bytes from the operating system, hex.
pub fn random_token() -> String {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).expect("the operating system has no random source");
    hex::encode(buf)
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Constant-time comparison of two tokens.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

fn behind_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn set_cookie(name: &str, value: &str, max_age: Option<Duration>, secure: bool) -> HeaderValue {
    let mut c = cookie::Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .secure(secure);
    if let Some(age) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(age.as_secs() as i64));
    }
    HeaderValue::from_str(&c.build().to_string()).expect("cookie is ASCII")
}

/// A POST from another origin is refused, whatever its token.
///
/// `Sec-Fetch-Site` (sent by every current browser) decides when present: only
/// `same-origin` (and `none`, a request the user made directly) pass. Otherwise a real
/// `Origin` must name this host. `Origin: null` is what browsers send on our own forms
/// under `Referrer-Policy: no-referrer` (and also from sandboxed frames), so on its own
/// it proves nothing either way; the CSRF token and the SameSite=Strict cookie still
/// hold then.
fn check_origin(headers: &HeaderMap) -> Result<(), WebError> {
    let refuse = || {
        Err(WebError::Forbidden(
            "dit formulier komt niet van webwacht zelf (andere herkomst)",
        ))
    };
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(site) = text("sec-fetch-site") {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => refuse(),
        };
    }
    match text(header::ORIGIN.as_str()) {
        None | Some("null") => Ok(()),
        Some(origin) => {
            let host = text(header::HOST.as_str()).unwrap_or("");
            let origin_host = origin.split_once("://").map_or("", |(_, h)| h);
            if origin_host.eq_ignore_ascii_case(host) {
                Ok(())
            } else {
                refuse()
            }
        }
    }
}

/// The logged-in user of a request. Extracting it fails with a redirect to `/login`.
#[derive(Debug, Clone)]
pub struct Session {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub municipality: Option<String>,
    pub csrf: String,
}

impl Session {
    /// Which flags this user may see.
    pub fn scope(&self) -> Scope {
        match (self.role, &self.municipality) {
            (Role::Municipality, Some(code)) => Scope::Municipality(code.clone()),
            // A municipality user without a code sees nothing: the schema forbids it,
            // and an unknown code matches no flag.
            (Role::Municipality, None) => Scope::Municipality(String::new()),
            _ => Scope::All,
        }
    }

    pub fn can_research(&self) -> bool {
        matches!(self.role, Role::Researcher | Role::Coordinator)
    }

    /// Refuse unless the user reviews flags (researcher or coordinator).
    pub fn require_research(&self) -> Result<(), WebError> {
        if self.can_research() {
            Ok(())
        } else {
            Err(WebError::Forbidden(
                "deze pagina is alleen voor internetrechercheurs en coördinatoren",
            ))
        }
    }

    /// Refuse unless the user is a coordinator.
    pub fn require_coordinator(&self) -> Result<(), WebError> {
        if self.role == Role::Coordinator {
            Ok(())
        } else {
            Err(WebError::Forbidden(
                "deze pagina is alleen voor coördinatoren",
            ))
        }
    }

    /// Check the CSRF token of a submitted form.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        if same_token(&self.csrf, submitted) {
            Ok(())
        } else {
            Err(WebError::Forbidden(
                "het formulier is verlopen of komt niet van webwacht; laad de pagina opnieuw",
            ))
        }
    }

    /// The page chrome (menu, user, logout form) for templates.
    pub fn chrome(&self, active: &'static str) -> Chrome {
        Chrome {
            user: self.name.clone(),
            role_label: self.role.dutch(),
            csrf: self.csrf.clone(),
            active,
            can_research: self.can_research(),
            is_coordinator: self.role == Role::Coordinator,
        }
    }

    /// Write a view of personal data to the audit log.
    pub async fn audit_view(&self, state: &AppState, object: &str) -> Result<(), WebError> {
        audit::record(&state.store, &self.name, "view", Some(object), None).await?;
        Ok(())
    }
}

/// What the layout template needs about the user.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub user: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub active: &'static str,
    pub can_research: bool,
    pub is_coordinator: bool,
}

/// Why a request has no session: answered with a redirect to the login page.
pub struct LoginRequired(String);

impl IntoResponse for LoginRequired {
    fn into_response(self) -> Response {
        Redirect::to(&self.0).into_response()
    }
}

fn login_redirect(parts: &Parts) -> LoginRequired {
    let next = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .filter(|p| parts.method == axum::http::Method::GET && *p != "/")
        .map(|p| {
            format!(
                "?next={}",
                url::form_urlencoded::byte_serialize(p.as_bytes()).collect::<String>()
            )
        })
        .unwrap_or_default();
    LoginRequired(format!("/login{next}"))
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE) else {
            return Err(login_redirect(parts).into_response());
        };
        let hash = sha256_hex(&token);
        let row = users::session(&state.store, &hash)
            .await
            .map_err(|e| WebError::from(e).into_response())?;
        let Some(row) = row else {
            return Err(login_redirect(parts).into_response());
        };
        let now = Utc::now();
        let parse =
            |s: &str| chrono::DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc));
        let expired = parse(&row.expires_at).map_or(true, |t| t <= now)
            || parse(&row.last_seen).map_or(true, |t| {
                now - t > chrono::Duration::from_std(SESSION_IDLE).unwrap_or_default()
            });
        if expired {
            let _ = users::delete_session(&state.store, &hash).await;
            return Err(login_redirect(parts).into_response());
        }
        // Note the use at most once a minute: one write per request would be wasted work.
        if parse(&row.last_seen).is_ok_and(|t| now - t > chrono::Duration::seconds(60)) {
            users::touch_session(&state.store, &hash)
                .await
                .map_err(|e| WebError::from(e).into_response())?;
        }
        let Some(role) = Role::parse(&row.user.role) else {
            return Err(
                WebError::Internal(format!("unknown role {:?}", row.user.role)).into_response(),
            );
        };
        if parts.method == axum::http::Method::POST {
            check_origin(&parts.headers).map_err(IntoResponse::into_response)?;
        }
        Ok(Session {
            user_id: row.user.id,
            name: row.user.name,
            role,
            municipality: row.user.municipality_code,
            csrf: row.csrf,
        })
    }
}

/// The client's address, when the server knows it (not in handler tests without a socket).
pub struct ClientAddr(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    chrome: Option<Chrome>,
    message: Option<&'a str>,
    csrf: &'a str,
    next: &'a str,
    name: &'a str,
}

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

/// Where a login may lead.
const HOME: &str = "/flags";

/// Where to go after login: only a path on this site, as the `url` crate parses it,
/// else [`HOME`]: no open redirect, and nothing a `Location` header cannot carry.
///
/// Refused before parsing: anything not starting with a single `/`, backslashes (browsers
/// read them as `/`, so `/\evil` is `//evil`) and control characters (browsers drop tab,
/// CR and LF from URLs, so `/\t/evil` is `//evil` again; CR, LF and VT are not allowed
/// in a header at all). What is left is joined to a dummy base; it must keep the base's
/// origin and its path must not start with `//` after the dots are resolved (`/.//evil`).
/// The answer is the parsed, percent-encoded form, so it is always plain ASCII.
fn safe_next(next: &str) -> String {
    let plain = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !limits::too_long(next, MAX_NEXT_CHARS);
    if !plain {
        return HOME.to_string();
    }
    let base = url::Url::parse("http://webwacht.invalid/").expect("a valid base URL");
    match base.join(next) {
        Ok(u) if u.origin() == base.origin() && !u.path().starts_with("//") => {
            u[url::Position::BeforePath..].to_string()
        }
        _ => HOME.to_string(),
    }
}

fn login_page(
    headers: &HeaderMap,
    status: axum::http::StatusCode,
    message: Option<&str>,
    next: &str,
    name: &str,
) -> Result<Response, WebError> {
    let csrf = random_token();
    let html = LoginPage {
        chrome: None,
        message,
        csrf: &csrf,
        next: &safe_next(next),
        name,
    }
    .render()?;
    let mut res = (status, Html(html)).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LOGIN_CSRF_COOKIE, &csrf, None, behind_tls(headers)),
    );
    Ok(res)
}

pub async fn get_login(
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, WebError> {
    login_page(&headers, axum::http::StatusCode::OK, None, &q.next, "")
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

pub async fn post_login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    use axum::http::StatusCode;
    check_origin(&headers)?;
    let next = safe_next(&form.next);
    let cookie_token = cookie_value(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if cookie_token.is_empty() || !same_token(&cookie_token, &form.csrf) {
        let name = if limits::too_long(&form.name, MAX_LOGIN_NAME_CHARS) {
            ""
        } else {
            &form.name
        };
        return login_page(
            &headers,
            StatusCode::FORBIDDEN,
            Some("Het inlogformulier is verlopen. Probeer het opnieuw."),
            &next,
            name,
        );
    }
    // Over-long input is refused before it is counted, looked up, logged or shown back.
    if limits::too_long(&form.name, MAX_LOGIN_NAME_CHARS)
        || limits::too_long(&form.password, MAX_PASSWORD_CHARS)
    {
        let msg = format!(
            "Een gebruikersnaam heeft hoogstens {MAX_LOGIN_NAME_CHARS} tekens en een \
             wachtwoord hoogstens {MAX_PASSWORD_CHARS}."
        );
        return login_page(&headers, StatusCode::BAD_REQUEST, Some(&msg), &next, "");
    }
    let name = form.name.trim().to_string();
    let throttled = |wait: Duration, status, msg: &str| -> Result<Response, WebError> {
        let mut res = login_page(&headers, status, Some(msg), &next, &name)?;
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(wait.as_secs().max(1)),
        );
        Ok(res)
    };
    let now = tokio::time::Instant::now().into_std();
    let address = address_key(client.map(|a| a.ip()));
    // Counted as a failure now, before the check: parallel attempts see each other.
    let attempt = match state.throttle.reserve(&name, &address, now) {
        Ok(r) => r,
        Err(wait) => {
            let msg = format!(
                "Te veel mislukte pogingen. Probeer het over {} seconden opnieuw.",
                wait.as_secs().max(1)
            );
            return throttled(wait, StatusCode::TOO_MANY_REQUESTS, &msg);
        }
    };
    let user = users::user_by_name(&state.store, &name).await?;
    let password = form.password;
    let phc = user
        .as_ref()
        .filter(|u| u.disabled_at.is_none())
        .map(|u| u.password_hash.clone());
    // The dummy hash too is made on the blocking side (once), never on an async thread.
    let check = move || match &phc {
        Some(phc) => verify_password(&password, phc),
        None => verify_password(&password, dummy_hash()),
    };
    let ok = match state.hashing.run(check).await {
        Ok(ok) => ok,
        Err(HashingError::Busy) => {
            state.throttle.refund(attempt);
            return throttled(
                BUSY_RETRY_AFTER,
                StatusCode::SERVICE_UNAVAILABLE,
                "Er wordt nu heel veel ingelogd. Probeer het over een paar seconden opnieuw.",
            );
        }
        Err(e) => return Err(WebError::Internal(e.to_string())),
    };
    let user = match user.filter(|u| ok && u.disabled_at.is_none()) {
        Some(u) => u,
        None => {
            state.throttle.failed(attempt);
            audit::record(&state.store, &name, "login_failed", None, None).await?;
            return login_page(
                &headers,
                StatusCode::UNAUTHORIZED,
                Some("Onbekende naam of onjuist wachtwoord."),
                &next,
                &name,
            );
        }
    };
    state.throttle.succeeded(attempt);
    // Sweep ended sessions now and then: at every login is often enough.
    let now = Utc::now();
    let idle_before = now - chrono::Duration::from_std(SESSION_IDLE).unwrap_or_default();
    users::purge_sessions(
        &state.store,
        &store::timestamp(now),
        &store::timestamp(idle_before),
    )
    .await?;
    let token = random_token();
    let expires =
        store::timestamp(Utc::now() + chrono::Duration::from_std(SESSION_MAX).unwrap_or_default());
    users::create_session(
        &state.store,
        &sha256_hex(&token),
        user.id,
        &random_token(),
        &expires,
    )
    .await?;
    audit::record(&state.store, &user.name, "login", None, None).await?;
    let secure = behind_tls(&headers);
    let mut res = Redirect::to(&next).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &token, Some(SESSION_MAX), secure),
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LOGIN_CSRF_COOKIE, "", Some(Duration::ZERO), secure),
    );
    Ok(res)
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

pub async fn post_logout(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf)?;
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE) {
        users::delete_session(&state.store, &sha256_hex(&token)).await?;
    }
    audit::record(&state.store, &session.name, "logout", None, None).await?;
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            "",
            Some(Duration::ZERO),
            behind_tls(&headers),
        ),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        for ok in [
            "/flags/3",
            "/flags?status=new&page=2",
            "/phones/+31612345678",
        ] {
            assert_eq!(safe_next(ok), ok);
        }
        assert_eq!(
            safe_next("/zoek?q=caf\u{e9}"),
            "/zoek?q=caf%C3%A9",
            "ASCII only"
        );
        assert_eq!(safe_next("/a b"), "/a%20b");
        for bad in [
            "",
            "flags",
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example/",
            "/\n/x",
            "/\r/x",
            "/\u{b}/x",
            "/x\u{0}",
            "/x\u{85}",
            "/.//evil.example/",
            "/%2e//evil.example/",
        ] {
            assert_eq!(safe_next(bad), "/flags", "{bad:?}");
        }
        assert_eq!(
            safe_next(&format!("/{}", "a".repeat(MAX_NEXT_CHARS))),
            "/flags"
        );
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let host = ("host", "127.0.0.1:8080");
        for ok in [
            vec![host],
            vec![host, ("origin", "http://127.0.0.1:8080")],
            vec![host, ("origin", "null"), ("sec-fetch-site", "same-origin")],
            vec![host, ("origin", "null")],
        ] {
            assert!(check_origin(&headers(&ok)).is_ok(), "{ok:?}");
        }
        for bad in [
            vec![host, ("origin", "http://evil.example")],
            vec![host, ("origin", "null"), ("sec-fetch-site", "cross-site")],
            vec![
                host,
                ("origin", "http://127.0.0.1:8080"),
                ("sec-fetch-site", "same-site"),
            ],
        ] {
            assert!(check_origin(&headers(&bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "abcd"));
    }
}
