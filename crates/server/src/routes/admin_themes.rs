//! The themes of the carte, for administrators: adding, renaming, recolouring, retiring.
//! Changes and their audit lines are made by [`crate::services::carte`].

use actix_web::{patch, post, web, HttpResponse};
use solidarites_api_types::{CreateThemeRequest, ThemeResponse, UpdateThemeRequest};

use super::admin_carte::{carte_error, parse_name, parse_slug};
use crate::{
    auth::{Role, StaffUser},
    error::ApiError,
    json_body::ApiJson,
    services::carte::{self, ThemeChanges},
    state::AppState,
    storage,
    submission::{invalid, parse_theme_color, FieldErrors},
};

const THEME_NOT_FOUND: &str = "Ce thème n'existe pas.";

fn theme_response(t: &storage::Theme) -> ThemeResponse {
    ThemeResponse {
        slug: t.slug.clone(),
        label: t.label.clone(),
        color: t.color.clone(),
        icon: t.icon.clone(),
        position: t.position,
        retired: t.retired_at.is_some(),
    }
}

fn parse_icon(raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    let icon = raw.map(str::trim).unwrap_or_default();
    if !icon.is_empty()
        && icon.len() <= 64
        && icon
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        Some(icon.to_owned())
    } else {
        errors.insert(
            "icon".to_owned(),
            "Nom d'icône attendu (minuscules, chiffres, tirets).".to_owned(),
        );
        None
    }
}

/// Adds a theme, placed last (administrators).
#[utoipa::path(post, path = "/api/v1/admin/themes", tag = "themes", request_body = CreateThemeRequest,
    responses((status = 201, body = ThemeResponse),
              (status = 409, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/themes")]
#[tracing::instrument(skip_all)]
pub async fn create_theme(
    state: web::Data<AppState>,
    staff: StaffUser,
    body: ApiJson<CreateThemeRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let mut errors = FieldErrors::new();
    let slug = parse_slug(body.slug.as_deref(), &mut errors);
    let label = parse_name(body.label.as_deref(), "label", 120, &mut errors);
    let color = parse_theme_color(body.color.as_deref(), &mut errors);
    let icon = parse_icon(body.icon.as_deref(), &mut errors);
    let (Some(slug), Some(label), Some(color), Some(icon)) = (slug, label, color, icon) else {
        return Err(invalid(errors));
    };
    let created = carte::create_theme(&state.db, &staff, &slug, &label, &color, &icon)
        .await
        .map_err(|e| carte_error(e, "Un thème porte déjà cet identifiant.", ""))?;
    Ok(HttpResponse::Created().json(theme_response(&created)))
}

/// Renames, recolours or changes the icon of a theme (administrators).
#[utoipa::path(patch, path = "/api/v1/admin/themes/{slug}", tag = "themes",
    params(("slug" = String, Path)), request_body = UpdateThemeRequest,
    responses((status = 200, body = ThemeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse)))]
#[patch("/admin/themes/{slug}")]
#[tracing::instrument(skip_all)]
pub async fn update_theme(
    state: web::Data<AppState>,
    staff: StaffUser,
    slug: web::Path<String>,
    body: ApiJson<UpdateThemeRequest>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let mut errors = FieldErrors::new();
    let label = body
        .label
        .as_ref()
        .map(|l| parse_name(Some(l), "label", 120, &mut errors));
    let color = body
        .color
        .as_ref()
        .map(|c| parse_theme_color(Some(c), &mut errors));
    let icon = body.icon.as_ref().map(|i| parse_icon(Some(i), &mut errors));
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let (label, color, icon) = (label.flatten(), color.flatten(), icon.flatten());
    let changes = ThemeChanges {
        label: label.as_deref(),
        color: color.as_deref(),
        icon: icon.as_deref(),
    };
    let updated = carte::update_theme(&state.db, &staff, &slug, changes)
        .await
        .map_err(|e| carte_error(e, "", THEME_NOT_FOUND))?;
    Ok(HttpResponse::Ok().json(theme_response(&updated)))
}

/// Retires a theme: kept on existing initiatives, no longer offered (administrators).
#[utoipa::path(post, path = "/api/v1/admin/themes/{slug}/retire", tag = "themes",
    params(("slug" = String, Path)),
    responses((status = 200, body = ThemeResponse),
              (status = 404, body = solidarites_api_types::ErrorResponse)))]
#[post("/admin/themes/{slug}/retire")]
#[tracing::instrument(skip_all)]
pub async fn retire_theme(
    state: web::Data<AppState>,
    staff: StaffUser,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let updated = carte::retire_theme(&state.db, &staff, &slug)
        .await
        .map_err(|e| carte_error(e, "", THEME_NOT_FOUND))?;
    Ok(HttpResponse::Ok().json(theme_response(&updated)))
}
