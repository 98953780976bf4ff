//! Choosing a commune of the territory: the one commune combobox of the app.
//!
//! [`CommuneCombobox`] is a text field and the listbox of the suggestions of
//! `GET /api/v1/communes` (the WAI-ARIA 1.2 combobox pattern, list autocomplete with
//! manual selection): arrows move in the suggestions, Home and End go to the first and
//! the last once one is highlighted, Enter chooses, Escape closes. Two wrappers give it
//! its place in a page:
//! - [`CommunePicker`] (questionnaire, proposals, agenda): the parent renders the label;
//!   it says which commune is chosen, and offers the device's position and, optionally, a
//!   small map of the communes (both through `GET /api/v1/locate`);
//! - [`CommuneSearch`] (map and actors filters, initiative form): a whole form field
//!   (label, hint, error) holding a [`CommuneChoice`].

use leptos::prelude::*;
use solidarites_api_types::{CommuneListResponse, CommuneResponse, LocateResponse};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};

use crate::api;
use crate::carte::leaflet::{options_json, MapController, MapView};
use crate::components::form::{described_by, help_id, FieldError, RequiredMark};
use crate::i18n::{carte, common, questionnaire};
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

/// What a key pressed in the combobox's text field does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    /// Highlight this suggestion (and show the list).
    Highlight(usize),
    /// Choose this suggestion.
    Choose(usize),
    /// Close the list, keeping the text.
    Close,
    /// Nothing, but not the browser's action either (Enter never submits the form while
    /// the list is shown).
    Hold,
    /// The browser's own action (typing, moving the caret).
    Browser,
}

/// The combobox's keyboard, given whether the list is shown, the suggestion highlighted
/// and how many there are. Arrows wrap around; Home and End move in the list only once a
/// suggestion is highlighted (before that they move the caret); Enter chooses the
/// highlighted suggestion, or the only one.
pub fn key_action(key: &str, expanded: bool, active: Option<usize>, count: usize) -> KeyAction {
    match key {
        "ArrowDown" if count > 0 => KeyAction::Highlight(active.map_or(0, |i| (i + 1) % count)),
        "ArrowUp" if count > 0 => {
            KeyAction::Highlight(active.map_or(count - 1, |i| (i + count - 1) % count))
        }
        "Home" if expanded && count > 0 && active.is_some() => KeyAction::Highlight(0),
        "End" if expanded && count > 0 && active.is_some() => KeyAction::Highlight(count - 1),
        "Enter" if expanded => active
            .or((count == 1).then_some(0))
            .filter(|&i| i < count)
            .map_or(KeyAction::Hold, KeyAction::Choose),
        "Escape" if expanded => KeyAction::Close,
        _ => KeyAction::Browser,
    }
}

/// The state of one combobox: the text, the suggestions, whether they are shown, the one
/// highlighted, and the message read out by screen readers.
#[derive(Debug, Clone, Copy)]
pub struct ComboboxState {
    pub text: RwSignal<String>,
    pub status: RwSignal<String>,
    found: RwSignal<Vec<CommuneResponse>>,
    expanded: RwSignal<bool>,
    active: RwSignal<Option<usize>>,
    /// Bumped by each search and each close: an older answer is dropped.
    generation: StoredValue<u32>,
}

impl ComboboxState {
    pub fn new(text: String) -> Self {
        Self {
            text: RwSignal::new(text),
            status: RwSignal::new(String::new()),
            found: RwSignal::new(Vec::new()),
            expanded: RwSignal::new(false),
            active: RwSignal::new(None),
            generation: StoredValue::new(0),
        }
    }

    fn bump(self) -> u32 {
        self.generation.update_value(|g| *g = g.wrapping_add(1));
        self.generation.get_value()
    }

    /// Drops the suggestions (and any answer still to come) and closes the list.
    pub fn close(self) {
        self.bump();
        self.found.set(Vec::new());
        self.expanded.set(false);
        self.active.set(None);
    }

