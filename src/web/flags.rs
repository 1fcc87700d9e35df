//! The queue (`/flags`), one flag on one screen (`/flags/{id}`) and deciding it.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::auth::{Chrome, Session};
use super::view::{badge, captured_html, day, is_web_url, parse_id, RowView};
use super::{AppState, Role, WebError};
use crate::review::{Action, Actor, FlagStatus};
use crate::store::review::{self as rv, QueueFilter, Sort};

/// Flags per page of the queue.
pub const PER_PAGE: i64 = 50;

pub async fn redirect_home() -> Redirect {
    Redirect::to("/flags")
}

/// The queue's query string, as typed (all text, so that a bad value gets a Dutch error
/// that names it instead of a generic rejection).
#[derive(Debug, Deserialize, Default, Clone)]
pub struct QueueParams {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub rule: String,
    #[serde(default)]
    pub municipality: String,
    #[serde(default)]
    pub site: String,
    #[serde(default)]
    pub min_strength: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub escalated: String,
    #[serde(default)]
    pub page: String,
}

impl QueueParams {
    fn filter(&self) -> Result<(QueueFilter, Sort, i64), WebError> {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let status = opt(&self.status);
        if let Some(s) = &status {
            if FlagStatus::parse(s).is_none() {
                return Err(WebError::BadRequest(format!("onbekende status {s:?}")));
            }
        }
        let date = |name: &str, s: &str| -> Result<Option<String>, WebError> {
            match opt(s) {
                None => Ok(None),
                Some(d) if chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").is_ok() => Ok(Some(d)),
                Some(d) => Err(WebError::BadRequest(format!(
                    "{name}: {d:?} is geen datum (JJJJ-MM-DD)"
                ))),
            }
        };
        let min_strength = match opt(&self.min_strength) {
            None => None,
            Some(s) => match s.parse::<i64>() {
                Ok(n) if (0..=10).contains(&n) => Some(n),
                _ => {
                    return Err(WebError::BadRequest(format!(
                        "sterkte vanaf: {s:?} is geen getal van 0 tot en met 10"
                    )))
                }
            },
        };
        let sort = match self.sort.as_str() {
            "" | "strength" => Sort::Strength,
            "newest" => Sort::Newest,
            "oldest" => Sort::Oldest,
            other => {
                return Err(WebError::BadRequest(format!(
                    "onbekende sortering {other:?}"
                )))
            }
        };
        let page = match opt(&self.page) {
            None => 1,
            Some(p) => p
                .parse::<i64>()
                .ok()
                .filter(|p| (1..=1_000_000).contains(p))
                .ok_or_else(|| WebError::BadRequest(format!("pagina {p:?} bestaat niet")))?,
        };
        Ok((
            QueueFilter {
                status,
                rule: opt(&self.rule),
                municipality: opt(&self.municipality),
                site: opt(&self.site),
                min_strength,
                from: date("eerst gezien vanaf", &self.from)?,
                to: date("tot en met", &self.to)?,
                escalated_only: !self.escalated.is_empty(),
                ids: None,
            },
            sort,
            page,
        ))
    }

    /// This query string with other values for some keys.
    fn href(&self, status: Option<&str>, page: Option<i64>) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        let status = status.unwrap_or(&self.status);
        let page = page.map(|p| p.to_string()).unwrap_or_default();
        for (k, v) in [
            ("status", status),
            ("rule", &self.rule),
            ("municipality", &self.municipality),
            ("site", &self.site),
            ("min_strength", &self.min_strength),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
            ("escalated", &self.escalated),
            ("page", &page),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        format!("/flags?{}", s.finish())
    }
}

pub struct StatusLink {
    pub label: String,
    pub count: i64,
    pub href: String,
    pub current: bool,
}

pub struct StatusLinks {
    pub all: String,
    pub per_status: Vec<StatusLink>,
}

/// The form's current values, for re-rendering.
pub struct FormValues {
    pub status: String,
    pub rule: String,
    pub municipality: String,
    pub site: String,
    pub min_strength: String,
    pub from: String,
    pub to: String,
    pub sort: String,
    pub escalated: bool,
}

