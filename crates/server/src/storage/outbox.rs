//! The e-mail outbox: messages written in the transaction of the decision that causes them
//! ([`enqueue`]), then claimed by one sender at a time with a lease ([`claim`]), and marked
//! sent or failed (with the next try) by the sender that holds the lease.
//!
//! The lease is a conditional UPDATE (`… WHERE id = ? AND sent_at IS NULL AND (claimed_until
//! IS NULL OR claimed_until < now)`): on SQLite (one writer at a time) and on PostgreSQL
//! (which re-checks the condition on the locked row) only one instance gets `1` back, so
//! two instances never send one message at once. Delivery is at least once: a sender that
//! dies after the SMTP server accepted a message but before it is marked sent leaves it to
//! be sent again once the lease ends; the `Message-ID` (the outbox id) lets mail systems
//! recognise the copy.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait, OnConflict},
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, UpdateMany,
};
use solidarites_domain::mail_texts::MailText;
use uuid::Uuid;

use super::{
    carte_entities::{initiative, initiative_revision},
    entities::user,
    event_entities::event,
    proposal_entities::proposal,
};

mod entity {
    pub mod message {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "outbox")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            pub kind: String,
            pub recipient: String,
            pub subject: String,
            pub body_text: String,
            pub body_html: String,
            pub created_at: ChronoDateTimeUtc,
            pub attempts: i32,
            pub next_attempt_at: ChronoDateTimeUtc,
            pub sent_at: Option<ChronoDateTimeUtc>,
            pub sent_via: Option<String>,
            pub last_error: Option<String>,
            pub claimed_by: Option<String>,
            pub claimed_until: Option<ChronoDateTimeUtc>,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    pub mod daily {
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "outbox_daily")]
        pub struct Model {
            #[sea_orm(primary_key, auto_increment = false)]
            pub name: String,
            pub queued_at: ChronoDateTimeUtc,
        }

        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }
}

use entity::{daily, message};

/// A message of the outbox, as the sender reads it.
pub type OutboxMessage = message::Model;

/// How a message left: through the SMTP server, or only to the log (no server configured).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentVia {
    Smtp,
    Log,
}

impl SentVia {
    pub fn as_str(self) -> &'static str {
        match self {
            SentVia::Smtp => "smtp",
            SentVia::Log => "log",
        }
    }
}

