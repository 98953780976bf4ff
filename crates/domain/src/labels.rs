//! Labels and the applications actors send for them: a label's criteria (an ordered
//! list staff edit), an application (one answer per criterion, an optional attachment
//! link, an optional consented address), its statuses, the committee's decision
//! (approved until a day in the future, or refused with a reason) and the renewal window.
//! Every refusal names its field, as the request spells it, with a French message.

use chrono::NaiveDate;
use solidarites_api_types::{CreateLabelApplicationRequest, UpdateLabelCriteriaRequest};

use crate::{
    contact::{Email, WebUrl},
    notify::parse_notify_email,
    FieldErrors,
};

/// Most criteria a label has.
pub const CRITERIA_MAX: usize = 20;
/// Longest criterion, in characters.
pub const CRITERION_MAX: usize = 500;
/// Longest answer to one criterion, in characters.
pub const ANSWER_MAX: usize = 3000;
/// Longest reason of a refusal, in characters.
pub const REFUSAL_REASON_MAX: usize = 2000;
/// How many days before its end a grant is listed for renewal, unless configured.
pub const DEFAULT_RENEWAL_WINDOW_DAYS: u32 = 60;
/// The latest expiry an approval may set: five years ahead.
pub const MAX_GRANT_DAYS: i64 = 5 * 366;

fn bad_controls(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// The criteria written as one text (the labels' former single field): one criterion per
/// non-blank line, list markers (`-`, `*`, `•`) dropped.
///
/// ```
/// use solidarites_domain::labels::criteria_from_text;
/// assert_eq!(criteria_from_text("- Ouvert à tous\n\n• Gratuit"), ["Ouvert à tous", "Gratuit"]);
/// ```
#[must_use]
pub fn criteria_from_text(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            line.trim()
                .trim_start_matches(['-', '*', '•'])
                .trim()
                .to_owned()
        })
        .filter(|line| !line.is_empty())
        .collect()
}

/// The list as one text, one criterion per line (kept in the labels' former field).
#[must_use]
pub fn criteria_to_text(criteria: &[String]) -> String {
    criteria.join("\n")
}

/// A label's criteria as staff send them: 1 to [`CRITERIA_MAX`], each 3 to
/// [`CRITERION_MAX`] characters on one line, no two alike.
///
/// # Errors
/// `criteria` for the list as a whole, `criteria[i]` for one criterion.
pub fn parse_criteria(req: &UpdateLabelCriteriaRequest) -> Result<Vec<String>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let criteria: Vec<String> = req.criteria.iter().map(|c| c.trim().to_owned()).collect();
    if criteria.is_empty() {
        errors.set("criteria", "Donnez au moins un critère.");
    } else if criteria.len() > CRITERIA_MAX {
        errors.set("criteria", format!("{CRITERIA_MAX} critères au plus."));
    }
    for (i, c) in criteria.iter().enumerate() {
        let len = c.chars().count();
        let field = format!("criteria[{i}]");
        if len == 0 {
            errors.set(&field, "Ce critère est vide : écrivez-le ou retirez-le.");
        } else if len < 3 {
            errors.set(&field, "Au moins 3 caractères.");
        } else if len > CRITERION_MAX {
            errors.set(
                &field,
                format!("Au plus {CRITERION_MAX} caractères ({len} reçus)."),
            );
        } else if c.chars().any(char::is_control) {
            errors.set(
                &field,
                "Un critère tient sur une ligne, sans caractère de contrôle.",
            );
        } else if criteria[..i].contains(c) {
            errors.set(&field, "Ce critère figure déjà dans la liste.");
        }
    }
    errors.into_result(criteria)
}

/// One criterion of a label and what the applicant answered to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CriterionAnswer {
    pub criterion: String,
    pub answer: String,
}

/// A parsed application; only [`parse_application`] builds one.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationDraft {
    /// The label's criteria at the time, each with its answer, in the label's order.
    pub answers: Vec<CriterionAnswer>,
    pub attachment_url: Option<WebUrl>,
    /// The address to be told of the decision, given with consent.
    pub notify_email: Option<Email>,
}

