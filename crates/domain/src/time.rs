//! Dates in France. The platform serves metropolitan France: "today", a day's first instant
//! and the dates shown to people are in Europe/Paris, summer time included (the time-zone
//! database of `chrono-tz`, never a fixed offset).

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;

/// The date in metropolitan France at `now`.
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use solidarites_domain::time::today_in_paris;
/// // 22:30 UTC on a summer evening is already the next day in Paris (UTC+2).
/// let now = Utc.with_ymd_and_hms(2026, 7, 14, 22, 30, 0).unwrap();
/// assert_eq!(today_in_paris(now), NaiveDate::from_ymd_opt(2026, 7, 15).unwrap());
/// ```
#[must_use]
pub fn today_in_paris(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Paris).date_naive()
}

/// The first instant of `day` in France (on a day starting in a daylight-saving gap, the
/// earliest instant of the day).
#[must_use]
pub fn paris_midnight(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_time(NaiveTime::MIN);
    Paris
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// `at` as a French date, `DD/MM/YYYY`, in France.
#[must_use]
pub fn french_date(at: DateTime<Utc>) -> String {
    today_in_paris(at).format("%d/%m/%Y").to_string()
}

/// Why a French wall-clock time names no instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    /// The clocks jump over it (spring forward, 02:00 → 03:00 on the last Sunday of March).
    #[error("this local time does not exist in France (daylight-saving change)")]
    Skipped,
}

/// The instant of the wall-clock time `local` in France.
///
/// On the night the clocks go back (03:00 → 02:00 on the last Sunday of October), a time
/// between 02:00 and 03:00 happens twice: the first one (still summer time, UTC+2) is
/// taken, which is what someone announcing "2:30" before the change means. A time the
/// clocks skip (between 02:00 and 03:00 on the last Sunday of March) is refused.
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use solidarites_domain::time::{paris_instant, LocalTimeError};
/// let at = |d, h, m| NaiveDate::from_ymd_opt(2027, 3, d).unwrap().and_hms_opt(h, m, 0).unwrap();
/// assert_eq!(paris_instant(at(27, 10, 0)), Ok(Utc.with_ymd_and_hms(2027, 3, 27, 9, 0, 0).unwrap()));
/// assert_eq!(paris_instant(at(28, 2, 30)), Err(LocalTimeError::Skipped));
/// assert_eq!(paris_instant(at(29, 18, 0)), Ok(Utc.with_ymd_and_hms(2027, 3, 29, 16, 0, 0).unwrap()));
/// ```
///
/// # Errors
/// [`LocalTimeError::Skipped`] for a time the clocks jump over.
pub fn paris_instant(local: NaiveDateTime) -> Result<DateTime<Utc>, LocalTimeError> {
    match Paris.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(LocalTimeError::Skipped),
    }
}

/// The French wall-clock time of `at`.
#[must_use]
pub fn paris_local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&Paris).naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap_or_default()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn today_follows_winter_and_summer_time() {
        // Winter: UTC+1.
        assert_eq!(today_in_paris(utc(2026, 1, 10, 22, 30)), day(2026, 1, 10));
        assert_eq!(today_in_paris(utc(2026, 1, 10, 23, 0)), day(2026, 1, 11));
        // Summer: UTC+2.
        assert_eq!(today_in_paris(utc(2026, 7, 10, 21, 59)), day(2026, 7, 10));
        assert_eq!(today_in_paris(utc(2026, 7, 10, 22, 0)), day(2026, 7, 11));
    }

    #[test]
    fn across_the_daylight_saving_changes() {
        // Spring forward on Sunday 29 March 2026 at 01:00 UTC (02:00 → 03:00 in Paris).
        assert_eq!(today_in_paris(utc(2026, 3, 28, 22, 59)), day(2026, 3, 28));
        assert_eq!(today_in_paris(utc(2026, 3, 28, 23, 0)), day(2026, 3, 29));
        assert_eq!(today_in_paris(utc(2026, 3, 29, 21, 59)), day(2026, 3, 29));
        assert_eq!(today_in_paris(utc(2026, 3, 29, 22, 0)), day(2026, 3, 30));
        // Fall back on Sunday 25 October 2026 at 01:00 UTC (03:00 → 02:00 in Paris).
        assert_eq!(today_in_paris(utc(2026, 10, 24, 21, 59)), day(2026, 10, 24));
        assert_eq!(today_in_paris(utc(2026, 10, 24, 22, 0)), day(2026, 10, 25));
        assert_eq!(today_in_paris(utc(2026, 10, 25, 22, 59)), day(2026, 10, 25));
        assert_eq!(today_in_paris(utc(2026, 10, 25, 23, 0)), day(2026, 10, 26));
    }

    #[test]
    fn midnight_and_french_dates_use_the_offset_of_the_day() {
        assert_eq!(paris_midnight(day(2026, 1, 10)), utc(2026, 1, 9, 23, 0));
        assert_eq!(paris_midnight(day(2026, 3, 29)), utc(2026, 3, 28, 23, 0));
        assert_eq!(paris_midnight(day(2026, 3, 30)), utc(2026, 3, 29, 22, 0));
        assert_eq!(paris_midnight(day(2026, 10, 26)), utc(2026, 10, 25, 23, 0));
        assert_eq!(french_date(utc(2026, 6, 30, 22, 30)), "01/07/2026");
        assert_eq!(french_date(utc(2026, 12, 31, 22, 30)), "31/12/2026");
    }

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        day(y, m, d).and_hms_opt(h, min, 0).unwrap_or_default()
    }

    #[test]
    fn local_times_around_the_spring_change_of_2027() {
        // Sunday 28 March 2027: 02:00 → 03:00 in Paris, at 01:00 UTC.
        assert_eq!(
            paris_instant(local(2027, 3, 28, 1, 59)),
            Ok(utc(2027, 3, 28, 0, 59))
        );
        assert_eq!(
            paris_instant(local(2027, 3, 28, 2, 0)),
            Err(LocalTimeError::Skipped)
        );
        assert_eq!(
            paris_instant(local(2027, 3, 28, 2, 59)),
            Err(LocalTimeError::Skipped)
        );
        assert_eq!(
            paris_instant(local(2027, 3, 28, 3, 0)),
            Ok(utc(2027, 3, 28, 1, 0))
        );
    }

    #[test]
    fn a_repeated_autumn_time_is_the_first_one() {
        // Sunday 31 October 2027: 03:00 → 02:00 in Paris, at 01:00 UTC; 02:30 happens at
        // 00:30 UTC (summer time) and again at 01:30 UTC.
        assert_eq!(
            paris_instant(local(2027, 10, 31, 2, 30)),
            Ok(utc(2027, 10, 31, 0, 30))
        );
        assert_eq!(
            paris_instant(local(2027, 10, 31, 3, 0)),
            Ok(utc(2027, 10, 31, 2, 0))
        );
        assert_eq!(
            paris_local(utc(2027, 10, 31, 1, 30)),
            local(2027, 10, 31, 2, 30)
        );
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any wall-clock time of 2026–2030 is either skipped (and then within the
            /// spring hour) or an instant that reads back as the same wall-clock time.
            #[test]
            fn local_times_round_trip_unless_skipped(minutes in 0i64..(5 * 366 * 24 * 60)) {
                let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default().and_time(NaiveTime::MIN);
                let local = start + chrono::Duration::minutes(minutes);
                match paris_instant(local) {
                    Ok(at) => prop_assert_eq!(paris_local(at), local),
                    Err(LocalTimeError::Skipped) => {
                        prop_assert_eq!(local.format("%m %H").to_string(), "03 02");
                    }
                }
            }
        }
    }
}
