//! In-memory sign-in throttling of one server instance.
//!
//! - Per client address: a token bucket (the GCRA of the `governor` crate), so one address
//!   cannot try passwords (or send answers, proposals) fast. Addresses live only in this
//!   limiter (never on disk, never in logs); addresses whose bucket is full again are
//!   dropped once it holds [`MAX_ENTRIES`] (or twice what the last sweep kept).
//! - Per (email, address) pair: after 5 failures in a row the pair is locked for a growing
//!   while, for real accounts and unknown emails alike. Another address is not locked: a
//!   remote attacker who knows a staff email cannot lock its owner out.
//! - Per unknown email, from any address: the account-wide ceiling that real accounts count
//!   in the database (shared by all instances), so that being locked out reveals nothing
//!   about whether an account exists.

use std::{
    collections::HashMap,
    net::IpAddr,
    num::NonZeroU32,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Mutex, MutexGuard,
    },
    time::{Duration, Instant},
};

use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use crate::auth::{account_lockout_after, lockout_after};

/// Most entries kept in each map; beyond, idle entries are dropped first.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug)]
pub struct LoginThrottle {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    /// Size of `per_address` at which the next sweep runs: [`MAX_ENTRIES`], or twice what
    /// the last sweep left when most addresses were recent, so that a crowd of recent
    /// addresses does not make every request sweep them all.
    sweep_at: AtomicUsize,
    unknown: Mutex<HashMap<[u8; 32], Failures>>,
    pairs: Mutex<HashMap<[u8; 32], Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: i32,
    locked_until: Option<Instant>,
    last: Instant,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave a map inconsistent: keep going.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl LoginThrottle {
    /// `burst` attempts at once per address, then one more every `refill`.
    pub fn new(burst: u32, refill: Duration) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(refill.max(Duration::from_millis(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Self {
            per_address: RateLimiter::keyed(quota),
            sweep_at: AtomicUsize::new(MAX_ENTRIES),
            unknown: Mutex::new(HashMap::new()),
            pairs: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one attempt from `ip`'s bucket, or says how many seconds to wait.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), u64> {
        if self.per_address.len() >= self.sweep_at.load(Ordering::Relaxed) {
            // An address whose bucket is full again is the same as one never seen.
            self.per_address.retain_recent();
            self.per_address.shrink_to_fit();
            let left = self.per_address.len();
            self.sweep_at
                .store(left.saturating_mul(2).max(MAX_ENTRIES), Ordering::Relaxed);
        }
        self.per_address.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.per_address.clock().now());
            seconds_up(wait.as_secs_f64())
        })
    }

    /// Seconds left while an unknown email is locked out (account-wide ceiling).
    pub fn unknown_email_locked(&self, email: &str) -> Option<u64> {
        seconds_left(&self.unknown, &key(email))
    }

    /// Counts a failed sign-in for an email that has no account (account-wide ceiling).
    pub fn unknown_email_failed(&self, email: &str) {
        record_failure(&self.unknown, key(email), account_lockout_after);
    }

    /// Seconds left while the (email, address) pair is locked out.
    pub fn pair_locked(&self, email: &str, ip: IpAddr) -> Option<u64> {
        seconds_left(&self.pairs, &pair_key(email, ip))
    }

    /// Counts a failed sign-in of `email` from `ip`.
    pub fn pair_failed(&self, email: &str, ip: IpAddr) {
        record_failure(&self.pairs, pair_key(email, ip), lockout_after);
    }

    /// A successful sign-in clears the pair's count.
    pub fn pair_succeeded(&self, email: &str, ip: IpAddr) {
        lock(&self.pairs).remove(&pair_key(email, ip));
    }
}

fn seconds_left(map: &Mutex<HashMap<[u8; 32], Failures>>, key: &[u8; 32]) -> Option<u64> {
    let now = Instant::now();
    let map = lock(map);
    let until = map.get(key)?.locked_until?;
    (until > now).then(|| seconds_up(until.duration_since(now).as_secs_f64()))
}

fn record_failure(
    map: &Mutex<HashMap<[u8; 32], Failures>>,
    key: [u8; 32],
    schedule: fn(i32) -> Option<chrono::Duration>,
) {
    let now = Instant::now();
    let mut map = lock(map);
    if map.len() >= MAX_ENTRIES {
        // Entries idle for an hour (the longest lockout) no longer matter.
        map.retain(|_, f| now.duration_since(f.last) < Duration::from_secs(3600));
        if map.len() >= MAX_ENTRIES {
            map.clear();
        }
    }
    let entry = map.entry(key).or_insert(Failures {
        count: 0,
        locked_until: None,
        last: now,
    });
    entry.count = entry.count.saturating_add(1);
    entry.last = now;
    entry.locked_until = schedule(entry.count)
        .and_then(|d| d.to_std().ok())
        .map(|d| now + d);
}

/// The pair's key: a hash, so the map holds no address or email in clear.
fn pair_key(email: &str, ip: IpAddr) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(email.trim().to_lowercase().as_bytes());
    hasher.update([0]);
    hasher.update(ip.to_string().as_bytes());
    hasher.finalize().into()
}

