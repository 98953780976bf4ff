//! Listings kept current: each public listing (initiative, actor, event) carries
//! the date it was last confirmed by its submitter or by staff. After a period without
//! confirmation it is flagged to its submitter; after a grace period more it is hidden
//! from every public page (never deleted) until someone confirms it again.
//!
//! Days are French days (Europe/Paris, see [`crate::time`]): a listing confirmed at any
//! time on 1 March with a 365-day period is flagged on 1 March of the next year (or
//! 29 February's next day in a leap year: 365 calendar days later).

use chrono::{Days, NaiveDate};

/// The kinds of listing that must be kept current. Storage and services are written
/// over this enum, so a new kind is one variant and its match arms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListingKind {
    Initiative,
    Actor,
    Event,
}

impl ListingKind {
    pub const ALL: [ListingKind; 3] = [
        ListingKind::Initiative,
        ListingKind::Actor,
        ListingKind::Event,
    ];

    /// The name used in the API and the audit trail.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ListingKind::Initiative => "initiative",
            ListingKind::Actor => "actor",
            ListingKind::Event => "event",
        }
    }

    #[must_use]
    pub fn parse(raw: &str) -> Option<ListingKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// Where a listing stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Freshness {
    /// Confirmed recently enough: nothing to do.
    Fresh,
    /// Not confirmed for the period: its submitter is asked to confirm; still public.
    Flagged,
    /// Not confirmed for the period and the grace after it: hidden from public pages.
    Hidden,
}

impl Freshness {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Freshness::Fresh => "fresh",
            Freshness::Flagged => "flagged",
            Freshness::Hidden => "hidden",
        }
    }

    /// Whether the public sees the listing.
    #[must_use]
    pub const fn is_public(self) -> bool {
        !matches!(self, Freshness::Hidden)
    }
}

/// Default number of days without confirmation before a listing is flagged.
pub const DEFAULT_FLAG_AFTER_DAYS: u32 = 365;
/// Default number of days between the flag and the listing being hidden.
pub const DEFAULT_HIDE_AFTER_FLAG_DAYS: u32 = 30;

/// The two periods of the rule (instance settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreshnessPolicy {
    /// Days without confirmation before the listing is flagged to its submitter.
    pub flag_after_days: u32,
    /// Days after the flag before the listing is hidden.
    pub hide_after_flag_days: u32,
}

impl Default for FreshnessPolicy {
    fn default() -> Self {
        Self {
            flag_after_days: DEFAULT_FLAG_AFTER_DAYS,
            hide_after_flag_days: DEFAULT_HIDE_AFTER_FLAG_DAYS,
        }
    }
}

fn plus(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days))
        .unwrap_or(NaiveDate::MAX)
}

