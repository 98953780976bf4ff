//! Dates and numbers written the French way.
//!
//! - dates: « 22 novembre 2026 », « 1er décembre 2026 »;
//! - numbers: groups of three digits separated by a narrow no-break space (U+202F) and a
//!   decimal comma: « 1 234,5 »; percentages with a no-break space before `%`.
//!
//! Everything here is pure, except [`local_date`] which asks the browser for the local
//! calendar day of an instant.

/// Narrow no-break space: thousands separator and space before `%` in French typography.
pub const NNBSP: char = '\u{202f}';

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    /// 1 to 31.
    pub day: u32,
}

impl Day {
    /// Reads the `YYYY-MM-DD` at the start of `text` (a date or an RFC 3339 timestamp,
    /// whose calendar day is then the one written, in its own offset).
    pub fn parse(text: &str) -> Option<Day> {
        let head = text.get(..10)?;
        let mut parts = head.split('-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(year) && all_digits(month) && all_digits(day)) {
            return None;
        }
        let day = Day {
            year: year.parse().ok()?,
            month: month.parse().ok()?,
            day: day.parse().ok()?,
        };
        ((1..=12).contains(&day.month) && (1..=31).contains(&day.day)).then_some(day)
    }
}

/// « 22 novembre 2026 », « 1er mars 2027 ».
pub fn date_long(day: Day) -> String {
    let month = MONTHS
        .get((day.month as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("?");
    let number = if day.day == 1 {
        "1er".to_owned()
    } else {
        day.day.to_string()
    };
    format!("{number}\u{a0}{month} {}", day.year)
}

/// « 22/11/2026 ».
pub fn date_short(day: Day) -> String {
    format!("{:02}/{:02}/{}", day.day, day.month, day.year)
}

/// The long French date of a `YYYY-MM-DD` date or an RFC 3339 instant (its local day in
/// the browser), or the text itself when it is neither.
pub fn date_text(text: &str) -> String {
    local_date(text)
        .or_else(|| Day::parse(text))
        .map_or_else(|| text.to_owned(), date_long)
}

/// The local calendar day (browser time zone) of an RFC 3339 instant; `None` for a bare
/// date (whose day is the one written) or off the browser.
pub fn local_date(text: &str) -> Option<Day> {
    if text.len() <= 10 || !cfg!(target_arch = "wasm32") {
        return None;
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(text));
    let year = date.get_full_year();
    if !(1..=9999).contains(&year) {
        return None; // NaN date: get_full_year returned NaN cast to 0
    }
    Some(Day {
        year: i32::try_from(year).ok()?,
        month: date.get_month() + 1,
        day: date.get_date(),
    })
}

/// An integer: « 1 234 567 », « -12 ».
pub fn integer(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NNBSP);
        }
        out.push(c);
    }
    out
}

/// A count: « 36 529 ».
pub fn count(n: u64) -> String {
    integer(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A decimal number with at most `decimals` digits after the comma, trailing zeros
/// dropped: `decimal(1234.5, 2)` is « 1 234,5 », `decimal(3.0, 1)` is « 3 ».
pub fn decimal(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let fixed = fixed(x.abs(), decimals);
    let (whole, fraction) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let fraction = fraction.trim_end_matches('0');
    let whole: i64 = whole.parse().unwrap_or(0);
    let negative = x < 0.0 && (whole != 0 || !fraction.is_empty());
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&integer(whole));
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

/// `x` (finite, not negative) with `decimals` digits after a point, rounded: « 1234.50 ».
///
/// In the browser, JavaScript's `Number.prototype.toFixed`: Rust's float printing (the
/// Grisu and Dragon algorithms and their tables, several KB of `.wasm`) then stays out of
/// the map page's first load, which shows distances. Elsewhere (unit tests), `format!`;
/// the two differ only on exact binary ties (`0.125` to 2 digits: JS rounds up, Rust to
/// even).
fn fixed(x: f64, decimals: usize) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let digits = u8::try_from(decimals.min(100)).unwrap_or(100);
        js_sys::Number::from(x)
            .to_fixed(digits)
            .map(String::from)
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        format!("{x:.decimals$}")
    }
}

