//! The one clock webwacht reads "now" from. Retention, schedules, weekly lists and rules
//! over 30 days all depend on it, so tests set it instead of waiting.
//!
//! A process takes its clock from the environment once, at start: `WEBWACHT_NOW` (an RFC
//! 3339 time, e.g. `2026-12-07T07:00:00+01:00`) fixes it; without it the clock is the
//! system's. The tests of the binary use that variable; in-process tests build a
//! [`Clock::fixed`] and move it with [`Clock::set`].

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::error::BadInput;

/// Environment variable that fixes the clock.
pub const NOW_ENV: &str = "WEBWACHT_NOW";

/// Where "now" comes from. Cloning shares the same clock.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    fixed: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock that stands at `t` until [`Clock::set`] moves it.
    pub fn fixed(t: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Some(Arc::new(Mutex::new(t))),
        }
    }

    /// The clock the environment asks for: fixed by [`NOW_ENV`], else the system's.
    pub fn from_env() -> Result<Clock, BadInput> {
        match std::env::var(NOW_ENV) {
            Ok(v) if !v.trim().is_empty() => {
                let t = DateTime::parse_from_rfc3339(v.trim()).map_err(|e| {
                    BadInput(format!(
                        "{NOW_ENV}={v}: geen tijdstip in RFC 3339 (bijvoorbeeld 2026-12-07T07:00:00+01:00): {e}"
                    ))
                })?;
                Ok(Clock::fixed(t.with_timezone(&Utc)))
            }
            _ => Ok(Clock::system()),
        }
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            Some(t) => *t.lock().unwrap_or_else(|p| p.into_inner()),
            None => Utc::now(),
        }
    }

    /// Move a fixed clock to `t`; a system clock cannot be moved and ignores it.
    pub fn set(&self, t: DateTime<Utc>) {
        if let Some(fixed) = &self.fixed {
            *fixed.lock().unwrap_or_else(|p| p.into_inner()) = t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stands_still_until_set_and_clones_share_it() {
        let t = DateTime::parse_from_rfc3339("2026-12-07T07:00:00+01:00")
            .unwrap()
            .with_timezone(&Utc);
        let c = Clock::fixed(t);
        let shared = c.clone();
        assert_eq!(c.now(), t);
        let later = t + chrono::Duration::days(3);
        shared.set(later);
        assert_eq!(c.now(), later);
    }

    #[test]
    fn the_system_clock_moves() {
        let c = Clock::system();
        let a = c.now();
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(c.now() > a);
    }
}
