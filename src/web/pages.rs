//! Pages around the flags: one phone number's timeline, one ad, search, the anonymous
//! monitor, health and metrics.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::{Chrome, Session};
use super::view::{is_web_url, parse_id, RowView};
use super::{AppState, WebError};
use crate::extract::phone::find_phones;
use crate::store::review::{self as rv, QueueFilter, Scope, Sort};

#[derive(Template)]
#[template(path = "phone.html")]
struct PhonePage {
    chrome: Option<Chrome>,
    e164: String,
    sightings: Vec<rv::PhoneSighting>,
    truncated: bool,
    places: Vec<String>,
    names: Vec<String>,
    sites: Vec<String>,
    rows: Vec<RowView>,
}

/// Is `s` an E.164 number as stored (`+` and 7 to 15 digits)?
fn is_e164(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|d| {
        (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
    })
}

pub async fn get_phone(
    State(state): State<AppState>,
    session: Session,
    Path(raw): Path<String>,
) -> Result<Response, WebError> {
    session.require_research()?;
    if !is_e164(&raw) {
        // Any other notation: find the number in it and go to its canonical page.
        return match find_phones(&raw).as_slice() {
            [one] => Ok(Redirect::to(&format!("/phones/{}", one.e164)).into_response()),
            _ => Err(WebError::NotFound),
        };
    }
    let scope = session.scope();
    let sightings = rv::phone_timeline(&state.store, &scope, &raw).await?;
    let ids = rv::flags_with_phone(&state.store, &scope, &raw).await?;
    session.audit_view(&state, &format!("phone:{raw}")).await?;
    let rows = flag_rows(&state, &scope, ids).await?;
    let distinct = |f: &dyn Fn(&rv::PhoneSighting) -> Option<String>| -> Vec<String> {
        sightings
            .iter()
            .filter_map(f)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let page = PhonePage {
        chrome: Some(session.chrome("search")),
        truncated: sightings.len() as i64 >= rv::TIMELINE_LIMIT,
        places: distinct(&|s| s.municipality_name.clone().or_else(|| s.place_text.clone())),
        names: distinct(&|s| s.advertiser.clone()),
        sites: distinct(&|s| Some(s.site_id.clone())),
        e164: raw,
        sightings,
        rows,
    };
    Ok(Html(page.render()?).into_response())
}

/// Queue rows for these flags that `scope` may see, newest first.
async fn flag_rows(
    state: &AppState,
    scope: &Scope,
    ids: Vec<i64>,
) -> Result<Vec<RowView>, WebError> {
    let n = ids.len() as i64;
    let filter = QueueFilter {
        ids: Some(ids),
        ..QueueFilter::default()
    };
    Ok(
        rv::queue(&state.store, scope, &filter, Sort::Newest, 1, n.max(1))
            .await?
            .rows
            .into_iter()
            .map(RowView::from)
            .collect(),
    )
}

/// One version of an ad for the template.
pub struct VersionView {
    pub captured_at: String,
    pub title: String,
    pub advertiser: String,
    pub place: String,
    pub body: String,
    pub phones: Vec<String>,
}

#[derive(Template)]
#[template(path = "ad.html")]
struct AdPage {
    chrome: Option<Chrome>,
    ad_id: i64,
    site_id: String,
    url: String,
    url_is_web: bool,
    first_seen: String,
    last_seen: String,
    removed_at: Option<String>,
    rows: Vec<RowView>,
    versions: Vec<VersionView>,
}

pub async fn get_ad(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    session.require_research()?;
    let scope = session.scope();
    let ad = rv::ad_detail(&state.store, &scope, parse_id(&id)?)
        .await?
        .ok_or(WebError::NotFound)?;
    session.audit_view(&state, &format!("ad:{}", ad.id)).await?;
    let rows = flag_rows(&state, &scope, ad.flag_ids).await?;
    let dash = |s: Option<String>| s.filter(|s| !s.is_empty()).unwrap_or_else(|| "-".into());
    let page = AdPage {
        chrome: Some(session.chrome("search")),
        ad_id: ad.id,
        url_is_web: is_web_url(&ad.url),
        site_id: ad.site_id,
        url: ad.url,
        first_seen: ad.first_seen,
        last_seen: ad.last_seen,
        removed_at: ad.removed_at,
        rows,
        versions: ad
            .versions
            .into_iter()
            .map(|v| VersionView {
                captured_at: v.captured_at,
                title: dash(v.title),
                advertiser: dash(v.advertiser),
                place: dash(v.place_text),
                body: v.body.unwrap_or_default(),
                phones: v.phones,
            })
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Option<Chrome>,
    q: String,
    understood: Vec<String>,
    rows: Vec<RowView>,
    truncated: bool,
}

/// Letters and digits, upper case: the key licence numbers are matched on.
fn normalize_number(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub async fn get_search(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<SearchParams>,
) -> Result<Html<String>, WebError> {
    session.require_research()?;
    let q = params.q.trim().to_string();
    super::limits::check_query(&q)?;
    let mut understood = Vec::new();
    let mut rows = Vec::new();
    let mut truncated = false;
    if !q.is_empty() {
        let phones: Vec<String> = find_phones(&q).into_iter().map(|p| p.e164).collect();
        for p in &phones {
            understood.push(format!("telefoon {p}"));
        }
        let number = normalize_number(&q);
        // A licence number may be typed with spaces ("ESC 2024 0153"), but not as a
        // sentence: at most four words.
        let number = (number.len() >= 4
            && number.bytes().any(|b| b.is_ascii_digit())
            && q.split_whitespace().count() <= 4)
            .then_some(number);
        if let Some(n) = &number {
            understood.push(format!("vergunning- of registratienummer {n}"));
        }
        let municipalities = rv::municipalities_named(&state.store, &q).await?;
        if !municipalities.is_empty() {
            understood.push(format!("plaats {q}"));
        }
        let text = (q.chars().count() >= 3).then(|| q.clone());
        if text.is_some() {
            understood.push(format!("tekst \u{201c}{q}\u{201d}"));
        }
        let terms = rv::SearchTerms {
            phones,
            number,
            municipalities,
            text,
        };
        let ids = rv::search(&state.store, &session.scope(), &terms).await?;
        truncated = ids.len() as i64 >= rv::SEARCH_LIMIT;
        crate::store::audit::record(&state.store, &session.name, "search", None, Some(&q)).await?;
        rows = flag_rows(&state, &session.scope(), ids).await?;
    }
    let page = SearchPage {
        chrome: Some(session.chrome("search")),
        q,
        understood,
        rows,
        truncated,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "monitor.html")]
struct MonitorPage {
    chrome: Option<Chrome>,
    rows: Vec<(String, String, i64)>,
}

/// Anonymous counts only; a municipality sees its own territory.
pub async fn get_monitor(
    State(state): State<AppState>,
    session: Session,
) -> Result<Html<String>, WebError> {
    let rows = rv::monitor_counts(&state.store, &session.scope())
        .await?
        .into_iter()
        .map(|(m, s, n)| (m, s.dutch().to_string(), n))
        .collect();
    let page = MonitorPage {
        chrome: Some(session.chrome("monitor")),
        rows,
    };
    Ok(Html(page.render()?))
}

/// Liveness and database reachability; no session, no data.
pub async fn get_healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(_) => "ok\n".into_response(),
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database niet bereikbaar\n",
        )
            .into_response(),
    }
}

