//! Staff account management by administrators, and the audit trail it leaves.

use serde_json::{json, Value};
use solidarites_api_types::{CreateUserRequest, UpdateUserRequest};
use solidarites_server::auth::Role;

use crate::helpers::{for_each_backend, spawn_app};

fn new_user(email: &str, role: &str) -> CreateUserRequest {
    CreateUserRequest {
        email: email.to_owned(),
        display_name: "Camille Martin".to_owned(),
        role: role.to_owned(),
        password: "une phrase de passe assez longue".to_owned(),
        set_password_link: false,
    }
}

/// A change of an account's role and display name (`None`: unchanged).
fn change(role: Option<&str>, display_name: Option<&str>) -> UpdateUserRequest {
    UpdateUserRequest {
        role: role.map(str::to_owned),
        display_name: display_name.map(str::to_owned),
        disabled: None,
    }
}

#[tokio::test]
async fn admins_create_list_and_update_accounts_and_each_change_is_audited() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;

        let created = admin
            .post_json(
                "/api/v1/admin/users",
                &new_user(" Camille.Martin@Landes.FR ", "analyst"),
            )
            .await;
        assert_eq!(created.status(), 201);
        let created: Value = created.json().await.unwrap();
        assert_eq!(created["email"], "camille.martin@landes.fr");
        assert_eq!(created["role"], "analyst");
        assert_eq!(created["disabled"], false);
        let id = created["id"].as_str().unwrap().to_owned();

        // The new account can sign in with its password.
        let camille = app
            .login(
                "camille.martin@landes.fr",
                "une phrase de passe assez longue",
            )
            .await;
        assert_eq!(camille.get("/api/v1/auth/me").await.status(), 200);

        let list: Value = admin.get_json("/api/v1/admin/users").await;
        let emails: Vec<&str> = list["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap())
            .collect();
        assert!(emails.contains(&"camille.martin@landes.fr"), "{emails:?}");
        assert_eq!(emails.len(), 2);

        let updated = admin
            .patch_json(
                &format!("/api/v1/admin/users/{id}"),
                &change(Some("moderator"), Some("Camille M.")),
            )
            .await;
        assert_eq!(updated.status(), 200);
        let updated: Value = updated.json().await.unwrap();
        assert_eq!(updated["role"], "moderator");
        assert_eq!(updated["display_name"], "Camille M.");

        // The role change applies to the open session at once.
        let me: Value = camille.get_json("/api/v1/auth/me").await;
        assert_eq!(me["user"]["role"], "moderator");

        let audit = admin
            .get(&format!(
                "/api/v1/admin/audit?entity_type=user&entity_id={id}"
            ))
            .await;
        assert_eq!(audit.status(), 200);
        let audit_text = audit.text().await.unwrap();
        assert!(!audit_text.contains("argon2"), "{audit_text}");
        assert!(!audit_text.contains("password"), "{audit_text}");
        let audit: Value = serde_json::from_str(&audit_text).unwrap();
        assert_eq!(audit["total"], 2);
        let entries = audit["entries"].as_array().unwrap();
        // Newest first.
        assert_eq!(entries[0]["action"], "user.update");
        assert_eq!(entries[0]["actor_email"], admin.email.as_str());
        assert_eq!(entries[0]["actor_user_id"], admin.user_id.as_str());
        assert_eq!(entries[0]["before"]["role"], "analyst");
        assert_eq!(entries[0]["after"]["role"], "moderator");
        assert_eq!(entries[0]["before"]["display_name"], "Camille Martin");
        assert_eq!(entries[0]["after"]["display_name"], "Camille M.");
        assert_eq!(entries[1]["action"], "user.create");
        assert!(entries[1]["before"].is_null());
        assert_eq!(entries[1]["after"]["email"], "camille.martin@landes.fr");
        assert_eq!(entries[1]["after"]["role"], "analyst");
    })
    .await;
}

#[tokio::test]
async fn creating_an_account_names_each_bad_field() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        let response = admin
            .post_json(
                "/api/v1/admin/users",
                &CreateUserRequest {
                    display_name: String::new(),
                    password: "court".to_owned(),
                    ..new_user("pas-une-adresse", "chef")
                },
            )
            .await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        for field in ["email", "display_name", "role", "password"] {
            assert!(body["fields"][field].is_string(), "{field}: {body}");
        }
        assert!(
            body["fields"]["password"].as_str().unwrap().contains("12"),
            "{body}"
        );

        let empty = admin.post_json("/api/v1/admin/users", &json!({})).await;
        assert_eq!(empty.status(), 422);
        let body: Value = empty.json().await.unwrap();
        assert_eq!(body["fields"].as_object().unwrap().len(), 4, "{body}");
    })
    .await;
}

#[tokio::test]
async fn a_second_account_with_the_same_email_is_a_conflict() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        let first = admin
            .post_json(
                "/api/v1/admin/users",
                &new_user("twin@landes.fr", "analyst"),
            )
            .await;
        assert_eq!(first.status(), 201);
        let second = admin
            .post_json("/api/v1/admin/users", &new_user("TWIN@landes.fr", "admin"))
            .await;
        assert_eq!(second.status(), 409);
        let body: Value = second.json().await.unwrap();
        assert_eq!(body["error"], "email_taken");
    })
    .await;
}

