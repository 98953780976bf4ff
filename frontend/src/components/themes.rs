//! The themes of the platform (`GET /api/v1/themes`), loaded once per visit.

use std::cell::RefCell;

use solidarites_api_types::{ThemeListResponse, ThemeResponse};

use crate::api::{self, ApiError};

thread_local! {
    static CACHE: RefCell<Option<Vec<ThemeResponse>>> = const { RefCell::new(None) };
}

/// Every theme, retired ones included (old proposals may use them).
pub async fn all() -> Result<Vec<ThemeResponse>, ApiError> {
    if let Some(themes) = CACHE.with(|c| c.borrow().clone()) {
        return Ok(themes);
    }
    let themes = api::get::<ThemeListResponse>("/api/v1/themes")
        .await?
        .themes;
    CACHE.with(|c| *c.borrow_mut() = Some(themes.clone()));
    Ok(themes)
}

/// The label of a theme, or its slug when unknown.
pub fn label(themes: &[ThemeResponse], slug: &str) -> String {
    themes
        .iter()
        .find(|t| t.slug == slug)
        .map_or_else(|| slug.to_owned(), |t| t.label.clone())
}
