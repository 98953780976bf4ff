//! A small iCalendar (RFC 5545) writer for the agenda's feeds.
//!
//! Written here rather than with the `icalendar` crate: the feeds need a VTIMEZONE for
//! Europe/Paris and DTSTART/DTEND with `TZID` (so that calendar apps keep the announced
//! wall-clock times across daylight-saving changes), exact control of escaping (RFC 5545
//! §3.3.11: `\` `;` `,` and newlines) and folding at 75 octets without splitting a UTF-8
//! character (§3.1); the whole writer is the few functions below, each tested. Feeds are
//! parsed back with the `icalendar` crate's parser in the API tests.

use chrono::{DateTime, NaiveDateTime, Utc};

/// The zone every local time of the feeds refers to.
pub const TZID: &str = "Europe/Paris";

/// Europe/Paris as the EU rules have had it since 1996: summer time from the last Sunday
/// of March at 02:00 (UTC+2) to the last Sunday of October at 03:00 (UTC+1). A test
/// checks these rules against the time-zone database for years to come.
const VTIMEZONE_PARIS: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Paris",
    "X-LIC-LOCATION:Europe/Paris",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// The most octets of a content line, CRLF excluded (RFC 5545 §3.1).
pub const LINE_MAX_OCTETS: usize = 75;

