//! Label applications, public side: `/labels/{slug}/candidater` (an actor applies by
//! answering each criterion of the label; `?acteur=<id>` chooses the actor), the private
//! page of an application `/labels/candidature/{token}` (« Votre candidature »: its
//! status, the decision, the answers, and « Retirer ma candidature » while it waits), and
//! the links to apply from an actor's page.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    ActorDetailResponse, ActorListResponse, CreateLabelApplicationRequest,
    CreateLabelApplicationResponse, LabelApplicationResponse, LabelListResponse, LabelResponse,
};
use solidarites_domain::labels::ANSWER_MAX;

use crate::api::{self, ApiError};
use crate::app::set_page_title;
use crate::browser;
use crate::components::form::{
    described_by, help_id, ErrorSummary, FieldError, SummaryItem, SUMMARY_ID,
};
use crate::i18n::{common, labels as i18n};
use crate::router::{percent_encode, use_location};

/// The path of the form for `slug`, for `actor` when given.
pub fn apply_path(slug: &str, actor: Option<&str>) -> String {
    let base = format!("/labels/{}/candidater", percent_encode(slug));
    match actor {
        Some(id) => format!("{base}?acteur={}", percent_encode(id)),
        None => base,
    }
}

fn loading() -> AnyView {
    view! { <p class="statut statut--attente" role="status">{common::t().loading}</p> }.into_any()
}

fn failed(error: &ApiError) -> AnyView {
    view! { <p class="statut statut--erreur" role="alert">{error.message()}</p> }.into_any()
}

/// The published actors to choose from: the first page of the directory, plus the actor
/// named in the link when it is not on it.
async fn actor_choices(wanted: Option<String>) -> Result<Vec<(String, String)>, ApiError> {
    let list: ActorListResponse = api::get("/api/v1/actors?per_page=100").await?;
    let mut actors: Vec<(String, String)> =
        list.items.into_iter().map(|a| (a.id, a.name)).collect();
    if let Some(id) = wanted.filter(|id| !actors.iter().any(|(a, _)| a == id)) {
        if let Ok(found) =
            api::get::<ActorDetailResponse>(&format!("/api/v1/actors/{}", percent_encode(&id)))
                .await
        {
            actors.insert(0, (found.actor.id, found.actor.name));
        }
    }
    Ok(actors)
}

/// `/labels/{slug}/candidater`.
#[component]
pub fn LabelApplyPage(slug: String) -> impl IntoView {
    let t = i18n::t();
    let wanted = use_location().with_untracked(|l| l.param("acteur"));
    let label_url = format!("/api/v1/labels/{}", percent_encode(&slug));
    let label = api::load(async move { api::get::<LabelResponse>(&label_url).await });
    let actors = api::load(actor_choices(wanted.clone()));
    let sent: RwSignal<Option<CreateLabelApplicationResponse>> = RwSignal::new(None);
    move || match (label.get(), actors.get(), sent.get()) {
        (_, _, Some(created)) => view! { <ApplicationSent created=created/> }.into_any(),
        (Some(Err(error)), _, _) | (_, Some(Err(error)), _) => {
            set_page_title(t.unavailable_title);
            view! { <h1>{t.unavailable_title}</h1> {failed(&error)} }.into_any()
        }
        (Some(Ok(label)), Some(Ok(actors)), None) => {
            set_page_title(&(t.apply_title)(&label.name));
            view! { <ApplicationForm label=label actors=actors wanted=wanted.clone() sent=sent/> }
                .into_any()
        }
        _ => loading(),
    }
}

#[component]
fn ApplicationSent(created: CreateLabelApplicationResponse) -> impl IntoView {
    let t = i18n::t();
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let link = format!("{origin}{}", created.private_url);
    browser::after_render(|| browser::focus_id("candidature-envoyee"));
    view! {
        <h1 id="candidature-envoyee" tabindex="-1">{t.sent_title}</h1>
        <p>{t.sent_text}</p>
        <p><strong>{t.private_link}" : "</strong><code>{link}</code></p>
        <p><a class="bouton bouton--plein" href=created.private_url.clone()>{t.open_application}</a></p>
    }
}

