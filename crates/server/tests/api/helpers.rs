//! Starting the real application for a test, on a fresh database.
//!
//! Every test runs on SQLite (a new file in a temporary folder) and, when
//! `TEST_DATABASE_URL` names a PostgreSQL server, again on a new PostgreSQL database
//! created for it and dropped afterwards, even when the test panics. Under CI (`CI=true`)
//! PostgreSQL is mandatory.

use std::{future::Future, path::PathBuf, time::Duration};

use sea_orm::{ConnectionTrait, DatabaseConnection};
use solidarites_domain::Commune;
use solidarites_server::{
    auth::{self, Role},
    config::Settings,
    startup::Application,
    storage::{
        self,
        audit::{self, AuditFilter},
        users::NewUser,
    },
};

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres { admin_url: String },
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres { .. } => "postgres",
        }
    }
}

/// The databases every test runs on.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => all.push(Backend::Postgres { admin_url: url }),
        _ => assert!(
            std::env::var("CI").is_err(),
            "CI must run the tests on PostgreSQL too: set TEST_DATABASE_URL=postgres://…"
        ),
    }
    all
}

/// Runs `test` once per backend, each time on a fresh database.
pub async fn for_each_backend<F, Fut>(test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        let db = TestDb::create(&backend).await;
        // A test's `async move` block captures only the fields it uses: keep the SQLite
        // folder and the PostgreSQL database alive until it ends (or unwinds).
        let keep_alive = (db._dir.clone(), db._pg.clone());
        test(db).await;
        drop(keep_alive);
    }
}

/// Drops a test's PostgreSQL database when the last `TestDb` handle on it goes, whether
/// the test ended or panicked: the unwinding drops the handles too. Runs on its own thread
/// and runtime, since a `Drop` cannot await; `WITH (FORCE)` ends the connections the
/// application still holds.
#[derive(Debug)]
struct DropDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || -> anyhow::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let admin = storage::connect(&admin_url).await?;
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                let result = admin.execute_unprepared(&sql).await.map(drop);
                let _ = admin.close().await;
                result.map_err(anyhow::Error::from)
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) && !std::thread::panicking() {
            panic!(
                "could not drop the test database {}: {dropped:?}",
                self.name
            );
        }
    }
}

/// A fresh, migrated database.
#[derive(Debug)]
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub conn: DatabaseConnection,
    /// Keeps the SQLite folder alive for the test's duration.
    _dir: Option<std::sync::Arc<tempfile::TempDir>>,
    /// Drops the PostgreSQL database with the last handle on it.
    _pg: Option<std::sync::Arc<DropDatabase>>,
}

impl TestDb {
    pub async fn create(backend: &Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("test.db");
                let url = format!("sqlite://{}", path.display());
                let conn = storage::connect(&url).await.expect("connect sqlite");
                storage::migrate(&conn).await.expect("migrate sqlite");
                TestDb {
                    backend: backend.clone(),
                    url,
                    conn,
                    _dir: Some(std::sync::Arc::new(dir)),
                    _pg: None,
                }
            }
            Backend::Postgres { admin_url } => {
                let name = format!("sol_test_{}", uuid::Uuid::new_v4().simple());
                let admin = storage::connect(admin_url).await.expect("connect postgres");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                admin.close().await.expect("close admin connection");
                let guard = std::sync::Arc::new(DropDatabase {
                    admin_url: admin_url.clone(),
                    name: name.clone(),
                });
                let url = with_database_name(admin_url, &name);
                let conn = storage::connect(&url).await.expect("connect test database");
                storage::migrate(&conn).await.expect("migrate postgres");
                TestDb {
                    backend: backend.clone(),
                    url,
                    conn,
                    _dir: None,
                    _pg: Some(guard),
                }
            }
        }
    }

    /// A second connection to the same database (e.g. for a second server instance); the
    /// database is dropped once both handles are gone.
    pub async fn reopen(other: &TestDb) -> TestDb {
        TestDb {
            backend: other.backend.clone(),
            url: other.url.clone(),
            conn: storage::connect(&other.url).await.expect("reconnect"),
            _dir: other._dir.clone(),
            _pg: other._pg.clone(),
        }
    }

    /// Stores `communes` as the territory (the same code path as `communes import`).
    pub async fn with_communes(self, communes: &[Commune]) -> TestDb {
        storage::communes::replace_all(&self.conn, communes, "test")
            .await
            .expect("store communes");
        self
    }
}

