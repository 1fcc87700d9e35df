//! When to send the next request to a site that is struggling: exponential backoff with
//! jitter for retries, `Retry-After` parsing, and the adaptive pace that slows a site
//! down after it answers 429 or 503 and speeds it up again on success. Pure logic: the
//! fetcher does the waiting (and the rate limiter still spaces every request).

use std::time::{Duration, SystemTime};

use tokio::time::Instant;

/// The wait before retry number `retry` (1 for the first): `base · 2^(retry-1)`, capped at
/// `max`, with "equal jitter": a random point in the upper half, so retries of many pages
/// don't line up, yet each wait is at least half its nominal size and the waits keep
/// growing.
pub fn retry_delay(base: Duration, retry: u32, max: Duration) -> Duration {
    let factor = 2u32.saturating_pow(retry.saturating_sub(1));
    let nominal = base.saturating_mul(factor).min(max);
    let half = nominal / 2;
    half + half.mul_f64(fastrand::f64())
}

/// A `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an HTTP date, as a wait from
/// `now`. A date in the past means "now"; anything unreadable is `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // A huge number saturates; the caller caps it anyway.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The adaptive pace of one site: an extra gap between requests that doubles on every
/// 429/503 and halves on every other answer, and a pause (from `Retry-After` or a retry
/// backoff) before which no request goes out at all.
#[derive(Debug, Default)]
pub struct Pace {
    slowdown: Duration,
    not_before: Option<Instant>,
    last_request: Option<Instant>,
}

impl Pace {
    /// The site said "too many requests": double the extra gap (starting at `base`), at
    /// most `max`. Returns the new gap.
    pub fn throttled(&mut self, base: Duration, max: Duration) -> Duration {
        self.slowdown = self.slowdown.saturating_mul(2).max(base).min(max);
        self.slowdown
    }

    /// The site answered normally: halve the extra gap; below `base` it is gone.
    pub fn succeeded(&mut self, base: Duration) {
        self.slowdown /= 2;
        if self.slowdown < base {
            self.slowdown = Duration::ZERO;
        }
    }

    /// No request before `now + wait` (a longer pause already set stays).
    pub fn pause_for(&mut self, now: Instant, wait: Duration) {
        let until = now + wait;
        self.not_before = Some(self.not_before.map_or(until, |t| t.max(until)));
    }

    /// The earliest moment the next request may go out, if it has to wait at all.
    pub fn next_slot(&self) -> Option<Instant> {
        let after_gap = self
            .last_request
            .filter(|_| !self.slowdown.is_zero())
            .map(|t| t + self.slowdown);
        match (after_gap, self.not_before) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// A request went out at `now`.
    pub fn sent(&mut self, now: Instant) {
        self.last_request = Some(now);
    }

    pub fn slowdown(&self) -> Duration {
        self.slowdown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn retry_delays_grow_within_their_jitter_band() {
        let base = 100 * MS;
        for _ in 0..200 {
            let waits: Vec<_> = (1..=4)
                .map(|n| retry_delay(base, n, Duration::from_secs(60)))
                .collect();
            for (i, w) in waits.iter().enumerate() {
                let nominal = base * 2u32.pow(i as u32);
                assert!(*w >= nominal / 2 && *w <= nominal, "retry {}: {w:?}", i + 1);
            }
            // Equal jitter: the lower bound of a wait is the upper bound of the one before.
            assert!(waits.windows(2).all(|p| p[1] >= p[0]), "{waits:?}");
        }
    }

    #[test]
    fn retry_delay_is_capped_and_never_overflows() {
        let max = Duration::from_secs(5);
        assert!(retry_delay(Duration::from_secs(1), 40, max) <= max);
        assert!(retry_delay(Duration::from_secs(1), u32::MAX, max) <= max);
    }

    #[test]
    fn jitter_spreads_the_waits() {
        let waits: std::collections::HashSet<_> = (0..50)
            .map(|_| retry_delay(Duration::from_secs(1), 1, Duration::from_secs(60)))
            .collect();
        assert!(waits.len() > 1, "no jitter");
    }

    #[test]
    fn retry_after_in_seconds() {
        let now = SystemTime::now();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn retry_after_as_http_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now),
            Some(Duration::from_secs(120))
        );
        // Obsolete formats are still HTTP dates.
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", now),
            Some(Duration::from_secs(60))
        );
        // In the past: go now.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn unreadable_retry_after_is_ignored() {
        let now = SystemTime::now();
        for v in ["", "soon", "-5", "1.5", "Sun, 06 Nov 1994"] {
            assert_eq!(parse_retry_after(v, now), None, "{v:?}");
        }
    }

    #[test]
    fn slowdown_doubles_on_throttling_and_decays_on_success() {
        let (base, max) = (100 * MS, 350 * MS);
        let mut pace = Pace::default();
        assert_eq!(pace.throttled(base, max), 100 * MS);
        assert_eq!(pace.throttled(base, max), 200 * MS);
        assert_eq!(pace.throttled(base, max), 350 * MS, "capped");
        pace.succeeded(base);
        assert_eq!(pace.slowdown(), 175 * MS);
        pace.succeeded(base);
        assert_eq!(pace.slowdown(), Duration::ZERO, "below the base it is gone");
        pace.succeeded(base);
        assert_eq!(pace.slowdown(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn next_slot_keeps_the_gap_and_the_pause() {
        let mut pace = Pace::default();
        let t0 = Instant::now();
        assert_eq!(pace.next_slot(), None, "a fresh site need not wait");
        pace.sent(t0);
        assert_eq!(pace.next_slot(), None, "no slowdown: only the rate limiter");
        pace.throttled(100 * MS, Duration::from_secs(1));
        assert_eq!(pace.next_slot(), Some(t0 + 100 * MS));
        pace.pause_for(t0, 500 * MS);
        assert_eq!(
            pace.next_slot(),
            Some(t0 + 500 * MS),
            "the longer wait wins"
        );
        pace.pause_for(t0, 50 * MS);
        assert_eq!(
            pace.next_slot(),
            Some(t0 + 500 * MS),
            "a shorter pause does not cut a longer one"
        );
        tokio::time::advance(Duration::from_secs(1)).await;
        let t1 = Instant::now();
        pace.sent(t1);
        assert_eq!(pace.next_slot(), Some(t1 + 100 * MS));
    }
}
