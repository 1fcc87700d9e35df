//! Pages that build their ads with JavaScript: a site with `render = "chromium"` has
//! each page rendered by headless Chromium, and the DOM after the page's scripts ran
//! (`document.documentElement.outerHTML`) becomes the page body. Everything after the
//! fetch (evidence, parsing, extraction) is unchanged.
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
//! # Why a small hand-written CDP client
//! Only eight DevTools methods are needed (`Target.createTarget/attachToTarget/
//! closeTarget`, `Page.enable/navigate`, `Fetch.enable/fulfillRequest/failRequest`,
//! `Runtime.evaluate`, `Browser.close`), spoken as JSON over one websocket
//! (`tokio-tungstenite`). The `chromiumoxide` crate would bring the whole generated
//! protocol: measured on the 2-core build machine, adding it cost about 9½ minutes of
//! extra clean compile time, far above the one minute we allow a dependency.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use data_encoding::BASE64;
use futures_util::{SinkExt, StreamExt};
use reqwest::header::{
    HeaderMap, HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, ETAG, LAST_MODIFIED,
    TRANSFER_ENCODING,
};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;
use url::Url;

use super::fetch::{FetchError, Fetcher, Response, DEFAULT_BODY_LIMIT};
use super::rate::RateLimiter;
use super::robots::{self, RobotsPolicy};
use crate::site::{Render, Site};

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
/// Resource types fetched for a page: the document, its scripts and their data.
/// Everything else (images, fonts, style sheets, media, pings) is refused.
const FETCHED_TYPES: [&str; 4] = ["Document", "Script", "XHR", "Fetch"];
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
        robots: &mut HashMap<String, RobotsPolicy>,
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
    robots: &'a mut HashMap<String, RobotsPolicy>,
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
                let policy = RobotsPolicy::fetch(self.fetcher, self.limiter, url, agent).await;
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

