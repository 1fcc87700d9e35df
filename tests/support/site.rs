//! Site files for the tests' loopback sites: one builder instead of a `site_toml()` per
//! test file. What a test does not set is what its sites share: 6,000 requests per
//! minute (loopback), ad links `article.ad a.more`, title `h1`, body `.description`.

use std::path::Path;

use webwacht::site::compile::compile_str;
use webwacht::site::Site;

/// A site file under construction (`selectors/*.toml` format).
#[derive(Debug, Clone)]
pub struct SiteFile {
    id: String,
    name: String,
    start_url: String,
    site: Vec<(String, String)>,
    listing: Vec<(String, String)>,
    ad: Vec<(String, String)>,
}

impl SiteFile {
    /// A site `id` whose crawl starts at `start_url` (`http://127.0.0.1:port/path`).
    pub fn new(id: &str, name: &str, start_url: &str) -> SiteFile {
        SiteFile {
            id: id.into(),
            name: name.into(),
            start_url: start_url.into(),
            site: vec![("requests_per_minute".into(), "6000".into())],
            listing: vec![("ad_links".into(), quoted("article.ad a.more"))],
            ad: vec![
                ("title".into(), quoted("h1")),
                ("body".into(), quoted(".description")),
            ],
        }
    }

    /// Set a key of `[site]` to a TOML value as written (`"600"`, `"true"`, `"[\"a\"]"`).
    pub fn site(mut self, key: &str, toml_value: &str) -> SiteFile {
        set(&mut self.site, key, toml_value.into());
        self
    }

    /// Set a key of `[listing]` to a selector.
    pub fn listing(mut self, key: &str, selector: &str) -> SiteFile {
        set(&mut self.listing, key, quoted(selector));
        self
    }

    /// Set a key of `[ad]` to a selector.
    pub fn ad(mut self, key: &str, selector: &str) -> SiteFile {
        set(&mut self.ad, key, quoted(selector));
        self
    }

    /// Set a key of `[ad]` to a TOML value as written (an inline table with `attr`).
    pub fn ad_value(mut self, key: &str, toml_value: &str) -> SiteFile {
        set(&mut self.ad, key, toml_value.into());
        self
    }

    /// The ad id from the attribute `data-ad-id` of `article[data-ad-id]`.
    pub fn ad_id_attribute(self) -> SiteFile {
        self.ad_value(
            "id",
            r#"{ selector = "article[data-ad-id]", attr = "data-ad-id" }"#,
        )
    }

    /// The site file's text.
    pub fn toml(&self) -> String {
        let mut out = format!(
            "[site]\nid = {}\nname = {}\nstart_urls = [{}]\n",
            quoted(&self.id),
            quoted(&self.name),
            quoted(&self.start_url)
        );
        let section = |out: &mut String, title: &str, keys: &[(String, String)]| {
            if !title.is_empty() {
                out.push_str(&format!("\n[{title}]\n"));
            }
            for (k, v) in keys {
                out.push_str(&format!("{k} = {v}\n"));
            }
        };
        section(&mut out, "", &self.site);
        section(&mut out, "listing", &self.listing);
        section(&mut out, "ad", &self.ad);
        out
    }

    /// The compiled site, as `webwacht` would load it from `<id>.toml`.
    pub fn compile(&self) -> Site {
        compile_str(Path::new(&format!("{}.toml", self.id)), &self.toml())
            .unwrap_or_else(|e| panic!("{e}\n{}", self.toml()))
    }
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.into()).to_string()
}

fn set(keys: &mut Vec<(String, String)>, key: &str, value: String) {
    match keys.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value,
        None => keys.push((key.into(), value)),
    }
}
