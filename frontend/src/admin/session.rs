//! Who is signed in, and the one place that calls the staff API.
//!
//! The session itself is the server's `HttpOnly` cookie; the app keeps what `POST
//! /api/v1/auth/login` or `GET /api/v1/auth/me` answered (the person and the CSRF token),
//! for the life of the tab. Every staff call goes through [`get`], [`post`], [`put`],
//! [`patch`], [`delete`]: they add `X-CSRF-Token`, and on a 401 (session expired, signed
//! out elsewhere) forget the session and go to `/admin/connexion?retour=<page>`, from which
//! the person comes back to the same page once signed in again (what they typed is kept
//! by [`super::drafts`]).

use std::cell::RefCell;

use leptos::prelude::GetUntracked;
use serde::{de::DeserializeOwned, Serialize};
use solidarites_api_types::{SessionResponse, StaffUserResponse};

use super::Role;
use crate::api::{self, ApiError};
use crate::router;

/// The signed-in person and the token their state-changing requests carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: StaffUserResponse,
    pub csrf_token: String,
}

impl Session {
    pub fn role(&self) -> Role {
        Role::parse(&self.user.role)
    }
}

impl From<SessionResponse> for Session {
    fn from(response: SessionResponse) -> Self {
        Session {
            user: response.user,
            csrf_token: response.csrf_token,
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// The session known to this tab, if any (not checked with the server).
pub fn current() -> Option<Session> {
    CURRENT.with(|cell| cell.borrow().clone())
}

/// `sessionStorage` key of the session known to this tab: it lets an agent reload the
/// console without a connection (assisted entry offline). Gone when the tab closes, on
/// sign-out and when the server says the session ended.
const TAB_SESSION_KEY: &str = "solidarites.session";

/// Remembers (or forgets, with `None`) the session.
pub fn set(session: Option<Session>) {
    match &session {
        Some(s) => {
            let stored = SessionResponse {
                user: s.user.clone(),
                csrf_token: s.csrf_token.clone(),
            };
            if let Ok(json) = serde_json::to_string(&stored) {
                crate::browser::session_set(TAB_SESSION_KEY, &json);
            }
        }
        None => crate::browser::session_remove(TAB_SESSION_KEY),
    }
    let previous = CURRENT.with(|cell| std::mem::replace(&mut *cell.borrow_mut(), session));
    // The answers the previous person typed offline stay on the device, unsent, until
    // they sign in again: never sent or shown in another session.
    if let Some(previous) = previous {
        if current().is_none_or(|now| now.user.id != previous.user.id) {
            crate::offline::stop_sending(&crate::offline::agent_owner(&previous.user.id));
        }
    }
}

/// The session: the one known to this tab, else asks the server (`GET /api/v1/auth/me`).
/// A 401 means nobody is signed in. Without a connection, the session this tab knew
/// before a reload (its answers are sent once the server can check it again).
pub async fn ensure() -> Result<Session, ApiError> {
    if let Some(session) = current() {
        return Ok(session);
    }
    let response: SessionResponse = match api::get("/api/v1/auth/me").await {
        Ok(response) => response,
        Err(ApiError::Network) => crate::browser::session_get(TAB_SESSION_KEY)
            .and_then(|json| serde_json::from_str(&json).ok())
            .ok_or(ApiError::Network)?,
        Err(error) => return Err(error),
    };
    let session = Session::from(response);
    set(Some(session.clone()));
    Ok(session)
}

/// Path of the sign-in page that comes back to `retour` (a path and query of the console).
pub fn login_path(retour: &str) -> String {
    if retour.is_empty() || retour == "/admin" {
        "/admin/connexion".to_owned()
    } else {
        router::with_query("/admin/connexion", &[("retour", retour)])
    }
}

/// Where to go after signing in: `retour` when it is a page of the console (never another
/// site, never the sign-in page itself), else the console's home.
pub fn safe_return(retour: Option<&str>) -> String {
    match retour {
        Some(path)
            if (path == "/admin" || path.starts_with("/admin/") || path.starts_with("/admin?"))
                && !path.starts_with("/admin/connexion")
                && !path.contains("//")
                && !path.contains('\\') =>
        {
            path.to_owned()
        }
        _ => "/admin".to_owned(),
    }
}

/// The current page, as `path?query`.
pub fn here() -> String {
    let location = router::use_router().location.get_untracked();
    if location.query.is_empty() {
        location.path
    } else {
        format!("{}?{}", location.path, location.query)
    }
}

/// The session has ended: forget it and go to sign-in, to come back here afterwards.
///
/// The page changes on the next turn of the event loop, once the caller has finished
/// updating its own state: a page that updates a signal just after a failed call must not
/// find it already disposed. Several calls failing together go to sign-in once.
pub fn expired() {
    set(None);
    leptos::prelude::set_timeout(
        || {
            let here = here();
            if !here.starts_with("/admin/connexion") {
                router::navigate(&login_path(&here));
            }
        },
        std::time::Duration::ZERO,
    );
}

/// Sends to sign-in on a 401; passes the outcome on.
fn check<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if matches!(result, Err(ApiError::Http { status: 401, .. })) {
        expired();
    }
    result
}

fn csrf() -> String {
    current().map(|s| s.csrf_token).unwrap_or_default()
}

/// `GET` a staff route.
pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    check(api::get(url).await)
}

/// `POST` to a staff route, with the CSRF header and an `Idempotency-Key`.
pub async fn post_with_key<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    key: &str,
) -> Result<T, ApiError> {
    let token = csrf();
    let mut headers = vec![("X-CSRF-Token", token.as_str())];
    if !key.is_empty() {
        headers.push(("Idempotency-Key", key));
    }
    check(api::post(url, body, &headers).await)
}

