//! Proposals of solidarity actions, public side: proposing (moderated), reading the
//! published ones with their support counts, follow-up timeline and measured needs, and
//! supporting them anonymously with a device token (see `solidarites_api_types::proposals`).

use std::{collections::HashSet, sync::Arc};

use actix_web::{delete, get, http::header, post, web, HttpRequest, HttpResponse};
use solidarites_api_types::{
    CreateProposalRequest, CreateProposalResponse, NeedsScopeResponse, ProposalContentResponse,
    ProposalListResponse, ProposalNeedsResponse, ProposalResponse, ProposalStatusEventResponse,
    ProposalSupportResponse, ThemeNeedResponse, DEVICE_TOKEN_HEADER,
};
use solidarites_domain::drafts;
use uuid::Uuid;

use super::{
    auth::client_ip,
    carte_query::{invalid_query, list, parse_commune, parse_page, parse_q, single, Pairs},
};
use crate::{
    edit_token,
    error::{ApiError, ErrorCode},
    ids::ProposalId,
    json_body::ApiJson,
    lists::{ProposalsPage, ProposalsStamp, Same},
    needs::{NeedsScope, NeedsTable},
    state::AppState,
    storage::{
        self,
        list_revisions::List,
        proposals::{
            moderation_status, status, ProposalFilter, ProposalSort, SupportChange, SupportOutcome,
        },
    },
    submission::{self, FieldErrors},
    territory::LoadedTerritory,
};

/// Shortest and longest device token, in characters.
pub(crate) const DEVICE_TOKEN_LEN: std::ops::RangeInclusive<usize> = 16..=128;
/// The characters of a device token (its length is [`DEVICE_TOKEN_LEN`]), as the OpenAPI
/// document states them.
pub(crate) const DEVICE_TOKEN_CHARACTERS: &str = "^[A-Za-z0-9_-]*$";

/// Takes one request from the client address's bucket (in memory only, never stored).
fn throttle(state: &AppState, req: &HttpRequest) -> Result<(), ApiError> {
    state
        .proposal_throttle
        .check_ip(client_ip(req, state.settings.trust_proxy))
        .map_err(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs })
}

/// The SHA-256 of the `X-Device-Token` header: `Ok(None)` without the header, a 422 when
/// it is not 16 to 128 characters among `A-Z a-z 0-9 - _`.
pub(super) fn device_token_hash(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(raw) = req.headers().get(DEVICE_TOKEN_HEADER) else {
        return Ok(None);
    };
    let token = raw.to_str().unwrap_or_default().trim();
    let valid = DEVICE_TOKEN_LEN.contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        Ok(Some(edit_token::hash(token)))
    } else {
        Err(ApiError::field(
            ErrorCode::InvalidDeviceToken,
            DEVICE_TOKEN_HEADER,
            "Jeton d'appareil invalide : 16 à 128 caractères parmi A-Z, a-z, 0-9, - et _.",
        ))
    }
}

fn required_device_token_hash(req: &HttpRequest) -> Result<String, ApiError> {
    device_token_hash(req)?.ok_or_else(|| {
        ApiError::field(
            ErrorCode::MissingDeviceToken,
            DEVICE_TOKEN_HEADER,
            "L'en-tête X-Device-Token est nécessaire pour soutenir une proposition.",
        )
    })
}

pub(super) fn content_of(
    territory: &LoadedTerritory,
    row: &storage::Proposal,
) -> ProposalContentResponse {
    ProposalContentResponse {
        title: row.title.clone(),
        description: row.description.clone(),
        themes: storage::proposals::themes_of(row),
        commune: row
            .commune_code
            .as_deref()
            .map(|c| territory.commune_ref(c)),
        pseudonym: row.pseudonym.clone(),
    }
}

fn scope_response(
    scope: Option<&NeedsScope>,
    themes: &[String],
    asked: &HashSet<String>,
) -> NeedsScopeResponse {
    let empty = NeedsScope::default();
    let scope = scope.unwrap_or(&empty);
    let secret = scope.is_secret();
    NeedsScopeResponse {
        respondents: scope.respondents,
        secret,
        themes: themes
            .iter()
            .map(|theme| {
                let is_asked = asked.contains(theme);
                let share = scope.themes.get(theme).and_then(|need| need.share);
                ThemeNeedResponse {
                    theme: theme.clone(),
                    share: if is_asked { share } else { None },
                    // Withheld: the scope, or this theme's count, is under secrecy.
                    secret: is_asked && share.is_none(),
                    asked: is_asked,
                }
            })
            .collect(),
    }
}

