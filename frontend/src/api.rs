//! Calls to the JSON API (`/api/v1`, same origin), typed with the server's own request and
//! response types (`solidarites-api-types`).
//!
//! Every error body of the API is an [`ErrorResponse`]: [`ApiError::Http`] keeps its
//! French message and its `fields` (field name → French message) so forms can show each
//! message next to its field.

use std::collections::BTreeMap;

use std::future::Future;

use gloo_net::http::Request;
use leptos::prelude::{RwSignal, Set};
use serde::{de::DeserializeOwned, Serialize};
use solidarites_api_types::ErrorResponse;

use crate::i18n::common;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The request did not reach the server (offline, server down…).
    Network,
    /// The server answered with an HTTP error.
    Http {
        status: u16,
        /// The API's snake_case code (`invalid_answers`), empty without a JSON body.
        code: String,
        /// The API's French message, empty without a JSON body.
        message: String,
        /// Bad fields: name → French message.
        fields: BTreeMap<String, String>,
    },
    /// A 2xx answer whose body is not what was expected.
    InvalidBody,
}

impl ApiError {
    /// The sentence to show: the API's own message when there is one.
    pub fn message(&self) -> String {
        let t = common::t();
        match self {
            ApiError::Network => t.error_network.to_owned(),
            ApiError::InvalidBody => t.error_body.to_owned(),
            ApiError::Http { message, .. } if !message.trim().is_empty() => {
                message.trim().to_owned()
            }
            ApiError::Http { status: 429, .. } => t.error_throttled.to_owned(),
            ApiError::Http { status, .. } => (t.error_http)(*status),
        }
    }

    /// The message of each bad field (empty for other errors).
    pub fn fields(&self) -> BTreeMap<String, String> {
        match self {
            ApiError::Http { fields, .. } => fields.clone(),
            _ => BTreeMap::new(),
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The error of a non-2xx answer, from its body when it is an [`ErrorResponse`].
    pub fn from_body(status: u16, body: Option<ErrorResponse>) -> ApiError {
        match body {
            Some(body) => ApiError::Http {
                status,
                code: body.error,
                message: body.message,
                fields: body.fields,
            },
            None => ApiError::Http {
                status,
                code: String::new(),
                message: String::new(),
                fields: BTreeMap::new(),
            },
        }
    }
}

/// `GET url` → `T`.
pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    parse(&send(Method::Get, url, None, &[]).await?)
}

/// `GET url` with extra headers → `T`.
pub async fn get_with<T: DeserializeOwned>(
    url: &str,
    headers: &[(&str, &str)],
) -> Result<T, ApiError> {
    parse(&send(Method::Get, url, None, headers).await?)
}

/// `POST url` with a JSON body and extra headers → `T`.
pub async fn post<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    headers: &[(&str, &str)],
) -> Result<T, ApiError> {
    let body = serde_json::to_string(body).map_err(|_| ApiError::InvalidBody)?;
    parse(&send(Method::Post, url, Some(body), headers).await?)
}

/// `DELETE url` with extra headers → `T`.
pub async fn delete<T: DeserializeOwned>(
    url: &str,
    headers: &[(&str, &str)],
) -> Result<T, ApiError> {
    parse(&send(Method::Delete, url, None, headers).await?)
}

/// `PUT url` with a JSON body and extra headers → `T`.
pub async fn put<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    headers: &[(&str, &str)],
) -> Result<T, ApiError> {
    let body = serde_json::to_string(body).map_err(|_| ApiError::InvalidBody)?;
    parse(&send(Method::Put, url, Some(body), headers).await?)
}

/// `PATCH url` with a JSON body and extra headers → `T`.
pub async fn patch<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    headers: &[(&str, &str)],
) -> Result<T, ApiError> {
    let body = serde_json::to_string(body).map_err(|_| ApiError::InvalidBody)?;
    parse(&send(Method::Patch, url, Some(body), headers).await?)
}

/// `POST url` with a JSON body and extra headers, for routes that answer `204 No Content`.
pub async fn post_no_content<B: Serialize>(
    url: &str,
    body: &B,
    headers: &[(&str, &str)],
) -> Result<(), ApiError> {
    let body = serde_json::to_string(body).map_err(|_| ApiError::InvalidBody)?;
    send(Method::Post, url, Some(body), headers)
        .await
        .map(|_| ())
}

/// `DELETE url` with extra headers, for routes that answer `204 No Content`.
pub async fn delete_no_content(url: &str, headers: &[(&str, &str)]) -> Result<(), ApiError> {
    send(Method::Delete, url, None, headers).await.map(|_| ())
}

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// Reads a 2xx body as `T`. (Only this is generic: the request itself is one function for
/// every type, which keeps the `.wasm` small.)
fn parse<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|_| ApiError::InvalidBody)
}

/// Sends a request and returns the body of a 2xx answer, or the error.
async fn send(
    method: Method,
    url: &str,
    json: Option<String>,
    headers: &[(&str, &str)],
) -> Result<String, ApiError> {
    let mut request = match method {
        Method::Get => Request::get(url),
        Method::Post => Request::post(url),
        Method::Put => Request::put(url),
        Method::Patch => Request::patch(url),
        Method::Delete => Request::delete(url),
    }
    .header("Accept", "application/json");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = match json {
        Some(json) => {
            request
                .header("Content-Type", "application/json")
                .body(json)
                .map_err(|_| ApiError::InvalidBody)?
                .send()
                .await
        }
        None => request.send().await,
    }
    .map_err(|_| ApiError::Network)?;
    let ok = response.ok();
    let status = response.status();
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    if ok {
        Ok(text)
    } else {
        Err(ApiError::from_body(
            status,
            serde_json::from_str::<ErrorResponse>(&text).ok(),
        ))
    }
}

/// What a page loads from the API: `None` while the request is under way.
pub type Loaded<T> = RwSignal<Option<Result<T, ApiError>>>;

/// Starts loading `future` and returns the signal that will hold its outcome. (Lighter
/// than a resource: no async-derived machinery per type.)
pub fn load<T: Send + Sync + 'static>(
    future: impl Future<Output = Result<T, ApiError>> + 'static,
) -> Loaded<T> {
    let loaded = RwSignal::new(None);
    // The server's first screen stays until the first page has what it loads.
    let future = crate::first_screen::holding(future);
    leptos::task::spawn_local(async move {
        let outcome = future.await;
        // The page may be gone by then.
        let _ = loaded.try_set(Some(outcome));
    });
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_prefer_the_api_message_and_keep_the_fields() {
        let body = ErrorResponse {
            error: "invalid_answers".into(),
            message: "Certaines réponses sont à corriger.".into(),
            fields: BTreeMap::from([("commune".to_owned(), "Indiquez votre commune.".to_owned())]),
        };
        let error = ApiError::from_body(422, Some(body));
        assert_eq!(error.message(), "Certaines réponses sont à corriger.");
        assert_eq!(error.status(), Some(422));
        assert_eq!(
            error.fields().get("commune").map(String::as_str),
            Some("Indiquez votre commune.")
        );
    }

    #[test]
    fn errors_without_a_body_are_worded_politely() {
        assert!(ApiError::from_body(502, None)
            .message()
            .contains("erreur\u{a0}502"));
        assert!(ApiError::from_body(429, None)
            .message()
            .contains("patienter"));
        assert!(ApiError::Network
            .message()
            .contains("n’a pas pu être joint"));
        assert!(ApiError::InvalidBody.message().contains("illisible"));
        assert!(ApiError::Network.fields().is_empty());
        assert_eq!(ApiError::Network.status(), None);
    }
}
