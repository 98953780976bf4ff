//! Actors, for moderators: the date an actor signed the charter of reciprocal
//! commitments. The change and its audit line are made by [`crate::services::carte`].

use actix_web::{put, web, HttpResponse};
use chrono::NaiveDate;
use solidarites_api_types::ActorCharterRequest;

use super::admin_carte::carte_error;
use crate::{
    auth::{Role, StaffUser},
    error::ApiError,
    json_body::ApiJson,
    services::carte,
    state::AppState,
    submission::{invalid, FieldErrors},
};

/// Records when an actor signed the charter of reciprocal commitments (moderators); `null`
/// clears it. Shown on the public actor pages.
#[utoipa::path(put, path = "/api/v1/admin/actors/{id}/charter", tag = "actors",
    params(("id" = String, Path)), request_body = ActorCharterRequest,
    responses((status = 204),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/admin/actors/{id}/charter")]
#[tracing::instrument(skip_all)]
pub async fn set_actor_charter(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<ActorCharterRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let not_found = || ApiError::NotFound("Cet acteur n'existe pas.".to_owned());
    let id = super::parse_id(&id, not_found)?;
    let signed_at = match body.signed_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) if d <= super::initiatives::today() => {
                d.and_hms_opt(12, 0, 0).map(|t| t.and_utc())
            }
            _ => {
                return Err(invalid(FieldErrors::from([(
                    "signed_on".to_owned(),
                    "Date de signature attendue (AAAA-MM-JJ, pas dans le futur).".to_owned(),
                )])))
            }
        },
    };
    carte::set_charter(&state.db, &staff, id, signed_at)
        .await
        .map_err(|e| carte_error(e, "", "Cet acteur n'existe pas."))?;
    Ok(HttpResponse::NoContent().finish())
}