/// The measured needs of a proposal's themes in its commune and over the territory.
pub(super) fn needs_response(
    table: Option<&NeedsTable>,
    themes: &[String],
    commune: Option<&str>,
) -> ProposalNeedsResponse {
    let Some(table) = table else {
        return ProposalNeedsResponse {
            campaign_id: None,
            campaign_title: None,
            commune: None,
            territory: None,
        };
    };
    ProposalNeedsResponse {
        campaign_id: Some(table.campaign_id.clone()),
        campaign_title: Some(table.campaign_title.clone()),
        commune: commune.map(|c| scope_response(table.communes.get(c), themes, &table.asked)),
        territory: Some(scope_response(Some(&table.territory), themes, &table.asked)),
    }
}

/// The needs of the latest campaign, as protected by the results (usually from memory).
async fn current_needs(
    state: &AppState,
    territory: Arc<LoadedTerritory>,
) -> Result<Option<Arc<NeedsTable>>, ApiError> {
    state
        .needs
        .current(
            &state.db,
            &state.results,
            territory,
            state.site().secrecy_k,
            state.settings.territory_refresh,
        )
        .await
        .map_err(super::results::results_error)
}

/// Public payloads of `rows`: supports, this device's supports, timelines and needs are
/// loaded once for all the rows (four queries, the needs usually from memory).
pub(super) async fn public_responses(
    state: &AppState,
    rows: &[storage::Proposal],
    device_hash: Option<&str>,
) -> Result<Vec<ProposalResponse>, ApiError> {
    let territory = state.territory.current();
    let needs = current_needs(state, Arc::clone(&territory)).await?;
    responses_with(state, rows, device_hash, &territory, needs.as_deref()).await
}

/// [`public_responses`] with the territory and needs given.
async fn responses_with(
    state: &AppState,
    rows: &[storage::Proposal],
    device_hash: Option<&str>,
    territory: &LoadedTerritory,
    needs: Option<&NeedsTable>,
) -> Result<Vec<ProposalResponse>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let counts = storage::proposals::support_counts(&state.db, &ids).await?;
    let mine = match device_hash {
        Some(hash) => Some(storage::proposals::supported_by(&state.db, &ids, hash).await?),
        None => None,
    };
    let mut timelines = storage::proposals::timelines(&state.db, &ids).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let content = content_of(territory, row);
            let needs = needs_response(needs, &content.themes, row.commune_code.as_deref());
            ProposalResponse {
                id: row.id.to_string(),
                content,
                status: row.status.clone(),
                published_at: row.published_at.map(|t| t.to_rfc3339()),
                support_count: counts.get(&row.id).copied().unwrap_or(0),
                supported_by_me: mine.as_ref().map(|m| m.contains(&row.id)),
                accepts_supports: storage::proposals::accepts_supports(row),
                priority: row.priority,
                merged_into: row.merged_into.map(|id| id.to_string()),
                timeline: timelines
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|e| ProposalStatusEventResponse {
                        status: e.status,
                        answer: e.answer,
                        at: e.at.to_rfc3339(),
                    })
                    .collect(),
                needs,
            }
        })
        .collect())
}

/// Filters, sort and page of the proposal lists. `staff` also reads `moderation` and
/// `merged`.
pub(super) fn parse_proposal_query(
    pairs: &Pairs,
    staff: bool,
) -> Result<(ProposalFilter, ProposalSort, u64, u64), ApiError> {
    let mut errors = FieldErrors::new();
    let commune = parse_commune(pairs, &mut errors);
    let statuses = list(pairs, "status");
    if let Some(bad) = statuses.iter().find(|s| !status::ALL.contains(&s.as_str())) {
        errors.insert(
            "status".to_owned(),
            format!(
                "Statut inconnu « {} » (attendu : {}).",
                bad.chars().take(40).collect::<String>(),
                status::ALL.join(", ")
            ),
        );
    }
    let sort = match single(pairs, "sort") {
        None | Some("newest") => ProposalSort::Newest,
        Some("most_supported") => ProposalSort::MostSupported,
        Some("priority") => ProposalSort::Priority,
        Some(_) => {
            errors.insert(
                "sort".to_owned(),
                "Tri inconnu (attendu : newest, most_supported ou priority).".to_owned(),
            );
            ProposalSort::Newest
        }
    };
    let mut filter = ProposalFilter {
        themes: list(pairs, "theme"),
        commune,
        statuses,
        q: parse_q(pairs),
        ..ProposalFilter::default()
    };
    if staff {
        filter.moderation = list(pairs, "moderation");
        if let Some(bad) = filter
            .moderation
            .iter()
            .find(|s| !moderation_status::ALL.contains(&s.as_str()))
        {
            errors.insert(
                "moderation".to_owned(),
                format!(
                    "Statut de modération inconnu « {} » (attendu : {}).",
                    bad.chars().take(40).collect::<String>(),
                    moderation_status::ALL.join(", ")
                ),
            );
        }
        if filter.moderation.is_empty() {
            filter.moderation = moderation_status::ALL.map(str::to_owned).to_vec();
        }
        filter.include_merged = match single(pairs, "merged") {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => {
                errors.insert(
                    "merged".to_owned(),
                    "Valeur attendue : true ou false.".to_owned(),
                );
                false
            }
        };
    }
    let (page, per_page) = parse_page(pairs, &mut errors);
    if errors.is_empty() {
        Ok((filter, sort, page, per_page))
    } else {
        Err(invalid_query(errors))
    }
}

