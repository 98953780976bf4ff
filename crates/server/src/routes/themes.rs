use actix_web::{get, http::header, web, HttpResponse};
use solidarites_api_types::{ThemeListResponse, ThemeResponse};

use crate::{error::ApiError, state::AppState, storage};

/// Every theme in display order; retired ones are flagged (still shown on old initiatives,
/// not offered for new ones).
#[utoipa::path(get, path = "/api/v1/themes", tag = "initiatives",
    responses((status = 200, body = ThemeListResponse)))]
#[get("/themes")]
#[tracing::instrument(skip_all)]
pub async fn list_themes(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let themes = storage::themes::list(&state.db).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(ThemeListResponse {
            themes: themes
                .into_iter()
                .map(|t| ThemeResponse {
                    slug: t.slug,
                    label: t.label,
                    color: t.color,
                    icon: t.icon,
                    position: t.position,
                    retired: t.retired_at.is_some(),
                })
                .collect(),
        }))
}
