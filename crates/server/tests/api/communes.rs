use std::collections::BTreeMap;

use reqwest::StatusCode;
use solidarites_api_types::{CommuneListResponse, CommuneResponse, ErrorResponse, HealthResponse};
use solidarites_domain::demo::demo_communes;

use crate::helpers::{for_each_backend, spawn_app};

#[tokio::test]
async fn health_reports_the_database_and_the_territory() {
    for_each_backend(|db| async move {
        let backend = db.backend.name();
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let res = app.get("/api/v1/health").await;
        assert_eq!(res.status(), StatusCode::OK);
        let health: HealthResponse = res.json().await.unwrap();
        assert_eq!(health.status, "ok");
        assert_eq!(health.database, backend);
        assert_eq!(health.communes, demo_communes().len());
    })
    .await;
}

#[tokio::test]
async fn lists_every_commune_sorted_by_code() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let list: CommuneListResponse = app.get_json("/api/v1/communes").await;
        let mut expected = demo_communes();
        expected.sort_by(|a, b| a.code.cmp(&b.code));
        assert_eq!(list.communes.len(), expected.len());
        for (got, want) in list.communes.iter().zip(&expected) {
            assert_eq!(got.code, want.code.as_str());
            assert_eq!(got.name, want.name);
            assert_eq!(got.population, want.population);
            assert_eq!(got.postal_codes, want.postal_codes);
        }
    })
    .await;
}

#[tokio::test]
async fn filters_communes_by_postal_code_spanning_several_communes() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        let mut by_postal: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for c in &communes {
            for p in &c.postal_codes {
                by_postal.entry(p).or_default().push(c.code.as_str());
            }
        }
        let (shared, codes) = by_postal
            .iter()
            .find(|(_, codes)| codes.len() > 1)
            .expect("the demo territory has a postal code shared by several communes");
        let app = spawn_app(db.with_communes(&communes).await).await;
        let list: CommuneListResponse = app
            .get_json(&format!("/api/v1/communes?postal_code={shared}"))
            .await;
        let mut got: Vec<&str> = list.communes.iter().map(|c| c.code.as_str()).collect();
        got.sort_unstable();
        let mut want = codes.clone();
        want.sort_unstable();
        assert_eq!(got, want);

        let none: CommuneListResponse = app.get_json("/api/v1/communes?postal_code=99999").await;
        assert!(none.communes.is_empty());
    })
    .await;
}

#[tokio::test]
async fn refuses_a_malformed_postal_code_naming_the_field() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        for bad in ["4000", "4000A", "400000", "%20"] {
            let res = app
                .get(&format!("/api/v1/communes?postal_code={bad}"))
                .await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            let err: ErrorResponse = res.json().await.unwrap();
            assert_eq!(err.error, "invalid_postal_code");
            assert!(err.fields.contains_key("postal_code"));
        }
    })
    .await;
}

#[tokio::test]
async fn searches_commune_names_ignoring_accents_and_case() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        let target = communes
            .iter()
            .find(|c| !c.name.is_ascii() || c.name.contains('-'))
            .unwrap_or(&communes[0]);
        let folded = solidarites_server::search::fold(&target.name).to_uppercase();
        let app = spawn_app(db.with_communes(&communes).await).await;
        let list: CommuneListResponse = app
            .client
            .get(format!("{}/api/v1/communes", app.address))
            .query(&[("q", folded.as_str())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            list.communes.iter().any(|c| c.code == target.code.as_str()),
            "{folded} should find {}",
            target.name
        );
    })
    .await;
}

#[tokio::test]
async fn gets_one_commune_or_a_json_404_or_422() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        let app = spawn_app(db.with_communes(&communes).await).await;
        let first = &communes[0];
        let res = app.get(&format!("/api/v1/communes/{}", first.code)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let got: CommuneResponse = res.json().await.unwrap();
        assert_eq!(got.name, first.name);

        let res = app.get("/api/v1/communes/40192").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.error, "not_found");

        let res = app.get("/api/v1/communes/4019X").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert!(err.fields.contains_key("code"));
    })
    .await;
}

#[tokio::test]
async fn serves_simplified_boundaries_with_etag_and_304() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        let app = spawn_app(db.with_communes(&communes).await).await;
        let res = app.get("/api/v1/communes.geojson").await;
        assert_eq!(res.status(), StatusCode::OK);
        let headers = res.headers().clone();
        let etag = headers["etag"].to_str().unwrap().to_owned();
        assert!(etag.starts_with('"') && etag.ends_with('"'));
        assert!(headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age"));
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/geo+json"));
        let body: geojson::FeatureCollection = res.json().await.unwrap();
        assert_eq!(body.features.len(), communes.len());
        for feature in &body.features {
            assert!(feature.geometry.is_some());
            assert!(feature.property("code").is_some());
            assert!(feature.property("name").is_some());
        }

        for if_none_match in [
            etag.clone(),
            format!("W/{etag}"),
            format!("\"x\", {etag}"),
            "*".into(),
        ] {
            let res = app
                .get_with_header("/api/v1/communes.geojson", "If-None-Match", &if_none_match)
                .await;
            assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{if_none_match}");
            assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);
            assert!(res.bytes().await.unwrap().is_empty());
        }
        let res = app
            .get_with_header("/api/v1/communes.geojson", "If-None-Match", "\"stale\"")
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn unknown_api_routes_answer_json_404() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let res = app.get("/api/v1/nothing-here").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.error, "not_found");
    })
    .await;
}

#[tokio::test]
async fn publishes_an_openapi_description_of_the_routes() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let doc: serde_json::Value = app.get_json("/api/v1/openapi.json").await;
        let paths = doc["paths"].as_object().unwrap();
        for path in [
            "/api/v1/health",
            "/api/v1/communes",
            "/api/v1/communes/{code}",
            "/api/v1/communes.geojson",
            "/api/v1/locate",
        ] {
            assert!(paths.contains_key(path), "{path} missing from OpenAPI");
        }
    })
    .await;
}

#[tokio::test]
async fn answers_head_requests_on_cacheable_routes_without_a_body() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        for path in ["/api/v1/communes.geojson", "/api/v1/health"] {
            let res = app
                .client
                .head(format!("{}{path}", app.address))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            assert!(res.bytes().await.unwrap().is_empty(), "{path}");
        }
        let res = app
            .client
            .head(format!("{}/api/v1/communes.geojson", app.address))
            .send()
            .await
            .unwrap();
        assert!(res.headers().contains_key("etag"));
    })
    .await;
}