/// Published proposals (duplicates merged into another one left out), one page at a time.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "proposals",
    params(
        ("theme" = Option<String>, Query, description = "Theme slug(s): repeated or comma-separated"),
        ("commune" = Option<String>, Query, description = "INSEE code"),
        ("status" = Option<String>, Query, description = "Follow-up status(es): submitted, under_study, accepted, in_progress, done, declined"),
        ("q" = Option<String>, Query, description = "Text, accents and case ignored"),
        ("sort" = Option<String>, Query, description = "newest (default), most_supported or priority"),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query, description = "1 to 100, default 20"),
        ("X-Device-Token" = Option<String>, Header, description = "Fills supported_by_me")),
    responses((status = 200, body = ProposalListResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/proposals")]
#[tracing::instrument(skip_all)]
pub async fn list_proposals(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    let (filter, sort, page, per_page) = parse_proposal_query(&query, false)?;
    let device = device_token_hash(&req)?;
    // From memory while the proposals' revision, the territory and the needs hold (see
    // `crate::lists`); the revision is read before the page is built.
    let revision = state
        .lists
        .proposals_revision
        .get(|| storage::list_revisions::revision(&state.db, List::Proposals))
        .await?;
    let territory = state.territory.current();
    let needs = current_needs(&state, Arc::clone(&territory)).await?;
    let stamp = ProposalsStamp {
        revision,
        territory: Same(Arc::clone(&territory)),
        needs: needs.clone().map(Same),
    };
    let built = state
        .lists
        .proposals
        .page(stamp, req.query_string(), || async {
            let (rows, total) =
                storage::proposals::list(&state.db, &filter, sort, page, per_page).await?;
            let items = responses_with(&state, &rows, None, &territory, needs.as_deref()).await?;
            let response = ProposalListResponse {
                items,
                page,
                per_page,
                total,
            };
            let body = serde_json::to_vec(&response).map_err(ApiError::internal)?;
            Ok::<_, ApiError>(ProposalsPage {
                response,
                ids: rows.iter().map(|r| r.id).collect(),
                body: body.into(),
            })
        })
        .await?;
    let Some(hash) = device else {
        return Ok(HttpResponse::Ok()
            .insert_header(header::ContentType::json())
            .body(built.body.clone()));
    };
    let mine = storage::proposals::supported_by(&state.db, &built.ids, &hash).await?;
    let mut response = built.response.clone();
    for (item, id) in response.items.iter_mut().zip(&built.ids) {
        item.supported_by_me = Some(mine.contains(id));
    }
    Ok(HttpResponse::Ok().json(response))
}

fn proposal_not_found() -> ApiError {
    ApiError::NotFound("Cette proposition n'existe pas ou n'est pas publiée.".to_owned())
}

/// One published proposal, with its timeline. A duplicate shows `merged_into`.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "proposals",
    params(("id" = String, Path),
           ("X-Device-Token" = Option<String>, Header, description = "Fills supported_by_me")),
    responses((status = 200, body = ProposalResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse, description = "invalid X-Device-Token")))]
#[get("/proposals/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_proposal(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = super::parse_id(id.trim(), proposal_not_found)?;
    let device = device_token_hash(&req)?;
    let row = storage::proposals::get_public(&state.db, id)
        .await?
        .ok_or_else(proposal_not_found)?;
    let mut responses =
        public_responses(&state, std::slice::from_ref(&row), device.as_deref()).await?;
    let response = responses.pop().ok_or_else(proposal_not_found)?;
    Ok(HttpResponse::Ok().json(response))
}

