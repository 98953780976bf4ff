//! Events of the agenda: submission, the submitter's edits through the private link,
//! moderation decisions, and public reading (upcoming first). The content is stored whole
//! as JSON (the domain's `EventDraft`); its dates and themes also go to their own tables,
//! which the lists filter on.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Query, ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use serde_json::{json, Value};
use solidarites_domain::{
    drafts::EventDraft,
    lifecycle::{EventStatus, InitiativeEvent, InitiativeStatus},
};
use uuid::Uuid;

use super::{
    event_entities::{event, event_occurrence, event_theme},
    freshness::{event_confirmed, PublicDay},
    initiatives::status,
    moderation::{Decision, ModerationError, Outcome},
};
use crate::{
    ids::{ActorId, EventId},
    search::fold,
};

/// Filters of the public lists and feeds. Every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Any of these themes.
    pub themes: Vec<String>,
    /// INSEE code.
    pub commune: Option<String>,
    pub actor: Option<ActorId>,
    /// Folded text (see [`fold`]) searched in title and description.
    pub q: Option<String>,
    /// Only dates ending at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only dates starting before this instant.
    pub to: Option<DateTime<Utc>>,
}

fn db_err(e: impl std::fmt::Display) -> sea_orm::DbErr {
    sea_orm::DbErr::Custom(e.to_string())
}

/// The stored content of an event.
pub fn content_of(row: &event::Model) -> Result<EventDraft, sea_orm::DbErr> {
    serde_json::from_str(&row.content)
        .map_err(|e| db_err(format!("event {} has unreadable content: {e}", row.id)))
}

/// The change waiting for moderation, if any.
pub fn pending_of(row: &event::Model) -> Result<Option<EventDraft>, sea_orm::DbErr> {
    row.pending_content
        .as_deref()
        .map(|c| {
            serde_json::from_str(c)
                .map_err(|e| db_err(format!("event {} has unreadable change: {e}", row.id)))
        })
        .transpose()
}

/// Published, confirmed recently enough on `day` (else hidden, never deleted), and
/// matching `f`.
fn public_condition(f: &EventFilter, day: &PublicDay) -> Condition {
    let mut c = Condition::all()
        .add(event::Column::Status.eq(status::PUBLISHED))
        .add(event_confirmed(day));
    if !f.themes.is_empty() {
        c = c.add(super::with_any_theme(
            event::Column::Id,
            event_theme::Column::EventId,
            event_theme::Column::ThemeSlug,
            &f.themes,
        ));
    }
    if let Some(commune) = &f.commune {
        c = c.add(event::Column::CommuneCode.eq(commune.clone()));
    }
    if let Some(actor) = f.actor {
        c = c.add(event::Column::ActorId.eq(actor));
    }
    c.add_option(super::text_search(
        event::Column::SearchText,
        f.q.as_deref(),
    ))
}

