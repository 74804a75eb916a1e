//! How often sign-ins may fail (spec §5), built so that it cannot be
//! turned against the people it protects:
//!
//! 1. **Per (code, address)** first: after a few failures with one code
//!    from one address, that pair backs off, doubling up to 15 minutes.
//!    Someone guessing an organizer's password from a café locks out the
//!    café, not the organizer.
//! 2. **Per code**, a ceiling across every address: when a code has failed
//!    too often lately, addresses that already failed with it wait (at most
//!    a few seconds per failure); an address that never failed with it — the
//!    owner's — still goes through.
//! 3. **Per address**, a generous ceiling on failures only: a venue puts
//!    hundreds of phones behind one public address, and their successful
//!    sign-ins never count.
//!
//! Only failures count in 1–3. Every attempt, good or bad, also passes a
//! flood guard per address (a burst of 300, then 5 a second).
//!
//! "Code" is whatever is being guessed: an attendee's sign-in code, a
//! kiosk's pairing code, an organizer's email.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::error::{ApiError, Result};

/// Failures of one (code, address) pair before it backs off.
const PAIR_FREE_FAILURES: u32 = 5;
/// The longest a pair backs off.
const PAIR_MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failures of one code, from every address, the ceiling allows at once;
/// each one is forgiven after `KEY_DRAIN`.
const KEY_CEILING: f64 = 20.0;
const KEY_DRAIN: Duration = Duration::from_secs(15);
/// Failures from one address the ceiling allows at once; each is forgiven
/// after `ADDRESS_DRAIN` (1,200 an hour: a venue's typos pass, a scan of
/// 80-bit codes gets nowhere).
const ADDRESS_CEILING: f64 = 100.0;
const ADDRESS_DRAIN: Duration = Duration::from_secs(3);
/// Every attempt, per address: a burst of 300, then 5 a second.
const FLOOD_BURST: u32 = 300;
const FLOOD_PER_SECOND: u32 = 5;
/// Records idle this long are forgotten.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// Memory is trimmed when a table holds more records than this.
const TRIM_AT: usize = 50_000;

/// Which rule refused an attempt, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Pair(Duration),
    Code(Duration),
    Address(Duration),
    Flood(Duration),
}

impl Refusal {
    fn into_error(self) -> ApiError {
        match self {
            Refusal::Pair(wait) => ApiError::rate_limited(
                wait,
                "Too many failed attempts with this code from here. Check it, then try again shortly.",
            ),
            Refusal::Code(wait) => ApiError::rate_limited(
                wait,
                "This code was tried too often just now. Check it, then try again shortly.",
            ),
            Refusal::Address(wait) | Refusal::Flood(wait) => ApiError::rate_limited(
                wait,
                "Too many sign-ins from this network just now. Try again shortly.",
            ),
        }
    }
}

/// A count of recent failures that drains at a steady rate.
#[derive(Debug, Clone, Copy)]
struct Leaky {
    level: f64,
    at: Instant,
}

impl Leaky {
    fn level(&self, drain: Duration, now: Instant) -> f64 {
        let drained = now.saturating_duration_since(self.at).as_secs_f64() / drain.as_secs_f64();
        (self.level - drained).max(0.0)
    }

    fn add(&mut self, drain: Duration, now: Instant) {
        self.level = self.level(drain, now) + 1.0;
        self.at = now;
    }

    /// How long until the level is below `ceiling` again, if it is not now.
    fn wait(&self, ceiling: f64, drain: Duration, now: Instant) -> Option<Duration> {
        let over = self.level(drain, now) - ceiling + 1.0;
        (over > 0.0).then(|| drain.mul_f64(over))
    }
}

#[derive(Debug, Clone, Copy)]
struct Backoff {
    failures: u32,
    until: Instant,
    last: Instant,
}

#[derive(Default)]
struct Tables {
    pairs: HashMap<(String, Option<IpAddr>), Backoff>,
    codes: HashMap<String, Leaky>,
    addresses: HashMap<IpAddr, Leaky>,
}

impl Tables {
    fn trim(&mut self, now: Instant) {
        if self.pairs.len() > TRIM_AT {
            self.pairs
                .retain(|_, b| now.saturating_duration_since(b.last) < FORGET_AFTER);
        }
        if self.codes.len() > TRIM_AT {
            self.codes.retain(|_, l| l.level(KEY_DRAIN, now) > 0.0);
        }
        if self.addresses.len() > TRIM_AT {
            self.addresses
                .retain(|_, l| l.level(ADDRESS_DRAIN, now) > 0.0);
        }
    }
}

pub struct SignInLimits {
    tables: Mutex<Tables>,
    flood: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for SignInLimits {
    fn default() -> Self {
        let quota = Quota::per_second(NonZeroU32::new(FLOOD_PER_SECOND).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(FLOOD_BURST).unwrap_or(NonZeroU32::MIN));
        SignInLimits {
            tables: Mutex::new(Tables::default()),
            flood: RateLimiter::keyed(quota),
        }
    }
}

impl SignInLimits {
    /// May `address` try `code` now? Call before checking the code; then
    /// report the outcome with [`failed`](Self::failed) or
    /// [`succeeded`](Self::succeeded).
    pub fn check(&self, code: &str, address: Option<IpAddr>) -> Result<()> {
        self.refusal(code, address, Instant::now())
            .map_or(Ok(()), |r| Err(r.into_error()))
    }

