//! Prometheus metrics at `/metrics` (OpenMetrics text, `prometheus-client`).
//!
//! What is measured: requests by method, route pattern (never the path itself: it may hold
//! an edit token) and status, with their latency; answers stored; the size and time of the
//! answer writer's transactions; the duration of full results passes; SQLite's write-ahead
//! log checkpoints (how many, and the log's length at the last); and, read when
//! scraped, the moderation queues, the e-mail outbox's backlog, the database pool and the version. Never a client address, a query string or anything a person typed.
//!
//! Only clients whose address is in `--metrics-allow` (loopback by default) may read it.
//! The address is the peer's; behind a reverse proxy (`--trust-proxy`) the forwarded one,
//! and without `--trust-proxy` a request that carries forwarding headers is refused, since
//! it came through a proxy from an address nobody vouched for.

use std::{net::IpAddr, sync::LazyLock, time::Duration};

use actix_web::{http::header, HttpRequest};
use prometheus_client::{
    encoding::{text::encode, EncodeLabelSet},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{exponential_buckets, Histogram},
    },
    registry::Registry,
};

use crate::{state::AppState, storage};

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    queue: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
    schema: String,
}

fn latency_histogram() -> Histogram {
    // 0.5 ms … ~16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

fn batch_rows_histogram() -> Histogram {
    // 1 … 256 answers (the writer's largest batch).
    Histogram::new(exponential_buckets(1.0, 2.0, 9))
}

fn batch_duration_histogram() -> Histogram {
    // 0.1 ms … ~0.8 s.
    Histogram::new(exponential_buckets(0.0001, 2.0, 14))
}

fn pass_histogram() -> Histogram {
    // 10 ms … ~160 s.
    Histogram::new(exponential_buckets(0.01, 2.0, 15))
}

/// The process's metrics. One set per process: several test applications in one process
/// share it, as they share the process.
#[derive(Debug)]
struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    answers: Counter,
    batch_rows: Histogram,
    batch_duration: Histogram,
    results_pass: Histogram,
    queues: Family<QueueLabels, Gauge>,
    pool: Family<PoolLabels, Gauge>,
    outbox_backlog: Gauge,
    checkpoints: Counter,
    wal_frames: Gauge,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("solidarites");
    let requests = Family::<RequestLabels, Counter>::default();
    registry.register(
        "http_requests",
        "HTTP requests answered, by method, route pattern and status",
        requests.clone(),
    );
    let latency =
        Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> _);
    registry.register(
        "http_request_duration_seconds",
        "Time to answer HTTP requests, by method and route pattern",
        latency.clone(),
    );
    let answers = Counter::default();
    registry.register(
        "answers_stored",
        "Questionnaire answers stored (replays of an Idempotency-Key not counted)",
        answers.clone(),
    );
    let batch_rows = batch_rows_histogram();
    registry.register(
        "answer_batch_rows",
        "Answers in each transaction of the answer writer (group commit)",
        batch_rows.clone(),
    );
    let batch_duration = batch_duration_histogram();
    registry.register(
        "answer_batch_duration_seconds",
        "Time of each transaction of the answer writer, from its start to its commit",
        batch_duration.clone(),
    );
    let results_pass = pass_histogram();
    registry.register(
        "results_pass_duration_seconds",
        "Full passes over a campaign's stored answers to build its results",
        results_pass.clone(),
    );
    let queues = Family::<QueueLabels, Gauge>::default();
    registry.register(
        "moderation_queue_length",
        "Items waiting for moderation, by queue",
        queues.clone(),
    );
    let outbox_backlog = Gauge::default();
    registry.register(
        "outbox_backlog",
        "E-mails waiting in the outbox (not sent yet, retries included)",
        outbox_backlog.clone(),
    );
    let pool = Family::<PoolLabels, Gauge>::default();
    registry.register(
        "database_pool_connections",
        "Database connections of this instance's pool, idle or in use",
        pool.clone(),
    );
    let checkpoints = Counter::default();
    registry.register(
        "sqlite_wal_checkpoints",
        "Checkpoints of SQLite's write-ahead log made by the server",
        checkpoints.clone(),
    );
    let wal_frames = Gauge::default();
    registry.register(
        "sqlite_wal_frames",
        "Frames (pages) in SQLite's write-ahead log at the last checkpoint",
        wal_frames.clone(),
    );
    let build = Family::<BuildLabels, Gauge>::default();
    build
        .get_or_create(&BuildLabels {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            schema: solidarites_migration::SCHEMA_VERSION.to_owned(),
        })
        .set(1);
    registry.register(
        "build_info",
        "The program's version and database schema",
        build,
    );
    Metrics {
        registry,
        requests,
        latency,
        answers,
        batch_rows,
        batch_duration,
        results_pass,
        queues,
        pool,
        outbox_backlog,
        checkpoints,
        wal_frames,
    }
});

