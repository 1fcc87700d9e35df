//! robots.txt per RFC 9309, parsed by `texting_robots` (tested against Google's parser
//! suite): 2xx → the rules; 4xx → everything allowed; 5xx, 429 or unreachable → nothing
//! allowed for that host (RFC 9309 §2.3.1.3–4; 429 as Google treats it, since a site that
//! asks us to slow down must not get crawled freely). [`RobotsCache`] keeps the answer per
//! origin for a day, but a "nothing allowed" for only a short while, so that it lifts once
//! the site recovers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::time::Instant;

use texting_robots::Robot;
use url::Url;

use super::fetch::Fetcher;
use super::rate::RateLimiter;

/// What robots.txt of one origin allows.
#[derive(Debug)]
pub enum RobotsPolicy {
    Rules(Box<Robot>),
    AllowAll,
    /// robots.txt answered 5xx or was unreachable.
    DisallowAll,
}

impl RobotsPolicy {
    /// Fetch and parse robots.txt for the origin of `url`. `agent` is the product token
    /// the rules are matched against (e.g. `webwacht`).
    pub async fn fetch(
        fetcher: &Fetcher,
        limiter: &RateLimiter,
        url: &Url,
        agent: &str,
    ) -> RobotsPolicy {
        let Ok(robots_url) = url.join("/robots.txt") else {
            return RobotsPolicy::DisallowAll;
        };
        match fetcher.get(&robots_url, limiter).await {
            Ok(r) if (200..300).contains(&r.status) => match Robot::new(agent, &r.body) {
                Ok(robot) => RobotsPolicy::Rules(Box::new(robot)),
                Err(e) => {
                    tracing::warn!(url = %robots_url, error = %e, "robots.txt onleesbaar; alles toegestaan");
                    RobotsPolicy::AllowAll
                }
            },
            Ok(r) if (400..500).contains(&r.status) && r.status != 429 => RobotsPolicy::AllowAll,
            Ok(r) => {
                tracing::warn!(url = %robots_url, status = r.status, "robots.txt niet beschikbaar; niets wordt opgehaald");
                RobotsPolicy::DisallowAll
            }
            Err(e) => {
                tracing::warn!(error = %e, "robots.txt onbereikbaar; niets wordt opgehaald");
                RobotsPolicy::DisallowAll
            }
        }
    }

    /// Nothing may be fetched because robots.txt could not be had (retry soon).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, RobotsPolicy::DisallowAll)
    }

    pub fn allowed(&self, url: &Url) -> bool {
        match self {
            RobotsPolicy::Rules(r) => r.allowed(url.as_str()),
            RobotsPolicy::AllowAll => true,
            RobotsPolicy::DisallowAll => false,
        }
    }

    /// The Crawl-delay for our agent, if any.
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            RobotsPolicy::Rules(r) => r
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d.min(3600.0))),
            _ => None,
        }
    }
}

/// How long robots.txt of an origin is trusted (RFC 9309 §2.4: at most 24 hours).
pub const ROBOTS_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// How soon a robots.txt that could not be had (5xx, 429, unreachable) is asked again.
pub const UNAVAILABLE_RETRY: Duration = Duration::from_secs(5 * 60);

/// robots.txt answers per (origin, agent token), shared by every crawl of the process.
#[derive(Debug)]
pub struct RobotsCache {
    ttl: Duration,
    unavailable_retry: Duration,
    entries: Mutex<HashMap<(String, String), Cached>>,
}

#[derive(Debug)]
struct Cached {
    policy: Arc<RobotsPolicy>,
    fetched: Instant,
}

