//! Apply a compiled [`Site`] to a page: the ad links and next page of a listing, the
//! fields of an ad. Malformed HTML is tolerated (html5ever repairs it).

use scraper::{ElementRef, Html, Selector};
use serde::Serialize;
use sha2::{Digest, Sha256};
use url::Url;

use super::compile::Field;
use super::Site;
use crate::extract::text::html_text_and_links;

/// What a listing page leads to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ListingPage {
    pub ad_links: Vec<Url>,
    pub next_pages: Vec<Url>,
}

/// The fields of one ad page, as the site file selects them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AdPage {
    /// The site's own id for the ad, or the URL when the site file has no `ad.id`.
    pub external_id: String,
    pub title: String,
    pub body: String,
    pub advertiser: Option<String>,
    pub place: Option<String>,
    /// Values of the `ad.phone` field (e.g. `tel:` hrefs).
    pub phone_values: Vec<String>,
    pub licence: Option<String>,
    pub posted: Option<String>,
    /// Link targets inside the ad (hrefs), where numbers may hide.
    pub links: Vec<String>,
}

impl AdPage {
    /// SHA-256 of the parsed content: a new ad version only when this changes.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("AdPage serialises");
        hex::encode(Sha256::digest(json))
    }

    /// True when the page yielded neither title nor body: the selectors found nothing.
    pub fn is_empty(&self) -> bool {
        self.title.is_empty() && self.body.is_empty()
    }
}

/// Ad links and pagination links on a listing page, resolved against `base` and
/// limited to the site's allowed hosts; duplicates removed, order kept.
pub fn parse_listing(site: &Site, base: &Url, html: &str) -> ListingPage {
    let doc = crate::extract::html_depth::parse_document(html);
    let links = |sel: &Selector| -> Vec<Url> {
        let mut out: Vec<Url> = Vec::new();
        for el in doc.select(sel) {
            let Some(href) = el.value().attr("href") else {
                continue;
            };
            let Ok(mut url) = base.join(href.trim()) else {
                continue;
            };
            url.set_fragment(None);
            if site.allows_host(&url) && !out.contains(&url) {
                out.push(url);
            }
        }
        out
    };
    ListingPage {
        ad_links: links(&site.ad_links),
        next_pages: site.next_page.as_ref().map(links).unwrap_or_default(),
    }
}

/// The fields of an ad page.
pub fn parse_ad(site: &Site, url: &Url, html: &str) -> AdPage {
    let doc = crate::extract::html_depth::parse_document(html);
    let f = &site.fields;
    let first = |field: &Option<Field>| {
        field
            .as_ref()
            .and_then(|fd| values(&doc, fd).into_iter().next())
    };
    let external_id = first(&f.id).unwrap_or_else(|| url.to_string());
    let body = doc
        .select(&f.body.selector)
        .next()
        .map(|el| match &f.body.attr {
            Some(a) => el.value().attr(a).unwrap_or_default().trim().to_string(),
            // The fast single pass where the markup allows (a second html5ever parse
            // of the body doubled the time of a hostile page).
            None => html_text_and_links(&el.inner_html()).0,
        })
        .unwrap_or_default();
    let links = doc
        .select(&HREFS)
        .filter_map(|el| el.value().attr("href"))
        .map(str::to_string)
        .collect();
    AdPage {
        external_id,
        title: values(&doc, &f.title)
            .into_iter()
            .next()
            .unwrap_or_default(),
        body,
        advertiser: first(&f.advertiser),
        place: first(&f.place),
        phone_values: f
            .phone
            .as_ref()
            .map(|fd| values(&doc, fd))
            .unwrap_or_default(),
        licence: first(&f.licence),
        posted: f.posted.as_ref().and_then(|fd| {
            // A `time` element's datetime attribute beats its text.
            doc.select(&fd.selector).next().map(|el| {
                fd.attr
                    .as_ref()
                    .and_then(|a| el.value().attr(a))
                    .or_else(|| el.value().attr("datetime"))
                    .map(str::to_string)
                    .unwrap_or_else(|| text_of(el))
            })
        }),
        links,
    }
}