    fn refusal(&self, code: &str, address: Option<IpAddr>, now: Instant) -> Option<Refusal> {
        if let Some(address) = address {
            if self.flood.len() > TRIM_AT {
                self.flood.retain_recent();
            }
            if let Err(wait) = self.flood.check_key(&address) {
                return Some(Refusal::Flood(
                    wait.wait_time_from(DefaultClock::default().now()),
                ));
            }
        }
        let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        tables.trim(now);
        let pair = tables.pairs.get(&(code.to_owned(), address)).copied();
        if let Some(pair) = pair
            && pair.until > now
        {
            return Some(Refusal::Pair(pair.until - now));
        }
        if pair.is_some_and(|p| p.failures > 0)
            && let Some(wait) = tables
                .codes
                .get(code)
                .and_then(|l| l.wait(KEY_CEILING, KEY_DRAIN, now))
        {
            return Some(Refusal::Code(wait));
        }
        if let Some(address) = address
            && let Some(wait) = tables
                .addresses
                .get(&address)
                .and_then(|l| l.wait(ADDRESS_CEILING, ADDRESS_DRAIN, now))
        {
            return Some(Refusal::Address(wait));
        }
        None
    }

    /// `address` tried `code` and it was wrong.
    pub fn failed(&self, code: &str, address: Option<IpAddr>) {
        self.record_failure(code, address, Instant::now());
    }

    fn record_failure(&self, code: &str, address: Option<IpAddr>, now: Instant) {
        let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        let pair = tables
            .pairs
            .entry((code.to_owned(), address))
            .or_insert(Backoff {
                failures: 0,
                until: now,
                last: now,
            });
        if now.saturating_duration_since(pair.last) >= FORGET_AFTER {
            pair.failures = 0;
        }
        pair.failures += 1;
        pair.last = now;
        if let Some(over) = pair.failures.checked_sub(PAIR_FREE_FAILURES + 1) {
            let wait = Duration::from_secs(1u64 << over.min(20)).min(PAIR_MAX_WAIT);
            pair.until = now + wait;
        }
        tables
            .codes
            .entry(code.to_owned())
            .or_insert(Leaky {
                level: 0.0,
                at: now,
            })
            .add(KEY_DRAIN, now);
        if let Some(address) = address {
            tables
                .addresses
                .entry(address)
                .or_insert(Leaky {
                    level: 0.0,
                    at: now,
                })
                .add(ADDRESS_DRAIN, now);
        }
    }

    /// `address` signed in with `code`: its own failures with it are forgotten.
    pub fn succeeded(&self, code: &str, address: Option<IpAddr>) {
        let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        tables.pairs.remove(&(code.to_owned(), address));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[test]
    fn a_pair_backs_off_after_its_free_failures_doubling_and_only_that_pair() {
        let limits = SignInLimits::default();
        let t0 = Instant::now();
        for _ in 0..PAIR_FREE_FAILURES {
            assert_eq!(limits.refusal("code", ip(1), t0), None);
            limits.record_failure("code", ip(1), t0);
        }
        assert_eq!(limits.refusal("code", ip(1), t0), None, "five are free");
        limits.record_failure("code", ip(1), t0);
        assert_eq!(
            limits.refusal("code", ip(1), t0),
            Some(Refusal::Pair(Duration::from_secs(1)))
        );
        assert_eq!(limits.refusal("code", ip(2), t0), None, "another address");
        assert_eq!(limits.refusal("other", ip(1), t0), None, "another code");
        let t1 = t0 + Duration::from_secs(1);
        limits.record_failure("code", ip(1), t1);
        assert_eq!(
            limits.refusal("code", ip(1), t1),
            Some(Refusal::Pair(Duration::from_secs(2)))
        );
        limits.succeeded("code", ip(1));
        assert_eq!(limits.refusal("code", ip(1), t1), None, "success forgives");
    }

    #[test]
    fn the_per_code_ceiling_slows_guessers_and_lets_a_fresh_address_through() {
        let limits = SignInLimits::default();
        let now = Instant::now();
        // Twenty guessers, one failure each: the code is at its ceiling.
        for a in 1..=KEY_CEILING as u8 {
            limits.record_failure("victim@example.org", ip(a), now);
        }
        let Some(Refusal::Code(wait)) = limits.refusal("victim@example.org", ip(1), now) else {
            panic!("a guesser that already failed waits");
        };
        assert!(wait <= KEY_DRAIN, "briefly: {wait:?}");
        assert_eq!(
            limits.refusal("victim@example.org", ip(200), now),
            None,
            "the owner, who never failed, goes through"
        );
        let later = now + KEY_DRAIN;
        assert_eq!(limits.refusal("victim@example.org", ip(1), later), None);
    }

    #[test]
    fn the_per_address_ceiling_counts_failures_only() {
        let limits = SignInLimits::default();
        let now = Instant::now();
        for n in 0..ADDRESS_CEILING as u32 {
            limits.record_failure(&format!("guess-{n}"), ip(9), now);
        }
        assert!(matches!(
            limits.refusal("anything", ip(9), now),
            Some(Refusal::Address(_))
        ));
        assert_eq!(limits.refusal("anything", ip(8), now), None);
        // Successes from a busy address never fill it.
        for n in 0..1000 {
            limits.succeeded(&format!("good-{n}"), ip(7));
        }
        assert_eq!(limits.refusal("anything", ip(7), now), None);
    }
}
