//! Back office of the carte des solidarités: moderation queue and decisions, labels and
//! their grants, themes. Every change is written to the audit trail in its transaction.

use actix_web::{delete, get, patch, post, put, web, HttpResponse};
use chrono::NaiveDate;
use solidarites_api_types::{
    ActorCharterRequest, BulkModerationRequest, BulkModerationResponse, CreateLabelRequest,
    CreateThemeRequest, GrantLabelRequest, LabelGrantResponse, LabelListResponse, LabelResponse,
    ModerationCountsResponse, ModerationItemResponse, ModerationMessageRequest,
    ModerationOutcomeResponse, ModerationQueueResponse, ThemeResponse, UpdateThemeRequest,
};
use uuid::Uuid;

use super::carte_query::{invalid_query, single, Pairs};
use super::initiatives::{actor_summary, content_of_draft, content_of_row};
use crate::{
    auth::{Role, StaffUser},
    error::{ApiError, ErrorCode},
    json_body::ApiJson,
    services::{
        self,
        carte::{self, CarteError, GrantTarget, ThemeChanges},
        moderation::{Decision, ModerationError, Outcome},
    },
    state::AppState,
    storage::{self, moderation::QueueKind},
    submission::{invalid, parse_theme_color, FieldErrors},
};

const MESSAGE_MAX: usize = 2000;
const THEME_NOT_FOUND: &str = "Ce thème n'existe pas.";

/// A refused change of labels, themes or charter: 409 `slug_taken`, 404, or the database.
fn carte_error(err: CarteError, slug_taken: &str, not_found: &str) -> ApiError {
    match err {
        CarteError::SlugTaken => ApiError::Conflict {
            code: ErrorCode::SlugTaken,
            message: slug_taken.to_owned(),
        },
        CarteError::NotFound => ApiError::NotFound(not_found.to_owned()),
        CarteError::Db(e) => e.into(),
    }
}

fn moderation_error(err: ModerationError) -> ApiError {
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
                    "Type inconnu : initiative, initiative_revision, actor ou proposal.".to_owned(),
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
        ("kind" = Option<String>, Query, description = "initiative, initiative_revision, actor or proposal; default every kind"),
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
    let territory = state.territory.current();
    let actor_ids = queue
        .initiatives
        .iter()
        .map(|i| i.actor_id)
        .chain(queue.revisions.iter().map(|(_, i)| i.actor_id));
    let actors = storage::actors::by_ids(&state.db, actor_ids).await?;
    let mut items = Vec::new();
    for i in &queue.initiatives {
        items.push(ModerationItemResponse {
            kind: "initiative".to_owned(),
            id: i.id.to_string(),
            initiative_id: None,
            status: i.status.clone(),
            title: i.title.clone(),
            submitted_at: i.updated_at.to_rfc3339(),
            content: Some(content_of_row(&territory, i)),
            actor: Some(actor_summary(actors.get(&i.actor_id))),
            proposal: None,
            published: None,
        });
    }
    for (rev, i) in &queue.revisions {
        let draft = storage::initiatives::revision_content(rev)?;
        items.push(ModerationItemResponse {
            kind: "initiative_revision".to_owned(),
            id: rev.id.to_string(),
            initiative_id: Some(i.id.to_string()),
            status: rev.status.clone(),
            title: draft.title.clone(),
            submitted_at: rev.created_at.to_rfc3339(),
            content: Some(content_of_draft(&territory, &draft)),
            actor: Some(actor_summary(actors.get(&i.actor_id))),
            proposal: None,
            published: Some(content_of_row(&territory, i)),
        });
    }
    for a in &queue.actors {
        items.push(ModerationItemResponse {
            kind: "actor".to_owned(),
            id: a.id.to_string(),
            initiative_id: None,
            status: a.status.clone(),
            title: a.name.clone(),
            submitted_at: a.created_at.to_rfc3339(),
            content: None,
            actor: Some(actor_summary(Some(a))),
            proposal: None,
            published: None,
        });
    }
    for p in &queue.proposals {
        items.push(ModerationItemResponse {
            kind: "proposal".to_owned(),
            id: p.id.to_string(),
            initiative_id: None,
            status: p.moderation_status.clone(),
            title: p.title.clone(),
            submitted_at: p.created_at.to_rfc3339(),
            content: None,
            actor: None,
            proposal: Some(super::proposals::content_of(&territory, p)),
            published: None,
        });
    }
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
            },
        }))
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
    let outcome = match services::moderation::decide(&state.db, staff, id, &decision).await {
        Err(ModerationError::UnknownIds(_)) => return Err(not_found()),
        other => other.map_err(moderation_error)?,
    };
    refresh_map(state).await;
    Ok(HttpResponse::Ok().json(outcome_response(&outcome)))
}

