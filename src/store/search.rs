//! Finding flags: by phone (the timeline of a number across ads), and by search terms.

use super::scope::Scope;
use super::sql::Sql;
use super::types::Truth;
use super::{Result, Store};

/// One capture in the timeline of a phone number.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhoneSighting {
    pub captured_at: String,
    pub ad_id: i64,
    pub site_id: String,
    pub url: String,
    pub advertiser: Option<String>,
    pub place_text: Option<String>,
    pub municipality_name: Option<String>,
    pub raw: String,
    #[sqlx(try_from = "Truth")]
    pub obfuscated: bool,
}

/// How many captures the phone page shows at most.
pub const TIMELINE_LIMIT: i64 = 500;

/// Every capture of an ad that carried `e164`, newest first (a restricted scope: only the
/// captures its own signals rest on).
pub async fn phone_timeline(
    store: &Store,
    scope: &Scope,
    e164: &str,
) -> Result<Vec<PhoneSighting>> {
    let mut q = Sql::new(
        "SELECT v.captured_at, a.id AS ad_id, a.site_id, a.url, v.advertiser, v.place_text,
                m.name AS municipality_name, p.raw, p.obfuscated
         FROM version_phones p JOIN ad_versions v ON v.id = p.version_id JOIN ads a ON a.id = v.ad_id
         LEFT JOIN municipalities m ON m.code = v.municipality_code
         WHERE p.e164 = ",
    );
    q.push_bind(e164);
    scope.and_version(&mut q, "v.id");
    q.push(" ORDER BY v.captured_at DESC, v.id DESC LIMIT ")
        .push_bind(TIMELINE_LIMIT);
    Ok(q.build_query_as().fetch_all(store.pool()).await?)
}

/// Ids of the flags `scope` may see on ads that ever carried `e164`.
pub async fn flags_with_phone(store: &Store, scope: &Scope, e164: &str) -> Result<Vec<i64>> {
    let mut q = Sql::new(
        "SELECT f.id FROM flags f WHERE f.ad_id IN
           (SELECT v.ad_id FROM version_phones p JOIN ad_versions v ON v.id = p.version_id WHERE p.e164 = ",
    );
    q.push_bind(e164).push(")");
    scope.and_flag(&mut q, "f");
    q.push(" ORDER BY f.id");
    Ok(q.build_query_scalar().fetch_all(store.pool()).await?)
}

/// How many flags a search returns at most.
pub const SEARCH_LIMIT: i64 = 500;

/// What one search looks for; every part is optional and the results are joined.
#[derive(Debug, Clone, Default)]
pub struct SearchTerms {
    /// Phones in E.164, already parsed from whatever notation was typed.
    pub phones: Vec<String>,
    /// A licence or registration number, normalised (upper case, letters and digits).
    pub number: Option<String>,
    /// Municipality codes of a place name.
    pub municipalities: Vec<String>,
    /// The text as typed, matched in title, body, advertiser and place of the capture.
    pub text: Option<String>,
}

/// Ids of the flags `scope` may see matching any of the terms, newest first.
pub async fn search(store: &Store, scope: &Scope, t: &SearchTerms) -> Result<Vec<i64>> {
    let mut q = Sql::new("SELECT f.id FROM flags f WHERE (1 = 0");
    if !t.phones.is_empty() {
        q.push(
            " OR f.ad_id IN (SELECT v.ad_id FROM version_phones p JOIN ad_versions v ON v.id = p.version_id
              WHERE p.e164 IN (",
        );
        q.push_bind_list(t.phones.iter().map(String::as_str));
        q.push("))");
    }
    if let Some(n) = &t.number {
        q.push(
            " OR f.ad_id IN (SELECT v.ad_id FROM version_numbers n JOIN ad_versions v ON v.id = n.version_id
              WHERE n.normalized = ",
        )
        .push_bind(n)
        .push(")");
    }
    if !t.municipalities.is_empty() {
        q.push(" OR f.municipality_code IN (");
        q.push_bind_list(t.municipalities.iter().map(String::as_str));
        q.push(")");
    }
    if let Some(text) = &t.text {
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let like = store.engine().like();
        q.push(format_args!(
            " OR f.version_id IN (SELECT id FROM ad_versions WHERE title {like} "
        ))
        .push_bind(pattern.clone())
        .push(format_args!(" ESCAPE '\\' OR body {like} "))
        .push_bind(pattern.clone())
        .push(format_args!(" ESCAPE '\\' OR advertiser {like} "))
        .push_bind(pattern.clone())
        .push(format_args!(" ESCAPE '\\' OR place_text {like} "))
        .push_bind(pattern)
        .push(" ESCAPE '\\')");
    }
    q.push(")");
    scope.and_flag(&mut q, "f");
    q.push(" ORDER BY f.first_seen DESC, f.id DESC LIMIT ")
        .push_bind(SEARCH_LIMIT);
    Ok(q.build_query_scalar().fetch_all(store.pool()).await?)
}

/// Municipality codes for a place or municipality name (case-insensitive).
pub async fn municipalities_named(store: &Store, name: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT code FROM municipalities WHERE lower(name) = lower($1)
         UNION SELECT municipality_code FROM places WHERE lower(name) = lower($1)",
    )
    .bind(name)
    .fetch_all(store.pool())
    .await?)
}
