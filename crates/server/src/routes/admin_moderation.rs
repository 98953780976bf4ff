//! Back office of the carte des solidarités: the moderation queue and the decisions on
//! what the public submits (initiatives, their changes, actors, proposals). The decisions
//! and their audit lines are taken by [`crate::services::moderation`].

use actix_web::{get, post, web, HttpResponse};
use solidarites_api_types::{
    BulkModerationRequest, BulkModerationResponse, ModerationCountsResponse,
    ModerationItemResponse, ModerationMessageRequest, ModerationOutcomeResponse,
    ModerationQueueResponse,
};
use uuid::Uuid;

use super::carte_query::{invalid_query, single, Pairs};
use super::events::event_content;
use super::initiatives::{actor_summary, content_of_draft, content_of_row};
use crate::{
    auth::{Role, StaffUser},
    error::{ApiError, ErrorCode},
    json_body::ApiJson,
    services::{
        self,
        moderation::{Decision, ModerationError, Outcome},
    },
    state::AppState,
    storage::{
        self,
        initiatives::status,
        moderation::{ModerationQueue, QueueKind},
    },
    submission::{invalid, FieldErrors},
    territory::LoadedTerritory,
};

const MESSAGE_MAX: usize = 2000;

pub(super) fn moderation_error(err: ModerationError) -> ApiError {
    match err {
        ModerationError::UnknownIds(ids) => {
            let list: Vec<String> = ids.iter().map(Uuid::to_string).collect();
            invalid(FieldErrors::from([(
                "ids".to_owned(),
                format!("Identifiants inconnus : {}.", list.join(", ")),
            )]))
        }
        ModerationError::NotApplicable {
            entity_id, status, ..
        } => ApiError::Conflict {
            code: ErrorCode::InvalidState,
            message: format!(
                "Cette décision ne s'applique pas à l'élément {entity_id} (statut « {status} »)."
            ),
        },
        ModerationError::Db(e) => e.into(),
    }
}

fn outcome_response(o: &Outcome) -> ModerationOutcomeResponse {
    ModerationOutcomeResponse {
        kind: o.entity_type.to_owned(),
        id: o.entity_id.to_string(),
        status: o.after["status"].as_str().unwrap_or_default().to_owned(),
    }
}

/// Default and largest page of `GET /api/v1/admin/moderation`.
pub const MODERATION_DEFAULT_PER_PAGE: u64 = 50;
pub const MODERATION_MAX_PER_PAGE: u64 = 200;

/// `kind`, `page` and `per_page` of the moderation queue; every bad one named.
fn parse_queue_query(pairs: &Pairs) -> Result<(Option<QueueKind>, u64, u64), ApiError> {
    let mut errors = FieldErrors::new();
    let kind = match single(pairs, "kind") {
        None => None,
        Some(raw) => match QueueKind::parse(raw) {
            Some(kind) => Some(kind),
            None => {
                errors.insert(
                    "kind".to_owned(),
                    "Type inconnu : initiative, initiative_revision, actor, proposal, event ou \
                     event_revision."
                        .to_owned(),
                );
                None
            }
        },
    };
    let page = match single(pairs, "page").map(str::parse::<u64>) {
        None => 1,
        // Bounded so that the offset never overflows.
        Some(Ok(p)) if (1..=1_000_000).contains(&p) => p,
        Some(_) => {
            errors.insert(
                "page".to_owned(),
                "Numéro de page invalide (de 1 à 1 000 000).".to_owned(),
            );
            1
        }
    };
    let per_page = match single(pairs, "per_page").map(str::parse::<u64>) {
        None => MODERATION_DEFAULT_PER_PAGE,
        Some(Ok(p)) if (1..=MODERATION_MAX_PER_PAGE).contains(&p) => p,
        Some(_) => {
            errors.insert(
                "per_page".to_owned(),
                format!("Nombre par page invalide (de 1 à {MODERATION_MAX_PER_PAGE})."),
            );
            MODERATION_DEFAULT_PER_PAGE
        }
    };
    if errors.is_empty() {
        Ok((kind, page, per_page))
    } else {
        Err(invalid_query(errors))
    }
}

