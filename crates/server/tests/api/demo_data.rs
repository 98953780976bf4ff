//! The demonstration content: stored once into an empty database, through the real
//! storage, and visible through the public API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::StatusCode;
use serde_json::Value;
use solidarites_api_types::{
    ActorListResponse, InitiativeListResponse, ModerationQueueResponse, ProposalListResponse,
};
use solidarites_domain::demo::demo_communes;
use solidarites_server::{
    auth::Role,
    demo_data::{self, DemoAccounts, DemoSummary, DEMO_ANSWERS},
};

use crate::{
    fixtures,
    helpers::{count_rows, create_user, eventually_within, for_each_backend, spawn_app, TestDb},
};

async fn count(db: &TestDb, table: &str) -> i64 {
    count_rows(&db.conn, table).await
}

async fn counts(db: &TestDb) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "actors",
        "initiatives",
        "campaigns",
        "responses",
        "proposals",
        "proposal_supports",
        "proposal_status_events",
        "label_grants",
    ] {
        out.push(count(db, table).await);
    }
    out
}

#[tokio::test]
async fn demo_content_fills_an_empty_database_once() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let stored = demo_data::seed(&db.conn).await.unwrap();
        assert_eq!(
            stored,
            Some(DemoSummary {
                actors: 10,
                initiatives: 40,
                answers: DEMO_ANSWERS,
                proposals: 12,
                events: 4,
                indicators: 2,
            })
        );
        // The indicators: a plausible value for every commune, so the dashboard of the
        // demo has its indicator column and scatter.
        assert_eq!(count(&db, "indicators").await, 2);
        assert_eq!(
            count(&db, "indicator_values").await,
            2 * i64::try_from(demo_communes().len()).unwrap()
        );
        let values = solidarites_server::storage::indicators::values_by_commune(&db.conn)
            .await
            .unwrap();
        for commune in demo_communes() {
            let of = &values[commune.code.as_str()];
            assert!((4.0..=23.0).contains(&of["taux_pauvrete"]), "{of:?}");
            assert!((4.0..=12.0).contains(&of["part_75_seuls"]), "{of:?}");
        }
        let after_first = counts(&db).await;
        assert_eq!(&after_first[..5], [10, 40, 1, 420, 12]);
        assert!(after_first[5] > 200, "{after_first:?}");

        // A second run stores nothing.
        assert_eq!(demo_data::seed(&db.conn).await.unwrap(), None);
        assert_eq!(counts(&db).await, after_first);

        // What the public sees.
        let app = spawn_app(db).await;
        let initiatives: InitiativeListResponse =
            app.get_json("/api/v1/initiatives?per_page=100").await;
        assert_eq!(initiatives.total, 40);
        let mut themes: Vec<&str> = initiatives
            .items
            .iter()
            .flat_map(|i| i.content.themes.iter().map(String::as_str))
            .collect();
        themes.sort_unstable();
        themes.dedup();
        assert!(themes.len() >= 8, "{themes:?}");
        assert!(initiatives.items.iter().all(|i| i.content.has_point));
        let actors: ActorListResponse = app.get_json("/api/v1/actors?per_page=100").await;
        assert_eq!(actors.total, 10);
        assert!(
            actors
                .items
                .iter()
                .filter(|a| a.charter_signed_at.is_some())
                .count()
                >= 3
        );
        assert!(actors.items.iter().any(|a| !a.labels.is_empty()));
        let campaigns: Value = app.get_json("/api/v1/campaigns").await;
        assert_eq!(campaigns["campaigns"].as_array().unwrap().len(), 1);

        let proposals: ProposalListResponse = app
            .get_json("/api/v1/proposals?sort=priority&per_page=100")
            .await;
        // 11 published, one of them merged into another.
        assert_eq!(proposals.total, 10);
        assert_eq!(proposals.items[0].priority, Some(1));
        let mut statuses: Vec<&str> = proposals.items.iter().map(|p| p.status.as_str()).collect();
        statuses.sort_unstable();
        statuses.dedup();
        assert_eq!(
            statuses,
            [
                "accepted",
                "declined",
                "done",
                "in_progress",
                "submitted",
                "under_study"
            ]
        );
        for p in &proposals.items {
            let dates: Vec<&str> = p.timeline.iter().map(|e| e.at.as_str()).collect();
            let mut sorted = dates.clone();
            sorted.sort_unstable();
            assert_eq!(dates, sorted, "{}", p.content.title);
            let territory = p.needs.territory.as_ref().unwrap();
            assert!(!territory.secret);
            assert!(territory.themes.iter().all(|t| t.share.is_some()));
        }
        let kept = proposals
            .items
            .iter()
            .find(|p| p.content.title == "Une épicerie solidaire itinérante")
            .unwrap();
        assert_eq!(kept.support_count, 61 + 9);

        let moderator = app.login_as(Role::Moderator).await;
        let res = moderator.get("/api/v1/admin/moderation").await;
        assert_eq!(res.status(), StatusCode::OK);
        let queue: ModerationQueueResponse = res.json().await.unwrap();
        assert_eq!(
            queue.items.iter().filter(|i| i.kind == "proposal").count(),
            1
        );
    })
    .await;
}

