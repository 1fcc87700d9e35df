//! The login throttle: how many failed logins a (name, address) pair, an address and a
//! name may have, and how long each must then wait. Pure bookkeeping under one lock, with
//! the time passed in, so tests step through minutes without sleeping.
//!
//! The policy (also in the README's Security paragraph):
//! - An attempt is **reserved before the password is checked**: [`LoginThrottle::reserve`]
//!   checks every limit and counts the attempt as a failure in one step under the lock.
//!   Parallel attempts therefore see each other; 64 at once for one name get 3 checks.
//!   A correct password gives the reservation back ([`LoginThrottle::succeeded`]).
//! - **(name, address)**: after [`PAIR_FREE_FAILURES`] failures each next attempt waits
//!   twice as long (1 s, 2 s, 4 s, … up to [`MAX_LOCKOUT`]). This is the guesser at one
//!   account from one place, and the user who mistyped.
//! - **Address** (an IPv6 address counts by its /64): [`ADDRESS_FREE_FAILURES`] failures
//!   over all names, then the same doubling wait for every name. A successful login never
//!   clears it, not even the attacker's own account: only time does.
//! - **Name**: after [`NAME_FREE_FAILURES`] failures from anywhere the doubling wait
//!   applies to every address that has failures of its own. An address with a clean
//!   record is still let through, so a burst of guesses from elsewhere does not lock the
//!   real user out (NIST SP 800-63B 5.2.2, OWASP: no lockout an attacker can trigger).
//!   A correct password clears the name's and the pair's failures.
//! - **Cool-down**: a record is forgotten once it has been quiet for its wait plus
//!   [`COOL_DOWN`].
//!
//! What is left: an attacker with many fresh addresses gets about one guess per address
//! per name while the name is throttled. The 12-character minimum for passwords and the
//! audit log (`login_failed`) are what stand against that. Behind a reverse proxy every
//! client has the proxy's address (`X-Forwarded-For` is not trusted), so there the
//! address limits hold for all users together.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures of one name from one address before the waiting starts.
pub const PAIR_FREE_FAILURES: u32 = 3;
/// Failures from one address (all names together) before the waiting starts. Higher
/// than for a pair: an office behind one NAT address has several users.
pub const ADDRESS_FREE_FAILURES: u32 = 10;
/// Failures of one name (all addresses together) before addresses with failures of their
/// own must wait.
pub const NAME_FREE_FAILURES: u32 = 10;
/// The longest wait between attempts.
pub const MAX_LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// A record is forgotten when it has been quiet this long after its wait ended.
pub const COOL_DOWN: Duration = Duration::from_secs(15 * 60);
/// Records kept at most; past this, quiet records go first, then the oldest.
pub const MAX_RECORDS: usize = 100_000;

/// The wait after `failures` failed attempts when `free` are free: none for the first
/// `free`, then 1 s, 2 s, 4 s, … up to [`MAX_LOCKOUT`].
pub fn lockout(failures: u32, free: u32) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let exp = (failures - free).min(20);
    Duration::from_secs(1u64 << exp).min(MAX_LOCKOUT)
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, String),
    Address(String),
    Name(String),
}