/// What waits for a moderator — new initiatives, changes of published ones (with the
/// published content they would replace), new actors, new proposals — one page at a time:
/// of one `kind`, or of every kind in that order; oldest first within each kind. `counts`
/// gives what waits in each queue.
#[utoipa::path(get, path = "/api/v1/admin/moderation", tag = "moderation",
    params(
        ("kind" = Option<String>, Query, description = "initiative, initiative_revision, actor, proposal, event or event_revision; default every kind"),
        ("page" = Option<u64>, Query, description = "From 1, default 1"),
        ("per_page" = Option<u64>, Query, description = "1 to 200, default 50")),
    responses((status = 200, body = ModerationQueueResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/moderation")]
#[tracing::instrument(skip_all)]
pub async fn get_moderation_queue(
    state: web::Data<AppState>,
    staff: StaffUser,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Analyst)?;
    let (kind, page, per_page) = parse_queue_query(&query)?;
    let counts = storage::moderation::counts(&state.db).await?;
    let kinds: Vec<QueueKind> = kind.map_or_else(|| QueueKind::ALL.to_vec(), |k| vec![k]);
    let total: u64 = kinds.iter().map(|k| counts.of(*k)).sum();
    let queue = storage::moderation::queue_page(
        &state.db,
        &kinds,
        &counts,
        (page - 1) * per_page,
        per_page,
    )
    .await?;
    let items = queue_items(&state, &queue).await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(ModerationQueueResponse {
            items,
            total,
            page,
            per_page,
            counts: ModerationCountsResponse {
                initiative: counts.initiatives,
                initiative_revision: counts.revisions,
                actor: counts.actors,
                proposal: counts.proposals,
                event: counts.events,
                event_revision: counts.event_revisions,
            },
        }))
}

/// The items of one page of the queue, as the console shows them.
async fn queue_items(
    state: &AppState,
    queue: &ModerationQueue,
) -> Result<Vec<ModerationItemResponse>, ApiError> {
    let territory = state.territory.current();
    let mut items = carte_items(state, &territory, queue).await?;
    items.extend(queue.proposals.iter().map(|p| ModerationItemResponse {
        proposal: Some(super::proposals::content_of(&territory, p)),
        ..item(
            "proposal",
            p.id.to_string(),
            &p.moderation_status,
            &p.title,
            p.created_at.to_rfc3339(),
        )
    }));
    items.extend(event_items(state, &territory, queue).await?);
    Ok(items)
}

/// An item of the queue with what every kind has, and nothing else.
fn item(
    kind: &str,
    id: String,
    status: &str,
    title: &str,
    submitted_at: String,
) -> ModerationItemResponse {
    ModerationItemResponse {
        kind: kind.to_owned(),
        id,
        initiative_id: None,
        status: status.to_owned(),
        title: title.to_owned(),
        submitted_at,
        content: None,
        actor: None,
        proposal: None,
        published: None,
        event: None,
        published_event: None,
    }
}

