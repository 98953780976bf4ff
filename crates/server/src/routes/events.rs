//! The agenda: submitting events, editing them through the private link, reading the
//! published ones (list upcoming first, GeoJSON for the map, detail) and their iCalendar
//! feeds (all events, or by commune, theme or actor; one event).

use std::collections::HashMap;

use actix_web::{
    delete, get, http::header, post, put, web, HttpMessage, HttpRequest, HttpResponse,
};
use chrono::{Duration, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use solidarites_api_types::{
    ConfirmListingResponse, CreateEventRequest, CreateEventResponse, EventContentResponse,
    EventListResponse, EventOccurrenceResponse, EventResponse, RegistrationResponse,
    SubmitterEventResponse, UpdateEventRequest,
};
use solidarites_domain::{
    drafts::{self, EventDraft, LOCAL_DATE_TIME_FORMAT},
    freshness::ListingKind,
    lifecycle::EventStatus,
    notify::parse_notify_email,
    time::paris_midnight,
};
use uuid::Uuid;

use super::{
    carte_query::{
        list, parse_actor, parse_commune, parse_page, parse_q, parse_query, single, Pairs,
    },
    edit_links::{self, submitter_freshness, token_hash, unknown_token},
    initiatives::actor_summary,
};
use crate::{
    edit_token,
    error::ApiError,
    ical,
    json_body::ApiJson,
    services::events::{self as service, EditOutcome, EventError},
    state::AppState,
    storage::{self, events::EventFilter, initiatives::status, EventRow},
    submission::{self, FieldErrors},
    territory::LoadedTerritory,
};

/// Most features of `events.geojson` and events of a feed.
const FEED_LIMIT: usize = 5_000;
/// A feed keeps the dates of the last days (calendar apps drop what leaves the feed).
const FEED_PAST_DAYS: i64 = 30;

/// Path of an event's page in the web app.
fn page_path(id: Uuid) -> String {
    format!("/agenda/evenement/{id}")
}

fn local(t: chrono::NaiveDateTime) -> String {
    t.format(LOCAL_DATE_TIME_FORMAT).to_string()
}

/// The content of an event as the API serves it.
pub(super) fn event_content(territory: &LoadedTerritory, d: &EventDraft) -> EventContentResponse {
    let placement = d.place.placement();
    EventContentResponse {
        title: d.title.clone(),
        description: d.description.clone(),
        themes: d.themes.clone(),
        occurrences: d
            .occurrences
            .iter()
            .map(|o| EventOccurrenceResponse {
                start: local(o.start_local),
                end: local(o.end_local),
                start_utc: o.start.to_rfc3339(),
                end_utc: o.end.to_rfc3339(),
            })
            .collect(),
        attendance_mode: d.attendance.as_str().to_owned(),
        place: d.place.kind().to_owned(),
        lon: placement.map(|p| p.lon),
        lat: placement.map(|p| p.lat),
        commune: placement.map(|p| territory.commune_ref(p.commune_code.as_str())),
        address: d.address.clone(),
        online_url: d.online_url.as_ref().map(ToString::to_string),
        audience: d.audience.clone(),
        age_min: d.age_min,
        age_max: d.age_max,
        accessibility: d
            .accessibility
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        registration: RegistrationResponse {
            kind: d.registration.kind().to_owned(),
            value: d.registration.value(),
        },
        event_status: d.event_status.as_str().to_owned(),
    }
}

/// Public payloads of `rows` (their actors loaded in one query).
async fn public_responses(
    state: &AppState,
    rows: &[EventRow],
) -> Result<Vec<EventResponse>, ApiError> {
    let territory = state.territory.current();
    let actors = storage::actors::by_ids(&state.db, rows.iter().filter_map(|r| r.actor_id)).await?;
    rows.iter()
        .map(|row| {
            let draft = storage::events::content_of(row)?;
            Ok(EventResponse {
                id: row.id.to_string(),
                content: event_content(&territory, &draft),
                actor: row.actor_id.map(|id| actor_summary(actors.get(&id))),
                published_at: row.published_at.map(|t| t.to_rfc3339()),
                page_url: page_path(row.id),
                ics_url: format!("/api/v1/events/{}.ics", row.id),
            })
        })
        .collect()
}

fn parse_day(pairs: &Pairs, key: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let raw = single(pairs, key)?;
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.insert(
                key.to_owned(),
                "Date invalide (format AAAA-MM-JJ).".to_owned(),
            );
            None
        }
    }
}

