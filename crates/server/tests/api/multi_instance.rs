//! Several `solidarites serve` processes on one database share their sessions.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::Duration,
};

use serde_json::Value;

use crate::{
    cli_users::solidarites_with_stdin,
    fixtures,
    helpers::{eventually_within, for_each_backend},
};

/// A running `solidarites serve`, killed when dropped (also when the test fails).
pub(crate) struct ServerProcess {
    pub(crate) child: Child,
    pub(crate) address: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_server(db_url: &str) -> ServerProcess {
    start_server_with(db_url, &[]).await
}

/// `solidarites serve` on a free port with `extra` arguments, once healthy.
pub(crate) async fn start_server_with(db_url: &str, extra: &[&str]) -> ServerProcess {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_solidarites"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(extra)
        .env("DATABASE_URL", db_url)
        .env("SOLIDARITES_FRONTEND_DIR", "/nonexistent-frontend")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("start solidarites serve");
    let mut server = ServerProcess {
        child,
        address: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    // Bounded wait for readiness: up to 60 s (migrations, first connection).
    let what = format!("solidarites serve healthy at {}", server.address);
    eventually_within(
        &what,
        Duration::from_secs(60),
        Duration::from_millis(100),
        async || {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("solidarites serve exited early: {status}");
            }
            let health = client
                .get(format!("{}/api/v1/health", server.address))
                .send()
                .await;
            match health {
                Ok(r) if r.status() == 200 => Ok(()),
                Ok(r) => Err(r.status().to_string()),
                Err(e) => Err(e.to_string()),
            }
        },
    )
    .await;
    server
}

#[tokio::test]
async fn two_serve_processes_on_one_database_a_session_opened_on_one_is_accepted_by_the_other() {
    for_each_backend(|db| async move {
        let backend = db.backend.clone();
        let created = solidarites_with_stdin(
            &db.url,
            &[
                "users",
                "create",
                "--email",
                "ops@landes.fr",
                "--role",
                "moderator",
            ],
            "mot de passe partagé\n",
        );
        assert!(
            created.status.success(),
            "{}",
            String::from_utf8_lossy(&created.stderr)
        );

        let a = start_server(&db.url).await;
        let b = start_server(&db.url).await;

        let client = reqwest::Client::new();
        let login = client
            .post(format!("{}/api/v1/auth/login", a.address))
            .json(&fixtures::login("ops@landes.fr", "mot de passe partagé"))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200, "{}", backend.name());
        let cookie = login
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("solidarites_session="))
            .and_then(|c| c.split(';').next())
            .expect("session cookie")
            .to_owned();
        let session: Value = login.json().await.unwrap();

        let me = client
            .get(format!("{}/api/v1/auth/me", b.address))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200, "{}", backend.name());
        let me: Value = me.json().await.unwrap();
        assert_eq!(me["user"]["email"], "ops@landes.fr");
        assert_eq!(me["csrf_token"], session["csrf_token"]);

        // Signing out on B ends the session on A too.
        let logout = client
            .post(format!("{}/api/v1/auth/logout", b.address))
            .header("Cookie", &cookie)
            .header("X-CSRF-Token", session["csrf_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(logout.status(), 204);
        let me_on_a = client
            .get(format!("{}/api/v1/auth/me", a.address))
            .header("Cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(me_on_a.status(), 401);

        drop(a);
        drop(b);
    })
    .await;
}
