//! Listings kept current, for staff: the published initiatives, actors and events not confirmed
//! for the period (flagged, then hidden), and bulk confirmation or archiving. Moderators
//! and administrators; every change audited.

use actix_web::{get, http::header, post, web, HttpResponse};
use solidarites_api_types::{
    CommuneRef, StaleBulkRequest, StaleBulkResponse, StaleListResponse, StaleListingResponse,
};
use solidarites_domain::{
    freshness::ListingKind,
    time::{paris_midnight, today_in_paris},
    InseeCode,
};
use uuid::Uuid;

use super::{
    admin_moderation::moderation_error,
    carte_query::{parse_query, single, Pairs},
    paging::parse_paging_pairs,
};
use crate::{
    auth::{Role, StaffUser},
    error::ApiError,
    json_body::ApiJson,
    services::{
        self,
        freshness::{BulkError, Listing},
        moderation::Decision,
    },
    state::AppState,
    storage,
    submission::{invalid, FieldErrors},
};

const DEFAULT_PER_PAGE: u64 = 50;
const MAX_PER_PAGE: u64 = 200;
/// Most listings one bulk action takes.
pub const MAX_BULK: usize = 500;

/// `kind`: `initiative`, `actor` or `event`; absent for all.
fn parse_kind(pairs: &Pairs, errors: &mut FieldErrors) -> Vec<ListingKind> {
    match single(pairs, "kind") {
        None => ListingKind::ALL.to_vec(),
        Some(raw) => match ListingKind::parse(raw) {
            Some(kind) => vec![kind],
            None => {
                errors.insert(
                    "kind".to_owned(),
                    "Type attendu : « initiative », « actor » ou « event ».".to_owned(),
                );
                Vec::new()
            }
        },
    }
}

