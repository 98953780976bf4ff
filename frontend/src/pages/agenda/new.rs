//! `/agenda/proposer`: an actor (or anyone) submits an event; it is published after
//! moderation, and the answer gives the private link to update or withdraw it.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    ActorListResponse, CreateEventRequest, CreateEventResponse, EventContentRequest,
    EventOccurrenceRequest, LocationRequest, RegistrationRequest,
};
use solidarites_domain::drafts;

use crate::api;
use crate::app::set_page_title;
use crate::browser;
use crate::components::commune::CommuneField;
use crate::components::form::{
    described_by, help_id, CheckboxItem, ErrorSummary, FieldError, NotifyFields, Sending,
    SubmitButton, SummaryItem,
};
use crate::components::themes;
use crate::i18n::{agenda, common};

/// The field id of an API field key (`occurrences[1].start` → `evenement-occurrences-1-start`).
fn fid(field: &str) -> String {
    let key: String = field
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("evenement-{}", key.trim_end_matches('-').replace("--", "-"))
}

/// One date row of the form: a stable key (for removal), its start and its end.
type DateRow = (u32, RwSignal<String>, RwSignal<String>);

const ACCESSIBILITY: [&str; 5] = ["motor", "hearing", "visual", "mental", "cognitive"];

#[component]
pub fn NewEventPage() -> impl IntoView {
    let t = agenda::t();
    set_page_title(t.new_title);
    let sent: RwSignal<Option<CreateEventResponse>> = RwSignal::new(None);
    move || match sent.get() {
        Some(created) => {
            let origin = web_sys::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default();
            let link = format!("{origin}{}", created.edit_url);
            view! {
                <h1 id="evenement-envoye" tabindex="-1">{t.sent_title}</h1>
                <p>{t.sent_text}</p>
                <p>{t.sent_link_label}" : " <a href=created.edit_url.clone()>{link}</a></p>
                <p><a class="bouton" href="/agenda">{t.back_to_list}</a></p>
            }
            .into_any()
        }
        None => view! { <EventForm sent=sent/> }.into_any(),
    }
}

/// Errors of the last sending, by API field.
type Errors = RwSignal<BTreeMap<String, String>>;

/// What the form holds, one signal per field.
#[derive(Clone, Copy)]
struct EventFields {
    title: RwSignal<String>,
    description: RwSignal<String>,
    theme: RwSignal<String>,
    dates: RwSignal<Vec<DateRow>>,
    attendance: RwSignal<String>,
    commune_code: RwSignal<Option<String>>,
    address: RwSignal<String>,
    online_url: RwSignal<String>,
    audience: RwSignal<String>,
    age_min: RwSignal<String>,
    age_max: RwSignal<String>,
    accessibility: RwSignal<Vec<String>>,
    registration: RwSignal<String>,
    registration_value: RwSignal<String>,
    actor: RwSignal<String>,
    notify_email: RwSignal<String>,
    notify_consent: RwSignal<bool>,
}

impl EventFields {
    /// An empty form: one empty date, in person, free entry.
    fn new() -> Self {
        let text = || RwSignal::new(String::new());
        Self {
            title: text(),
            description: text(),
            theme: text(),
            dates: RwSignal::new(vec![(0, text(), text())]),
            attendance: RwSignal::new("in_person".to_owned()),
            commune_code: RwSignal::new(None),
            address: text(),
            online_url: text(),
            audience: text(),
            age_min: text(),
            age_max: text(),
            accessibility: RwSignal::new(Vec::new()),
            registration: RwSignal::new("free".to_owned()),
            registration_value: text(),
            actor: text(),
            notify_email: text(),
            notify_consent: RwSignal::new(false),
        }
    }

    /// The request for what the form holds (blank fields left out).
    fn request(self) -> CreateEventRequest {
        let optional = |s: RwSignal<String>| {
            let s = s.get_untracked().trim().to_owned();
            (!s.is_empty()).then_some(s)
        };
        let age = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().ok();
        let kind = self.registration.get_untracked();
        CreateEventRequest {
            content: EventContentRequest {
                title: optional(self.title),
                description: optional(self.description),
                themes: optional(self.theme).into_iter().collect(),
                occurrences: self
                    .dates
                    .get_untracked()
                    .iter()
                    .map(|(_, s, e)| EventOccurrenceRequest {
                        start: optional(*s),
                        end: optional(*e),
                    })
                    .collect(),
                attendance_mode: Some(self.attendance.get_untracked()),
                location: self
                    .commune_code
                    .get_untracked()
                    .map(|code| LocationRequest {
                        commune_code: Some(code),
                        ..LocationRequest::default()
                    }),
                address: optional(self.address),
                online_url: optional(self.online_url),
                audience: optional(self.audience),
                age_min: age(self.age_min),
                age_max: age(self.age_max),
                accessibility: self.accessibility.get_untracked(),
                registration: Some(RegistrationRequest {
                    value: (kind != "free").then(|| self.registration_value.get_untracked()),
                    kind: Some(kind),
                }),
                event_status: None,
            },
            actor_id: optional(self.actor),
            notify_email: optional(self.notify_email),
            notify_consent: self.notify_consent.get_untracked(),
        }
    }
}

