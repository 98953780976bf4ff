//! Who a staff member is, as plain data: the identity services and storage take (for
//! permissions and the audit trail). The actix extractor that builds it from a session
//! cookie is [`crate::auth::StaffUser`], at the HTTP edge; nothing here knows HTTP.

use std::{fmt, str::FromStr};

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
