//! The field parsers the drafts share. Each records its French message under the field's
//! key (replacing an earlier one) and returns `None` when the value is refused.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::{DESCRIPTION_MAX, THEME_COLOR_MIN_CONTRAST, TITLE_MAX, TITLE_MIN};
use crate::{
    color::contrast_with_white,
    contact::{ContactError, Email, FrenchPhone, WebUrl},
    CommuneIndex, FieldErrors, InseeCode,
};

pub(super) fn required_text(
    raw: Option<&str>,
    field: &str,
    (min, max): (usize, usize),
    errors: &mut FieldErrors,
    single_line: bool,
) -> Option<String> {
    let text = raw.map(str::trim).unwrap_or_default();
    let len = text.chars().count();
    let message = if len == 0 {
        "Ce champ est obligatoire.".to_owned()
    } else if len < min {
        format!("Au moins {min} caractères.")
    } else if len > max {
        format!("Au plus {max} caractères ({len} reçus).")
    } else if has_bad_controls(text, single_line) {
        "Ce texte contient des caractères de contrôle.".to_owned()
    } else {
        return Some(text.to_owned());
    };
    errors.set(field, message);
    None
}

/// The `title` (one line) and `description` every submission has, with their limits.
pub(super) fn title_and_description(
    title: Option<&str>,
    description: Option<&str>,
    errors: &mut FieldErrors,
) -> (Option<String>, Option<String>) {
    (
        required_text(title, "title", (TITLE_MIN, TITLE_MAX), errors, true),
        required_text(
            description,
            "description",
            (1, DESCRIPTION_MAX),
            errors,
            false,
        ),
    )
}

/// `Some(None)` when absent or blank, `None` when invalid.
pub(super) fn optional_text(
    raw: Option<&str>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Option<Option<String>> {
    let text = raw.map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Some(None);
    }
    let len = text.chars().count();
    if len > max {
        errors.set(field, format!("Au plus {max} caractères ({len} reçus)."));
        return None;
    }
    if has_bad_controls(text, false) {
        errors.set(field, "Ce texte contient des caractères de contrôle.");
        return None;
    }
    Some(Some(text.to_owned()))
}

pub(super) fn has_bad_controls(text: &str, single_line: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && (single_line || !matches!(c, '\n' | '\r' | '\t')))
}

/// Theme slugs without duplicates, in the order given (the first is the main one).
pub(super) fn parse_themes(
    raw: &[String],
    allowed: &HashSet<String>,
    errors: &mut FieldErrors,
) -> Option<Vec<String>> {
    let mut themes: Vec<String> = Vec::new();
    for slug in raw.iter().map(|s| s.trim()) {
        if !allowed.contains(slug) {
            errors.set(
                "themes",
                format!(
                    "Thème inconnu ou retiré : « {} ».",
                    slug.chars().take(64).collect::<String>()
                ),
            );
            return None;
        }
        if !themes.iter().any(|t| t == slug) {
            themes.push(slug.to_owned());
        }
    }
    if themes.is_empty() {
        errors.set("themes", "Choisissez au moins un thème.");
        return None;
    }
    Some(themes)
}

/// A commune of the territory, by INSEE code.
pub(super) fn parse_commune(
    raw: &str,
    communes: &CommuneIndex,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<InseeCode> {
    match InseeCode::parse(raw) {
        Ok(code) if communes.get(&code).is_some() => Some(code),
        Ok(_) => {
            errors.set(field, "Cette commune n'est pas sur le territoire.");
            None
        }
        Err(_) => {
            errors.set(
                field,
                "Code INSEE de commune invalide (5 caractères, ex. 40192).",
            );
            None
        }
    }
}

/// An optional commune: `Some(None)` when absent or blank.
pub(super) fn optional_commune(
    raw: Option<&str>,
    communes: &CommuneIndex,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<Option<InseeCode>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(code) => parse_commune(code, communes, field, errors).map(Some),
    }
}

pub(super) fn parse_date(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<Option<NaiveDate>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(Some(d)),
            Err(_) => {
                errors.set(field, "Date invalide (format AAAA-MM-JJ).");
                None
            }
        },
    }
}

fn contact_message(err: ContactError, what: &str) -> String {
    match err {
        ContactError::TooLong => format!("{what} : trop long."),
        _ => format!("{what} invalide."),
    }
}

pub(super) fn parse_email(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<Option<Email>> {
    parse_optional(raw, field, errors, Email::parse, "Adresse e-mail")
}

pub(super) fn parse_phone(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<Option<FrenchPhone>> {
    parse_optional(
        raw,
        field,
        errors,
        FrenchPhone::parse,
        "Numéro de téléphone (format français, ex. 05 58 00 00 00 ou +33 5 58 00 00 00)",
    )
}

pub(super) fn parse_url(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<Option<WebUrl>> {
    parse_optional(
        raw,
        field,
        errors,
        WebUrl::parse,
        "Adresse web (http:// ou https://)",
    )
}

fn parse_optional<T>(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
    parse: impl FnOnce(&str) -> Result<T, ContactError>,
    what: &str,
) -> Option<Option<T>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => match parse(s) {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                errors.set(field, contact_message(e, what));
                None
            }
        },
    }
}

/// A theme colour: `#RRGGBB` (upper-cased) readable under white text (WCAG AA, 4.5:1).
/// The message is keyed `color`.
///
/// # Errors
/// The `color` field's message.
pub fn parse_theme_color(raw: Option<&str>) -> Result<String, FieldErrors> {
    let color = raw.map(str::trim).unwrap_or_default().to_ascii_uppercase();
    let mut errors = FieldErrors::new();
    match contrast_with_white(&color) {
        Some(ratio) if ratio >= THEME_COLOR_MIN_CONTRAST => return Ok(color),
        Some(_) => errors.set(
            "color",
            "Couleur trop claire : le texte blanc doit rester lisible (contraste 4,5:1).",
        ),
        None => errors.set("color", "Couleur attendue au format #RRGGBB."),
    }
    Err(errors)
}
