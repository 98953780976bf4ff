//! Staff sign-in, sessions, cookies, CSRF and throttling.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{json, Value};
use solidarites_api_types::{CreateUserRequest, UpdateUserRequest};
use solidarites_server::auth::Role;

use crate::{
    fixtures,
    helpers::{
        count_rows, create_user, for_each_backend, spawn_app, spawn_app_with, test_settings,
        TestApp,
    },
};

/// Sets `column` of every session row (SQL: the entities are private to the server's storage).
async fn set_every_session(app: &TestApp, column: &str, at: chrono::DateTime<Utc>) {
    let conn = &app.db.conn;
    let backend = conn.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        format!("UPDATE sessions SET {column} = {placeholder}"),
        [at.into()],
    ))
    .await
    .unwrap();
}

async fn login_raw(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.post_json("/api/v1/auth/login", &fixtures::login(email, password))
        .await
}

fn set_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("solidarites_session="))
        .expect("a session cookie")
}

#[tokio::test]
async fn login_me_and_logout_round_trip() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let password = create_user(&app.db, "Agent@Landes.fr", Role::Moderator).await;

        // Any case of the email signs in.
        let staff = app.login("AGENT@landes.FR", &password).await;
        let me = staff.get("/api/v1/auth/me").await;
        assert_eq!(me.status(), 200);
        let body: Value = me.json().await.unwrap();
        assert_eq!(body["user"]["email"], "agent@landes.fr");
        assert_eq!(body["user"]["role"], "moderator");
        assert_eq!(body["user"]["display_name"], "Test moderator");
        assert_eq!(body["csrf_token"], staff.csrf.as_str());

        let logout = staff.post_json("/api/v1/auth/logout", &json!({})).await;
        assert_eq!(logout.status(), 204);
        let cleared = set_cookie(&logout);
        assert!(cleared.contains("Max-Age=0"), "{cleared}");

        let me = staff.get("/api/v1/auth/me").await;
        assert_eq!(me.status(), 401);
        let body: Value = me.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");

        // The session row is gone, not merely forgotten by the client.
        assert_eq!(count_rows(&app.db.conn, "sessions").await, 0);
    })
    .await;
}

#[tokio::test]
async fn me_without_a_session_is_unauthorized() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let response = app.get("/api/v1/auth/me").await;
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "unauthorized");

        let forged = app
            .get_with_header(
                "/api/v1/auth/me",
                "Cookie",
                "solidarites_session=forged-token",
            )
            .await;
        assert_eq!(forged.status(), 401);
    })
    .await;
}

#[tokio::test]
async fn session_cookie_is_http_only_strict_and_secure_only_over_https() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let password = create_user(&app.db, "cookie@landes.fr", Role::Analyst).await;

        let plain = login_raw(&app, "cookie@landes.fr", &password).await;
        assert_eq!(plain.status(), 200);
        let cookie = set_cookie(&plain);
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Secure"), "{cookie}");

        let proxied = app
            .client
            .post(format!("{}/api/v1/auth/login", app.address))
            .header("X-Forwarded-Proto", "https")
            .json(&fixtures::login("cookie@landes.fr", &password))
            .send()
            .await
            .unwrap();
        assert_eq!(proxied.status(), 200);
        let cookie = set_cookie(&proxied);
        assert!(cookie.contains("Secure"), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    })
    .await;
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_identical_answers() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        create_user(&app.db, "known@landes.fr", Role::Admin).await;

        let wrong = login_raw(&app, "known@landes.fr", "not the password").await;
        let unknown = login_raw(&app, "nobody@landes.fr", "not the password").await;
        assert_eq!(wrong.status(), 401);
        assert_eq!(unknown.status(), 401);
        assert!(wrong.headers().get("set-cookie").is_none());
        let wrong: Value = wrong.json().await.unwrap();
        let unknown: Value = unknown.json().await.unwrap();
        assert_eq!(wrong["error"], "invalid_credentials");
        assert_eq!(wrong, unknown);
    })
    .await;
}

