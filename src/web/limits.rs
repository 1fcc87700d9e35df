//! Input limits: the longest value each form field and query parameter accepts, in one
//! place (the README lists them). A value over its cap is refused with a Dutch message
//! before anything is stored, written to the audit log or shown back.
//!
//! Caps count characters (Unicode scalar values), as the `maxlength` of the HTML fields
//! does. Under them all, [`MAX_BODY_BYTES`] bounds a whole request body, so a field is
//! never read into memory beyond that.

use std::time::Duration;

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use super::flags::QueueParams;
use super::WebError;

/// Largest request body (every form is far smaller: a 4,000-character note, percent-encoded
/// as 4-byte UTF-8, is 48 KiB). Larger bodies get 413 before they are read.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// A body over [`MAX_BODY_BYTES`] is still read (and dropped) up to this much, for at most
/// [`DRAIN_TIME`], so the client sees the Dutch answer rather than a reset connection.
pub const MAX_DRAIN_BYTES: usize = 4 * 1024 * 1024;
/// See [`MAX_DRAIN_BYTES`].
pub const DRAIN_TIME: Duration = Duration::from_secs(5);
/// Login name (user names themselves are at most [`MAX_USER_NAME_CHARS`]).
pub const MAX_LOGIN_NAME_CHARS: usize = 100;
/// Password, at login and for a new user (NIST SP 800-63B asks for at least 64).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Name of a new user.
pub const MAX_USER_NAME_CHARS: usize = 64;
/// Role and municipality code of a new user (`coordinator`, `GM0599`).
pub const MAX_USER_CODE_CHARS: usize = 20;
/// Note with a decision.
pub const MAX_NOTE_CHARS: usize = 4000;
/// Search text.
pub const MAX_QUERY_CHARS: usize = 200;
/// Each filter of the queue (`/flags`) and the audit log (`/audit`).
pub const MAX_FILTER_CHARS: usize = 100;
/// Where to go after login (`next`); a longer one is ignored and `/flags` is used.
pub const MAX_NEXT_CHARS: usize = 2000;

// The caps fit in the body limit (percent-encoded 4-byte UTF-8 is 12 bytes a character),
// and every user name can be typed at login.
const _: () = assert!(MAX_NOTE_CHARS * 12 + 1000 <= MAX_BODY_BYTES);
const _: () = assert!(MAX_LOGIN_NAME_CHARS >= MAX_USER_NAME_CHARS);

/// Whether `value` has more than `max` characters (without counting far past the cap).
pub fn too_long(value: &str, max: usize) -> bool {
    value.len() > max && value.chars().nth(max).is_some()
}

/// Refuse `value` when it has more than `max` characters; `what` names the field in
/// Dutch ("de zoektekst").
pub fn check(what: &str, value: &str, max: usize) -> Result<(), WebError> {
    if too_long(value, max) {
        Err(WebError::BadRequest(format!(
            "{what} is langer dan {max} tekens"
        )))
    } else {
        Ok(())
    }
}

/// The note with a decision.
pub fn check_note(note: &str) -> Result<(), WebError> {
    check("de toelichting", note, MAX_NOTE_CHARS)
}

/// The search text.
pub fn check_query(q: &str) -> Result<(), WebError> {
    check("de zoektekst", q, MAX_QUERY_CHARS)
}

/// Every filter of the queue.
pub fn check_queue(p: &QueueParams) -> Result<(), WebError> {
    for (what, value) in [
        ("het filter status", &p.status),
        ("het filter regel", &p.rule),
        ("het filter gemeente", &p.municipality),
        ("het filter site", &p.site),
        ("het filter minimale sterkte", &p.min_strength),
        ("het filter vanaf", &p.from),
        ("het filter tot en met", &p.to),
        ("de sortering", &p.sort),
        ("het filter voorgelegd", &p.escalated),
        ("het paginanummer", &p.page),
    ] {
        check(what, value, MAX_FILTER_CHARS)?;
    }
    Ok(())
}

/// Middleware: a request whose body is over [`MAX_BODY_BYTES`] gets 413 with a Dutch
/// page. Its `Content-Length` is checked before anything is read; a body without one is cut
/// off by axum's `DefaultBodyLimit` (set to the same size) and that 413 is made Dutch too.
pub async fn refuse_large_bodies(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        // Read what the client is sending and drop it: closing on unread data makes the
        // client's kernel reset the connection, and the answer would be lost.
        let mut body = req.into_body().into_data_stream();
        let drain = async {
            let mut seen = 0;
            while let Some(Ok(chunk)) = body.next().await {
                seen += chunk.len();
                if seen > MAX_DRAIN_BYTES {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
        return too_large();
    }
    let res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    res
}

fn too_large() -> Response {
    WebError::TooLarge(format!(
        "Dit verzoek is groter dan webwacht aanneemt (hoogstens {} kB).",
        MAX_BODY_BYTES / 1024
    ))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_count_characters_not_bytes() {
        assert!(!too_long("", 0));
        assert!(
            !too_long(&"é".repeat(100), 100),
            "200 bytes, 100 characters"
        );
        assert!(too_long(&"é".repeat(101), 100));
        assert!(too_long(&"a".repeat(101), 100));
        assert!(!too_long(&"a".repeat(100), 100));
    }

    #[test]
    fn the_message_is_dutch_and_names_the_cap() {
        let e = check_query(&"x".repeat(MAX_QUERY_CHARS + 1)).unwrap_err();
        assert_eq!(e.to_string(), "de zoektekst is langer dan 200 tekens");
        assert!(check_query(&"x".repeat(MAX_QUERY_CHARS)).is_ok());
    }
}