/// Parses an application for a label whose criteria are `criteria`: one answer per
/// criterion (required, at most [`ANSWER_MAX`] characters), an optional `http(s)` link
/// and an optional address with its consent. The actor is checked by the server (it must
/// be published).
///
/// # Errors
/// Every bad field: `answers` (wrong count), `answers[i]`, `attachment_url`,
/// `notify_email`, `notify_consent`.
pub fn parse_application(
    req: &CreateLabelApplicationRequest,
    criteria: &[String],
) -> Result<ApplicationDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    if req.answers.len() != criteria.len() {
        errors.set(
            "answers",
            format!(
                "Répondez à chacun des {} critères du label ({} réponses reçues).",
                criteria.len(),
                req.answers.len()
            ),
        );
    }
    let mut answers = Vec::with_capacity(criteria.len());
    for (i, criterion) in criteria.iter().enumerate() {
        let answer = req.answers.get(i).map(|a| a.trim()).unwrap_or_default();
        let len = answer.chars().count();
        let field = format!("answers[{i}]");
        if len == 0 {
            errors.set(&field, "Répondez à ce critère.");
        } else if len > ANSWER_MAX {
            errors.set(
                &field,
                format!("Au plus {ANSWER_MAX} caractères ({len} reçus)."),
            );
        } else if bad_controls(answer) {
            errors.set(&field, "Ce texte contient des caractères de contrôle.");
        }
        answers.push(CriterionAnswer {
            criterion: criterion.clone(),
            answer: answer.to_owned(),
        });
    }
    let attachment_url = match req
        .attachment_url
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => match WebUrl::parse(raw) {
            Ok(url) => Some(url),
            Err(_) => {
                errors.set(
                    "attachment_url",
                    "Lien attendu commençant par http:// ou https:// (exemple : \
                     https://asso.exemple.fr/dossier.pdf).",
                );
                None
            }
        },
    };
    let notify_email = match parse_notify_email(req.notify_email.as_deref(), req.notify_consent) {
        Ok(email) => email,
        Err(e) => {
            for (field, message) in e.0 {
                errors.set(&field, message);
            }
            None
        }
    };
    errors.into_result(ApplicationDraft {
        answers,
        attachment_url,
        notify_email,
    })
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationStatus {
    /// Waiting for the committee.
    Pending,
    /// Approved: the label is granted (or its grant extended).
    Approved,
    /// Refused, with a reason.
    Refused,
    /// Withdrawn by the applicant before a decision.
    Withdrawn,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 4] = [
        ApplicationStatus::Pending,
        ApplicationStatus::Approved,
        ApplicationStatus::Refused,
        ApplicationStatus::Withdrawn,
    ];

    /// The stored (and API) name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Pending => "pending",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Refused => "refused",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    #[must_use]
    pub fn parse(name: &str) -> Option<ApplicationStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The one table of allowed changes: only a pending application changes, once.
    #[must_use]
    pub fn can_become(self, next: ApplicationStatus) -> bool {
        self == ApplicationStatus::Pending && next != ApplicationStatus::Pending
    }
}

/// The last day of validity an approval sets: `YYYY-MM-DD`, after `today` and at most
/// [`MAX_GRANT_DAYS`] ahead.
///
/// # Errors
/// `expires_on` with a French message.
pub fn parse_expiry(raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, FieldErrors> {
    let mut errors = FieldErrors::new();
    match raw.map(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")) {
        Some(Ok(day)) if day <= today => {
            errors.set(
                "expires_on",
                "La date d'expiration doit être dans le futur.",
            );
        }
        Some(Ok(day)) if (day - today).num_days() > MAX_GRANT_DAYS => {
            errors.set("expires_on", "La date d'expiration est à plus de cinq ans.");
        }
        Some(Ok(day)) => return Ok(day),
        _ => errors.set("expires_on", "Date d'expiration attendue (AAAA-MM-JJ)."),
    }
    Err(errors)
}

/// The reason of a refusal, which the applicant reads: required, at most
/// [`REFUSAL_REASON_MAX`] characters.
///
/// # Errors
/// `reason` with a French message.
pub fn parse_refusal_reason(raw: Option<&str>) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reason = raw.map(str::trim).unwrap_or_default();
    let len = reason.chars().count();
    if len == 0 {
        errors.set(
            "reason",
            "Indiquez le motif du refus : le candidat le lira.",
        );
    } else if len > REFUSAL_REASON_MAX {
        errors.set(
            "reason",
            format!("Au plus {REFUSAL_REASON_MAX} caractères ({len} reçus)."),
        );
    } else if bad_controls(reason) {
        errors.set("reason", "Ce texte contient des caractères de contrôle.");
    }
    errors.into_result(reason.to_owned())
}