fn minus(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

impl FreshnessPolicy {
    fn hide_after_days(self) -> u64 {
        u64::from(self.flag_after_days) + u64::from(self.hide_after_flag_days)
    }

    /// The first day a listing confirmed on `confirmed_on` is flagged.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use solidarites_domain::freshness::FreshnessPolicy;
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let policy = FreshnessPolicy { flag_after_days: 10, hide_after_flag_days: 5 };
    /// assert_eq!(policy.flagged_from(d(3, 1)), d(3, 11));
    /// assert_eq!(policy.hidden_from(d(3, 1)), d(3, 16));
    /// ```
    #[must_use]
    pub fn flagged_from(self, confirmed_on: NaiveDate) -> NaiveDate {
        plus(confirmed_on, u64::from(self.flag_after_days))
    }

    /// The first day a listing confirmed on `confirmed_on` is hidden.
    #[must_use]
    pub fn hidden_from(self, confirmed_on: NaiveDate) -> NaiveDate {
        plus(confirmed_on, self.hide_after_days())
    }

    /// The last day a listing confirmed on `confirmed_on` is public.
    #[must_use]
    pub fn last_public_day(self, confirmed_on: NaiveDate) -> NaiveDate {
        self.hidden_from(confirmed_on)
            .pred_opt()
            .unwrap_or(NaiveDate::MIN)
    }

    /// Where a listing confirmed on `confirmed_on` stands on `today`.
    #[must_use]
    pub fn freshness(self, confirmed_on: NaiveDate, today: NaiveDate) -> Freshness {
        if today >= self.hidden_from(confirmed_on) {
            Freshness::Hidden
        } else if today >= self.flagged_from(confirmed_on) {
            Freshness::Flagged
        } else {
            Freshness::Fresh
        }
    }

    /// On `today`, the listings confirmed on or after this day are public (the condition
    /// the database applies).
    #[must_use]
    pub fn public_since(self, today: NaiveDate) -> NaiveDate {
        plus(minus(today, self.hide_after_days()), 1)
    }

    /// On `today`, the listings confirmed on or after this day are not flagged.
    #[must_use]
    pub fn fresh_since(self, today: NaiveDate) -> NaiveDate {
        plus(minus(today, u64::from(self.flag_after_days)), 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn default_policy_flags_after_a_year_and_hides_a_month_later() {
        let policy = FreshnessPolicy::default();
        let confirmed = day(2026, 1, 15);
        assert_eq!(
            policy.freshness(confirmed, day(2026, 1, 15)),
            Freshness::Fresh
        );
        assert_eq!(
            policy.freshness(confirmed, day(2027, 1, 14)),
            Freshness::Fresh
        );
        assert_eq!(
            policy.freshness(confirmed, day(2027, 1, 15)),
            Freshness::Flagged
        );
        assert_eq!(
            policy.freshness(confirmed, day(2027, 2, 13)),
            Freshness::Flagged
        );
        assert_eq!(
            policy.freshness(confirmed, day(2027, 2, 14)),
            Freshness::Hidden
        );
        assert_eq!(policy.last_public_day(confirmed), day(2027, 2, 13));
    }

    #[test]
    fn leap_years_count_calendar_days() {
        let policy = FreshnessPolicy {
            flag_after_days: 365,
            hide_after_flag_days: 0,
        };
        // 2028 is a leap year: 365 days after 1 March 2027 is 29 February 2028.
        assert_eq!(policy.flagged_from(day(2027, 3, 1)), day(2028, 2, 29));
    }

    #[test]
    fn a_zero_grace_hides_on_the_day_of_the_flag() {
        let policy = FreshnessPolicy {
            flag_after_days: 2,
            hide_after_flag_days: 0,
        };
        assert_eq!(
            policy.freshness(day(2026, 5, 1), day(2026, 5, 2)),
            Freshness::Fresh
        );
        assert_eq!(
            policy.freshness(day(2026, 5, 1), day(2026, 5, 3)),
            Freshness::Hidden
        );
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in ListingKind::ALL {
            assert_eq!(ListingKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ListingKind::parse("Initiative"), None);
    }

    #[test]
    fn huge_periods_saturate_instead_of_overflowing() {
        let policy = FreshnessPolicy {
            flag_after_days: u32::MAX,
            hide_after_flag_days: u32::MAX,
        };
        assert_eq!(
            policy.freshness(day(2026, 1, 1), day(2100, 1, 1)),
            Freshness::Fresh
        );
        assert_eq!(
            policy.public_since(day(2026, 1, 1)),
            plus(NaiveDate::MIN, 1)
        );
    }

    fn any_day() -> impl Strategy<Value = NaiveDate> {
        (0i64..40_000).prop_map(|n| day(2000, 1, 1) + chrono::Duration::days(n))
    }

    proptest! {
        #[test]
        fn the_database_conditions_agree_with_the_rule(
            confirmed in any_day(),
            today in any_day(),
            flag in 0u32..2_000,
            grace in 0u32..400,
        ) {
            let policy = FreshnessPolicy { flag_after_days: flag, hide_after_flag_days: grace };
            let freshness = policy.freshness(confirmed, today);
            prop_assert_eq!(confirmed >= policy.public_since(today), freshness.is_public());
            prop_assert_eq!(
                confirmed >= policy.fresh_since(today),
                freshness == Freshness::Fresh
            );
            prop_assert_eq!(today <= policy.last_public_day(confirmed), freshness.is_public());
        }

        #[test]
        fn a_listing_only_ages(
            confirmed in any_day(),
            today in any_day(),
            later in 0i64..1_000,
            flag in 0u32..800,
            grace in 0u32..100,
        ) {
            let policy = FreshnessPolicy { flag_after_days: flag, hide_after_flag_days: grace };
            let rank = |f: Freshness| match f {
                Freshness::Fresh => 0,
                Freshness::Flagged => 1,
                Freshness::Hidden => 2,
            };
            let then = policy.freshness(confirmed, today);
            let after = policy.freshness(confirmed, today + chrono::Duration::days(later));
            prop_assert!(rank(after) >= rank(then));
            // Confirming again (on `today`) makes any listing fresh unless the period is 0.
            if flag > 0 {
                prop_assert_eq!(policy.freshness(today, today), Freshness::Fresh);
            }
        }
    }
}
