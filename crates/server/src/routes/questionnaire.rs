//! The needs questionnaire, public side: open campaigns, their questionnaire, anonymous
//! answers, and volunteers' sign-ups (a separate request, never tied to an answer).

use actix_web::{get, http::header, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use solidarites_api_types::{
    CampaignDetailResponse, CampaignListResponse, CampaignSummary, CreateVolunteerRequest,
    CreateVolunteerResponse, SubmitResponseRequest, SubmitResponseResponse,
};
use solidarites_domain::drafts;

use super::auth::client_ip;
use crate::{
    error::{ApiError, ErrorCode},
    json_body::ApiJson,
    questionnaire::{self, campaign_not_found, window, Window},
    services::answers::{AnswerError, Entry, SubmitAnswer, Submitted},
    state::AppState,
    storage::{self, volunteers::NewVolunteer},
};

pub(crate) use solidarites_domain::drafts::VOLUNTEER_NAME_MAX as MAX_NAME;

pub fn summary(c: &storage::Campaign, now: DateTime<Utc>) -> CampaignSummary {
    CampaignSummary {
        id: c.id.clone(),
        title: c.title.clone(),
        description: c.description.clone(),
        opens_at: c.opens_at.to_rfc3339(),
        closes_at: c.closes_at.to_rfc3339(),
        status: c.status.clone(),
        accepting_answers: window(c, now) == Window::Open,
    }
}

/// Takes one request from the client address's bucket (in memory only).
pub(super) fn throttle(state: &AppState, req: &HttpRequest) -> Result<(), ApiError> {
    state
        .answer_throttle
        .check_ip(client_ip(req, state.settings.trust_proxy))
        .map_err(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs })
}

/// Campaigns accepting answers now.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "questionnaire",
    responses((status = 200, body = CampaignListResponse)))]
#[get("/campaigns")]
#[tracing::instrument(skip_all)]
pub async fn list_campaigns(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let rows = storage::questionnaires::list_open_campaigns(&state.db, now).await?;
    Ok(HttpResponse::Ok().json(CampaignListResponse {
        campaigns: rows.iter().map(|c| summary(c, now)).collect(),
    }))
}

/// A campaign (open or closed; drafts are not public) with the exact questionnaire version
/// its answers are checked against.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "questionnaire",
    params(("id" = String, Path)),
    responses((status = 200, body = CampaignDetailResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/campaigns/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_campaign(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let campaign = storage::questionnaires::get_campaign(&state.db, id.trim())
        .await?
        .filter(|c| window(c, now) != Window::Draft)
        .ok_or_else(campaign_not_found)?;
    let version =
        storage::questionnaires::get_version(&state.db, &campaign.questionnaire_version_id)
            .await?
            .ok_or_else(campaign_not_found)?;
    let definition = serde_json::from_str(&version.definition).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(CampaignDetailResponse {
        campaign: summary(&campaign, now),
        questionnaire_version_id: version.id,
        version: version.version,
        definition,
    }))
}

/// Answers a campaign, anonymously. The commune is required (INSEE code, postal code and
/// chosen commune, or a point). With an `Idempotency-Key` header, a repeat returns the
/// stored answer's id (200) and stores nothing.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/responses", tag = "questionnaire",
    params(("id" = String, Path),
           ("Idempotency-Key" = Option<String>, Header, description = "1 to 100 characters")),
    request_body = SubmitResponseRequest,
    responses((status = 201, body = SubmitResponseResponse),
              (status = 200, body = SubmitResponseResponse, description = "Repeat of a stored answer"),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse, description = "campaign_not_open"),
              (status = 410, body = solidarites_api_types::ErrorResponse, description = "campaign_closed"),
              (status = 422, body = solidarites_api_types::ErrorResponse, description = "Fields keyed by question id"),
              (status = 429, body = solidarites_api_types::ErrorResponse),
              (status = 503, body = solidarites_api_types::ErrorResponse, description = "Not stored now: send it again")))]
#[post("/campaigns/{id}/responses")]
#[tracing::instrument(skip_all)]
pub async fn submit_response(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: ApiJson<SubmitResponseRequest>,
) -> Result<HttpResponse, ApiError> {
    throttle(&state, &req)?;
    let outcome = submit_answer(&state, &req, &id, &body, Entry::Public).await?;
    Ok(submitted(&outcome)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(submitted_body(&outcome)))
}

