//! Zones that group communes (cantons, arrondissements, EPCI): read from
//! polygons or from a CSV table, and the commune → zone mapping the
//! aggregation uses.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use geo::{BoundingRect, Coord, MultiPolygon, Rect};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::gaps::EARTH_RADIUS_KM;
use super::indicators::csv_lines;
use crate::import::{
    check_crs, describe, first_property, parse_geometry, ImportError, ImportErrors,
};
use crate::index::geometry_contains;
use crate::{Commune, InseeCode, LonLat};

/// A level of zones above the commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneLevel {
    /// Canton (electoral division of a département).
    Canton,
    /// Arrondissement (State district).
    Arrondissement,
    /// EPCI (intercommunality: communauté de communes, d'agglomération…).
    Epci,
}

impl ZoneLevel {
    /// Every level, from the finest.
    pub const ALL: [ZoneLevel; 3] = [
        ZoneLevel::Canton,
        ZoneLevel::Epci,
        ZoneLevel::Arrondissement,
    ];

    /// `canton`, `arrondissement` or `epci`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneLevel::Canton => "canton",
            ZoneLevel::Arrondissement => "arrondissement",
            ZoneLevel::Epci => "epci",
        }
    }

    /// The level written `s` ([`as_str`](Self::as_str) form), if any.
    #[must_use]
    pub fn parse(s: &str) -> Option<ZoneLevel> {
        ZoneLevel::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for ZoneLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ZoneLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<ZoneLevel, String> {
        ZoneLevel::parse(s).ok_or_else(|| {
            format!("« {s} » n'est pas un niveau de zone : canton, arrondissement ou epci.")
        })
    }
}

/// One commune's zone, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneAssignment {
    /// The commune.
    pub commune: InseeCode,
    /// The zone's code (free text, trimmed, non-empty).
    pub zone_code: String,
    /// The zone's name.
    pub zone_name: String,
}

/// A zone of a mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Zone {
    /// The zone's code.
    pub code: String,
    /// The zone's name.
    pub name: String,
}

/// Communes grouped into zones of one level, against one territory's commune
/// list (positions as in [`crate::CommuneIndex::communes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneMapping {
    level: ZoneLevel,
    zones: Vec<Zone>,
    /// Zone index per commune position.
    commune_zone: Vec<Option<u32>>,
}

impl ZoneMapping {
    /// The mapping of `assignments` over `communes` (the territory's list, in
    /// position order). Zones are sorted by code; a zone's name is that of
    /// its first assignment. Assignments of communes not in `communes` are
    /// ignored (the territory may have changed since the zones were
    /// imported); communes with no assignment are in no zone.
    #[must_use]
    pub fn new(
        level: ZoneLevel,
        communes: &[Commune],
        assignments: &[ZoneAssignment],
    ) -> ZoneMapping {
        let mut names: BTreeMap<&str, &str> = BTreeMap::new();
        for a in assignments {
            names
                .entry(a.zone_code.as_str())
                .or_insert(a.zone_name.as_str());
        }
        let zones: Vec<Zone> = names
            .iter()
            .map(|(code, name)| Zone {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
            })
            .collect();
        let zone_index: HashMap<&str, u32> = zones
            .iter()
            .enumerate()
            .filter_map(|(i, z)| Some((z.code.as_str(), u32::try_from(i).ok()?)))
            .collect();
        let by_code: HashMap<&InseeCode, &str> = assignments
            .iter()
            .rev() // the first assignment of a commune wins
            .map(|a| (&a.commune, a.zone_code.as_str()))
            .collect();
        let commune_zone = communes
            .iter()
            .map(|c| {
                by_code
                    .get(&c.code)
                    .and_then(|code| zone_index.get(code).copied())
            })
            .collect();
        ZoneMapping {
            level,
            zones,
            commune_zone,
        }
    }

    /// The level.
    #[must_use]
    pub fn level(&self) -> ZoneLevel {
        self.level
    }

