//! `/propositions/nouvelle`: anyone proposes an action (anonymous, or with a name shown).
//! It is published after moderation.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{CreateProposalRequest, CreateProposalResponse, ThemeResponse};
use solidarites_domain::drafts;

use crate::api;
use crate::app::set_page_title;
use crate::browser;
use crate::components::commune::CommuneField;
use crate::components::form::{
    described_by, ordered_summary, AppForm, ErrorSummary, FieldError, RequiredMark, Sending,
    SubmitButton, SummaryItem, TextField,
};
use crate::components::themes::{self, ThemeCheckbox};
use crate::i18n::proposals;

/// Field ids, named after the API's fields.
fn fid(field: &str) -> String {
    format!("proposition-{field}")
}

const FIELDS: [&str; 7] = [
    "title",
    "description",
    "themes",
    "commune_code",
    "pseudonym",
    "notify_email",
    "notify_consent",
];

#[component]
pub fn NewProposalPage() -> impl IntoView {
    let t = proposals::t();
    set_page_title(t.new_title);
    let sent = RwSignal::new(false);
    let form_version = RwSignal::new(0u32);
    move || {
        form_version.track();
        if sent.get() {
            view! {
                <h1 id="proposition-envoyee" tabindex="-1">{t.sent_title}</h1>
                <p>{t.sent_text}</p>
                <div class="boutons">
                    <a class="bouton" href="/propositions">{t.back_to_list}</a>
                    <button
                        type="button"
                        class="bouton bouton--discret"
                        on:click=move |_| {
                            sent.set(false);
                            form_version.update(|v| *v += 1);
                        }
                    >
                        {t.sent_another}
                    </button>
                </div>
            }
            .into_any()
        } else {
            view! { <ProposalForm sent=sent/> }.into_any()
        }
    }
}

/// What the form holds.
#[derive(Clone, Copy)]
struct Proposal {
    title: RwSignal<String>,
    description: RwSignal<String>,
    main_theme: RwSignal<String>,
    other_themes: RwSignal<Vec<String>>,
    commune_code: RwSignal<Option<String>>,
    commune_typed: RwSignal<String>,
    pseudonym: RwSignal<String>,
    notify_email: RwSignal<String>,
    notify_consent: RwSignal<bool>,
    sending: Sending,
}

/// The label of the field an API error key names.
fn label_of(field: &str) -> String {
    let t = proposals::t();
    match field {
        "title" => t.form_title,
        "description" => t.form_description,
        "themes" => t.form_main_theme,
        "commune_code" => t.form_commune,
        "pseudonym" => t.form_pseudonym,
        "notify_email" => t.form_notify_email,
        "notify_consent" => t.form_notify_consent,
        other => other,
    }
    .to_owned()
}

/// The error summary's lines: in the order of the form, then any other key.
fn summary_lines(errors: &BTreeMap<String, String>) -> Vec<SummaryItem> {
    ordered_summary(errors, &FIELDS, fid, label_of)
}

fn optional(s: String) -> Option<String> {
    let s = s.trim().to_owned();
    (!s.is_empty()).then_some(s)
}

impl Proposal {
    fn new() -> Self {
        Self {
            title: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            main_theme: RwSignal::new(String::new()),
            other_themes: RwSignal::new(Vec::new()),
            commune_code: RwSignal::new(None),
            commune_typed: RwSignal::new(String::new()),
            pseudonym: RwSignal::new(String::new()),
            notify_email: RwSignal::new(String::new()),
            notify_consent: RwSignal::new(false),
            sending: Sending::default(),
        }
    }

    fn error_of(self, key: &'static str) -> Signal<Option<String>> {
        self.sending.error_of(key)
    }

    /// The request: the main theme first, then the others.
    fn request(self) -> CreateProposalRequest {
        let mut chosen: Vec<String> = optional(self.main_theme.get_untracked())
            .into_iter()
            .collect();
        for theme in self.other_themes.get_untracked() {
            if !chosen.contains(&theme) {
                chosen.push(theme);
            }
        }
        CreateProposalRequest {
            title: optional(self.title.get_untracked()),
            description: optional(self.description.get_untracked()),
            themes: chosen,
            commune_code: self.commune_code.get_untracked(),
            pseudonym: optional(self.pseudonym.get_untracked()),
            notify_email: optional(self.notify_email.get_untracked()),
            notify_consent: self.notify_consent.get_untracked(),
        }
    }

    fn send(self, sent: RwSignal<bool>) {
        if self.commune_code.get_untracked().is_none()
            && !self.commune_typed.get_untracked().trim().is_empty()
        {
            let message = crate::i18n::questionnaire::t().error_commune_pick;
            self.sending.refuse(BTreeMap::from([(
                "commune_code".to_owned(),
                message.to_owned(),
            )]));
            return;
        }
        let body = self.request();
        self.sending.send(
            async move {
                api::post::<_, CreateProposalResponse>("/api/v1/proposals", &body, &[]).await
            },
            move |_| {
                sent.set(true);
                browser::after_render(|| browser::focus_id("proposition-envoyee"));
            },
        );
    }
}

