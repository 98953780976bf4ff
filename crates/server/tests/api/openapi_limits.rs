//! The OpenAPI document states the limits the server enforces (`pattern`, `minLength`,
//! `maxLength`, `minimum`, `maximum`) with the values of the constants the parsers use,
//! and lists `400 invalid_body` wherever a JSON body is read; the server enforces each
//! stated limit exactly at its boundary.

use reqwest::StatusCode;
use serde_json::{json, Value};
use solidarites_domain::{demo::demo_communes, InseeCode};
use solidarites_server::submission;

use crate::helpers::{for_each_backend, spawn_app};

fn parameter<'a>(doc: &'a Value, path: &str, method: &str, name: &str) -> &'a Value {
    doc["paths"][path][method]["parameters"]
        .as_array()
        .unwrap_or_else(|| panic!("{method} {path} has no parameters"))
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))
}

fn as_usize(value: &Value) -> usize {
    usize::try_from(
        value
            .as_u64()
            .unwrap_or_else(|| panic!("not a number: {value}")),
    )
    .unwrap()
}

async fn field_errors(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    (status, body["fields"].clone())
}

#[tokio::test]
async fn the_openapi_document_states_the_limits_the_server_enforces() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let doc: Value = app.get_json("/api/v1/openapi.json").await;
        let schemas = &doc["components"]["schemas"];

        // The INSEE code pattern is the domain's, and agrees with the server's parser on
        // every probe: a match is a known (200) or unknown (404) commune, never a 422.
        let code = parameter(&doc, "/api/v1/communes/{code}", "get", "code");
        let pattern = code["schema"]["pattern"].as_str().unwrap();
        assert_eq!(pattern, InseeCode::PATTERN);
        let regex = regex::Regex::new(pattern).unwrap();
        for probe in [
            "40192",
            "2A004",
            "2a004",
            "2B033",
            "97411",
            "2C004",
            "4019",
            "401920",
            "4O192",
            "20A04",
            "A2004",
            "40 92",
            "٤٠١٩٢",
        ] {
            let res = app
                .get(&format!("/api/v1/communes/{}", probe.replace(' ', "%20")))
                .await;
            let status = res.status();
            if regex.is_match(probe) {
                assert!(
                    status == StatusCode::OK || status == StatusCode::NOT_FOUND,
                    "{probe}: matches the pattern, answered {status}"
                );
            } else {
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{probe}");
            }
        }
        assert_eq!(
            schemas["LocationRequest"]["properties"]["commune_code"]["pattern"],
            InseeCode::PATTERN
        );

        // Text lengths: the parser's constants, enforced at the boundary.
        let title = &schemas["InitiativeContentRequest"]["properties"]["title"];
        assert_eq!(as_usize(&title["maxLength"]), submission::TITLE_MAX);
        assert_eq!(as_usize(&title["minLength"]), submission::TITLE_MIN);
        let pseudonym = &schemas["CreateProposalRequest"]["properties"]["pseudonym"];
        assert_eq!(as_usize(&pseudonym["maxLength"]), submission::PSEUDONYM_MAX);
        for (path, field, limit) in [
            (
                "/api/v1/initiatives",
                "title",
                as_usize(&title["maxLength"]),
            ),
            ("/api/v1/proposals", "title", as_usize(&title["maxLength"])),
            (
                "/api/v1/proposals",
                "pseudonym",
                as_usize(&pseudonym["maxLength"]),
            ),
        ] {
            for (length, refused) in [(limit, false), (limit + 1, true)] {
                let body = json!({ field: "é".repeat(length) });
                let (status, fields) = field_errors(app.post_json(path, &body).await).await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
                assert_eq!(
                    fields.get(field).is_some(),
                    refused,
                    "{path} {field} of {length} characters: {fields}"
                );
            }
        }
        let (_, fields) = field_errors(
            app.post_json(
                "/api/v1/initiatives",
                &json!({ "title": "a".repeat(as_usize(&title["minLength"]) - 1) }),
            )
            .await,
        )
        .await;
        assert!(fields.get("title").is_some(), "{fields}");

        // Numbers: the page bounds of every list.
        let page = parameter(&doc, "/api/v1/initiatives", "get", "page");
        assert_eq!(page["schema"]["minimum"], 1);
        let max_page = page["schema"]["maximum"].as_u64().unwrap();
        for (value, refused) in [
            (0, true),
            (1, false),
            (max_page, false),
            (max_page + 1, true),
        ] {
            let res = app.get(&format!("/api/v1/initiatives?page={value}")).await;
            let status = res.status();
            assert_eq!(
                status == StatusCode::UNPROCESSABLE_ENTITY,
                refused,
                "page={value}"
            );
            if refused {
                let (_, fields) = field_errors(res).await;
                assert!(fields.get("page").is_some(), "{fields}");
            }
        }
        let lon = &schemas["LocationRequest"]["properties"]["lon"];
        assert_eq!(
            (lon["minimum"].as_f64(), lon["maximum"].as_f64()),
            (Some(-180.0), Some(180.0))
        );

        // Every operation that reads a JSON body lists the 400 of a body of the wrong shape,
        // and the server answers it in that shape.
        let mut with_body = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if operation.get("requestBody").is_some() {
                    with_body += 1;
                    assert!(
                        operation["responses"].get("400").is_some(),
                        "{method} {path} reads a body but does not list 400"
                    );
                }
            }
        }
        assert!(with_body > 20, "{with_body} operations with a body");
        let res = app
            .post_json(
                "/api/v1/proposals",
                &json!({ "title": ["not", "a", "string"] }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_body");
        assert!(body["fields"].get("title").is_some(), "{body}");
    })
    .await;
}
