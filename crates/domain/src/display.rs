//! Light boundaries for the public map and the choropleth.

use std::collections::HashMap;

use geo::{Coord, LineString, Simplify};
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue};
use serde_json::{Map, Value};

use crate::Commune;

/// Decimal places kept in output coordinates: 1e-5 degree is about 1 m.
const DECIMALS: f64 = 1e5;

/// The INSEE code of a feature of [`simplified_feature_collection`] (its `code` property).
#[must_use]
pub fn feature_code(feature: &Feature) -> Option<&str> {
    feature.properties.as_ref()?.get("code")?.as_str()
}

/// One GeoJSON Feature per commune, with simplified boundaries, for map display.
///
/// Input and output are WGS 84 lon/lat degrees; `tolerance_deg` is the
/// Ramer–Douglas–Peucker tolerance in degrees (0.001 ≈ 80–110 m in
/// metropolitan France; 0 or less keeps every vertex). Properties are `code`,
/// `name`, `population` (number or null) and `postal_codes`.
///
/// Borders shared by neighbouring communes are simplified once, as whole arcs
/// between junctions (points where three or more boundaries meet), so the
/// simplified map has no gaps or overlaps between communes when the input
/// shares vertices exactly. A ring that would degenerate (fewer than 3
/// distinct points, or no area) is kept as it was, so no commune or polygon
/// ever disappears. Coordinates are rounded to 5 decimals (~1 m). The output
/// depends only on the input: same communes, same bytes.
#[must_use]
pub fn simplified_feature_collection(
    communes: &[Commune],
    tolerance_deg: f64,
) -> FeatureCollection {
    let tolerance = if tolerance_deg.is_finite() && tolerance_deg > 0.0 {
        tolerance_deg
    } else {
        0.0
    };
    let junctions = find_junctions(communes);
    let features = communes
        .iter()
        .map(|commune| {
            let polygons: Vec<Vec<Vec<[f64; 2]>>> = commune
                .geometry
                .iter()
                .map(|polygon| {
                    std::iter::once(polygon.exterior())
                        .chain(polygon.interiors())
                        .map(|ring| simplify_ring(ring, tolerance, &junctions))
                        .collect()
                })
                .collect();
            let value = match <[_; 1]>::try_from(polygons) {
                Ok([polygon]) => GeometryValue::new_polygon(polygon),
                Err(polygons) => GeometryValue::new_multi_polygon(polygons),
            };
            Feature {
                bbox: None,
                geometry: Some(Geometry::new(value)),
                id: None,
                properties: Some(properties(commune)),
                foreign_members: None,
            }
        })
        .collect();
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

fn properties(commune: &Commune) -> Map<String, Value> {
    // Inserted in alphabetical order: the same output whether or not
    // serde_json's preserve_order feature is on somewhere in the build.
    let mut properties = Map::new();
    properties.insert("code".to_owned(), Value::from(commune.code.as_str()));
    properties.insert("name".to_owned(), Value::from(commune.name.as_str()));
    properties.insert(
        "population".to_owned(),
        commune.population.map_or(Value::Null, Value::from),
    );
    properties.insert(
        "postal_codes".to_owned(),
        Value::from(commune.postal_codes.clone()),
    );
    properties
}

/// Identity of a vertex: its exact coordinates (with -0.0 folded into 0.0).
type Key = (u64, u64);

fn key(c: Coord<f64>) -> Key {
    ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits())
}

/// A ring's distinct vertices in order, without the closing repeat and
/// without consecutive duplicates.
fn open_ring(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut coords: Vec<Coord<f64>> = ring.0.clone();
    coords.dedup();
    if coords.len() > 1 && coords.first() == coords.last() {
        coords.pop();
    }
    coords
}

