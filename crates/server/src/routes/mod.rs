//! HTTP routes. `/api/v1` is the JSON API; everything else is the web app.

mod actors;
mod admin;
mod admin_actors;
mod admin_carte;
mod admin_labels;
mod admin_moderation;
mod admin_outbox;
mod admin_proposals;
mod admin_questionnaire;
mod admin_settings;
mod admin_themes;
mod admin_volunteers;
pub(crate) mod auth;
mod carte_query;
mod communes;
mod exports;
mod frontend;
mod health;
mod initiatives;
mod labels;
mod locate;
mod metrics;
mod openapi;
pub(crate) mod paging;
mod proposals;
mod questionnaire;
mod results;
mod site_config;
mod themes;

use crate::error::ErrorCode;
use actix_web::{web, HttpResponse};
use solidarites_api_types::ErrorResponse;

pub use openapi::ApiDoc;

/// The whole router, used by the binary and by the tests alike.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .service(health::get_health)
            .service(health::get_ready)
            .service(site_config::get_public_config)
            .service(communes::get_communes_geojson)
            .service(communes::list_communes)
            .service(communes::get_commune)
            .service(locate::locate_point)
            .service(auth::login)
            .service(auth::logout)
            .service(auth::get_me)
            .service(auth::set_password)
            .service(admin::list_users)
            .service(admin::create_user)
            .service(admin::update_user)
            .service(admin::create_password_link)
            .service(admin::list_audit)
            .service(admin_settings::get_settings)
            .service(admin_settings::put_settings)
            .service(openapi::get_openapi)
            // Carte des solidarités. Fixed paths before `/initiatives/{id}`.
            .service(themes::list_themes)
            .service(labels::list_public_labels)
            .service(actors::list_actors)
            .service(actors::get_actor)
            .service(initiatives::list_initiatives)
            .service(initiatives::get_initiatives_geojson)
            .service(initiatives::get_initiative_clusters)
            .service(initiatives::create_initiative)
            .service(initiatives::get_initiative_by_token_header)
            .service(initiatives::update_initiative_by_token_header)
            .service(initiatives::withdraw_initiative_by_token_header)
            .service(initiatives::get_initiative_by_token)
            .service(initiatives::update_initiative_by_token)
            .service(initiatives::withdraw_initiative_by_token)
            .service(initiatives::get_initiative)
            .service(admin_moderation::get_moderation_queue)
            .service(admin_moderation::bulk_moderate)
            .service(admin_moderation::approve_submission)
            .service(admin_moderation::reject_submission)
            .service(admin_moderation::request_changes)
            .service(admin_moderation::archive_submission)
            .service(admin_labels::list_labels)
            .service(admin_labels::list_label_grants)
            .service(admin_labels::list_expiring_grants)
            .service(admin_labels::create_label)
            .service(admin_labels::grant_label)
            .service(admin_labels::revoke_label_grant)
            .service(admin_themes::create_theme)
            .service(admin_themes::update_theme)
            .service(admin_themes::retire_theme)
            .service(admin_actors::set_actor_charter)
            // Questionnaire des besoins.
            .service(questionnaire::list_campaigns)
            .service(questionnaire::get_campaign)
            .service(questionnaire::submit_response)
            .service(questionnaire::create_volunteer)
            .service(admin_questionnaire::list_questionnaires)
            .service(admin_questionnaire::create_questionnaire)
            .service(admin_questionnaire::get_questionnaire)
            .service(admin_questionnaire::update_questionnaire)
            .service(admin_questionnaire::preview_questionnaire)
            .service(admin_questionnaire::list_admin_campaigns)
            .service(admin_questionnaire::get_admin_campaign)
            .service(admin_questionnaire::create_campaign)
            .service(admin_questionnaire::update_campaign)
            .service(admin_questionnaire::open_campaign_now)
            .service(admin_questionnaire::close_campaign)
            .service(admin_questionnaire::campaign_counts)
            .service(admin_questionnaire::assisted_response)
            .service(admin_volunteers::list_volunteers)
            .service(admin_volunteers::export_volunteers_csv)
            .service(admin_volunteers::purge_volunteers)
            .service(admin_outbox::list_outbox)
            // Proposals.
            .service(proposals::list_proposals)
            .service(proposals::create_proposal)
            .service(proposals::get_proposal)
            .service(proposals::support_proposal)
            .service(proposals::withdraw_support)
            .service(admin_proposals::list_admin_proposals)
            .service(admin_proposals::get_admin_proposal)
            .service(admin_proposals::set_proposal_status)
            .service(admin_proposals::set_proposal_note)
            .service(admin_proposals::set_proposal_priority)
            .service(admin_proposals::set_proposal_priorities)
            .service(admin_proposals::merge_proposal)
            // Results by commune and exports.
            .service(results::get_results)
            .service(results::get_public_results)
            .service(results::get_gaps_geojson)
            .service(results::get_gaps)
            .service(results::list_indicators)
            .service(results::list_zones)
            .service(exports::export_answers_csv)
            .service(exports::export_answers_xlsx)
            .service(exports::export_results_csv)
            .service(exports::export_results_xlsx)
            .service(exports::export_results_geojson)
            .service(exports::export_initiatives_geojson)
            .service(exports::export_initiatives_csv)
            .service(exports::export_data_inclusion_structures)
            .service(exports::export_data_inclusion_services)
            .default_service(web::to(api_not_found)),
    )
    .service(metrics::get_metrics)
    .default_service(web::to(frontend::serve_frontend));
}