/// Prometheus text format; counts only, no personal data.
pub async fn get_metrics(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, WebError> {
    session.require_coordinator()?;
    let counts = rv::monitor_counts(&state.store, &Scope::All).await?;
    let mut per_status: std::collections::BTreeMap<&str, i64> = Default::default();
    for (_, s, n) in counts {
        *per_status.entry(s.as_str()).or_default() += n;
    }
    let mut out =
        String::from("# HELP webwacht_flags Signalen per status.\n# TYPE webwacht_flags gauge\n");
    for (s, n) in per_status {
        out.push_str(&format!("webwacht_flags{{status=\"{s}\"}} {n}\n"));
    }
    let sites = crate::store::runs::site_statuses(&state.store).await?;
    out.push_str("# HELP webwacht_site_broken 1 als de selectors van een site niets meer vinden.\n# TYPE webwacht_site_broken gauge\n");
    for s in &sites {
        out.push_str(&format!(
            "webwacht_site_broken{{site=\"{}\"}} {}\n",
            s.id,
            i32::from(s.health == "broken")
        ));
    }
    out.push_str(
        "# HELP webwacht_site_ads Huidige advertenties per site.\n# TYPE webwacht_site_ads gauge\n",
    );
    for s in &sites {
        out.push_str(&format!(
            "webwacht_site_ads{{site=\"{}\"}} {}\n",
            s.id, s.ads_current
        ));
    }
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response())
}
