//! The carte des solidarités: the map and the list of the same results, adding an
//! initiative, editing one through its private link.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    CommuneResponse, ConfirmListingResponse, CreateInitiativeRequest, CreateInitiativeResponse,
    InitiativeListResponse, InitiativeResponse, LabelResponse, NearResponse, PublicConfigResponse,
    SubmitterInitiativeResponse, ThemeResponse,
};

use crate::api::{self, ApiError};
use crate::app::set_page_title;
use crate::browser;
use crate::carte::data;
use crate::carte::detail::{item_button_id, FocusReturn, InitiativeDetail, InitiativeItem};
use crate::carte::filters::CarteFilter;
use crate::carte::form::{ContentInput, InitiativeForm, Submission, SUMMARY_ID};
use crate::carte::leaflet::{copy_text, options_json, MapController, MapView};
use crate::carte::widgets::{self, CommuneChoice, CommuneSearch, Pagination, ThemeIcon};
use crate::components::form::Sending;
use crate::components::freshness::ConfirmCurrent as ConfirmListing;
use crate::format;
use crate::i18n::{carte as i18n, common};
use crate::router::{self, percent_encode, use_location};

/// Id of the map of the carte page (focus target when a panel closes).
const MAP_ID: &str = "carte-initiatives";

/// The name of the commune `code`, for a filter restored from the URL.
async fn commune_choice(code: String) -> Option<CommuneChoice> {
    let found: CommuneResponse = api::get(&format!("/api/v1/communes/{}", percent_encode(&code)))
        .await
        .ok()?;
    Some(CommuneChoice {
        code: found.code,
        name: found.name,
    })
}

/// Shown while the page's data loads, or when it failed.
fn loading_or_error(error: Option<ApiError>) -> AnyView {
    let c = common::t();
    match error {
        None => {
            view! { <p class="statut statut--attente" role="status">{c.loading}</p> }.into_any()
        }
        Some(error) => {
            view! { <p class="statut statut--erreur" role="alert">{error.message()}</p> }.into_any()
        }
    }
}

/// What every map page needs before it can draw: settings and themes.
type MapBasics = (PublicConfigResponse, Vec<ThemeResponse>);

async fn map_basics() -> Result<MapBasics, ApiError> {
    Ok((data::config().await?, data::themes().await?))
}

#[component]
pub fn CartePage() -> impl IntoView {
    let t = i18n::t();
    set_page_title(t.title);
    let offline = crate::offline::use_offline();
    // Loaded again when the connection returns.
    let basics = LocalResource::new(move || {
        offline.online.track();
        crate::first_screen::holding(map_basics())
    });
    view! {
        <div class="carte-page">
            <div class="carte-page__entete">
                <h1>{t.title}</h1>
                <p class="intro">{t.intro}</p>
                <p><a class="bouton bouton--plein" href="/carte/ajouter">{t.add_link}</a></p>
                // Offline the map's data cannot come: said here rather than an empty map.
                <div role="status">
                    <Show when=move || !offline.online.get()>
                        <p class="statut statut--erreur">
                            {crate::i18n::offline::t().map_offline}
                        </p>
                    </Show>
                </div>
            </div>
            {move || match basics.get() {
                None => loading_or_error(None),
                Some(Err(error)) => loading_or_error(Some(error)),
                Some(Ok((config, themes))) => view! { <CarteExplorer config=config themes=themes/> }.into_any(),
            }}
        </div>
    }
}

/// The list of the filters, tagged with the filters it answers.
type Results = LocalResource<(CarteFilter, Result<InitiativeListResponse, ApiError>)>;
/// The initiative opened in the panel, if any.
type Detail = LocalResource<Option<Result<InitiativeResponse, ApiError>>>;

