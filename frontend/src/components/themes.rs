//! The themes of the platform (`GET /api/v1/themes`), loaded once per visit, and the
//! fields that pick them.

use std::cell::RefCell;

use leptos::prelude::*;
use solidarites_api_types::{ThemeListResponse, ThemeResponse};

use crate::api::{self, ApiError, Loaded};
use crate::components::form::CheckboxItem;

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

/// Forgets the themes loaded (after the console changed one): the next [`all`] asks again.
pub fn forget() {
    CACHE.with(|c| *c.borrow_mut() = None);
}

/// The label of a theme, or its slug when unknown.
pub fn label(themes: &[ThemeResponse], slug: &str) -> String {
    themes
        .iter()
        .find(|t| t.slug == slug)
        .map_or_else(|| slug.to_owned(), |t| t.label.clone())
}

/// The labels of the themes `slugs`, joined by commas.
pub fn names(themes: &[ThemeResponse], slugs: &[String]) -> String {
    slugs
        .iter()
        .map(|slug| label(themes, slug))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The themes still offered (not retired) once `list` is loaded; none before or on error.
pub fn active(list: Loaded<Vec<ThemeResponse>>) -> Vec<ThemeResponse> {
    list.get()
        .and_then(Result::ok)
        .unwrap_or_default()
        .into_iter()
        .filter(|theme| !theme.retired)
        .collect()
}

/// The `<option>`s of the themes still offered, each selected while `selected(slug)`.
pub fn options(
    list: Loaded<Vec<ThemeResponse>>,
    selected: impl Fn(&str) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        active(list)
            .into_iter()
            .map(|theme| {
                let slug = theme.slug.clone();
                view! { <option value=theme.slug selected=move || selected(&slug)>{theme.label}</option> }
            })
            .collect_view()
    }
}

/// A filter by theme: a `<select>` of the themes still offered after `any_label` (no
/// filter), the theme `current` selected; `on_change` gets the changes.
#[component]
pub fn ThemeFilter(
    id: &'static str,
    label: &'static str,
    any_label: &'static str,
    /// The slug of the theme filtered on (empty for none).
    #[prop(into)]
    current: Signal<String>,
    on_change: impl FnMut(leptos::ev::Event) + 'static,
) -> impl IntoView {
    let list = api::load(all());
    view! {
        <div class="champ">
            <label for=id>{label}</label>
            <select id=id class="saisie" on:change=on_change>
                <option value="" selected=move || current.with(String::is_empty)>{any_label}</option>
                {options(list, move |slug| current.with(|c| c == slug))}
            </select>
        </div>
    }
}

/// A list item with a checkbox for `theme`, ticked while `selected` holds its slug.
#[component]
pub fn ThemeCheckbox(
    id: String,
    theme: ThemeResponse,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    view! { <CheckboxItem id=id value=theme.slug label=theme.label selected=selected/> }
}
