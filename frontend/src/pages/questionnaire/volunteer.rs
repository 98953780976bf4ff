//! The optional step after the answers are sent: people who want to volunteer or be
//! called back leave their contact, with explicit consent (`POST /api/v1/volunteers`, a
//! separate request that nothing ties to the anonymous answers).

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{CreateVolunteerRequest, CreateVolunteerResponse, ThemeListResponse};

use crate::api;
use crate::browser;
use crate::components::commune::CommunePicker;
use crate::components::form::{
    described_by, help_id, ErrorSummary, FieldError, SummaryItem, SUMMARY_ID,
};
use crate::components::themes::ThemeCheckbox;
use crate::i18n::{common, questionnaire};

/// `id` of a field of this form.
fn fid(name: &str) -> String {
    format!("benevole-{name}")
}

#[component]
pub fn VolunteerForm(
    /// The commune of the answers just sent (code, shown name), to start with.
    commune: Option<(String, String)>,
    /// Called with `true` once the contact is sent, `false` when skipped.
    on_done: Callback<bool>,
) -> impl IntoView {
    let t = questionnaire::t();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let availability = RwSignal::new(String::new());
    let (initial_code, initial_text) = commune.unzip();
    let commune_code = RwSignal::new(initial_code.clone());
    let commune_text = RwSignal::new(initial_text.clone().unwrap_or_default());
    let themes: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let consent = RwSignal::new(false);
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let theme_list = api::load(api::get::<ThemeListResponse>("/api/v1/themes"));

    let labels = move |key: &str| -> String {
        match key {
            "name" => t.volunteer_name,
            "email" => t.volunteer_email,
            "phone" => t.volunteer_phone,
            "commune" => t.volunteer_commune,
            "availability" => t.volunteer_availability,
            "themes" => t.volunteer_themes,
            "consent" | "consent_text" => t.volunteer_consent_title,
            other => other,
        }
        .to_owned()
    };
    let order = [
        "name",
        "email",
        "phone",
        "commune",
        "availability",
        "themes",
        "consent",
    ];
    let summary = Signal::derive(move || {
        errors.with(|errors| {
            // In the order of the form, then any other key.
            let known = order
                .iter()
                .filter_map(|o| errors.get_key_value(*o).map(|(k, _)| k));
            let others = errors.keys().filter(|k| !order.contains(&k.as_str()));
            known
                .chain(others)
                .map(|key| SummaryItem {
                    field_id: fid(if key == "consent_text" {
                        "consent"
                    } else {
                        key
                    }),
                    label: labels(key),
                    message: errors.get(key).cloned().unwrap_or_default(),
                })
                .collect()
        })
    });
    let error_of =
        move |key: &'static str| Signal::derive(move || errors.with(|e| e.get(key).cloned()));

    let send = move || {
        if pending.get_untracked() {
            return;
        }
        failure.set(None);
        let mut found = BTreeMap::new();
        if commune_code.get_untracked().is_none() {
            found.insert("commune".to_owned(), t.error_commune_pick.to_owned());
        }
        if email.get_untracked().trim().is_empty() && phone.get_untracked().trim().is_empty() {
            found.insert("email".to_owned(), t.error_contact.to_owned());
        }
        if !found.is_empty() {
            errors.set(found);
            browser::after_render(|| browser::focus_id(SUMMARY_ID));
            return;
        }
        let optional = |s: String| {
            let s = s.trim().to_owned();
            (!s.is_empty()).then_some(s)
        };
        let body = CreateVolunteerRequest {
            name: name.get_untracked(),
            email: optional(email.get_untracked()),
            phone: optional(phone.get_untracked()),
            commune: commune_code.get_untracked().unwrap_or_default(),
            availability: availability.get_untracked(),
            themes: themes.get_untracked(),
            consent: consent.get_untracked(),
            consent_text: t.volunteer_consent.to_owned(),
        };
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result =
                api::post::<_, CreateVolunteerResponse>("/api/v1/volunteers", &body, &[]).await;
            pending.set(false);
            match result {
                Ok(_) => on_done.run(true),
                Err(error) if !error.fields().is_empty() => {
                    errors.set(error.fields());
                    browser::after_render(|| browser::focus_id(SUMMARY_ID));
                }
                Err(error) => failure.set(Some(error.message())),
            }
        });
    };

    let text_field = move |key: &'static str,
                           label: &'static str,
                           kind: &'static str,
                           autocomplete: &'static str,
                           value: RwSignal<String>,
                           help: Option<&'static str>| {
        let id = fid(key);
        let error = error_of(key);
        let describedby = {
            let id = id.clone();
            move || described_by(&id, help.is_some(), error.with(Option::is_some))
        };
        view! {
            <div class="champ">
                <label for=id.clone()>{label}</label>
                {help.map(|h| view! { <p id=help_id(&fid(key)) class="champ__aide">{h}</p> })}
                <FieldError field_id=id.clone() message=error/>
                <input
                    id=id.clone()
                    class="saisie"
                    type=kind
                    autocomplete=autocomplete
                    aria-describedby=describedby
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    prop:value=move || value.get()
                    on:input=move |event| value.set(event_target_value(&event))
                />
            </div>
        }
    };

    let commune_error = error_of("commune");
    let commune_id = fid("commune");
    let commune_described = {
        let id = commune_id.clone();
        Signal::derive(move || described_by(&id, false, commune_error.with(Option::is_some)))
    };
    let consent_error = Signal::derive(move || {
        errors.with(|e| e.get("consent").or_else(|| e.get("consent_text")).cloned())
    });
    let consent_id = fid("consent");
    let availability_id = fid("availability");
    let availability_error = error_of("availability");
    let themes_error = error_of("themes");

    view! {
        <h2 id="etape-titre" tabindex="-1">{t.volunteer_title}</h2>
        <p class="statut statut--ok">{t.volunteer_received}</p>
        <p>{t.volunteer_intro}</p>
        <form
            class="etape"
            novalidate
            on:submit=move |event| {
                event.prevent_default();
                send();
            }
        >
            <ErrorSummary items=summary/>
            {text_field("name", t.volunteer_name, "text", "name", name, None)}
            <p class="champ__aide">{t.volunteer_contact_hint}</p>
            {text_field("email", t.volunteer_email, "email", "email", email, None)}
            {text_field("phone", t.volunteer_phone, "tel", "tel", phone, None)}
            <div class="champ">
                <label for=commune_id.clone()>{t.volunteer_commune}</label>
                <FieldError field_id=commune_id.clone() message=commune_error/>
                <CommunePicker
                    input_id=commune_id.clone()
                    initial_text=initial_text.unwrap_or_default()
                    initially_chosen=initial_code.is_some()
                    described_by=commune_described
                    invalid=Signal::derive(move || commune_error.with(Option::is_some))
                    on_text=Callback::new(move |text| commune_text.set(text))
                    on_choose=Callback::new(move |choice: Option<(String, String)>| {
                        commune_code.set(choice.map(|(code, _)| code));
                    })
                />
            </div>
            <div class="champ">
                <label for=availability_id.clone()>{t.volunteer_availability}</label>
                <p id=help_id(&availability_id) class="champ__aide">
                    {t.volunteer_availability_hint}
                </p>
                <FieldError field_id=availability_id.clone() message=availability_error/>
                <textarea
                    id=availability_id.clone()
                    class="saisie"
                    rows="3"
                    maxlength="1000"
                    aria-describedby={
                        let id = availability_id.clone();
                        move || described_by(&id, true, availability_error.with(Option::is_some))
                    }
                    prop:value=move || availability.get()
                    on:input=move |event| availability.set(event_target_value(&event))
                ></textarea>
            </div>
            <fieldset class="champ">
                <legend>{t.volunteer_themes}</legend>
                <FieldError field_id=fid("themes") message=themes_error/>
                <ul class="choix">
                    {move || {
                        theme_list
                            .get()
                            .and_then(Result::ok)
                            .map(|list| {
                                list.themes
                                    .into_iter()
                                    .filter(|theme| !theme.retired)
                                    .enumerate()
                                    .map(|(k, theme)| {
                                        let id = if k == 0 { fid("themes") } else { format!("{}-{k}", fid("themes")) };
                                        view! { <ThemeCheckbox id=id theme=theme selected=themes/> }
                                    })
                                    .collect_view()
                            })
                    }}
                </ul>
            </fieldset>
            <fieldset class="champ consentement">
                <legend>{t.volunteer_consent_title}</legend>
                <FieldError field_id=consent_id.clone() message=consent_error/>
                <div class="choix">
                    <label for=consent_id.clone()>
                        <input
                            type="checkbox"
                            id=consent_id.clone()
                            aria-describedby={
                                let id = consent_id.clone();
                                move || described_by(&id, false, consent_error.with(Option::is_some))
                            }
                            aria-invalid=move || consent_error.with(Option::is_some).then_some("true")
                            prop:checked=move || consent.get()
                            on:change=move |event| consent.set(event_target_checked(&event))
                        />
                        <span>{t.volunteer_consent}</span>
                    </label>
                </div>
            </fieldset>
            {move || {
                failure
                    .get()
                    .map(|message| view! { <p class="statut statut--erreur" role="alert">{message}</p> })
            }}
            <div class="boutons">
                <button
                    type="submit"
                    class="bouton bouton--plein"
                    aria-disabled=move || pending.get().then_some("true")
                >
                    {t.volunteer_send}
                </button>
                <button type="button" class="bouton" on:click=move |_| on_done.run(false)>
                    {t.volunteer_skip}
                </button>
            </div>
        </form>
        <p class="visuellement-cache">{common::t().optional_mark}</p>
    }
}
