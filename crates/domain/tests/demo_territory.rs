//! The fictional demonstration territory: shape, determinism, and the
//! committed fixture kept in step with the code.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use geo::{Area, BoundingRect, Validation};
use solidarites_domain::demo::{demo_communes, demo_communes_geojson};
use solidarites_domain::index::geometry_contains;
use solidarites_domain::{parse_communes_geojson, CommuneIndex};

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/demo-communes.geojson")
}

/// Set `SOLIDARITES_BLESS=1` to rewrite the fixture after changing demo.rs.
#[test]
fn fixture_file_equals_generated_geojson_byte_for_byte() {
    let generated = demo_communes_geojson();
    if std::env::var_os("SOLIDARITES_BLESS").is_some() {
        std::fs::write(fixture_path(), &generated).unwrap();
    }
    let committed = std::fs::read_to_string(fixture_path()).unwrap();
    assert!(
        committed == generated,
        "fixtures/demo-communes.geojson is stale: run the tests with SOLIDARITES_BLESS=1"
    );
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(demo_communes(), demo_communes());
    assert_eq!(demo_communes_geojson(), demo_communes_geojson());
}

#[test]
fn geojson_parses_back_to_the_same_communes() {
    let parsed = parse_communes_geojson(&demo_communes_geojson()).unwrap();
    assert_eq!(parsed, demo_communes());
}

#[test]
fn territory_has_the_promised_shape() {
    let communes = demo_communes();
    assert!((40..=80).contains(&communes.len()), "{}", communes.len());
    for (k, c) in communes.iter().enumerate() {
        assert_eq!(c.code.as_str(), format!("{:05}", k + 1));
        assert_eq!(c.code.departement(), "00");
        let population = c.population.unwrap();
        assert!(
            (150..=40_000).contains(&population),
            "{} {population}",
            c.name
        );
        assert!(!c.postal_codes.is_empty());
        assert!(
            c.geometry.is_valid(),
            "{} invalid: {:?}",
            c.name,
            c.geometry.validation_errors()
        );
        let b = c.geometry.bounding_rect().unwrap();
        assert!(b.min().x >= -5.0 && b.max().x <= -3.6, "{} {b:?}", c.name);
        assert!(b.min().y >= 45.3 && b.max().y <= 46.3, "{} {b:?}", c.name);
    }
    let names: std::collections::BTreeSet<&str> =
        communes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), communes.len(), "names repeat");

    // One main town clearly larger than every other commune.
    let mut populations: Vec<u32> = communes.iter().filter_map(|c| c.population).collect();
    populations.sort_unstable();
    let (largest, second) = (
        populations[populations.len() - 1],
        populations[populations.len() - 2],
    );
    assert!(largest > 2 * second, "{largest} vs {second}");

    // A postal code shared by 2–3 communes; a commune with two postal codes.
    let mut by_postal: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &communes {
        for p in &c.postal_codes {
            *by_postal.entry(p).or_default() += 1;
        }
    }
    assert!(by_postal.values().any(|&n| (2..=3).contains(&n)));
    assert!(communes.iter().any(|c| c.postal_codes.len() == 2));

    // Multi-cell communes, an island, a hole holding another commune.
    assert!(communes.iter().any(|c| c.geometry.0.len() == 2));
    let holed = communes
        .iter()
        .find(|c| c.geometry.iter().any(|p| !p.interiors().is_empty()))
        .unwrap();
    let hole = &holed.geometry.0[0].interiors()[0];
    let enclave = communes
        .iter()
        .find(|c| {
            let ring = &c.geometry.0[0].exterior().0;
            let mut a: Vec<_> = ring
                .iter()
                .map(|p| (p.x.to_bits(), p.y.to_bits()))
                .collect();
            let mut b: Vec<_> = hole
                .0
                .iter()
                .map(|p| (p.x.to_bits(), p.y.to_bits()))
                .collect();
            a.sort_unstable();
            b.sort_unstable();
            a == b
        })
        .expect("a commune fills the hole exactly");
    assert_ne!(enclave.code, holed.code);
    let biggest_vertex_count = communes
        .iter()
        .map(|c| c.geometry.0[0].exterior().0.len())
        .max()
        .unwrap();
    assert!(biggest_vertex_count > 20);
}

#[test]
fn communes_form_a_partition_without_overlaps() {
    let communes = demo_communes();
    let index = CommuneIndex::new(communes.clone());
    let bbox = index.bbox().unwrap();
    let mut inside = 0;
    for (x, y) in common::random_points(20_000, 7, bbox) {
        let owners = communes
            .iter()
            .filter(|c| geometry_contains(&c.geometry, x, y))
            .count();
        assert!(owners <= 1, "({x}, {y}) in {owners} communes");
        inside += owners;
    }
    assert!(inside > 15_000, "{inside}");
    // Cells tile the land: total area equals the sum of the parts.
    let total: f64 = communes.iter().map(|c| c.geometry.unsigned_area()).sum();
    assert!(total > 0.8 * bbox.width() * bbox.height() * 0.85, "{total}");
}
