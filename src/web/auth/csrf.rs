//! CSRF: token comparison in constant time, the login form's double-submit cookie, the
//! form field every POST carries, and the refusal of POSTs from another origin.

use axum::http::header::{self, HeaderMap, HeaderValue};
use serde::Deserialize;

use super::cookies::cookie_value;
use crate::web::WebError;

/// Name of the cookie that carries the login form's CSRF token.
pub const LOGIN_CSRF_COOKIE: &str = "webwacht_login";

/// Constant-time comparison of two tokens.
pub(super) fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The login form's double-submit check: the form has no session yet, so its token must
/// equal the one in its cookie (and there must be one).
pub(super) fn login_token_matches(headers: &HeaderMap, submitted: &str) -> bool {
    let cookie_token = cookie_value(headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    !cookie_token.is_empty() && same_token(&cookie_token, submitted)
}

/// A POST from another origin is refused, whatever its token.
///
/// `Sec-Fetch-Site` (sent by every current browser) decides when present: only
/// `same-origin` (and `none`, a request the user made directly) pass. Otherwise a real
/// `Origin` must name this host. `Origin: null` is what browsers send on our own forms
/// under `Referrer-Policy: no-referrer` (and also from sandboxed frames), so on its own
/// it proves nothing either way; the CSRF token and the SameSite=Strict cookie still
/// hold then.
pub(super) fn check_origin(headers: &HeaderMap) -> Result<(), WebError> {
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

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

#[cfg(test)]
mod tests {
    use super::*;

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
