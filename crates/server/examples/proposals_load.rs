//! Load benchmark of the public lists: proposals (with support counts, timelines and
//! the measured needs of each proposal's themes) and initiatives, and anonymous supports.
//!
//! Starts the real application on 127.0.0.1:0 over a fresh SQLite file and, when
//! `TEST_DATABASE_URL` names a PostgreSQL server, over a fresh PostgreSQL database too.
//! Stores `answers` anonymous answers of one campaign (inserted in batches: this measures
//! reading them, not submitting them), 200 published proposals with 20 supports each and
//! `initiatives` published initiatives, then:
//!
//! 1. times one aggregation pass of the needs over all the answers (what the first list
//!    request after a new answer pays);
//! 2. sends `requests` `GET /api/v1/health`: the ceiling of the HTTP stack in this run;
//! 3. sends `requests` `GET /api/v1/proposals?per_page=20` (newest, then most supported,
//!    then with a distinct ignored parameter each time: the database path, as before the
//!    pages were kept) and `GET /api/v1/initiatives?per_page=20` with a fixed concurrency,
//!    and prints each one's ratio to the ceiling and whether the goal (≥ 5,000 req/s) holds;
//! 4. sends `requests` supports from distinct device tokens.
//!
//! ```sh
//! cargo run --release -p solidarites-server --example proposals_load -- \
//!     [answers=50000] [requests=2000] [concurrency=8] [initiatives=2000]
//! ```
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used)]

mod common;
use common::Phase;

use std::{
    sync::{Arc, LazyLock},
    time::{Duration, Instant},
};

use chrono::Utc;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use solidarites_api_types::CreateProposalRequest;
use solidarites_domain::{demo::demo_communes, CommuneIndex};
use solidarites_server::{
    startup::Application,
    storage::{self, moderation::Decision, questionnaires::GeneratedResponse},
    submission::ParseContext,
};

const TIME_CAP: Duration = Duration::from_secs(60);
const PROPOSALS: usize = 200;
const SUPPORTS_EACH: usize = 20;
/// The themes of the generated answers, proposals and initiatives.
static THEMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| common::theme_slugs(7));

/// A stored answer (the JSON of `ValidatedAnswers`), as the server writes it.
fn stored_answer(rng: &mut ChaCha8Rng, commune: &str) -> String {
    let mut a = json!({
        "aide": {"type": "yes_no", "value": rng.gen_bool(0.5)},
        "role": {"type": "choice", "value": "non"},
        "tranche_age": {"type": "choice", "value": "40_59"},
        "menage": {"type": "choice", "value": "seul"},
        "propositions": {"type": "text", "value": "Organiser des visites aux personnes seules pendant l'hiver."},
        "commune": {"type": "commune", "value": commune},
    });
    let difficulties = rng.gen_bool(0.65);
    a["difficultes"] = json!({"type": "yes_no", "value": difficulties});
    if difficulties {
        let first = THEMES[rng.gen_range(0..THEMES.len())];
        let second = THEMES[rng.gen_range(0..THEMES.len())];
        let mut values = vec![first];
        if second != first {
            values.push(second);
        }
        a["domaines"] = json!({"type": "choices", "value": {"values": values, "other": null}});
    }
    a.to_string()
}

/// The goal of issue 17, point 4, for a list of 20 items.
const GOAL_PER_SECOND: f64 = 5_000.0;

/// A list phase against the ceiling of the same run, and the goal.
fn print_goal(phase: &Phase, ceiling: &Phase) {
    let rate = phase.rate();
    println!(
        "    {}: {:.0} req/s = {:.1} % of the health ceiling ({:.0} req/s); goal ≥ {:.0} req/s: {}",
        phase.name,
        rate,
        100.0 * rate / ceiling.rate(),
        ceiling.rate(),
        GOAL_PER_SECOND,
        if rate >= GOAL_PER_SECOND {
            "met"
        } else {
            "not met"
        }
    );
}

/// GETs `urls[i % len]` (or POSTs a support there with token `i` when `support`).
async fn run_phase(
    name: &'static str,
    urls: Vec<String>,
    support: bool,
    count: usize,
    concurrency: usize,
) -> Phase {
    let urls = Arc::new(urls);
    common::run_phase(name, count, concurrency, TIME_CAP, move |client, i| {
        let url = &urls[i % urls.len()];
        if support {
            client
                .post(url)
                .header("X-Device-Token", format!("bench-device-{i:08}"))
        } else {
            client.get(url)
        }
    })
    .await
}

