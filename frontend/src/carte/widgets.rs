//! Pieces shared by the map and actor pages: theme and label badges, form fields with
//! their errors tied to the input (`aria-describedby`, `aria-invalid`; the error summary is
//! the shared one of `components::form`), the commune search box and the pagination.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    CommuneListResponse, CommuneResponse, CurrentLabelResponse, ThemeResponse,
};

use crate::api;
use crate::carte::icons;
use crate::components::commune::{search_url, MAX_SUGGESTIONS};
pub use crate::components::form::FieldError;
use crate::components::form::{described_by, help_id};
use crate::format;
use crate::i18n::{carte as i18n, common};

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

/// The error of the API field `key`, if any.
pub fn field_error(
    errors: RwSignal<BTreeMap<String, String>>,
    key: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || errors.with(|e| e.get(key).cloned()))
}

/// The label's mark: « (obligatoire) » or « (facultatif) ».
#[component]
pub fn RequiredMark(required: bool) -> impl IntoView {
    let c = common::t();
    view! {
        <span class="champ__mention">
            {format!(" ({})", if required { c.required_mark } else { c.optional_mark })}
        </span>
    }
}

/// A labelled text input (or `<textarea>` when `multiline`), its hint and its error.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    /// `text` (default), `email`, `tel`, `url`, `date`, `search`, `number`.
    #[prop(optional)]
    kind: Option<&'static str>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let hint_id = help_id(id);
    let describedby = move || described_by(id, hint.is_some(), error.with(Option::is_some));
    let invalid = move || error.with(Option::is_some).then_some("true");
    let on_input = move |ev| value.set(event_target_value(&ev));
    let input = if multiline {
        view! {
            <textarea
                id=id
                name=id
                class="saisie"
                rows="5"
                maxlength=maxlength
                aria-describedby=describedby
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=on_input
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id
                name=id
                class="saisie"
                type=kind.unwrap_or("text")
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                aria-describedby=describedby
                aria-invalid=invalid
                prop:value=move || value.get()
                on:input=on_input
            />
        }
        .into_any()
    };
    view! {
        <div class="champ" class:champ--erreur=move || error.with(Option::is_some)>
            <label for=id>{label}<RequiredMark required=required/></label>
            {hint.map(|h| view! { <p class="champ__aide" id=hint_id>{h}</p> })}
            <FieldError field_id=id.to_owned() message=error/>
            {input}
        </div>
    }
}

/// A labelled `<select>`; the first option (`""`) is `placeholder`.
#[component]
pub fn SelectField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    options: Signal<Vec<(String, String)>>,
    placeholder: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let hint_id = help_id(id);
    let describedby = move || described_by(id, hint.is_some(), error.with(Option::is_some));
    view! {
        <div class="champ" class:champ--erreur=move || error.with(Option::is_some)>
            <label for=id>{label}<RequiredMark required=required/></label>
            {hint.map(|h| view! { <p class="champ__aide" id=hint_id>{h}</p> })}
            <FieldError field_id=id.to_owned() message=error/>
            <select
                id=id
                name=id
                class="saisie"
                aria-describedby=describedby
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="" selected=move || value.with(String::is_empty)>{placeholder}</option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = {
                                let v = v.clone();
                                move || value.with(|x| *x == v)
                            };
                            view! { <option value=v selected=selected>{l}</option> }
                        })
                        .collect_view()
                }}
            </select>
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

