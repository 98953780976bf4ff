//! `/agenda/modifier/{token}`: the private page of a submitted event. Its submitter sees
//! where moderation stands, announces it postponed, cancelled or full (published at once,
//! subscribed calendars follow), or withdraws it.

use leptos::prelude::*;
use solidarites_api_types::{
    EventContentRequest, EventContentResponse, EventOccurrenceRequest, LocationRequest,
    RegistrationRequest, SubmitterEventResponse,
};

use super::status_badge;
use crate::api;
use crate::app::set_page_title;
use crate::components::freshness::ConfirmCurrent;
use crate::i18n::{agenda, common};
use crate::router::percent_encode;

/// The request that resubmits `c` as it is, with the announced status `status`.
pub fn request_of(c: &EventContentResponse, status: &str) -> EventContentRequest {
    let location = match c.place.as_str() {
        "point" => Some(LocationRequest {
            lon: c.lon,
            lat: c.lat,
            commune_code: None,
        }),
        "commune" => Some(LocationRequest {
            commune_code: c.commune.as_ref().map(|c| c.code.clone()),
            ..LocationRequest::default()
        }),
        _ => None,
    };
    EventContentRequest {
        title: Some(c.title.clone()),
        description: Some(c.description.clone()),
        themes: c.themes.clone(),
        occurrences: c
            .occurrences
            .iter()
            .map(|o| EventOccurrenceRequest {
                start: Some(o.start.clone()),
                end: Some(o.end.clone()),
            })
            .collect(),
        attendance_mode: Some(c.attendance_mode.clone()),
        location,
        address: c.address.clone(),
        online_url: c.online_url.clone(),
        audience: c.audience.clone(),
        age_min: c.age_min.map(i64::from),
        age_max: c.age_max.map(i64::from),
        accessibility: c.accessibility.clone(),
        registration: Some(RegistrationRequest {
            kind: Some(c.registration.kind.clone()),
            value: c.registration.value.clone(),
        }),
        event_status: Some(status.to_owned()),
    }
}

#[component]
pub fn EditEventPage(token: String) -> impl IntoView {
    let t = agenda::t();
    set_page_title(t.edit_title);
    let url = format!("/api/v1/events/edit/{}", percent_encode(&token));
    let confirm_base = StoredValue::new(url.clone());
    let loaded: api::Loaded<SubmitterEventResponse> = RwSignal::new(None);
    let reload = {
        let url = url.clone();
        move || {
            let url = url.clone();
            leptos::task::spawn_local(async move {
                let result = api::get::<SubmitterEventResponse>(&url).await;
                let _ = loaded.try_set(Some(result));
            });
        }
    };
    reload();
    let status = RwSignal::new(String::new());
    let said: RwSignal<Option<String>> = RwSignal::new(None);
    let save = {
        let url = url.clone();
        move || {
            let Some(Ok(view)) = loaded.get_untracked() else {
                return;
            };
            let body = request_of(&view.content, &status.get_untracked());
            let url = url.clone();
            leptos::task::spawn_local(async move {
                match api::put::<_, SubmitterEventResponse>(&url, &body, &[]).await {
                    Ok(updated) => {
                        loaded.set(Some(Ok(updated)));
                        said.set(Some(t.edit_saved.to_owned()));
                    }
                    Err(error) => said.set(Some(error.message())),
                }
            });
        }
    };
    let withdraw = move || {
        let url = url.clone();
        leptos::task::spawn_local(async move {
            match api::delete_no_content(&url, &[]).await {
                Ok(()) => said.set(Some(t.edit_withdrawn.to_owned())),
                Err(error) => said.set(Some(error.message())),
            }
        });
    };
    let body = move || match loaded.get() {
        None => view! { <p role="status">{common::t().loading}</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="statut statut--erreur" role="alert">{error.message()}</p> }.into_any()
        }
        Some(Ok(view)) => {
            if status.get_untracked().is_empty() {
                status.set(view.content.event_status.clone());
            }
            let save = save.clone();
            let withdraw = withdraw.clone();
            view! {
                <h2>{view.content.title.clone()}</h2>
                <p>
                    {(t.edit_status)((t.edit_moderation_status)(&view.status))} " "
                    {status_badge(&view.content.event_status)}
                </p>
                {view.pending_revision.is_some().then(|| view! { <p>{t.edit_pending_change}</p> })}
                {view.moderation_message.clone().map(|m| view! { <p>{t.edit_message} " " {m}</p> })}
                {(view.status == "published").then(|| view! {
                    <ConfirmCurrent
                        url=format!("{}/confirm", confirm_base.get_value())
                        state=Signal::stored((view.freshness.clone(), view.hidden_from.clone()))
                    />
                })}
                {(view.status == "published" || view.status == "pending").then(|| {
                    let save = save.clone();
                    let withdraw = withdraw.clone();
                    view! {
                        <form on:submit=move |event| {
                            event.prevent_default();
                            save();
                        }>
                            <div class="champ">
                                <label for="evenement-statut">{t.edit_event_status}</label>
                                <p id="evenement-statut-aide" class="champ__aide">{t.edit_event_status_hint}</p>
                                <select
                                    id="evenement-statut"
                                    class="saisie"
                                    aria-describedby="evenement-statut-aide"
                                    on:change=move |event| status.set(event_target_value(&event))
                                >
                                    {["scheduled", "postponed", "cancelled", "full"]
                                        .map(|s| view! { <option value=s selected=move || status.get() == s>{(t.status)(s)}</option> })
                                        .collect_view()}
                                </select>
                            </div>
                            <div class="boutons">
                                <button type="submit" class="bouton bouton--plein">{t.edit_save_status}</button>
                                <button type="button" class="bouton bouton--discret" on:click=move |_| withdraw()>
                                    {t.edit_withdraw}
                                </button>
                            </div>
                        </form>
                    }
                })}
            }
            .into_any()
        }
    };
    view! {
        <h1>{t.edit_title}</h1>
        {body}
        <p role="status">{move || said.get()}</p>
        <p><a href="/agenda">{t.back_to_list}</a></p>
    }
}
