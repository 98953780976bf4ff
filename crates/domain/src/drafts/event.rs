//! Events of the agenda: one or several dates in French wall-clock time, a place (a point,
//! a commune, or online), who they are for, how accessible they are and how to register.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use solidarites_api_types::{EventContentRequest, EventOccurrenceRequest, RegistrationRequest};

use super::{
    initiative::parse_location,
    text::{
        optional_text, parse_email, parse_phone, parse_themes, parse_url, title_and_description,
    },
    ParseContext, Placement, SHORT_TEXT_MAX,
};
use crate::{
    contact::{Email, FrenchPhone, WebUrl},
    lifecycle::EventStatus,
    time::{paris_instant, LocalTimeError},
    FieldErrors,
};

/// Most dates one event may have.
pub const EVENT_OCCURRENCES_MAX: usize = 50;
/// Longest span of one date (a festival, a week-long training), in days.
pub const EVENT_OCCURRENCE_MAX_DAYS: i64 = 31;
/// Oldest age an event may name.
pub const EVENT_AGE_MAX: u32 = 120;
/// The format of local date-times on the wire.
pub const LOCAL_DATE_TIME_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// One date of an event: the wall-clock times announced, and their instants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurrence {
    /// Wall-clock time in France, as announced.
    pub start_local: NaiveDateTime,
    pub end_local: NaiveDateTime,
    /// The instants of those wall-clock times (Europe/Paris, daylight saving included).
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Where an event happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum EventPlace {
    /// A point or a whole commune (`has_point` tells which), commune always known.
    Located(Placement),
    Online,
}

impl EventPlace {
    /// `point`, `commune` or `online`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            EventPlace::Located(p) if p.has_point => "point",
            EventPlace::Located(_) => "commune",
            EventPlace::Online => "online",
        }
    }

    #[must_use]
    pub fn placement(&self) -> Option<&Placement> {
        match self {
            EventPlace::Located(p) => Some(p),
            EventPlace::Online => None,
        }
    }
}

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and served name.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            #[must_use]
            pub fn parse(raw: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == raw)
            }

            #[must_use]
            pub fn names() -> String {
                $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

vocabulary! {
    /// How people attend.
    AttendanceMode { InPerson => "in_person", Online => "online", Mixed => "mixed" }
}

vocabulary! {
    /// The five kinds of disability an event may say it welcomes.
    Accessibility {
        Motor => "motor",
        Hearing => "hearing",
        Visual => "visual",
        Mental => "mental",
        Cognitive => "cognitive",
    }
}

/// How to register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Registration {
    Link(WebUrl),
    Phone(FrenchPhone),
    Email(Email),
    /// Free entry: no registration.
    Free,
}

impl Registration {
    /// `link`, `phone`, `email` or `free`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Registration::Link(_) => "link",
            Registration::Phone(_) => "phone",
            Registration::Email(_) => "email",
            Registration::Free => "free",
        }
    }

    /// The address or number, if any.
    #[must_use]
    pub fn value(&self) -> Option<String> {
        match self {
            Registration::Link(v) => Some(v.to_string()),
            Registration::Phone(v) => Some(v.to_string()),
            Registration::Email(v) => Some(v.to_string()),
            Registration::Free => None,
        }
    }
}

/// The parsed content of an event. Only [`parse_event`] builds one; storage keeps it as
/// JSON (this shape) and reads it back.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDraft {
    pub title: String,
    pub description: String,
    /// Theme slugs without duplicates, the first being the main one.
    pub themes: Vec<String>,
    /// At least one, in chronological order (by start, then end).
    pub occurrences: Vec<Occurrence>,
    pub attendance: AttendanceMode,
    pub place: EventPlace,
    pub address: Option<String>,
    pub online_url: Option<WebUrl>,
    pub audience: Option<String>,
    pub age_min: Option<u32>,
    pub age_max: Option<u32>,
    /// Without duplicates, in the vocabulary's order.
    pub accessibility: Vec<Accessibility>,
    pub registration: Registration,
    pub event_status: EventStatus,
}

