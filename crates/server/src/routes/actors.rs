use actix_web::{get, web, HttpResponse};
use solidarites_api_types::{ActorDetailResponse, ActorListResponse, ActorResponse};

use super::{
    carte_query::{parse_actor_query, Pairs},
    initiatives::{label_responses, public_responses},
};
use crate::{
    error::ApiError,
    ids::ActorId,
    state::AppState,
    storage::{self, initiatives::PublicFilter, labels::CurrentLabel},
    territory::LoadedTerritory,
};

/// The actor a submission names (`actor_id`), when the text is the id of an actor the
/// public sees today.
pub(super) async fn published_actor(
    state: &AppState,
    raw: &str,
) -> Result<Option<ActorId>, ApiError> {
    Ok(match raw.parse::<ActorId>() {
        Ok(id) if storage::actors::is_published(&state.db, id, &state.public_day()).await? => {
            Some(id)
        }
        _ => None,
    })
}

/// Most initiatives listed on an actor's page.
const ACTOR_PAGE_INITIATIVES: u64 = 200;

fn actor_response(
    territory: &LoadedTerritory,
    a: &storage::Actor,
    labels: Option<&Vec<CurrentLabel>>,
) -> ActorResponse {
    ActorResponse {
        id: a.id.to_string(),
        name: a.name.clone(),
        kind: a.kind.clone(),
        description: a.description.clone(),
        website: a.website.clone(),
        contact_email: a.contact_email.clone(),
        contact_phone: a.contact_phone.clone(),
        commune: a
            .commune_code
            .as_deref()
            .map(|code| territory.commune_ref(code)),
        charter_signed_at: a.charter_signed_at.map(|t| t.to_rfc3339()),
        labels: label_responses(labels),
        welcomes_volunteers: a.welcomes_volunteers,
    }
}

/// Published actors by name, one page at a time.
#[utoipa::path(get, path = "/api/v1/actors", tag = "actors",
    params(
        ("kind" = Option<String>, Query, description = "association, ccas, commune, collectif, entreprise, particulier, autre"),
        ("commune" = Option<String>, Query, description = "INSEE code"),
        ("theme" = Option<String>, Query, description = "Actors running a published initiative of this theme"),
        ("q" = Option<String>, Query, description = "Name, accents and case ignored"),
        ("label" = Option<String>, Query, description = "Label slug currently held"),
        ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = ActorListResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[get("/actors")]
#[tracing::instrument(skip_all)]
pub async fn list_actors(
    state: web::Data<AppState>,
    query: web::Query<Pairs>,
) -> Result<HttpResponse, ApiError> {
    let (filter, page, per_page) = parse_actor_query(&query)?;
    let day = state.public_day();
    let (rows, total) =
        storage::actors::list_public(&state.db, &filter, &day, page, per_page).await?;
    let labels = storage::labels::current_for_actors(
        &state.db,
        rows.iter().map(|a| a.id).collect(),
        day.today,
    )
    .await?;
    let territory = state.territory.current();
    Ok(HttpResponse::Ok().json(ActorListResponse {
        items: rows
            .iter()
            .map(|a| actor_response(&territory, a, labels.get(&a.id)))
            .collect(),
        page,
        per_page,
        total,
    }))
}

/// One published actor with its published initiatives and current labels.
#[utoipa::path(get, path = "/api/v1/actors/{id}", tag = "actors",
    params(("id" = String, Path)),
    responses((status = 200, body = ActorDetailResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/actors/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_actor(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let not_found =
        || ApiError::NotFound("Cet acteur n'existe pas ou n'est pas publié.".to_owned());
    let id: ActorId = super::parse_id(&id, not_found)?;
    let day = state.public_day();
    let actor = storage::actors::get_public(&state.db, id, &day)
        .await?
        .ok_or_else(not_found)?;
    let labels = storage::labels::current_for_actors(&state.db, vec![id.uuid()], day.today).await?;
    let filter = PublicFilter {
        actor: Some(id),
        ..PublicFilter::default()
    };
    let rows =
        storage::initiatives::all_public(&state.db, &filter, &day, ACTOR_PAGE_INITIATIVES).await?;
    let territory = state.territory.current();
    Ok(HttpResponse::Ok().json(ActorDetailResponse {
        actor: actor_response(&territory, &actor, labels.get(&actor.id)),
        initiatives: public_responses(&state, &rows, day.today).await?,
    }))
}
