//! HTTP fetching for one site: timeouts, gzip and brotli with a body limit on the
//! *decompressed* bytes that never buffers more than the limit, redirects followed by hand
//! (each hop rate-limited, only to allowed hosts, loops detected), the configured
//! User-Agent on every request, and retries: 5xx answers, timeouts and broken connections
//! are retried with exponential backoff and jitter a bounded number of times; 429 and 503
//! also honour `Retry-After` and slow the whole site down until it answers normally again.
//! Every request, retries included, still waits for the site's rate limiter.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use url::Url;

use super::backoff::{self, Pace};
use super::rate::RateLimiter;
use crate::evidence::{charset, Capture};

pub const DEFAULT_BODY_LIMIT: usize = 5 * 1024 * 1024;
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
pub const MAX_REDIRECTS: usize = 5;
pub const MAX_RETRIES: u32 = 3;
/// The longest wait a `Retry-After` gets; a site asking for more gets this.
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(10 * 60);
/// The longest single backoff wait between retries.
pub const RETRY_MAX: Duration = Duration::from_secs(5 * 60);
/// The largest extra gap between requests after repeated 429/503 answers.
pub const SLOWDOWN_MAX: Duration = Duration::from_secs(10 * 60);

/// Why a fetch failed; carries the URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    #[error("{url}: {source}")]
    Http { url: String, source: reqwest::Error },
    #[error("{url}: geen (volledig) antwoord binnen {} s", .after.as_secs_f32())]
    Timeout {
        url: String,
        after: Duration,
        source: reqwest::Error,
    },
    #[error("{url}: doorverwijzing naar niet-toegestane host ({target})")]
    ForeignRedirect { url: String, target: String },
    #[error("{url}: te veel doorverwijzingen of een lus")]
    RedirectLoop { url: String },
    #[error("{url}: doorverwijzing zonder geldige Location")]
    BadRedirect { url: String },
}

/// Timeouts, limits and the retry schedule of a [`Fetcher`]. `Default` is what production
/// uses; tests shorten the waits.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    pub connect_timeout: Duration,
    /// For the whole request, body included.
    pub request_timeout: Duration,
    /// Cap on the body after decompression; the rest is not read.
    pub body_limit: usize,
    /// Retries after the first attempt, for 5xx, 429, timeouts and broken connections.
    pub max_retries: u32,
    /// Retry `n` waits `base · 2^(n-1)` (the upper half of it, jittered). `None`: the
    /// site's own request interval, so a site with a small budget is retried slowly too.
    pub retry_base: Option<Duration>,
    pub retry_max: Duration,
    pub retry_after_max: Duration,
    /// The extra gap between requests after a first 429/503, doubling on each further
    /// one. `None`: the site's request interval (so the pace halves at once).
    pub slowdown_base: Option<Duration>,
    pub slowdown_max: Duration,
}

impl Default for FetchPolicy {
    fn default() -> FetchPolicy {
        FetchPolicy {
            connect_timeout: CONNECT_TIMEOUT,
            request_timeout: REQUEST_TIMEOUT,
            body_limit: DEFAULT_BODY_LIMIT,
            max_retries: MAX_RETRIES,
            retry_base: None,
            retry_max: RETRY_MAX,
            retry_after_max: RETRY_AFTER_MAX,
            slowdown_base: None,
            slowdown_max: SLOWDOWN_MAX,
        }
    }
}

/// A response as the crawler keeps it.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL that answered (after redirects).
    pub url: Url,
    pub status: u16,
    /// As received, except that Content-Encoding and Content-Length are gone when the
    /// body was decompressed.
    pub headers: HeaderMap,
    /// Decompressed.
    pub body: Vec<u8>,
    /// The body was longer than the limit and was cut off.
    pub truncated: bool,
    pub fetched_at: chrono::DateTime<chrono::Utc>,
}