/// `POST` to a staff route, with the CSRF header.
pub async fn post<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    let token = csrf();
    check(api::post(url, body, &[("X-CSRF-Token", &token)]).await)
}

/// `PUT` to a staff route, with the CSRF header.
pub async fn put<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    let token = csrf();
    check(api::put(url, body, &[("X-CSRF-Token", &token)]).await)
}

/// `PATCH` a staff route, with the CSRF header.
pub async fn patch<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    let token = csrf();
    check(api::patch(url, body, &[("X-CSRF-Token", &token)]).await)
}

/// `DELETE` on a staff route, with the CSRF header.
pub async fn delete<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let token = csrf();
    check(api::delete(url, &[("X-CSRF-Token", &token)]).await)
}

/// `POST` to a staff route answering `204 No Content`, with the CSRF header.
pub async fn post_no_content<B: Serialize>(url: &str, body: &B) -> Result<(), ApiError> {
    let token = csrf();
    check(api::post_no_content(url, body, &[("X-CSRF-Token", &token)]).await)
}

/// Signs out (`POST /api/v1/auth/logout`) and forgets the session. A 401 means it had
/// ended already: signed out all the same.
pub async fn logout() -> Result<(), ApiError> {
    let token = csrf();
    let result = api::post_no_content(
        "/api/v1/auth/logout",
        &serde_json::json!({}),
        &[("X-CSRF-Token", &token)],
    )
    .await;
    match result {
        Ok(()) | Err(ApiError::Http { status: 401, .. }) => {
            set(None);
            Ok(())
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_console_pages_are_returned_to() {
        assert_eq!(
            safe_return(Some("/admin/moderation?kind=actor")),
            "/admin/moderation?kind=actor"
        );
        assert_eq!(safe_return(Some("/admin")), "/admin");
        assert_eq!(safe_return(Some("https://ailleurs.example")), "/admin");
        assert_eq!(safe_return(Some("//ailleurs.example/admin")), "/admin");
        assert_eq!(safe_return(Some("/admin//ailleurs")), "/admin");
        assert_eq!(safe_return(Some("/administrateur")), "/admin");
        assert_eq!(safe_return(Some("/admin/connexion")), "/admin");
        assert_eq!(safe_return(None), "/admin");
    }

    #[test]
    fn the_sign_in_path_carries_the_page_to_come_back_to() {
        assert_eq!(login_path("/admin"), "/admin/connexion");
        assert_eq!(
            login_path("/admin/moderation?kind=actor"),
            "/admin/connexion?retour=%2Fadmin%2Fmoderation%3Fkind%3Dactor"
        );
    }
}