/// The new initiatives, the changes of published ones, and the new actors.
async fn carte_items(
    state: &AppState,
    territory: &LoadedTerritory,
    queue: &ModerationQueue,
) -> Result<Vec<ModerationItemResponse>, ApiError> {
    let actor_ids = queue
        .initiatives
        .iter()
        .map(|i| i.actor_id)
        .chain(queue.revisions.iter().map(|(_, i)| i.actor_id));
    let actors = storage::actors::by_ids(&state.db, actor_ids).await?;
    let mut items = Vec::new();
    for i in &queue.initiatives {
        items.push(ModerationItemResponse {
            content: Some(content_of_row(territory, i)),
            actor: Some(actor_summary(actors.get(&i.actor_id))),
            ..item(
                "initiative",
                i.id.to_string(),
                &i.status,
                &i.title,
                i.updated_at.to_rfc3339(),
            )
        });
    }
    for (rev, i) in &queue.revisions {
        let draft = storage::initiatives::revision_content(rev)?;
        items.push(ModerationItemResponse {
            initiative_id: Some(i.id.to_string()),
            content: Some(content_of_draft(territory, &draft)),
            actor: Some(actor_summary(actors.get(&i.actor_id))),
            published: Some(content_of_row(territory, i)),
            ..item(
                "initiative_revision",
                rev.id.to_string(),
                &rev.status,
                &draft.title,
                rev.created_at.to_rfc3339(),
            )
        });
    }
    items.extend(queue.actors.iter().map(|a| ModerationItemResponse {
        actor: Some(actor_summary(Some(a))),
        ..item(
            "actor",
            a.id.to_string(),
            &a.status,
            &a.name,
            a.created_at.to_rfc3339(),
        )
    }));
    Ok(items)
}

/// The new events, and the changes of published ones.
async fn event_items(
    state: &AppState,
    territory: &LoadedTerritory,
    queue: &ModerationQueue,
) -> Result<Vec<ModerationItemResponse>, ApiError> {
    let event_actors = storage::actors::by_ids(
        &state.db,
        queue
            .events
            .iter()
            .chain(&queue.event_changes)
            .filter_map(|e| e.actor_id),
    )
    .await?;
    let actor_of =
        |e: &storage::EventRow| e.actor_id.map(|id| actor_summary(event_actors.get(&id)));
    let mut items = Vec::new();
    for e in &queue.events {
        let draft = storage::events::content_of(e)?;
        items.push(ModerationItemResponse {
            actor: actor_of(e),
            event: Some(event_content(territory, &draft)),
            ..item(
                "event",
                e.id.to_string(),
                &e.status,
                &e.title,
                e.updated_at.to_rfc3339(),
            )
        });
    }
    for e in &queue.event_changes {
        let Some(change) = storage::events::pending_of(e)? else {
            continue;
        };
        let published = storage::events::content_of(e)?;
        items.push(ModerationItemResponse {
            actor: actor_of(e),
            event: Some(event_content(territory, &change)),
            published_event: Some(event_content(territory, &published)),
            ..item(
                "event_revision",
                e.id.to_string(),
                status::PENDING,
                &change.title,
                e.pending_at.unwrap_or(e.updated_at).to_rfc3339(),
            )
        });
    }
    Ok(items)
}

fn required_message(body: &ModerationMessageRequest) -> Result<String, ApiError> {
    let message = body.message.as_deref().map(str::trim).unwrap_or_default();
    let problem = if message.is_empty() {
        "Expliquez la décision : ce message est montré à la personne qui a proposé."
    } else if message.chars().count() > MESSAGE_MAX {
        "Message trop long (2 000 caractères au plus)."
    } else {
        return Ok(message.to_owned());
    };
    Err(invalid(FieldErrors::from([(
        "message".to_owned(),
        problem.to_owned(),
    )])))
}

/// Applies one decision and audits it, in one transaction.
async fn decide(
    state: &AppState,
    staff: &StaffUser,
    id: &str,
    decision: Decision,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let not_found = || ApiError::NotFound("Rien à modérer sous cet identifiant.".to_owned());
    let id = Uuid::parse_str(id).map_err(|_| not_found())?;
    let outcome = match services::moderation::decide(
        &state.db,
        &state.settings,
        staff,
        id,
        &decision,
    )
    .await
    {
        Err(ModerationError::UnknownIds(_)) => return Err(not_found()),
        other => other.map_err(moderation_error)?,
    };
    state.refresh_map().await;
    Ok(HttpResponse::Ok().json(outcome_response(&outcome)))
}