#[tokio::test]
async fn login_names_each_missing_field() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let response = app
            .post_json("/api/v1/auth/login", &json!({"email": "   "}))
            .await;
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.unwrap();
        assert!(body["fields"]["email"].is_string(), "{body}");
        assert!(body["fields"]["password"].is_string(), "{body}");
    })
    .await;
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let password = create_user(&app.db, "target@landes.fr", Role::Admin).await;

        for _ in 0..5 {
            let response = login_raw(&app, "target@landes.fr", "wrong password!").await;
            assert_eq!(response.status(), 401);
        }
        let locked = login_raw(&app, "target@landes.fr", &password).await;
        assert_eq!(locked.status(), 429);
        let retry_after: u64 = locked.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry_after), "{retry_after}");
        let locked_body: Value = locked.json().await.unwrap();
        assert_eq!(locked_body["error"], "too_many_requests");

        // An unknown email is locked out the same way, so a lockout reveals nothing.
        for _ in 0..5 {
            let response = login_raw(&app, "ghost@landes.fr", "wrong password!").await;
            assert_eq!(response.status(), 401);
        }
        let ghost = login_raw(&app, "ghost@landes.fr", "wrong password!").await;
        assert_eq!(ghost.status(), 429);
        assert!(ghost.headers().contains_key("retry-after"));
        let ghost_body: Value = ghost.json().await.unwrap();
        assert_eq!(ghost_body["error"], locked_body["error"]);

        // The lock holds for this address only: the account itself is not locked.
        let conn = &app.db.conn;
        let stored = conn
            .query_one_raw(Statement::from_string(
                conn.get_database_backend(),
                "SELECT locked_until FROM users WHERE email = 'target@landes.fr'",
            ))
            .await
            .unwrap()
            .unwrap();
        let locked_until: Option<chrono::DateTime<Utc>> =
            stored.try_get("", "locked_until").unwrap();
        assert!(locked_until.is_none());
    })
    .await;
}

async fn login_from(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/auth/login", app.address))
        .header("X-Forwarded-For", address)
        .json(&fixtures::login(email, password))
        .send()
        .await
        .unwrap()
}

/// Someone who knows a staff email cannot lock its owner out from another address; guessing
/// from many addresses still ends in an account-wide lock past the ceiling.
#[tokio::test]
async fn a_remote_attacker_cannot_lock_out_an_agent_signing_in_from_elsewhere() {
    for_each_backend(|db| async move {
        let mut settings = test_settings(&db);
        settings.trust_proxy = true;
        let app = spawn_app_with(db, settings).await;
        let password = create_user(&app.db, "agent@landes.fr", Role::Moderator).await;
        for _ in 0..5 {
            let res = login_from(&app, "203.0.113.9", "agent@landes.fr", "wrong password!").await;
            assert_eq!(res.status(), 401);
        }
        let attacker = login_from(&app, "203.0.113.9", "agent@landes.fr", &password).await;
        assert_eq!(attacker.status(), 429, "the guessing address is locked");
        let agent = login_from(&app, "198.51.100.7", "agent@landes.fr", &password).await;
        assert_eq!(agent.status(), 200, "the agent, elsewhere, signs in");

        // Guessing spread over many addresses: past the ceiling the account is locked for
        // every address, even with the right password.
        let ceiling = solidarites_server::auth::ACCOUNT_FAILURE_CEILING;
        for i in 0..ceiling {
            let address = format!("10.9.{}.{}", i / 200, i % 200 + 1);
            let res = login_from(&app, &address, "agent@landes.fr", "wrong password!").await;
            assert_eq!(res.status(), 401, "{i}");
        }
        let locked = login_from(&app, "198.51.100.8", "agent@landes.fr", &password).await;
        assert_eq!(locked.status(), 429);
        // An unknown email behaves the same (nothing tells whether an account exists).
        for i in 0..5 {
            let res = login_from(&app, "203.0.113.10", "ghost@landes.fr", "wrong password!").await;
            assert_eq!(res.status(), 401, "{i}");
        }
        let ghost = login_from(&app, "203.0.113.10", "ghost@landes.fr", "wrong password!").await;
        assert_eq!(ghost.status(), 429);
        let elsewhere =
            login_from(&app, "198.51.100.9", "ghost@landes.fr", "wrong password!").await;
        assert_eq!(elsewhere.status(), 401);
    })
    .await;
}

