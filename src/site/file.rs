//! The site file as written (`selectors/<id>.toml`): plain serde structs that reject
//! unknown keys. [`super::compile`] turns them into a validated [`super::Site`].

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    pub site: SiteSection,
    pub listing: ListingSection,
    pub ad: AdSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSection {
    pub id: String,
    pub name: String,
    pub start_urls: Vec<String>,
    pub allowed_hosts: Option<Vec<String>>,
    pub requests_per_minute: Option<u32>,
    pub respect_robots: Option<bool>,
    pub max_pages: Option<u32>,
    pub remove_after_missed_runs: Option<u32>,
    pub enabled: Option<bool>,
    /// `"http"` (default) or `"chromium"`; checked by [`super::compile`].
    pub render: Option<String>,
    /// The municipalities (CBS codes) the site covers, if it is regional: context for place
    /// names that several municipalities share.
    pub region: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListingSection {
    pub ad_links: String,
    pub next_page: Option<String>,
}

/// The `[ad]` fields. Each value is a string ("text of the first match") or a table
/// `{ selector, attr, all }`; [`super::compile`] checks the shape so errors can name the key.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdSection {
    pub id: Option<toml::Value>,
    pub title: toml::Value,
    pub body: toml::Value,
    pub advertiser: Option<toml::Value>,
    pub place: Option<toml::Value>,
    pub phone: Option<toml::Value>,
    pub licence: Option<toml::Value>,
    pub posted: Option<toml::Value>,
}
