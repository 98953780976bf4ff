//! Building and running the HTTP server. Tests use exactly this, on port 0.

use std::{net::TcpListener, sync::Arc, time::Instant};

use actix_web::{
    body::MessageBody,
    dev::{Server, ServiceRequest, ServiceResponse},
    middleware::{self, Next},
    web, App, HttpServer,
};
use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::{
    config::Settings, error, map::MapCache, routes, site_settings::SettingsCache, state::AppState,
    storage, storage::needs::NeedsCache, territory::TerritoryCache, throttle::LoginThrottle,
};

/// Largest JSON body accepted, in bytes.
const JSON_LIMIT: usize = 256 * 1024;

pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
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
        let db = storage::connect(&settings.database_url).await?;
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
        let map = Arc::new(MapCache::load(&db).await?);
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
        let state = AppState {
            db,
            territory,
            settings: Arc::new(settings),
            map,
            login_throttle,
            answer_throttle,
            proposal_throttle,
            needs: Arc::new(NeedsCache::default()),
            results: Arc::new(crate::results::ResultsCache::new()),
            site_settings,
        };
        let server = run(listener, state.clone())?;
        spawn_territory_refresh(state.clone());
        spawn_map_refresh(state.clone());
        spawn_settings_refresh(state.clone());
        Ok(Self {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

fn run(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(middleware::from_fn(log_request))
            .wrap(
                middleware::DefaultHeaders::new()
                    .add(("X-Content-Type-Options", "nosniff"))
                    .add(("Referrer-Policy", "same-origin")),
            )
            .wrap(middleware::Compress::default())
            .app_data(data.clone())
            .app_data(web::QueryConfig::default().error_handler(error::query_error_handler))
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT)
                    .error_handler(error::json_error_handler),
            )
            .configure(routes::configure)
    })
    .listen(listener)?
    .run();
    Ok(server)
}

/// Checks the stored territory revision periodically and reloads when another instance
/// (or the command line) imported new boundaries.
fn spawn_territory_refresh(state: AppState) {
    let period = state.settings.territory_refresh;
    if period.is_zero() {
        return;
    }
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            if let Err(err) = state.territory.refresh(&state.db).await {
                tracing::warn!(error = ?err, "territory refresh failed");
            }
        }
    });
}

/// Checks the stored map revision periodically and reloads the published initiatives when
/// another instance (or the command line) published or unpublished some.
fn spawn_map_refresh(state: AppState) {
    let period = state.settings.territory_refresh;
    if period.is_zero() {
        return;
    }
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            if let Err(err) = state.map.refresh(&state.db).await {
                tracing::warn!(error = ?err, "map snapshot refresh failed");
            }
        }
    });
}

/// Checks the stored settings revision periodically and reloads them when an
/// administrator changed them through another instance.
fn spawn_settings_refresh(state: AppState) {
    let period = state.settings.territory_refresh;
    if period.is_zero() {
        return;
    }
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(period);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            if let Err(err) = state.site_settings.refresh(&state.db).await {
                tracing::warn!(error = ?err, "settings refresh failed");
            }
        }
    });
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
    tracing::info!(
        %method,
        %route,
        status,
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}