#[tokio::test]
async fn one_address_is_throttled_after_its_burst() {
    for_each_backend(|db| async move {
        let mut settings = test_settings(&db);
        settings.login_burst_per_ip = 3;
        settings.login_refill_per_ip = Duration::from_secs(3600);
        let app = spawn_app_with(db, settings).await;
        for i in 0..3 {
            let response = login_raw(&app, &format!("a{i}@landes.fr"), "whatever it is").await;
            assert_eq!(response.status(), 401);
        }
        let response = login_raw(&app, "a9@landes.fr", "whatever it is").await;
        assert_eq!(response.status(), 429);
        assert!(response.headers().contains_key("retry-after"));
    })
    .await;
}

#[tokio::test]
async fn state_changing_requests_without_the_csrf_token_are_refused() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        let new_user = CreateUserRequest {
            email: "new@landes.fr".to_owned(),
            display_name: "Nouvelle".to_owned(),
            role: "analyst".to_owned(),
            password: "a long enough password".to_owned(),
            set_password_link: false,
        };
        let url = format!("{}/api/v1/admin/users", app.address);

        let missing = admin
            .client
            .post(&url)
            .json(&new_user)
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 403);
        let body: Value = missing.json().await.unwrap();
        assert_eq!(body["error"], "csrf_failed");

        let wrong = admin
            .client
            .post(&url)
            .header("X-CSRF-Token", "not-the-token")
            .json(&new_user)
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 403);
        let body: Value = wrong.json().await.unwrap();
        assert_eq!(body["error"], "csrf_failed");

        let logout = admin
            .client
            .post(format!("{}/api/v1/auth/logout", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(logout.status(), 403);

        // Nothing was created; with the token it works.
        let list: Value = admin.get_json("/api/v1/admin/users").await;
        assert_eq!(list["users"].as_array().unwrap().len(), 1);
        let ok = admin.post_json("/api/v1/admin/users", &new_user).await;
        assert_eq!(ok.status(), 201);
    })
    .await;
}

#[tokio::test]
async fn an_expired_session_is_refused() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let staff = app.login_as(Role::Analyst).await;
        assert_eq!(staff.get("/api/v1/auth/me").await.status(), 200);

        let past = Utc::now() - chrono::Duration::minutes(1);
        set_every_session(&app, "expires_at", past).await;
        let response = staff.get("/api/v1/auth/me").await;
        assert_eq!(response.status(), 401);
    })
    .await;
}

#[tokio::test]
async fn a_session_older_than_seven_days_is_refused_even_if_used_recently() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let staff = app.login_as(Role::Analyst).await;
        let old = Utc::now() - chrono::Duration::days(8);
        set_every_session(&app, "created_at", old).await;
        assert_eq!(staff.get("/api/v1/auth/me").await.status(), 401);
    })
    .await;
}

#[tokio::test]
async fn a_disabled_user_is_signed_out_and_cannot_sign_in() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let admin = app.login_as(Role::Admin).await;
        let password = create_user(&app.db, "leaving@landes.fr", Role::Moderator).await;
        let leaving = app.login("leaving@landes.fr", &password).await;
        assert_eq!(leaving.get("/api/v1/auth/me").await.status(), 200);

        let disabled = admin
            .patch_json(
                &format!("/api/v1/admin/users/{}", leaving.user_id),
                &UpdateUserRequest {
                    disabled: Some(true),
                    ..UpdateUserRequest::default()
                },
            )
            .await;
        assert_eq!(disabled.status(), 200);

        assert_eq!(leaving.get("/api/v1/auth/me").await.status(), 401);
        let again = login_raw(&app, "leaving@landes.fr", &password).await;
        assert_eq!(again.status(), 401);
        let body: Value = again.json().await.unwrap();
        assert_eq!(body["error"], "invalid_credentials");
    })
    .await;
}