/// Counts one answered request (`route` is the matched pattern, `(unmatched)` otherwise).
pub fn observe_request(method: &str, route: &str, status: u16, elapsed: Duration) {
    let metrics = &*METRICS;
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method: method.to_owned(),
            route: route.to_owned(),
            status: status.to_string(),
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels {
            method: method.to_owned(),
            route: route.to_owned(),
        })
        .observe(elapsed.as_secs_f64());
}

/// Counts one newly stored answer.
pub fn answer_stored() {
    METRICS.answers.inc();
}

/// Records one transaction of the answer writer: its answers and its time.
pub fn answer_batch(rows: usize, elapsed: Duration) {
    let metrics = &*METRICS;
    metrics
        .batch_rows
        .observe(f64::from(u32::try_from(rows).unwrap_or(u32::MAX)));
    metrics.batch_duration.observe(elapsed.as_secs_f64());
}

/// Records one checkpoint of SQLite's write-ahead log, which held `frames` frames.
pub fn wal_checkpoint(frames: i64) {
    let metrics = &*METRICS;
    metrics.checkpoints.inc();
    metrics.wal_frames.set(frames);
}

/// Records the duration of one full results pass.
pub fn results_pass(elapsed: Duration) {
    METRICS.results_pass.observe(elapsed.as_secs_f64());
}

/// The metrics as OpenMetrics text, with the values read at scrape time brought up to date
/// first (moderation queues, database pool).
pub async fn render(state: &AppState) -> Result<String, std::fmt::Error> {
    let metrics = &*METRICS;
    match storage::moderation::counts(&state.db).await {
        Ok(counts) => {
            for (queue, value) in [
                ("initiative", counts.initiatives),
                ("initiative_revision", counts.revisions),
                ("actor", counts.actors),
                ("proposal", counts.proposals),
            ] {
                metrics
                    .queues
                    .get_or_create(&QueueLabels {
                        queue: queue.to_owned(),
                    })
                    .set(i64::try_from(value).unwrap_or(i64::MAX));
            }
        }
        Err(err) => tracing::warn!(error = %err, "metrics: cannot count the moderation queues"),
    }
    match storage::outbox::backlog(&state.db).await {
        Ok(waiting) => {
            metrics
                .outbox_backlog
                .set(i64::try_from(waiting).unwrap_or(i64::MAX));
        }
        Err(err) => tracing::warn!(error = %err, "metrics: cannot count the outbox"),
    }
    let (size, idle) = storage::pool_usage(&state.db);
    for (pool_state, value) in [("idle", idle), ("in_use", size.saturating_sub(idle))] {
        metrics
            .pool
            .get_or_create(&PoolLabels {
                state: pool_state.to_owned(),
            })
            .set(i64::from(value));
    }
    let mut text = String::new();
    encode(&mut text, &metrics.registry)?;
    Ok(text)
}

/// Whether this request may read the metrics (see the module's documentation).
pub fn allowed(req: &HttpRequest, state: &AppState) -> bool {
    let forwarded = req.headers().contains_key(header::FORWARDED)
        || req.headers().contains_key("x-forwarded-for");
    let client: Option<IpAddr> = if forwarded && !state.settings.trust_proxy {
        None
    } else {
        Some(crate::routes::auth::client_ip(
            req,
            state.settings.trust_proxy,
        ))
        .filter(|ip| !ip.is_unspecified())
    };
    client.is_some_and(|ip| {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        state
            .settings
            .metrics_allow
            .iter()
            .any(|net| net.contains(&ip))
    })
}
