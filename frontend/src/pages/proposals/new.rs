//! `/propositions/nouvelle`: anyone proposes an action (anonymous, or with a name shown).
//! It is published after moderation.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{CreateProposalRequest, CreateProposalResponse};
use solidarites_domain::drafts;

use crate::api;
use crate::app::set_page_title;
use crate::browser;
use crate::components::commune::CommunePicker;
use crate::components::form::{
    described_by, help_id, ErrorSummary, FieldError, SummaryItem, SUMMARY_ID,
};
use crate::components::themes::{self, ThemeCheckbox};
use crate::i18n::{common, proposals};

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

#[component]
fn ProposalForm(sent: RwSignal<bool>) -> impl IntoView {
    let t = proposals::t();
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let main_theme = RwSignal::new(String::new());
    let other_themes: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let commune_code: RwSignal<Option<String>> = RwSignal::new(None);
    let commune_typed = RwSignal::new(String::new());
    let pseudonym = RwSignal::new(String::new());
    let notify_email = RwSignal::new(String::new());
    let notify_consent = RwSignal::new(false);
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let theme_list = api::load(themes::all());

    let label_of = move |field: &str| -> String {
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
    };
    let summary = Signal::derive(move || {
        errors.with(|errors| {
            // In the order of the form, then any other key.
            let known = FIELDS
                .iter()
                .filter_map(|f| errors.get_key_value(*f).map(|(k, _)| k));
            let others = errors.keys().filter(|k| !FIELDS.contains(&k.as_str()));
            known
                .chain(others)
                .map(|key| SummaryItem {
                    field_id: fid(key),
                    label: label_of(key),
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
        if commune_code.get_untracked().is_none()
            && !commune_typed.get_untracked().trim().is_empty()
        {
            errors.set(BTreeMap::from([(
                "commune_code".to_owned(),
                crate::i18n::questionnaire::t()
                    .error_commune_pick
                    .to_owned(),
            )]));
            browser::after_render(|| browser::focus_id(SUMMARY_ID));
            return;
        }
        let optional = |s: String| {
            let s = s.trim().to_owned();
            (!s.is_empty()).then_some(s)
        };
        let mut chosen: Vec<String> = optional(main_theme.get_untracked()).into_iter().collect();
        for theme in other_themes.get_untracked() {
            if !chosen.contains(&theme) {
                chosen.push(theme);
            }
        }
        let body = CreateProposalRequest {
            title: optional(title.get_untracked()),
            description: optional(description.get_untracked()),
            themes: chosen,
            commune_code: commune_code.get_untracked(),
            pseudonym: optional(pseudonym.get_untracked()),
            notify_email: optional(notify_email.get_untracked()),
            notify_consent: notify_consent.get_untracked(),
        };
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result =
                api::post::<_, CreateProposalResponse>("/api/v1/proposals", &body, &[]).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    sent.set(true);
                    browser::after_render(|| browser::focus_id("proposition-envoyee"));
                }
                Err(error) if !error.fields().is_empty() => {
                    errors.set(error.fields());
                    browser::after_render(|| browser::focus_id(SUMMARY_ID));
                }
                Err(error) => failure.set(Some(error.message())),
            }
        });
    };

    let described = move |key: &'static str, help: bool| {
        let error = error_of(key);
        move || described_by(&fid(key), help, error.with(Option::is_some))
    };
    let invalid = move |key: &'static str| {
        let error = error_of(key);
        move || error.with(Option::is_some).then_some("true")
    };
    let required = || {
        view! { <span class="champ__mention">" (" {common::t().required_mark} ")"</span> }
    };
    let optional_mark = || {
        view! { <span class="champ__mention">" (" {common::t().optional_mark} ")"</span> }
    };
    let commune_error = error_of("commune_code");

    view! {
        <h1>{t.new_title}</h1>
        <p class="intro">{t.form_intro}</p>
        <form
            novalidate
            on:submit=move |event| {
                event.prevent_default();
                send();
            }
        >
            <ErrorSummary items=summary/>
            <div class="champ">
                <label for=fid("title")>{t.form_title} {required()}</label>
                <p id=help_id(&fid("title")) class="champ__aide">{t.form_title_hint}</p>
                <FieldError field_id=fid("title") message=error_of("title")/>
                <input
                    id=fid("title")
                    class="saisie"
                    type="text"
                    maxlength=drafts::TITLE_MAX
                    aria-required="true"
                    aria-describedby=described("title", true)
                    aria-invalid=invalid("title")
                    prop:value=move || title.get()
                    on:input=move |event| title.set(event_target_value(&event))
                />
            </div>
            <div class="champ">
                <label for=fid("description")>{t.form_description} {required()}</label>
                <p id=help_id(&fid("description")) class="champ__aide">
                    {t.form_description_hint}
                </p>
                <FieldError field_id=fid("description") message=error_of("description")/>
                <textarea
                    id=fid("description")
                    class="saisie"
                    rows="8"
                    maxlength=drafts::DESCRIPTION_MAX
                    aria-required="true"
                    aria-describedby=described("description", true)
                    aria-invalid=invalid("description")
                    prop:value=move || description.get()
                    on:input=move |event| description.set(event_target_value(&event))
                ></textarea>
            </div>
            <div class="champ">
                <label for=fid("themes")>{t.form_main_theme} {required()}</label>
                <FieldError field_id=fid("themes") message=error_of("themes")/>
                <select
                    id=fid("themes")
                    class="saisie"
                    aria-required="true"
                    aria-describedby=described("themes", false)
                    aria-invalid=invalid("themes")
                    on:change=move |event| main_theme.set(event_target_value(&event))
                >
                    <option value="">{t.form_choose}</option>
                    {move || {
                        theme_list
                            .get()
                            .and_then(Result::ok)
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|theme| !theme.retired)
                            .map(|theme| {
                                let slug = theme.slug.clone();
                                view! {
                                    <option
                                        value=theme.slug
                                        selected=move || main_theme.with(|m| *m == slug)
                                    >
                                        {theme.label}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <details class="champ">
                <summary>{t.form_other_themes} {optional_mark()}</summary>
                <p class="champ__aide">{t.form_other_themes_hint}</p>
                <ul class="choix">
                    {move || {
                        theme_list
                            .get()
                            .and_then(Result::ok)
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|theme| !theme.retired)
                            .enumerate()
                            .map(|(k, theme)| {
                                let id = format!("{}-autre-{k}", fid("themes"));
                                view! { <ThemeCheckbox id=id theme=theme selected=other_themes/> }
                            })
                            .collect_view()
                    }}
                </ul>
            </details>
            <div class="champ">
                <label for=fid("commune_code")>{t.form_commune} {optional_mark()}</label>
                <p id=help_id(&fid("commune_code")) class="champ__aide">{t.form_commune_hint}</p>
                <FieldError field_id=fid("commune_code") message=commune_error/>
                <CommunePicker
                    input_id=fid("commune_code")
                    described_by=Signal::derive(move || {
                        described_by(&fid("commune_code"), true, commune_error.with(Option::is_some))
                    })
                    invalid=Signal::derive(move || commune_error.with(Option::is_some))
                    on_text=Callback::new(move |text| commune_typed.set(text))
                    on_choose=Callback::new(move |choice: Option<(String, String)>| {
                        commune_code.set(choice.map(|(code, _)| code));
                    })
                />
            </div>
            <div class="champ">
                <label for=fid("pseudonym")>{t.form_pseudonym} {optional_mark()}</label>
                <p id=help_id(&fid("pseudonym")) class="champ__aide">{t.form_pseudonym_hint}</p>
                <FieldError field_id=fid("pseudonym") message=error_of("pseudonym")/>
                <input
                    id=fid("pseudonym")
                    class="saisie"
                    type="text"
                    maxlength=drafts::PSEUDONYM_MAX
                    autocomplete="nickname"
                    aria-describedby=described("pseudonym", true)
                    aria-invalid=invalid("pseudonym")
                    prop:value=move || pseudonym.get()
                    on:input=move |event| pseudonym.set(event_target_value(&event))
                />
            </div>
            <div class="champ">
                <label for=fid("notify_email")>{t.form_notify_email} {optional_mark()}</label>
                <p id=help_id(&fid("notify_email")) class="champ__aide">
                    {t.form_notify_email_hint}
                </p>
                <FieldError field_id=fid("notify_email") message=error_of("notify_email")/>
                <input
                    id=fid("notify_email")
                    class="saisie"
                    type="email"
                    maxlength="254"
                    autocomplete="email"
                    aria-describedby=described("notify_email", true)
                    aria-invalid=invalid("notify_email")
                    prop:value=move || notify_email.get()
                    on:input=move |event| notify_email.set(event_target_value(&event))
                />
                <FieldError field_id=fid("notify_consent") message=error_of("notify_consent")/>
                <div class="choix">
                    <label for=fid("notify_consent")>
                        <input
                            type="checkbox"
                            id=fid("notify_consent")
                            aria-describedby=described("notify_consent", false)
                            aria-invalid=invalid("notify_consent")
                            prop:checked=move || notify_consent.get()
                            on:change=move |event| notify_consent.set(event_target_checked(&event))
                        />
                        <span>{t.form_notify_consent}</span>
                    </label>
                </div>
            </div>
            {move || {
                failure
                    .get()
                    .map(|m| view! { <p class="statut statut--erreur" role="alert">{m}</p> })
            }}
            <div class="boutons">
                <button
                    type="submit"
                    class="bouton bouton--plein"
                    aria-disabled=move || pending.get().then_some("true")
                >
                    {move || if pending.get() { t.form_sending } else { t.form_send }}
                </button>
            </div>
        </form>
    }
}
