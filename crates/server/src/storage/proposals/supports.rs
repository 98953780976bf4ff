//! Anonymous supports of proposals: one per device token hash, counted when read.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QuerySelect, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{
    accepts_supports, moderation_status, once_per_device, proposal, proposal_status_event,
    proposal_support, status, support_count,
};
use crate::ids::ProposalId;

/// What a support or a withdrawal did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportOutcome {
    /// No published proposal has this id.
    NotFound,
    /// The proposal was merged into this one: support that one.
    Merged(Uuid),
    /// The proposal no longer takes supports (done or declined).
    Closed,
    /// Applied. `changed` is false for a repeated support or the withdrawal of a support
    /// that did not exist; `count` is the proposal's support count afterwards.
    Applied { changed: bool, count: u64 },
}

/// A device's support to add or withdraw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportChange {
    /// A second support from the same device changes nothing, even when both arrive at
    /// once: the primary key (proposal, hash) refuses the second row. A closed proposal
    /// refuses new supports.
    Add,
    /// Withdraws the support of this device, if it had one (closed proposals included).
    Withdraw,
}

/// Adds or withdraws the support of the device whose token hashes to
/// `device_token_hash` to the published proposal `id`.
pub async fn change_support<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    id: ProposalId,
    device_token_hash: &str,
    change: SupportChange,
) -> Result<SupportOutcome, DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    // A shared lock: supports do not wait for each other, but a merge (which locks the
    // proposal exclusively) cannot move the supports while one is being changed.
    let Some(row) = proposal::Entity::find_by_id(id)
        .filter(proposal::Column::ModerationStatus.eq(moderation_status::PUBLISHED))
        .lock_shared()
        .one(&txn)
        .await?
    else {
        return Ok(SupportOutcome::NotFound);
    };
    if let Some(kept) = row.merged_into {
        return Ok(SupportOutcome::Merged(kept));
    }
    let changed = match change {
        SupportChange::Add if !accepts_supports(&row) => return Ok(SupportOutcome::Closed),
        SupportChange::Add => {
            proposal_support::Entity::insert(proposal_support::ActiveModel {
                proposal_id: Set(id.uuid()),
                device_token_hash: Set(device_token_hash.to_owned()),
            })
            .on_conflict(once_per_device())
            .exec_without_returning(&txn)
            .await?
        }
        SupportChange::Withdraw => {
            proposal_support::Entity::delete_many()
                .filter(proposal_support::Column::ProposalId.eq(id))
                .filter(proposal_support::Column::DeviceTokenHash.eq(device_token_hash))
                .exec(&txn)
                .await?
                .rows_affected
        }
    };
    let count = support_count(&txn, id.uuid()).await?;
    txn.commit().await?;
    Ok(SupportOutcome::Applied {
        changed: changed > 0,
        count,
    })
}

/// Moves the publication of a proposal, and the first step of its timeline, back to `at`
/// (demo data only: its proposals were published weeks ago).
pub async fn backdate_publication(
    db: &impl ConnectionTrait,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    proposal::Entity::update_many()
        .col_expr(proposal::Column::PublishedAt, Expr::val(at))
        .filter(proposal::Column::Id.eq(id))
        .exec(db)
        .await?;
    proposal_status_event::Entity::update_many()
        .col_expr(proposal_status_event::Column::At, Expr::val(at))
        .filter(proposal_status_event::Column::ProposalId.eq(id))
        .filter(proposal_status_event::Column::Status.eq(status::SUBMITTED))
        .exec(db)
        .await?;
    Ok(())
}

/// Adds supports without any device behind them (demo data only): each gets a hash that
/// no device token can have.
pub async fn add_demo_supports(
    db: &impl ConnectionTrait,
    id: Uuid,
    count: usize,
) -> Result<(), DbErr> {
    let rows: Vec<_> = (0..count)
        .map(|i| proposal_support::ActiveModel {
            proposal_id: Set(id),
            device_token_hash: Set(format!("demo-{}-{i}", id.simple())),
        })
        .collect();
    for chunk in rows.chunks(500) {
        proposal_support::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