/// One answer through the answers service, with the request's `Idempotency-Key` (422
/// when malformed).
pub(super) async fn submit_answer(
    state: &AppState,
    req: &HttpRequest,
    campaign_id: &str,
    answer: &SubmitResponseRequest,
    entry: Entry<'_>,
) -> Result<Submitted, ApiError> {
    let key_hash = questionnaire::idempotency_key_hash(req)?;
    let command = SubmitAnswer {
        campaign_id,
        answer,
        idempotency_key_hash: key_hash.as_deref(),
        entry,
    };
    state
        .answers
        .submit(&state.territory.current(), command)
        .await
        .map_err(answer_error)
}

/// 201 for an answer stored now, 200 for the repeat of a stored one.
pub(super) fn submitted(outcome: &Submitted) -> actix_web::HttpResponseBuilder {
    match outcome {
        Submitted::Created { .. } => HttpResponse::Created(),
        Submitted::Replayed { .. } => HttpResponse::Ok(),
    }
}

pub(super) fn submitted_body(outcome: &Submitted) -> SubmitResponseResponse {
    let (Submitted::Created { id, received_on } | Submitted::Replayed { id, received_on }) =
        outcome;
    SubmitResponseResponse {
        id: id.clone(),
        received_on: received_on.to_string(),
    }
}

/// An answer refused: 404 unknown campaign, 409 not yet open, 410 closed, 422 by field.
fn answer_error(err: AnswerError) -> ApiError {
    match err {
        AnswerError::CampaignNotFound => campaign_not_found(),
        AnswerError::NotYetOpen { opens_at } => ApiError::Conflict {
            code: ErrorCode::CampaignNotOpen,
            message: format!(
                "Cette consultation n'est pas encore ouverte : elle ouvrira le {}.",
                questionnaire::french_date(opens_at)
            ),
        },
        AnswerError::Closed => ApiError::GoneCoded {
            code: ErrorCode::CampaignClosed,
            message: "Cette consultation est close : elle n'accepte plus de réponses. \
                      Merci de votre intérêt."
                .to_owned(),
        },
        AnswerError::Invalid(fields) => ApiError::Validation {
            code: ErrorCode::InvalidAnswers,
            message: "Certaines réponses sont à corriger : voyez les questions signalées."
                .to_owned(),
            fields,
        },
        AnswerError::Unavailable => ApiError::Unavailable {
            message: "Votre réponse n'a pas pu être enregistrée pour l'instant : \
                      renvoyez-la dans quelques secondes."
                .to_owned(),
            retry_after_secs: 2,
        },
        AnswerError::Storage(err) => err.into(),
        AnswerError::Internal(err) => ApiError::internal(err),
    }
}

/// Signs up a volunteer (after answering, in a separate request: nothing ties the two).
/// Consent is required.
#[utoipa::path(post, path = "/api/v1/volunteers", tag = "questionnaire",
    request_body = CreateVolunteerRequest,
    responses((status = 201, body = CreateVolunteerResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse),
              (status = 429, body = solidarites_api_types::ErrorResponse)))]
#[post("/volunteers")]
#[tracing::instrument(skip_all)]
pub async fn create_volunteer(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<CreateVolunteerRequest>,
) -> Result<HttpResponse, ApiError> {
    throttle(&state, &req)?;
    let choices = super::SubmissionChoices::load(&state).await?;
    let ctx = choices.context();
    let draft = drafts::parse_volunteer(&body, &ctx).map_err(|fields| ApiError::Validation {
        code: ErrorCode::InvalidVolunteer,
        message: fields.get("consent").map_or_else(
            || {
                "L'inscription ne peut pas être enregistrée : corrigez les champs signalés."
                    .to_owned()
            },
            str::to_owned,
        ),
        fields: fields.0,
    })?;
    let new = NewVolunteer {
        name: draft.name,
        email: draft.email.map(|e| e.to_string()),
        phone: draft.phone.map(|p| p.to_string()),
        commune_code: draft.commune_code.to_string(),
        availability: draft.availability,
        themes: draft.themes,
        consent_text: draft.consent_text,
    };
    storage::volunteers::create(&state.db, new, Utc::now()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreateVolunteerResponse { received: true }))
}