/// `x` as JavaScript writes it (the shortest text that reads back as the same number,
/// `12.345`, `3`), for `data-` attributes that scripts and tests read with `Number()`.
/// In the browser without Rust's float printing (see [`fixed`]).
pub fn js_number(x: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Number::from(x)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        x.to_string()
    }
}

/// A share in percent, `share` between 0 and 1: `percent(0.125, 1)` is « 12,5 % ».
pub fn percent(share: f64, decimals: usize) -> String {
    format!("{}{NNBSP}%", decimal(share * 100.0, decimals))
}

/// The French plural: `plural(2, "soutien", "soutiens")` is « 2 soutiens »; 0 and 1 are
/// singular in French.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{}\u{a0}{}", count(n), if n < 2 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_dates_are_french() {
        let day = |y, m, d| Day {
            year: y,
            month: m,
            day: d,
        };
        assert_eq!(date_long(day(2026, 11, 22)), "22\u{a0}novembre 2026");
        assert_eq!(date_long(day(2027, 3, 1)), "1er\u{a0}mars 2027");
        assert_eq!(date_long(day(2026, 8, 15)), "15\u{a0}août 2026");
        assert_eq!(date_long(day(2026, 2, 9)), "9\u{a0}février 2026");
        assert_eq!(date_short(day(2026, 2, 9)), "09/02/2026");
    }

    #[test]
    fn dates_are_read_from_dates_and_timestamps() {
        assert_eq!(
            Day::parse("2026-11-22"),
            Some(Day {
                year: 2026,
                month: 11,
                day: 22
            })
        );
        assert_eq!(
            Day::parse("2026-12-01T08:30:00+01:00").map(date_long),
            Some("1er\u{a0}décembre 2026".to_owned())
        );
        assert_eq!(Day::parse("2026-13-01"), None);
        assert_eq!(Day::parse("22/11/2026"), None);
        assert_eq!(Day::parse("2026-1-01"), None);
        assert_eq!(Day::parse(""), None);
        assert_eq!(date_text("2026-11-22"), "22\u{a0}novembre 2026");
        assert_eq!(date_text("bientôt"), "bientôt");
    }

    #[test]
    fn integers_are_grouped_with_narrow_no_break_spaces() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(330), "330");
        assert_eq!(integer(1000), "1\u{202f}000");
        assert_eq!(integer(34_935), "34\u{202f}935");
        assert_eq!(integer(-1_234_567), "-1\u{202f}234\u{202f}567");
        assert_eq!(count(36_529), "36\u{202f}529");
        assert_eq!(count(u64::MAX), integer(i64::MAX));
    }

    #[test]
    fn decimals_use_a_comma_and_drop_trailing_zeros() {
        assert_eq!(decimal(1234.5, 1), "1\u{202f}234,5");
        assert_eq!(decimal(1234.5, 2), "1\u{202f}234,5");
        assert_eq!(decimal(3.0, 1), "3");
        assert_eq!(decimal(0.126, 2), "0,13");
        assert_eq!(decimal(-0.04, 1), "0");
        assert_eq!(decimal(-2.5, 1), "-2,5");
        assert_eq!(decimal(f64::NAN, 1), "–");
        assert_eq!(percent(0.125, 1), "12,5\u{202f}%");
        assert_eq!(percent(1.0, 0), "100\u{202f}%");
        assert_eq!(js_number(12.345), "12.345");
        assert_eq!(js_number(3.0), "3");
    }

    #[test]
    fn plurals_follow_french_rules() {
        assert_eq!(plural(0, "soutien", "soutiens"), "0\u{a0}soutien");
        assert_eq!(plural(1, "soutien", "soutiens"), "1\u{a0}soutien");
        assert_eq!(
            plural(1200, "soutien", "soutiens"),
            "1\u{202f}200\u{a0}soutiens"
        );
    }
}