/// Field ids, after the API's fields (`answers[0]` → `candidature-answers-0`).
fn fid(field: &str) -> String {
    format!("candidature-{}", field.replace('[', "-").replace(']', ""))
}

#[component]
fn ApplicationForm(
    label: LabelResponse,
    actors: Vec<(String, String)>,
    wanted: Option<String>,
    sent: RwSignal<Option<CreateLabelApplicationResponse>>,
) -> impl IntoView {
    let t = i18n::t();
    let actor = RwSignal::new(wanted.unwrap_or_default());
    let answers: Vec<RwSignal<String>> = label
        .criteria_list
        .iter()
        .map(|_| RwSignal::new(String::new()))
        .collect();
    let attachment = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let criteria = label.criteria_list.clone();
    let summary = Signal::derive(move || {
        errors.with(|errors| {
            errors
                .iter()
                .map(|(key, message)| SummaryItem {
                    field_id: fid(key),
                    label: field_label(key, &criteria),
                    message: message.clone(),
                })
                .collect::<Vec<_>>()
        })
    });
    let url = format!(
        "/api/v1/labels/{}/applications",
        percent_encode(&label.slug)
    );
    let answers_sent = answers.clone();
    let send = move || {
        if pending.get_untracked() {
            return;
        }
        failure.set(None);
        let optional = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let body = CreateLabelApplicationRequest {
            actor_id: optional(actor.get_untracked()),
            answers: answers_sent.iter().map(|a| a.get_untracked()).collect(),
            attachment_url: optional(attachment.get_untracked()),
            notify_email: optional(email.get_untracked()),
            notify_consent: consent.get_untracked(),
        };
        let url = url.clone();
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result = api::post::<_, CreateLabelApplicationResponse>(&url, &body, &[]).await;
            pending.set(false);
            match result {
                Ok(created) => sent.set(Some(created)),
                Err(error) if !error.fields().is_empty() => {
                    errors.set(error.fields());
                    browser::after_render(|| browser::focus_id(SUMMARY_ID));
                }
                Err(error) => failure.set(Some(error.message())),
            }
        });
    };
    view! {
        <p class="fil"><a href="/acteurs">{crate::i18n::actors::t().back_to_directory}</a></p>
        <h1>{(t.apply_title)(&label.name)}</h1>
        <p class="intro">{t.apply_intro}</p>
        <form novalidate on:submit=move |ev| { ev.prevent_default(); send(); }>
            <ErrorSummary items=summary/>
            <ActorSelect actors=actors actor=actor errors=errors/>
            <fieldset class="champ">
                <legend>{t.criteria_title}</legend>
                <p class="champ__aide">{t.criteria_intro}</p>
                {label.criteria_list.iter().cloned().zip(answers).enumerate().map(|(i, (criterion, value))| {
                    view! { <AnswerField index=i criterion=criterion value=value errors=errors/> }
                }).collect_view()}
            </fieldset>
            <ContactFields attachment=attachment email=email consent=consent errors=errors/>
            {move || failure.get().map(|m| view! { <p class="statut statut--erreur" role="alert">{m}</p> })}
            <div class="boutons">
                <button type="submit" class="bouton bouton--plein" aria-disabled=move || pending.get().then_some("true")>
                    {move || if pending.get() { t.sending } else { t.send }}
                </button>
            </div>
        </form>
    }
}

/// The name of the field `key` in the error summary.
fn field_label(key: &str, criteria: &[String]) -> String {
    let t = i18n::t();
    let index = key
        .strip_prefix("answers[")
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|n| n.parse::<usize>().ok());
    match (key, index) {
        (_, Some(i)) => (t.criterion_label)(i + 1, criteria.get(i).map_or("", String::as_str)),
        ("actor_id", _) => t.field_actor.to_owned(),
        ("answers", _) => t.criteria_title.to_owned(),
        ("attachment_url", _) => t.field_attachment.to_owned(),
        ("notify_email", _) => t.field_email.to_owned(),
        ("notify_consent", _) => t.field_consent.to_owned(),
        (other, _) => other.to_owned(),
    }
}

fn error_of(errors: RwSignal<BTreeMap<String, String>>, key: String) -> Signal<Option<String>> {
    Signal::derive(move || errors.with(|e| e.get(&key).cloned()))
}

