//! Pieces shared by the map and actor pages: theme and label badges and the pagination.
//! The form fields and the commune search box are the app's one form kit
//! (`components::form`) and one commune combobox (`components::commune`), re-exported
//! here for the map's forms.

use leptos::prelude::*;
use solidarites_api_types::{CurrentLabelResponse, ThemeResponse};

use crate::api::ApiError;
use crate::carte::filters::{page_count, AddressFilter};
use crate::carte::icons;
pub use crate::components::commune::{CommuneChoice, CommuneSearch};
pub use crate::components::form::{field_error, FieldError, RequiredMark, SelectField, TextField};
use crate::format;
use crate::i18n::carte as i18n;
use crate::router;

/// The icon of a theme, white on its colour (decorative: the label says it).
#[component]
pub fn ThemeIcon(theme: ThemeResponse) -> impl IntoView {
    view! {
        <span class="theme__pastille" style=format!("background:{}", theme.color) aria-hidden="true">
            <svg viewBox="0 0 24 24" focusable="false">
                <path d=icons::path(&theme.icon)></path>
            </svg>
        </span>
    }
}

/// A theme: its icon and its name.
#[component]
pub fn ThemeBadge(theme: ThemeResponse) -> impl IntoView {
    let label = theme.label.clone();
    view! {
        <span class="theme">
            <ThemeIcon theme=theme/>
            <span>{label}</span>
        </span>
    }
}

/// The labels held, each as text (« Label Anti-solitude, jusqu’au 31 décembre 2026 »).
#[component]
pub fn LabelBadges(labels: Vec<CurrentLabelResponse>) -> impl IntoView {
    let t = i18n::t();
    (!labels.is_empty()).then(|| {
        view! {
            <ul class="badges">
                {labels
                    .into_iter()
                    .map(|l| {
                        let until = format::date_text(&l.expires_on);
                        view! {
                            <li class="badge badge--label">
                                <span aria-hidden="true">"★ "</span>
                                {(t.label_badge)(&l.name, &until)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// The address of page `n` of the list at `path` with the current address's filters;
/// `bare` when they and the page make no query.
pub fn page_href<F: AddressFilter>(path: &str, bare: &str, n: u64) -> String {
    let query = router::use_router()
        .location
        .with_untracked(|l| l.query.clone());
    let query = F::read(&query).at_page(n).query();
    if query.is_empty() {
        bare.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The number of pages of the list that `results` holds (1 while it loads or failed).
pub fn pages_of<F, L>(
    results: LocalResource<(F, Result<L, ApiError>)>,
    total: fn(&L) -> u64,
) -> Signal<u64>
where
    F: Clone + 'static,
    L: Clone + 'static,
{
    Signal::derive(move || {
        results
            .get()
            .and_then(|(_, r)| r.ok())
            .map_or(1, |l| page_count(total(&l)))
    })
}

/// « Page 2 sur 5 » with links to the previous and next pages.
#[component]
pub fn Pagination(
    page: Signal<u64>,
    pages: Signal<u64>,
    /// The URL of page `n`.
    href: fn(u64) -> String,
) -> impl IntoView {
    let t = i18n::t();
    view! {
        <Show when=move || { pages.get() > 1 }>
            <nav class="pagination" aria-label=t.pagination_label>
                <Show when=move || { page.get() > 1 }>
                    <a class="bouton bouton--discret" href=move || href(page.get() - 1)>
                        <span aria-hidden="true">"← "</span>
                        {t.pagination_previous}
                    </a>
                </Show>
                <p class="pagination__etat">{move || (t.pagination_status)(page.get(), pages.get())}</p>
                <Show when=move || { page.get() < pages.get() }>
                    <a class="bouton bouton--discret" href=move || href(page.get() + 1)>
                        {t.pagination_next}
                        <span aria-hidden="true">" →"</span>
                    </a>
                </Show>
            </nav>
        </Show>
    }
}
