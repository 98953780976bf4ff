//! E-mail notifications: one function per kind of message. Each writes its message to the
//! outbox with the connection it is given, so that a service calls it inside the
//! transaction of the decision the message tells about: the message exists if and only if
//! the decision was committed. The sender task (`crate::mail`) delivers it later.
//!
//! A submitter is written to only at the address they left with their consent
//! (`notify_email`); staff accounts receive the moderators' digest.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};
use solidarites_domain::{
    mail_texts::{self, QueueSummary, Verdict},
    time::today_in_paris,
};
use uuid::Uuid;

use crate::{
    config::Settings,
    edit_token,
    storage::{
        self,
        moderation::{Decision, Outcome},
    },
};

/// The kinds of messages (the outbox's `kind`, shown in the staff console and in logs).
pub mod kind {
    pub const INITIATIVE_DECIDED: &str = "initiative_decided";
    pub const PROPOSAL_DECIDED: &str = "proposal_decided";
    pub const MODERATION_DIGEST: &str = "moderation_digest";
}

fn verdict(decision: &Decision) -> Option<Verdict<'_>> {
    match decision {
        Decision::Approve => Some(Verdict::Approved),
        Decision::Reject(reason) => Some(Verdict::Rejected { reason }),
        Decision::RequestChanges(message) => Some(Verdict::ChangesRequested { message }),
        Decision::Archive => None,
    }
}

/// Tells the submitter of what a moderation decision changed (an initiative or a proposal)
/// when they left an address. Returns whether a message was queued.
pub async fn moderation_decided(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    outcome: &Outcome,
    decision: &Decision,
) -> Result<bool, DbErr> {
    match outcome.entity_type {
        "initiative" => initiative_decided(txn, settings, outcome.entity_id, decision).await,
        "proposal" => proposal_decided(txn, settings, outcome.entity_id, decision).await,
        _ => Ok(false),
    }
}

/// Tells the submitter of the initiative `id` of a decision, with a private edit link (a
/// new e-mailed key: the one shown at submission is stored hashed only).
pub async fn initiative_decided(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    id: Uuid,
    decision: &Decision,
) -> Result<bool, DbErr> {
    let Some(verdict) = verdict(decision) else {
        return Ok(false);
    };
    let Some(target) = storage::outbox::initiative_target(txn, id).await? else {
        return Ok(false);
    };
    let token = edit_token::generate();
    storage::outbox::set_mail_token(txn, id, &edit_token::hash(&token)).await?;
    let link = settings.absolute_url(&format!("/initiatives/modifier/{token}"));
    let mail = mail_texts::initiative_decided(&target.title, verdict, &link);
    storage::outbox::enqueue(
        txn,
        kind::INITIATIVE_DECIDED,
        &target.email,
        &mail,
        Utc::now(),
    )
    .await?;
    Ok(true)
}

/// Tells the author of the proposal `id` of a decision. The address is forgotten once the
/// message is queued: nothing else is ever sent to it.
pub async fn proposal_decided(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    id: Uuid,
    decision: &Decision,
) -> Result<bool, DbErr> {
    let Some(verdict) = verdict(decision) else {
        return Ok(false);
    };
    let Some(target) = storage::outbox::proposal_target(txn, id).await? else {
        return Ok(false);
    };
    let page = matches!(verdict, Verdict::Approved)
        .then(|| settings.absolute_url(&format!("/propositions/{id}")));
    let mail = mail_texts::proposal_decided(&target.title, verdict, page.as_deref());
    storage::outbox::enqueue(
        txn,
        kind::PROPOSAL_DECIDED,
        &target.email,
        &mail,
        Utc::now(),
    )
    .await?;
    if !matches!(verdict, Verdict::ChangesRequested { .. }) {
        storage::outbox::forget_proposal_address(txn, id).await?;
    }
    Ok(true)
}

/// The name under which the digest of `day` is recorded as queued.
fn digest_name(day: chrono::NaiveDate) -> String {
    format!("{}:{day}", kind::MODERATION_DIGEST)
}

/// Whether the moderators' digest of the day of `now` (in France) was queued already.
pub async fn digest_queued(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<bool, DbErr> {
    storage::outbox::daily_done(db, &digest_name(today_in_paris(now))).await
}

/// Queues the moderators' digest of the day of `now` (in France): one message per active
/// moderator or administrator, when something waits. Once per day across every instance:
/// the day is recorded in the same transaction, and a second instance's attempt finds it
/// and queues nothing. Returns how many messages were queued.
pub async fn moderation_digest(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let day = today_in_paris(now);
    let txn = db.begin().await?;
    if !storage::outbox::record_daily(&txn, &digest_name(day), now).await? {
        txn.rollback().await?;
        return Ok(0);
    }
    let counts = storage::moderation::counts(&txn).await?;
    let queue = QueueSummary {
        initiatives: counts.initiatives,
        revisions: counts.revisions,
        actors: counts.actors,
        proposals: counts.proposals,
    };
    let mut queued = 0;
    if queue.total() > 0 {
        let mail = mail_texts::moderation_digest(
            &day.format("%d/%m/%Y").to_string(),
            queue,
            &settings.absolute_url("/admin/moderation"),
        );
        for address in storage::outbox::moderator_addresses(&txn).await? {
            storage::outbox::enqueue(&txn, kind::MODERATION_DIGEST, &address, &mail, now).await?;
            queued += 1;
        }
    }
    txn.commit().await?;
    Ok(queued)
}