/// A search box for a commune, by name or postal code (the ARIA 1.2 combobox pattern:
/// arrows move in the suggestions, Enter chooses, Escape closes).
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
    let t = i18n::t();
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let text = RwSignal::new(
        selected
            .get_untracked()
            .map(|c| c.display())
            .unwrap_or_default(),
    );
    let suggestions: RwSignal<Vec<CommuneResponse>> = RwSignal::new(Vec::new());
    let open = RwSignal::new(false);
    let active: RwSignal<Option<usize>> = RwSignal::new(None);
    let status = RwSignal::new(String::new());
    let generation = StoredValue::new(0_u64);

    // A choice made elsewhere (the URL, the map) shows in the box.
    Effect::new(move |_| {
        let shown = selected.get().map(|c| c.display());
        if let Some(shown) = shown {
            if text.get_untracked() != shown {
                text.set(shown);
            }
        }
    });

    let choose = move |choice: Option<CommuneChoice>| {
        text.set(
            choice
                .as_ref()
                .map(CommuneChoice::display)
                .unwrap_or_default(),
        );
        selected.set(choice.clone());
        open.set(false);
        active.set(None);
        if let Some(cb) = on_change {
            cb.run(choice);
        }
    };

    let search = move |value: String| {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let Some(url) = search_url(&value) else {
            suggestions.set(Vec::new());
            open.set(false);
            status.set(String::new());
            return;
        };
        leptos::task::spawn_local(async move {
            let result: Result<CommuneListResponse, _> = api::get(&url).await;
            if generation.get_value() != mine {
                return; // a newer search is under way
            }
            let mut communes = result.map(|r| r.communes).unwrap_or_default();
            communes.truncate(MAX_SUGGESTIONS);
            status.set((t.commune_suggestions)(communes.len()));
            open.set(!communes.is_empty());
            active.set(None);
            suggestions.set(communes);
        });
    };

    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        if selected.with_untracked(Option::is_some) {
            selected.set(None);
            if value.trim().is_empty() {
                if let Some(cb) = on_change {
                    cb.run(None);
                }
            }
        }
        search(value);
    };

    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = suggestions.with(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
            }
            "Enter" if open.get_untracked() => {
                ev.prevent_default();
                let pick = active.get_untracked().unwrap_or(0);
                if let Some(c) = suggestions.with_untracked(|s| s.get(pick).cloned()) {
                    choose(Some(CommuneChoice {
                        code: c.code,
                        name: c.name,
                    }));
                }
            }
            "Escape" if open.get_untracked() => {
                ev.prevent_default();
                open.set(false);
                active.set(None);
            }
            _ => {}
        }
    };

    // Leaving an emptied box clears the choice.
    let on_change_event = move |_| {
        if text.with_untracked(|t| t.trim().is_empty()) && selected.with_untracked(Option::is_some)
        {
            choose(None);
        }
    };

    let listbox_id = format!("{id}-propositions");
    let option_id = move |i: usize| format!("{id}-proposition-{i}");
    let hint_id = help_id(id);
    let describedby = move || described_by(id, true, error.with(Option::is_some));

    view! {
        <div class="champ champ--commune" class:champ--erreur=move || error.with(Option::is_some)>
            <label for=id>
                {label}
                {show_mark.then(|| view! { <RequiredMark required=required/> })}
            </label>
            <p class="champ__aide" id=hint_id>{hint.unwrap_or(t.commune_hint)}</p>
            <FieldError field_id=id.to_owned() message=error/>
            <div class="autocompletion">
                <input
                    id=id
                    type="text"
                    class="saisie"
                    role="combobox"
                    autocomplete="off"
                    aria-autocomplete="list"
                    aria-controls=listbox_id.clone()
                    aria-expanded=move || if open.get() { "true" } else { "false" }
                    aria-activedescendant=move || active.get().map(option_id)
                    aria-describedby=describedby
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    prop:value=move || text.get()
                    on:input=on_input
                    on:keydown=on_keydown
                    on:change=on_change_event
                    on:blur=move |_| {
                        // Let a click on a suggestion land first.
                        set_timeout(move || open.set(false), std::time::Duration::from_millis(200));
                    }
                />
                <ul
                    class="autocompletion__liste"
                    id=listbox_id
                    role="listbox"
                    aria-label=label
                    hidden=move || !open.get()
                >
                    {move || {
                        suggestions
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, c)| {
                                let postal = c.postal_codes.join(", ");
                                let choice = CommuneChoice { code: c.code.clone(), name: c.name.clone() };
                                view! {
                                    <li
                                        id=option_id(i)
                                        role="option"
                                        class="autocompletion__option"
                                        aria-selected=move || if active.get() == Some(i) { "true" } else { "false" }
                                        on:mousedown=move |ev| ev.prevent_default()
                                        on:click=move |_| choose(Some(choice.clone()))
                                    >
                                        <span>{c.name.clone()}</span>
                                        <span class="autocompletion__detail">{postal}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
            <p class="visuellement-cache" role="status">{move || status.get()}</p>
        </div>
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_commune_shows_its_insee_code() {
        assert_eq!(
            CommuneChoice {
                code: "40192".into(),
                name: "Mont-de-Marsan".into()
            }
            .display(),
            "Mont-de-Marsan (40192)"
        );
    }
}
