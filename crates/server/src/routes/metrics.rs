use actix_web::{get, http::header, web, HttpRequest, HttpResponse};
use solidarites_api_types::ErrorResponse;

use crate::error::ErrorCode;
use crate::state::AppState;

/// Prometheus metrics (OpenMetrics text): requests by route pattern and status with their
/// latency, answers stored, results passes, moderation queues, database pool, version.
/// Only for the client addresses of `--metrics-allow` (loopback by default); never holds
/// a client address or anything a person typed. See docs/operations.md.
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses(
        (status = 200, description = "OpenMetrics text",
            content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8", body = String),
        (status = 403, description = "This client address may not read the metrics", body = ErrorResponse)))]
#[get("/metrics")]
pub async fn get_metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if !crate::metrics::allowed(&req, &state) {
        return HttpResponse::Forbidden().json(ErrorResponse {
            error: ErrorCode::Forbidden.as_str().to_owned(),
            message: "Les métriques ne sont lisibles que depuis les adresses autorisées \
                      (--metrics-allow)."
                .to_owned(),
            fields: Default::default(),
        });
    }
    match crate::metrics::render(&state).await {
        Ok(text) => HttpResponse::Ok()
            .insert_header((
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            ))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(text),
        Err(err) => {
            tracing::error!(error = %err, "metrics: cannot encode");
            HttpResponse::InternalServerError().finish()
        }
    }
}
