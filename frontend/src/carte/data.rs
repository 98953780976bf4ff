//! What the map pages read once per visit: the instance's map settings, the themes and the
//! labels. Fetched on first use and kept for the life of the page.

use std::cell::RefCell;

use solidarites_api_types::{
    LabelListResponse, LabelResponse, PublicConfigResponse, ThemeListResponse, ThemeResponse,
};

use crate::api::{self, ApiError};

thread_local! {
    static CONFIG: RefCell<Option<PublicConfigResponse>> = const { RefCell::new(None) };
    static THEMES: RefCell<Option<Vec<ThemeResponse>>> = const { RefCell::new(None) };
    static LABELS: RefCell<Option<Vec<LabelResponse>>> = const { RefCell::new(None) };
}

/// `GET /api/v1/config`.
pub async fn config() -> Result<PublicConfigResponse, ApiError> {
    if let Some(config) = CONFIG.with(|c| c.borrow().clone()) {
        return Ok(config);
    }
    let config: PublicConfigResponse = api::get("/api/v1/config").await?;
    CONFIG.with(|c| *c.borrow_mut() = Some(config.clone()));
    Ok(config)
}

/// `GET /api/v1/themes`, in display order (retired ones included, flagged).
pub async fn themes() -> Result<Vec<ThemeResponse>, ApiError> {
    if let Some(themes) = THEMES.with(|c| c.borrow().clone()) {
        return Ok(themes);
    }
    let list: ThemeListResponse = api::get("/api/v1/themes").await?;
    THEMES.with(|c| *c.borrow_mut() = Some(list.themes.clone()));
    Ok(list.themes)
}

/// `GET /api/v1/labels`, by name.
pub async fn labels() -> Result<Vec<LabelResponse>, ApiError> {
    if let Some(labels) = LABELS.with(|c| c.borrow().clone()) {
        return Ok(labels);
    }
    let list: LabelListResponse = api::get("/api/v1/labels").await?;
    LABELS.with(|c| *c.borrow_mut() = Some(list.labels.clone()));
    Ok(list.labels)
}

/// The theme `slug` among `themes`, or a neutral stand-in showing the slug (a theme
/// deleted since, or not loaded).
pub fn theme_or_default(themes: &[ThemeResponse], slug: &str) -> ThemeResponse {
    themes
        .iter()
        .find(|t| t.slug == slug)
        .cloned()
        .unwrap_or_else(|| ThemeResponse {
            slug: slug.to_owned(),
            label: slug.to_owned(),
            color: "#424242".to_owned(),
            icon: String::new(),
            position: i32::MAX,
            retired: true,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_themes_show_their_slug_in_grey() {
        let theme = theme_or_default(&[], "disparu");
        assert_eq!(theme.label, "disparu");
        assert_eq!(theme.color, "#424242");
    }
}
