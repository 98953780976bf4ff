//! What the web app reads to draw its maps and filters: `GET /api/v1/config` (tile layer,
//! territory extent) and `GET /api/v1/labels`.

use reqwest::StatusCode;
use solidarites_api_types::{CreateLabelRequest, LabelListResponse, PublicConfigResponse};
use solidarites_domain::demo::demo_communes;
use solidarites_server::{
    auth::Role,
    config::{DEFAULT_TILE_ATTRIBUTION, DEFAULT_TILE_URL},
};

use crate::helpers::{for_each_backend, spawn_app, spawn_app_with, test_settings, TestApp};

async fn config(app: &TestApp) -> PublicConfigResponse {
    let res = app.get("/api/v1/config").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    res.json().await.unwrap()
}

#[tokio::test]
async fn defaults_to_openstreetmap_tiles_and_gives_the_territory_extent() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        let app = spawn_app(db.with_communes(&communes).await).await;
        let body = config(&app).await;
        assert_eq!(body.tile_url.as_deref(), Some(DEFAULT_TILE_URL));
        assert_eq!(body.tile_attribution, DEFAULT_TILE_ATTRIBUTION);
        assert!(body.tile_attribution.contains("OpenStreetMap"));
        let bbox = body.territory_bbox.expect("a territory is loaded");
        let [min_lon, min_lat, max_lon, max_lat] = bbox[..] else {
            panic!("bbox has 4 numbers: {bbox:?}");
        };
        assert!(min_lon < max_lon && min_lat < max_lat, "{bbox:?}");
        // Every commune lies inside it.
        for commune in &communes {
            use geo::BoundingRect;
            let r = commune.geometry.bounding_rect().unwrap();
            assert!(
                r.min().x >= min_lon && r.max().x <= max_lon,
                "{}",
                commune.code
            );
            assert!(
                r.min().y >= min_lat && r.max().y <= max_lat,
                "{}",
                commune.code
            );
        }
    })
    .await;
}

#[tokio::test]
async fn tiles_can_be_replaced_or_disabled_and_no_territory_means_no_extent() {
    for_each_backend(|db| async move {
        let mut settings = test_settings(&db);
        settings.tile_url = Some("https://tuiles.example.fr/{z}/{x}/{y}.png".to_owned());
        settings.tile_attribution = "© IGN".to_owned();
        let app = spawn_app_with(db, settings).await;
        let body = config(&app).await;
        assert_eq!(
            body.tile_url.as_deref(),
            Some("https://tuiles.example.fr/{z}/{x}/{y}.png")
        );
        assert_eq!(body.tile_attribution, "© IGN");
        assert_eq!(body.territory_bbox, None);
    })
    .await;
    for_each_backend(|db| async move {
        let mut settings = test_settings(&db);
        settings.tile_url = None;
        let app = spawn_app_with(db, settings).await;
        let body = config(&app).await;
        assert_eq!(body.tile_url, None);
        assert_eq!(body.tile_attribution, "", "no credit for tiles not shown");
    })
    .await;
}

#[tokio::test]
async fn the_config_route_is_in_the_openapi_description() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let doc: serde_json::Value = app.get_json("/api/v1/openapi.json").await;
        assert!(doc["paths"]["/api/v1/config"]["get"].is_object());
        assert!(doc["paths"]["/api/v1/labels"]["get"].is_object());
        assert!(doc["components"]["schemas"]["PublicConfigResponse"].is_object());
    })
    .await;
}

#[tokio::test]
async fn anyone_reads_the_labels_staff_define_with_their_criteria() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let empty: LabelListResponse = app.get_json("/api/v1/labels").await;
        assert!(empty.labels.is_empty());
        let admin = app.login_as(Role::Admin).await;
        for (slug, name) in [
            ("zero-gaspi", "Zéro gaspillage"),
            ("anti-solitude", "Anti-solitude"),
        ] {
            let res = admin
                .post_json(
                    "/api/v1/admin/labels",
                    &CreateLabelRequest {
                        slug: Some(slug.to_owned()),
                        name: Some(name.to_owned()),
                        criteria: Some(format!("Critères de {name}.")),
                    },
                )
                .await;
            assert_eq!(res.status(), StatusCode::CREATED);
        }
        let res = app.get("/api/v1/labels").await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: LabelListResponse = res.json().await.unwrap();
        let names: Vec<&str> = body.labels.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            ["Anti-solitude", "Zéro gaspillage"],
            "sorted by name"
        );
        assert_eq!(body.labels[0].slug, "anti-solitude");
        assert_eq!(body.labels[0].criteria, "Critères de Anti-solitude.");
    })
    .await;
}