/// The map shows what the list counts, with the same query (the page aside); returns the
/// search around a commune (`pres`): the commune, its point and the radius, drawn too.
fn follow_results(map: MapController, results: Results) -> Memo<Option<NearResponse>> {
    let shown = Memo::new(move |_| {
        results.get().and_then(|(f, answer)| {
            answer
                .ok()
                .map(|list| (f.api_query(), list.total, f.is_filtered(), f.near.is_some()))
        })
    });
    Effect::new(move |_| {
        if !map.is_mounted() {
            return;
        }
        if let Some((query, total, filtered, near)) = shown.get() {
            // Around a commune the map is fitted to the circle, not to the results.
            map.show_initiatives(&query, total, filtered, filtered && !near);
        }
    });
    let near = Memo::new(move |_| {
        results
            .get()
            .and_then(|(_, answer)| answer.ok())
            .and_then(|list| list.near)
    });
    Effect::new(move |previous: Option<bool>| {
        let mounted = map.is_mounted();
        let current = near.get();
        if mounted {
            match &current {
                Some(n) => map.show_near(n.lon, n.lat, n.radius_km),
                None if previous == Some(true) => map.show_near(0.0, 0.0, 0.0),
                None => {}
            }
        }
        mounted && current.is_some()
    });
    near
}

/// The commune filter: the map zooms to it, and the search box shows its name.
fn follow_commune(
    map: MapController,
    filter: Memo<CarteFilter>,
) -> RwSignal<Option<CommuneChoice>> {
    let commune = RwSignal::new(None::<CommuneChoice>);
    Effect::new(move |previous: Option<Option<String>>| {
        let code = filter.with(|f| f.commune.clone());
        let mounted = map.is_mounted();
        if mounted {
            match &code {
                Some(code) => map.show_commune(code),
                None if previous.flatten().is_some() => map.show_territory(),
                None => {}
            }
        }
        match &code {
            Some(code) if commune.with_untracked(|c| c.as_ref().map(|c| &c.code) != Some(code)) => {
                let code = code.clone();
                leptos::task::spawn_local(async move {
                    if let Some(choice) = commune_choice(code).await {
                        commune.set(Some(choice));
                    }
                });
            }
            None => commune.set(None),
            _ => {}
        }
        if mounted {
            code
        } else {
            None
        }
    });
    commune
}

/// The initiative of the panel, loaded when one is selected.
fn load_detail(selected: RwSignal<Option<String>>) -> Detail {
    LocalResource::new(move || {
        let id = selected.get();
        async move {
            match id {
                Some(id) => Some(
                    api::get::<InitiativeResponse>(&format!(
                        "/api/v1/initiatives/{}",
                        percent_encode(&id)
                    ))
                    .await,
                ),
                None => None,
            }
        }
    })
}

/// `true` once `tasks` more tasks of the event loop have run, the first screen held until
/// then: a part of the explorer drawn after the rest, so that none of its tasks is long
/// on a slow phone (all of it at once was one task of 50–80 ms on this machine, ×4 on a
/// phone). The first screen stays until the last part is there, so nothing moves.
fn after_tasks(tasks: u8) -> ReadSignal<bool> {
    let (ready, set_ready) = signal(false);
    let hold = crate::first_screen::hold();
    leptos::task::spawn_local(async move {
        for _ in 0..tasks {
            browser::next_task().await;
        }
        set_ready.set(true);
        drop(hold);
    });
    ready
}

