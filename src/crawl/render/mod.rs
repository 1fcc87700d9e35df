//! Pages that build their ads with JavaScript: a site with `render = "chromium"` has
//! each page rendered by headless Chromium, and the DOM after the page's scripts ran
//! (`document.documentElement.outerHTML`) becomes the page body. Everything after the
//! fetch (evidence, parsing, extraction) is unchanged; the evidence record of a rendered
//! page holds the DOM, marked with the header `X-Crawler-Rendered: chromium`.
//!
//! Politeness holds for every request the page makes: the page's network layer is
//! replaced by ours. `Fetch.enable` pauses every request before it is sent, and each one
//! is answered here: fetched with the site's own [`Fetcher`] (so the site's
//! [`RateLimiter`], User-Agent, allowed hosts and body limit apply) and handed back with
//! `Fetch.fulfillRequest`, or refused with `Fetch.failRequest` (`BlockedByClient`) when
//! its host is not allowed, robots.txt disallows it, it is not a GET, or it is a kind of
//! resource the text of an ad never needs (images, fonts, style sheets, media). As a
//! second fence Chromium is pointed at a proxy that does not exist, so a request that
//! somehow escaped interception fails instead of reaching the site.
//!
//! Chromium (`/usr/bin/chromium`, Debian's package) is started lazily, once per site
//! run, with its own temporary profile, and is killed when dropped. Each page gets a
//! fresh tab that is closed afterwards, so nothing of one page leaks into the next.
//!
//! The parts: `browser` starts Chromium and renders one page in a tab, answering its
//! requests through a `Gate` (this file) that applies the site's rules; `cdp` is the
//! DevTools connection.
//!
//! # Why a small hand-written CDP client
//! Only ten DevTools methods and two events (`Fetch.requestPaused`,
//! `Page.loadEventFired`) are needed (`Target.createTarget/attachToTarget/
//! closeTarget`, `Page.enable/navigate`, `Fetch.enable/fulfillRequest/failRequest`,
//! `Runtime.evaluate`, `Browser.close`), spoken as JSON over one websocket
//! (`tokio-tungstenite`). The `chromiumoxide` crate brings the whole generated protocol
//! (`chromiumoxide_cdp`) and a second `reqwest`. Measured on the 2-core build machine,
//! clean builds next to the same tokio/serde_json/url baseline (144 s CPU): chromiumoxide
//! added 460 s of CPU time (about 4 minutes of wall time on an idle machine; adding it
//! to this crate recompiled 104 crates and took 30 minutes while colleagues built too),
//! tokio-tungstenite added 35 s. The limit we set was about a minute.

mod browser;
mod cdp;

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use reqwest::header::{
    HeaderMap, HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, ETAG, LAST_MODIFIED,
    TRANSFER_ENCODING,
};
use url::Url;

use super::fetch::{FetchError, Fetcher, Response, DEFAULT_BODY_LIMIT};
use super::rate::RateLimiter;
use super::robots::{self, RobotsPolicy};
use crate::site::{Render, Site};
use browser::Browser;

/// Debian's Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// How long Chromium may take to start and print its DevTools address.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a DevTools command may take to answer (commands that wait on us excepted).
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long Chromium itself may take to load a page. Only time spent waiting on
/// Chromium counts, not our own (rate-limited) fetches.
pub const LOAD_TIMEOUT: Duration = Duration::from_secs(30);
/// After the load event the page is done once it made no request for this long.
pub const SETTLE_QUIET: Duration = Duration::from_millis(500);
/// ... or when it kept Chromium busy for this long after the load event.
pub const SETTLE_MAX: Duration = Duration::from_secs(5);
/// Requests one page may have fetched for it; later ones are refused.
pub const MAX_REQUESTS_PER_PAGE: usize = 50;
/// Marks a response (and so its evidence record) as Chromium's DOM rather than the
/// server's bytes; `X-Crawler-` is the evidence's prefix for what the crawler wrote.
pub const RENDERED_HEADER: &str = "x-crawler-rendered";