#[derive(Template)]
#[template(path = "flags.html")]
struct QueuePage {
    chrome: Option<Chrome>,
    f: FormValues,
    statuses: Vec<(&'static str, String)>,
    rules: Vec<(String, String)>,
    municipalities: Vec<(String, String)>,
    sites: Vec<String>,
    rows: Vec<RowView>,
    total: i64,
    status_total: i64,
    status_links: StatusLinks,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

pub async fn get_queue(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, WebError> {
    super::limits::check_queue(&params)?;
    let (filter, sort, page) = params.filter()?;
    let scope = session.scope();
    let rows = rv::queue_rows(&state.store, &scope, &filter, sort, page, PER_PAGE).await?;
    let (per_status, choices) = state
        .queue_cache
        .counts_and_choices(&state.store, &scope, &filter)
        .await?;
    let result = rv::QueuePage::new(rows, per_status, &filter);
    let pages = ((result.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let statuses = match session.role {
        Role::Municipality => rv::MUNICIPALITY_STATUSES
            .iter()
            .map(|s| (s.as_str(), s.dutch().to_string()))
            .collect(),
        _ => FlagStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.dutch().to_string()))
            .collect(),
    };
    let status_links = StatusLinks {
        all: params.href(Some(""), None),
        per_status: result
            .per_status
            .iter()
            .map(|(s, n)| StatusLink {
                label: s.dutch().to_string(),
                count: *n,
                href: params.href(Some(s.as_str()), None),
                current: params.status == s.as_str(),
            })
            .collect(),
    };
    let page_view = QueuePage {
        chrome: Some(session.chrome("flags")),
        f: FormValues {
            status: params.status.clone(),
            rule: params.rule.clone(),
            municipality: params.municipality.clone(),
            site: params.site.clone(),
            min_strength: params.min_strength.clone(),
            from: params.from.clone(),
            to: params.to.clone(),
            sort: params.sort.clone(),
            escalated: !params.escalated.is_empty(),
        },
        statuses,
        rules: choices
            .rules
            .iter()
            .map(|r| (r.code().to_string(), r.title().to_string()))
            .collect(),
        municipalities: choices.municipalities,
        sites: choices.sites,
        rows: result.rows.into_iter().map(RowView::from).collect(),
        total: result.total,
        status_total: result.per_status.iter().map(|(_, n)| n).sum(),
        status_links,
        page,
        pages,
        prev_href: (page > 1).then(|| params.href(None, Some(page - 1))),
        next_href: (page < pages).then(|| params.href(None, Some(page + 1))),
    };
    Ok(Html(page_view.render()?))
}

/// A piece of the ad text; `hit` pieces are extracted numbers.
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

/// Split `text` into pieces, marking every occurrence of a needle. Overlapping hits
/// merge. Works on byte offsets of exact matches, so it never splits a character.
pub fn highlight(text: &str, needles: &[&str]) -> Vec<Segment> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for n in needles.iter().filter(|n| n.trim().chars().count() >= 3) {
        spans.extend(text.match_indices(*n).map(|(i, m)| (i, i + m.len())));
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e) in merged {
        if s > at {
            out.push(Segment {
                text: text[at..s].to_string(),
                hit: false,
            });
        }
        out.push(Segment {
            text: text[s..e].to_string(),
            hit: true,
        });
        at = e;
    }
    if at < text.len() {
        out.push(Segment {
            text: text[at..].to_string(),
            hit: false,
        });
    }
    out
}

/// One decision for the history table, with Dutch status labels.
pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub from: String,
    pub to: String,
    pub note: String,
}

/// Decisions and observations in one history, oldest first. Observations are what the
/// system saw happen to the ad after a person's decision; they change no status.
fn history(d: &rv::FlagDetail) -> Vec<HistoryRow> {
    let decisions = d.decisions.iter().map(|h| {
        (
            h.decided_at.as_str(),
            HistoryRow {
                at: day(&h.decided_at),
                actor: h.actor.clone(),
                from: h
                    .from_status
                    .map_or_else(|| "-".to_string(), |s| s.dutch().to_string()),
                to: h.to_status.dutch().to_string(),
                note: h.note.clone().unwrap_or_default(),
            },
        )
    });
    let observations = d.observations.iter().map(|o| {
        let what = match o.kind.as_str() {
            "ad_removed" => "advertentie verwijderd na besluit",
            _ => "advertentie gewijzigd na besluit",
        };
        (
            o.observed_at.as_str(),
            HistoryRow {
                at: day(&o.observed_at),
                actor: "systeem".into(),
                from: "-".into(),
                to: what.into(),
                note: o.note.clone(),
            },
        )
    });
    let mut rows: Vec<(&str, HistoryRow)> = decisions.chain(observations).collect();
    // Stable: a decision and an observation of the same second keep that order.
    rows.sort_by(|a, b| a.0.cmp(b.0));
    rows.into_iter().map(|(_, r)| r).collect()
}

#[derive(Template)]
#[template(path = "flag.html")]
struct FlagPage {
    history: Vec<HistoryRow>,
    chrome: Option<Chrome>,
    d: rv::FlagDetail,
    rule_label: String,
    status_label: String,
    badge: &'static str,
    municipality: String,
    segments: Vec<Segment>,
    snapshot: Option<String>,
    snapshot_missing: String,
    url_is_web: bool,
    can_decide: bool,
    can_escalate: bool,
    /// Links to the phone and ad pages only for those who may open them.
    can_research: bool,
    no_decide_reason: Option<&'static str>,
    csrf: String,
    message: Option<String>,
}

async fn render_flag(
    state: &AppState,
    session: &Session,
    id: i64,
    message: Option<String>,
) -> Result<Response, WebError> {
    let d = rv::flag_detail(&state.store, &session.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    session.audit_view(state, &format!("flag:{id}")).await?;
    let escalated = d.escalated_at.is_some();
    let (can_decide, no_decide_reason) = match (session.role, d.status) {
        (Role::Municipality, _) => (false, None),
        (_, s) if !s.is_open() => (false, Some("Over dit signaal is al beslist.")),
        (Role::Researcher, _) if escalated => (
            false,
            Some("Dit signaal is voorgelegd aan een coördinator; die beslist."),
        ),
        _ => (true, None),
    };
    let text = [d.title.as_deref(), d.body.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n\n");
    let needles: Vec<&str> = d
        .phones
        .iter()
        .map(|p| p.raw.as_str())
        .chain(d.numbers.iter().map(|n| n.value.as_str()))
        .collect();
    let segments = highlight(&text, &needles);
    let (snapshot, snapshot_missing) = match &d.evidence {
        Some(ev) => match captured_html(&state.evidence_dir, ev) {
            Ok(html) => (Some(html), String::new()),
            Err(why) => (None, why),
        },
        None => (
            None,
            "Van deze vastlegging is geen pagina bewaard.".to_string(),
        ),
    };
    let history = history(&d);
    let page = FlagPage {
        history,
        chrome: Some(session.chrome("flags")),
        rule_label: d.rule.title().to_string(),
        status_label: d.status.dutch().to_string(),
        badge: badge(d.status),
        municipality: d
            .municipality_name
            .clone()
            .or(d.municipality_code.clone())
            .unwrap_or_else(|| "onbekend".into()),
        segments,
        snapshot,
        snapshot_missing,
        url_is_web: is_web_url(&d.url),
        can_decide,
        can_escalate: can_decide && !escalated && session.role == Role::Researcher,
        can_research: session.can_research(),
        no_decide_reason,
        csrf: session.csrf.clone(),
        message,
        d,
    };
    let status = if page.message.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn get_flag(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    render_flag(&state, &session, parse_id(&id)?, None).await
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    /// The status the reviewer saw.
    #[serde(default)]
    status: String,
    /// The ad version the reviewer saw: the decision is pinned to it.
    #[serde(default)]
    version: String,
}

pub async fn post_decision(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf)?;
    let id = parse_id(&id)?;
    let actor = match session.role {
        Role::Researcher => Actor::Researcher,
        Role::Coordinator => Actor::Coordinator,
        Role::Municipality => {
            return Err(WebError::Forbidden(
                "gemeenten kunnen signalen alleen inzien, niet beoordelen",
            ))
        }
    };
    let action = Action::parse(&form.action)
        .ok_or_else(|| WebError::BadRequest(format!("onbekende beslissing {:?}", form.action)))?;
    super::limits::check_note(&form.note)?;
    let d = rv::flag_detail(&state.store, &session.scope(), id)
        .await?
        .ok_or(WebError::NotFound)?;
    let seen_version = form.version.trim().parse::<i64>().ok();
    if d.status.as_str() != form.status || seen_version.is_some_and(|v| v != d.version_id) {
        return render_flag(
            &state,
            &session,
            id,
            Some("Het signaal is intussen gewijzigd; bekijk het opnieuw en beslis dan.".into()),
        )
        .await;
    }
    let from = d.status;
    let note = form.note.trim();
    let moves = match action.apply(from, d.escalated_at.is_some(), actor, note) {
        Ok(m) => m,
        Err(refusal) => {
            let mut m = refusal.0.to_string();
            if let Some(first) = m.get(..1) {
                m = first.to_uppercase() + &m[1..];
            }
            return render_flag(&state, &session, id, Some(format!("{m}."))).await;
        }
    };
    let steps: Vec<&str> = moves.steps.iter().map(|s| s.as_str()).collect();
    rv::decide(
        &state.store,
        &rv::NewDecision {
            flag_id: id,
            actor: &session.name,
            expected_status: d.status.as_str(),
            expected_version: d.version_id,
            steps: &steps,
            escalate: moves.escalated,
            note: (!note.is_empty()).then_some(note),
            action: action.as_str(),
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/flags/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_marks_and_merges() {
        let s = highlight("bel 06-12345678 of 06-12345678!", &["06-12345678", "12345"]);
        let hits: Vec<_> = s
            .iter()
            .filter(|s| s.hit)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(hits, ["06-12345678", "06-12345678"]);
        let joined: String = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, "bel 06-12345678 of 06-12345678!");
    }
}
