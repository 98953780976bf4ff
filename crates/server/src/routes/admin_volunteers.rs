//! Volunteers for staff: the list (filtered by commune and theme, paged), its CSV export,
//! and the purge of those past the retention period. Contacts are for moderators and
//! administrators; the purge (an irreversible bulk deletion) for administrators. The
//! export and the purge are audited.

use actix_web::{
    get,
    http::header::{self, ContentDisposition, DispositionParam, DispositionType},
    post, web, HttpResponse,
};
use solidarites_api_types::{
    PurgeVolunteersRequest, PurgeVolunteersResponse, VolunteerListResponse, VolunteerResponse,
};

use super::{
    carte_query::{invalid_query, parse_commune, single, Pairs},
    paging::parse_paging,
};
use crate::{
    auth::{Role, StaffUser},
    error::{ApiError, ErrorCode},
    exports::{french_csv, CSV_CONTENT_TYPE, UTF8_BOM},
    json_body::ApiJson,
    state::AppState,
    storage::{
        self,
        volunteers::{VolunteerFilter, RETENTION_MONTHS},
    },
    submission::FieldErrors,
};

const DEFAULT_PER_PAGE: u64 = 50;
const MAX_PER_PAGE: u64 = 200;
/// Longest purge age accepted, in months (10 years).
const MAX_PURGE_MONTHS: u32 = 120;

/// `commune` (INSEE code) and `theme` (slug), each bad one named.
fn parse_filter(pairs: &Pairs, errors: &mut FieldErrors) -> VolunteerFilter {
    let commune = parse_commune(pairs, errors);
    let theme = single(pairs, "theme").and_then(|raw| {
        let ok = raw.len() <= 64
            && raw
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Some(raw.to_owned())
        } else {
            errors.insert(
                "theme".to_owned(),
                "Thème attendu sous forme d'identifiant (ex. aide-alimentaire).".to_owned(),
            );
            None
        }
    });
    VolunteerFilter { commune, theme }
}

fn to_response(v: &storage::Volunteer) -> VolunteerResponse {
    VolunteerResponse {
        id: v.id.clone(),
        created_at: v.created_at.to_rfc3339(),
        name: v.name.clone(),
        email: v.email.clone(),
        phone: v.phone.clone(),
        commune: v.commune_code.clone(),
        availability: v.availability.clone(),
        themes: storage::volunteers::themes_of(v),
        consent_text: v.consent_text.clone(),
        consent_at: v.consent_at.to_rfc3339(),
    }
}

/// Volunteers and their contacts, newest first, filtered by commune and theme, one page at
/// a time (50 by default, at most 200), with the retention rule (moderators and
/// administrators: analysts do not see contacts).
#[utoipa::path(get, path = "/api/v1/admin/volunteers", tag = "admin-questionnaire",
    params(("commune" = Option<String>, Query, description = "INSEE code"),
        ("theme" = Option<String>, Query, description = "theme slug"),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = VolunteerListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/volunteers")]
#[tracing::instrument(skip_all)]
pub async fn list_volunteers(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let mut errors = FieldErrors::new();
    let filter = parse_filter(&query, &mut errors);
    let paging = parse_paging(
        single(&query, "page"),
        single(&query, "per_page"),
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(invalid_query(errors));
    }
    let (rows, total) =
        storage::volunteers::page(&state.db, &filter, paging.offset(), paging.per_page).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(VolunteerListResponse {
            volunteers: rows.iter().map(to_response).collect(),
            page: paging.page,
            per_page: paging.per_page,
            total,
            retention_months: RETENTION_MONTHS,
        }))
}