    /// Asks the server for the communes matching `value`, [`DEBOUNCE_MS`] after the last
    /// key.
    fn search(self, value: &str) {
        let Some(url) = search_url(value) else {
            self.close();
            self.status.set(String::new());
            return;
        };
        let current = self.bump();
        set_timeout(
            move || {
                if self.generation.get_value() != current {
                    return; // typed again since
                }
                leptos::task::spawn_local(async move {
                    let found = api::get::<CommuneListResponse>(&url).await;
                    if self.generation.get_value() == current {
                        self.show(found);
                    }
                });
            },
            std::time::Duration::from_millis(DEBOUNCE_MS),
        );
    }

    fn show(self, found: Result<CommuneListResponse, api::ApiError>) {
        let t = common::t();
        let mut communes = match found {
            Ok(list) => list.communes,
            Err(error) => {
                self.close();
                self.status.set(error.message());
                return;
            }
        };
        communes.truncate(MAX_SUGGESTIONS);
        self.status.set(if communes.is_empty() {
            t.commune_none.to_owned()
        } else {
            (t.commune_results)(communes.len())
        });
        self.expanded.set(!communes.is_empty());
        self.active.set(None);
        self.found.set(communes);
    }
}

/// Scrolls the list just enough to show the element `id` (`block: "nearest"`).
fn reveal(id: &str) {
    let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"block".into(), &"nearest".into());
    let scroll = js_sys::Reflect::get(&element, &"scrollIntoView".into()).ok();
    if let Some(scroll) = scroll
        .as_ref()
        .and_then(|f| f.dyn_ref::<js_sys::Function>())
    {
        let _ = scroll.call1(&element, &options);
    }
}

/// The text field and the listbox of the suggestions; the status line says how many
/// there are. The parent renders the `<label for=input_id>`; the list is `{input_id}-liste`
/// and its options `{input_id}-option-{i}`.
#[component]
pub fn CommuneCombobox(
    input_id: String,
    state: ComboboxState,
    #[prop(into)] described_by: Signal<Option<String>>,
    #[prop(into)] invalid: Signal<bool>,
    #[prop(optional)] required: bool,
    /// The listbox's accessible name, when the page has one to give.
    #[prop(optional)]
    list_label: Option<&'static str>,
    /// Every text typed.
    #[prop(into)]
    on_input: UnsyncCallback<String>,
    /// A suggestion chosen (the list is closed already).
    #[prop(into)]
    on_choose: UnsyncCallback<CommuneResponse>,
    /// The field left after a change (the `change` event).
    #[prop(optional, into)]
    on_change: Option<UnsyncCallback<()>>,
) -> impl IntoView {
    let ComboboxState {
        text,
        status,
        found,
        expanded,
        active,
        ..
    } = state;
    let listbox_id = format!("{input_id}-liste");
    let option_id = {
        let input_id = input_id.clone();
        move |i: usize| format!("{input_id}-option-{i}")
    };
    let choose = move |commune: CommuneResponse| {
        state.close();
        on_choose.run(commune);
    };
    let typed = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        text.set(value.clone());
        on_input.run(value.clone());
        state.search(&value);
    };
    let keydown = {
        let option_id = option_id.clone();
        move |event: leptos::ev::KeyboardEvent| {
            let count = found.with_untracked(Vec::len);
            let (shown, current) = (expanded.get_untracked(), active.get_untracked());
            let action = key_action(&event.key(), shown, current, count);
            if action != KeyAction::Browser {
                event.prevent_default();
            }
            match action {
                KeyAction::Highlight(i) => {
                    expanded.set(true);
                    active.set(Some(i));
                    reveal(&option_id(i));
                }
                KeyAction::Choose(i) => {
                    if let Some(commune) = found.with_untracked(|f| f.get(i).cloned()) {
                        choose(commune);
                    }
                }
                KeyAction::Close => {
                    expanded.set(false);
                    active.set(None);
                }
                KeyAction::Hold | KeyAction::Browser => {}
            }
        }
    };
    let active_descendant = {
        let option_id = option_id.clone();
        move || active.get().filter(|_| expanded.get()).map(&option_id)
    };
    let option = move |(i, commune): (usize, CommuneResponse)| {
        let postal = commune.postal_codes.join(", ");
        let name = commune.name.clone();
        view! {
            <li
                id=option_id(i)
                role="option"
                class="autocompletion__option"
                aria-selected=move || if active.get() == Some(i) { "true" } else { "false" }
                on:mousedown=|event| event.prevent_default()
                on:click=move |_| choose(commune.clone())
            >
                <span>{name}</span>
                <span class="autocompletion__detail">{postal}</span>
            </li>
        }
    };
    view! {
        <div class="autocompletion">
            <input
                id=input_id
                class="saisie"
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                aria-autocomplete="list"
                aria-controls=listbox_id.clone()
                aria-expanded=move || if expanded.get() { "true" } else { "false" }
                aria-activedescendant=active_descendant
                aria-describedby=move || described_by.get()
                aria-invalid=move || invalid.get().then_some("true")
                aria-required=required.then_some("true")
                prop:value=move || text.get()
                on:input=typed
                on:keydown=keydown
                on:change=move |_| {
                    if let Some(on_change) = on_change {
                        on_change.run(());
                    }
                }
                on:blur=move |_| {
                    set_timeout(move || expanded.set(false), std::time::Duration::from_millis(150))
                }
            />
            <ul
                id=listbox_id
                role="listbox"
                class="autocompletion__liste"
                aria-label=list_label
                hidden=move || !expanded.get()
            >
                {move || found.get().into_iter().enumerate().map(option.clone()).collect_view()}
            </ul>
            <p class="visuellement-cache" role="status">{move || status.get()}</p>
        </div>
    }
}