/// Publishes a pending initiative (and its new actor), applies a pending change (of an
/// initiative or an event), or publishes a pending actor, proposal or event.
#[utoipa::path(post, path = "/api/v1/admin/moderation/{id}/approve", tag = "moderation",
    params(("id" = String, Path)),
    responses((status = 200, body = ModerationOutcomeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/moderation/{id}/approve")]
#[tracing::instrument(skip_all)]
pub async fn approve_submission(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    decide(&state, &staff, &id, Decision::Approve).await
}

/// Rejects, with a reason the submitter reads through the edit link.
#[utoipa::path(post, path = "/api/v1/admin/moderation/{id}/reject", tag = "moderation",
    params(("id" = String, Path)), request_body = ModerationMessageRequest,
    responses((status = 200, body = ModerationOutcomeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/moderation/{id}/reject")]
#[tracing::instrument(skip_all)]
pub async fn reject_submission(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<ModerationMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let message = required_message(&body)?;
    decide(&state, &staff, &id, Decision::Reject(message)).await
}

/// Asks the submitter for changes, with a message read through the edit link.
#[utoipa::path(post, path = "/api/v1/admin/moderation/{id}/request-changes", tag = "moderation",
    params(("id" = String, Path)), request_body = ModerationMessageRequest,
    responses((status = 200, body = ModerationOutcomeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/moderation/{id}/request-changes")]
#[tracing::instrument(skip_all)]
pub async fn request_changes(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<ModerationMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let message = required_message(&body)?;
    decide(&state, &staff, &id, Decision::RequestChanges(message)).await
}

/// Archives an initiative or an actor (off the public map and directory).
#[utoipa::path(post, path = "/api/v1/admin/moderation/{id}/archive", tag = "moderation",
    params(("id" = String, Path)),
    responses((status = 200, body = ModerationOutcomeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/moderation/{id}/archive")]
#[tracing::instrument(skip_all)]
pub async fn archive_submission(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    decide(&state, &staff, &id, Decision::Archive).await
}

/// Approves or rejects several items at once: all or nothing, unknown ids named.
#[utoipa::path(post, path = "/api/v1/admin/moderation/bulk", tag = "moderation",
    request_body = BulkModerationRequest,
    responses((status = 200, body = BulkModerationResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/moderation/bulk")]
#[tracing::instrument(skip_all)]
pub async fn bulk_moderate(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<BulkModerationRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let mut errors = FieldErrors::new();
    let decision = match body.action.as_deref() {
        Some("approve") => Some(Decision::Approve),
        Some("reject") => match required_message(&ModerationMessageRequest {
            message: body.message.clone(),
        }) {
            Ok(m) => Some(Decision::Reject(m)),
            Err(_) => {
                errors.insert(
                    "message".to_owned(),
                    "Expliquez le refus : ce message est montré aux personnes qui ont proposé."
                        .to_owned(),
                );
                None
            }
        },
        _ => {
            errors.insert(
                "action".to_owned(),
                "Action attendue : « approve » ou « reject ».".to_owned(),
            );
            None
        }
    };
    let mut ids = Vec::with_capacity(body.ids.len());
    let mut malformed = Vec::new();
    for raw in &body.ids {
        match Uuid::parse_str(raw.trim()) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => {}
            Err(_) => malformed.push(raw.chars().take(40).collect::<String>()),
        }
    }
    if !malformed.is_empty() {
        errors.insert(
            "ids".to_owned(),
            format!("Identifiants invalides : {}.", malformed.join(", ")),
        );
    } else if ids.is_empty() {
        errors.insert(
            "ids".to_owned(),
            "Donnez au moins un identifiant.".to_owned(),
        );
    } else if ids.len() > 500 {
        errors.insert(
            "ids".to_owned(),
            "500 identifiants au plus par lot.".to_owned(),
        );
    }
    let (Some(decision), true) = (decision, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let outcomes =
        services::moderation::decide_all(&state.db, &state.settings, &staff, &ids, &decision)
            .await
            .map_err(moderation_error)?;
    state.refresh_map().await;
    Ok(HttpResponse::Ok().json(BulkModerationResponse {
        outcomes: outcomes.iter().map(outcome_response).collect(),
    }))
}
