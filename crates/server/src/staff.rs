//! Who a staff member is, as plain data: the identity services and storage take (for
//! permissions and the audit trail), and the sign-in lockout schedule storage applies. The actix extractor that builds it from a session
//! cookie is [`crate::auth::StaffUser`], at the HTTP edge; nothing here knows HTTP.

use std::{fmt, str::FromStr};

use chrono::Duration;

/// What a staff member may do. Ordered: `Committee < Analyst < Moderator < Admin`, each
/// role can do everything the roles below it can.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A steering-committee member: reads aggregated results, gaps and proposals, sets
    /// proposal priorities; never raw answers nor volunteers' contacts.
    Committee,
    /// Reads results and exports.
    Analyst,
    /// Also moderates what the public submits.
    Moderator,
    /// Also manages staff accounts and reads the audit trail.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Committee, Role::Analyst, Role::Moderator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Committee => "committee",
            Role::Analyst => "analyst",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role names are not one of `committee`, `analyst`, `moderator`, `admin`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected committee, analyst, moderator or admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "committee" => Ok(Role::Committee),
            "analyst" => Ok(Role::Analyst),
            "moderator" => Ok(Role::Moderator),
            "admin" => Ok(Role::Admin),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

/// A signed-in staff member (or the account a one-time link belongs to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub id: uuid::Uuid,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// Consecutive failed sign-ins before an account is locked for a while.
pub const MAX_FAILED_LOGINS: i32 = 5;

/// Consecutive failed sign-ins to one account, from any addresses, after which the account
/// itself is locked for everyone: far above [`MAX_FAILED_LOGINS`], which locks only the
/// (account, address) pair, so that someone who knows a staff email cannot lock its owner
/// out from another address, while guessing from many addresses stays bounded.
pub const ACCOUNT_FAILURE_CEILING: i32 = 50;

/// How long the account itself stays locked after `failures` consecutive failures from any
/// addresses: none below [`ACCOUNT_FAILURE_CEILING`], then the schedule of
/// [`lockout_after`] counted from the ceiling.
pub fn account_lockout_after(failures: i32) -> Option<Duration> {
    if failures < ACCOUNT_FAILURE_CEILING {
        return None;
    }
    lockout_after(failures - ACCOUNT_FAILURE_CEILING + MAX_FAILED_LOGINS)
}

/// How long an (account, address) pair stays locked after `failures` consecutive failed
/// sign-ins: none below [`MAX_FAILED_LOGINS`], then 1 min, doubling with each further
/// failure, at most 1 h.
pub fn lockout_after(failures: i32) -> Option<Duration> {
    if failures < MAX_FAILED_LOGINS {
        return None;
    }
    let doublings = u32::try_from(failures - MAX_FAILED_LOGINS)
        .unwrap_or(0)
        .min(6);
    Some(Duration::minutes(1 << doublings).min(Duration::hours(1)))
}