impl Response {
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// HTML, or no content type at all (many small sites omit it).
    pub fn is_html(&self) -> bool {
        self.content_type().is_none_or(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("text/html") || ct.starts_with("application/xhtml")
        })
    }

    /// The character encoding of the body: BOM, Content-Type charset, `<meta>`, or a guess.
    pub fn encoding(&self) -> &'static encoding_rs::Encoding {
        charset::detect(&self.body, self.content_type(), &self.url).0
    }

    /// The body as text, decoded from its [`Response::encoding`] (invalid sequences
    /// replaced).
    pub fn text(&self) -> String {
        charset::decode(&self.body, self.content_type(), &self.url).into_owned()
    }

    /// The response as the evidence writer takes it.
    pub fn capture(&self) -> Capture<'_> {
        Capture {
            url: &self.url,
            status: self.status,
            headers: &self.headers,
            body: &self.body,
            truncated: self.truncated,
            fetched_at: self.fetched_at,
        }
    }
}

/// Fetches pages of one site.
pub struct Fetcher {
    client: reqwest::Client,
    allowed_hosts: Vec<String>,
    policy: FetchPolicy,
    pace: Mutex<Pace>,
}

impl Fetcher {
    pub fn new(user_agent: &str, allowed_hosts: Vec<String>) -> Result<Fetcher, reqwest::Error> {
        Fetcher::with_policy(user_agent, allowed_hosts, FetchPolicy::default())
    }

