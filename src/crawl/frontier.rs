//! The frontier of one run: listing pages and ad pages still to fetch. It mirrors the
//! `crawl_frontier` table, which every finished page updates in the same transaction as
//! its results, so a run killed at any point resumes without fetching a finished page
//! again and without counting anything twice.

use std::collections::{HashSet, VecDeque};

use url::Url;

use crate::store::runs::FrontierEntry;

/// What to fetch next: the ads of the listings read so far first, then the next listing.
#[derive(Debug, Default)]
pub struct Frontier {
    listings: VecDeque<Url>,
    ads: VecDeque<Url>,
    /// Every URL the run has queued (done or not).
    known: HashSet<String>,
    /// Every ad URL the listings linked in this run (done or not).
    ad_urls: HashSet<String>,
    done: usize,
}

impl Frontier {
    /// Rebuild from the stored entries of a run (in discovery order).
    pub fn from_entries(entries: &[FrontierEntry]) -> Frontier {
        let mut f = Frontier::default();
        for e in entries {
            f.known.insert(e.url.clone());
            if e.is_ad {
                f.ad_urls.insert(e.url.clone());
            }
            if e.done {
                f.done += 1;
                continue;
            }
            // Stored URLs were parsed before they were stored.
            if let Ok(u) = Url::parse(&e.url) {
                if e.is_ad {
                    f.ads.push_back(u);
                } else {
                    f.listings.push_back(u);
                }
            }
        }
        f
    }

    /// The next URL and whether it is an ad page.
    pub fn pop(&mut self) -> Option<(Url, bool)> {
        match self.ads.pop_front() {
            Some(u) => Some((u, true)),
            None => self.listings.pop_front().map(|u| (u, false)),
        }
    }

    /// Keep the URLs not seen before in this run, queue them, and return them.
    pub fn add(&mut self, urls: Vec<Url>, is_ad: bool) -> Vec<Url> {
        let fresh: Vec<Url> = urls
            .into_iter()
            .filter(|u| self.known.insert(u.to_string()))
            .collect();
        for u in &fresh {
            if is_ad {
                self.ad_urls.insert(u.to_string());
                self.ads.push_back(u.clone());
            } else {
                self.listings.push_back(u.clone());
            }
        }
        fresh
    }

    pub fn mark_done(&mut self) {
        self.done += 1;
    }

    /// Pages already handled (also in earlier, killed attempts of this run).
    pub fn done(&self) -> usize {
        self.done
    }

    /// URLs still queued.
    pub fn pending(&self) -> usize {
        self.ads.len() + self.listings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ads.is_empty() && self.listings.is_empty()
    }

    /// Every ad URL the listings linked in this run.
    pub fn ad_urls(&self) -> &HashSet<String> {
        &self.ad_urls
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(&format!("http://h/{s}")).unwrap()
    }

    #[test]
    fn ads_before_the_next_listing_and_no_repeats() {
        let mut f = Frontier::default();
        f.add(vec![u("l1")], false);
        assert_eq!(f.pop(), Some((u("l1"), false)));
        assert_eq!(f.add(vec![u("a1"), u("a2"), u("a1")], true).len(), 2);
        assert_eq!(f.add(vec![u("l2"), u("l1")], false), [u("l2")]);
        assert_eq!(f.pop(), Some((u("a1"), true)));
        assert_eq!(f.pop(), Some((u("a2"), true)));
        assert_eq!(f.pop(), Some((u("l2"), false)));
        assert_eq!(f.pop(), None);
        assert_eq!(f.ad_urls().len(), 2);
    }

    #[test]
    fn resumes_with_only_the_pending_entries() {
        let e = |url: &str, is_ad, done| FrontierEntry {
            url: u(url).to_string(),
            is_ad,
            done,
        };
        let mut f = Frontier::from_entries(&[
            e("l1", false, true),
            e("a1", true, true),
            e("a2", true, false),
            e("l2", false, false),
        ]);
        assert_eq!(f.done(), 2);
        assert!(
            f.add(vec![u("a1")], true).is_empty(),
            "done URLs stay known"
        );
        assert_eq!(f.pop(), Some((u("a2"), true)));
        assert_eq!(f.pop(), Some((u("l2"), false)));
        assert!(f.is_empty());
        assert_eq!(f.ad_urls().len(), 2);
    }
}
