//! Load benchmark of `GET /api/v1/initiatives/clusters` with 100,000 published initiatives.
//!
//! Fills a fresh SQLite database through the storage functions (communes of the Landes when
//! `shared/data/communes-40-landes.geojson` is present, else the demo territory; points
//! drawn deterministically inside the territory), starts the real application on
//! 127.0.0.1:0 and sends a bounded number of requests at several zooms and viewports with a
//! small concurrency, then prints p50/p99 latency and payload sizes per scenario.
//!
//! ```sh
//! cargo run --release -p solidarites-server \
//!     --example clusters_load -- [initiatives=100000] [requests=2000] [concurrency=4]
//! ```
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used)]

mod common;
use common::percentile;

use std::{
    collections::{BTreeMap, HashSet},
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use solidarites_api_types::{InitiativeContentRequest, LocationRequest, NewActorRequest};
use solidarites_domain::{
    demo::demo_communes,
    drafts::{parse_initiative, parse_initiative_submission},
    parse_communes_geojson, CommuneIndex, LonLat,
};
use solidarites_server::{
    config::Settings,
    startup::Application,
    storage::{self, moderation::Decision},
    submission::ParseContext,
};

const THEMES: &[&str] = &[
    "aide-alimentaire",
    "isolement",
    "sante",
    "emploi",
    "logement",
    "numerique",
    "mobilite",
    "education",
    "acces-aux-droits",
    "seniors",
    "handicap",
    "violences",
    "culture-sport",
    "autre",
];
/// Time cap of the request phase.
const TIME_CAP: Duration = Duration::from_secs(120);

fn content(title: String, theme: &str, lon: f64, lat: f64) -> InitiativeContentRequest {
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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let total = args.first().copied().unwrap_or(100_000);
    let requests = args.get(1).copied().unwrap_or(2_000);
    let concurrency = args.get(2).copied().unwrap_or(4).max(1);

    let landes = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/communes-40-landes.geojson");
    let (communes, territory_name) = if landes.is_file() {
        let text = std::fs::read_to_string(&landes)?;
        (
            parse_communes_geojson(&text).map_err(|e| anyhow::anyhow!("{e}"))?,
            "Landes (330 communes)",
        )
    } else {
        (demo_communes(), "demo territory (62 communes)")
    };

    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let db = storage::connect(&url).await?;
    storage::migrate(&db).await?;
    storage::communes::replace_all(&db, &communes, "bench").await?;
    storage::themes::seed_defaults(&db).await?;

    // Deterministic points inside the territory (rejection sampling in its bbox).
    let started = Instant::now();
    let index = CommuneIndex::new(communes);
    let bbox = index.bbox().expect("non-empty territory");
    let allowed: HashSet<String> = THEMES.iter().map(|s| (*s).to_owned()).collect();
    let ctx = ParseContext {
        communes: &index,
        allowed_themes: &allowed,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(0x5011_DA21);
    let mut drafts = Vec::with_capacity(total);
    while drafts.len() < total {
        let lon = rng.gen_range(bbox.min().x..bbox.max().x);
        let lat = rng.gen_range(bbox.min().y..bbox.max().y);
        if index.locate(LonLat::new(lon, lat)?).is_none() {
            continue;
        }
        let theme = THEMES[rng.gen_range(0..THEMES.len())];
        let req = content(format!("Initiative {}", drafts.len()), theme, lon, lat);
        drafts.push(parse_initiative(&req, &ctx).expect("valid draft"));
    }
    // One published actor runs them all.
    let (lon, lat) = (drafts[0].placement.lon, drafts[0].placement.lat);
    let (_, actor) = parse_initiative_submission::<uuid::Uuid>(
        &content("Banc d'essai".into(), THEMES[0], lon, lat),
        None,
        Some(&NewActorRequest {
            name: Some("Banc d'essai".into()),
            kind: Some("autre".into()),
            ..Default::default()
        }),
        |_| None,
        &ctx,
    )
    .expect("valid actor");
    let first = storage::initiatives::create(&db, &drafts[0], &actor, "bench-first").await?;
    storage::moderation::decide(&db, first, &Decision::Approve).await?;
    let row = storage::initiatives::find_by_token_hash(&db, "bench-first")
        .await?
        .expect("stored");
    storage::initiatives::create_published_batch(&db, row.actor_id, &drafts[1..]).await?;
    println!(
        "filled {total} published initiatives in {:.1} s ({territory_name})",
        started.elapsed().as_secs_f64()
    );

    let mut settings = Settings::local(url.clone());
    settings.bind = "127.0.0.1:0".to_owned();
    let app = Application::build(settings).await?;
    let (index_bytes, points_bytes) = app.state().map.current().heap_bytes();
    #[allow(clippy::cast_precision_loss)]
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "cluster hierarchy in memory: index {:.1} MiB (every zoom 0–20), points {:.1} MiB",
        mib(index_bytes),
        mib(points_bytes)
    );
    let origin = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    // Scenarios: whole territory at low zooms, then 1280×800-pixel viewports at random
    // centres at higher zooms.
    let (min_lon, min_lat, max_lon, max_lat) =
        (bbox.min().x, bbox.min().y, bbox.max().x, bbox.max().y);
    let whole = format!("{min_lon},{min_lat},{max_lon},{max_lat}");
    let mut queries: Vec<(String, String)> = Vec::with_capacity(requests);
    for i in 0..requests {
        let zoom: u8 = [7, 8, 9, 10, 11, 12, 13, 14][i % 8];
        let q = if zoom <= 9 {
            format!("bbox={whole}&zoom={zoom}")
        } else {
            let lon = rng.gen_range(min_lon..max_lon);
            let lat = rng.gen_range(min_lat..max_lat);
            let scale = 256.0 * f64::from(1u32 << zoom);
            let half_w = 640.0 / scale * 360.0;
            let half_h = 400.0 / scale * 360.0 * lat.to_radians().cos();
            format!(
                "bbox={},{},{},{}&zoom={zoom}",
                lon - half_w,
                lat - half_h,
                lon + half_w,
                lat + half_h
            )
        };
        let scenario = if zoom <= 9 {
            format!("territory z{zoom}")
        } else {
            format!("viewport z{zoom}")
        };
        queries.push((scenario, format!("/api/v1/initiatives/clusters?{q}")));
        // The ceiling in the same run: the health answer, interleaved with the rest.
        if i % 8 == 7 {
            queries.push((
                "ceiling: GET /health".to_owned(),
                "/api/v1/health".to_owned(),
            ));
        }
    }
    let queries = Arc::new(queries);
    let client = reqwest::Client::new();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let deadline = Instant::now() + TIME_CAP;
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (queries, client, next, origin) = (
            queries.clone(),
            client.clone(),
            next.clone(),
            origin.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut out: Vec<(String, Duration, usize)> = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= queries.len() || Instant::now() > deadline {
                    return out;
                }
                let (scenario, q) = &queries[i];
                let t = Instant::now();
                let res = client
                    .get(format!("{origin}{q}"))
                    .send()
                    .await
                    .expect("request");
                assert!(res.status().is_success(), "{q}: {}", res.status());
                let body = res.bytes().await.expect("body");
                out.push((scenario.clone(), t.elapsed(), body.len()));
            }
        }));
    }
    let mut by_scenario: BTreeMap<String, (Vec<Duration>, Vec<usize>)> = BTreeMap::new();
    let mut all = Vec::new();
    for w in workers {
        for (scenario, d, size) in w.await? {
            if !scenario.starts_with("ceiling") {
                all.push(d);
            }
            let e = by_scenario.entry(scenario).or_default();
            e.0.push(d);
            e.1.push(size);
        }
    }
    all.sort();
    let p99 = percentile(&all, 0.99);
    println!(
        "{} cluster requests, concurrency {concurrency}: p50 {:.2} ms, p99 {:.2} ms \
         (goal p99 ≤ 5 ms: {})",
        all.len(),
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        if p99 <= Duration::from_millis(5) {
            "met"
        } else {
            "not met"
        }
    );
    if let Some((health, _)) = by_scenario.get("ceiling: GET /health") {
        let mut health = health.clone();
        health.sort();
        println!(
            "ceiling in the same run, GET /health: p50 {:.2} ms, p99 {:.2} ms; \
             cluster p99 ÷ health p99 = {:.1}",
            percentile(&health, 0.5).as_secs_f64() * 1e3,
            percentile(&health, 0.99).as_secs_f64() * 1e3,
            p99.as_secs_f64() / percentile(&health, 0.99).as_secs_f64().max(1e-9)
        );
    }
    println!("| scenario | requests | p50 (ms) | p99 (ms) | payload median (bytes) | payload max (bytes) |");
    println!("|---|---|---|---|---|---|");
    for (scenario, (mut d, mut sizes)) in by_scenario {
        d.sort();
        sizes.sort_unstable();
        println!(
            "| {scenario} | {} | {:.2} | {:.2} | {} | {} |",
            d.len(),
            percentile(&d, 0.5).as_secs_f64() * 1e3,
            percentile(&d, 0.99).as_secs_f64() * 1e3,
            sizes[sizes.len() / 2],
            sizes[sizes.len() - 1]
        );
    }
    Ok(())
}