/// The filters, the map, the detail panel and the list, all following the URL's query:
/// the explorer's state and frame first, then in a task each the map, the themes, the
/// other filters and the list.
#[component]
fn CarteExplorer(config: PublicConfigResponse, themes: Vec<ThemeResponse>) -> impl IntoView {
    let location = use_location();
    let filter = Memo::new(move |_| location.with(|l| CarteFilter::from_query(&l.query)));
    // The list, tagged with the question it answers.
    let results: Results = LocalResource::new(move || {
        let filter = filter.get();
        crate::first_screen::holding(async move {
            let answer: Result<InitiativeListResponse, ApiError> =
                api::get(&filter.list_url()).await;
            (filter, answer)
        })
    });
    let map = MapController::new();
    let selected: RwSignal<Option<String>> = RwSignal::new(None);
    let focus = FocusReturn::new();
    let detail = load_detail(selected);
    let near = follow_results(map, results);
    let commune = follow_commune(map, filter);
    Effect::new(move |_| {
        let id = selected.get();
        if map.is_mounted() {
            map.select(id.as_deref());
        }
    });
    let open = UnsyncCallback::new(move |id: String| {
        focus.remember();
        selected.set(Some(id));
    });
    let close = UnsyncCallback::new(move |()| {
        let fallback = selected
            .get_untracked()
            .map(|id| item_button_id(&id))
            .unwrap_or_else(|| MAP_ID.to_owned());
        selected.set(None);
        browser::after_render(move || focus.restore(&fallback));
    });
    // The panel's title gets the focus once the initiative is there.
    Effect::new(move |_| {
        if let Some(Some(Ok(_))) = detail.get() {
            browser::after_render(|| browser::focus_id("detail-titre"));
        }
    });
    let options = options_json(&config, &themes, false);
    let (panel, list) = (after_tasks(1), after_tasks(4));
    let panel_themes = themes.clone();
    view! {
        <div class="carte-page__grille">
            <CarteFilters themes=themes.clone() filter=filter commune=commune/>
            <div class="carte-page__carte">
                <NearNotice near=near filter=filter/>
                {move || panel.get().then(|| view! {
                    <MapPanel map=map options=options.clone() results=results detail=detail themes=panel_themes.clone() open=open close=close/>
                })}
            </div>
        </div>
        {move || list.get().then(|| view! {
            <ResultList results=results filter=filter selected=selected themes=themes.clone() open=open/>
        })}
    }
}

/// The filters' form: themes, commune, label, words.
#[component]
fn CarteFilters(
    themes: Vec<ThemeResponse>,
    filter: Memo<CarteFilter>,
    commune: RwSignal<Option<CommuneChoice>>,
) -> impl IntoView {
    let t = i18n::t();
    let apply = apply_filter;
    let labels = LocalResource::new(data::labels);
    let q_text = RwSignal::new(filter.get_untracked().q.unwrap_or_default());
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = q_text.get_untracked();
        let q = q.trim();
        apply(CarteFilter {
            q: (!q.is_empty()).then(|| q.to_owned()),
            ..filter.get_untracked()
        });
    };
    let on_commune = move |choice: Option<CommuneChoice>| {
        apply(CarteFilter {
            commune: choice.map(|c| c.code),
            ..filter.get_untracked()
        });
    };
    let clear = move |_| {
        q_text.set(String::new());
        commune.set(None);
        router::replace_query("");
    };
    let (theme_boxes, rest) = (after_tasks(2), after_tasks(3));
    view! {
        <form class="filtres" role="search" aria-labelledby="filtres-titre" on:submit=on_search>
            <h2 id="filtres-titre">{t.filters_title}</h2>
            <details class="filtres__repli" open=wide_screen()>
                <summary>{move || (t.filters_summary)(filter.with(active_filters))}</summary>
                {move || theme_boxes.get().then(|| view! { <ThemeFilter themes=themes.clone() filter=filter/> })}
                {move || rest.get().then(|| view! {
                    <CommuneSearch id="filtre-commune" label=t.filter_commune selected=commune on_change=on_commune/>
                    <LabelFilter labels=labels filter=filter/>
                    <div class="champ">
                        <label for="filtre-texte">{t.filter_text}</label>
                        <p class="champ__aide" id="filtre-texte-aide">{t.filter_text_hint}</p>
                        <div class="recherche-texte">
                            <input
                                id="filtre-texte" class="saisie"
                                type="search"
                                aria-describedby="filtre-texte-aide"
                                prop:value=move || q_text.get()
                                on:input=move |ev| q_text.set(event_target_value(&ev))
                            />
                            <button type="submit" class="bouton">{t.filter_search}</button>
                        </div>
                    </div>
                    <Show when=move || filter.with(CarteFilter::is_filtered)>
                        <button type="button" class="bouton bouton--discret" on:click=clear>{t.filters_clear}</button>
                    </Show>
                })}
            </details>
        </form>
    }
}

