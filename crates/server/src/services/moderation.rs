//! Moderation decisions on what the public submits (initiatives, their changes, actors,
//! proposals): each decision, its audit line and the e-mail to its submitter (when they
//! left an address) in one transaction. The handler checks the role and parses the
//! request; the in-memory map is refreshed by the caller.

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::notifications;
pub use crate::storage::moderation::{Decision, ModerationError, Outcome};
use crate::{config::Settings, staff::Staff, storage};

/// Applies `decision` to the item `id` (of any kind) and audits it as
/// `moderation.<action>`.
pub async fn decide(
    db: &DatabaseConnection,
    settings: &Settings,
    staff: &Staff,
    id: Uuid,
    decision: &Decision,
) -> Result<Outcome, ModerationError> {
    let txn = crate::storage::begin_write(db).await?;
    let outcome = storage::moderation::decide(&txn, id, decision).await?;
    audit(&txn, staff, decision, &outcome).await?;
    notifications::moderation_decided(&txn, settings, &outcome, decision).await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Applies `decision` to every item of `ids`: all or nothing (unknown ids or one item
/// the decision does not apply to refuse the whole batch).
pub async fn decide_all(
    db: &DatabaseConnection,
    settings: &Settings,
    staff: &Staff,
    ids: &[Uuid],
    decision: &Decision,
) -> Result<Vec<Outcome>, ModerationError> {
    let txn = crate::storage::begin_write(db).await?;
    let outcomes = storage::moderation::decide_all(&txn, ids, decision).await?;
    for outcome in &outcomes {
        audit(&txn, staff, decision, outcome).await?;
        notifications::moderation_decided(&txn, settings, outcome, decision).await?;
    }
    txn.commit().await?;
    Ok(outcomes)
}

async fn audit(
    txn: &impl sea_orm::ConnectionTrait,
    staff: &Staff,
    decision: &Decision,
    outcome: &Outcome,
) -> Result<(), sea_orm::DbErr> {
    storage::audit::record(
        txn,
        Some(staff),
        &format!("moderation.{}", decision.action()),
        outcome.entity_type,
        &outcome.entity_id.to_string(),
        Some(outcome.before.clone()),
        Some(outcome.after.clone()),
    )
    .await
}
