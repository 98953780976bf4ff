//! One parsing of `page` and `per_page` for every list: whole numbers within bounds, or a
//! 422 naming the parameter in French. Bounding `page` keeps `(page - 1) × per_page` a
//! small offset that every database accepts (an unbounded page number used to overflow
//! the 64-bit signed offset and end the connection).

use crate::error::ErrorCode;
use crate::{error::ApiError, submission::FieldErrors};

/// Highest page number accepted, for every list.
pub const MAX_PAGE: u64 = 100_000;

/// A page of a list: `page` from 1, `per_page` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u64,
    pub per_page: u64,
}

impl Paging {
    /// Items before this page (at most `MAX_PAGE × per_page`).
    pub fn offset(self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// Parses `page` (1 to [`MAX_PAGE`], default 1) and `per_page` (1 to `max_per_page`,
/// default `default_per_page`); blank values take the default. Bad values are added to
/// `errors` (keys `page`, `per_page`) and replaced by the defaults.
pub fn parse_paging(
    page: Option<&str>,
    per_page: Option<&str>,
    default_per_page: u64,
    max_per_page: u64,
    errors: &mut FieldErrors,
) -> Paging {
    let page = bounded(page, 1, MAX_PAGE).unwrap_or_else(|| {
        errors.insert(
            "page".to_owned(),
            format!("Le numéro de page doit être un nombre entier entre 1 et {MAX_PAGE}."),
        );
        1
    });
    let per_page = bounded(per_page, default_per_page, max_per_page).unwrap_or_else(|| {
        errors.insert(
            "per_page".to_owned(),
            format!(
                "Le nombre d'éléments par page doit être un nombre entier entre 1 et \
                 {max_per_page}."
            ),
        );
        default_per_page
    });
    Paging { page, per_page }
}

/// [`parse_paging`] of the `page` and `per_page` pairs of a query string.
pub fn parse_paging_pairs(
    pairs: &super::carte_query::Pairs,
    default_per_page: u64,
    max_per_page: u64,
    errors: &mut FieldErrors,
) -> Paging {
    use super::carte_query::single;
    parse_paging(
        single(pairs, "page"),
        single(pairs, "per_page"),
        default_per_page,
        max_per_page,
        errors,
    )
}

/// `default` when absent or blank, the value when within `1..=max`, else `None`.
fn bounded(raw: Option<&str>, default: u64, max: u64) -> Option<u64> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(default),
        Some(s) => s.parse::<u64>().ok().filter(|v| (1..=max).contains(v)),
    }
}

/// Parses a list's paging alone and answers 422 `invalid_pagination` when it is bad.
pub fn paging_or_422(
    page: Option<&str>,
    per_page: Option<&str>,
    default_per_page: u64,
    max_per_page: u64,
) -> Result<Paging, ApiError> {
    let mut errors = FieldErrors::new();
    let paging = parse_paging(page, per_page, default_per_page, max_per_page, &mut errors);
    if errors.is_empty() {
        Ok(paging)
    } else {
        Err(ApiError::Validation {
            code: ErrorCode::InvalidPagination,
            message: "Les paramètres de pagination sont invalides.".to_owned(),
            fields: errors,
        })
    }
}

/// The `page`/`per_page` query parameters of a staff list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// From 1 (default 1), at most 100000.
    pub page: Option<String>,
    /// Items per page (default and maximum depend on the list).
    pub per_page: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_or_bad_page_numbers_are_named_and_never_overflow() {
        let mut errors = FieldErrors::new();
        let p = parse_paging(Some("9223372036854775807"), Some("0"), 20, 100, &mut errors);
        assert_eq!(
            p,
            Paging {
                page: 1,
                per_page: 20
            }
        );
        assert!(errors.contains_key("page") && errors.contains_key("per_page"));
        let mut errors = FieldErrors::new();
        let p = parse_paging(Some("100000"), Some("100"), 20, 100, &mut errors);
        assert!(errors.is_empty());
        assert_eq!(p.offset(), 9_999_900);
        let p = parse_paging(None, Some(" "), 20, 100, &mut errors);
        assert_eq!(
            p,
            Paging {
                page: 1,
                per_page: 20
            }
        );
        assert!(parse_paging(Some("-1"), None, 20, 100, &mut errors).page == 1);
        assert!(errors.contains_key("page"));
    }
}
