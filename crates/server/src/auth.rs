//! Staff authentication: roles, sessions held in an `HttpOnly` cookie, CSRF tokens,
//! password hashing (Argon2id) and the rules for new accounts.
//!
//! Handlers that need a signed-in staff member take a [`StaffUser`] argument and call
//! [`StaffUser::require`] with the lowest role allowed. See `docs/security.md`.

use std::{collections::BTreeMap, fmt, future::Future, pin::Pin, sync::OnceLock};

use actix_web::{
    cookie::{time::Duration as CookieDuration, Cookie, SameSite},
    http::Method,
    web, FromRequest, HttpMessage, HttpRequest,
};
use argon2::{
    password_hash::{rand_core::OsRng as PasswordRng, PasswordHash, PasswordHasher, SaltString},
    Argon2, PasswordVerifier,
};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{error::ApiError, state::AppState, storage};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "solidarites_session";
/// Header that must repeat the session's CSRF token on state-changing requests.
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// A session ends after this long without a request…
pub const SESSION_IDLE: Duration = Duration::hours(12);
/// …and in any case this long after sign-in.
pub const SESSION_MAX_LIFETIME: Duration = Duration::days(7);
/// The sliding expiry is written at most this often per session (not on every request).
pub const SESSION_TOUCH_INTERVAL: Duration = Duration::minutes(5);
/// Shortest accepted password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest accepted password, in characters (hashing cost stays bounded).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// A one-time set-password link works this long.
pub const SET_PASSWORD_LINK_LIFETIME: Duration = Duration::hours(72);
/// Path of the console page a set-password link opens; the token follows it.
pub const SET_PASSWORD_PATH: &str = "/admin/mot-de-passe/";

pub use crate::staff::{
    account_lockout_after, lockout_after, Role, Staff, UnknownRole, ACCOUNT_FAILURE_CEILING,
    MAX_FAILED_LOGINS,
};

/// The signed-in staff member of a request.
///
/// As an extractor it answers 401 `unauthorized` without a valid session (unknown or
/// expired, or a disabled account) and, for methods other than GET/HEAD/OPTIONS, 403
/// `csrf_failed` unless the `X-CSRF-Token` header equals the session's token.
///
/// It is the HTTP edge of [`Staff`], the plain identity that services and storage take:
/// it dereferences to it, so `&user` passes where a `&Staff` is expected.
#[derive(Debug, Clone)]
pub struct StaffUser(pub Staff);

impl std::ops::Deref for StaffUser {
    type Target = Staff;

    fn deref(&self) -> &Staff {
        &self.0
    }
}

impl StaffUser {
    /// 403 `forbidden` unless this user's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// The staff member and their session (for `/auth/me` and `/auth/logout`). Extracting it
/// applies exactly the checks of [`StaffUser`].
#[derive(Clone)]
pub struct StaffSession {
    pub user: StaffUser,
    /// SHA-256 hex of the cookie's token: the key of the `sessions` row.
    pub session_id: String,
    pub csrf_token: String,
}

impl fmt::Debug for StaffSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaffSession")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl FromRequest for StaffSession {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            // Several extractors in one handler share one lookup.
            let cached = req.extensions().get::<StaffSession>().cloned();
            let session = match cached {
                Some(session) => session,
                None => {
                    let session = load_session(&req).await?;
                    req.extensions_mut().insert(session.clone());
                    session
                }
            };
            if !is_safe_method(req.method()) {
                let sent = req
                    .headers()
                    .get(CSRF_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !constant_time_eq(sent, &session.csrf_token) {
                    return Err(ApiError::CsrfFailed);
                }
            }
            Ok(session)
        })
    }
}

impl FromRequest for StaffUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let session = StaffSession::from_request(req, payload);
        Box::pin(async move { Ok(session.await?.user) })
    }
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

async fn load_session(req: &HttpRequest) -> Result<StaffSession, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
    let token = req
        .cookie(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized)?;
    let session_id = session_id_of(&token);
    let now = Utc::now();
    let Some((session, user)) = storage::sessions::find_with_user(&state.db, &session_id).await?
    else {
        return Err(ApiError::Unauthorized);
    };
    if session.expires_at <= now || session.created_at + SESSION_MAX_LIFETIME <= now {
        storage::sessions::delete(&state.db, &session_id).await?;
        return Err(ApiError::Unauthorized);
    }
    if user.disabled {
        return Err(ApiError::Unauthorized);
    }
    if now - session.last_seen_at >= SESSION_TOUCH_INTERVAL {
        let expires_at = sliding_expiry(session.created_at, now);
        storage::sessions::touch(&state.db, &session_id, now, expires_at).await?;
    }
    Ok(StaffSession {
        user: StaffUser(Staff {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
        }),
        session_id,
        csrf_token: session.csrf_token,
    })
}

/// When a session used at `now` expires: 12 h later, but never past its maximum lifetime.
pub fn sliding_expiry(created_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    (now + SESSION_IDLE).min(created_at + SESSION_MAX_LIFETIME)
}

/// 256 random bits from the operating system, base64url without padding.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The key of a session row: SHA-256 hex of its token, so that a copy of the database does
/// not hold usable tokens.
pub fn session_id_of(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// True when the request reached us over HTTPS, directly or through a proxy that says so
/// (`Forwarded: proto=https` or `X-Forwarded-Proto: https`). Trusting the header is safe
/// here: it can only add the `Secure` flag.
pub fn is_https(req: &HttpRequest) -> bool {
    req.connection_info().scheme().eq_ignore_ascii_case("https")
}

/// The session cookie: `HttpOnly; SameSite=Strict; Path=/`, `Secure` over HTTPS. No
/// `Max-Age`: the browser forgets it when closed; the server enforces the expiry anyway.
pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(secure)
        .finish()
}