/// Proposes an action (anonymous, optional pseudonym). It waits for moderation.
#[utoipa::path(post, path = "/api/v1/proposals", tag = "proposals",
    request_body = CreateProposalRequest,
    responses((status = 201, body = CreateProposalResponse),
              (status = 422, description = "Each bad field named", body = solidarites_api_types::ErrorResponse),
              (status = 429, body = solidarites_api_types::ErrorResponse)))]
#[post("/proposals")]
#[tracing::instrument(skip_all)]
pub async fn create_proposal(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<CreateProposalRequest>,
) -> Result<HttpResponse, ApiError> {
    throttle(&state, &req)?;
    let choices = super::SubmissionChoices::load(&state).await?;
    let ctx = choices.context();
    let (draft, notify_email) = submission::with_notify_email(
        drafts::parse_proposal(&body, &ctx),
        solidarites_domain::notify::parse_notify_email(
            body.notify_email.as_deref(),
            body.notify_consent,
        ),
    )?;
    let id = storage::proposals::create_with_notify(
        &state.db,
        &draft,
        notify_email.as_ref().map(|e| e.as_str()),
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/proposals/{id}")))
        .json(CreateProposalResponse {
            id: id.to_string(),
            moderation_status: moderation_status::PENDING.to_owned(),
        }))
}

fn support_answer(
    id: ProposalId,
    outcome: SupportOutcome,
    supported: bool,
) -> Result<HttpResponse, ApiError> {
    match outcome {
        SupportOutcome::NotFound => Err(proposal_not_found()),
        SupportOutcome::Merged(kept) => Err(ApiError::Conflict {
            code: ErrorCode::ProposalMerged,
            message: format!(
                "Cette proposition a été fusionnée avec la proposition {kept} : soutenez celle-ci."
            ),
        }),
        SupportOutcome::Closed => Err(ApiError::Conflict {
            code: ErrorCode::SupportsClosed,
            message: "Cette proposition est close (réalisée ou non retenue) : elle ne reçoit plus de soutiens.".to_owned(),
        }),
        SupportOutcome::Applied { changed, count } => {
            let body = ProposalSupportResponse {
                proposal_id: id.to_string(),
                support_count: count,
                supported,
                changed,
            };
            let mut response = if changed && supported {
                HttpResponse::Created()
            } else {
                HttpResponse::Ok()
            };
            Ok(response
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(body))
        }
    }
}

/// Supports a proposal, once per device (`X-Device-Token` header). 201 when counted, 200
/// when this device already supported it (nothing changes).
#[utoipa::path(post, path = "/api/v1/proposals/{id}/supports", tag = "proposals",
    params(("id" = String, Path),
           ("X-Device-Token" = String, Header, description = "16 to 128 characters among A-Z a-z 0-9 - _; kept by the browser")),
    responses((status = 201, body = ProposalSupportResponse),
              (status = 200, body = ProposalSupportResponse, description = "Already supported by this device"),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse, description = "proposal_merged or supports_closed"),
              (status = 422, body = solidarites_api_types::ErrorResponse, description = "Missing or invalid device token"),
              (status = 429, body = solidarites_api_types::ErrorResponse)))]
#[post("/proposals/{id}/supports")]
#[tracing::instrument(skip_all)]
pub async fn support_proposal(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    change_support(&state, &req, &id, SupportChange::Add).await
}

/// Withdraws this device's support (`X-Device-Token` header); 200 even when it had none.
#[utoipa::path(delete, path = "/api/v1/proposals/{id}/supports", tag = "proposals",
    params(("id" = String, Path), ("X-Device-Token" = String, Header)),
    responses((status = 200, body = ProposalSupportResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse, description = "proposal_merged"),
              (status = 422, body = solidarites_api_types::ErrorResponse),
              (status = 429, body = solidarites_api_types::ErrorResponse)))]
#[delete("/proposals/{id}/supports")]
#[tracing::instrument(skip_all)]
pub async fn withdraw_support(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    change_support(&state, &req, &id, SupportChange::Withdraw).await
}

/// Applies one device's support change to the proposal of the path.
async fn change_support(
    state: &AppState,
    req: &HttpRequest,
    id: &str,
    change: SupportChange,
) -> Result<HttpResponse, ApiError> {
    throttle(state, req)?;
    let id = super::parse_id(id.trim(), proposal_not_found)?;
    let hash = required_device_token_hash(req)?;
    let outcome = storage::proposals::change_support(&state.db, id, &hash, change).await?;
    support_answer(id, outcome, change == SupportChange::Add)
}
