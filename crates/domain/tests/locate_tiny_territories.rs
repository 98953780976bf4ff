//! Hand-made territories for the cases real data rarely hits exactly.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use geo::{LineString, MultiPolygon, Polygon};
use solidarites_domain::index::{brute_force_locate, geometry_contains};
use solidarites_domain::{Commune, CommuneIndex, InseeCode, LonLat};

fn ring(points: &[(f64, f64)]) -> LineString<f64> {
    LineString::from(points.to_vec())
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    Polygon::new(
        ring(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )
}

fn commune(code: &str, polygons: Vec<Polygon<f64>>) -> Commune {
    Commune {
        code: InseeCode::parse(code).unwrap(),
        name: format!("Commune {code}"),
        population: None,
        postal_codes: vec![],
        geometry: MultiPolygon::new(polygons),
    }
}

fn code_at(index: &CommuneIndex, lon: f64, lat: f64) -> Option<&str> {
    let found = index.locate_index(lon, lat);
    assert_eq!(
        found,
        brute_force_locate(index.communes(), lon, lat),
        "index and brute force differ at ({lon}, {lat})"
    );
    found.map(|i| index.communes()[i as usize].code.as_str())
}

/// How many communes contain the point under the crate's predicate.
fn owners(index: &CommuneIndex, lon: f64, lat: f64) -> usize {
    index
        .communes()
        .iter()
        .filter(|c| geometry_contains(&c.geometry, lon, lat))
        .count()
}

#[test]
fn point_on_an_edge_shared_by_two_squares_belongs_to_the_eastern_one_every_time() {
    // Decimal coordinates that are not exact in binary, like real data.
    let west = commune("40001", vec![rect(-0.3, 43.7, -0.2, 43.8)]);
    let east = commune("40002", vec![rect(-0.2, 43.7, -0.1, 43.8)]);
    for communes in [vec![west.clone(), east.clone()], vec![east, west]] {
        let index = CommuneIndex::new(communes);
        for _ in 0..3 {
            assert_eq!(owners(&index, -0.2, 43.75), 1);
            assert_eq!(code_at(&index, -0.2, 43.75), Some("40002"));
        }
        // Just either side.
        assert_eq!(code_at(&index, -0.2 - 1e-12, 43.75), Some("40001"));
        assert_eq!(code_at(&index, -0.2 + 1e-12, 43.75), Some("40002"));
    }
}

#[test]
fn point_on_a_horizontal_shared_edge_belongs_to_the_northern_one() {
    let south = commune("40001", vec![rect(-0.3, 43.7, -0.2, 43.8)]);
    let north = commune("40002", vec![rect(-0.3, 43.8, -0.2, 43.9)]);
    let index = CommuneIndex::new(vec![south, north]);
    assert_eq!(owners(&index, -0.25, 43.8), 1);
    assert_eq!(code_at(&index, -0.25, 43.8), Some("40002"));
}

#[test]
fn point_on_a_slanted_shared_edge_belongs_to_exactly_one_triangle() {
    // A square cut along its diagonal; the two triangles list the diagonal
    // in opposite directions.
    let (x0, y0, x1, y1) = (-0.37, 43.61, -0.23, 43.79);
    let lower = Polygon::new(ring(&[(x0, y0), (x1, y0), (x1, y1), (x0, y0)]), vec![]);
    let upper = Polygon::new(ring(&[(x0, y0), (x1, y1), (x0, y1), (x0, y0)]), vec![]);
    let index = CommuneIndex::new(vec![
        commune("40001", vec![lower]),
        commune("40002", vec![upper]),
    ]);
    for k in 1..100 {
        let py = y0 + (y1 - y0) * f64::from(k) / 100.0;
        // Exactly on the edge as the predicate computes it.
        let px = x0 + (py - y0) * ((x1 - x0) / (y1 - y0));
        assert_eq!(owners(&index, px, py), 1, "({px}, {py})");
        assert!(code_at(&index, px, py).is_some());
        // And the neighbouring floats.
        for dx in [-1e-15, 1e-15] {
            assert_eq!(owners(&index, px + dx, py), 1, "({}, {py})", px + dx);
            assert!(code_at(&index, px + dx, py).is_some());
        }
    }
}

#[test]
fn vertex_shared_by_four_communes_belongs_to_exactly_one() {
    let (x, y) = (-0.2, 43.8);
    let index = CommuneIndex::new(vec![
        commune("40001", vec![rect(-0.3, 43.7, x, y)]),
        commune("40002", vec![rect(x, 43.7, -0.1, y)]),
        commune("40003", vec![rect(-0.3, y, x, 43.9)]),
        commune("40004", vec![rect(x, y, -0.1, 43.9)]),
    ]);
    assert_eq!(owners(&index, x, y), 1);
    // East of the vertical border, north of the horizontal one.
    assert_eq!(code_at(&index, x, y), Some("40004"));
    // Every commune's own corners too.
    for (cx, cy) in [(-0.3, 43.7), (-0.1, 43.9), (x, 43.7), (-0.3, y)] {
        assert!(owners(&index, cx, cy) <= 1);
        let _ = code_at(&index, cx, cy);
    }
}

#[test]
fn hole_is_outside_unless_another_commune_fills_it() {
    let holed = Polygon::new(
        ring(&[
            (0.0, 44.0),
            (1.0, 44.0),
            (1.0, 45.0),
            (0.0, 45.0),
            (0.0, 44.0),
        ]),
        vec![ring(&[
            (0.4, 44.4),
            (0.4, 44.6),
            (0.6, 44.6),
            (0.6, 44.4),
            (0.4, 44.4),
        ])],
    );
    let index = CommuneIndex::new(vec![commune("40010", vec![holed.clone()])]);
    assert_eq!(code_at(&index, 0.5, 44.5), None);
    assert_eq!(code_at(&index, 0.2, 44.5), Some("40010"));
    assert_eq!(code_at(&index, 0.5, 44.8), Some("40010"));

    let enclave = commune("40011", vec![rect(0.4, 44.4, 0.6, 44.6)]);
    let index = CommuneIndex::new(vec![commune("40010", vec![holed]), enclave]);
    assert_eq!(code_at(&index, 0.5, 44.5), Some("40011"));
    assert_eq!(code_at(&index, 0.2, 44.5), Some("40010"));
    // On the hole's border: exactly one of the two.
    assert_eq!(owners(&index, 0.4, 44.5), 1);
    assert_eq!(owners(&index, 0.6, 44.45), 1);
    assert_eq!(owners(&index, 0.5, 44.6), 1);
}

#[test]
fn island_of_a_multipolygon_commune_is_found() {
    let mainland = rect(-1.0, 44.0, -0.5, 44.5);
    let island = rect(-1.4, 44.2, -1.3, 44.3);
    let index = CommuneIndex::new(vec![
        commune("40020", vec![mainland, island]),
        commune("40021", vec![rect(-0.5, 44.0, 0.0, 44.5)]),
    ]);
    assert_eq!(code_at(&index, -1.35, 44.25), Some("40020"));
    assert_eq!(code_at(&index, -0.75, 44.25), Some("40020"));
    assert_eq!(code_at(&index, -0.25, 44.25), Some("40021"));
    // Sea between the island and the mainland, inside the bounding box.
    assert_eq!(code_at(&index, -1.1, 44.25), None);
    assert_eq!(code_at(&index, -1.35, 44.1), None);
}

#[test]
fn overlapping_communes_resolve_to_the_lowest_code() {
    let a = commune("40031", vec![rect(0.0, 44.0, 1.0, 45.0)]);
    let b = commune("40030", vec![rect(0.5, 44.5, 1.5, 45.5)]);
    for communes in [vec![a.clone(), b.clone()], vec![b, a]] {
        let index = CommuneIndex::new(communes);
        assert_eq!(code_at(&index, 0.75, 44.75), Some("40030"));
        assert_eq!(code_at(&index, 0.25, 44.25), Some("40031"));
        assert_eq!(code_at(&index, 1.25, 45.25), Some("40030"));
    }
}

#[test]
fn index_sorts_communes_by_code_and_finds_them() {
    let index = CommuneIndex::new(vec![
        commune("40192", vec![rect(0.0, 44.0, 1.0, 45.0)]),
        commune("2A004", vec![rect(1.0, 44.0, 2.0, 45.0)]),
        commune("01004", vec![rect(2.0, 44.0, 3.0, 45.0)]),
    ]);
    let codes: Vec<&str> = index.communes().iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["01004", "2A004", "40192"]);
    assert_eq!(index.len(), 3);
    assert!(!index.is_empty());
    let code = InseeCode::parse("2a004").unwrap();
    assert_eq!(index.get(&code).unwrap().code, code);
    assert_eq!(index.position(&code), Some(1));
    assert!(index.get(&InseeCode::parse("40001").unwrap()).is_none());
    let p = LonLat::new(2.5, 44.5).unwrap();
    assert_eq!(index.locate(p).unwrap().code.as_str(), "01004");
}

