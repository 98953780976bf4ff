//! Types of the staff console's settings, paging and account routes.

use serde::{Deserialize, Serialize};

/// `PUT /api/v1/admin/settings`: every setting at once. `null` (or absent) removes the
/// stored value, so the instance's default applies again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateSettingsRequest {
    /// Serve aggregated results (under the same secrecy) on the public route.
    #[serde(default)]
    pub public_results: Option<bool>,
    /// Statistical secrecy threshold: 3 to 1000 respondents.
    #[serde(default)]
    pub secrecy_k: Option<i64>,
    /// Needs versus offer distance, 0.1 to 200 km.
    #[serde(default)]
    pub gap_distance_km: Option<f64>,
    /// Background tiles: `""` for none, or an `http(s)://` URL with `{z}`, `{x}`, `{y}`
    /// (optional `{s}`), at most 500 characters.
    #[serde(default)]
    pub tile_url: Option<String>,
    /// Credit under the maps: text and `<a href="https://…">` links, at most 500 characters.
    #[serde(default)]
    pub tile_attribution: Option<String>,
}

/// A yes/no setting: the value in force, the instance's default, whether a value is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoolSetting {
    pub value: bool,
    pub default: bool,
    pub stored: bool,
}

/// A whole-number setting with its bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegerSetting {
    pub value: u32,
    pub default: u32,
    pub stored: bool,
    pub min: u32,
    pub max: u32,
}

/// A decimal setting with its bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NumberSetting {
    pub value: f64,
    pub default: f64,
    pub stored: bool,
    pub min: f64,
    pub max: f64,
}

/// A text setting (`""` for the tile URL means no tiles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TextSetting {
    pub value: String,
    pub default: String,
    pub stored: bool,
    pub max_chars: usize,
}

/// `GET /api/v1/admin/settings` (and the answer of `PUT`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminSettingsResponse {
    pub public_results: BoolSetting,
    pub secrecy_k: IntegerSetting,
    pub gap_distance_km: NumberSetting,
    pub tile_url: TextSetting,
    pub tile_attribution: TextSetting,
    /// Grows with every change (0: never changed).
    pub revision: i64,
    /// RFC 3339, when stored.
    pub updated_at: Option<String>,
    /// Seconds other instances may take to apply a change (this one applies it at once).
    pub propagation_secs: u64,
}

/// `POST /api/v1/admin/volunteers/purge`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurgeVolunteersRequest {
    /// Delete the volunteers who signed up more than this many months ago (1 to 120).
    #[serde(default)]
    pub older_than_months: Option<i64>,
}

/// What a purge deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurgeVolunteersResponse {
    pub deleted: u64,
    /// RFC 3339: volunteers recorded before this were deleted.
    pub before: String,
    /// The retention rule, in months.
    pub retention_months: u32,
}

/// The answers of one day of a campaign, in all and by channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayCountResponse {
    /// `YYYY-MM-DD`, in France (Europe/Paris).
    pub date: String,
    pub total: u64,
    /// `web`, `telephone`, `papier`, `accueil`, `visite` → count (channels without answers left out).
    pub by_channel: std::collections::BTreeMap<String, u64>,
}

/// A label grant as staff see it (the list of a label, the renewal list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminLabelGrantResponse {
    pub id: String,
    /// The label's slug and name.
    pub label: String,
    pub label_name: String,
    /// Exactly one of the two is set.
    pub actor_id: Option<String>,
    pub initiative_id: Option<String>,
    /// The actor's name or the initiative's title.
    pub holder_name: Option<String>,
    /// RFC 3339.
    pub granted_at: String,
    /// Last day of validity, `YYYY-MM-DD`.
    pub expires_on: String,
    /// Days from today (in France) to `expires_on`: 0 on the last day, negative once expired.
    pub days_left: i64,
    pub expired: bool,
    pub revoked: bool,
    /// RFC 3339: when the holder was invited to renew in this grant's period.
    #[serde(default)]
    pub renewal_invited_at: Option<String>,
    /// Whether an invitation can be sent: an actor's grant whose last applicant left a
    /// consented address, not invited yet in this period.
    #[serde(default)]
    pub can_invite: bool,
}

/// `GET /api/v1/admin/labels/{slug}/grants` and `GET /api/v1/admin/label-grants`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminLabelGrantListResponse {
    pub grants: Vec<AdminLabelGrantResponse>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// `POST /api/v1/admin/users/{id}/password-link`: a new one-time link for an account (its
/// older unused links stop working).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordLinkResponse {
    /// `/admin/mot-de-passe/<token>`: the console shows it to copy; shown once, never stored.
    pub set_password_path: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// `POST /api/v1/auth/password`: choose a password with a one-time link's token.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetPasswordRequest {
    #[serde(default)]
    pub token: String,
    /// At least 12 characters.
    #[serde(default)]
    pub password: String,
}

impl std::fmt::Debug for SetPasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetPasswordRequest")
            .field("token", &"***")
            .field("password", &"***")
            .finish()
    }
}

/// The account whose password was set: sign in with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetPasswordResponse {
    pub email: String,
}

/// One e-mail of the outbox, as the staff console lists it: never its text, and its
/// recipient masked (`j…@exemple.fr`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessageResponse {
    pub id: String,
    /// `initiative_decided`, `proposal_decided`, `moderation_digest`, …
    pub kind: String,
    pub recipient: String,
    /// `pending` (not tried yet), `retrying` (failed at least once), `sent` (through the
    /// SMTP server) or `logged` (no SMTP server configured).
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub next_attempt_at: Option<String>,
    pub sent_at: Option<String>,
}

/// `GET /api/v1/admin/outbox`: the latest messages, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxListResponse {
    pub messages: Vec<OutboxMessageResponse>,
    /// Messages not sent yet (all of them, not only those listed).
    pub backlog: u64,
    /// Whether an SMTP server is configured (otherwise messages are only logged).
    pub smtp_configured: bool,
}
