//! Volunteers for staff: the list (filtered by commune and theme, paged), its CSV export,
//! the matching with the initiatives and actors nearby that welcome volunteers (and its
//! CSV), and the purge of those past the retention period. Contacts are for moderators and
//! administrators; the purge (an irreversible bulk deletion) for administrators. The
//! export and the purge are audited.

use actix_web::{get, http::header, post, web, HttpResponse};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use uuid::Uuid;

use solidarites_api_types::{
    MatchedListingResponse, PurgeVolunteersRequest, PurgeVolunteersResponse, VolunteerListResponse,
    VolunteerMatchListResponse, VolunteerMatchResponse, VolunteerResponse,
};
use solidarites_domain::{
    freshness::ListingKind,
    matching::{near_km, shares_theme, Place},
    results::gaps::{haversine_km, GapTerritory},
    InseeCode, LonLat,
};

use super::{
    carte_query::{parse_commune, parse_query, parse_radius_km, single, Pairs},
    paging::parse_paging_pairs,
};
use crate::{
    auth::{Role, StaffUser},
    error::{ApiError, ErrorCode},
    exports::{download, french_csv, CSV_CONTENT_TYPE, UTF8_BOM},
    json_body::ApiJson,
    state::AppState,
    storage::{
        self,
        freshness::PublicDay,
        initiatives::{Near, PublicFilter},
        volunteers::{VolunteerFilter, RETENTION_MONTHS},
    },
    submission::FieldErrors,
    territory::LoadedTerritory,
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
    let (filter, paging) = parse_query(|errors| {
        (
            parse_filter(&query, errors),
            parse_paging_pairs(&query, DEFAULT_PER_PAGE, MAX_PER_PAGE, errors),
        )
    })?;
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
    let filter = parse_query(|errors| parse_filter(&query, errors))?;
    let rows = storage::volunteers::matching(&state.db, &filter).await?;
    let audit = serde_json::json!({
        "commune": filter.commune,
        "theme": filter.theme,
        "rows": rows.len(),
    });
    let file = ContactsFile {
        action: "volunteers.export",
        name: "benevoles.csv",
        audit,
    };
    contacts_download(&state, &staff, file, |name| volunteers_csv(&rows, name)).await
}

/// A CSV of volunteers' contacts for staff: its audit line (`action`, what was asked and
/// how many rows, never the contacts) and its file name.
struct ContactsFile {
    action: &'static str,
    name: &'static str,
    audit: serde_json::Value,
}

/// Writes the CSV (`write` gets each commune's name by code), audits it and answers it as
/// a download.
async fn contacts_download(
    state: &AppState,
    staff: &StaffUser,
    file: ContactsFile,
    write: impl FnOnce(&dyn Fn(&str) -> String) -> anyhow::Result<Vec<u8>>,
) -> Result<HttpResponse, ApiError> {
    let territory = state.territory.current();
    let body = write(&|code| territory.commune_name(code)).map_err(ApiError::internal)?;
    storage::audit::record(
        &state.db,
        Some(staff),
        file.action,
        "volunteer",
        "*",
        None,
        Some(file.audit),
    )
    .await?;
    Ok(download(CSV_CONTENT_TYPE, file.name, body))
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

/// `radius_km` of the matching: 1 to 100 km, default 10.
fn parse_radius(pairs: &Pairs, errors: &mut FieldErrors) -> f64 {
    parse_radius_km(pairs, DEFAULT_MATCH_RADIUS_KM, errors).unwrap_or(DEFAULT_MATCH_RADIUS_KM)
}

/// Radius of the matching when `radius_km` is not given, km.
const DEFAULT_MATCH_RADIUS_KM: f64 = 10.0;

/// Every volunteer of `filter` with the public listings welcoming volunteers within
/// `radius_km` of their commune (or in it) that share one of their themes, nearest
/// first; volunteers with no match are left out. Initiatives come from the same `near`
/// query as the public map (`GET /api/v1/initiatives?near=`), actors (placed at their
/// commune) by the same rule (`domain::matching`).
async fn volunteer_matches(
    state: &AppState,
    filter: &VolunteerFilter,
    radius_km: f64,
) -> Result<Vec<(storage::Volunteer, Vec<MatchedListingResponse>)>, ApiError> {
    let volunteers = storage::volunteers::matching(&state.db, filter).await?;
    if volunteers.is_empty() {
        return Ok(Vec::new());
    }
    let day = state.public_day();
    let territory = state.territory.current();
    let matcher = Matcher {
        state,
        points: state.results.gap_territory(&territory).await,
        territory: &territory,
        actors: storage::actors::welcoming_volunteers(&state.db, &day).await?,
        actor_themes: storage::initiative_exports::themes_by_actor(&state.db, &day).await?,
        day,
        radius_km,
    };
    // One `near` query per volunteers' commune (volunteers of a commune share it).
    let mut near_cache: HashMap<String, Vec<(storage::Initiative, f64)>> = HashMap::new();
    let mut out = Vec::new();
    for volunteer in volunteers {
        let commune = volunteer.commune_code.clone();
        if !near_cache.contains_key(&commune) {
            let found = matcher.initiatives_near(&commune).await?;
            near_cache.insert(commune.clone(), found);
        }
        let initiatives = near_cache.get(&commune).map_or(&[][..], Vec::as_slice);
        let themes = storage::volunteers::themes_of(&volunteer);
        let mut matches = matcher.initiative_matches(&themes, initiatives).await?;
        matches.extend(matcher.actor_matches(&commune, &themes));
        if matches.is_empty() {
            continue;
        }
        matches.sort_by(|a, b| {
            a.distance_km
                .total_cmp(&b.distance_km)
                .then_with(|| a.kind.cmp(&b.kind))
                .then_with(|| a.name.cmp(&b.name))
        });
        out.push((volunteer, matches));
    }
    Ok(out)
}

/// What the matching of one request reads once: the communes' representative points,
/// the actors welcoming volunteers and their themes.
struct Matcher<'a> {
    state: &'a AppState,
    territory: &'a LoadedTerritory,
    points: Arc<GapTerritory>,
    actors: Vec<storage::Actor>,
    actor_themes: HashMap<Uuid, BTreeSet<String>>,
    day: PublicDay,
    radius_km: f64,
}