/// The label of the field an API error key names, for the error summary.
fn label_of(key: &str) -> String {
    let t = agenda::t();
    let base = key.split(['[', '.']).next().unwrap_or(key);
    match base {
        "title" => t.form_title.to_owned(),
        "description" => t.form_description.to_owned(),
        "themes" => t.form_theme.to_owned(),
        "occurrences" => {
            let n: usize = key
                .split(['[', ']'])
                .nth(1)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let part = if key.ends_with("end") {
                t.form_end
            } else {
                t.form_start
            };
            format!("{} — {part}", (t.form_date_legend)(n + 1))
        }
        "attendance_mode" => t.form_attendance.to_owned(),
        "location" => t.form_commune.to_owned(),
        "address" => t.form_address.to_owned(),
        "online_url" => t.form_online_url.to_owned(),
        "audience" => t.form_audience.to_owned(),
        "age_min" => t.form_age_min.to_owned(),
        "age_max" => t.form_age_max.to_owned(),
        "accessibility" => t.form_accessibility.to_owned(),
        "registration" => t.form_registration_value.to_owned(),
        "actor_id" => t.form_actor.to_owned(),
        "notify_email" => common::t().notify_email.to_owned(),
        "notify_consent" => common::t().notify_consent.to_owned(),
        other => other.to_owned(),
    }
}

/// `aria-describedby` of the control of `key` (its hint when `help`, its error if any).
fn described(
    errors: Errors,
    key: &'static str,
    help: bool,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    let error = error_in(errors, key.to_owned());
    move || described_by(&fid(key), help, error.with(Option::is_some))
}

/// `aria-invalid` of the control of `key`.
fn invalid(
    errors: Errors,
    key: &'static str,
) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static {
    let error = error_in(errors, key.to_owned());
    move || error.with(Option::is_some).then_some("true")
}

fn required() -> impl IntoView {
    view! { <span class="champ__mention">" (" {common::t().required_mark} ")"</span> }
}

fn optional_mark() -> impl IntoView {
    view! { <span class="champ__mention">" (" {common::t().optional_mark} ")"</span> }
}

#[component]
fn EventForm(sent: RwSignal<Option<CreateEventResponse>>) -> impl IntoView {
    let t = agenda::t();
    let fields = EventFields::new();
    let sending = Sending::default();
    let errors = sending.errors;
    let summary = Signal::derive(move || {
        errors.with(|errors| {
            errors
                .iter()
                .map(|(key, message)| SummaryItem {
                    field_id: if key == "occurrences" {
                        fid("occurrences[0].start")
                    } else {
                        fid(key)
                    },
                    label: label_of(key),
                    message: message.clone(),
                })
                .collect()
        })
    });
    let send = move || {
        let body = fields.request();
        sending.send(
            async move { api::post::<_, CreateEventResponse>("/api/v1/events", &body, &[]).await },
            move |created| {
                sent.set(Some(created));
                browser::after_render(|| browser::focus_id("evenement-envoye"));
            },
        );
    };

    view! {
        <h1>{t.new_title}</h1>
        <p class="intro">{t.form_intro}</p>
        <form novalidate on:submit=move |event| {
            event.prevent_default();
            send();
        }>
            <ErrorSummary items=summary/>
            <WhatFields fields=fields errors=errors/>
            <DateFields dates=fields.dates errors=errors/>
            <WhereFields fields=fields errors=errors/>
            <WhoFields fields=fields errors=errors/>
            <NotifyFields
                prefix="evenement"
                email=fields.notify_email
                consent=fields.notify_consent
                email_error=error_in(errors, "notify_email".to_owned())
                consent_error=error_in(errors, "notify_consent".to_owned())
            />
            {sending.failure_line()}
            <div class="boutons">
                <SubmitButton pending=sending.pending label=t.form_send pending_label=t.form_sending/>
            </div>
        </form>
    }
}

