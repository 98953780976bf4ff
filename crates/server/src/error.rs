//! The one error type at the HTTP edge, with an explicit mapping to status codes.
//!
//! Bodies are always `{"error": code, "message": …, "fields": {…}}` (see
//! [`solidarites_api_types::ErrorResponse`]). Internal causes are logged, never sent.

use std::collections::BTreeMap;

use actix_web::{http::StatusCode, HttpResponse, ResponseError};
use solidarites_api_types::ErrorResponse;

/// Declares [`ErrorCode`] and its strings in one list.
macro_rules! error_codes {
    ($($variant:ident => $code:literal,)*) => {
        /// The `error` of every JSON error body: the one list of codes the API sends. The
        /// web app and the tests match on these strings; changing one is an API change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as sent (snake_case).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    AccountDisabled => "account_disabled",
    AlreadyInvited => "already_invited",
    BadRequest => "bad_request",
    CampaignClosed => "campaign_closed",
    CampaignNotOpen => "campaign_not_open",
    CsrfFailed => "csrf_failed",
    EmailTaken => "email_taken",
    Forbidden => "forbidden",
    Gone => "gone",
    Internal => "internal",
    InvalidAnswers => "invalid_answers",
    InvalidBody => "invalid_body",
    InvalidCampaign => "invalid_campaign",
    InvalidCommuneCode => "invalid_commune_code",
    InvalidCoordinates => "invalid_coordinates",
    InvalidCredentials => "invalid_credentials",
    InvalidDeviceToken => "invalid_device_token",
    InvalidFields => "invalid_fields",
    InvalidIdempotencyKey => "invalid_idempotency_key",
    InvalidLink => "invalid_link",
    InvalidLogin => "invalid_login",
    InvalidPagination => "invalid_pagination",
    InvalidPassword => "invalid_password",
    InvalidPostalCode => "invalid_postal_code",
    InvalidPurge => "invalid_purge",
    InvalidQuery => "invalid_query",
    InvalidQuestionnaire => "invalid_questionnaire",
    InvalidSettings => "invalid_settings",
    InvalidState => "invalid_state",
    InvalidUser => "invalid_user",
    InvalidVolunteer => "invalid_volunteer",
    MethodNotAllowed => "method_not_allowed",
    MissingDeviceToken => "missing_device_token",
    MissingHeader => "missing_header",
    NoContactAddress => "no_contact_address",
    NotFound => "not_found",
    OutsideTerritory => "outside_territory",
    PayloadTooLarge => "payload_too_large",
    ProposalMerged => "proposal_merged",
    QuestionnaireEditConflict => "questionnaire_edit_conflict",
    SelfLockout => "self_lockout",
    ServiceUnavailable => "service_unavailable",
    SlugTaken => "slug_taken",
    SupportsClosed => "supports_closed",
    TooManyRequests => "too_many_requests",
    Unauthorized => "unauthorized",
    UnsupportedMediaType => "unsupported_media_type",
    UriTooLong => "uri_too_long",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Input that fails validation: each bad field is named with a French message.
    #[error("invalid input: {message}")]
    Validation {
        code: ErrorCode,
        message: String,
        fields: BTreeMap<String, String>,
    },
    /// The request itself is malformed (unparsable query string or JSON body).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A JSON body whose `field` (a path: `title`, `contact.email`, `themes[0]`) does not
    /// have the expected type.
    #[error("bad body field {field}: {message}")]
    BadBody { field: String, message: String },
    /// A required request header is missing: named in `fields`.
    #[error("missing header {header}")]
    MissingHeader {
        header: &'static str,
        message: &'static str,
    },
    /// A body that is not `application/json` in UTF-8.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A body over the size limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// A query string over [`crate::security_headers::MAX_QUERY_LEN`].
    #[error("uri too long")]
    UriTooLong,
    /// The resource does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    // --- carte des solidarités (initiatives branch) ---
    /// The resource existed but can no longer be changed (e.g. a withdrawn initiative).
    #[error("gone: {0}")]
    Gone(String),
    /// Gone, with a specific code (e.g. `campaign_closed`).
    #[error("gone: {message}")]
    GoneCoded { code: ErrorCode, message: String },
    // --- end carte des solidarités ---
    /// No valid staff session (no cookie, unknown or expired session, disabled account).
    #[error("unauthorized")]
    Unauthorized,
    /// Sign-in refused. One answer whatever was wrong (unknown email, wrong password,
    /// disabled account), so that it reveals nothing about which accounts exist.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Signed in, but the role is not high enough.
    #[error("forbidden")]
    Forbidden,
    /// A state-changing request without the session's `X-CSRF-Token`.
    #[error("csrf check failed")]
    CsrfFailed,
    /// The request conflicts with the current state (duplicate, self-lockout…).
    #[error("conflict: {message}")]
    Conflict { code: ErrorCode, message: String },
    /// Too many attempts: retry after this many seconds (sent as `Retry-After`).
    #[error("too many requests, retry after {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// Not done now, nothing changed: the client may try again after `retry_after_secs`
    /// (sent as `Retry-After`).
    #[error("unavailable: {message}")]
    Unavailable {
        message: String,
        retry_after_secs: u64,
    },
    /// Anything we did not expect: the cause is logged, the client gets a fixed body.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// One bad field.
    pub fn field(code: ErrorCode, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = BTreeMap::new();
        fields.insert(field.to_owned(), message.clone());
        ApiError::Validation {
            code,
            message,
            fields,
        }
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(err.into())
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        ApiError::Internal(err.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) | ApiError::BadBody { .. } | ApiError::MissingHeader { .. } => {
                StatusCode::BAD_REQUEST
            }
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UriTooLong => StatusCode::URI_TOO_LONG,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Gone(_) | ApiError::GoneCoded { .. } => StatusCode::GONE,
            ApiError::Unauthorized | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::CsrfFailed => StatusCode::FORBIDDEN,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        if let Some(secs) = self.retry_after() {
            response.insert_header((actix_web::http::header::RETRY_AFTER, secs.to_string()));
        }
        response.json(self.body())
    }
}

impl ApiError {
    /// The `Retry-After` of the refusal, in seconds, when it has one.
    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyRequests { retry_after_secs }
            | ApiError::Unavailable {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The JSON body of the refusal: its code, its French message and the bad fields.
    fn body(&self) -> ErrorResponse {
        if let Some((code, message)) = self.fixed_message() {
            return plain(code, message);
        }
        match self {
            ApiError::Validation {
                code,
                message,
                fields,
            } => ErrorResponse {
                error: code.as_str().to_owned(),
                message: message.clone(),
                fields: fields.clone(),
            },
            ApiError::BadRequest(message) => plain(ErrorCode::BadRequest, message),
            ApiError::BadBody { field, message } => ErrorResponse {
                error: ErrorCode::InvalidBody.as_str().to_owned(),
                message: format!("Le champ « {field} » est invalide : {message}"),
                fields: BTreeMap::from([(field.clone(), message.clone())]),
            },
            ApiError::MissingHeader { header, message } => ErrorResponse {
                error: ErrorCode::MissingHeader.as_str().to_owned(),
                message: (*message).to_owned(),
                fields: BTreeMap::from([((*header).to_owned(), (*message).to_owned())]),
            },
            ApiError::NotFound(message) => plain(ErrorCode::NotFound, message),
            ApiError::Gone(message) => plain(ErrorCode::Gone, message),
            ApiError::Conflict { code, message } | ApiError::GoneCoded { code, message } => {
                plain(*code, message)
            }
            ApiError::TooManyRequests { retry_after_secs } => plain(
                ErrorCode::TooManyRequests,
                &format!(
                    "Trop de tentatives. Réessayez dans {}.",
                    french_duration(*retry_after_secs)
                ),
            ),
            ApiError::Unavailable { message, .. } => plain(ErrorCode::ServiceUnavailable, message),
            // The variants of fixed_message.
            _ => plain(ErrorCode::Internal, INTERNAL_MESSAGE),
        }
    }

    /// The code and message of the refusals that always say the same thing.
    fn fixed_message(&self) -> Option<(ErrorCode, &'static str)> {
        Some(match self {
            ApiError::UnsupportedMediaType => (
                ErrorCode::UnsupportedMediaType,
                "Le corps de la requête doit être du JSON encodé en UTF-8 \
                 (Content-Type: application/json).",
            ),
            ApiError::PayloadTooLarge => {
                (ErrorCode::PayloadTooLarge, "La requête est trop volumineuse.")
            }
            ApiError::UriTooLong => (ErrorCode::UriTooLong, "L'adresse demandée est trop longue."),
            ApiError::Unauthorized => (
                ErrorCode::Unauthorized,
                "Vous devez vous connecter pour accéder à cette page.",
            ),
            ApiError::InvalidCredentials => (
                ErrorCode::InvalidCredentials,
                "Adresse électronique ou mot de passe incorrect.",
            ),
            ApiError::Forbidden => (
                ErrorCode::Forbidden,
                "Votre rôle ne permet pas cette action.",
            ),
            ApiError::CsrfFailed => (
                ErrorCode::CsrfFailed,
                "La vérification de sécurité de la requête a échoué. Rechargez la page et réessayez.",
            ),
            ApiError::Internal(_) => (ErrorCode::Internal, INTERNAL_MESSAGE),
            _ => return None,
        })
    }
}

/// The message of a 500: never its cause (logged instead).
const INTERNAL_MESSAGE: &str = "Une erreur interne est survenue. Réessayez plus tard.";

fn plain(code: ErrorCode, message: &str) -> ErrorResponse {
    ErrorResponse {
        error: code.as_str().to_owned(),
        message: message.to_owned(),
        fields: BTreeMap::new(),
    }
}

/// "45 secondes", "3 minutes", "1 heure".
fn french_duration(secs: u64) -> String {
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n > 1 { "s" } else { "" });
    if secs < 60 {
        plural(secs.max(1), "seconde")
    } else if secs < 3600 {
        plural(secs.div_ceil(60), "minute")
    } else {
        plural(secs.div_ceil(3600), "heure")
    }
}

/// Turns actix's query-string extraction failures into our JSON 400 body.
pub fn query_error_handler(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::BadRequest(format!("Paramètres de requête invalides : {err}")).into()
}

/// Turns actix's JSON body extraction failures into our JSON 400/413 body.
pub fn json_error_handler(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;
    match err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            actix_web::error::InternalError::from_response(
                err,
                HttpResponse::PayloadTooLarge().json(ErrorResponse {
                    error: ErrorCode::PayloadTooLarge.as_str().to_owned(),
                    message: "La requête est trop volumineuse.".to_owned(),
                    fields: BTreeMap::new(),
                }),
            )
            .into()
        }
        other => ApiError::BadRequest(format!("Corps JSON invalide : {other}")).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    /// The codes clients match on, spelled out: renaming or dropping one fails here.
    #[test]
    fn error_codes_are_the_snake_case_strings_clients_match_on() {
        let sent: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            sent,
            [
                "account_disabled",
                "already_invited",
                "bad_request",
                "campaign_closed",
                "campaign_not_open",
                "csrf_failed",
                "email_taken",
                "forbidden",
                "gone",
                "internal",
                "invalid_answers",
                "invalid_body",
                "invalid_campaign",
                "invalid_commune_code",
                "invalid_coordinates",
                "invalid_credentials",
                "invalid_device_token",
                "invalid_fields",
                "invalid_idempotency_key",
                "invalid_link",
                "invalid_login",
                "invalid_pagination",
                "invalid_password",
                "invalid_postal_code",
                "invalid_purge",
                "invalid_query",
                "invalid_questionnaire",
                "invalid_settings",
                "invalid_state",
                "invalid_user",
                "invalid_volunteer",
                "method_not_allowed",
                "missing_device_token",
                "missing_header",
                "no_contact_address",
                "not_found",
                "outside_territory",
                "payload_too_large",
                "proposal_merged",
                "questionnaire_edit_conflict",
                "self_lockout",
                "service_unavailable",
                "slug_taken",
                "supports_closed",
                "too_many_requests",
                "unauthorized",
                "unsupported_media_type",
                "uri_too_long",
            ]
        );
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_value(code).ok(),
                Some(serde_json::Value::from(code.as_str()))
            );
            assert!(code
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
    }
}
