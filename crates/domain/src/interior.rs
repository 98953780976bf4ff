//! Representative points inside polygons.

use geo::MultiPolygon;

use crate::LonLat;

/// A point inside `geometry` (WGS 84 lon/lat degrees) under the crate's
/// containment predicate ([`crate::index::geometry_contains`]): the pole of
/// inaccessibility of its largest polygon (by area), found to about 1e-4
/// degree. `None` for an empty geometry or one with no area.
#[must_use]
pub fn interior_point(geometry: &MultiPolygon<f64>) -> Option<LonLat> {
    let _ = geometry;
    todo!()
}