impl Matcher<'_> {
    fn point_of(&self, code: &str) -> Option<LonLat> {
        InseeCode::parse(code)
            .ok()
            .and_then(|c| self.points.point(&c))
    }

    /// The public initiatives welcoming volunteers within the radius of `commune`'s
    /// point (or in it), with their distance in km.
    async fn initiatives_near(
        &self,
        commune: &str,
    ) -> Result<Vec<(storage::Initiative, f64)>, ApiError> {
        let Some(point) = self.point_of(commune) else {
            return Ok(Vec::new());
        };
        let near = Near {
            commune: commune.to_owned(),
            point,
            radius_km: self.radius_km,
        };
        let welcoming = PublicFilter {
            welcomes_volunteers: true,
            ..PublicFilter::default()
        };
        let db = &self.state.db;
        let rows =
            storage::initiatives::all_near(db, &welcoming, &near, &self.day, MAX_MATCHES).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let d = LonLat::new(row.lon, row.lat)
                    .ok()
                    .map_or(0.0, |p| haversine_km(point, p));
                (row, d)
            })
            .collect())
    }

    /// Those of `initiatives` sharing one of `themes`.
    async fn initiative_matches(
        &self,
        themes: &[String],
        initiatives: &[(storage::Initiative, f64)],
    ) -> Result<Vec<MatchedListingResponse>, ApiError> {
        let ids = initiatives.iter().map(|(r, _)| r.actor_id);
        let initiative_actors = storage::actors::by_ids(&self.state.db, ids).await?;
        Ok(initiatives
            .iter()
            .filter(|(row, _)| shares_theme(themes, &storage::initiatives::themes_of(row)))
            .map(|(row, d)| MatchedListingResponse {
                kind: ListingKind::Initiative.as_str().to_owned(),
                id: row.id.to_string(),
                name: row.title.clone(),
                actor_name: initiative_actors.get(&row.actor_id).map(|a| a.name.clone()),
                commune: row.commune_code.clone(),
                commune_name: self.territory.commune_name(&row.commune_code),
                distance_km: round_km(*d),
                themes: storage::initiatives::themes_of(row),
                contact_email: row.contact_email.clone(),
                contact_phone: row.contact_phone.clone(),
                contact_url: row.contact_url.clone(),
            })
            .collect())
    }

    /// The actors within the radius of `commune` (or in it) sharing one of `themes`.
    fn actor_matches(&self, commune: &str, themes: &[String]) -> Vec<MatchedListingResponse> {
        let from = Place {
            commune,
            point: self.point_of(commune),
        };
        let mut found = Vec::new();
        for actor in &self.actors {
            let Some(code) = actor.commune_code.as_deref() else {
                continue;
            };
            let to = Place {
                commune: code,
                point: self.point_of(code),
            };
            let offered: Vec<String> = self
                .actor_themes
                .get(&actor.id)
                .map(|t| t.iter().cloned().collect())
                .unwrap_or_default();
            let Some(d) = near_km(from, to, self.radius_km) else {
                continue;
            };
            if !shares_theme(themes, &offered) {
                continue;
            }
            found.push(MatchedListingResponse {
                kind: ListingKind::Actor.as_str().to_owned(),
                id: actor.id.to_string(),
                name: actor.name.clone(),
                actor_name: None,
                commune: code.to_owned(),
                commune_name: self.territory.commune_name(code),
                distance_km: round_km(d),
                themes: offered,
                contact_email: actor.contact_email.clone(),
                contact_phone: actor.contact_phone.clone(),
                contact_url: actor.website.clone(),
            });
        }
        found
    }
}

