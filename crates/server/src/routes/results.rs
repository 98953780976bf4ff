//! Results by commune: aggregated answers under statistical secrecy (every role sees the
//! same rule), needs versus offer, territorial indicators and zones. From the committee
//! role up; the public results route only when `public_results` is on.

use std::collections::BTreeMap;

use actix_web::{get, http::header, web, HttpResponse};
use serde::Serialize;
use solidarites_api_types::{
    GapListResponse, GapResponse, IndicatorListResponse, IndicatorResponse, ResultsResponse,
    ZoneListResponse, ZoneResponse,
};
use solidarites_domain::results::{
    gaps::{gaps_feature_collection, needs_from_table, rank, Gap},
    themes_question, AnswerFilter, Channel, Filter, ResultKind, SecretTable, ZoneLevel,
    COMMUNE_LEVEL, TERRITORY_LEVEL,
};

use super::carte_query::Pairs;
use crate::{
    auth::{Role, StaffUser},
    error::{ApiError, ErrorCode},
    questionnaire::campaign_not_found,
    results::{indicator_values_for, ProtectedResults, ResultsError},
    state::AppState,
    storage::{self, questionnaires::campaign_status},
};

/// Simplification of boundaries in the gaps layer, degrees (~30 m, as the map).
const GAPS_TOLERANCE_DEG: f64 = 0.0003;
/// Gaps listed by default, and at most.
const DEFAULT_GAPS: usize = 50;
const MAX_GAPS: usize = 5_000;

/// Convenience filters: query key → question id of the Landes questionnaire.
const SHORTCUT_FILTERS: [(&str, &str); 2] = [("age", "tranche_age"), ("household", "menage")];

fn values<'a>(pairs: &'a Pairs, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    pairs
        .iter()
        .filter(move |(k, _)| k == key)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn single<'a>(pairs: &'a Pairs, key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn invalid_query(fields: BTreeMap<String, String>) -> ApiError {
    ApiError::Validation {
        code: ErrorCode::InvalidQuery,
        message: "Certains paramètres sont invalides : corrigez-les puis recommencez.".to_owned(),
        fields,
    }
}

/// `channel=web,telephone`, `age=75_et_plus`, `household=seul` and
/// `filter=question:value1|value2` (repeatable) as a domain filter. Errors by field.
pub fn parse_filter(pairs: &Pairs, fields: &mut BTreeMap<String, String>) -> Filter {
    let mut filter = Filter::default();
    for raw in values(pairs, "channel") {
        match Channel::parse(raw) {
            Some(c) if !filter.channels.contains(&c) => filter.channels.push(c),
            Some(_) => {}
            None => {
                fields.insert(
                    "channel".to_owned(),
                    format!("Canal inconnu « {raw} » : web, telephone, papier, accueil ou visite."),
                );
            }
        }
    }
    for (key, question) in SHORTCUT_FILTERS {
        let any_of: Vec<String> = values(pairs, key).map(str::to_owned).collect();
        if !any_of.is_empty() {
            filter.answers.push(AnswerFilter {
                question: question.to_owned(),
                any_of,
            });
        }
    }
    for (_, raw) in pairs.iter().filter(|(k, _)| k == "filter") {
        match raw.split_once(':') {
            Some((question, wanted)) if !question.trim().is_empty() => {
                let any_of: Vec<String> = wanted
                    .split(['|', ','])
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect();
                filter.answers.push(AnswerFilter {
                    question: question.trim().to_owned(),
                    any_of,
                });
            }
            _ => {
                fields.insert(
                    "filter".to_owned(),
                    "Filtre attendu sous la forme question:valeur (plusieurs valeurs séparées par |)."
                        .to_owned(),
                );
            }
        }
    }
    filter
}

/// `level=commune|canton|arrondissement|epci|territory` (default `commune`).
pub fn parse_level(pairs: &Pairs, fields: &mut BTreeMap<String, String>) -> String {
    let level = single(pairs, "level").unwrap_or(COMMUNE_LEVEL);
    if level == COMMUNE_LEVEL || level == TERRITORY_LEVEL || ZoneLevel::parse(level).is_some() {
        level.to_owned()
    } else {
        fields.insert(
            "level".to_owned(),
            "Niveau attendu : commune, canton, arrondissement, epci ou territory.".to_owned(),
        );
        COMMUNE_LEVEL.to_owned()
    }
}

