//! Choosing a commune of the territory: by name or postal code, with the suggestions of
//! `GET /api/v1/communes` in an ARIA 1.2 combobox (a text field and a listbox, arrow keys
//! to move, Enter to choose, Escape to close), by the device's position, or by a point
//! on a small map of the communes (both through `GET /api/v1/locate`).

use leptos::prelude::*;
use solidarites_api_types::{CommuneListResponse, CommuneResponse, LocateResponse};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

use crate::api;
use crate::carte::leaflet::{options_json, MapController, MapView};
use crate::i18n::questionnaire;
use crate::router::with_query;

/// At most this many suggestions are shown.
pub const MAX_SUGGESTIONS: usize = 8;
/// Wait this long after the last key before asking the server.
const DEBOUNCE_MS: u64 = 200;

/// What the server is asked for the text typed: `None` while the text is too short, or a
/// postal code still being typed.
pub fn search_url(text: &str) -> Option<String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return (text.len() == 5).then(|| with_query("/api/v1/communes", &[("postal_code", text)]));
    }
    (text.chars().count() >= 2).then(|| with_query("/api/v1/communes", &[("q", text)]))
}

/// How a commune is shown once chosen: « Mont-de-Marsan (40000) ».
pub fn display_name(commune: &CommuneResponse) -> String {
    match commune.postal_codes.first() {
        Some(code) => format!("{} ({code})", commune.name),
        None => commune.name.clone(),
    }
}