/// An optional one-line field of the form.
#[component]
fn OptionalText(
    key: &'static str,
    label: &'static str,
    kind: &'static str,
    value: RwSignal<String>,
    errors: Errors,
) -> impl IntoView {
    view! {
        <div class="champ">
            <label for=fid(key)>{label} {optional_mark()}</label>
            <FieldError field_id=fid(key) message=error_in(errors, key.to_owned())/>
            <input
                id=fid(key)
                class="saisie"
                type=kind
                aria-describedby=described(errors, key, false)
                aria-invalid=invalid(errors, key)
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
        </div>
    }
}

/// Title, description and theme.
#[component]
fn WhatFields(fields: EventFields, errors: Errors) -> impl IntoView {
    let t = agenda::t();
    let EventFields {
        title,
        description,
        theme,
        ..
    } = fields;
    let theme_list = api::load(themes::all());
    view! {
        <div class="champ">
            <label for=fid("title")>{t.form_title} {required()}</label>
            <FieldError field_id=fid("title") message=error_in(errors, "title".to_owned())/>
            <input
                id=fid("title")
                class="saisie"
                type="text"
                maxlength=drafts::TITLE_MAX
                aria-required="true"
                aria-describedby=described(errors, "title", false)
                aria-invalid=invalid(errors, "title")
                prop:value=move || title.get()
                on:input=move |event| title.set(event_target_value(&event))
            />
        </div>
        <div class="champ">
            <label for=fid("description")>{t.form_description} {required()}</label>
            <FieldError field_id=fid("description") message=error_in(errors, "description".to_owned())/>
            <textarea
                id=fid("description")
                class="saisie"
                rows="6"
                maxlength=drafts::DESCRIPTION_MAX
                aria-required="true"
                aria-describedby=described(errors, "description", false)
                aria-invalid=invalid(errors, "description")
                prop:value=move || description.get()
                on:input=move |event| description.set(event_target_value(&event))
            ></textarea>
        </div>
        <div class="champ">
            <label for=fid("themes")>{t.form_theme} {required()}</label>
            <FieldError field_id=fid("themes") message=error_in(errors, "themes".to_owned())/>
            <select
                id=fid("themes")
                class="saisie"
                aria-required="true"
                aria-describedby=described(errors, "themes", false)
                aria-invalid=invalid(errors, "themes")
                on:change=move |event| theme.set(event_target_value(&event))
            >
                <option value="">{t.form_choose}</option>
                {themes::options(theme_list, move |slug| theme.with(|current| current == slug))}
            </select>
        </div>
    }
}

/// Attendance mode, commune, address and online link.
#[component]
fn WhereFields(fields: EventFields, errors: Errors) -> impl IntoView {
    let t = agenda::t();
    let (attendance, commune_code) = (fields.attendance, fields.commune_code);
    let commune_error = error_in(errors, "location".to_owned());
    view! {
        <div class="champ">
            <label for=fid("attendance_mode")>{t.form_attendance} {required()}</label>
            <FieldError field_id=fid("attendance_mode") message=error_in(errors, "attendance_mode".to_owned())/>
            <select
                id=fid("attendance_mode")
                class="saisie"
                on:change=move |event| attendance.set(event_target_value(&event))
            >
                {["in_person", "mixed", "online"]
                    .map(|m| view! { <option value=m selected=move || attendance.get() == m>{(t.attendance)(m)}</option> })
                    .collect_view()}
            </select>
        </div>
        <CommuneField
            id=fid("location")
            label=t.form_commune
            hint=t.form_commune_hint
            error=commune_error
            code=commune_code
        />
        <OptionalText key="address" label=t.form_address kind="text" value=fields.address errors=errors/>
        <OptionalText key="online_url" label=t.form_online_url kind="url" value=fields.online_url errors=errors/>
    }
}

