//! The bundled demo ad site used by `webwacht demo` and the tests: synthetic Dutch ads,
//! an in-process HTTP server on 127.0.0.1, its site file, its licence register, and the
//! ground truth of which flags the pipeline must raise.
//!
//! Every name, phone number, licence number and address here is invented.
//!
//! | file | its one job |
//! |---|---|
//! | `ads.rs` | the [`DemoAd`] model and how specs become ads, pages and expected rules |
//! | `catalog.rs` | one line per ad: category, name, place, licence claim, phones |
//! | `text.rs` | Dutch titles and bodies from sentence pools |
//! | `phones.rs` | invented numbers from counters, written in Dutch notations |
//! | `register.rs` | the demo licence register and its CSV |
//! | `html.rs` | listing, ad and 404 pages |
//! | `server.rs` | the axum server, its request log and graceful shutdown |

mod ads;
mod catalog;
mod html;
mod phones;
mod register;
mod server;
mod text;

use std::collections::BTreeSet;

pub use ads::{ads, Category, DemoAd, SHARED_PHONE};
pub use register::register_csv;
pub use server::{router, serve, DemoServer, LoggedRequest, RequestLog, ROBOTS_TXT};

/// The demo site's id in its site file and in the database.
pub const SITE_ID: &str = "demo-escort";

/// The site file (`selectors/demo-escort.toml` format) for the demo site at `base_url`,
/// e.g. `http://127.0.0.1:43123`.
pub fn site_toml(base_url: &str) -> String {
    let base_url = base_url.trim_end_matches('/');
    format!(
        r#"[site]
id = "{SITE_ID}"
name = "Demo Escortgids"
start_urls = ["{base_url}/escorts?page=1"]
requests_per_minute = 600
respect_robots = true
max_pages = 500
enabled = true

[listing]
ad_links = "article.ad a.more"
next_page = "a[rel=next]"

[ad]
id = {{ selector = "article[data-ad-id]", attr = "data-ad-id" }}
title = "h1"
body = ".description"
advertiser = ".name"
place = ".location"
phone = {{ selector = "a[href^='tel:']", attr = "href", all = true }}
licence = ".licence"
posted = "time[datetime]"
"#
    )
}

/// Every (ad id, rule code) the pipeline must raise after crawling the demo site with the
/// default policy (every ad must show a valid licence number). Ads under `/prive/` are
/// absent: a polite crawler never fetches them.
pub fn expected_flags() -> BTreeSet<(String, &'static str)> {
    ads()
        .into_iter()
        .filter(|ad| !ad.disallowed)
        .flat_map(|ad| {
            let id = ad.id;
            ad.expected_rules
                .into_iter()
                .map(move |rule| (id.clone(), rule))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::register::tests::{normalize, parse_register};
    use std::collections::BTreeMap;

    fn crawlable() -> Vec<DemoAd> {
        ads().into_iter().filter(|a| !a.disallowed).collect()
    }

    #[test]
    fn enough_ads_pages_places_and_every_category() {
        let all = ads();
        let crawlable = crawlable();
        assert!(crawlable.len() >= 60, "{}", crawlable.len());
        assert!((2..=3).contains(&(all.len() - crawlable.len())));
        assert!(all.iter().map(|a| a.page).max().unwrap() >= 3);
        let municipalities: BTreeSet<_> = crawlable.iter().map(|a| a.municipality_code).collect();
        assert!(municipalities.len() >= 6, "{municipalities:?}");
        for category in Category::ALL {
            assert!(
                crawlable.iter().any(|a| a.category == category),
                "{category:?}"
            );
        }
        let ids: BTreeSet<_> = all.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids.len(), all.len());
    }

    #[test]
    fn site_file_has_the_fixed_shape() {
        let text = site_toml("http://127.0.0.1:43123/");
        assert!(text.contains("start_urls = [\"http://127.0.0.1:43123/escorts?page=1\"]"));
        let value: toml::Value = toml::from_str(&text).unwrap();
        assert_eq!(value["site"]["id"].as_str(), Some("demo-escort"));
        assert_eq!(value["site"]["requests_per_minute"].as_integer(), Some(600));
        assert_eq!(value["ad"]["phone"]["all"].as_bool(), Some(true));
        assert_eq!(value["ad"]["id"]["attr"].as_str(), Some("data-ad-id"));
    }

    #[test]
    fn expected_flags_per_rule() {
        let flags = expected_flags();
        let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, rule) in &flags {
            *per_rule.entry(rule).or_default() += 1;
        }
        let expected = BTreeMap::from([
            ("licence_inactive", 6),
            ("no_licence_number", 21),
            ("phone_not_on_licence", 5),
            ("phone_of_other_licence", 3),
            ("unknown_licence_number", 7),
        ]);
        assert_eq!(per_rule, expected);
        let hidden: BTreeSet<_> = ads()
            .into_iter()
            .filter(|a| a.disallowed)
            .map(|a| a.id)
            .collect();
        assert!(flags.iter().all(|(id, _)| !hidden.contains(id)));
    }

    /// The ground truth follows from the register, judged independently as the rules
    /// describe them (today's date, status, dates, phones on this or another licence).
    #[test]
    fn expected_rules_follow_from_the_register() {
        let register = parse_register(&register_csv());
        let today = chrono::Utc::now().date_naive().to_string();
        for ad in crawlable() {
            let rules: Vec<&str> = match &ad.licence_number {
                None => vec!["no_licence_number"],
                Some(number) => match register.get(&normalize(number)) {
                    None => vec!["unknown_licence_number"],
                    Some(row)
                        if row.status != "active"
                            || row.valid_from > today
                            || (!row.valid_until.is_empty() && row.valid_until < today) =>
                    {
                        vec!["licence_inactive"]
                    }
                    Some(row) => {
                        let mut rules = BTreeSet::new();
                        for phone in ad.phones.iter().filter(|p| !row.phones.contains(*p)) {
                            let owner = register.values().find(|r| r.phones.contains(phone));
                            match owner {
                                Some(other) => {
                                    assert_ne!(other.holder, row.holder);
                                    rules.insert("phone_of_other_licence");
                                }
                                None => {
                                    rules.insert("phone_not_on_licence");
                                }
                            }
                        }
                        rules.into_iter().collect()
                    }
                },
            };
            assert_eq!(rules, ad.expected_rules, "{} ({:?})", ad.id, ad.category);
        }
    }
}
