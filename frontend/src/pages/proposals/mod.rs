//! Proposals: the list (filters and sort kept in the address, so a filtered list can be
//! shared and survives a reload), one proposal with its follow-up, and the form to make
//! one.

mod detail;
mod new;
mod support;

use leptos::prelude::*;
use solidarites_api_types::{
    CommuneResponse, ProposalListResponse, ProposalResponse, ThemeResponse,
};

pub use detail::ProposalPage;
pub use new::NewProposalPage;
pub use support::device_headers;

use super::listing::{self, list_filters, ListShape};
use crate::api;
use crate::app::set_page_title;
use crate::components::commune::{display_name, CommunePicker};
use crate::components::themes::{self, ThemeFilter};
use crate::i18n::proposals;
use crate::router::{self, percent_encode, Route};

/// Proposals per page.
const PER_PAGE: u64 = 10;
/// The follow-up statuses, in their order.
pub const STATUSES: [&str; 6] = [
    "submitted",
    "under_study",
    "accepted",
    "in_progress",
    "done",
    "declined",
];

list_filters! {
    /// The list's filters, in the page's query string.
    pub struct Filters {
        pub q,
        pub theme,
        /// INSEE code.
        pub commune,
        pub status,
        /// `newest` (default), `most_supported` or `priority`.
        pub sort,
    }
}

impl Filters {
    /// `GET /api/v1/proposals` for these filters.
    pub fn api_url(&self) -> String {
        router::list_api_url("/api/v1/proposals", &self.query(), PER_PAGE)
    }
}

/// Number of pages for `total` results.
pub fn page_count(total: u64) -> u64 {
    total.div_ceil(PER_PAGE).max(1)
}

/// The first characters of a description, cut at a word.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// Fetches a page of proposals (with this device's supports).
async fn fetch(url: String) -> Result<(ProposalListResponse, Vec<ThemeResponse>), api::ApiError> {
    let headers = device_headers();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let list = api::get_with::<ProposalListResponse>(&url, &headers).await?;
    let themes = themes::all().await.unwrap_or_default();
    Ok((list, themes))
}

/// The status of a proposal, as a labelled badge (words, not only a colour).
pub fn status_badge(status: &str) -> impl IntoView {
    let t = proposals::t();
    listing::status_badge(status, t.status_label, (t.status)(status))
}

/// One proposal in a list.
#[component]
pub fn ProposalCard(
    proposal: ProposalResponse,
    themes: Vec<ThemeResponse>,
    /// Heading level of the title (2 in the list, 3 on the home page).
    #[prop(optional)]
    level3: bool,
) -> impl IntoView {
    let t = proposals::t();
    let href = Route::Proposal(proposal.id.clone()).path();
    let title = proposal.content.title.clone();
    let link = view! { <a href=href>{title.clone()}</a> };
    let heading = listing::card_heading(level3, "proposition__titre", link);
    let place = proposal
        .content
        .commune
        .as_ref()
        .map_or_else(|| t.whole_territory.to_owned(), |c| c.name.clone());
    let theme_names = themes::names(&themes, &proposal.content.themes);
    view! {
        <li class="proposition">
            {heading}
            <p class="proposition__meta">
                {status_badge(&proposal.status)}
                <span>{place}</span>
                <span>{theme_names}</span>
                {proposal.priority.map(|rank| view! { <span>{(t.priority)(rank)}</span> })}
            </p>
            <p>{excerpt(&proposal.content.description, 220)}</p>
            <support::SupportButton
                id=proposal.id.clone()
                title=title
                count=proposal.support_count
                supported=proposal.supported_by_me.unwrap_or(false)
                accepts=proposal.accepts_supports
            />
        </li>
    }
}

#[component]
pub fn ProposalsPage() -> impl IntoView {
    let t = proposals::t();
    set_page_title(t.title);
    let filters = Filters::from_address();
    let results = listing::latest(move || filters.get().api_url(), fetch);
    view! {
        <h1>{t.title}</h1>
        <p class="intro">{t.intro}</p>
        <p><a class="bouton bouton--plein" href="/propositions/nouvelle">{t.new_link}</a></p>
        <ProposalFilters filters=filters/>
        <section class="resultats" aria-label=t.title>
            <ProposalList results=results filters=filters/>
        </section>
    }
}

