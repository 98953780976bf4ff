//! Label applications in the staff console: the list (pending first by default) and one
//! application with the criteria next to the answers, for the committee and every staff
//! role above it; approving (until a day in the future) or refusing (with a reason); the
//! invitation to renew a grant near its end (moderators, who keep the renewal list); the
//! criteria of a label (administrators, who define labels).

use actix_web::{get, http::header, post, put, web, HttpResponse};
use solidarites_api_types::{
    ApproveLabelApplicationRequest, LabelApplicationListResponse, LabelApplicationResponse,
    LabelResponse, RefuseLabelApplicationRequest, RenewalInvitationResponse,
    UpdateLabelCriteriaRequest,
};
use solidarites_domain::labels::{
    parse_criteria, parse_expiry, parse_refusal_reason, ApplicationStatus,
};
use uuid::Uuid;

use super::{
    carte_query::{invalid_query, single, Pairs},
    initiatives::today,
    label_applications::{application_error, application_response, full_response, label_not_found},
    labels::label_response,
    paging::parse_paging_pairs,
};
use crate::{
    auth::{Role, StaffUser},
    error::ApiError,
    json_body::ApiJson,
    services::label_applications as service,
    state::AppState,
    storage,
    submission::{invalid, FieldErrors},
};

const DEFAULT_PER_PAGE: u64 = 20;
const MAX_PER_PAGE: u64 = 100;

fn not_found() -> ApiError {
    ApiError::NotFound("Cette candidature n'existe pas.".to_owned())
}

fn grant_not_found() -> ApiError {
    ApiError::NotFound("Cette attribution de label n'existe pas.".to_owned())
}

fn parse_id(raw: &str, missing: fn() -> ApiError) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw.trim()).map_err(|_| missing())
}

/// Applications with `status` (`pending` by default; `all` for every one), oldest first.
#[utoipa::path(get, path = "/api/v1/admin/label-applications", tag = "labels",
    params(("status" = Option<String>, Query, description = "pending (default), approved, refused, withdrawn or all"),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = LabelApplicationListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/label-applications")]
#[tracing::instrument(skip_all)]
pub async fn list_label_applications(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let mut errors = FieldErrors::new();
    let paging = parse_paging_pairs(&query, DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    let status = match single(&query, "status").unwrap_or("pending") {
        "all" => None,
        raw => match ApplicationStatus::parse(raw) {
            Some(s) => Some(s),
            None => {
                errors.insert(
                    "status".to_owned(),
                    "Statut attendu : pending, approved, refused, withdrawn ou all.".to_owned(),
                );
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(invalid_query(errors));
    }
    let (rows, total) =
        storage::label_applications::page(&state.db, status, paging.offset(), paging.per_page)
            .await?;
    let labels = storage::labels::list(&state.db).await?;
    let actors = storage::actors::by_ids(&state.db, rows.iter().map(|r| r.actor_id)).await?;
    let applications = rows
        .iter()
        .map(|app| {
            application_response(
                app,
                labels.iter().find(|l| l.id == app.label_id),
                actors.get(&app.actor_id).map(|a| a.name.as_str()),
                None,
            )
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(LabelApplicationListResponse {
            applications,
            page: paging.page,
            per_page: paging.per_page,
            total,
        }))
}

/// One application: the criteria next to the answers, the attachment link, the actor's
/// current grant of the label.
#[utoipa::path(get, path = "/api/v1/admin/label-applications/{id}", tag = "labels",
    params(("id" = String, Path)),
    responses((status = 200, body = LabelApplicationResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/label-applications/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_label_application(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let id = parse_id(&id, not_found)?;
    let app = storage::label_applications::find(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(full_response(&state, &app).await?))
}

/// Approves a pending application: the actor holds the label until `expires_on` (its
/// grant created or extended); the applicant is told by e-mail when they left an address.
#[utoipa::path(post, path = "/api/v1/admin/label-applications/{id}/approve", tag = "labels",
    params(("id" = String, Path)), request_body = ApproveLabelApplicationRequest,
    responses((status = 200, body = LabelApplicationResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/label-applications/{id}/approve")]
#[tracing::instrument(skip_all)]
pub async fn approve_label_application(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<ApproveLabelApplicationRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let id = parse_id(&id, not_found)?;
    let expires_on = parse_expiry(body.expires_on.as_deref(), today()).map_err(|e| invalid(e.0))?;
    let decided = service::approve(&state.db, &state.settings, &staff, id, expires_on)
        .await
        .map_err(|e| application_error(e, not_found))?;
    Ok(HttpResponse::Ok().json(full_response(&state, &decided.application).await?))
}

/// Refuses a pending application with a reason, which the applicant reads (and receives
/// by e-mail when they left an address).
#[utoipa::path(post, path = "/api/v1/admin/label-applications/{id}/refuse", tag = "labels",
    params(("id" = String, Path)), request_body = RefuseLabelApplicationRequest,
    responses((status = 200, body = LabelApplicationResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/label-applications/{id}/refuse")]
#[tracing::instrument(skip_all)]
pub async fn refuse_label_application(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<RefuseLabelApplicationRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let id = parse_id(&id, not_found)?;
    let reason = parse_refusal_reason(body.reason.as_deref()).map_err(|e| invalid(e.0))?;
    let decided = service::refuse(&state.db, &state.settings, &staff, id, &reason)
        .await
        .map_err(|e| application_error(e, not_found))?;
    Ok(HttpResponse::Ok().json(full_response(&state, &decided.application).await?))
}

/// Invites the holder of a grant to renew it, at the address its last applicant left with
/// consent: once per grant period (409 `already_invited` after; 409 `no_contact_address`
/// when there is none).
#[utoipa::path(post, path = "/api/v1/admin/label-grants/{id}/renewal-invitation", tag = "labels",
    params(("id" = String, Path)),
    responses((status = 200, body = RenewalInvitationResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/label-grants/{id}/renewal-invitation")]
#[tracing::instrument(skip_all)]
pub async fn invite_label_renewal(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let id = super::parse_id(id.trim(), grant_not_found)?;
    let invited_at = service::invite_renewal(&state.db, &state.settings, &staff, id)
        .await
        .map_err(|e| application_error(e, grant_not_found))?;
    Ok(HttpResponse::Ok().json(RenewalInvitationResponse {
        invited_at: invited_at.to_rfc3339(),
    }))
}

/// Replaces a label's criteria (an ordered list; administrators). Applications already
/// sent keep the criteria they answered.
#[utoipa::path(put, path = "/api/v1/admin/labels/{slug}/criteria", tag = "labels",
    params(("slug" = String, Path)), request_body = UpdateLabelCriteriaRequest,
    responses((status = 200, body = LabelResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/admin/labels/{slug}/criteria")]
#[tracing::instrument(skip_all)]
pub async fn update_label_criteria(
    state: web::Data<AppState>,
    staff: StaffUser,
    slug: web::Path<String>,
    body: ApiJson<UpdateLabelCriteriaRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let label = storage::labels::find_by_slug(&state.db, slug.trim())
        .await?
        .ok_or_else(label_not_found)?;
    let criteria = parse_criteria(&body).map_err(|e| invalid(e.0))?;
    let updated = service::set_criteria(&state.db, &staff, label.id, &criteria)
        .await
        .map_err(|e| application_error(e, label_not_found))?;
    Ok(HttpResponse::Ok().json(label_response(&updated)))
}
