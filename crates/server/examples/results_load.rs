//! Benchmark of `GET /api/v1/admin/campaigns/{id}/results` on a campaign with a million
//! answers over the real Landes communes, and of the full recomputation.
//!
//! Fills a fresh SQLite file (and, when `TEST_DATABASE_URL` names a PostgreSQL server, a
//! fresh PostgreSQL database) with `answers` generated answers (fixed-seed ChaCha8,
//! communes drawn by population, varied conditional paths) by bulk insert, imports the
//! Landes cantons and arrondissements, starts the real application on 127.0.0.1:0 and
//! measures, over HTTP with a signed-in staff member:
//!
//! * the first request (no checkpoint yet: the dataset is rebuilt from every stored
//!   answer's JSON, then its checkpoint chunks are stored);
//! * the first request of an instance started afterwards on the same database (a restart:
//!   the checkpoint chunks, then the JSON of the answers after them), and of one started
//!   with `results_checkpoint_rows = 0` (every answer's JSON, as before checkpoints);
//! * `requests` requests per level with nothing new (the protected tables are reused);
//! * `requests` requests each preceded by one new stored answer (read incrementally, then
//!   every level aggregated and protected again);
//!
//! * the dashboard's requests, one question at a time (`question=`), gzipped as a browser
//!   receives them, against the ceiling of 200 KiB per answer;
//!
//! and, in process, the full recomputation alone (`results::rebuild` from the JSON, and
//! from the checkpoints once stored). Bounded: at most
//! `requests` requests per phase and 120 s per phase.
//!
//! With `keep=PATH`, the SQLite database is written to PATH and kept (for the export
//! memory measurement, `export_memory`).
//!
//! ```sh
//! cargo run --release -p solidarites-server --example results_load -- \
//!     [answers=1000000] [requests=200] [keep=/tmp/results.db]
//! ```
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::{
    path::PathBuf,
    sync::LazyLock,
    time::{Duration, Instant},
};

use chrono::Utc;
use rand::{distributions::WeightedIndex, prelude::Distribution, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use solidarites_domain::{AnswerValue, Commune, InseeCode, ValidatedAnswers};
use solidarites_server::{
    auth::{self, Role},
    results,
    startup::Application,
    storage::{self, questionnaires::GeneratedResponse, users::NewUser},
    territory::LoadedTerritory,
};

const PHASE_CAP: Duration = Duration::from_secs(120);
/// The themes the generated answers name.
static THEMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| common::theme_slugs(8));

/// A valid stored answer set (the JSON of `ValidatedAnswers`).
fn answers_json(rng: &mut ChaCha8Rng, commune: &InseeCode) -> String {
    let mut a = std::collections::BTreeMap::new();
    let difficulties = rng.gen_bool(0.6);
    a.insert("difficultes".to_owned(), AnswerValue::YesNo(difficulties));
    if difficulties {
        let mut chosen: Vec<String> = THEMES
            .iter()
            .filter(|_| rng.gen_bool(0.3))
            .map(|t| (*t).to_owned())
            .collect();
        if chosen.is_empty() {
            chosen.push(THEMES[rng.gen_range(0..THEMES.len())].to_owned());
        }
        for t in &chosen {
            a.insert(
                format!("gravite_{}", t.replace('-', "_")),
                AnswerValue::Scale(rng.gen_range(1..=4)),
            );
        }
        a.insert(
            "domaines".to_owned(),
            AnswerValue::Choices {
                values: chosen,
                other: None,
            },
        );
    }
    let helped = rng.gen_bool(0.5);
    a.insert("aide".to_owned(), AnswerValue::YesNo(helped));
    if helped {
        a.insert(
            "aide_par".to_owned(),
            AnswerValue::Choices {
                values: vec!["famille".to_owned(), "voisins".to_owned()],
                other: None,
            },
        );
    }
    let (role, age, menage) = common::random_profile(rng);
    a.insert("role".to_owned(), AnswerValue::Choice(role.to_owned()));
    a.insert(
        "tranche_age".to_owned(),
        AnswerValue::Choice(age.to_owned()),
    );
    a.insert("menage".to_owned(), AnswerValue::Choice(menage.to_owned()));
    a.insert("commune".to_owned(), AnswerValue::Commune(commune.clone()));
    serde_json::to_string(&ValidatedAnswers(a)).unwrap()
}

struct Generator {
    rng: ChaCha8Rng,
    communes: Vec<InseeCode>,
    weights: WeightedIndex<u64>,
}

