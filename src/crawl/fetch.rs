//! HTTP fetching for one site: timeouts, a body size limit that never buffers more than
//! the limit, redirects followed by hand (each hop rate-limited, only to allowed hosts,
//! loops detected), and the configured User-Agent on every request.

use std::time::Duration;

use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION};
use url::Url;

use super::rate::RateLimiter;

pub const DEFAULT_BODY_LIMIT: usize = 5 * 1024 * 1024;
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
pub const MAX_REDIRECTS: usize = 5;

/// Why a fetch failed; carries the URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    #[error("{url}: {source}")]
    Http { url: String, source: reqwest::Error },
    #[error("{url}: doorverwijzing naar niet-toegestane host ({target})")]
    ForeignRedirect { url: String, target: String },
    #[error("{url}: te veel doorverwijzingen of een lus")]
    RedirectLoop { url: String },
    #[error("{url}: doorverwijzing zonder geldige Location")]
    BadRedirect { url: String },
}

/// A response as the crawler keeps it.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL that answered (after redirects).
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
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

    /// The body as text (UTF-8, invalid sequences replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Fetches pages of one site.
pub struct Fetcher {
    client: reqwest::Client,
    allowed_hosts: Vec<String>,
    body_limit: usize,
}

impl Fetcher {
    pub fn new(user_agent: &str, allowed_hosts: Vec<String>) -> Result<Fetcher, reqwest::Error> {
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Fetcher {
            client,
            allowed_hosts,
            body_limit: DEFAULT_BODY_LIMIT,
        })
    }

    fn allowed(&self, url: &Url) -> bool {
        url.host_str()
            .is_some_and(|h| self.allowed_hosts.iter().any(|a| a.eq_ignore_ascii_case(h)))
    }

    /// GET `url`, waiting for the rate limiter before every request (redirect hops too).
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
            limiter.until_ready().await;
            let http = |source| FetchError::Http {
                url: current.to_string(),
                source,
            };
            let mut resp = self
                .client
                .get(current.clone())
                .headers(extra.clone())
                .send()
                .await
                .map_err(http)?;
            let status = resp.status();
            // Real redirects only: 304 Not Modified (also 3xx) is an answer.
            if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
                let target = resp
                    .headers()
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
                continue;
            }
            let headers = resp.headers().clone();
            let mut body = Vec::new();
            let mut truncated = false;
            while let Some(chunk) = resp.chunk().await.map_err(http)? {
                let room = self.body_limit - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    tracing::warn!(url = %current, limit = self.body_limit, "antwoord groter dan de limiet; afgekapt");
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            return Ok(Response {
                url: current,
                status: status.as_u16(),
                headers,
                body,
                truncated,
                fetched_at: chrono::Utc::now(),
            });
        }
    }
}
