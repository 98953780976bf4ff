#![allow(clippy::unwrap_used, clippy::print_stdout)]
use rand::{Rng, SeedableRng};
use solidarites_domain::index::brute_force_locate;
use solidarites_domain::*;
use std::time::Instant;
fn main() {
    let text = std::fs::read_to_string("/work/shared/data/communes-40-landes.geojson").unwrap();
    let t = Instant::now();
    let communes = parse_communes_geojson(&text).unwrap();
    println!("parse {:?} {}", t.elapsed(), communes.len());
    let t = Instant::now();
    let index = CommuneIndex::new(communes);
    println!("build {:?} {:?}", t.elapsed(), index.grid_stats());
    let bb = index.bbox().unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let pts: Vec<(f64, f64)> = (0..1_000_000)
        .map(|_| {
            (
                rng.gen_range(bb.min().x..bb.max().x),
                rng.gen_range(bb.min().y..bb.max().y),
            )
        })
        .collect();
    for _ in 0..3 {
        let t = Instant::now();
        let r = index.locate_batch(&pts);
        println!(
            "batch {:?} {}",
            t.elapsed(),
            r.iter().filter(|x| x.is_some()).count()
        );
        let t = Instant::now();
        let n = pts
            .iter()
            .filter(|&&(x, y)| index.locate_index(x, y).is_some())
            .count();
        println!("seq {:?} {}", t.elapsed(), n);
    }
    let t = Instant::now();
    let mut bad = 0;
    for &(x, y) in pts.iter().take(20000) {
        if brute_force_locate(index.communes(), x, y) != index.locate_index(x, y) {
            bad += 1;
        }
    }
    println!("brute 20k {:?} mismatches {}", t.elapsed(), bad);
    let mp = index.get(&InseeCode::parse("40192").unwrap()).unwrap();
    println!(
        "{:?}",
        index
            .locate(LonLat::new(-0.5, 43.8906).unwrap())
            .map(|c| &c.name)
    );
    let _ = mp;
}
