//! Proposals of solidarity actions: residents propose, the public supports, staff and the
//! steering committee follow them up.
//!
//! Instants are RFC 3339 strings (UTC), ids UUID strings, themes slugs of
//! `GET /api/v1/themes`, communes INSEE codes.
//!
//! # The device token (supports)
//!
//! Supports are anonymous: there is no account. The browser generates once a random
//! **device token** — 16 to 128 characters among `A-Z a-z 0-9 - _`; the web app uses 32
//! bytes from `crypto.getRandomValues`, base64url without padding (43 characters) — keeps
//! it in `localStorage`, and sends it in the **`X-Device-Token` header**:
//!
//! - `POST /api/v1/proposals/{id}/supports` supports the proposal (once per token: a
//!   second support from the same token changes nothing);
//! - `DELETE /api/v1/proposals/{id}/supports` withdraws it;
//! - `GET /api/v1/proposals` and `GET /api/v1/proposals/{id}` fill
//!   [`ProposalResponse::supported_by_me`] when the header is present.
//!
//! The server stores only the SHA-256 of the token, never the token nor the client
//! address. This stops counting one browser twice, not a person using several browsers or
//! clearing their storage (see `docs/security.md`, "Supports of proposals").

use serde::{Deserialize, Serialize};

use crate::CommuneRef;

/// Header carrying the device token of supports (see the module documentation).
pub const DEVICE_TOKEN_HEADER: &str = "X-Device-Token";

/// `POST /api/v1/proposals`: anyone proposes an action. It waits for moderation before it
/// is public. Missing fields read as empty, so that the answer is a 422 naming each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateProposalRequest {
    /// 3 to 120 characters.
    #[serde(default)]
    pub title: Option<String>,
    /// Plain text, 1 to 5,000 characters.
    #[serde(default)]
    pub description: Option<String>,
    /// 1 to 5 active theme slugs, the first being the main one.
    #[serde(default)]
    pub themes: Vec<String>,
    /// INSEE code of the commune concerned; absent for the whole territory.
    #[serde(default)]
    pub commune_code: Option<String>,
    /// Name shown publicly with the proposal (2 to 60 characters); absent: anonymous.
    #[serde(default)]
    pub pseudonym: Option<String>,
    /// Optional "e-mail pour être prévenu" of the moderation's decision. Seen by staff
    /// only, never published; forgotten once the decision is told. Requires
    /// `notify_consent`.
    #[serde(default)]
    pub notify_email: Option<String>,
    /// The author agrees to be written to at `notify_email`.
    #[serde(default)]
    pub notify_consent: bool,
}

/// Answer to `POST /api/v1/proposals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateProposalResponse {
    pub id: String,
    /// `pending`: not public until a moderator approves it.
    pub moderation_status: String,
}

/// The content of a proposal, as its author wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalContentResponse {
    pub title: String,
    pub description: String,
    /// Theme slugs, the first being the main one.
    pub themes: Vec<String>,
    /// The commune concerned; `None` for the whole territory.
    pub commune: Option<CommuneRef>,
    /// `None`: anonymous.
    pub pseudonym: Option<String>,
}

/// One step of the public follow-up of a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalStatusEventResponse {
    /// The follow-up status from then on (see [`ProposalResponse::status`]).
    pub status: String,
    /// The public answer given with the change; `None` for the first step (publication).
    pub answer: Option<String>,
    /// RFC 3339.
    pub at: String,
}

/// The share of respondents who reported a difficulty in one theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThemeNeedResponse {
    pub theme: String,
    /// Between 0 and 1. `None` when withheld (`secret`) or not asked (`asked == false`).
    pub share: Option<f64>,
    /// Withheld by statistical secrecy: too few respondents in this scope.
    pub secret: bool,
    /// Whether the campaign's questionnaire offered this theme among its difficulty
    /// domains (a theme added later has no measure).
    pub asked: bool,
}

/// Measured needs over one scope (a commune or the whole territory).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedsScopeResponse {
    /// Number of respondents in the scope; `None` when withheld (`secret`).
    pub respondents: Option<u64>,
    /// Fewer respondents than the secrecy threshold: no figure is given.
    pub secret: bool,
    /// One entry per theme of the proposal, in the proposal's order.
    pub themes: Vec<ThemeNeedResponse>,
}

/// What the latest needs survey measured for a proposal's themes, so that the committee
/// can weigh proposals against measured needs.
///
/// The campaign is the most recently opened one that has answers. A respondent "reported a
/// difficulty in a theme" when they answered yes to `difficultes` and chose the theme in
/// `domaines`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalNeedsResponse {
    /// `None` when no campaign has answers yet (then `commune` and `territory` are `None`).
    pub campaign_id: Option<String>,
    pub campaign_title: Option<String>,
    /// Among the respondents of the proposal's commune; `None` when the proposal concerns
    /// the whole territory.
    pub commune: Option<NeedsScopeResponse>,
    /// Among all the respondents of the campaign.
    pub territory: Option<NeedsScopeResponse>,
}