    /// The zones, sorted by code.
    #[must_use]
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// The zone index (into [`zones`](Self::zones)) of the commune at `position`.
    #[must_use]
    pub fn zone_of(&self, position: usize) -> Option<u32> {
        self.commune_zone.get(position).copied().flatten()
    }

    /// Number of communes the mapping was built for.
    #[must_use]
    pub fn commune_count(&self) -> usize {
        self.commune_zone.len()
    }
}

/// A zone read from a GeoJSON file, with its boundary (WGS 84 lon/lat).
#[derive(Debug, Clone, PartialEq)]
pub struct ZonePolygon {
    /// The zone's code.
    pub code: String,
    /// The zone's name.
    pub name: String,
    /// The boundary, WGS 84 lon/lat degrees.
    pub geometry: MultiPolygon<f64>,
}

/// Parses zone boundaries from a GeoJSON FeatureCollection in WGS 84:
/// Polygon or MultiPolygon features with a code (`code`, `INSEE_CAN`,
/// `INSEE_ARR`, `CODE_EPCI`, `SIREN_EPCI`, `siren`, `ref`) and a name (`nom`,
/// `NOM`, `name`, `NOM_EPCI`; the code when missing) property.
///
/// # Errors
/// Every bad feature, by 0-based index: no code, invalid geometry,
/// projected coordinates, duplicate code.
pub fn parse_zones_geojson(text: &str) -> Result<Vec<ZonePolygon>, ImportErrors> {
    let file_error = |message: String| ImportErrors(vec![ImportError::file(message)]);
    let root: Value =
        serde_json::from_str(text).map_err(|e| file_error(format!("not valid JSON: {e}")))?;
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(file_error(format!(
            "expected a GeoJSON FeatureCollection, found {}",
            describe(&root)
        )));
    }
    let mut errors = Vec::new();
    if let Some(message) = root.get("crs").and_then(check_crs) {
        errors.push(ImportError::file(message));
    }
    let Some(Value::Array(features)) = root.get("features") else {
        errors.push(ImportError::file(
            "the FeatureCollection has no \"features\" array",
        ));
        return Err(ImportErrors(errors));
    };
    if features.is_empty() {
        errors.push(ImportError::file(
            "the FeatureCollection has no features: no zone to import",
        ));
    }
    let empty = Map::new();
    let mut zones = Vec::with_capacity(features.len());
    let mut first_seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, feature) in features.iter().enumerate() {
        let mut fail = |message: String| errors.push(ImportError::feature(index, message));
        let properties = match feature.get("properties") {
            Some(Value::Object(properties)) => properties,
            _ => &empty,
        };
        let code = match first_property(properties, &ZONE_CODE_KEYS) {
            Some((_, Value::String(code))) if !code.trim().is_empty() => code.trim().to_owned(),
            Some((_, Value::Number(code))) => code.to_string(),
            _ => {
                fail(format!(
                    "no zone code: expected one of the properties {}",
                    ZONE_CODE_KEYS.join(", ")
                ));
                continue;
            }
        };
        let name = match first_property(properties, &ZONE_NAME_KEYS) {
            Some((_, Value::String(name))) if !name.trim().is_empty() => name.trim().to_owned(),
            _ => code.clone(),
        };
        let geometry = match feature.get("geometry") {
            Some(geometry) if !geometry.is_null() => match parse_geometry(geometry) {
                Ok(geometry) => geometry,
                Err(problems) => {
                    for problem in problems {
                        fail(problem);
                    }
                    continue;
                }
            },
            _ => {
                fail("no geometry: expected a Polygon or MultiPolygon".to_owned());
                continue;
            }
        };
        if let Some(&first) = first_seen.get(&code) {
            fail(format!(
                "duplicate zone code {code} (already used by feature {first})"
            ));
            continue;
        }
        first_seen.insert(code.clone(), index);
        zones.push(ZonePolygon {
            code,
            name,
            geometry,
        });
    }
    if errors.is_empty() {
        Ok(zones)
    } else {
        Err(ImportErrors(errors))
    }
}

