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
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

/// `GET /api/v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthResponse {
    /// `"ok"` when the database answers.
    pub status: String,
    pub version: String,
    /// `"sqlite"` or `"postgres"`.
    pub database: String,
    /// Number of communes of the loaded territory.
    pub communes: usize,
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
