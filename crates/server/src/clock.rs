//! The time the listings' freshness is judged at: the system clock, or in tests a clock
//! moved forward by hand (so that a year can pass without sleeping).

use std::sync::{
    atomic::{AtomicI64, Ordering},
    Arc,
};

use chrono::{DateTime, NaiveDate, Utc};

/// The system clock, plus an offset that only [`Clock::adjustable`] clocks can move.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Seconds added to the system time; `None` for the plain system clock.
    offset: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that starts at the system time and that [`Clock::advance`] moves forward;
    /// clones share the offset (a test keeps one, the application another).
    pub fn adjustable() -> Self {
        Self {
            offset: Some(Arc::new(AtomicI64::new(0))),
        }
    }

    /// Moves an adjustable clock forward by `by` (no effect on the system clock).
    pub fn advance(&self, by: chrono::Duration) {
        if let Some(offset) = &self.offset {
            offset.fetch_add(by.num_seconds(), Ordering::SeqCst);
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        match &self.offset {
            None => now,
            Some(offset) => {
                let secs = offset.load(Ordering::SeqCst);
                now.checked_add_signed(chrono::Duration::seconds(secs))
                    .unwrap_or(now)
            }
        }
    }

    /// Today in France (Europe/Paris).
    pub fn today(&self) -> NaiveDate {
        solidarites_domain::time::today_in_paris(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjustable_clock_moves_for_every_clone_and_the_system_one_does_not() {
        let clock = Clock::adjustable();
        let shared = clock.clone();
        let before = shared.today();
        clock.advance(chrono::Duration::days(400));
        assert!(shared.today() >= before + chrono::Duration::days(400));
        let system = Clock::system();
        system.advance(chrono::Duration::days(400));
        assert!(system.today() <= Utc::now().date_naive() + chrono::Duration::days(1));
    }
}
