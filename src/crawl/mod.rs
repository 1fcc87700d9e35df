//! The crawler: for each site, fetch robots.txt, walk the listing pages (with
//! pagination) to the ad pages, keep every ad page as evidence, parse and extract it,
//! and store the ad. Politeness first: robots.txt and the per-site rate limit hold for
//! every request. One bad page never stops the run.

pub mod backoff;
pub mod charset;
pub mod evidence;
pub mod fetch;
pub mod rate;
pub mod robots;

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;

use url::Url;

use crate::extract::{AdInput, Extractor};
use crate::site::{parse, Site};
use crate::store::ads::{self, AdOutcome, NewFetch, RunStats};
use crate::store::{self, Store};
use evidence::EvidenceWriter;
use fetch::Fetcher;
use rate::RateLimiter;
use robots::{RobotsCache, RobotsPolicy};

/// Errors that stop a site's crawl (a single bad page does not).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CrawlError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("evidence: {0}")]
    Evidence(#[from] std::io::Error),
    #[error("HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}

/// Settings that hold for the whole crawl.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    pub user_agent: String,
    /// Cap on pages per site for this run (the site's own `max_pages` also holds).
    pub max_pages: Option<u32>,
}

/// What one site's run did.
#[derive(Debug, Clone)]
pub struct SiteReport {
    pub site_id: String,
    pub run_id: i64,
    pub stats: RunStats,
}