/// A running headless Chromium and the DevTools connection to it. Dropping it kills
/// Chromium first, then removes the profile.
struct Browser {
    process: Process,
    cdp: Cdp,
    /// The temporary profile; removed (dropped) after Chromium was killed.
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn launch(path: &Path, user_agent: &str) -> Result<Browser, RenderError> {
        let failed = |reason: String| RenderError::Launch {
            path: path.display().to_string(),
            reason,
        };
        if !path.exists() {
            return Err(failed(
                "niet gevonden; installeer het Debian-pakket 'chromium'".into(),
            ));
        }
        let profile = tempfile::Builder::new()
            .prefix("webwacht-chromium-")
            .tempdir()
            .map_err(|e| failed(format!("tijdelijk profiel: {e}")))?;
        let child = Command::new(path)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-extensions",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--mute-audio",
                "--hide-scrollbars",
                // Second fence: anything not answered through Fetch goes to a proxy that
                // is not there (loopback included), so it never reaches the site.
                "--proxy-server=http://127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--user-agent={user_agent}"))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| failed(e.to_string()))?;
        // From here on an early return kills Chromium.
        let mut process = Process(child);
        let stderr = process.0.stderr.take().expect("stderr is piped");
        let (address_tx, address_rx) = oneshot::channel();
        std::thread::spawn(move || read_stderr(stderr, address_tx));
        let ws_url = match tokio::time::timeout(START_TIMEOUT, address_rx).await {
            Ok(Ok(Ok(url))) => url,
            Ok(Ok(Err(said))) => {
                return Err(failed(format!("gestopt zonder DevTools-adres: {said}")))
            }
            Ok(Err(_)) | Err(_) => {
                return Err(failed(format!(
                    "geen DevTools-adres binnen {START_TIMEOUT:?}"
                )))
            }
        };
        let cdp = Cdp::connect(&ws_url)
            .await
            .map_err(|e| failed(format!("{ws_url}: {e}")))?;
        tracing::info!(pid = process.0.id(), "Chromium gestart");
        Ok(Browser {
            process,
            cdp,
            _profile: profile,
        })
    }

    /// Render `url` in a fresh tab and return its DOM as the page's response.
    async fn render(&mut self, url: &Url, gate: &mut Gate<'_>) -> Result<Response, RenderError> {
        let created = self
            .cdp
            .call(None, "Target.createTarget", json!({ "url": "about:blank" }))
            .await?;
        let target = str_field(&created, "targetId")?.to_string();
        let result = self.render_in(&target, url, gate).await;
        if let Err(e) = self
            .cdp
            .call(None, "Target.closeTarget", json!({ "targetId": target }))
            .await
        {
            tracing::debug!(error = %e, "tabblad sluiten mislukt");
        }
        result
    }

    async fn render_in(
        &mut self,
        target: &str,
        url: &Url,
        gate: &mut Gate<'_>,
    ) -> Result<Response, RenderError> {
        let page_error = |problem: String| RenderError::Page {
            url: url.to_string(),
            problem,
        };
        let attached = self
            .cdp
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target, "flatten": true }),
            )
            .await?;
        let session = str_field(&attached, "sessionId")?.to_string();
        let s = Some(session.as_str());
        self.cdp.call(s, "Page.enable", json!({})).await?;
        self.cdp
            .call(
                s,
                "Fetch.enable",
                json!({ "patterns": [{ "urlPattern": "*", "requestStage": "Request" }] }),
            )
            .await?;
        // Not awaited here: Chromium answers only after we answered the page's request.
        let mut navigation = Some(self.cdp.send(
            s,
            "Page.navigate",
            json!({ "url": url.as_str() }),
        ));
        let mut page = PageState {
            target,
            main: None,
            redirected: HashMap::new(),
            fetched: 0,
        };
        let mut loaded = false;
        let mut waited = Duration::ZERO;
        let mut last_request = Instant::now();
        loop {
            let limit = if loaded {
                SETTLE_QUIET
                    .saturating_sub(last_request.elapsed())
                    .min(SETTLE_MAX.saturating_sub(waited))
            } else {
                LOAD_TIMEOUT.saturating_sub(waited)
            };
            let started = Instant::now();
            let next = tokio::select! {
                reply = async { navigation.as_mut().expect("checked").await }, if navigation.is_some() => Next::Navigated(reply),
                event = self.cdp.events.recv() => Next::Event(event),
                () = tokio::time::sleep(limit) => Next::Quiet,
            };
            waited += started.elapsed();
            match next {
                Next::Navigated(reply) => {
                    navigation = None;
                    let reply = reply.map_err(|_| closed())?.map_err(page_error)?;
                    if let Some(err) = reply.get("errorText").and_then(Value::as_str) {
                        if page.main.is_none() {
                            return Err(page_error(format!("laden mislukt: {err}")));
                        }
                    }
                }
                Next::Event(None) => return Err(closed()),
                Next::Event(Some(event)) => {
                    if event.session.as_deref() != s {
                        continue;
                    }
                    match event.method.as_str() {
                        "Fetch.requestPaused" => {
                            self.answer(&session, &event.params, &mut page, gate)
                                .await?;
                            last_request = Instant::now();
                            if let Some(main) = &page.main {
                                if main.status != 200 || !main.is_html() {
                                    // Nothing to render: keep the response as it came.
                                    return Ok(page.main.take().expect("checked"));
                                }
                            }
                        }
                        "Page.loadEventFired" if page.main.is_some() && !loaded => {
                            loaded = true;
                            waited = Duration::ZERO;
                            last_request = Instant::now();
                        }
                        "Inspector.detached" | "Target.targetCrashed" => {
                            return Err(page_error(format!("tabblad weg ({})", event.method)));
                        }
                        _ => {}
                    }
                }
                Next::Quiet if loaded => break,
                Next::Quiet => {
                    return Err(page_error(format!(
                        "pagina niet geladen binnen {LOAD_TIMEOUT:?}"
                    )))
                }
            }
        }
        let main = page.main.take().expect("loaded implies a document");
        let evaluated = self
            .cdp
            .call(
                s,
                "Runtime.evaluate",
                json!({ "expression": "document.documentElement.outerHTML", "returnByValue": true }),
            )
            .await?;
        if let Some(details) = evaluated.get("exceptionDetails") {
            return Err(page_error(format!("DOM niet leesbaar: {details}")));
        }
        let html = evaluated
            .pointer("/result/value")
            .and_then(Value::as_str)
            .ok_or_else(|| page_error("DOM niet leesbaar: geen tekst".into()))?;
        Ok(rendered_response(main, html))
    }

    /// Answer one paused request: fetch it politely and fulfil it, or refuse it.
    async fn answer(
        &mut self,
        session: &str,
        params: &Value,
        page: &mut PageState<'_>,
        gate: &mut Gate<'_>,
    ) -> Result<(), RenderError> {
        let id = str_field(params, "requestId")?;
        let raw_url = params
            .pointer("/request/url")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let method = params
            .pointer("/request/method")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = params
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let is_main = kind == "Document"
            && params.get("frameId").and_then(Value::as_str) == Some(page.target);
        let url = Url::parse(raw_url).ok();

        let outcome = match &url {
            _ if method != "GET" => Err("geen GET"),
            _ if !FETCHED_TYPES.contains(&kind) => Err("niet nodig"),
            None => Err("ongeldige URL"),
            Some(url) => match page.redirected.remove(url) {
                // Our fetcher already followed this redirect; Chromium now asks for the
                // target, whose answer we have.
                Some(resp) => Ok(resp),
                None if page.fetched >= MAX_REQUESTS_PER_PAGE => Err("te veel verzoeken"),
                None => {
                    page.fetched += 1;
                    match gate.fetch(url).await {
                        Ok(resp) => Ok(resp),
                        Err(Refusal::Host) => Err("host niet toegestaan"),
                        Err(Refusal::Robots) => Err("robots.txt"),
                        Err(Refusal::Failed(e)) if is_main => return Err(e.into()),
                        Err(Refusal::Failed(e)) => {
                            tracing::debug!(error = %e, "ophalen voor pagina mislukt");
                            Err("ophalen mislukt")
                        }
                    }
                }
            },
        };
        let resp = match outcome {
            Ok(resp) => resp,
            Err(why) => {
                tracing::debug!(url = raw_url, kind, why, "verzoek van pagina geweigerd");
                if is_main {
                    return Err(RenderError::Page {
                        url: raw_url.to_string(),
                        problem: format!("pagina geweigerd: {why}"),
                    });
                }
                let failed = json!({ "requestId": id, "errorReason": "BlockedByClient" });
                return self.answer_call(session, "Fetch.failRequest", failed).await;
            }
        };
        let fulfil = if url.as_ref() != Some(&resp.url) {
            // Let Chromium see the redirect, so the document's address (and what its
            // relative links resolve against) is the final one.
            let location = resp.url.to_string();
            page.redirected.insert(resp.url.clone(), resp);
            json!({
                "requestId": id,
                "responseCode": 302,
                "responseHeaders": [{ "name": "Location", "value": location }],
                "body": "",
            })
        } else {
            let headers: Vec<Value> = resp
                .headers
                .iter()
                .filter(|(name, _)| !HOP_HEADERS.contains(&name.as_str()))
                .filter_map(|(name, value)| {
                    let value = value.to_str().ok()?;
                    Some(json!({ "name": name.as_str(), "value": value }))
                })
                .collect();
            let body = BASE64.encode(&resp.body);
            let status = resp.status;
            if is_main {
                page.main = Some(resp);
            }
            json!({
                "requestId": id,
                "responseCode": status,
                "responseHeaders": headers,
                "body": body,
            })
        };
        self.answer_call(session, "Fetch.fulfillRequest", fulfil)
            .await
    }

    /// Send our answer to a paused request. Chromium refuses it when the page dropped
    /// the request meanwhile; only a lost connection is an error.
    async fn answer_call(
        &mut self,
        session: &str,
        method: &str,
        params: Value,
    ) -> Result<(), RenderError> {
        match self.cdp.call(Some(session), method, params).await {
            Ok(_) => Ok(()),
            Err(CdpError::Refused(message)) => {
                tracing::debug!(method, message, "antwoord op verzoek niet aangenomen");
                Ok(())
            }
            Err(e @ CdpError::Gone(_)) => Err(e.into()),
        }
    }

    /// Ask Chromium to quit and give it a moment; dropping [`Process`] kills what is left.
    async fn close(mut self) {
        let _ = tokio::time::timeout(
            Duration::from_secs(5),
            self.cdp.call(None, "Browser.close", json!({})),
        )
        .await;
        for _ in 0..50 {
            if !matches!(self.process.0.try_wait(), Ok(None)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tracing::info!("Chromium gestopt");
    }
}

/// The Chromium process; killed and reaped when dropped (also on an early return or a
/// panic).
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Read Chromium's stderr: hand over the DevTools address once it is printed (or the
/// last lines if Chromium ends first), then keep reading so Chromium never blocks on a
/// full pipe.
fn read_stderr(
    stderr: std::process::ChildStderr,
    address: oneshot::Sender<Result<String, String>>,
) {
    let mut address = Some(address);
    let mut said: Vec<String> = Vec::new();
    for line in std::io::BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        match line.trim().strip_prefix("DevTools listening on ") {
            Some(url) if address.is_some() => {
                if let Some(tx) = address.take() {
                    let _ = tx.send(Ok(url.to_string()));
                }
            }
            _ if address.is_some() => said.push(line),
            _ => tracing::trace!(target: "chromium", "{line}"),
        }
    }
    if let Some(tx) = address {
        let _ = tx.send(Err(tail(&said)));
    }
}

