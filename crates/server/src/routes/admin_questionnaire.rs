//! The needs questionnaire, staff side: questionnaires and their versions, campaigns,
//! counts, assisted entry, volunteers. Analysts read; moderators and administrators
//! write (each write audited in its transaction). Volunteers' contacts: moderators up.

use std::collections::BTreeMap;

use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use solidarites_api_types::{
    AdminCampaignListResponse, AdminCampaignResponse, CampaignCountsResponse,
    CreateCampaignRequest, DayCountResponse, PreviewRequest, PreviewResponse,
    QuestionnaireListResponse, QuestionnaireResponse, QuestionnaireVersionResponse,
    SaveQuestionnaireRequest, SaveQuestionnaireResponse, SubmitResponseRequest,
    SubmitResponseResponse, UpdateCampaignRequest,
};
use solidarites_domain::{
    lifecycle::{CampaignStatus, CampaignWindow},
    InseeCode,
};

use super::{
    paging::{paging_or_422, PageQuery, Paging},
    questionnaire::{submit_answer, submitted, submitted_body, summary},
};
use crate::{
    auth::{Role, StaffUser},
    error::{ApiError, ErrorCode},
    json_body::ApiJson,
    questionnaire::{
        self, campaign_not_found, campaign_window, parse_definition, stored_definition,
    },
    services::answers::Entry,
    state::AppState,
    storage::{
        self,
        questionnaires::{campaign_status, NewCampaign, StoredQuestionnaire},
    },
};

const MAX_TITLE: usize = 200;
const MAX_DESCRIPTION: usize = 5_000;

fn questionnaire_not_found() -> ApiError {
    ApiError::NotFound("Ce questionnaire n'existe pas.".to_owned())
}

fn version_response(
    v: &storage::QuestionnaireVersion,
) -> Result<QuestionnaireVersionResponse, ApiError> {
    Ok(QuestionnaireVersionResponse {
        id: v.id.clone(),
        version: v.version,
        frozen_at: v.frozen_at.map(|t| t.to_rfc3339()),
        created_at: v.created_at.to_rfc3339(),
        definition: serde_json::from_str(&v.definition).map_err(ApiError::internal)?,
    })
}

fn questionnaire_response(q: &StoredQuestionnaire) -> Result<QuestionnaireResponse, ApiError> {
    let latest = q.latest().ok_or_else(|| {
        ApiError::internal(anyhow::anyhow!(
            "questionnaire {} without version",
            q.questionnaire.id
        ))
    })?;
    Ok(QuestionnaireResponse {
        id: q.questionnaire.id.clone(),
        title: q.questionnaire.title.clone(),
        created_at: q.questionnaire.created_at.to_rfc3339(),
        updated_at: q.questionnaire.updated_at.to_rfc3339(),
        latest: version_response(latest)?,
        versions: q.versions.iter().map(|v| v.version).collect(),
    })
}

/// Lists of the back office: items per page unless asked otherwise, and at most.
const DEFAULT_PER_PAGE: u64 = 50;
const MAX_PER_PAGE: u64 = 200;

fn list_paging(query: &PageQuery) -> Result<Paging, ApiError> {
    paging_or_422(
        query.page.as_deref(),
        query.per_page.as_deref(),
        DEFAULT_PER_PAGE,
        MAX_PER_PAGE,
    )
}

/// The items of `paging` among `all`.
fn page_of<T>(all: Vec<T>, paging: Paging) -> Vec<T> {
    let skip = usize::try_from(paging.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(paging.per_page).unwrap_or(usize::MAX);
    all.into_iter().skip(skip).take(take).collect()
}

/// Questionnaires with their latest version, one page at a time (50 by default).
#[utoipa::path(get, path = "/api/v1/admin/questionnaires", tag = "admin-questionnaire",
    params(PageQuery),
    responses((status = 200, body = QuestionnaireListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/questionnaires")]
#[tracing::instrument(skip_all)]
pub async fn list_questionnaires(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Analyst)?;
    let paging = list_paging(&query)?;
    // A handful per territory: read them all, count, and keep the page.
    let all: Vec<StoredQuestionnaire> = storage::questionnaires::list(&state.db)
        .await?
        .into_iter()
        .filter(|q| !q.versions.is_empty())
        .collect();
    let total = all.len() as u64;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(QuestionnaireListResponse {
            questionnaires: page_of(all, paging)
                .iter()
                .map(questionnaire_response)
                .collect::<Result<_, _>>()?,
            page: paging.page,
            per_page: paging.per_page,
            total,
        }))
}

/// Creates a questionnaire (version 1) from a definition, checked as a whole.
#[utoipa::path(post, path = "/api/v1/admin/questionnaires", tag = "admin-questionnaire",
    request_body = SaveQuestionnaireRequest,
    responses((status = 201, body = QuestionnaireResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse, description = "Fields keyed by definition path")))]
