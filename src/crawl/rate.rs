//! The per-site politeness budget: at most `requests_per_minute` requests, evenly spaced
//! (no bursts), enforced with `governor`.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::DefaultClock;
use governor::state::{InMemoryState, NotKeyed};
use governor::Quota;

/// Spaces requests to one site at least `interval` apart.
#[derive(Debug)]
pub struct RateLimiter {
    inner: governor::RateLimiter<NotKeyed, InMemoryState, DefaultClock>,
    interval: Duration,
}

impl RateLimiter {
    /// `requests_per_minute` evenly spread; a `min_interval` (robots.txt Crawl-delay)
    /// that is longer wins.
    pub fn new(requests_per_minute: u32, min_interval: Option<Duration>) -> RateLimiter {
        let rpm = requests_per_minute.max(1);
        let budget = Duration::from_secs(60) / rpm;
        let interval = min_interval.map_or(budget, |d| d.max(budget));
        let quota = Quota::with_period(interval)
            .expect("interval is positive")
            .allow_burst(NonZeroU32::MIN);
        RateLimiter {
            inner: governor::RateLimiter::direct(quota),
            interval,
        }
    }

    /// No limit (benchmarks against our own loopback servers only).
    pub fn unlimited() -> RateLimiter {
        let quota = Quota::per_second(NonZeroU32::MAX);
        RateLimiter {
            inner: governor::RateLimiter::direct(quota),
            interval: Duration::ZERO,
        }
    }

    /// Wait until the next request may go out.
    pub async fn until_ready(&self) {
        self.inner.until_ready().await;
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawl_delay_only_slows_down() {
        assert_eq!(
            RateLimiter::new(60, None).interval(),
            Duration::from_secs(1)
        );
        assert_eq!(
            RateLimiter::new(60, Some(Duration::from_secs(5))).interval(),
            Duration::from_secs(5)
        );
        assert_eq!(
            RateLimiter::new(60, Some(Duration::from_millis(10))).interval(),
            Duration::from_secs(1)
        );
    }

    #[tokio::test]
    async fn no_burst_second_request_waits() {
        let rl = RateLimiter::new(600, None); // 100 ms apart
        let start = std::time::Instant::now();
        for _ in 0..3 {
            rl.until_ready().await;
        }
        assert!(
            start.elapsed() >= Duration::from_millis(190),
            "{:?}",
            start.elapsed()
        );
    }
}