/// Headers that describe the connection or the encoding of the bytes on the wire, not
/// the body Chromium is given.
const HOP_HEADERS: [&str; 6] = [
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "upgrade",
];

/// What one page's requests have produced so far.
struct PageState<'a> {
    /// The tab's id, which is also its main frame's id.
    target: &'a str,
    /// The main document as fetched.
    main: Option<Response>,
    /// Responses that our fetcher reached through a redirect, by final URL, until
    /// Chromium follows the redirect to them.
    redirected: HashMap<Url, Response>,
    /// Requests fetched for this page.
    fetched: usize,
}

/// One step of a page's event loop.
enum Next {
    Navigated(Result<Reply, oneshot::error::RecvError>),
    Event(Option<Event>),
    Quiet,
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

fn str_field<'v>(v: &'v Value, key: &str) -> Result<&'v str, RenderError> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| RenderError::Protocol(format!("antwoord zonder {key}: {v}")))
}

fn closed() -> RenderError {
    RenderError::Protocol("verbinding met Chromium verbroken".into())
}

/// The last few lines Chromium wrote, for an error message.
fn tail(lines: &[String]) -> String {
    let start = lines.len().saturating_sub(5);
    let text = lines[start..].join(" | ");
    if text.is_empty() {
        "(geen uitvoer)".into()
    } else {
        text
    }
}

