//! Pieces shared by the console's operations pages: a table, a pager that pages through
//! the server, the feedback line of an action, and dates typed in `datetime-local` fields.

use std::collections::BTreeMap;
use std::future::Future;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use solidarites_api_types::{AdminCampaignListResponse, ThemeResponse};

use super::session;
use crate::api::{ApiError, Loaded};
use crate::components::form::AppForm;
use crate::i18n::console as i18n;
use crate::router;

/// The outcome of the last action of a page: a success or a failure, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feedback {
    Done(String),
    Failed(String),
}

impl Feedback {
    /// A failure with the API's own message.
    pub fn failed(error: &ApiError) -> Feedback {
        Feedback::Failed((i18n::t().failed)(&error.message()))
    }
}

/// The feedback line: a status for a success, an alert for a failure. The region is
/// always in the page, so that screen readers announce what is put in it.
#[component]
pub fn FeedbackLine(feedback: RwSignal<Option<Feedback>>) -> impl IntoView {
    view! {
        <div class="retour-action" role="status">
            {move || match feedback.get() {
                Some(Feedback::Done(message)) => {
                    view! { <p class="statut statut--ok">{message}</p> }.into_any()
                }
                Some(Feedback::Failed(message)) => {
                    view! { <p class="statut statut--erreur">{message}</p> }.into_any()
                }
                None => ().into_any(),
            }}
        </div>
    }
}

/// Loads `url()` with the session, again whenever it or `version` changes.
pub fn reload<T: DeserializeOwned + Send + Sync + 'static>(
    version: RwSignal<u32>,
    url: impl Fn() -> String + 'static,
) -> Loaded<T> {
    let loaded = RwSignal::new(None);
    Effect::new(move |_| {
        version.track();
        let url = url();
        leptos::task::spawn_local(async move {
            let result = session::get::<T>(&url).await;
            let _ = loaded.try_set(Some(result));
        });
    });
    loaded
}

