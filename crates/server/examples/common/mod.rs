//! What the load examples share: latency percentiles and a phase's summary line.
//! (`examples/common/` is not an example itself: cargo only takes `main.rs` from a folder.)

// Each example uses part of this module.
#![allow(dead_code)]

use std::time::Duration;

/// The `p` quantile (0–1) of `sorted` latencies, nearest rank; zero when empty.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// [`percentile`] in milliseconds.
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    percentile(sorted, p).as_secs_f64() * 1000.0
}

/// One phase of a load run: how many requests succeeded, in how long, and their
/// latencies (sorted before [`Phase::print`]).
pub struct Phase {
    pub name: &'static str,
    pub ok: usize,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
}

impl Phase {
    /// Successful requests per second.
    pub fn rate(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let ok = self.ok as f64;
        ok / self.elapsed.as_secs_f64()
    }

    /// One line: count, duration, rate, p50 and p99.
    pub fn print(&self) {
        #[allow(clippy::cast_precision_loss)]
        let rate = self.ok as f64 / self.elapsed.as_secs_f64();
        #[allow(clippy::print_stdout, reason = "the example's report")]
        {
            println!(
                "  {:<32} {:>6} ok in {:>6.2} s: {:>7.0} req/s, p50 {:>6.2} ms, p99 {:>6.2} ms",
                self.name,
                self.ok,
                self.elapsed.as_secs_f64(),
                rate,
                percentile_ms(&self.latencies, 0.50),
                percentile_ms(&self.latencies, 0.99),
            );
        }
    }
}

/// When `TEST_DATABASE_URL` names a PostgreSQL server, runs `bench` on the URL of a scratch
/// database created there, and drops it afterwards (also when `bench` failed).
pub async fn on_scratch_postgres<F, Fut>(bench: F) -> anyhow::Result<()>
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    use sea_orm::ConnectionTrait;

    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        return Ok(());
    };
    if !admin_url.starts_with("postgres") {
        return Ok(());
    }
    let name = format!("sol_bench_{}", uuid::Uuid::new_v4().simple());
    let admin = solidarites_server::storage::connect(&admin_url).await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    let (base, _) = admin_url.rsplit_once('/').unwrap_or((&admin_url, ""));
    let result = bench(format!("{base}/{name}")).await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await?;
    result
}

/// Sends `count` requests with `concurrency` workers until `cap` has passed: request `i`
/// is built by `request(client, i)`; each must succeed. The latencies come back sorted.
pub async fn run_phase<F>(
    name: &'static str,
    count: usize,
    concurrency: usize,
    cap: Duration,
    request: F,
) -> Phase
where
    F: Fn(&reqwest::Client, usize) -> reqwest::RequestBuilder + Clone + Send + 'static,
{
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };
    use std::time::Instant;

    let client = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + cap;
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, next, request) = (client.clone(), next.clone(), request.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count || Instant::now() > deadline {
                    return latencies;
                }
                let t = Instant::now();
                let res = request(&client, i).send().await.expect("request");
                let status = res.status();
                let text = res.text().await.expect("body");
                assert!(status.is_success(), "{name} #{i}: {status} {text}");
                latencies.push(t.elapsed());
            }
        }));
    }
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await.expect("worker"));
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    Phase {
        name,
        ok: latencies.len(),
        elapsed,
        latencies,
    }
}
