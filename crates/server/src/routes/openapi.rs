use actix_web::{get, HttpResponse};
use solidarites_domain::InseeCode;
use utoipa::{
    openapi::{
        path::{Operation, ParameterIn},
        schema::{Object, Schema},
        ContentBuilder, Ref, RefOr, Required, ResponseBuilder,
    },
    Modify, OpenApi,
};

use super::{paging::MAX_PAGE, questionnaire as q};
use crate::submission as s;

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Solidarités API",
        description = "API publique et d'administration de la plateforme Solidarités."
    ),
    paths(
        super::health::get_health,
        super::health::get_ready,
        super::metrics::get_metrics,
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
        super::initiatives::confirm_initiative_by_token_header,
        super::initiatives::confirm_initiative_by_token,
        super::admin_moderation::get_moderation_queue,
        super::admin_moderation::bulk_moderate,
        super::admin_moderation::approve_submission,
        super::admin_moderation::reject_submission,
        super::admin_moderation::request_changes,
        super::admin_moderation::archive_submission,
        super::admin_labels::list_labels,
        super::admin_labels::list_label_grants,
        super::admin_labels::list_expiring_grants,
        super::admin_labels::create_label,
        super::admin_labels::grant_label,
        super::admin_labels::revoke_label_grant,
        super::admin_themes::create_theme,
        super::admin_themes::update_theme,
        super::admin_themes::retire_theme,
        super::admin_actors::set_actor_charter,
        super::auth::login,
        super::auth::logout,
        super::auth::get_me,
        super::auth::set_password,
        super::admin::list_users,
        super::admin::create_user,
        super::admin::update_user,
        super::admin::create_password_link,
        super::admin::list_audit,
        super::admin_settings::get_settings,
        super::admin_settings::put_settings,
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
        super::admin_questionnaire::get_admin_campaign,
        super::admin_questionnaire::create_campaign,
        super::admin_questionnaire::update_campaign,
        super::admin_questionnaire::open_campaign_now,
        super::admin_questionnaire::close_campaign,
        super::admin_questionnaire::campaign_counts,
        super::admin_questionnaire::assisted_response,
        super::admin_volunteers::list_volunteers,
        super::admin_volunteers::export_volunteers_csv,
        super::admin_volunteers::purge_volunteers,
        super::admin_volunteers::list_volunteer_matches,
        super::admin_volunteers::export_volunteer_matches_csv,
        super::admin_stale::list_stale,
        super::admin_stale::confirm_stale,
        super::admin_stale::archive_stale,
        super::proposals::list_proposals,
        super::proposals::get_proposal,
        super::proposals::create_proposal,
        super::proposals::support_proposal,
        super::proposals::withdraw_support,
        super::admin_proposals::list_admin_proposals,
        super::admin_proposals::get_admin_proposal,
        super::admin_proposals::set_proposal_status,
        super::admin_proposals::set_proposal_note,
        super::admin_proposals::set_proposal_priority,
        super::admin_proposals::set_proposal_priorities,
        super::admin_proposals::merge_proposal,
        super::results::get_results,
        super::results::get_public_results,
        super::results::get_gaps,
        super::results::get_gaps_geojson,
        super::results::list_indicators,
        super::results::list_zones,
        super::exports::export_answers_csv,
        super::exports::export_answers_xlsx,
        super::exports::export_results_csv,
        super::exports::export_results_xlsx,
        super::exports::export_results_geojson,
        super::exports::export_initiatives_geojson,
        super::exports::export_initiatives_csv,
        super::exports::export_data_inclusion_structures,
        super::exports::export_data_inclusion_services,
    ),
    modifiers(&Limits),
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