/// A checkbox per current theme.
#[component]
fn ThemeFilter(themes: Vec<ThemeResponse>, filter: Memo<CarteFilter>) -> impl IntoView {
    let t = i18n::t();
    let boxes = themes
        .into_iter()
        .filter(|th| !th.retired)
        .map(|theme| {
            let slug = theme.slug.clone();
            let id = format!("filtre-theme-{slug}");
            let for_id = id.clone();
            let checked = {
                let slug = slug.clone();
                move || filter.with(|f| f.themes.contains(&slug))
            };
            let label = theme.label.clone();
            let value = theme.slug.clone();
            let toggle = move |ev| {
                let on = event_target_checked(&ev);
                let mut next = filter.get_untracked();
                next.themes.retain(|s| *s != slug);
                if on {
                    next.themes.push(slug.clone());
                }
                apply_filter(next);
            };
            view! {
                <li>
                    <label for=for_id class="choix__theme">
                        <input type="checkbox" id=id name="theme" value=value
                            prop:checked=checked on:change=toggle/>
                        <ThemeIcon theme=theme/>
                        <span>{label}</span>
                    </label>
                </li>
            }
        })
        .collect_view();
    view! {
        <fieldset class="groupe">
            <legend>{t.filter_themes}</legend>
            <p class="champ__aide">{t.filter_themes_hint}</p>
            <ul class="choix choix--themes">{boxes}</ul>
        </fieldset>
    }
}

/// « Autour de … » with the button to leave the search around a commune.
#[component]
fn NearNotice(near: Memo<Option<NearResponse>>, filter: Memo<CarteFilter>) -> impl IntoView {
    let t = i18n::t();
    move || {
        near.get().map(|n| {
            let radius = format::decimal(n.radius_km, 1);
            let leave = move |_| {
                apply_filter(CarteFilter {
                    near: None,
                    radius_km: None,
                    ..filter.get_untracked()
                });
            };
            view! {
                <div class="carte-page__pres" data-pres=n.commune.code.clone()>
                    <p>{(t.near_intro)(&n.commune.name, &radius)}</p>
                    <button type="button" class="bouton bouton--discret" on:click=leave>{t.near_leave}</button>
                </div>
            }
        })
    }
}

/// The count, the map and the detail panel of the initiative selected.
#[component]
fn MapPanel(
    map: MapController,
    options: String,
    results: Results,
    detail: Detail,
    themes: Vec<ThemeResponse>,
    open: UnsyncCallback<String>,
    close: UnsyncCallback<()>,
) -> impl IntoView {
    let t = i18n::t();
    let count_text = move || match results.get() {
        None => common::t().loading.to_owned(),
        Some((_, Err(error))) => error.message(),
        Some((f, Ok(list))) => (t.results_count)(list.total, f.is_filtered()),
    };
    let panel = move || {
        detail.get().flatten().map(|answer| match answer {
            Ok(initiative) => view! {
                <InitiativeDetail initiative=initiative themes=themes.clone() on_close=close/>
            }
            .into_any(),
            Err(error) => view! {
                <section class="detail" id="detail-initiative" aria-labelledby="detail-titre">
                    <h2 id="detail-titre" tabindex="-1">{t.detail_unavailable}</h2>
                    <p>{error.message()}</p>
                    <button type="button" class="bouton bouton--discret" on:click=move |_| close.run(())>{t.detail_close}</button>
                </section>
            }
            .into_any(),
        })
    };
    view! {
        <p class="carte-page__compte" role="status">{count_text}</p>
        <a class="lien-discret" href="#resultats">{t.skip_to_list}</a>
        <div class="carte-zone">
            <MapView controller=map options=options label=t.map_label id=MAP_ID on_select=open/>
            <p class="carte-zone__legende">{t.map_legend}</p>
            {panel}
        </div>
    }
}

