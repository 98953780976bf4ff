//! What the carte's back-office handlers (labels, themes, actors) share: slug and name
//! parsing, and the answer to a refused change.

use crate::{
    error::{ApiError, ErrorCode},
    services::carte::CarteError,
    submission::FieldErrors,
};

/// A refused change of labels, themes or charter: 409 `slug_taken`, 404, or the database.
pub(super) fn carte_error(err: CarteError, slug_taken: &str, not_found: &str) -> ApiError {
    match err {
        CarteError::SlugTaken => ApiError::Conflict {
            code: ErrorCode::SlugTaken,
            message: slug_taken.to_owned(),
        },
        CarteError::NotFound => ApiError::NotFound(not_found.to_owned()),
        CarteError::Db(e) => e.into(),
    }
}

/// Lowercase ASCII letters and digits in dash-separated words, at most 64 characters.
pub(super) fn parse_slug(raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    let slug = raw.map(str::trim).unwrap_or_default();
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Some(slug.to_owned())
    } else {
        errors.insert(
            "slug".to_owned(),
            "Identifiant attendu : minuscules sans accents, chiffres et tirets (ex. anti-solitude)."
                .to_owned(),
        );
        None
    }
}

pub(super) fn parse_name(
    raw: Option<&str>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Option<String> {
    let name = raw.map(str::trim).unwrap_or_default();
    let len = name.chars().count();
    if (2..=max).contains(&len) && !name.chars().any(char::is_control) {
        Some(name.to_owned())
    } else {
        errors.insert(field.to_owned(), format!("De 2 à {max} caractères."));
        None
    }
}
