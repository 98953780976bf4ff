//! The commune, the unit of every aggregate in Solidarités.

use geo::MultiPolygon;

use crate::InseeCode;

/// A French commune with its boundary.
///
/// `geometry` is in WGS 84 longitude/latitude degrees (x = lon, y = lat); a
/// single-part boundary is a one-member `MultiPolygon`. Rings are closed.
#[derive(Clone, Debug, PartialEq)]
pub struct Commune {
    /// INSEE code, the commune's identity.
    pub code: InseeCode,
    /// Official name, e.g. `Mont-de-Marsan`.
    pub name: String,
    /// Legal population (inhabitants), when known.
    pub population: Option<u32>,
    /// Postal codes serving the commune, sorted, without duplicates; a postal
    /// code may be shared with other communes.
    pub postal_codes: Vec<String>,
    /// Boundary, WGS 84 lon/lat degrees.
    pub geometry: MultiPolygon<f64>,
}

impl Commune {
    /// A point guaranteed inside the commune (WGS 84 lon/lat), as central as
    /// possible: the pole of inaccessibility of its largest polygon (the
    /// interior point farthest from the boundary, found to about 10 m), so
    /// that a C-shaped commune gets a point in its body, not in the bay of
    /// the C as a centroid would. `None` only for an empty geometry.
    #[must_use]
    pub fn interior_point(&self) -> Option<crate::LonLat> {
        crate::interior::interior_point(&self.geometry)
    }
}
