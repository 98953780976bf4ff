//! Staff sign-in, sign-out and "who am I".

use std::{
    collections::BTreeMap,
    net::{IpAddr, Ipv4Addr},
};

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Utc;
use solidarites_api_types::{
    LoginRequest, SessionResponse, SetPasswordRequest, SetPasswordResponse, StaffUserResponse,
};

use crate::{
    auth::{self, Staff, StaffSession, StaffUser},
    error::{ApiError, ErrorCode},
    json_body::ApiJson,
    state::AppState,
    storage,
};

pub fn staff_user_response(user: &StaffUser) -> StaffUserResponse {
    StaffUserResponse {
        id: user.id.to_string(),
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        role: user.role.as_str().to_owned(),
    }
}

/// Signs a staff member in: sets the session cookie and returns the CSRF token.
///
/// Wrong email, wrong password and disabled account get the same 401. After 5 failures
/// in a row from one address, that (email, address) pair is locked for a growing while:
/// 429 with `Retry-After`, even for the right password; other addresses are not. After
/// [`auth::ACCOUNT_FAILURE_CEILING`] failures from any addresses the account itself is
/// locked. Unknown emails follow the same rules.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionResponse, description = "Signed in; sets the `solidarites_session` cookie"),
              (status = 401, body = solidarites_api_types::ErrorResponse, description = "invalid_credentials"),
              (status = 422, body = solidarites_api_types::ErrorResponse),
              (status = 429, body = solidarites_api_types::ErrorResponse, description = "Too many attempts; see Retry-After")))]
#[post("/auth/login")]
#[tracing::instrument(skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    check_login_fields(&email, &password)?;
    if password.chars().count() > auth::MAX_PASSWORD_CHARS {
        return Err(ApiError::InvalidCredentials);
    }
    let ip = client_ip(&req, state.settings.trust_proxy);
    state
        .login_throttle
        .check_ip(ip)
        .map_err(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs })?;
    // This address has failed too often for this email (account or not): locked here only.
    if let Some(retry_after_secs) = state.login_throttle.pair_locked(&email, ip) {
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }

    let now = Utc::now();
    let Some((user, hash)) = storage::users::find_credentials(&state.db, &email).await? else {
        if let Some(retry_after_secs) = state.login_throttle.unknown_email_locked(&email) {
            return Err(ApiError::TooManyRequests { retry_after_secs });
        }
        // Same work as for a real account, so that timing tells nothing either.
        auth::verify_password(password, None)
            .await
            .map_err(ApiError::internal)?;
        state.login_throttle.unknown_email_failed(&email);
        state.login_throttle.pair_failed(&email, ip);
        return Err(ApiError::InvalidCredentials);
    };
    if let Some(until) = user.locked_until.filter(|t| *t > now) {
        let retry_after_secs = u64::try_from((until - now).num_seconds() + 1).unwrap_or(1);
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }
    let valid = auth::verify_password(password, Some(hash))
        .await
        .map_err(ApiError::internal)?;
    if !valid {
        storage::users::record_login_failure(&state.db, user.id).await?;
        state.login_throttle.pair_failed(&email, ip);
        return Err(ApiError::InvalidCredentials);
    }
    state.login_throttle.pair_succeeded(&email, ip);
    if user.disabled {
        return Err(ApiError::InvalidCredentials);
    }
    storage::users::record_login_success(&state.db, user.id).await?;
    // Opportunistic cleanup: sign-ins are rare enough, and the index makes it cheap.
    storage::sessions::purge_expired(&state.db, now).await?;

    let (token, csrf_token) = open_session(&state, user.id, now).await?;
    let staff = StaffUser(Staff {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: user.role,
    });
    tracing::info!(user_id = %staff.id, "staff signed in");
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .cookie(auth::session_cookie(
            token,
            auth::is_https(&req) || state.settings.public_https(),
        ))
        .json(SessionResponse {
            user: staff_user_response(&staff),
            csrf_token,
        }))
}

/// 422 `invalid_login` naming the empty fields.
fn check_login_fields(email: &str, password: &str) -> Result<(), ApiError> {
    let mut fields = BTreeMap::new();
    if email.trim().is_empty() {
        fields.insert(
            "email".to_owned(),
            "L'adresse électronique est obligatoire.".to_owned(),
        );
    }
    if password.is_empty() {
        fields.insert(
            "password".to_owned(),
            "Le mot de passe est obligatoire.".to_owned(),
        );
    }
    if fields.is_empty() {
        return Ok(());
    }
    Err(ApiError::Validation {
        code: ErrorCode::InvalidLogin,
        message: "Renseignez votre adresse électronique et votre mot de passe.".to_owned(),
        fields,
    })
}