/// Why a page could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// Fetching the page itself failed (as without Chromium).
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("Chromium ({path}) kon niet starten: {reason}")]
    Launch { path: String, reason: String },
    #[error("{url}: Chromium: {problem}")]
    Page { url: String, problem: String },
    #[error("Chromium: {0}")]
    Protocol(String),
}

/// Fetches a site's pages the way its site file asks: plain HTTP, or rendered by
/// Chromium. One per site run.
pub struct PageFetcher {
    render: Render,
    rules: SiteRules,
    /// Chromium, once started.
    browser: Option<Browser>,
    /// Why Chromium could not start; not tried again in this run.
    launch_failed: Option<String>,
    /// Extra spacing for other origins whose robots.txt asks a longer Crawl-delay than
    /// the site's limiter keeps.
    origin_limiters: HashMap<String, RateLimiter>,
}

/// What of the site decides whether a request may go out.
struct SiteRules {
    allowed_hosts: Vec<String>,
    respect_robots: bool,
    requests_per_minute: u32,
    user_agent: String,
}

impl PageFetcher {
    pub fn new(site: &Site, user_agent: &str) -> PageFetcher {
        PageFetcher {
            render: site.render,
            rules: SiteRules {
                allowed_hosts: site.allowed_hosts.clone(),
                respect_robots: site.respect_robots,
                requests_per_minute: site.requests_per_minute,
                user_agent: user_agent.to_string(),
            },
            browser: None,
            launch_failed: None,
            origin_limiters: HashMap::new(),
        }
    }

    /// Fetch one page. `robots` is the crawl's robots.txt cache per origin; with
    /// Chromium, origins the page's scripts or data come from are added to it.
    /// `conditional` (`If-None-Match`, ...) is sent only without Chromium: a rendered
    /// page changes with its scripts and data, which the document's validators do not
    /// cover, so it is always fetched in full.
    pub async fn get(
        &mut self,
        fetcher: &Fetcher,
        limiter: &RateLimiter,
        robots: &mut HashMap<String, std::sync::Arc<RobotsPolicy>>,
        url: &Url,
        conditional: &HeaderMap,
    ) -> Result<Response, RenderError> {
        if self.render == Render::Http {
            return Ok(fetcher.get_with(url, limiter, conditional).await?);
        }
        if let Some(reason) = &self.launch_failed {
            return Err(RenderError::Launch {
                path: CHROMIUM.into(),
                reason: reason.clone(),
            });
        }
        if self.browser.is_none() {
            match Browser::launch(Path::new(CHROMIUM), &self.rules.user_agent).await {
                Ok(b) => self.browser = Some(b),
                Err(e) => {
                    if let RenderError::Launch { reason, .. } = &e {
                        self.launch_failed = Some(reason.clone());
                    }
                    return Err(e);
                }
            }
        }
        let browser = self.browser.as_mut().expect("started above");
        let mut gate = Gate {
            fetcher,
            limiter,
            robots,
            origin_limiters: &mut self.origin_limiters,
            rules: &self.rules,
        };
        let result = browser.render(url, &mut gate).await;
        if matches!(result, Err(RenderError::Protocol(_))) {
            // The connection is gone or Chromium crashed: start afresh for the next page.
            if let Some(b) = self.browser.take() {
                b.close().await;
            }
        }
        result
    }

    /// Close Chromium, if it was started.
    pub async fn shutdown(mut self) {
        if let Some(b) = self.browser.take() {
            b.close().await;
        }
    }
}

/// Decides and performs the requests of one page.
struct Gate<'a> {
    fetcher: &'a Fetcher,
    limiter: &'a RateLimiter,
    robots: &'a mut HashMap<String, std::sync::Arc<RobotsPolicy>>,
    origin_limiters: &'a mut HashMap<String, RateLimiter>,
    rules: &'a SiteRules,
}

/// Why a request of the page was not fetched.
#[derive(Debug)]
enum Refusal {
    Host,
    Robots,
    Failed(FetchError),
}

