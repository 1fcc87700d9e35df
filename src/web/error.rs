//! The one error type of the web layer. It maps to a status code and a Dutch page and
//! never shows internals: those go to the log with a reference the user can quote.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("niet gevonden")]
    NotFound,
    #[error("geen toegang: {0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("te veel pogingen")]
    TooManyRequests(String),
    /// The request is larger than the form can be (413).
    #[error("{0}")]
    TooLarge(String),
    /// The server is too busy for this now; the client may retry soon (503).
    #[error("{0}")]
    Busy(String),
    #[error("interne fout: {0}")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            StoreError::Conflict(m) => WebError::Conflict(m),
            // As if it did not exist (DESIGN: a municipality gets 404 for the rest).
            StoreError::OutOfScope => WebError::NotFound,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> WebError {
        WebError::Internal(format!("template: {e}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Option<super::auth::Chrome>,
    heading: &'a str,
    message: &'a str,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match &self {
            WebError::NotFound => (
                StatusCode::NOT_FOUND,
                "Niet gevonden",
                "Deze pagina bestaat niet, of u heeft er geen toegang toe.".to_string(),
            ),
            WebError::Forbidden(why) => (StatusCode::FORBIDDEN, "Geen toegang", why.to_string()),
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, "Ongeldig verzoek", m.clone()),
            WebError::Conflict(m) => (StatusCode::CONFLICT, "Niet gelukt", m.clone()),
            WebError::TooManyRequests(m) => {
                (StatusCode::TOO_MANY_REQUESTS, "Even wachten", m.clone())
            }
            WebError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "Te groot", m.clone()),
            WebError::Busy(m) => (StatusCode::SERVICE_UNAVAILABLE, "Even wachten", m.clone()),
            WebError::Internal(detail) => {
                let reference = format!("{:08x}", fastrand::u32(..));
                tracing::error!(reference, detail, "web request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Er ging iets mis",
                    format!("Er ging iets mis aan onze kant. Noem bij een melding referentie {reference}."),
                )
            }
        };
        let page = ErrorPage {
            chrome: None,
            heading,
            message: &message,
        };
        let mut res = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, message).into_response(),
        };
        if let WebError::Busy(_) = self {
            let secs = super::password::BUSY_RETRY_AFTER.as_secs();
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        res
    }
}

/// Fallback for unknown routes.
pub async fn not_found() -> WebError {
    WebError::NotFound
}
