//! `/reports`: the weekly lists. A municipality user sees and downloads only its own
//! lists and can mark a listed signal handled (`reported -> closed`, with a note); staff
//! see every list. Every download is in the audit log. Access goes through the store's
//! [`Scope`](crate::store::scope::Scope), as on every page: another municipality's list
//! or file answers 404, as if it did not exist.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::auth::{Chrome, Role, Session};
use super::view::parse_id;
use super::{AppState, WebError};
use crate::report::weekly::KINDS;
use crate::store::{audit, lists, now};

/// One list in the overview.
struct ListView {
    id: i64,
    week: String,
    municipality: String,
    signals: i64,
    made_at: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: Option<Chrome>,
    lists: Vec<ListView>,
    kinds: [&'static str; 3],
}

pub async fn get_reports(
    State(state): State<AppState>,
    session: Session,
) -> Result<Html<String>, WebError> {
    let scope = session.scope();
    let rows = lists::lists(&state.store, &scope).await?;
    let page = ReportsPage {
        chrome: Some(session.chrome("reports")),
        lists: rows
            .into_iter()
            .map(|l| ListView {
                id: l.id,
                week: l.week,
                municipality: l.municipality_code,
                signals: l.signal_count,
                made_at: l.made_at.get(..16).unwrap_or(&l.made_at).replace('T', " "),
            })
            .collect(),
        kinds: KINDS,
    };
    Ok(Html(page.render()?))
}

/// One signal on the list page.
struct ListedView {
    id: i64,
    rule: &'static str,
    strength: i64,
    status: &'static str,
    can_close: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Option<Chrome>,
    id: i64,
    week: String,
    municipality: String,
    made_at: String,
    kinds: [&'static str; 3],
    flags: Vec<ListedView>,
    csrf: String,
    message: Option<String>,
}

async fn render_report(
    state: &AppState,
    session: &Session,
    id: i64,
    message: Option<String>,
) -> Result<Response, WebError> {
    let scope = session.scope();
    let list = lists::list_in_scope(&state.store, &scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let flags = lists::listed_flags(&state.store, &scope, id).await?;
    let may_close = session.role == Role::Municipality;
    let page = ReportPage {
        chrome: Some(session.chrome("reports")),
        id,
        week: list.week,
        municipality: list.municipality_code,
        made_at: list
            .made_at
            .get(..16)
            .unwrap_or(&list.made_at)
            .replace('T', " "),
        kinds: KINDS,
        flags: flags
            .into_iter()
            .map(|f| ListedView {
                id: f.flag_id,
                rule: f.rule.title(),
                strength: f.strength,
                status: f.status.dutch(),
                can_close: may_close && f.status == crate::review::FlagStatus::Reported,
            })
            .collect(),
        csrf: session.csrf.clone(),
        message: message.clone(),
    };
    let status = if message.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn get_report(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    render_report(&state, &session, parse_id(&id)?, None).await
}

/// A file of a list (`csv`, `xlsx` or `pdf`), as archived when the list was made.
pub async fn get_report_file(
    State(state): State<AppState>,
    session: Session,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let content_type = match kind.as_str() {
        "csv" => "text/csv; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf" => "application/pdf",
        _ => return Err(WebError::NotFound),
    };
    let list = lists::list_in_scope(&state.store, &session.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    let file = lists::files(&state.store, id)
        .await?
        .into_iter()
        .find(|f| f.kind == kind)
        .ok_or(WebError::NotFound)?;
    let bytes = std::fs::read(state.data_dir.join(&file.path))
        .map_err(|e| WebError::Internal(format!("{}: {e}", file.path)))?;
    audit::record(
        &state.store,
        &session.name,
        "report_download",
        Some(&format!("list:{id}")),
        Some(&kind),
    )
    .await?;
    let name = format!("{}-{}.{kind}", list.municipality_code, list.week);
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct CloseForm {
    csrf: String,
    #[serde(default)]
    note: String,
}

/// A municipality marks a signal of its list handled: `reported -> closed`.
pub async fn post_close(
    State(state): State<AppState>,
    session: Session,
    Path((id, flag)): Path<(String, String)>,
    Form(form): Form<CloseForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf)?;
    if session.role != Role::Municipality {
        return Err(WebError::Forbidden(
            "alleen de gemeente markeert een gemeld signaal als afgehandeld",
        ));
    }
    let (id, flag) = (parse_id(&id)?, parse_id(&flag)?);
    super::limits::check_note(&form.note)?;
    let note = form.note.trim();
    if note.is_empty() {
        return render_report(
            &state,
            &session,
            id,
            Some("Schrijf in de toelichting hoe het signaal is afgehandeld.".into()),
        )
        .await;
    }
    match lists::close_listed(
        &state.store,
        &session.scope(),
        id,
        flag,
        &session.name,
        note,
        &now(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}")).into_response()),
        Err(crate::store::StoreError::Conflict(m)) => {
            render_report(&state, &session, id, Some(format!("{m}."))).await
        }
        Err(e) => Err(e.into()),
    }
}