/// A filter of a console list: a labelled `<select>` of `choices` (value, label) after
/// `any_label` (no filter), the choice kept in `value`.
#[component]
pub fn FilterSelect(
    id: &'static str,
    label: &'static str,
    any_label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] choices: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let options = move || {
        choices
            .get()
            .into_iter()
            .map(|(choice, text)| {
                let selected = value.get_untracked() == choice;
                view! { <option value=choice selected=selected>{text}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="champ">
            <label for=id>{label}</label>
            <select class="saisie" id=id on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="" selected=value.get_untracked().is_empty()>{any_label}</option>
                {options}
            </select>
        </div>
    }
}

/// The themes of `list` (retired ones included) as filter choices: slug and label.
pub fn theme_choices(list: Loaded<Vec<ThemeResponse>>) -> Signal<Vec<(String, String)>> {
    Signal::derive(move || {
        list.get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|theme| (theme.slug, theme.label))
            .collect()
    })
}

/// The line shown while a page's data loads.
pub fn loading() -> AnyView {
    view! { <p class="statut statut--attente">{crate::i18n::common::t().loading}</p> }.into_any()
}

/// The API's refusal of a page's data, as an alert.
pub fn alert(error: &ApiError) -> AnyView {
    view! { <p class="statut statut--erreur" role="alert">{error.message()}</p> }.into_any()
}

/// A list's table: scrolls sideways on narrow screens, with its caption, one header row
/// (`columns`) and `children` as its rows.
#[component]
pub fn Table(
    #[prop(into)] caption: String,
    columns: Vec<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="tableau-defilant">
            <table class="tableau">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        {columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A form's request refused: the API's message in the feedback line, its errors by field
/// next to the fields.
pub fn refused(
    errors: RwSignal<BTreeMap<String, String>>,
    feedback: RwSignal<Option<Feedback>>,
    error: &ApiError,
) {
    errors.set(error.fields());
    feedback.set(Some(Feedback::failed(error)));
}

/// Sends a console form's request. Done: the form's `errors` cleared, `done(answer)` in
/// the feedback line and the page's data loaded again (`version`); refused: the errors by
/// the fields and in the feedback line.
pub fn send_form<T: 'static>(
    request: impl Future<Output = Result<T, ApiError>> + 'static,
    errors: RwSignal<BTreeMap<String, String>>,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
    done: impl FnOnce(T) -> String + 'static,
) {
    leptos::task::spawn_local(async move {
        match request.await {
            Ok(answer) => {
                errors.set(BTreeMap::new());
                feedback.set(Some(Feedback::Done(done(answer))));
                version.update(|v| *v += 1);
            }
            Err(error) => refused(errors, feedback, &error),
        }
    });
}

/// A console form in its own section: its heading (`heading_id`, `title`), its fields
/// (`children`, on one line when `inline`) and its submit button (`button`, the page's
/// main action when `primary`); submitting it calls `on_submit`.
#[component]
pub fn FormSection(
    heading_id: &'static str,
    title: &'static str,
    #[prop(optional)] inline: bool,
    button: &'static str,
    #[prop(optional)] primary: bool,
    on_submit: impl Fn() + 'static,
    children: Children,
) -> impl IntoView {
    let form_class = if inline {
        "formulaire-console formulaire-console--ligne"
    } else {
        "formulaire-console"
    };
    let button_class = if primary {
        "bouton bouton--plein"
    } else {
        "bouton"
    };
    view! {
        <section aria-labelledby=heading_id>
            <h2 id=heading_id>{title}</h2>
            <AppForm class=form_class on_submit=on_submit>
                {children()}
                <div class="boutons">
                    <button type="submit" class=button_class>{button}</button>
                </div>
            </AppForm>
        </section>
    }
}

/// The page number asked for in the URL (`?page=`), from 1.
pub fn page_param() -> Memo<u64> {
    let location = router::use_location();
    Memo::new(move |_| {
        location
            .with(|l| l.param("page"))
            .and_then(|p| p.parse::<u64>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    })
}

/// Links to the previous and next pages of a list paged by the server: `path` with the
/// query `pairs` and `page`.
#[component]
pub fn Pager(
    path: &'static str,
    pairs: Vec<(&'static str, String)>,
    page: u64,
    per_page: u64,
    total: u64,
) -> impl IntoView {
    let t = i18n::t();
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let page = page.min(pages);
    let link = move |p: u64| {
        let p = p.to_string();
        let mut query: Vec<(&str, &str)> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        query.push(("page", &p));
        router::with_query(path, &query)
    };
    view! {
        <nav class="pagination" aria-label=t.pages_label>
            {(page > 1)
                .then(|| {
                    view! {
                        <a class="bouton bouton--discret" href=link(page - 1)>{t.previous_page}</a>
                    }
                })}
            <span>{(t.page_of)(page, pages, total)}</span>
            {(page < pages)
                .then(|| {
                    view! {
                        <a class="bouton bouton--discret" href=link(page + 1)>{t.next_page}</a>
                    }
                })}
        </nav>
    }
}

/// A field to pick one of `list`'s campaigns (`current` selected), the choice written to
/// `chosen`.
pub fn campaign_select(
    id: &'static str,
    label: &'static str,
    list: &AdminCampaignListResponse,
    current: &str,
    chosen: RwSignal<String>,
) -> impl IntoView {
    let options = list
        .campaigns
        .iter()
        .map(|c| {
            let selected = c.campaign.id == current;
            view! { <option value=c.campaign.id.clone() selected=selected>{c.campaign.title.clone()}</option> }
        })
        .collect_view();
    view! {
        <div class="champ">
            <label for=id>{label}</label>
            <select class="saisie" id=id on:change=move |ev| chosen.set(event_target_value(&ev))>
                {options}
            </select>
        </div>
    }
}

/// The RFC 3339 instant (UTC) of a `datetime-local` value, read in the browser's time
/// zone; `None` when empty or invalid.
pub fn instant_of_local(value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return None;
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
    if date.get_time().is_nan() {
        return None;
    }
    date.to_iso_string().as_string()
}

/// The `datetime-local` value (browser time zone) of an RFC 3339 instant.
pub fn local_of_instant(instant: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(instant));
    if date.get_time().is_nan() {
        return String::new();
    }
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// The RFC 3339 instant `days` days from now (UTC).
pub fn instant_in_days(days: f64) -> String {
    let now = js_sys::Date::now();
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(now + days * 86_400_000.0));
    date.to_iso_string().as_string().unwrap_or_default()
}

/// A date and time in French, as « 6 décembre 2026 à 08:15 » (browser time zone).
pub fn date_time(instant: &str) -> String {
    let local = local_of_instant(instant);
    match local.split_once('T') {
        Some((day, time)) => format!("{} à {time}", crate::format::date_text(day)),
        None => instant.to_owned(),
    }
}
