use std::collections::BTreeMap;

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use solidarites_api_types::LocateResponse;
use solidarites_domain::LonLat;

use crate::error::ErrorCode;
use crate::{error::ApiError, state::AppState};

use super::communes::to_response;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LocateQuery {
    /// Longitude, WGS 84 decimal degrees (e.g. -0.5).
    lon: Option<String>,
    /// Latitude, WGS 84 decimal degrees (e.g. 43.89).
    lat: Option<String>,
}

/// The commune that contains a point.
#[utoipa::path(get, path = "/api/v1/locate", tag = "communes", params(LocateQuery),
    responses((status = 200, body = LocateResponse),
              (status = 422, description = "Invalid coordinates, or a point outside the territory",
               body = solidarites_api_types::ErrorResponse)))]
#[get("/locate")]
#[tracing::instrument(skip_all)]
pub async fn locate_point(
    state: web::Data<AppState>,
    query: web::Query<LocateQuery>,
) -> Result<HttpResponse, ApiError> {
    let point = parse_point(query.lon.as_deref(), query.lat.as_deref())?;
    let territory = state.territory.current();
    match territory.index.locate(point) {
        Some(commune) => Ok(HttpResponse::Ok().json(LocateResponse {
            lon: point.lon(),
            lat: point.lat(),
            commune: to_response(commune),
        })),
        None => {
            let message = "Ce point est en dehors du territoire couvert par la plateforme.";
            let mut fields = BTreeMap::new();
            fields.insert("lon".to_owned(), message.to_owned());
            fields.insert("lat".to_owned(), message.to_owned());
            Err(ApiError::Validation {
                code: ErrorCode::OutsideTerritory,
                message: message.to_owned(),
                fields,
            })
        }
    }
}

/// Parses `lon`/`lat` query values, naming every bad one.
pub fn parse_point(lon: Option<&str>, lat: Option<&str>) -> Result<LonLat, ApiError> {
    let mut fields = BTreeMap::new();
    let lon = parse_coordinate("lon", "longitude", lon, 180.0, &mut fields);
    let lat = parse_coordinate("lat", "latitude", lat, 90.0, &mut fields);
    match (lon, lat) {
        (Some(lon), Some(lat)) if fields.is_empty() => LonLat::new(lon, lat).map_err(|e| {
            ApiError::field(
                ErrorCode::InvalidCoordinates,
                e.field(),
                "Coordonnée invalide.",
            )
        }),
        _ => Err(ApiError::Validation {
            code: ErrorCode::InvalidCoordinates,
            message: "Les coordonnées du point sont invalides.".to_owned(),
            fields,
        }),
    }
}

fn parse_coordinate(
    field: &str,
    label: &str,
    raw: Option<&str>,
    bound: f64,
    fields: &mut BTreeMap<String, String>,
) -> Option<f64> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        fields.insert(field.to_owned(), format!("La {label} est obligatoire."));
        return None;
    };
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= bound => Some(v),
        Ok(v) if v.is_finite() => {
            fields.insert(
                field.to_owned(),
                format!("La {label} doit être comprise entre -{bound} et {bound} degrés."),
            );
            None
        }
        _ => {
            fields.insert(
                field.to_owned(),
                format!("La {label} doit être un nombre décimal (degrés WGS 84, ex. -0.5)."),
            );
            None
        }
    }
}