impl EventDraft {
    /// Whether `other` differs from this content by its organisers' status only (a change
    /// that needs no moderation: cancelling, postponing, saying it is full).
    #[must_use]
    pub fn same_but_status(&self, other: &EventDraft) -> bool {
        let mut other = other.clone();
        other.event_status = self.event_status;
        *self == other
    }

    /// The same content with the organisers' status `status`.
    #[must_use]
    pub fn with_status(mut self, status: EventStatus) -> EventDraft {
        self.event_status = status;
        self
    }
}

/// Parses the content of an event (a new one, or an edit).
///
/// # Errors
/// Every bad field, keyed by its name in the request (`title`, `occurrences[1].end`…).
pub fn parse_event(
    req: &EventContentRequest,
    ctx: &ParseContext<'_>,
) -> Result<EventDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let (title, description) = title_and_description(
        req.title.as_deref(),
        req.description.as_deref(),
        &mut errors,
    );
    let themes = parse_themes(&req.themes, ctx.allowed_themes, &mut errors);
    let occurrences = parse_occurrences(&req.occurrences, &mut errors);
    let attendance = parse_attendance(req.attendance_mode.as_deref(), &mut errors);
    let place = match (attendance, req.location.as_ref()) {
        (Some(AttendanceMode::Online), None) => Some(EventPlace::Online),
        (Some(AttendanceMode::Online), Some(_)) => {
            errors.set(
                "location",
                "Un événement uniquement en ligne n'a pas de lieu : retirez le lieu ou \
                 choisissez « sur place » ou « mixte ».",
            );
            None
        }
        (_, location) => {
            parse_location(location, ctx.communes, &mut errors).map(EventPlace::Located)
        }
    };
    let address = optional_text(
        req.address.as_deref(),
        "address",
        SHORT_TEXT_MAX,
        &mut errors,
    );
    let online_url = parse_url(req.online_url.as_deref(), "online_url", &mut errors);
    let audience = optional_text(
        req.audience.as_deref(),
        "audience",
        SHORT_TEXT_MAX,
        &mut errors,
    );
    let age_min = parse_age(req.age_min, "age_min", &mut errors);
    let age_max = parse_age(req.age_max, "age_max", &mut errors);
    if let (Some(Some(min)), Some(Some(max))) = (age_min, age_max) {
        if max < min {
            errors.set(
                "age_max",
                "L'âge maximum doit être supérieur ou égal à l'âge minimum.",
            );
        }
    }
    let accessibility = parse_accessibility(&req.accessibility, &mut errors);
    let registration = parse_registration(req.registration.as_ref(), &mut errors);
    let event_status = match req.event_status.as_deref().map(str::trim) {
        None | Some("") => Some(EventStatus::Scheduled),
        Some(raw) => EventStatus::parse(raw).or_else(|| {
            errors.set(
                "event_status",
                format!("Statut inconnu : l'un de {}.", EventStatus::names(", ")),
            );
            None
        }),
    };
    let draft = (|| {
        Some(EventDraft {
            title: title?,
            description: description?,
            themes: themes?,
            occurrences: occurrences?,
            attendance: attendance?,
            place: place?,
            address: address?,
            online_url: online_url?,
            audience: audience?,
            age_min: age_min?,
            age_max: age_max?,
            accessibility: accessibility?,
            registration: registration?,
            event_status: event_status?,
        })
    })();
    match draft {
        Some(draft) if errors.is_empty() => Ok(draft),
        _ => Err(errors),
    }
}

