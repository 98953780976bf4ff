//! Request and response types of the Solidarités HTTP API (`/api/v1`).
//!
//! This crate is shared by the server and the Leptos frontend, so it must build for
//! `wasm32-unknown-unknown`: it depends on serde only — no database, no HTTP stack.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Every error the API returns has this body.
///
/// `error` is a stable snake_case code the UI can translate; `message` is a French sentence
/// that can be shown as is; `fields` names each bad input field with a French message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorResponse {
    pub error: String,
    pub message: String,
    /// Always present; empty when no single field is at fault.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthResponse {
    /// `"ok"`: the process answers (liveness; readiness is `GET /api/v1/ready`).
    pub status: String,
    pub version: String,
    /// The database schema this program expects (the name of its last migration).
    pub schema_version: String,
    /// `"sqlite"` or `"postgres"`.
    pub database: String,
    /// Number of communes of the loaded territory.
    pub communes: usize,
}

/// `GET /api/v1/ready`: whether this instance can serve (200) or not (503), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessResponse {
    pub ready: bool,
    pub version: String,
    /// The schema this program expects.
    pub schema_version: String,
    /// The schema the database is at (its last applied migration), when it answers.
    pub database_schema: Option<String>,
    /// `database`, `migrations` and `territory`, in that order.
    pub checks: Vec<ReadinessCheck>,
}

/// One readiness check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessCheck {
    pub name: String,
    pub ok: bool,
    /// What was found, in French.
    pub detail: String,
}

/// A commune as listed by `GET /api/v1/communes` and `GET /api/v1/communes/{code}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommuneResponse {
    /// INSEE code (5 characters, e.g. `40192`, `2A004`).
    pub code: String,
    pub name: String,
    pub population: Option<u32>,
    pub postal_codes: Vec<String>,
}

/// `GET /api/v1/communes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommuneListResponse {
    pub communes: Vec<CommuneResponse>,
}

/// `GET /api/v1/locate?lon=…&lat=…`: the commune containing the point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocateResponse {
    pub lon: f64,
    pub lat: f64,
    pub commune: CommuneResponse,
}

mod carte;
pub use carte::*;

mod events;
pub use events::*;

mod label_applications;
pub use label_applications::*;

mod questionnaire;
pub use questionnaire::*;

mod proposals;
pub use proposals::*;
mod results;
pub use results::*;
mod staff;
pub use staff::*;
/// `POST /api/v1/auth/login`. Missing fields read as empty so that the answer is a 422
/// naming each of them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("password", &"***")
            .finish()
    }
}

/// A staff member as the signed-in user sees themself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffUserResponse {
    /// UUID.
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// `committee`, `analyst`, `moderator` or `admin`.
    pub role: String,
}

/// `POST /api/v1/auth/login` and `GET /api/v1/auth/me`: who is signed in, and the token
/// to send back in the `X-CSRF-Token` header of every state-changing request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    pub user: StaffUserResponse,
    pub csrf_token: String,
}

/// A staff account as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminUserResponse {
    /// UUID.
    pub id: String,
    pub email: String,
    pub display_name: String,
    /// `committee`, `analyst`, `moderator` or `admin`.
    pub role: String,
    pub disabled: bool,
    /// True while sign-ins are refused after repeated failures.
    pub locked: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC.
    pub updated_at: String,
    /// Only in the answer that creates an account with `set_password_link`: the path of
    /// the one-time link (`/admin/mot-de-passe/<token>`) to hand to its holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_password_path: Option<String>,
    /// RFC 3339: when that link stops working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_password_expires_at: Option<String>,
}

/// `GET /api/v1/admin/users`, sorted by email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminUserListResponse {
    pub users: Vec<AdminUserResponse>,
    /// Page number (from 1), items per page and number of items of the whole list.
    #[serde(default)]
    pub page: u64,
    #[serde(default)]
    pub per_page: u64,
    #[serde(default)]
    pub total: u64,
}

/// `POST /api/v1/admin/users`. Missing fields read as empty (422 naming them).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUserRequest {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    /// `committee`, `analyst`, `moderator` or `admin`.
    #[serde(default)]
    pub role: String,
    /// At least 12 characters; leave it empty with `set_password_link`.
    #[serde(default)]
    pub password: String,
    /// Instead of a password: answer with a one-time link (72 h) with which the holder
    /// chooses it.
    #[serde(default)]
    pub set_password_link: bool,
}

impl std::fmt::Debug for CreateUserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateUserRequest")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("password", &"***")
            .field("set_password_link", &self.set_password_link)
            .finish()
    }
}

/// `PATCH /api/v1/admin/users/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateUserRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntryResponse {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// `None` for changes made with the command line.
    pub actor_user_id: Option<String>,
    pub actor_email: Option<String>,
    /// e.g. `user.create`, `initiative.approve`, `cli.user.set_role`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}

/// `GET /api/v1/admin/audit`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPageResponse {
    pub entries: Vec<AuditEntryResponse>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

pub mod first_screen;
