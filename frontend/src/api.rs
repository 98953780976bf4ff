//! Calls to the JSON API (`/api/v1`, same origin), typed with the server's own request and
//! response types (`solidarites-api-types`).
//!
//! Every error body of the API is an [`ErrorResponse`]: [`ApiError::Http`] keeps its
//! French message and its `fields` (field name → French message) so forms can show each
//! message next to its field.

use std::collections::BTreeMap;

use gloo_net::http::{Request, RequestBuilder, Response};
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
    send(Request::get(url), None::<&()>).await
}

/// `GET url` with extra headers → `T`.
pub async fn get_with<T: DeserializeOwned>(
    url: &str,
    headers: &[(&str, &str)],
) -> Result<T, ApiError> {
    let mut request = Request::get(url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    send(request, None::<&()>).await
}

/// `POST url` with a JSON body and extra headers → `T`.
pub async fn post<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    headers: &[(&str, &str)],
) -> Result<T, ApiError> {
    let mut request = Request::post(url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    send(request, Some(body)).await
}

/// `DELETE url` with extra headers → `T`.
pub async fn delete<T: DeserializeOwned>(
    url: &str,
    headers: &[(&str, &str)],
) -> Result<T, ApiError> {
    let mut request = Request::delete(url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    send(request, None::<&()>).await
}

/// `PUT url` with a JSON body and extra headers → `T`.
pub async fn put<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
    headers: &[(&str, &str)],
) -> Result<T, ApiError> {
    let mut request = Request::put(url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    send(request, Some(body)).await
}

/// `DELETE url` with extra headers, for routes that answer `204 No Content`.
pub async fn delete_no_content(url: &str, headers: &[(&str, &str)]) -> Result<(), ApiError> {
    let mut request = Request::delete(url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if response.ok() {
        return Ok(());
    }
    let status = response.status();
    Err(ApiError::from_body(
        status,
        response.json::<ErrorResponse>().await.ok(),
    ))
}

async fn send<B: Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    body: Option<&B>,
) -> Result<T, ApiError> {
    let request = request.header("Accept", "application/json");
    let response = match body {
        Some(body) => {
            request
                .json(body)
                .map_err(|_| ApiError::InvalidBody)?
                .send()
                .await
        }
        None => request.send().await,
    }
    .map_err(|_| ApiError::Network)?;
    read(response).await
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if !response.ok() {
        let body = response.json::<ErrorResponse>().await.ok();
        return Err(ApiError::from_body(response.status(), body));
    }
    response
        .json::<T>()
        .await
        .map_err(|_| ApiError::InvalidBody)
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