fn parse_local(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<(NaiveDateTime, DateTime<Utc>)> {
    let raw = raw.map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        errors.set(field, "Indiquez la date et l'heure (AAAA-MM-JJTHH:MM).");
        return None;
    }
    let Ok(local) = NaiveDateTime::parse_from_str(raw, LOCAL_DATE_TIME_FORMAT) else {
        errors.set(
            field,
            "Date et heure invalides (format AAAA-MM-JJTHH:MM, heure de Paris).",
        );
        return None;
    };
    match paris_instant(local) {
        Ok(at) => Some((local, at)),
        Err(LocalTimeError::Skipped) => {
            errors.set(
                field,
                "Cette heure n'existe pas en France ce jour-là (passage à l'heure d'été : \
                 de 2 h à 3 h) ; choisissez 3 h ou plus tard.",
            );
            None
        }
    }
}

fn parse_occurrences(
    raw: &[EventOccurrenceRequest],
    errors: &mut FieldErrors,
) -> Option<Vec<Occurrence>> {
    if raw.is_empty() {
        errors.set("occurrences", "Indiquez au moins une date.");
        return None;
    }
    if raw.len() > EVENT_OCCURRENCES_MAX {
        errors.set(
            "occurrences",
            format!(
                "Au plus {EVENT_OCCURRENCES_MAX} dates ({} reçues).",
                raw.len()
            ),
        );
        return None;
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut ok = true;
    for (i, o) in raw.iter().enumerate() {
        let start = parse_local(
            o.start.as_deref(),
            &format!("occurrences[{i}].start"),
            errors,
        );
        let end = parse_local(o.end.as_deref(), &format!("occurrences[{i}].end"), errors);
        let (Some((start_local, start)), Some((end_local, end))) = (start, end) else {
            ok = false;
            continue;
        };
        if end <= start {
            errors.set(
                format!("occurrences[{i}].end"),
                "La fin doit être postérieure au début.",
            );
            ok = false;
            continue;
        }
        if end - start > chrono::Duration::days(EVENT_OCCURRENCE_MAX_DAYS) {
            errors.set(
                format!("occurrences[{i}].end"),
                format!(
                    "Une date dure au plus {EVENT_OCCURRENCE_MAX_DAYS} jours : indiquez \
                     plusieurs dates."
                ),
            );
            ok = false;
            continue;
        }
        out.push(Occurrence {
            start_local,
            end_local,
            start,
            end,
        });
    }
    if !ok {
        return None;
    }
    out.sort_by(|a, b| a.start.cmp(&b.start).then(a.end.cmp(&b.end)));
    out.dedup();
    Some(out)
}

fn parse_attendance(raw: Option<&str>, errors: &mut FieldErrors) -> Option<AttendanceMode> {
    let parsed = raw.map(str::trim).and_then(AttendanceMode::parse);
    if parsed.is_none() {
        errors.set(
            "attendance_mode",
            format!(
                "Mode de participation attendu : l'un de {}.",
                AttendanceMode::names()
            ),
        );
    }
    parsed
}

fn parse_age(raw: Option<i64>, field: &str, errors: &mut FieldErrors) -> Option<Option<u32>> {
    match raw {
        None => Some(None),
        Some(age) => match u32::try_from(age) {
            Ok(age) if age <= EVENT_AGE_MAX => Some(Some(age)),
            _ => {
                errors.set(
                    field,
                    format!("Âge attendu entre 0 et {EVENT_AGE_MAX} ans."),
                );
                None
            }
        },
    }
}

fn parse_accessibility(raw: &[String], errors: &mut FieldErrors) -> Option<Vec<Accessibility>> {
    let mut out = Vec::new();
    for name in raw {
        match Accessibility::parse(name.trim()) {
            Some(a) => out.push(a),
            None => {
                errors.set(
                    "accessibility",
                    format!(
                        "Accessibilité inconnue : « {} » (l'une de {}).",
                        name.chars().take(32).collect::<String>(),
                        Accessibility::names()
                    ),
                );
                return None;
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

fn parse_registration(
    raw: Option<&RegistrationRequest>,
    errors: &mut FieldErrors,
) -> Option<Registration> {
    let field = "registration.value";
    let value = raw.and_then(|r| r.value.as_deref());
    fn required<T>(v: Option<Option<T>>, errors: &mut FieldErrors, what: &str) -> Option<T> {
        match v {
            Some(Some(v)) => Some(v),
            Some(None) => {
                errors.set("registration.value", format!("Indiquez {what}."));
                None
            }
            None => None,
        }
    }
    match raw.and_then(|r| r.kind.as_deref()).map(str::trim) {
        None | Some("free") => Some(Registration::Free),
        Some("link") => required(parse_url(value, field, errors), errors, "l'adresse web")
            .map(Registration::Link),
        Some("phone") => required(
            parse_phone(value, field, errors),
            errors,
            "le numéro de téléphone",
        )
        .map(Registration::Phone),
        Some("email") => required(
            parse_email(value, field, errors),
            errors,
            "l'adresse e-mail",
        )
        .map(Registration::Email),
        Some(_) => {
            errors.set(
                "registration.kind",
                "Inscription attendue : link, phone, email ou free.",
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::TimeZone;
    use proptest::prelude::*;
    use solidarites_api_types::LocationRequest;

    use super::*;
    use crate::{demo::demo_communes, CommuneIndex};

    fn index() -> CommuneIndex {
        CommuneIndex::new(demo_communes())
    }

    fn themes() -> HashSet<String> {
        ["culture".to_owned(), "lien-social".to_owned()].into()
    }

    fn request(occurrences: &[(&str, &str)]) -> EventContentRequest {
        let code = demo_communes()[0].code.to_string();
        EventContentRequest {
            title: Some("Thé dansant".to_owned()),
            description: Some("Un après-midi ; musique, gâteaux, etc.".to_owned()),
            themes: vec!["lien-social".to_owned()],
            occurrences: occurrences
                .iter()
                .map(|(s, e)| EventOccurrenceRequest {
                    start: Some((*s).to_owned()),
                    end: Some((*e).to_owned()),
                })
                .collect(),
            attendance_mode: Some("in_person".to_owned()),
            location: Some(LocationRequest {
                commune_code: Some(code),
                ..LocationRequest::default()
            }),
            ..EventContentRequest::default()
        }
    }

    fn parse(req: &EventContentRequest) -> Result<EventDraft, FieldErrors> {
        let (communes, allowed) = (index(), themes());
        parse_event(
            req,
            &ParseContext {
                communes: &communes,
                allowed_themes: &allowed,
            },
        )
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn a_multi_day_event_across_the_spring_change_keeps_its_wall_clock_times() {
        let draft = parse(&request(&[("2027-03-27T10:00", "2027-03-29T18:00")])).unwrap();
        let o = &draft.occurrences[0];
        // Saturday in winter time (UTC+1), Monday in summer time (UTC+2).
        assert_eq!(o.start, utc(2027, 3, 27, 9, 0));
        assert_eq!(o.end, utc(2027, 3, 29, 16, 0));
        assert_eq!(o.end_local.to_string(), "2027-03-29 18:00:00");
        assert_eq!(draft.place.kind(), "commune");
        assert_eq!(draft.registration, Registration::Free);
        assert_eq!(draft.event_status, EventStatus::Scheduled);
    }

    #[test]
    fn refuses_a_time_skipped_by_the_spring_change_and_takes_the_first_repeated_one() {
        let err = parse(&request(&[("2027-03-28T02:30", "2027-03-28T05:00")])).unwrap_err();
        assert!(err.get("occurrences[0].start").is_some(), "{err}");
        let draft = parse(&request(&[("2027-10-31T02:30", "2027-10-31T04:00")])).unwrap();
        assert_eq!(draft.occurrences[0].start, utc(2027, 10, 31, 0, 30));
        // 04:00 winter time: 2 h 30 later, not 1 h 30.
        assert_eq!(draft.occurrences[0].end, utc(2027, 10, 31, 3, 0));
    }

    #[test]
    fn names_every_bad_field() {
        let mut req = request(&[("2027-05-01T10:00", "2027-05-01T09:00"), ("demain", "")]);
        req.attendance_mode = Some("telepathy".to_owned());
        req.age_min = Some(12);
        req.age_max = Some(8);
        req.accessibility = vec!["motor".to_owned(), "x-ray".to_owned()];
        req.registration = Some(RegistrationRequest {
            kind: Some("email".to_owned()),
            value: Some("pas-un-mail".to_owned()),
        });
        req.event_status = Some("maybe".to_owned());
        req.online_url = Some("ftp://x".to_owned());
        let err = parse(&req).unwrap_err();
        let keys: Vec<&str> = err.0.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "accessibility",
                "age_max",
                "attendance_mode",
                "event_status",
                "occurrences[0].end",
                "occurrences[1].end",
                "occurrences[1].start",
                "online_url",
                "registration.value",
            ]
        );
    }

    #[test]
    fn an_online_event_has_no_place_and_a_located_one_needs_one() {
        let mut req = request(&[("2027-05-01T10:00", "2027-05-01T12:00")]);
        req.attendance_mode = Some("online".to_owned());
        assert!(parse(&req).unwrap_err().get("location").is_some());
        req.location = None;
        assert_eq!(parse(&req).unwrap().place, EventPlace::Online);
        req.attendance_mode = Some("mixed".to_owned());
        assert!(parse(&req).unwrap_err().get("location").is_some());
        assert!(parse(&EventContentRequest::default())
            .unwrap_err()
            .get("occurrences")
            .is_some());
    }

    #[test]
    fn registration_kinds_and_status_only_changes() {
        let mut req = request(&[("2027-05-01T10:00", "2027-05-01T12:00")]);
        req.registration = Some(RegistrationRequest {
            kind: Some("phone".to_owned()),
            value: Some("05 58 00 00 00".to_owned()),
        });
        req.accessibility = vec!["visual".to_owned(), "motor".to_owned(), "motor".to_owned()];
        let draft = parse(&req).unwrap();
        assert_eq!(draft.registration.kind(), "phone");
        assert_eq!(
            draft.accessibility,
            [Accessibility::Motor, Accessibility::Visual]
        );
        let cancelled = draft.clone().with_status(EventStatus::Cancelled);
        assert!(draft.same_but_status(&cancelled));
        req.title = Some("Autre titre".to_owned());
        assert!(!draft.same_but_status(&parse(&req).unwrap()));
        req.registration = Some(RegistrationRequest {
            kind: Some("link".to_owned()),
            value: None,
        });
        assert!(parse(&req).unwrap_err().get("registration.value").is_some());
        // The stored JSON reads back as the same draft.
        let json = serde_json::to_string(&draft).unwrap();
        assert_eq!(serde_json::from_str::<EventDraft>(&json).unwrap(), draft);
    }

    proptest! {
        /// Any date whose end follows its start (within the limits) parses, and its
        /// instants read back as the wall-clock times given, unless the clocks skip them.
        #[test]
        fn occurrences_keep_their_wall_clock_times(
            start_min in 0i64..(3 * 366 * 24 * 60),
            // An hour of margin: a local span may last an hour more in UTC (autumn).
            length_min in 1i64..(EVENT_OCCURRENCE_MAX_DAYS * 24 * 60 - 60),
        ) {
            let base = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
            let s = base + chrono::Duration::minutes(start_min);
            let e = s + chrono::Duration::minutes(length_min);
            let fmt = |t: NaiveDateTime| t.format(LOCAL_DATE_TIME_FORMAT).to_string();
            let req = request(&[(&fmt(s), &fmt(e))]);
            match parse(&req) {
                Ok(d) => {
                    let o = &d.occurrences[0];
                    prop_assert_eq!(crate::time::paris_local(o.start), s);
                    prop_assert_eq!(crate::time::paris_local(o.end), e);
                    prop_assert!(o.end > o.start);
                }
                Err(err) => {
                    // Only a time the spring change skips is refused.
                    let skipped = [s, e].iter().any(|t| paris_instant(*t).is_err());
                    prop_assert!(skipped, "{}", err);
                }
            }
        }
    }
}
