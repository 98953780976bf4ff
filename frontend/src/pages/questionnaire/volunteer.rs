//! The optional step after the answers are sent: people who want to volunteer or be
//! called back leave their contact, with explicit consent (`POST /api/v1/volunteers`, a
//! separate request that nothing ties to the anonymous answers).

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{CreateVolunteerRequest, CreateVolunteerResponse, ThemeListResponse};

use crate::api;
use crate::components::commune::CommuneField;
use crate::components::form::{
    ordered_summary, AppForm, ConsentBox, ErrorSummary, FieldError, Sending, SubmitButton,
    SummaryItem, TextField,
};
use crate::components::themes::ThemeCheckbox;
use crate::i18n::{common, questionnaire};

/// `id` of a field of this form.
fn fid(name: &str) -> String {
    format!("benevole-{name}")
}

/// What the form holds.
#[derive(Clone, Copy)]
struct Contact {
    name: RwSignal<String>,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    availability: RwSignal<String>,
    commune_code: RwSignal<Option<String>>,
    commune_text: RwSignal<String>,
    themes: RwSignal<Vec<String>>,
    consent: RwSignal<bool>,
    sending: Sending,
}

/// The fields in the order of the form, for the error summary.
const ORDER: [&str; 7] = [
    "name",
    "email",
    "phone",
    "commune",
    "availability",
    "themes",
    "consent",
];

/// The label of the field an API error key names.
fn label_of(key: &str) -> String {
    let t = questionnaire::t();
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
}

/// The error summary's lines: in the order of the form, then any other key.
fn summary_lines(errors: &BTreeMap<String, String>) -> Vec<SummaryItem> {
    let id_of = |key: &str| {
        fid(if key == "consent_text" {
            "consent"
        } else {
            key
        })
    };
    ordered_summary(errors, &ORDER, id_of, label_of)
}

impl Contact {
    fn new(commune: Option<(String, String)>) -> Self {
        let (code, text) = commune.unzip();
        Self {
            name: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            availability: RwSignal::new(String::new()),
            commune_code: RwSignal::new(code),
            commune_text: RwSignal::new(text.unwrap_or_default()),
            themes: RwSignal::new(Vec::new()),
            consent: RwSignal::new(false),
            sending: Sending::default(),
        }
    }

    fn error_of(self, key: &'static str) -> Signal<Option<String>> {
        self.sending.error_of(key)
    }

    /// What the browser can check before sending: a commune chosen, a way to call back.
    fn missing(self) -> BTreeMap<String, String> {
        let t = questionnaire::t();
        let mut found = BTreeMap::new();
        if self.commune_code.get_untracked().is_none() {
            found.insert("commune".to_owned(), t.error_commune_pick.to_owned());
        }
        if self.email.get_untracked().trim().is_empty()
            && self.phone.get_untracked().trim().is_empty()
        {
            found.insert("email".to_owned(), t.error_contact.to_owned());
        }
        found
    }

    fn send(self, on_done: Callback<bool>) {
        let missing = self.missing();
        if !missing.is_empty() {
            self.sending.refuse(missing);
            return;
        }
        let optional = |s: String| {
            let s = s.trim().to_owned();
            (!s.is_empty()).then_some(s)
        };
        let body = CreateVolunteerRequest {
            name: self.name.get_untracked(),
            email: optional(self.email.get_untracked()),
            phone: optional(self.phone.get_untracked()),
            commune: self.commune_code.get_untracked().unwrap_or_default(),
            availability: self.availability.get_untracked(),
            themes: self.themes.get_untracked(),
            consent: self.consent.get_untracked(),
            consent_text: questionnaire::t().volunteer_consent.to_owned(),
        };
        self.sending.send(
            async move {
                api::post::<_, CreateVolunteerResponse>("/api/v1/volunteers", &body, &[]).await
            },
            move |_| on_done.run(true),
        );
    }
}

#[component]
pub fn VolunteerForm(
    /// The commune of the answers just sent (code, shown name), to start with.
    commune: Option<(String, String)>,
    /// Called with `true` once the contact is sent, `false` when skipped.
    on_done: Callback<bool>,
) -> impl IntoView {
    let t = questionnaire::t();
    let contact = Contact::new(commune);
    let errors = contact.sending.errors;
    let summary = Signal::derive(move || errors.with(summary_lines));
    view! {
        <h2 id="etape-titre" tabindex="-1">{t.volunteer_title}</h2>
        <p class="statut statut--ok">{t.volunteer_received}</p>
        <p>{t.volunteer_intro}</p>
        <AppForm class="etape" on_submit=move || contact.send(on_done)>
            <ErrorSummary items=summary/>
            <TextField id="benevole-name" label=t.volunteer_name value=contact.name
                error=contact.error_of("name") autocomplete="name" mark=false/>
            <p class="champ__aide">{t.volunteer_contact_hint}</p>
            <TextField id="benevole-email" label=t.volunteer_email value=contact.email
                error=contact.error_of("email") kind="email" autocomplete="email" mark=false/>
            <TextField id="benevole-phone" label=t.volunteer_phone value=contact.phone
                error=contact.error_of("phone") kind="tel" autocomplete="tel" mark=false/>
            <VolunteerCommune contact=contact/>
            <TextField id="benevole-availability" label=t.volunteer_availability
                value=contact.availability error=contact.error_of("availability")
                hint=t.volunteer_availability_hint multiline=true rows=3 maxlength=1000 mark=false/>
            <ThemeChoices contact=contact/>
            <Consent contact=contact/>
            {contact.sending.failure_line()}
            <div class="boutons">
                <SubmitButton pending=contact.sending.pending label=t.volunteer_send/>
                <button type="button" class="bouton" on:click=move |_| on_done.run(false)>
                    {t.volunteer_skip}
                </button>
            </div>
        </AppForm>
        <p class="visuellement-cache">{common::t().optional_mark}</p>
    }
}

/// The commune, starting with the one of the answers.
#[component]
fn VolunteerCommune(contact: Contact) -> impl IntoView {
    view! {
        <CommuneField
            id=fid("commune")
            label=questionnaire::t().volunteer_commune
            error=contact.error_of("commune")
            code=contact.commune_code
            text=contact.commune_text
        />
    }
}

/// The themes the person would help with (the current ones).
#[component]
fn ThemeChoices(contact: Contact) -> impl IntoView {
    let t = questionnaire::t();
    let theme_list = api::load(api::get::<ThemeListResponse>("/api/v1/themes"));
    let selected = contact.themes;
    view! {
        <fieldset class="champ">
            <legend>{t.volunteer_themes}</legend>
            <FieldError field_id=fid("themes") message=contact.error_of("themes")/>
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
                                    view! { <ThemeCheckbox id=id theme=theme selected=selected/> }
                                })
                                .collect_view()
                        })
                }}
            </ul>
        </fieldset>
    }
}

/// The explicit consent to be contacted.
#[component]
fn Consent(contact: Contact) -> impl IntoView {
    let t = questionnaire::t();
    let errors = contact.sending.errors;
    let error = Signal::derive(move || {
        errors.with(|e| e.get("consent").or_else(|| e.get("consent_text")).cloned())
    });
    view! {
        <fieldset class="champ consentement">
            <legend>{t.volunteer_consent_title}</legend>
            <ConsentBox id=fid("consent") label=t.volunteer_consent checked=contact.consent error=error/>
        </fieldset>
    }
}
