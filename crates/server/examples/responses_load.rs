//! Load benchmark of `POST /api/v1/campaigns/{id}/responses` (anonymous answers to the
//! Landes questionnaire), with `GET /api/v1/health` as the trivial-endpoint ceiling.
//!
//! Starts the real application on 127.0.0.1:0 over a fresh SQLite file (WAL,
//! `synchronous = FULL`: every answer is durable when acknowledged) and, when
//! `TEST_DATABASE_URL` names a PostgreSQL server, over a fresh PostgreSQL database too.
//! Opens one campaign on the default questionnaire, then sends a bounded number of
//! complete answers (varied, each with its own `Idempotency-Key`) with a fixed
//! concurrency and a time cap, and as many health requests just before. Prints answers/s,
//! p50 and p99, the ratio of answers/s to the health ceiling measured in the same run (goal
//! ≥ 25 %, p99 < 50 ms at concurrency 8), the answer writer's transactions during the
//! phase (from `/metrics`: how many, their mean size and time, and the share of the phase
//! the writer was busy), and checks the number of stored rows. Each
//! concurrency given (default 8 then 64) is a run of its own, on a campaign of its own.
//!
//! ```sh
//! cargo run --release -p solidarites-server \
//!     --example responses_load -- [requests=3000] [concurrency=8 64]
//! ```
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used)]

mod common;
use common::Phase;

use std::{
    sync::{Arc, LazyLock},
    time::Duration,
};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use solidarites_domain::demo::demo_communes;
use solidarites_server::{startup::Application, storage};

/// Time cap of each request phase.
const TIME_CAP: Duration = Duration::from_secs(60);

/// The themes the generated answers name.
static THEMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| common::theme_slugs(5));

/// A varied, complete and valid answer.
fn answer(rng: &mut ChaCha8Rng, communes: &[String]) -> Value {
    let commune = &communes[rng.gen_range(0..communes.len())];
    let (role, age, menage) = common::random_profile(rng);
    let mut answers = json!({
        "difficultes": rng.gen_bool(0.7),
        "aide": rng.gen_bool(0.5),
        "role": role,
        "tranche_age": age,
        "menage": menage,
        "propositions": "Organiser des visites aux personnes seules pendant l'hiver.",
        "commune": commune,
    });
    if answers["difficultes"] == true {
        let a = THEMES[rng.gen_range(0..THEMES.len())];
        let b = THEMES[rng.gen_range(0..THEMES.len())];
        let chosen: Vec<&str> = if a == b { vec![a] } else { vec![a, b] };
        for t in &chosen {
            answers[format!("gravite_{}", t.replace('-', "_"))] = json!(rng.gen_range(1..=4));
        }
        answers["domaines"] = json!({"values": chosen, "other": null});
    }
    if answers["aide"] == true {
        answers["aide_par"] = json!(["famille", "voisins"]);
    }
    json!({"answers": answers, "commune": {"code": commune}})
}

/// Sends `bodies` (POST when `Some`) or GETs to `url` with `concurrency` workers.
async fn run_phase(
    name: &'static str,
    url: String,
    bodies: Option<Vec<Value>>,
    count: usize,
    concurrency: usize,
) -> Phase {
    let bodies = Arc::new(bodies);
    common::run_phase(
        name,
        count,
        concurrency,
        TIME_CAP,
        move |client, i| match bodies.as_ref() {
            Some(bodies) => client
                .post(&url)
                .header("Idempotency-Key", format!("bench-{i}"))
                .json(&bodies[i]),
            None => client.get(&url),
        },
    )
    .await
}

/// The answer writer's transactions so far, read from `/metrics`: (transactions, answers,
/// seconds spent in them).
async fn writer_totals(metrics_url: &str) -> (f64, f64, f64) {
    let text = reqwest::get(metrics_url)
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics body");
    let value = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (
        value("solidarites_answer_batch_rows_count"),
        value("solidarites_answer_batch_rows_sum"),
        value("solidarites_answer_batch_duration_seconds_sum"),
    )
}