/// No route took the request: `405` with `Allow` when the path exists with other
/// methods (as the OpenAPI document lists them), else `404`.
async fn api_not_found(req: actix_web::HttpRequest) -> HttpResponse {
    let allowed = allowed_methods(req.path());
    if !allowed.is_empty() {
        return HttpResponse::MethodNotAllowed()
            .insert_header((actix_web::http::header::ALLOW, allowed.join(", ")))
            .json(ErrorResponse {
                error: ErrorCode::MethodNotAllowed.as_str().to_owned(),
                message: format!(
                    "Cette adresse de l'API n'accepte pas la méthode {} (méthodes possibles : {}).",
                    req.method(),
                    allowed.join(", ")
                ),
                fields: Default::default(),
            });
    }
    HttpResponse::NotFound().json(ErrorResponse {
        error: ErrorCode::NotFound.as_str().to_owned(),
        message: "Cette adresse de l'API n'existe pas.".to_owned(),
        fields: Default::default(),
    })
}

/// Path templates of the API (`/api/v1/initiatives/{id}`) and their methods, from the
/// OpenAPI document: the one list of what the router serves.
fn route_methods() -> &'static [(Vec<String>, Vec<&'static str>)] {
    static ROUTES: std::sync::OnceLock<Vec<(Vec<String>, Vec<&'static str>)>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| {
        use utoipa::OpenApi;
        ApiDoc::openapi()
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                let mut methods = Vec::new();
                for (method, operation) in [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ] {
                    if operation.is_some() {
                        methods.push(method);
                    }
                }
                if item.get.is_some() {
                    methods.push("HEAD");
                }
                (segments, methods)
            })
            .collect()
    })
}

/// The methods the API serves at `path`, empty when it serves none there.
fn allowed_methods(path: &str) -> Vec<&'static str> {
    // Empty segments are kept: `/campaigns//results` is no `/campaigns/{id}/results`.
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut allowed: Vec<&'static str> = Vec::new();
    for (template, methods) in route_methods() {
        let matches = template.len() == segments.len()
            && template
                .iter()
                .zip(&segments)
                .all(|(t, s)| (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s);
        if matches {
            for method in methods {
                if !allowed.contains(method) {
                    allowed.push(method);
                }
            }
        }
    }
    allowed
}