    pub fn with_policy(
        user_agent: &str,
        allowed_hosts: Vec<String>,
        policy: FetchPolicy,
    ) -> Result<Fetcher, reqwest::Error> {
        // The `gzip` and `brotli` features make reqwest send Accept-Encoding and
        // decompress while streaming, so the body limit below counts decompressed bytes.
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Fetcher {
            client,
            allowed_hosts,
            policy,
            pace: Mutex::new(Pace::default()),
        })
    }

    fn allowed(&self, url: &Url) -> bool {
        url.host_str()
            .is_some_and(|h| self.allowed_hosts.iter().any(|a| a.eq_ignore_ascii_case(h)))
    }

    fn pace(&self) -> MutexGuard<'_, Pace> {
        self.pace.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// GET `url`, following redirects and retrying as the policy says. Every request
    /// (redirect hops and retries too) waits for the site's pace and the rate limiter.
    /// A 5xx or 429 that outlasts the retries comes back as that response.
    pub async fn get(&self, url: &Url, limiter: &RateLimiter) -> Result<Response, FetchError> {
        self.get_with(url, limiter, &HeaderMap::new()).await
    }

    /// [`Fetcher::get`] with extra request headers (e.g. `If-None-Match` for a
    /// conditional GET).
    pub async fn get_with(
        &self,
        url: &Url,
        limiter: &RateLimiter,
        extra: &HeaderMap,
    ) -> Result<Response, FetchError> {
        let mut current = url.clone();
        let mut seen = vec![current.clone()];
        loop {
            let resp = self.get_with_retries(&current, limiter, extra).await?;
            if !is_redirect(resp.status) {
                return Ok(resp);
            }
            let target = resp
                .headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|loc| current.join(loc).ok())
                .ok_or_else(|| FetchError::BadRedirect {
                    url: current.to_string(),
                })?;
            if !self.allowed(&target) {
                return Err(FetchError::ForeignRedirect {
                    url: url.to_string(),
                    target: target.to_string(),
                });
            }
            if seen.contains(&target) || seen.len() > MAX_REDIRECTS {
                return Err(FetchError::RedirectLoop {
                    url: url.to_string(),
                });
            }
            seen.push(target.clone());
            current = target;
        }
    }

    /// One URL, retried while the answer is temporary and retries are left.
    async fn get_with_retries(
        &self,
        url: &Url,
        limiter: &RateLimiter,
        extra: &HeaderMap,
    ) -> Result<Response, FetchError> {
        let retry_base = self.policy.retry_base.unwrap_or(limiter.interval());
        let slowdown_base = self.policy.slowdown_base.unwrap_or(limiter.interval());
        let mut retries = 0;
        loop {
            self.wait_turn(limiter).await;
            let outcome = self.request(url, extra).await;
            let backoff = backoff::retry_delay(retry_base, retries + 1, self.policy.retry_max);
            let wait = match &outcome {
                Ok(r) if r.status == 429 || r.status == 503 => {
                    let slowdown = self
                        .pace()
                        .throttled(slowdown_base, self.policy.slowdown_max);
                    let asked = self.retry_after(url, &r.headers);
                    tracing::warn!(%url, status = r.status, ?slowdown, retry_after = ?asked,
                        "site vraagt om minder verzoeken; tempo verlaagd");
                    if let Some(asked) = asked {
                        // Holds for the whole site, even when this page is given up.
                        self.pace().pause_for(tokio::time::Instant::now(), asked);
                    }
                    Some(asked.unwrap_or_default().max(backoff))
                }
                Ok(r) if r.status >= 500 => Some(backoff),
                Ok(_) => {
                    self.pace().succeeded(slowdown_base);
                    None
                }
                Err(e) if retryable(e) => Some(backoff),
                Err(_) => None,
            };
            match wait {
                Some(wait) if retries < self.policy.max_retries => {
                    retries += 1;
                    let reason = match &outcome {
                        Ok(r) => format!("HTTP {}", r.status),
                        Err(e) => e.to_string(),
                    };
                    tracing::info!(%url, retry = retries, ?wait, %reason, "tijdelijke fout; later opnieuw proberen");
                    self.pace().pause_for(tokio::time::Instant::now(), wait);
                }
                Some(_) => {
                    tracing::warn!(%url, retries, "blijft mislukken; opgegeven");
                    return outcome.map_err(|e| self.error(url, e));
                }
                None => return outcome.map_err(|e| self.error(url, e)),
            }
        }
    }

    /// Wait for the site's pace (slowdown, pause), then for the rate limiter.
    async fn wait_turn(&self, limiter: &RateLimiter) {
        let slot = self.pace().next_slot();
        if let Some(slot) = slot {
            tokio::time::sleep_until(slot).await;
        }
        limiter.until_ready().await;
        self.pace().sent(tokio::time::Instant::now());
    }

    /// The wait a `Retry-After` header asks for, capped at the policy's maximum.
    fn retry_after(&self, url: &Url, headers: &HeaderMap) -> Option<Duration> {
        let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
        let Some(asked) = backoff::parse_retry_after(value, SystemTime::now()) else {
            tracing::debug!(%url, value, "onleesbare Retry-After genegeerd");
            return None;
        };
        let max = self.policy.retry_after_max;
        if asked > max {
            tracing::warn!(%url, value, max_s = max.as_secs(), "Retry-After te lang; wachttijd begrensd");
        }
        Some(asked.min(max))
    }

    /// One request, no redirects or retries. The body of a redirect is not read; any
    /// other body is read as it arrives (decompressed) up to the limit.
    async fn request(&self, url: &Url, extra: &HeaderMap) -> Result<Response, reqwest::Error> {
        let mut resp = self
            .client
            .get(url.clone())
            .headers(extra.clone())
            .send()
            .await?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let mut body = Vec::new();
        let mut truncated = false;
        if !is_redirect(status.as_u16()) {
            while let Some(chunk) = resp.chunk().await? {
                let room = self.policy.body_limit - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    tracing::warn!(%url, limit = self.policy.body_limit,
                        "antwoord (na uitpakken) groter dan de limiet; afgekapt");
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }
        Ok(Response {
            url: url.clone(),
            status: status.as_u16(),
            headers,
            body,
            truncated,
            fetched_at: chrono::Utc::now(),
        })
    }

    fn error(&self, url: &Url, source: reqwest::Error) -> FetchError {
        let url = url.to_string();
        if source.is_timeout() {
            FetchError::Timeout {
                url,
                after: self.policy.request_timeout,
                source,
            }
        } else {
            FetchError::Http { url, source }
        }
    }
}

/// Worth another try: no answer in time, no connection, or a connection that broke.
/// Not: an answer that could not be decoded (a broken gzip stays broken).
/// A redirect to follow. 304 Not Modified is 3xx too, but it is an answer.
fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

fn retryable(e: &reqwest::Error) -> bool {
    !e.is_decode() && (e.is_timeout() || e.is_connect() || e.is_request() || e.is_body())
}
