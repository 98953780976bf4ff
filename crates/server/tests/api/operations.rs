//! Running it in production: backup under load and restore, graceful shutdown on SIGTERM,
//! metrics, liveness apart from readiness, `Secure` cookies behind HTTPS, versions.

use std::{
    collections::BTreeMap,
    path::Path,
    process::Command,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::Value;
use solidarites_domain::demo::demo_communes;
use solidarites_server::storage;

use crate::{
    cli::solidarites,
    durability::{send, serve_open_campaign},
    fixtures,
    helpers::{
        backends, count_rows, eventually_within, for_each_backend, holds, spawn_app,
        spawn_app_with, test_settings, Backend, TestDb,
    },
    multi_instance::{start_server_with, ServerProcess},
};

async fn stored_ids(
    db: &impl ConnectionTrait,
    campaign: &str,
) -> std::collections::BTreeSet<String> {
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        format!("SELECT id FROM responses WHERE campaign_id = '{campaign}'"),
    ))
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get::<String>("", "id").unwrap())
    .collect()
}

/// A bounded write load of answers: `workers` tasks sending until `stop` or `limit`.
/// Returns the acknowledged answers (key → id) as they come.
struct Load {
    acknowledged: Arc<Mutex<BTreeMap<String, String>>>,
    stop: Arc<AtomicBool>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    fn start(url: String, workers: usize, limit: usize, prefix: &'static str) -> Load {
        let acknowledged = Arc::new(Mutex::new(BTreeMap::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicUsize::new(0));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let workers = (0..workers)
            .map(|_| {
                let (acknowledged, stop, next, client, url) = (
                    acknowledged.clone(),
                    stop.clone(),
                    next.clone(),
                    client.clone(),
                    url.clone(),
                );
                tokio::spawn(async move {
                    while !stop.load(Ordering::SeqCst) {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        if i >= limit {
                            return;
                        }
                        let key = format!("{prefix}-{i:05}");
                        match send(&client, &url, i, &key).await {
                            Some((200 | 201, id)) => {
                                acknowledged.lock().unwrap().insert(key, id);
                            }
                            Some((status, _)) => panic!("answer {i}: HTTP {status}"),
                            // The server stopped taking requests.
                            None => return,
                        }
                    }
                })
            })
            .collect();
        Load {
            acknowledged,
            stop,
            workers,
        }
    }

    fn acknowledged(&self) -> BTreeMap<String, String> {
        self.acknowledged.lock().unwrap().clone()
    }

    async fn wait_for(&self, count: usize) {
        let what = format!("the load reaching {count} answers");
        eventually_within(
            &what,
            Duration::from_secs(10),
            Duration::from_millis(10),
            async || {
                let n = self.acknowledged.lock().unwrap().len();
                holds(n >= count, n)
            },
        )
        .await;
    }

    async fn finish(self) -> BTreeMap<String, String> {
        self.stop.store(true, Ordering::SeqCst);
        for worker in self.workers {
            worker.await.unwrap();
        }
        Arc::try_unwrap(self.acknowledged)
            .unwrap()
            .into_inner()
            .unwrap()
    }
}

fn sigterm(server: &ServerProcess) {
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits (bounded) for the process to exit; its exit status.
async fn wait_exit(server: &mut ServerProcess) -> std::process::ExitStatus {
    let what = "the server stopping after SIGTERM";
    eventually_within(
        what,
        Duration::from_secs(30),
        Duration::from_millis(50),
        async || {
            server
                .child
                .try_wait()
                .unwrap()
                .ok_or_else(|| "running".to_owned())
        },
    )
    .await
}

#[tokio::test]
async fn backup_under_write_load_then_restore_keeps_every_acknowledged_answer() {
    let db = TestDb::create(&Backend::Sqlite)
        .await
        .with_communes(&demo_communes())
        .await;
    let (mut server, campaign) = serve_open_campaign(&db).await;
    let url = format!("{}/api/v1/campaigns/{campaign}/responses", server.address);
    let load = Load::start(url, 8, 2_000, "backup");
    load.wait_for(40).await;

    // The backup runs while answers keep coming.
    let folder = tempfile::tempdir().unwrap();
    let copy = folder.path().join("copie.db");
    let before_backup = load.acknowledged();
    let out = solidarites(&db.url, &["backup", copy.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    load.wait_for(before_backup.len() + 20).await;
    let all = load.finish().await;
    assert!(
        all.len() > before_backup.len(),
        "no answer came during the backup"
    );
    // A second backup to the same file is refused, the first one untouched.
    let again = solidarites(&db.url, &["backup", copy.to_str().unwrap()]);
    assert!(!again.status.success());

    // Restore over the live database is refused while the server runs…
    let refused = solidarites(&db.url, &["restore", copy.to_str().unwrap()]);
    assert!(!refused.status.success(), "restore while the server runs");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("server running"), "{stderr}");
    // …and accepted once it stopped.
    sigterm(&server);
    assert!(wait_exit(&mut server).await.success());
    db.conn.clone().close().await.unwrap();
    let restored = solidarites(&db.url, &["restore", copy.to_str().unwrap()]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let said = String::from_utf8_lossy(&restored.stdout);
    assert!(said.contains("before-restore"), "{said}");

    // Every answer acknowledged before the backup started is in the restored database;
    // nothing acknowledged after it is invented.
    let conn = storage::connect(&db.url).await.unwrap();
    let stored = stored_ids(&conn, &campaign).await;
    for (key, id) in &before_backup {
        assert!(
            stored.contains(id),
            "answer {key} ({id}) missing after restore"
        );
    }
    let acknowledged: std::collections::BTreeSet<&String> = all.values().collect();
    assert!(stored.iter().all(|id| acknowledged.contains(id)));
    let integrity = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<String>(0)
        .unwrap();
    assert_eq!(integrity, "ok");
    conn.close().await.unwrap();
    // The restored database serves.
    let server = start_server_with(&db.url, &[]).await;
    let ready: Value = reqwest::get(format!("{}/api/v1/ready", server.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["ready"], true, "{ready}");
}

#[tokio::test]
async fn restore_refuses_a_backup_of_an_unknown_schema_and_changes_nothing() {
    let db = TestDb::create(&Backend::Sqlite).await;
    let folder = tempfile::tempdir().unwrap();
    let copy = folder.path().join("future.db");
    let out = solidarites(&db.url, &["backup", copy.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The copy as a newer version would have left it.
    let future = storage::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    future
        .execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29991231_000001_future', 0)",
        )
        .await
        .unwrap();
    future.close().await.unwrap();
    db.conn
        .execute_unprepared("INSERT INTO site_settings (key, value, updated_at) VALUES ('marker', '1', '2026-12-06T00:00:00Z')")
        .await
        .ok();
    let marker_before = count_rows(&db.conn, "site_settings").await;
    db.conn.clone().close().await.unwrap();

    let refused = solidarites(&db.url, &["restore", copy.to_str().unwrap()]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("m29991231_000001_future"), "{stderr}");
    // Nothing replaced, nothing left behind.
    let conn = storage::connect(&db.url).await.unwrap();
    assert_eq!(count_rows(&conn, "site_settings").await, marker_before);
    conn.close().await.unwrap();
    let folder_of_db = Path::new(db.url.trim_start_matches("sqlite://"))
        .parent()
        .unwrap()
        .to_path_buf();
    let leftovers: Vec<String> = std::fs::read_dir(folder_of_db)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("restor"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Not a database at all; and PostgreSQL is pointed to pg_dump.
    let junk = folder.path().join("junk.db");
    std::fs::write(&junk, "pas une base").unwrap();
    assert!(!solidarites(&db.url, &["restore", junk.to_str().unwrap()])
        .status
        .success());
    let pg = solidarites(
        "postgres://postgres@127.0.0.1:1/none",
        &["backup", folder.path().join("x.db").to_str().unwrap()],
    );
    assert!(!pg.status.success());
    assert!(String::from_utf8_lossy(&pg.stderr).contains("pg_dump"));
}

#[tokio::test]
async fn sigterm_during_a_burst_of_answers_loses_none_acknowledged_and_exits_cleanly() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let (mut server, campaign) = serve_open_campaign(&db).await;
        let url = format!("{}/api/v1/campaigns/{campaign}/responses", server.address);
        let load = Load::start(url, 8, 2_000, "sigterm");
        load.wait_for(40).await;
        sigterm(&server);
        let status = wait_exit(&mut server).await;
        let acknowledged = load.finish().await;
        assert!(status.success(), "exit after SIGTERM: {status}");
        assert!(acknowledged.len() < 2_000, "the load ended before SIGTERM");
        let stored = stored_ids(&db.conn, &campaign).await;
        for (key, id) in &acknowledged {
            assert!(stored.contains(id), "acknowledged answer {key} ({id}) lost");
        }
    })
    .await;
}

/// The value of one sample line of the metrics text, e.g.
/// `solidarites_http_requests_total{method="GET",route="/api/v1/health",status="200"}`.
pub(crate) fn sample(text: &str, prefix: &str) -> f64 {
    text.lines()
        .find(|line| line.starts_with(prefix))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_hold_no_client_address() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let health =
            r#"solidarites_http_requests_total{method="GET",route="/api/v1/health",status="200"}"#;
        let first = app.get("/metrics").await;
        assert_eq!(first.status(), 200);
        assert!(first.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"));
        let before = sample(&first.text().await.unwrap(), health);
        for _ in 0..3 {
            let res = app
                .get_with_header(
                    "/api/v1/health?secret=token-123",
                    "User-Agent",
                    "agent-de-test",
                )
                .await;
            assert_eq!(res.status(), 200);
        }
        let text = app.get("/metrics").await.text().await.unwrap();
        assert!(sample(&text, health) >= before + 3.0, "{text}");
        for expected in [
            "solidarites_http_request_duration_seconds_bucket",
            "solidarites_moderation_queue_length{queue=\"initiative\"}",
            "solidarites_database_pool_connections{state=\"idle\"}",
            "solidarites_build_info{",
            "solidarites_answers_stored_total",
        ] {
            assert!(text.contains(expected), "{expected} missing:\n{text}");
        }
        for private in ["127.0.0.1", "token-123", "agent-de-test"] {
            assert!(!text.contains(private), "{private} in the metrics");
        }

        // Through a proxy nobody vouched for (forwarding headers, no --trust-proxy): refused.
        let proxied = app
            .get_with_header("/metrics", "X-Forwarded-For", "203.0.113.7")
            .await;
        assert_eq!(proxied.status(), 403);
        let body: Value = proxied.json().await.unwrap();
        assert_eq!(body["error"], "forbidden");
    })
    .await;
}

#[tokio::test]
async fn metrics_are_refused_to_addresses_not_allowed() {
    let db = TestDb::create(&Backend::Sqlite).await;
    let mut settings = test_settings(&db);
    settings.metrics_allow = vec!["10.0.0.0/8".parse().unwrap()];
    let app = spawn_app_with(db, settings).await;
    assert_eq!(app.get("/metrics").await.status(), 403);
    // With --trust-proxy, the forwarded address decides.
    let db = TestDb::create(&Backend::Sqlite).await;
    let mut settings = test_settings(&db);
    settings.metrics_allow = vec!["10.0.0.0/8".parse().unwrap()];
    settings.trust_proxy = true;
    let app = spawn_app_with(db, settings).await;
    let allowed = app
        .get_with_header("/metrics", "X-Forwarded-For", "10.1.2.3")
        .await;
    assert_eq!(allowed.status(), 200);
    let refused = app
        .get_with_header("/metrics", "X-Forwarded-For", "203.0.113.7")
        .await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn readiness_is_apart_from_liveness_and_both_show_the_versions() {
    for_each_backend(|db| async move {
        // No territory yet: alive, not ready.
        let app = spawn_app(db).await;
        let health = app.get("/api/v1/health").await;
        assert_eq!(health.status(), 200);
        let health: Value = health.json().await.unwrap();
        assert_eq!(
            health["schema_version"],
            solidarites_migration::SCHEMA_VERSION
        );
        assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
        let ready = app.get("/api/v1/ready").await;
        assert_eq!(ready.status(), 503);
        let ready: Value = ready.json().await.unwrap();
        assert_eq!(ready["ready"], false);
        let checks: BTreeMap<String, bool> = ready["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_owned(),
                    c["ok"].as_bool().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            checks,
            BTreeMap::from([
                ("database".to_owned(), true),
                ("migrations".to_owned(), true),
                ("territory".to_owned(), false),
            ])
        );
        assert_eq!(
            ready["database_schema"],
            solidarites_migration::SCHEMA_VERSION
        );
    })
    .await;
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let ready = app.get("/api/v1/ready").await;
        assert_eq!(ready.status(), 200);
        // A database a newer version has migrated: this instance is not ready.
        app.db
            .conn
            .execute_unprepared(
                "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29991231_000001_future', 0)",
            )
            .await
            .unwrap();
        let ready = app.get("/api/v1/ready").await;
        assert_eq!(ready.status(), 503);
        let ready: Value = ready.json().await.unwrap();
        assert_eq!(ready["database_schema"], "m29991231_000001_future");
        // Liveness does not depend on it.
        assert_eq!(app.get("/api/v1/health").await.status(), 200);
    })
    .await;
}

#[tokio::test]
async fn with_an_https_public_url_session_cookies_are_secure_even_over_plain_http() {
    for_each_backend(|db| async move {
        let mut settings = test_settings(&db);
        settings.public_url = Some("https://solidarites.landes.fr".to_owned());
        let password = crate::helpers::create_user(
            &db,
            "agent@landes.fr",
            solidarites_server::auth::Role::Admin,
        )
        .await;
        let app = spawn_app_with(db, settings).await;
        let res = app
            .post_json(
                "/api/v1/auth/login",
                &fixtures::login("agent@landes.fr", &password),
            )
            .await;
        assert_eq!(res.status(), 200);
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("Secure"), "{cookie}");
    })
    .await;
    // Without it, a plain-HTTP sign-in (local use) gets a cookie the browser will send back.
    for_each_backend(|db| async move {
        let password = crate::helpers::create_user(
            &db,
            "agent@landes.fr",
            solidarites_server::auth::Role::Admin,
        )
        .await;
        let app = spawn_app(db).await;
        let res = app
            .post_json(
                "/api/v1/auth/login",
                &fixtures::login("agent@landes.fr", &password),
            )
            .await;
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(!cookie.contains("Secure"), "{cookie}");
    })
    .await;
}

#[test]
fn version_shows_the_program_and_the_schema() {
    let out = Command::new(env!("CARGO_BIN_EXE_solidarites"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(env!("CARGO_PKG_VERSION")), "{text}");
    assert!(
        text.contains(solidarites_migration::SCHEMA_VERSION),
        "{text}"
    );
}

#[tokio::test]
async fn a_configuration_file_sets_what_flags_and_environment_leave_unset() {
    let db = TestDb::create(&Backend::Sqlite)
        .await
        .with_communes(&demo_communes())
        .await;
    let folder = tempfile::tempdir().unwrap();
    let config = folder.path().join("solidarites.toml");
    // The file names another database: the environment's DATABASE_URL wins. It sets the
    // tiles; the flag --tile-attribution wins over the file's.
    std::fs::write(
        &config,
        "database_url = \"sqlite:///nonexistent-folder/not-this-one.db\"\n\
         tile_url = \"https://tuiles.example/{z}/{x}/{y}.png\"\n\
         tile_attribution = \"Fichier\"\n\
         trust_proxy = true\n\
         metrics_allow = [\"127.0.0.1\", \"10.0.0.0/8\"]\n",
    )
    .unwrap();
    let server = start_server_with(
        &db.url,
        &[
            "--config",
            config.to_str().unwrap(),
            "--tile-attribution",
            "Drapeau",
        ],
    )
    .await;
    let public: Value = reqwest::get(format!("{}/api/v1/config", server.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        public["tile_url"], "https://tuiles.example/{z}/{x}/{y}.png",
        "{public}"
    );
    assert_eq!(public["tile_attribution"], "Drapeau", "{public}");
    // trust_proxy and metrics_allow from the file: a forwarded 10.x address may read them.
    let metrics = reqwest::Client::new()
        .get(format!("{}/metrics", server.address))
        .header("X-Forwarded-For", "10.9.8.7")
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
    drop(server);

    // An unknown key is an error that names it.
    std::fs::write(&config, "secrecy_kk = 7\n").unwrap();
    let out = solidarites(&db.url, &["--config", config.to_str().unwrap(), "migrate"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("secrecy_kk"));
    // A `serve` key is fine for other commands.
    std::fs::write(&config, "bind = \"127.0.0.1:1\"\n").unwrap();
    let out = solidarites(&db.url, &["--config", config.to_str().unwrap(), "migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn the_server_checkpoints_sqlite_s_log_itself_and_counts_it() {
    // A server's connections leave the checkpoints to it; other programs' keep SQLite's.
    let db = TestDb::create(&Backend::Sqlite).await;
    let autocheckpoint = |conn: DatabaseConnection| async move {
        conn.query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA wal_autocheckpoint",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
    };
    let server = storage::connect_server(&db.url).await.unwrap();
    assert_eq!(autocheckpoint(server.clone()).await, 0);
    assert_eq!(
        autocheckpoint(storage::connect(&db.url).await.unwrap()).await,
        1000
    );
    // The migrations wrote to the log: a checkpoint copies all of it (no reader holds it).
    let (frames, copied) = storage::checkpoint(&server).await.unwrap().unwrap();
    assert!(frames > 0, "the log holds the migrations");
    assert_eq!(copied, frames);

    // The running server checkpoints every second, and counts it.
    let app = spawn_app(db).await;
    let counter = "solidarites_sqlite_wal_checkpoints_total";
    let before = sample(&app.get("/metrics").await.text().await.unwrap(), counter);
    eventually_within(
        "a checkpoint counted",
        Duration::from_secs(5),
        Duration::from_millis(100),
        async || {
            let now = sample(&app.get("/metrics").await.text().await.unwrap(), counter);
            if now > before {
                Ok(())
            } else {
                Err(format!("{before} → {now}"))
            }
        },
    )
    .await;

    // Nothing to checkpoint on PostgreSQL.
    for backend in backends() {
        if let Backend::Postgres { .. } = backend {
            let db = TestDb::create(&backend).await;
            assert_eq!(storage::checkpoint(&db.conn).await.unwrap(), None);
        }
    }
}