/// Approves the submission `id` through the moderation endpoint; panics, with the
/// answer's body, unless it is a 200.
pub async fn approve(moderator: &StaffClient, id: &str) {
    moderate(moderator, id, "approve").await;
}

/// Takes the bodiless moderation `action` (`approve`, `archive`) on the submission `id`;
/// panics, with the answer's body, unless it is a 200.
pub async fn moderate(moderator: &StaffClient, id: &str, action: &str) {
    let res = moderation_action(moderator, id, action).await;
    expect_status(res, reqwest::StatusCode::OK).await;
}

/// Sends the bodiless moderation `action` (`approve`, `archive`) on the submission `id`.
pub async fn moderation_action(staff: &StaffClient, id: &str, action: &str) -> reqwest::Response {
    staff
        .post_json(
            &format!("/api/v1/admin/moderation/{id}/{action}"),
            &serde_json::json!({}),
        )
        .await
}

/// Rejects the submission `id` with `reason`, which its submitter reads.
pub async fn reject(moderator: &StaffClient, id: &str, reason: &str) -> reqwest::Response {
    let body = solidarites_api_types::ModerationMessageRequest {
        message: Some(reason.to_owned()),
    };
    moderator
        .post_json(&format!("/api/v1/admin/moderation/{id}/reject"), &body)
        .await
}

/// Takes the moderation `action` on every submission of `ids` at once, with `message`.
pub async fn bulk_moderation(
    moderator: &StaffClient,
    action: &str,
    ids: Vec<String>,
    message: Option<&str>,
) -> reqwest::Response {
    let body = solidarites_api_types::BulkModerationRequest {
        action: Some(action.to_owned()),
        ids,
        message: message.map(str::to_owned),
    };
    moderator
        .post_json("/api/v1/admin/moderation/bulk", &body)
        .await
}

/// Panics, with the answer's body, unless `res` has `status`; else returns the body.
pub async fn expect_status(res: reqwest::Response, status: reqwest::StatusCode) -> String {
    let got = res.status();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(got, status, "{text}");
    text
}

/// The default questionnaire's id (created on first start).
pub async fn default_questionnaire_id(staff: &StaffClient) -> String {
    let list: solidarites_api_types::QuestionnaireListResponse =
        staff.get_json("/api/v1/admin/questionnaires").await;
    list.questionnaires[0].id.clone()
}

/// Creates `campaign` through the API; panics, with the answer's body, unless it is a 201.
/// Returns its id.
pub async fn create_campaign(
    staff: &StaffClient,
    campaign: &solidarites_api_types::CreateCampaignRequest,
) -> String {
    let res = staff.post_json("/api/v1/admin/campaigns", campaign).await;
    let text = expect_status(res, reqwest::StatusCode::CREATED).await;
    let created: solidarites_api_types::AdminCampaignResponse =
        serde_json::from_str(&text).expect("a campaign");
    created.campaign.id
}

/// Sends an anonymous answer to `campaign`; panics, with the answer's body, unless it is
/// stored (201).
pub async fn send_answer(app: &TestApp, campaign: &str, body: &impl serde::Serialize) {
    let res = app
        .post_json(&format!("/api/v1/campaigns/{campaign}/responses"), body)
        .await;
    expect_status(res, reqwest::StatusCode::CREATED).await;
}

/// Enters `body` as staff (assisted entry, with its channel) in `campaign`.
pub async fn assisted_entry(
    staff: &StaffClient,
    campaign: &str,
    body: &solidarites_api_types::SubmitResponseRequest,
) -> reqwest::Response {
    staff
        .post_json(
            &format!("/api/v1/admin/campaigns/{campaign}/responses"),
            body,
        )
        .await
}

