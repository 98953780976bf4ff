//! Simplified boundaries for the map: nothing lost, lighter, and gap-free.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

mod common;

use std::collections::{HashMap, HashSet};

use geo::{LineString, MultiPolygon, Polygon};
use geojson::GeometryValue;
use solidarites_domain::demo::demo_communes;
use solidarites_domain::display::simplified_feature_collection;
use solidarites_domain::{parse_communes_geojson, Commune, InseeCode};

/// Every ring of a feature's geometry, as coordinate pairs.
fn rings(value: &GeometryValue) -> Vec<Vec<[f64; 2]>> {
    let polygons = match value {
        GeometryValue::Polygon { coordinates } => vec![coordinates.clone()],
        GeometryValue::MultiPolygon { coordinates } => coordinates.clone(),
        other => panic!("unexpected geometry {other:?}"),
    };
    polygons
        .into_iter()
        .flatten()
        .map(|ring| ring.iter().map(|p| [p[0], p[1]]).collect())
        .collect()
}

fn edge_key(a: [f64; 2], b: [f64; 2]) -> [u64; 4] {
    let (a, b) = if (a[0], a[1]) <= (b[0], b[1]) {
        (a, b)
    } else {
        (b, a)
    };
    [
        a[0].to_bits(),
        a[1].to_bits(),
        b[0].to_bits(),
        b[1].to_bits(),
    ]
}

fn check_territory(communes: &[Commune], tolerance: f64, name: &str) {
    let collection = simplified_feature_collection(communes, tolerance);
    assert_eq!(collection.features.len(), communes.len(), "{name}");

    let mut simplified_edges: HashMap<[u64; 4], usize> = HashMap::new();
    for (feature, commune) in collection.features.iter().zip(communes) {
        let properties = feature.properties.as_ref().unwrap();
        assert_eq!(properties["code"], commune.code.as_str());
        assert_eq!(properties["name"], commune.name.as_str());
        let geometry = feature.geometry.as_ref().unwrap();
        let rings = rings(&geometry.value);
        let original_rings: usize = commune
            .geometry
            .iter()
            .map(|p| 1 + p.interiors().len())
            .sum();
        assert_eq!(
            rings.len(),
            original_rings,
            "{name} {}: a ring was dropped",
            commune.code
        );
        for ring in &rings {
            assert!(
                ring.len() >= 4,
                "{name} {}: ring of {} positions",
                commune.code,
                ring.len()
            );
            assert_eq!(ring.first(), ring.last());
            for p in ring {
                for v in p {
                    assert!(
                        ((v * 1e5).round() - v * 1e5).abs() < 1e-6,
                        "{v} not rounded"
                    );
                }
            }
            for w in ring.windows(2) {
                *simplified_edges.entry(edge_key(w[0], w[1])).or_default() += 1;
            }
        }
    }

    // Vertices on the territory's outer boundary (an edge used by one ring).
    let mut original_edges: HashMap<[u64; 4], usize> = HashMap::new();
    for (a, b) in common::all_edges(communes) {
        *original_edges
            .entry(edge_key([a.x, a.y], [b.x, b.y]))
            .or_default() += 1;
    }
    let round = |v: f64| (v * 1e5).round() / 1e5;
    let outer: HashSet<(u64, u64)> = original_edges
        .iter()
        .filter(|(_, &n)| n == 1)
        .flat_map(|(k, _)| {
            [
                (
                    round(f64::from_bits(k[0])).to_bits(),
                    round(f64::from_bits(k[1])).to_bits(),
                ),
                (
                    round(f64::from_bits(k[2])).to_bits(),
                    round(f64::from_bits(k[3])).to_bits(),
                ),
            ]
        })
        .collect();
    // Gap-free: an edge only one commune has must lie on the outer boundary.
    for (k, &n) in &simplified_edges {
        if n == 1 {
            assert!(
                outer.contains(&(k[0], k[1])) && outer.contains(&(k[2], k[3])),
                "{name}: inner border simplified differently on its two sides near ({}, {})",
                f64::from_bits(k[0]),
                f64::from_bits(k[1])
            );
        }
    }
}

#[test]
fn landes_simplification_keeps_every_commune_and_is_lighter() {
    let (communes, name) = common::territory();
    check_territory(&communes, 0.002, name);
    let simplified =
        serde_json::to_string(&simplified_feature_collection(&communes, 0.002)).unwrap();
    let unsimplified =
        serde_json::to_string(&simplified_feature_collection(&communes, 0.0)).unwrap();
    assert!(
        simplified.len() < unsimplified.len(),
        "{name}: {} vs {} bytes",
        simplified.len(),
        unsimplified.len()
    );
    if name == "Landes" {
        // Real boundaries are dense: 0.002 deg (~200 m) halves them at least.
        assert!(
            simplified.len() * 2 < unsimplified.len(),
            "{} vs {} bytes",
            simplified.len(),
            unsimplified.len()
        );
        let original = std::fs::read_to_string(common::landes_path()).unwrap();
        assert!(
            simplified.len() < original.len(),
            "{} vs {}",
            simplified.len(),
            original.len()
        );
    } else {
        eprintln!("SKIPPING the size comparisons with the Landes file");
    }
    // It is still GeoJSON our importer accepts (code and name properties).
    assert_eq!(
        parse_communes_geojson(&simplified).unwrap().len(),
        communes.len()
    );
}

#[test]
fn demo_simplification_is_gap_free_at_several_tolerances() {
    let communes = demo_communes();
    for tolerance in [0.0, 0.001, 0.01, 0.05, 1.0] {
        check_territory(&communes, tolerance, "demo");
    }
}

#[test]
fn output_is_deterministic() {
    let (communes, _) = common::territory();
    let a = serde_json::to_string(&simplified_feature_collection(&communes, 0.001)).unwrap();
    let b = serde_json::to_string(&simplified_feature_collection(&communes, 0.001)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn tiny_polygons_survive_a_huge_tolerance() {
    let triangle = LineString::from(vec![
        (0.1, 44.1),
        (0.10002, 44.1),
        (0.1, 44.10002),
        (0.1, 44.1),
    ]);
    let commune = Commune {
        code: InseeCode::parse("40001").unwrap(),
        name: "Minuscule".to_owned(),
        population: Some(3),
        postal_codes: vec!["40000".to_owned()],
        geometry: MultiPolygon::new(vec![
            Polygon::new(triangle, vec![]),
            Polygon::new(
                LineString::from(vec![
                    (1.0, 44.0),
                    (2.0, 44.0),
                    (2.0, 45.0),
                    (1.0, 45.0),
                    (1.0, 44.0),
                ]),
                vec![],
            ),
        ]),
    };
    let collection = simplified_feature_collection(&[commune], 10.0);
    let feature = &collection.features[0];
    let rings = rings(&feature.geometry.as_ref().unwrap().value);
    assert_eq!(rings.len(), 2);
    assert!(rings.iter().all(|r| r.len() >= 4));
    let properties = feature.properties.as_ref().unwrap();
    assert_eq!(properties["population"], 3);
    assert_eq!(properties["postal_codes"], serde_json::json!(["40000"]));
}