/// A commune picker for a question or a form's field whose label the parent renders
/// (`<label for=input_id>`): `on_text` gets every text typed (to keep it across reloads),
/// `on_choose` the INSEE code and display name of the commune chosen, or `None` when the
/// text changes after a choice.
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
    let state = ComboboxState::new(initial_text.clone());
    let chosen = RwSignal::new(initially_chosen.then_some(initial_text));
    let choose = move |commune: CommuneResponse| {
        let name = display_name(&commune);
        state.close();
        state.text.set(name.clone());
        chosen.set(Some(name.clone()));
        state.status.set((t.commune_chosen)(&name));
        on_text.run(name.clone());
        on_choose.run(Some((commune.code, name)));
    };
    let typed = move |value: String| {
        on_text.run(value);
        if chosen.get_untracked().is_some() {
            chosen.set(None);
            on_choose.run(None);
        }
    };
    let chosen_line = move || {
        chosen.get().map(|name| {
            view! { <p class="autocompletion__choisie">{(t.commune_chosen)(&name)}</p> }
        })
    };
    view! {
        <CommuneCombobox
            input_id=input_id.clone()
            state=state
            described_by=described_by
            invalid=invalid
            required=required
            on_input=typed
            on_choose=choose
        />
        {chosen_line}
        <LocateButton status=state.status on_found=choose/>
        {with_map.then(|| view! { <CommuneMap input_id=input_id on_found=choose/> })}
    }
}

/// « Utiliser ma position », when the browser can tell it: the commune at the device's
/// position is chosen.
#[component]
fn LocateButton(
    /// The picker's live message, which says what happens.
    status: RwSignal<String>,
    #[prop(into)] on_found: UnsyncCallback<CommuneResponse>,
) -> impl IntoView {
    let t = questionnaire::t();
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
                let found = locate_point(lon, lat).await;
                locating.set(false);
                match found {
                    Ok(commune) => on_found.run(commune),
                    Err(error) => status.set(error.message()),
                }
            });
        });
    };
    let has_geolocation = web_sys::window()
        .and_then(|w| js_sys::Reflect::has(&w.navigator(), &JsValue::from_str("geolocation")).ok())
        .unwrap_or(false);
    has_geolocation.then(|| {
        view! {
            <button
                type="button"
                class="bouton bouton--discret"
                on:click=locate
                aria-disabled=move || locating.get().then_some("true")
            >
                {move || if locating.get() { t.commune_locating } else { t.commune_locate }}
            </button>
        }
    })
}

