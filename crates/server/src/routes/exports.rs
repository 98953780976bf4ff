//! Downloads, streamed and audited (who, which export, which campaign, which filters —
//! never any data). Raw anonymous answers: administrators only, the one export that
//! statistical secrecy does not apply to. Aggregated results: from the committee role up,
//! under secrecy. Initiatives (public data): from the analyst role up.

use std::collections::{BTreeMap, HashMap};

use actix_web::{get, web, HttpResponse};
use tokio::runtime::Handle;

use super::{
    carte_query::Pairs,
    results::{find_campaign, parse_filter, parse_level, protected_results, table_of},
};
use crate::{
    auth::{Role, StaffUser},
    error::{ApiError, ErrorCode},
    exports::{
        self,
        answers::{AnswerTable, AnswersExport},
        initiatives::InitiativesExport,
        results::ZoneGeometries,
        ChunkWriter, CSV_CONTENT_TYPE, GEOJSON_CONTENT_TYPE, JSON_CONTENT_TYPE, XLSX_CONTENT_TYPE,
    },
    results::{campaign_definition, indicator_values_for},
    state::AppState,
    storage,
};

/// One audit line for an export: the filters, never any data.
async fn audit_export(
    state: &AppState,
    staff: &StaffUser,
    export: &str,
    entity_type: &str,
    entity_id: &str,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    storage::audit::record(
        &state.db,
        Some(staff),
        &format!("export.{export}"),
        entity_type,
        entity_id,
        None,
        Some(details),
    )
    .await?;
    Ok(())
}

fn file_stem(campaign: &storage::Campaign) -> String {
    format!("consultation-{}", &campaign.id[..campaign.id.len().min(8)])
}

async fn answers_export(
    state: &AppState,
    staff: &StaffUser,
    id: &str,
    format: &str,
) -> Result<(AnswersExport, storage::Campaign), ApiError> {
    staff.require(Role::Admin)?;
    let campaign = find_campaign(state, id).await?;
    let definition = campaign_definition(&state.db, &campaign)
        .await
        .map_err(ApiError::Internal)?;
    let territory = state.territory.current();
    let commune_names: HashMap<String, String> = territory
        .index
        .communes()
        .iter()
        .map(|c| (c.code.as_str().to_owned(), c.name.clone()))
        .collect();
    audit_export(
        state,
        staff,
        &format!("answers_{format}"),
        "campaign",
        &campaign.id,
        serde_json::json!({"campaign": campaign.id, "format": format}),
    )
    .await?;
    Ok((
        AnswersExport {
            db: state.db.clone(),
            campaign_id: campaign.id.clone(),
            table: AnswerTable::new(definition),
            commune_names,
        },
        campaign,
    ))
}