#[post("/admin/questionnaires")]
#[tracing::instrument(skip_all)]
pub async fn create_questionnaire(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<SaveQuestionnaireRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let definition = parse_definition(&body.definition)?;
    let json = serde_json::to_string(&definition).map_err(ApiError::internal)?;
    let stored =
        storage::questionnaires::create(&state.db, &definition.title, &json, Some(&staff)).await?;
    Ok(HttpResponse::Created().json(questionnaire_response(&stored)?))
}

/// A questionnaire with its latest version.
#[utoipa::path(get, path = "/api/v1/admin/questionnaires/{id}", tag = "admin-questionnaire",
    params(("id" = String, Path)),
    responses((status = 200, body = QuestionnaireResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/questionnaires/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_questionnaire(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Analyst)?;
    let q = storage::questionnaires::get(&state.db, id.trim())
        .await?
        .filter(|q| !q.versions.is_empty())
        .ok_or_else(questionnaire_not_found)?;
    Ok(HttpResponse::Ok().json(questionnaire_response(&q)?))
}

/// Saves a definition. While no campaign using the latest version has answers, it is
/// edited in place; once frozen, a new version is created (campaigns keep theirs).
#[utoipa::path(put, path = "/api/v1/admin/questionnaires/{id}", tag = "admin-questionnaire",
    params(("id" = String, Path)), request_body = SaveQuestionnaireRequest,
    responses((status = 200, body = SaveQuestionnaireResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse, description = "Fields keyed by definition path")))]
#[put("/admin/questionnaires/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update_questionnaire(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<SaveQuestionnaireRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let definition = parse_definition(&body.definition)?;
    let json = serde_json::to_string(&definition).map_err(ApiError::internal)?;
    let outcome = storage::questionnaires::save_definition(
        &state.db,
        id.trim(),
        &definition.title,
        &json,
        &staff,
    )
    .await
    .map_err(|err| match err.sql_err() {
        // Two editors creating the next version at once.
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ApiError::Conflict {
            code: ErrorCode::QuestionnaireEditConflict,
            message: "Le questionnaire vient d'être modifié par quelqu'un d'autre : rechargez-le."
                .to_owned(),
        },
        _ => err.into(),
    })?
    .ok_or_else(questionnaire_not_found)?;
    let q = storage::questionnaires::get(&state.db, id.trim())
        .await?
        .ok_or_else(questionnaire_not_found)?;
    Ok(HttpResponse::Ok().json(SaveQuestionnaireResponse {
        questionnaire: questionnaire_response(&q)?,
        version: outcome.version,
        new_version: outcome.new_version,
    }))
}

