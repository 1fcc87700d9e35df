//! What the flag pages and the pages around them share: Dutch labels of rules and
//! statuses, a queue row ready for a template, ids and addresses from outside, and the
//! captured page for the sandboxed frame.

use std::path::Path;

use super::WebError;
use crate::review::FlagStatus;
use crate::store::ads::StoredEvidence;
use crate::store::review::QueueRow;

/// NL Design System status-badge modifier of a flag status.
pub fn badge(status: FlagStatus) -> &'static str {
    match status {
        FlagStatus::New => "neutral",
        FlagStatus::InReview => "warning",
        FlagStatus::Confirmed => "danger",
        FlagStatus::Reported => "invalid",
        FlagStatus::Resolved => "safe",
        FlagStatus::Dismissed | FlagStatus::Closed => "inactive",
    }
}

/// A queue row ready for a template.
pub struct RowView {
    pub id: i64,
    pub rule_label: String,
    pub strength: i64,
    pub status_label: String,
    pub badge: &'static str,
    pub municipality: String,
    pub site_id: String,
    pub first_seen: String,
    pub last_seen: String,
    pub escalated: bool,
}

impl From<QueueRow> for RowView {
    fn from(r: QueueRow) -> RowView {
        RowView {
            id: r.id,
            rule_label: r.rule.title().to_string(),
            strength: r.strength,
            status_label: r.status.dutch().to_string(),
            badge: badge(r.status),
            municipality: r
                .municipality_name
                .or(r.municipality_code)
                .unwrap_or_else(|| "onbekend".into()),
            site_id: r.site_id,
            first_seen: day(&r.first_seen).to_string(),
            last_seen: day(&r.last_seen).to_string(),
            escalated: r.escalated,
        }
    }
}

/// `2026-11-30T08:00:00Z` → `2026-11-30 08:00`.
pub fn day(ts: &str) -> String {
    ts.get(..16)
        .map_or_else(|| ts.to_string(), |s| s.replace('T', " "))
}

pub fn parse_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(WebError::NotFound)
}

/// Is this an address a browser may follow (http or https)? Anything else is shown as
/// text, never as a link: ad URLs come from outside.
pub fn is_web_url(u: &str) -> bool {
    url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

/// Captured pages larger than this are not shown inline.
pub const MAX_SNAPSHOT_BYTES: usize = 2 * 1024 * 1024;

/// The captured page as text for the sandboxed `srcdoc` frame, with a CSP of its own
/// (`default-src 'none'`) in front, on top of the page's CSP that the frame inherits and
/// the frame's `sandbox`. The caller escapes it into the attribute.
pub fn captured_html(evidence_dir: &Path, ev: &StoredEvidence) -> Result<String, String> {
    let (content_type, body) = crate::evidence::read_response(evidence_dir, ev)
        .map_err(|why| format!("De vastgelegde pagina kan niet getoond worden: {why}."))?;
    if body.len() > MAX_SNAPSHOT_BYTES {
        return Err(format!(
            "De vastgelegde pagina is te groot om hier te tonen ({} bytes); het bewijs staat in {}.",
            body.len(),
            ev.file
        ));
    }
    let url = url::Url::parse(&ev.url).map_err(|e| format!("ongeldig adres: {e}"))?;
    let text = crate::evidence::charset::decode(&body, content_type.as_deref(), &url);
    Ok(format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">{text}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_urls_are_links() {
        assert!(is_web_url("https://ads.example/a/1"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("data:text/html,<script>"));
    }
}
