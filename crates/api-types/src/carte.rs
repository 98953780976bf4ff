//! The carte des solidarités: themes, actors, initiatives, clusters, labels, moderation.
//!
//! Dates are `YYYY-MM-DD` strings, instants RFC 3339 strings, ids UUID strings, positions
//! WGS 84 longitude/latitude in decimal degrees.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `GET /api/v1/config`: what the web app needs to know about this instance to draw maps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicConfigResponse {
    /// URL template of the background tiles (`{z}`, `{x}`, `{y}`, optional `{s}`); `None`
    /// when this instance has no tiles: maps show communes and markers on a plain background.
    pub tile_url: Option<String>,
    /// Credit for the tiles, HTML as the tile provider words it; empty without tiles.
    pub tile_attribution: String,
    /// Bounding box of the territory, `[minLon, minLat, maxLon, maxLat]` (WGS 84), `None`
    /// before any commune is imported.
    pub territory_bbox: Option<Vec<f64>>,
}

/// A theme of solidarity initiatives (`GET /api/v1/themes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThemeResponse {
    /// Stable identifier, e.g. `aide-alimentaire`.
    pub slug: String,
    /// French label, e.g. `Aide alimentaire`.
    pub label: String,
    /// Background colour `#rrggbb`, readable (WCAG AA) under white text.
    pub color: String,
    /// Icon name for the frontend.
    pub icon: String,
    pub position: i32,
    /// A retired theme is no longer offered for new submissions but still shown on old ones.
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThemeListResponse {
    pub themes: Vec<ThemeResponse>,
}

/// A label currently held (not expired, not revoked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrentLabelResponse {
    pub slug: String,
    pub name: String,
    /// Last day of validity, `YYYY-MM-DD`.
    pub expires_on: String,
}

/// Public contact details of an initiative or an actor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactRequest {
    pub email: Option<String>,
    /// French number, e.g. `05 58 00 00 00` or `+33 5 58 00 00 00`.
    pub phone: Option<String>,
    /// `http://` or `https://` address.
    pub url: Option<String>,
}

/// Where an initiative happens: a point (its commune is derived from it), or a whole
/// commune by INSEE code.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LocationRequest {
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub commune_code: Option<String>,
}

/// An actor proposed together with an initiative; it is moderated with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewActorRequest {
    pub name: Option<String>,
    /// `association`, `ccas`, `commune`, `collectif`, `entreprise`, `particulier` or `autre`.
    pub kind: Option<String>,
    pub description: Option<String>,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// INSEE code of the actor's commune.
    pub commune_code: Option<String>,
    /// « Accueille des bénévoles »: the actor takes volunteers (default no).
    #[serde(default)]
    pub welcomes_volunteers: Option<bool>,
}