/// Most initiatives offered to one volunteer.
const MAX_MATCHES: u64 = 200;

/// Distances rounded to 10 m.
fn round_km(d: f64) -> f64 {
    (d * 100.0).round() / 100.0
}

/// Volunteers (filtered by commune and theme) matched with the published initiatives and
/// actors that welcome volunteers in their commune or within `radius_km` (default 10) of
/// it and share one of their themes: the volunteers with at least one match, newest
/// first, one page at a time. Moderators and administrators (contacts).
#[utoipa::path(get, path = "/api/v1/admin/volunteers/matches", tag = "admin-questionnaire",
    params(("commune" = Option<String>, Query, description = "INSEE code of the volunteers"),
        ("theme" = Option<String>, Query, description = "theme slug of the volunteers"),
        ("radius_km" = Option<f64>, Query, description = "1 to 100, default 10"),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = VolunteerMatchListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/volunteers/matches")]
#[tracing::instrument(skip_all)]
pub async fn list_volunteer_matches(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let (filter, radius_km, paging) = parse_query(|errors| {
        (
            parse_filter(&query, errors),
            parse_radius(&query, errors),
            parse_paging_pairs(&query, DEFAULT_PER_PAGE, MAX_PER_PAGE, errors),
        )
    })?;
    let all = volunteer_matches(&state, &filter, radius_km).await?;
    let total = all.len() as u64;
    let items = all
        .into_iter()
        .skip(usize::try_from(paging.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(paging.per_page).unwrap_or(usize::MAX))
        .map(|(v, matches)| VolunteerMatchResponse {
            volunteer: to_response(&v),
            matches,
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(VolunteerMatchListResponse {
            items,
            page: paging.page,
            per_page: paging.per_page,
            total,
            radius_km,
            retention_months: RETENTION_MONTHS,
        }))
}

/// The matching as CSV for a French Excel (UTF-8 with BOM, `;`), one row per volunteer
/// and listing, for the staff who call them. Audited as `volunteers.matches_export`
/// (filter and count, never the contacts).
#[utoipa::path(get, path = "/api/v1/admin/exports/volunteer-matches.csv", tag = "admin-questionnaire",
    params(("commune" = Option<String>, Query, description = "INSEE code of the volunteers"),
        ("theme" = Option<String>, Query, description = "theme slug of the volunteers"),
        ("radius_km" = Option<f64>, Query, description = "1 to 100, default 10")),
    responses((status = 200, content_type = "text/csv", body = String),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/exports/volunteer-matches.csv")]
#[tracing::instrument(skip_all)]
pub async fn export_volunteer_matches_csv(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let (filter, radius_km) =
        parse_query(|errors| (parse_filter(&query, errors), parse_radius(&query, errors)))?;
    let all = volunteer_matches(&state, &filter, radius_km).await?;
    let audit = serde_json::json!({
        "commune": filter.commune,
        "theme": filter.theme,
        "radius_km": radius_km,
        "volunteers": all.len(),
        "rows": all.iter().map(|(_, m)| m.len()).sum::<usize>(),
    });
    let file = ContactsFile {
        action: "volunteers.matches_export",
        name: "benevoles-et-structures.csv",
        audit,
    };
    contacts_download(&state, &staff, file, |name| matches_csv(&all, name)).await
}

fn matches_csv(
    rows: &[(storage::Volunteer, Vec<MatchedListingResponse>)],
    commune_name: impl Fn(&str) -> String,
) -> anyhow::Result<Vec<u8>> {
    let mut out = UTF8_BOM.to_vec();
    {
        let mut csv = french_csv(&mut out);
        csv.write_record([
            "Bénévole",
            "Courriel du bénévole",
            "Téléphone du bénévole",
            "Commune du bénévole",
            "Disponibilités",
            "Thèmes du bénévole",
            "Type",
            "Initiative ou acteur",
            "Porté par",
            "Commune",
            "Distance (km)",
            "Courriel",
            "Téléphone",
            "Site",
        ])?;
        for (v, matches) in rows {
            for m in matches {
                let cells = [
                    v.name.clone(),
                    v.email.clone().unwrap_or_default(),
                    v.phone.clone().unwrap_or_default(),
                    commune_name(&v.commune_code),
                    v.availability.clone(),
                    storage::volunteers::themes_of(v).join(", "),
                    if m.kind == ListingKind::Actor.as_str() {
                        "Acteur".to_owned()
                    } else {
                        "Initiative".to_owned()
                    },
                    m.name.clone(),
                    m.actor_name.clone().unwrap_or_default(),
                    m.commune_name.clone(),
                    format!("{:.1}", m.distance_km).replace('.', ","),
                    m.contact_email.clone().unwrap_or_default(),
                    m.contact_phone.clone().unwrap_or_default(),
                    m.contact_url.clone().unwrap_or_default(),
                ];
                csv.write_record(&cells)?;
            }
        }
        csv.flush()?;
    }
    Ok(out)
}