/// Properties that may hold a zone's code, in order of preference.
const ZONE_CODE_KEYS: [&str; 7] = [
    "code",
    "INSEE_CAN",
    "INSEE_ARR",
    "CODE_EPCI",
    "SIREN_EPCI",
    "siren",
    "ref",
];
/// Properties that may hold a zone's name.
const ZONE_NAME_KEYS: [&str; 5] = ["nom", "NOM", "name", "NOM_EPCI", "libelle"];

/// A commune placed in the zone nearest to its interior point, because no
/// zone contains that point (boundaries simplified differently, small gaps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearestAssignment {
    /// The commune.
    pub commune: InseeCode,
    /// The zone it was given.
    pub zone_code: String,
    /// Distance from the commune's interior point to that zone, km.
    pub distance_km: f64,
}

/// What [`assign_by_polygons`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct PolygonAssignment {
    /// One per commune placed in a zone, in commune order.
    pub assignments: Vec<ZoneAssignment>,
    /// Communes placed in the nearest zone (also in `assignments`): warn about them.
    pub nearest: Vec<NearestAssignment>,
    /// Communes in no zone: farther than [`MAX_NEAREST_KM`] from every zone.
    pub unassigned: Vec<InseeCode>,
}

/// Farthest a commune's interior point may lie outside every zone and still
/// be placed in the nearest one, km.
pub const MAX_NEAREST_KM: f64 = 2.0;

/// Places each commune in the zone containing its interior point
/// ([`Commune::interior_point`], inside the commune even when it is C-shaped);
/// when zones overlap there, the zone with the lowest code. A point in no
/// zone goes to the nearest zone within [`MAX_NEAREST_KM`] (listed in
/// `nearest`), else the commune stays unassigned.
#[must_use]
pub fn assign_by_polygons(communes: &[Commune], zones: &[ZonePolygon]) -> PolygonAssignment {
    // Lowest code first, so that the first zone containing a point wins overlaps.
    let mut order: Vec<&ZonePolygon> = zones.iter().collect();
    order.sort_by(|a, b| a.code.cmp(&b.code));
    let boxes: Vec<Option<Rect<f64>>> = order.iter().map(|z| z.geometry.bounding_rect()).collect();
    let mut result = PolygonAssignment {
        assignments: Vec::with_capacity(communes.len()),
        nearest: Vec::new(),
        unassigned: Vec::new(),
    };
    for commune in communes {
        let Some(point) = commune.interior_point() else {
            result.unassigned.push(commune.code.clone());
            continue;
        };
        let (lon, lat) = (point.lon(), point.lat());
        let containing = order.iter().zip(&boxes).find(|(zone, bbox)| {
            bbox.is_some_and(|b| {
                b.min().x <= lon && lon <= b.max().x && b.min().y <= lat && lat <= b.max().y
            }) && geometry_contains(&zone.geometry, lon, lat)
        });
        let zone = match containing {
            Some((zone, _)) => zone,
            None => {
                let nearest = order
                    .iter()
                    .map(|zone| (zone, distance_to_boundary_km(&zone.geometry, point)))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                match nearest {
                    Some((zone, distance_km)) if distance_km <= MAX_NEAREST_KM => {
                        result.nearest.push(NearestAssignment {
                            commune: commune.code.clone(),
                            zone_code: zone.code.clone(),
                            distance_km,
                        });
                        zone
                    }
                    _ => {
                        result.unassigned.push(commune.code.clone());
                        continue;
                    }
                }
            }
        };
        result.assignments.push(ZoneAssignment {
            commune: commune.code.clone(),
            zone_code: zone.code.clone(),
            zone_name: zone.name.clone(),
        });
    }
    result
}