/// A commune picker. The parent renders the `<label for=input_id>`; `on_text` gets every
/// text typed (to keep it across reloads), `on_choose` the INSEE code and display name of
/// the commune chosen, or `None` when the text changes after a choice.
#[component]
pub fn CommunePicker(
    input_id: String,
    /// The text shown at first (a previous choice, or text typed before a reload).
    #[prop(optional)]
    initial_text: String,
    /// Whether a commune is chosen at first.
    #[prop(optional)]
    initially_chosen: bool,
    #[prop(into)] described_by: Signal<Option<String>>,
    #[prop(into)] invalid: Signal<bool>,
    #[prop(optional)] required: bool,
    /// Offers a small map of the communes, to choose by clicking in one (questionnaire).
    #[prop(optional)]
    with_map: bool,
    on_text: Callback<String>,
    on_choose: Callback<Option<(String, String)>>,
) -> impl IntoView {
    let t = questionnaire::t();
    let text = RwSignal::new(initial_text.clone());
    let chosen = RwSignal::new(initially_chosen.then_some(initial_text));
    let results: RwSignal<Vec<CommuneResponse>> = RwSignal::new(Vec::new());
    let expanded = RwSignal::new(false);
    let active: RwSignal<Option<usize>> = RwSignal::new(None);
    let status = RwSignal::new(String::new());
    let generation = StoredValue::new(0u32);
    let listbox_id = format!("{input_id}-liste");
    let option_id = {
        let input_id = input_id.clone();
        move |i: usize| format!("{input_id}-option-{i}")
    };

    let search = move |value: String| {
        let current = generation.get_value().wrapping_add(1);
        generation.set_value(current);
        let Some(url) = search_url(&value) else {
            results.set(Vec::new());
            expanded.set(false);
            active.set(None);
            return;
        };
        set_timeout(
            move || {
                if generation.get_value() != current {
                    return; // typed again since
                }
                leptos::task::spawn_local(async move {
                    let found = api::get::<CommuneListResponse>(&url).await;
                    if generation.get_value() != current {
                        return;
                    }
                    match found {
                        Ok(list) => {
                            let mut communes = list.communes;
                            communes.truncate(MAX_SUGGESTIONS);
                            status.set(if communes.is_empty() {
                                t.commune_none.to_owned()
                            } else {
                                (t.commune_results)(communes.len())
                            });
                            expanded.set(!communes.is_empty());
                            results.set(communes);
                            active.set(None);
                        }
                        Err(error) => {
                            status.set(error.message());
                            expanded.set(false);
                            results.set(Vec::new());
                        }
                    }
                });
            },
            std::time::Duration::from_millis(DEBOUNCE_MS),
        );
    };

    let choose = move |commune: CommuneResponse| {
        let name = display_name(&commune);
        generation.set_value(generation.get_value().wrapping_add(1));
        text.set(name.clone());
        chosen.set(Some(name.clone()));
        expanded.set(false);
        results.set(Vec::new());
        active.set(None);
        status.set((t.commune_chosen)(&name));
        on_text.run(name.clone());
        on_choose.run(Some((commune.code, name)));
    };

    let on_input = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        text.set(value.clone());
        on_text.run(value.clone());
        if chosen.get_untracked().is_some() {
            chosen.set(None);
            on_choose.run(None);
        }
        search(value);
    };

    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let count = results.with_untracked(Vec::len);
        match event.key().as_str() {
            "ArrowDown" if count > 0 => {
                event.prevent_default();
                expanded.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                event.prevent_default();
                expanded.set(true);
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" if expanded.get_untracked() => {
                // Enter chooses the highlighted commune, and never submits the form.
                event.prevent_default();
                let index = active.get_untracked().or((count == 1).then_some(0));
                if let Some(commune) =
                    index.and_then(|i| results.with_untracked(|r| r.get(i).cloned()))
                {
                    choose(commune);
                }
            }
            "Escape" if expanded.get_untracked() => {
                event.prevent_default();
                expanded.set(false);
                active.set(None);
            }
            _ => {}
        }
    };

    let locating = RwSignal::new(false);
    let locate = move |_| {
        locating.set(true);
        status.set(t.commune_locating.to_owned());
        current_position(move |position| {
            let Some((lon, lat)) = position else {
                locating.set(false);
                status.set(t.commune_locate_failed.to_owned());
                return;
            };
            leptos::task::spawn_local(async move {
                let url = with_query(
                    "/api/v1/locate",
                    &[("lon", &lon.to_string()), ("lat", &lat.to_string())],
                );
                locating.set(false);
                match api::get::<LocateResponse>(&url).await {
                    Ok(found) => choose(found.commune),
                    Err(error) => status.set(error.message()),
                }
            });
        });
    };
    let has_geolocation = web_sys::window()
        .and_then(|w| js_sys::Reflect::has(&w.navigator(), &JsValue::from_str("geolocation")).ok())
        .unwrap_or(false);

    let active_descendant = {
        let option_id = option_id.clone();
        move || active.get().filter(|_| expanded.get()).map(&option_id)
    };
    let listbox_id_attr = listbox_id.clone();
    view! {
        <div class="autocompletion">
            <input
                id=input_id.clone()
                class="saisie"
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                aria-autocomplete="list"
                aria-controls=listbox_id_attr
                aria-expanded=move || if expanded.get() { "true" } else { "false" }
                aria-activedescendant=active_descendant
                aria-describedby=move || described_by.get()
                aria-invalid=move || invalid.get().then_some("true")
                aria-required=required.then_some("true")
                prop:value=move || text.get()
                on:input=on_input
                on:keydown=on_keydown
                on:blur=move |_| {
                    set_timeout(move || expanded.set(false), std::time::Duration::from_millis(150))
                }
            />
            <ul
                id=listbox_id
                role="listbox"
                class="autocompletion__liste"
                hidden=move || !expanded.get()
            >
                {move || {
                    results
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, commune)| {
                            let name = display_name(&commune);
                            let selected = move || {
                                if active.get() == Some(i) { "true" } else { "false" }
                            };
                            view! {
                                <li
                                    id=option_id(i)
                                    role="option"
                                    class="autocompletion__option"
                                    aria-selected=selected
                                    on:mousedown=move |event| {
                                        event.prevent_default();
                                        choose(commune.clone());
                                    }
                                >
                                    {name}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="visuellement-cache" aria-live="polite">{move || status.get()}</p>
            {move || {
                chosen
                    .get()
                    .map(|name| {
                        view! {
                            <p class="autocompletion__choisie">{(t.commune_chosen)(&name)}</p>
                        }
                    })
            }}
            {has_geolocation
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="bouton bouton--discret"
                            on:click=locate
                            aria-disabled=move || locating.get().then_some("true")
                        >
                            {move || {
                                if locating.get() { t.commune_locating } else { t.commune_locate }
                            }}
                        </button>
                    }
                })}
            {with_map.then(|| view! { <CommuneMap input_id=input_id.clone() on_found=Callback::new(choose)/> })}
        </div>
    }
}