/// `theme`, `commune`, `actor`, `q`, `from` and `to` (days in France, inclusive) of the
/// lists and feeds; every bad one named. Without `from`, from `default_from`.
fn parse_event_filter(
    pairs: &Pairs,
    default_from: chrono::DateTime<Utc>,
    errors: &mut FieldErrors,
) -> EventFilter {
    let commune = parse_commune(pairs, errors);
    let actor = parse_actor(pairs, errors);
    let from_day = parse_day(pairs, "from", errors);
    let to_day = parse_day(pairs, "to", errors);
    if let (Some(f), Some(t)) = (from_day, to_day) {
        if t < f {
            errors.insert(
                "to".to_owned(),
                "La date de fin doit être postérieure ou égale à la date de début.".to_owned(),
            );
        }
    }
    EventFilter {
        themes: list(pairs, "theme"),
        commune,
        actor,
        q: parse_q(pairs),
        from: Some(from_day.map_or(default_from, paris_midnight)),
        to: to_day.and_then(|d| d.succ_opt()).map(paris_midnight),
    }
}

/// Published events, upcoming first: by the start of their first date in the period
/// (an event under way comes first). Without `from`, from now.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(
        ("theme" = Option<String>, Query, description = "Theme slug(s): repeated or comma-separated"),
        ("commune" = Option<String>, Query, description = "INSEE code"),
        ("actor" = Option<String>, Query, description = "Actor id"),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD: dates ending on or after this day (France); default now"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD: dates starting on or before this day (France)"),
        ("q" = Option<String>, Query, description = "Text, accents and case ignored"),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query, description = "1 to 100, default 20")),
    responses((status = 200, body = EventListResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/events")]
#[tracing::instrument(skip_all)]
pub async fn list_events(
    state: web::Data<AppState>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    let (filter, (page, per_page)) = parse_query(|errors| {
        (
            parse_event_filter(&query, Utc::now(), errors),
            parse_page(&query, errors),
        )
    })?;
    let (rows, total) =
        storage::events::list_public(&state.db, &filter, &state.public_day(), page, per_page)
            .await?;
    Ok(HttpResponse::Ok().json(EventListResponse {
        items: public_responses(&state, &rows).await?,
        page,
        per_page,
        total,
    }))
}

/// Upcoming published events with a place, as a GeoJSON FeatureCollection (WGS 84
/// points; an event covering a whole commune sits on its interior point, with
/// `location_precision: "commune"`). Online events are not on the map.
#[utoipa::path(get, path = "/api/v1/events.geojson", tag = "events",
    params(
        ("theme" = Option<String>, Query), ("commune" = Option<String>, Query),
        ("actor" = Option<String>, Query),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD; default now"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("q" = Option<String>, Query)),
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json"),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/events.geojson")]
#[tracing::instrument(skip_all)]
pub async fn get_events_geojson(
    state: web::Data<AppState>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    let filter = parse_query(|errors| parse_event_filter(&query, Utc::now(), errors))?;
    let rows = storage::events::all_public(&state.db, &filter, &state.public_day(), FEED_LIMIT + 1)
        .await?;
    let truncated = rows.len() > FEED_LIMIT;
    let territory = state.territory.current();
    let mut features = Vec::new();
    for row in rows.iter().take(FEED_LIMIT) {
        let draft = storage::events::content_of(row)?;
        let Some(p) = draft.place.placement() else {
            continue;
        };
        let commune = territory.commune_ref(p.commune_code.as_str());
        let next = draft
            .occurrences
            .iter()
            .find(|o| filter.from.is_none_or(|from| o.end >= from));
        features.push(serde_json::json!({
            "type": "Feature",
            "id": row.id.to_string(),
            "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
            "properties": {
                "id": row.id.to_string(),
                "title": draft.title,
                "themes": draft.themes,
                "commune": commune.code,
                "commune_name": commune.name,
                "event_status": draft.event_status.as_str(),
                "start": next.map(|o| local(o.start_local)),
                "end": next.map(|o| local(o.end_local)),
                "page_url": page_path(row.id),
                "location_precision": if p.has_point { "point" } else { "commune" },
            }
        }));
    }
    let body = serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
        "truncated": truncated,
    });
    Ok(HttpResponse::Ok()
        .content_type("application/geo+json")
        .body(serde_json::to_vec(&body).map_err(ApiError::internal)?))
}

