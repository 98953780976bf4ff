//! The e-mail outbox for administrators: what was sent, what waits and why (kind, status,
//! tries, last error), never a message's text, recipients masked.

use actix_web::{get, http::header, web, HttpResponse};
use solidarites_api_types::{OutboxListResponse, OutboxMessageResponse};
use solidarites_domain::notify::mask_email;

use crate::{
    auth::{Role, StaffUser},
    error::ApiError,
    state::AppState,
    storage::{self, outbox::OutboxEntry},
};

/// Messages listed.
const LISTED: u64 = 200;

fn to_response(entry: OutboxEntry) -> OutboxMessageResponse {
    let status = match (entry.sent_via.as_deref(), entry.attempts) {
        (Some("log"), _) => "logged",
        (Some(_), _) => "sent",
        (None, 0) => "pending",
        (None, _) => "retrying",
    };
    OutboxMessageResponse {
        id: entry.id.to_string(),
        kind: entry.kind,
        recipient: mask_email(&entry.recipient),
        status: status.to_owned(),
        attempts: entry.attempts,
        last_error: entry.last_error,
        created_at: entry.created_at.to_rfc3339(),
        next_attempt_at: entry
            .sent_at
            .is_none()
            .then(|| entry.next_attempt_at.to_rfc3339()),
        sent_at: entry.sent_at.map(|at| at.to_rfc3339()),
    }
}

/// The latest 200 e-mails, newest first, and the backlog (administrators).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin",
    responses((status = 200, body = OutboxListResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse)))]
#[get("/admin/outbox")]
#[tracing::instrument(skip_all)]
pub async fn list_outbox(
    state: web::Data<AppState>,
    staff: StaffUser,
) -> Result<HttpResponse, ApiError> {
    staff.require(Role::Admin)?;
    let entries = storage::outbox::latest(&state.db, LISTED).await?;
    let backlog = storage::outbox::backlog(&state.db).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(OutboxListResponse {
            messages: entries.into_iter().map(to_response).collect(),
            backlog,
            smtp_configured: state.settings.mail.smtp.is_some(),
        }))
}