/// Published listings not confirmed for the period (`--stale-after-days`): those still
/// public (`flagged`: their submitter was asked to confirm) and those hidden from the
/// public, least recently confirmed first.
#[utoipa::path(get, path = "/api/v1/admin/stale", tag = "moderation",
    params(("kind" = Option<String>, Query, description = "initiative, actor or event (default all)"),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query, description = "1 to 200, default 50")),
    responses((status = 200, body = StaleListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/stale")]
#[tracing::instrument(skip_all)]
pub async fn list_stale(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let (kinds, paging) = parse_query(|errors| {
        (
            parse_kind(&query, errors),
            parse_paging_pairs(&query, DEFAULT_PER_PAGE, MAX_PER_PAGE, errors),
        )
    })?;
    let policy = state.settings.freshness;
    let today = state.settings.clock.today();
    let before = paris_midnight(policy.fresh_since(today));
    // Stale listings are few (those not confirmed for a year): read them whole and page
    // in memory, so that both kinds share one order.
    let mut rows = Vec::new();
    for kind in kinds {
        rows.extend(storage::freshness::stale(&state.db, kind, before).await?);
    }
    rows.sort_by(|a, b| {
        a.last_confirmed_at
            .cmp(&b.last_confirmed_at)
            .then(a.id.cmp(&b.id))
    });
    let total = rows.len() as u64;
    let territory = state.territory.current();
    let items = rows
        .into_iter()
        .skip(usize::try_from(paging.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(paging.per_page).unwrap_or(usize::MAX))
        .map(|row| {
            let confirmed_on = row.last_confirmed_at.map(today_in_paris);
            let freshness = confirmed_on
                .map_or(solidarites_domain::freshness::Freshness::Hidden, |on| {
                    policy.freshness(on, today)
                });
            StaleListingResponse {
                kind: row.kind.as_str().to_owned(),
                id: row.id.to_string(),
                title: row.title,
                commune: row.commune_code.map(|code| {
                    let name = InseeCode::parse(&code)
                        .ok()
                        .and_then(|c| territory.index.get(&c).map(|c| c.name.clone()))
                        .unwrap_or_default();
                    CommuneRef { code, name }
                }),
                freshness: freshness.as_str().to_owned(),
                last_confirmed_at: row.last_confirmed_at.map(|t| t.to_rfc3339()),
                flagged_at: row.stale_flagged_at.map(|t| t.to_rfc3339()),
                hidden_from: confirmed_on.map(|on| policy.hidden_from(on).to_string()),
            }
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(StaleListResponse {
            items,
            page: paging.page,
            per_page: paging.per_page,
            total,
            flag_after_days: policy.flag_after_days,
            hide_after_flag_days: policy.hide_after_flag_days,
        }))
}

/// The listings of a bulk request, or every bad item named (`items[2].kind`, …).
fn parse_items(body: &StaleBulkRequest) -> Result<Vec<Listing>, ApiError> {
    let mut errors = FieldErrors::new();
    if body.items.is_empty() {
        errors.insert(
            "items".to_owned(),
            "Choisissez au moins une fiche.".to_owned(),
        );
    } else if body.items.len() > MAX_BULK {
        errors.insert(
            "items".to_owned(),
            format!("{MAX_BULK} fiches au plus par lot."),
        );
    }
    let mut listings = Vec::with_capacity(body.items.len());
    for (i, item) in body.items.iter().enumerate().take(MAX_BULK) {
        let kind = ListingKind::parse(item.kind.trim());
        if kind.is_none() {
            errors.insert(
                format!("items[{i}].kind"),
                "Type attendu : « initiative », « actor » ou « event ».".to_owned(),
            );
        }
        let id = Uuid::parse_str(item.id.trim()).ok();
        if id.is_none() {
            errors.insert(format!("items[{i}].id"), "Identifiant invalide.".to_owned());
        }
        if let (Some(kind), Some(id)) = (kind, id) {
            let listing = Listing { kind, id };
            if !listings.contains(&listing) {
                listings.push(listing);
            }
        }
    }
    if errors.is_empty() {
        Ok(listings)
    } else {
        Err(invalid(errors))
    }
}

/// The 422 naming the listings that do not exist.
fn unknown_listings(unknown: &[Listing]) -> ApiError {
    invalid(FieldErrors::from([(
        "items".to_owned(),
        format!("Fiches inconnues : {}.", named(unknown)),
    )]))
}

fn named(listings: &[Listing]) -> String {
    listings
        .iter()
        .map(|l| format!("{} {}", l.kind.as_str(), l.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Confirms that the listings are current (all or none): each is public again for a full
/// period, and its flag is cleared. Audited as `freshness.confirm`.
#[utoipa::path(post, path = "/api/v1/admin/stale/confirm", tag = "moderation",
    request_body = StaleBulkRequest,
    responses((status = 200, body = StaleBulkResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 409, description = "A listing is not published", body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/stale/confirm")]
#[tracing::instrument(skip_all)]
pub async fn confirm_stale(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<StaleBulkRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let listings = parse_items(&body)?;
    let changed = match services::freshness::confirm_by_staff(
        &state.db,
        &staff,
        &listings,
        state.settings.clock.now(),
    )
    .await
    {
        Ok(n) => n,
        Err(BulkError::Unknown(unknown)) => return Err(unknown_listings(&unknown)),
        Err(BulkError::NotPublished(listings)) => {
            return Err(ApiError::Conflict {
                code: crate::error::ErrorCode::InvalidState,
                message: format!(
                    "Seules les fiches publiées peuvent être confirmées : {}.",
                    named(&listings)
                ),
            })
        }
        Err(BulkError::Db(err)) => return Err(err.into()),
    };
    state.refresh_map().await;
    Ok(HttpResponse::Ok().json(StaleBulkResponse {
        changed: changed as u64,
    }))
}

/// Archives the listings (all or none), as the moderation queue's archive decision does:
/// they leave the public pages for good (never deleted). Audited as `moderation.archive`.
#[utoipa::path(post, path = "/api/v1/admin/stale/archive", tag = "moderation",
    request_body = StaleBulkRequest,
    responses((status = 200, body = StaleBulkResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/stale/archive")]
#[tracing::instrument(skip_all)]
pub async fn archive_stale(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<StaleBulkRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let listings = parse_items(&body)?;
    // The moderation decision finds an item by id alone: check each is of its kind.
    let mut unknown = Vec::new();
    for listing in &listings {
        if !storage::freshness::exists(&state.db, listing.kind, listing.id).await? {
            unknown.push(*listing);
        }
    }
    if !unknown.is_empty() {
        return Err(unknown_listings(&unknown));
    }
    let ids: Vec<Uuid> = listings.iter().map(|l| l.id).collect();
    let outcomes = services::moderation::decide_all(
        &state.db,
        &state.settings,
        &staff,
        &ids,
        &Decision::Archive,
    )
    .await
    .map_err(moderation_error)?;
    state.refresh_map().await;
    Ok(HttpResponse::Ok().json(StaleBulkResponse {
        changed: outcomes.len() as u64,
    }))
}
