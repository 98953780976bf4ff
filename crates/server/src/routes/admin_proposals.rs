//! Staff follow-up of proposals: the staff lists, status changes with a public answer (the
//! public timeline), the internal note, the priority rank, and merging duplicates. Every
//! change is written to the audit trail in its transaction. Moderation (approve, reject,
//! archive) goes through the shared moderation queue (`admin_moderation`).
//!
//! Who may do what:
//! - read the staff lists: committee and above; the internal note only analysts and above;
//! - priority: committee and above (the committee ranks proposals);
//! - status with public answer, internal note, merge: moderators and above.

use actix_web::{get, post, put, web, HttpResponse};
use solidarites_api_types::{
    AdminProposalListResponse, AdminProposalResponse, InternalNoteResponse, MergeProposalRequest,
    MergeProposalResponse, ProposalNoteRequest, ProposalPriorityRequest, ProposalRanksRequest,
    ProposalRanksResponse, ProposalStatusRequest,
};

use super::{carte_query::Pairs, proposals};
use crate::{
    auth::{Role, StaffUser},
    error::{ApiError, ErrorCode},
    ids::ProposalId,
    json_body::ApiJson,
    services::{
        self,
        proposals::{FollowUp, FollowUpError, MergeError},
    },
    state::AppState,
    storage::{
        self,
        proposals::{status, PRIORITY_RANGE},
    },
    submission::{invalid, FieldErrors},
};

const ANSWER_MAX: usize = 5_000;
const NOTE_MAX: usize = 10_000;

fn not_found() -> ApiError {
    ApiError::NotFound("Cette proposition n'existe pas.".to_owned())
}

fn parse_id(raw: &str) -> Result<ProposalId, ApiError> {
    super::parse_id(raw.trim(), not_found)
}

fn follow_up_error(err: FollowUpError) -> ApiError {
    match err {
        FollowUpError::NotFound => not_found(),
        FollowUpError::NotPublished(s) => ApiError::Conflict {
            code: ErrorCode::InvalidState,
            message: format!(
                "Cette proposition n'est pas publiée (statut de modération « {s} ») : modérez-la d'abord."
            ),
        },
        FollowUpError::Merged(kept) => ApiError::Conflict {
            code: ErrorCode::ProposalMerged,
            message: format!(
                "Cette proposition a été fusionnée avec la proposition {kept} : suivez celle-ci."
            ),
        },
        FollowUpError::Db(e) => e.into(),
    }
}

/// Staff payloads of `rows`; the internal note only for analysts and above.
async fn admin_responses(
    state: &AppState,
    staff: &StaffUser,
    rows: &[storage::Proposal],
) -> Result<Vec<AdminProposalResponse>, ApiError> {
    let public = proposals::public_responses(state, rows, None).await?;
    let sees_notes = staff.role >= Role::Analyst;
    Ok(rows
        .iter()
        .zip(public)
        .map(|(row, proposal)| AdminProposalResponse {
            proposal,
            moderation_status: row.moderation_status.clone(),
            moderation_message: row.moderation_message.clone(),
            submitted_at: row.created_at.to_rfc3339(),
            internal_note: sees_notes.then(|| InternalNoteResponse {
                text: row.internal_note.clone().unwrap_or_default(),
                updated_at: row.internal_note_updated_at.map(|t| t.to_rfc3339()),
            }),
        })
        .collect())
}

/// Applies a follow-up change (the service audits it) and answers with the proposal as
/// the staff member sees it now.
async fn follow_up_and_answer(
    state: &AppState,
    staff: &StaffUser,
    id: ProposalId,
    change: FollowUp<'_>,
) -> Result<HttpResponse, ApiError> {
    services::proposals::follow_up(&state.db, staff, id, change)
        .await
        .map_err(follow_up_error)?;
    Ok(HttpResponse::Ok().json(admin_response(state, staff, id).await?))
}

