//! The agenda: the list of events (filters in the address, upcoming first, each with its
//! place), an event's page with its `.ics` file, how to subscribe to the feed, the form
//! to submit an event and the private page to update or withdraw it.

mod detail;
mod edit;
mod new;

use leptos::prelude::*;
use solidarites_api_types::{
    EventListResponse, EventResponse, PublicConfigResponse, ThemeResponse,
};

pub use detail::EventPage;
pub use edit::EditEventPage;
pub use new::NewEventPage;

use super::listing::{self, list_filters, ListShape};
use crate::api;
use crate::app::set_page_title;
use crate::carte::data;
use crate::carte::leaflet::{options_json, MapController, MapView};
use crate::components::themes::{self, ThemeFilter};
use crate::i18n::{agenda, common};
use crate::router;

/// Events per page.
const PER_PAGE: u64 = 10;

list_filters! {
    /// The list's filters, in the page's query string.
    pub struct Filters {
        pub theme,
        /// INSEE code.
        pub commune,
        /// `YYYY-MM-DD`.
        pub from,
        pub to,
        /// Actor id.
        pub actor,
    }
}

impl Filters {
    pub fn api_url(&self) -> String {
        router::list_api_url("/api/v1/events", &self.query(), PER_PAGE)
    }

    /// The query of the map's `events.geojson`: the list's filters, without page.
    pub fn map_query(&self) -> String {
        Filters {
            page: 1,
            ..self.clone()
        }
        .query()
    }

    /// The feed of these filters (commune, theme, actor: a feed has no date bounds).
    pub fn feed_path(&self) -> String {
        router::with_query(
            "/api/v1/events.ics",
            &[
                ("commune", &self.commune),
                ("theme", &self.theme),
                ("actor", &self.actor),
            ],
        )
    }
}

/// Where an event happens, in words.
pub fn place_text(event: &EventResponse) -> String {
    let t = agenda::t();
    let c = &event.content;
    match (&c.commune, &c.address) {
        (None, _) => t.online.to_owned(),
        // An address that names its commune already is not followed by it again.
        (Some(commune), Some(address)) if names(address, &commune.name) => address.clone(),
        (Some(commune), Some(address)) => format!("{address}, {}", commune.name),
        (Some(commune), None) if c.place == "commune" => {
            format!("{} ({})", commune.name, t.whole_commune)
        }
        (Some(commune), None) => commune.name.clone(),
    }
}

/// Whether `address` already names the commune `name` (case ignored).
fn names(address: &str, name: &str) -> bool {
    address.to_lowercase().contains(&name.to_lowercase())
}

/// The announced status as a labelled badge (words, not only a colour); none when
/// scheduled.
pub fn status_badge(status: &str) -> Option<impl IntoView> {
    let t = agenda::t();
    (status != "scheduled")
        .then(|| listing::status_badge(status, t.status_label, (t.status)(status)))
}

