//! Sessions: the session cookie's token is looked up by its SHA-256, a session ends
//! after [`SESSION_IDLE`] without use and at most [`SESSION_MAX`] after login, and a
//! request without one is sent to `/login`. [`Session`] is the logged-in user of a
//! request: what they may see and do, and the page chrome.

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use sha2::{Digest, Sha256};

use super::cookies::cookie_value;
use super::csrf::{check_origin, same_token};
use super::Role;
use crate::store::{audit, review::Scope, users};
use crate::web::{AppState, WebError};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "webwacht_sessie";
/// A session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::from_secs(30 * 60);
/// A session ends this long after login, used or not (one working day).
pub const SESSION_MAX: Duration = Duration::from_secs(9 * 60 * 60);

/// What the database keeps of a session token: its SHA-256, hex.
pub(super) fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
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
        let role = row.user.role;
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