/// One published event (whatever its dates: a past event's page stays reachable).
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events",
    params(("id" = String, Path)),
    responses((status = 200, body = EventResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/events/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_event(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = public_event(&state, &id).await?;
    let mut items = public_responses(&state, std::slice::from_ref(&row)).await?;
    let item = items.pop().ok_or_else(event_not_found)?;
    Ok(HttpResponse::Ok().json(item))
}

fn event_not_found() -> ApiError {
    ApiError::NotFound("Cet événement n'existe pas ou n'est pas publié.".to_owned())
}

async fn public_event(state: &AppState, id: &str) -> Result<EventRow, ApiError> {
    let id = super::parse_id(id, event_not_found)?;
    storage::events::get_public(&state.db, id, &state.public_day())
        .await?
        .ok_or_else(event_not_found)
}

// ---------------------------------------------------------------------------------------
// iCalendar

/// The public address of the platform: the configured one, else the request's.
fn base_url(state: &AppState, req: &HttpRequest) -> String {
    state.settings.public_url.clone().unwrap_or_else(|| {
        let info = req.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    })
}

/// The VEVENTs of `rows`: one per date, UID `event-<id>-<position>@solidarites`.
async fn vevents(
    state: &AppState,
    rows: &[EventRow],
    base: &str,
) -> Result<Vec<ical::VEvent>, ApiError> {
    let territory = state.territory.current();
    let theme_labels: HashMap<String, String> = storage::themes::list(&state.db)
        .await?
        .into_iter()
        .map(|t| (t.slug, t.label))
        .collect();
    let mut out = Vec::new();
    for row in rows {
        let d = storage::events::content_of(row)?;
        let url = format!("{base}{}", page_path(row.id));
        let status_word = match d.event_status {
            EventStatus::Scheduled => None,
            s => Some(s.label_fr()),
        };
        let summary = match status_word {
            Some(word) => format!("[{word}] {}", d.title),
            None => d.title.clone(),
        };
        let place = d.place.placement().map(|p| {
            let commune = territory.commune_name(p.commune_code.as_str());
            match &d.address {
                // An address that names its commune already is not followed by it again.
                Some(address) if address.to_lowercase().contains(&commune.to_lowercase()) => {
                    address.clone()
                }
                Some(address) => format!("{address}, {commune}"),
                None => commune,
            }
        });
        let mut description = d.description.clone();
        description.push_str("\n\n");
        if let Some(word) = status_word {
            description.push_str(&format!("Statut : {word}\n"));
        }
        description.push_str(&match d.registration.value() {
            Some(v) => format!("Inscription : {v}\n"),
            None => "Entrée libre\n".to_owned(),
        });
        if let Some(url) = &d.online_url {
            description.push_str(&format!("En ligne : {url}\n"));
        }
        description.push_str(&format!("Page de l'événement : {url}"));
        let status = match d.event_status {
            EventStatus::Cancelled => ical::Status::Cancelled,
            EventStatus::Postponed => ical::Status::Tentative,
            EventStatus::Scheduled | EventStatus::Full => ical::Status::Confirmed,
        };
        let stamp = chrono::DateTime::from_timestamp(row.updated_at.timestamp(), 0)
            .unwrap_or(row.updated_at);
        for (o, n) in d.occurrences.iter().zip(1..) {
            out.push(ical::VEvent {
                uid: format!("event-{}-{n}@solidarites", row.id),
                sequence: row.sequence,
                stamp,
                start: o.start_local,
                end: o.end_local,
                summary: summary.clone(),
                description: description.clone(),
                url: url.clone(),
                location: place
                    .clone()
                    .or_else(|| d.online_url.as_ref().map(ToString::to_string)),
                geo: d.place.placement().map(|p| (p.lat, p.lon)),
                categories: d
                    .themes
                    .iter()
                    .map(|t| theme_labels.get(t).cloned().unwrap_or_else(|| t.clone()))
                    .collect(),
                status,
            });
        }
    }
    Ok(out)
}

/// `body` as `text/calendar`, with a strong ETag (its SHA-256) and a 304 when the
/// client already has it.
fn calendar_response(req: &HttpRequest, body: String, filename: &str) -> HttpResponse {
    let etag = header::EntityTag::new_strong(hex::encode(Sha256::digest(body.as_bytes())));
    let matches = match req.get_header::<header::IfNoneMatch>() {
        Some(header::IfNoneMatch::Any) => true,
        Some(header::IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&etag)),
        None => false,
    };
    let disposition = format!("inline; filename=\"{filename}\"");
    if matches {
        return HttpResponse::NotModified()
            .insert_header(header::ETag(etag))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .finish();
    }
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(header::ETag(etag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .body(body)
}

/// The agenda as an iCalendar feed (RFC 5545) to subscribe to: every published event, or
/// those of a commune, a theme or an actor; dates of the last 30 days and to come. Times
/// are Europe/Paris (VTIMEZONE included); UIDs are stable (`event-<id>-<n>@solidarites`,
/// `n` the date's position), SEQUENCE grows with each change, a cancelled event has
/// STATUS:CANCELLED, and the event's page is in URL and at the end of DESCRIPTION.
#[utoipa::path(get, path = "/api/v1/events.ics", tag = "events",
    params(
        ("commune" = Option<String>, Query, description = "INSEE code: the events of this commune"),
        ("theme" = Option<String>, Query, description = "Theme slug(s)"),
        ("actor" = Option<String>, Query, description = "Actor id"),
        ("If-None-Match" = Option<String>, Header, description = "ETag of a copy held: 304 when unchanged")),
    responses((status = 200, description = "iCalendar feed", content_type = "text/calendar"),
              (status = 304, description = "Unchanged"),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/events.ics")]
#[tracing::instrument(skip_all)]
pub async fn get_events_ics(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    let mut filter = parse_query(|errors| {
        parse_event_filter(&query, Utc::now() - Duration::days(FEED_PAST_DAYS), errors)
    })?;
    // A feed is a subscription to what comes: no upper bound, no text search.
    filter.to = None;
    filter.q = None;
    let rows =
        storage::events::all_public(&state.db, &filter, &state.public_day(), FEED_LIMIT).await?;
    let base = base_url(&state, &req);
    let mut name = "Agenda des solidarités".to_owned();
    if let Some(code) = &filter.commune {
        name = format!("{name} – {}", state.territory.current().commune_name(code));
    }
    let body = ical::calendar(&name, &vevents(&state, &rows, &base).await?);
    Ok(calendar_response(&req, body, "agenda.ics"))
}

/// One published event as an iCalendar file (every date), to add to a calendar.
#[utoipa::path(get, path = "/api/v1/events/{id}.ics", tag = "events",
    params(("id" = String, Path),
        ("If-None-Match" = Option<String>, Header, description = "ETag of a copy held: 304 when unchanged")),
    responses((status = 200, description = "iCalendar file", content_type = "text/calendar"),
              (status = 304, description = "Unchanged"),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/events/{id}.ics")]
#[tracing::instrument(skip_all)]
pub async fn get_event_ics(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = public_event(&state, &id).await?;
    let base = base_url(&state, &req);
    let events = vevents(&state, std::slice::from_ref(&row), &base).await?;
    let body = ical::calendar(&row.title, &events);
    Ok(calendar_response(
        &req,
        body,
        &format!("evenement-{}.ics", row.id),
    ))
}

// ---------------------------------------------------------------------------------------
// Submission and the private link

/// Submits an event (anonymous). It waits for moderation; the answer carries, once, the
/// private edit token.
#[utoipa::path(post, path = "/api/v1/events", tag = "events",
    request_body = CreateEventRequest,
    responses((status = 201, body = CreateEventResponse),
              (status = 422, description = "Each bad field named", body = solidarites_api_types::ErrorResponse),
              (status = 429, description = "Too many submissions from this address; see Retry-After", body = solidarites_api_types::ErrorResponse)))]
#[post("/events")]
#[tracing::instrument(skip_all)]
pub async fn create_event(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<CreateEventRequest>,
) -> Result<HttpResponse, ApiError> {
    super::questionnaire::throttle(&state, &req)?;
    let choices = super::SubmissionChoices::load(&state).await?;
    let ctx = choices.context();
    let parsed = drafts::parse_event(&body.content, &ctx);
    let actor = match body
        .actor_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Ok(None),
        Some(raw) => match super::actors::published_actor(&state, raw).await? {
            Some(id) => Ok(Some(id.uuid())),
            None => Err("Cet acteur n'existe pas ou n'est pas encore publié."),
        },
    };
    let notify = parse_notify_email(body.notify_email.as_deref(), body.notify_consent);
    let (draft, actor, notify_email) = match (parsed, actor, notify) {
        (Ok(draft), Ok(actor), Ok(email)) => (draft, actor, email),
        (parsed, actor, notify) => {
            let mut errors = parsed.err().map(|e| e.0).unwrap_or_default();
            if let Err(message) = actor {
                errors.insert("actor_id".to_owned(), message.to_owned());
            }
            errors.extend(notify.err().map(|e| e.0).unwrap_or_default());
            return Err(submission::invalid(errors));
        }
    };
    let token = edit_token::generate();
    let id = service::submit(
        &state.db,
        &draft,
        actor,
        &edit_token::hash(&token),
        notify_email.as_ref().map(|e| e.as_str()),
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/events/{id}")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreateEventResponse {
            id: id.to_string(),
            status: status::PENDING.to_owned(),
            edit_url: format!("/agenda/modifier/{token}"),
            edit_token: token,
        }))
}