impl RobotsCache {
    pub fn new(ttl: Duration, unavailable_retry: Duration) -> RobotsCache {
        RobotsCache {
            ttl,
            unavailable_retry,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cache of this process, with the production durations.
    pub fn shared() -> &'static RobotsCache {
        static SHARED: OnceLock<RobotsCache> = OnceLock::new();
        SHARED.get_or_init(|| RobotsCache::new(ROBOTS_TTL, UNAVAILABLE_RETRY))
    }

    /// The policy for the origin of `url`: from the cache while fresh, else fetched (through
    /// `fetcher` and `limiter`, like any request to the site) and cached.
    pub async fn policy(
        &self,
        fetcher: &Fetcher,
        limiter: &RateLimiter,
        url: &Url,
        agent: &str,
    ) -> Arc<RobotsPolicy> {
        let key = (url.origin().ascii_serialization(), agent.to_string());
        if let Some(policy) = self.fresh(&key, Instant::now()) {
            return policy;
        }
        let policy = Arc::new(RobotsPolicy::fetch(fetcher, limiter, url, agent).await);
        if policy.is_unavailable() {
            tracing::info!(origin = %key.0, retry_after = ?self.unavailable_retry,
                "robots.txt niet beschikbaar; later opnieuw proberen");
        }
        self.lock().insert(
            key,
            Cached {
                policy: policy.clone(),
                fetched: Instant::now(),
            },
        );
        policy
    }

    fn fresh(&self, key: &(String, String), now: Instant) -> Option<Arc<RobotsPolicy>> {
        let entries = self.lock();
        let cached = entries.get(key)?;
        let ttl = if cached.policy.is_unavailable() {
            self.unavailable_retry
        } else {
            self.ttl
        };
        (now.duration_since(cached.fetched) < ttl).then(|| cached.policy.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Cached>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The product token of a User-Agent string: `webwacht/0.1 (+…)` → `webwacht`.
pub fn agent_token(user_agent: &str) -> &str {
    user_agent
        .split(|c: char| c == '/' || c.is_whitespace())
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("webwacht")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_apply_to_our_token() {
        let robot = Robot::new(
            "webwacht",
            b"User-agent: *\nDisallow: /prive/\nCrawl-delay: 2\n",
        )
        .unwrap();
        let p = RobotsPolicy::Rules(Box::new(robot));
        assert!(p.allowed(&Url::parse("http://h/escorts?page=1").unwrap()));
        assert!(!p.allowed(&Url::parse("http://h/prive/advertentie/1").unwrap()));
        assert_eq!(p.crawl_delay(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn cache_keeps_rules_a_day_and_unavailable_briefly() {
        let cache = RobotsCache::new(ROBOTS_TTL, UNAVAILABLE_RETRY);
        let key = |o: &str| (o.to_string(), "webwacht".to_string());
        let now = Instant::now();
        for (origin, policy) in [
            ("http://a", RobotsPolicy::AllowAll),
            ("http://b", RobotsPolicy::DisallowAll),
        ] {
            cache.lock().insert(
                key(origin),
                Cached {
                    policy: Arc::new(policy),
                    fetched: now,
                },
            );
        }
        let minute = Duration::from_secs(60);
        assert!(cache.fresh(&key("http://a"), now + 4 * minute).is_some());
        assert!(cache.fresh(&key("http://b"), now + 4 * minute).is_some());
        assert!(
            cache.fresh(&key("http://b"), now + 5 * minute).is_none(),
            "retried after 5 min"
        );
        assert!(cache
            .fresh(&key("http://a"), now + ROBOTS_TTL - minute)
            .is_some());
        assert!(
            cache.fresh(&key("http://a"), now + ROBOTS_TTL).is_none(),
            "refetched after 24 h"
        );
        assert!(cache.fresh(&key("http://c"), now).is_none());
        // Another agent token reads other rules.
        let other = ("http://a".to_string(), "andere-bot".to_string());
        assert!(cache.fresh(&other, now).is_none());
    }

    #[test]
    fn token_of_user_agent() {
        assert_eq!(
            agent_token("webwacht/0.1 (+https://example.org)"),
            "webwacht"
        );
        assert_eq!(agent_token(""), "webwacht");
    }
}