/// Ids of the public events matching `filter`, each with the start of its first date in
/// the period: upcoming first (an event under way first of all), then by id.
async fn upcoming_ids(
    db: &impl ConnectionTrait,
    filter: &EventFilter,
    day: &PublicDay,
) -> Result<Vec<(Uuid, DateTime<Utc>)>, sea_orm::DbErr> {
    let mut query = event_occurrence::Entity::find()
        .select_only()
        .column(event_occurrence::Column::EventId)
        .column(event_occurrence::Column::StartsAt)
        .filter(
            event_occurrence::Column::EventId.in_subquery(
                Query::select()
                    .column(event::Column::Id)
                    .from(event::Entity)
                    .cond_where(public_condition(filter, day))
                    .to_owned(),
            ),
        );
    if let Some(from) = filter.from {
        query = query.filter(event_occurrence::Column::EndsAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(event_occurrence::Column::StartsAt.lt(to));
    }
    let rows: Vec<(Uuid, DateTime<Utc>)> = query.into_tuple().all(db).await?;
    let mut first: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for (id, start) in rows {
        first
            .entry(id)
            .and_modify(|s| *s = (*s).min(start))
            .or_insert(start);
    }
    let mut found: Vec<(Uuid, DateTime<Utc>)> = first.into_iter().collect();
    found.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(found)
}

async fn rows_in_order(
    db: &impl ConnectionTrait,
    ids: &[(Uuid, DateTime<Utc>)],
) -> Result<Vec<event::Model>, sea_orm::DbErr> {
    let mut rows: HashMap<Uuid, event::Model> = HashMap::with_capacity(ids.len());
    for part in ids.chunks(5_000) {
        let found = event::Entity::find()
            .filter(event::Column::Id.is_in(part.iter().map(|(id, _)| *id)))
            .all(db)
            .await?;
        rows.extend(found.into_iter().map(|r| (r.id, r)));
    }
    Ok(ids.iter().filter_map(|(id, _)| rows.remove(id)).collect())
}

/// One page (1-based) of the public events, upcoming first, and the number over all pages.
pub async fn list_public(
    db: &impl ConnectionTrait,
    filter: &EventFilter,
    day: &PublicDay,
    page: u64,
    per_page: u64,
) -> Result<(Vec<event::Model>, u64), sea_orm::DbErr> {
    let found = upcoming_ids(db, filter, day).await?;
    let total = found.len() as u64;
    let shown = super::page_of(&found, page, per_page);
    Ok((rows_in_order(db, shown).await?, total))
}

/// Up to `limit` public events matching `filter`, upcoming first (feeds and the map).
pub async fn all_public(
    db: &impl ConnectionTrait,
    filter: &EventFilter,
    day: &PublicDay,
    limit: usize,
) -> Result<Vec<event::Model>, sea_orm::DbErr> {
    let mut found = upcoming_ids(db, filter, day).await?;
    found.truncate(limit);
    rows_in_order(db, &found).await
}

/// A published event confirmed recently enough on `day`, whatever its dates.
pub async fn get_public(
    db: &impl ConnectionTrait,
    id: EventId,
    day: &PublicDay,
) -> Result<Option<event::Model>, sea_orm::DbErr> {
    event::Entity::find_by_id(id)
        .filter(event::Column::Status.eq(status::PUBLISHED))
        .filter(event_confirmed(day))
        .one(db)
        .await
}

pub async fn find(
    db: &impl ConnectionTrait,
    id: EventId,
) -> Result<Option<event::Model>, sea_orm::DbErr> {
    event::Entity::find_by_id(id).one(db).await
}

/// The event whose edit key (shown at submission, or sent by e-mail) hashes to `hash`.
pub async fn find_by_token_hash(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<event::Model>, sea_orm::DbErr> {
    event::Entity::find()
        .filter(
            Condition::any()
                .add(event::Column::EditTokenHash.eq(hash))
                .add(event::Column::MailTokenHash.eq(hash)),
        )
        .one(db)
        .await
}

/// Sets the content columns of `row` from `draft` (the dates and themes go to their tables
/// through [`replace_children`]).
fn apply_draft(row: &mut event::ActiveModel, draft: &EventDraft) -> Result<(), sea_orm::DbErr> {
    row.title = Set(draft.title.clone());
    row.search_text = Set(fold(&format!("{} {}", draft.title, draft.description)));
    row.content = Set(serde_json::to_string(draft).map_err(db_err)?);
    row.event_status = Set(draft.event_status.as_str().to_owned());
    let placement = draft.place.placement();
    row.commune_code = Set(placement.map(|p| p.commune_code.to_string()));
    row.lon = Set(placement.map(|p| p.lon));
    row.lat = Set(placement.map(|p| p.lat));
    row.updated_at = Set(Utc::now());
    Ok(())
}

async fn replace_children(
    db: &impl ConnectionTrait,
    id: Uuid,
    draft: &EventDraft,
) -> Result<(), sea_orm::DbErr> {
    event_occurrence::Entity::delete_many()
        .filter(event_occurrence::Column::EventId.eq(id))
        .exec(db)
        .await?;
    event_theme::Entity::delete_many()
        .filter(event_theme::Column::EventId.eq(id))
        .exec(db)
        .await?;
    let occurrences: Vec<_> = draft
        .occurrences
        .iter()
        .zip(1..)
        .map(|(o, position)| event_occurrence::ActiveModel {
            event_id: Set(id),
            position: Set(position),
            starts_at: Set(o.start),
            ends_at: Set(o.end),
        })
        .collect();
    super::insert_rows(db, occurrences).await?;
    let themes: Vec<_> = draft
        .themes
        .iter()
        .map(|slug| event_theme::ActiveModel {
            event_id: Set(id),
            theme_slug: Set(slug.clone()),
        })
        .collect();
    super::insert_rows(db, themes).await?;
    Ok(())
}

/// Stores a submission, pending moderation, with the address its submitter left (with
/// consent) to be told of decisions.
pub async fn create(
    db: &impl ConnectionTrait,
    draft: &EventDraft,
    actor_id: Option<Uuid>,
    edit_token_hash: &str,
    notify_email: Option<&str>,
) -> Result<Uuid, sea_orm::DbErr> {
    let now = Utc::now();
    let id = Uuid::new_v4();
    let mut row = event::ActiveModel {
        id: Set(id),
        actor_id: Set(actor_id),
        status: Set(status::PENDING.to_owned()),
        pending_content: Set(None),
        pending_at: Set(None),
        sequence: Set(0),
        edit_token_hash: Set(edit_token_hash.to_owned()),
        moderation_message: Set(None),
        created_at: Set(now),
        published_at: Set(None),
        last_confirmed_at: Set(None),
        stale_flagged_at: Set(None),
        notify_email: Set(notify_email.map(str::to_owned)),
        mail_token_hash: Set(None),
        ..Default::default()
    };
    apply_draft(&mut row, draft)?;
    row.insert(db).await?;
    replace_children(db, id, draft).await?;
    Ok(id)
}

/// What an edit through the private link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    /// Not yet published: the content was replaced and waits for moderation.
    Updated,
    /// Published: the organisers' status changed at once (no moderation needed) and/or
    /// the rest of the change waits for moderation while the public keeps the published
    /// version.
    Published {
        status_changed: bool,
        revision_pending: bool,
    },
    /// Withdrawn or archived: nothing can change any more.
    Closed,
}

/// Applies a submitter's edit to `row` (found by its token, in the caller's transaction).
pub async fn edit(
    db: &impl ConnectionTrait,
    row: event::Model,
    draft: &EventDraft,
) -> Result<EditOutcome, sea_orm::DbErr> {
    let next = InitiativeStatus::parse(&row.status)
        .and_then(|current| current.after(InitiativeEvent::Edit));
    match next {
        None => Ok(EditOutcome::Closed),
        Some(InitiativeStatus::Published) => {
            let current = content_of(&row)?;
            let status_changed = current.event_status != draft.event_status;
            let revision_pending = !current.same_but_status(draft);
            let sequence = row.sequence;
            let mut active: event::ActiveModel = row.into();
            if status_changed {
                apply_draft(
                    &mut active,
                    &current.clone().with_status(draft.event_status),
                )?;
                active.sequence = Set(sequence + 1);
            }
            if revision_pending {
                active.pending_content = Set(Some(serde_json::to_string(draft).map_err(db_err)?));
                active.pending_at = Set(Some(Utc::now()));
            } else {
                // Back to the published content: any waiting change is dropped.
                active.pending_content = Set(None);
                active.pending_at = Set(None);
            }
            active.update(db).await?;
            Ok(EditOutcome::Published {
                status_changed,
                revision_pending,
            })
        }
        Some(next) => {
            let id = row.id;
            let mut active: event::ActiveModel = row.into();
            apply_draft(&mut active, draft)?;
            active.status = Set(next.as_str().to_owned());
            active.moderation_message = Set(None);
            active.update(db).await?;
            replace_children(db, id, draft).await?;
            Ok(EditOutcome::Updated)
        }
    }
}

/// Withdraws an event on its submitter's request; `false` when already closed.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    row: event::Model,
) -> Result<bool, sea_orm::DbErr> {
    let Some(next) = InitiativeStatus::parse(&row.status)
        .and_then(|current| current.after(InitiativeEvent::Withdraw))
    else {
        return Ok(false);
    };
    let sequence = row.sequence;
    let mut active: event::ActiveModel = row.into();
    active.status = Set(next.as_str().to_owned());
    active.pending_content = Set(None);
    active.pending_at = Set(None);
    active.sequence = Set(sequence + 1);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------
// Moderation

fn pending_new() -> Condition {
    Condition::all().add(event::Column::Status.eq(status::PENDING))
}

fn pending_change() -> Condition {
    Condition::all()
        .add(event::Column::Status.eq(status::PUBLISHED))
        .add(event::Column::PendingContent.is_not_null())
}

/// New events waiting for moderation.
pub async fn pending_count(db: &impl ConnectionTrait) -> Result<u64, sea_orm::DbErr> {
    event::Entity::find().filter(pending_new()).count(db).await
}

/// Changes of published events waiting for moderation.
pub async fn pending_change_count(db: &impl ConnectionTrait) -> Result<u64, sea_orm::DbErr> {
    event::Entity::find()
        .filter(pending_change())
        .count(db)
        .await
}

/// What of an event waits for moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// A new event, not published yet.
    New,
    /// A change of a published event.
    Change,
}