/// A DevTools command that did not succeed.
#[derive(Debug, thiserror::Error)]
enum CdpError {
    /// Chromium answered with an error.
    #[error("{0}")]
    Refused(String),
    /// No answer: the connection is gone or Chromium hangs.
    #[error("{0}")]
    Gone(String),
}

impl From<CdpError> for RenderError {
    fn from(e: CdpError) -> RenderError {
        match e {
            CdpError::Refused(m) | CdpError::Gone(m) => RenderError::Protocol(m),
        }
    }
}

/// The answer to one DevTools command: its `result`, or its error message.
type Reply = Result<Value, String>;

/// A DevTools event, with the session it belongs to (none: the browser).
#[derive(Debug)]
struct Event {
    method: String,
    session: Option<String>,
    params: Value,
}

/// One DevTools command on its way out.
struct Call {
    text: String,
    id: u64,
    reply: oneshot::Sender<Reply>,
}

/// A minimal Chrome DevTools Protocol client: commands with ids matched to their
/// answers, events in arrival order. One task owns the websocket.
struct Cdp {
    calls: mpsc::UnboundedSender<Call>,
    events: mpsc::UnboundedReceiver<Event>,
    next_id: u64,
}

impl Cdp {
    async fn connect(ws_url: &str) -> Result<Cdp, String> {
        let (ws, _) = tokio::time::timeout(CALL_TIMEOUT, tokio_tungstenite::connect_async(ws_url))
            .await
            .map_err(|_| "geen verbinding".to_string())?
            .map_err(|e| e.to_string())?;
        let (calls, calls_rx) = mpsc::unbounded_channel();
        let (events_tx, events) = mpsc::unbounded_channel();
        tokio::spawn(pump(ws, calls_rx, events_tx));
        Ok(Cdp {
            calls,
            events,
            next_id: 1,
        })
    }

