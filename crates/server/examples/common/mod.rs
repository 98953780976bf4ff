//! What the load examples share: their arguments, territory, database and application
//! set-up, generated initiatives, latency percentiles and a phase's summary line.
//! (`examples/common/` is not an example itself: cargo only takes `main.rs` from a folder.)

// Each example uses part of this module.
#![allow(dead_code)]

use std::{path::PathBuf, sync::LazyLock, time::Duration};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::DatabaseConnection;
use solidarites_api_types::{InitiativeContentRequest, LocationRequest, NewActorRequest};
use solidarites_domain::{
    demo::demo_communes,
    drafts::{parse_initiative, parse_initiative_submission, InitiativeDraft},
    landes_template, parse_communes_geojson, Commune, LonLat,
};
use solidarites_server::{
    auth::{Role, Staff},
    config::Settings,
    startup::Application,
    storage::{self, moderation::Decision, questionnaires::NewCampaign},
    submission::ParseContext,
};

/// The numeric command-line arguments, in order (others, such as `keep=PATH`, are skipped).
pub fn numeric_args() -> Vec<usize> {
    std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect()
}

/// The slugs of the first `n` default themes (those the server seeds).
pub fn theme_slugs(n: usize) -> Vec<&'static str> {
    storage::themes::DEFAULT_THEMES
        .iter()
        .take(n)
        .map(|(slug, ..)| *slug)
        .collect()
}

/// The options of the Landes questionnaire's profile questions: role, age bracket,
/// household.
static PROFILE_OPTIONS: LazyLock<[Vec<String>; 3]> = LazyLock::new(|| {
    let template = landes_template(&[]);
    ["role", "tranche_age", "menage"].map(|id| {
        let question = template.question(id).expect("a profile question");
        let values = question.kind.condition_values().expect("a choice question");
        values.into_iter().map(str::to_owned).collect()
    })
});

/// A respondent's answers to the profile questions, drawn from `rng`: role, age bracket
/// and household.
pub fn random_profile(rng: &mut ChaCha8Rng) -> (&'static str, &'static str, &'static str) {
    let [role, age, household] = PROFILE_OPTIONS
        .each_ref()
        .map(|options| options[rng.gen_range(0..options.len())].as_str());
    (role, age, household)
}

/// `name` in `shared/data/` beside the project, when present.
pub fn shared_data(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(name);
    path.is_file().then_some(path)
}

/// The communes of the Landes when `shared/data/communes-40-landes.geojson` is present
/// (and `true`), else the demo territory (and `false`).
pub fn territory() -> anyhow::Result<(Vec<Commune>, bool)> {
    match shared_data("communes-40-landes.geojson") {
        Some(path) => {
            let text = std::fs::read_to_string(path)?;
            let communes = parse_communes_geojson(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok((communes, true))
        }
        None => Ok((demo_communes(), false)),
    }
}

/// Connects to `url`, migrates, and stores `communes` as the territory.
pub async fn prepare_database(
    url: &str,
    communes: &[Commune],
) -> anyhow::Result<DatabaseConnection> {
    let db = storage::connect(url).await?;
    storage::migrate(&db).await?;
    storage::communes::replace_all(&db, communes, "bench").await?;
    Ok(db)
}

/// The local settings over `url`, on a free port of 127.0.0.1.
pub fn settings(url: &str) -> Settings {
    let mut settings = Settings::local(url.to_owned());
    settings.bind = "127.0.0.1:0".to_owned();
    settings
}

/// Starts `app` in the background; returns its port.
pub fn serve(app: Application) -> u16 {
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    port
}

/// The administrator the examples act as when storage functions want a staff member.
pub fn bench_admin() -> Staff {
    Staff {
        id: uuid::Uuid::new_v4(),
        email: "bench@example.org".to_owned(),
        display_name: "Banc d'essai".to_owned(),
        role: Role::Admin,
    }
}

/// An open campaign on `version_id`, opened an hour ago and closing in `days` days.
pub fn open_campaign(title: String, version_id: String, days: i64) -> NewCampaign {
    let now = chrono::Utc::now();
    NewCampaign {
        title,
        description: String::new(),
        questionnaire_version_id: version_id,
        opens_at: now - chrono::Duration::hours(1),
        closes_at: now + chrono::Duration::days(days),
        status: "open".to_owned(),
    }
}

/// The content of a generated initiative of `theme` at (`lon`, `lat`).
pub fn initiative_content(
    title: String,
    theme: &str,
    lon: f64,
    lat: f64,
) -> InitiativeContentRequest {
    InitiativeContentRequest {
        title: Some(title),
        description: Some("Initiative générée pour le banc d'essai.".to_owned()),
        themes: vec![theme.to_owned()],
        location: Some(LocationRequest {
            lon: Some(lon),
            lat: Some(lat),
            commune_code: None,
        }),
        ..Default::default()
    }
}

/// `count` initiatives at points drawn from `rng` inside the territory (rejection sampling
/// in its bounding box), each of one of `themes`.
pub fn random_initiatives(
    ctx: &ParseContext<'_>,
    rng: &mut ChaCha8Rng,
    count: usize,
    themes: &[&str],
) -> anyhow::Result<Vec<InitiativeDraft>> {
    let bbox = ctx.communes.bbox().expect("non-empty territory");
    let mut drafts = Vec::with_capacity(count);
    while drafts.len() < count {
        let lon = rng.gen_range(bbox.min().x..bbox.max().x);
        let lat = rng.gen_range(bbox.min().y..bbox.max().y);
        if ctx.communes.locate(LonLat::new(lon, lat)?).is_none() {
            continue;
        }
        let theme = themes[rng.gen_range(0..themes.len())];
        let req = initiative_content(format!("Initiative {}", drafts.len()), theme, lon, lat);
        drafts.push(parse_initiative(&req, ctx).expect("valid draft"));
    }
    Ok(drafts)
}

/// Publishes `drafts` (at least one), all run by one published actor.
pub async fn publish_initiatives(
    db: &DatabaseConnection,
    ctx: &ParseContext<'_>,
    drafts: &[InitiativeDraft],
    theme: &str,
) -> anyhow::Result<()> {
    let (lon, lat) = (drafts[0].placement.lon, drafts[0].placement.lat);
    let (_, actor) = parse_initiative_submission::<uuid::Uuid>(
        &initiative_content("Banc d'essai".into(), theme, lon, lat),
        None,
        Some(&NewActorRequest {
            name: Some("Banc d'essai".into()),
            kind: Some("autre".into()),
            ..Default::default()
        }),
        |_| None,
        ctx,
    )
    .expect("valid actor");
    let first = storage::initiatives::create(db, &drafts[0], &actor, "bench-first").await?;
    storage::moderation::decide(db, first, &Decision::Approve).await?;
    let row = storage::initiatives::find_by_token_hash(db, "bench-first")
        .await?
        .expect("stored");
    storage::initiatives::create_published_batch(db, row.actor_id, &drafts[1..]).await?;
    Ok(())
}

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
