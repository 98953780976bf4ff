//! `GET/PUT /api/v1/admin/settings`: the settings administrators change without a restart
//! (see [`crate::site_settings`]). Administrators only; changes are audited.

use actix_web::{get, http::header, put, web, HttpResponse};
use solidarites_api_types::{
    AdminSettingsResponse, BoolSetting, IntegerSetting, NumberSetting, TextSetting,
    UpdateSettingsRequest,
};

use crate::{
    auth::{Role, StaffUser},
    error::{ApiError, ErrorCode},
    json_body::ApiJson,
    site_settings::{
        SettingsSnapshot, SiteSettings, StoredSettings, MAX_GAP_DISTANCE_KM, MAX_SECRECY_K,
        MAX_TILE_ATTRIBUTION_CHARS, MAX_TILE_URL_CHARS, MIN_GAP_DISTANCE_KM, MIN_SECRECY_K,
    },
    state::AppState,
    storage,
};

fn to_response(
    snapshot: &SettingsSnapshot,
    defaults: &SiteSettings,
    propagation_secs: u64,
) -> AdminSettingsResponse {
    let stored = &snapshot.stored.settings;
    let effective = &snapshot.effective;
    AdminSettingsResponse {
        public_results: BoolSetting {
            value: effective.public_results,
            default: defaults.public_results,
            stored: stored.public_results.is_some(),
        },
        secrecy_k: IntegerSetting {
            value: effective.secrecy_k,
            default: defaults.secrecy_k,
            stored: stored.secrecy_k.is_some(),
            min: MIN_SECRECY_K,
            max: MAX_SECRECY_K,
        },
        gap_distance_km: NumberSetting {
            value: effective.gap_distance_km,
            default: defaults.gap_distance_km,
            stored: stored.gap_distance_km.is_some(),
            min: MIN_GAP_DISTANCE_KM,
            max: MAX_GAP_DISTANCE_KM,
        },
        tile_url: TextSetting {
            value: effective.tile_url.clone().unwrap_or_default(),
            default: defaults.tile_url.clone().unwrap_or_default(),
            stored: stored.tile_url.is_some(),
            max_chars: MAX_TILE_URL_CHARS,
        },
        tile_attribution: TextSetting {
            value: effective.tile_attribution.clone(),
            default: defaults.tile_attribution.clone(),
            stored: stored.tile_attribution.is_some(),
            max_chars: MAX_TILE_ATTRIBUTION_CHARS,
        },
        revision: snapshot.stored.revision,
        updated_at: snapshot.stored.updated_at.map(|t| t.to_rfc3339()),
        propagation_secs,
    }
}

fn respond(state: &AppState) -> HttpResponse {
    let body = to_response(
        &state.site_settings.current(),
        state.site_settings.defaults(),
        state.settings.territory_refresh.as_secs(),
    );
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// The settings in force, each with its default and whether a value is stored.
#[utoipa::path(get, path = "/api/v1/admin/settings", tag = "admin",
    responses((status = 200, body = AdminSettingsResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/settings")]
#[tracing::instrument(skip_all)]
pub async fn get_settings(
    state: web::Data<AppState>,
    staff: StaffUser,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    // Read the database, not only our copy: another instance may have just changed them.
    state
        .site_settings
        .refresh(&state.db)
        .await
        .map_err(ApiError::Internal)?;
    Ok(respond(&state))
}

/// Replaces the stored settings (a `null` field goes back to the default). Validated (422
/// naming each bad field), audited as `settings.update` with before and after; in force
/// on this instance at once and on the others within `propagation_secs`.
#[utoipa::path(put, path = "/api/v1/admin/settings", tag = "admin",
    request_body = UpdateSettingsRequest,
    responses((status = 200, body = AdminSettingsResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/admin/settings")]
#[tracing::instrument(skip_all)]
pub async fn put_settings(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<UpdateSettingsRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let stored = StoredSettings::parse(&body).map_err(|fields| ApiError::Validation {
        code: ErrorCode::InvalidSettings,
        message: "Les réglages ne peuvent pas être enregistrés : corrigez les champs signalés."
            .to_owned(),
        fields,
    })?;
    let row = storage::site_settings::save(&state.db, &stored, &staff).await?;
    state.site_settings.install(row);
    Ok(respond(&state))
}