/// Staff's bulk `action` (`confirm`, `archive`) on the stale listings `(kind, id)`.
pub async fn stale_bulk(
    staff: &StaffClient,
    action: &str,
    items: &[(&str, &str)],
) -> reqwest::Response {
    let body = solidarites_api_types::StaleBulkRequest {
        items: items
            .iter()
            .map(|(kind, id)| solidarites_api_types::ListingRef {
                kind: (*kind).to_owned(),
                id: (*id).to_owned(),
            })
            .collect(),
    };
    staff
        .post_json(&format!("/api/v1/admin/stale/{action}"), &body)
        .await
}

/// The count a `SELECT COUNT(*) AS n …` statement returns.
pub async fn count_of(db: &impl ConnectionTrait, statement: sea_orm::Statement) -> i64 {
    db.query_one_raw(statement)
        .await
        .expect("count query")
        .expect("one row")
        .try_get::<i64>("", "n")
        .expect("a count")
}

/// The count of rows `sql` (a `SELECT COUNT(*) AS n …` without placeholders) returns.
pub async fn count_sql(db: &impl ConnectionTrait, sql: &str) -> i64 {
    let statement = sea_orm::Statement::from_string(db.get_database_backend(), sql.to_owned());
    count_of(db, statement).await
}

/// Rows of `table` (SQL: the entities are private to the server's storage).
pub async fn count_rows(db: &impl ConnectionTrait, table: &str) -> i64 {
    count_sql(db, &format!("SELECT COUNT(*) AS n FROM {table}")).await
}

/// The `name` column of every row `sql` returns.
pub async fn name_column(db: &impl ConnectionTrait, sql: &str) -> Vec<String> {
    let statement = sea_orm::Statement::from_string(db.get_database_backend(), sql.to_owned());
    db.query_all_raw(statement)
        .await
        .expect("query")
        .iter()
        .map(|row| row.try_get::<String>("", "name").expect("a name"))
        .collect()
}

/// The audit actions recorded on `entity_id`, oldest first.
pub async fn audit_actions(app: &TestApp, entity_id: &str) -> Vec<String> {
    let filter = AuditFilter {
        entity_id: Some(entity_id.to_owned()),
        ..AuditFilter::default()
    };
    let mut actions: Vec<String> = audit::page(&app.db.conn, &filter, 1, 100)
        .await
        .expect("audit page")
        .0
        .into_iter()
        .map(|e| e.action)
        .collect();
    actions.reverse();
    actions
}

/// Polls `probe` until it returns `Ok`, every 50 ms, for at most 10 s; then fails naming
/// `what` and the last `Err` (what was seen instead). For what the application does on its
/// own timers (snapshot refreshes, reloads, a process starting or stopping).
pub async fn eventually<T>(what: &str, probe: impl AsyncFnMut() -> Result<T, String>) -> T {
    eventually_within(
        what,
        Duration::from_secs(10),
        Duration::from_millis(50),
        probe,
    )
    .await
}

/// What `fetch` returns once `ready` holds for it (polled as by [`eventually`]); `seen` says
/// what was seen instead.
pub async fn eventually_ready<T, S: std::fmt::Debug>(
    what: &str,
    fetch: impl AsyncFn() -> T,
    ready: impl Fn(&T) -> bool,
    seen: impl Fn(&T) -> S,
) -> T {
    eventually(what, async || {
        let value = fetch().await;
        if ready(&value) {
            Ok(value)
        } else {
            Err(format!("{:?}", seen(&value)))
        }
    })
    .await
}

/// `Ok` when `holds`, else what was `seen` instead (for [`eventually`]'s probes).
pub fn holds(holds: bool, seen: impl std::fmt::Debug) -> Result<(), String> {
    if holds {
        Ok(())
    } else {
        Err(format!("{seen:?}"))
    }
}