/// Audience, ages, accessibility, registration and the organising actor.
#[component]
fn WhoFields(fields: EventFields, errors: Errors) -> impl IntoView {
    let t = agenda::t();
    let (registration, actor) = (fields.registration, fields.actor);
    let actors = api::load(api::get::<ActorListResponse>("/api/v1/actors?per_page=100"));
    view! {
        <OptionalText key="audience" label=t.form_audience kind="text" value=fields.audience errors=errors/>
        <OptionalText key="age_min" label=t.form_age_min kind="number" value=fields.age_min errors=errors/>
        <OptionalText key="age_max" label=t.form_age_max kind="number" value=fields.age_max errors=errors/>
        <AccessibilityFields accessibility=fields.accessibility errors=errors/>
        <div class="champ">
            <label for=fid("registration.kind")>{t.form_registration}</label>
            <select
                id=fid("registration.kind")
                class="saisie"
                on:change=move |event| registration.set(event_target_value(&event))
            >
                {["free", "link", "phone", "email"]
                    .map(|k| view! { <option value=k selected=move || registration.get() == k>{(t.registration_kind)(k)}</option> })
                    .collect_view()}
            </select>
        </div>
        <Show when=move || registration.get() != "free">
            <OptionalText
                key="registration.value"
                label=t.form_registration_value
                kind="text"
                value=fields.registration_value
                errors=errors
            />
        </Show>
        <div class="champ">
            <label for=fid("actor_id")>{t.form_actor} {optional_mark()}</label>
            <FieldError field_id=fid("actor_id") message=error_in(errors, "actor_id".to_owned())/>
            <select
                id=fid("actor_id")
                class="saisie"
                on:change=move |event| actor.set(event_target_value(&event))
            >
                <option value="">{t.form_actor_none}</option>
                {move || {
                    actors
                        .get()
                        .and_then(Result::ok)
                        .map(|l| l.items)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|a| view! { <option value=a.id>{a.name}</option> })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// The error of the API field `key` among `errors`.
fn error_in(errors: Errors, key: String) -> Signal<Option<String>> {
    Signal::derive(move || errors.with(|e| e.get(&key).cloned()))
}

/// The dates of the event: one fieldset per date (start and end), a button to add one and
/// one to remove each (when there are several).
#[component]
fn DateFields(
    dates: RwSignal<Vec<DateRow>>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let t = agenda::t();
    // The form starts with one date, key 0.
    let next_key = StoredValue::new(1u32);
    let error_of = move |key: String| error_in(errors, key);
    view! {
            <p id=help_id(&fid("occurrences")) class="champ__aide">{t.form_dates_hint}</p>
            {move || {
                let rows = dates.get();
                let count = rows.len();
                rows.into_iter()
                    .enumerate()
                    .map(|(i, (key, start, end))| {
                        let start_key = format!("occurrences[{i}].start");
                        let end_key = format!("occurrences[{i}].end");
                        view! {
                            <fieldset class="champ">
                                <legend>{(t.form_date_legend)(i + 1)}</legend>
                                <label for=fid(&start_key)>{t.form_start} {required()}</label>
                                <FieldError field_id=fid(&start_key) message=error_of(start_key.clone())/>
                                <input
                                    id=fid(&start_key)
                                    class="saisie"
                                    type="datetime-local"
                                    aria-required="true"
                                    aria-describedby=help_id(&fid("occurrences"))
                                    prop:value=move || start.get()
                                    on:input=move |event| start.set(event_target_value(&event))
                                />
                                <label for=fid(&end_key)>{t.form_end} {required()}</label>
                                <FieldError field_id=fid(&end_key) message=error_of(end_key.clone())/>
                                <input
                                    id=fid(&end_key)
                                    class="saisie"
                                    type="datetime-local"
                                    aria-required="true"
                                    prop:value=move || end.get()
                                    on:input=move |event| end.set(event_target_value(&event))
                                />
                                {(count > 1).then(|| view! {
                                    <button
                                        type="button"
                                        class="bouton bouton--discret"
                                        on:click=move |_| dates.update(|d| d.retain(|(k, _, _)| *k != key))
                                    >
                                        {(t.form_remove_date)(i + 1)}
                                    </button>
                                })}
                            </fieldset>
                        }
                    })
                    .collect_view()
            }}
            <p>
                <button
                    type="button"
                    class="bouton"
                    on:click=move |_| {
                        let key = next_key.get_value();
                        next_key.set_value(key + 1);
                        dates.update(|d| d.push((key, RwSignal::new(String::new()), RwSignal::new(String::new()))));
                    }
                >
                    {t.form_add_date}
                </button>
            </p>
    }
}

/// The five accessibility needs, as checkboxes.
#[component]
fn AccessibilityFields(
    accessibility: RwSignal<Vec<String>>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let t = agenda::t();
    let error_of = move |key: String| error_in(errors, key);
    view! {
            <fieldset class="champ">
                <legend>{t.form_accessibility} {optional_mark()}</legend>
                <FieldError field_id=fid("accessibility") message=error_of("accessibility".to_owned())/>
                <ul class="choix">
                    {ACCESSIBILITY
                        .map(|a| {
                            let id = format!("{}-{a}", fid("accessibility"));
                            view! {
                                <CheckboxItem
                                    id=id
                                    value=a.to_owned()
                                    label=(t.accessibility)(a)
                                    selected=accessibility
                                />
                            }
                        })
                        .collect_view()}
                </ul>
            </fieldset>
    }
}
