//! `GET /api/v1/labels`: the labels staff define, for the public filters and to explain
//! what each one means; `GET /api/v1/labels/{slug}`: one label and its criteria, which an
//! application answers.

use actix_web::{get, http::header, web, HttpResponse};
use solidarites_api_types::{LabelListResponse, LabelResponse};

use crate::{error::ApiError, state::AppState, storage};

/// A label as the API shows it: its criteria as the ordered list and as one text.
pub(super) fn label_response(l: &storage::Label) -> LabelResponse {
    LabelResponse {
        id: l.id.to_string(),
        slug: l.slug.clone(),
        name: l.name.clone(),
        criteria: l.criteria.clone(),
        criteria_list: storage::labels::criteria_of(l),
    }
}

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
            labels: labels.iter().map(label_response).collect(),
        }))
}

/// One label with its criteria, in order.
#[utoipa::path(get, path = "/api/v1/labels/{slug}", tag = "labels",
    params(("slug" = String, Path)),
    responses((status = 200, body = LabelResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[get("/labels/{slug}")]
#[tracing::instrument(skip_all)]
pub async fn get_public_label(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let label = storage::labels::find_by_slug(&state.db, slug.trim())
        .await?
        .ok_or_else(super::label_applications::label_not_found)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .json(label_response(&label)))
}
