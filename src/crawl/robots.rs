//! robots.txt per RFC 9309, parsed by `texting_robots` (tested against Google's parser
//! suite): 2xx → the rules; 4xx → everything allowed; 5xx or unreachable → nothing
//! allowed for that host (RFC 9309 §2.3.1.3–4).

use std::time::Duration;

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
            Ok(r) if (400..500).contains(&r.status) => RobotsPolicy::AllowAll,
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
    fn token_of_user_agent() {
        assert_eq!(
            agent_token("webwacht/0.1 (+https://example.org)"),
            "webwacht"
        );
        assert_eq!(agent_token(""), "webwacht");
    }
}