/// Checks an answer set against the latest version without storing anything: the
/// questions a respondent would see, and what would be refused.
#[utoipa::path(post, path = "/api/v1/admin/questionnaires/{id}/preview", tag = "admin-questionnaire",
    params(("id" = String, Path)), request_body = PreviewRequest,
    responses((status = 200, body = PreviewResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/questionnaires/{id}/preview")]
#[tracing::instrument(skip_all)]
pub async fn preview_questionnaire(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<PreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Analyst)?;
    let q = storage::questionnaires::get(&state.db, id.trim())
        .await?
        .ok_or_else(questionnaire_not_found)?;
    let latest = q.latest().ok_or_else(questionnaire_not_found)?;
    let definition = stored_definition(&latest.definition)?;
    let territory = state.territory.current();
    let is_commune = |c: &InseeCode| territory.index.get(c).is_some();
    let visible_question_ids = definition.visible_question_ids(&body.answers);
    let errors = match definition.validate_answers(&body.answers, &is_commune) {
        Ok(_) => BTreeMap::new(),
        Err(errors) => errors.0,
    };
    Ok(HttpResponse::Ok().json(PreviewResponse {
        visible_question_ids,
        valid: errors.is_empty(),
        errors,
    }))
}

async fn admin_campaign_responses(
    state: &AppState,
    rows: &[storage::Campaign],
) -> Result<Vec<AdminCampaignResponse>, ApiError> {
    let versions = storage::questionnaires::version_of_campaigns(
        &state.db,
        rows.iter()
            .map(|c| c.questionnaire_version_id.clone())
            .collect(),
    )
    .await?;
    let now = Utc::now();
    Ok(rows
        .iter()
        .map(|c| {
            let v = versions.get(&c.questionnaire_version_id);
            AdminCampaignResponse {
                campaign: summary(c, now),
                questionnaire_id: v.map(|v| v.questionnaire_id.clone()).unwrap_or_default(),
                questionnaire_version_id: c.questionnaire_version_id.clone(),
                version: v.map_or(0, |v| v.version),
                created_at: c.created_at.to_rfc3339(),
                updated_at: c.updated_at.to_rfc3339(),
            }
        })
        .collect())
}

async fn one_admin_campaign(
    state: &AppState,
    row: storage::Campaign,
) -> Result<AdminCampaignResponse, ApiError> {
    admin_campaign_responses(state, std::slice::from_ref(&row))
        .await?
        .pop()
        .ok_or_else(campaign_not_found)
}

/// Campaigns, drafts included, latest opening first, one page at a time (50 by default).
/// From the committee role up.
#[utoipa::path(get, path = "/api/v1/admin/campaigns", tag = "admin-questionnaire",
    params(PageQuery),
    responses((status = 200, body = AdminCampaignListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns")]
#[tracing::instrument(skip_all)]
pub async fn list_admin_campaigns(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    // From the committee up: the results dashboard lists the campaigns to choose from
    // (titles and dates only; answers stay behind their own routes).
    staff.require(Role::Committee)?;
    let paging = list_paging(&query)?;
    let (rows, total) =
        storage::questionnaires::campaigns_page(&state.db, paging.offset(), paging.per_page)
            .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(AdminCampaignListResponse {
            campaigns: admin_campaign_responses(&state, &rows).await?,
            page: paging.page,
            per_page: paging.per_page,
            total,
        }))
}

/// One campaign, as in the list (status, dates, version, answers).
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{id}", tag = "admin-questionnaire",
    params(("id" = String, Path)),
    responses((status = 200, body = AdminCampaignResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_admin_campaign(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Analyst)?;
    let row = storage::questionnaires::get_campaign(&state.db, id.trim())
        .await?
        .ok_or_else(campaign_not_found)?;
    let response = admin_campaign_responses(&state, std::slice::from_ref(&row))
        .await?
        .pop()
        .ok_or_else(campaign_not_found)?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(response))
}

fn parse_time(
    raw: &str,
    field: &str,
    fields: &mut BTreeMap<String, String>,
) -> Option<DateTime<Utc>> {
    match DateTime::parse_from_rfc3339(raw.trim()) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(_) => {
            fields.insert(
                field.to_owned(),
                "Date et heure attendues au format 2026-11-22T09:00:00+01:00.".to_owned(),
            );
            None
        }
    }
}

fn check_text(
    raw: &str,
    field: &str,
    max: usize,
    required: bool,
    fields: &mut BTreeMap<String, String>,
) -> String {
    let text = raw.trim().to_owned();
    if required && text.is_empty() {
        fields.insert(field.to_owned(), "Ce champ est obligatoire.".to_owned());
    } else if text.chars().count() > max {
        fields.insert(field.to_owned(), format!("{max} caractères au plus."));
    }
    text
}

fn check_status(raw: &str, fields: &mut BTreeMap<String, String>) -> Option<String> {
    let s = raw.trim();
    if campaign_status::ALL.contains(&s) {
        Some(s.to_owned())
    } else {
        fields.insert(
            "status".to_owned(),
            "Statut attendu : draft, open ou closed.".to_owned(),
        );
        None
    }
}

fn check_window_order(
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    fields: &mut BTreeMap<String, String>,
) {
    let window = CampaignWindow {
        status: CampaignStatus::Draft,
        opens_at,
        closes_at,
    };
    if !window.is_ordered() {
        fields.insert(
            "closes_at".to_owned(),
            "La clôture doit suivre l'ouverture.".to_owned(),
        );
    }
}

fn invalid_campaign(fields: BTreeMap<String, String>) -> ApiError {
    ApiError::Validation {
        code: ErrorCode::InvalidCampaign,
        message: "La consultation ne peut pas être enregistrée : corrigez les champs signalés."
            .to_owned(),
        fields,
    }
}

/// Creates a campaign on the latest version of a questionnaire.
#[utoipa::path(post, path = "/api/v1/admin/campaigns", tag = "admin-questionnaire",
    request_body = CreateCampaignRequest,
    responses((status = 201, body = AdminCampaignResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/campaigns")]
#[tracing::instrument(skip_all)]
pub async fn create_campaign(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<CreateCampaignRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let mut fields = BTreeMap::new();
    let title = check_text(&body.title, "title", MAX_TITLE, true, &mut fields);
    let description = check_text(
        &body.description,
        "description",
        MAX_DESCRIPTION,
        false,
        &mut fields,
    );
    let opens_at = parse_time(&body.opens_at, "opens_at", &mut fields);
    let closes_at = parse_time(&body.closes_at, "closes_at", &mut fields);
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        check_window_order(o, c, &mut fields);
    }
    let status = match body.status.as_deref() {
        None => Some(campaign_status::DRAFT.to_owned()),
        Some(s) => check_status(s, &mut fields),
    };
    let version =
        match storage::questionnaires::get(&state.db, body.questionnaire_id.trim()).await? {
            Some(q) => q.latest().cloned(),
            None => None,
        };
    if version.is_none() {
        fields.insert(
            "questionnaire_id".to_owned(),
            "Choisissez un questionnaire existant.".to_owned(),
        );
    }
    let (Some(opens_at), Some(closes_at), Some(status), Some(version), true) =
        (opens_at, closes_at, status, version, fields.is_empty())
    else {
        return Err(invalid_campaign(fields));
    };
    let row = storage::questionnaires::create_campaign(
        &state.db,
        NewCampaign {
            title,
            description,
            questionnaire_version_id: version.id,
            opens_at,
            closes_at,
            status,
        },
        &staff,
    )
    .await?;
    Ok(HttpResponse::Created().json(one_admin_campaign(&state, row).await?))
}

async fn change_campaign(
    state: &AppState,
    staff: &StaffUser,
    id: &str,
    action: &str,
    change: impl FnOnce(&mut storage::Campaign) -> Result<(), BTreeMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let row = storage::questionnaires::update_campaign(&state.db, id.trim(), action, staff, change)
        .await?
        .ok_or_else(campaign_not_found)?
        .map_err(invalid_campaign)?;
    Ok(HttpResponse::Ok().json(one_admin_campaign(state, row).await?))
}

/// Changes the title, description, dates or status of a campaign.
#[utoipa::path(patch, path = "/api/v1/admin/campaigns/{id}", tag = "admin-questionnaire",
    params(("id" = String, Path)), request_body = UpdateCampaignRequest,
    responses((status = 200, body = AdminCampaignResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[patch("/admin/campaigns/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update_campaign(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<UpdateCampaignRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let body = body.into_inner();
    let mut fields = BTreeMap::new();
    let title = body
        .title
        .as_deref()
        .map(|t| check_text(t, "title", MAX_TITLE, true, &mut fields));
    let description = body
        .description
        .as_deref()
        .map(|t| check_text(t, "description", MAX_DESCRIPTION, false, &mut fields));
    let opens_at = body
        .opens_at
        .as_deref()
        .map(|t| parse_time(t, "opens_at", &mut fields));
    let closes_at = body
        .closes_at
        .as_deref()
        .map(|t| parse_time(t, "closes_at", &mut fields));
    let status = body.status.as_deref().map(|s| check_status(s, &mut fields));
    if !fields.is_empty() {
        return Err(invalid_campaign(fields));
    }
    change_campaign(&state, &staff, &id, "campaign.update", move |c| {
        if let Some(t) = title {
            c.title = t;
        }
        if let Some(d) = description {
            c.description = d;
        }
        if let Some(Some(o)) = opens_at {
            c.opens_at = o;
        }
        if let Some(Some(cl)) = closes_at {
            c.closes_at = cl;
        }
        if let Some(Some(s)) = status {
            c.status = s;
        }
        let mut fields = BTreeMap::new();
        check_window_order(c.opens_at, c.closes_at, &mut fields);
        if fields.is_empty() {
            Ok(())
        } else {
            Err(fields)
        }
    })
    .await
}

/// Opens a campaign at once (a crisis): status open, opening now.
#[utoipa::path(post, path = "/api/v1/admin/campaigns/{id}/open-now", tag = "admin-questionnaire",
    params(("id" = String, Path)),
    responses((status = 200, body = AdminCampaignResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse, description = "The closing date is past")))]
#[post("/admin/campaigns/{id}/open-now")]
#[tracing::instrument(skip_all)]
pub async fn open_campaign_now(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let now = Utc::now();
    change_campaign(&state, &staff, &id, "campaign.open_now", move |c| {
        let Ok(opened) = campaign_window(c).open_now(now) else {
            let mut fields = BTreeMap::new();
            fields.insert(
                "closes_at".to_owned(),
                "La date de clôture est passée : repoussez-la avant d'ouvrir.".to_owned(),
            );
            return Err(fields);
        };
        c.status = opened.status.as_str().to_owned();
        c.opens_at = opened.opens_at;
        Ok(())
    })
    .await
}

/// Closes a campaign: it accepts no more answers.
#[utoipa::path(post, path = "/api/v1/admin/campaigns/{id}/close", tag = "admin-questionnaire",
    params(("id" = String, Path)),
    responses((status = 200, body = AdminCampaignResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/campaigns/{id}/close")]
#[tracing::instrument(skip_all)]
pub async fn close_campaign(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    change_campaign(&state, &staff, &id, "campaign.close", |c| {
        c.status = campaign_window(c).close().status.as_str().to_owned();
        Ok(())
    })
    .await
}

/// How many answers a campaign received: in all, by channel, by commune, and per day
/// (date in France) and channel for a chart. Counts only.
#[utoipa::path(get, path = "/api/v1/admin/campaigns/{id}/counts", tag = "admin-questionnaire",
    params(("id" = String, Path)),
    responses((status = 200, body = CampaignCountsResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/campaigns/{id}/counts")]
#[tracing::instrument(skip_all)]
pub async fn campaign_counts(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Analyst)?;
    let c = storage::questionnaires::get_campaign(&state.db, id.trim())
        .await?
        .ok_or_else(campaign_not_found)?;
    let (total, by_channel, by_commune) =
        storage::questionnaires::campaign_counts(&state.db, &c.id).await?;
    let mut by_day: Vec<DayCountResponse> = Vec::new();
    for (day, channel, n) in
        storage::questionnaires::campaign_daily_counts(&state.db, &c.id).await?
    {
        let date = day.to_string();
        match by_day.last_mut() {
            Some(last) if last.date == date => {
                last.total += n;
                *last.by_channel.entry(channel).or_default() += n;
            }
            _ => by_day.push(DayCountResponse {
                date,
                total: n,
                by_channel: BTreeMap::from([(channel, n)]),
            }),
        }
    }
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(CampaignCountsResponse {
            total,
            by_channel,
            by_commune,
            by_day,
        }))
}

/// Assisted entry: staff type in an answer given by telephone, on paper or at a desk.
/// Audited as `response.assisted_entry` with the channel only, never the answers.
#[utoipa::path(post, path = "/api/v1/admin/campaigns/{id}/responses", tag = "admin-questionnaire",
    params(("id" = String, Path)), request_body = SubmitResponseRequest,
    responses((status = 201, body = SubmitResponseResponse),
              (status = 200, body = SubmitResponseResponse, description = "Repeat of a stored answer"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 410, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/campaigns/{id}/responses")]
#[tracing::instrument(skip_all)]
pub async fn assisted_response(
    state: web::Data<AppState>,
    staff: StaffUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: ApiJson<SubmitResponseRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let channel = body.channel.as_deref().map(str::trim).unwrap_or_default();
    if !questionnaire::ASSISTED_CHANNELS.contains(&channel) {
        return Err(ApiError::field(
            ErrorCode::InvalidAnswers,
            "channel",
            "Canal attendu : telephone, papier, accueil ou visite.",
        ));
    }
    let entry = Entry::Assisted {
        staff: &staff,
        channel,
    };
    let outcome = submit_answer(&state, &req, &id, &body, entry).await?;
    Ok(submitted(&outcome).json(submitted_body(&outcome)))
}
