//! HTTP routes. `/api/v1` is the JSON API; everything else is the web app.

/// Every API route, once: the router ([`configure`]) and the OpenAPI document
/// ([`ApiDoc`]) are both built from this list, so a route cannot be served undocumented
/// nor documented unserved. `api` routes are under `/api/v1`, in the order the router tries
/// them (fixed paths before `{id}`); `root` routes are at the site's root.
/// `api_routes!(callback)` calls `callback! { api: [module::handler, …], root: […] }`.
macro_rules! api_routes {
    ($callback:ident) => {
        $callback! {
            api: [
                health::get_health,
                health::get_ready,
                site_config::get_public_config,
                communes::get_communes_geojson,
                communes::list_communes,
                communes::get_commune,
                locate::locate_point,
                auth::login,
                auth::logout,
                auth::get_me,
                auth::set_password,
                admin::list_users,
                admin::create_user,
                admin::update_user,
                admin::create_password_link,
                admin::list_audit,
                admin_settings::get_settings,
                admin_settings::put_settings,
                openapi::get_openapi,
                // Carte des solidarités. Fixed paths before `/initiatives/{id}`.
                themes::list_themes,
                labels::list_public_labels,
                labels::get_public_label,
                label_applications::create_label_application,
                label_applications::get_label_application_by_token,
                label_applications::withdraw_label_application_by_token,
                actors::list_actors,
                actors::get_actor,
                initiatives::list_initiatives,
                initiatives::get_initiatives_geojson,
                initiatives::get_initiative_clusters,
                initiatives::create_initiative,
                initiatives::get_initiative_by_token_header,
                initiatives::update_initiative_by_token_header,
                initiatives::withdraw_initiative_by_token_header,
                initiatives::get_initiative_by_token,
                initiatives::update_initiative_by_token,
                initiatives::withdraw_initiative_by_token,
                initiatives::confirm_initiative_by_token_header,
                initiatives::confirm_initiative_by_token,
                initiatives::get_initiative,
                events::list_events,
                events::get_events_geojson,
                events::get_events_ics,
                events::create_event,
                events::get_event_by_token_header,
                events::update_event_by_token_header,
                events::withdraw_event_by_token_header,
                events::get_event_by_token,
                events::update_event_by_token,
                events::withdraw_event_by_token,
                events::confirm_event_by_token_header,
                events::confirm_event_by_token,
                events::get_event_ics,
                events::get_event,
                admin_moderation::get_moderation_queue,
                admin_moderation::bulk_moderate,
                admin_moderation::approve_submission,
                admin_moderation::reject_submission,
                admin_moderation::request_changes,
                admin_moderation::archive_submission,
                admin_labels::list_labels,
                admin_labels::list_label_grants,
                admin_labels::list_expiring_grants,
                admin_labels::create_label,
                admin_labels::grant_label,
                admin_labels::revoke_label_grant,
                admin_label_applications::list_label_applications,
                admin_label_applications::get_label_application,
                admin_label_applications::approve_label_application,
                admin_label_applications::refuse_label_application,
                admin_label_applications::invite_label_renewal,
                admin_label_applications::update_label_criteria,
                admin_themes::create_theme,
                admin_themes::update_theme,
                admin_themes::retire_theme,
                admin_actors::set_actor_charter,
                // Questionnaire des besoins.
                questionnaire::list_campaigns,
                questionnaire::get_campaign,
                questionnaire::submit_response,
                questionnaire::create_volunteer,
                admin_questionnaire::list_questionnaires,
                admin_questionnaire::create_questionnaire,
                admin_questionnaire::get_questionnaire,
                admin_questionnaire::update_questionnaire,
                admin_questionnaire::preview_questionnaire,
                admin_questionnaire::list_admin_campaigns,
                admin_questionnaire::get_admin_campaign,
                admin_questionnaire::create_campaign,
                admin_questionnaire::update_campaign,
                admin_questionnaire::open_campaign_now,
                admin_questionnaire::close_campaign,
                admin_questionnaire::campaign_counts,
                admin_questionnaire::assisted_response,
                admin_volunteers::list_volunteers,
                admin_volunteers::export_volunteers_csv,
                admin_volunteers::purge_volunteers,
                admin_volunteers::list_volunteer_matches,
                admin_volunteers::export_volunteer_matches_csv,
                admin_stale::list_stale,
                admin_stale::confirm_stale,
                admin_stale::archive_stale,
                admin_outbox::list_outbox,
                // Proposals.
                proposals::list_proposals,
                proposals::create_proposal,
                proposals::get_proposal,
                proposals::support_proposal,
                proposals::withdraw_support,
                admin_proposals::list_admin_proposals,
                admin_proposals::get_admin_proposal,
                admin_proposals::set_proposal_status,
                admin_proposals::set_proposal_note,
                admin_proposals::set_proposal_priority,
                admin_proposals::set_proposal_priorities,
                admin_proposals::merge_proposal,
                // Results by commune and exports.
                results::get_results,
                results::get_public_results,
                results::get_gaps_geojson,
                results::get_gaps,
                results::list_indicators,
                results::list_zones,
                exports::export_answers_csv,
                exports::export_answers_xlsx,
                exports::export_results_csv,
                exports::export_results_xlsx,
                exports::export_results_geojson,
                exports::export_initiatives_geojson,
                exports::export_initiatives_csv,
                exports::export_data_inclusion_structures,
                exports::export_data_inclusion_services,
            ],
            root: [metrics::get_metrics],
        }
    };
}