async fn bench(
    label: &str,
    url: &str,
    answers: usize,
    requests: usize,
    concurrency: usize,
    initiatives: usize,
) -> anyhow::Result<()> {
    let communes = demo_communes();
    let db = common::prepare_database(url, &communes).await?;
    let mut settings = common::settings(url);
    // One client address sends everything here.
    settings.proposal_burst_per_ip = u32::MAX;
    let port = common::serve(Application::build(settings).await?);

    // One campaign and its answers.
    let version = storage::questionnaires::list(&db)
        .await?
        .into_iter()
        .next()
        .and_then(|q| q.latest().cloned())
        .expect("default questionnaire");
    let campaign = storage::questionnaires::create_campaign_from_cli(
        &db,
        common::open_campaign("Banc d'essai".to_owned(), version.id.clone(), 1),
    )
    .await?;
    let mut rng = ChaCha8Rng::seed_from_u64(0x0090_5A15);
    let codes: Vec<String> = communes
        .iter()
        .map(|c| c.code.as_str().to_owned())
        .collect();
    let today = Utc::now().date_naive();
    let mut batch = Vec::with_capacity(500);
    for (i, seq) in (0..answers).zip(1_i64..) {
        let commune = &codes[rng.gen_range(0..codes.len())];
        batch.push(GeneratedResponse {
            seq,
            commune_code: commune.clone(),
            channel: "web".to_owned(),
            answers: stored_answer(&mut rng, commune),
            submitted_on: today,
        });
        if batch.len() == 500 || i + 1 == answers {
            storage::questionnaires::insert_generated(&db, &campaign, std::mem::take(&mut batch))
                .await?;
        }
    }

    // Published proposals with supports.
    let index = CommuneIndex::new(communes.clone());
    let allowed = storage::themes::active_slugs(&db).await?;
    let ctx = ParseContext {
        communes: &index,
        allowed_themes: &allowed,
    };
    let mut ids = Vec::with_capacity(PROPOSALS);
    for i in 0..PROPOSALS {
        let request = CreateProposalRequest {
            title: Some(format!("Proposition numéro {i}")),
            description: Some("Une action proposée pour le banc d'essai.".to_owned()),
            themes: vec![
                THEMES[i % THEMES.len()].to_owned(),
                THEMES[(i + 3) % THEMES.len()].to_owned(),
            ],
            commune_code: (i % 4 != 0).then(|| codes[i % codes.len()].clone()),
            pseudonym: None,
            notify_email: None,
            notify_consent: false,
        };
        let draft =
            solidarites_domain::drafts::parse_proposal(&request, &ctx).expect("valid proposal");
        let id = storage::proposals::create(&db, &draft).await?;
        storage::moderation::decide(&db, id, &Decision::Approve).await?;
        storage::proposals::add_demo_supports(&db, id, SUPPORTS_EACH).await?;
        ids.push(id);
    }
    if initiatives > 0 {
        let mut rng = ChaCha8Rng::seed_from_u64(0x0049_4E17);
        let drafts = common::random_initiatives(&ctx, &mut rng, initiatives, &THEMES)?;
        common::publish_initiatives(&db, &ctx, &drafts, THEMES[0]).await?;
    }

    println!(
        "{label}: {answers} answers, {PROPOSALS} proposals × {SUPPORTS_EACH} supports, \
         {initiatives} initiatives, {requests} requests per phase, concurrency {concurrency}"
    );
    let base = format!("http://127.0.0.1:{port}/api/v1");
    // Warm the needs cache, as the first request after an answer does.
    let t = Instant::now();
    let first = reqwest::get(format!("{base}/proposals?per_page=20")).await?;
    assert!(first.status().is_success());
    let body: Value = first.json().await?;
    println!(
        "  first list request (computes the needs): {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    assert_eq!(body["total"], PROPOSALS);
    // The needs come from the results' protected tables, over every answer.
    assert_eq!(
        body["items"][0]["needs"]["territory"]["respondents"],
        answers
    );

    let health = run_phase(
        "ceiling: GET /health",
        vec![format!("{base}/health")],
        false,
        requests,
        concurrency,
    )
    .await;
    let newest = run_phase(
        "GET /proposals (newest)",
        vec![format!("{base}/proposals?per_page=20")],
        false,
        requests,
        concurrency,
    )
    .await;
    let most = run_phase(
        "GET /proposals (most_supported)",
        vec![format!("{base}/proposals?per_page=20&sort=most_supported")],
        false,
        requests,
        concurrency,
    )
    .await;
    // The database path in the same run (what every request paid before the pages were
    // kept): a distinct, ignored parameter makes each query string new.
    let uncached = run_phase(
        "GET /proposals (no page kept)",
        (0..requests)
            .map(|i| format!("{base}/proposals?per_page=20&bench={i}"))
            .collect(),
        false,
        requests,
        concurrency,
    )
    .await;
    let listed = run_phase(
        "GET /initiatives",
        vec![format!("{base}/initiatives?per_page=20")],
        false,
        requests,
        concurrency,
    )
    .await;
    let supports = run_phase(
        "POST /proposals/{id}/supports",
        ids.iter()
            .map(|id| format!("{base}/proposals/{id}/supports"))
            .collect(),
        true,
        requests,
        concurrency,
    )
    .await;
    health.print();
    newest.print();
    most.print();
    uncached.print();
    listed.print();
    supports.print();
    for phase in [&newest, &most, &listed] {
        print_goal(phase, &health);
    }
    db.close().await?;
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = common::numeric_args();
    let answers = args.first().copied().unwrap_or(50_000);
    let requests = args.get(1).copied().unwrap_or(2_000);
    let concurrency = args.get(2).copied().unwrap_or(8).max(1);
    let initiatives = args.get(3).copied().unwrap_or(2_000);

    let dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    bench(
        "SQLite (WAL, synchronous=FULL)",
        &sqlite,
        answers,
        requests,
        concurrency,
        initiatives,
    )
    .await?;

    common::on_scratch_postgres(|url| async move {
        bench(
            "PostgreSQL",
            &url,
            answers,
            requests,
            concurrency,
            initiatives,
        )
        .await
    })
    .await?;
    Ok(())
}