/// This instance shows the change at once; the others at their next refresh.
async fn refresh_map(state: &AppState) {
    if let Err(err) = state.map.refresh(&state.db).await {
        tracing::warn!(error = ?err, "map snapshot refresh failed");
    }
}

/// Publishes a pending initiative (and its new actor), applies a pending change, or
/// publishes a pending actor or proposal.
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
    let outcomes = services::moderation::decide_all(&state.db, &staff, &ids, &decision)
        .await
        .map_err(moderation_error)?;
    refresh_map(&state).await;
    Ok(HttpResponse::Ok().json(BulkModerationResponse {
        outcomes: outcomes.iter().map(outcome_response).collect(),
    }))
}

fn label_response(l: &storage::Label) -> LabelResponse {
    LabelResponse {
        id: l.id.to_string(),
        slug: l.slug.clone(),
        name: l.name.clone(),
        criteria: l.criteria.clone(),
    }
}

fn grant_response(g: &storage::LabelGrant, slug: &str) -> LabelGrantResponse {
    LabelGrantResponse {
        id: g.id.to_string(),
        label: slug.to_owned(),
        actor_id: g.actor_id.map(|i| i.to_string()),
        initiative_id: g.initiative_id.map(|i| i.to_string()),
        expires_on: g.expires_on.to_string(),
        revoked: g.revoked_at.is_some(),
    }
}

/// Lowercase ASCII letters and digits in dash-separated words, at most 64 characters.
fn parse_slug(raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    let slug = raw.map(str::trim).unwrap_or_default();
    let ok = !slug.is_empty()
        && slug.len() <= 64
        && slug.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Some(slug.to_owned())
    } else {
        errors.insert(
            "slug".to_owned(),
            "Identifiant attendu : minuscules sans accents, chiffres et tirets (ex. anti-solitude)."
                .to_owned(),
        );
        None
    }
}

fn parse_name(
    raw: Option<&str>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Option<String> {
    let name = raw.map(str::trim).unwrap_or_default();
    let len = name.chars().count();
    if (2..=max).contains(&len) && !name.chars().any(char::is_control) {
        Some(name.to_owned())
    } else {
        errors.insert(field.to_owned(), format!("De 2 à {max} caractères."));
        None
    }
}

/// Every label.
#[utoipa::path(get, path = "/api/v1/admin/labels", tag = "labels",
    responses((status = 200, body = LabelListResponse)))]
#[get("/admin/labels")]
#[tracing::instrument(skip_all)]
pub async fn list_labels(
    state: web::Data<AppState>,
    staff: StaffUser,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let labels = storage::labels::list(&state.db).await?;
    Ok(HttpResponse::Ok().json(LabelListResponse {
        labels: labels.iter().map(label_response).collect(),
    }))
}

