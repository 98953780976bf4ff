use actix_web::{http::StatusCode, route, web, HttpResponse};
use sea_orm::{ConnectionTrait, Statement};
use solidarites_api_types::{HealthResponse, ReadinessCheck, ReadinessResponse};
use solidarites_migration::SCHEMA_VERSION;

use crate::{state::AppState, storage};

/// Liveness: the process answers. It does not touch the database, so that a database
/// outage does not get healthy instances restarted; readiness is `GET /api/v1/ready`.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, description = "The server process is up", body = HealthResponse)))]
#[route("/health", method = "GET", method = "HEAD")]
#[tracing::instrument(skip_all)]
pub async fn get_health(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(HealthResponse {
            status: "ok".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_version: SCHEMA_VERSION.to_owned(),
            database: storage::backend_name(&state.db).to_owned(),
            communes: state.territory.current().index.len(),
        })
}

/// Readiness: the database answers, its schema is the one this program expects, and a
/// territory is loaded. 503 with the failing checks otherwise (e.g. for a load balancer).
#[utoipa::path(get, path = "/api/v1/ready", tag = "system",
    responses(
        (status = 200, description = "This instance can serve", body = ReadinessResponse),
        (status = 503, description = "Not ready: see the failing checks", body = ReadinessResponse)))]
#[route("/ready", method = "GET", method = "HEAD")]
#[tracing::instrument(skip_all)]
pub async fn get_ready(state: web::Data<AppState>) -> HttpResponse {
    let mut checks = Vec::with_capacity(3);
    let mut database_schema = None;
    match state.db.ping().await {
        Ok(()) => {
            checks.push(check(
                "database",
                true,
                "la base de données répond".to_owned(),
            ));
            let last = state
                .db
                .query_one_raw(Statement::from_string(
                    state.db.get_database_backend(),
                    "SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1",
                ))
                .await
                .ok()
                .flatten()
                .and_then(|row| row.try_get_by_index::<String>(0).ok());
            let (ok, detail) = match last.as_deref() {
                Some(SCHEMA_VERSION) => (true, format!("schéma {SCHEMA_VERSION}")),
                Some(other) if other > SCHEMA_VERSION => (
                    false,
                    format!(
                        "la base est au schéma {other}, plus récent que celui de ce programme \
                         ({SCHEMA_VERSION}) : mettez ce serveur à jour"
                    ),
                ),
                Some(other) => (
                    false,
                    format!("la base est au schéma {other}, migrations en attente vers {SCHEMA_VERSION}"),
                ),
                None => (false, "aucune migration appliquée".to_owned()),
            };
            database_schema = last;
            checks.push(check("migrations", ok, detail));
        }
        Err(err) => {
            tracing::warn!(error = %err, "readiness: the database does not answer");
            checks.push(check(
                "database",
                false,
                "la base de données ne répond pas".to_owned(),
            ));
            checks.push(check("migrations", false, "non vérifiées".to_owned()));
        }
    }
    let communes = state.territory.current().index.len();
    checks.push(if communes > 0 {
        check("territory", true, format!("{communes} communes chargées"))
    } else {
        check(
            "territory",
            false,
            "aucune commune : importez le territoire (solidarites communes import)".to_owned(),
        )
    });
    let ready = checks.iter().all(|c| c.ok);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    HttpResponse::build(status)
        .insert_header(("Cache-Control", "no-store"))
        .json(ReadinessResponse {
            ready,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            schema_version: SCHEMA_VERSION.to_owned(),
            database_schema,
            checks,
        })
}

fn check(name: &str, ok: bool, detail: String) -> ReadinessCheck {
    ReadinessCheck {
        name: name.to_owned(),
        ok,
        detail,
    }
}
