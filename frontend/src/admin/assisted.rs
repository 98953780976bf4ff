//! `/admin/saisie`: assisted entry of answers given by telephone, on paper or at a desk.
//! The agent picks an open campaign and the channel, then types each form in the
//! questionnaire rendered as residents see it (the same fields, conditions and errors,
//! [`crate::pages::questionnaire::WholeQuestionnaire`]), on one page, keyboard only: after
//! each stored answer the form is emptied, the focus is back on the first question, and a
//! running count says how many were typed in this session.
//!
//! Moderators and administrators (the API's rule for assisted entry).

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    AdminCampaignListResponse, CampaignDetailResponse, CampaignListResponse, SubmitResponseResponse,
};
use solidarites_domain::questionnaire::QuestionnaireDefinition;

use super::session;
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine};
use crate::api::{self, ApiError};
use crate::browser;
use crate::components::form::{ErrorSummary, SUMMARY_ID};
use crate::i18n::console::{self as i18n, channel_label};
use crate::i18n::offline as offline_i18n;
use crate::offline::{self, agent_owner, PendingAnswers, QueuedAnswer};
use crate::pages::questionnaire::fields::Form;
use crate::pages::questionnaire::{
    checked_request, first_field_id, summary_items, WholeQuestionnaire,
};
use crate::router::percent_encode;

/// The channels of assisted entry (the API's `ASSISTED_CHANNELS`).
const CHANNELS: [&str; 4] = ["papier", "telephone", "accueil", "visite"];

