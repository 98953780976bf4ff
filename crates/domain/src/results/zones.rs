//! Zones that group communes (cantons, arrondissements, EPCI): read from
//! polygons or from a CSV table, and the commune → zone mapping the
//! aggregation uses.

use std::fmt;
use std::str::FromStr;

use geo::MultiPolygon;
use serde::{Deserialize, Serialize};

use crate::import::ImportErrors;
use crate::{Commune, InseeCode};

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
        let _ = (level, communes, assignments);
        todo!()
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
    let _ = text;
    todo!()
}

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
    let _ = (communes, zones);
    todo!()
}

/// Parses a `code_commune;code_zone;nom_zone` table.
///
/// The separator is `;`, `,` or tab (the first found on the first non-blank
/// line); a UTF-8 BOM, blank lines and double quotes around fields are
/// tolerated; a header is recognised on the first non-blank line when its
/// first field is not a commune code; a 4-digit code is left-padded
/// (`1004` → `01004`). Every line must have 3 fields, a valid INSEE code, a
/// non-empty zone code and name.
///
/// # Errors
/// Every bad line, by 1-based number, including a commune given twice.
pub fn parse_csv(text: &str) -> Result<Vec<ZoneAssignment>, ImportErrors> {
    let _ = text;
    todo!()
}