/// Crawl one site into the store.
pub async fn crawl_site(
    store: &Store,
    site: &Site,
    opts: &CrawlOptions,
    evidence_dir: &Path,
) -> Result<SiteReport, CrawlError> {
    ads::upsert_site(store, &site.id, &site.name).await?;
    let run_id = ads::start_run(store, &site.id).await?;
    tracing::info!(site = %site.id, run = run_id, "crawl gestart");
    let fetcher = Fetcher::new(&opts.user_agent, site.allowed_hosts.clone())?;
    let mut evidence = EvidenceWriter::new(evidence_dir)?;
    let gazetteer = store::gazetteer::load(store).await?;
    let known = store::register::newest_licences(store).await?.numbers();
    let extractor = Extractor {
        gazetteer: &gazetteer,
        known_numbers: &known,
    };

    let mut limiter = RateLimiter::new(site.requests_per_minute, None);
    let mut robots: HashMap<String, std::sync::Arc<RobotsPolicy>> = HashMap::new();
    let budget = opts
        .max_pages
        .map_or(site.max_pages, |m| m.min(site.max_pages));
    let mut stats = RunStats::default();
    let mut listings: VecDeque<Url> = site.start_urls.iter().cloned().collect();
    let mut ad_queue: VecDeque<Url> = VecDeque::new();
    let mut seen: HashSet<Url> = listings.iter().cloned().collect();

    while stats.pages < i64::from(budget) {
        // Ads of the listing just read first, then the next listing page.
        let (url, is_ad) = match ad_queue.pop_front() {
            Some(u) => (u, true),
            None => match listings.pop_front() {
                Some(u) => (u, false),
                None => break,
            },
        };
        if site.respect_robots {
            let origin = url.origin().ascii_serialization();
            let policy = RobotsCache::shared()
                .policy(
                    &fetcher,
                    &limiter,
                    &url,
                    robots::agent_token(&opts.user_agent),
                )
                .await;
            // A robots.txt new to this run (or fetched anew) sets the Crawl-delay.
            if robots
                .get(&origin)
                .is_none_or(|seen| !std::sync::Arc::ptr_eq(seen, &policy))
            {
                if let Some(delay) = policy.crawl_delay() {
                    if delay > limiter.interval() {
                        tracing::info!(site = %site.id, ?delay, "robots.txt vraagt een langere Crawl-delay");
                        limiter = RateLimiter::new(site.requests_per_minute, Some(delay));
                        // A fresh limiter would let the next request out at once, right
                        // after the robots.txt request: spend its first slot now.
                        limiter.until_ready().await;
                    }
                }
                robots.insert(origin, policy.clone());
            }
            if !policy.allowed(&url) {
                tracing::debug!(%url, "robots.txt staat dit niet toe");
                stats.robots_blocked += 1;
                continue;
            }
        }
        stats.pages += 1;
        let resp = match fetcher.get(&url, &limiter).await {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(site = %site.id, error = %e, "ophalen mislukt");
                stats.errors += 1;
                ads::insert_fetch(
                    store,
                    &NewFetch {
                        run_id,
                        url: url.to_string(),
                        page_kind: if is_ad { "ad" } else { "listing" },
                        fetched_at: store::now(),
                        error: Some(e.to_string()),
                        ..Default::default()
                    },
                )
                .await?;
                continue;
            }
        };
        let usable = resp.status == 200 && resp.is_html();
        if !is_ad {
            ads::insert_fetch(
                store,
                &NewFetch {
                    run_id,
                    url: url.to_string(),
                    page_kind: "listing",
                    http_status: Some(resp.status),
                    fetched_at: store::timestamp(resp.fetched_at),
                    body_size: Some(resp.body.len() as i64),
                    error: (!usable)
                        .then(|| format!("HTTP {} ({:?})", resp.status, resp.content_type())),
                    ..Default::default()
                },
            )
            .await?;
            if !usable {
                stats.errors += 1;
                continue;
            }
            let page = parse::parse_listing(site, &resp.url, &resp.text());
            for u in page.ad_links {
                if seen.insert(u.clone()) {
                    ad_queue.push_back(u);
                }
            }
            for u in page.next_pages {
                if seen.insert(u.clone()) {
                    listings.push_back(u);
                }
            }
            continue;
        }
        if !usable {
            stats.errors += 1;
            ads::insert_fetch(
                store,
                &NewFetch {
                    run_id,
                    url: url.to_string(),
                    page_kind: "ad",
                    http_status: Some(resp.status),
                    fetched_at: store::timestamp(resp.fetched_at),
                    error: Some(format!("HTTP {} ({:?})", resp.status, resp.content_type())),
                    ..Default::default()
                },
            )
            .await?;
            continue;
        }
        let ev = evidence.write(&resp, &opts.user_agent)?;
        let captured_at = store::timestamp(resp.fetched_at);
        let fetch_id = ads::insert_fetch(
            store,
            &NewFetch {
                run_id,
                url: url.to_string(),
                page_kind: "ad",
                http_status: Some(resp.status),
                fetched_at: captured_at.clone(),
                body_sha256: Some(ev.sha256.clone()),
                body_size: Some(resp.body.len() as i64),
                warc_file: Some(ev.file.clone()),
                warc_offset: Some(ev.offset as i64),
                warc_length: Some(ev.length as i64),
                error: None,
            },
        )
        .await?;
        let page = parse::parse_ad(site, &resp.url, &resp.text());
        if page.is_empty() {
            tracing::warn!(%url, "advertentiepagina zonder titel en tekst: kloppen de selectors nog?");
            stats.errors += 1;
            continue;
        }
        let extraction = extractor.ad(&AdInput {
            title: &page.title,
            body: &page.body,
            advertiser: page.advertiser.as_deref(),
            place_field: page.place.as_deref(),
            licence_field: page.licence.as_deref(),
            phone_values: &page.phone_values,
            links: &page.links,
        });
        stats.ads_seen += 1;
        match ads::record_ad(
            store,
            &site.id,
            url.as_str(),
            fetch_id,
            &captured_at,
            &page,
            &extraction,
        )
        .await?
        {
            AdOutcome::New => stats.ads_new += 1,
            AdOutcome::Changed => stats.ads_changed += 1,
            AdOutcome::Unchanged => {}
        }
    }
    ads::finish_run(store, run_id, &stats, "finished").await?;
    tracing::info!(
        site = %site.id, pages = stats.pages, ads = stats.ads_seen, new = stats.ads_new,
        changed = stats.ads_changed, robots_blocked = stats.robots_blocked, errors = stats.errors,
        "crawl klaar"
    );
    Ok(SiteReport {
        site_id: site.id.clone(),
        run_id,
        stats,
    })
}
