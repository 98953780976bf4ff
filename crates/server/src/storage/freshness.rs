//! Listings kept current: the "last confirmed" date of initiatives, actors and events,
//! the flag recorded when the submitter was asked to confirm, and what the public may see
//! on a day. Every function takes a [`ListingKind`]: a new kind is one more arm.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    sea_query::Expr, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use solidarites_domain::{
    freshness::{FreshnessPolicy, ListingKind},
    time::paris_midnight,
};
use uuid::Uuid;

use super::{
    carte_entities::{actor, initiative},
    event_entities::event,
    initiatives::{bump_map_revision, status},
};

/// What the public sees on a day: listings not ended on `today` and confirmed recently
/// enough. Computed from the date alone, so every instance hides a listing on the same
/// day without any background job having run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicDay {
    pub today: NaiveDate,
    /// Listings last confirmed before this instant are hidden (the first instant of the
    /// French day [`FreshnessPolicy::public_since`]).
    pub confirmed_since: DateTime<Utc>,
}

impl PublicDay {
    pub fn new(today: NaiveDate, policy: FreshnessPolicy) -> Self {
        Self {
            today,
            confirmed_since: paris_midnight(policy.public_since(today)),
        }
    }
}

/// The initiatives confirmed recently enough to be public.
pub(crate) fn initiative_confirmed(day: &PublicDay) -> Condition {
    Condition::all().add(initiative::Column::LastConfirmedAt.gte(day.confirmed_since))
}

/// The actors confirmed recently enough to be public.
pub(crate) fn actor_confirmed(day: &PublicDay) -> Condition {
    Condition::all().add(actor::Column::LastConfirmedAt.gte(day.confirmed_since))
}

/// The events confirmed recently enough to be public.
pub(crate) fn event_confirmed(day: &PublicDay) -> Condition {
    Condition::all().add(event::Column::LastConfirmedAt.gte(day.confirmed_since))
}

/// A published listing not confirmed since a given instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleRow {
    pub kind: ListingKind,
    pub id: Uuid,
    /// The initiative's or event's title, or the actor's name.
    pub title: String,
    pub commune_code: Option<String>,
    pub last_confirmed_at: Option<DateTime<Utc>>,
    pub stale_flagged_at: Option<DateTime<Utc>>,
}

type StaleTuple = (
    Uuid,
    String,
    Option<String>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

/// The published listings of `kind` last confirmed before `before` (or never).
pub async fn stale(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    before: DateTime<Utc>,
) -> Result<Vec<StaleRow>, sea_orm::DbErr> {
    // The three tables have the same columns under other names: one query shape.
    macro_rules! stale_of {
        ($table:ident, $name:ident) => {
            $table::Entity::find()
                .select_only()
                .column($table::Column::Id)
                .column($table::Column::$name)
                .column($table::Column::CommuneCode)
                .column($table::Column::LastConfirmedAt)
                .column($table::Column::StaleFlaggedAt)
                .filter($table::Column::Status.eq(status::PUBLISHED))
                .filter(
                    Condition::any()
                        .add($table::Column::LastConfirmedAt.is_null())
                        .add($table::Column::LastConfirmedAt.lt(before)),
                )
                .order_by_asc($table::Column::LastConfirmedAt)
                .order_by_asc($table::Column::Id)
                .into_tuple()
                .all(db)
                .await?
        };
    }
    let rows: Vec<StaleTuple> = match kind {
        ListingKind::Initiative => stale_of!(initiative, Title),
        ListingKind::Actor => stale_of!(actor, Name),
        ListingKind::Event => stale_of!(event, Title),
    };
    Ok(rows
        .into_iter()
        .map(
            |(id, title, commune_code, last_confirmed_at, stale_flagged_at)| StaleRow {
                kind,
                id,
                title,
                commune_code,
                last_confirmed_at,
                stale_flagged_at,
            },
        )
        .collect())
}

/// Records that the submitter of the published listing was asked to confirm it, unless
/// that was already recorded: `true` only for the one caller that recorded it (several
/// instances may run the pass at once).
pub async fn mark_flagged(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let updated = match kind {
        ListingKind::Initiative => {
            initiative::Entity::update_many()
                .col_expr(initiative::Column::StaleFlaggedAt, Expr::value(at))
                .filter(initiative::Column::Id.eq(id))
                .filter(initiative::Column::Status.eq(status::PUBLISHED))
                .filter(initiative::Column::StaleFlaggedAt.is_null())
                .exec(db)
                .await?
        }
        ListingKind::Actor => {
            actor::Entity::update_many()
                .col_expr(actor::Column::StaleFlaggedAt, Expr::value(at))
                .filter(actor::Column::Id.eq(id))
                .filter(actor::Column::Status.eq(status::PUBLISHED))
                .filter(actor::Column::StaleFlaggedAt.is_null())
                .exec(db)
                .await?
        }
        ListingKind::Event => {
            event::Entity::update_many()
                .col_expr(event::Column::StaleFlaggedAt, Expr::value(at))
                .filter(event::Column::Id.eq(id))
                .filter(event::Column::Status.eq(status::PUBLISHED))
                .filter(event::Column::StaleFlaggedAt.is_null())
                .exec(db)
                .await?
        }
    };
    Ok(updated.rows_affected == 1)
}

/// What a confirmation found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// The listing is published: its date is now `at`.
    Done,
    /// The listing exists but is not published (its status).
    NotPublished(String),
    Unknown,
}

/// Records that the published listing is current at `at` and clears its flag. For an
/// initiative the map revision moves on (the day it would have been hidden changed).
pub async fn confirm(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<Confirmed, sea_orm::DbErr> {
    // Sets the date and clears the flag of a published row; the row's status when none
    // was updated.
    macro_rules! confirm_in {
        ($table:ident) => {{
            let updated = $table::Entity::update_many()
                .col_expr($table::Column::LastConfirmedAt, Expr::value(at))
                .col_expr(
                    $table::Column::StaleFlaggedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .filter($table::Column::Id.eq(id))
                .filter($table::Column::Status.eq(status::PUBLISHED))
                .exec(db)
                .await?
                .rows_affected;
            let found = if updated == 0 {
                $table::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .map(|r| r.status)
            } else {
                None
            };
            (updated, found)
        }};
    }
    let (updated, status_now) = match kind {
        ListingKind::Initiative => confirm_in!(initiative),
        ListingKind::Actor => confirm_in!(actor),
        ListingKind::Event => confirm_in!(event),
    };
    if kind == ListingKind::Initiative && updated > 0 {
        bump_map_revision(db).await?;
    }
    Ok(match (updated, status_now) {
        (0, Some(status)) => Confirmed::NotPublished(status),
        (0, None) => Confirmed::Unknown,
        _ => Confirmed::Done,
    })
}

/// When the listing was last confirmed, whatever its status.
pub async fn last_confirmed(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
) -> Result<Option<DateTime<Utc>>, sea_orm::DbErr> {
    Ok(match kind {
        ListingKind::Initiative => initiative::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|r| r.last_confirmed_at),
        ListingKind::Actor => actor::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|r| r.last_confirmed_at),
        ListingKind::Event => event::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|r| r.last_confirmed_at),
    })
}

/// Whether a listing of `kind` has this id, whatever its status.
pub async fn exists(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
) -> Result<bool, sea_orm::DbErr> {
    Ok(match kind {
        ListingKind::Initiative => initiative::Entity::find_by_id(id).one(db).await?.is_some(),
        ListingKind::Actor => actor::Entity::find_by_id(id).one(db).await?.is_some(),
        ListingKind::Event => event::Entity::find_by_id(id).one(db).await?.is_some(),
    })
}
