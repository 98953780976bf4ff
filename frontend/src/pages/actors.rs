//! The directory of actors (associations, CCAS, communes…) and the page of one actor with
//! their published initiatives on a small map and in a list.

use leptos::prelude::*;
use solidarites_api_types::{
    ActorDetailResponse, ActorListResponse, ActorResponse, InitiativeResponse, ThemeResponse,
};

use crate::api::{self, ApiError};
use crate::app::set_page_title;
use crate::browser;
use crate::carte::data;
use crate::carte::detail::{item_button_id, FocusReturn, InitiativeDetail, InitiativeItem};
use crate::carte::filters::ActorFilter;
use crate::carte::leaflet::{options_json, MapController, MapView};
use crate::carte::widgets::{self, CommuneChoice, CommuneSearch, LabelBadges, Pagination};
use crate::format;
use crate::i18n::{actors as i18n, carte as carte_i18n, common};
use crate::router::{self, percent_encode, use_location};

/// « Signataire de la charte depuis le … », in words (never a colour or an icon alone).
#[component]
fn CharterBadge(signed_at: Option<String>) -> impl IntoView {
    let t = i18n::t();
    signed_at.map(|at| {
        view! {
            <p class="badge badge--charte">
                <span aria-hidden="true">"✓ "</span>
                {(t.charter_signed)(&format::date_text(&at))}
            </p>
        }
    })
}

/// The kind and commune of an actor, in words.
fn actor_meta(actor: &ActorResponse) -> String {
    let t = i18n::t();
    let kind = (t.kind_label)(&actor.kind);
    match &actor.commune {
        Some(c) if !c.name.is_empty() => format!("{kind} — {}", c.name),
        _ => kind.to_owned(),
    }
}

/// The actors of the filters, tagged with the filters they answer.
type ActorResults = LocalResource<(ActorFilter, Result<ActorListResponse, ApiError>)>;