/// [`eventually`] with its own bound and polling interval.
pub async fn eventually_within<T>(
    what: &str,
    timeout: Duration,
    interval: Duration,
    mut probe: impl AsyncFnMut() -> Result<T, String>,
) -> T {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        match probe().await {
            Ok(value) => return value,
            Err(seen) if std::time::Instant::now() >= deadline => {
                panic!("{what}: not after {timeout:?}; last seen: {seen}")
            }
            Err(_) => tokio::time::sleep(interval).await,
        }
    }
}

/// `postgres://u@h:5432/postgres?x=y` with the database name replaced.
pub fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// A running application.
#[derive(Debug)]
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDb,
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request")
    }

    /// GETs `path` with the header `name: value`.
    pub async fn get_with_header(&self, path: &str, name: &str, value: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .header(name, value)
            .send()
            .await
            .expect("request")
    }

    /// GETs `path` and reads the answer's JSON as `T`, whatever its status.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let res = self.get(path).await;
        res.json()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: not the expected JSON: {e}"))
    }
}

pub fn test_settings(db: &TestDb) -> Settings {
    let mut settings = Settings::local(db.url.clone());
    settings.bind = "127.0.0.1:0".to_owned();
    settings.frontend_dir = PathBuf::from("/nonexistent-frontend");
    settings.territory_refresh = Duration::from_millis(100);
    // Tests send many answers from 127.0.0.1.
    settings.answer_burst_per_ip = 10_000;
    settings.proposal_burst_per_ip = 10_000;
    settings
}

/// The application on the demo territory, and a member of staff with `role` signed in.
pub async fn demo_app_as(db: TestDb, role: Role) -> (TestApp, StaffClient) {
    let app = spawn_app(
        db.with_communes(&solidarites_domain::demo::demo_communes())
            .await,
    )
    .await;
    let staff = app.login_as(role).await;
    (app, staff)
}

/// Starts the real application on a free port of 127.0.0.1.
pub async fn spawn_app(db: TestDb) -> TestApp {
    let settings = test_settings(&db);
    spawn_app_with(db, settings).await
}

/// Two instances of the application with `settings`, on one database.
pub async fn two_instances(db: TestDb, settings: Settings) -> (TestApp, TestApp) {
    let other_db = TestDb::reopen(&db).await;
    let app = spawn_app_with(db, settings.clone()).await;
    let other = spawn_app_with(other_db, settings).await;
    (app, other)
}

/// How long test clients keep an idle connection: well under the server's keep-alive
/// (5 s), so that a client never sends on a connection the server is closing (which
/// fails as "connection closed before message completed" when a slow step of a test,
/// under load, leaves a pooled connection idle for about that long).
const CLIENT_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

pub async fn spawn_app_with(db: TestDb, settings: Settings) -> TestApp {
    let app = Application::build(settings).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(CLIENT_IDLE)
            .build()
            .expect("client"),
        db,
    }
}

/// The real Landes communes shipped beside the project, when present.
pub fn landes_geojson_path() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/communes-40-landes.geojson");
    path.is_file().then_some(path)
}