impl Generator {
    fn new(communes: &[Commune]) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(2026),
            communes: communes.iter().map(|c| c.code.clone()).collect(),
            weights: WeightedIndex::new(
                communes
                    .iter()
                    .map(|c| u64::from(c.population.unwrap_or(100).max(1))),
            )
            .unwrap(),
        }
    }

    fn row(&mut self, seq: i64) -> GeneratedResponse {
        let commune = self.communes[self.weights.sample(&mut self.rng)].clone();
        let channel = if self.rng.gen_bool(0.85) {
            "web"
        } else {
            ["telephone", "papier", "accueil"][self.rng.gen_range(0..3)]
        };
        GeneratedResponse {
            seq,
            commune_code: commune.as_str().to_owned(),
            channel: channel.to_owned(),
            answers: answers_json(&mut self.rng, &commune),
            submitted_on: Utc::now().date_naive(),
        }
    }
}

async fn insert_rows(
    db: &sea_orm::DatabaseConnection,
    generator: &mut Generator,
    campaign: &storage::Campaign,
    from_seq: i64,
    count: i64,
) {
    let txn = storage::begin_write(db).await.unwrap();
    let mut seq = from_seq;
    while seq < from_seq + count {
        let end = (seq + 1000).min(from_seq + count);
        let rows = (seq..end).map(|s| generator.row(s)).collect();
        storage::questionnaires::insert_generated(&txn, campaign, rows)
            .await
            .unwrap();
        seq = end;
    }
    txn.commit().await.unwrap();
}

/// A client signed in as the benchmark's analyst on the instance at `port`, and the API's
/// base URL.
async fn signed_in_analyst(port: u16, password: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let login = client
        .post(format!("{base}/auth/login"))
        .json(&serde_json::json!({"email": "analyste@bench.example.org", "password": password}))
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success());
    (client, base)
}

async fn get(client: &reqwest::Client, url: &str) -> (Duration, usize) {
    let t = Instant::now();
    let res = client.get(url).send().await.expect("request");
    let status = res.status();
    let body = res.bytes().await.expect("body");
    assert!(status.is_success(), "{url}: {status}");
    (t.elapsed(), body.len())
}

