//! Moderation of submissions: the queue, and the decisions on initiatives, revisions of
//! published initiatives, actors and proposals. Every decision returns the before/after states for
//! the audit trail; anything that changes the public map bumps its revision in the same
//! transaction.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use serde_json::{json, Value};
use solidarites_domain::freshness::ListingKind;
use solidarites_domain::lifecycle::{
    self, InitiativeEvent, InitiativeStatus, ModerationStatus, RevisionEvent, RevisionStatus,
};
use uuid::Uuid;

use super::{
    carte_entities::{actor, initiative, initiative_revision},
    event_entities::event,
    events::{self, Waiting},
    initiatives::{apply_content, bump_map_revision, revision_content, status},
    proposal_entities::proposal,
};

/// What is waiting for a moderator, oldest first.
#[derive(Debug, Clone, Default)]
pub struct ModerationQueue {
    pub initiatives: Vec<initiative::Model>,
    /// Each pending revision with the published initiative it would change.
    pub revisions: Vec<(initiative_revision::Model, initiative::Model)>,
    pub actors: Vec<actor::Model>,
    pub proposals: Vec<proposal::Model>,
    /// New events.
    pub events: Vec<event::Model>,
    /// Published events with a change waiting (in `pending_content`).
    pub event_changes: Vec<event::Model>,
}

pub async fn queue(db: &impl ConnectionTrait) -> Result<ModerationQueue, sea_orm::DbErr> {
    let initiatives = initiative::Entity::find()
        .filter(initiative::Column::Status.eq(status::PENDING))
        .order_by_asc(initiative::Column::UpdatedAt)
        .all(db)
        .await?;
    let revs = initiative_revision::Entity::find()
        .filter(initiative_revision::Column::Status.eq(status::PENDING))
        .order_by_asc(initiative_revision::Column::CreatedAt)
        .all(db)
        .await?;
    let mut revisions = Vec::with_capacity(revs.len());
    for rev in revs {
        if let Some(i) = initiative::Entity::find_by_id(rev.initiative_id)
            .one(db)
            .await?
        {
            revisions.push((rev, i));
        }
    }
    let actors = actor::Entity::find()
        .filter(actor::Column::Status.eq(status::PENDING))
        .order_by_asc(actor::Column::CreatedAt)
        .all(db)
        .await?;
    let proposals = super::proposals::pending(db).await?;
    Ok(ModerationQueue {
        initiatives,
        revisions,
        actors,
        proposals,
        events: events::pending_page(db, Waiting::New, 0, u64::MAX >> 1).await?,
        event_changes: events::pending_page(db, Waiting::Change, 0, u64::MAX >> 1).await?,
    })
}

/// The queues of the moderation, in the order a queue of every kind lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKind {
    /// New initiatives.
    Initiative,
    /// Changes of published initiatives.
    Revision,
    /// New actors.
    Actor,
    Proposal,
    /// New events.
    Event,
    /// Changes of published events.
    EventRevision,
}

impl QueueKind {
    pub const ALL: [QueueKind; 6] = [
        QueueKind::Initiative,
        QueueKind::Revision,
        QueueKind::Actor,
        QueueKind::Proposal,
        QueueKind::Event,
        QueueKind::EventRevision,
    ];

    /// The API's name of the kind (`kind` of the items).
    pub fn as_str(self) -> &'static str {
        match self {
            QueueKind::Initiative => "initiative",
            QueueKind::Revision => "initiative_revision",
            QueueKind::Actor => "actor",
            QueueKind::Proposal => "proposal",
            QueueKind::Event => "event",
            QueueKind::EventRevision => "event_revision",
        }
    }

    pub fn parse(raw: &str) -> Option<QueueKind> {
        QueueKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// Number of items waiting in each queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub initiatives: u64,
    pub revisions: u64,
    pub actors: u64,
    pub proposals: u64,
    pub events: u64,
    pub event_revisions: u64,
}

impl QueueCounts {
    pub fn of(&self, kind: QueueKind) -> u64 {
        match kind {
            QueueKind::Initiative => self.initiatives,
            QueueKind::Revision => self.revisions,
            QueueKind::Actor => self.actors,
            QueueKind::Proposal => self.proposals,
            QueueKind::Event => self.events,
            QueueKind::EventRevision => self.event_revisions,
        }
    }
}

