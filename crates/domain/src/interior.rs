//! Representative points inside polygons.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use geo::{Area, BoundingRect, Coord, InteriorPoint, MultiPolygon, Polygon};

use crate::index::geometry_contains;
use crate::LonLat;

/// Precision of the search, in degrees of latitude (about 10 m).
const PRECISION: f64 = 1e-4;
/// Cap on the cells examined, so a pathological polygon cannot stall.
const MAX_CELLS: usize = 20_000;

/// A point inside `geometry` (WGS 84 lon/lat degrees) under the crate's
/// containment predicate ([`crate::index::geometry_contains`]), as central as
/// possible: the pole of inaccessibility of its largest polygon (by area),
/// the interior point farthest from the boundary, found to about 10 m
/// (the "polylabel" search, with longitudes scaled by the cosine of the
/// latitude so that distances are isotropic). A C-shaped commune gets a
/// point in its body, where its centroid could fall outside it.
///
/// `None` for an empty geometry or one with no area.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use solidarites_domain::index::geometry_contains;
/// use solidarites_domain::interior_point;
///
/// // A "C": its centroid (about 0.58, 0.5) lies in the opening.
/// let c = MultiPolygon(vec![polygon![
///     (x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 0.2), (x: 0.2, y: 0.2),
///     (x: 0.2, y: 0.8), (x: 1.0, y: 0.8), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0),
/// ]]);
/// let p = interior_point(&c).unwrap();
/// assert!(geometry_contains(&c, p.lon(), p.lat()));
/// assert!(p.lon() < 0.2);
/// ```
#[must_use]
pub fn interior_point(geometry: &MultiPolygon<f64>) -> Option<LonLat> {
    let largest = geometry
        .iter()
        .map(|p| (p.unsigned_area(), p))
        .filter(|(area, _)| *area > 0.0 && area.is_finite())
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, p)| p)?;
    let inside = |c: Coord<f64>| geometry_contains(geometry, c.x, c.y);
    let found = pole_of_inaccessibility(largest)
        .filter(|&c| inside(c))
        .or_else(|| largest.interior_point().map(|p| p.0).filter(|&c| inside(c)))?;
    LonLat::new(found.x, found.y).ok()
}

/// A square cell of the search, in the scaled frame.
#[derive(Debug, Clone, Copy)]
struct Cell {
    center: Coord<f64>,
    half: f64,
    /// Signed distance from the center to the boundary (positive inside).
    distance: f64,
    /// Best distance any point of the cell could have.
    potential: f64,
}

impl Cell {
    fn new(center: Coord<f64>, half: f64, rings: &[Vec<Coord<f64>>]) -> Cell {
        let distance = signed_distance(center, rings);
        Cell {
            center,
            half,
            distance,
            potential: distance + half * std::f64::consts::SQRT_2,
        }
    }
}