fn key(email: &str) -> [u8; 32] {
    Sha256::digest(email.trim().to_lowercase().as_bytes()).into()
}

fn seconds_up(secs: f64) -> u64 {
    // Values are small and positive: the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let whole = secs.ceil().max(1.0) as u64;
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_keeps_recent_buckets_and_waits_for_twice_as_many_addresses() {
        let throttle = LoginThrottle::new(1, Duration::from_secs(60));
        let first: IpAddr = [192, 0, 2, 1].into();
        assert!(throttle.check_ip(first).is_ok());
        for i in 0..u32::try_from(MAX_ENTRIES).unwrap() {
            let other = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + i));
            assert!(throttle.check_ip(other).is_ok());
        }
        // The sweep at 10,000 addresses found them all recent: all kept, the next sweep
        // at twice as many, and the first address still has to wait.
        assert_eq!(throttle.sweep_at.load(Ordering::Relaxed), 2 * MAX_ENTRIES);
        assert!(throttle.check_ip(first).is_err());
    }

    #[test]
    fn an_address_gets_its_burst_then_waits() {
        let throttle = LoginThrottle::new(3, Duration::from_secs(60));
        let ip: IpAddr = [192, 0, 2, 1].into();
        for _ in 0..3 {
            assert!(throttle.check_ip(ip).is_ok());
        }
        let wait = throttle.check_ip(ip).unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(throttle.check_ip([192, 0, 2, 2].into()).is_ok());
    }

    #[test]
    fn a_pair_locks_after_five_failures_and_another_address_does_not() {
        let throttle = LoginThrottle::new(100, Duration::from_secs(1));
        let attacker: IpAddr = [203, 0, 113, 9].into();
        let agent: IpAddr = [198, 51, 100, 7].into();
        for _ in 0..4 {
            throttle.pair_failed("Agent@x.fr", attacker);
            assert_eq!(throttle.pair_locked("agent@x.fr", attacker), None);
        }
        throttle.pair_failed("agent@x.fr", attacker);
        assert!(throttle.pair_locked("AGENT@x.fr", attacker).is_some());
        assert_eq!(throttle.pair_locked("agent@x.fr", agent), None);
        throttle.pair_succeeded("agent@x.fr", attacker);
        assert_eq!(throttle.pair_locked("agent@x.fr", attacker), None);
    }

    #[test]
    fn unknown_emails_lock_at_the_account_ceiling() {
        let throttle = LoginThrottle::new(100, Duration::from_secs(1));
        for _ in 0..crate::auth::ACCOUNT_FAILURE_CEILING - 1 {
            throttle.unknown_email_failed("Nobody@x.fr");
            assert_eq!(throttle.unknown_email_locked("nobody@x.fr"), None);
        }
        throttle.unknown_email_failed("nobody@x.fr");
        assert!(throttle.unknown_email_locked("NOBODY@x.fr").is_some());
    }
}
