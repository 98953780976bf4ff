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
    sync::Arc,
    time::{Duration, Instant},
};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use solidarites_domain::CommuneIndex;
use solidarites_server::{startup::Application, storage, submission::ParseContext};

/// Time cap of the request phase.
const TIME_CAP: Duration = Duration::from_secs(120);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = common::numeric_args();
    let total = args.first().copied().unwrap_or(100_000);
    let requests = args.get(1).copied().unwrap_or(2_000);
    let concurrency = args.get(2).copied().unwrap_or(4).max(1);

    let (communes, landes) = common::territory()?;
    let territory_name = if landes {
        "Landes (330 communes)"
    } else {
        "demo territory (62 communes)"
    };

    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let db = common::prepare_database(&url, &communes).await?;
    storage::themes::seed_defaults(&db).await?;

    // Deterministic points inside the territory, one actor running them all.
    let started = Instant::now();
    let themes = common::theme_slugs(usize::MAX);
    let index = CommuneIndex::new(communes);
    let bbox = index.bbox().expect("non-empty territory");
    let allowed: HashSet<String> = themes.iter().map(|s| (*s).to_owned()).collect();
    let ctx = ParseContext {
        communes: &index,
        allowed_themes: &allowed,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(0x5011_DA21);
    let drafts = common::random_initiatives(&ctx, &mut rng, total, &themes)?;
    common::publish_initiatives(&db, &ctx, &drafts, themes[0]).await?;
    println!(
        "filled {total} published initiatives in {:.1} s ({territory_name})",
        started.elapsed().as_secs_f64()
    );

    let app = Application::build(common::settings(&url)).await?;
    let (index_bytes, points_bytes) = app.state().map.current().heap_bytes();
    #[allow(clippy::cast_precision_loss)]
    let mib = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    println!(
        "cluster hierarchy in memory: index {:.1} MiB (every zoom 0–20), points {:.1} MiB",
        mib(index_bytes),
        mib(points_bytes)
    );
    let origin = format!("http://127.0.0.1:{}", common::serve(app));

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