async fn admin_response(
    state: &AppState,
    staff: &StaffUser,
    id: ProposalId,
) -> Result<AdminProposalResponse, ApiError> {
    let row = storage::proposals::get(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    admin_responses(state, staff, std::slice::from_ref(&row))
        .await?
        .pop()
        .ok_or_else(not_found)
}

/// Every proposal whatever its moderation status (filter with `moderation`), merged
/// duplicates with `merged=true`.
#[utoipa::path(get, path = "/api/v1/admin/proposals", tag = "proposals",
    params(
        ("theme" = Option<String>, Query), ("commune" = Option<String>, Query),
        ("status" = Option<String>, Query), ("q" = Option<String>, Query),
        ("moderation" = Option<String>, Query, description = "pending, published, rejected, archived (default: all)"),
        ("merged" = Option<bool>, Query, description = "Include merged duplicates"),
        ("sort" = Option<String>, Query, description = "newest (default), most_supported or priority"),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = AdminProposalListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/proposals")]
#[tracing::instrument(skip_all)]
pub async fn list_admin_proposals(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let (filter, sort, page, per_page) = proposals::parse_proposal_query(&query, true)?;
    let (rows, total) = storage::proposals::list(&state.db, &filter, sort, page, per_page).await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(AdminProposalListResponse {
            items: admin_responses(&state, &staff, &rows).await?,
            page,
            per_page,
            total,
        }))
}

/// One proposal as staff see it.
#[utoipa::path(get, path = "/api/v1/admin/proposals/{id}", tag = "proposals",
    params(("id" = String, Path)),
    responses((status = 200, body = AdminProposalResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/proposals/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_admin_proposal(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let id = parse_id(&id)?;
    Ok(HttpResponse::Ok().json(admin_response(&state, &staff, id).await?))
}

/// Moves a published proposal to a follow-up status with a public answer, added to its
/// public timeline (moderators).
#[utoipa::path(post, path = "/api/v1/admin/proposals/{id}/status", tag = "proposals",
    params(("id" = String, Path)), request_body = ProposalStatusRequest,
    responses((status = 200, body = AdminProposalResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/proposals/{id}/status")]
#[tracing::instrument(skip_all)]
pub async fn set_proposal_status(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<ProposalStatusRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let id = parse_id(&id)?;
    let mut errors = FieldErrors::new();
    let new_status = body.status.as_deref().map(str::trim).unwrap_or_default();
    if !status::ALL.contains(&new_status) {
        errors.insert(
            "status".to_owned(),
            format!("Statut attendu : {}.", status::ALL.join(", ")),
        );
    }
    let answer = body.answer.as_deref().map(str::trim).unwrap_or_default();
    if answer.is_empty() {
        errors.insert(
            "answer".to_owned(),
            "Rédigez la réponse publique qui accompagne ce changement.".to_owned(),
        );
    } else if answer.chars().count() > ANSWER_MAX {
        errors.insert(
            "answer".to_owned(),
            "Réponse trop longue (5 000 caractères au plus).".to_owned(),
        );
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let change = FollowUp::Status {
        status: new_status,
        answer,
    };
    follow_up_and_answer(&state, &staff, id, change).await
}

/// Replaces the internal note, never shown publicly nor to the committee (moderators).
#[utoipa::path(put, path = "/api/v1/admin/proposals/{id}/note", tag = "proposals",
    params(("id" = String, Path)), request_body = ProposalNoteRequest,
    responses((status = 200, body = AdminProposalResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/admin/proposals/{id}/note")]
#[tracing::instrument(skip_all)]
pub async fn set_proposal_note(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<ProposalNoteRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let id = parse_id(&id)?;
    let note = body.note.as_deref().map(str::trim).unwrap_or_default();
    if note.chars().count() > NOTE_MAX {
        return Err(invalid(FieldErrors::from([(
            "note".to_owned(),
            "Note trop longue (10 000 caractères au plus).".to_owned(),
        )])));
    }
    let note = (!note.is_empty()).then_some(note);
    follow_up_and_answer(&state, &staff, id, FollowUp::Note(note)).await
}

/// Sets the priority rank (1 first, up to 999) or clears it with `null` (committee and
/// above).
#[utoipa::path(put, path = "/api/v1/admin/proposals/{id}/priority", tag = "proposals",
    params(("id" = String, Path)), request_body = ProposalPriorityRequest,
    responses((status = 200, body = AdminProposalResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/admin/proposals/{id}/priority")]
#[tracing::instrument(skip_all)]
pub async fn set_proposal_priority(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<ProposalPriorityRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let id = parse_id(&id)?;
    if body.priority.is_some_and(|p| !PRIORITY_RANGE.contains(&p)) {
        return Err(invalid(FieldErrors::from([(
            "priority".to_owned(),
            "Rang attendu de 1 à 999, ou null pour le retirer.".to_owned(),
        )])));
    }
    follow_up_and_answer(&state, &staff, id, FollowUp::Priority(body.priority)).await
}

/// Most ranks set by one `PUT /api/v1/admin/proposal-priorities`.
const MAX_RANKS: usize = 50;

/// Sets several priority ranks in one transaction, all or none (committee and above):
/// moving a proposal up or down swaps two ranks, and nobody sees one change without the
/// other. Each change is audited as `proposal.priority`.
#[utoipa::path(put, path = "/api/v1/admin/proposal-priorities", tag = "proposals",
    request_body = ProposalRanksRequest,
    responses((status = 200, body = ProposalRanksResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/admin/proposal-priorities")]
#[tracing::instrument(skip_all)]
pub async fn set_proposal_priorities(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<ProposalRanksRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Committee)?;
    let mut errors = FieldErrors::new();
    if body.ranks.is_empty() || body.ranks.len() > MAX_RANKS {
        errors.insert(
            "ranks".to_owned(),
            format!("De 1 à {MAX_RANKS} rangs à la fois."),
        );
    }
    let mut ids = Vec::new();
    for (k, rank) in body.ranks.iter().enumerate() {
        match rank.id.trim().parse::<ProposalId>() {
            Ok(id) if ids.contains(&id) => {
                errors.insert(
                    format!("ranks[{k}].id"),
                    "Cette proposition est déjà dans la liste.".to_owned(),
                );
            }
            Ok(id) => ids.push(id),
            Err(_) => {
                errors.insert(
                    format!("ranks[{k}].id"),
                    "Identifiant de proposition attendu.".to_owned(),
                );
            }
        }
        if rank.priority.is_some_and(|p| !PRIORITY_RANGE.contains(&p)) {
            errors.insert(
                format!("ranks[{k}].priority"),
                "Rang attendu de 1 à 999, ou null pour le retirer.".to_owned(),
            );
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let ranks: Vec<(ProposalId, Option<i32>)> = ids
        .iter()
        .zip(&body.ranks)
        .map(|(id, rank)| (*id, rank.priority))
        .collect();
    services::proposals::set_priorities(&state.db, &staff, &ranks)
        .await
        .map_err(follow_up_error)?;
    let mut proposals = Vec::with_capacity(ids.len());
    for id in ids {
        proposals.push(admin_response(&state, &staff, id).await?);
    }
    Ok(HttpResponse::Ok().json(ProposalRanksResponse { proposals }))
}

/// Merges the proposal of the path, a duplicate, into `into` (moderators): its supports
/// move there, a device that supported both counting once.
#[utoipa::path(post, path = "/api/v1/admin/proposals/{id}/merge", tag = "proposals",
    params(("id" = String, Path)), request_body = MergeProposalRequest,
    responses((status = 200, body = MergeProposalResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/proposals/{id}/merge")]
#[tracing::instrument(skip_all)]
pub async fn merge_proposal(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<MergeProposalRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let dup = parse_id(&id)?;
    let into_field =
        |message: &str| invalid(FieldErrors::from([("into".to_owned(), message.to_owned())]));
    let kept = match body.into.as_deref().map(|s| s.trim().parse::<ProposalId>()) {
        Some(Ok(kept)) => kept,
        _ => {
            return Err(into_field(
                "Identifiant de la proposition conservée attendu.",
            ))
        }
    };
    let outcome = match services::proposals::merge(&state.db, &staff, dup, kept).await {
        Ok(o) => o,
        Err(MergeError::NotFound) => return Err(not_found()),
        Err(MergeError::KeptNotFound) => {
            return Err(into_field(
                "La proposition conservée n'existe pas ou n'est pas publiée.",
            ))
        }
        Err(MergeError::SameProposal) => {
            return Err(into_field(
                "Une proposition ne peut pas être fusionnée avec elle-même.",
            ))
        }
        Err(MergeError::KeptMerged(target)) => {
            return Err(into_field(&format!(
                "La proposition conservée a elle-même été fusionnée avec {target} : choisissez celle-ci."
            )))
        }
        Err(MergeError::DuplicateNotApplicable(s)) => {
            return Err(ApiError::Conflict {
                code: ErrorCode::InvalidState,
                message: format!(
                    "Cette proposition ne peut pas être fusionnée (statut « {s} ») : seule une proposition publiée et non fusionnée peut l'être."
                ),
            })
        }
        Err(MergeError::Db(e)) => return Err(e.into()),
    };
    Ok(HttpResponse::Ok().json(MergeProposalResponse {
        merged_id: dup.to_string(),
        kept_id: kept.to_string(),
        moved_supports: outcome.moved,
        support_count: outcome.kept_after,
    }))
}