async fn user_count(db: &TestDb) -> i64 {
    count(db, "users").await
}

#[tokio::test]
async fn the_demo_creates_one_account_per_role_once_and_each_signs_in() {
    for_each_backend(|db| async move {
        let first = demo_data::prepare(&db.conn).await.unwrap();
        assert!(first.content.is_some());
        assert_eq!(first.accounts, DemoAccounts::Ready { created: 4 });
        // A restart of the demo creates nothing more.
        let second = demo_data::prepare(&db.conn).await.unwrap();
        assert_eq!(second.content, None);
        assert_eq!(second.accounts, DemoAccounts::Ready { created: 0 });
        assert_eq!(user_count(&db).await, 4);

        let app = spawn_app(db).await;
        let accounts = demo_data::demo_accounts();
        let emails: Vec<&str> = accounts.iter().map(|(e, _)| e.as_str()).collect();
        assert_eq!(
            emails,
            [
                "admin@demo.solidarites.invalid",
                "moderator@demo.solidarites.invalid",
                "analyst@demo.solidarites.invalid",
                "committee@demo.solidarites.invalid",
            ]
        );
        for (email, role) in &accounts {
            let staff = app.login(email, demo_data::DEMO_PASSWORD).await;
            let me: Value = staff.get_json("/api/v1/auth/me").await;
            assert_eq!(me["user"]["role"], role.as_str(), "{email}");
        }
        // Only the admin manages accounts.
        let admin = app.login(emails[0], demo_data::DEMO_PASSWORD).await;
        assert_eq!(admin.get("/api/v1/admin/users").await.status(), 200);
        let committee = app.login(emails[3], demo_data::DEMO_PASSWORD).await;
        assert_eq!(committee.get("/api/v1/admin/users").await.status(), 403);
    })
    .await;
}

#[tokio::test]
async fn the_demo_creates_no_account_in_a_database_with_real_accounts() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        create_user(&db, "agent@landes.fr", Role::Admin).await;
        let accounts = demo_data::seed_accounts(&db.conn).await.unwrap();
        assert_eq!(accounts, DemoAccounts::Skipped { other_accounts: 1 });
        assert_eq!(user_count(&db).await, 1);
    })
    .await;
}

#[tokio::test]
async fn serving_creates_no_account() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        assert_eq!(app.get("/api/v1/health").await.status(), 200);
        assert_eq!(user_count(&app.db).await, 0);
        let refused = app
            .post_json(
                "/api/v1/auth/login",
                &fixtures::login("admin@demo.solidarites.invalid", demo_data::DEMO_PASSWORD),
            )
            .await;
        assert_eq!(refused.status(), 401);
    })
    .await;
}

/// A running `solidarites` process, killed when dropped (also when the test fails).
struct Process(std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `solidarites <command>` on a free port with its log in a file; returns once it
/// answers (bounded: 120 s), with the log read so far.
async fn start(command: &str, db_url: &str, dir: &std::path::Path) -> (Process, String, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log_path = dir.join(format!("{command}.log"));
    let log = std::fs::File::create(&log_path).unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_solidarites"))
        .args([command, "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", db_url)
        .env("SOLIDARITES_FRONTEND_DIR", "/nonexistent-frontend")
        .env("RUST_LOG", "info")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut process = Process(child);
    let address = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let what = format!("solidarites {command} answering at {address}");
    let text = eventually_within(
        &what,
        std::time::Duration::from_secs(120),
        std::time::Duration::from_millis(100),
        async || {
            if let Ok(Some(status)) = process.0.try_wait() {
                panic!(
                    "solidarites {command} exited: {status}\n{}",
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                );
            }
            let health = client.get(format!("{address}/api/v1/health")).send().await;
            match health {
                Ok(r) if r.status() == 200 => Ok(std::fs::read_to_string(&log_path).unwrap()),
                Ok(r) => Err(r.status().to_string()),
                Err(e) => Err(e.to_string()),
            }
        },
    )
    .await;
    (process, address, text)
}

#[tokio::test]
async fn the_demo_prints_its_accounts_and_password_and_serve_creates_none() {
    for_each_backend(|db| async move {
        let dir = tempfile::tempdir().unwrap();
        let (serve, _, _) = start("serve", &db.url, dir.path()).await;
        drop(serve);
        assert_eq!(user_count(&db).await, 0, "serve creates no account");

        let (_demo, address, log) = start("demo", &db.url, dir.path()).await;
        for (email, _) in demo_data::demo_accounts() {
            assert!(log.contains(&email), "{email} missing from the log:\n{log}");
        }
        assert!(log.contains(demo_data::DEMO_PASSWORD), "{log}");
        assert!(log.contains("/admin"), "{log}");
        let login = reqwest::Client::new()
            .post(format!("{address}/api/v1/auth/login"))
            .json(&fixtures::login(
                "committee@demo.solidarites.invalid",
                demo_data::DEMO_PASSWORD,
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::OK);
    })
    .await;
}
