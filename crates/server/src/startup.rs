//! Building and running the HTTP server. Tests use exactly this, on port 0.

use std::{
    net::TcpListener,
    sync::Arc,
    time::{Duration, Instant},
};

use actix_web::{
    body::MessageBody,
    dev::{Server, ServiceRequest, ServiceResponse},
    middleware::{self, Next},
    web, App, HttpServer,
};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{
    config::Settings, error, json_body, map::MapCache, needs::NeedsCache, routes, security_headers,
    site_settings::SettingsCache, state::AppState, storage, territory::TerritoryCache,
    throttle::LoginThrottle,
};

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    /// Tells the background tasks to stop once the server has.
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Connects to the database, applies the migrations, loads the territory and binds the
    /// listener. The server starts with [`Application::run_until_stopped`].
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = storage::connect_server(&settings.database_url).await?;
        storage::migrate(&db).await?;
        Self::build_with_db(settings, db).await
    }

    pub async fn build_with_db(settings: Settings, db: DatabaseConnection) -> anyhow::Result<Self> {
        let territory = Arc::new(TerritoryCache::load(&db).await?);
        storage::themes::seed_defaults(&db)
            .await
            .context("cannot store the default themes")?;
        storage::questionnaires::seed_default(&db)
            .await
            .context("cannot store the default questionnaire")?;
        let map = Arc::new(MapCache::load(&db, settings.freshness).await?);
        let site_settings = Arc::new(SettingsCache::load(&db, &settings).await?);
        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let login_throttle = Arc::new(LoginThrottle::new(
            settings.login_burst_per_ip,
            settings.login_refill_per_ip,
        ));
        let answer_throttle = Arc::new(LoginThrottle::new(
            settings.answer_burst_per_ip,
            settings.answer_refill_per_ip,
        ));
        let proposal_throttle = Arc::new(LoginThrottle::new(
            settings.proposal_burst_per_ip,
            settings.proposal_refill_per_ip,
        ));
        let results =
            crate::results::ResultsCache::with_checkpoint_rows(settings.results_checkpoint_rows);
        let state = AppState {
            answers: crate::services::answers::AnswerWriter::start(db.clone()),
            db,
            territory,
            settings: Arc::new(settings),
            map,
            login_throttle,
            answer_throttle,
            proposal_throttle,
            needs: Arc::new(NeedsCache::default()),
            lists: Arc::new(crate::lists::PublicLists::default()),
            results: Arc::new(results),
            site_settings,
            preloads: Arc::new(crate::routes::preload_cache()),
        };
        let server = run(listener, state.clone())?;
        let shutdown = CancellationToken::new();
        let mut tasks: Vec<JoinHandle<()>> = spawn_refresh(state.clone(), shutdown.clone())
            .into_iter()
            .collect();
        tasks.push(crate::mail::spawn(state.clone(), shutdown.clone())?);
        tasks.extend(spawn_checkpoints(state.db.clone(), shutdown.clone()));
        Ok(Self {
            port,
            server,
            state,
            shutdown,
            tasks,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGTERM or SIGINT (or [`Application::handle`]'s stop): the listener
    /// closes, requests in flight get `--shutdown-timeout-secs` to finish, then the
    /// background tasks stop and the database connections are closed (on SQLite, the
    /// write-ahead log is checkpointed into the database file).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        tracing::info!("stopping: no more requests in flight");
        self.shutdown.cancel();
        for task in self.tasks {
            if let Err(err) = task.await {
                tracing::warn!(error = %err, "a background task ended badly");
            }
        }
        self.state.answers.close().await;
        if let Err(err) = self.state.db.clone().close().await {
            tracing::warn!(error = %err, "closing the database connections failed");
        }
        served
    }

    /// A handle to stop the server gracefully from code (tests).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }
}

fn run(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let shutdown_timeout = state.settings.shutdown_timeout.as_secs();
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(middleware::from_fn(log_request))
            .wrap(middleware::from_fn(security_headers::limit_query_length))
            .wrap(middleware::from_fn(security_headers::add_security_headers))
            .wrap(
                middleware::DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin")),
            )
            .wrap(middleware::Compress::default())
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(json_body::JSON_LIMIT))
            .app_data(web::QueryConfig::default().error_handler(error::query_error_handler))
            .app_data(
                web::JsonConfig::default()
                    .limit(json_body::JSON_LIMIT)
                    .error_handler(error::json_error_handler),
            )
            .configure(routes::configure)
    })
    .shutdown_timeout(shutdown_timeout)
    .listen(listener)?
    .run();
    Ok(server)
}

/// How often the server copies SQLite's write-ahead log into the database file (at a
/// burst of 10,000 answers a second, the log holds about 20 MB between two checkpoints).
const CHECKPOINT_PERIOD: Duration = Duration::from_secs(1);

/// On SQLite, checkpoints the write-ahead log every [`CHECKPOINT_PERIOD`] from a task of
/// its own, off the commits' path ([`storage::connect_server`]). Stops at the next tick
/// after `shutdown` (closing the last connection checkpoints the rest).
fn spawn_checkpoints(
    db: DatabaseConnection,
    shutdown: CancellationToken,
) -> Option<JoinHandle<()>> {
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut ticker = tokio::time::interval(CHECKPOINT_PERIOD);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticker.tick() => {}
            }
            match storage::checkpoint(&db).await {
                Ok(Some((frames, _))) => crate::metrics::wal_checkpoint(frames),
                Ok(None) => {}
                Err(err) => tracing::warn!(error = %err, "write-ahead log checkpoint failed"),
            }
        }
    }))
}

/// Checks the stored revisions periodically and reloads what another instance (or the
/// command line) changed: the territory's boundaries, the published initiatives of the
/// map, the settings administrators change; and flags the listings not confirmed for the
/// period. Stops at the next tick after `shutdown`.
fn spawn_refresh(state: AppState, shutdown: CancellationToken) -> Option<JoinHandle<()>> {
    let period = state.settings.territory_refresh;
    if period.is_zero() {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticker.tick() => {}
            }
            if let Err(err) = state.territory.refresh(&state.db).await {
                tracing::warn!(error = ?err, "territory refresh failed");
            }
            state.refresh_map().await;
            if let Err(err) = state.site_settings.refresh(&state.db).await {
                tracing::warn!(error = ?err, "settings refresh failed");
            }
            // Listings not confirmed for the period: their submitters are asked to confirm
            // (hiding needs no pass: public reads compare the dates themselves).
            match crate::services::freshness::flag_due(
                &state.db,
                &state.settings,
                state.settings.clock.now(),
            )
            .await
            {
                Ok(0) => {}
                Ok(flagged) => tracing::info!(flagged, "listings flagged as not confirmed"),
                Err(err) => tracing::warn!(error = ?err, "flagging stale listings failed"),
            }
        }
    }))
}

/// One log line per request: method, route pattern, status, duration. No client address
/// and no query string, so that anonymous survey answers cannot be tied to a person.
async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let response = next.call(req).await;
    let status = match &response {
        Ok(res) => res.status().as_u16(),
        Err(err) => err.as_response_error().status_code().as_u16(),
    };
    let elapsed = started.elapsed();
    crate::metrics::observe_request(method.as_str(), &route, status, elapsed);
    tracing::info!(
        %method,
        %route,
        status,
        elapsed_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    response
}
