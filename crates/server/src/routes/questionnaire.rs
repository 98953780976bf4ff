//! The needs questionnaire, public side: open campaigns, their questionnaire, anonymous
//! answers, and volunteers' sign-ups (a separate request, never tied to an answer).

use std::collections::{BTreeMap, HashSet};

use actix_web::{get, http::header, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use solidarites_api_types::{
    CampaignDetailResponse, CampaignListResponse, CampaignSummary, CreateVolunteerRequest,
    CreateVolunteerResponse, SubmitResponseRequest, SubmitResponseResponse,
};
use solidarites_domain::{
    contact::{Email, FrenchPhone},
    InseeCode,
};

use super::auth::client_ip;
use crate::{
    error::{ApiError, ErrorCode},
    json_body::ApiJson,
    questionnaire::{self, campaign_not_found, window, Window},
    services::answers::{self, AnswerError, Entry, SubmitAnswer, Submitted},
    state::AppState,
    storage::{self, volunteers::NewVolunteer},
};

pub(crate) const MAX_NAME: usize = 120;
pub(crate) const MAX_AVAILABILITY: usize = 1_000;
pub(crate) const MAX_CONSENT_TEXT: usize = 2_000;
const MAX_THEMES: usize = 20;

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
              (status = 429, body = solidarites_api_types::ErrorResponse)))]
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
    answers::submit(&state.db, &state.territory.current(), command)
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
    let territory = state.territory.current();
    let allowed_themes = storage::themes::active_slugs(&state.db).await?;
    let new = parse_volunteer(&body, |c| territory.index.get(c).is_some(), &allowed_themes)
        .map_err(|fields| ApiError::Validation {
            code: ErrorCode::InvalidVolunteer,
            message: fields.get("consent").cloned().unwrap_or_else(|| {
                "L'inscription ne peut pas être enregistrée : corrigez les champs signalés."
                    .to_owned()
            }),
            fields,
        })?;
    storage::volunteers::create(&state.db, new, Utc::now()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreateVolunteerResponse { received: true }))
}

fn parse_volunteer(
    body: &CreateVolunteerRequest,
    is_commune: impl Fn(&InseeCode) -> bool,
    allowed_themes: &HashSet<String>,
) -> Result<NewVolunteer, BTreeMap<String, String>> {
    let mut fields = BTreeMap::new();
    let mut err = |k: &str, m: &str| {
        fields.insert(k.to_owned(), m.to_owned());
    };
    if !body.consent {
        err(
            "consent",
            "Votre accord est nécessaire pour que nous conservions vos coordonnées.",
        );
    }
    let name = body.name.trim().to_owned();
    if name.is_empty() {
        err("name", "Indiquez votre nom.");
    } else if name.chars().count() > MAX_NAME {
        err("name", "Le nom est trop long (120 caractères au plus).");
    }
    let blank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let email = match blank(&body.email).map(|e| Email::parse(&e)) {
        None => None,
        Some(Ok(e)) => Some(e.as_str().to_owned()),
        Some(Err(_)) => {
            err("email", "Cette adresse électronique n'est pas valide.");
            None
        }
    };
    let phone = match blank(&body.phone).map(|p| FrenchPhone::parse(&p)) {
        None => None,
        Some(Ok(p)) => Some(p.as_str().to_owned()),
        Some(Err(_)) => {
            err("phone", "Ce numéro de téléphone n'est pas valide.");
            None
        }
    };
    if blank(&body.email).is_none() && blank(&body.phone).is_none() {
        err(
            "email",
            "Indiquez une adresse électronique ou un numéro de téléphone.",
        );
    }
    let commune = InseeCode::parse(body.commune.trim())
        .ok()
        .filter(|c| is_commune(c));
    if commune.is_none() {
        err("commune", "Choisissez une commune du territoire.");
    }
    let availability = body.availability.trim().to_owned();
    if availability.chars().count() > MAX_AVAILABILITY {
        err(
            "availability",
            "Les disponibilités sont trop longues (1 000 caractères au plus).",
        );
    }
    let mut themes: Vec<String> = Vec::new();
    for t in &body.themes {
        let t = t.trim();
        if !allowed_themes.contains(t) {
            err("themes", "Un des thèmes choisis n'existe pas.");
        } else if !themes.iter().any(|x| x == t) {
            themes.push(t.to_owned());
        }
    }
    if themes.len() > MAX_THEMES {
        err("themes", "Trop de thèmes choisis.");
    }
    let consent_text = body.consent_text.trim().to_owned();
    if body.consent && consent_text.is_empty() {
        err("consent_text", "Le texte de l'accord donné est manquant.");
    } else if consent_text.chars().count() > MAX_CONSENT_TEXT {
        err("consent_text", "Le texte de l'accord est trop long.");
    }
    match (commune, fields.is_empty()) {
        (Some(commune), true) => Ok(NewVolunteer {
            name,
            email,
            phone,
            commune_code: commune.as_str().to_owned(),
            availability,
            themes,
            consent_text,
        }),
        _ => Err(fields),
    }
}
