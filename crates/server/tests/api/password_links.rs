//! Accounts created with a one-time set-password link: stored hashed, 72 h, single use.

use reqwest::StatusCode;
use sea_orm::{sea_query::Expr, EntityTrait};
use serde_json::{json, Value};
use solidarites_api_types::{CreateUserRequest, SetPasswordRequest};
use solidarites_server::{auth::Role, storage::password_tokens::password_token};

use crate::helpers::{for_each_backend, spawn_app, TestApp};

fn token_of(path: &str) -> &str {
    path.strip_prefix("/admin/mot-de-passe/")
        .unwrap_or_else(|| panic!("unexpected link path {path}"))
}

async fn set_password(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/auth/password",
        &SetPasswordRequest {
            token: token.to_owned(),
            password: password.to_owned(),
        },
    )
    .await
}

async fn field_error(res: reqwest::Response, field: &str) -> String {
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    body["fields"][field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {body}"))
        .to_owned()
}

#[tokio::test]
async fn an_account_created_with_a_link_gets_its_password_once_through_it() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        let request = CreateUserRequest {
            email: "Camille.Agent@Landes.fr".to_owned(),
            display_name: "Camille Agent".to_owned(),
            role: "moderator".to_owned(),
            password: String::new(),
            set_password_link: true,
        };
        let with_password = CreateUserRequest {
            password: "un mot de passe choisi".to_owned(),
            ..request.clone()
        };
        let res = admin.post_json("/api/v1/admin/users", &with_password).await;
        field_error(res, "password").await;

        let res = admin.post_json("/api/v1/admin/users", &request).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let created: Value = res.json().await.unwrap();
        assert_eq!(created["email"], "camille.agent@landes.fr");
        let path = created["set_password_path"].as_str().unwrap().to_owned();
        let token = token_of(&path).to_owned();
        assert_eq!(token.len(), 43);
        let expires = chrono::DateTime::parse_from_rfc3339(
            created["set_password_expires_at"].as_str().unwrap(),
        )
        .unwrap();
        let hours = (expires.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_minutes();
        assert!((71 * 60..=72 * 60).contains(&hours), "{hours} min");

        // Only the hash is stored.
        let rows = password_token::Entity::find()
            .all(&app.db.conn)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_ne!(rows[0].token_hash, token);
        assert_eq!(rows[0].token_hash.len(), 64);

        let message = field_error(set_password(&app, &token, "court").await, "password").await;
        assert!(message.contains("12"), "{message}");
        field_error(
            set_password(&app, "pas-un-jeton", "un mot de passe solide").await,
            "token",
        )
        .await;

        let res = set_password(&app, &token, "un mot de passe solide").await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["email"], "camille.agent@landes.fr");
        let camille = app
            .login("camille.agent@landes.fr", "un mot de passe solide")
            .await;
        let me: Value = camille.get_json("/api/v1/auth/me").await;
        assert_eq!(me["user"]["role"], "moderator");

        // Single use.
        field_error(
            set_password(&app, &token, "un autre mot de passe").await,
            "token",
        )
        .await;

        let audit: Value = admin
            .get_json(&format!(
                "/api/v1/admin/audit?entity_type=user&entity_id={}",
                created["id"].as_str().unwrap()
            ))
            .await;
        let actions: Vec<&str> = audit["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            ["user.password_set", "user.password_link", "user.create"]
        );
        assert!(!audit.to_string().contains(&token));
    })
    .await;
}

#[tokio::test]
async fn links_expire_and_a_new_link_replaces_the_old_one_and_ends_sessions() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        let agent = app.login_as(Role::Analyst).await;

        let link = |id: String| {
            let admin = admin.clone();
            async move {
                let res = admin
                    .post_json(
                        &format!("/api/v1/admin/users/{id}/password-link"),
                        &json!({}),
                    )
                    .await;
                assert_eq!(res.status(), StatusCode::CREATED);
                let body: Value = res.json().await.unwrap();
                token_of(body["set_password_path"].as_str().unwrap()).to_owned()
            }
        };
        let first = link(agent.user_id.clone()).await;
        let second = link(agent.user_id.clone()).await;
        // The first link no longer works; the old password still does until one is used.
        field_error(
            set_password(&app, &first, "un mot de passe solide").await,
            "token",
        )
        .await;
        assert_eq!(agent.get("/api/v1/auth/me").await.status(), StatusCode::OK);

        // An expired link does not work.
        password_token::Entity::update_many()
            .col_expr(
                password_token::Column::ExpiresAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
            )
            .exec(&app.db.conn)
            .await
            .unwrap();
        field_error(
            set_password(&app, &second, "un mot de passe solide").await,
            "token",
        )
        .await;

        let third = link(agent.user_id.clone()).await;
        let res = set_password(&app, &third, "un mot de passe solide").await;
        assert_eq!(res.status(), StatusCode::OK);
        // Its sessions ended with the change.
        assert_eq!(
            agent.get("/api/v1/auth/me").await.status(),
            StatusCode::UNAUTHORIZED
        );
        app.login(&agent.email, "un mot de passe solide").await;

        let res = admin
            .post_json(
                &format!("/api/v1/admin/users/{}/password-link", uuid::Uuid::new_v4()),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    })
    .await;
}