#[component]
pub fn AssistedPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.assisted_title);
    // The open campaigns (id, title). Offline, the public list the service worker kept:
    // the console's own answers are never kept on the device.
    let campaigns = api::load(async {
        match session::get::<AdminCampaignListResponse>("/api/v1/admin/campaigns?per_page=100")
            .await
        {
            Ok(list) => Ok(list
                .campaigns
                .into_iter()
                .filter(|c| c.campaign.accepting_answers)
                .map(|c| (c.campaign.id, c.campaign.title))
                .collect::<Vec<_>>()),
            Err(ApiError::Network) => api::get::<CampaignListResponse>("/api/v1/campaigns")
                .await
                .map(|list| {
                    list.campaigns
                        .into_iter()
                        .filter(|c| c.accepting_answers)
                        .map(|c| (c.id, c.title))
                        .collect()
                }),
            Err(error) => Err(error),
        }
    });
    // `?campagne=<id>` (the link of a campaign's page) chooses the campaign.
    let asked = crate::router::use_router()
        .location
        .with_untracked(|l| l.param("campagne"))
        .unwrap_or_default();
    let campaign = RwSignal::new(asked);
    let channel = RwSignal::new(CHANNELS[0].to_owned());
    let count = RwSignal::new(0u32);
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);

    let choosers = move || match campaigns.get() {
        None => ui::loading(),
        Some(Err(error)) => ui::alert(&error),
        Some(Ok(open)) => {
            if open.is_empty() {
                return view! { <p>{t.assisted_none_open}</p> }.into_any();
            }
            if !open.iter().any(|(id, _)| *id == campaign.get_untracked()) {
                campaign.set(String::new());
            }
            if open.len() == 1 && campaign.get_untracked().is_empty() {
                campaign.set(open[0].0.clone());
            }
            view! {
                <div class="formulaire-console formulaire-console--ligne">
                    <div class="champ">
                        <label for="saisie-campagne">{t.assisted_campaign}</label>
                        <select class="saisie"
                            id="saisie-campagne"
                            on:change=move |ev| campaign.set(event_target_value(&ev))
                        >
                            <option value="" selected=campaign.get_untracked().is_empty()>
                                {t.assisted_choose}
                            </option>
                            {open
                                .into_iter()
                                .map(|(id, title)| {
                                    let selected = campaign.get_untracked() == id;
                                    view! { <option value=id selected=selected>{title}</option> }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="champ">
                        <label for="saisie-canal">{t.assisted_channel}</label>
                        <select class="saisie" id="saisie-canal" on:change=move |ev| channel.set(event_target_value(&ev))>
                            {CHANNELS
                                .iter()
                                .map(|c| {
                                    let selected = channel.get_untracked() == *c;
                                    view! { <option value=*c selected=selected>{channel_label(c)}</option> }
                                })
                                .collect_view()}
                        </select>
                    </div>
                </div>
            }
            .into_any()
        }
    };

    let form = move || {
        let id = campaign.get();
        (!id.is_empty()).then(|| {
            view! { <CampaignEntry id=id channel=channel count=count feedback=feedback/> }
        })
    };

    // The answers typed without a connection, this agent's only (see `crate::offline`).
    let owner = session::current()
        .map(|s| agent_owner(&s.user.id))
        .unwrap_or_default();
    let csrf = Signal::derive(|| session::current().map(|s| s.csrf_token).unwrap_or_default());
    let label: fn(&str) -> String = channel_label;
    view! {
        <h1>{t.assisted_title}</h1>
        <p class="intro">{t.assisted_intro}</p>
        <p class="texte-doux">{t.assisted_keyboard}</p>
        <PendingAnswers
            owner=owner
            csrf=csrf
            channel_label=label
        />
        {choosers}
        <p id="saisie-compte" class="saisie__compte" role="status">
            {move || (t.assisted_count)(count.get())}
        </p>
        <FeedbackLine feedback=feedback/>
        {form}
    }
}

/// Loads the campaign's questionnaire, then the entry form.
#[component]
fn CampaignEntry(
    id: String,
    channel: RwSignal<String>,
    count: RwSignal<u32>,
    feedback: RwSignal<Option<Feedback>>,
) -> impl IntoView {
    let url = format!("/api/v1/campaigns/{}", percent_encode(&id));
    let detail = api::load(async move { api::get::<CampaignDetailResponse>(&url).await });
    move || {
        match detail.get() {
        None => ui::loading(),
        Some(Err(error)) => ui::alert(&error),
        Some(Ok(detail)) => match serde_json::from_value::<QuestionnaireDefinition>(detail.definition) {
            Ok(definition) => view! {
                <EntryForm
                    campaign_id=detail.campaign.id
                    campaign_title=detail.campaign.title
                    version_id=detail.questionnaire_version_id
                    definition=definition
                    channel=channel
                    count=count
                    feedback=feedback
                />
            }
            .into_any(),
            Err(_) => view! {
                <p class="statut statut--erreur" role="alert">{crate::i18n::common::t().error_body}</p>
            }
            .into_any(),
        },
    }
    }
}

#[component]
fn EntryForm(
    campaign_id: String,
    campaign_title: String,
    version_id: String,
    definition: QuestionnaireDefinition,
    channel: RwSignal<String>,
    count: RwSignal<u32>,
    feedback: RwSignal<Option<Feedback>>,
) -> impl IntoView {
    let t = i18n::t();
    let has_commune_question = !definition.commune_question_ids().is_empty();
    let form = Form {
        definition: StoredValue::new(definition),
        answers: RwSignal::new(BTreeMap::new()),
        texts: RwSignal::new(BTreeMap::new()),
        errors: RwSignal::new(BTreeMap::new()),
    };
    // Bumped after each stored answer: the fields are built anew, empty.
    let generation = RwSignal::new(0u32);
    let pending = RwSignal::new(false);
    let campaign_id = StoredValue::new(campaign_id);
    let campaign_title = StoredValue::new(campaign_title);
    let version_id = StoredValue::new(version_id);
    // Cleared after each answer stored or kept: the form is empty again.
    let reset = move || {
        form.answers.set(BTreeMap::new());
        form.texts.set(BTreeMap::new());
        form.errors.set(BTreeMap::new());
        generation.update(|g| *g += 1);
        if let Some(first) = first_field_id(form) {
            browser::after_render(move || browser::focus_id(&first));
        }
    };

    let show_errors = move |errors: BTreeMap<String, String>| {
        form.errors.set(errors);
        browser::after_render(|| browser::focus_id(SUMMARY_ID));
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let channel_now = channel.get_untracked();
        let body = match checked_request(form, has_commune_question, Some(channel_now.clone())) {
            Ok(body) => body,
            Err(errors) => {
                show_errors(errors);
                return;
            }
        };
        let url = format!(
            "/api/v1/admin/campaigns/{}/responses",
            percent_encode(&campaign_id.get_value())
        );
        pending.set(true);
        // The same key for the first try and every later one (offline queue).
        let key = browser::random_id().unwrap_or_default();
        leptos::task::spawn_local(async move {
            let result =
                session::post_with_key::<_, SubmitResponseResponse>(&url, &body, &key).await;
            if matches!(result, Err(ApiError::Network)) {
                let queued = QueuedAnswer {
                    id: key,
                    owner: String::new(),
                    url,
                    campaign_id: campaign_id.get_value(),
                    campaign_title: campaign_title.get_value(),
                    version_id: version_id.get_value(),
                    channel: Some(channel_now.clone()),
                    body,
                    queued_at: String::new(),
                    state: String::new(),
                    message: String::new(),
                };
                let kept = keep_for_agent(queued).await;
                pending.set(false);
                if kept {
                    let n = count.get_untracked() + 1;
                    count.set(n);
                    feedback.set(Some(Feedback::Done((t.assisted_kept)(
                        n,
                        &channel_label(&channel_now),
                    ))));
                    reset();
                } else {
                    feedback.set(Some(Feedback::Failed(
                        offline_i18n::t().queued_no_storage.to_owned(),
                    )));
                }
                return;
            }
            pending.set(false);
            match result {
                Ok(_) => {
                    let n = count.get_untracked() + 1;
                    count.set(n);
                    feedback.set(Some(Feedback::Done((t.assisted_stored)(
                        n,
                        &channel_label(&channel_now),
                    ))));
                    reset();
                }
                Err(ApiError::Http { status: 401, .. }) => {}
                Err(error) if !error.fields().is_empty() => {
                    feedback.set(Some(Feedback::failed(&error)));
                    show_errors(error.fields());
                }
                Err(error) => feedback.set(Some(Feedback::failed(&error))),
            }
        });
    };
    let summary = Signal::derive(move || summary_items(form));
    view! {
        <form class="saisie-assistee" novalidate on:submit=submit>
            <ErrorSummary items=summary/>
            {move || {
                generation.track();
                view! { <WholeQuestionnaire form=form/> }
            }}
            <div class="boutons">
                <button
                    type="submit"
                    class="bouton bouton--plein"
                    aria-disabled=move || pending.get().then_some("true")
                >
                    {move || if pending.get() { t.working } else { t.assisted_submit }}
                </button>
            </div>
        </form>
    }
}

/// Keeps an answer that could not be sent in the signed-in agent's queue on the device;
/// `false` when there is no session, no key or no storage.
async fn keep_for_agent(mut queued: QueuedAnswer) -> bool {
    let Some(owner) = session::current().map(|s| agent_owner(&s.user.id)) else {
        return false;
    };
    if queued.id.is_empty() {
        return false;
    }
    queued.owner = owner;
    offline::enqueue(queued).await
}
