//! Every staff-only route, with the lowest role allowed on it. Routes added later extend
//! [`ADMIN_ROUTES`]; the test below then checks them like the others.

use serde_json::json;
use solidarites_server::auth::Role::{self, Admin, Analyst, Committee, Moderator};

use crate::helpers::{for_each_backend, spawn_app};

/// `("METHOD path", minimum role)`, the path under `/api/v1/admin`. `{id}` is replaced by a
/// random UUID.
pub const ADMIN_ROUTES: &[(&str, Role)] = &[
    ("GET /users", Admin),
    ("POST /users", Admin),
    ("PATCH /users/{id}", Admin),
    ("POST /users/{id}/password-link", Admin),
    ("GET /audit", Admin),
    ("GET /outbox", Admin),
    ("GET /settings", Admin),
    ("PUT /settings", Admin),
    ("GET /moderation", Analyst),
    ("POST /moderation/bulk", Moderator),
    ("POST /moderation/{id}/approve", Moderator),
    ("POST /moderation/{id}/reject", Moderator),
    ("POST /moderation/{id}/request-changes", Moderator),
    ("POST /moderation/{id}/archive", Moderator),
    ("GET /labels", Moderator),
    ("POST /labels", Admin),
    ("POST /labels/{id}/grants", Moderator),
    ("GET /labels/{id}/grants", Moderator),
    ("GET /label-grants", Moderator),
    ("DELETE /label-grants/{id}", Moderator),
    ("POST /label-grants/{id}/renewal-invitation", Moderator),
    ("PUT /labels/{id}/criteria", Admin),
    ("GET /label-applications", Committee),
    ("GET /label-applications/{id}", Committee),
    ("POST /label-applications/{id}/approve", Committee),
    ("POST /label-applications/{id}/refuse", Committee),
    ("POST /themes", Admin),
    ("PATCH /themes/{id}", Admin),
    ("POST /themes/{id}/retire", Admin),
    ("PUT /actors/{id}/charter", Moderator),
    ("GET /questionnaires", Analyst),
    ("POST /questionnaires", Moderator),
    ("GET /questionnaires/{id}", Analyst),
    ("PUT /questionnaires/{id}", Moderator),
    ("POST /questionnaires/{id}/preview", Analyst),
    ("GET /campaigns", Committee),
    ("POST /campaigns", Moderator),
    ("GET /campaigns/{id}", Analyst),
    ("PATCH /campaigns/{id}", Moderator),
    ("POST /campaigns/{id}/open-now", Moderator),
    ("POST /campaigns/{id}/close", Moderator),
    ("GET /campaigns/{id}/counts", Analyst),
    ("POST /campaigns/{id}/responses", Moderator),
    ("GET /volunteers", Moderator),
    ("GET /exports/volunteers.csv", Moderator),
    ("POST /volunteers/purge", Admin),
    ("GET /volunteers/matches", Moderator),
    ("GET /exports/volunteer-matches.csv", Moderator),
    ("GET /stale", Moderator),
    ("POST /stale/confirm", Moderator),
    ("POST /stale/archive", Moderator),
    ("GET /proposals", Committee),
    ("GET /proposals/{id}", Committee),
    ("POST /proposals/{id}/status", Moderator),
    ("PUT /proposals/{id}/note", Moderator),
    ("PUT /proposals/{id}/priority", Committee),
    ("PUT /proposal-priorities", Committee),
    ("POST /proposals/{id}/merge", Moderator),
    ("GET /campaigns/{id}/results", Committee),
    ("GET /campaigns/{id}/gaps", Committee),
    ("GET /campaigns/{id}/gaps.geojson", Committee),
    ("GET /indicators", Committee),
    ("GET /zones?level=canton", Committee),
    ("GET /campaigns/{id}/exports/answers.csv", Admin),
    ("GET /campaigns/{id}/exports/answers.xlsx", Admin),
    ("GET /campaigns/{id}/exports/results.csv", Committee),
    ("GET /campaigns/{id}/exports/results.xlsx", Committee),
    ("GET /campaigns/{id}/exports/results.geojson", Committee),
    ("GET /exports/initiatives.geojson", Analyst),
    ("GET /exports/initiatives.csv", Analyst),
    ("GET /exports/data-inclusion/structures.json", Analyst),
    ("GET /exports/data-inclusion/services.json", Analyst),
];

/// The method and the whole path of an [`ADMIN_ROUTES`] entry.
fn method_and_path(route: &str) -> (&str, String) {
    let (method, path) = route.split_once(' ').expect("METHOD path");
    (method, format!("/api/v1/admin{path}"))
}

