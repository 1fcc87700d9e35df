//! The login and logout handlers: the login form with its double-submit token, the
//! throttled password check, a new session, and where to go afterwards (`next`, only a
//! path on this site).

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

use super::cookies::{behind_tls, cookie_value, set_cookie};
use super::csrf::{check_origin, login_token_matches, CsrfForm, LOGIN_CSRF_COOKIE};
use super::random_token;
use super::session::{sha256_hex, Chrome, Session, SESSION_COOKIE, SESSION_IDLE, SESSION_MAX};
use crate::store::{self, audit, users};
use crate::web::limits::{self, MAX_LOGIN_NAME_CHARS, MAX_NEXT_CHARS, MAX_PASSWORD_CHARS};
use crate::web::password::{dummy_hash, verify_password, HashingError, BUSY_RETRY_AFTER};
use crate::web::throttle::address_key;
use crate::web::{AppState, WebError};

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
    if !login_token_matches(&headers, &form.csrf) {
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
}
