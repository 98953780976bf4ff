//! Labels for staff: defining them (administrators), granting and revoking them, the
//! grants of one label with their expiry, and the renewal list (grants in force expiring
//! within N days, across labels). Moderators and up.

use std::collections::HashSet;

use actix_web::{delete, get, http::header, post, web, HttpResponse};
use chrono::NaiveDate;
use solidarites_api_types::{
    AdminLabelGrantListResponse, AdminLabelGrantResponse, CreateLabelRequest, GrantLabelRequest,
    LabelGrantResponse, LabelListResponse, LabelResponse,
};
use uuid::Uuid;

use super::{
    admin_carte::{carte_error, parse_name, parse_slug},
    carte_query::{invalid_query, parse_query, single, Pairs},
    initiatives::today,
    paging::{parse_paging_pairs, Paging},
};
use crate::{
    auth::{Role, StaffUser},
    error::ApiError,
    json_body::ApiJson,
    services::carte::{self, GrantTarget},
    state::AppState,
    storage::{
        self,
        labels::{GrantQuery, GrantRow},
    },
    submission::{invalid, FieldErrors},
};

const DEFAULT_PER_PAGE: u64 = 50;
const MAX_PER_PAGE: u64 = 200;
/// The renewal list looks at most this many days ahead (by default, the configured
/// `--label-renewal-days`).
const MAX_EXPIRING_DAYS: i64 = 366;

fn grant_response(
    row: GrantRow,
    today: chrono::NaiveDate,
    with_address: &HashSet<(Uuid, Uuid)>,
) -> AdminLabelGrantResponse {
    let days_left = (row.grant.expires_on - today).num_days();
    let can_invite = row.grant.renewal_invited_at.is_none()
        && row.grant.revoked_at.is_none()
        && row
            .grant
            .actor_id
            .is_some_and(|actor| with_address.contains(&(row.grant.label_id, actor)));
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
        renewal_invited_at: row.grant.renewal_invited_at.map(|t| t.to_rfc3339()),
        can_invite,
    }
}

fn paging_of(pairs: &Pairs, errors: &mut FieldErrors) -> Paging {
    parse_paging_pairs(pairs, DEFAULT_PER_PAGE, MAX_PER_PAGE, errors)
}

