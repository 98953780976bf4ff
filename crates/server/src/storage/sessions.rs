//! Staff sessions, keyed by the SHA-256 of the cookie's token.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    entities::{session, user},
    users::{to_domain, StoredUser},
};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub id: String,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

pub async fn create(
    db: &impl ConnectionTrait,
    id: &str,
    user_id: Uuid,
    csrf_token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Entity::insert(session::ActiveModel {
        id: Set(id.to_owned()),
        user_id: Set(user_id.to_string()),
        csrf_token: Set(csrf_token.to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        last_seen_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The session `id` and its account, whatever their state (the caller checks expiry and
/// whether the account is disabled).
pub async fn find_with_user(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<(StoredSession, StoredUser)>, DbErr> {
    let Some(row) = session::Entity::find_by_id(id.to_owned()).one(db).await? else {
        return Ok(None);
    };
    let Some(account) = user::Entity::find_by_id(row.user_id.clone())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let account = to_domain(account)?;
    Ok(Some((
        StoredSession {
            id: row.id,
            user_id: account.id,
            csrf_token: row.csrf_token,
            created_at: row.created_at,
            expires_at: row.expires_at,
            last_seen_at: row.last_seen_at,
        },
        account,
    )))
}

/// Slides the expiry of a session in use.
pub async fn touch(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(
            session::Column::LastSeenAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .col_expr(
            session::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(expires_at),
        )
        .filter(session::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes the sessions that expired before `now`; returns how many.
pub async fn purge_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected)
}
