//! Every 4xx in the promised shape: `{"error", "message", "fields"}`, French, the bad
//! field named; bodies that are not UTF-8 JSON refused.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{for_each_backend, spawn_app, TestApp};

async fn post_raw(app: &TestApp, path: &str, content_type: &str, body: &str) -> reqwest::Response {
    app.client
        .post(format!("{}{path}", app.address))
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

/// The body of an error answer: the three keys, a French message.
async fn error_body(res: reqwest::Response) -> Value {
    let text = res.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text:?}"));
    assert!(body["error"].is_string(), "{body}");
    assert!(body["message"].is_string(), "{body}");
    assert!(body["fields"].is_object(), "{body}");
    let message = body["message"].as_str().unwrap();
    for english in ["invalid type", "expected", "struct", "Json deserialize"] {
        assert!(!message.contains(english), "{message}");
    }
    body
}

#[tokio::test]
async fn a_body_of_the_wrong_type_names_the_field_in_french() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        for (path, body, field) in [
            ("/api/v1/initiatives", json!({"title": 3}), "title"),
            (
                "/api/v1/initiatives",
                json!({"title": "x", "themes": "isolement"}),
                "themes",
            ),
            ("/api/v1/proposals", json!({"title": ["a"]}), "title"),
            (
                "/api/v1/auth/login",
                json!({"email": 1, "password": "x"}),
                "email",
            ),
        ] {
            let res = post_raw(&app, path, "application/json", &body.to_string()).await;
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path} {body}");
            let error = error_body(res).await;
            assert_eq!(error["error"], "invalid_body", "{error}");
            let message = error["fields"][field]
                .as_str()
                .unwrap_or_else(|| panic!("{error}"));
            assert!(message.contains("attendu"), "{message}");
        }
        // Broken JSON: a plain 400 in the same shape.
        let res = post_raw(
            &app,
            "/api/v1/initiatives",
            "application/json",
            "{\"title\":",
        )
        .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error_body(res).await["error"], "bad_request");
    })
    .await;
}

#[tokio::test]
async fn bodies_that_are_not_utf8_json_are_refused() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let body = json!({"email": "a@b.fr", "password": "x"}).to_string();
        for content_type in [
            "application/json; charset=latin1",
            "application/json;charset=ISO-8859-1",
            "application/merge-patch+json",
            "text/plain",
        ] {
            let res = post_raw(&app, "/api/v1/auth/login", content_type, &body).await;
            assert_eq!(
                res.status(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{content_type}"
            );
            assert_eq!(error_body(res).await["error"], "unsupported_media_type");
        }
        for content_type in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON; charset=\"UTF-8\"",
        ] {
            let res = post_raw(&app, "/api/v1/auth/login", content_type, &body).await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{content_type}");
        }
    })
    .await;
}

#[tokio::test]
async fn long_query_strings_get_an_error_in_the_promised_shape() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        for len in [9_000, 20_000, 40_000, 60_000] {
            let q = "a".repeat(len);
            let res = app.get(&format!("/api/v1/initiatives?q={q}")).await;
            assert_eq!(res.status(), StatusCode::URI_TOO_LONG, "{len}");
            let error = error_body(res).await;
            assert!(!error["message"].as_str().unwrap().is_empty(), "{len}");
        }
    })
    .await;
}

#[tokio::test]
async fn an_unknown_method_on_a_known_path_is_a_405_and_a_missing_edit_token_a_400() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let res = app
            .client
            .patch(format!("{}/api/v1/initiatives", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
        let allow = res.headers()["allow"].to_str().unwrap().to_owned();
        assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
        assert_eq!(error_body(res).await["error"], "method_not_allowed");
        // An empty path segment is no `{id}`: a 404, not a 405 listing the method used.
        let res = app
            .client
            .get(format!("{}/api/v1/campaigns//responses", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(error_body(res).await["error"], "not_found");
        let res = app
            .client
            .delete(format!("{}/api/v1/communes/40192", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
        // An unknown path stays a 404.
        let res = app
            .client
            .patch(format!("{}/api/v1/nowhere", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(error_body(res).await["error"], "not_found");

        for method in [
            reqwest::Method::GET,
            reqwest::Method::PUT,
            reqwest::Method::DELETE,
        ] {
            let res = app
                .client
                .request(
                    method.clone(),
                    format!("{}/api/v1/initiatives/edit", app.address),
                )
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{method}");
            let error = error_body(res).await;
            assert_eq!(error["error"], "missing_header");
            assert!(error["fields"]["X-Edit-Token"].is_string(), "{error}");
        }
    })
    .await;
}