pub async fn counts(db: &impl ConnectionTrait) -> Result<QueueCounts, sea_orm::DbErr> {
    Ok(QueueCounts {
        initiatives: initiative::Entity::find()
            .filter(initiative::Column::Status.eq(status::PENDING))
            .count(db)
            .await?,
        revisions: initiative_revision::Entity::find()
            .filter(initiative_revision::Column::Status.eq(status::PENDING))
            .count(db)
            .await?,
        actors: actor::Entity::find()
            .filter(actor::Column::Status.eq(status::PENDING))
            .count(db)
            .await?,
        proposals: super::proposals::pending_count(db).await?,
        events: super::events::pending_count(db).await?,
        event_revisions: super::events::pending_change_count(db).await?,
    })
}

/// One page of the queue: `limit` items from `offset`, over the queues of `kinds` taken one
/// after the other (in the order given), oldest first within each. `counts` (from
/// [`counts`]) tells which queues the page spans, so that only those are read.
pub async fn queue_page(
    db: &impl ConnectionTrait,
    kinds: &[QueueKind],
    counts: &QueueCounts,
    offset: u64,
    limit: u64,
) -> Result<ModerationQueue, sea_orm::DbErr> {
    let mut out = ModerationQueue::default();
    let (mut offset, mut limit) = (offset, limit);
    for kind in kinds {
        let waiting = counts.of(*kind);
        if limit == 0 {
            break;
        }
        if offset >= waiting {
            offset -= waiting;
            continue;
        }
        let take = limit.min(waiting - offset);
        match kind {
            QueueKind::Initiative => {
                out.initiatives = initiative::Entity::find()
                    .filter(initiative::Column::Status.eq(status::PENDING))
                    .order_by_asc(initiative::Column::UpdatedAt)
                    .order_by_asc(initiative::Column::Id)
                    .offset(offset)
                    .limit(take)
                    .all(db)
                    .await?;
            }
            QueueKind::Revision => {
                let revs = initiative_revision::Entity::find()
                    .filter(initiative_revision::Column::Status.eq(status::PENDING))
                    .order_by_asc(initiative_revision::Column::CreatedAt)
                    .order_by_asc(initiative_revision::Column::Id)
                    .offset(offset)
                    .limit(take)
                    .all(db)
                    .await?;
                let targets: std::collections::HashMap<Uuid, initiative::Model> =
                    initiative::Entity::find()
                        .filter(
                            initiative::Column::Id
                                .is_in(revs.iter().map(|r| r.initiative_id).collect::<Vec<_>>()),
                        )
                        .all(db)
                        .await?
                        .into_iter()
                        .map(|i| (i.id, i))
                        .collect();
                out.revisions = revs
                    .into_iter()
                    .filter_map(|r| targets.get(&r.initiative_id).cloned().map(|i| (r, i)))
                    .collect();
            }
            QueueKind::Actor => {
                out.actors = actor::Entity::find()
                    .filter(actor::Column::Status.eq(status::PENDING))
                    .order_by_asc(actor::Column::CreatedAt)
                    .order_by_asc(actor::Column::Id)
                    .offset(offset)
                    .limit(take)
                    .all(db)
                    .await?;
            }
            QueueKind::Proposal => {
                out.proposals = super::proposals::pending_page(db, offset, take).await?;
            }
            QueueKind::Event => {
                out.events = events::pending_page(db, Waiting::New, offset, take).await?;
            }
            QueueKind::EventRevision => {
                out.event_changes = events::pending_page(db, Waiting::Change, offset, take).await?;
            }
        }
        offset = 0;
        limit -= take;
    }
    Ok(out)
}

/// A moderation decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// The reason is shown to the submitter.
    Reject(String),
    /// The message is shown to the submitter.
    RequestChanges(String),
    Archive,
}

impl Decision {
    /// The decision without its message: what the lifecycles of the domain take.
    pub fn kind(&self) -> lifecycle::Decision {
        match self {
            Decision::Approve => lifecycle::Decision::Approve,
            Decision::Reject(_) => lifecycle::Decision::Reject,
            Decision::RequestChanges(_) => lifecycle::Decision::RequestChanges,
            Decision::Archive => lifecycle::Decision::Archive,
        }
    }

