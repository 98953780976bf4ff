//! What the submitters' private edit links of initiatives and events share: the key (in
//! the path, or in the `X-Edit-Token` header), the freshness they are told, and the
//! one-click confirmation that a published listing is current.

use actix_web::{http::header, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use solidarites_api_types::ConfirmListingResponse;
use solidarites_domain::{
    freshness::{Freshness, ListingKind},
    time::today_in_paris,
};

use crate::{
    edit_token,
    error::{ApiError, ErrorCode},
    services::freshness::TokenConfirmation,
    state::AppState,
};

/// The edit key of the path, else of the `X-Edit-Token` header, trimmed; `None` if blank.
pub(super) fn token_from(req: &HttpRequest, path: Option<&str>) -> Option<String> {
    path.map(str::to_owned)
        .or_else(|| {
            req.headers()
                .get("X-Edit-Token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

pub(super) fn unknown_token() -> ApiError {
    ApiError::NotFound("Ce lien de modification est inconnu.".to_owned())
}

/// The stored hash of the request's edit key; 400 without one.
pub(super) fn token_hash(req: &HttpRequest, path: Option<&str>) -> Result<String, ApiError> {
    let token = token_from(req, path).ok_or(ApiError::MissingHeader {
        header: "X-Edit-Token",
        message: "Le jeton de modification est manquant : utilisez le lien privé reçu à l'envoi.",
    })?;
    Ok(edit_token::hash(&token))
}

/// What the submitter's view says of a listing's freshness: `fresh`, `flagged` or `hidden`
/// (a listing not published is `fresh`: nothing to confirm yet) and, when published, the
/// first day it is hidden unless confirmed.
pub(super) fn submitter_freshness(
    state: &AppState,
    last_confirmed_at: Option<DateTime<Utc>>,
    published: bool,
) -> (String, Option<String>) {
    let policy = state.settings.freshness;
    let confirmed_on = last_confirmed_at.map(today_in_paris);
    let freshness = match confirmed_on {
        Some(on) if published => policy.freshness(on, state.settings.clock.today()),
        None if published => Freshness::Hidden,
        _ => Freshness::Fresh,
    };
    let hidden_from = confirmed_on
        .filter(|_| published)
        .map(|on| policy.hidden_from(on).to_string());
    (freshness.as_str().to_owned(), hidden_from)
}

/// Confirms that the published listing of the request's edit key is current; when it was
/// confirmed. `not_published` is the refusal for a listing that is not published.
pub(super) async fn confirm(
    state: &AppState,
    req: &HttpRequest,
    path: Option<&str>,
    kind: ListingKind,
    not_published: &str,
) -> Result<DateTime<Utc>, ApiError> {
    let hash = token_hash(req, path)?;
    let now = state.settings.clock.now();
    match crate::services::freshness::confirm_by_token(&state.db, kind, &hash, now).await? {
        TokenConfirmation::Unknown => Err(unknown_token()),
        TokenConfirmation::NotPublished(_) => Err(ApiError::Conflict {
            code: ErrorCode::InvalidState,
            message: not_published.to_owned(),
        }),
        TokenConfirmation::Confirmed(at) => Ok(at),
    }
}

/// The answer to a confirmation made `at`: when, and the first day the listing will be
/// hidden unless confirmed again.
pub(super) fn confirmed(state: &AppState, at: DateTime<Utc>) -> HttpResponse {
    let hidden_from = state.settings.freshness.hidden_from(today_in_paris(at));
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ConfirmListingResponse {
            last_confirmed_at: at.to_rfc3339(),
            hidden_from: hidden_from.to_string(),
        })
}