/// Writes a message to the outbox, to be sent as soon as a sender picks it up. Call it
/// with the transaction of the decision the message tells about.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    kind: &str,
    recipient: &str,
    mail: &MailText,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    message::Entity::insert(message::ActiveModel {
        id: Set(id),
        kind: Set(kind.to_owned()),
        recipient: Set(recipient.to_owned()),
        subject: Set(mail.subject.clone()),
        body_text: Set(mail.text.clone()),
        body_html: Set(mail.html.clone()),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        sent_at: Set(None),
        sent_via: Set(None),
        last_error: Set(None),
        claimed_by: Set(None),
        claimed_until: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

fn claimable(now: DateTime<Utc>) -> Condition {
    Condition::all().add(message::Column::SentAt.is_null()).add(
        Condition::any()
            .add(message::Column::ClaimedUntil.is_null())
            .add(message::Column::ClaimedUntil.lt(now)),
    )
}

/// Claims up to `limit` messages due at `now` for `instance` until `lease_until`: those it
/// got (another instance may win some of the candidates), oldest due first.
pub async fn claim(
    db: &impl ConnectionTrait,
    instance: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<OutboxMessage>, DbErr> {
    let candidates: Vec<Uuid> = message::Entity::find()
        .select_only()
        .column(message::Column::Id)
        .filter(claimable(now))
        .filter(message::Column::NextAttemptAt.lte(now))
        .order_by_asc(message::Column::NextAttemptAt)
        .order_by_asc(message::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for id in candidates {
        let result = message::Entity::update_many()
            .col_expr(message::Column::ClaimedBy, Expr::value(instance))
            .col_expr(message::Column::ClaimedUntil, Expr::value(lease_until))
            .filter(message::Column::Id.eq(id))
            .filter(claimable(now))
            .exec(db)
            .await?;
        if result.rows_affected == 1 {
            if let Some(row) = message::Entity::find_by_id(id).one(db).await? {
                claimed.push(row);
            }
        }
    }
    Ok(claimed)
}

/// Marks a message `instance` holds as sent. `false` when it no longer held it (its lease
/// ended and another instance took it).
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    id: Uuid,
    instance: &str,
    via: SentVia,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let update = message::Entity::update_many()
        .col_expr(message::Column::SentAt, Expr::value(now))
        .col_expr(message::Column::SentVia, Expr::value(via.as_str()));
    let result = release_attempt(update, id, instance).exec(db).await?;
    Ok(result.rows_affected == 1)
}

/// Records a failed try of a message `instance` holds, and when to try again. The lease
/// ends, so any instance may take it then.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    id: Uuid,
    instance: &str,
    error: &str,
    next_attempt_at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let update = message::Entity::update_many()
        .col_expr(message::Column::LastError, Expr::value(error))
        .col_expr(message::Column::NextAttemptAt, Expr::value(next_attempt_at));
    let result = release_attempt(update, id, instance).exec(db).await?;
    Ok(result.rows_affected == 1)
}

/// `update` of the unsent message `id` while `instance` holds it, counting one more
/// attempt and ending the lease.
fn release_attempt(
    update: UpdateMany<message::Entity>,
    id: Uuid,
    instance: &str,
) -> UpdateMany<message::Entity> {
    let update = update.col_expr(
        message::Column::Attempts,
        Expr::col(message::Column::Attempts).add(1),
    );
    release_claim(update, id, instance)
}

/// `update` of the unsent message `id` while `instance` holds it, ending the lease.
fn release_claim(
    update: UpdateMany<message::Entity>,
    id: Uuid,
    instance: &str,
) -> UpdateMany<message::Entity> {
    update
        .col_expr(
            message::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(message::Column::Id.eq(id))
        .filter(message::Column::ClaimedBy.eq(instance))
        .filter(message::Column::SentAt.is_null())
}

/// Gives back a message `instance` claimed but will not send (it is stopping).
pub async fn release(db: &impl ConnectionTrait, id: Uuid, instance: &str) -> Result<(), DbErr> {
    release_claim(message::Entity::update_many(), id, instance)
        .exec(db)
        .await?;
    Ok(())
}

/// Messages not sent yet.
pub async fn backlog(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    message::Entity::find()
        .filter(message::Column::SentAt.is_null())
        .count(db)
        .await
}

/// A message as the staff console lists it: no body, and the caller masks the recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: Uuid,
    pub kind: String,
    pub recipient: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_via: Option<String>,
    pub last_error: Option<String>,
}

/// The latest `limit` messages, newest first.
pub async fn latest(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<OutboxEntry>, DbErr> {
    Ok(message::Entity::find()
        .order_by_desc(message::Column::CreatedAt)
        .order_by_desc(message::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|m| OutboxEntry {
            id: m.id,
            kind: m.kind,
            recipient: m.recipient,
            created_at: m.created_at,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            sent_at: m.sent_at,
            sent_via: m.sent_via,
            last_error: m.last_error,
        })
        .collect())
}

/// Deletes the messages sent before `cutoff` (their recipients with them).
pub async fn purge_sent_before(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(message::Entity::delete_many()
        .filter(message::Column::SentAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}

/// Records that the once-a-day job `name` (e.g. `moderation_digest:2026-12-07`) is done:
/// `true` for the one caller that records it first, `false` for every later one (other
/// instances included). Call it in the transaction that queues the job's messages.
pub async fn record_daily(
    db: &impl ConnectionTrait,
    name: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = daily::Entity::insert(daily::ActiveModel {
        name: Set(name.to_owned()),
        queued_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(daily::Column::Name)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Whether the once-a-day job `name` was recorded.
pub async fn daily_done(db: &impl ConnectionTrait, name: &str) -> Result<bool, DbErr> {
    Ok(daily::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .is_some())
}

/// Who to tell of a decision on a submission, when its submitter left an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyTarget {
    pub email: String,
    pub title: String,
}

/// Defines, for each table with `notify_email` and `title`, the function giving the
/// notification address and title of its row `id`, if it has an address.
macro_rules! notify_targets {
    ($($function:ident: $table:ident, $what:literal;)*) => {$(
        #[doc = concat!("The notification address and title of the ", $what, " `id`, if it has an address.")]
        pub async fn $function(
            db: &impl ConnectionTrait,
            id: Uuid,
        ) -> Result<Option<NotifyTarget>, DbErr> {
            Ok($table::Entity::find_by_id(id)
                .one(db)
                .await?
                .and_then(|row| {
                    row.notify_email.map(|email| NotifyTarget {
                        email,
                        title: row.title,
                    })
                }))
        }
    )*};
}

/// Clears `notify_email` of the rows of a table created before `cutoff`; how many.
macro_rules! forget_notify_emails {
    ($table:ident, $db:expr, $cutoff:expr) => {
        $table::Entity::update_many()
            .col_expr(
                $table::Column::NotifyEmail,
                Expr::value(Option::<String>::None),
            )
            .filter($table::Column::NotifyEmail.is_not_null())
            .filter($table::Column::CreatedAt.lt($cutoff))
            .exec($db)
            .await?
            .rows_affected
    };
}

notify_targets! {
    initiative_target: initiative, "initiative";
    proposal_target: proposal, "proposal";
    event_target: event, "event";
}

/// The initiative a revision (a change of a published initiative) is about.
pub async fn initiative_of_revision(
    db: &impl ConnectionTrait,
    revision_id: Uuid,
) -> Result<Option<Uuid>, DbErr> {
    Ok(initiative_revision::Entity::find_by_id(revision_id)
        .one(db)
        .await?
        .map(|r| r.initiative_id))
}

/// Defines, for each table with `mail_token_hash`, the function that gives its row `id` a
/// new e-mailed edit key (its hash), replacing the one an earlier message carried; the key
/// shown at submission keeps working.
macro_rules! mail_token_setters {
    ($($function:ident: $table:ident;)*) => {$(
        pub async fn $function(
            db: &impl ConnectionTrait,
            id: Uuid,
            token_hash: &str,
        ) -> Result<(), DbErr> {
            $table::Entity::update_many()
                .col_expr($table::Column::MailTokenHash, Expr::value(token_hash))
                .filter($table::Column::Id.eq(id))
                .exec(db)
                .await?;
            Ok(())
        }
    )*};
}

mail_token_setters! {
    set_mail_token: initiative;
    set_event_mail_token: event;
}

/// Forgets the notification address of a proposal (once its decision is told, nothing
/// else is ever sent to it).
pub async fn forget_proposal_address(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    proposal::Entity::update_many()
        .col_expr(
            proposal::Column::NotifyEmail,
            Expr::value(Option::<String>::None),
        )
        .filter(proposal::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the notification addresses left with submissions (initiatives, proposals,
/// label applications) made before `cutoff` (the
/// retention period of contact details, as for volunteers). Returns how many were cleared.
pub async fn forget_addresses_before(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let initiatives = forget_notify_emails!(initiative, db, cutoff);
    let proposals = forget_notify_emails!(proposal, db, cutoff);
    let applications = super::label_applications::forget_addresses_before(db, cutoff).await?;
    let events = forget_notify_emails!(event, db, cutoff);
    Ok(initiatives + proposals + applications + events)
}

/// The addresses of the active moderator and administrator accounts.
pub async fn moderator_addresses(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    message_recipients_with_roles(db, &["moderator", "admin"]).await
}

async fn message_recipients_with_roles(
    db: &impl ConnectionTrait,
    roles: &[&str],
) -> Result<Vec<String>, DbErr> {
    user::Entity::find()
        .select_only()
        .column(user::Column::Email)
        .filter(user::Column::Role.is_in(roles.iter().copied()))
        .filter(user::Column::Disabled.eq(false))
        .order_by_asc(user::Column::Email)
        .into_tuple()
        .all(db)
        .await
}
