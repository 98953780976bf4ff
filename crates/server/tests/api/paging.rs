//! Every list pages through one bounded parsing of `page`/`per_page`: a huge page number
//! is a 422 naming the parameter (it used to overflow the SQL offset and drop the
//! connection), and every staff list says how many items it holds in all.

use reqwest::StatusCode;
use serde_json::Value;
use solidarites_server::auth::Role;

use crate::helpers::{for_each_backend, spawn_app, StaffClient, TestApp};

const PUBLIC_LISTS: &[&str] = &["/api/v1/initiatives", "/api/v1/actors", "/api/v1/proposals"];

/// Staff lists, with the role that reads them and the key of their items.
const STAFF_LISTS: &[(&str, Role, &str)] = &[
    ("/api/v1/admin/users", Role::Admin, "users"),
    ("/api/v1/admin/audit", Role::Admin, "entries"),
    ("/api/v1/admin/volunteers", Role::Moderator, "volunteers"),
    ("/api/v1/admin/volunteers/matches", Role::Moderator, "items"),
    ("/api/v1/admin/stale", Role::Moderator, "items"),
    ("/api/v1/admin/proposals", Role::Committee, "items"),
    ("/api/v1/admin/campaigns", Role::Committee, "campaigns"),
    (
        "/api/v1/admin/questionnaires",
        Role::Analyst,
        "questionnaires",
    ),
    ("/api/v1/admin/label-grants", Role::Moderator, "grants"),
];

fn with_query(path: &str, query: &str) -> String {
    format!("{path}?{query}")
}

async fn assert_bad_paging(response: reqwest::Response, field: &str, what: &str) {
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{what}: {}",
        response.text().await.unwrap()
    );
    let body: Value = response.json().await.unwrap();
    let message = body["fields"][field].as_str().unwrap_or_default();
    assert!(message.contains("entre 1 et"), "{what}: {body}");
}

async fn check_public(app: &TestApp) {
    for path in PUBLIC_LISTS {
        let huge = app.get(&with_query(path, "page=9223372036854775807")).await;
        assert_bad_paging(huge, "page", path).await;
        let too_many = app.get(&with_query(path, "per_page=100000")).await;
        assert_bad_paging(too_many, "per_page", path).await;
        let last = app.get(&with_query(path, "page=100000")).await;
        assert_eq!(last.status(), StatusCode::OK, "{path}");
    }
}

async fn check_staff(staff: &StaffClient, path: &str, items: &str) {
    for (query, field) in [
        ("page=9223372036854775807", "page"),
        ("page=18446744073709551616", "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("per_page=0", "per_page"),
        ("per_page=100000", "per_page"),
    ] {
        let res = staff.get(&with_query(path, query)).await;
        assert_bad_paging(res, field, &format!("{path}?{query}")).await;
    }
    let res = staff.get(&with_query(path, "page=100000&per_page=1")).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(
        res.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store"),
        "{path}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["page"], 100_000, "{path}: {body}");
    assert_eq!(body["per_page"], 1, "{path}");
    assert!(body["total"].is_u64(), "{path}: {body}");
    assert_eq!(body[items].as_array().map(Vec::len), Some(0), "{path}");
}

#[tokio::test]
async fn huge_page_numbers_are_refused_with_a_422_on_every_list() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        check_public(&app).await;
        let admin = app.login_as(Role::Admin).await;
        for (path, _, items) in STAFF_LISTS {
            check_staff(&admin, path, items).await;
        }
    })
    .await;
}

#[tokio::test]
async fn staff_lists_page_through_the_server_with_their_total() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        for n in 0..4 {
            crate::helpers::create_user(&app.db, &format!("agent{n}@landes.fr"), Role::Committee)
                .await;
        }
        // 5 accounts: the admin and four agents, sorted by email.
        let first: Value = admin.get_json("/api/v1/admin/users?per_page=2").await;
        assert_eq!(first["total"], 5);
        let emails = |page: &Value| -> Vec<String> {
            page["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["email"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(emails(&first).len(), 2);
        let third: Value = admin
            .get_json("/api/v1/admin/users?per_page=2&page=3")
            .await;
        assert_eq!(emails(&third).len(), 1);
        let all: Value = admin.get_json("/api/v1/admin/users?per_page=200").await;
        let mut sorted = emails(&all);
        assert_eq!(sorted.len(), 5);
        let listed = sorted.clone();
        sorted.sort();
        assert_eq!(listed, sorted);
        let mut paged = emails(&first);
        let second: Value = admin
            .get_json("/api/v1/admin/users?per_page=2&page=2")
            .await;
        paged.extend(emails(&second));
        paged.extend(emails(&third));
        assert_eq!(paged, listed);
    })
    .await;
}
