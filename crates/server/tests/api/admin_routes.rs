//! Every staff-only route, with the lowest role allowed on it. Routes added later extend
//! [`ADMIN_ROUTES`]; the test below then checks them like the others.

use serde_json::json;
use solidarites_server::auth::Role;

use crate::helpers::{for_each_backend, spawn_app};

/// `(method, path, minimum role)`. `{id}` is replaced by a random UUID.
pub const ADMIN_ROUTES: &[(&str, &str, Role)] = &[
    ("GET", "/api/v1/admin/users", Role::Admin),
    ("POST", "/api/v1/admin/users", Role::Admin),
    ("PATCH", "/api/v1/admin/users/{id}", Role::Admin),
    (
        "POST",
        "/api/v1/admin/users/{id}/password-link",
        Role::Admin,
    ),
    ("GET", "/api/v1/admin/audit", Role::Admin),
    ("GET", "/api/v1/admin/outbox", Role::Admin),
    ("GET", "/api/v1/admin/settings", Role::Admin),
    ("PUT", "/api/v1/admin/settings", Role::Admin),
    ("GET", "/api/v1/admin/moderation", Role::Analyst),
    ("POST", "/api/v1/admin/moderation/bulk", Role::Moderator),
    (
        "POST",
        "/api/v1/admin/moderation/{id}/approve",
        Role::Moderator,
    ),
    (
        "POST",
        "/api/v1/admin/moderation/{id}/reject",
        Role::Moderator,
    ),
    (
        "POST",
        "/api/v1/admin/moderation/{id}/request-changes",
        Role::Moderator,
    ),
    (
        "POST",
        "/api/v1/admin/moderation/{id}/archive",
        Role::Moderator,
    ),
    ("GET", "/api/v1/admin/labels", Role::Moderator),
    ("POST", "/api/v1/admin/labels", Role::Admin),
    ("POST", "/api/v1/admin/labels/{id}/grants", Role::Moderator),
    ("GET", "/api/v1/admin/labels/{id}/grants", Role::Moderator),
    ("GET", "/api/v1/admin/label-grants", Role::Moderator),
    ("DELETE", "/api/v1/admin/label-grants/{id}", Role::Moderator),
    (
        "POST",
        "/api/v1/admin/label-grants/{id}/renewal-invitation",
        Role::Moderator,
    ),
    ("PUT", "/api/v1/admin/labels/{id}/criteria", Role::Admin),
    ("GET", "/api/v1/admin/label-applications", Role::Committee),
    (
        "GET",
        "/api/v1/admin/label-applications/{id}",
        Role::Committee,
    ),
    (
        "POST",
        "/api/v1/admin/label-applications/{id}/approve",
        Role::Committee,
    ),
    (
        "POST",
        "/api/v1/admin/label-applications/{id}/refuse",
        Role::Committee,
    ),
    ("POST", "/api/v1/admin/themes", Role::Admin),
    ("PATCH", "/api/v1/admin/themes/{id}", Role::Admin),
    ("POST", "/api/v1/admin/themes/{id}/retire", Role::Admin),
    ("PUT", "/api/v1/admin/actors/{id}/charter", Role::Moderator),
    ("GET", "/api/v1/admin/questionnaires", Role::Analyst),
    ("POST", "/api/v1/admin/questionnaires", Role::Moderator),
    ("GET", "/api/v1/admin/questionnaires/{id}", Role::Analyst),
    ("PUT", "/api/v1/admin/questionnaires/{id}", Role::Moderator),
    (
        "POST",
        "/api/v1/admin/questionnaires/{id}/preview",
        Role::Analyst,
    ),
    ("GET", "/api/v1/admin/campaigns", Role::Committee),
    ("POST", "/api/v1/admin/campaigns", Role::Moderator),
    ("GET", "/api/v1/admin/campaigns/{id}", Role::Analyst),
    ("PATCH", "/api/v1/admin/campaigns/{id}", Role::Moderator),
    (
        "POST",
        "/api/v1/admin/campaigns/{id}/open-now",
        Role::Moderator,
    ),
    (
        "POST",
        "/api/v1/admin/campaigns/{id}/close",
        Role::Moderator,
    ),
    ("GET", "/api/v1/admin/campaigns/{id}/counts", Role::Analyst),
    (
        "POST",
        "/api/v1/admin/campaigns/{id}/responses",
        Role::Moderator,
    ),
    ("GET", "/api/v1/admin/volunteers", Role::Moderator),
    (
        "GET",
        "/api/v1/admin/exports/volunteers.csv",
        Role::Moderator,
    ),
    ("POST", "/api/v1/admin/volunteers/purge", Role::Admin),
    ("GET", "/api/v1/admin/volunteers/matches", Role::Moderator),
    (
        "GET",
        "/api/v1/admin/exports/volunteer-matches.csv",
        Role::Moderator,
    ),
    ("GET", "/api/v1/admin/stale", Role::Moderator),
    ("POST", "/api/v1/admin/stale/confirm", Role::Moderator),
    ("POST", "/api/v1/admin/stale/archive", Role::Moderator),
    ("GET", "/api/v1/admin/proposals", Role::Committee),
    ("GET", "/api/v1/admin/proposals/{id}", Role::Committee),
    (
        "POST",
        "/api/v1/admin/proposals/{id}/status",
        Role::Moderator,
    ),
    ("PUT", "/api/v1/admin/proposals/{id}/note", Role::Moderator),
    (
        "PUT",
        "/api/v1/admin/proposals/{id}/priority",
        Role::Committee,
    ),
    ("PUT", "/api/v1/admin/proposal-priorities", Role::Committee),
    (
        "POST",
        "/api/v1/admin/proposals/{id}/merge",
        Role::Moderator,
    ),
    (
        "GET",
        "/api/v1/admin/campaigns/{id}/results",
        Role::Committee,
    ),
    ("GET", "/api/v1/admin/campaigns/{id}/gaps", Role::Committee),
    (
        "GET",
        "/api/v1/admin/campaigns/{id}/gaps.geojson",
        Role::Committee,
    ),
    ("GET", "/api/v1/admin/indicators", Role::Committee),
    ("GET", "/api/v1/admin/zones?level=canton", Role::Committee),
    (
        "GET",
        "/api/v1/admin/campaigns/{id}/exports/answers.csv",
        Role::Admin,
    ),
    (
        "GET",
        "/api/v1/admin/campaigns/{id}/exports/answers.xlsx",
        Role::Admin,
    ),
    (
        "GET",
        "/api/v1/admin/campaigns/{id}/exports/results.csv",
        Role::Committee,
    ),
    (
        "GET",
        "/api/v1/admin/campaigns/{id}/exports/results.xlsx",
        Role::Committee,
    ),
    (
        "GET",
        "/api/v1/admin/campaigns/{id}/exports/results.geojson",
        Role::Committee,
    ),
    (
        "GET",
        "/api/v1/admin/exports/initiatives.geojson",
        Role::Analyst,
    ),
    (
        "GET",
        "/api/v1/admin/exports/initiatives.csv",
        Role::Analyst,
    ),
    (
        "GET",
        "/api/v1/admin/exports/data-inclusion/structures.json",
        Role::Analyst,
    ),
    (
        "GET",
        "/api/v1/admin/exports/data-inclusion/services.json",
        Role::Analyst,
    ),
];

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
        for &(method, path, minimum) in ADMIN_ROUTES {
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
                for (method, operation) in [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ] {
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
        .map(|(m, p, _)| ((*m).to_owned(), normalise(p)))
        .collect();
    let mut missing = Vec::new();
    let mut staff_operations = 0;
    for (path, item) in &doc.paths.paths {
        if !path.starts_with("/api/v1/admin") {
            continue;
        }
        for (method, operation) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ] {
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
