//! The needs questionnaire: campaigns, anonymous answers, volunteers, and the staff side.
//!
//! Questionnaire definitions travel as the JSON of `solidarites_domain`'s
//! `QuestionnaireDefinition` (kept as `serde_json::Value` here, so that this crate stays
//! serde-only).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A campaign as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignSummary {
    pub id: String,
    pub title: String,
    pub description: String,
    /// RFC 3339.
    pub opens_at: String,
    /// RFC 3339 (exclusive).
    pub closes_at: String,
    /// `open` or `closed` publicly; also `draft` for staff.
    pub status: String,
    /// Whether answers are accepted right now.
    pub accepting_answers: bool,
}

/// `GET /api/v1/campaigns`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignListResponse {
    pub campaigns: Vec<CampaignSummary>,
}

/// `GET /api/v1/campaigns/{id}`: the campaign and the exact questionnaire to answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignDetailResponse {
    pub campaign: CampaignSummary,
    pub questionnaire_version_id: String,
    pub version: i32,
    /// The `QuestionnaireDefinition`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub definition: serde_json::Value,
}

/// Where the respondent lives: an INSEE code, a postal code and the chosen commune, or a
/// point (WGS 84) assigned to its commune.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RespondentCommune {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
}

/// `POST /api/v1/campaigns/{id}/responses` (anonymous) and, with `channel`,
/// `POST /api/v1/admin/campaigns/{id}/responses` (assisted entry by staff).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitResponseRequest {
    /// Question id → answer (JSON form per question kind).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub commune: Option<RespondentCommune>,
    /// Assisted entry only: `telephone`, `papier`, `accueil` or `visite` (home visit).
    #[serde(default)]
    pub channel: Option<String>,
}

/// The answer was received. Nothing else is sent back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitResponseResponse {
    pub id: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
}

/// `POST /api/v1/volunteers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateVolunteerRequest {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// INSEE code.
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub availability: String,
    /// Theme slugs.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Must be `true`.
    #[serde(default)]
    pub consent: bool,
    /// The consent sentence exactly as shown.
    #[serde(default)]
    pub consent_text: String,
}

/// `POST /api/v1/volunteers` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateVolunteerResponse {
    pub received: bool,
}

/// A volunteer, for moderators and administrators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerResponse {
    pub id: String,
    pub created_at: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub commune: String,
    pub availability: String,
    pub themes: Vec<String>,
    pub consent_text: String,
    pub consent_at: String,
}

/// A listing that welcomes volunteers, offered to one volunteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchedListingResponse {
    /// `initiative` or `actor`.
    pub kind: String,
    pub id: String,
    /// The initiative's title or the actor's name.
    pub name: String,
    /// For an initiative, the actor running it.
    pub actor_name: Option<String>,
    /// INSEE code and name of the listing's commune.
    pub commune: String,
    pub commune_name: String,
    /// Great-circle distance from the volunteer's commune, km (0 in the same commune
    /// without a point).
    pub distance_km: f64,
    pub themes: Vec<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_url: Option<String>,
}

/// A volunteer and the listings nearby that welcome volunteers, nearest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerMatchResponse {
    pub volunteer: VolunteerResponse,
    pub matches: Vec<MatchedListingResponse>,
}

/// `GET /api/v1/admin/volunteers/matches`: the volunteers with at least one match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerMatchListResponse {
    pub items: Vec<VolunteerMatchResponse>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
    /// The radius used, km.
    pub radius_km: f64,
    /// Volunteers are purged after this many months.
    pub retention_months: u32,
}

/// `GET /api/v1/admin/volunteers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerListResponse {
    pub volunteers: Vec<VolunteerResponse>,
    /// Page number (from 1), items per page and number of items of the whole list.
    #[serde(default)]
    pub page: u64,
    #[serde(default)]
    pub per_page: u64,
    #[serde(default)]
    pub total: u64,
    /// Volunteers are kept this many months, then purged (see `docs/privacy.md`).
    #[serde(default)]
    pub retention_months: u32,
}

/// One version of a questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionnaireVersionResponse {
    pub id: String,
    pub version: i32,
    /// Set once a campaign using it received an answer: then it is never edited again.
    pub frozen_at: Option<String>,
    pub created_at: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub definition: serde_json::Value,
}

/// A questionnaire with its latest version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionnaireResponse {
    pub id: String,
    pub title: String,
    pub created_at: String,
    pub updated_at: String,
    pub latest: QuestionnaireVersionResponse,
    /// Every version number, oldest first.
    pub versions: Vec<i32>,
}

/// `GET /api/v1/admin/questionnaires`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionnaireListResponse {
    pub questionnaires: Vec<QuestionnaireResponse>,
    /// Page number (from 1), items per page and number of items of the whole list.
    #[serde(default)]
    pub page: u64,
    #[serde(default)]
    pub per_page: u64,
    #[serde(default)]
    pub total: u64,
}

/// `POST /api/v1/admin/questionnaires` and `PUT /api/v1/admin/questionnaires/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveQuestionnaireRequest {
    /// A `QuestionnaireDefinition`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub definition: serde_json::Value,
}

/// `PUT /api/v1/admin/questionnaires/{id}` answer: which version now holds the definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveQuestionnaireResponse {
    pub questionnaire: QuestionnaireResponse,
    /// The version written.
    pub version: i32,
    /// `true` when the previous version was frozen and a new one was created.
    pub new_version: bool,
}

/// `POST /api/v1/admin/questionnaires/{id}/preview`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewRequest {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: BTreeMap<String, serde_json::Value>,
}

/// What a respondent would see and whether these answers would be accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewResponse {
    pub visible_question_ids: Vec<String>,
    pub valid: bool,
    /// Question id → French message.
    pub errors: BTreeMap<String, String>,
}

/// `POST /api/v1/admin/campaigns`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCampaignRequest {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Uses the latest version of this questionnaire.
    #[serde(default)]
    pub questionnaire_id: String,
    /// RFC 3339.
    #[serde(default)]
    pub opens_at: String,
    /// RFC 3339, after `opens_at`.
    #[serde(default)]
    pub closes_at: String,
    /// `draft` (default) or `open`.
    #[serde(default)]
    pub status: Option<String>,
}

/// `PATCH /api/v1/admin/campaigns/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateCampaignRequest {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub opens_at: Option<String>,
    #[serde(default)]
    pub closes_at: Option<String>,
    /// `draft`, `open` or `closed`.
    #[serde(default)]
    pub status: Option<String>,
}

/// A campaign for staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminCampaignResponse {
    #[serde(flatten)]
    pub campaign: CampaignSummary,
    pub questionnaire_id: String,
    pub questionnaire_version_id: String,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
}

/// `GET /api/v1/admin/campaigns`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminCampaignListResponse {
    pub campaigns: Vec<AdminCampaignResponse>,
    /// Page number (from 1), items per page and number of items of the whole list.
    #[serde(default)]
    pub page: u64,
    #[serde(default)]
    pub per_page: u64,
    #[serde(default)]
    pub total: u64,
}

/// `GET /api/v1/admin/campaigns/{id}/counts`: counts only, never answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignCountsResponse {
    pub total: u64,
    pub by_channel: BTreeMap<String, u64>,
    /// INSEE code → count.
    pub by_commune: BTreeMap<String, u64>,
    /// Answers per day (the date in France an answer was received), oldest first; days
    /// without answers are left out.
    #[serde(default)]
    pub by_day: Vec<crate::DayCountResponse>,
}
