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
        super::auth::login,
        super::auth::logout,
        super::auth::get_me,
        super::admin::list_users,
        super::admin::create_user,
        super::admin::update_user,
        super::admin::list_audit,
    ),
    components(schemas(
        solidarites_api_types::ErrorResponse,
        solidarites_api_types::LoginRequest,
        solidarites_api_types::SessionResponse,
        solidarites_api_types::StaffUserResponse,
        solidarites_api_types::AdminUserResponse,
        solidarites_api_types::AdminUserListResponse,
        solidarites_api_types::CreateUserRequest,
        solidarites_api_types::UpdateUserRequest,
        solidarites_api_types::AuditEntryResponse,
        solidarites_api_types::AuditPageResponse,
    ))
)]
pub struct ApiDoc;

/// The OpenAPI 3 description of this API.
#[get("/openapi.json")]
pub async fn get_openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