/// A limit the server enforces, stated in the schema of a value.
#[derive(Debug, Clone, Copy)]
enum Limit {
    /// Characters (Unicode scalar values, as the server counts them).
    Length { min: usize, max: usize },
    /// Inclusive bounds of a number.
    Range { min: f64, max: f64 },
    /// An ECMA-262 regular expression.
    Pattern(&'static str),
}

/// Properties of the request schemas and the limits their parsers enforce, from the
/// constants those parsers use (never retyped).
const PROPERTY_LIMITS: &[(&str, &str, Limit)] = &[
    (
        "InitiativeContentRequest",
        "title",
        Limit::Length {
            min: s::TITLE_MIN,
            max: s::TITLE_MAX,
        },
    ),
    (
        "InitiativeContentRequest",
        "description",
        Limit::Length {
            min: 1,
            max: s::DESCRIPTION_MAX,
        },
    ),
    (
        "InitiativeContentRequest",
        "address",
        Limit::Length {
            min: 0,
            max: s::SHORT_TEXT_MAX,
        },
    ),
    (
        "InitiativeContentRequest",
        "schedule",
        Limit::Length {
            min: 0,
            max: s::SHORT_TEXT_MAX,
        },
    ),
    (
        "InitiativeContentRequest",
        "audience",
        Limit::Length {
            min: 0,
            max: s::SHORT_TEXT_MAX,
        },
    ),
    (
        "LocationRequest",
        "lon",
        Limit::Range {
            min: -180.0,
            max: 180.0,
        },
    ),
    (
        "LocationRequest",
        "lat",
        Limit::Range {
            min: -90.0,
            max: 90.0,
        },
    ),
    (
        "LocationRequest",
        "commune_code",
        Limit::Pattern(InseeCode::PATTERN),
    ),
    (
        "NewActorRequest",
        "name",
        Limit::Length {
            min: s::ACTOR_NAME_MIN,
            max: s::ACTOR_NAME_MAX,
        },
    ),
    (
        "NewActorRequest",
        "description",
        Limit::Length {
            min: 0,
            max: s::ACTOR_DESCRIPTION_MAX,
        },
    ),
    (
        "NewActorRequest",
        "commune_code",
        Limit::Pattern(InseeCode::PATTERN),
    ),
    (
        "CreateProposalRequest",
        "title",
        Limit::Length {
            min: s::TITLE_MIN,
            max: s::TITLE_MAX,
        },
    ),
    (
        "CreateProposalRequest",
        "description",
        Limit::Length {
            min: 1,
            max: s::DESCRIPTION_MAX,
        },
    ),
    (
        "CreateProposalRequest",
        "pseudonym",
        Limit::Length {
            min: s::PSEUDONYM_MIN,
            max: s::PSEUDONYM_MAX,
        },
    ),
    (
        "CreateProposalRequest",
        "commune_code",
        Limit::Pattern(InseeCode::PATTERN),
    ),
    (
        "CreateVolunteerRequest",
        "name",
        Limit::Length {
            min: 0,
            max: q::MAX_NAME,
        },
    ),
    (
        "CreateVolunteerRequest",
        "commune",
        Limit::Pattern(InseeCode::PATTERN),
    ),
];

/// Query and path parameters and their limits, by name (every operation alike).
const PARAMETER_LIMITS: &[(&str, ParameterIn, Limit)] = &[
    (
        "page",
        ParameterIn::Query,
        Limit::Range {
            min: 1.0,
            max: MAX_PAGE as f64,
        },
    ),
    // The highest `per_page` differs by list; every list refuses 0.
    (
        "per_page",
        ParameterIn::Query,
        Limit::Range {
            min: 1.0,
            max: f64::MAX,
        },
    ),
    (
        "commune",
        ParameterIn::Query,
        Limit::Pattern(InseeCode::PATTERN),
    ),
    (
        "near",
        ParameterIn::Query,
        Limit::Pattern(InseeCode::PATTERN),
    ),
    (
        "radius_km",
        ParameterIn::Query,
        Limit::Range {
            min: super::carte_query::MIN_NEAR_RADIUS_KM,
            max: super::carte_query::MAX_NEAR_RADIUS_KM,
        },
    ),
    (
        "lon",
        ParameterIn::Query,
        Limit::Range {
            min: -180.0,
            max: 180.0,
        },
    ),
    (
        "lat",
        ParameterIn::Query,
        Limit::Range {
            min: -90.0,
            max: 90.0,
        },
    ),
    (
        "X-Device-Token",
        ParameterIn::Header,
        Limit::Length {
            min: *super::proposals::DEVICE_TOKEN_LEN.start(),
            max: *super::proposals::DEVICE_TOKEN_LEN.end(),
        },
    ),
    (
        "X-Device-Token",
        ParameterIn::Header,
        Limit::Pattern(super::proposals::DEVICE_TOKEN_CHARACTERS),
    ),
];

/// States the server's limits in the document (`pattern`, `minLength`/`maxLength`,
/// `minimum`/`maximum`), and the refusals every operation of a kind can answer: `400
/// invalid_body` and `415` where a JSON body is read (see `json_body`), `400
/// missing_header` where a header is required, `401`/`403` on staff routes.
#[derive(Debug)]
struct Limits;

impl Modify for Limits {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            for (schema, property, limit) in PROPERTY_LIMITS {
                let object = components
                    .schemas
                    .get_mut(*schema)
                    .and_then(object_mut)
                    .and_then(|o| o.properties.get_mut(*property))
                    .and_then(object_mut);
                match object {
                    Some(object) => apply(object, *limit),
                    // A renamed type or field must not silently drop its limit.
                    None => panic!("OpenAPI limits: no property {schema}.{property}"),
                }
            }
        }
        for (template, item) in &mut openapi.paths.paths {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                limit_parameters(template, operation);
                if operation.request_body.is_some() {
                    document(operation, "400", INVALID_BODY);
                    document(operation, "415", UNSUPPORTED_MEDIA_TYPE);
                }
                let reads_header =
                    operation.parameters.iter().flatten().any(|p| {
                        p.parameter_in == ParameterIn::Header && p.required == Required::True
                    });
                if reads_header {
                    document(operation, "400", MISSING_HEADER);
                }
                // Every staff operation takes its session through `StaffUser` (the role
                // matrix test drives each over every role: admin_routes.rs).
                if template.starts_with("/api/v1/admin/") {
                    document(operation, "401", UNAUTHORIZED);
                    document(operation, "403", FORBIDDEN);
                }
            }
        }
    }
}

