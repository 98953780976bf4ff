//! Property tests: the index answers exactly like brute force, anywhere,
//! including on and next to real edges; and away from edges the predicate
//! agrees with geo's `Contains`.

mod common;

use std::sync::OnceLock;

use geo::{Contains, Coord, Distance, Euclidean, Line, Point};
use proptest::prelude::*;
use solidarites_domain::demo::demo_communes;
use solidarites_domain::index::brute_force_locate;
use solidarites_domain::CommuneIndex;

struct Fixture {
    index: CommuneIndex,
    bbox: geo::Rect<f64>,
    edges: Vec<(Coord<f64>, Coord<f64>)>,
    name: &'static str,
}

impl Fixture {
    fn new(communes: Vec<solidarites_domain::Commune>, name: &'static str) -> Fixture {
        let index = CommuneIndex::new(communes);
        let edges = common::all_edges(index.communes());
        let Some(bbox) = index.bbox() else {
            panic!("{name}: no commune");
        };
        Fixture {
            index,
            bbox,
            edges,
            name,
        }
    }

    fn check(&self, lon: f64, lat: f64) -> Result<(), TestCaseError> {
        prop_assert_eq!(
            self.index.locate_index(lon, lat),
            brute_force_locate(self.index.communes(), lon, lat),
            "{} at ({}, {})",
            self.name,
            lon,
            lat
        );
        Ok(())
    }

    /// Uniform in the bounding box widened by 1%.
    fn point_in_box(&self, u: f64, v: f64) -> (f64, f64) {
        let b = self.bbox;
        let (w, h) = (b.width() * 1.02, b.height() * 1.02);
        (b.min().x - w * 0.01 + u * w, b.min().y - h * 0.01 + v * h)
    }

    fn edge(&self, pick: usize) -> (Coord<f64>, Coord<f64>) {
        self.edges[pick % self.edges.len()]
    }
}

/// Landes when present, else demo; and the demo always.
fn fixtures() -> &'static [Fixture] {
    static FIXTURES: OnceLock<Vec<Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let mut fixtures = vec![Fixture::new(demo_communes(), "demo")];
        if let Some(landes) = common::landes() {
            fixtures.push(Fixture::new(landes, "Landes"));
        }
        fixtures
    })
}

fn offset() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(1e-15),
        Just(-1e-15),
        Just(1e-12),
        Just(-1e-12),
        Just(1e-9),
        Just(-1e-9),
        Just(1e-7),
        Just(-1e-7),
        -1e-4..1e-4f64,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_points_in_the_bounding_box_agree_with_brute_force(u in 0.0..1.0f64, v in 0.0..1.0f64) {
        for f in fixtures() {
            let (lon, lat) = f.point_in_box(u, v);
            f.check(lon, lat)?;
        }
    }

    #[test]
    fn points_on_real_edges_agree_with_brute_force(pick in any::<usize>(), t in 0.0..=1.0f64) {
        for f in fixtures() {
            let (a, b) = f.edge(pick);
            f.check(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))?;
        }
    }

    #[test]
    fn points_next_to_real_vertices_agree_with_brute_force(
        pick in any::<usize>(),
        dx in offset(),
        dy in offset(),
    ) {
        for f in fixtures() {
            let (a, _) = f.edge(pick);
            f.check(a.x + dx, a.y + dy)?;
        }
    }

    #[test]
    fn away_from_edges_the_predicate_agrees_with_geo_contains(u in 0.0..1.0f64, v in 0.0..1.0f64) {
        for f in fixtures() {
            let (lon, lat) = f.point_in_box(u, v);
            let p = Point::new(lon, lat);
            let nearest = f
                .edges
                .iter()
                .map(|&(a, b)| Euclidean.distance(&p, &Line::new(a, b)))
                .fold(f64::INFINITY, f64::min);
            prop_assume!(nearest > 1e-9);
            let by_geo: Vec<u32> = (0u32..)
                .zip(f.index.communes())
                .filter(|(_, c)| c.geometry.contains(&p))
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(f.index.locate_index(lon, lat), by_geo.first().copied(), "{}", f.name);
        }
    }
}