/// The commune containing the point (WGS 84 lon/lat), from `GET /api/v1/locate`.
async fn locate_point(lon: f64, lat: f64) -> Result<CommuneResponse, api::ApiError> {
    let url = with_query(
        "/api/v1/locate",
        &[("lon", &lon.to_string()), ("lat", &lat.to_string())],
    );
    api::get::<LocateResponse>(&url)
        .await
        .map(|found| found.commune)
}

/// A form's commune field around a [`CommunePicker`]: label (with its mark when `mark`
/// says whether it is required), hint, error; the code chosen goes to `code`, the text
/// typed to `text`.
#[component]
pub fn CommuneField(
    id: String,
    label: &'static str,
    #[prop(optional)] mark: Option<bool>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
    code: RwSignal<Option<String>>,
    #[prop(optional)] text: Option<RwSignal<String>>,
) -> impl IntoView {
    let has_help = hint.is_some();
    let described = {
        let id = id.clone();
        Signal::derive(move || described_by(&id, has_help, error.with(Option::is_some)))
    };
    let help = help_id(&id);
    view! {
        <div class="champ">
            <label for=id.clone()>
                {label}
                {mark.map(|required| view! { <RequiredMark required=required/> })}
            </label>
            {hint.map(|hint| view! { <p id=help class="champ__aide">{hint}</p> })}
            <FieldError field_id=id.clone() message=error/>
            <CommunePicker
                input_id=id
                initial_text=text.map(|text| text.get_untracked()).unwrap_or_default()
                initially_chosen=code.with_untracked(Option::is_some)
                described_by=described
                invalid=Signal::derive(move || error.with(Option::is_some))
                on_text=Callback::new(move |typed| {
                    if let Some(text) = text {
                        text.set(typed);
                    }
                })
                on_choose=Callback::new(move |choice: Option<(String, String)>| {
                    code.set(choice.map(|(code, _)| code));
                })
            />
        </div>
    }
}

/// A commune chosen in a [`CommuneSearch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneChoice {
    pub code: String,
    pub name: String,
}

impl CommuneChoice {
    /// What the search box shows once a commune is chosen.
    pub fn display(&self) -> String {
        format!("{} ({})", self.name, self.code)
    }
}