/// The last day of the renewal list seen on `today`: grants in force ending on or before
/// it are due for renewal (`window_days` days ahead, today included).
#[must_use]
pub fn renewal_horizon(today: NaiveDate, window_days: u32) -> NaiveDate {
    today + chrono::Duration::days(i64::from(window_days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn criteria() -> Vec<String> {
        vec!["Ouvert à tous".to_owned(), "Gratuit".to_owned()]
    }

    fn request(answers: &[&str]) -> CreateLabelApplicationRequest {
        CreateLabelApplicationRequest {
            actor_id: Some("x".to_owned()),
            answers: answers.iter().map(|a| (*a).to_owned()).collect(),
            attachment_url: None,
            notify_email: None,
            notify_consent: false,
        }
    }

    #[test]
    fn criteria_are_trimmed_bounded_and_unique() {
        let ok = parse_criteria(&UpdateLabelCriteriaRequest {
            criteria: vec![" Ouvert à tous ".to_owned(), "Gratuit".to_owned()],
        })
        .unwrap();
        assert_eq!(ok, criteria());
        let err = parse_criteria(&UpdateLabelCriteriaRequest { criteria: vec![] }).unwrap_err();
        assert!(err.0.contains_key("criteria"));
        let err = parse_criteria(&UpdateLabelCriteriaRequest {
            criteria: vec![
                "Gratuit".to_owned(),
                " ".to_owned(),
                "Gratuit".to_owned(),
                "a\nb c".to_owned(),
                "x".repeat(CRITERION_MAX + 1),
            ],
        })
        .unwrap_err();
        let keys: Vec<&str> = err.0.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["criteria[1]", "criteria[2]", "criteria[3]", "criteria[4]"]
        );
        let many = UpdateLabelCriteriaRequest {
            criteria: (0..=CRITERIA_MAX).map(|i| format!("Critère {i}")).collect(),
        };
        assert!(parse_criteria(&many)
            .unwrap_err()
            .0
            .contains_key("criteria"));
    }

    #[test]
    fn the_old_text_splits_into_criteria_and_back() {
        let list = criteria_from_text("  - Ouvert à tous\r\n\n* Gratuit\n");
        assert_eq!(list, criteria());
        assert_eq!(criteria_to_text(&list), "Ouvert à tous\nGratuit");
        assert!(criteria_from_text("  \n").is_empty());
    }

    #[test]
    fn an_application_pairs_each_criterion_with_its_answer() {
        let mut req = request(&[" Oui, sans condition. ", "Oui"]);
        req.attachment_url = Some("https://asso.exemple.fr/dossier.pdf".to_owned());
        req.notify_email = Some("contact@asso.fr".to_owned());
        req.notify_consent = true;
        let draft = parse_application(&req, &criteria()).unwrap();
        assert_eq!(draft.answers[0].criterion, "Ouvert à tous");
        assert_eq!(draft.answers[0].answer, "Oui, sans condition.");
        assert_eq!(draft.answers[1].answer, "Oui");
        assert!(draft.attachment_url.is_some());
        assert_eq!(draft.notify_email.unwrap().as_str(), "contact@asso.fr");
    }

    #[test]
    fn every_bad_field_of_an_application_is_named() {
        let long = "x".repeat(ANSWER_MAX + 1);
        let mut req = request(&["", long.as_str()]);
        req.attachment_url = Some("javascript:alert(1)".to_owned());
        req.notify_email = Some("pas-une-adresse".to_owned());
        let err = parse_application(&req, &criteria()).unwrap_err();
        let keys: Vec<&str> = err.0.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "answers[0]",
                "answers[1]",
                "attachment_url",
                "notify_consent",
                "notify_email"
            ]
        );
        let err = parse_application(&request(&["Oui"]), &criteria()).unwrap_err();
        assert!(err.0.contains_key("answers"));
        assert!(err.0.contains_key("answers[1]"));
        // An address without consent is refused; no address at all is fine.
        let mut req = request(&["Oui", "Oui"]);
        req.notify_email = Some("contact@asso.fr".to_owned());
        let err = parse_application(&req, &criteria()).unwrap_err();
        assert_eq!(err.0.keys().collect::<Vec<_>>(), ["notify_consent"]);
        assert!(parse_application(&request(&["Oui", "Oui"]), &criteria())
            .unwrap()
            .notify_email
            .is_none());
    }

    #[test]
    fn only_a_pending_application_changes() {
        use ApplicationStatus::*;
        for next in [Approved, Refused, Withdrawn] {
            assert!(Pending.can_become(next));
            for from in [Approved, Refused, Withdrawn] {
                assert!(!from.can_become(next));
            }
        }
        assert!(!Pending.can_become(Pending));
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ApplicationStatus::parse("published"), None);
    }

    #[test]
    fn an_expiry_is_a_future_day_within_five_years() {
        let today = day("2026-12-07");
        assert_eq!(
            parse_expiry(Some("2027-12-31"), today).unwrap(),
            day("2027-12-31")
        );
        for bad in [
            Some("2026-12-07"),
            Some("2020-01-01"),
            Some("31/12/2027"),
            None,
        ] {
            assert!(parse_expiry(bad, today)
                .unwrap_err()
                .0
                .contains_key("expires_on"));
        }
        assert!(parse_expiry(Some("2035-01-01"), today).is_err());
    }

    #[test]
    fn a_refusal_needs_a_reason() {
        assert_eq!(
            parse_refusal_reason(Some(" Hors territoire ")).unwrap(),
            "Hors territoire"
        );
        for bad in [None, Some("  "), Some("a\u{0}b")] {
            assert!(parse_refusal_reason(bad)
                .unwrap_err()
                .0
                .contains_key("reason"));
        }
        let long = "x".repeat(REFUSAL_REASON_MAX + 1);
        assert!(parse_refusal_reason(Some(&long)).is_err());
    }

    #[test]
    fn the_renewal_horizon_is_the_window_ahead() {
        assert_eq!(renewal_horizon(day("2026-12-07"), 60), day("2027-02-05"));
        assert_eq!(renewal_horizon(day("2026-12-07"), 0), day("2026-12-07"));
    }
}