/// Stores a new session for `user_id`: the cookie's token and the CSRF token.
async fn open_session(
    state: &AppState,
    user_id: uuid::Uuid,
    now: chrono::DateTime<Utc>,
) -> Result<(String, String), ApiError> {
    let token = auth::new_token();
    let csrf_token = auth::new_token();
    let session_id = auth::session_id_of(&token);
    storage::sessions::create(
        &state.db,
        &session_id,
        user_id,
        &csrf_token,
        now,
        auth::sliding_expiry(now, now),
    )
    .await?;
    Ok((token, csrf_token))
}

/// Ends the session: deletes it and clears the cookie. Needs the CSRF header.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out"),
              (status = 401, body = solidarites_api_types::ErrorResponse),
              (status = 403, body = solidarites_api_types::ErrorResponse, description = "csrf_failed")))]
#[post("/auth/logout")]
#[tracing::instrument(skip_all)]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: StaffSession,
) -> Result<HttpResponse, ApiError> {
    storage::sessions::delete(&state.db, &session.session_id).await?;
    Ok(HttpResponse::NoContent()
        .cookie(auth::removal_cookie(
            auth::is_https(&req) || state.settings.public_https(),
        ))
        .finish())
}

/// The signed-in staff member and the session's CSRF token.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = SessionResponse),
              (status = 401, body = solidarites_api_types::ErrorResponse)))]
#[get("/auth/me")]
#[tracing::instrument(skip_all)]
pub async fn get_me(session: StaffSession) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(SessionResponse {
            user: staff_user_response(&session.user),
            csrf_token: session.csrf_token,
        })
}

/// Sets the password of an account with the token of a one-time link (from `POST
/// /api/v1/admin/users`). The link then stops working, the account's sessions end and its
/// failed sign-ins are forgotten; sign in afterwards. Throttled like sign-in.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = SetPasswordRequest,
    responses((status = 200, body = SetPasswordResponse),
              (status = 422, body = solidarites_api_types::ErrorResponse, description = "invalid_link (unknown, used or expired) or a bad password"),
              (status = 429, body = solidarites_api_types::ErrorResponse)))]
#[post("/auth/password")]
#[tracing::instrument(skip_all)]
pub async fn set_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<SetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    state
        .login_throttle
        .check_ip(client_ip(&req, state.settings.trust_proxy))
        .map_err(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs })?;
    let SetPasswordRequest { token, password } = body.into_inner();
    let invalid_link = || {
        ApiError::field(
            ErrorCode::InvalidLink,
            "token",
            "Ce lien n'est plus valable (déjà utilisé, expiré ou inconnu) : demandez-en un \
             nouveau à un administrateur.",
        )
    };
    let token = token.trim();
    // Tokens are 43 base64url characters; anything else cannot be one.
    if token.is_empty() || token.len() > 64 {
        return Err(invalid_link());
    }
    auth::check_password(&password)
        .map_err(|message| ApiError::field(ErrorCode::InvalidPassword, "password", message))?;
    let password_hash = auth::hash_password(password)
        .await
        .map_err(ApiError::internal)?;
    match storage::password_tokens::consume(
        &state.db,
        &auth::session_id_of(token),
        password_hash,
        Utc::now(),
    )
    .await
    {
        Ok(user) => {
            tracing::info!(user_id = %user.id, "password set with a one-time link");
            Ok(HttpResponse::Ok()
                .insert_header(("Cache-Control", "no-store"))
                .json(SetPasswordResponse { email: user.email }))
        }
        Err(storage::password_tokens::UseTokenError::Invalid) => Err(invalid_link()),
        Err(storage::password_tokens::UseTokenError::Db(err)) => Err(err.into()),
    }
}

/// The address sign-in throttling counts attempts against. Used in memory only.
pub(crate) fn client_ip(req: &HttpRequest, trust_proxy: bool) -> IpAddr {
    let from_proxy = trust_proxy
        .then(|| {
            req.connection_info()
                .realip_remote_addr()
                .and_then(parse_ip)
        })
        .flatten();
    from_proxy
        .or_else(|| req.peer_addr().map(|a| a.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// `1.2.3.4`, `1.2.3.4:5678`, `[::1]:5678` or `::1`.
fn parse_ip(raw: &str) -> Option<IpAddr> {
    raw.parse::<IpAddr>()
        .ok()
        .or_else(|| raw.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}