/// The campaign, or 404.
pub async fn find_campaign(state: &AppState, id: &str) -> Result<storage::Campaign, ApiError> {
    storage::questionnaires::get_campaign(&state.db, id.trim())
        .await?
        .ok_or_else(campaign_not_found)
}

pub(super) fn results_error(err: ResultsError) -> ApiError {
    match err {
        ResultsError::Filter(errors) => invalid_query(errors.0),
        ResultsError::Internal(err) => ApiError::Internal(err),
    }
}

/// Every level of the campaign under `filter`, protected with the configured `k`.
pub async fn protected_results(
    state: &AppState,
    campaign: &storage::Campaign,
    filter: Filter,
) -> Result<std::sync::Arc<ProtectedResults>, ApiError> {
    state
        .results
        .protected(
            &state.db,
            state.territory.current(),
            campaign,
            filter,
            state.site().secrecy_k,
        )
        .await
        .map_err(results_error)
}

/// The table of `level`, or 422 when that zone level was never imported.
pub fn table_of<'a>(
    results: &'a ProtectedResults,
    level: &str,
) -> Result<&'a SecretTable, ApiError> {
    results.level(level).ok_or_else(|| {
        ApiError::field(
            ErrorCode::InvalidQuery,
            "level",
            format!(
                "Aucune zone de niveau « {level} » n'a été importée (solidarites zones import)."
            ),
        )
    })
}

/// The JSON body: the protected table plus indicators beside commune results.
#[derive(Serialize)]
struct ResultsBody<'a> {
    campaign_id: &'a str,
    #[serde(flatten)]
    table: &'a SecretTable,
    indicators: Vec<IndicatorResponse>,
    indicator_values: BTreeMap<String, BTreeMap<String, f64>>,
}

pub fn indicator_response(row: storage::Indicator) -> IndicatorResponse {
    IndicatorResponse {
        code: row.code,
        label: row.label,
        unit: row.unit,
        source: row.source,
        year: row.year,
    }
}