async fn submitter_view(state: &AppState, row: &EventRow) -> Result<HttpResponse, ApiError> {
    let territory = state.territory.current();
    let actor = match row.actor_id {
        Some(id) => Some(actor_summary(
            storage::actors::by_ids(&state.db, [id]).await?.get(&id),
        )),
        None => None,
    };
    let content = storage::events::content_of(row)?;
    let pending = storage::events::pending_of(row)?;
    let (freshness, hidden_from) = submitter_freshness(
        state,
        row.last_confirmed_at,
        row.status == status::PUBLISHED,
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(SubmitterEventResponse {
            id: row.id.to_string(),
            status: row.status.clone(),
            content: event_content(&territory, &content),
            actor,
            pending_revision: pending.map(|d| event_content(&territory, &d)),
            moderation_message: row.moderation_message.clone(),
            last_confirmed_at: row.last_confirmed_at.map(|t| t.to_rfc3339()),
            freshness,
            hidden_from,
        }))
}

async fn show_by_token(
    state: &AppState,
    req: &HttpRequest,
    path: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let hash = token_hash(req, path)?;
    let row = storage::events::find_by_token_hash(&state.db, &hash)
        .await?
        .ok_or_else(unknown_token)?;
    submitter_view(state, &row).await
}

fn event_error(err: EventError) -> ApiError {
    match err {
        EventError::UnknownToken => unknown_token(),
        EventError::Closed => ApiError::Gone(
            "Cet événement a été retiré ou archivé : il ne peut plus être modifié.".to_owned(),
        ),
        EventError::Db(e) => e.into(),
    }
}

