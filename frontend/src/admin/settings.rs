//! `/admin/administration/parametres`: the settings in force on every instance, each with
//! its default; stored with `PUT /api/v1/admin/settings` (an empty field goes back to the
//! default), the API's errors next to the fields. Administrators only.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{AdminSettingsResponse, UpdateSettingsRequest};

use super::campaigns::TextField;
use super::session;
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine};
use crate::api::ApiError;
use crate::i18n::administration as i18n;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.settings_title);
    let loaded: RwSignal<Option<Result<AdminSettingsResponse, ApiError>>> = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        let result = session::get::<AdminSettingsResponse>("/api/v1/admin/settings").await;
        let _ = loaded.try_set(Some(result));
    });
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    view! {
        <p><a href="/admin/administration">{t.title}</a></p>
        <h1>{t.settings_title}</h1>
        <p class="intro">{t.settings_intro}</p>
        <FeedbackLine feedback=feedback/>
        {move || match loaded.get() {
            None => ui::loading(),
            Some(Err(error)) => ui::alert(&error),
            Some(Ok(settings)) => view! { <SettingsForm settings=settings loaded=loaded feedback=feedback/> }.into_any(),
        }}
    }
}

fn shown_default(text: &str) -> String {
    if text.is_empty() {
        i18n::t().none.to_owned()
    } else {
        text.to_owned()
    }
}

#[component]
fn SettingsForm(
    settings: AdminSettingsResponse,
    loaded: RwSignal<Option<Result<AdminSettingsResponse, ApiError>>>,
    feedback: RwSignal<Option<Feedback>>,
) -> impl IntoView {
    let t = i18n::t();
    let public_results = RwSignal::new(settings.public_results.value);
    let secrecy = RwSignal::new(settings.secrecy_k.value.to_string());
    let gap = RwSignal::new(settings.gap_distance_km.value.to_string());
    let tile_url = RwSignal::new(settings.tile_url.value.clone());
    let tile_attribution = RwSignal::new(settings.tile_attribution.value.clone());
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut local = BTreeMap::new();
        let secrecy_text = secrecy.get_untracked();
        let secrecy_k = match secrecy_text.trim() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    local.insert("secrecy_k".to_owned(), "Nombre entier attendu.".to_owned());
                    None
                }
            },
        };
        let gap_text = gap.get_untracked();
        let gap_distance_km = match gap_text.trim() {
            "" => None,
            text => match text.replace(',', ".").parse::<f64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    local.insert("gap_distance_km".to_owned(), "Nombre attendu.".to_owned());
                    None
                }
            },
        };
        if !local.is_empty() {
            errors.set(local);
            return;
        }
        let body = UpdateSettingsRequest {
            public_results: Some(public_results.get_untracked()),
            secrecy_k,
            gap_distance_km,
            tile_url: Some(tile_url.get_untracked()),
            tile_attribution: Some(tile_attribution.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match session::put::<_, AdminSettingsResponse>("/api/v1/admin/settings", &body).await {
                Ok(new) => {
                    errors.set(BTreeMap::new());
                    feedback.set(Some(Feedback::Done((t.saved)(new.propagation_secs))));
                    loaded.set(Some(Ok(new)));
                }
                Err(error) => ui::refused(errors, feedback, &error),
            }
        });
    };
    let yes_no = |b: bool| if b { t.yes } else { t.no };
    let secrecy_hint = format!(
        "{} {}",
        (t.secrecy_k_hint)(settings.secrecy_k.min, settings.secrecy_k.max),
        (t.default_value)(&settings.secrecy_k.default.to_string())
    );
    let gap_hint = format!(
        "{} {}",
        (t.gap_distance_hint)(
            &crate::format::decimal(settings.gap_distance_km.min, 1),
            &crate::format::decimal(settings.gap_distance_km.max, 1)
        ),
        (t.default_value)(&crate::format::decimal(settings.gap_distance_km.default, 1))
    );
    let tile_hint = format!(
        "{} {}",
        t.tile_url_hint,
        (t.default_value)(&shown_default(&settings.tile_url.default))
    );
    let credit_hint = format!(
        "{} {}",
        t.tile_attribution_hint,
        (t.default_value)(&shown_default(&settings.tile_attribution.default))
    );
    let last = settings
        .updated_at
        .as_deref()
        .map(|at| (t.last_change)(&ui::date_time(at), settings.revision));
    view! {
        {last.map(|l| view! { <p class="texte-doux">{l}</p> })}
        <form class="formulaire-console" novalidate on:submit=submit>
            <div class="champ champ--case">
                <input
                    id="parametre-public_results"
                    type="checkbox"
                    prop:checked=move || public_results.get()
                    on:change=move |ev| public_results.set(event_target_checked(&ev))
                    aria-describedby="parametre-public_results-aide"
                />
                <label for="parametre-public_results">{t.public_results}</label>
            </div>
            <p id="parametre-public_results-aide" class="champ__aide">
                {t.public_results_hint} " "
                {(t.default_value)(yes_no(settings.public_results.default))}
            </p>
            <TextField
                id="parametre-secrecy_k"
                label=t.secrecy_k
                hint=secrecy_hint
                kind="number"
                value=secrecy
                errors=errors
                field="secrecy_k"
            />
            <TextField
                id="parametre-gap_distance_km"
                label=t.gap_distance
                hint=gap_hint
                value=gap
                errors=errors
                field="gap_distance_km"
            />
            <TextField
                id="parametre-tile_url"
                label=t.tile_url
                hint=tile_hint
                value=tile_url
                errors=errors
                field="tile_url"
            />
            <TextField
                id="parametre-tile_attribution"
                label=t.tile_attribution
                hint=credit_hint
                value=tile_attribution
                errors=errors
                field="tile_attribution"
            />
            <div class="boutons">
                <button type="submit" class="bouton bouton--plein">{t.save}</button>
            </div>
        </form>
    }
}