/// Shortest distance from `point` to the edges of `geometry`, km (each edge
/// is measured in a local plane around `point`: exact enough at the scale of
/// a few km, which is all [`MAX_NEAREST_KM`] needs).
fn distance_to_boundary_km(geometry: &MultiPolygon<f64>, point: LonLat) -> f64 {
    let km_per_degree = EARTH_RADIUS_KM.to_radians();
    let scale = point.lat().to_radians().cos();
    let local = |c: Coord<f64>| {
        (
            (c.x - point.lon()) * scale * km_per_degree,
            (c.y - point.lat()) * km_per_degree,
        )
    };
    let mut nearest = f64::INFINITY;
    for polygon in geometry {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            for w in ring.0.windows(2) {
                let (a, b) = (local(w[0]), local(w[1]));
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let length = dx * dx + dy * dy;
                let t = if length > 0.0 {
                    (-(a.0 * dx + a.1 * dy) / length).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                nearest = nearest.min((a.0 + t * dx).hypot(a.1 + t * dy));
            }
        }
    }
    nearest
}

/// Parses a `code_commune;code_zone;nom_zone` table.
///
/// The separator is `;`, `,` or tab (the first found on the first non-blank
/// line); a UTF-8 BOM, blank lines and double quotes around fields are
/// tolerated; a header is recognised on the first non-blank line when its
/// first field has no digit (`code_commune`, `CODGEO`); a 4-digit code is left-padded
/// (`1004` → `01004`). Every line must have 3 fields, a valid INSEE code, a
/// non-empty zone code and name.
///
/// # Errors
/// Every bad line, by 1-based number, including a commune given twice.
pub fn parse_csv(text: &str) -> Result<Vec<ZoneAssignment>, ImportErrors> {
    let mut assignments = Vec::new();
    let mut first_line: BTreeMap<InseeCode, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for (index, (number, fields)) in csv_lines(text).enumerate() {
        if index == 0
            && fields
                .first()
                .is_some_and(|f| !f.bytes().any(|b| b.is_ascii_digit()))
        {
            continue; // a header such as "code_commune;code_zone;nom_zone"
        }
        let [code_field, zone_code, zone_name] = fields.as_slice() else {
            errors.push(ImportError::line(
                number,
                format!(
                    "expected 3 fields (code_commune;code_zone;nom_zone), found {}",
                    fields.len()
                ),
            ));
            continue;
        };
        let mut bad = false;
        let code = match parse_commune_code(code_field) {
            Ok(code) => Some(code),
            Err(e) => {
                errors.push(ImportError::line(
                    number,
                    format!("invalid commune code {code_field:?}: {e}"),
                ));
                bad = true;
                None
            }
        };
        if zone_code.is_empty() {
            errors.push(ImportError::line(number, "empty zone code (code_zone)"));
            bad = true;
        }
        if zone_name.is_empty() {
            errors.push(ImportError::line(number, "empty zone name (nom_zone)"));
            bad = true;
        }
        let Some(code) = code.filter(|_| !bad) else {
            continue;
        };
        if !first_mention(&code, number, &mut first_line, &mut errors) {
            continue;
        }
        assignments.push(ZoneAssignment {
            commune: code,
            zone_code: (*zone_code).to_owned(),
            zone_name: (*zone_name).to_owned(),
        });
    }
    if assignments.is_empty() && errors.is_empty() {
        errors.push(ImportError::file("the file has no zone line"));
    }
    if errors.is_empty() {
        Ok(assignments)
    } else {
        Err(ImportErrors(errors))
    }
}

/// Whether line `number` is the first of the file to give the commune `code` (it is then
/// remembered in `first_line`); else an error naming the earlier line.
pub(crate) fn first_mention(
    code: &InseeCode,
    number: usize,
    first_line: &mut BTreeMap<InseeCode, usize>,
    errors: &mut Vec<ImportError>,
) -> bool {
    if let Some(&earlier) = first_line.get(code) {
        errors.push(ImportError::line(
            number,
            format!("commune {code} is given twice (already on line {earlier})"),
        ));
        return false;
    }
    first_line.insert(code.clone(), number);
    true
}

/// An INSEE code as spreadsheets write it: a 4-digit code lost its leading zero.
pub(crate) fn parse_commune_code(field: &str) -> Result<InseeCode, crate::InseeCodeError> {
    if field.len() == 4 && field.bytes().all(|b| b.is_ascii_digit()) {
        InseeCode::parse(&format!("0{field}"))
    } else {
        InseeCode::parse(field)
    }
}
