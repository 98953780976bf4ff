//! Staff follow-up of a published proposal. Each function runs in the caller's
//! transaction, which also writes the audit line, and returns the states before and after.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, QuerySelect,
};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::ids::ProposalId;

use super::{add_event, moderation_status, proposal};

/// Why a follow-up change was refused.
#[derive(Debug, thiserror::Error)]
pub enum FollowUpError {
    #[error("no such proposal")]
    NotFound,
    /// Not published (pending, rejected, archived): nothing to follow up yet.
    #[error("proposal not published (moderation status {0})")]
    NotPublished(String),
    /// Merged into another proposal: follow that one up.
    #[error("proposal merged into {0}")]
    Merged(Uuid),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The published, unmerged proposal `id`, locked for the change.
async fn for_follow_up(
    db: &impl ConnectionTrait,
    id: ProposalId,
) -> Result<proposal::Model, FollowUpError> {
    let row = proposal::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or(FollowUpError::NotFound)?;
    if row.moderation_status != moderation_status::PUBLISHED {
        return Err(FollowUpError::NotPublished(row.moderation_status));
    }
    if let Some(kept) = row.merged_into {
        return Err(FollowUpError::Merged(kept));
    }
    Ok(row)
}

/// A follow-up change, for the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub before: Value,
    pub after: Value,
}

/// Moves the proposal to follow-up status `new_status` with a public answer, adding a step
/// to its public timeline.
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: ProposalId,
    new_status: &str,
    answer: &str,
    now: DateTime<Utc>,
) -> Result<Change, FollowUpError> {
    let row = for_follow_up(db, id).await?;
    let before = json!({"status": row.status});
    let mut active: proposal::ActiveModel = row.into();
    active.status = Set(new_status.to_owned());
    active.updated_at = Set(now);
    active.update(db).await?;
    add_event(db, id.uuid(), new_status, Some(answer.to_owned()), now).await?;
    Ok(Change {
        before,
        after: json!({"status": new_status, "answer": answer}),
    })
}

/// Replaces the internal note (`None` clears it). Allowed whatever the moderation status.
pub async fn set_note(
    db: &impl ConnectionTrait,
    id: ProposalId,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Change, FollowUpError> {
    let row = proposal::Entity::find_by_id(id)
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or(FollowUpError::NotFound)?;
    let before = json!({"internal_note": row.internal_note});
    let mut active: proposal::ActiveModel = row.into();
    active.internal_note = Set(note.map(str::to_owned));
    active.internal_note_updated_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(db).await?;
    Ok(Change {
        before,
        after: json!({"internal_note": note}),
    })
}

/// Sets or clears the priority rank.
pub async fn set_priority(
    db: &impl ConnectionTrait,
    id: ProposalId,
    priority: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Change, FollowUpError> {
    let row = for_follow_up(db, id).await?;
    let before = json!({"priority": row.priority});
    let mut active: proposal::ActiveModel = row.into();
    active.priority = Set(priority);
    active.updated_at = Set(now);
    active.update(db).await?;
    Ok(Change {
        before,
        after: json!({"priority": priority}),
    })
}
