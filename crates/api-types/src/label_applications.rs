//! Label applications: an actor applies for a label by answering its criteria, follows
//! the application at a private link, and the committee approves (until a day) or refuses
//! it (with a reason) in the staff console; grants near their end are listed for renewal.

use serde::{Deserialize, Serialize};

/// `PUT /api/v1/admin/labels/{slug}/criteria`: the label's criteria, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateLabelCriteriaRequest {
    #[serde(default)]
    pub criteria: Vec<String>,
}

/// `POST /api/v1/labels/{slug}/applications`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateLabelApplicationRequest {
    /// A published actor (UUID).
    pub actor_id: Option<String>,
    /// One answer per criterion of the label, in the label's order.
    #[serde(default)]
    pub answers: Vec<String>,
    /// Optional `http(s)` link to a document supporting the application.
    pub attachment_url: Option<String>,
    /// Optional address to be told of the decision and invited to renew; needs
    /// `notify_consent`. Seen by staff only, erased after the retention period.
    pub notify_email: Option<String>,
    #[serde(default)]
    pub notify_consent: bool,
}

/// The answer to a new application: its private link, given once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateLabelApplicationResponse {
    pub id: String,
    /// `pending`.
    pub status: String,
    /// The private token (43 characters); only its hash is stored.
    pub private_token: String,
    /// The page of the application, e.g. `/labels/candidature/<token>`.
    pub private_url: String,
}

/// One criterion and the applicant's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionAnswerResponse {
    pub criterion: String,
    pub answer: String,
}

/// An application, as its applicant (private link) or staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelApplicationResponse {
    pub id: String,
    /// The label's slug and name.
    pub label: String,
    pub label_name: String,
    pub actor_id: String,
    pub actor_name: String,
    /// `pending`, `approved`, `refused` or `withdrawn`.
    pub status: String,
    pub answers: Vec<CriterionAnswerResponse>,
    pub attachment_url: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, once decided or withdrawn.
    pub decided_at: Option<String>,
    /// Why it was refused.
    pub refusal_reason: Option<String>,
    /// Last day of the grant an approval set, `YYYY-MM-DD`.
    pub granted_until: Option<String>,
    /// Whether an address was left to be told of the decision (staff: never the address).
    pub has_email: bool,
    /// The actor's current grant of this label, if any (`YYYY-MM-DD`): a renewal extends it.
    pub current_expires_on: Option<String>,
}

/// `GET /api/v1/admin/label-applications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelApplicationListResponse {
    pub applications: Vec<LabelApplicationResponse>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// `POST /api/v1/admin/label-applications/{id}/approve`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApproveLabelApplicationRequest {
    /// Last day of validity, `YYYY-MM-DD`, in the future.
    pub expires_on: Option<String>,
}

/// `POST /api/v1/admin/label-applications/{id}/refuse`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefuseLabelApplicationRequest {
    /// Required; the applicant reads it.
    pub reason: Option<String>,
}

/// `POST /api/v1/admin/label-grants/{id}/renewal-invitation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenewalInvitationResponse {
    /// RFC 3339: when the invitation was queued.
    pub invited_at: String,
}