async fn results_response(
    state: &AppState,
    campaign: &storage::Campaign,
    pairs: &Pairs,
) -> Result<HttpResponse, ApiError> {
    let mut fields = BTreeMap::new();
    let level = parse_level(pairs, &mut fields);
    let filter = parse_filter(pairs, &mut fields);
    if !fields.is_empty() {
        return Err(invalid_query(fields));
    }
    let results = protected_results(state, campaign, filter).await?;
    let whole = table_of(&results, &level)?;
    // One question: the same protected cells, cut after protection (so the view tells
    // nothing the whole table does not), in a body small enough for the dashboard.
    let one;
    let table = match single(pairs, "question") {
        None => whole,
        Some(id) => {
            one = whole.only_question(id).ok_or_else(|| {
                ApiError::field(
                    ErrorCode::InvalidQuery,
                    "question",
                    format!("Aucune question agrégée « {id} » dans ce questionnaire."),
                )
            })?;
            &one
        }
    };
    let (indicators, indicator_values) = if level == COMMUNE_LEVEL {
        (
            storage::indicators::list(&state.db)
                .await?
                .into_iter()
                .map(indicator_response)
                .collect(),
            indicator_values_for(
                storage::indicators::values_by_commune(&state.db).await?,
                &state.territory.current(),
            ),
        )
    } else {
        (Vec::new(), BTreeMap::new())
    };
    let body = serde_json::to_vec(&ResultsBody {
        campaign_id: &campaign.id,
        table,
        indicators,
        indicator_values,
    })
    .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// Aggregated results of a campaign at one level, under statistical secrecy: every count
/// from 1 to k−1 respondents, and whatever would let one recover it by subtraction (rows,
/// columns, communes of a zone), is `"secret"` — for every role.
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{id}/results", tag = "results",
    params(("id" = String, Path),
        ("level" = Option<String>, Query, description = "commune (default), canton, arrondissement, epci or territory"),
        ("channel" = Option<String>, Query, description = "web, telephone, papier, accueil, visite (comma-separated)"),
        ("age" = Option<String>, Query, description = "tranche_age option values"),
        ("household" = Option<String>, Query, description = "menage option values"),
        ("filter" = Option<String>, Query, description = "question:value1|value2, repeatable"),
        ("question" = Option<String>, Query, description = "only this aggregated question (its schema and its cells in every group): the dashboard's view, a small body at commune level")),
    responses((status = 200, body = ResultsResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns/{id}/results")]
#[tracing::instrument(skip_all)]
pub async fn get_results(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let campaign = find_campaign(&state, &id).await?;
    results_response(&state, &campaign, &query).await
}

/// The same results for anyone, when the `public_results` setting is on (else 404), for
/// campaigns that are open or closed (never drafts).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/results", tag = "results",
    params(("id" = String, Path), ("level" = Option<String>, Query),
        ("question" = Option<String>, Query, description = "only this aggregated question")),
    responses((status = 200, body = ResultsResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/campaigns/{id}/results")]
#[tracing::instrument(skip_all)]
pub async fn get_public_results(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    if !state.site().public_results {
        return Err(ApiError::NotFound(
            "Les résultats ne sont pas publiés sur cette plateforme.".to_owned(),
        ));
    }
    let campaign = find_campaign(&state, &id).await?;
    if campaign.status == campaign_status::DRAFT {
        return Err(campaign_not_found());
    }
    results_response(&state, &campaign, &query).await
}

/// The multiple choice question whose options are themes: `question=` when given, else
/// the domain's [`themes_question`].
fn theme_question(
    table: &SecretTable,
    requested: Option<&str>,
    theme_slugs: &[String],
) -> Result<String, ApiError> {
    let is_multiple = |id: &str| {
        table
            .questions
            .iter()
            .any(|q| q.id == id && matches!(q.kind, ResultKind::MultipleChoice { .. }))
    };
    if let Some(requested) = requested {
        return if is_multiple(requested) {
            Ok(requested.to_owned())
        } else {
            Err(ApiError::field(
                ErrorCode::InvalidQuery,
                "question",
                "Choisissez une question à choix multiple de ce questionnaire.",
            ))
        };
    }
    themes_question(&table.questions, theme_slugs)
        .map(|index| table.questions[index].id.clone())
        .ok_or_else(|| {
            ApiError::field(
                ErrorCode::InvalidQuery,
                "question",
                "Ce questionnaire n'a pas de question à choix multiple portant sur les thèmes.",
            )
        })
}

struct GapsComputed {
    question: String,
    gaps: Vec<Gap>,
    theme: Option<String>,
}

async fn compute_gaps(
    state: &AppState,
    campaign: &storage::Campaign,
    pairs: &Pairs,
) -> Result<GapsComputed, ApiError> {
    let mut fields = BTreeMap::new();
    let filter = parse_filter(pairs, &mut fields);
    if !fields.is_empty() {
        return Err(invalid_query(fields));
    }
    let themes = storage::themes::list(&state.db).await?;
    let slugs: Vec<String> = themes.iter().map(|t| t.slug.clone()).collect();
    let results = protected_results(state, campaign, filter).await?;
    let table = table_of(&results, COMMUNE_LEVEL)?;
    let question = theme_question(table, single(pairs, "question"), &slugs)?;
    let theme = single(pairs, "theme").map(str::to_owned);
    let territory = state.territory.current();
    let gap_territory = state.results.gap_territory(&territory).await;
    let offers = state
        .results
        .offers(&state.db, state.public_day())
        .await
        .map_err(results_error)?;
    // Communes without respondents, and themes nobody reported, measure no need.
    let needs: Vec<_> = needs_from_table(table, &question)
        .into_iter()
        .filter(|n| n.reporting > 0)
        .collect();
    let mut gaps = rank(
        &gap_territory,
        &needs,
        &offers,
        state.site().gap_distance_km,
    );
    if let Some(theme) = &theme {
        gaps.retain(|g| &g.theme == theme);
    }
    Ok(GapsComputed {
        question,
        gaps,
        theme,
    })
}

/// Needs versus offer: for each commune and theme, the share of respondents reporting a
/// difficulty in the theme against the published initiatives of the theme in the commune
/// or within `gap_distance_km`; largest gaps first. Secret counts are never ranked.
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{id}/gaps", tag = "results",
    params(("id" = String, Path),
        ("theme" = Option<String>, Query), ("limit" = Option<usize>, Query),
        ("question" = Option<String>, Query, description = "multiple choice question of themes (default domaines)"),
        ("channel" = Option<String>, Query), ("filter" = Option<String>, Query)),
    responses((status = 200, body = GapListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns/{id}/gaps")]
#[tracing::instrument(skip_all)]
pub async fn get_gaps(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let limit = match single(&query, "limit") {
        None => DEFAULT_GAPS,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_GAPS).contains(&n) => n,
            _ => {
                return Err(ApiError::field(
                    ErrorCode::InvalidQuery,
                    "limit",
                    format!("Nombre attendu entre 1 et {MAX_GAPS}."),
                ))
            }
        },
    };
    let campaign = find_campaign(&state, &id).await?;
    let computed = compute_gaps(&state, &campaign, &query).await?;
    let labels: BTreeMap<String, String> = storage::themes::list(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.label))
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(GapListResponse {
            campaign_id: campaign.id.clone(),
            question: computed.question,
            distance_km: state.site().gap_distance_km,
            k: state.site().secrecy_k,
            gaps: computed
                .gaps
                .into_iter()
                .take(limit)
                .map(|g| GapResponse {
                    theme_label: labels
                        .get(&g.theme)
                        .cloned()
                        .unwrap_or_else(|| g.theme.clone()),
                    commune: g.commune.as_str().to_owned(),
                    commune_name: g.commune_name,
                    theme: g.theme,
                    respondents: g.respondents,
                    reporting: g.reporting,
                    need_share: g.need_share,
                    offer: g.offer,
                    score: g.score,
                })
                .collect(),
        }))
}

/// The gaps as a GeoJSON layer: every commune with the figures of its largest gap (of
/// `theme` when given), `null` where there is none or it is secret.
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{id}/gaps.geojson", tag = "results",
    params(("id" = String, Path), ("theme" = Option<String>, Query)),
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns/{id}/gaps.geojson")]
#[tracing::instrument(skip_all)]
pub async fn get_gaps_geojson(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let campaign = find_campaign(&state, &id).await?;
    let computed = compute_gaps(&state, &campaign, &query).await?;
    let territory = state.territory.current();
    let collection = gaps_feature_collection(
        &computed.gaps,
        territory.index.communes(),
        computed.theme.as_deref(),
        GAPS_TOLERANCE_DEG,
    );
    Ok(HttpResponse::Ok()
        .content_type("application/geo+json")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(serde_json::to_vec(&collection).map_err(ApiError::internal)?))
}

/// Territorial indicators and their values per commune.
#[utoipa::path(get, path = "/api/v1/admin/indicators", tag = "results",
    responses((status = 200, body = IndicatorListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/indicators")]
#[tracing::instrument(skip_all)]
pub async fn list_indicators(
    state: web::Data<AppState>,
    staff: StaffUser,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    Ok(HttpResponse::Ok().json(IndicatorListResponse {
        indicators: storage::indicators::list(&state.db)
            .await?
            .into_iter()
            .map(indicator_response)
            .collect(),
        values: storage::indicators::values_by_commune(&state.db).await?,
    }))
}

/// The zones of one level and their communes.
#[utoipa::path(get, path = "/api/v1/admin/zones", tag = "results",
    params(("level" = String, Query, description = "canton, arrondissement or epci")),
    responses((status = 200, body = ZoneListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/zones")]
#[tracing::instrument(skip_all)]
pub async fn list_zones(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let Some(level) = single(&query, "level").and_then(ZoneLevel::parse) else {
        return Err(ApiError::field(
            ErrorCode::InvalidQuery,
            "level",
            "Niveau attendu : canton, arrondissement ou epci.",
        ));
    };
    let zones = storage::zones::zones_of_level(&state.db, level.as_str(), false).await?;
    Ok(HttpResponse::Ok().json(ZoneListResponse {
        level: level.as_str().to_owned(),
        zones: zones
            .into_iter()
            .map(|z| ZoneResponse {
                code: z.code,
                name: z.name,
                communes: z.communes,
            })
            .collect(),
    }))
}