/// A form field (label, hint, error) choosing a commune into `selected`: the filters of
/// the map and actors pages, the initiative form.
#[component]
pub fn CommuneSearch(
    id: &'static str,
    label: &'static str,
    selected: RwSignal<Option<CommuneChoice>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
    #[prop(optional)] required: bool,
    /// Say « (obligatoire) » or « (facultatif) » after the label (forms, not filters).
    #[prop(optional)]
    show_mark: bool,
    /// Called when a commune is chosen or the box emptied.
    #[prop(optional, into)]
    on_change: Option<UnsyncCallback<Option<CommuneChoice>>>,
) -> impl IntoView {
    let t = carte::t();
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let shown = selected.get_untracked().map(|c| c.display());
    let state = ComboboxState::new(shown.unwrap_or_default());
    // A choice made elsewhere (the URL, the map) shows in the box.
    Effect::new(move |_| {
        if let Some(shown) = selected.get().map(|c| c.display()) {
            if state.text.get_untracked() != shown {
                state.text.set(shown);
            }
        }
    });
    let set = move |choice: Option<CommuneChoice>| {
        state.close();
        state.text.set(
            choice
                .as_ref()
                .map(CommuneChoice::display)
                .unwrap_or_default(),
        );
        selected.set(choice.clone());
        if let Some(on_change) = on_change {
            on_change.run(choice);
        }
    };
    let choose = move |c: CommuneResponse| {
        set(Some(CommuneChoice {
            code: c.code,
            name: c.name,
        }))
    };
    let typed = move |value: String| {
        if selected.with_untracked(Option::is_some) {
            selected.set(None);
            if value.trim().is_empty() {
                if let Some(on_change) = on_change {
                    on_change.run(None);
                }
            }
        }
    };
    // Leaving an emptied box clears the choice.
    let left = move |()| {
        if state.text.with_untracked(|t| t.trim().is_empty())
            && selected.with_untracked(Option::is_some)
        {
            set(None);
        }
    };
    let has_error = move || error.with(Option::is_some);
    view! {
        <div class="champ champ--commune" class:champ--erreur=has_error>
            <label for=id>
                {label}
                {show_mark.then(|| view! { <RequiredMark required=required/> })}
            </label>
            <p class="champ__aide" id=help_id(id)>{hint.unwrap_or(t.commune_hint)}</p>
            <FieldError field_id=id.to_owned() message=error/>
            <CommuneCombobox
                input_id=id.to_owned()
                state=state
                described_by=Signal::derive(move || described_by(id, true, has_error()))
                invalid=Signal::derive(has_error)
                required=required
                list_label=label
                on_input=typed
                on_choose=choose
                on_change=left
            />
        </div>
    }
}

/// A small map of the communes behind a disclosure button: a click in a commune chooses
/// it. An addition for those who know the place better than its name; the text field
/// stays the way that works with a keyboard and a screen reader. The map (and Leaflet)
/// is only loaded when opened.
#[component]
fn CommuneMap(
    input_id: String,
    #[prop(into)] on_found: UnsyncCallback<CommuneResponse>,
) -> impl IntoView {
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
            match locate_point(lon, lat).await {
                Ok(commune) => {
                    // The picker's own line says which commune is chosen.
                    message.set(String::new());
                    on_found.run(commune);
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
    fn arrows_wrap_around_and_home_end_move_once_in_the_list() {
        use KeyAction::{Browser, Close, Highlight};
        assert_eq!(key_action("ArrowDown", false, None, 3), Highlight(0));
        assert_eq!(key_action("ArrowDown", true, Some(2), 3), Highlight(0));
        assert_eq!(key_action("ArrowUp", true, None, 3), Highlight(2));
        assert_eq!(key_action("ArrowUp", true, Some(0), 3), Highlight(2));
        assert_eq!(key_action("ArrowDown", false, None, 0), Browser);
        // Home and End move the caret until a suggestion is highlighted.
        assert_eq!(key_action("Home", true, None, 3), Browser);
        assert_eq!(key_action("Home", true, Some(2), 3), Highlight(0));
        assert_eq!(key_action("End", true, Some(0), 3), Highlight(2));
        assert_eq!(key_action("End", false, Some(0), 3), Browser);
        assert_eq!(key_action("Escape", true, Some(1), 3), Close);
        assert_eq!(key_action("Escape", false, None, 3), Browser);
        assert_eq!(key_action("a", true, Some(1), 3), Browser);
    }

    #[test]
    fn enter_chooses_the_highlighted_or_only_suggestion_and_never_submits_an_open_list() {
        use KeyAction::{Browser, Choose, Hold};
        assert_eq!(key_action("Enter", true, Some(1), 3), Choose(1));
        assert_eq!(key_action("Enter", true, None, 1), Choose(0));
        assert_eq!(key_action("Enter", true, None, 3), Hold);
        assert_eq!(key_action("Enter", true, Some(5), 3), Hold);
        assert_eq!(key_action("Enter", false, None, 3), Browser);
    }

    #[test]
    fn a_chosen_commune_shows_its_insee_code() {
        let choice = CommuneChoice {
            code: "40192".into(),
            name: "Mont-de-Marsan".into(),
        };
        assert_eq!(choice.display(), "Mont-de-Marsan (40192)");
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