    /// The audit action name.
    pub fn action(&self) -> &'static str {
        self.kind().action()
    }

    /// The message shown to the submitter, if the decision carries one.
    pub fn message(&self) -> Option<String> {
        match self {
            Decision::Reject(text) | Decision::RequestChanges(text) => Some(text.clone()),
            Decision::Approve | Decision::Archive => None,
        }
    }
}

/// What a decision changed, for the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// `initiative`, `initiative_revision`, `actor`, `proposal`, `event` or
    /// `event_revision`.
    pub entity_type: &'static str,
    pub entity_id: Uuid,
    pub before: Value,
    pub after: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    /// No initiative, revision, actor or proposal has these ids.
    #[error("unknown ids: {0:?}")]
    UnknownIds(Vec<Uuid>),
    /// The decision does not apply to the item in its current state.
    #[error("{entity_id}: cannot {action} an item in status {status}")]
    NotApplicable {
        entity_id: Uuid,
        action: &'static str,
        status: String,
    },
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

fn initiative_state(i: &initiative::Model) -> Value {
    json!({"status": i.status, "title": i.title, "moderation_message": i.moderation_message})
}

fn actor_state(a: &actor::Model) -> Value {
    json!({"status": a.status, "name": a.name, "moderation_message": a.moderation_message})
}

fn revision_state(r: &initiative_revision::Model) -> Value {
    json!({"status": r.status, "initiative_id": r.initiative_id, "moderation_message": r.moderation_message})
}

fn not_applicable(entity_id: Uuid, decision: &Decision, status: &str) -> ModerationError {
    ModerationError::NotApplicable {
        entity_id,
        action: decision.action(),
        status: status.to_owned(),
    }
}

/// Applies `decision` to the initiative, pending revision or actor `id`, in one transaction.
pub async fn decide<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: Uuid,
    decision: &Decision,
) -> Result<Outcome, ModerationError> {
    let txn = crate::storage::begin_write(db).await?;
    let outcome = decide_in(&txn, id, decision).await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Applies `decision` to every id, all or nothing. Unknown ids are all named.
pub async fn decide_all<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    ids: &[Uuid],
    decision: &Decision,
) -> Result<Vec<Outcome>, ModerationError> {
    let txn = crate::storage::begin_write(db).await?;
    let mut unknown = Vec::new();
    for id in ids {
        if !exists(&txn, *id).await? {
            unknown.push(*id);
        }
    }
    if !unknown.is_empty() {
        return Err(ModerationError::UnknownIds(unknown));
    }
    let mut outcomes = Vec::with_capacity(ids.len());
    for id in ids {
        outcomes.push(decide_in(&txn, *id, decision).await?);
    }
    txn.commit().await?;
    Ok(outcomes)
}