/// A small map of the communes behind a disclosure button: a click in a commune chooses
/// it. An addition for those who know the place better than its name; the text field
/// stays the way that works with a keyboard and a screen reader. The map (and Leaflet)
/// is only loaded when opened.
#[component]
fn CommuneMap(input_id: String, on_found: Callback<CommuneResponse>) -> impl IntoView {
    let t = questionnaire::t();
    let open = RwSignal::new(false);
    let options: RwSignal<Option<String>> = RwSignal::new(None);
    let message = RwSignal::new(String::new());
    let map = MapController::new();
    let region_id = format!("{input_id}-carte");

    let toggle = move |_| {
        let now = !open.get_untracked();
        open.set(now);
        if !now {
            return;
        }
        if options.get_untracked().is_some() {
            map.resize(); // it was hidden: let Leaflet measure it again
            return;
        }
        leptos::task::spawn_local(async move {
            match crate::carte::data::config().await {
                Ok(config) => options.set(Some(options_json(&config, &[], true))),
                Err(error) => message.set(error.message()),
            }
        });
    };
    let on_pick = move |(lon, lat): (f64, f64)| {
        map.set_picked(lon, lat, false);
        message.set(t.commune_map_searching.to_owned());
        leptos::task::spawn_local(async move {
            let url = with_query(
                "/api/v1/locate",
                &[("lon", &lon.to_string()), ("lat", &lat.to_string())],
            );
            match api::get::<LocateResponse>(&url).await {
                Ok(found) => {
                    // The picker's own line says which commune is chosen.
                    message.set(String::new());
                    on_found.run(found.commune);
                }
                Err(error) => message.set(error.message()),
            }
        });
    };

    view! {
        <div class="commune-carte">
            <button
                type="button"
                class="bouton bouton--discret"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls=region_id.clone()
                on:click=toggle
            >
                {move || if open.get() { t.commune_map_hide } else { t.commune_map_show }}
            </button>
            <div id=region_id class="commune-carte__zone" hidden=move || !open.get()>
                <p class="champ__aide">{t.commune_map_hint}</p>
                {move || {
                    options
                        .get()
                        .map(|options| {
                            view! {
                                <MapView
                                    controller=map
                                    options=options
                                    label=t.commune_map_label
                                    class="carte-leaflet--commune"
                                    on_pick=on_pick
                                />
                            }
                        })
                }}
                <p class="statut" role="status">{move || message.get()}</p>
            </div>
        </div>
    }
}

/// Asks the browser for the device's position once; `f` gets `(lon, lat)` in WGS 84, or
/// `None` when it is refused or unavailable.
fn current_position(f: impl FnOnce(Option<(f64, f64)>) + 'static) {
    let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        f(None);
        return;
    };
    let callback = std::rc::Rc::new(std::cell::RefCell::new(Some(f)));
    let on_error = {
        let callback = callback.clone();
        Closure::once_into_js(move |_: JsValue| {
            if let Some(f) = callback.borrow_mut().take() {
                f(None);
            }
        })
    };
    let on_success = Closure::once_into_js(move |position: JsValue| {
        let number = |object: &JsValue, key: &str| {
            js_sys::Reflect::get(object, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_f64())
        };
        let coords = js_sys::Reflect::get(&position, &JsValue::from_str("coords")).ok();
        let point = coords.and_then(|c| Some((number(&c, "longitude")?, number(&c, "latitude")?)));
        if let Some(f) = callback.borrow_mut().take() {
            f(point);
        }
    });
    let (Some(on_success), Some(on_error)) = (
        on_success.dyn_ref::<js_sys::Function>(),
        on_error.dyn_ref::<js_sys::Function>(),
    ) else {
        return;
    };
    let _ = geolocation.get_current_position_with_error_callback(on_success, Some(on_error));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_is_asked_by_name_or_full_postal_code() {
        assert_eq!(search_url("m"), None);
        assert_eq!(search_url(" "), None);
        assert_eq!(search_url("400"), None);
        assert_eq!(
            search_url("40000").as_deref(),
            Some("/api/v1/communes?postal_code=40000")
        );
        assert_eq!(
            search_url("mont de").as_deref(),
            Some("/api/v1/communes?q=mont%20de")
        );
        assert_eq!(
            search_url("Aé").as_deref(),
            Some("/api/v1/communes?q=A%C3%A9")
        );
        assert_eq!(
            search_url(" 40100 ").as_deref(),
            Some("/api/v1/communes?postal_code=40100")
        );
    }

    #[test]
    fn chosen_communes_show_their_postal_code() {
        let mut commune = CommuneResponse {
            code: "40192".into(),
            name: "Mont-de-Marsan".into(),
            population: None,
            postal_codes: vec!["40000".into()],
        };
        assert_eq!(display_name(&commune), "Mont-de-Marsan (40000)");
        commune.postal_codes.clear();
        assert_eq!(display_name(&commune), "Mont-de-Marsan");
    }
}