impl Key {
    fn free(&self) -> u32 {
        match self {
            Key::Pair(..) => PAIR_FREE_FAILURES,
            Key::Address(_) => ADDRESS_FREE_FAILURES,
            Key::Name(_) => NAME_FREE_FAILURES,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    last: Instant,
}

impl Record {
    fn wait(&self, free: u32, now: Instant) -> Duration {
        lockout(self.failures, free).saturating_sub(now.saturating_duration_since(self.last))
    }

    fn stale(&self, free: u32, now: Instant) -> bool {
        now.saturating_duration_since(self.last) >= lockout(self.failures, free) + COOL_DOWN
    }
}

/// The address as the throttle counts it: IPv4 as it is, IPv6 by its /64 (one customer
/// line gets a whole /64), no address at all as one shared "unknown".
pub fn address_key(ip: Option<IpAddr>) -> String {
    match ip.map(|ip| ip.to_canonical()) {
        None => "onbekend".to_string(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// A counted attempt: give it back with [`LoginThrottle::succeeded`] or
/// [`LoginThrottle::refund`]; one that is dropped stays counted as a failure.
#[derive(Debug)]
#[must_use = "an attempt stays counted as a failure unless it is settled"]
pub struct Reservation {
    name: String,
    address: String,
}

/// Failed logins per (name, address), per address and per name.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    records: Mutex<HashMap<Key, Record>>,
}

impl LoginThrottle {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Record>> {
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Check every limit for `name` (already trimmed; compared without case) from
    /// `address` (see [`address_key`]) and count the attempt as a failure, in one step.
    /// `Err` is how long the client must still wait.
    pub fn reserve(
        &self,
        name: &str,
        address: &str,
        now: Instant,
    ) -> Result<Reservation, Duration> {
        let name = name.to_lowercase();
        let keys = keys(&name, address);
        let mut map = self.lock();
        if map.len() >= MAX_RECORDS {
            prune(&mut map, now);
        }
        let live = |k: &Key| map.get(k).filter(|r| !r.stale(k.free(), now));
        let wait_of = |k: &Key| live(k).map_or(Duration::ZERO, |r| r.wait(k.free(), now));
        let [pair, addr, name_key] = &keys;
        let clean = live(addr).is_none_or(|r| r.failures == 0);
        let wait = wait_of(pair).max(wait_of(addr)).max(if clean {
            Duration::ZERO
        } else {
            wait_of(name_key)
        });
        if !wait.is_zero() {
            return Err(wait);
        }
        for k in keys {
            let free = k.free();
            let r = map.entry(k).or_insert(Record {
                failures: 0,
                last: now,
            });
            if r.stale(free, now) {
                r.failures = 0;
            }
            r.failures += 1;
            r.last = now;
        }
        Ok(Reservation {
            name,
            address: address.to_string(),
        })
    }

    /// The password was right: the pair's and the name's failures are cleared; the
    /// address gets back only this attempt, never its earlier failures.
    pub fn succeeded(&self, r: Reservation) {
        let [pair, addr, name] = keys(&r.name, &r.address);
        let mut map = self.lock();
        map.remove(&pair);
        map.remove(&name);
        give_back(&mut map, &addr);
    }

    /// The password was wrong (or the name unknown): the attempt stays counted.
    pub fn failed(&self, r: Reservation) {
        drop(r);
    }

    /// The attempt never reached a password check (the server was too busy): give it back.
    pub fn refund(&self, r: Reservation) {
        let mut map = self.lock();
        for k in keys(&r.name, &r.address) {
            give_back(&mut map, &k);
        }
    }

    /// Records held now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn keys(name: &str, address: &str) -> [Key; 3] {
    [
        Key::Pair(name.to_string(), address.to_string()),
        Key::Address(address.to_string()),
        Key::Name(name.to_string()),
    ]
}

fn give_back(map: &mut HashMap<Key, Record>, k: &Key) {
    if let Some(r) = map.get_mut(k) {
        r.failures = r.failures.saturating_sub(1);
        if r.failures == 0 {
            map.remove(k);
        }
    }
}

/// Forget quiet records; if that is not enough, the oldest ones, down to 3/4 of the cap.
fn prune(map: &mut HashMap<Key, Record>, now: Instant) {
    map.retain(|k, r| !r.stale(k.free(), now));
    let keep = MAX_RECORDS * 3 / 4;
    if map.len() > keep {
        let mut by_age: Vec<(Instant, Key)> =
            map.iter().map(|(k, r)| (r.last, k.clone())).collect();
        let cut = by_age.len() - keep;
        by_age.select_nth_unstable_by_key(cut, |(last, _)| *last);
        for (_, k) in &by_age[..cut] {
            map.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn lockout_doubles_after_the_free_failures() {
        assert_eq!(lockout(0, 3), Duration::ZERO);
        assert_eq!(lockout(2, 3), Duration::ZERO);
        assert_eq!(lockout(3, 3), S);
        assert_eq!(lockout(6, 3), 8 * S);
        assert_eq!(lockout(99, 3), MAX_LOCKOUT);
    }

    #[test]
    fn the_attempt_is_counted_before_the_check() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        // Three attempts in flight at once (none settled yet): the fourth must wait.
        let held: Vec<_> = (0..PAIR_FREE_FAILURES)
            .map(|_| t.reserve("rita", "10.0.0.1", now).unwrap())
            .collect();
        assert_eq!(t.reserve("rita", "10.0.0.1", now).unwrap_err(), S);
        assert_eq!(
            t.reserve("RITA", "10.0.0.1", now).unwrap_err(),
            S,
            "no case"
        );
        drop(held);
        assert!(
            t.reserve("rita", "10.0.0.1", now + S).is_ok(),
            "after the wait"
        );
    }

    #[test]
    fn a_success_elsewhere_does_not_clear_the_address() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..ADDRESS_FREE_FAILURES {
            // The attacker's own account, between every guess.
            let own = t.reserve("eigen", "10.0.0.1", now).unwrap();
            t.succeeded(own);
            let _ = t.reserve(&format!("naam{i}"), "10.0.0.1", now).unwrap();
        }
        assert!(t.reserve("nog-een", "10.0.0.1", now).is_err());
        assert!(t.reserve("eigen", "10.0.0.1", now).is_err());
    }

    #[test]
    fn a_clean_address_passes_a_throttled_name() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..NAME_FREE_FAILURES {
            let _ = t.reserve("rita", &format!("10.0.1.{i}"), now).unwrap();
        }
        // A fresh address of the attacker's gets one guess, then it is no longer clean.
        let _ = t.reserve("rita", "10.0.2.1", now).unwrap();
        assert!(t.reserve("rita", "10.0.2.1", now).is_err());
        // The real user, from her own clean address, is let through, and her success
        // clears the name.
        let r = t.reserve("rita", "10.9.9.9", now).unwrap();
        t.succeeded(r);
        assert!(t.reserve("rita", "10.0.2.1", now).is_ok());
    }

    #[test]
    fn failures_cool_down() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..PAIR_FREE_FAILURES {
            let _ = t.reserve("rita", "10.0.0.1", now).unwrap();
        }
        let later = now + S;
        let _ = t.reserve("rita", "10.0.0.1", later).unwrap();
        let wait = t.reserve("rita", "10.0.0.1", later).unwrap_err();
        assert_eq!(wait, 2 * S, "after the fourth failure: two seconds");
        // Quiet for the wait and the cool-down: as if nothing happened.
        let cooled = later + wait + COOL_DOWN;
        for _ in 0..PAIR_FREE_FAILURES {
            let _ = t.reserve("rita", "10.0.0.1", cooled).unwrap();
        }
        assert_eq!(t.reserve("rita", "10.0.0.1", cooled).unwrap_err(), S);
    }

    #[test]
    fn a_refund_gives_the_attempt_back() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..10 {
            let r = t.reserve("rita", "10.0.0.1", now).unwrap();
            t.refund(r);
        }
        assert!(t.is_empty());
    }

    #[test]
    fn ipv6_counts_by_its_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(address_key(Some(a)), address_key(Some(b)));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(address_key(Some(mapped)), "10.0.0.1");
        assert_eq!(address_key(None), "onbekend");
    }

    #[test]
    fn the_records_stay_bounded() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..MAX_RECORDS / 3 + 10 {
            let _ = t.reserve(&format!("n{i}"), &format!("a{i}"), now);
        }
        assert!(t.len() <= MAX_RECORDS, "{}", t.len());
    }
}
