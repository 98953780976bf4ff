//! Validated WGS 84 positions.

use serde::{Deserialize, Deserializer, Serialize};

/// A position in WGS 84 (EPSG:4326) longitude/latitude, in degrees.
///
/// Construction refuses NaN, infinities, longitudes outside [-180, 180] and
/// latitudes outside [-90, 90], so a `LonLat` can be handed to the index
/// without further checks.
///
/// ```
/// use solidarites_domain::LonLat;
///
/// let p = LonLat::new(-0.5, 43.89).unwrap();
/// assert_eq!((p.lon(), p.lat()), (-0.5, 43.89));
/// let err = LonLat::new(652_000.0, 6_862_000.0).unwrap_err();
/// assert_eq!(err.field(), "lon");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

/// Why a pair of numbers is not a WGS 84 position.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum CoordinateError {
    /// A coordinate is NaN or infinite.
    #[error("{field} must be a finite number, got {value}")]
    NotFinite {
        /// `"lon"` or `"lat"`.
        field: &'static str,
        /// The value given.
        value: f64,
    },
    /// The longitude is outside [-180, 180] degrees.
    #[error("lon must be between -180 and 180 degrees (WGS 84), got {0}")]
    LongitudeOutOfRange(f64),
    /// The latitude is outside [-90, 90] degrees.
    #[error("lat must be between -90 and 90 degrees (WGS 84), got {0}")]
    LatitudeOutOfRange(f64),
}

impl CoordinateError {
    /// The name of the offending coordinate, `"lon"` or `"lat"`, so an API can
    /// point at the bad field.
    #[must_use]
    pub fn field(&self) -> &'static str {
        match self {
            CoordinateError::NotFinite { field, .. } => field,
            CoordinateError::LongitudeOutOfRange(_) => "lon",
            CoordinateError::LatitudeOutOfRange(_) => "lat",
        }
    }
}

impl LonLat {
    /// Builds a position from a WGS 84 longitude and latitude in degrees.
    ///
    /// The longitude is checked first, so an error names `lon` when both are bad.
    ///
    /// # Errors
    /// [`CoordinateError`] when a value is not finite or out of range.
    pub fn new(lon: f64, lat: f64) -> Result<LonLat, CoordinateError> {
        if !lon.is_finite() {
            return Err(CoordinateError::NotFinite {
                field: "lon",
                value: lon,
            });
        }
        if !lat.is_finite() {
            return Err(CoordinateError::NotFinite {
                field: "lat",
                value: lat,
            });
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(CoordinateError::LongitudeOutOfRange(lon));
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(CoordinateError::LatitudeOutOfRange(lat));
        }
        Ok(LonLat { lon, lat })
    }

    /// Longitude in degrees, WGS 84, in [-180, 180].
    #[must_use]
    pub fn lon(&self) -> f64 {
        self.lon
    }

    /// Latitude in degrees, WGS 84, in [-90, 90].
    #[must_use]
    pub fn lat(&self) -> f64 {
        self.lat
    }
}

impl From<LonLat> for geo::Point<f64> {
    fn from(p: LonLat) -> Self {
        geo::Point::new(p.lon, p.lat)
    }
}

impl<'de> Deserialize<'de> for LonLat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            lon: f64,
            lat: f64,
        }
        let raw = Raw::deserialize(deserializer)?;
        LonLat::new(raw.lon, raw.lat).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_bounds_inclusive() {
        assert!(LonLat::new(-180.0, -90.0).is_ok());
        assert!(LonLat::new(180.0, 90.0).is_ok());
        assert!(LonLat::new(-0.0, 0.0).is_ok());
    }

    #[test]
    fn rejects_nan_and_infinities_naming_the_field() {
        let err = LonLat::new(f64::NAN, 43.0).unwrap_err();
        assert!(matches!(
            err,
            CoordinateError::NotFinite { field: "lon", .. }
        ));
        assert_eq!(err.field(), "lon");
        assert_eq!(LonLat::new(0.0, f64::INFINITY).unwrap_err().field(), "lat");
        assert_eq!(
            LonLat::new(0.0, f64::NEG_INFINITY).unwrap_err().field(),
            "lat"
        );
    }

    #[test]
    fn rejects_out_of_range() {
        assert_eq!(
            LonLat::new(180.000_001, 0.0),
            Err(CoordinateError::LongitudeOutOfRange(180.000_001))
        );
        assert_eq!(
            LonLat::new(0.0, -90.5),
            Err(CoordinateError::LatitudeOutOfRange(-90.5))
        );
        // Lambert-93 metres are caught as out of range, on lon first.
        assert_eq!(
            LonLat::new(420_000.0, 6_300_000.0).unwrap_err().field(),
            "lon"
        );
        assert_eq!(LonLat::new(-0.5, 6_300_000.0).unwrap_err().field(), "lat");
    }

    #[test]
    fn error_message_names_the_coordinate() {
        let msg = LonLat::new(0.0, 91.0).unwrap_err().to_string();
        assert!(msg.starts_with("lat must be between"), "{msg}");
    }

    #[test]
    fn deserialisation_validates() {
        let p: LonLat = serde_json::from_str(r#"{"lon":-0.5,"lat":43.9}"#).unwrap();
        assert_eq!(p, LonLat::new(-0.5, 43.9).unwrap());
        assert!(serde_json::from_str::<LonLat>(r#"{"lon":200,"lat":43.9}"#).is_err());
    }
}
