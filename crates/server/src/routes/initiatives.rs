//! The carte des solidarités: submitting initiatives, editing them through the private
//! link, and reading the published ones (list, GeoJSON, clusters, detail).

use actix_web::{
    delete, get, http::header, post, put, web, HttpMessage, HttpRequest, HttpResponse,
};
use chrono::NaiveDate;
use solidarites_api_types::{
    ActorSummary, ClusterListResponse, ClusterResponse, ConfirmListingResponse, ContactResponse,
    CreateInitiativeRequest, CreateInitiativeResponse, CurrentLabelResponse,
    InitiativeContentResponse, InitiativeListResponse, InitiativeResponse, NearResponse,
    SubmitterInitiativeResponse, UpdateInitiativeRequest,
};
use solidarites_domain::{drafts, freshness::ListingKind, notify::parse_notify_email};

use super::{
    carte_query::{parse_cluster_query, parse_initiative_query, Pairs},
    edit_links::{self, submitter_freshness, token_hash, unknown_token},
};
use crate::{
    edit_token,
    error::ApiError,
    ids::ActorId,
    json_body::ApiJson,
    lists::{InitiativesStamp, Same},
    state::AppState,
    storage::{
        self,
        freshness::PublicDay,
        initiatives::{status, EditOutcome},
        labels::CurrentLabel,
        list_revisions::List,
    },
    submission::{self, InitiativeDraft},
    territory::LoadedTerritory,
};

/// Most features a GeoJSON answer carries; narrow with `bbox` or filters beyond that.
const GEOJSON_LIMIT: u64 = 20_000;

/// Today in France, for expiry (end dates are inclusive local dates).
pub fn today() -> NaiveDate {
    crate::questionnaire::today()
}

