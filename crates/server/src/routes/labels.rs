//! `GET /api/v1/labels`: the labels staff define, for the public filters and to explain
//! what each one means.

use actix_web::{get, http::header, web, HttpResponse};
use solidarites_api_types::{LabelListResponse, LabelResponse};

use crate::{error::ApiError, state::AppState, storage};

/// Every label by name, with its criteria (public: labels are shown on public pages).
#[utoipa::path(get, path = "/api/v1/labels", tag = "labels",
    responses((status = 200, body = LabelListResponse)))]
#[get("/labels")]
#[tracing::instrument(skip_all)]
pub async fn list_public_labels(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let labels = storage::labels::list(&state.db).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(LabelListResponse {
            labels: labels
                .into_iter()
                .map(|l| LabelResponse {
                    id: l.id.to_string(),
                    slug: l.slug,
                    name: l.name,
                    criteria: l.criteria,
                })
                .collect(),
        }))
}
