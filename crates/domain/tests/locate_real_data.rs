//! The index on real boundaries (Landes, or the demo territory when the
//! shared data is absent): agreement with brute force everywhere, including
//! exactly on shared vertices and edges.

mod common;

use std::collections::HashMap;

use common::{all_edges, random_points, territory, BoxedBruteForce};
use rayon::prelude::*;
use solidarites_domain::index::brute_force_locate;
use solidarites_domain::{CommuneIndex, InseeCode, LonLat};

#[test]
fn landes_file_parses_to_330_communes() {
    let Some(communes) = common::landes() else {
        return;
    };
    assert_eq!(communes.len(), 330);
    assert!(communes.iter().all(|c| c.code.departement() == "40"));
    let index = CommuneIndex::new(communes);
    let bbox = index.bbox().unwrap();
    assert!((-1.53..-1.52).contains(&bbox.min().x), "{bbox:?}");
    assert!((0.13..0.14).contains(&bbox.max().x), "{bbox:?}");
}

#[test]
fn mont_de_marsan_prefecture_is_in_40192() {
    let Some(communes) = common::landes() else {
        return;
    };
    let index = CommuneIndex::new(communes);
    let found = index
        .locate(LonLat::new(-0.5000, 43.8906).unwrap())
        .unwrap();
    assert_eq!(found.code, InseeCode::parse("40192").unwrap());
    assert_eq!(found.name, "Mont-de-Marsan");
    let code = InseeCode::parse("40192").unwrap();
    assert_eq!(index.get(&code).unwrap().name, "Mont-de-Marsan");
}

#[test]
fn point_in_the_atlantic_is_in_no_commune() {
    let Some(communes) = common::landes() else {
        return;
    };
    let index = CommuneIndex::new(communes);
    assert!(index.locate(LonLat::new(-2.0, 44.0).unwrap()).is_none());
    // Inside the bounding box but offshore: the grid, not the bbox, says no.
    assert!(index.locate_index(-1.5, 44.5).is_none());
}

#[test]
fn every_vertex_agrees_with_brute_force_and_inner_ones_have_one_owner() {
    let (communes, name) = territory();
    let index = CommuneIndex::new(communes);
    let reference = BoxedBruteForce::new(index.communes());

    // A vertex is inner when every edge touching it borders two communes;
    // the others lie on the coast or the département border.
    let bits = |c: geo::Coord<f64>| (c.x.to_bits(), c.y.to_bits());
    let mut edge_uses: HashMap<[(u64, u64); 2], usize> = HashMap::new();
    for (a, b) in all_edges(index.communes()) {
        let key = if bits(a) <= bits(b) {
            [bits(a), bits(b)]
        } else {
            [bits(b), bits(a)]
        };
        *edge_uses.entry(key).or_default() += 1;
    }
    let mut inner: HashMap<(u64, u64), bool> = HashMap::new();
    for (key, uses) in &edge_uses {
        for v in key {
            *inner.entry(*v).or_insert(true) &= *uses == 2;
        }
    }
    let mut inner_count = 0;
    for (&(x, y), &is_inner) in &inner {
        let (lon, lat) = (f64::from_bits(x), f64::from_bits(y));
        let found = index.locate_index(lon, lat);
        assert_eq!(
            found,
            brute_force_locate(index.communes(), lon, lat),
            "{name} vertex ({lon}, {lat})"
        );
        let containing: Vec<u32> = reference.containing(lon, lat).collect();
        if is_inner {
            inner_count += 1;
            assert_eq!(
                containing.len(),
                1,
                "{name} inner vertex ({lon}, {lat}) in {containing:?}"
            );
        } else {
            assert!(
                containing.len() <= 1,
                "{name} vertex ({lon}, {lat}) in {containing:?}"
            );
        }
    }
    assert!(
        inner_count > 100,
        "{name}: only {inner_count} inner vertices"
    );
}

#[test]
fn points_exactly_on_shared_edges_belong_to_exactly_one_commune() {
    let (communes, name) = territory();
    let index = CommuneIndex::new(communes);
    let reference = BoxedBruteForce::new(index.communes());

    // Canonical edge → number of rings using it.
    let canonical = |a: geo::Coord<f64>, b: geo::Coord<f64>| {
        if (a.y, a.x) <= (b.y, b.x) {
            (a, b)
        } else {
            (b, a)
        }
    };
    let mut uses: HashMap<[u64; 4], usize> = HashMap::new();
    for (a, b) in all_edges(index.communes()) {
        let (a, b) = canonical(a, b);
        *uses
            .entry([a.x.to_bits(), a.y.to_bits(), b.x.to_bits(), b.y.to_bits()])
            .or_default() += 1;
    }
    let mut checked = 0;
    for (key, n) in uses {
        if n != 2 {
            continue;
        }
        let [ax, ay, bx, by] = key.map(f64::from_bits);
        if by <= ay {
            continue; // horizontal: points on it go by their neighbours
        }
        for t in [0.25, 0.5, 0.75] {
            // On the edge as the predicate computes it: px equals the
            // crossing abscissa exactly, for both communes.
            let py = ay + t * (by - ay);
            let px = ax + (py - ay) * ((bx - ax) / (by - ay));
            let containing: Vec<u32> = reference.containing(px, py).collect();
            assert_eq!(
                containing.len(),
                1,
                "{name} point ({px}, {py}) on a shared edge in {containing:?}"
            );
            assert_eq!(index.locate_index(px, py), containing.first().copied());
            assert_eq!(
                index.locate_index(px, py),
                brute_force_locate(index.communes(), px, py)
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "{name}: only {checked} points checked");
}

#[test]
fn million_random_points_counted_like_brute_force() {
    let (communes, name) = territory();
    let index = CommuneIndex::new(communes);
    let bbox = index.bbox().unwrap();
    let points = random_points(1_000_000, 2020, bbox);

    let (counts, outside) = index.count_batch(&points);
    assert_eq!(counts.iter().sum::<u64>() + outside, points.len() as u64);

    let reference = BoxedBruteForce::new(index.communes());
    let answers: Vec<Option<u32>> = points
        .par_iter()
        .map(|&(x, y)| reference.locate(x, y))
        .collect();
    let mut expected = vec![0u64; index.len()];
    let mut expected_outside = 0;
    for answer in &answers {
        match answer {
            Some(i) => expected[*i as usize] += 1,
            None => expected_outside += 1,
        }
    }
    assert_eq!(counts, expected, "{name}");
    assert_eq!(outside, expected_outside, "{name}");
    assert_eq!(index.locate_batch(&points), answers, "{name}");

    // The boxed reference is the plain brute force, checked on a sample.
    let sample: Vec<(f64, f64)> = points.iter().step_by(100).copied().collect();
    let plain: Vec<Option<u32>> = sample
        .par_iter()
        .map(|&(x, y)| brute_force_locate(index.communes(), x, y))
        .collect();
    let boxed: Vec<Option<u32>> = answers.iter().step_by(100).copied().collect();
    assert_eq!(plain, boxed);
}