pub fn label_responses(labels: Option<&Vec<CurrentLabel>>) -> Vec<CurrentLabelResponse> {
    labels
        .map(|l| {
            l.iter()
                .map(|c| CurrentLabelResponse {
                    slug: c.slug.clone(),
                    name: c.name.clone(),
                    expires_on: c.expires_on.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn content_of_row(
    territory: &LoadedTerritory,
    row: &storage::Initiative,
) -> InitiativeContentResponse {
    InitiativeContentResponse {
        title: row.title.clone(),
        description: row.description.clone(),
        themes: storage::initiatives::themes_of(row),
        lon: row.lon,
        lat: row.lat,
        has_point: row.has_point,
        commune: territory.commune_ref(&row.commune_code),
        address: row.address.clone(),
        start_date: row.start_date.map(|d| d.to_string()),
        end_date: row.end_date.map(|d| d.to_string()),
        ongoing: row.end_date.is_none(),
        schedule: row.schedule.clone(),
        audience: row.audience.clone(),
        contact: ContactResponse {
            email: row.contact_email.clone(),
            phone: row.contact_phone.clone(),
            url: row.contact_url.clone(),
        },
        welcomes_volunteers: row.welcomes_volunteers,
    }
}

pub(super) fn content_of_draft(
    territory: &LoadedTerritory,
    d: &InitiativeDraft,
) -> InitiativeContentResponse {
    InitiativeContentResponse {
        title: d.title.clone(),
        description: d.description.clone(),
        themes: d.themes.clone(),
        lon: d.placement.lon,
        lat: d.placement.lat,
        has_point: d.placement.has_point,
        commune: territory.commune_ref(d.placement.commune_code.as_str()),
        address: d.address.clone(),
        start_date: d.start_date.map(|x| x.to_string()),
        end_date: d.end_date.map(|x| x.to_string()),
        ongoing: d.end_date.is_none(),
        schedule: d.schedule.clone(),
        audience: d.audience.clone(),
        contact: ContactResponse {
            email: d.contact_email.as_ref().map(ToString::to_string),
            phone: d.contact_phone.as_ref().map(ToString::to_string),
            url: d.contact_url.as_ref().map(ToString::to_string),
        },
        welcomes_volunteers: d.welcomes_volunteers,
    }
}

pub(super) fn actor_summary(a: Option<&storage::Actor>) -> ActorSummary {
    a.map_or_else(
        || ActorSummary {
            id: String::new(),
            name: String::new(),
            kind: String::new(),
        },
        |a| ActorSummary {
            id: a.id.to_string(),
            name: a.name.clone(),
            kind: a.kind.clone(),
        },
    )
}

/// Public payloads of `rows` (actors and current labels loaded in two queries).
pub async fn public_responses(
    state: &AppState,
    rows: &[storage::Initiative],
    today: NaiveDate,
) -> Result<Vec<InitiativeResponse>, ApiError> {
    let territory = state.territory.current();
    let actors = storage::actors::by_ids(&state.db, rows.iter().map(|r| r.actor_id)).await?;
    let labels = storage::labels::current_for_initiatives(
        &state.db,
        rows.iter().map(|r| r.id).collect(),
        today,
    )
    .await?;
    Ok(rows
        .iter()
        .map(|row| InitiativeResponse {
            id: row.id.to_string(),
            content: content_of_row(&territory, row),
            actor: actor_summary(actors.get(&row.actor_id)),
            labels: label_responses(labels.get(&row.id)),
            published_at: row.published_at.map(|t| t.to_rfc3339()),
            distance_km: None,
        })
        .collect())
}

/// The initiatives query of `pairs`, `near` resolved on the current territory.
async fn initiative_query(
    state: &AppState,
    pairs: &Pairs,
) -> Result<(storage::initiatives::PublicFilter, u64, u64), ApiError> {
    let territory = state.territory.current();
    let points = state.results.gap_territory(&territory).await;
    parse_initiative_query(pairs, &|code| points.point(code))
}

/// Distances rounded to 10 m: enough to order and show, no false precision.
fn round_km(d: f64) -> f64 {
    (d * 100.0).round() / 100.0
}

/// Published initiatives, newest first, one page at a time; with `near`, those around a
/// commune, nearest first.
#[utoipa::path(get, path = "/api/v1/initiatives", tag = "initiatives",
    params(
        ("bbox" = Option<String>, Query, description = "minLon,minLat,maxLon,maxLat (WGS 84)"),
        ("theme" = Option<String>, Query, description = "Theme slug(s): repeated or comma-separated"),
        ("commune" = Option<String>, Query, description = "INSEE code"),
        ("near" = Option<String>, Query, description = "INSEE code of a commune of the territory: \
            only its initiatives and those within `radius_km` of its representative point, \
            ordered by great-circle distance from that point (nearest first), each with \
            `distance_km`; the answer's `near` gives the point and radius"),
        ("radius_km" = Option<f64>, Query, description = "Radius of `near` in km, 1 to 100, default 20 (only with `near`)"),
        ("actor" = Option<String>, Query, description = "Actor id"),
        ("label" = Option<String>, Query, description = "Label slug held by the initiative or its actor"),
        ("q" = Option<String>, Query, description = "Text, accents and case ignored"),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query, description = "1 to 100, default 20")),
    responses((status = 200, body = InitiativeListResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/initiatives")]
#[tracing::instrument(skip_all)]
pub async fn list_initiatives(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    // From memory while the initiatives' revision, the territory and the public day hold
    // (see `crate::lists`); the revision and the territory are taken before the page is
    // built (and before `near` is resolved on the territory).
    let revision = state
        .lists
        .initiatives_revision
        .get(|| storage::list_revisions::revision(&state.db, List::Initiatives))
        .await?;
    let territory = state.territory.current();
    let (filter, page, per_page) = initiative_query(&state, &query).await?;
    let day = state.public_day();
    let stamp = InitiativesStamp {
        revision,
        territory: Same(territory),
        today: day.today,
        confirmed_since: day.confirmed_since,
    };
    let body = state
        .lists
        .initiatives
        .page(stamp, req.query_string(), || async {
            let response = initiatives_page(&state, &filter, &day, page, per_page).await?;
            serde_json::to_vec(&response)
                .map(bytes::Bytes::from)
                .map_err(ApiError::internal)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(header::ContentType::json())
        .body(bytes::Bytes::clone(&body)))
}

/// One page of the published initiatives, from the database.
async fn initiatives_page(
    state: &AppState,
    filter: &storage::initiatives::PublicFilter,
    day: &PublicDay,
    page: u64,
    per_page: u64,
) -> Result<InitiativeListResponse, ApiError> {
    let today = day.today;
    if let Some(near) = &filter.near {
        let (found, total) =
            storage::initiatives::list_near(&state.db, filter, near, day, page, per_page).await?;
        let (rows, distances): (Vec<_>, Vec<_>) = found.into_iter().unzip();
        let mut items = public_responses(state, &rows, today).await?;
        for (item, d) in items.iter_mut().zip(distances) {
            item.distance_km = Some(round_km(d));
        }
        let territory = state.territory.current();
        return Ok(InitiativeListResponse {
            items,
            page,
            per_page,
            total,
            near: Some(NearResponse {
                commune: territory.commune_ref(&near.commune),
                lon: near.point.lon(),
                lat: near.point.lat(),
                radius_km: near.radius_km,
            }),
        });
    }
    let (rows, total) =
        storage::initiatives::list_public(&state.db, filter, day, page, per_page).await?;
    Ok(InitiativeListResponse {
        items: public_responses(state, &rows, today).await?,
        page,
        per_page,
        total,
        near: None,
    })
}

/// Published initiatives as a GeoJSON FeatureCollection (WGS 84 points). An initiative
/// covering a whole commune sits on the commune's interior point, with
/// `location_precision: "commune"`.
#[utoipa::path(get, path = "/api/v1/initiatives.geojson", tag = "initiatives",
    params(
        ("bbox" = Option<String>, Query, description = "minLon,minLat,maxLon,maxLat (WGS 84)"),
        ("theme" = Option<String>, Query), ("commune" = Option<String>, Query),
        ("near" = Option<String>, Query, description = "INSEE code: as in the list, nearest first"),
        ("radius_km" = Option<f64>, Query, description = "Radius of `near` in km, 1 to 100, default 20"),
        ("actor" = Option<String>, Query), ("label" = Option<String>, Query), ("q" = Option<String>, Query)),
    responses((status = 200, description = "GeoJSON FeatureCollection", content_type = "application/geo+json"),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/initiatives.geojson")]
#[tracing::instrument(skip_all)]
pub async fn get_initiatives_geojson(
    state: web::Data<AppState>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    let (filter, _, _) = initiative_query(&state, &query).await?;
    let day = state.public_day();
    let rows = match &filter.near {
        Some(near) => {
            storage::initiatives::all_near(&state.db, &filter, near, &day, GEOJSON_LIMIT + 1)
                .await?
        }
        None => {
            storage::initiatives::all_public(&state.db, &filter, &day, GEOJSON_LIMIT + 1).await?
        }
    };
    let truncated = rows.len() as u64 > GEOJSON_LIMIT;
    let rows = &rows[..rows
        .len()
        .min(usize::try_from(GEOJSON_LIMIT).unwrap_or(usize::MAX))];
    let territory = state.territory.current();
    let actors = storage::actors::by_ids(&state.db, rows.iter().map(|r| r.actor_id)).await?;
    let features: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            let commune = territory.commune_ref(&row.commune_code);
            let actor = actors.get(&row.actor_id);
            serde_json::json!({
                "type": "Feature",
                "id": row.id.to_string(),
                "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
                "properties": {
                    "id": row.id.to_string(),
                    "title": row.title,
                    "themes": storage::initiatives::themes_of(row),
                    "commune": commune.code,
                    "commune_name": commune.name,
                    "actor": actor.map(|a| a.name.clone()),
                    "actor_id": row.actor_id.to_string(),
                    "location_precision": if row.has_point { "point" } else { "commune" },
                }
            })
        })
        .collect();
    let body = serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
        "truncated": truncated,
    });
    Ok(HttpResponse::Ok()
        .content_type("application/geo+json")
        .body(serde_json::to_vec(&body).map_err(ApiError::internal)?))
}

/// Server-side clusters of published initiatives: 80-pixel Web-Mercator grid cells at
/// `zoom`. Each cluster's theme breakdown counts members by main theme and sums to its
/// count. Without `bbox`, the whole territory.
#[utoipa::path(get, path = "/api/v1/initiatives/clusters", tag = "initiatives",
    params(
        ("bbox" = Option<String>, Query, description = "minLon,minLat,maxLon,maxLat (WGS 84)"),
        ("zoom" = u8, Query, description = "0 to 20"),
        ("theme" = Option<String>, Query, description = "Only these main themes")),
    responses((status = 200, body = ClusterListResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/initiatives/clusters")]
#[tracing::instrument(skip_all)]
pub async fn get_initiative_clusters(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    let territory_bbox = state
        .territory
        .current()
        .index
        .bbox()
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
    let (bbox, zoom, themes) = parse_cluster_query(&query, territory_bbox)?;
    // Like the lists and the detail, the clusters follow what is stored, whichever
    // instance changed it: one read of the map revision, a reload only when it moved.
    state
        .map
        .refresh(&state.db)
        .await
        .map_err(ApiError::Internal)?;
    let snapshot = state.map.current();
    let day = state.public_day().today;
    // The answer depends on the published points (the revision) and on the day (ended
    // initiatives drop out): a browser revalidates, and gets a 304 while both hold.
    let etag = header::EntityTag::new_weak(format!("m{}-{day}", snapshot.revision));
    if let Some(header::IfNoneMatch::Items(tags)) = req.get_header::<header::IfNoneMatch>() {
        if tags.iter().any(|tag| tag.weak_eq(&etag)) {
            return Ok(HttpResponse::NotModified()
                .insert_header(header::ETag(etag))
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .finish());
        }
    }
    let clusters = snapshot.clusters(bbox, zoom, day, &themes);
    let total = clusters.iter().map(|c| c.count).sum();
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(header::ETag(etag))
        .json(ClusterListResponse {
            zoom,
            total,
            clusters: clusters
                .into_iter()
                .map(|c| ClusterResponse {
                    count: c.count,
                    lon: (c.lon * 1e6).round() / 1e6,
                    lat: (c.lat * 1e6).round() / 1e6,
                    themes: c.themes,
                    id: c.single.as_ref().map(|(id, _)| id.to_string()),
                    title: c.single.map(|(_, t)| t),
                })
                .collect(),
        }))
}

/// One published initiative.
#[utoipa::path(get, path = "/api/v1/initiatives/{id}", tag = "initiatives",
    params(("id" = String, Path)),
    responses((status = 200, body = InitiativeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/initiatives/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_initiative(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let not_found =
        || ApiError::NotFound("Cette initiative n'existe pas ou n'est pas publiée.".to_owned());
    let id = super::parse_id(&id, not_found)?;
    let day = state.public_day();
    let row = storage::initiatives::get_public(&state.db, id, &day)
        .await?
        .ok_or_else(not_found)?;
    let mut responses = public_responses(&state, std::slice::from_ref(&row), day.today).await?;
    let response = responses.pop().ok_or_else(not_found)?;
    Ok(HttpResponse::Ok().json(response))
}

/// Submits an initiative (anonymous). It waits for moderation; the answer carries, once,
/// the private edit token.
#[utoipa::path(post, path = "/api/v1/initiatives", tag = "initiatives",
    request_body = CreateInitiativeRequest,
    responses((status = 201, body = CreateInitiativeResponse),
              (status = 422, description = "Each bad field named", body = solidarites_api_types::ErrorResponse),
              (status = 429, description = "Too many submissions from this address; see Retry-After", body = solidarites_api_types::ErrorResponse)))]
#[post("/initiatives")]
#[tracing::instrument(skip_all)]
pub async fn create_initiative(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<CreateInitiativeRequest>,
) -> Result<HttpResponse, ApiError> {
    super::questionnaire::throttle(&state, &req)?;
    let choices = super::SubmissionChoices::load(&state).await?;
    let ctx = choices.context();
    let existing_actor = match body.actor_id.as_deref() {
        Some(raw) => super::actors::published_actor(&state, raw.trim()).await?,
        None => None,
    };
    let ((draft, actor), notify_email) = submission::with_notify_email(
        drafts::parse_initiative_submission(
            &body.content,
            body.actor_id.as_deref(),
            body.new_actor.as_ref(),
            |_| existing_actor.map(ActorId::uuid),
            &ctx,
        ),
        parse_notify_email(body.notify_email.as_deref(), body.notify_consent),
    )?;
    let token = edit_token::generate();
    let id = storage::initiatives::create_with_notify(
        &state.db,
        &draft,
        &actor,
        &edit_token::hash(&token),
        notify_email.as_ref().map(|e| e.as_str()),
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/initiatives/{id}")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreateInitiativeResponse {
            id: id.to_string(),
            status: status::PENDING.to_owned(),
            edit_url: format!("/initiatives/modifier/{token}"),
            edit_token: token,
        }))
}

async fn find_by_token(
    state: &AppState,
    req: &HttpRequest,
    path: Option<&str>,
) -> Result<(storage::Initiative, String), ApiError> {
    let hash = token_hash(req, path)?;
    let row = storage::initiatives::find_by_token_hash(&state.db, &hash)
        .await?
        .ok_or_else(unknown_token)?;
    Ok((row, hash))
}

async fn submitter_view(
    state: &AppState,
    row: &storage::Initiative,
) -> Result<SubmitterInitiativeResponse, ApiError> {
    let territory = state.territory.current();
    let actors = storage::actors::by_ids(&state.db, [row.actor_id]).await?;
    let pending = storage::initiatives::pending_revision(&state.db, row.id).await?;
    let mut moderation_message = row.moderation_message.clone();
    if moderation_message.is_none() && row.status == status::PUBLISHED && pending.is_none() {
        // A refused change of a published initiative: tell the submitter why.
        if let Some(rev) = storage::initiatives::latest_revision(&state.db, row.id).await? {
            if rev.status == status::REJECTED || rev.status == status::CHANGES_REQUESTED {
                moderation_message = rev.moderation_message;
            }
        }
    }
    let (freshness, hidden_from) = submitter_freshness(
        state,
        row.last_confirmed_at,
        row.status == status::PUBLISHED,
    );
    Ok(SubmitterInitiativeResponse {
        id: row.id.to_string(),
        status: row.status.clone(),
        content: content_of_row(&territory, row),
        actor: actor_summary(actors.get(&row.actor_id)),
        pending_revision: pending.map(|(_, d)| content_of_draft(&territory, &d)),
        moderation_message,
        last_confirmed_at: row.last_confirmed_at.map(|t| t.to_rfc3339()),
        freshness,
        hidden_from,
    })
}

async fn show_by_token(
    state: &AppState,
    req: &HttpRequest,
    path: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let (row, _) = find_by_token(state, req, path).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(submitter_view(state, &row).await?))
}

async fn update_by_token(
    state: &AppState,
    req: &HttpRequest,
    path: Option<&str>,
    body: &UpdateInitiativeRequest,
) -> Result<HttpResponse, ApiError> {
    let (row, hash) = find_by_token(state, req, path).await?;
    // Themes retired since the submission stay allowed on it.
    let choices = super::SubmissionChoices::load(state)
        .await?
        .keeping(storage::initiatives::themes_of(&row));
    let ctx = choices.context();
    let draft = drafts::parse_initiative(body, &ctx).map_err(submission::invalid)?;
    match storage::initiatives::update_by_token(&state.db, &hash, &draft).await? {
        None => Err(unknown_token()),
        Some(EditOutcome::Closed) => Err(ApiError::Gone(
            "Cette initiative a été retirée ou archivée : elle ne peut plus être modifiée."
                .to_owned(),
        )),
        Some(EditOutcome::Updated | EditOutcome::RevisionPending) => {
            let row = storage::initiatives::find_by_token_hash(&state.db, &hash)
                .await?
                .ok_or_else(unknown_token)?;
            Ok(HttpResponse::Ok()
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .json(submitter_view(state, &row).await?))
        }
    }
}

async fn withdraw_by_token(
    state: &AppState,
    req: &HttpRequest,
    path: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let (_, hash) = find_by_token(state, req, path).await?;
    match storage::initiatives::withdraw_by_token(&state.db, &hash).await? {
        None => Err(unknown_token()),
        Some(_) => {
            state.refresh_map().await;
            Ok(HttpResponse::NoContent().finish())
        }
    }
}

/// The submitter's view (content, pending change, moderators' message), by the token in
/// the `X-Edit-Token` header.
#[utoipa::path(get, path = "/api/v1/initiatives/edit", tag = "initiatives",
    params(("X-Edit-Token" = String, Header)),
    responses((status = 200, body = SubmitterInitiativeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/initiatives/edit")]
pub async fn get_initiative_by_token_header(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    show_by_token(&state, &req, None).await
}

/// The submitter's view, by the token in the path.
#[utoipa::path(get, path = "/api/v1/initiatives/edit/{token}", tag = "initiatives",
    params(("token" = String, Path)),
    responses((status = 200, body = SubmitterInitiativeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/initiatives/edit/{token}")]
pub async fn get_initiative_by_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    show_by_token(&state, &req, Some(&token)).await
}

/// Edits an initiative by the token in the `X-Edit-Token` header. A published initiative
/// keeps its published version public until moderators approve the change.
#[utoipa::path(put, path = "/api/v1/initiatives/edit", tag = "initiatives",
    params(("X-Edit-Token" = String, Header)), request_body = UpdateInitiativeRequest,
    responses((status = 200, body = SubmitterInitiativeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 410, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/initiatives/edit")]
pub async fn update_initiative_by_token_header(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<UpdateInitiativeRequest>,
) -> Result<HttpResponse, ApiError> {
    update_by_token(&state, &req, None, &body).await
}

/// Edits an initiative by the token in the path.
#[utoipa::path(put, path = "/api/v1/initiatives/edit/{token}", tag = "initiatives",
    params(("token" = String, Path)), request_body = UpdateInitiativeRequest,
    responses((status = 200, body = SubmitterInitiativeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 410, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[put("/initiatives/edit/{token}")]
pub async fn update_initiative_by_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: ApiJson<UpdateInitiativeRequest>,
) -> Result<HttpResponse, ApiError> {
    update_by_token(&state, &req, Some(&token), &body).await
}

/// Withdraws an initiative by the token in the `X-Edit-Token` header.
#[utoipa::path(delete, path = "/api/v1/initiatives/edit", tag = "initiatives",
    params(("X-Edit-Token" = String, Header)),
    responses((status = 204), (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[delete("/initiatives/edit")]
pub async fn withdraw_initiative_by_token_header(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    withdraw_by_token(&state, &req, None).await
}

/// Withdraws an initiative by the token in the path.
#[utoipa::path(delete, path = "/api/v1/initiatives/edit/{token}", tag = "initiatives",
    params(("token" = String, Path)),
    responses((status = 204), (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[delete("/initiatives/edit/{token}")]
pub async fn withdraw_initiative_by_token(
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
        ListingKind::Initiative,
        "Seule une initiative publiée peut être confirmée comme à jour.",
    )
    .await?;
    state.refresh_map().await;
    Ok(edit_links::confirmed(state, at))
}

/// The submitter confirms in one click that the published initiative is current (token
/// in the `X-Edit-Token` header): it stays public for a full period again.
#[utoipa::path(post, path = "/api/v1/initiatives/edit/confirm", tag = "initiatives",
    params(("X-Edit-Token" = String, Header)),
    responses((status = 200, body = ConfirmListingResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, description = "Not published", body = solidarites_api_types::ErrorResponse)))]
#[post("/initiatives/edit/confirm")]
pub async fn confirm_initiative_by_token_header(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    confirm_by_token(&state, &req, None).await
}

/// The submitter confirms that the published initiative is current (token in the path).
#[utoipa::path(post, path = "/api/v1/initiatives/edit/{token}/confirm", tag = "initiatives",
    params(("token" = String, Path)),
    responses((status = 200, body = ConfirmListingResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 409, description = "Not published", body = solidarites_api_types::ErrorResponse)))]
#[post("/initiatives/edit/{token}/confirm")]
pub async fn confirm_initiative_by_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    confirm_by_token(&state, &req, Some(&token)).await
}