static HREFS: std::sync::LazyLock<Selector> =
    std::sync::LazyLock::new(|| Selector::parse("[href]").expect("valid selector"));

/// What a field selects on a page: text or attribute, first match or all, trimmed and
/// without empty values.
pub fn values(doc: &Html, field: &Field) -> Vec<String> {
    let mut out = Vec::new();
    for el in doc.select(&field.selector) {
        let v = match &field.attr {
            Some(a) => el.value().attr(a).map(|s| s.trim().to_string()),
            None => Some(text_of(el)),
        };
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.push(v);
            if !field.all {
                break;
            }
        }
    }
    out
}

/// The text of an element with whitespace collapsed.
fn text_of(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    for piece in el.text() {
        for word in piece.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::compile::compile_str;
    use std::path::Path;

    fn site() -> Site {
        compile_str(
            Path::new("s.toml"),
            r#"
[site]
id = "s"
name = "S"
start_urls = ["http://127.0.0.1/l"]
[listing]
ad_links = "a.more"
next_page = "a[rel=next]"
[ad]
id = { selector = "article[data-ad-id]", attr = "data-ad-id" }
title = "h1"
body = ".description"
place = ".location"
phone = { selector = "a[href^='tel:']", attr = "href", all = true }
licence = ".licence"
posted = "time"
"#,
        )
        .unwrap()
    }

    #[test]
    fn listing_links_are_absolute_deduplicated_and_host_limited() {
        let base = Url::parse("http://127.0.0.1/l?page=1").unwrap();
        let html = r#"<a class="more" href="/ad/1">x</a><a class="more" href="/ad/1#top">x</a>
            <a class="more" href="http://elsewhere.example/ad/2">x</a>
            <a rel="next" href="?page=2">volgende</a>"#;
        let page = parse_listing(&site(), &base, html);
        assert_eq!(
            page.ad_links,
            vec![Url::parse("http://127.0.0.1/ad/1").unwrap()]
        );
        assert_eq!(
            page.next_pages,
            vec![Url::parse("http://127.0.0.1/l?page=2").unwrap()]
        );
    }

    #[test]
    fn ad_fields_are_selected() {
        let url = Url::parse("http://127.0.0.1/ad/7").unwrap();
        let html = r#"<article data-ad-id="a7"><h1> Lotte  </h1><span class="location">Rhoon</span>
            <time datetime="2026-11-20">20 nov</time>
            <div class="description"><p>Hallo</p><p>Bel <b>snel</b></p><script>alert(1)</script></div>
            <a href="tel:+31612345678">bel</a><a href="tel:0612345679">bel</a>
            <p class="licence">Vergunningnummer: ESC-1</p></article>"#;
        let ad = parse_ad(&site(), &url, html);
        assert_eq!(ad.external_id, "a7");
        assert_eq!(ad.title, "Lotte");
        assert_eq!(ad.place.as_deref(), Some("Rhoon"));
        assert_eq!(ad.posted.as_deref(), Some("2026-11-20"));
        assert_eq!(ad.phone_values, vec!["tel:+31612345678", "tel:0612345679"]);
        assert_eq!(ad.licence.as_deref(), Some("Vergunningnummer: ESC-1"));
        assert!(ad.body.contains("Hallo") && ad.body.contains("snel"));
        assert!(!ad.body.contains("alert"));
        assert_eq!(
            ad.content_hash(),
            parse_ad(&site(), &url, html).content_hash()
        );
    }

    #[test]
    fn missing_id_falls_back_to_url() {
        let url = Url::parse("http://127.0.0.1/ad/8").unwrap();
        let ad = parse_ad(&site(), &url, "<h1>t</h1>");
        assert_eq!(ad.external_id, "http://127.0.0.1/ad/8");
    }
}