/// Events with `waiting` for moderation, oldest first (a new event by its last update, a
/// change by when it was sent).
pub async fn pending_page(
    db: &impl ConnectionTrait,
    waiting: Waiting,
    offset: u64,
    limit: u64,
) -> Result<Vec<event::Model>, sea_orm::DbErr> {
    let (condition, since) = match waiting {
        Waiting::New => (pending_new(), event::Column::UpdatedAt),
        Waiting::Change => (pending_change(), event::Column::PendingAt),
    };
    let query = event::Entity::find().filter(condition);
    super::page_by(db, query, (since, event::Column::Id), offset, limit).await
}

fn state(row: &event::Model) -> Value {
    json!({"status": row.status, "title": row.title, "event_status": row.event_status,
           "sequence": row.sequence, "pending_change": row.pending_content.is_some(),
           "moderation_message": row.moderation_message})
}

fn not_applicable(row: &event::Model, decision: &Decision) -> ModerationError {
    ModerationError::NotApplicable {
        entity_id: row.id,
        action: decision.action(),
        status: row.status.clone(),
    }
}

/// Applies `decision` to the event `row`: to its waiting change when it is published with
/// one (archiving always applies to the event itself), else to the event (the initiatives'
/// lifecycle). Runs in the caller's transaction.
pub(super) async fn decide(
    db: &impl ConnectionTrait,
    row: event::Model,
    decision: &Decision,
) -> Result<Outcome, ModerationError> {
    if row.status == status::PUBLISHED
        && row.pending_content.is_some()
        && *decision != Decision::Archive
    {
        return decide_revision(db, row, decision).await;
    }
    let before = state(&row);
    let id = row.id;
    let Some(next) = InitiativeStatus::parse(&row.status)
        .and_then(|current| current.after(InitiativeEvent::Moderate(decision.kind())))
    else {
        return Err(not_applicable(&row, decision));
    };
    let was_published = row.status == status::PUBLISHED;
    let sequence = row.sequence;
    let mut active: event::ActiveModel = row.into();
    active.status = Set(next.as_str().to_owned());
    active.moderation_message = Set(decision.message());
    active.updated_at = Set(Utc::now());
    if next == InitiativeStatus::Published {
        // Approval is a confirmation that the listing is current.
        active.published_at = Set(Some(Utc::now()));
        active.last_confirmed_at = Set(Some(Utc::now()));
        active.stale_flagged_at = Set(None);
    }
    if was_published {
        active.sequence = Set(sequence + 1);
        active.pending_content = Set(None);
        active.pending_at = Set(None);
    }
    let updated = active.update(db).await?;
    Ok(Outcome {
        entity_type: "event",
        entity_id: id,
        before,
        after: state(&updated),
    })
}