/// One backend: a fresh database, the real application, then for each concurrency the
/// health ceiling and the answers, one after the other, and their ratio.
async fn bench(
    label: &str,
    url: &str,
    requests: usize,
    concurrencies: &[usize],
) -> anyhow::Result<()> {
    let communes = demo_communes();
    let db = common::prepare_database(url, &communes).await?;
    let codes: Vec<String> = communes
        .iter()
        .map(|c| c.code.as_str().to_owned())
        .collect();

    let mut settings = common::settings(url);
    // One client address sends everything here.
    settings.answer_burst_per_ip = u32::MAX;
    let port = common::serve(Application::build(settings).await?);

    let questionnaire = storage::questionnaires::list(&db)
        .await?
        .into_iter()
        .next()
        .expect("default questionnaire");
    let version = questionnaire.latest().expect("version").id.clone();
    let bench_user = common::bench_admin();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let mut stored_before = 0;
    for &concurrency in concurrencies {
        // A campaign per run: its arrival numbers start at 1.
        let title = format!("Banc d'essai, {concurrency} à la fois");
        let campaign = storage::questionnaires::create_campaign(
            &db,
            common::open_campaign(title, version.clone(), 1),
            &bench_user,
        )
        .await?;
        let mut rng = ChaCha8Rng::seed_from_u64(0x00A2_5E25);
        let bodies: Vec<Value> = (0..requests).map(|_| answer(&mut rng, &codes)).collect();
        println!("{label}: {requests} requests per phase, concurrency {concurrency}");
        let health = run_phase(
            "GET /health",
            format!("{base}/health"),
            None,
            requests,
            concurrency,
        )
        .await;
        let metrics_url = format!("http://127.0.0.1:{port}/metrics");
        let before = writer_totals(&metrics_url).await;
        let answers = run_phase(
            "POST …/responses",
            format!("{base}/campaigns/{}/responses", campaign.id),
            Some(bodies),
            requests,
            concurrency,
        )
        .await;
        let after = writer_totals(&metrics_url).await;
        health.print();
        answers.print();
        let (batches, rows, busy) = (after.0 - before.0, after.1 - before.1, after.2 - before.2);
        if batches > 0.0 {
            println!(
                "  writer: {batches:.0} transactions of {:.1} answers on average, {:.2} ms each, \
                 busy {:.0} % of the phase",
                rows / batches,
                busy / batches * 1000.0,
                busy / answers.elapsed.as_secs_f64() * 100.0,
            );
        }
        let stored = storage::questionnaires::count_responses(&db).await?;
        println!("  stored responses: {}", stored - stored_before);
        assert_eq!(usize::try_from(stored - stored_before)?, answers.ok);
        stored_before = stored;
        let ratio = answers.rate() / health.rate();
        let p99 = common::percentile_ms(&answers.latencies, 0.99);
        println!(
            "  answers/s ÷ health req/s = {:.1} % (goal ≥ 25 %: {}); answers p99 {p99:.1} ms{}",
            ratio * 100.0,
            if ratio >= 0.25 { "met" } else { "NOT met" },
            if concurrency == 8 {
                if p99 < 50.0 {
                    " (goal < 50 ms at concurrency 8: met)"
                } else {
                    " (goal < 50 ms at concurrency 8: NOT met)"
                }
            } else {
                ""
            },
        );
    }
    db.close().await?;
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = common::numeric_args();
    let requests = args.first().copied().unwrap_or(3_000);
    let mut concurrencies: Vec<usize> = args.iter().skip(1).map(|&c| c.max(1)).collect();
    if concurrencies.is_empty() {
        concurrencies = vec![8, 64];
    }

    let dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    bench(
        "SQLite (WAL, synchronous=FULL)",
        &sqlite,
        requests,
        &concurrencies,
    )
    .await?;

    common::on_scratch_postgres(|url| async move {
        bench("PostgreSQL", &url, requests, &concurrencies).await
    })
    .await?;
    Ok(())
}