impl PartialEq for Cell {
    fn eq(&self, other: &Cell) -> bool {
        self.potential.total_cmp(&other.potential) == Ordering::Equal
    }
}
impl Eq for Cell {}
impl PartialOrd for Cell {
    fn partial_cmp(&self, other: &Cell) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Cell {
    fn cmp(&self, other: &Cell) -> Ordering {
        self.potential.total_cmp(&other.potential)
    }
}

/// The polylabel search (Agafonkin, 2016) on one polygon, in lon/lat.
fn pole_of_inaccessibility(polygon: &Polygon<f64>) -> Option<Coord<f64>> {
    let bbox = polygon.bounding_rect()?;
    let scale = ((bbox.min().y + bbox.max().y) / 2.0)
        .to_radians()
        .cos()
        .max(1e-6);
    let rings: Vec<Vec<Coord<f64>>> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .map(|ring| {
            ring.0
                .iter()
                .map(|c| Coord {
                    x: c.x * scale,
                    y: c.y,
                })
                .collect()
        })
        .collect();
    let (min, max) = (
        Coord {
            x: bbox.min().x * scale,
            y: bbox.min().y,
        },
        Coord {
            x: bbox.max().x * scale,
            y: bbox.max().y,
        },
    );
    let (width, height) = (max.x - min.x, max.y - min.y);
    let size = width.min(height);
    if !(size > 0.0 && size.is_finite()) {
        return None;
    }
    let half = size / 2.0;
    let mut queue = BinaryHeap::new();
    let mut x = min.x;
    while x < max.x {
        let mut y = min.y;
        while y < max.y {
            queue.push(Cell::new(
                Coord {
                    x: x + half,
                    y: y + half,
                },
                half,
                &rings,
            ));
            y += size;
        }
        x += size;
    }
    let mut best = Cell::new(
        Coord {
            x: (min.x + max.x) / 2.0,
            y: (min.y + max.y) / 2.0,
        },
        0.0,
        &rings,
    );
    let mut examined = 0;
    while let Some(cell) = queue.pop() {
        if cell.distance > best.distance {
            best = cell;
        }
        examined += 1;
        if cell.potential - best.distance <= PRECISION || examined > MAX_CELLS {
            continue;
        }
        let h = cell.half / 2.0;
        for (dx, dy) in [(-h, -h), (h, -h), (-h, h), (h, h)] {
            queue.push(Cell::new(
                Coord {
                    x: cell.center.x + dx,
                    y: cell.center.y + dy,
                },
                h,
                &rings,
            ));
        }
    }
    (best.distance > 0.0).then_some(Coord {
        x: best.center.x / scale,
        y: best.center.y,
    })
}

/// Distance from `p` to the nearest edge of `rings`, positive inside
/// (even-odd rule), negative outside.
fn signed_distance(p: Coord<f64>, rings: &[Vec<Coord<f64>>]) -> f64 {
    let mut inside = false;
    let mut nearest = f64::INFINITY;
    for ring in rings {
        for w in ring.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
                inside = !inside;
            }
            nearest = nearest.min(segment_distance_squared(p, a, b));
        }
    }
    let distance = nearest.sqrt();
    if inside {
        distance
    } else {
        -distance
    }
}

fn segment_distance_squared(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length = dx * dx + dy * dy;
    let t = if length > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / length).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (x, y) = (a.x + t * dx - p.x, a.y + t * dy - p.y);
    x * x + y * y
}

#[cfg(test)]
mod tests {
    use geo::polygon;

    use super::*;

    #[test]
    fn square_gives_its_center() {
        let square = MultiPolygon(vec![polygon![
            (x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01),
        ]]);
        let p = interior_point(&square).unwrap();
        assert!(
            (p.lon() - 0.005).abs() < 2e-4 && (p.lat() - 0.005).abs() < 2e-4,
            "{p:?}"
        );
    }

    #[test]
    fn ring_shaped_polygon_avoids_the_hole() {
        let ring = MultiPolygon(vec![polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
            interiors: [[(x: 0.2, y: 0.2), (x: 0.8, y: 0.2), (x: 0.8, y: 0.8), (x: 0.2, y: 0.8)]],
        )]);
        let p = interior_point(&ring).unwrap();
        assert!(geometry_contains(&ring, p.lon(), p.lat()));
        assert!(!(0.2..=0.8).contains(&p.lon()) || !(0.2..=0.8).contains(&p.lat()));
    }

    #[test]
    fn largest_part_of_a_multipolygon_is_used() {
        let parts = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 0.1, y: 0.0), (x: 0.1, y: 0.1), (x: 0.0, y: 0.1)],
            polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)],
        ]);
        let p = interior_point(&parts).unwrap();
        assert!((1.0..2.0).contains(&p.lon()), "{p:?}");
    }

    #[test]
    fn empty_or_flat_geometry_has_no_interior_point() {
        assert_eq!(interior_point(&MultiPolygon(vec![])), None);
        let flat = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 2.0, y: 0.0)],
        ]);
        assert_eq!(interior_point(&flat), None);
    }
}
