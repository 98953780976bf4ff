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
        super::site_config::get_public_config,
        super::communes::list_communes,
        super::communes::get_commune,
        super::communes::get_communes_geojson,
        super::locate::locate_point,
        super::themes::list_themes,
        super::labels::list_public_labels,
        super::actors::list_actors,
        super::actors::get_actor,
        super::initiatives::list_initiatives,
        super::initiatives::get_initiatives_geojson,
        super::initiatives::get_initiative_clusters,
        super::initiatives::get_initiative,
        super::initiatives::create_initiative,
        super::initiatives::get_initiative_by_token_header,
        super::initiatives::get_initiative_by_token,
        super::initiatives::update_initiative_by_token_header,
        super::initiatives::update_initiative_by_token,
        super::initiatives::withdraw_initiative_by_token_header,
        super::initiatives::withdraw_initiative_by_token,
        super::admin_carte::get_moderation_queue,
        super::admin_carte::bulk_moderate,
        super::admin_carte::approve_submission,
        super::admin_carte::reject_submission,
        super::admin_carte::request_changes,
        super::admin_carte::archive_submission,
        super::admin_carte::list_labels,
        super::admin_carte::create_label,
        super::admin_carte::grant_label,
        super::admin_carte::revoke_label_grant,
        super::admin_carte::create_theme,
        super::admin_carte::update_theme,
        super::admin_carte::retire_theme,
        super::admin_carte::set_actor_charter,
        super::auth::login,
        super::auth::logout,
        super::auth::get_me,
        super::admin::list_users,
        super::admin::create_user,
        super::admin::update_user,
        super::admin::list_audit,
        super::questionnaire::list_campaigns,
        super::questionnaire::get_campaign,
        super::questionnaire::submit_response,
        super::questionnaire::create_volunteer,
        super::admin_questionnaire::list_questionnaires,
        super::admin_questionnaire::create_questionnaire,
        super::admin_questionnaire::get_questionnaire,
        super::admin_questionnaire::update_questionnaire,
        super::admin_questionnaire::preview_questionnaire,
        super::admin_questionnaire::list_admin_campaigns,
        super::admin_questionnaire::create_campaign,
        super::admin_questionnaire::update_campaign,
        super::admin_questionnaire::open_campaign_now,
        super::admin_questionnaire::close_campaign,
        super::admin_questionnaire::campaign_counts,
        super::admin_questionnaire::assisted_response,
        super::admin_questionnaire::list_volunteers,
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