/// The list of the same results, one page, with the pagination.
#[component]
fn ResultList(
    results: Results,
    filter: Memo<CarteFilter>,
    selected: RwSignal<Option<String>>,
    themes: Vec<ThemeResponse>,
    open: UnsyncCallback<String>,
) -> impl IntoView {
    let t = i18n::t();
    let page = Signal::derive(move || filter.with(|f| f.page));
    let pages = widgets::pages_of(results, |l| l.total);
    let items = move || {
        match results.get() {
        None => view! { <p class="statut statut--attente">{common::t().loading}</p> }.into_any(),
        Some((_, Err(error))) => view! {
            <p class="statut statut--erreur">{error.message()}</p>
            <button type="button" class="bouton" on:click=move |_| results.refetch()>{common::t().retry}</button>
        }
        .into_any(),
        Some((_, Ok(list))) if list.items.is_empty() => view! { <p>{t.list_empty}</p> }.into_any(),
        Some((_, Ok(list))) => {
            let items = list
                .items
                .into_iter()
                .map(|item| {
                    let id = item.id.clone();
                    let current = Signal::derive(move || selected.with(|s| s.as_deref() == Some(id.as_str())));
                    view! { <InitiativeItem item=item themes=themes.clone() on_open=open current=current/> }
                })
                .collect_view();
            view! { <ol class="resultats__liste">{items}</ol> }.into_any()
        }
    }
    };
    view! {
        <section class="resultats" id="resultats" aria-labelledby="resultats-titre" tabindex="-1">
            <h2 id="resultats-titre">{t.list_title}</h2>
            <p class="champ__aide">{move || if filter.with(|f| f.near.is_some()) { t.list_hint_near } else { t.list_hint }}</p>
            {items}
            <Pagination page=page pages=pages href=page_href/>
        </section>
    }
}

/// Whether the window is wide enough to show the filters beside the map (they start
/// folded on phones, so that the map comes first).
fn wide_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w >= 1024.0)
}

/// How many filters are set (each theme counts).
fn active_filters(f: &CarteFilter) -> usize {
    f.themes.len()
        + usize::from(f.commune.is_some())
        + usize::from(f.label.is_some())
        + usize::from(f.q.is_some())
        + usize::from(f.near.is_some())
}

/// Shows the carte with `next` filters, from the first page of the list.
fn apply_filter(next: CarteFilter) {
    router::replace_query(&next.first_page().to_query());
}

/// The carte's URL for page `n` of the current filters.
fn page_href(n: u64) -> String {
    widgets::page_href::<CarteFilter>("/carte", "/carte#resultats", n)
}