impl Gate<'_> {
    fn allows_host(&self, url: &Url) -> bool {
        matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|h| {
                self.rules
                    .allowed_hosts
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(h))
            })
    }

    /// Fetch `url` for the page, under the same rules as every other request of the site.
    async fn fetch(&mut self, url: &Url) -> Result<Response, Refusal> {
        if !self.allows_host(url) {
            return Err(Refusal::Host);
        }
        let origin = url.origin().ascii_serialization();
        if self.rules.respect_robots {
            if !self.robots.contains_key(&origin) {
                let agent = robots::agent_token(&self.rules.user_agent);
                let policy = robots::RobotsCache::shared()
                    .policy(self.fetcher, self.limiter, url, agent)
                    .await;
                if let Some(delay) = policy
                    .crawl_delay()
                    .filter(|d| *d > self.limiter.interval())
                {
                    tracing::info!(%origin, ?delay, "robots.txt vraagt een langere Crawl-delay");
                    let extra = RateLimiter::new(self.rules.requests_per_minute, Some(delay));
                    // Its first slot goes to the robots.txt request just made.
                    extra.until_ready().await;
                    self.origin_limiters.insert(origin.clone(), extra);
                }
                self.robots.insert(origin.clone(), policy);
            }
            if !self.robots[&origin].allowed(url) {
                return Err(Refusal::Robots);
            }
        }
        if let Some(extra) = self.origin_limiters.get(&origin) {
            extra.until_ready().await;
        }
        self.fetcher
            .get(url, self.limiter)
            .await
            .map_err(Refusal::Failed)
    }
}

/// The page's response with the rendered DOM as its body.
fn rendered_response(main: Response, html: &str) -> Response {
    let mut body = format!("<!DOCTYPE html>\n{html}").into_bytes();
    let mut truncated = main.truncated;
    if body.len() > DEFAULT_BODY_LIMIT {
        let mut cut = DEFAULT_BODY_LIMIT;
        while cut > 0 && (body[cut] & 0xC0) == 0x80 {
            cut -= 1; // not inside a UTF-8 sequence
        }
        body.truncate(cut);
        truncated = true;
    }
    let mut headers = main.headers;
    // They described the document's bytes, not the DOM (and validators would let the
    // next run skip a page whose data changed).
    for name in [
        CONTENT_LENGTH,
        CONTENT_ENCODING,
        TRANSFER_ENCODING,
        ETAG,
        LAST_MODIFIED,
    ] {
        headers.remove(name);
    }
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(RENDERED_HEADER, HeaderValue::from_static("chromium"));
    Response {
        url: main.url,
        status: main.status,
        headers,
        body,
        truncated,
        fetched_at: chrono::Utc::now(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &str) -> Response {
        Response {
            url: Url::parse("http://127.0.0.1/advertentie/1").unwrap(),
            status: 200,
            headers: Default::default(),
            body: body.as_bytes().to_vec(),
            truncated: false,
            fetched_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn rendered_body_is_marked_html_and_keeps_the_address() {
        let mut doc = response("<main></main>");
        doc.headers.insert(ETAG, HeaderValue::from_static("\"v1\""));
        doc.headers
            .insert(CONTENT_LENGTH, HeaderValue::from_static("13"));
        let resp = rendered_response(doc, "<html><body>x</body></html>");
        assert!(resp.headers.get(ETAG).is_none() && resp.headers.get(CONTENT_LENGTH).is_none());
        assert_eq!(resp.url.path(), "/advertentie/1");
        assert!(resp.is_html());
        assert_eq!(resp.headers[RENDERED_HEADER], "chromium");
        assert_eq!(resp.text(), "<!DOCTYPE html>\n<html><body>x</body></html>");
        assert!(!resp.truncated);
    }

    #[test]
    fn rendered_body_over_the_limit_is_cut_on_a_character_boundary() {
        let html = "é".repeat(DEFAULT_BODY_LIMIT);
        let resp = rendered_response(response(""), &html);
        assert!(resp.truncated);
        assert!(resp.body.len() <= DEFAULT_BODY_LIMIT);
        assert!(std::str::from_utf8(&resp.body).is_ok());
    }
}
