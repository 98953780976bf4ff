//! Staff follow-up of proposals: status with a public answer, internal note, priority
//! ranks, merging a duplicate. Each change and its audit line in one transaction; the
//! handler checks the role and parses the request.

use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde_json::json;

pub use crate::storage::proposals::{FollowUpError, MergeError, MergeOutcome};
use crate::{ids::ProposalId, staff::Staff, storage};

/// One follow-up change to a published proposal.
#[derive(Debug, Clone, Copy)]
pub enum FollowUp<'a> {
    /// A follow-up status (one of `storage::proposals::status::ALL`) with the public
    /// answer added to the proposal's timeline. Audited as `proposal.status`.
    Status { status: &'a str, answer: &'a str },
    /// Replaces the internal note (`None` clears it). Audited as `proposal.note`.
    Note(Option<&'a str>),
    /// The priority rank, or none. Audited as `proposal.priority`.
    Priority(Option<i32>),
}

/// Applies one follow-up change to proposal `id`.
pub async fn follow_up(
    db: &DatabaseConnection,
    staff: &Staff,
    id: ProposalId,
    change: FollowUp<'_>,
) -> Result<(), FollowUpError> {
    let txn = crate::storage::begin_write(db).await?;
    apply(&txn, staff, id, change).await?;
    txn.commit().await?;
    Ok(())
}

/// Sets several priority ranks, all or none: moving a proposal up or down swaps two ranks,
/// and nobody sees one change without the other.
pub async fn set_priorities(
    db: &DatabaseConnection,
    staff: &Staff,
    ranks: &[(ProposalId, Option<i32>)],
) -> Result<(), FollowUpError> {
    let txn = crate::storage::begin_write(db).await?;
    for (id, priority) in ranks {
        apply(&txn, staff, *id, FollowUp::Priority(*priority)).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn apply(
    txn: &impl ConnectionTrait,
    staff: &Staff,
    id: ProposalId,
    change: FollowUp<'_>,
) -> Result<(), FollowUpError> {
    let now = Utc::now();
    let (action, change) = match change {
        FollowUp::Status { status, answer } => (
            "proposal.status",
            storage::proposals::set_status(txn, id, status, answer, now).await?,
        ),
        FollowUp::Note(note) => (
            "proposal.note",
            storage::proposals::set_note(txn, id, note, now).await?,
        ),
        FollowUp::Priority(priority) => (
            "proposal.priority",
            storage::proposals::set_priority(txn, id, priority, now).await?,
        ),
    };
    storage::audit::record(
        txn,
        Some(staff),
        action,
        "proposal",
        &id.to_string(),
        Some(change.before),
        Some(change.after),
    )
    .await?;
    Ok(())
}

/// Merges the duplicate into `kept` (supports move, a device that supported both counting
/// once). Audited as `proposal.merge` on the duplicate.
pub async fn merge(
    db: &DatabaseConnection,
    staff: &Staff,
    duplicate: ProposalId,
    kept: ProposalId,
) -> Result<MergeOutcome, MergeError> {
    let txn = crate::storage::begin_write(db).await?;
    let outcome = storage::proposals::merge(&txn, duplicate, kept, Utc::now()).await?;
    record_merge(&txn, staff, duplicate, kept, &outcome).await?;
    txn.commit().await?;
    Ok(outcome)
}

async fn record_merge(
    txn: &impl ConnectionTrait,
    staff: &Staff,
    duplicate: ProposalId,
    kept: ProposalId,
    outcome: &MergeOutcome,
) -> Result<(), DbErr> {
    storage::audit::record(
        txn,
        Some(staff),
        "proposal.merge",
        "proposal",
        &duplicate.to_string(),
        Some(json!({"merged_into": null, "supports": outcome.duplicate_supports})),
        Some(json!({
            "merged_into": kept,
            "moved_supports": outcome.moved,
            "kept_supports_before": outcome.kept_before,
            "kept_supports_after": outcome.kept_after,
        })),
    )
    .await
}
