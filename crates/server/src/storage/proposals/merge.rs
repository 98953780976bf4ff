//! Merging a duplicate proposal into the one kept: its supports move there.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, Query},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::{moderation_status, once_per_device, proposal, proposal_support, support_count};
use crate::ids::ProposalId;

/// Why a merge was refused.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The duplicate (path) does not exist.
    #[error("no such proposal")]
    NotFound,
    /// The kept proposal does not exist or is not published.
    #[error("no such kept proposal")]
    KeptNotFound,
    #[error("a proposal cannot be merged into itself")]
    SameProposal,
    /// The duplicate is not a published, unmerged proposal.
    #[error("the duplicate cannot be merged: {0}")]
    DuplicateNotApplicable(String),
    /// The kept proposal was itself merged into another one.
    #[error("the kept proposal was merged into {0}")]
    KeptMerged(Uuid),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeOutcome {
    /// Supports moved to the kept proposal (not counting devices that supported both).
    pub moved: u64,
    /// Supports of the duplicate before the merge.
    pub duplicate_supports: u64,
    /// Supports of the kept proposal before and after.
    pub kept_before: u64,
    pub kept_after: u64,
}

/// Merges the duplicate `dup` into `kept`: each device that supported `dup` supports
/// `kept` (once, even if it supported both), `dup` loses its supports and shows as merged,
/// and proposals earlier merged into `dup` now point to `kept`.
pub async fn merge(
    db: &impl ConnectionTrait,
    dup: ProposalId,
    kept: ProposalId,
    now: DateTime<Utc>,
) -> Result<MergeOutcome, MergeError> {
    if dup == kept {
        return Err(MergeError::SameProposal);
    }
    lock_pair(db, dup, kept).await?;
    let duplicate_supports = support_count(db, dup.uuid()).await?;
    let kept_before = support_count(db, kept.uuid()).await?;
    move_supports(db, dup, kept).await?;
    let kept_after = support_count(db, kept.uuid()).await?;
    proposal::Entity::update_many()
        .col_expr(proposal::Column::MergedInto, Expr::val(kept))
        .col_expr(proposal::Column::UpdatedAt, Expr::val(now))
        .filter(
            Condition::any()
                .add(proposal::Column::Id.eq(dup))
                .add(proposal::Column::MergedInto.eq(dup)),
        )
        .exec(db)
        .await?;
    Ok(MergeOutcome {
        moved: kept_after.saturating_sub(kept_before),
        duplicate_supports,
        kept_before,
        kept_after,
    })
}

/// Locks both proposals (in id order, so that two opposite merges cannot deadlock) and
/// checks that `dup` can be merged into `kept`.
async fn lock_pair(
    db: &impl ConnectionTrait,
    dup: ProposalId,
    kept: ProposalId,
) -> Result<(), MergeError> {
    // The exclusive lock on the duplicate waits for supports being added to it.
    let mut locked = HashMap::new();
    let mut ids = [dup, kept];
    ids.sort();
    for id in ids {
        if let Some(row) = proposal::Entity::find_by_id(id)
            .lock_exclusive()
            .one(db)
            .await?
        {
            locked.insert(id, row);
        }
    }
    let dup_row = locked.remove(&dup).ok_or(MergeError::NotFound)?;
    let kept_row = locked
        .remove(&kept)
        .filter(|k| k.moderation_status == moderation_status::PUBLISHED)
        .ok_or(MergeError::KeptNotFound)?;
    if let Some(target) = kept_row.merged_into {
        return Err(MergeError::KeptMerged(target));
    }
    if dup_row.moderation_status != moderation_status::PUBLISHED {
        return Err(MergeError::DuplicateNotApplicable(
            dup_row.moderation_status,
        ));
    }
    if dup_row.merged_into.is_some() {
        return Err(MergeError::DuplicateNotApplicable("merged".to_owned()));
    }
    Ok(())
}

/// Gives `kept` the supports of `dup` (a device that supported both counting once) and
/// deletes those of `dup`.
async fn move_supports(
    db: &impl ConnectionTrait,
    dup: ProposalId,
    kept: ProposalId,
) -> Result<(), DbErr> {
    let copy = Query::insert()
        .into_table(proposal_support::Entity)
        .columns([
            proposal_support::Column::ProposalId,
            proposal_support::Column::DeviceTokenHash,
        ])
        .select_from(
            Query::select()
                .expr(Expr::val(kept))
                .column(proposal_support::Column::DeviceTokenHash)
                .from(proposal_support::Entity)
                .and_where(proposal_support::Column::ProposalId.eq(dup))
                .to_owned(),
        )
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(once_per_device())
        .to_owned();
    db.execute(&copy).await?;
    proposal_support::Entity::delete_many()
        .filter(proposal_support::Column::ProposalId.eq(dup))
        .exec(db)
        .await?;
    Ok(())
}
