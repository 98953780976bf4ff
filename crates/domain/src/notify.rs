//! E-mail notifications: who may be written to (an address given with its consent), when
//! a failed delivery is tried again, when the moderators' daily digest is due, and how a
//! recipient is shown to staff. The French texts are in [`crate::mail_texts`].

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::Paris;

use crate::{contact::Email, questionnaire::FieldErrors};

/// The field names of the optional notification address in submissions.
pub const NOTIFY_EMAIL_FIELD: &str = "notify_email";
pub const NOTIFY_CONSENT_FIELD: &str = "notify_consent";

/// The optional "e-mail pour être prévenu" of a submission: absent or blank is fine; an
/// address must be well formed and come with the submitter's consent.
///
/// ```
/// use solidarites_domain::notify::parse_notify_email;
/// assert_eq!(parse_notify_email(None, false).unwrap(), None);
/// assert!(parse_notify_email(Some("a@b.fr"), true).unwrap().is_some());
/// assert!(parse_notify_email(Some("a@b.fr"), false).is_err());
/// ```
pub fn parse_notify_email(raw: Option<&str>, consent: bool) -> Result<Option<Email>, FieldErrors> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let mut errors = FieldErrors::default();
    let email = Email::parse(raw)
        .map_err(|_| {
            errors.0.insert(
                NOTIFY_EMAIL_FIELD.to_owned(),
                "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr).".to_owned(),
            );
        })
        .ok();
    if !consent {
        errors.0.insert(
            NOTIFY_CONSENT_FIELD.to_owned(),
            "Cochez la case pour accepter d'être prévenu par e-mail, ou retirez l'adresse."
                .to_owned(),
        );
    }
    if errors.0.is_empty() {
        Ok(email)
    } else {
        Err(errors)
    }
}

/// How long to wait before the next try of a message that failed `attempts` times (1 after
/// the first failure): `base` doubled at each failure, never more than `cap`.
///
/// ```
/// use std::time::Duration;
/// use solidarites_domain::notify::retry_delay;
/// let (base, cap) = (Duration::from_secs(30), Duration::from_secs(3600));
/// assert_eq!(retry_delay(1, base, cap), Duration::from_secs(30));
/// assert_eq!(retry_delay(3, base, cap), Duration::from_secs(120));
/// assert_eq!(retry_delay(40, base, cap), cap);
/// ```
#[must_use]
pub fn retry_delay(attempts: u32, base: Duration, cap: Duration) -> Duration {
    let doublings = attempts.saturating_sub(1).min(31);
    base.checked_mul(1u32 << doublings)
        .map_or(cap, |d| d.min(cap))
}

/// The day (in France) whose moderators' digest is due at `now`, when the local hour has
/// reached `hour` (0–23): the digest of a day is sent once, at or after that hour, also
/// when the server was down at that hour.
#[must_use]
pub fn digest_due(now: DateTime<Utc>, hour: u32) -> Option<NaiveDate> {
    let local = now.with_timezone(&Paris);
    (local.hour() >= hour).then(|| local.date_naive())
}

/// An address as staff see it in the outbox list: the first character of the local part
/// and the domain (`j…@exemple.fr`).
///
/// ```
/// use solidarites_domain::notify::mask_email;
/// assert_eq!(mask_email("jeanne@exemple.fr"), "j…@exemple.fr");
/// assert_eq!(mask_email("nonsense"), "…");
/// ```
#[must_use]
pub fn mask_email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) if !local.is_empty() => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        _ => "…".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_notify_address_needs_consent_and_a_valid_shape() {
        let errors = parse_notify_email(Some("pas-une-adresse"), false).unwrap_err();
        assert!(errors.0.contains_key(NOTIFY_EMAIL_FIELD));
        assert!(errors.0.contains_key(NOTIFY_CONSENT_FIELD));
        assert_eq!(parse_notify_email(Some("   "), false).unwrap(), None);
        assert_eq!(
            parse_notify_email(Some(" jeanne@exemple.fr "), true)
                .unwrap()
                .unwrap()
                .as_str(),
            "jeanne@exemple.fr"
        );
    }

    #[test]
    fn retry_delays_double_then_stay_at_the_cap() {
        let (base, cap) = (Duration::from_millis(100), Duration::from_secs(1));
        let delays: Vec<_> = (1..=6).map(|n| retry_delay(n, base, cap)).collect();
        assert_eq!(
            delays,
            [100, 200, 400, 800, 1000, 1000].map(Duration::from_millis)
        );
        assert_eq!(retry_delay(0, base, cap), base);
        assert_eq!(retry_delay(u32::MAX, base, cap), cap);
    }

    #[test]
    fn the_digest_is_due_from_its_hour_in_paris_time() {
        // 6:30 UTC is 7:30 in winter (UTC+1) and 8:30 in summer (UTC+2).
        let winter = Utc.with_ymd_and_hms(2026, 12, 7, 6, 30, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 7, 6, 30, 0).unwrap();
        assert_eq!(digest_due(winter, 8), None);
        assert_eq!(digest_due(summer, 8), NaiveDate::from_ymd_opt(2026, 7, 7));
        // 23:30 UTC on 6 December is already 7 December in Paris.
        let late = Utc.with_ymd_and_hms(2026, 12, 6, 23, 30, 0).unwrap();
        assert_eq!(digest_due(late, 0), NaiveDate::from_ymd_opt(2026, 12, 7));
    }
}