fn required_mark() -> impl IntoView {
    view! { <span class="champ__mention">" (" {common::t().required_mark} ")"</span> }
}

fn optional_mark() -> impl IntoView {
    view! { <span class="champ__mention">" (" {common::t().optional_mark} ")"</span> }
}

#[component]
fn ActorSelect(
    actors: Vec<(String, String)>,
    actor: RwSignal<String>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let t = i18n::t();
    let id = fid("actor_id");
    let error = error_of(errors, "actor_id".to_owned());
    let described = {
        let id = id.clone();
        move || described_by(&id, true, error.with(Option::is_some))
    };
    view! {
        <div class="champ">
            <label for=id.clone()>{t.field_actor} {required_mark()}</label>
            <p id=help_id(&id) class="champ__aide">{t.field_actor_hint}</p>
            <FieldError field_id=id.clone() message=error/>
            <select id=id.clone() class="saisie" aria-required="true" aria-describedby=described
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                on:change=move |ev| actor.set(event_target_value(&ev))>
                <option value="">{t.choose_actor}</option>
                {actors.into_iter().map(|(value, name)| {
                    let selected = actor.get_untracked() == value;
                    view! { <option value=value selected=selected>{name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn AnswerField(
    index: usize,
    criterion: String,
    value: RwSignal<String>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let t = i18n::t();
    let key = format!("answers[{index}]");
    let id = fid(&key);
    let error = error_of(errors, key);
    let described = {
        let id = id.clone();
        move || described_by(&id, false, error.with(Option::is_some))
    };
    view! {
        <div class="champ">
            <label for=id.clone()>{(t.criterion_label)(index + 1, &criterion)} {required_mark()}</label>
            <FieldError field_id=id.clone() message=error/>
            <textarea id=id class="saisie" rows="4" maxlength=ANSWER_MAX aria-required="true"
                aria-describedby=described
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </div>
    }
}

#[component]
fn ContactFields(
    attachment: RwSignal<String>,
    email: RwSignal<String>,
    consent: RwSignal<bool>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let t = i18n::t();
    let (url_id, email_id, consent_id) = (
        fid("attachment_url"),
        fid("notify_email"),
        fid("notify_consent"),
    );
    let url_error = error_of(errors, "attachment_url".to_owned());
    let email_error = error_of(errors, "notify_email".to_owned());
    let consent_error = error_of(errors, "notify_consent".to_owned());
    let url_described = {
        let id = url_id.clone();
        move || described_by(&id, true, url_error.with(Option::is_some))
    };
    let email_described = {
        let id = email_id.clone();
        move || described_by(&id, true, email_error.with(Option::is_some))
    };
    let consent_described = {
        let id = consent_id.clone();
        move || described_by(&id, false, consent_error.with(Option::is_some))
    };
    view! {
        <div class="champ">
            <label for=url_id.clone()>{t.field_attachment} {optional_mark()}</label>
            <p id=help_id(&url_id) class="champ__aide">{t.field_attachment_hint}</p>
            <FieldError field_id=url_id.clone() message=url_error/>
            <input id=url_id.clone() class="saisie" type="url" maxlength="2000" aria-describedby=url_described
                aria-invalid=move || url_error.with(Option::is_some).then_some("true")
                prop:value=move || attachment.get()
                on:input=move |ev| attachment.set(event_target_value(&ev))/>
        </div>
        <div class="champ">
            <label for=email_id.clone()>{t.field_email} {optional_mark()}</label>
            <p id=help_id(&email_id) class="champ__aide">{t.field_email_hint}</p>
            <FieldError field_id=email_id.clone() message=email_error/>
            <input id=email_id.clone() class="saisie" type="email" maxlength="254" autocomplete="email"
                aria-describedby=email_described
                aria-invalid=move || email_error.with(Option::is_some).then_some("true")
                prop:value=move || email.get()
                on:input=move |ev| email.set(event_target_value(&ev))/>
            <FieldError field_id=consent_id.clone() message=consent_error/>
            <div class="choix">
                <label for=consent_id.clone()>
                    <input type="checkbox" id=consent_id.clone() aria-describedby=consent_described
                        aria-invalid=move || consent_error.with(Option::is_some).then_some("true")
                        prop:checked=move || consent.get()
                        on:change=move |ev| consent.set(event_target_checked(&ev))/>
                    <span>{t.field_consent}</span>
                </label>
            </div>
        </div>
    }
}

/// `/labels/candidature/{token}`: « Votre candidature ».
#[component]
pub fn LabelApplicationPage(token: String) -> impl IntoView {
    let t = i18n::t();
    set_page_title(t.status_title);
    let url = format!("/api/v1/label-applications/{}", percent_encode(&token));
    let loaded = {
        let url = url.clone();
        api::load(async move { api::get::<LabelApplicationResponse>(&url).await })
    };
    let feedback: RwSignal<Option<String>> = RwSignal::new(None);
    let withdraw = move || {
        let url = url.clone();
        leptos::task::spawn_local(async move {
            match api::delete::<LabelApplicationResponse>(&url, &[]).await {
                Ok(app) => {
                    loaded.set(Some(Ok(app)));
                    feedback.set(Some(t.withdrawn_done.to_owned()));
                }
                Err(error) => feedback.set(Some(error.message())),
            }
        });
    };
    view! {
        <h1>{t.status_title}</h1>
        <div role="status">{move || feedback.get().map(|m| view! { <p class="statut statut--ok">{m}</p> })}</div>
        {move || match loaded.get() {
            None => loading(),
            Some(Err(error)) => failed(&error),
            Some(Ok(app)) => {
                let withdraw = withdraw.clone();
                view! { <ApplicationStatus app=app on_withdraw=move || withdraw()/> }.into_any()
            }
        }}
    }
}

#[component]
fn ApplicationStatus(
    app: LabelApplicationResponse,
    on_withdraw: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let t = i18n::t();
    let date = crate::format::date_text;
    let pending = app.status == "pending";
    let again = apply_path(&app.label, Some(&app.actor_id));
    view! {
        <dl class="fiche">
            <dt>{t.row_label}</dt><dd>{app.label_name.clone()}</dd>
            <dt>{t.row_actor}</dt><dd>{app.actor_name.clone()}</dd>
            <dt>{t.row_status}</dt><dd><strong>{(t.status_name)(&app.status)}</strong></dd>
            <dt>{t.row_sent}</dt><dd>{date(&app.created_at)}</dd>
            {app.decided_at.clone().map(|d| view! { <dt>{t.row_decided}</dt><dd>{date(&d)}</dd> })}
            {app.granted_until.clone().map(|d| view! { <dt>{t.row_until}</dt><dd>{date(&d)}</dd> })}
            {app.refusal_reason.clone().map(|r| view! { <dt>{t.row_reason}</dt><dd>{r}</dd> })}
            {app.attachment_url.clone().map(|u| view! {
                <dt>{t.row_attachment}</dt><dd><a href=u.clone() rel="noopener noreferrer">{u.clone()}</a></dd>
            })}
        </dl>
        <h2>{t.answers_title}</h2>
        <dl class="fiche">
            {app.answers.into_iter().enumerate().map(|(i, a)| view! {
                <dt>{(t.criterion_label)(i + 1, &a.criterion)}</dt><dd>{a.answer}</dd>
            }).collect_view()}
        </dl>
        <div class="boutons">
            {pending.then(|| view! {
                <button type="button" class="bouton" on:click=move |_| on_withdraw()>{t.withdraw}</button>
            })}
            {(!pending).then(|| view! { <a class="bouton" href=again>{t.apply_again}</a> })}
        </div>
    }
}

/// On an actor's page: a link to apply for each label of the territory.
#[component]
pub fn ActorLabelLinks(actor_id: String) -> impl IntoView {
    let t = i18n::t();
    let labels = api::load(api::get::<LabelListResponse>("/api/v1/labels"));
    move || {
        let list = labels.get().and_then(Result::ok)?.labels;
        (!list.is_empty()).then(|| {
            view! {
                <section aria-labelledby="acteur-labels">
                    <h2 id="acteur-labels">{t.actor_labels_title}</h2>
                    <p>{t.actor_labels_intro}</p>
                    <ul>
                        {list.into_iter().map(|l| view! {
                            <li><a href=apply_path(&l.slug, Some(&actor_id))>{(t.apply_title)(&l.name)}</a></li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}