#[tokio::test]
async fn an_admin_cannot_disable_or_demote_themself() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        let path = format!("/api/v1/admin/users/{}", admin.user_id);
        let disable = UpdateUserRequest {
            disabled: Some(true),
            ..UpdateUserRequest::default()
        };
        for lockout in [disable, change(Some("moderator"), None)] {
            let response = admin.patch_json(&path, &lockout).await;
            assert_eq!(response.status(), 409, "{lockout:?}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"], "self_lockout");
        }
        // Renaming oneself is fine.
        let renamed = admin.patch_json(&path, &change(None, Some("Moi"))).await;
        assert_eq!(renamed.status(), 200);
        let me: Value = admin.get_json("/api/v1/auth/me").await;
        assert_eq!(me["user"]["role"], "admin");
        assert_eq!(me["user"]["display_name"], "Moi");
    })
    .await;
}

#[tokio::test]
async fn updating_rejects_bad_values_and_unknown_accounts() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        let other = app.login_as(Role::Analyst).await;
        let response = admin
            .patch_json(
                &format!("/api/v1/admin/users/{}", other.user_id),
                &change(Some("boss"), Some("  ")),
            )
            .await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        assert!(body["fields"]["role"].is_string(), "{body}");
        assert!(body["fields"]["display_name"].is_string(), "{body}");

        let missing = admin
            .patch_json(
                &format!("/api/v1/admin/users/{}", uuid::Uuid::new_v4()),
                &change(Some("admin"), None),
            )
            .await;
        assert_eq!(missing.status(), 404);
    })
    .await;
}

#[tokio::test]
async fn the_audit_trail_filters_by_actor_and_paginates() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        for i in 0..3 {
            let response = admin
                .post_json(
                    "/api/v1/admin/users",
                    &new_user(&format!("u{i}@landes.fr"), "analyst"),
                )
                .await;
            assert_eq!(response.status(), 201);
        }
        // login_as created the admin through storage with no actor: 4 lines in all.
        let all: Value = admin.get_json("/api/v1/admin/audit").await;
        assert_eq!(all["total"], 4);

        let by_admin: Value = admin
            .get_json(&format!("/api/v1/admin/audit?actor={}", admin.email))
            .await;
        assert_eq!(by_admin["total"], 3);
        let by_id: Value = admin
            .get_json(&format!("/api/v1/admin/audit?actor={}", admin.user_id))
            .await;
        assert_eq!(by_id["total"], 3);

        let page2: Value = admin
            .get_json(&format!(
                "/api/v1/admin/audit?actor={}&per_page=2&page=2",
                admin.email
            ))
            .await;
        assert_eq!(page2["page"], 2);
        assert_eq!(page2["per_page"], 2);
        let entries = page2["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0]["after"]["email"], "u0@landes.fr");

        let bad = admin.get("/api/v1/admin/audit?page=0&per_page=abc").await;
        assert_eq!(bad.status(), 422);
        let body: Value = bad.json().await.unwrap();
        assert!(body["fields"]["page"].is_string(), "{body}");
        assert!(body["fields"]["per_page"].is_string(), "{body}");
    })
    .await;
}

#[tokio::test]
async fn the_audit_trail_filters_by_action_family_and_french_days() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        for email in ["a.audit@landes.fr", "b.audit@landes.fr"] {
            let res = admin
                .post_json("/api/v1/admin/users", &new_user(email, "analyst"))
                .await;
            assert_eq!(res.status(), 201);
        }
        let list: Value = admin.get_json("/api/v1/admin/users").await;
        let id = list["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "b.audit@landes.fr")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let res = admin
            .patch_json(
                &format!("/api/v1/admin/users/{id}"),
                &change(Some("moderator"), None),
            )
            .await;
        assert_eq!(res.status(), 200);

        let total = |query: &'static str| {
            let admin = &admin;
            async move {
                let res = admin.get(&format!("/api/v1/admin/audit?{query}")).await;
                assert_eq!(res.status(), 200, "{query}");
                let body: Value = res.json().await.unwrap();
                (body["total"].as_u64().unwrap(), body)
            }
        };
        let (n, body) = total("action=user.update").await;
        assert_eq!(n, 1);
        assert_eq!(body["entries"][0]["entity_id"], id.as_str());
        // A family: every `user.*` action, not `user_x` or `users`.
        assert_eq!(total("action=user.").await.0, 3);
        assert_eq!(total("action=user.create").await.0, 2);
        assert_eq!(total("action=user").await.0, 0);

        // Days in French time, both included.
        let today = chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Paris)
            .date_naive();
        let res = admin
            .get(&format!(
                "/api/v1/admin/audit?action=user.&from={today}&to={today}"
            ))
            .await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["total"], 3);
        let yesterday = today.pred_opt().unwrap();
        let res = admin
            .get(&format!("/api/v1/admin/audit?to={yesterday}"))
            .await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["total"], 0);
        let tomorrow = today.succ_opt().unwrap();
        let res = admin
            .get(&format!("/api/v1/admin/audit?from={tomorrow}"))
            .await;
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["total"], 0);

        // Bad days: 422 naming each.
        let res = admin
            .get("/api/v1/admin/audit?from=2026-13-01&to=hier")
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(body["fields"]["from"]
            .as_str()
            .unwrap()
            .contains("2026-13-01"));
        assert!(body["fields"]["to"].as_str().unwrap().contains("hier"));
        let res = admin
            .get("/api/v1/admin/audit?from=2026-12-06&to=2026-12-01")
            .await;
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert!(body["fields"]["to"].is_string(), "{body}");
    })
    .await;
}
