//! The agenda: events announced by actors, moderated like initiatives, and their
//! iCalendar feeds.
//!
//! Local date-times are `YYYY-MM-DDTHH:MM` wall-clock times in France (Europe/Paris);
//! instants are RFC 3339 strings in UTC.

use serde::{Deserialize, Serialize};

use crate::{ActorSummary, CommuneRef, LocationRequest};

/// One date of an event, in French wall-clock time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventOccurrenceRequest {
    /// `YYYY-MM-DDTHH:MM`, Europe/Paris.
    pub start: Option<String>,
    /// `YYYY-MM-DDTHH:MM`, Europe/Paris; after `start` (possibly days later).
    pub end: Option<String>,
}

/// How to register: `kind` is `link`, `phone`, `email` or `free` (free entry, no `value`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationRequest {
    pub kind: Option<String>,
    /// The `http(s)://` address, the French phone number or the e-mail address.
    pub value: Option<String>,
}

/// The content of an event, as submitted or edited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventContentRequest {
    /// 3 to 120 characters.
    pub title: Option<String>,
    /// Plain text, at most 5,000 characters.
    pub description: Option<String>,
    /// One or more active theme slugs, the first being the main one.
    #[serde(default)]
    pub themes: Vec<String>,
    /// One to 50 dates.
    #[serde(default)]
    pub occurrences: Vec<EventOccurrenceRequest>,
    /// `in_person`, `online` or `mixed`.
    pub attendance_mode: Option<String>,
    /// A point (its commune derived) or a commune; absent for an online-only event.
    pub location: Option<LocationRequest>,
    pub address: Option<String>,
    /// Where to follow an online or mixed event (`http(s)://`).
    pub online_url: Option<String>,
    /// Who it is for, in words.
    pub audience: Option<String>,
    /// Youngest and oldest age welcome, 0 to 120.
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    /// Among `motor`, `hearing`, `visual`, `mental`, `cognitive`.
    #[serde(default)]
    pub accessibility: Vec<String>,
    pub registration: Option<RegistrationRequest>,
    /// `scheduled` (default), `postponed`, `cancelled` or `full`.
    pub event_status: Option<String>,
}

/// `POST /api/v1/events`: the content, and optionally the published actor organising it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateEventRequest {
    #[serde(flatten)]
    pub content: EventContentRequest,
    pub actor_id: Option<String>,
    /// Optional "e-mail pour être prévenu": where to tell the submitter of the moderation's
    /// decisions and of the requests to confirm the event is current (with the private
    /// edit link). Seen by staff only, never published; forgotten after the retention
    /// period. Requires `notify_consent`.
    #[serde(default)]
    pub notify_email: Option<String>,
    /// The submitter agrees to be written to at `notify_email`.
    #[serde(default)]
    pub notify_consent: bool,
}

/// `PUT /api/v1/events/edit/{token}`.
pub type UpdateEventRequest = EventContentRequest;

/// Answer to a submission. The edit token is shown this once and never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateEventResponse {
    pub id: String,
    pub status: String,
    pub edit_token: String,
    /// Path of the private edit page in the web app.
    pub edit_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventOccurrenceResponse {
    /// `YYYY-MM-DDTHH:MM`, Europe/Paris.
    pub start: String,
    pub end: String,
    /// The same instants, RFC 3339 UTC.
    pub start_utc: String,
    pub end_utc: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationResponse {
    /// `link`, `phone`, `email` or `free`.
    pub kind: String,
    pub value: Option<String>,
}

/// The public content of an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventContentResponse {
    pub title: String,
    pub description: String,
    pub themes: Vec<String>,
    /// In chronological order.
    pub occurrences: Vec<EventOccurrenceResponse>,
    /// `in_person`, `online` or `mixed`.
    pub attendance_mode: String,
    /// `point`, `commune` or `online`.
    pub place: String,
    /// WGS 84; the commune's interior point for `commune`; absent online.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub commune: Option<CommuneRef>,
    pub address: Option<String>,
    pub online_url: Option<String>,
    pub audience: Option<String>,
    pub age_min: Option<u32>,
    pub age_max: Option<u32>,
    pub accessibility: Vec<String>,
    pub registration: RegistrationResponse,
    /// `scheduled`, `postponed`, `cancelled` or `full`.
    pub event_status: String,
}

/// A published event (`GET /api/v1/events/{id}` and lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventResponse {
    pub id: String,
    #[serde(flatten)]
    pub content: EventContentResponse,
    pub actor: Option<ActorSummary>,
    pub published_at: Option<String>,
    /// Path of the event's page in the web app.
    pub page_url: String,
    /// Path of the event's iCalendar file.
    pub ics_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventListResponse {
    /// Upcoming first: by the start of their next date in the asked period.
    pub items: Vec<EventResponse>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// What the submitter sees through the private edit link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitterEventResponse {
    pub id: String,
    /// `pending`, `published`, `rejected`, `changes_requested`, `archived` or `withdrawn`.
    pub status: String,
    pub content: EventContentResponse,
    pub actor: Option<ActorSummary>,
    /// The change waiting for moderation, when the event is already published.
    pub pending_revision: Option<EventContentResponse>,
    /// The moderators' reason or request, when they rejected or asked for changes.
    pub moderation_message: Option<String>,
    /// When the information was last confirmed as current (RFC 3339).
    #[serde(default)]
    pub last_confirmed_at: Option<String>,
    /// `fresh`, `flagged` (please confirm) or `hidden` (hidden from the public until
    /// confirmed), for a published event; `fresh` otherwise.
    #[serde(default)]
    pub freshness: String,
    /// The first day (`YYYY-MM-DD`) the published event is hidden unless confirmed.
    #[serde(default)]
    pub hidden_from: Option<String>,
}
