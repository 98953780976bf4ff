//! Listings kept current (issue 18, point 4): initiatives and actors not confirmed for the
//! period are flagged, then hidden from every public endpoint (never deleted), and come
//! back when the submitter or staff confirm them. Time passes on the application's
//! adjustable clock: no sleeping.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::StatusCode;
use serde_json::{json, Value};
use solidarites_api_types::{
    ActorListResponse, ConfirmListingResponse, ErrorResponse, StaleBulkResponse, StaleListResponse,
    SubmitterInitiativeResponse,
};
use solidarites_domain::{demo::demo_communes, freshness::FreshnessPolicy};
use solidarites_server::{auth::Role, clock::Clock, services};

use crate::helpers::{
    eventually, for_each_backend, holds, spawn_app_with, stale_bulk, test_settings, TestApp, TestDb,
};
use crate::initiatives::{clusters, post, submission, submit, submit_published};

/// Flagged 10 days after the last confirmation, hidden 5 days later.
const POLICY: FreshnessPolicy = FreshnessPolicy {
    flag_after_days: 10,
    hide_after_flag_days: 5,
};

async fn app_with_clock(db: TestDb, clock: &Clock) -> TestApp {
    let db = db.with_communes(&demo_communes()).await;
    let mut settings = test_settings(&db);
    settings.clock = clock.clone();
    settings.freshness = POLICY;
    spawn_app_with(db, settings).await
}

/// The submitter's one-click confirmation through the private link `token`.
async fn confirm(app: &TestApp, token: &str) -> reqwest::Response {
    let path = format!("/api/v1/initiatives/edit/{token}/confirm");
    post(app, &path, &json!({})).await
}

fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

async fn json_of(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

/// What every public endpoint shows of the initiative `title` (id `id`) and its actor
/// `actor`: one flag per endpoint, all expected equal.
async fn public_sightings(
    app: &TestApp,
    (id, title, actor_id): (&str, &str, &str),
    commune: usize,
) -> Vec<bool> {
    let commune = demo_communes()[commune].code.to_string();
    let has_title = |v: &Value, key: &str| {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["title"] == title || i["properties"]["title"] == title)
    };
    let list = json_of(app, "/api/v1/initiatives").await;
    let searched = json_of(app, "/api/v1/initiatives?q=colis").await;
    let near = json_of(
        app,
        &format!("/api/v1/initiatives?near={commune}&radius_km=100"),
    )
    .await;
    let by_actor = json_of(app, &format!("/api/v1/initiatives?actor={actor_id}")).await;
    let geojson = json_of(app, "/api/v1/initiatives.geojson").await;
    let detail = app.get(&format!("/api/v1/initiatives/{id}")).await.status();
    let in_clusters = clusters(app, "zoom=5")
        .await
        .clusters
        .iter()
        .any(|c| c.id.as_deref() == Some(id) || c.count > 1);
    let directory: ActorListResponse = app.get_json("/api/v1/actors").await;
    let actor_detail = app
        .get(&format!("/api/v1/actors/{actor_id}"))
        .await
        .status();
    let by_theme: ActorListResponse = app.get_json("/api/v1/actors?theme=aide-alimentaire").await;
    vec![
        has_title(&list, "items"),
        has_title(&searched, "items"),
        has_title(&near, "items"),
        has_title(&by_actor, "items"),
        has_title(&geojson, "features"),
        detail == StatusCode::OK,
        in_clusters,
        directory.items.iter().any(|a| a.id == actor_id),
        actor_detail == StatusCode::OK,
        by_theme.items.iter().any(|a| a.id == actor_id),
    ]
}

