//! The agenda's submissions: a new event, the submitter's edits and withdrawal through the
//! private link. Each in one transaction. Moderators' decisions on events go through
//! [`super::moderation`] like every other submission (one transaction per decision, with
//! its audit line and the e-mail to the submitter who left an address).

use sea_orm::{DatabaseConnection, DbErr};
use solidarites_domain::drafts::EventDraft;
use uuid::Uuid;

pub use crate::storage::events::EditOutcome;
use crate::storage::{self, EventRow};

/// Why a submitter's request was refused.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    /// No event has this edit token.
    #[error("unknown edit token")]
    UnknownToken,
    /// Withdrawn or archived: nothing can change any more.
    #[error("event closed")]
    Closed,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Stores a submitted event, pending moderation; `actor_id` is a published actor,
/// `notify_email` the address its submitter left with consent.
pub async fn submit(
    db: &DatabaseConnection,
    draft: &EventDraft,
    actor_id: Option<Uuid>,
    edit_token_hash: &str,
    notify_email: Option<&str>,
) -> Result<Uuid, DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    let id = storage::events::create(&txn, draft, actor_id, edit_token_hash, notify_email).await?;
    txn.commit().await?;
    Ok(id)
}

/// Applies the submitter's edit: a pending (or refused) event is replaced and waits for
/// moderation again; on a published one the organisers' status (cancelled, postponed,
/// full) applies at once and any other change waits for moderation while the published
/// version stays public. Returns the outcome and the event as it now stands.
pub async fn edit(
    db: &DatabaseConnection,
    edit_token_hash: &str,
    draft: &EventDraft,
) -> Result<(EditOutcome, EventRow), EventError> {
    let txn = crate::storage::begin_write(db).await?;
    let row = storage::events::find_by_token_hash(&txn, edit_token_hash)
        .await?
        .ok_or(EventError::UnknownToken)?;
    let outcome = storage::events::edit(&txn, row, draft).await?;
    if outcome == EditOutcome::Closed {
        return Err(EventError::Closed);
    }
    let row = storage::events::find_by_token_hash(&txn, edit_token_hash)
        .await?
        .ok_or(EventError::UnknownToken)?;
    txn.commit().await?;
    Ok((outcome, row))
}

/// Withdraws the event on its submitter's request (off the agenda and the feeds).
pub async fn withdraw(db: &DatabaseConnection, edit_token_hash: &str) -> Result<(), EventError> {
    let txn = crate::storage::begin_write(db).await?;
    let row = storage::events::find_by_token_hash(&txn, edit_token_hash)
        .await?
        .ok_or(EventError::UnknownToken)?;
    if !storage::events::withdraw(&txn, row).await? {
        return Err(EventError::Closed);
    }
    txn.commit().await?;
    Ok(())
}
