//! The demo site's HTML: listing pages, ad pages and the 404 page, with every text escaped.
//!
//! The shape is what the demo site file (`site_toml`) selects: `article.ad a.more` and
//! `a[rel=next]` on listings; `article[data-ad-id]`, `h1`, `.name`, `.location`,
//! `time[datetime]`, `.description`, `a[href^='tel:']` and `.licence` on ad pages.

use super::DemoAd;

/// Escape text for HTML element content and double- or single-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn document(title: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{} – Demo Escortgids</title>\n</head>\n<body>\n\
         <header><a href=\"/escorts?page=1\">Demo Escortgids</a>\
         <p>Demonstratiesite: alle advertenties, namen en nummers zijn verzonnen.</p></header>\n\
         <main>\n{main}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// The number of listing pages.
pub(crate) fn page_count(ads: &[DemoAd]) -> u32 {
    ads.iter().map(|ad| ad.page).max().unwrap_or(1)
}

/// `/escorts?page={page}`: the ads on that page, in order, and the pagination links.
pub(crate) fn listing_page(ads: &[DemoAd], page: u32) -> String {
    let pages = page_count(ads);
    let mut main = format!("<h1>Escorts – pagina {page} van {pages}</h1>\n");
    for ad in ads.iter().filter(|ad| ad.page == page) {
        main.push_str(&format!(
            "<article class=\"ad\"><h2>{}</h2><span class=\"location\">{}</span>\
             <a class=\"more\" href=\"{}\">Bekijk</a></article>\n",
            escape(&ad.title),
            escape(&ad.place),
            escape(&ad.path()),
        ));
    }
    main.push_str("<nav class=\"pagination\">");
    if page > 1 {
        let prev = page - 1;
        main.push_str(&format!(
            "<a rel=\"prev\" href=\"/escorts?page={prev}\">Vorige</a> "
        ));
    }
    main.push_str(&format!("<span>Pagina {page} van {pages}</span>"));
    if page < pages {
        let next = page + 1;
        main.push_str(&format!(
            " <a rel=\"next\" href=\"/escorts?page={next}\">Volgende</a>"
        ));
    }
    main.push_str("</nav>\n");
    document(&format!("Escorts – pagina {page}"), &main)
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// `2026-11-20` → `20 november 2026`.
fn dutch_date(iso: &str) -> String {
    let mut parts = iso.split('-');
    let (year, month, day) = (parts.next(), parts.next(), parts.next());
    match (year, month.and_then(|m| m.parse::<usize>().ok()), day) {
        (Some(y), Some(m @ 1..=12), Some(d)) => {
            format!("{} {} {y}", d.trim_start_matches('0'), MONTHS[m - 1])
        }
        _ => iso.to_string(),
    }
}

/// `/advertentie/{id}` (or under `/prive/`): one ad.
pub(crate) fn ad_page(ad: &DemoAd) -> String {
    let paragraphs: Vec<String> = ad
        .body
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", escape(p)))
        .collect();
    let mut main = format!(
        "<article data-ad-id=\"{}\">\n<h1>{}</h1>\n<span class=\"name\">{}</span>\n\
         <span class=\"location\">{}</span>\n<time datetime=\"{}\">{}</time>\n\
         <div class=\"description\">\n{}\n</div>\n",
        escape(&ad.id),
        escape(&ad.title),
        escape(&ad.advertiser),
        escape(&ad.place),
        escape(&ad.posted),
        dutch_date(&ad.posted),
        paragraphs.join("\n"),
    );
    if let Some(target) = &ad.phone_link {
        main.push_str(&format!("<a href=\"tel:{}\">Bel mij</a>\n", escape(target)));
    }
    if let Some(label) = &ad.licence_label {
        main.push_str(&format!("<p class=\"licence\">{}</p>\n", escape(label)));
    }
    main.push_str("</article>\n");
    document(&ad.title, &main)
}

/// The 404 page.
pub(crate) fn not_found_page() -> String {
    document(
        "Pagina niet gevonden",
        "<h1>Pagina niet gevonden</h1>\n<p>Deze advertentie bestaat niet (meer).</p>\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{ads, site_toml};
    use scraper::{Html, Selector};

    fn select(selector: &str) -> Selector {
        Selector::parse(selector).unwrap()
    }

    fn site() -> toml::Value {
        toml::from_str(&site_toml("http://127.0.0.1:1")).unwrap()
    }

    #[test]
    fn escape_covers_the_five_characters() {
        assert_eq!(
            escape("<a href=\"x\">'s & </a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;s &amp; &lt;/a&gt;"
        );
        assert_eq!(dutch_date("2026-11-05"), "5 november 2026");
    }

    /// Every crawlable ad is linked from exactly one listing page; `/prive/` links exist;
    /// every page but the last has a next link.
    #[test]
    fn listings_link_each_ad_once() {
        let all = ads();
        let site = site();
        let ad_links = select(site["listing"]["ad_links"].as_str().unwrap());
        let next = select(site["listing"]["next_page"].as_str().unwrap());
        let pages = page_count(&all);
        let mut linked = Vec::new();
        for page in 1..=pages {
            let html = Html::parse_document(&listing_page(&all, page));
            let hrefs: Vec<String> = html
                .select(&ad_links)
                .map(|a| a.value().attr("href").unwrap().to_string())
                .collect();
            assert!(
                (20..=25).contains(&hrefs.len()),
                "page {page}: {}",
                hrefs.len()
            );
            linked.extend(hrefs);
            let next_href = html
                .select(&next)
                .next()
                .and_then(|a| a.value().attr("href"));
            let expected = (page < pages).then(|| format!("/escorts?page={}", page + 1));
            assert_eq!(next_href.map(String::from), expected);
        }
        for ad in &all {
            let n = linked.iter().filter(|h| **h == ad.path()).count();
            assert_eq!(n, 1, "{}", ad.path());
        }
        assert_eq!(linked.len(), all.len());
        assert!(linked.iter().filter(|h| h.starts_with("/prive/")).count() >= 2);
    }

    /// The site file's ad selectors find exactly what the ground truth says.
    #[test]
    fn site_selectors_read_back_every_ad() {
        let site = site();
        let ad_table = &site["ad"];
        let text_of = |html: &Html, key: &str| -> Option<String> {
            let s = select(ad_table[key].as_str().unwrap());
            html.select(&s).next().map(|e| e.text().collect::<String>())
        };
        let id_sel = select(ad_table["id"]["selector"].as_str().unwrap());
        let phone_sel = select(ad_table["phone"]["selector"].as_str().unwrap());
        let time_sel = select(ad_table["posted"].as_str().unwrap());
        for ad in ads() {
            let html = Html::parse_document(&ad_page(&ad));
            let id = html
                .select(&id_sel)
                .next()
                .unwrap()
                .value()
                .attr("data-ad-id");
            assert_eq!(id, Some(ad.id.as_str()));
            assert_eq!(text_of(&html, "title").as_deref(), Some(ad.title.as_str()));
            assert_eq!(
                text_of(&html, "advertiser").as_deref(),
                Some(ad.advertiser.as_str())
            );
            assert_eq!(text_of(&html, "place").as_deref(), Some(ad.place.as_str()));
            assert_eq!(text_of(&html, "licence"), ad.licence_label);
            let body = text_of(&html, "body").unwrap();
            for paragraph in ad.body.split("\n\n") {
                assert!(body.contains(paragraph), "{}", ad.id);
            }
            let tels: Vec<_> = html
                .select(&phone_sel)
                .filter_map(|a| a.value().attr("href"))
                .collect();
            let expected: Vec<String> = ad.phone_link.iter().map(|t| format!("tel:{t}")).collect();
            assert_eq!(tels, expected);
            let posted = html
                .select(&time_sel)
                .next()
                .unwrap()
                .value()
                .attr("datetime");
            assert_eq!(posted, Some(ad.posted.as_str()));
        }
    }
}
