//! Compile a parsed site file into a validated [`Site`]: CSS selectors parsed, URLs
//! checked, defaults applied. Every error names the file and the key.

use std::path::{Path, PathBuf};

use scraper::Selector;
use url::Url;

use super::file::{AdSection, SiteFile};
use super::SiteError;

pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 20;
pub const DEFAULT_MAX_PAGES: u32 = 2000;
/// More than this is not polite to any site; a typo such as 6000 is caught at start.
pub const MAX_REQUESTS_PER_MINUTE: u32 = 6000;
/// An ad the listings no longer link is marked removed after this many runs.
pub const DEFAULT_REMOVE_AFTER_MISSED_RUNS: u32 = 3;

/// A validated site, ready for the crawler.
#[derive(Debug, Clone)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub file: PathBuf,
    pub start_urls: Vec<Url>,
    /// Host names (without port) that may be fetched.
    pub allowed_hosts: Vec<String>,
    pub requests_per_minute: u32,
    pub respect_robots: bool,
    pub max_pages: u32,
    /// Runs in a row whose complete listings no longer link an ad before it is marked
    /// removed.
    pub remove_after_missed_runs: u32,
    pub enabled: bool,
    /// How pages are fetched: plain HTTP, or rendered by headless Chromium.
    pub render: Render,
    pub ad_links: Selector,
    /// The CSS text of `listing.ad_links`, for messages.
    pub ad_links_css: String,
    pub next_page: Option<Selector>,
    pub fields: AdFields,
    /// Municipality codes the site covers (`site.region`); empty for a national site.
    /// Context when an ad names a place that several municipalities share.
    pub region: Vec<String>,
}

/// How a site's pages are fetched (`site.render`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Render {
    /// The page as the server sends it.
    #[default]
    Http,
    /// The DOM after headless Chromium ran the page's scripts, for sites that build
    /// their ads with JavaScript. Every request still goes through the crawler's own
    /// polite fetcher (see `crawl::render`).
    Chromium,
}