/// A cookie that makes the browser drop the session cookie.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie(String::new(), secure);
    cookie.set_max_age(CookieDuration::ZERO);
    cookie.make_removal();
    cookie
}

/// Argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane — OWASP's recommendation) with
/// a random salt, as a PHC string. Runs on a blocking thread: it takes tens of ms of CPU.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut PasswordRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
    })
    .await?
}

/// Checks `password` against a stored hash, in constant time. With no hash (unknown
/// account) it checks against a dummy hash so that the answer takes as long.
pub async fn verify_password(password: String, hash: Option<String>) -> anyhow::Result<bool> {
    let dummy = match hash {
        Some(_) => None,
        None => Some(dummy_hash().await?),
    };
    tokio::task::spawn_blocking(move || {
        let stored = hash.or(dummy).unwrap_or_default();
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| anyhow::anyhow!("stored password hash is unreadable: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

async fn dummy_hash() -> anyhow::Result<String> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash.clone());
    }
    let hash = hash_password(new_token()).await?;
    Ok(DUMMY.get_or_init(|| hash).clone())
}

/// A new staff account that passed validation (the password is still in clear: hash it
/// with [`hash_password`]).
#[derive(Clone)]
pub struct NewAccount {
    /// Lowercased and trimmed.
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

impl fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAccount")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl NewAccount {
    /// Validates every field; the error names each bad one with a French message (keys
    /// `email`, `display_name`, `role`, `password`).
    pub fn parse(
        email: &str,
        display_name: &str,
        role: &str,
        password: &str,
    ) -> Result<Self, BTreeMap<String, String>> {
        let mut fields = BTreeMap::new();
        let email = parse_email(email).map_err(|m| fields.insert("email".to_owned(), m));
        let display_name =
            parse_display_name(display_name).map_err(|m| fields.insert("display_name".into(), m));
        let role = parse_role(role).map_err(|m| fields.insert("role".to_owned(), m));
        let password_ok =
            check_password(password).map_err(|m| fields.insert("password".to_owned(), m));
        match (email, display_name, role, password_ok) {
            (Ok(email), Ok(display_name), Ok(role), Ok(())) => Ok(NewAccount {
                email,
                display_name,
                role,
                password: password.to_owned(),
            }),
            _ => Err(fields),
        }
    }
}

/// A plausible email address, trimmed and lowercased. The syntax rule is the domain's
/// ([`solidarites_domain::contact::Email`]), shared with public contacts and volunteers.
pub fn parse_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("L'adresse électronique est obligatoire.".to_owned());
    }
    match solidarites_domain::contact::Email::parse(&email) {
        Ok(valid) => Ok(valid.as_str().to_owned()),
        Err(_) => Err(
            "L'adresse électronique n'est pas valide (ex. prenom.nom@departement.fr).".to_owned(),
        ),
    }
}

pub fn parse_display_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        Err("Le nom affiché est obligatoire.".to_owned())
    } else if name.chars().count() > 100 {
        Err("Le nom affiché ne doit pas dépasser 100 caractères.".to_owned())
    } else {
        Ok(name.to_owned())
    }
}

pub fn parse_role(raw: &str) -> Result<Role, String> {
    if raw.trim().is_empty() {
        return Err("Le rôle est obligatoire.".to_owned());
    }
    raw.parse().map_err(|_| {
        "Le rôle doit être « committee », « analyst », « moderator » ou « admin ».".to_owned()
    })
}

pub fn check_password(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(format!(
            "Le mot de passe doit comporter au moins {MIN_PASSWORD_CHARS} caractères."
        ))
    } else if chars > MAX_PASSWORD_CHARS {
        Err(format!(
            "Le mot de passe ne doit pas dépasser {MAX_PASSWORD_CHARS} caractères."
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_round_trip_through_their_names() {
        assert!(Role::Committee < Role::Analyst);
        assert!(Role::Analyst < Role::Moderator && Role::Moderator < Role::Admin);
        for role in Role::ALL {
            assert_eq!(role.to_string().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn lockout_starts_at_the_fifth_failure_and_grows_up_to_an_hour() {
        assert_eq!(lockout_after(4), None);
        assert_eq!(lockout_after(5), Some(Duration::minutes(1)));
        assert_eq!(lockout_after(6), Some(Duration::minutes(2)));
        assert_eq!(lockout_after(50), Some(Duration::hours(1)));
        assert_eq!(account_lockout_after(49), None);
        assert_eq!(account_lockout_after(50), Some(Duration::minutes(1)));
        assert_eq!(account_lockout_after(51), Some(Duration::minutes(2)));
    }

    #[test]
    fn new_accounts_name_each_bad_field() {
        let err = NewAccount::parse("nobody", " ", "root", "short").unwrap_err();
        let keys: Vec<&str> = err.keys().map(String::as_str).collect();
        assert_eq!(keys, ["display_name", "email", "password", "role"]);
        let ok =
            NewAccount::parse(" Ana@Landes.FR ", "Ana", "admin", "correct horse battery").unwrap();
        assert_eq!(ok.email, "ana@landes.fr");
    }

    #[test]
    fn tokens_are_256_bits_and_differ() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
        assert_eq!(session_id_of(&a).len(), 64);
    }
}