/// The label filter, when the instance has labels (or the URL names one).
#[component]
fn LabelFilter(
    labels: LocalResource<Result<Vec<LabelResponse>, ApiError>>,
    filter: Memo<CarteFilter>,
) -> impl IntoView {
    let apply = apply_filter;
    let t = i18n::t();
    move || {
        let list = labels.get().and_then(Result::ok).unwrap_or_default();
        let current = filter.with(|f| f.label.clone());
        if list.is_empty() && current.is_none() {
            return None;
        }
        Some(view! {
            <div class="champ">
                <label for="filtre-label">{t.filter_label}</label>
                <select class="saisie" id="filtre-label"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        apply(CarteFilter {
                            label: (!value.is_empty()).then_some(value),
                            ..filter.get_untracked()
                        });
                    }
                >
                    <option value="" selected=current.is_none()>{t.filter_label_any}</option>
                    {list.into_iter().map(|l| {
                        let selected = current.as_deref() == Some(l.slug.as_str());
                        view! { <option value=l.slug.clone() selected=selected>{l.name.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
        })
    }
}

#[component]
pub fn AddInitiativePage() -> impl IntoView {
    let t = i18n::t();
    set_page_title(t.add_title);
    let basics = LocalResource::new(map_basics);
    let created: RwSignal<Option<CreateInitiativeResponse>> = RwSignal::new(None);
    view! {
        <h1>{t.add_title}</h1>
        {move || match created.get() {
            Some(done) => view! { <Submitted created=done/> }.into_any(),
            None => view! {
                <p class="intro">{t.add_intro}</p>
                {move || match basics.get() {
                    None => loading_or_error(None),
                    Some(Err(error)) => loading_or_error(Some(error)),
                    Some(Ok((config, themes))) => view! { <AddForm config=config themes=themes created=created/> }.into_any(),
                }}
            }.into_any(),
        }}
    }
}

/// A refused submission: its errors by field, or its message when it has none (the form
/// shows it in the summary); the summary takes the focus.
fn show_refusal(error: &ApiError, sending: Sending) {
    let fields = error.fields();
    sending
        .failure
        .set(fields.is_empty().then(|| error.message()));
    sending.errors.set(fields);
    browser::after_render(|| browser::focus_id(SUMMARY_ID));
}

#[component]
fn AddForm(
    config: PublicConfigResponse,
    themes: Vec<ThemeResponse>,
    created: RwSignal<Option<CreateInitiativeResponse>>,
) -> impl IntoView {
    let t = i18n::t();
    let sending = Sending::default();
    let (errors, pending) = (sending.errors, sending.pending);
    let on_submit = UnsyncCallback::new(move |submission: Submission| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            let request = CreateInitiativeRequest {
                content: submission.content,
                actor_id: submission.actor_id,
                new_actor: submission.new_actor,
                notify_email: submission.notify_email,
                notify_consent: submission.notify_consent,
            };
            let answer: Result<CreateInitiativeResponse, ApiError> =
                api::post("/api/v1/initiatives", &request, &[]).await;
            pending.set(false);
            match answer {
                Ok(done) => {
                    errors.set(BTreeMap::new());
                    created.set(Some(done));
                    if let Some(window) = web_sys::window() {
                        window.scroll_to_with_x_and_y(0.0, 0.0);
                    }
                    browser::after_render(|| browser::focus_id("envoi-titre"));
                }
                Err(error) => show_refusal(&error, sending),
            }
        });
    });
    view! {
        <InitiativeForm
            config=config
            themes=themes
            initial=ContentInput { point: true, ..ContentInput::default() }
            with_actor=true
            submit_label=t.submit_add
            on_submit=on_submit
            sending=sending
        />
    }
}

/// The full address of the private edit link.
fn absolute_url(path: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{path}")
}

/// After a submission: the pending-moderation notice and the private edit link.
#[component]
fn Submitted(created: CreateInitiativeResponse) -> impl IntoView {
    let t = i18n::t();
    let link = absolute_url(&created.edit_url);
    let copied = RwSignal::new(None::<bool>);
    let copy = {
        let link = link.clone();
        move |_| {
            let link = link.clone();
            leptos::task::spawn_local(async move {
                copied.set(Some(copy_text(&link).await));
            });
        }
    };
    view! {
        <section class="envoi" aria-labelledby="envoi-titre">
            <h2 id="envoi-titre" tabindex="-1">{t.sent_title}</h2>
            <p class="statut statut--ok">{t.sent_pending}</p>
            <h3>{t.sent_link_title}</h3>
            <p>{t.sent_link_explain}</p>
            <p class="statut statut--alerte">{t.sent_link_warning}</p>
            <div class="champ">
                <label for="lien-modification">{t.sent_link_label}</label>
                <div class="recherche-texte">
                    <input
                        id="lien-modification" class="saisie"
                        type="text"
                        readonly
                        value=link.clone()
                        on:focus=move |ev| {
                            use wasm_bindgen::JsCast;
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                input.select();
                            }
                        }
                    />
                    <button type="button" class="bouton" on:click=copy>{t.sent_copy}</button>
                </div>
                <p role="status" class="champ__aide">
                    {move || copied.get().map(|ok| if ok { t.sent_copied } else { t.sent_copy_failed })}
                </p>
            </div>
            <p>
                <a class="bouton bouton--plein" href=created.edit_url.clone()>{t.sent_open_link}</a>
                " "
                <a class="bouton bouton--discret" href="/carte">{t.back_to_map}</a>
            </p>
        </section>
    }
}

/// `GET /api/v1/initiatives/edit/{token}`.
async fn load_by_token(token: String) -> Result<SubmitterInitiativeResponse, ApiError> {
    api::get(&format!(
        "/api/v1/initiatives/edit/{}",
        percent_encode(&token)
    ))
    .await
}

#[component]
pub fn EditInitiativePage(token: String) -> impl IntoView {
    let t = i18n::t();
    set_page_title(t.edit_title);
    let basics = LocalResource::new(map_basics);
    let loaded = {
        let token = token.clone();
        LocalResource::new(move || load_by_token(token.clone()))
    };
    let withdrawn = RwSignal::new(false);
    let token = StoredValue::new(token);
    view! {
        <h1>{t.edit_title}</h1>
        <p class="intro">{t.edit_intro}</p>
        {move || {
            if withdrawn.get() {
                return view! {
                    <p class="statut statut--ok" role="status">{t.withdrawn_done}</p>
                    <p><a href="/carte">{t.back_to_map}</a></p>
                }
                .into_any();
            }
            match (basics.get(), loaded.get()) {
                (_, Some(Err(error))) | (Some(Err(error)), _) => loading_or_error(Some(error)),
                (Some(Ok((config, themes))), Some(Ok(view))) => {
                    view! {
                        <EditView
                            token=token.get_value()
                            config=config
                            themes=themes
                            initial=view
                            withdrawn=withdrawn
                        />
                    }
                    .into_any()
                }
                _ => loading_or_error(None),
            }
        }}
    }
}

