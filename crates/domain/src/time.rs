//! Dates in France. The platform serves metropolitan France: "today", a day's first instant
//! and the dates shown to people are in Europe/Paris, summer time included (the time-zone
//! database of `chrono-tz`, never a fixed offset).

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
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
}