#[test]
fn non_finite_and_far_points_are_in_no_commune() {
    let index = CommuneIndex::new(vec![commune("40001", vec![rect(0.0, 44.0, 1.0, 45.0)])]);
    for (x, y) in [
        (f64::NAN, 44.5),
        (0.5, f64::NAN),
        (f64::INFINITY, 44.5),
        (f64::NEG_INFINITY, 44.5),
        (0.5, f64::INFINITY),
        (-170.0, 44.5),
        (0.5, -80.0),
    ] {
        assert_eq!(index.locate_index(x, y), None, "({x}, {y})");
        assert_eq!(
            brute_force_locate(index.communes(), x, y),
            None,
            "({x}, {y})"
        );
    }
    let (counts, outside) = index.count_batch(&[(f64::NAN, 0.0), (0.5, 44.5), (2.0, 2.0)]);
    assert_eq!((counts, outside), (vec![1], 2));
}

#[test]
fn corners_of_the_territory_bounding_box_are_handled() {
    let index = CommuneIndex::new(vec![commune("40001", vec![rect(0.0, 44.0, 1.0, 45.0)])]);
    // South-west corner: inside by the half-open rule; north-east: outside.
    assert_eq!(code_at(&index, 0.0, 44.0), Some("40001"));
    assert_eq!(code_at(&index, 1.0, 45.0), None);
    assert_eq!(code_at(&index, 1.0, 44.5), None);
    assert_eq!(code_at(&index, 0.0, 44.5), Some("40001"));
}