async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    csrf: Option<&str>,
) -> reqwest::Response {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client.request(method.clone(), url);
    if let Some(csrf) = csrf {
        request = request.header("X-CSRF-Token", csrf);
    }
    if method != reqwest::Method::GET && method != reqwest::Method::HEAD {
        request = request.json(&json!({}));
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn every_admin_route_checks_the_session_and_the_role() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let mut staff = Vec::new();
        for role in Role::ALL {
            staff.push((role, app.login_as(role).await));
        }
        for &(route, minimum) in ADMIN_ROUTES {
            let (method, path) = method_and_path(route);
            let url = format!(
                "{}{}",
                app.address,
                path.replace("{id}", &uuid::Uuid::new_v4().to_string())
            );
            let anonymous = send(&app.client, method, &url, None).await;
            assert_eq!(anonymous.status(), 401, "{method} {path} anonymous");
            let body: serde_json::Value = anonymous.json().await.unwrap();
            assert_eq!(body["error"], "unauthorized", "{method} {path}");

            for (role, client) in &staff {
                let response = send(&client.client, method, &url, Some(&client.csrf)).await;
                let status = response.status().as_u16();
                if *role < minimum {
                    assert_eq!(status, 403, "{method} {path} as {role}");
                    let body: serde_json::Value = response.json().await.unwrap();
                    assert_eq!(body["error"], "forbidden", "{method} {path} as {role}");
                } else {
                    assert!(
                        status != 401 && status != 403,
                        "{method} {path} as {role}: {status}"
                    );
                }
            }
        }
    })
    .await;
}

/// The operations of a documented path, by method.
fn operations(
    item: &utoipa::openapi::PathItem,
) -> [(&'static str, &Option<utoipa::openapi::path::Operation>); 5] {
    [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
    ]
}

/// The router and the OpenAPI document are built from one list (`api_routes!` in
/// `routes/mod.rs`), so a route cannot be served undocumented. This checks the other half
/// against the running app: every documented operation reaches a handler (no answer from
/// the API's fallback, which says the address or the method does not exist). And a staff
/// route cannot be documented without declaring its access in [`ADMIN_ROUTES`], which the
/// matrix above then checks for every role: adding a route without saying who may use it
/// fails here.
#[tokio::test]
async fn every_documented_route_is_served_and_every_staff_route_declares_its_access() {
    use utoipa::OpenApi;
    let doc = solidarites_server::routes::ApiDoc::openapi();
    assert!(doc.paths.paths.len() > 50, "{}", doc.paths.paths.len());
    for_each_backend(|db| {
        let doc = doc.clone();
        async move {
            let app = spawn_app(db).await;
            let mut unserved = Vec::new();
            for (path, item) in &doc.paths.paths {
                for (method, operation) in operations(item) {
                    if operation.is_none() {
                        continue;
                    }
                    let concrete: String = path
                        .split('/')
                        .map(|s| if s.starts_with('{') { "x" } else { s })
                        .collect::<Vec<_>>()
                        .join("/");
                    let response = send(
                        &app.client,
                        method,
                        &format!("{}{concrete}", app.address),
                        None,
                    )
                    .await;
                    let status = response.status().as_u16();
                    let text = response.text().await.unwrap_or_default();
                    if (status == 404 && text.contains("Cette adresse de l'API n'existe pas"))
                        || (status == 405 && text.contains("method_not_allowed"))
                    {
                        unserved.push(format!("{method} {path}"));
                    }
                }
            }
            assert!(
                unserved.is_empty(),
                "documented but not served: {unserved:?}"
            );
        }
    })
    .await;

    let normalise = |path: &str| -> String {
        let path = path.split('?').next().unwrap_or(path);
        path.split('/')
            .map(|s| if s.starts_with('{') { "{id}" } else { s })
            .collect::<Vec<_>>()
            .join("/")
    };
    let declared: std::collections::BTreeSet<(String, String)> = ADMIN_ROUTES
        .iter()
        .map(|(route, _)| {
            let (method, path) = method_and_path(route);
            (method.to_owned(), normalise(&path))
        })
        .collect();
    let mut missing = Vec::new();
    let mut staff_operations = 0;
    for (path, item) in &doc.paths.paths {
        if !path.starts_with("/api/v1/admin") {
            continue;
        }
        for (method, operation) in operations(item) {
            if operation.is_some() {
                staff_operations += 1;
                if !declared.contains(&(method.to_owned(), normalise(path))) {
                    missing.push(format!("{method} {path}"));
                }
            }
        }
    }
    assert!(
        staff_operations >= declared.len(),
        "{staff_operations} < {}",
        declared.len()
    );
    assert!(
        missing.is_empty(),
        "staff routes without a declared access: {missing:?}"
    );
}
