//! A browser for the review UI in tests: requests through the real router with `oneshot`
//! (no socket), the real login form, the session cookie and the CSRF token of its forms.
//! `support::web`.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// One answer of the app.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as sent (downloads).
    pub bytes: Vec<u8>,
}

impl Answer {
    /// The `Location` header, or "".
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map_or("", |v| v.to_str().unwrap())
    }
}

pub async fn send(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

pub fn cookie_from(a: &Answer, name: &str) -> Option<String> {
    a.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// The value of the hidden form field `name` in a page.
pub fn hidden(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        + marker.len();
    body[at..at + body[at..].find('"').unwrap()].to_string()
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// A login through the login form as a browser at `ip` would send it (the server sees
/// the peer address).
pub async fn login_attempt_from(app: &Router, name: &str, password: &str, ip: [u8; 4]) -> Answer {
    let page = send(app, Request::get("/login").body(Body::empty()).unwrap()).await;
    let cookie = cookie_from(&page, "webwacht_login").expect("login cookie");
    let csrf = hidden(&page.body, "csrf");
    send(
        app,
        Request::post("/login")
            .extension(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                ip, 40000,
            ))))
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(&[
                ("name", name),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/flags"),
            ])))
            .unwrap(),
    )
    .await
}

/// A logged-in browser.
pub struct Browser {
    pub app: Router,
    pub cookie: String,
    pub csrf: String,
}

impl Browser {
    /// Log in through the login form (from 127.0.0.1) and open the queue.
    pub async fn login(app: &Router, name: &str, password: &str) -> Browser {
        let a = login_attempt_from(app, name, password, [127, 0, 0, 1]).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "login {name}: {}", a.body);
        let mut b = Browser {
            app: app.clone(),
            cookie: cookie_from(&a, "webwacht_sessie").expect("session cookie"),
            csrf: String::new(),
        };
        let page = b.get("/flags").await;
        assert_eq!(page.status, StatusCode::OK);
        b.csrf = hidden(&page.body, "csrf");
        b
    }

    pub async fn get(&self, uri: &str) -> Answer {
        send(
            &self.app,
            Request::get(uri)
                .header(header::COOKIE, &self.cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// Decide on flag `id`, seen in `status`, with the form's token.
    pub async fn decide(&self, id: i64, status: &str, action: &str, note: &str) -> Answer {
        self.post(
            &format!("/flags/{id}/decide"),
            &[
                ("csrf", &self.csrf),
                ("status", status),
                ("action", action),
                ("note", note),
            ],
        )
        .await
    }

    pub async fn post(&self, uri: &str, pairs: &[(&str, &str)]) -> Answer {
        send(
            &self.app,
            Request::post(uri)
                .header(header::COOKIE, &self.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form(pairs)))
                .unwrap(),
        )
        .await
    }
}

/// The same-site links (`href="/…"`) of a page, HTML entities of `&` undone, without
/// the logout form's action or assets.
pub fn links(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("href=\"") {
        rest = &rest[at + 6..];
        let Some(end) = rest.find('"') else { break };
        let href = rest[..end].replace("&amp;", "&").replace("&#38;", "&");
        rest = &rest[end..];
        if href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/assets/") {
            out.push(href);
        }
    }
    out
}