#[component]
fn ProposalForm(sent: RwSignal<bool>) -> impl IntoView {
    let t = proposals::t();
    let p = Proposal::new();
    let errors = p.sending.errors;
    let summary = Signal::derive(move || errors.with(summary_lines));
    let theme_list = api::load(themes::all());
    view! {
        <h1>{t.new_title}</h1>
        <p class="intro">{t.form_intro}</p>
        <AppForm on_submit=move || p.send(sent)>
            <ErrorSummary items=summary/>
            <TextField id="proposition-title" label=t.form_title value=p.title
                error=p.error_of("title") hint=t.form_title_hint required=true
                maxlength={drafts::TITLE_MAX as u32}/>
            <TextField id="proposition-description" label=t.form_description
                value=p.description error=p.error_of("description")
                hint=t.form_description_hint required=true multiline=true rows=8
                maxlength={drafts::DESCRIPTION_MAX as u32}/>
            <MainTheme p=p theme_list=theme_list/>
            <details class="champ">
                <summary>{t.form_other_themes} <RequiredMark required=false/></summary>
                <p class="champ__aide">{t.form_other_themes_hint}</p>
                <ul class="choix">
                    {move || {
                        themes::active(theme_list)
                            .into_iter()
                            .enumerate()
                            .map(|(k, theme)| {
                                let id = format!("{}-autre-{k}", fid("themes"));
                                view! { <ThemeCheckbox id=id theme=theme selected=p.other_themes/> }
                            })
                            .collect_view()
                    }}
                </ul>
            </details>
            <ProposalCommune p=p/>
            <TextField id="proposition-pseudonym" label=t.form_pseudonym value=p.pseudonym
                error=p.error_of("pseudonym") hint=t.form_pseudonym_hint autocomplete="nickname"
                maxlength={drafts::PSEUDONYM_MAX as u32}/>
            <TextField id="proposition-notify_email" label=t.form_notify_email
                value=p.notify_email error=p.error_of("notify_email")
                hint=t.form_notify_email_hint kind="email" autocomplete="email" maxlength=254/>
            <NotifyConsent p=p/>
            {p.sending.failure_line()}
            <div class="boutons">
                <SubmitButton pending=p.sending.pending label=t.form_send pending_label=t.form_sending/>
            </div>
        </AppForm>
    }
}

/// The main theme, in a list of the current themes.
#[component]
fn MainTheme(p: Proposal, theme_list: api::Loaded<Vec<ThemeResponse>>) -> impl IntoView {
    let t = proposals::t();
    let error = p.error_of("themes");
    let main_theme = p.main_theme;
    view! {
        <div class="champ">
            <label for=fid("themes")>{t.form_main_theme} <RequiredMark required=true/></label>
            <FieldError field_id=fid("themes") message=error/>
            <select
                id=fid("themes")
                class="saisie"
                aria-required="true"
                aria-describedby=move || described_by(&fid("themes"), false, error.with(Option::is_some))
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                on:change=move |event| main_theme.set(event_target_value(&event))
            >
                <option value="">{t.form_choose}</option>
                {themes::options(theme_list, move |slug| main_theme.with(|m| m == slug))}
            </select>
        </div>
    }
}

/// The commune concerned, if any.
#[component]
fn ProposalCommune(p: Proposal) -> impl IntoView {
    let t = proposals::t();
    view! {
        <CommuneField
            id=fid("commune_code")
            label=t.form_commune
            mark=false
            hint=t.form_commune_hint
            error=p.error_of("commune_code")
            code=p.commune_code
            text=p.commune_typed
        />
    }
}

/// The consent to be told by e-mail of the proposal's follow-up.
#[component]
fn NotifyConsent(p: Proposal) -> impl IntoView {
    let t = proposals::t();
    let error = p.error_of("notify_consent");
    let consent = p.notify_consent;
    view! {
        <div class="champ">
            <FieldError field_id=fid("notify_consent") message=error/>
            <div class="choix">
                <label for=fid("notify_consent")>
                    <input
                        type="checkbox"
                        id=fid("notify_consent")
                        aria-describedby=move || described_by(&fid("notify_consent"), false, error.with(Option::is_some))
                        aria-invalid=move || error.with(Option::is_some).then_some("true")
                        prop:checked=move || consent.get()
                        on:change=move |event| consent.set(event_target_checked(&event))
                    />
                    <span>{t.form_notify_consent}</span>
                </label>
            </div>
        </div>
    }
}
