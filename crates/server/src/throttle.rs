//! In-memory sign-in throttling of one server instance.
//!
//! - Per client address: a token bucket, so one address cannot try passwords fast. Addresses
//!   live only in this map (never on disk, never in logs) and the map is bounded.
//! - Per unknown email: the same lockout schedule as real accounts (whose failures are
//!   counted in the database, shared by all instances), so that being locked out reveals
//!   nothing about whether an account exists.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

use sha2::{Digest, Sha256};

use crate::auth::lockout_after;

/// Most entries kept in each map; beyond, idle entries are dropped first.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug)]
pub struct LoginThrottle {
    burst: f64,
    refill_per_sec: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    unknown: Mutex<HashMap<[u8; 32], Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
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
        Self {
            burst: f64::from(burst.max(1)),
            refill_per_sec: 1.0 / refill.as_secs_f64().max(0.001),
            buckets: Mutex::new(HashMap::new()),
            unknown: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one attempt from `ip`'s bucket, or says how many seconds to wait.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), u64> {
        let now = Instant::now();
        let mut buckets = lock(&self.buckets);
        if buckets.len() >= MAX_ENTRIES && !buckets.contains_key(&ip) {
            let (burst, rate) = (self.burst, self.refill_per_sec);
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.updated).as_secs_f64() * rate < burst
            });
            if buckets.len() >= MAX_ENTRIES {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.refill_per_sec).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / self.refill_per_sec;
            Err(seconds_up(wait))
        }
    }

    /// Seconds left while an unknown email is locked out.
    pub fn unknown_email_locked(&self, email: &str) -> Option<u64> {
        let now = Instant::now();
        let map = lock(&self.unknown);
        let until = map.get(&key(email))?.locked_until?;
        (until > now).then(|| seconds_up(until.duration_since(now).as_secs_f64()))
    }

    /// Counts a failed sign-in for an email that has no account.
    pub fn unknown_email_failed(&self, email: &str) {
        let now = Instant::now();
        let mut map = lock(&self.unknown);
        if map.len() >= MAX_ENTRIES {
            // Entries idle for an hour (the longest lockout) no longer matter.
            map.retain(|_, f| now.duration_since(f.last) < Duration::from_secs(3600));
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
        }
        let entry = map.entry(key(email)).or_insert(Failures {
            count: 0,
            locked_until: None,
            last: now,
        });
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
        entry.locked_until = lockout_after(entry.count)
            .and_then(|d| d.to_std().ok())
            .map(|d| now + d);
    }
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
    fn unknown_emails_lock_after_five_failures() {
        let throttle = LoginThrottle::new(100, Duration::from_secs(1));
        for _ in 0..4 {
            throttle.unknown_email_failed("Nobody@x.fr");
            assert_eq!(throttle.unknown_email_locked("nobody@x.fr"), None);
        }
        throttle.unknown_email_failed("nobody@x.fr");
        assert!(throttle.unknown_email_locked("NOBODY@x.fr").is_some());
    }
}