#[test]
fn replaces_the_database_name_of_postgres_urls() {
    assert_eq!(
        with_database_name("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
        "postgres://postgres@127.0.0.1:5432/t1"
    );
    assert_eq!(
        with_database_name("postgres://u:p@h/db?sslmode=disable", "t2"),
        "postgres://u:p@h/t2?sslmode=disable"
    );
    assert_eq!(
        with_database_name("postgres://h:5432", "t3"),
        "postgres://h:5432/t3"
    );
}

/// Creates a staff account through the storage layer (as `solidarites users create` does)
/// and returns its password.
pub async fn create_user(db: &TestDb, email: &str, role: Role) -> String {
    let password = format!("pw-{}", uuid::Uuid::new_v4().simple());
    let new = NewUser {
        email: email.to_lowercase(),
        display_name: format!("Test {role}"),
        role,
        password_hash: auth::hash_password(password.clone())
            .await
            .expect("hash password"),
    };
    storage::users::create(&db.conn, new, None, "test.user.create")
        .await
        .expect("create user");
    password
}

/// A signed-in staff member's HTTP client: keeps the session cookie and sends the CSRF
/// header on every request.
#[derive(Debug, Clone)]
pub struct StaffClient {
    pub client: reqwest::Client,
    pub csrf: String,
    pub address: String,
    pub email: String,
    pub user_id: String,
}

impl StaffClient {
    /// Signs in an existing account on the server at `address`; panics unless the answer
    /// is 200.
    pub async fn sign_in(address: &str, email: &str, password: &str) -> StaffClient {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(CLIENT_IDLE)
            .build()
            .expect("client");
        let login = solidarites_api_types::LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        let response = client
            .post(format!("{address}/api/v1/auth/login"))
            .json(&login)
            .send()
            .await
            .expect("login request");
        assert_eq!(response.status(), 200, "login of {email} failed");
        let body: serde_json::Value = response.json().await.expect("login body");
        StaffClient {
            client,
            csrf: body["csrf_token"].as_str().expect("csrf_token").to_owned(),
            address: address.to_owned(),
            email: email.to_owned(),
            user_id: body["user"]["id"].as_str().expect("user id").to_owned(),
        }
    }

    /// A request to `path` with the session's CSRF header.
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{}", self.address, path))
            .header("X-CSRF-Token", &self.csrf)
    }

    async fn send(request: reqwest::RequestBuilder) -> reqwest::Response {
        request.send().await.expect("request")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        Self::send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post_json(&self, path: &str, body: &impl serde::Serialize) -> reqwest::Response {
        Self::send(self.request(reqwest::Method::POST, path).json(body)).await
    }

    pub async fn patch_json(&self, path: &str, body: &impl serde::Serialize) -> reqwest::Response {
        Self::send(self.request(reqwest::Method::PATCH, path).json(body)).await
    }

    pub async fn put_json(&self, path: &str, body: &impl serde::Serialize) -> reqwest::Response {
        Self::send(self.request(reqwest::Method::PUT, path).json(body)).await
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        Self::send(self.request(reqwest::Method::DELETE, path)).await
    }

    /// GETs `path` and reads the answer's JSON as `T`, whatever its status.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let res = self.get(path).await;
        res.json()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: not the expected JSON: {e}"))
    }
}

impl TestApp {
    pub async fn post_json(&self, path: &str, body: &impl serde::Serialize) -> reqwest::Response {
        self.client
            .post(format!("{}{}", self.address, path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Creates an account with `role` and signs it in.
    pub async fn login_as(&self, role: Role) -> StaffClient {
        let email = format!(
            "{role}-{}@test.solidarites.fr",
            uuid::Uuid::new_v4().simple()
        );
        let password = create_user(&self.db, &email, role).await;
        self.login(&email, &password).await
    }

    /// Signs in an existing account; panics unless the answer is 200.
    pub async fn login(&self, email: &str, password: &str) -> StaffClient {
        StaffClient::sign_in(&self.address, email, password).await
    }
}

/// The drop guard at work: a test that panics still leaves no database behind.
#[tokio::test]
async fn a_panicking_test_still_drops_its_postgres_database() {
    let Some(backend) = backends()
        .into_iter()
        .find(|b| matches!(b, Backend::Postgres { .. }))
    else {
        return; // SQLite only: its temporary folder goes with the TempDir.
    };
    let Backend::Postgres { admin_url } = &backend else {
        return;
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    let test = tokio::spawn({
        let backend = backend.clone();
        async move {
            let db = TestDb::create(&backend).await;
            sender.send(db.url.clone()).expect("send");
            panic!("a test failing while it holds its database");
        }
    })
    .await;
    assert!(test.is_err_and(|e| e.is_panic()));
    let url = receiver.recv().expect("the test created its database");
    let name = url.rsplit('/').next().expect("a database name").to_owned();
    let admin = storage::connect(admin_url).await.expect("connect");
    let sql = format!("SELECT COUNT(*) AS n FROM pg_database WHERE datname = '{name}'");
    let left = count_sql(&admin, &sql).await;
    assert_eq!(left, 0, "{name} was left behind");
}
