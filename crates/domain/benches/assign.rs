//! Point → commune assignment speed, on the real Landes boundaries (or the
//! demo territory when `shared/data` is not beside the checkout).
//!
//! `cargo bench -p solidarites-domain --bench assign`; figures go to
//! docs/benchmarks.md. Inputs are deterministic (seeded ChaCha8).

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use geo::{BoundingRect, Contains, Coord, Point, Rect};
use rand::{Rng, SeedableRng};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;
use solidarites_domain::demo::demo_communes;
use solidarites_domain::{parse_communes_geojson, Commune, CommuneIndex};

const POINTS: usize = 1_000_000;

fn territory() -> (Vec<Commune>, &'static str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/communes-40-landes.geojson");
    match std::fs::read_to_string(path).map(|text| parse_communes_geojson(&text)) {
        Ok(Ok(communes)) => (communes, "landes"),
        _ => (demo_communes(), "demo"),
    }
}

fn random_points(bbox: Rect<f64>) -> Vec<(f64, f64)> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2020);
    (0..POINTS)
        .map(|_| {
            (
                rng.gen_range(bbox.min().x..bbox.max().x),
                rng.gen_range(bbox.min().y..bbox.max().y),
            )
        })
        .collect()
}

fn build(c: &mut Criterion) {
    let (communes, name) = territory();
    let mut group = c.benchmark_group("index_build");
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter_batched(
            || communes.clone(),
            CommuneIndex::new,
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn assign(c: &mut Criterion) {
    let (communes, name) = territory();
    let index = CommuneIndex::new(communes);
    let unit = Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 1.0, y: 1.0 });
    let points = random_points(index.bbox().unwrap_or(unit));

    // Baseline: R-tree of commune bounding boxes, then geo's Contains.
    let tree = RTree::bulk_load(
        index
            .communes()
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let b = c.geometry.bounding_rect()?;
                let rect = Rectangle::from_corners([b.min().x, b.min().y], [b.max().x, b.max().y]);
                Some(GeomWithData::new(rect, i))
            })
            .collect(),
    );
    let rtree_contains = |&(x, y): &(f64, f64)| {
        let p = Point::new(x, y);
        tree.locate_all_at_point(&[x, y])
            .map(|g| g.data)
            .filter(|&i| {
                index
                    .communes()
                    .get(i)
                    .is_some_and(|c| c.geometry.contains(&p))
            })
            .min()
    };

    let mut group = c.benchmark_group(format!("assign_1m_points_{name}"));
    group.throughput(Throughput::Elements(POINTS as u64));
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("locate_batch (rayon)", |b| {
        b.iter(|| index.locate_batch(&points));
    });
    group.bench_function("count_batch (rayon)", |b| {
        b.iter(|| index.count_batch(&points));
    });
    group.bench_function("locate_index (sequential)", |b| {
        b.iter(|| {
            points
                .iter()
                .filter(|&&(x, y)| index.locate_index(x, y).is_some())
                .count()
        });
    });
    // About 0.5 s an iteration: give its 10 samples the time they need.
    group.measurement_time(std::time::Duration::from_secs(8));
    group.bench_function("rtree + geo Contains (sequential baseline)", |b| {
        b.iter(|| {
            points
                .iter()
                .filter(|p| rtree_contains(p).is_some())
                .count()
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = build, assign
}
criterion_main!(benches);