/// The filters' form: words, theme, commune, status and sort.
#[component]
fn ProposalFilters(filters: Memo<Filters>) -> impl IntoView {
    let t = proposals::t();
    let text = RwSignal::new(filters.get_untracked().q);
    // Back and forward buttons change the address: the search field follows.
    Effect::new(move |_| text.set(filters.with(|f| f.q.clone())));
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let q = text.get_untracked();
        Filters::apply(filters, move |f| f.q = q.trim().to_owned());
    };
    let select = move |key: &'static str| {
        move |event: leptos::ev::Event| {
            let value = event_target_value(&event);
            Filters::apply(filters, move |f| match key {
                "theme" => f.theme = value,
                "status" => f.status = value,
                _ => f.sort = value,
            });
        }
    };
    // The commune filter shows the commune's name (fetched once for a code in the
    // address); the field is rebuilt only when that name arrives or the filters are reset.
    let commune_text = StoredValue::new(String::new());
    let commune_field_version = RwSignal::new(0u32);
    let initial_code = filters.with_untracked(|f| f.commune.clone());
    if !initial_code.is_empty() {
        leptos::task::spawn_local(async move {
            let url = format!("/api/v1/communes/{}", percent_encode(&initial_code));
            if let Ok(commune) = api::get::<CommuneResponse>(&url).await {
                commune_text.set_value(display_name(&commune));
                commune_field_version.update(|v| *v += 1);
            }
        });
    }
    let reset = move |_| {
        text.set(String::new());
        commune_text.set_value(String::new());
        commune_field_version.update(|v| *v += 1);
        router::replace_query("");
    };
    let option = move |value: &'static str, label: &'static str, current: &'static str| {
        let selected = move || {
            filters.with(|f| match current {
                "status" => f.status == value,
                _ => f.sort == value || (value == "newest" && f.sort.is_empty()),
            })
        };
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <section class="filtres" aria-labelledby="filtres-titre">
            <h2 id="filtres-titre">{t.filters_title}</h2>
            <form role="search" aria-labelledby="filtres-titre" on:submit=on_submit>
                <div class="filtres__grille">
                    <div class="champ">
                        <label for="filtre-texte">{t.filter_text}</label>
                        <input
                            id="filtre-texte"
                            class="saisie"
                            type="search"
                            prop:value=move || text.get()
                            on:input=move |event| text.set(event_target_value(&event))
                        />
                    </div>
                    <ThemeFilter
                        id="filtre-theme"
                        label=t.filter_theme
                        any_label=t.filter_all
                        current=Signal::derive(move || filters.with(|f| f.theme.clone()))
                        on_change=select("theme")
                    />
                    <div class="champ">
                        <label for="filtre-commune">{t.filter_commune}</label>
                        {move || {
                            commune_field_version.track();
                            view! { <CommuneFilter filters=filters text=commune_text/> }
                        }}
                    </div>
                    <div class="champ">
                        <label for="filtre-statut">{t.filter_status}</label>
                        <select id="filtre-statut" class="saisie" on:change=select("status")>
                            <option value="" selected=move || filters.with(|f| f.status.is_empty())>
                                {t.filter_all}
                            </option>
                            {STATUSES.map(|s| option(s, (t.status)(s), "status")).collect_view()}
                        </select>
                    </div>
                    <div class="champ">
                        <label for="filtre-tri">{t.filter_sort}</label>
                        <select id="filtre-tri" class="saisie" on:change=select("sort")>
                            {option("newest", t.sort_newest, "sort")}
                            {option("most_supported", t.sort_most_supported, "sort")}
                            {option("priority", t.sort_priority, "sort")}
                        </select>
                    </div>
                </div>
                <div class="boutons">
                    <button type="submit" class="bouton bouton--plein">{t.filter_apply}</button>
                    <button type="button" class="bouton bouton--discret" on:click=reset>
                        {t.filter_reset}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// The commune filter: the app's commune picker, its text kept in `text`.
#[component]
fn CommuneFilter(filters: Memo<Filters>, text: StoredValue<String>) -> impl IntoView {
    let name = text.get_value();
    view! {
        <CommunePicker
            input_id="filtre-commune".to_owned()
            initially_chosen=!name.is_empty()
            initial_text=name
            described_by=Signal::derive(|| None::<String>)
            invalid=Signal::derive(|| false)
            on_text=Callback::new(move |typed| text.set_value(typed))
            on_choose=Callback::new(move |choice: Option<(String, String)>| {
                let code = choice.map(|(code, _)| code).unwrap_or_default();
                Filters::apply(filters, move |f| f.commune = code);
            })
        />
    }
}

/// The proposals of the filters, one page, with the pagination.
#[component]
fn ProposalList(
    results: api::Loaded<(ProposalListResponse, Vec<ThemeResponse>)>,
    filters: Memo<Filters>,
) -> impl IntoView {
    let t = proposals::t();
    let shape = ListShape {
        class: "propositions",
        count: t.count,
        per_page: PER_PAGE,
        pagination: t.pagination,
    };
    let href = move |to| filters.with_untracked(|f| f.page_href(&Route::Proposals.path(), to));
    move || {
        listing::results_view(results.get(), shape, href, |proposal, themes| {
            view! { <ProposalCard proposal=proposal themes=themes/> }.into_any()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::Location;

    #[test]
    fn filters_go_to_the_address_and_to_the_api() {
        let location = Location {
            path: "/propositions".into(),
            query: "q=jardin%20partag%C3%A9&theme=logement&sort=most_supported&page=2".into(),
        };
        let filters = Filters::from_location(&location);
        assert_eq!(filters.q, "jardin partagé");
        assert_eq!(filters.theme, "logement");
        assert_eq!(filters.page, 2);
        assert_eq!(
            filters.query(),
            "q=jardin%20partag%C3%A9&theme=logement&sort=most_supported&page=2"
        );
        assert_eq!(
            Filters::default().api_url(),
            "/api/v1/proposals?per_page=10"
        );
        assert_eq!(
            Filters {
                status: "done".into(),
                page: 1,
                ..Filters::default()
            }
            .api_url(),
            "/api/v1/proposals?status=done&per_page=10"
        );
        let bad_page = Location {
            path: String::new(),
            query: "page=0".into(),
        };
        assert_eq!(Filters::from_location(&bad_page).page, 1);
    }

    #[test]
    fn pages_and_excerpts() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(10), 1);
        assert_eq!(page_count(11), 2);
        assert_eq!(excerpt("court", 10), "court");
        assert_eq!(
            excerpt("un texte assez long, vraiment", 15),
            "un texte assez…"
        );
    }
}
