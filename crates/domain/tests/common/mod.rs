//! Shared test helpers: the real Landes data when present, the demo
//! territory otherwise, an independent reference locator, and the pieces of
//! hand-written questionnaires.

#![allow(dead_code)]
#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "test helpers: failing loudly and saying what was skipped is their job"
)]

use std::path::PathBuf;

use geo::{polygon, BoundingRect, Coord};
use solidarites_domain::demo::demo_communes;
use solidarites_domain::index::geometry_contains;
use solidarites_domain::questionnaire::{
    ChoiceOption, Question, QuestionKind, QuestionnaireDefinition, Section,
};
use solidarites_domain::{parse_communes_geojson, Commune};

pub fn landes_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/communes-40-landes.geojson")
}

/// The 330 Landes communes, or `None` (with a message) when the shared data
/// is not beside the checkout.
pub fn landes() -> Option<Vec<Commune>> {
    let path = landes_path();
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(parse_communes_geojson(&text).unwrap()),
        Err(e) => {
            eprintln!(
                "SKIPPING Landes-specific assertions: {} not readable ({e})",
                path.display()
            );
            None
        }
    }
}

/// The Landes communes when available, else the demo territory: generic
/// checks always run on real-looking data.
pub fn territory() -> (Vec<Commune>, &'static str) {
    match landes() {
        Some(communes) => (communes, "Landes"),
        None => {
            eprintln!("falling back to the demo territory for generic checks");
            (demo_communes(), "demo")
        }
    }
}

/// Brute force with a bounding-box prefilter: the same predicate over every
/// commune in order, skipping those whose box (widened by 1e-7 deg) misses the
/// point. Equivalent to `brute_force_locate` (a ray from outside the box
/// crosses each ring an even number of times), but fast enough for a million
/// points. `communes` must be sorted by code.
pub struct BoxedBruteForce<'a> {
    communes: &'a [Commune],
    boxes: Vec<(f64, f64, f64, f64)>,
}

impl<'a> BoxedBruteForce<'a> {
    pub fn new(communes: &'a [Commune]) -> Self {
        let boxes = communes
            .iter()
            .map(|c| {
                let r = c.geometry.bounding_rect().unwrap();
                let m = 1e-7;
                (r.min().x - m, r.min().y - m, r.max().x + m, r.max().y + m)
            })
            .collect();
        BoxedBruteForce { communes, boxes }
    }

    pub fn locate(&self, lon: f64, lat: f64) -> Option<u32> {
        self.containing(lon, lat).next()
    }

    /// Every commune containing the point, in code order.
    pub fn containing(&self, lon: f64, lat: f64) -> impl Iterator<Item = u32> + '_ {
        self.communes
            .iter()
            .zip(&self.boxes)
            .enumerate()
            .filter(move |(_, (_, b))| lon >= b.0 && lat >= b.1 && lon <= b.2 && lat <= b.3)
            .filter(move |(_, (c, _))| geometry_contains(&c.geometry, lon, lat))
            .map(|(i, _)| i as u32)
    }
}

/// Every edge (consecutive ring vertices) of every commune.
pub fn all_edges(communes: &[Commune]) -> Vec<(Coord<f64>, Coord<f64>)> {
    communes
        .iter()
        .flat_map(|c| c.geometry.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.0.windows(2).map(|w| (w[0], w[1])))
        .filter(|(a, b)| a != b)
        .collect()
}

/// Choice options labelled with their value in capitals.
pub fn options(values: &[&str]) -> Vec<ChoiceOption> {
    values
        .iter()
        .map(|v| ChoiceOption {
            value: (*v).into(),
            label: v.to_uppercase(),
        })
        .collect()
}

/// An optional, unconditional question of `kind`.
pub fn question(id: &str, kind: QuestionKind) -> Question {
    Question {
        id: id.into(),
        label: format!("Question {id}"),
        help: None,
        required: false,
        kind,
        show_if: None,
    }
}

/// A scale from `min` to `max`, its ends unlabelled.
pub fn scale(min: i32, max: i32) -> QuestionKind {
    QuestionKind::Scale {
        min,
        max,
        min_label: None,
        max_label: None,
    }
}

/// A questionnaire of one section holding `questions`.
pub fn one_section(questions: Vec<Question>) -> QuestionnaireDefinition {
    QuestionnaireDefinition {
        title: "Test".into(),
        description: String::new(),
        sections: vec![Section {
            id: "s".into(),
            title: "Section".into(),
            description: None,
            questions,
        }],
    }
}

/// `n` communes 40001, 40002…, squares of 0.1° side in a row along 43° N, of
/// 100, 200… inhabitants.
pub fn square_communes(n: usize) -> Vec<Commune> {
    (0..n)
        .map(|i| {
            let x = i as f64 * 0.1;
            Commune {
                code: solidarites_domain::InseeCode::parse(&format!("400{:02}", i + 1)).unwrap(),
                name: format!("Commune {i}"),
                population: Some(100 * (i as u32 + 1)),
                postal_codes: vec![],
                geometry: geo::MultiPolygon(vec![polygon![
                    (x: x, y: 43.0), (x: x + 0.1, y: 43.0), (x: x + 0.1, y: 43.1), (x: x, y: 43.1),
                ]]),
            }
        })
        .collect()
}

/// Seeded uniform points in a box.
pub fn random_points(n: usize, seed: u64, bbox: geo::Rect<f64>) -> Vec<(f64, f64)> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            (
                rng.gen_range(bbox.min().x..=bbox.max().x),
                rng.gen_range(bbox.min().y..=bbox.max().y),
            )
        })
        .collect()
}