/// Every anonymous answer of a campaign, one line each, one column per question (per
/// option for multiple choice), French labels; UTF-8 with BOM, `;`, decimal commas: it
/// opens as is in a French Excel. Administrators only; audited.
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{id}/exports/answers.csv", tag = "exports",
    params(("id" = String, Path)),
    responses((status = 200, description = "CSV", content_type = "text/csv"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns/{id}/exports/answers.csv")]
#[tracing::instrument(skip_all)]
pub async fn export_answers_csv(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (export, campaign) = answers_export(&state, &staff, &id, "csv").await?;
    Ok(exports::streamed(
        CSV_CONTENT_TYPE,
        &format!("{}-reponses.csv", file_stem(&campaign)),
        move |out, handle| export.write_csv(out, handle),
    ))
}

/// The same answers as an Excel workbook (one sheet, written in constant memory).
/// Administrators only; audited.
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{id}/exports/answers.xlsx", tag = "exports",
    params(("id" = String, Path)),
    responses((status = 200, description = "XLSX workbook"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns/{id}/exports/answers.xlsx")]
#[tracing::instrument(skip_all)]
pub async fn export_answers_xlsx(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (export, campaign) = answers_export(&state, &staff, &id, "xlsx").await?;
    Ok(exports::streamed(
        XLSX_CONTENT_TYPE,
        &format!("{}-reponses.xlsx", file_stem(&campaign)),
        move |out, handle| export.write_xlsx(out, handle),
    ))
}

/// The protected table of the requested level and filter, audited as `export.<name>`.
async fn results_table(
    state: &AppState,
    staff: &StaffUser,
    id: &str,
    pairs: &Pairs,
    export: &str,
) -> Result<
    (
        storage::Campaign,
        std::sync::Arc<crate::results::ProtectedResults>,
        String,
    ),
    ApiError,
> {
    staff.require(Role::Committee)?;
    let mut fields = BTreeMap::new();
    let level = parse_level(pairs, &mut fields);
    let filter = parse_filter(pairs, &mut fields);
    if !fields.is_empty() {
        return Err(ApiError::Validation {
            code: ErrorCode::InvalidQuery,
            message: "Certains paramètres sont invalides : corrigez-les puis recommencez."
                .to_owned(),
            fields,
        });
    }
    let campaign = find_campaign(state, id).await?;
    let filter_json = serde_json::to_value(&filter).map_err(ApiError::internal)?;
    let results = protected_results(state, &campaign, filter).await?;
    table_of(&results, &level)?;
    audit_export(
        state,
        staff,
        export,
        "campaign",
        &campaign.id,
        serde_json::json!({"campaign": campaign.id, "level": level, "filter": filter_json}),
    )
    .await?;
    Ok((campaign, results, level))
}

/// Aggregated results of one level as CSV (one line per group × question × answer),
/// under statistical secrecy (`secret`). Audited.
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{id}/exports/results.csv", tag = "exports",
    params(("id" = String, Path), ("level" = Option<String>, Query), ("channel" = Option<String>, Query),
        ("filter" = Option<String>, Query)),
    responses((status = 200, description = "CSV", content_type = "text/csv"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns/{id}/exports/results.csv")]
#[tracing::instrument(skip_all)]
pub async fn export_results_csv(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, results, level) =
        results_table(&state, &staff, &id, &query, "results_csv").await?;
    Ok(exports::streamed(
        CSV_CONTENT_TYPE,
        &format!("{}-resultats-{level}.csv", file_stem(&campaign)),
        move |out, _| {
            let table = results
                .level(&level)
                .ok_or_else(|| anyhow::anyhow!("level {level} vanished"))?;
            exports::results::write_csv(table, out)
        },
    ))
}

/// Aggregated results of one level as an Excel workbook: a summary sheet and one sheet
/// per question, under statistical secrecy. Audited.
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{id}/exports/results.xlsx", tag = "exports",
    params(("id" = String, Path), ("level" = Option<String>, Query), ("channel" = Option<String>, Query),
        ("filter" = Option<String>, Query)),
    responses((status = 200, description = "XLSX workbook"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns/{id}/exports/results.xlsx")]
#[tracing::instrument(skip_all)]
pub async fn export_results_xlsx(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, results, level) =
        results_table(&state, &staff, &id, &query, "results_xlsx").await?;
    Ok(exports::streamed(
        XLSX_CONTENT_TYPE,
        &format!("{}-resultats-{level}.xlsx", file_stem(&campaign)),
        move |out, _| {
            let table = results
                .level(&level)
                .ok_or_else(|| anyhow::anyhow!("level {level} vanished"))?;
            exports::results::write_xlsx(table, out)
        },
    ))
}

/// Communes (or zones) with the aggregated values as flat numeric properties, for a QGIS
/// choropleth; a secret value is `null` with `<field>_secret: true`. At commune level,
/// indicators are added as `ind_<code>`. Audited.
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{id}/exports/results.geojson", tag = "exports",
    params(("id" = String, Path), ("level" = Option<String>, Query), ("channel" = Option<String>, Query),
        ("filter" = Option<String>, Query)),
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns/{id}/exports/results.geojson")]
#[tracing::instrument(skip_all)]
pub async fn export_results_geojson(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    let (campaign, results, level) =
        results_table(&state, &staff, &id, &query, "results_geojson").await?;
    let mut zones = ZoneGeometries::default();
    if level != "commune" && level != "territory" {
        for zone in storage::zones::zones_of_level(&state.db, &level, true).await? {
            if let Some(geometry) = zone
                .geometry
                .as_deref()
                .and_then(|g| serde_json::from_str(g).ok())
            {
                zones.stored.insert(zone.code.clone(), geometry);
            }
            zones.communes.insert(zone.code, zone.communes);
        }
    }
    let territory = state.territory.current();
    let indicator_codes: Vec<String> = storage::indicators::list(&state.db)
        .await?
        .into_iter()
        .map(|i| i.code)
        .collect();
    let values = indicator_values_for(
        storage::indicators::values_by_commune(&state.db).await?,
        &territory,
    );
    let body = web::block(move || -> anyhow::Result<Vec<u8>> {
        let table = results
            .level(&level)
            .ok_or_else(|| anyhow::anyhow!("level {level} vanished"))?;
        let collection = exports::results::geojson(
            table,
            territory.index.communes(),
            &zones,
            &values,
            &indicator_codes,
        )?;
        Ok(serde_json::to_vec(&collection)?)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::Internal)?;
    Ok(exports::download(
        GEOJSON_CONTENT_TYPE,
        &format!("{}-resultats.geojson", file_stem(&campaign)),
        body,
    ))
}

/// One format of the export of what the public map shows: its audit name, its file and
/// the writer that streams it.
struct MapExport {
    audit: &'static str,
    content_type: &'static str,
    file_name: &'static str,
    write: fn(&InitiativesExport, &mut ChunkWriter, &Handle) -> anyhow::Result<()>,
}

const MAP_GEOJSON: MapExport = MapExport {
    audit: "initiatives_geojson",
    content_type: GEOJSON_CONTENT_TYPE,
    file_name: "initiatives.geojson",
    write: InitiativesExport::write_geojson,
};
const MAP_CSV: MapExport = MapExport {
    audit: "initiatives_csv",
    content_type: CSV_CONTENT_TYPE,
    file_name: "initiatives.csv",
    write: InitiativesExport::write_csv,
};
const DATA_INCLUSION_STRUCTURES: MapExport = MapExport {
    audit: "data_inclusion_structures",
    content_type: JSON_CONTENT_TYPE,
    file_name: "structures.json",
    write: InitiativesExport::write_structures,
};
const DATA_INCLUSION_SERVICES: MapExport = MapExport {
    audit: "data_inclusion_services",
    content_type: JSON_CONTENT_TYPE,
    file_name: "services.json",
    write: InitiativesExport::write_services,
};

/// Streams `format` of what the map shows (analysts and above), audited.
async fn map_export(
    state: &AppState,
    staff: &StaffUser,
    format: MapExport,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Analyst)?;
    let theme_labels = storage::themes::list(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.label))
        .collect();
    audit_export(
        state,
        staff,
        format.audit,
        "initiative",
        "*",
        serde_json::json!({"format": format.audit}),
    )
    .await?;
    let export = InitiativesExport {
        db: state.db.clone(),
        territory: state.territory.current(),
        theme_labels,
        day: state.public_day(),
    };
    let write = format.write;
    Ok(exports::streamed(
        format.content_type,
        format.file_name,
        move |out, handle| write(&export, out, handle),
    ))
}

/// Initiatives shown on the public map, as GeoJSON points (WGS 84). Audited.
#[utoipa::path(get, path = "/api/v1/admin/exports/initiatives.geojson", tag = "exports",
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/exports/initiatives.geojson")]
#[tracing::instrument(skip_all)]
pub async fn export_initiatives_geojson(
    state: web::Data<AppState>,
    staff: StaffUser,
) -> Result<HttpResponse, ApiError> {
    map_export(&state, &staff, MAP_GEOJSON).await
}

/// Initiatives shown on the public map, as CSV for a French Excel. Audited.
#[utoipa::path(get, path = "/api/v1/admin/exports/initiatives.csv", tag = "exports",
    responses((status = 200, description = "CSV", content_type = "text/csv"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/exports/initiatives.csv")]
#[tracing::instrument(skip_all)]
pub async fn export_initiatives_csv(
    state: web::Data<AppState>,
    staff: StaffUser,
) -> Result<HttpResponse, ApiError> {
    map_export(&state, &staff, MAP_CSV).await
}

/// Published actors in the shape of data·inclusion `structures` (docs/data-inclusion.md).
#[utoipa::path(get, path = "/api/v1/admin/exports/data-inclusion/structures.json", tag = "exports",
    responses((status = 200, description = "JSON array of data·inclusion structures"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/exports/data-inclusion/structures.json")]
#[tracing::instrument(skip_all)]
pub async fn export_data_inclusion_structures(
    state: web::Data<AppState>,
    staff: StaffUser,
) -> Result<HttpResponse, ApiError> {
    map_export(&state, &staff, DATA_INCLUSION_STRUCTURES).await
}

/// Initiatives shown on the public map in the shape of data·inclusion `services`.
#[utoipa::path(get, path = "/api/v1/admin/exports/data-inclusion/services.json", tag = "exports",
    responses((status = 200, description = "JSON array of data·inclusion services"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/exports/data-inclusion/services.json")]
#[tracing::instrument(skip_all)]
pub async fn export_data_inclusion_services(
    state: web::Data<AppState>,
    staff: StaffUser,
) -> Result<HttpResponse, ApiError> {
    map_export(&state, &staff, DATA_INCLUSION_SERVICES).await
}
