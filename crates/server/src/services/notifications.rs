//! E-mail notifications: one function per kind of message. Each writes its message to the
//! outbox with the connection it is given, so that a service calls it inside the
//! transaction of the decision the message tells about: the message exists if and only if
//! the decision was committed. The sender task (`crate::mail`) delivers it later.
//!
//! A submitter is written to only at the address they left with their consent
//! (`notify_email`); staff accounts receive the moderators' digest.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use solidarites_domain::{
    freshness::ListingKind,
    mail_texts::{self, Decided, QueueSummary, StaleListing, Verdict},
    time::today_in_paris,
};
use uuid::Uuid;

use crate::{
    config::Settings,
    edit_token,
    storage::{
        self,
        moderation::{Decision, Outcome},
        outbox::NotifyTarget,
    },
};

/// The kinds of messages (the outbox's `kind`, shown in the staff console and in logs).
pub mod kind {
    pub const INITIATIVE_DECIDED: &str = "initiative_decided";
    pub const PROPOSAL_DECIDED: &str = "proposal_decided";
    pub const EVENT_DECIDED: &str = "event_decided";
    /// A published initiative or event not confirmed for the period.
    pub const LISTING_STALE: &str = "listing_stale";
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

/// Tells the submitter of what a moderation decision changed (an initiative, a change of
/// one, an event, a change of one, or a proposal) when they left an address. Returns
/// whether a message was queued. Actors have no address (their submitter is told through
/// the initiative submitted with them); archiving is not told.
pub async fn moderation_decided(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    outcome: &Outcome,
    decision: &Decision,
) -> Result<bool, DbErr> {
    let id = outcome.entity_id;
    let (listing, id, what) = match outcome.entity_type {
        "initiative" => (ListingKind::Initiative, id, Decided::Initiative),
        "initiative_revision" => match storage::outbox::initiative_of_revision(txn, id).await? {
            Some(initiative) => (
                ListingKind::Initiative,
                initiative,
                Decided::InitiativeChange,
            ),
            None => return Ok(false),
        },
        "event" => (ListingKind::Event, id, Decided::Event),
        "event_revision" => (ListingKind::Event, id, Decided::EventChange),
        "proposal" => return proposal_decided(txn, settings, id, decision).await,
        _ => return Ok(false),
    };
    listing_decided(txn, settings, listing, id, what, decision).await
}

/// A new e-mailed edit key of `listing` (the key shown at submission is stored hashed
/// only), and the absolute private link it opens; `None` for an actor (no private link).
async fn mailed_edit_link(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    kind: ListingKind,
    id: Uuid,
) -> Result<Option<String>, DbErr> {
    let token = edit_token::generate();
    let hash = edit_token::hash(&token);
    let path = match kind {
        ListingKind::Initiative => {
            storage::outbox::set_mail_token(txn, id, &hash).await?;
            format!("/initiatives/modifier/{token}")
        }
        ListingKind::Event => {
            storage::outbox::set_event_mail_token(txn, id, &hash).await?;
            format!("/agenda/modifier/{token}")
        }
        ListingKind::Actor => return Ok(None),
    };
    Ok(Some(settings.absolute_url(&path)))
}

/// The address and title the submitter of the listing `id` left; `None` for an actor
/// (no address) or without an address.
async fn listing_target(
    txn: &impl ConnectionTrait,
    listing: ListingKind,
    id: Uuid,
) -> Result<Option<NotifyTarget>, DbErr> {
    match listing {
        ListingKind::Initiative => storage::outbox::initiative_target(txn, id).await,
        ListingKind::Event => storage::outbox::event_target(txn, id).await,
        ListingKind::Actor => Ok(None),
    }
}

/// Tells the submitter of the initiative or event `id` of a decision on it or on its
/// change, with a private edit link.
async fn listing_decided(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    listing: ListingKind,
    id: Uuid,
    what: Decided,
    decision: &Decision,
) -> Result<bool, DbErr> {
    let Some(verdict) = verdict(decision) else {
        return Ok(false);
    };
    let Some(target) = listing_target(txn, listing, id).await? else {
        return Ok(false);
    };
    let Some(link) = mailed_edit_link(txn, settings, listing, id).await? else {
        return Ok(false);
    };
    let mail = mail_texts::decided(what, &target.title, verdict, &link);
    let message = match listing {
        ListingKind::Event => kind::EVENT_DECIDED,
        ListingKind::Initiative | ListingKind::Actor => kind::INITIATIVE_DECIDED,
    };
    storage::outbox::enqueue(txn, message, &target.email, &mail, Utc::now()).await?;
    Ok(true)
}

/// Asks the submitter of a published initiative or event not confirmed for the period to
/// confirm it, with a private link, saying from which day it is hidden (`hidden_from`).
/// Nothing for an actor (no address, no private link) or without an address. Returns
/// whether a message was queued.
pub async fn listing_stale(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    listing: ListingKind,
    id: Uuid,
    hidden_from: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let text_kind = match listing {
        ListingKind::Initiative => StaleListing::Initiative,
        ListingKind::Event => StaleListing::Event,
        ListingKind::Actor => return Ok(false),
    };
    let Some(target) = listing_target(txn, listing, id).await? else {
        return Ok(false);
    };
    let Some(link) = mailed_edit_link(txn, settings, listing, id).await? else {
        return Ok(false);
    };
    let mail = mail_texts::listing_stale(
        text_kind,
        &target.title,
        &hidden_from.format("%d/%m/%Y").to_string(),
        &link,
    );
    storage::outbox::enqueue(txn, kind::LISTING_STALE, &target.email, &mail, now).await?;
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
    let txn = crate::storage::begin_write(db).await?;
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
        events: counts.events + counts.event_revisions,
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
