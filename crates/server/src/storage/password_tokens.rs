//! One-time set-password links. Only the SHA-256 of a link's token is stored; a link
//! expires ([`crate::auth::SET_PASSWORD_LINK_LIFETIME`]) and works once. Issuing a new
//! link for an account cancels its unused ones.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    audit,
    entities::{session, user},
    users::{self, StoredUser},
};
use crate::{ids::UserId, staff::Staff};

pub mod password_token {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "password_tokens")]
    pub struct Model {
        /// SHA-256 hex of the token in the link.
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub user_id: String,
        pub created_at: ChronoDateTimeUtc,
        pub expires_at: ChronoDateTimeUtc,
        pub used_at: Option<ChronoDateTimeUtc>,
        /// The administrator who issued it.
        pub created_by: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Stores a link for `user_id` (cancelling its unused ones) and audits it as
/// `user.password_link` (never the token). Run it in the caller's transaction.
pub async fn issue(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    token_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    actor: &Staff,
) -> Result<(), DbErr> {
    password_token::Entity::delete_many()
        .filter(password_token::Column::UserId.eq(user_id.to_string()))
        .filter(password_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    password_token::Entity::insert(password_token::ActiveModel {
        token_hash: Set(token_hash.to_owned()),
        user_id: Set(user_id.to_string()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_by: Set(Some(actor.id.to_string())),
    })
    .exec_without_returning(db)
    .await?;
    audit::record(
        db,
        Some(actor),
        "user.password_link",
        "user",
        &user_id.to_string(),
        None,
        Some(json!({"expires_at": expires_at.to_rfc3339()})),
    )
    .await
}

/// Why a link was refused.
#[derive(Debug, thiserror::Error)]
pub enum UseTokenError {
    /// Unknown, already used, expired, or its account is disabled.
    #[error("invalid or expired link")]
    Invalid,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Uses a link: sets the account's password hash, clears its failed sign-ins, ends its
/// sessions, marks the link used and audits `user.password_set`, in one transaction.
/// A link used by two requests at once works for one of them only.
pub async fn consume(
    db: &DatabaseConnection,
    token_hash: &str,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<StoredUser, UseTokenError> {
    let txn = crate::storage::begin_write(db).await?;
    let Some(token) = password_token::Entity::find_by_id(token_hash.to_owned())
        .one(&txn)
        .await?
    else {
        return Err(UseTokenError::Invalid);
    };
    if token.used_at.is_some() || token.expires_at <= now {
        return Err(UseTokenError::Invalid);
    }
    let user_id: UserId = token.user_id.parse().map_err(|_| UseTokenError::Invalid)?;
    let Some(account) = users::find_by_id(&txn, user_id).await? else {
        return Err(UseTokenError::Invalid);
    };
    if account.disabled {
        return Err(UseTokenError::Invalid);
    }
    let claimed = password_token::Entity::update_many()
        .col_expr(password_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(password_token::Column::TokenHash.eq(token_hash))
        .filter(password_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(UseTokenError::Invalid);
    }
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(token.user_id.clone()))
        .exec(&txn)
        .await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(token.user_id.clone()))
        .exec(&txn)
        .await?;
    let holder = Staff {
        id: account.id,
        email: account.email.clone(),
        display_name: account.display_name.clone(),
        role: account.role,
    };
    audit::record(
        &txn,
        Some(&holder),
        "user.password_set",
        "user",
        &token.user_id,
        None,
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(account)
}
