//! Volunteers matched with the listings that welcome them (issue 18, point 6): a listing
//! is offered to a volunteer when it is in the volunteer's commune or within a radius of
//! it, and shares one of the volunteer's themes (a volunteer who named none takes any).
//!
//! Places are communes with their representative point (WGS 84 lon/lat, the point the
//! needs-versus-offer ranking and the `near` query measure from); distances are
//! great-circle (haversine) kilometres.

use crate::{results::gaps::haversine_km, LonLat};

/// A commune (INSEE code) and its representative point, when known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place<'a> {
    pub commune: &'a str,
    pub point: Option<LonLat>,
}

/// The distance in km from `from` to `to` when `to` is in the same commune (its distance,
/// 0 when a point is missing) or within `radius_km`; `None` otherwise.
///
/// ```
/// use solidarites_domain::{matching::{near_km, Place}, LonLat};
/// let dax = Place { commune: "40088", point: LonLat::new(-1.05, 43.71).ok() };
/// let mdm = Place { commune: "40192", point: LonLat::new(-0.50, 43.89).ok() };
/// assert!(near_km(dax, mdm, 20.0).is_none()); // about 48 km apart
/// assert!(near_km(dax, mdm, 60.0).is_some_and(|d| (d - 48.6).abs() < 1.0));
/// ```
#[must_use]
pub fn near_km(from: Place<'_>, to: Place<'_>, radius_km: f64) -> Option<f64> {
    let distance = match (from.point, to.point) {
        (Some(a), Some(b)) => Some(haversine_km(a, b)),
        _ => None,
    };
    if from.commune == to.commune {
        return Some(distance.unwrap_or(0.0));
    }
    distance.filter(|d| *d <= radius_km)
}

/// Whether a listing offering `offered` themes suits a volunteer who named `wanted`
/// (none named: any listing suits).
#[must_use]
pub fn shares_theme(wanted: &[String], offered: &[String]) -> bool {
    wanted.is_empty() || wanted.iter().any(|w| offered.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn place(commune: &str, lon: f64, lat: f64) -> Place<'_> {
        Place {
            commune,
            point: LonLat::new(lon, lat).ok(),
        }
    }

    #[test]
    fn the_same_commune_always_matches_even_without_points() {
        let a = Place {
            commune: "40088",
            point: None,
        };
        assert_eq!(near_km(a, a, 0.0), Some(0.0));
        assert_eq!(near_km(a, place("40088", -1.0, 43.7), 1.0), Some(0.0));
        assert_eq!(near_km(a, place("40192", -1.0, 43.7), 1000.0), None);
    }

    #[test]
    fn other_communes_match_within_the_radius_only() {
        let a = place("40001", -1.0, 44.0);
        // 0.1 degree of latitude is about 11.1 km.
        let b = place("40002", -1.0, 44.1);
        assert!(near_km(a, b, 12.0).is_some());
        assert!(near_km(a, b, 11.0).is_none());
    }

    #[test]
    fn themes_match_when_one_is_shared_or_none_wanted() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert!(shares_theme(&s(&[]), &s(&["sante"])));
        assert!(shares_theme(&s(&["sante", "logement"]), &s(&["logement"])));
        assert!(!shares_theme(&s(&["sante"]), &s(&["logement"])));
        assert!(!shares_theme(&s(&["sante"]), &s(&[])));
    }

    proptest! {
        #[test]
        fn nearness_is_symmetric_and_grows_with_the_radius(
            lon1 in -2.0f64..2.0, lat1 in 43.0f64..46.0,
            lon2 in -2.0f64..2.0, lat2 in 43.0f64..46.0,
            radius in 0.0f64..300.0, more in 0.0f64..100.0,
        ) {
            let a = place("40001", lon1, lat1);
            let b = place("40002", lon2, lat2);
            prop_assert_eq!(near_km(a, b, radius).is_some(), near_km(b, a, radius).is_some());
            if near_km(a, b, radius).is_some() {
                prop_assert!(near_km(a, b, radius + more).is_some());
            }
        }
    }
}