/// Escapes a TEXT value: `\` `;` `,` get a backslash, a newline (CRLF, CR or LF) becomes
/// `\n`; other control characters (forbidden in TEXT) are dropped.
#[must_use]
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends the content line `line` to `out`, folded: at most 75 octets per physical line,
/// continuations starting with one space, never inside a UTF-8 character; CRLF after each.
pub fn push_folded(out: &mut String, line: &str) {
    let mut budget = LINE_MAX_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > budget {
            out.push_str("\r\n ");
            // The leading space counts in the 75 octets of a continuation line.
            budget = LINE_MAX_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

/// `YYYYMMDDTHHMMSS`, a local ("floating", here with a `TZID`) date-time.
#[must_use]
pub fn local_date_time(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// `YYYYMMDDTHHMMSSZ`, a UTC date-time.
#[must_use]
pub fn utc_date_time(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// What a VEVENT says of its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Confirmed,
    Tentative,
    Cancelled,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Confirmed => "CONFIRMED",
            Status::Tentative => "TENTATIVE",
            Status::Cancelled => "CANCELLED",
        }
    }
}

/// One VEVENT: one date of an event.
#[derive(Debug, Clone)]
pub struct VEvent {
    /// Stable across edits: the event's id and the date's position.
    pub uid: String,
    /// Bumped on each published change.
    pub sequence: i32,
    /// When the event last changed (DTSTAMP and LAST-MODIFIED): stable, so that an
    /// unchanged feed keeps its ETag.
    pub stamp: DateTime<Utc>,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub summary: String,
    pub description: String,
    pub url: String,
    pub location: Option<String>,
    /// Latitude and longitude (WGS 84), in this order as GEO wants.
    pub geo: Option<(f64, f64)>,
    pub categories: Vec<String>,
    pub status: Status,
}

/// A whole VCALENDAR: the Paris VTIMEZONE, then `events`.
#[must_use]
pub fn calendar(name: &str, events: &[VEvent]) -> String {
    let mut out = String::with_capacity(1024 + events.len() * 600);
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Solidarites//Agenda//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_folded(&mut out, line);
    }
    push_folded(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    push_folded(&mut out, &format!("X-WR-TIMEZONE:{TZID}"));
    for line in VTIMEZONE_PARIS {
        push_folded(&mut out, line);
    }
    for e in events {
        push_event(&mut out, e);
    }
    push_folded(&mut out, "END:VCALENDAR");
    out
}

fn push_event(out: &mut String, e: &VEvent) {
    let mut lines = vec![
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", e.uid),
        format!("DTSTAMP:{}", utc_date_time(e.stamp)),
        format!("LAST-MODIFIED:{}", utc_date_time(e.stamp)),
        format!("SEQUENCE:{}", e.sequence),
        format!("DTSTART;TZID={TZID}:{}", local_date_time(e.start)),
        format!("DTEND;TZID={TZID}:{}", local_date_time(e.end)),
        format!("SUMMARY:{}", escape_text(&e.summary)),
        format!("DESCRIPTION:{}", escape_text(&e.description)),
        format!("URL:{}", e.url),
        format!("STATUS:{}", e.status.as_str()),
    ];
    if let Some(location) = &e.location {
        lines.push(format!("LOCATION:{}", escape_text(location)));
    }
    if let Some((lat, lon)) = e.geo {
        lines.push(format!("GEO:{lat:.6};{lon:.6}"));
    }
    if !e.categories.is_empty() {
        let categories: Vec<String> = e.categories.iter().map(|c| escape_text(c)).collect();
        lines.push(format!("CATEGORIES:{}", categories.join(",")));
    }
    if e.status == Status::Cancelled {
        // Outlook reads this rather than STATUS.
        lines.push("X-MICROSOFT-CDO-BUSYSTATUS:FREE".to_owned());
    }
    lines.push("END:VEVENT".to_owned());
    for line in lines {
        push_folded(out, &line);
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Duration, NaiveDate, Offset, TimeZone, Weekday};
    use chrono_tz::Europe::Paris;
    use proptest::prelude::*;

    use super::*;

    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn escapes_backslash_semicolon_comma_and_newlines() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg\u{7}h"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ngh"
        );
        assert_eq!(escape_text("Thé dansant : 14 h"), "Thé dansant : 14 h");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_a_character() {
        let line = format!("DESCRIPTION:{}", "é".repeat(100));
        let mut out = String::new();
        push_folded(&mut out, &line);
        let physical: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(physical.len() > 2);
        assert_eq!(
            physical[0].len(),
            75 - 1,
            "12 ASCII octets + 31 'é', the 32nd would pass 75"
        );
        for p in &physical {
            assert!(p.len() <= 75, "{p:?}");
        }
        assert!(physical[1..].iter().all(|p| p.starts_with(' ')));
        assert_eq!(unfold(&out), format!("{line}\r\n"));
        let mut short = String::new();
        push_folded(&mut short, "VERSION:2.0");
        assert_eq!(short, "VERSION:2.0\r\n");
    }

    fn last_sunday(year: i32, month: u32) -> NaiveDate {
        let mut d = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap() - Duration::days(1);
        while d.weekday() != Weekday::Sun {
            d -= Duration::days(1);
        }
        d
    }

    #[test]
    fn the_vtimezone_rules_agree_with_the_time_zone_database() {
        let offset = |t: DateTime<Utc>| t.with_timezone(&Paris).offset().fix().local_minus_utc();
        for year in 2026..2040 {
            // 02:00 local on the last Sunday of March is 01:00 UTC; 03:00 local on the
            // last Sunday of October is 01:00 UTC too.
            for (month, before, after) in [(3, 3600, 7200), (10, 7200, 3600)] {
                let change =
                    Utc.from_utc_datetime(&last_sunday(year, month).and_hms_opt(1, 0, 0).unwrap());
                assert_eq!(
                    offset(change - Duration::seconds(1)),
                    before,
                    "{year}-{month}"
                );
                assert_eq!(offset(change), after, "{year}-{month}");
            }
        }
    }

    #[test]
    fn a_calendar_has_the_zone_and_each_event() {
        let t = |d, h| {
            NaiveDate::from_ymd_opt(2027, 3, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        let e = VEvent {
            uid: "event-x-1@solidarites".to_owned(),
            sequence: 2,
            stamp: Utc.with_ymd_and_hms(2027, 1, 2, 3, 4, 5).unwrap(),
            start: t(27, 10),
            end: t(29, 18),
            summary: "Fête, jeux; musique".to_owned(),
            description: "Ligne 1\nLigne 2".to_owned(),
            url: "https://example.org/agenda/evenement/x".to_owned(),
            location: None,
            geo: Some((43.7, -1.05)),
            categories: vec!["culture".to_owned()],
            status: Status::Cancelled,
        };
        let cal = calendar("Agenda", &[e]);
        assert!(cal.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(cal.ends_with("END:VCALENDAR\r\n"));
        for needle in [
            "TZID:Europe/Paris\r\n",
            "DTSTART;TZID=Europe/Paris:20270327T100000\r\n",
            "DTEND;TZID=Europe/Paris:20270329T180000\r\n",
            "SUMMARY:Fête\\, jeux\\; musique\r\n",
            "DESCRIPTION:Ligne 1\\nLigne 2\r\n",
            "STATUS:CANCELLED\r\n",
            "SEQUENCE:2\r\n",
            "DTSTAMP:20270102T030405Z\r\n",
            "GEO:43.700000;-1.050000\r\n",
        ] {
            assert!(unfold(&cal).contains(needle), "{needle}");
        }
    }

    proptest! {
        /// Whatever the text, every physical line is at most 75 octets, is valid UTF-8
        /// (a `String` slice: no character split), and unfolding gives the line back.
        #[test]
        fn folding_round_trips(text in "\\PC{0,400}") {
            let line = format!("DESCRIPTION:{}", escape_text(&text));
            let mut out = String::new();
            push_folded(&mut out, &line);
            for physical in out.trim_end_matches("\r\n").split("\r\n") {
                prop_assert!(physical.len() <= LINE_MAX_OCTETS);
            }
            prop_assert_eq!(unfold(&out), format!("{line}\r\n"));
            prop_assert!(!escape_text(&text).contains('\n'));
        }
    }
}