    /// Send a command; its answer arrives on the returned channel.
    fn send(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> oneshot::Receiver<Reply> {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = Value::from(s);
        }
        let (reply, rx) = oneshot::channel();
        // If the pump is gone, `reply` is dropped with the call and the receiver says so.
        let _ = self.calls.send(Call {
            text: msg.to_string(),
            id,
            reply,
        });
        rx
    }

    /// Send a command and wait for its answer.
    async fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, CdpError> {
        let rx = self.send(session, method, params);
        match tokio::time::timeout(CALL_TIMEOUT, rx).await {
            Ok(Ok(Ok(v))) => Ok(v),
            Ok(Ok(Err(message))) => Err(CdpError::Refused(format!("{method}: {message}"))),
            Ok(Err(_)) => Err(CdpError::Gone(format!("{method}: {}", closed()))),
            Err(_) => Err(CdpError::Gone(format!(
                "{method}: geen antwoord binnen {CALL_TIMEOUT:?}"
            ))),
        }
    }
}

/// Owns the websocket: writes commands, routes answers to their callers and events to
/// the event queue. Ends when either side goes away.
async fn pump(
    mut ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    mut calls: mpsc::UnboundedReceiver<Call>,
    events: mpsc::UnboundedSender<Event>,
) {
    let mut pending: HashMap<u64, oneshot::Sender<Reply>> = HashMap::new();
    loop {
        tokio::select! {
            call = calls.recv() => {
                let Some(call) = call else { break };
                pending.insert(call.id, call.reply);
                if ws.send(Message::text(call.text)).await.is_err() {
                    break;
                }
            }
            msg = ws.next() => {
                let text = match msg {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                let Ok(mut v) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                if let Some(id) = v.get("id").and_then(Value::as_u64) {
                    if let Some(reply) = pending.remove(&id) {
                        let answer = match v.get("error") {
                            Some(err) => Err(err
                                .get("message")
                                .and_then(Value::as_str)
                                .map_or_else(|| err.to_string(), String::from)),
                            None => Ok(v.get_mut("result").map(Value::take).unwrap_or(Value::Null)),
                        };
                        let _ = reply.send(answer);
                    }
                } else if let Some(method) = v.get("method").and_then(Value::as_str) {
                    let event = Event {
                        method: method.to_string(),
                        session: v.get("sessionId").and_then(Value::as_str).map(String::from),
                        params: v.get_mut("params").map(Value::take).unwrap_or(Value::Null),
                    };
                    let _ = events.send(event);
                }
            }
        }
    }
    let _ = ws.close(None).await;
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

    #[tokio::test]
    async fn launch_without_chromium_names_the_path() {
        let err = Browser::launch(Path::new("/nonexistent/chromium"), "ua")
            .await
            .err()
            .expect("no browser there");
        let msg = err.to_string();
        assert!(
            msg.contains("/nonexistent/chromium") && msg.contains("chromium"),
            "{msg}"
        );
    }
}
