//! `GET /api/v1/config`: the instance settings the web app needs (map tiles, territory
//! extent), so that one build of the app serves every instance.

use actix_web::{get, http::header, web, HttpResponse};
use solidarites_api_types::PublicConfigResponse;

use crate::state::AppState;

/// The map settings of this instance: tile layer (none when disabled) and the extent of
/// the territory.
#[utoipa::path(get, path = "/api/v1/config", tag = "system",
    responses((status = 200, body = PublicConfigResponse)))]
#[get("/config")]
#[tracing::instrument(skip_all)]
pub async fn get_public_config(state: web::Data<AppState>) -> HttpResponse {
    let settings = state.site();
    let territory_bbox = state
        .territory
        .current()
        .index
        .bbox()
        .map(|r| vec![r.min().x, r.min().y, r.max().x, r.max().y]);
    HttpResponse::Ok()
        // Short: a re-imported territory or new tile settings show within a minute.
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(PublicConfigResponse {
            tile_url: settings.tile_url.clone(),
            tile_attribution: if settings.tile_url.is_some() {
                settings.tile_attribution.clone()
            } else {
                String::new()
            },
            territory_bbox,
        })
}