impl Render {
    /// The values `site.render` accepts.
    pub const VALUES: [&'static str; 2] = ["http", "chromium"];

    fn parse(value: &str) -> Option<Render> {
        match value {
            "http" => Some(Render::Http),
            "chromium" => Some(Render::Chromium),
            _ => None,
        }
    }
}

/// The compiled `[ad]` section.
#[derive(Debug, Clone)]
pub struct AdFields {
    pub id: Option<Field>,
    pub title: Field,
    pub body: Field,
    pub advertiser: Option<Field>,
    pub place: Option<Field>,
    pub phone: Option<Field>,
    pub licence: Option<Field>,
    pub posted: Option<Field>,
}

/// One field: where to look, and what to take (text or an attribute, first or all).
#[derive(Debug, Clone)]
pub struct Field {
    pub source: String,
    pub selector: Selector,
    pub attr: Option<String>,
    pub all: bool,
}

impl Site {
    /// May this URL be fetched for this site?
    pub fn allows_host(&self, url: &Url) -> bool {
        url.host_str()
            .is_some_and(|h| self.allowed_hosts.iter().any(|a| a.eq_ignore_ascii_case(h)))
    }
}

/// Parse and compile a site file's text; `file` is used in errors and must be named
/// `<id>.toml`.
pub fn compile_str(file: &Path, text: &str) -> Result<Site, SiteError> {
    let raw: SiteFile = toml::from_str(text).map_err(|e| SiteError::Toml {
        file: file.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let bad = |key: &str, problem: String| SiteError::Invalid {
        file: file.to_path_buf(),
        key: key.to_string(),
        problem,
    };

    let s = raw.site;
    if s.id.is_empty()
        || !s
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(bad(
            "site.id",
            format!("{:?} is ongeldig: alleen a-z, 0-9 en '-'", s.id),
        ));
    }
    if let Some(stem) = file.file_stem().and_then(|s| s.to_str()) {
        if stem != s.id {
            return Err(bad(
                "site.id",
                format!(
                    "{:?} moet gelijk zijn aan de bestandsnaam ({stem}.toml)",
                    s.id
                ),
            ));
        }
    }
    if s.name.trim().is_empty() {
        return Err(bad("site.name", "mag niet leeg zijn".into()));
    }
    if s.start_urls.is_empty() {
        return Err(bad("site.start_urls", "minstens één URL nodig".into()));
    }
    let mut start_urls = Vec::new();
    for (i, u) in s.start_urls.iter().enumerate() {
        let key = format!("site.start_urls[{i}]");
        let url =
            Url::parse(u).map_err(|e| bad(&key, format!("{u:?} is geen geldige URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(bad(
                &key,
                format!("{u:?}: alleen http(s)-URL's met een host"),
            ));
        }
        start_urls.push(url);
    }
    let allowed_hosts = match s.allowed_hosts {
        Some(hosts) if hosts.is_empty() => {
            return Err(bad("site.allowed_hosts", "mag niet leeg zijn".into()))
        }
        Some(hosts) => hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect(),
        None => {
            let mut hosts: Vec<String> = start_urls
                .iter()
                .filter_map(|u| u.host_str().map(str::to_ascii_lowercase))
                .collect();
            hosts.dedup();
            hosts
        }
    };
    let requests_per_minute = s.requests_per_minute.unwrap_or(DEFAULT_REQUESTS_PER_MINUTE);
    if requests_per_minute == 0 || requests_per_minute > MAX_REQUESTS_PER_MINUTE {
        return Err(bad(
            "site.requests_per_minute",
            format!("{requests_per_minute} valt buiten 1..={MAX_REQUESTS_PER_MINUTE}"),
        ));
    }
    let max_pages = s.max_pages.unwrap_or(DEFAULT_MAX_PAGES);
    if max_pages == 0 {
        return Err(bad("site.max_pages", "moet minstens 1 zijn".into()));
    }
    let remove_after_missed_runs = s
        .remove_after_missed_runs
        .unwrap_or(DEFAULT_REMOVE_AFTER_MISSED_RUNS);
    if remove_after_missed_runs == 0 {
        return Err(bad(
            "site.remove_after_missed_runs",
            "moet minstens 1 zijn".into(),
        ));
    }
    let region = s.region.unwrap_or_default();
    for (i, code) in region.iter().enumerate() {
        let valid = code.len() == 6
            && code.starts_with("GM")
            && code[2..].bytes().all(|b| b.is_ascii_digit());
        if !valid {
            return Err(bad(
                &format!("site.region[{i}]"),
                format!("{code:?} is geen gemeentecode (GM gevolgd door vier cijfers)"),
            ));
        }
    }
    let render = match s.render.as_deref() {
        None => Render::default(),
        Some(value) => Render::parse(value).ok_or_else(|| {
            bad(
                "site.render",
                format!(
                    "onbekende waarde {value:?} (toegestaan: {})",
                    Render::VALUES.join(", ")
                ),
            )
        })?,
    };
    let site = Site {
        id: s.id,
        name: s.name,
        file: file.to_path_buf(),
        start_urls,
        allowed_hosts,
        requests_per_minute,
        respect_robots: s.respect_robots.unwrap_or(true),
        max_pages,
        remove_after_missed_runs,
        enabled: s.enabled.unwrap_or(true),
        render,
        ad_links_css: raw.listing.ad_links.clone(),
        ad_links: selector("listing.ad_links", &raw.listing.ad_links)
            .map_err(|p| bad("listing.ad_links", p))?,
        next_page: match &raw.listing.next_page {
            Some(sel) => {
                Some(selector("listing.next_page", sel).map_err(|p| bad("listing.next_page", p))?)
            }
            None => None,
        },
        fields: compile_fields(raw.ad, &bad)?,
        region,
    };
    for (i, u) in site.start_urls.iter().enumerate() {
        if !site.allows_host(u) {
            return Err(bad(
                &format!("site.start_urls[{i}]"),
                format!("host van {u} staat niet in allowed_hosts"),
            ));
        }
    }
    Ok(site)
}

fn selector(_key: &str, css: &str) -> Result<Selector, String> {
    super::css::compile(css)
}

fn compile_fields(
    ad: AdSection,
    bad: &dyn Fn(&str, String) -> SiteError,
) -> Result<AdFields, SiteError> {
    let one = |name: &str, v: toml::Value| -> Result<Field, SiteError> {
        let key = format!("ad.{name}");
        field(v).map_err(|p| bad(&key, p))
    };
    let opt = |name: &str, v: Option<toml::Value>| -> Result<Option<Field>, SiteError> {
        v.map(|v| one(name, v)).transpose()
    };
    Ok(AdFields {
        id: opt("id", ad.id)?,
        title: one("title", ad.title)?,
        body: one("body", ad.body)?,
        advertiser: opt("advertiser", ad.advertiser)?,
        place: opt("place", ad.place)?,
        phone: opt("phone", ad.phone)?,
        licence: opt("licence", ad.licence)?,
        posted: opt("posted", ad.posted)?,
    })
}

/// A field value is a CSS string or a table `{ selector, attr, all }`.
fn field(v: toml::Value) -> Result<Field, String> {
    match v {
        toml::Value::String(css) => Ok(Field {
            selector: selector("", &css)?,
            source: css,
            attr: None,
            all: false,
        }),
        toml::Value::Table(t) => {
            for k in t.keys() {
                if !matches!(k.as_str(), "selector" | "attr" | "all") {
                    return Err(format!(
                        "onbekende sleutel {k:?} (toegestaan: selector, attr, all)"
                    ));
                }
            }
            let css = match t.get("selector") {
                Some(toml::Value::String(s)) => s.clone(),
                Some(_) => return Err("selector moet een tekst zijn".into()),
                None => return Err("sleutel \"selector\" ontbreekt".into()),
            };
            let attr = match t.get("attr") {
                Some(toml::Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(_) => return Err("attr moet een niet-lege tekst zijn".into()),
                None => None,
            };
            let all = match t.get("all") {
                Some(toml::Value::Boolean(b)) => *b,
                Some(_) => return Err("all moet true of false zijn".into()),
                None => false,
            };
            Ok(Field {
                selector: selector("", &css)?,
                source: css,
                attr,
                all,
            })
        }
        other => Err(format!(
            "verwacht een CSS-selector (tekst) of een tabel, niet {}",
            other.type_str()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[site]
id = "demo-escort"
name = "Demo"
start_urls = ["http://127.0.0.1:8089/escorts?page=1"]
requests_per_minute = 30

[listing]
ad_links = "article.ad a.more"
next_page = "a[rel=next]"

[ad]
id = { selector = "article[data-ad-id]", attr = "data-ad-id" }
title = "h1"
body = ".description"
phone = { selector = "a[href^='tel:']", attr = "href", all = true }
"#;

    fn compile(text: &str) -> Result<Site, SiteError> {
        compile_str(Path::new("selectors/demo-escort.toml"), text)
    }

    #[test]
    fn good_file_compiles_with_defaults() {
        let site = compile(GOOD).unwrap();
        assert_eq!(site.allowed_hosts, vec!["127.0.0.1"]);
        assert_eq!(site.requests_per_minute, 30);
        assert_eq!(site.max_pages, DEFAULT_MAX_PAGES);
        assert!(site.respect_robots && site.enabled);
        let phone = site.fields.phone.unwrap();
        assert!(phone.all);
        assert_eq!(phone.attr.as_deref(), Some("href"));
    }

    #[test]
    fn region_holds_municipality_codes() {
        let with = |region: &str| {
            compile(&GOOD.replace(
                "requests_per_minute = 30",
                &format!("requests_per_minute = 30\nregion = {region}"),
            ))
        };
        assert_eq!(
            with(r#"["GM0394", "GM0392"]"#).unwrap().region,
            ["GM0394", "GM0392"]
        );
        assert!(compile(GOOD).unwrap().region.is_empty());
        let msg = with(r#"["GM0394", "Haarlem"]"#).unwrap_err().to_string();
        assert!(
            msg.contains("site.region[1]") && msg.contains("Haarlem"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_key_is_named() {
        let err = compile(&GOOD.replace("requests_per_minute", "request_per_minute")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("demo-escort.toml") && msg.contains("request_per_minute"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_key_in_field_table_is_named() {
        let err = compile(&GOOD.replace("attr = \"href\"", "atr = \"href\"")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("ad.phone") && msg.contains("atr"), "{msg}");
    }

    #[test]
    fn bad_css_names_key() {
        let err = compile(&GOOD.replace("\".description\"", "\"div[\"")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("ad.body") && msg.contains("CSS"), "{msg}");
    }

    #[test]
    fn missing_required_key_is_named() {
        let err = compile(&GOOD.replace("title = \"h1\"\n", "")).unwrap_err();
        assert!(err.to_string().contains("title"), "{err}");
    }

    #[test]
    fn id_must_match_file_name() {
        let err = compile_str(Path::new("selectors/other.toml"), GOOD).unwrap_err();
        assert!(err.to_string().contains("site.id"), "{err}");
    }

    #[test]
    fn shipped_template_compiles() {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/selectors/voorbeeld-gids.toml"
        ));
        let site = crate::site::load_file(path).unwrap();
        assert!(!site.enabled, "the template must stay disabled");
    }

    #[test]
    fn render_defaults_to_http_and_accepts_chromium() {
        assert_eq!(compile(GOOD).unwrap().render, Render::Http);
        let text = GOOD.replace(
            "requests_per_minute = 30",
            "requests_per_minute = 30\nrender = \"chromium\"",
        );
        assert_eq!(compile(&text).unwrap().render, Render::Chromium);
    }

    #[test]
    fn unknown_render_value_names_file_and_key() {
        let text = GOOD.replace(
            "requests_per_minute = 30",
            "requests_per_minute = 30\nrender = \"firefox\"",
        );
        let msg = compile(&text).unwrap_err().to_string();
        assert!(
            msg.contains("demo-escort.toml")
                && msg.contains("site.render")
                && msg.contains("firefox")
                && msg.contains("chromium"),
            "{msg}"
        );
    }

    #[test]
    fn start_url_outside_allowed_hosts_is_rejected() {
        let text = GOOD.replace(
            "requests_per_minute = 30",
            "allowed_hosts = [\"example.org\"]",
        );
        let err = compile(&text).unwrap_err();
        assert!(err.to_string().contains("allowed_hosts"), "{err}");
    }
}