async fn submitter_view(app: &TestApp, token: &str) -> SubmitterInitiativeResponse {
    let res = app.get(&format!("/api/v1/initiatives/edit/{token}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn stale_list(staff: &crate::helpers::StaffClient, query: &str) -> StaleListResponse {
    let res = staff.get(&format!("/api/v1/admin/stale{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn stale_listings_disappear_from_every_public_endpoint_and_come_back_when_confirmed() {
    for_each_backend(|db| async move {
        let clock = Clock::adjustable();
        let app = app_with_clock(db, &clock).await;
        let a = submit_published(&app, &submission("Colis A", "aide-alimentaire", 0)).await;
        let b = submit_published(&app, &submission("Colis B", "aide-alimentaire", 1)).await;
        let actor_of = |id: &str| {
            let app = &app;
            let id = id.to_owned();
            async move {
                let v = json_of(app, &format!("/api/v1/initiatives/{id}")).await;
                v["actor"]["id"].as_str().unwrap().to_owned()
            }
        };
        let (actor_a, actor_b) = (actor_of(&a.id).await, actor_of(&b.id).await);
        let everywhere = vec![true; 10];
        let nowhere = vec![false; 10];
        eventually("both on the map", async || {
            let total = clusters(&app, "zoom=5").await.total;
            holds(total == 2, total)
        })
        .await;
        assert_eq!(
            public_sightings(&app, (&a.id, "Colis A", &actor_a), 0).await,
            everywhere
        );
        assert_eq!(submitter_view(&app, &a.edit_token).await.freshness, "fresh");
        // Signed in before time moves: the flags the background pass then writes do not
        // race the account's creation on SQLite.
        let staff = app.login_as(Role::Moderator).await;

        // Past the period: flagged (the submitter is asked), still public.
        clock.advance(days(11));
        assert_eq!(
            public_sightings(&app, (&a.id, "Colis A", &actor_a), 0).await,
            everywhere
        );
        let view = submitter_view(&app, &a.edit_token).await;
        assert_eq!(view.freshness, "flagged");
        // The background pass records the flag of all four listings (two initiatives,
        // two actors).
        eventually("the flags are recorded", async || {
            let listed = stale_list(&staff, "").await;
            let flagged = listed
                .items
                .iter()
                .filter(|i| i.flagged_at.is_some())
                .count();
            holds(listed.total == 4 && flagged == 4, (listed.total, flagged))
        })
        .await;
        let listed = stale_list(&staff, "?kind=initiative").await;
        assert_eq!(listed.total, 2);
        assert!(listed.items.iter().all(|i| i.freshness == "flagged"));

        // Past the grace period too: hidden from every public endpoint, never deleted.
        clock.advance(days(5));
        assert_eq!(
            public_sightings(&app, (&a.id, "Colis A", &actor_a), 0).await,
            nowhere
        );
        assert_eq!(
            public_sightings(&app, (&b.id, "Colis B", &actor_b), 1).await,
            nowhere
        );
        assert_eq!(clusters(&app, "zoom=5").await.total, 0);
        let view = submitter_view(&app, &a.edit_token).await;
        assert_eq!(
            (view.status.as_str(), view.freshness.as_str()),
            ("published", "hidden")
        );
        let listed = stale_list(&staff, "").await;
        assert_eq!(listed.total, 4);
        assert!(listed.items.iter().all(|i| i.freshness == "hidden"));

        // The submitter confirms in one click: the initiative and its actor come back.
        let res = confirm(&app, &a.edit_token).await;
        assert_eq!(res.status(), StatusCode::OK);
        let confirmed: ConfirmListingResponse = res.json().await.unwrap();
        let today = clock.today();
        assert_eq!(confirmed.hidden_from, (today + days(15)).to_string());
        assert_eq!(
            public_sightings(&app, (&a.id, "Colis A", &actor_a), 0).await,
            everywhere
        );
        assert_eq!(
            public_sightings(&app, (&b.id, "Colis B", &actor_b), 1).await,
            nowhere
        );
        assert_eq!(clusters(&app, "zoom=5").await.total, 1);
        assert_eq!(submitter_view(&app, &a.edit_token).await.freshness, "fresh");
        let listed = stale_list(&staff, "").await;
        assert_eq!(listed.total, 2, "B and its actor are left");

        // Staff confirm B and its actor in bulk.
        let items = [("initiative", b.id.as_str()), ("actor", &actor_b)];
        let res = stale_bulk(&staff, "confirm", &items).await;
        assert_eq!(res.status(), StatusCode::OK);
        let done: StaleBulkResponse = res.json().await.unwrap();
        assert_eq!(done.changed, 2);
        assert_eq!(
            public_sightings(&app, (&b.id, "Colis B", &actor_b), 1).await,
            everywhere
        );
        assert_eq!(clusters(&app, "zoom=5").await.total, 2);
        assert_eq!(stale_list(&staff, "").await.total, 0);
    })
    .await;
}

#[tokio::test]
async fn staff_archive_stale_listings_in_bulk_and_bad_requests_are_named() {
    for_each_backend(|db| async move {
        let clock = Clock::adjustable();
        let app = app_with_clock(db, &clock).await;
        let a = submit_published(&app, &submission("Colis A", "aide-alimentaire", 0)).await;
        let pending = submit(&app, &submission("En attente", "sante", 1)).await;
        let staff = app.login_as(Role::Moderator).await;
        let analyst = app.login_as(Role::Analyst).await;
        clock.advance(days(20));

        // Every bad item is named; nothing changes.
        let res = stale_bulk(&staff, "confirm", &[("label", &a.id), ("initiative", "x")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(
            err.fields.keys().collect::<Vec<_>>(),
            ["items[0].kind", "items[1].id"]
        );
        let res = stale_bulk(&staff, "confirm", &[]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let unknown = uuid::Uuid::new_v4();
        let unknown = unknown.to_string();
        let res = stale_bulk(
            &staff,
            "confirm",
            &[("initiative", &a.id), ("actor", &unknown)],
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // All or nothing: A was not confirmed either.
        assert_eq!(
            app.get(&format!("/api/v1/initiatives/{}", a.id))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        // Only published listings are confirmed.
        let res = stale_bulk(&staff, "confirm", &[("initiative", &pending.id)]).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let res = staff.get("/api/v1/admin/stale?kind=label&page=0").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.fields.keys().collect::<Vec<_>>(), ["kind", "page"]);

        // The submitter of a pending initiative cannot confirm it; an unknown link is a 404.
        let res = confirm(&app, &pending.edit_token).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let res = confirm(&app, "inconnu").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        // Analysts do not moderate.
        assert_eq!(
            analyst.get("/api/v1/admin/stale").await.status(),
            StatusCode::FORBIDDEN
        );

        // Archived: off the stale list, still stored, and confirming it is refused.
        let res = stale_bulk(&staff, "archive", &[("initiative", &a.id)]).await;
        assert_eq!(res.status(), StatusCode::OK);
        let listed = stale_list(&staff, "?kind=initiative").await;
        assert_eq!(listed.total, 0);
        assert_eq!(submitter_view(&app, &a.edit_token).await.status, "archived");
        let res = confirm(&app, &a.edit_token).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        // Archiving by the wrong kind is refused.
        let res = stale_bulk(&staff, "archive", &[("actor", &a.id)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

#[tokio::test]
async fn passes_running_together_flag_each_listing_once() {
    for_each_backend(|db| async move {
        let clock = Clock::adjustable();
        let db = db.with_communes(&demo_communes()).await;
        let mut settings = test_settings(&db);
        settings.clock = clock.clone();
        settings.freshness = POLICY;
        // No background pass: the two below are the only ones.
        settings.territory_refresh = std::time::Duration::ZERO;
        let app = spawn_app_with(db, settings.clone()).await;
        for n in 0..3 {
            submit_published(&app, &submission(&format!("Colis {n}"), "sante", n)).await;
        }
        let conn = &app.db.conn;
        let not_yet = clock.now() + days(9);
        assert_eq!(
            services::freshness::flag_due(conn, &settings, not_yet)
                .await
                .unwrap(),
            0
        );
        let now = clock.now() + days(11);
        let (first, second) = tokio::join!(
            services::freshness::flag_due(conn, &settings, now),
            services::freshness::flag_due(conn, &settings, now),
        );
        // Three initiatives and their three actors, each flagged by one pass.
        assert_eq!(first.unwrap() + second.unwrap(), 6);
        assert_eq!(
            services::freshness::flag_due(conn, &settings, now)
                .await
                .unwrap(),
            0
        );
    })
    .await;
}
