use actix_web::{get, http::header, route, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use solidarites_api_types::{CommuneListResponse, CommuneResponse};
use solidarites_domain::{Commune, InseeCode};

use crate::error::ErrorCode;
use crate::{error::ApiError, search::fold, state::AppState};

pub fn to_response(c: &Commune) -> CommuneResponse {
    CommuneResponse {
        code: c.code.as_str().to_owned(),
        name: c.name.clone(),
        population: c.population,
        postal_codes: c.postal_codes.clone(),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CommuneQuery {
    /// Only the communes served by this postal code (5 digits).
    postal_code: Option<String>,
    /// Only the communes whose name contains these words (accents and case ignored).
    q: Option<String>,
}

/// The communes of the territory, sorted by INSEE code.
#[utoipa::path(get, path = "/api/v1/communes", tag = "communes", params(CommuneQuery),
    responses((status = 200, body = CommuneListResponse),
              (status = 422, description = "Invalid postal code", body = solidarites_api_types::ErrorResponse)))]
#[get("/communes")]
#[tracing::instrument(skip_all)]
pub async fn list_communes(
    state: web::Data<AppState>,
    query: web::Query<CommuneQuery>,
) -> Result<HttpResponse, ApiError> {
    let territory = state.territory.current();
    let communes = territory.index.communes();
    // Indexes into `communes`, so the folded names precomputed by the territory apply.
    let mut selected: Vec<usize> = match query.postal_code.as_deref() {
        Some(postal_code) => {
            let postal_code = postal_code.trim();
            if postal_code.len() != 5 || !postal_code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ApiError::field(
                    ErrorCode::InvalidPostalCode,
                    "postal_code",
                    "Le code postal doit comporter 5 chiffres.",
                ));
            }
            territory
                .by_postal_code
                .get(postal_code)
                .cloned()
                .unwrap_or_default()
        }
        None => (0..communes.len()).collect(),
    };
    if let Some(q) = query.q.as_deref() {
        let needle = fold(q);
        if !needle.is_empty() {
            selected.retain(|&i| {
                territory
                    .folded_names
                    .get(i)
                    .is_some_and(|name| name.contains(&needle))
            });
        }
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(CommuneListResponse {
            communes: selected
                .into_iter()
                .filter_map(|i| communes.get(i))
                .map(to_response)
                .collect(),
        }))
}

/// One commune by INSEE code.
#[utoipa::path(get, path = "/api/v1/communes/{code}", tag = "communes",
    params(("code" = String, Path, description = "INSEE code, e.g. 40192 or 2A004")),
    responses((status = 200, body = CommuneResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/communes/{code}")]
#[tracing::instrument(skip(state))]
pub async fn get_commune(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = InseeCode::parse(&code).map_err(|e| {
        ApiError::field(
            ErrorCode::InvalidCommuneCode,
            "code",
            format!("Code INSEE invalide : {e}"),
        )
    })?;
    let territory = state.territory.current();
    let commune = territory
        .index
        .get(&code)
        .ok_or_else(|| ApiError::NotFound(format!("Aucune commune {code} sur ce territoire.")))?;
    Ok(HttpResponse::Ok().json(to_response(commune)))
}

/// Commune boundaries simplified for display, as a GeoJSON FeatureCollection (WGS 84).
/// Cached with an `ETag`; answers `304 Not Modified` to a matching `If-None-Match`.
#[utoipa::path(get, path = "/api/v1/communes.geojson", tag = "communes",
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json"),
              (status = 304, description = "Not modified")))]
#[route("/communes.geojson", method = "GET", method = "HEAD")]
#[tracing::instrument(skip_all)]
pub async fn get_communes_geojson(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let territory = state.territory.current();
    let etag = territory.boundaries_etag.as_str();
    let cache_control = (
        header::CACHE_CONTROL,
        "public, max-age=300, must-revalidate",
    );
    if if_none_match_matches(&req, etag) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header(cache_control)
            .finish();
    }
    HttpResponse::Ok()
        .content_type("application/geo+json")
        .insert_header((header::ETAG, etag))
        .insert_header(cache_control)
        .body(territory.boundaries_geojson.clone())
}

/// `If-None-Match` uses weak comparison: `W/"x"` matches `"x"`; `*` matches anything.
fn if_none_match_matches(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}