#[test]
fn empty_index_locates_nothing() {
    let index = CommuneIndex::new(vec![]);
    assert!(index.is_empty());
    assert_eq!(index.len(), 0);
    assert!(index.bbox().is_none());
    assert_eq!(index.locate_index(0.0, 44.0), None);
    assert_eq!(index.locate_batch(&[(0.0, 44.0)]), vec![None]);
    assert_eq!(index.count_batch(&[(0.0, 44.0), (1.0, 1.0)]), (vec![], 2));
}

#[test]
fn degenerate_and_duplicate_communes_do_not_panic() {
    let flat = Polygon::new(
        ring(&[(0.0, 44.0), (1.0, 44.0), (0.5, 44.0), (0.0, 44.0)]),
        vec![],
    );
    let index = CommuneIndex::new(vec![
        commune("40001", vec![]),
        commune("40002", vec![flat]),
        commune("40003", vec![rect(0.0, 44.0, 1.0, 45.0)]),
        commune("40003", vec![rect(0.5, 44.0, 1.5, 45.0)]),
        commune(
            "40004",
            vec![Polygon::new(ring(&[(f64::NAN, 1.0), (2.0, 2.0)]), vec![])],
        ),
    ]);
    assert_eq!(index.len(), 5);
    // The first of the duplicates wins where they overlap.
    assert_eq!(index.locate_index(0.75, 44.5), Some(2));
    assert_eq!(index.locate_index(1.25, 44.5), Some(3));
    assert_eq!(code_at(&index, 0.5, 44.0), Some("40003"));
    assert_eq!(index.position(&InseeCode::parse("40003").unwrap()), Some(2));
}

#[test]
fn projected_like_coordinates_still_index_consistently() {
    // The index is planar; big magnitudes must not break its margins.
    let index = CommuneIndex::new(vec![
        commune(
            "40001",
            vec![rect(400_000.0, 6_300_000.0, 400_100.0, 6_300_100.0)],
        ),
        commune(
            "40002",
            vec![rect(400_100.0, 6_300_000.0, 400_200.0, 6_300_100.0)],
        ),
    ]);
    assert_eq!(code_at(&index, 400_100.0, 6_300_050.0), Some("40002"));
    assert_eq!(code_at(&index, 400_050.0, 6_300_050.0), Some("40001"));
    assert_eq!(code_at(&index, 400_300.0, 6_300_050.0), None);
}