/// One event in a list: title, next dates, place, status.
#[component]
pub fn EventCard(event: EventResponse, themes: Vec<ThemeResponse>, level3: bool) -> impl IntoView {
    let t = agenda::t();
    let href = event.page_url.clone();
    let link = view! { <a href=href>{event.content.title.clone()}</a> };
    let heading = listing::card_heading(level3, "evenement__titre", link);
    let dates: Vec<String> = event
        .content
        .occurrences
        .iter()
        .take(3)
        .map(|o| (t.dates)(&o.start, &o.end))
        .collect();
    let more = event.content.occurrences.len().saturating_sub(3);
    let theme_names = themes::names(&themes, &event.content.themes);
    view! {
        <li class="evenement">
            {heading}
            <p class="evenement__meta">
                {status_badge(&event.content.event_status)}
                <span>{place_text(&event)}</span>
                <span>{theme_names}</span>
            </p>
            <ul class="evenement__dates">
                {dates.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                {(more > 0).then(|| view! { <li>"+ " {more}</li> })}
            </ul>
        </li>
    }
}

/// How to subscribe to the feed at `path` (shown with the page's origin).
#[component]
pub fn Subscribe(#[prop(into)] path: Signal<String>) -> impl IntoView {
    let t = agenda::t();
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let url = move || format!("{origin}{}", path.get());
    view! {
        <section class="abonnement" aria-labelledby="abonnement-titre">
            <h2 id="abonnement-titre">{t.subscribe_title}</h2>
            <p>{t.subscribe_what}</p>
            <div class="champ">
                <label for="abonnement-adresse">{t.subscribe_url_label}</label>
                <input id="abonnement-adresse" class="saisie" type="text" readonly prop:value=url/>
            </div>
            <ul>
                <li>{t.subscribe_iphone}</li>
                <li>{t.subscribe_android}</li>
                <li>{t.subscribe_other}</li>
            </ul>
        </section>
    }
}

#[component]
pub fn AgendaPage() -> impl IntoView {
    let t = agenda::t();
    set_page_title(t.title);
    let filters = Filters::from_address();
    let results = listing::latest(
        move || filters.get().api_url(),
        |url| async move {
            let list = api::get::<EventListResponse>(&url).await?;
            Ok((list, themes::all().await.unwrap_or_default()))
        },
    );
    let shape = ListShape {
        class: "evenements",
        count: t.count,
        per_page: PER_PAGE,
        pagination: t.pagination,
    };
    let href = move |to| filters.with_untracked(|f| f.page_href("/agenda", to));
    let list = move || {
        listing::results_view(results.get(), shape, href, |event, themes| {
            view! { <EventCard event=event themes=themes level3=false/> }.into_any()
        })
    };

    view! {
        <h1>{t.title}</h1>
        <p class="intro">{t.intro}</p>
        <p><a class="bouton bouton--plein" href="/agenda/proposer">{t.new_link}</a></p>
        <AgendaFilters filters=filters/>
        <section class="resultats" aria-label=t.title>{list}</section>
        <AgendaMap filters=filters/>
        <Subscribe path=Signal::derive(move || filters.with(Filters::feed_path))/>
    }
}

/// The list's filters (theme, commune, dates, actor), written to the page's address.
#[component]
fn AgendaFilters(filters: Memo<Filters>) -> impl IntoView {
    let t = agenda::t();
    let on_change = move |key: &'static str| {
        move |event: leptos::ev::Event| {
            let value = event_target_value(&event);
            Filters::apply(filters, move |f| match key {
                "theme" => f.theme = value,
                "commune" => f.commune = value,
                "from" => f.from = value,
                _ => f.to = value,
            });
        }
    };
    let date_field = move |id: &'static str, label: &'static str, key: &'static str| {
        let value = move || {
            filters.with(|f| {
                if key == "from" {
                    f.from.clone()
                } else {
                    f.to.clone()
                }
            })
        };
        view! {
            <div class="champ">
                <label for=id>{label}</label>
                <input id=id class="saisie" type="date" prop:value=value on:change=on_change(key)/>
            </div>
        }
    };
    let communes = api::load(api::get::<solidarites_api_types::CommuneListResponse>(
        "/api/v1/communes",
    ));

    view! {
        <section class="filtres" aria-labelledby="filtres-titre">
            <h2 id="filtres-titre">{t.filters_title}</h2>
            <div class="filtres__grille">
                <ThemeFilter
                    id="agenda-theme"
                    label=t.filter_theme
                    any_label=t.filter_all
                    current=Signal::derive(move || filters.with(|f| f.theme.clone()))
                    on_change=on_change("theme")
                />
                <div class="champ">
                    <label for="agenda-commune">{t.filter_commune}</label>
                    <select id="agenda-commune" class="saisie" on:change=on_change("commune")>
                        <option value="" selected=move || filters.with(|f| f.commune.is_empty())>
                            {t.filter_all_communes}
                        </option>
                        {move || {
                            let mut items = communes
                                .get()
                                .and_then(Result::ok)
                                .map(|l| l.communes)
                                .unwrap_or_default();
                            items.sort_by(|a, b| a.name.cmp(&b.name));
                            items
                                .into_iter()
                                .map(|c| {
                                    let code = c.code.clone();
                                    let selected = move || filters.with(|f| f.commune == code);
                                    view! { <option value=c.code selected=selected>{c.name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                {date_field("agenda-du", t.filter_from, "from")}
                {date_field("agenda-au", t.filter_to, "to")}
            </div>
            {move || {
                (!filters.with(|f| f.actor.is_empty()))
                    .then(|| {
                        view! {
                            <p>
                                {t.filter_actor} " — "
                                <button
                                    type="button"
                                    class="bouton bouton--discret"
                                    on:click=move |_| Filters::apply(filters, |f| f.actor = String::new())
                                >
                                    {t.filter_actor_remove}
                                </button>
                            </p>
                        }
                    })
            }}
            <button type="button" class="bouton bouton--discret" on:click=move |_| router::replace_query("")>
                {t.filter_reset}
            </button>
        </section>
    }
}

/// The listed events on a map (those with a place: online-only events are in the list
/// only). Leaflet is loaded by carte.js on first use, as on the carte.
#[component]
fn AgendaMap(filters: Memo<Filters>) -> impl IntoView {
    let t = agenda::t();
    let basics = LocalResource::new(|| async {
        Ok::<_, api::ApiError>((data::config().await?, data::themes().await?))
    });
    view! {
        <section class="agenda-carte" aria-labelledby="agenda-carte-titre">
            <h2 id="agenda-carte-titre">{t.map_title}</h2>
            <p class="champ__aide">{t.map_online}</p>
            {move || {
                basics
                    .get()
                    .and_then(Result::ok)
                    .map(|(config, themes)| view! { <EventsMap config=config themes=themes filters=filters/> })
            }}
        </section>
    }
}

#[component]
fn EventsMap(
    config: PublicConfigResponse,
    themes: Vec<ThemeResponse>,
    filters: Memo<Filters>,
) -> impl IntoView {
    let map = MapController::new();
    Effect::new(move |_| {
        let query = filters.with(Filters::map_query);
        if map.is_mounted() {
            map.show_events(&query, true);
        }
    });
    let on_select = move |id: String| {
        router::navigate(&format!(
            "/agenda/evenement/{}",
            router::percent_encode(&id)
        ));
    };
    view! {
        <MapView
            controller=map
            options=options_json(&config, &themes, false)
            label=agenda::t().map_label
            class="carte-leaflet--agenda"
            on_select=on_select
        />
    }
}

/// The upcoming events of an actor, for its page.
#[component]
pub fn ActorEvents(actor_id: String) -> impl IntoView {
    let t = agenda::t();
    let url = router::with_query(
        "/api/v1/events",
        &[("actor", &actor_id), ("per_page", "20")],
    );
    let loaded = api::load(async move {
        let list = api::get::<EventListResponse>(&url).await?;
        Ok((list, themes::all().await.unwrap_or_default()))
    });
    let feed = router::with_query("/api/v1/events.ics", &[("actor", &actor_id)]);
    view! {
        <section aria-labelledby="acteur-evenements">
            <h2 id="acteur-evenements">{t.actor_events_title}</h2>
            {move || match loaded.get() {
                None => view! { <p role="status">{common::t().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message()}</p> }.into_any(),
                Some(Ok((list, _))) if list.items.is_empty() => {
                    view! { <p>{t.actor_events_none}</p> }.into_any()
                }
                Some(Ok((list, themes))) => {
                    view! {
                        <ul class="evenements">
                            {list
                                .items
                                .into_iter()
                                .map(|e| view! { <EventCard event=e themes=themes.clone() level3=true/> })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
            <p><a href=feed download>{t.subscribe_title}" (.ics)"</a></p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::Location;

    #[test]
    fn filters_go_to_the_address_the_api_and_the_feed() {
        let location = Location {
            path: "/agenda".into(),
            query: "theme=isolement&commune=40192&from=2027-03-01&page=2".into(),
        };
        let filters = Filters::from_location(&location);
        assert_eq!(filters.page, 2);
        assert_eq!(
            filters.api_url(),
            "/api/v1/events?theme=isolement&commune=40192&from=2027-03-01&page=2&per_page=10"
        );
        assert_eq!(
            filters.feed_path(),
            "/api/v1/events.ics?commune=40192&theme=isolement"
        );
        assert_eq!(Filters::default().feed_path(), "/api/v1/events.ics");
        assert_eq!(
            filters.map_query(),
            "theme=isolement&commune=40192&from=2027-03-01"
        );
    }
}
