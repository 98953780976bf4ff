//! Staff accounts changed from the console: creating one (with, if asked, its one-time
//! set-password link) and issuing a new link. Each in one transaction with its audit
//! lines; the handler checks the role, validates the request and hashes the password.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

pub use crate::storage::users::{CreateUserError, NewUser, StoredUser};
use crate::{staff::Staff, storage};

/// A one-time set-password link to store: the hash of its token and its lifetime.
#[derive(Debug, Clone, Copy)]
pub struct LinkToStore<'a> {
    pub token_hash: &'a str,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Creates an account (audited as `user.create`) and, with `link`, its set-password link
/// (audited as `user.password_link`): both commit together or not at all.
pub async fn create(
    db: &DatabaseConnection,
    staff: &Staff,
    new: NewUser,
    link: Option<LinkToStore<'_>>,
) -> Result<StoredUser, CreateUserError> {
    let txn = crate::storage::begin_write(db).await?;
    let user = storage::users::create(&txn, new, Some(staff), "user.create").await?;
    if let Some(link) = link {
        issue(&txn, staff, user.id, link).await?;
    }
    txn.commit().await?;
    Ok(user)
}

/// A new set-password link for account `user_id`; its older unused links stop working.
pub async fn issue_link(
    db: &DatabaseConnection,
    staff: &Staff,
    user_id: Uuid,
    link: LinkToStore<'_>,
) -> Result<(), DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    issue(&txn, staff, user_id, link).await?;
    txn.commit().await
}

async fn issue(
    txn: &impl sea_orm::ConnectionTrait,
    staff: &Staff,
    user_id: Uuid,
    link: LinkToStore<'_>,
) -> Result<(), DbErr> {
    storage::password_tokens::issue(
        txn,
        user_id,
        link.token_hash,
        link.issued_at,
        link.expires_at,
        staff,
    )
    .await
}