/// A published proposal (`GET /api/v1/proposals`, `GET /api/v1/proposals/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalResponse {
    pub id: String,
    #[serde(flatten)]
    pub content: ProposalContentResponse,
    /// Follow-up status: `submitted`, `under_study`, `accepted`, `in_progress`, `done` or
    /// `declined`.
    pub status: String,
    /// RFC 3339: when moderators published it.
    pub published_at: Option<String>,
    /// Number of distinct devices supporting it.
    pub support_count: u64,
    /// Whether the device whose token came in `X-Device-Token` supports it; `None` without
    /// the header.
    pub supported_by_me: Option<bool>,
    /// Whether it accepts supports now (not done, declined nor merged).
    pub accepts_supports: bool,
    /// Rank given by staff or the committee, 1 first; `None` when not ranked.
    pub priority: Option<i32>,
    /// The proposal this duplicate was merged into (its supports moved there).
    pub merged_into: Option<String>,
    /// The public follow-up, oldest first.
    pub timeline: Vec<ProposalStatusEventResponse>,
    pub needs: ProposalNeedsResponse,
}

/// `GET /api/v1/proposals`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalListResponse {
    pub items: Vec<ProposalResponse>,
    pub page: u64,
    pub per_page: u64,
    /// Number of matching proposals over all pages.
    pub total: u64,
}

/// Answer to `POST` and `DELETE /api/v1/proposals/{id}/supports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalSupportResponse {
    pub proposal_id: String,
    pub support_count: u64,
    /// Whether this device supports the proposal now.
    pub supported: bool,
    /// Whether this request changed anything (`false` for a repeated support or the
    /// withdrawal of a support that did not exist).
    pub changed: bool,
}

/// A proposal as staff see it (`GET /api/v1/admin/proposals…`): whatever its moderation
/// status, with the internal note for analysts, moderators and administrators only (never
/// for the committee role, never in public answers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminProposalResponse {
    #[serde(flatten)]
    pub proposal: ProposalResponse,
    /// `pending`, `published`, `rejected` or `archived`.
    pub moderation_status: String,
    /// The moderators' reason when rejected.
    pub moderation_message: Option<String>,
    /// RFC 3339.
    pub submitted_at: String,
    /// Staff-only note. Absent (not even `null`) for the committee role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_note: Option<InternalNoteResponse>,
}

/// The internal note of a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InternalNoteResponse {
    /// Empty when there is no note.
    pub text: String,
    /// RFC 3339; `None` when never written.
    pub updated_at: Option<String>,
}

/// `GET /api/v1/admin/proposals`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminProposalListResponse {
    pub items: Vec<AdminProposalResponse>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// `POST /api/v1/admin/proposals/{id}/status` (moderators): a new follow-up step, added to
/// the public timeline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalStatusRequest {
    /// `submitted`, `under_study`, `accepted`, `in_progress`, `done` or `declined`.
    #[serde(default)]
    pub status: Option<String>,
    /// Public answer shown in the timeline, 1 to 5,000 characters.
    #[serde(default)]
    pub answer: Option<String>,
}

/// `PUT /api/v1/admin/proposals/{id}/note` (moderators): replaces the internal note; an
/// empty text clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalNoteRequest {
    /// At most 10,000 characters.
    #[serde(default)]
    pub note: Option<String>,
}

/// `PUT /api/v1/admin/proposals/{id}/priority` (committee and above): the rank, 1 first,
/// up to 999; `null` removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalPriorityRequest {
    #[serde(default)]
    pub priority: Option<i32>,
}

/// One rank of `PUT /api/v1/admin/proposal-priorities`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalRank {
    #[serde(default)]
    pub id: String,
    /// 1 first, up to 999; `null` removes the rank.
    #[serde(default)]
    pub priority: Option<i32>,
}

/// `PUT /api/v1/admin/proposal-priorities` (committee and above): several ranks set in one
/// transaction, all or none (moving a proposal up swaps two ranks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalRanksRequest {
    #[serde(default)]
    pub ranks: Vec<ProposalRank>,
}

/// The proposals whose ranks `PUT /api/v1/admin/proposal-priorities` set, in its order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalRanksResponse {
    pub proposals: Vec<AdminProposalResponse>,
}

/// `POST /api/v1/admin/proposals/{id}/merge` (moderators): the proposal of the path is a
/// duplicate of `into`. Its supports move to `into` (a device that supported both counts
/// once) and it shows publicly as merged into `into`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeProposalRequest {
    /// Id of the proposal kept.
    #[serde(default)]
    pub into: Option<String>,
}

/// Answer to a merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeProposalResponse {
    pub merged_id: String,
    pub kept_id: String,
    /// Supports moved to the kept proposal (devices that supported both are not counted).
    pub moved_supports: u64,
    /// The kept proposal's supports after the merge.
    pub support_count: u64,
}