const INVALID_BODY: &str = "`invalid_body`: the body is not JSON of the expected shape (the \
                            bad field is named in `fields`)";
const UNSUPPORTED_MEDIA_TYPE: &str =
    "`unsupported_media_type`: the body is not UTF-8 `application/json`";
const MISSING_HEADER: &str = "`missing_header`: a required header is missing (named in `fields`)";
const UNAUTHORIZED: &str = "`unauthorized`: no valid staff session";
const FORBIDDEN: &str =
    "`forbidden`: the role is not allowed; `csrf_failed`: missing or wrong `X-CSRF-Token`";

fn object_mut(schema: &mut RefOr<Schema>) -> Option<&mut Object> {
    match schema {
        RefOr::T(Schema::Object(object)) => Some(object),
        _ => None,
    }
}

fn apply(object: &mut Object, limit: Limit) {
    match limit {
        Limit::Length { min, max } => {
            object.min_length = (min > 0).then_some(min);
            object.max_length = Some(max);
        }
        Limit::Range { min, max } => {
            object.minimum = Some(number(min));
            object.maximum = (max < f64::MAX).then(|| number(max));
        }
        Limit::Pattern(pattern) => object.pattern = Some(pattern.to_owned()),
    }
}

/// Whole numbers as integers (`1`, not `1.0`), so integer parameters stay integers.
fn number(value: f64) -> utoipa::Number {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        utoipa::Number::Int(value as isize)
    } else {
        utoipa::Number::Float(value)
    }
}

fn limit_parameters(template: &str, operation: &mut Operation) {
    for parameter in operation.parameters.iter_mut().flatten() {
        let mut limits: Vec<Limit> = PARAMETER_LIMITS
            .iter()
            .filter(|(name, place, _)| *name == parameter.name && *place == parameter.parameter_in)
            .map(|(_, _, limit)| *limit)
            .collect();
        // `/api/v1/communes/{code}`: an INSEE code.
        if parameter.parameter_in == ParameterIn::Path
            && parameter.name == "code"
            && template.starts_with("/api/v1/communes/")
        {
            limits.push(Limit::Pattern(InseeCode::PATTERN));
        }
        if let Some(object) = parameter.schema.as_mut().and_then(object_mut) {
            for limit in limits {
                apply(object, limit);
            }
        }
    }
}

/// Lists `status` with the error shape, unless the operation already documents it.
fn document(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorResponse")))
                        .build(),
                )
                .build()
                .into()
        });
}

/// The OpenAPI 3 description of this API.
#[get("/openapi.json")]
pub async fn get_openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
