//! Settings stored in the database (`/api/v1/admin/settings`): validated, audited, and in
//! force on every instance without a restart.

use reqwest::StatusCode;
use serde_json::Value;
use solidarites_api_types::{
    AdminSettingsResponse, PublicConfigResponse, ResultsResponse, UpdateSettingsRequest,
};
use solidarites_domain::demo::demo_communes;
use solidarites_server::{auth::Role, config::DEFAULT_TILE_URL};

use crate::{
    helpers::{eventually, for_each_backend, holds, spawn_app, TestApp, TestDb},
    results::{commune, seeded_app},
};

async fn settings(admin: &crate::helpers::StaffClient) -> AdminSettingsResponse {
    let res = admin.get("/api/v1/admin/settings").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    res.json().await.unwrap()
}

async fn public_config(app: &TestApp) -> PublicConfigResponse {
    app.get_json("/api/v1/config").await
}

#[tokio::test]
async fn settings_show_their_defaults_then_what_is_stored_and_are_audited() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        let initial = settings(&admin).await;
        assert_eq!(initial.revision, 0);
        assert!(!initial.public_results.value && !initial.public_results.stored);
        assert_eq!((initial.secrecy_k.value, initial.secrecy_k.default), (5, 5));
        assert_eq!(initial.secrecy_k.min, 3);
        assert_eq!(initial.tile_url.value, DEFAULT_TILE_URL);

        let res = admin
            .put_json(
                "/api/v1/admin/settings",
                &UpdateSettingsRequest {
                    public_results: Some(true),
                    secrecy_k: Some(8),
                    gap_distance_km: Some(15.5),
                    tile_url: Some(String::new()),
                    tile_attribution: Some("© <a href=\"https://ign.fr\">IGN</a>".to_owned()),
                },
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let stored: AdminSettingsResponse = res.json().await.unwrap();
        assert!(stored.public_results.value && stored.public_results.stored);
        assert_eq!((stored.secrecy_k.value, stored.secrecy_k.default), (8, 5));
        assert!((stored.gap_distance_km.value - 15.5).abs() < 1e-9);
        assert!(stored.tile_url.stored && stored.tile_url.value.is_empty());
        assert_eq!(stored.revision, 1);
        assert_eq!(public_config(&app).await.tile_url, None);

        // Every bad field named at once, nothing stored.
        let res = admin
            .put_json(
                "/api/v1/admin/settings",
                &UpdateSettingsRequest {
                    public_results: Some(false),
                    secrecy_k: Some(2),
                    gap_distance_km: Some(0.0),
                    tile_url: Some("ftp://tuiles.example.fr/{z}/{x}/{y}.png".to_owned()),
                    tile_attribution: Some("<script>alert(1)</script>".to_owned()),
                },
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_settings");
        for field in [
            "secrecy_k",
            "gap_distance_km",
            "tile_url",
            "tile_attribution",
        ] {
            assert!(body["fields"][field].is_string(), "{field}: {body}");
        }
        assert!(body["fields"]["secrecy_k"]
            .as_str()
            .unwrap()
            .contains("entre 3"));
        assert_eq!(settings(&admin).await, stored);

        // Nulls go back to the defaults.
        let res = admin
            .put_json(
                "/api/v1/admin/settings",
                &UpdateSettingsRequest {
                    secrecy_k: Some(4),
                    ..UpdateSettingsRequest::default()
                },
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let back: AdminSettingsResponse = res.json().await.unwrap();
        assert_eq!(back.secrecy_k.value, 4);
        assert!(!back.public_results.value && !back.public_results.stored);
        assert_eq!(back.tile_url.value, DEFAULT_TILE_URL);
        assert_eq!(
            public_config(&app).await.tile_url.as_deref(),
            Some(DEFAULT_TILE_URL)
        );

        // Without the CSRF header: refused.
        let res = admin
            .client
            .put(format!("{}/api/v1/admin/settings", app.address))
            .json(&UpdateSettingsRequest::default())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

        let audit: Value = admin
            .get_json("/api/v1/admin/audit?entity_type=settings")
            .await;
        assert_eq!(audit["total"], 2);
        let latest = &audit["entries"][0];
        assert_eq!(latest["action"], "settings.update");
        assert_eq!(latest["actor_email"], admin.email.as_str());
        assert_eq!(latest["before"]["secrecy_k"], 8);
        assert_eq!(latest["after"]["secrecy_k"], 4);
        assert_eq!(latest["after"]["public_results"], Value::Null);
    })
    .await;
}

#[tokio::test]
async fn a_setting_changed_through_one_instance_takes_effect_on_a_second_instance() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let second_db = TestDb::reopen(&db).await;
        let first = spawn_app(db).await;
        let second = spawn_app(second_db).await;
        let (campaign, admin) = seeded_app(&first).await;
        let public = format!("/api/v1/campaigns/{campaign}/results");

        // Off by default, on both.
        assert_eq!(second.get(&public).await.status(), StatusCode::NOT_FOUND);
        let analyst = second.login_as(Role::Analyst).await;
        let admin_results = format!("/api/v1/admin/campaigns/{campaign}/results?level=commune");
        let k_of = |body: &ResultsResponse| body.k;
        let before: ResultsResponse = analyst.get_json(&admin_results).await;
        assert_eq!(k_of(&before), 5);
        // Commune B has 3 respondents: secret under k = 5.
        let b = commune(1);
        assert!(before.groups.iter().any(|g| g.code == b && g.secret));

        let res = admin
            .put_json(
                "/api/v1/admin/settings",
                &UpdateSettingsRequest {
                    public_results: Some(true),
                    secrecy_k: Some(3),
                    tile_url: Some("https://tuiles.example.fr/{z}/{x}/{y}.png".to_owned()),
                    ..UpdateSettingsRequest::default()
                },
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        // In force at once on the instance that stored it.
        assert_eq!(first.get(&public).await.status(), StatusCode::OK);

        // The second instance reloads the settings on its refresh tick (100 ms in tests).
        eventually("public results on the second instance", async || {
            let status = second.get(&public).await.status();
            holds(status == StatusCode::OK, status)
        })
        .await;
        eventually("the new tile URL on the second instance", async || {
            let url = public_config(&second).await.tile_url;
            holds(
                url.as_deref() == Some("https://tuiles.example.fr/{z}/{x}/{y}.png"),
                url,
            )
        })
        .await;
        let after: ResultsResponse = analyst.get_json(&admin_results).await;
        assert_eq!(k_of(&after), 3);
        let group_b = after.groups.iter().find(|g| g.code == b).unwrap();
        assert!(!group_b.secret);
        assert_eq!(group_b.respondents.count(), Some(3));
        let public_body: ResultsResponse = second.get_json(&public).await;
        assert_eq!(public_body.k, 3);

        // And back off.
        let res = admin
            .put_json(
                "/api/v1/admin/settings",
                &UpdateSettingsRequest {
                    public_results: Some(false),
                    ..UpdateSettingsRequest::default()
                },
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        eventually("public results off on the second instance", async || {
            let status = second.get(&public).await.status();
            holds(status == StatusCode::NOT_FOUND, status)
        })
        .await;
        let reset: ResultsResponse = analyst.get_json(&admin_results).await;
        assert_eq!(reset.k, 5);
    })
    .await;
}
