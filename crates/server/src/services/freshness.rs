//! Listings kept current (issue 18, point 4): the pass that flags listings not confirmed
//! for the period, the submitter's one-click confirmation, and the staff's bulk
//! confirmation. Hiding needs no pass: public reads compare `last_confirmed_at` with the
//! day (`storage::freshness::PublicDay`), so every instance hides a listing on the same
//! day whatever ran or not.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use solidarites_domain::{
    freshness::{FreshnessPolicy, ListingKind},
    time::{paris_midnight, today_in_paris},
};
use uuid::Uuid;

use super::notifications;
use crate::{
    config::Settings,
    staff::Staff,
    storage::{self, freshness::Confirmed},
};

/// One listing, by kind and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Listing {
    pub kind: ListingKind,
    pub id: Uuid,
}

/// Tells the submitter of `listing` that it must be confirmed, in the caller's
/// transaction: records the flag, once, and queues the e-mail to the submitter (when they
/// left an address) with it. Returns whether this call recorded it (another instance may
/// have flagged it first); only then is the submitter told.
pub async fn notify_stale(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    listing: Listing,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    if !storage::freshness::mark_flagged(txn, listing.kind, listing.id, at).await? {
        return Ok(false);
    }
    let confirmed_on = storage::freshness::last_confirmed(txn, listing.kind, listing.id)
        .await?
        .map_or(today_in_paris(at), today_in_paris);
    let hidden_from = settings.freshness.hidden_from(confirmed_on);
    notifications::listing_stale(txn, settings, listing.kind, listing.id, hidden_from, at).await?;
    Ok(true)
}

/// Flags every published listing not confirmed for the period of `settings.freshness`
/// and not flagged yet, each through [`notify_stale`]. Returns how many this call flagged.
/// Safe to run on several instances at once: each listing is flagged by one of them.
pub async fn flag_due(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> Result<usize, sea_orm::DbErr> {
    let policy: FreshnessPolicy = settings.freshness;
    let fresh_since = paris_midnight(policy.fresh_since(today_in_paris(now)));
    let mut flagged = 0;
    for kind in ListingKind::ALL {
        let due: Vec<Uuid> = storage::freshness::stale(db, kind, fresh_since)
            .await?
            .into_iter()
            .filter(|row| row.stale_flagged_at.is_none())
            .map(|row| row.id)
            .collect();
        for id in due {
            // One short transaction per listing: the flag and its message commit together.
            let txn = crate::storage::begin_write(db).await?;
            if notify_stale(&txn, settings, Listing { kind, id }, now).await? {
                flagged += 1;
            }
            txn.commit().await?;
        }
    }
    Ok(flagged)
}

/// What the submitter's confirmation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenConfirmation {
    /// Confirmed at this instant.
    Confirmed(DateTime<Utc>),
    /// Only a published listing can be confirmed (its status).
    NotPublished(String),
    /// No listing of the kind has this token.
    Unknown,
}

/// The submitter confirms, through the private link, that the initiative or event
/// (`kind`) is current. An initiative's actor, if published, is confirmed with it (the
/// actor has no private link of its own, and a submitter keeping an initiative current
/// shows the actor is active). Actors have no private link: [`TokenConfirmation::Unknown`].
pub async fn confirm_by_token(
    db: &DatabaseConnection,
    kind: ListingKind,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<TokenConfirmation, sea_orm::DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    let found = match kind {
        ListingKind::Initiative => storage::initiatives::find_by_token_hash(&txn, token_hash)
            .await?
            .map(|row| (row.id, Some(row.actor_id))),
        ListingKind::Event => storage::events::find_by_token_hash(&txn, token_hash)
            .await?
            .map(|row| (row.id, None)),
        ListingKind::Actor => None,
    };
    let Some((id, actor)) = found else {
        return Ok(TokenConfirmation::Unknown);
    };
    let outcome = match storage::freshness::confirm(&txn, kind, id, now).await? {
        Confirmed::Done => {
            if let Some(actor) = actor {
                storage::freshness::confirm(&txn, ListingKind::Actor, actor, now).await?;
            }
            storage::audit::record(
                &txn,
                None,
                "freshness.confirm",
                kind.as_str(),
                &id.to_string(),
                None,
                Some(serde_json::json!({"by": "submitter", "at": now.to_rfc3339()})),
            )
            .await?;
            TokenConfirmation::Confirmed(now)
        }
        Confirmed::NotPublished(status) => TokenConfirmation::NotPublished(status),
        Confirmed::Unknown => TokenConfirmation::Unknown,
    };
    txn.commit().await?;
    Ok(outcome)
}

/// Why staff's bulk action was refused (nothing changed).
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// These listings do not exist.
    #[error("unknown listings: {0:?}")]
    Unknown(Vec<Listing>),
    /// These listings are not published.
    #[error("listings not published: {0:?}")]
    NotPublished(Vec<Listing>),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// Staff confirm that these published listings are current: all or none, one audit line
/// each. Returns how many were confirmed.
pub async fn confirm_by_staff(
    db: &DatabaseConnection,
    staff: &Staff,
    listings: &[Listing],
    now: DateTime<Utc>,
) -> Result<usize, BulkError> {
    let txn = crate::storage::begin_write(db).await?;
    let (mut unknown, mut unpublished) = (Vec::new(), Vec::new());
    for listing in listings {
        let before = storage::freshness::last_confirmed(&txn, listing.kind, listing.id).await?;
        match storage::freshness::confirm(&txn, listing.kind, listing.id, now).await? {
            Confirmed::Done => {
                storage::audit::record(
                    &txn,
                    Some(staff),
                    "freshness.confirm",
                    listing.kind.as_str(),
                    &listing.id.to_string(),
                    Some(serde_json::json!({
                        "last_confirmed_at": before.map(|t| t.to_rfc3339()),
                    })),
                    Some(serde_json::json!({"last_confirmed_at": now.to_rfc3339()})),
                )
                .await?;
            }
            Confirmed::NotPublished(_) => unpublished.push(*listing),
            Confirmed::Unknown => unknown.push(*listing),
        }
    }
    if !unknown.is_empty() {
        return Err(BulkError::Unknown(unknown));
    }
    if !unpublished.is_empty() {
        return Err(BulkError::NotPublished(unpublished));
    }
    txn.commit().await?;
    Ok(listings.len())
}