/// The content of an initiative, as submitted or edited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InitiativeContentRequest {
    /// 3 to 120 characters.
    pub title: Option<String>,
    /// Plain text, at most 5,000 characters.
    pub description: Option<String>,
    /// One or more active theme slugs, the first being the main one.
    #[serde(default)]
    pub themes: Vec<String>,
    pub location: Option<LocationRequest>,
    pub address: Option<String>,
    /// `YYYY-MM-DD`.
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`; absent for an ongoing initiative.
    pub end_date: Option<String>,
    pub schedule: Option<String>,
    pub audience: Option<String>,
    #[serde(default)]
    pub contact: ContactRequest,
    /// « Accueille des bénévoles »: the initiative takes volunteers (default no).
    #[serde(default)]
    pub welcomes_volunteers: Option<bool>,
}

/// `POST /api/v1/initiatives`: the content plus who runs it, either an existing published
/// actor (`actor_id`) or a new one (`new_actor`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateInitiativeRequest {
    #[serde(flatten)]
    pub content: InitiativeContentRequest,
    pub actor_id: Option<String>,
    pub new_actor: Option<NewActorRequest>,
    /// Optional "e-mail pour être prévenu": where to tell the submitter of the moderation's
    /// decisions (with the private edit link). Seen by staff only, never published;
    /// forgotten after the retention period. Requires `notify_consent`.
    #[serde(default)]
    pub notify_email: Option<String>,
    /// The submitter agrees to be written to at `notify_email`.
    #[serde(default)]
    pub notify_consent: bool,
}

/// `PUT /api/v1/initiatives/edit/{token}`.
pub type UpdateInitiativeRequest = InitiativeContentRequest;

/// Answer to a submission. The edit token is shown this once and never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateInitiativeResponse {
    pub id: String,
    pub status: String,
    pub edit_token: String,
    /// Path of the private edit page in the web app.
    pub edit_url: String,
}

/// The actor as shown next to an initiative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActorSummary {
    pub id: String,
    pub name: String,
    pub kind: String,
}

/// The commune of an initiative or actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommuneRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactResponse {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
}

/// The public content of an initiative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InitiativeContentResponse {
    pub title: String,
    pub description: String,
    /// Theme slugs, the first being the main one.
    pub themes: Vec<String>,
    pub lon: f64,
    pub lat: f64,
    /// `false` when the initiative covers a whole commune and `lon`/`lat` is the commune's
    /// interior point.
    pub has_point: bool,
    pub commune: CommuneRef,
    pub address: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// No end date.
    pub ongoing: bool,
    pub schedule: Option<String>,
    pub audience: Option<String>,
    pub contact: ContactResponse,
    /// « Accueille des bénévoles ».
    #[serde(default)]
    pub welcomes_volunteers: bool,
}

/// A published initiative (`GET /api/v1/initiatives/{id}` and lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InitiativeResponse {
    pub id: String,
    #[serde(flatten)]
    pub content: InitiativeContentResponse,
    pub actor: ActorSummary,
    pub labels: Vec<CurrentLabelResponse>,
    pub published_at: Option<String>,
    /// Great-circle distance in km from the commune of `near`, in a list asked with
    /// `near`; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InitiativeListResponse {
    pub items: Vec<InitiativeResponse>,
    pub page: u64,
    pub per_page: u64,
    /// Number of matching initiatives over all pages.
    pub total: u64,
    /// The search around a commune, when the list was asked with `near`: the items are
    /// then ordered by distance from the commune's point, nearest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near: Option<NearResponse>,
}

/// The centre and radius of a `near` search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NearResponse {
    pub commune: CommuneRef,
    /// The commune's representative point (inside it), WGS 84 degrees: the distances are
    /// measured from it.
    pub lon: f64,
    pub lat: f64,
    /// Initiatives of the commune, and those of other communes within this distance.
    pub radius_km: f64,
}

/// What the submitter sees through the private edit link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitterInitiativeResponse {
    pub id: String,
    /// `pending`, `published`, `rejected`, `changes_requested`, `archived` or `withdrawn`.
    pub status: String,
    pub content: InitiativeContentResponse,
    pub actor: ActorSummary,
    /// The change waiting for moderation, when the initiative is already published.
    pub pending_revision: Option<InitiativeContentResponse>,
    /// The moderators' reason or request, when they rejected or asked for changes.
    pub moderation_message: Option<String>,
    /// When the information was last confirmed as current (RFC 3339).
    #[serde(default)]
    pub last_confirmed_at: Option<String>,
    /// `fresh`, `flagged` (please confirm) or `hidden` (hidden from the public until
    /// confirmed), for a published initiative; `fresh` otherwise.
    #[serde(default)]
    pub freshness: String,
    /// The first day (`YYYY-MM-DD`) the published initiative is hidden unless confirmed.
    #[serde(default)]
    pub hidden_from: Option<String>,
}

/// `POST /api/v1/initiatives/edit/{token}/confirm`: the submitter confirms that the
/// information is current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmListingResponse {
    /// RFC 3339.
    pub last_confirmed_at: String,
    /// The first day (`YYYY-MM-DD`) it will be hidden without a new confirmation.
    pub hidden_from: String,
}

/// A listing (initiative, actor or event) by kind and id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingRef {
    /// `initiative`, `actor` or `event`.
    pub kind: String,
    pub id: String,
}

/// `POST /api/v1/admin/stale/confirm` and `/archive`: the listings to act on, all or none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaleBulkRequest {
    #[serde(default)]
    pub items: Vec<ListingRef>,
}

/// How many listings a bulk action changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaleBulkResponse {
    pub changed: u64,
}

/// A published listing not confirmed for the period (`GET /api/v1/admin/stale`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaleListingResponse {
    /// `initiative`, `actor` or `event`.
    pub kind: String,
    pub id: String,
    /// The initiative's or event's title, or the actor's name.
    pub title: String,
    pub commune: Option<CommuneRef>,
    /// `flagged` (still public) or `hidden`.
    pub freshness: String,
    /// RFC 3339.
    pub last_confirmed_at: Option<String>,
    /// When the submitter was asked to confirm (RFC 3339), once the flag was recorded.
    pub flagged_at: Option<String>,
    /// The first day (`YYYY-MM-DD`) it is (or was) hidden.
    pub hidden_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaleListResponse {
    pub items: Vec<StaleListingResponse>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
    /// The instance's periods: days before the flag, then days before hiding.
    pub flag_after_days: u32,
    pub hide_after_flag_days: u32,
}

/// An actor of the directory (`GET /api/v1/actors`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActorResponse {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub commune: Option<CommuneRef>,
    /// When the actor signed the charter (set by staff).
    pub charter_signed_at: Option<String>,
    pub labels: Vec<CurrentLabelResponse>,
    /// « Accueille des bénévoles ».
    #[serde(default)]
    pub welcomes_volunteers: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActorListResponse {
    pub items: Vec<ActorResponse>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// `GET /api/v1/actors/{id}`: the actor with its published initiatives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActorDetailResponse {
    #[serde(flatten)]
    pub actor: ActorResponse,
    pub initiatives: Vec<InitiativeResponse>,
}

/// One cluster of `GET /api/v1/initiatives/clusters`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterResponse {
    pub count: u32,
    /// Mean position of the members (WGS 84).
    pub lon: f64,
    pub lat: f64,
    /// Main theme slug → number of members; sums to `count`.
    pub themes: BTreeMap<String, u32>,
    /// The initiative, for a cluster of one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterListResponse {
    pub zoom: u8,
    /// Number of initiatives in the bounding box (sum of the counts).
    pub total: u32,
    pub clusters: Vec<ClusterResponse>,
}

/// One item of the moderation queue (`GET /api/v1/admin/moderation`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModerationItemResponse {
    /// `initiative`, `initiative_revision`, `actor`, `proposal`, `event` or
    /// `event_revision` (then `id` is the event's).
    pub kind: String,
    /// What the decision routes take.
    pub id: String,
    /// For a revision: the published initiative it would change.
    pub initiative_id: Option<String>,
    pub status: String,
    /// Initiative title or actor name.
    pub title: String,
    pub submitted_at: String,
    /// The proposed content (initiatives and revisions).
    pub content: Option<InitiativeContentResponse>,
    pub actor: Option<ActorSummary>,
    /// The proposal's content (kind `proposal`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<crate::ProposalContentResponse>,
    /// For a revision (kind `initiative_revision`): the published content it would
    /// replace, so that a moderator sees what changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<InitiativeContentResponse>,
    /// The event's proposed content (kinds `event` and `event_revision`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<crate::EventContentResponse>,
    /// For a change of a published event (kind `event_revision`): the published content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_event: Option<crate::EventContentResponse>,
}

/// Number of items waiting in each queue of the moderation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModerationCountsResponse {
    pub initiative: u64,
    pub initiative_revision: u64,
    pub actor: u64,
    pub proposal: u64,
    /// New events.
    #[serde(default)]
    pub event: u64,
    /// Changes of published events.
    #[serde(default)]
    pub event_revision: u64,
}

impl ModerationCountsResponse {
    /// The count of `kind` (`initiative`, `initiative_revision`, `actor`, `proposal`,
    /// `event`, `event_revision`).
    pub fn of(&self, kind: &str) -> u64 {
        match kind {
            "initiative" => self.initiative,
            "initiative_revision" => self.initiative_revision,
            "actor" => self.actor,
            "proposal" => self.proposal,
            "event" => self.event,
            "event_revision" => self.event_revision,
            _ => 0,
        }
    }

    /// Everything waiting, all queues together.
    pub fn total(&self) -> u64 {
        self.initiative
            + self.initiative_revision
            + self.actor
            + self.proposal
            + self.event
            + self.event_revision
    }
}

/// `GET /api/v1/admin/moderation?kind=&page=&per_page=`: one page of the queue (of one
/// kind, or of every kind in the order initiatives, revisions, actors, proposals; oldest
/// first within each kind).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModerationQueueResponse {
    pub items: Vec<ModerationItemResponse>,
    /// Items of the asked kind (or of every kind) over all pages.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// Items waiting in each queue, whatever the `kind` asked.
    pub counts: ModerationCountsResponse,
}

/// Body of reject and request-changes: the message shown to the submitter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModerationMessageRequest {
    pub message: Option<String>,
}

/// `POST /api/v1/admin/moderation/bulk`: all or nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkModerationRequest {
    /// `approve` or `reject`.
    pub action: Option<String>,
    #[serde(default)]
    pub ids: Vec<String>,
    /// The rejection reason (required to reject).
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModerationOutcomeResponse {
    pub kind: String,
    pub id: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkModerationResponse {
    pub outcomes: Vec<ModerationOutcomeResponse>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateLabelRequest {
    /// Lowercase letters, digits and dashes, e.g. `anti-solitude`.
    pub slug: Option<String>,
    pub name: Option<String>,
    pub criteria: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelResponse {
    pub id: String,
    pub slug: String,
    pub name: String,
    /// The criteria as one text, one per line (kept for older clients).
    pub criteria: String,
    /// The criteria, in order: an application answers each of them.
    #[serde(default)]
    pub criteria_list: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelListResponse {
    pub labels: Vec<LabelResponse>,
}

/// Grants a label to exactly one of an actor or an initiative until `expires_on`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GrantLabelRequest {
    pub actor_id: Option<String>,
    pub initiative_id: Option<String>,
    /// Last day of validity, `YYYY-MM-DD`.
    pub expires_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelGrantResponse {
    pub id: String,
    pub label: String,
    pub actor_id: Option<String>,
    pub initiative_id: Option<String>,
    pub expires_on: String,
    pub revoked: bool,
}

/// `POST /api/v1/admin/themes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateThemeRequest {
    pub slug: Option<String>,
    pub label: Option<String>,
    /// `#rrggbb`, with at least 4.5:1 contrast under white text.
    pub color: Option<String>,
    pub icon: Option<String>,
}

/// `PATCH /api/v1/admin/themes/{slug}`: only the given fields change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateThemeRequest {
    pub label: Option<String>,
    pub color: Option<String>,
    pub icon: Option<String>,
}

/// `PUT /api/v1/admin/actors/{id}/charter`: when the actor signed the charter (`null` to
/// clear it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActorCharterRequest {
    /// `YYYY-MM-DD`.
    pub signed_on: Option<String>,
}
