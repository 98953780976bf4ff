//! Label grants for staff: the grants of one label with their expiry, and the renewal
//! list (grants in force expiring within N days, across labels). Moderators and up.

use actix_web::{get, http::header, web, HttpResponse};
use solidarites_api_types::{AdminLabelGrantListResponse, AdminLabelGrantResponse};

use super::{
    carte_query::{invalid_query, single, Pairs},
    initiatives::today,
    paging::{parse_paging, Paging},
};
use crate::{
    auth::{Role, StaffUser},
    error::ApiError,
    state::AppState,
    storage::{
        self,
        labels::{GrantQuery, GrantRow},
    },
    submission::FieldErrors,
};

const DEFAULT_PER_PAGE: u64 = 50;
const MAX_PER_PAGE: u64 = 200;
/// The renewal list looks this many days ahead unless asked otherwise, and at most.
const DEFAULT_EXPIRING_DAYS: i64 = 30;
const MAX_EXPIRING_DAYS: i64 = 366;

fn grant_response(row: GrantRow, today: chrono::NaiveDate) -> AdminLabelGrantResponse {
    let days_left = (row.grant.expires_on - today).num_days();
    AdminLabelGrantResponse {
        id: row.grant.id.to_string(),
        label: row.label.slug,
        label_name: row.label.name,
        actor_id: row.grant.actor_id.map(|id| id.to_string()),
        initiative_id: row.grant.initiative_id.map(|id| id.to_string()),
        holder_name: row.holder_name,
        granted_at: row.grant.granted_at.to_rfc3339(),
        expires_on: row.grant.expires_on.to_string(),
        days_left,
        expired: days_left < 0,
        revoked: row.grant.revoked_at.is_some(),
    }
}

fn paging_of(pairs: &Pairs, errors: &mut FieldErrors) -> Paging {
    parse_paging(
        single(pairs, "page"),
        single(pairs, "per_page"),
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
        errors,
    )
}

async fn respond(
    state: &AppState,
    query: GrantQuery,
    paging: Paging,
    today: chrono::NaiveDate,
) -> Result<HttpResponse, ApiError> {
    let (rows, total) =
        storage::labels::grants_page(&state.db, query, paging.offset(), paging.per_page).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(AdminLabelGrantListResponse {
            grants: rows.into_iter().map(|r| grant_response(r, today)).collect(),
            page: paging.page,
            per_page: paging.per_page,
            total,
        }))
}

/// Every grant of a label (revoked and expired ones included, flagged), soonest expiry
/// first, one page at a time.
#[utoipa::path(get, path = "/api/v1/admin/labels/{slug}/grants", tag = "labels",
    params(("slug" = String, Path), ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = AdminLabelGrantListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/labels/{slug}/grants")]
#[tracing::instrument(skip_all)]
pub async fn list_label_grants(
    state: web::Data<AppState>,
    staff: StaffUser,
    slug: web::Path<String>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let mut errors = FieldErrors::new();
    let paging = paging_of(&query, &mut errors);
    if !errors.is_empty() {
        return Err(invalid_query(errors));
    }
    let label = storage::labels::find_by_slug(&state.db, slug.trim())
        .await?
        .ok_or_else(|| ApiError::NotFound("Ce label n'existe pas.".to_owned()))?;
    respond(&state, GrantQuery::OfLabel(label.id), paging, today()).await
}

/// The renewal list: grants in force (not revoked, not yet expired) whose last day is
/// within `within_days` days (default 30, at most 366), across labels, soonest first.
#[utoipa::path(get, path = "/api/v1/admin/label-grants", tag = "labels",
    params(("within_days" = Option<u32>, Query, description = "0 to 366, default 30"),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = AdminLabelGrantListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/label-grants")]
#[tracing::instrument(skip_all)]
pub async fn list_expiring_grants(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let mut errors = FieldErrors::new();
    let paging = paging_of(&query, &mut errors);
    let days = match single(&query, "within_days") {
        None => DEFAULT_EXPIRING_DAYS,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if (0..=MAX_EXPIRING_DAYS).contains(&n) => n,
            _ => {
                errors.insert(
                    "within_days".to_owned(),
                    format!(
                        "Le nombre de jours doit être un nombre entier entre 0 et \
                         {MAX_EXPIRING_DAYS}."
                    ),
                );
                DEFAULT_EXPIRING_DAYS
            }
        },
    };
    if !errors.is_empty() {
        return Err(invalid_query(errors));
    }
    let today = today();
    let until = today + chrono::Duration::days(days);
    respond(
        &state,
        GrantQuery::ExpiringBetween(today, until),
        paging,
        today,
    )
    .await
}
