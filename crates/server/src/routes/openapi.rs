use actix_web::{get, HttpResponse};
use utoipa::OpenApi;

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Solidarités API",
        description = "API publique et d'administration de la plateforme Solidarités."
    ),
    paths(
        super::health::get_health,
        super::communes::list_communes,
        super::communes::get_commune,
        super::communes::get_communes_geojson,
        super::locate::locate_point,
    ),
    components(schemas(solidarites_api_types::ErrorResponse))
)]
pub struct ApiDoc;

/// The OpenAPI 3 description of this API.
#[get("/openapi.json")]
pub async fn get_openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
