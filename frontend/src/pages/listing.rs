//! What the list pages with filters in their address (agenda, proposals) share: their
//! filters, the loading of the results as the filters change, and the results with
//! their count and pagination.

use std::future::Future;

use leptos::prelude::*;
use solidarites_api_types::{
    EventListResponse, EventResponse, ProposalListResponse, ProposalResponse, ThemeResponse,
};

use crate::api::{self, ApiError};
use crate::i18n::common;

/// Declares a list page's filters: `String` fields read from and written to the page's
/// query string under their own names (the API's), and the page of the list.
macro_rules! list_filters {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* pub $field:ident,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: String,)*
            /// From 1.
            pub page: u64,
        }

        impl $name {
            pub fn from_location(location: &$crate::router::Location) -> Self {
                let get = |key: &str| location.param(key).unwrap_or_default().trim().to_owned();
                Self {
                    $($field: get(stringify!($field)),)*
                    page: $crate::router::page_param(location),
                }
            }

            /// The filters of the current address, following it.
            pub fn from_address() -> ::leptos::prelude::Memo<Self> {
                let location = $crate::router::use_location();
                ::leptos::prelude::Memo::new(move |_| Self::from_location(&location.get()))
            }

            /// The page's query string.
            pub fn query(&self) -> String {
                $crate::router::paged_query(
                    &[$((stringify!($field), &self.$field)),*],
                    self.page,
                )
            }

            /// The address of page `page` of the list at `path` with these filters.
            pub fn page_href(&self, path: &str, page: u64) -> String {
                let query = Self { page, ..self.clone() }.query();
                if query.is_empty() {
                    path.to_owned()
                } else {
                    format!("{path}?{query}")
                }
            }

            /// Applies a change of the filters: back to the first page, in the address.
            pub fn apply(filters: ::leptos::prelude::Memo<Self>, change: impl FnOnce(&mut Self)) {
                let mut next = filters.get_untracked();
                change(&mut next);
                next.page = 1;
                $crate::router::replace_query(&next.query());
            }
        }
    };
}

pub(crate) use list_filters;

/// Loads `fetch(url())` again whenever `url()` changes. The previous results stay shown
/// while the next ones load, and an answer that arrives after a newer request is dropped.
pub fn latest<T, F>(
    url: impl Fn() -> String + 'static,
    fetch: impl Fn(String) -> F + 'static,
) -> api::Loaded<T>
where
    T: Send + Sync + 'static,
    F: Future<Output = Result<T, ApiError>> + 'static,
{
    let results = RwSignal::new(None);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let request = fetch(url());
        let current = generation.get_value().wrapping_add(1);
        generation.set_value(current);
        leptos::task::spawn_local(async move {
            let outcome = request.await;
            if generation.try_get_value() == Some(current) {
                let _ = results.try_set(Some(outcome));
            }
        });
    });
    results
}

/// A page of a list from the API: its items, its number and the total over all pages.
pub trait ListPage {
    type Item;
    fn split(self) -> (Vec<Self::Item>, u64, u64);
}

macro_rules! list_pages {
    ($($list:ty => $item:ty),*) => {
        $(impl ListPage for $list {
            type Item = $item;
            fn split(self) -> (Vec<$item>, u64, u64) {
                (self.items, self.page, self.total)
            }
        })*
    };
}

list_pages!(EventListResponse => EventResponse, ProposalListResponse => ProposalResponse);

/// How a list page shows its results: the `<ul>` of class `class`, the count (`count`),
/// `per_page` results a page, the pagination named `pagination`.
#[derive(Debug, Clone, Copy)]
pub struct ListShape {
    pub class: &'static str,
    pub count: fn(u64) -> String,
    pub per_page: u64,
    pub pagination: &'static str,
}

/// A list page's results (a page and the themes): loading, the error, or the count, each
/// item's `card` and the links to the other pages (page `n` at `href(n)`).
pub fn results_view<L: ListPage>(
    results: Option<Result<(L, Vec<ThemeResponse>), ApiError>>,
    shape: ListShape,
    href: impl Fn(u64) -> String,
    card: impl Fn(L::Item, Vec<ThemeResponse>) -> AnyView,
) -> AnyView {
    let c = common::t();
    match results {
        None => view! { <p class="texte-doux" role="status">{c.loading}</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="statut statut--erreur" role="alert">{error.message()}</p> }.into_any()
        }
        Some(Ok((list, themes))) => {
            let (items, page, total) = list.split();
            let items = items
                .into_iter()
                .map(|item| card(item, themes.clone()))
                .collect_view();
            let pages = total.div_ceil(shape.per_page).max(1);
            let nav = (pages > 1).then(|| {
                view! {
                    <nav class="pagination" aria-label=shape.pagination>
                        {(page > 1)
                            .then(|| view! { <a class="bouton" href=href(page - 1)>{c.page_previous}</a> })}
                        <span>{(c.page_of)(page, pages)}</span>
                        {(page < pages)
                            .then(|| view! { <a class="bouton" href=href(page + 1)>{c.page_next}</a> })}
                    </nav>
                }
            });
            view! {
                <p class="resultats__nombre" role="status">{(shape.count)(total)}</p>
                <ul class=shape.class>{items}</ul>
                {nav}
            }
            .into_any()
        }
    }
}

/// The heading of an item of a list (`<h2>`, or `<h3>` under a page's own section),
/// of class `class`, around `link`.
pub fn card_heading(level3: bool, class: &'static str, link: impl IntoView + 'static) -> AnyView {
    if level3 {
        view! { <h3 class=class>{link}</h3> }.into_any()
    } else {
        view! { <h2 class=class>{link}</h2> }.into_any()
    }
}

/// A status as a labelled badge (words, not only a colour): `label` read by screen
/// readers before `text`.
pub fn status_badge(status: &str, label: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <span class=format!("etiquette etiquette--{status}")>
            <span class="visuellement-cache">{label}" "</span>
            {text}
        </span>
    }
}