/// [`decide`] on the waiting change of a published event.
async fn decide_revision(
    db: &impl ConnectionTrait,
    row: event::Model,
    decision: &Decision,
) -> Result<Outcome, ModerationError> {
    let before = state(&row);
    let id = row.id;
    let change = pending_of(&row)?.ok_or_else(|| not_applicable(&row, decision))?;
    let current_status = EventStatus::parse(&row.event_status).unwrap_or(EventStatus::Scheduled);
    let sequence = row.sequence;
    let mut active: event::ActiveModel = row.into();
    active.pending_content = Set(None);
    active.pending_at = Set(None);
    let revision_status = match decision {
        Decision::Approve => {
            // The organisers' status changes apply at once: the latest one stands.
            let draft = change.with_status(current_status);
            apply_draft(&mut active, &draft)?;
            active.sequence = Set(sequence + 1);
            active.moderation_message = Set(None);
            // An approved change is a confirmation that the listing is current.
            active.last_confirmed_at = Set(Some(Utc::now()));
            active.stale_flagged_at = Set(None);
            replace_children(db, id, &draft).await?;
            status::APPROVED
        }
        Decision::Reject(_) | Decision::RequestChanges(_) => {
            active.moderation_message = Set(decision.message());
            if matches!(decision, Decision::Reject(_)) {
                status::REJECTED
            } else {
                status::CHANGES_REQUESTED
            }
        }
        Decision::Archive => status::ARCHIVED,
    };
    let updated = active.update(db).await?;
    let mut after = state(&updated);
    after["status"] = json!(revision_status);
    after["event_status_now"] = json!(updated.status);
    Ok(Outcome {
        entity_type: "event_revision",
        entity_id: id,
        before,
        after,
    })
}

/// Whether an event with this id exists, whatever its status.
pub async fn exists(db: &impl ConnectionTrait, id: EventId) -> Result<bool, sea_orm::DbErr> {
    Ok(event::Entity::find_by_id(id).one(db).await?.is_some())
}
