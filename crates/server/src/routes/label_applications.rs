//! Applying for a label (anonymous, throttled like every public submission): one answer
//! per criterion of the label, for a published actor; the answer carries, once, the
//! private link where the applicant follows the application and may withdraw it.

use actix_web::{delete, get, http::header, post, web, HttpRequest, HttpResponse};
use solidarites_api_types::{
    CreateLabelApplicationRequest, CreateLabelApplicationResponse, CriterionAnswerResponse,
    LabelApplicationResponse,
};
use solidarites_domain::labels::{parse_application, ApplicationStatus};

use crate::{
    edit_token,
    error::{ApiError, ErrorCode},
    ids::ActorId,
    json_body::ApiJson,
    services::label_applications::{self as service, ApplicationError},
    state::AppState,
    storage::{self, label_applications::LabelApplication, Label},
    submission,
};

/// An application as its applicant and staff read it.
pub(super) fn application_response(
    app: &LabelApplication,
    label: Option<&Label>,
    actor_name: Option<&str>,
    current_expires_on: Option<chrono::NaiveDate>,
) -> LabelApplicationResponse {
    LabelApplicationResponse {
        id: app.id.to_string(),
        label: label.map(|l| l.slug.clone()).unwrap_or_default(),
        label_name: label.map(|l| l.name.clone()).unwrap_or_default(),
        actor_id: app.actor_id.to_string(),
        actor_name: actor_name.unwrap_or_default().to_owned(),
        status: app.status.clone(),
        answers: storage::label_applications::answers_of(app)
            .into_iter()
            .map(|a| CriterionAnswerResponse {
                criterion: a.criterion,
                answer: a.answer,
            })
            .collect(),
        attachment_url: app.attachment_url.clone(),
        created_at: app.created_at.to_rfc3339(),
        decided_at: app.decided_at.map(|t| t.to_rfc3339()),
        refusal_reason: app.refusal_reason.clone(),
        granted_until: app.granted_until.map(|d| d.to_string()),
        has_email: app.notify_email.is_some(),
        current_expires_on: current_expires_on.map(|d| d.to_string()),
    }
}

/// One application with its label, actor and the actor's current grant of the label.
pub(super) async fn full_response(
    state: &AppState,
    app: &LabelApplication,
) -> Result<LabelApplicationResponse, ApiError> {
    let label = storage::labels::find(&state.db, app.label_id).await?;
    let actor = storage::actors::by_ids(&state.db, [app.actor_id])
        .await?
        .remove(&app.actor_id);
    let grant = storage::labels::actor_grant(&state.db, app.label_id, app.actor_id).await?;
    Ok(application_response(
        app,
        label.as_ref(),
        actor.as_ref().map(|a| a.name.as_str()),
        grant.map(|g| g.expires_on),
    ))
}

pub(super) fn label_not_found() -> ApiError {
    ApiError::NotFound("Ce label n'existe pas.".to_owned())
}

fn unknown_link() -> ApiError {
    ApiError::NotFound("Ce lien de candidature est inconnu.".to_owned())
}

/// Applies for the label `slug` on behalf of a published actor. It waits for the
/// committee; the answer carries, once, the private link.
#[utoipa::path(post, path = "/api/v1/labels/{slug}/applications", tag = "labels",
    params(("slug" = String, Path)), request_body = CreateLabelApplicationRequest,
    responses((status = 201, body = CreateLabelApplicationResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, description = "Each bad field named", body = solidarites_api_types::ErrorResponse),
              (status = 429, description = "Too many submissions from this address; see Retry-After", body = solidarites_api_types::ErrorResponse)))]
#[post("/labels/{slug}/applications")]
#[tracing::instrument(skip_all)]
pub async fn create_label_application(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: ApiJson<CreateLabelApplicationRequest>,
) -> Result<HttpResponse, ApiError> {
    super::questionnaire::throttle(&state, &req)?;
    let label = storage::labels::find_by_slug(&state.db, slug.trim())
        .await?
        .ok_or_else(label_not_found)?;
    let criteria = storage::labels::criteria_of(&label);
    let parsed = parse_application(&body, &criteria);
    let actor = match body
        .actor_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Err("Choisissez l'acteur qui candidate."),
        Some(raw) => super::actors::published_actor(&state, raw)
            .await?
            .map(ActorId::uuid)
            .ok_or("Cet acteur n'existe pas ou n'est pas publié."),
    };
    let (draft, actor_id) = match (parsed, actor) {
        (Ok(draft), Ok(actor)) => (draft, actor),
        (parsed, actor) => {
            let mut errors = parsed.err().map(|e| e.0).unwrap_or_default();
            if let Err(message) = actor {
                errors.insert("actor_id".to_owned(), message.to_owned());
            }
            return Err(submission::invalid(errors));
        }
    };
    let token = edit_token::generate();
    let id = service::apply(
        &state.db,
        label.id,
        actor_id,
        &draft,
        &edit_token::hash(&token),
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreateLabelApplicationResponse {
            id: id.to_string(),
            status: ApplicationStatus::Pending.as_str().to_owned(),
            private_url: service::private_path(&token),
            private_token: token,
        }))
}

/// The application of a private link: its answers, status and the decision.
#[utoipa::path(get, path = "/api/v1/label-applications/{token}", tag = "labels",
    params(("token" = String, Path)),
    responses((status = 200, body = LabelApplicationResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/label-applications/{token}")]
#[tracing::instrument(skip_all)]
pub async fn get_label_application_by_token(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let app = storage::label_applications::find_by_token_hash(&state.db, &edit_token::hash(&token))
        .await?
        .ok_or_else(unknown_link)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(full_response(&state, &app).await?))
}

/// Withdraws the pending application of a private link; 409 once decided.
#[utoipa::path(delete, path = "/api/v1/label-applications/{token}", tag = "labels",
    params(("token" = String, Path)),
    responses((status = 200, body = LabelApplicationResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse)))]
#[delete("/label-applications/{token}")]
#[tracing::instrument(skip_all)]
pub async fn withdraw_label_application_by_token(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let app = service::withdraw(&state.db, &edit_token::hash(&token))
        .await
        .map_err(|e| application_error(e, unknown_link))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(full_response(&state, &app).await?))
}

/// A refused change of an application: 404, 409 (decided, already invited, nobody to
/// invite) or the database.
pub(super) fn application_error(err: ApplicationError, not_found: fn() -> ApiError) -> ApiError {
    match err {
        ApplicationError::NotFound => not_found(),
        ApplicationError::Closed => ApiError::Conflict {
            code: ErrorCode::InvalidState,
            message: "Cette candidature a déjà été traitée ou retirée.".to_owned(),
        },
        ApplicationError::NoAddress => ApiError::Conflict {
            code: ErrorCode::NoContactAddress,
            message: "Aucune adresse e-mail n'a été laissée avec consentement pour ce label : \
                      impossible d'inviter à renouveler."
                .to_owned(),
        },
        ApplicationError::AlreadyInvited => ApiError::Conflict {
            code: ErrorCode::AlreadyInvited,
            message: "Une invitation à renouveler a déjà été envoyée pour cette période."
                .to_owned(),
        },
        ApplicationError::Db(e) => e.into(),
    }
}
