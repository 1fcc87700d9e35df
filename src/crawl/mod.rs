//! The crawler: for each site, fetch robots.txt, walk the listing pages (with
//! pagination) to the ad pages, keep every ad page as evidence, parse and extract it,
//! and store the ad. Politeness first: robots.txt and the per-site rate limit hold for
//! every request. One bad page never stops the run.

pub mod backoff;
pub mod fetch;
pub mod frontier;
pub mod health;
pub mod progress;
pub mod rate;
pub mod render;
pub mod robots;

use std::collections::HashMap;
use std::path::Path;

use reqwest::header::{
    HeaderMap, HeaderValue, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use url::Url;

use crate::evidence::EvidenceWriter;
use crate::extract::{AdInput, Extractor};
use crate::site::{parse, Site};
use crate::store::ads::{self, AdOutcome, NewFetch, Validators};
use crate::store::runs::{self, Health, RunStats};
use crate::store::{self, Store};
use fetch::Fetcher;
use frontier::Frontier;
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

impl From<sqlx::Error> for CrawlError {
    fn from(e: sqlx::Error) -> Self {
        CrawlError::Store(e.into())
    }
}

/// Settings that hold for the whole crawl.
#[derive(Debug, Clone)]
pub struct CrawlOptions {
    pub user_agent: String,
    /// Cap on pages per site for this run (the site's own `max_pages` also holds).
    pub max_pages: Option<u32>,
    /// No rate limit at all. Only for benchmarks against our own servers on loopback;
    /// the command line has no way to set it.
    pub unthrottled: bool,
}

/// What one site's run did.
#[derive(Debug, Clone)]
pub struct SiteReport {
    pub site_id: String,
    pub run_id: i64,
    pub stats: RunStats,
    /// Selector health after this run; broken sites make `crawl` exit non-zero.
    pub health: Health,
}

/// Crawl one site into the store, keeping evidence in new WARC files in `evidence_dir`.
/// An unfinished run of the site (the process was killed) is resumed: pages it finished
/// are not fetched again.
pub async fn crawl_site(
    store: &Store,
    site: &Site,
    opts: &CrawlOptions,
    evidence_dir: &Path,
) -> Result<SiteReport, CrawlError> {
    let mut evidence = EvidenceWriter::new(evidence_dir)?;
    crawl_site_with_evidence(store, site, opts, &mut evidence).await
}

/// Crawl one site into the store, writing evidence with `evidence` (e.g. one writer for
/// several sites, or one with a small rotation size in tests).
pub async fn crawl_site_with_evidence(
    store: &Store,
    site: &Site,
    opts: &CrawlOptions,
    evidence: &mut EvidenceWriter,
) -> Result<SiteReport, CrawlError> {
    ads::upsert_site(store, &site.id, &site.name).await?;
    let run = runs::open_run(store, &site.id).await?;
    let run_id = run.id;
    let mut stats = run.stats;
    let mut frontier = if run.resumed {
        let f = Frontier::from_entries(&runs::frontier(store, run_id).await?);
        tracing::info!(site = %site.id, run = run_id, done = f.done(), "onderbroken ronde wordt hervat");
        f
    } else {
        tracing::info!(site = %site.id, run = run_id, "crawl gestart");
        Frontier::default()
    };
    if !run.resumed || frontier.done() == 0 && frontier.is_empty() {
        let fresh = frontier.add(site.start_urls.clone(), false);
        let mut conn = store.pool().acquire().await?;
        runs::add_to_frontier(&mut conn, run_id, &fresh, false).await?;
    }
    let fetcher = Fetcher::new(&opts.user_agent, site.allowed_hosts.clone())?;
    let mut pages = render::PageFetcher::new(site, &opts.user_agent);
    let gazetteer = store::gazetteer::load(store).await?;
    let known = store::register::newest_licences(store).await?.numbers();
    let extractor = Extractor {
        gazetteer: &gazetteer,
        known_numbers: &known,
    };

    let mut limiter = if opts.unthrottled {
        RateLimiter::unlimited()
    } else {
        RateLimiter::new(site.requests_per_minute, None)
    };
    let mut robots: HashMap<String, std::sync::Arc<RobotsPolicy>> = HashMap::new();
    let budget = opts
        .max_pages
        .map_or(site.max_pages, |m| m.min(site.max_pages));

    let mut progress = progress::Progress::new(&site.id);
    while stats.pages < i64::from(budget) {
        progress.update(&stats, frontier.pending());
        let Some((url, is_ad)) = frontier.pop() else {
            break;
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
                finish_page(store, run_id, &url, &stats, &mut frontier).await?;
                continue;
            }
        }
        stats.pages += 1;
        let validators = if is_ad {
            ads::validators(store, &site.id, url.as_str()).await?
        } else {
            Validators::default()
        };
        let conditional = conditional_headers(&validators);
        let resp = match pages
            .get(&fetcher, &limiter, &mut robots, &url, &conditional)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(site = %site.id, error = %e, "ophalen mislukt");
                stats.errors += 1;
                stats.listing_errors += i64::from(!is_ad);
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
                finish_page(store, run_id, &url, &stats, &mut frontier).await?;
                continue;
            }
        };
        if is_ad && resp.status == 304 {
            // Not modified: still online, no new version, no new evidence.
            ads::insert_fetch(
                store,
                &NewFetch {
                    run_id,
                    url: url.to_string(),
                    page_kind: "ad",
                    http_status: Some(304),
                    fetched_at: store::timestamp(resp.fetched_at),
                    ..Default::default()
                },
            )
            .await?;
            let mut tx = store.pool().begin().await?;
            let seen_at = store::timestamp(resp.fetched_at);
            if ads::seen_unchanged(&mut tx, &site.id, url.as_str(), &seen_at).await? {
                stats.ads_seen += 1;
                stats.ads_not_modified += 1;
            } else {
                stats.errors += 1;
            }
            runs::page_done(&mut tx, run_id, url.as_str(), &stats).await?;
            tx.commit().await?;
            frontier.mark_done();
            continue;
        }
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
                stats.listing_errors += 1;
                finish_page(store, run_id, &url, &stats, &mut frontier).await?;
                continue;
            }
            let page = parse::parse_listing(site, &resp.url, &resp.text());
            let new_ads = frontier.add(page.ad_links, true);
            let new_listings = frontier.add(page.next_pages, false);
            let mut tx = store.pool().begin().await?;
            runs::add_to_frontier(&mut tx, run_id, &new_ads, true).await?;
            runs::add_to_frontier(&mut tx, run_id, &new_listings, false).await?;
            runs::page_done(&mut tx, run_id, url.as_str(), &stats).await?;
            tx.commit().await?;
            frontier.mark_done();
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
            finish_page(store, run_id, &url, &stats, &mut frontier).await?;
            continue;
        }
        let ev = evidence.write(&resp.capture(), &opts.user_agent)?;
        let captured_at = store::timestamp(resp.fetched_at);
        let fetch = NewFetch {
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
            warc_record_sha256: Some(ev.record_sha256.clone()),
            error: None,
        };
        let page = parse::parse_ad(site, &resp.url, &resp.text());
        stats.ads_parsed += 1;
        stats.empty_title += i64::from(page.title.trim().is_empty());
        stats.empty_body += i64::from(page.body.trim().is_empty());
        if page.is_empty() {
            tracing::warn!(%url, "advertentiepagina zonder titel en tekst: kloppen de selectors nog?");
            stats.errors += 1;
            ads::insert_fetch(store, &fetch).await?;
            finish_page(store, run_id, &url, &stats, &mut frontier).await?;
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
            site_region: &site.region,
        });
        stats.ads_seen += 1;
        // The fetch, the ad and its version, the frontier and the counters: one commit.
        let mut tx = store.pool().begin().await?;
        let fetch_id = ads::insert_fetch_in(&mut tx, &fetch).await?;
        let outcome = ads::record_ad_in(
            &mut tx,
            &site.id,
            url.as_str(),
            fetch_id,
            &captured_at,
            &page,
            &extraction,
            &validators_of(&resp),
        )
        .await?;
        match outcome {
            AdOutcome::New => stats.ads_new += 1,
            AdOutcome::Changed => stats.ads_changed += 1,
            AdOutcome::Unchanged => {}
        }
        runs::page_done(&mut tx, run_id, url.as_str(), &stats).await?;
        tx.commit().await?;
        frontier.mark_done();
    }
    progress.finish();
    let previous = runs::previous_ad_counts(store, &site.id, run_id, 1).await?;
    let health = health::judge(&stats, previous.first().copied(), frontier.is_empty());
    // Only listings read to the end say which ads are gone, and only while the selectors
    // work: a run judged broken (no ad links, a steep drop) proves nothing.
    let complete = frontier.is_empty() && stats.listing_errors == 0;
    if complete && !health.broken {
        stats.ads_removed += ads::mark_missing(
            store,
            &site.id,
            frontier.ad_urls(),
            site.remove_after_missed_runs,
        )
        .await?;
    }
    pages.shutdown().await;
    runs::finish_run(store, &site.id, run_id, &stats, &health).await?;
    if let Some(message) = &health.message {
        tracing::error!(site = %site.id, "{message}");
    }
    tracing::info!(
        site = %site.id, pages = stats.pages, ads = stats.ads_seen, new = stats.ads_new,
        changed = stats.ads_changed, not_modified = stats.ads_not_modified,
        removed = stats.ads_removed, robots_blocked = stats.robots_blocked, errors = stats.errors,
        "crawl klaar"
    );
    Ok(SiteReport {
        site_id: site.id.clone(),
        run_id,
        stats,
        health,
    })
}

/// A page that produced nothing to store: mark it done with the counters.
async fn finish_page(
    store: &Store,
    run_id: i64,
    url: &Url,
    stats: &RunStats,
    frontier: &mut Frontier,
) -> Result<(), CrawlError> {
    let mut conn = store.pool().acquire().await?;
    runs::page_done(&mut conn, run_id, url.as_str(), stats).await?;
    frontier.mark_done();
    Ok(())
}

/// `If-None-Match` / `If-Modified-Since` from the validators of the last full answer.
fn conditional_headers(v: &Validators) -> HeaderMap {
    let mut h = HeaderMap::new();
    let mut put = |name, value: &Option<String>| {
        if let Some(Ok(value)) = value.as_deref().map(HeaderValue::from_str) {
            h.insert(name, value);
        }
    };
    put(IF_NONE_MATCH, &v.etag);
    put(IF_MODIFIED_SINCE, &v.last_modified);
    h
}

/// The `ETag` and `Last-Modified` of a full answer.
fn validators_of(resp: &fetch::Response) -> Validators {
    let get = |name| {
        resp.headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    Validators {
        etag: get(ETAG),
        last_modified: get(LAST_MODIFIED),
    }
}