#[component]
pub fn ActorsPage() -> impl IntoView {
    let t = i18n::t();
    set_page_title(t.title);
    let location = use_location();
    let filter = Memo::new(move |_| location.with(|l| ActorFilter::from_query(&l.query)));
    let themes = LocalResource::new(data::themes);
    let labels = LocalResource::new(data::labels);
    let results = LocalResource::new(move || {
        let filter = filter.get();
        async move {
            let answer: Result<ActorListResponse, ApiError> = api::get(&filter.list_url()).await;
            (filter, answer)
        }
    });
    let apply = move |mut next: ActorFilter| {
        next.page = 1;
        router::replace_query(&next.to_query());
    };
    let q_text = RwSignal::new(filter.get_untracked().q.unwrap_or_default());
    let commune = commune_of(filter);
    let select_change = move |key: &'static str| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            let value = (!value.is_empty()).then_some(value);
            let mut next = filter.get_untracked();
            match key {
                "kind" => next.kind = value,
                "theme" => next.theme = value,
                _ => next.label = value,
            }
            apply(next);
        }
    };
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = q_text.get_untracked();
        let q = q.trim();
        apply(ActorFilter {
            q: (!q.is_empty()).then(|| q.to_owned()),
            ..filter.get_untracked()
        });
    };
    let kind_selected =
        move |k: &'static str| move || filter.with(|f| f.kind.as_deref() == Some(k));

    view! {
        <h1>{t.title}</h1>
        <p class="intro">{t.intro}</p>
        <form class="filtres filtres--ligne" role="search" aria-labelledby="filtres-acteurs-titre" on:submit=on_search>
            <h2 id="filtres-acteurs-titre">{t.filters_title}</h2>
            <div class="filtres__champs">
                <div class="champ">
                    <label for="filtre-type">{t.filter_kind}</label>
                    <select class="saisie" id="filtre-type" on:change=select_change("kind")>
                        <option value="" selected=move || filter.with(|f| f.kind.is_none())>{t.filter_any}</option>
                        {i18n::KINDS.iter().map(|k| view! {
                            <option value=*k selected=kind_selected(k)>{(t.kind_label)(k)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="champ">
                    <label for="filtre-theme">{t.filter_theme}</label>
                    <select class="saisie" id="filtre-theme" on:change=select_change("theme")>
                        <option value="" selected=move || filter.with(|f| f.theme.is_none())>{t.filter_any}</option>
                        {move || themes.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|th| {
                            let slug = th.slug.clone();
                            let selected = move || filter.with(|f| f.theme.as_deref() == Some(slug.as_str()));
                            view! { <option value=th.slug.clone() selected=selected>{th.label.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                {move || {
                    let list = labels.get().and_then(Result::ok).unwrap_or_default();
                    (!list.is_empty() || filter.with(|f| f.label.is_some())).then(|| view! {
                        <div class="champ">
                            <label for="filtre-label-acteur">{t.filter_label}</label>
                            <select class="saisie" id="filtre-label-acteur" on:change=select_change("label")>
                                <option value="" selected=move || filter.with(|f| f.label.is_none())>{t.filter_any}</option>
                                {list.into_iter().map(|l| {
                                    let slug = l.slug.clone();
                                    let selected = move || filter.with(|f| f.label.as_deref() == Some(slug.as_str()));
                                    view! { <option value=l.slug.clone() selected=selected>{l.name.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    })
                }}
                <CommuneSearch
                    id="filtre-commune-acteur"
                    label=t.filter_commune
                    selected=commune
                    on_change={move |choice: Option<CommuneChoice>| apply(ActorFilter {
                        commune: choice.map(|c| c.code),
                        ..filter.get_untracked()
                    })}
                />
                <div class="champ">
                    <label for="filtre-nom">{t.filter_text}</label>
                    <div class="recherche-texte">
                        <input
                            id="filtre-nom" class="saisie"
                            type="search"
                            prop:value=move || q_text.get()
                            on:input=move |ev| q_text.set(event_target_value(&ev))
                        />
                        <button type="submit" class="bouton">{t.filter_search}</button>
                    </div>
                </div>
            </div>
            <Show when=move || filter.with(ActorFilter::is_filtered)>
                <button type="button" class="bouton bouton--discret" on:click=move |_| {
                    q_text.set(String::new());
                    commune.set(None);
                    router::replace_query("");
                }>{t.filters_clear}</button>
            </Show>
        </form>

        <ActorList results=results filter=filter/>
    }
}

/// The commune of the filter, as the search box shows it (its name fetched for a code
/// from the URL).
fn commune_of(filter: Memo<ActorFilter>) -> RwSignal<Option<CommuneChoice>> {
    let commune = RwSignal::new(None::<CommuneChoice>);
    Effect::new(move |_| {
        let code = filter.with(|f| f.commune.clone());
        match code {
            Some(code)
                if commune.with_untracked(|c| c.as_ref().map(|c| c.code.clone()))
                    != Some(code.clone()) =>
            {
                leptos::task::spawn_local(async move {
                    let found: Result<solidarites_api_types::CommuneResponse, ApiError> =
                        api::get(&format!("/api/v1/communes/{}", percent_encode(&code))).await;
                    if let Ok(found) = found {
                        commune.set(Some(CommuneChoice {
                            code: found.code,
                            name: found.name,
                        }));
                    }
                });
            }
            None => commune.set(None),
            _ => {}
        }
    });
    commune
}

/// The actors of the filters, one page, with the count and the pagination.
#[component]
fn ActorList(results: ActorResults, filter: Memo<ActorFilter>) -> impl IntoView {
    let t = i18n::t();
    let count_text = move || match results.get() {
        None => common::t().loading.to_owned(),
        Some((_, Err(error))) => error.message(),
        Some((f, Ok(list))) => (t.results_count)(list.total, f.is_filtered()),
    };
    let page = Signal::derive(move || filter.with(|f| f.page));
    let pages = widgets::pages_of(results, |l| l.total);
    view! {
        <section aria-labelledby="acteurs-liste-titre" class="resultats">
            <h2 id="acteurs-liste-titre">{t.list_title}</h2>
            <p role="status" class="carte-page__compte">{count_text}</p>
            {move || match results.get() {
                None => None,
                Some((_, Err(_))) => Some(view! {
                    <button type="button" class="bouton" on:click=move |_| results.refetch()>{common::t().retry}</button>
                }.into_any()),
                Some((_, Ok(list))) => Some(view! {
                    <ul class="acteurs">
                        {list.items.into_iter().map(|actor| view! { <ActorCard actor=actor/> }).collect_view()}
                    </ul>
                }.into_any()),
            }}
            <Pagination page=page pages=pages href=page_href/>
        </section>
    }
}

/// The directory's URL for page `n` of the current filters.
fn page_href(n: u64) -> String {
    widgets::page_href::<ActorFilter>("/acteurs", "/acteurs", n)
}

/// One actor of the directory.
#[component]
fn ActorCard(actor: ActorResponse) -> impl IntoView {
    let href = format!("/acteurs/{}", percent_encode(&actor.id));
    let meta = actor_meta(&actor);
    view! {
        <li class="acteur">
            <h3 class="acteur__nom"><a href=href>{actor.name.clone()}</a></h3>
            <p class="resultat__meta">{meta}</p>
            <CharterBadge signed_at=actor.charter_signed_at.clone()/>
            <LabelBadges labels=actor.labels.clone()/>
        </li>
    }
}

#[component]
pub fn ActorPage(id: String) -> impl IntoView {
    let t = i18n::t();
    set_page_title(t.actor_title);
    let loaded = {
        let id = id.clone();
        LocalResource::new(move || {
            let id = id.clone();
            async move {
                let actor: ActorDetailResponse =
                    api::get(&format!("/api/v1/actors/{}", percent_encode(&id))).await?;
                let config = data::config().await?;
                let themes = data::themes().await?;
                Ok::<_, ApiError>((actor, config, themes))
            }
        })
    };
    move || match loaded.get() {
        None => view! { <p class="statut statut--attente" role="status">{common::t().loading}</p> }
            .into_any(),
        Some(Err(error)) => view! {
            <h1>{t.actor_title}</h1>
            <p class="statut statut--erreur" role="alert">{error.message()}</p>
            <p><a href="/acteurs">{t.back_to_directory}</a></p>
        }
        .into_any(),
        Some(Ok((actor, config, themes))) => {
            set_page_title(&actor.actor.name);
            view! { <ActorDetail detail=actor config=config themes=themes/> }.into_any()
        }
    }
}

#[component]
fn ActorDetail(
    detail: ActorDetailResponse,
    config: solidarites_api_types::PublicConfigResponse,
    themes: Vec<ThemeResponse>,
) -> impl IntoView {
    let t = i18n::t();
    let ct = carte_i18n::t();
    let actor = detail.actor;
    let actor_id = actor.id.clone();
    let initiatives: Vec<InitiativeResponse> = detail.initiatives;
    let count = initiatives.len() as u64;
    let map = MapController::new();
    let actor_query = format!("actor={}", percent_encode(&actor.id));
    Effect::new(move |_| {
        if map.is_mounted() {
            map.show_initiatives(&actor_query, count, true, true);
        }
    });
    let selected: RwSignal<Option<String>> = RwSignal::new(None);
    let focus = FocusReturn::new();
    let by_id = StoredValue::new(initiatives.clone());
    let open = UnsyncCallback::new(move |id: String| {
        focus.remember();
        selected.set(Some(id));
        browser::after_render(|| browser::focus_id("detail-titre"));
    });
    let close = UnsyncCallback::new(move |()| {
        let fallback = selected
            .get_untracked()
            .map(|id| item_button_id(&id))
            .unwrap_or_default();
        selected.set(None);
        browser::after_render(move || focus.restore(&fallback));
    });
    Effect::new(move |_| {
        let id = selected.get();
        if map.is_mounted() {
            map.select(id.as_deref());
        }
    });
    let meta = actor_meta(&actor);
    let options = options_json(&config, &themes, false);
    let themes_for_detail = themes.clone();
    view! {
        <p class="fil"><a href="/acteurs">{t.back_to_directory}</a></p>
        <h1>{actor.name.clone()}</h1>
        <p class="resultat__meta">{meta}</p>
        <CharterBadge signed_at=actor.charter_signed_at.clone()/>
        <LabelBadges labels=actor.labels.clone()/>
        {(!actor.description.trim().is_empty()).then(|| view! { <p class="detail__description">{actor.description.clone()}</p> })}
        {(actor.website.is_some() || actor.contact_email.is_some() || actor.contact_phone.is_some()).then(|| view! {
            <h2>{t.contact_title}</h2>
            <ul class="detail__contact">
                {actor.website.clone().map(|u| view! { <li>{ct.contact_url_label}" : "<a href=u.clone() rel="noopener noreferrer">{u.clone()}</a></li> })}
                {actor.contact_email.clone().map(|e| view! { <li>{ct.contact_email_label}" : "<a href=format!("mailto:{e}")>{e.clone()}</a></li> })}
                {actor.contact_phone.clone().map(|p| view! { <li>{ct.contact_phone_label}" : "<a href=format!("tel:{}", p.replace(' ', ""))>{p.clone()}</a></li> })}
            </ul>
        })}
        <section aria-labelledby="acteur-initiatives" class="acteur-initiatives">
            <h2 id="acteur-initiatives">{(t.initiatives_title)(count)}</h2>
            {(count > 0).then(|| view! {
                <div class="carte-zone carte-zone--petite">
                    <MapView controller=map options=options label=t.map_label class="carte-leaflet--petite" on_select=open/>
                </div>
            })}
            {move || selected.get().and_then(|id| by_id.with_value(|list| list.iter().find(|i| i.id == id).cloned())).map(|initiative| view! {
                <InitiativeDetail initiative=initiative themes=themes_for_detail.clone() on_close=close/>
            })}
            {if count == 0 {
                view! { <p>{t.no_initiatives}</p> }.into_any()
            } else {
                view! {
                    <ol class="resultats__liste">
                        {initiatives.into_iter().map(|item| {
                            let id = item.id.clone();
                            let current = Signal::derive(move || selected.with(|s| s.as_deref() == Some(id.as_str())));
                            view! { <InitiativeItem item=item themes=themes.clone() on_open=open current=current/> }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        <crate::pages::agenda::ActorEvents actor_id=actor_id.clone()/>
        <crate::pages::labels::ActorLabelLinks actor_id=actor_id/>
    }
}