/// The status of a submission, explained.
fn status_text(view: &SubmitterInitiativeResponse) -> (&'static str, &'static str) {
    let t = i18n::t();
    match (view.status.as_str(), view.pending_revision.is_some()) {
        ("published", true) => (t.status_published_revision, "statut statut--alerte"),
        ("published", false) => (t.status_published, "statut statut--ok"),
        ("pending", _) => (t.status_pending, "statut statut--alerte"),
        ("rejected", _) => (t.status_rejected, "statut statut--erreur"),
        ("changes_requested", _) => (t.status_changes_requested, "statut statut--alerte"),
        ("archived", _) => (t.status_archived, "statut statut--attente"),
        ("withdrawn", _) => (t.status_withdrawn, "statut statut--attente"),
        _ => (t.status_unknown, "statut statut--attente"),
    }
}

#[component]
fn EditView(
    token: String,
    config: PublicConfigResponse,
    themes: Vec<ThemeResponse>,
    /// As loaded; a save updates the status shown, not the form.
    initial: SubmitterInitiativeResponse,
    withdrawn: RwSignal<bool>,
) -> impl IntoView {
    let t = i18n::t();
    let closed = matches!(initial.status.as_str(), "archived" | "withdrawn");
    let shown = initial
        .pending_revision
        .clone()
        .unwrap_or_else(|| initial.content.clone());
    let view = RwSignal::new(initial);
    let initial = ContentInput::from_content(&shown);
    let initial_commune = (!shown.has_point).then(|| CommuneChoice {
        code: shown.commune.code.clone(),
        name: shown.commune.name.clone(),
    });
    let sending = Sending::default();
    let (errors, pending) = (sending.errors, sending.pending);
    let saved = RwSignal::new(None::<&'static str>);
    let token = StoredValue::new(token);
    let on_submit = UnsyncCallback::new(move |submission: Submission| {
        pending.set(true);
        saved.set(None);
        leptos::task::spawn_local(async move {
            let url = format!(
                "/api/v1/initiatives/edit/{}",
                percent_encode(&token.get_value())
            );
            let answer: Result<SubmitterInitiativeResponse, ApiError> =
                api::put(&url, &submission.content, &[]).await;
            pending.set(false);
            match answer {
                Ok(updated) => {
                    errors.set(BTreeMap::new());
                    sending.failure.set(None);
                    saved.set(Some(if updated.status == "published" {
                        t.saved_revision
                    } else {
                        t.saved
                    }));
                    view.set(updated);
                    browser::after_render(|| browser::focus_id("modification-etat"));
                }
                Err(error) => show_refusal(&error, sending),
            }
        });
    });
    let status = move || view.with(status_text);
    let published = Memo::new(move |_| view.with(|v| v.status == "published"));
    view! {
        <section class="etat-initiative" aria-labelledby="modification-etat">
            <h2 id="modification-etat" tabindex="-1">{move || view.with(|v| v.content.title.clone())}</h2>
            <p class=move || status().1>{move || status().0}</p>
            {move || saved.get().map(|m| view! { <p class="statut statut--ok" role="status">{m}</p> })}
            {move || view.with(|v| v.moderation_message.clone()).map(|m| view! {
                <div class="message-moderation">
                    <h3>{t.moderation_message_title}</h3>
                    <p>{m}</p>
                </div>
            })}
            <p>{move || view.with(|v| (t.edit_actor)(&v.actor.name))}</p>
        </section>
        // A memo, so that the confirmation (which updates `view`) does not rebuild the
        // section and lose its « merci » message.
        {move || published.get().then(|| view! {
            <ConfirmCurrent token=token view=view/>
        })}
        {(!closed).then(|| view! {
            <h2>{t.edit_form_title}</h2>
            <InitiativeForm
                config=config
                themes=themes
                initial=initial
                initial_commune=initial_commune
                submit_label=t.submit_edit
                on_submit=on_submit
                sending=sending
            />
            <Withdraw token=token withdrawn=withdrawn/>
        })}
    }
}

/// The confirmation that the initiative is current, which updates `view`.
#[component]
fn ConfirmCurrent(
    token: StoredValue<String>,
    view: RwSignal<SubmitterInitiativeResponse>,
) -> impl IntoView {
    let url = format!(
        "/api/v1/initiatives/edit/{}/confirm",
        percent_encode(&token.get_value())
    );
    let state = Signal::derive(move || view.with(|v| (v.freshness.clone(), v.hidden_from.clone())));
    let on_confirmed = Callback::new(move |confirmed: ConfirmListingResponse| {
        view.update(|v| {
            v.freshness = "fresh".to_owned();
            v.last_confirmed_at = Some(confirmed.last_confirmed_at);
            v.hidden_from = Some(confirmed.hidden_from);
        });
    });
    view! { <ConfirmListing url=url state=state on_confirmed=on_confirmed/> }
}

/// « Retirer l’initiative », with a confirmation step.
#[component]
fn Withdraw(token: StoredValue<String>, withdrawn: RwSignal<bool>) -> impl IntoView {
    let t = i18n::t();
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let confirm = move |_| {
        pending.set(true);
        leptos::task::spawn_local(async move {
            let url = format!(
                "/api/v1/initiatives/edit/{}",
                percent_encode(&token.get_value())
            );
            let answer = api::delete_no_content(&url, &[]).await;
            pending.set(false);
            match answer {
                Ok(()) => {
                    withdrawn.set(true);
                    browser::after_render(|| browser::focus_id(crate::app::MAIN_ID));
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    view! {
        <section class="retrait" aria-labelledby="retrait-titre">
            <h2 id="retrait-titre">{t.withdraw_title}</h2>
            <p>{t.withdraw_explain}</p>
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class="bouton bouton--danger" on:click=move |_| {
                        confirming.set(true);
                        browser::after_render(|| browser::focus_id("retrait-confirmation"));
                    }>
                        {t.withdraw_button}
                    </button>
                }
            >
                <div class="confirmation" id="retrait-confirmation" tabindex="-1" role="group" aria-labelledby="retrait-question">
                    <p id="retrait-question"><strong>{t.withdraw_confirm_question}</strong></p>
                    <button type="button" class="bouton bouton--danger" on:click=confirm aria-disabled=move || pending.get().then_some("true")>
                        {t.withdraw_confirm}
                    </button>
                    " "
                    <button type="button" class="bouton bouton--discret" on:click=move |_| confirming.set(false)>
                        {t.withdraw_cancel}
                    </button>
                </div>
            </Show>
            {move || error.get().map(|m| view! { <p class="statut statut--erreur" role="alert">{m}</p> })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_explained() {
        for status in [
            "pending",
            "published",
            "rejected",
            "changes_requested",
            "archived",
            "withdrawn",
        ] {
            let view = SubmitterInitiativeResponse {
                id: "x".into(),
                status: status.into(),
                content: serde_json::from_value(serde_json::json!({
                    "title": "t", "description": "d", "themes": [], "lon": 0.0, "lat": 0.0,
                    "has_point": true, "commune": {"code": "40192", "name": "M"}, "address": null,
                    "start_date": null, "end_date": null, "ongoing": true, "schedule": null,
                    "audience": null, "contact": {"email": null, "phone": null, "url": null}
                }))
                .unwrap(),
                actor: solidarites_api_types::ActorSummary {
                    id: "a".into(),
                    name: "A".into(),
                    kind: "autre".into(),
                },
                pending_revision: None,
                moderation_message: None,
                last_confirmed_at: None,
                freshness: "fresh".into(),
                hidden_from: None,
            };
            assert_ne!(status_text(&view).0, i18n::FR.status_unknown, "{status}");
        }
    }
}