async fn update_by_token(
    state: &AppState,
    req: &HttpRequest,
    path: Option<&str>,
    body: &UpdateEventRequest,
) -> Result<HttpResponse, ApiError> {
    let hash = token_hash(req, path)?;
    let row = storage::events::find_by_token_hash(&state.db, &hash)
        .await?
        .ok_or_else(unknown_token)?;
    // Themes retired since the submission stay allowed on it.
    let choices = super::SubmissionChoices::load(state)
        .await?
        .keeping(storage::events::content_of(&row)?.themes);
    let ctx = choices.context();
    let draft = drafts::parse_event(body, &ctx).map_err(submission::invalid)?;
    let (outcome, row) = service::edit(&state.db, &hash, &draft)
        .await
        .map_err(event_error)?;
    tracing::debug!(?outcome, "event edited");
    debug_assert!(outcome != EditOutcome::Closed);
    submitter_view(state, &row).await
}

async fn withdraw_by_token(
    state: &AppState,
    req: &HttpRequest,
    path: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let hash = token_hash(req, path)?;
    match service::withdraw(&state.db, &hash).await {
        Ok(()) | Err(EventError::Closed) => Ok(HttpResponse::NoContent().finish()),
        Err(err) => Err(event_error(err)),
    }
}

/// The submitter's view (content, pending change, moderators' message), by the token in
/// the `X-Edit-Token` header.
#[utoipa::path(get, path = "/api/v1/events/edit", tag = "events",
    params(("X-Edit-Token" = String, Header)),
    responses((status = 200, body = SubmitterEventResponse),
              (status = 400, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/events/edit")]
pub async fn get_event_by_token_header(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    show_by_token(&state, &req, None).await
}

/// The submitter's view, by the token in the path.
#[utoipa::path(get, path = "/api/v1/events/edit/{token}", tag = "events",
    params(("token" = String, Path)),
    responses((status = 200, body = SubmitterEventResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/events/edit/{token}")]
pub async fn get_event_by_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    show_by_token(&state, &req, Some(&token)).await
}

/// Edits an event by the token in the `X-Edit-Token` header. On a published event, the
/// organisers' status (`event_status`) changes at once; any other change waits for
/// moderation while the published version stays public.
#[utoipa::path(put, path = "/api/v1/events/edit", tag = "events",
    params(("X-Edit-Token" = String, Header)), request_body = UpdateEventRequest,
    responses((status = 200, body = SubmitterEventResponse),
              (status = 400, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 410, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/events/edit")]
pub async fn update_event_by_token_header(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<UpdateEventRequest>,
) -> Result<HttpResponse, ApiError> {
    update_by_token(&state, &req, None, &body).await
}

/// Edits an event by the token in the path.
#[utoipa::path(put, path = "/api/v1/events/edit/{token}", tag = "events",
    params(("token" = String, Path)), request_body = UpdateEventRequest,
    responses((status = 200, body = SubmitterEventResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 410, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/events/edit/{token}")]
pub async fn update_event_by_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: ApiJson<UpdateEventRequest>,
) -> Result<HttpResponse, ApiError> {
    update_by_token(&state, &req, Some(&token), &body).await
}

/// Withdraws an event by the token in the `X-Edit-Token` header.
#[utoipa::path(delete, path = "/api/v1/events/edit", tag = "events",
    params(("X-Edit-Token" = String, Header)),
    responses((status = 204), (status = 400, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[delete("/events/edit")]
pub async fn withdraw_event_by_token_header(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    withdraw_by_token(&state, &req, None).await
}

/// Withdraws an event by the token in the path.
#[utoipa::path(delete, path = "/api/v1/events/edit/{token}", tag = "events",
    params(("token" = String, Path)),
    responses((status = 204), (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[delete("/events/edit/{token}")]
pub async fn withdraw_event_by_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    withdraw_by_token(&state, &req, Some(&token)).await
}

async fn confirm_by_token(
    state: &AppState,
    req: &HttpRequest,
    path: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let at = edit_links::confirm(
        state,
        req,
        path,
        ListingKind::Event,
        "Seul un événement publié peut être confirmé comme à jour.",
    )
    .await?;
    Ok(edit_links::confirmed(state, at))
}

/// The submitter confirms in one click that the published event is current (token in the
/// `X-Edit-Token` header): it stays public for a full period again.
#[utoipa::path(post, path = "/api/v1/events/edit/confirm", tag = "events",
    params(("X-Edit-Token" = String, Header)),
    responses((status = 200, body = ConfirmListingResponse),
              (status = 400, body = solidarites_api_types::ErrorResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, description = "Not published", body = solidarites_api_types::ErrorResponse)))]
#[post("/events/edit/confirm")]
pub async fn confirm_event_by_token_header(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    confirm_by_token(&state, &req, None).await
}

/// The submitter confirms that the published event is current (token in the path).
#[utoipa::path(post, path = "/api/v1/events/edit/{token}/confirm", tag = "events",
    params(("token" = String, Path)),
    responses((status = 200, body = ConfirmListingResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, description = "Not published", body = solidarites_api_types::ErrorResponse)))]
#[post("/events/edit/{token}/confirm")]
pub async fn confirm_event_by_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    confirm_by_token(&state, &req, Some(&token)).await
}
