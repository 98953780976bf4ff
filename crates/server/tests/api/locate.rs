use geo::InteriorPoint;
use reqwest::StatusCode;
use solidarites_api_types::{ErrorResponse, HealthResponse, LocateResponse};
use solidarites_domain::demo::demo_communes;
use solidarites_server::cli::import_communes;

use crate::helpers::{
    eventually, for_each_backend, holds, landes_geojson_path, spawn_app, spawn_app_with,
    test_settings,
};

async fn locate(app: &crate::helpers::TestApp, lon: &str, lat: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/api/v1/locate", app.address))
        .query(&[("lon", lon), ("lat", lat)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn locates_an_interior_point_of_every_commune() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        let app = spawn_app(db.with_communes(&communes).await).await;
        for commune in &communes {
            let p = commune.geometry.interior_point().expect("interior point");
            let res = locate(&app, &p.x().to_string(), &p.y().to_string()).await;
            assert_eq!(res.status(), StatusCode::OK, "{}", commune.code);
            let body: LocateResponse = res.json().await.unwrap();
            assert_eq!(body.commune.code, commune.code.as_str());
        }
    })
    .await;
}

#[tokio::test]
async fn rejects_point_outside_territory_with_422() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let res = locate(&app, "2.35", "48.85").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.error, "outside_territory");
        assert!(err.message.contains("en dehors du territoire"));
        assert!(err.fields.contains_key("lon") && err.fields.contains_key("lat"));
    })
    .await;
}

#[tokio::test]
async fn rejects_invalid_coordinates_naming_each_field() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let cases: &[(&str, &str, &[&str])] = &[
            ("abc", "45", &["lon"]),
            ("-4", "", &["lat"]),
            ("NaN", "45", &["lon"]),
            ("-4", "inf", &["lat"]),
            ("181", "95", &["lon", "lat"]),
            ("-4", "-90.0001", &["lat"]),
            ("1e400", "45", &["lon"]),
        ];
        for (lon, lat, fields) in cases {
            let res = locate(&app, lon, lat).await;
            assert_eq!(
                res.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{lon},{lat}"
            );
            let err: ErrorResponse = res.json().await.unwrap();
            assert_eq!(err.error, "invalid_coordinates", "{lon},{lat}");
            let got: Vec<&str> = err.fields.keys().map(String::as_str).collect();
            let mut want = fields.to_vec();
            want.sort_unstable();
            assert_eq!(got, want, "{lon},{lat}");
        }
        // Missing parameters altogether.
        let res = app.get("/api/v1/locate").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.fields.len(), 2);
    })
    .await;
}

/// The acceptance check on the real Landes boundaries (IGN data in `shared/data`).
#[tokio::test]
async fn imports_the_real_landes_and_locates_the_prefecture() {
    let Some(path) = landes_geojson_path() else {
        eprintln!("shared/data/communes-40-landes.geojson absent: Landes acceptance check not run");
        return;
    };
    for_each_backend(|db| {
        let path = path.clone();
        async move {
            import_communes(&db.url, &path, None)
                .await
                .expect("import Landes");
            let app = spawn_app(db).await;
            let health: HealthResponse = app.get_json("/api/v1/health").await;
            assert_eq!(health.communes, 330);

            // Préfecture des Landes, rue Victor Hugo, Mont-de-Marsan.
            let res = locate(&app, "-0.5003", "43.8925").await;
            assert_eq!(res.status(), StatusCode::OK);
            let body: LocateResponse = res.json().await.unwrap();
            assert_eq!(body.commune.code, "40192");
            assert_eq!(body.commune.name, "Mont-de-Marsan");

            // In the Atlantic, off Mimizan.
            let res = locate(&app, "-1.6", "44.2").await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let err: ErrorResponse = res.json().await.unwrap();
            assert_eq!(err.error, "outside_territory");
        }
    })
    .await;
}

/// Several instances share one database: a re-import through one (or the CLI) reaches the
/// others' in-memory index.
#[tokio::test]
async fn other_instances_reload_a_reimported_territory() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        let url = db.url.clone();
        let first = spawn_app(db.with_communes(&communes[..3]).await).await;
        let second_db = crate::helpers::TestDb::reopen(&first.db).await;
        let second = spawn_app_with(second_db, test_settings(&first.db)).await;
        let count = |app: &crate::helpers::TestApp| {
            let url = format!("{}/api/v1/health", app.address);
            let client = app.client.clone();
            async move {
                let h: HealthResponse = client.get(url).send().await.unwrap().json().await.unwrap();
                h.communes
            }
        };
        assert_eq!(count(&second).await, 3);
        solidarites_server::storage::communes::replace_all(&first.db.conn, &communes, "reimport")
            .await
            .unwrap();
        // Each instance polls on its own timer: wait for both (bounded), not one then the
        // other at once.
        for (name, app) in [("second", &second), ("first", &first)] {
            eventually(
                &format!("the {name} instance reloads ({url})"),
                async || {
                    let n = count(app).await;
                    holds(n == communes.len(), n)
                },
            )
            .await;
        }
    })
    .await;
}
