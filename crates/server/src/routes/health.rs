use actix_web::{route, web, HttpResponse};
use solidarites_api_types::HealthResponse;

use crate::{error::ApiError, state::AppState, storage};

/// Liveness and readiness: answers 200 only when the database answers.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, description = "The server and its database are up", body = HealthResponse)))]
#[route("/health", method = "GET", method = "HEAD")]
#[tracing::instrument(skip_all)]
pub async fn get_health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.ping().await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(HealthResponse {
            status: "ok".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            database: storage::backend_name(&state.db).to_owned(),
            communes: state.territory.current().index.len(),
        }))
}
