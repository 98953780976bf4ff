//! Staff accounts. The password hash never leaves this module except through
//! [`find_credentials`], for the sign-in check.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, ExprTrait, QueryFilter, QueryOrder, SqlErr, TransactionSession, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::{audit, entities::session, entities::user};
use crate::{
    ids::UserId,
    staff::{account_lockout_after, Role, Staff},
};

/// A staff account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUser {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredUser {
    /// What the audit trail keeps of an account (never the password hash).
    pub fn audit_snapshot(&self) -> serde_json::Value {
        json!({
            "id": self.id.to_string(),
            "email": self.email,
            "display_name": self.display_name,
            "role": self.role.as_str(),
            "disabled": self.disabled,
        })
    }

    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|t| t > now)
    }
}

/// A validated account to store, its password already hashed.
#[derive(Clone)]
pub struct NewUser {
    /// Lowercased.
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub display_name: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] DbErr),
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateUserError {
    #[error("no such account")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbErr),
}

pub(crate) fn to_domain(row: user::Model) -> Result<StoredUser, DbErr> {
    let id = Uuid::parse_str(&row.id)
        .map_err(|e| DbErr::Type(format!("users.id {:?} is not a UUID: {e}", row.id)))?;
    let role = row
        .role
        .parse::<Role>()
        .map_err(|e| DbErr::Type(format!("users.role: {e}")))?;
    Ok(StoredUser {
        id,
        email: row.email,
        display_name: row.display_name,
        role,
        disabled: row.disabled,
        failed_logins: row.failed_logins,
        locked_until: row.locked_until,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Creates an account and its audit row (`action`, e.g. `user.create` or
/// `cli.user.create`) in one transaction.
pub async fn create(
    db: &impl TransactionTrait,
    new: NewUser,
    actor: Option<&Staff>,
    action: &str,
) -> Result<StoredUser, CreateUserError> {
    // The insert is the transaction's first statement: on SQLite a transaction that reads
    // before it writes gets `SQLITE_BUSY` at once (not after the busy timeout) when another
    // connection commits in between; the unique index on `email` tells a taken address.
    let txn = crate::storage::begin_write(db).await?;
    let now = Utc::now();
    let id = UserId::new(Uuid::new_v4());
    let row = user::ActiveModel {
        id: Set(id.to_string()),
        email: Set(new.email.to_lowercase()),
        display_name: Set(new.display_name),
        password_hash: Set(new.password_hash),
        role: Set(new.role.as_str().to_owned()),
        disabled: Set(false),
        failed_logins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    if let Err(err) = user::Entity::insert(row).exec_without_returning(&txn).await {
        return Err(match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => CreateUserError::EmailTaken,
            _ => CreateUserError::Db(err),
        });
    }
    let created = find_by_id(&txn, id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("user just created".to_owned()))?;
    record_change(&txn, actor, action, None, &created).await?;
    txn.commit().await?;
    Ok(created)
}

/// Applies `changes` and writes the audit row in one transaction. Disabling an account
/// also ends its sessions.
pub async fn update(
    db: &DatabaseConnection,
    id: UserId,
    changes: UserChanges,
    actor: Option<&Staff>,
    action: &str,
) -> Result<StoredUser, UpdateUserError> {
    let txn = crate::storage::begin_write(db).await?;
    let before = find_by_id(&txn, id)
        .await?
        .ok_or(UpdateUserError::NotFound)?;
    let mut row = user::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id.to_string()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Some(role) = changes.role {
        row.role = Set(role.as_str().to_owned());
    }
    if let Some(disabled) = changes.disabled {
        row.disabled = Set(disabled);
    }
    if let Some(name) = changes.display_name {
        row.display_name = Set(name);
    }
    user::Entity::update(row).exec(&txn).await?;
    if changes.disabled == Some(true) {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id.to_string()))
            .exec(&txn)
            .await?;
    }
    let after = find_by_id(&txn, id)
        .await?
        .ok_or(UpdateUserError::NotFound)?;
    record_change(&txn, actor, action, Some(&before), &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// The audit row of a change to an account, from `before` (`None`: created) to `after`.
async fn record_change(
    txn: &impl ConnectionTrait,
    actor: Option<&Staff>,
    action: &str,
    before: Option<&StoredUser>,
    after: &StoredUser,
) -> Result<(), DbErr> {
    audit::record(
        txn,
        actor,
        action,
        "user",
        &after.id.to_string(),
        before.map(StoredUser::audit_snapshot),
        Some(after.audit_snapshot()),
    )
    .await
}

/// Every account, sorted by email.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<StoredUser>, DbErr> {
    user::Entity::find()
        .order_by_asc(user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// `limit` accounts sorted by email after the first `offset`, and the number of accounts.
pub async fn page(
    db: &impl ConnectionTrait,
    offset: u64,
    limit: u64,
) -> Result<(Vec<StoredUser>, u64), DbErr> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let total = user::Entity::find().count(db).await?;
    let rows = user::Entity::find()
        .order_by_asc(user::Column::Email)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

pub async fn find_by_id(
    db: &impl ConnectionTrait,
    id: UserId,
) -> Result<Option<StoredUser>, DbErr> {
    user::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// `email` is compared lowercased.
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<StoredUser>, DbErr> {
    Ok(find_credentials(db, email).await?.map(|(user, _)| user))
}

/// The account and its password hash, for the sign-in check.
pub async fn find_credentials(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<(StoredUser, String)>, DbErr> {
    let Some(row) = user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let hash = row.password_hash.clone();
    Ok(Some((to_domain(row)?, hash)))
}

/// Counts one more failed sign-in from any address; past
/// [`crate::staff::ACCOUNT_FAILURE_CEILING`] in a row the account is locked for everyone for
/// a growing while (the (account, address) pair is locked much earlier, in memory). Returns when the lock ends, if it is locked now.
pub async fn record_login_failure(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    // Incremented in SQL so that instances failing at once all count.
    user::Entity::update_many()
        .col_expr(
            user::Column::FailedLogins,
            Expr::col(user::Column::FailedLogins).add(1),
        )
        .filter(user::Column::Id.eq(id.to_string()))
        .exec(&txn)
        .await?;
    let Some(current) = find_by_id(&txn, id.into()).await? else {
        txn.commit().await?;
        return Ok(None);
    };
    let locked_until = account_lockout_after(current.failed_logins).map(|d| Utc::now() + d);
    if locked_until.is_some() {
        user::Entity::update_many()
            .col_expr(user::Column::LockedUntil, Expr::value(locked_until))
            .filter(user::Column::Id.eq(id.to_string()))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(locked_until)
}

/// A successful sign-in clears the failure count and any lock.
pub async fn record_login_success(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(id.to_string()))
        .exec(db)
        .await?;
    Ok(())
}