/// Vertices where boundaries meet or part: a vertex is a junction when its
/// occurrences (in all rings) do not all have the same pair of neighbours.
/// Arcs between junctions are then shared whole, or not at all.
fn find_junctions(communes: &[Commune]) -> std::collections::HashSet<Key> {
    enum Seen {
        Neighbours(Key, Key),
        Junction,
    }
    let mut seen: HashMap<Key, Seen> = HashMap::new();
    for ring in communes.iter().flat_map(|c| {
        c.geometry
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
    }) {
        let coords = open_ring(ring);
        let n = coords.len();
        for (i, &c) in coords.iter().enumerate() {
            let (Some(&prev), Some(&next)) = (coords.get((i + n - 1) % n), coords.get((i + 1) % n))
            else {
                continue;
            };
            let (a, b) = (key(prev), key(next));
            let pair = if a <= b { (a, b) } else { (b, a) };
            seen.entry(key(c))
                .and_modify(|s| {
                    if let Seen::Neighbours(x, y) = s {
                        if (*x, *y) != pair {
                            *s = Seen::Junction;
                        }
                    }
                })
                .or_insert(Seen::Neighbours(pair.0, pair.1));
        }
    }
    seen.into_iter()
        .filter(|(_, s)| matches!(s, Seen::Junction))
        .map(|(k, _)| k)
        .collect()
}

fn coord_order(a: &Coord<f64>, b: &Coord<f64>) -> std::cmp::Ordering {
    a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y))
}

/// Simplifies an arc (endpoints kept) the same way whichever direction it
/// is walked in, so both communes sharing it get the same vertices.
fn simplify_arc(arc: &[Coord<f64>], tolerance: f64) -> Vec<Coord<f64>> {
    let (Some(first), Some(last)) = (arc.first(), arc.last()) else {
        return arc.to_vec();
    };
    let mut reverse = coord_order(first, last).is_gt();
    if first == last {
        // A closed loop: decide by the vertices next to the endpoint.
        if let (Some(second), Some(before_last)) = (
            arc.get(1),
            arc.len().checked_sub(2).and_then(|i| arc.get(i)),
        ) {
            reverse = coord_order(second, before_last).is_gt();
        }
    }
    let mut canonical = arc.to_vec();
    if reverse {
        canonical.reverse();
    }
    let mut simplified = LineString::new(canonical).simplify(tolerance).0;
    if reverse {
        simplified.reverse();
    }
    simplified
}

fn round(c: Coord<f64>) -> [f64; 2] {
    [
        (c.x * DECIMALS).round() / DECIMALS,
        (c.y * DECIMALS).round() / DECIMALS,
    ]
}

/// Rounds, drops consecutive duplicates and closes; `None` when fewer than
/// 3 distinct points or no area remain.
fn finish_ring(coords: &[Coord<f64>]) -> Option<Vec<[f64; 2]>> {
    let mut out: Vec<[f64; 2]> = coords.iter().map(|&c| round(c)).collect();
    out.dedup();
    while out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    if out.len() < 3 {
        return None;
    }
    let first = *out.first()?;
    out.push(first);
    let twice_area: f64 = out
        .windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum();
    (twice_area != 0.0).then_some(out)
}

fn simplify_ring(
    ring: &LineString<f64>,
    tolerance: f64,
    junctions: &std::collections::HashSet<Key>,
) -> Vec<[f64; 2]> {
    let coords = open_ring(ring);
    let n = coords.len();
    // Start at the first junction; a ring with none (an island, or a commune
    // enclosed by another) starts at its smallest vertex, which both rings
    // of an enclave share.
    let start = coords
        .iter()
        .position(|c| junctions.contains(&key(*c)))
        .or_else(|| {
            coords
                .iter()
                .enumerate()
                .min_by(|a, b| coord_order(a.1, b.1))
                .map(|(i, _)| i)
        })
        .unwrap_or(0);
    let rotated: Vec<Coord<f64>> = (0..=n)
        .filter_map(|i| coords.get((start + i) % n.max(1)).copied())
        .collect();

    let mut simplified: Vec<Coord<f64>> = Vec::with_capacity(n + 1);
    let mut arc_start = 0;
    for (i, c) in rotated.iter().enumerate().skip(1) {
        if i == n || junctions.contains(&key(*c)) {
            let arc = simplify_arc(rotated.get(arc_start..=i).unwrap_or_default(), tolerance);
            // Each arc repeats the previous arc's last point.
            let skip = usize::from(!simplified.is_empty());
            simplified.extend(arc.into_iter().skip(skip));
            arc_start = i;
        }
    }
    finish_ring(&simplified)
        .or_else(|| finish_ring(&coords))
        .unwrap_or_else(|| ring.0.iter().map(|c| [c.x, c.y]).collect())
}
