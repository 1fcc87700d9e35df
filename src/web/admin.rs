//! Coordinator pages: the audit log, users and crawl health.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::auth::{self, Chrome, CsrfForm, Role, Session};
use super::limits;
use super::password::{hash_password, HashingError};
use super::view::parse_id;
use super::{AppState, WebError};
use crate::store::{audit, review as rv, runs, users};

/// Audit entries per page.
pub const AUDIT_PAGE: i64 = 100;

#[derive(Debug, Deserialize, Default)]
pub struct AuditParams {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    before: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Option<Chrome>,
    actor: String,
    object: String,
    entries: Vec<rv::AuditRow>,
    older_href: Option<String>,
}

pub async fn get_audit(
    State(state): State<AppState>,
    session: Session,
    Query(p): Query<AuditParams>,
) -> Result<Html<String>, WebError> {
    session.require_coordinator()?;
    limits::check("het filter gebruiker", &p.actor, limits::MAX_FILTER_CHARS)?;
    limits::check("het filter object", &p.object, limits::MAX_FILTER_CHARS)?;
    limits::check("de positie", &p.before, limits::MAX_FILTER_CHARS)?;
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let before = match opt(&p.before) {
        None => None,
        Some(b) => Some(
            b.parse::<i64>()
                .map_err(|_| WebError::BadRequest(format!("ongeldige positie {b:?}")))?,
        ),
    };
    let (actor, object) = (opt(&p.actor), opt(&p.object));
    let entries = rv::audit_log(
        &state.store,
        &session.scope(),
        actor.as_deref(),
        object.as_deref(),
        before,
        AUDIT_PAGE,
    )
    .await?;
    let older_href = (entries.len() as i64 == AUDIT_PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten()
        .map(|id| {
            let mut s = url::form_urlencoded::Serializer::new(String::new());
            s.append_pair("actor", &p.actor)
                .append_pair("object", &p.object)
                .append_pair("before", &id.to_string());
            format!("/audit?{}", s.finish())
        });
    let page = AuditPage {
        chrome: Some(session.chrome("audit")),
        actor: p.actor,
        object: p.object,
        entries,
        older_href,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Option<Chrome>,
    csrf: String,
    users: Vec<users::UserRow>,
    message: Option<String>,
}

async fn users_page(
    state: &AppState,
    session: &Session,
    message: Option<String>,
) -> Result<Html<String>, WebError> {
    let page = UsersPage {
        chrome: Some(session.chrome("users")),
        csrf: session.csrf.clone(),
        users: users::list_users(&state.store, &session.scope()).await?,
        message,
    };
    Ok(Html(page.render()?))
}

pub async fn get_users(
    State(state): State<AppState>,
    session: Session,
) -> Result<Html<String>, WebError> {
    session.require_coordinator()?;
    users_page(&state, &session, None).await
}

#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    password: String,
}

/// Check a new user's name, role, municipality and password; the error is Dutch.
pub fn validate_new_user(
    name: &str,
    role: &str,
    municipality: Option<&str>,
    password: &str,
) -> Result<Role, String> {
    let valid_name = (2..=limits::MAX_USER_NAME_CHARS).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if !valid_name {
        return Err("een naam heeft 2 tot 64 tekens: letters, cijfers en . - _ @".to_string());
    }
    if limits::too_long(role, limits::MAX_USER_CODE_CHARS) {
        return Err("onbekende rol; kies researcher, coordinator of municipality".into());
    }
    if municipality.is_some_and(|m| limits::too_long(m, limits::MAX_USER_CODE_CHARS)) {
        return Err("dat is geen gemeentecode (GMxxxx)".into());
    }
    let role = Role::parse(role).ok_or_else(|| {
        format!("onbekende rol {role:?}; kies researcher, coordinator of municipality")
    })?;
    match (role, municipality) {
        (Role::Municipality, None) => {
            return Err("een gemeentegebruiker heeft een gemeentecode nodig (GMxxxx)".into())
        }
        (Role::Municipality, Some(code))
            if !(code.len() == 6
                && code.starts_with("GM")
                && code[2..].bytes().all(|b| b.is_ascii_digit())) =>
        {
            return Err(format!("{code:?} is geen gemeentecode (GMxxxx)"))
        }
        (Role::Researcher | Role::Coordinator, Some(_)) => {
            return Err("alleen een gemeentegebruiker heeft een gemeentecode".into())
        }
        _ => {}
    }
    if password.chars().count() < auth::MIN_PASSWORD_CHARS {
        return Err(format!(
            "een wachtwoord heeft minstens {} tekens",
            auth::MIN_PASSWORD_CHARS
        ));
    }
    if limits::too_long(password, limits::MAX_PASSWORD_CHARS) {
        return Err(format!(
            "een wachtwoord heeft hoogstens {} tekens",
            limits::MAX_PASSWORD_CHARS
        ));
    }
    Ok(role)
}

pub async fn post_user(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<NewUserForm>,
) -> Result<Response, WebError> {
    session.require_coordinator()?;
    session.check_csrf(&form.csrf)?;
    let name = form.name.trim();
    let municipality = Some(form.municipality.trim()).filter(|m| !m.is_empty());
    let role = match validate_new_user(name, &form.role, municipality, &form.password) {
        Ok(r) => r,
        Err(m) => return Ok(users_page(&state, &session, Some(m)).await?.into_response()),
    };
    let password = form.password;
    let hash = match state.hashing.run(move || hash_password(&password)).await {
        Ok(hash) => hash.map_err(WebError::Internal)?,
        Err(HashingError::Busy) => {
            return Err(WebError::Busy(
                "Het is nu erg druk. Probeer het over een paar seconden opnieuw.".into(),
            ))
        }
        Err(e) => return Err(WebError::Internal(e.to_string())),
    };
    match users::create_user(&state.store, name, &hash, role, municipality).await {
        Ok(_) => {}
        Err(crate::store::StoreError::Conflict(m)) => {
            return Ok(users_page(&state, &session, Some(m)).await?.into_response())
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &state.store,
        &session.name,
        "user_add",
        Some(&format!("user:{name}")),
        Some(role.as_str()),
    )
    .await?;
    Ok(Redirect::to("/users").into_response())
}

pub async fn post_disable_user(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    session.require_coordinator()?;
    session.check_csrf(&form.csrf)?;
    let id = parse_id(&id)?;
    if id == session.user_id {
        return Ok(users_page(
            &state,
            &session,
            Some("u kunt uzelf niet uitschakelen".into()),
        )
        .await?
        .into_response());
    }
    if !users::disable_user(&state.store, id).await? {
        return Err(WebError::NotFound);
    }
    audit::record(
        &state.store,
        &session.name,
        "user_disable",
        Some(&format!("user:{id}")),
        None,
    )
    .await?;
    Ok(Redirect::to("/users").into_response())
}

pub struct SiteView {
    pub id: String,
    pub health_label: &'static str,
    pub badge: &'static str,
    pub message: String,
    pub last_run: String,
    pub pages: i64,
    pub new: i64,
    pub changed: i64,
    pub errors: i64,
}

#[derive(Template)]
#[template(path = "sites.html")]
struct SitesPage {
    chrome: Option<Chrome>,
    sites: Vec<SiteView>,
}

pub async fn get_sites(
    State(state): State<AppState>,
    session: Session,
) -> Result<Html<String>, WebError> {
    session.require_coordinator()?;
    let sites = runs::site_statuses(&state.store)
        .await?
        .into_iter()
        .map(|s| {
            let broken = s.health == "broken";
            let stats = s.last_run.as_ref().map(|r| r.stats).unwrap_or_default();
            SiteView {
                id: s.id,
                health_label: if broken { "defect" } else { "in orde" },
                badge: if broken { "danger" } else { "safe" },

                message: s.health_message.unwrap_or_default(),
                last_run: s
                    .last_run
                    .as_ref()
                    .map(|r| format!("{} ({})", r.started_at, r.status))
                    .unwrap_or_else(|| "nog geen".into()),
                pages: stats.pages,
                new: stats.ads_new,
                changed: stats.ads_changed,
                errors: stats.errors,
            }
        })
        .collect();
    let page = SitesPage {
        chrome: Some(session.chrome("sites")),
        sites,
    };
    Ok(Html(page.render()?))
}