async fn respond(
    state: &AppState,
    query: GrantQuery,
    paging: Paging,
    today: chrono::NaiveDate,
) -> Result<HttpResponse, ApiError> {
    let (rows, total) =
        storage::labels::grants_page(&state.db, query, paging.offset(), paging.per_page).await?;
    let actors: Vec<Uuid> = rows.iter().filter_map(|r| r.grant.actor_id).collect();
    let with_address: HashSet<(Uuid, Uuid)> =
        storage::label_applications::pairs_with_address(&state.db, actors)
            .await?
            .into_iter()
            .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(AdminLabelGrantListResponse {
            grants: rows
                .into_iter()
                .map(|r| grant_response(r, today, &with_address))
                .collect(),
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
    let paging = parse_query(|errors| paging_of(&query, errors))?;
    let label = storage::labels::find_by_slug(&state.db, slug.trim())
        .await?
        .ok_or_else(|| ApiError::NotFound("Ce label n'existe pas.".to_owned()))?;
    respond(&state, GrantQuery::OfLabel(label.id), paging, today()).await
}

/// The renewal list: grants in force (not revoked, not yet expired) whose last day is
/// within `within_days` days (default `--label-renewal-days`, 60 unless configured; at most
/// 366), across labels, soonest first, each with whether its holder can be invited to renew.
#[utoipa::path(get, path = "/api/v1/admin/label-grants", tag = "labels",
    params(("within_days" = Option<u32>, Query, description = "0 to 366, default the configured renewal window (60)"),
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
    let default_days = i64::from(state.settings.label_renewal_days);
    let days = match single(&query, "within_days") {
        None => default_days,
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
                default_days
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

fn label_grant_response(g: &storage::LabelGrant, slug: &str) -> LabelGrantResponse {
    LabelGrantResponse {
        id: g.id.to_string(),
        label: slug.to_owned(),
        actor_id: g.actor_id.map(|i| i.to_string()),
        initiative_id: g.initiative_id.map(|i| i.to_string()),
        expires_on: g.expires_on.to_string(),
        revoked: g.revoked_at.is_some(),
    }
}

/// Every label.
#[utoipa::path(get, path = "/api/v1/admin/labels", tag = "labels",
    responses((status = 200, body = LabelListResponse)))]
#[get("/admin/labels")]
#[tracing::instrument(skip_all)]
pub async fn list_labels(
    state: web::Data<AppState>,
    staff: StaffUser,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let labels = storage::labels::list(&state.db).await?;
    Ok(HttpResponse::Ok().json(LabelListResponse {
        labels: labels.iter().map(super::labels::label_response).collect(),
    }))
}

/// Defines a label (administrators).
#[utoipa::path(post, path = "/api/v1/admin/labels", tag = "labels", request_body = CreateLabelRequest,
    responses((status = 201, body = LabelResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/labels")]
#[tracing::instrument(skip_all)]
pub async fn create_label(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<CreateLabelRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let mut errors = FieldErrors::new();
    let slug = parse_slug(body.slug.as_deref(), &mut errors);
    let name = parse_name(body.name.as_deref(), "name", 120, &mut errors);
    let criteria = body
        .criteria
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if criteria.chars().count() > 5000 {
        errors.insert(
            "criteria".to_owned(),
            "5 000 caractères au plus.".to_owned(),
        );
    }
    let (Some(slug), Some(name), true) = (slug, name, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let created = carte::create_label(&state.db, &staff, &slug, &name, &criteria)
        .await
        .map_err(|e| carte_error(e, "Un label porte déjà cet identifiant.", ""))?;
    Ok(HttpResponse::Created().json(super::labels::label_response(&created)))
}

/// Grants a label to an actor or an initiative until a date (moderators).
#[utoipa::path(post, path = "/api/v1/admin/labels/{slug}/grants", tag = "labels",
    params(("slug" = String, Path)), request_body = GrantLabelRequest,
    responses((status = 201, body = LabelGrantResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/labels/{slug}/grants")]
#[tracing::instrument(skip_all)]
pub async fn grant_label(
    state: web::Data<AppState>,
    staff: StaffUser,
    slug: web::Path<String>,
    body: ApiJson<GrantLabelRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let label = storage::labels::find_by_slug(&state.db, &slug)
        .await?
        .ok_or_else(|| ApiError::NotFound("Ce label n'existe pas.".to_owned()))?;
    let mut errors = FieldErrors::new();
    let parse_id = |raw: &Option<String>| raw.as_deref().map(|s| Uuid::parse_str(s.trim()));
    let target = match (parse_id(&body.actor_id), parse_id(&body.initiative_id)) {
        (Some(Ok(id)), None) => {
            if storage::actors::by_ids(&state.db, [id]).await?.is_empty() {
                errors.insert("actor_id".to_owned(), "Cet acteur n'existe pas.".to_owned());
            }
            Some(GrantTarget::Actor(id))
        }
        (None, Some(Ok(id))) => {
            if storage::initiatives::exists(&state.db, id.into()).await? {
                Some(GrantTarget::Initiative(id))
            } else {
                errors.insert(
                    "initiative_id".to_owned(),
                    "Cette initiative n'existe pas.".to_owned(),
                );
                None
            }
        }
        (Some(Err(_)), _) => {
            errors.insert("actor_id".to_owned(), "Identifiant invalide.".to_owned());
            None
        }
        (_, Some(Err(_))) => {
            errors.insert(
                "initiative_id".to_owned(),
                "Identifiant invalide.".to_owned(),
            );
            None
        }
        _ => {
            errors.insert(
                "actor_id".to_owned(),
                "Donnez soit un acteur, soit une initiative.".to_owned(),
            );
            None
        }
    };
    let expires_on = match body
        .expires_on
        .as_deref()
        .map(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d"))
    {
        Some(Ok(d)) if d >= today() => Some(d),
        Some(Ok(_)) => {
            errors.insert(
                "expires_on".to_owned(),
                "La date d'expiration est passée.".to_owned(),
            );
            None
        }
        _ => {
            errors.insert(
                "expires_on".to_owned(),
                "Date d'expiration attendue (AAAA-MM-JJ).".to_owned(),
            );
            None
        }
    };
    let (Some(target), Some(expires_on), true) = (target, expires_on, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let grant = carte::grant_label(&state.db, &staff, label.id, target, expires_on)
        .await
        .map_err(|e| carte_error(e, "", "Ce label n'existe pas."))?;
    Ok(HttpResponse::Created().json(label_grant_response(&grant, &label.slug)))
}

/// Revokes a grant (moderators).
#[utoipa::path(delete, path = "/api/v1/admin/label-grants/{id}", tag = "labels",
    params(("id" = String, Path)),
    responses((status = 200, body = LabelGrantResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[delete("/admin/label-grants/{id}")]
#[tracing::instrument(skip_all)]
pub async fn revoke_label_grant(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let not_found = || ApiError::NotFound("Cette attribution de label n'existe pas.".to_owned());
    let id = super::parse_id(&id, not_found)?;
    let after = carte::revoke_grant(&state.db, &staff, id)
        .await
        .map_err(|e| carte_error(e, "", "Cette attribution de label n'existe pas."))?;
    let slug = storage::labels::list(&state.db)
        .await?
        .into_iter()
        .find(|l| l.id == after.label_id)
        .map(|l| l.slug)
        .unwrap_or_default();
    Ok(HttpResponse::Ok().json(label_grant_response(&after, &slug)))
}