/// The filtered volunteers as CSV for a French Excel (UTF-8 with BOM, `;`); cells that a
/// spreadsheet would run as a formula are neutralised. Audited as `volunteers.export`
/// (filter and count, never the contacts).
#[utoipa::path(get, path = "/api/v1/admin/exports/volunteers.csv", tag = "admin-questionnaire",
    params(("commune" = Option<String>, Query, description = "INSEE code"),
        ("theme" = Option<String>, Query, description = "theme slug")),
    responses((status = 200, content_type = "text/csv", body = String),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/exports/volunteers.csv")]
#[tracing::instrument(skip_all)]
pub async fn export_volunteers_csv(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let mut errors = FieldErrors::new();
    let filter = parse_filter(&query, &mut errors);
    if !errors.is_empty() {
        return Err(invalid_query(errors));
    }
    let rows = storage::volunteers::matching(&state.db, &filter).await?;
    let territory = state.territory.current();
    let names: std::collections::HashMap<&str, &str> = territory
        .index
        .communes()
        .iter()
        .map(|c| (c.code.as_str(), c.name.as_str()))
        .collect();
    let body = volunteers_csv(&rows, |code| {
        names.get(code).copied().unwrap_or_default().to_owned()
    })
    .map_err(ApiError::internal)?;
    storage::audit::record(
        &state.db,
        Some(&staff),
        "volunteers.export",
        "volunteer",
        "*",
        None,
        Some(serde_json::json!({
            "commune": filter.commune,
            "theme": filter.theme,
            "rows": rows.len(),
        })),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(CSV_CONTENT_TYPE)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename("benevoles.csv".to_owned())],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

fn volunteers_csv(
    rows: &[storage::Volunteer],
    commune_name: impl Fn(&str) -> String,
) -> anyhow::Result<Vec<u8>> {
    let mut out = UTF8_BOM.to_vec();
    {
        let mut csv = french_csv(&mut out);
        csv.write_record([
            "Inscription",
            "Nom",
            "Courriel",
            "Téléphone",
            "Code commune (INSEE)",
            "Commune",
            "Disponibilités",
            "Thèmes",
            "Consentement",
            "Date du consentement",
        ])?;
        for v in rows {
            let cells = [
                v.created_at.format("%d/%m/%Y").to_string(),
                v.name.clone(),
                v.email.clone().unwrap_or_default(),
                v.phone.clone().unwrap_or_default(),
                v.commune_code.clone(),
                commune_name(&v.commune_code),
                v.availability.clone(),
                storage::volunteers::themes_of(v).join(", "),
                v.consent_text.clone(),
                v.consent_at.format("%d/%m/%Y").to_string(),
            ];
            csv.write_record(&cells)?;
        }
        csv.flush()?;
    }
    Ok(out)
}

/// Deletes the volunteers who signed up more than `older_than_months` ago (1 to 120;
/// the retention rule is 12), audited as `volunteers.purge` with the cut-off date and the
/// count. Administrators only.
#[utoipa::path(post, path = "/api/v1/admin/volunteers/purge", tag = "admin-questionnaire",
    request_body = PurgeVolunteersRequest,
    responses((status = 200, body = PurgeVolunteersResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/volunteers/purge")]
#[tracing::instrument(skip_all)]
pub async fn purge_volunteers(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<PurgeVolunteersRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let months = body
        .older_than_months
        .and_then(|m| u32::try_from(m).ok())
        .filter(|m| (1..=MAX_PURGE_MONTHS).contains(m))
        .ok_or_else(|| {
            ApiError::field(
                ErrorCode::InvalidPurge,
                "older_than_months",
                format!(
                    "Indiquez l'ancienneté en mois, un nombre entier entre 1 et \
                     {MAX_PURGE_MONTHS} (règle de conservation : {RETENTION_MONTHS} mois)."
                ),
            )
        })?;
    let now = chrono::Utc::now();
    let cutoff = now
        .checked_sub_months(chrono::Months::new(months))
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("purge cut-off out of range")))?;
    let deleted = storage::volunteers::purge_audited(&state.db, cutoff, &staff, months).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(PurgeVolunteersResponse {
            deleted,
            before: cutoff.to_rfc3339(),
            retention_months: RETENTION_MONTHS,
        }))
}