async fn exists(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, sea_orm::DbErr> {
    Ok(initiative::Entity::find_by_id(id).one(db).await?.is_some()
        || initiative_revision::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_some()
        || actor::Entity::find_by_id(id).one(db).await?.is_some()
        || proposal::Entity::find_by_id(id).one(db).await?.is_some()
        || event::Entity::find_by_id(id).one(db).await?.is_some())
}

async fn decide_in(
    db: &impl ConnectionTrait,
    id: Uuid,
    decision: &Decision,
) -> Result<Outcome, ModerationError> {
    if let Some(i) = initiative::Entity::find_by_id(id).one(db).await? {
        return decide_initiative(db, i, decision).await;
    }
    if let Some(r) = initiative_revision::Entity::find_by_id(id).one(db).await? {
        return decide_revision(db, r, decision).await;
    }
    if let Some(a) = actor::Entity::find_by_id(id).one(db).await? {
        return decide_actor(db, a, decision).await;
    }
    if let Some(p) = proposal::Entity::find_by_id(id).one(db).await? {
        return super::proposals::decide(db, p, decision).await;
    }
    if let Some(e) = event::Entity::find_by_id(id).one(db).await? {
        return super::events::decide(db, e, decision).await;
    }
    Err(ModerationError::UnknownIds(vec![id]))
}

async fn decide_initiative(
    db: &impl ConnectionTrait,
    row: initiative::Model,
    decision: &Decision,
) -> Result<Outcome, ModerationError> {
    let before = initiative_state(&row);
    let was_published = row.status == status::PUBLISHED;
    let Some(next) = InitiativeStatus::parse(&row.status)
        .and_then(|current| current.after(InitiativeEvent::Moderate(decision.kind())))
    else {
        return Err(not_applicable(row.id, decision, &row.status));
    };
    let (new_status, message) = (next.as_str(), decision.message());
    let actor_id = row.actor_id;
    let mut active: initiative::ActiveModel = row.into();
    active.status = Set(new_status.to_owned());
    active.moderation_message = Set(message);
    active.updated_at = Set(Utc::now());
    if new_status == status::PUBLISHED {
        // Approval is a confirmation that the listing is current.
        active.published_at = Set(Some(Utc::now()));
        active.last_confirmed_at = Set(Some(Utc::now()));
        active.stale_flagged_at = Set(None);
    }
    let updated = active.update(db).await?;
    let mut actor_published = false;
    if new_status == status::PUBLISHED {
        // A new actor submitted with its initiative is published with it.
        if let Some(a) = actor::Entity::find_by_id(actor_id).one(db).await? {
            if a.status == status::PENDING {
                let mut a: actor::ActiveModel = a.into();
                a.status = Set(status::PUBLISHED.to_owned());
                a.updated_at = Set(Utc::now());
                a.last_confirmed_at = Set(Some(Utc::now()));
                a.stale_flagged_at = Set(None);
                a.update(db).await?;
                actor_published = true;
            }
        }
    }
    if was_published || new_status == status::PUBLISHED {
        bump_map_revision(db).await?;
    }
    let mut after = initiative_state(&updated);
    if actor_published {
        after["actor_published"] = Value::Bool(true);
        after["actor_id"] = json!(actor_id);
    }
    Ok(Outcome {
        entity_type: "initiative",
        entity_id: updated.id,
        before,
        after,
    })
}

async fn decide_revision(
    db: &impl ConnectionTrait,
    rev: initiative_revision::Model,
    decision: &Decision,
) -> Result<Outcome, ModerationError> {
    let Some(next) = RevisionStatus::parse(&rev.status)
        .and_then(|current| current.after(RevisionEvent::Moderate(decision.kind())))
    else {
        return Err(not_applicable(rev.id, decision, &rev.status));
    };
    let before = revision_state(&rev);
    let (new_status, message) = (next.as_str(), decision.message());
    if new_status == status::APPROVED {
        let draft = revision_content(&rev)?;
        let Some(target) = initiative::Entity::find_by_id(rev.initiative_id)
            .one(db)
            .await?
        else {
            return Err(ModerationError::UnknownIds(vec![rev.initiative_id]));
        };
        if target.status != status::PUBLISHED {
            return Err(not_applicable(rev.id, decision, &target.status));
        }
        let id = target.id;
        apply_content(db, target, &draft, None).await?;
        // An approved change is a confirmation that the listing is current.
        super::freshness::confirm(db, ListingKind::Initiative, id, Utc::now()).await?;
        bump_map_revision(db).await?;
    }
    let mut active: initiative_revision::ActiveModel = rev.into();
    active.status = Set(new_status.to_owned());
    active.moderation_message = Set(message);
    active.decided_at = Set(Some(Utc::now()));
    let updated = active.update(db).await?;
    Ok(Outcome {
        entity_type: "initiative_revision",
        entity_id: updated.id,
        before,
        after: revision_state(&updated),
    })
}

async fn decide_actor(
    db: &impl ConnectionTrait,
    row: actor::Model,
    decision: &Decision,
) -> Result<Outcome, ModerationError> {
    let before = actor_state(&row);
    let Some(next) =
        ModerationStatus::parse(&row.status).and_then(|current| current.after(decision.kind()))
    else {
        return Err(not_applicable(row.id, decision, &row.status));
    };
    let (new_status, message) = (next.as_str(), decision.message());
    let mut active: actor::ActiveModel = row.into();
    active.status = Set(new_status.to_owned());
    active.moderation_message = Set(message);
    active.updated_at = Set(Utc::now());
    if new_status == status::PUBLISHED {
        active.last_confirmed_at = Set(Some(Utc::now()));
        active.stale_flagged_at = Set(None);
    }
    let updated = active.update(db).await?;
    Ok(Outcome {
        entity_type: "actor",
        entity_id: updated.id,
        before,
        after: actor_state(&updated),
    })
}