async fn bench(label: &str, url: &str, answers: i64, requests: usize) {
    println!("\n== {label}: {answers} answers ==");
    let (communes, landes) = common::territory().unwrap();
    let source = if landes { "Landes" } else { "demo" };
    println!("territory: {source}, {} communes", communes.len());
    let db = common::prepare_database(url, &communes).await.unwrap();
    for (level, file) in [
        ("canton", "cantons-40-landes.geojson"),
        ("arrondissement", "arrondissements-40-landes.geojson"),
    ] {
        if let (Some(path), true) = (common::shared_data(file), landes) {
            let out = solidarites_server::results_import::import_zones(url, level, &path)
                .await
                .unwrap();
            println!("{}", out.lines().last().unwrap_or_default());
        }
    }
    storage::themes::seed_defaults(&db).await.unwrap();
    storage::questionnaires::seed_default(&db).await.unwrap();
    let version = storage::questionnaires::list(&db).await.unwrap()[0]
        .latest()
        .unwrap()
        .id
        .clone();
    let campaign = storage::questionnaires::create_campaign(
        &db,
        common::open_campaign("Banc d'essai".to_owned(), version, 30),
        &common::bench_admin(),
    )
    .await
    .unwrap();

    let mut generator = Generator::new(&communes);
    let t = Instant::now();
    let mut inserted = 0;
    while inserted < answers {
        let n = (answers - inserted).min(50_000);
        insert_rows(&db, &mut generator, &campaign, inserted + 1, n).await;
        inserted += n;
    }
    println!(
        "bulk insert: {answers} answers in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // The full recomputation alone, in process.
    let territory = LoadedTerritory::new(
        storage::communes::revision(&db).await.unwrap(),
        communes.clone(),
    )
    .unwrap();
    let mut rebuilds = Vec::new();
    let mut heap = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let data = results::rebuild(&db, &territory, &campaign, 0)
            .await
            .unwrap();
        rebuilds.push(t.elapsed());
        heap = data.dataset.heap_bytes();
        assert_eq!(data.dataset.len(), usize::try_from(answers).unwrap());
    }
    rebuilds.sort_unstable();
    println!(
        "full recomputation (read every answer, build the dataset): median {:.0} ms (runs: {:?}); dataset {:.1} MiB",
        common::percentile_ms(&rebuilds, 0.5),
        rebuilds.iter().map(|d| d.as_millis()).collect::<Vec<_>>(),
        heap as f64 / 1_048_576.0
    );

    let port = common::serve(Application::build(common::settings(url)).await.unwrap());
    let password = "banc-d-essai-1234".to_owned();
    storage::users::create(
        &db,
        NewUser {
            email: "analyste@bench.example.org".to_owned(),
            display_name: "Analyste".to_owned(),
            role: Role::Analyst,
            password_hash: auth::hash_password(password.clone()).await.unwrap(),
        },
        None,
        "bench.user.create",
    )
    .await
    .unwrap();
    let (client, base) = signed_in_analyst(port, &password).await;
    let results_url =
        |query: &str| format!("{base}/admin/campaigns/{}/results?{query}", campaign.id);

    let (cold, size) = get(&client, &results_url("level=commune")).await;
    println!(
        "first request (rebuild from every answer's JSON + aggregate + secrecy), level=commune: {:.0} ms, {} KiB",
        cold.as_secs_f64() * 1000.0,
        size / 1024
    );
    restarts(&db, url, &territory, &campaign, &password, answers).await;

    println!("| scenario | requests | p50 (ms) | p99 (ms) | max (ms) | body (KiB) |");
    println!("|---|---|---|---|---|---|");
    let report = |name: &str, mut lat: Vec<Duration>, size: usize| {
        lat.sort_unstable();
        println!(
            "| {name} | {} | {:.2} | {:.2} | {:.2} | {} |",
            lat.len(),
            common::percentile_ms(&lat, 0.5),
            common::percentile_ms(&lat, 0.99),
            common::percentile_ms(&lat, 1.0),
            size / 1024
        );
    };
    for query in [
        "level=commune",
        "level=canton",
        "level=territory",
        "level=commune&age=75_et_plus&channel=web",
    ] {
        let started = Instant::now();
        let mut lat = Vec::new();
        let mut size = 0;
        for _ in 0..requests {
            if started.elapsed() > PHASE_CAP {
                break;
            }
            let (d, s) = get(&client, &results_url(query)).await;
            lat.push(d);
            size = s;
        }
        report(&format!("unchanged, {query}"), lat, size);
    }
    for query in ["level=commune", "level=territory"] {
        let started = Instant::now();
        let mut lat = Vec::new();
        let mut size = 0;
        let mut next_seq = storage::answers::last_seq(&db, &campaign.id).await.unwrap() + 1;
        for _ in 0..requests {
            if started.elapsed() > PHASE_CAP {
                break;
            }
            insert_rows(&db, &mut generator, &campaign, next_seq, 1).await;
            next_seq += 1;
            let (d, s) = get(&client, &results_url(query)).await;
            lat.push(d);
            size = s;
        }
        report(&format!("one new answer before each, {query}"), lat, size);
    }
    // The dashboard's requests: one question at a time (`question=`), as the browser
    // receives them (gzip), against the ceiling of 200 KiB per answer.
    let response = client.get(results_url("level=territory")).send().await;
    let schema: serde_json::Value = response.unwrap().json().await.unwrap();
    let questions: Vec<String> = schema["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap().to_owned())
        .collect();
    let gzipped = |url: String| {
        let client = client.clone();
        async move {
            let t = Instant::now();
            let res = client
                .get(&url)
                .header("Accept-Encoding", "gzip")
                .send()
                .await
                .expect("request");
            assert!(res.status().is_success(), "{url}");
            let body = res.bytes().await.expect("body");
            (t.elapsed(), body.len())
        }
    };
    let (_, whole) = gzipped(results_url("level=commune")).await;
    for filter in ["", "&age=75_et_plus&channel=web"] {
        let mut lat = Vec::new();
        let mut largest = 0;
        for question in &questions {
            let (d, size) = gzipped(results_url(&format!(
                "level=commune&question={question}{filter}"
            )))
            .await;
            lat.push(d);
            largest = largest.max(size);
        }
        lat.sort_unstable();
        println!(
            "dashboard, one question{filter} at commune level ({} questions): p50 {:.2} ms, max {:.2} ms; largest body {:.1} KiB gzipped (whole table: {:.1} KiB gzipped); ceiling 200 KiB: {}",
            lat.len(),
            common::percentile_ms(&lat, 0.5),
            common::percentile_ms(&lat, 1.0),
            largest as f64 / 1024.0,
            whole as f64 / 1024.0,
            if largest <= 200 * 1024 { "met" } else { "NOT met" }
        );
    }

    // Freshness: how long after an answer is stored the results include it (results are
    // served from the last pass while the next one runs in the background).
    let mut lags = Vec::new();
    let mut next_seq = storage::answers::last_seq(&db, &campaign.id).await.unwrap() + 1;
    for _ in 0..20 {
        insert_rows(&db, &mut generator, &campaign, next_seq, 1).await;
        let t = Instant::now();
        loop {
            let res = client
                .get(results_url("level=territory"))
                .send()
                .await
                .unwrap();
            let body: serde_json::Value = res.json().await.unwrap();
            if body["total"]["respondents"]["count"] == next_seq {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "answer {next_seq} never showed"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        lags.push(t.elapsed());
        next_seq += 1;
    }
    lags.sort_unstable();
    println!(
        "freshness: a new answer is in the results after p50 {:.0} ms, max {:.0} ms (20 answers)",
        common::percentile_ms(&lags, 0.5),
        common::percentile_ms(&lags, 1.0)
    );
    let total = storage::answers::last_seq(&db, &campaign.id).await.unwrap();
    println!("answers at the end: {total}");
    db.close().await.unwrap();
}

/// A new instance on `url` (a restart), signed in as the analyst: its first request at
/// commune level, timed from the start of `Application::build`.
async fn first_request_after_start(
    url: &str,
    checkpoint_rows: usize,
    campaign: &storage::Campaign,
    password: &str,
) -> (Duration, Duration) {
    let started = Instant::now();
    let mut settings = common::settings(url);
    settings.results_checkpoint_rows = checkpoint_rows;
    let app = Application::build(settings).await.unwrap();
    let port = app.port();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    let (client, base) = signed_in_analyst(port, password).await;
    let (first, _) = get(
        &client,
        &format!(
            "{base}/admin/campaigns/{}/results?level=commune",
            campaign.id
        ),
    )
    .await;
    let since_start = started.elapsed();
    handle.stop(true).await;
    (first, since_start)
}

/// Restarts on the database of `answers` answers: once the first instance has stored its
/// checkpoints, the first request of a new instance with them and of one without (every
/// answer's JSON, as before), and the in-process rebuild from the checkpoints.
async fn restarts(
    db: &sea_orm::DatabaseConnection,
    url: &str,
    territory: &LoadedTerritory,
    campaign: &storage::Campaign,
    password: &str,
    answers: i64,
) {
    let rows = i64::try_from(results::DEFAULT_CHECKPOINT_ROWS).unwrap();
    let expected = answers / rows * rows;
    let t = Instant::now();
    while storage::results_checkpoints::stored_rows(db, &campaign.id)
        .await
        .unwrap()
        < expected
    {
        assert!(t.elapsed() < PHASE_CAP, "checkpoints not stored");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "checkpoints stored: {expected} rows in chunks of {rows}, {:.1} s after the first request",
        t.elapsed().as_secs_f64()
    );
    let mut from_checkpoints = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let data = results::rebuild(db, territory, campaign, results::DEFAULT_CHECKPOINT_ROWS)
            .await
            .unwrap();
        from_checkpoints.push(t.elapsed());
        assert_eq!(data.dataset.len(), usize::try_from(answers).unwrap());
    }
    from_checkpoints.sort_unstable();
    println!(
        "rebuild from the checkpoints (+ JSON of the last {} answers): median {:.0} ms (runs: {:?})",
        answers - expected,
        common::percentile_ms(&from_checkpoints, 0.5),
        from_checkpoints.iter().map(|d| d.as_millis()).collect::<Vec<_>>(),
    );
    for (label, checkpoint_rows) in [
        ("with checkpoints", results::DEFAULT_CHECKPOINT_ROWS),
        ("without checkpoints (every answer's JSON)", 0),
        ("with checkpoints, again", results::DEFAULT_CHECKPOINT_ROWS),
    ] {
        let (first, since_start) =
            first_request_after_start(url, checkpoint_rows, campaign, password).await;
        println!(
            "restart {label}: first request, level=commune: {:.0} ms ({:.0} ms from the start of Application::build; ceiling 3,000 ms)",
            first.as_secs_f64() * 1000.0,
            since_start.as_secs_f64() * 1000.0
        );
    }
}

#[tokio::main]
async fn main() {
    let mut answers: i64 = 1_000_000;
    let mut requests: usize = 200;
    let mut keep: Option<PathBuf> = None;
    for arg in std::env::args().skip(1) {
        if let Some(v) = arg.strip_prefix("answers=") {
            answers = v.parse().expect("answers=N");
        } else if let Some(v) = arg.strip_prefix("requests=") {
            requests = v.parse().expect("requests=N");
        } else if let Some(v) = arg.strip_prefix("keep=") {
            keep = Some(PathBuf::from(v));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = keep.unwrap_or_else(|| dir.path().join("results.db"));
    let _ = std::fs::remove_file(&path);
    bench(
        "SQLite (WAL)",
        &format!("sqlite://{}", path.display()),
        answers,
        requests,
    )
    .await;
    common::on_scratch_postgres(|url| async move {
        bench("PostgreSQL", &url, answers, requests).await;
        Ok(())
    })
    .await
    .expect("a scratch PostgreSQL database for the benchmark");
}