/// Defines a label (administrators).
#[utoipa::path(post, path = "/api/v1/admin/labels", tag = "labels", request_body = CreateLabelRequest,
    responses((status = 201, body = LabelResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/labels")]
#[tracing::instrument(skip_all)]
pub async fn create_label(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<CreateLabelRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let mut errors = FieldErrors::new();
    let slug = parse_slug(body.slug.as_deref(), &mut errors);
    let name = parse_name(body.name.as_deref(), "name", 120, &mut errors);
    let criteria = body
        .criteria
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if criteria.chars().count() > 5000 {
        errors.insert(
            "criteria".to_owned(),
            "5 000 caractères au plus.".to_owned(),
        );
    }
    let (Some(slug), Some(name), true) = (slug, name, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let created = carte::create_label(&state.db, &staff, &slug, &name, &criteria)
        .await
        .map_err(|e| carte_error(e, "Un label porte déjà cet identifiant.", ""))?;
    Ok(HttpResponse::Created().json(label_response(&created)))
}

/// Grants a label to an actor or an initiative until a date (moderators).
#[utoipa::path(post, path = "/api/v1/admin/labels/{slug}/grants", tag = "labels",
    params(("slug" = String, Path)), request_body = GrantLabelRequest,
    responses((status = 201, body = LabelGrantResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/labels/{slug}/grants")]
#[tracing::instrument(skip_all)]
pub async fn grant_label(
    state: web::Data<AppState>,
    staff: StaffUser,
    slug: web::Path<String>,
    body: ApiJson<GrantLabelRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let label = storage::labels::find_by_slug(&state.db, &slug)
        .await?
        .ok_or_else(|| ApiError::NotFound("Ce label n'existe pas.".to_owned()))?;
    let mut errors = FieldErrors::new();
    let parse_id = |raw: &Option<String>| raw.as_deref().map(|s| Uuid::parse_str(s.trim()));
    let target = match (parse_id(&body.actor_id), parse_id(&body.initiative_id)) {
        (Some(Ok(id)), None) => {
            if storage::actors::by_ids(&state.db, [id]).await?.is_empty() {
                errors.insert("actor_id".to_owned(), "Cet acteur n'existe pas.".to_owned());
            }
            Some(GrantTarget::Actor(id))
        }
        (None, Some(Ok(id))) => {
            if storage::initiatives::exists(&state.db, id).await? {
                Some(GrantTarget::Initiative(id))
            } else {
                errors.insert(
                    "initiative_id".to_owned(),
                    "Cette initiative n'existe pas.".to_owned(),
                );
                None
            }
        }
        (Some(Err(_)), _) => {
            errors.insert("actor_id".to_owned(), "Identifiant invalide.".to_owned());
            None
        }
        (_, Some(Err(_))) => {
            errors.insert(
                "initiative_id".to_owned(),
                "Identifiant invalide.".to_owned(),
            );
            None
        }
        _ => {
            errors.insert(
                "actor_id".to_owned(),
                "Donnez soit un acteur, soit une initiative.".to_owned(),
            );
            None
        }
    };
    let expires_on = match body
        .expires_on
        .as_deref()
        .map(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d"))
    {
        Some(Ok(d)) if d >= super::initiatives::today() => Some(d),
        Some(Ok(_)) => {
            errors.insert(
                "expires_on".to_owned(),
                "La date d'expiration est passée.".to_owned(),
            );
            None
        }
        _ => {
            errors.insert(
                "expires_on".to_owned(),
                "Date d'expiration attendue (AAAA-MM-JJ).".to_owned(),
            );
            None
        }
    };
    let (Some(target), Some(expires_on), true) = (target, expires_on, errors.is_empty()) else {
        return Err(invalid(errors));
    };
    let grant = carte::grant_label(&state.db, &staff, label.id, target, expires_on)
        .await
        .map_err(|e| carte_error(e, "", "Ce label n'existe pas."))?;
    Ok(HttpResponse::Created().json(grant_response(&grant, &label.slug)))
}

/// Revokes a grant (moderators).
#[utoipa::path(delete, path = "/api/v1/admin/label-grants/{id}", tag = "labels",
    params(("id" = String, Path)),
    responses((status = 200, body = LabelGrantResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[delete("/admin/label-grants/{id}")]
#[tracing::instrument(skip_all)]
pub async fn revoke_label_grant(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let not_found = || ApiError::NotFound("Cette attribution de label n'existe pas.".to_owned());
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let after = carte::revoke_grant(&state.db, &staff, id)
        .await
        .map_err(|e| carte_error(e, "", "Cette attribution de label n'existe pas."))?;
    let slug = storage::labels::list(&state.db)
        .await?
        .into_iter()
        .find(|l| l.id == after.label_id)
        .map(|l| l.slug)
        .unwrap_or_default();
    Ok(HttpResponse::Ok().json(grant_response(&after, &slug)))
}

fn theme_response(t: &storage::Theme) -> ThemeResponse {
    ThemeResponse {
        slug: t.slug.clone(),
        label: t.label.clone(),
        color: t.color.clone(),
        icon: t.icon.clone(),
        position: t.position,
        retired: t.retired_at.is_some(),
    }
}

fn parse_icon(raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    let icon = raw.map(str::trim).unwrap_or_default();
    if !icon.is_empty()
        && icon.len() <= 64
        && icon
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Some(icon.to_owned())
    } else {
        errors.insert(
            "icon".to_owned(),
            "Nom d'icône attendu (minuscules, chiffres, tirets).".to_owned(),
        );
        None
    }
}

/// Adds a theme, placed last (administrators).
#[utoipa::path(post, path = "/api/v1/admin/themes", tag = "themes", request_body = CreateThemeRequest,
    responses((status = 201, body = ThemeResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/themes")]
#[tracing::instrument(skip_all)]
pub async fn create_theme(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<CreateThemeRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let mut errors = FieldErrors::new();
    let slug = parse_slug(body.slug.as_deref(), &mut errors);
    let label = parse_name(body.label.as_deref(), "label", 120, &mut errors);
    let color = parse_theme_color(body.color.as_deref(), &mut errors);
    let icon = parse_icon(body.icon.as_deref(), &mut errors);
    let (Some(slug), Some(label), Some(color), Some(icon)) = (slug, label, color, icon) else {
        return Err(invalid(errors));
    };
    let created = carte::create_theme(&state.db, &staff, &slug, &label, &color, &icon)
        .await
        .map_err(|e| carte_error(e, "Un thème porte déjà cet identifiant.", ""))?;
    Ok(HttpResponse::Created().json(theme_response(&created)))
}

/// Renames, recolours or changes the icon of a theme (administrators).
#[utoipa::path(patch, path = "/api/v1/admin/themes/{slug}", tag = "themes",
    params(("slug" = String, Path)), request_body = UpdateThemeRequest,
    responses((status = 200, body = ThemeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[patch("/admin/themes/{slug}")]
#[tracing::instrument(skip_all)]
pub async fn update_theme(
    state: web::Data<AppState>,
    staff: StaffUser,
    slug: web::Path<String>,
    body: ApiJson<UpdateThemeRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let mut errors = FieldErrors::new();
    let label = body
        .label
        .as_ref()
        .map(|l| parse_name(Some(l), "label", 120, &mut errors));
    let color = body
        .color
        .as_ref()
        .map(|c| parse_theme_color(Some(c), &mut errors));
    let icon = body.icon.as_ref().map(|i| parse_icon(Some(i), &mut errors));
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let (label, color, icon) = (label.flatten(), color.flatten(), icon.flatten());
    let changes = ThemeChanges {
        label: label.as_deref(),
        color: color.as_deref(),
        icon: icon.as_deref(),
    };
    let updated = carte::update_theme(&state.db, &staff, &slug, changes)
        .await
        .map_err(|e| carte_error(e, "", THEME_NOT_FOUND))?;
    Ok(HttpResponse::Ok().json(theme_response(&updated)))
}

/// Retires a theme: kept on existing initiatives, no longer offered (administrators).
#[utoipa::path(post, path = "/api/v1/admin/themes/{slug}/retire", tag = "themes",
    params(("slug" = String, Path)),
    responses((status = 200, body = ThemeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/themes/{slug}/retire")]
#[tracing::instrument(skip_all)]
pub async fn retire_theme(
    state: web::Data<AppState>,
    staff: StaffUser,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let updated = carte::retire_theme(&state.db, &staff, &slug)
        .await
        .map_err(|e| carte_error(e, "", THEME_NOT_FOUND))?;
    Ok(HttpResponse::Ok().json(theme_response(&updated)))
}

/// Records when an actor signed the charter of reciprocal commitments (moderators); `null`
/// clears it. Shown on the public actor pages.
#[utoipa::path(put, path = "/api/v1/admin/actors/{id}/charter", tag = "actors",
    params(("id" = String, Path)), request_body = ActorCharterRequest,
    responses((status = 204),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/admin/actors/{id}/charter")]
#[tracing::instrument(skip_all)]
pub async fn set_actor_charter(
    state: web::Data<AppState>,
    staff: StaffUser,
    id: web::Path<String>,
    body: ApiJson<ActorCharterRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Moderator)?;
    let not_found = || ApiError::NotFound("Cet acteur n'existe pas.".to_owned());
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let signed_at = match body.signed_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) if d <= super::initiatives::today() => {
                d.and_hms_opt(12, 0, 0).map(|t| t.and_utc())
            }
            _ => {
                return Err(invalid(FieldErrors::from([(
                    "signed_on".to_owned(),
                    "Date de signature attendue (AAAA-MM-JJ, pas dans le futur).".to_owned(),
                )])))
            }
        },
    };
    carte::set_charter(&state.db, &staff, id, signed_at)
        .await
        .map_err(|e| carte_error(e, "", "Cet acteur n'existe pas."))?;
    Ok(HttpResponse::NoContent().finish())
}