mod actors;
mod admin;
mod admin_actors;
mod admin_carte;
mod admin_label_applications;
mod admin_labels;
mod admin_moderation;
mod admin_outbox;
mod admin_proposals;
mod admin_questionnaire;
mod admin_settings;
mod admin_stale;
mod admin_themes;
mod admin_volunteers;
pub(crate) mod auth;
mod carte_query;
mod communes;
mod edit_links;
mod events;
mod exports;
mod frontend;
pub use frontend::LAZY_AREAS;
mod health;
mod initiatives;
mod label_applications;
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

pub use frontend::{preload_cache, PreloadCache};
pub use openapi::ApiDoc;

/// Registers the routes of [`api_routes!`], inside and outside `/api/v1`.
macro_rules! register_routes {
    (api: [$($module:ident :: $handler:ident),* $(,)?], root: [$($rmodule:ident :: $rhandler:ident),* $(,)?] $(,)?) => {
        |cfg: &mut web::ServiceConfig| {
            cfg.service(
                web::scope("/api/v1")
                    $(.service($module::$handler))*
                    .default_service(web::to(api_not_found)),
            )
            $(.service($rmodule::$rhandler))*
            .default_service(web::to(frontend::serve_frontend));
        }
    };
}

/// The id of a path (or of a request field), parsed once here at the edge; a text that is
/// no id gets the handler's own refusal (`missing`, its "not found" answer), as an id that
/// names nothing would.
pub(crate) fn parse_id<T>(
    raw: &str,
    missing: impl FnOnce() -> crate::error::ApiError,
) -> Result<crate::ids::Id<T>, crate::error::ApiError> {
    raw.parse().map_err(|_| missing())
}

/// What a submission's parsers check it against: the territory's communes and the themes
/// one may choose (the active ones; an edit adds those the listing already had).
pub(crate) struct SubmissionChoices {
    territory: std::sync::Arc<crate::territory::LoadedTerritory>,
    themes: std::collections::HashSet<String>,
}

impl SubmissionChoices {
    pub(crate) async fn load(
        state: &crate::state::AppState,
    ) -> Result<Self, crate::error::ApiError> {
        Ok(Self {
            territory: state.territory.current(),
            themes: crate::storage::themes::active_slugs(&state.db).await?,
        })
    }

    /// Also allows `themes` (those of the listing being edited, even if retired since).
    pub(crate) fn keeping(mut self, themes: impl IntoIterator<Item = String>) -> Self {
        self.themes.extend(themes);
        self
    }

    pub(crate) fn context(&self) -> crate::submission::ParseContext<'_> {
        crate::submission::ParseContext {
            communes: &self.territory.index,
            allowed_themes: &self.themes,
        }
    }
}

/// The whole router, used by the binary and by the tests alike.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let register = api_routes!(register_routes);
    register(cfg);
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
