//! Needs against offer: where residents report difficulties in a theme and
//! few initiatives of that theme are nearby.

use std::collections::BTreeMap;

use geojson::FeatureCollection;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::secrecy::SecretTable;
use crate::display::simplified_feature_collection;
use crate::{Commune, InseeCode, LonLat};

/// Mean Earth radius (IUGG), km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance between two WGS 84 positions, in km, on a sphere of
/// radius [`EARTH_RADIUS_KM`] (haversine formula; error under 0.5 % against
/// the ellipsoid).
///
/// ```
/// use solidarites_domain::LonLat;
/// use solidarites_domain::results::gaps::haversine_km;
///
/// let mont_de_marsan = LonLat::new(-0.4997, 43.8902).unwrap();
/// let dax = LonLat::new(-1.0536, 43.7102).unwrap();
/// let d = haversine_km(mont_de_marsan, dax);
/// assert!((d - 48.7).abs() < 0.5, "{d}");
/// assert_eq!(haversine_km(dax, dax), 0.0);
/// ```
#[must_use]
pub fn haversine_km(a: LonLat, b: LonLat) -> f64 {
    let (lat1, lat2) = (a.lat().to_radians(), b.lat().to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon() - a.lon()).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The need for one theme in one commune, from protected results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Need {
    /// The commune's INSEE code.
    pub commune: InseeCode,
    /// The theme slug (an option value of the difficulties question).
    pub theme: String,
    /// Respondents of the commune (under the table's filter).
    pub respondents: u64,
    /// Respondents who reported a difficulty in the theme.
    pub reporting: u64,
}

impl Need {
    /// `reporting / respondents` (0 without respondents).
    #[must_use]
    pub fn share(&self) -> f64 {
        if self.respondents == 0 {
            0.0
        } else {
            self.reporting as f64 / self.respondents as f64
        }
    }
}

/// The needs of a commune-level [`SecretTable`] for the multiple choice
/// question `question` whose options are theme slugs (`domaines` in the
/// Landes questionnaire): one per visible commune and option. A commune whose
/// respondents are secret, or an option whose count is secret, gives no
/// need: secret values are never ranked.
///
/// The need share is over **all** respondents of the commune (a respondent
/// with no difficulty is a respondent without this need), not over those
/// who answered the question.
#[must_use]
pub fn needs_from_table(table: &SecretTable, question: &str) -> Vec<Need> {
    let Some(index) = table.questions.iter().position(|q| q.id == question) else {
        return Vec::new();
    };
    let mut needs = Vec::new();
    for group in &table.groups {
        let (Ok(commune), Some(respondents), false) = (
            InseeCode::parse(&group.code),
            group.respondents.count(),
            group.secret,
        ) else {
            continue;
        };
        let Some(answers) = group.questions.get(index) else {
            continue;
        };
        for option in &answers.options {
            if let Some(reporting) = option.cell.count() {
                needs.push(Need {
                    commune: commune.clone(),
                    theme: option.value.clone(),
                    respondents,
                    reporting,
                });
            }
        }
    }
    needs
}

/// A published initiative, as the gap analysis sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    /// Its theme slug.
    pub theme: String,
    /// The commune it is in, if known.
    pub commune: Option<InseeCode>,
    /// Its position, if known.
    pub point: Option<LonLat>,
}

/// The communes of a territory as the gap analysis sees them: code, name and
/// representative point ([`Commune::interior_point`]). Build it once per
/// territory (it computes an interior point per commune).
#[derive(Debug, Clone, PartialEq)]
pub struct GapTerritory {
    codes: Vec<InseeCode>,
    names: Vec<String>,
    points: Vec<Option<LonLat>>,
}

impl GapTerritory {
    /// The representative points of `communes`.
    #[must_use]
    pub fn new(communes: &[Commune]) -> GapTerritory {
        GapTerritory {
            codes: communes.iter().map(|c| c.code.clone()).collect(),
            names: communes.iter().map(|c| c.name.clone()).collect(),
            points: communes.iter().map(Commune::interior_point).collect(),
        }
    }

    /// The representative point of the commune with this code, if known.
    #[must_use]
    pub fn point(&self, code: &InseeCode) -> Option<LonLat> {
        self.position(code).and_then(|i| self.points[i])
    }

    fn position(&self, code: &InseeCode) -> Option<usize> {
        // Territories are sorted by code; a linear scan covers any other order.
        match self.codes.binary_search(code) {
            Ok(i) => Some(i),
            Err(_) => self.codes.iter().position(|c| c == code),
        }
    }
}

/// One commune × theme of the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// The commune's INSEE code.
    pub commune: InseeCode,
    /// The commune's name.
    pub commune_name: String,
    /// The theme slug.
    pub theme: String,
    /// Respondents of the commune.
    pub respondents: u64,
    /// Respondents reporting a difficulty in the theme.
    pub reporting: u64,
    /// `reporting / respondents`.
    pub need_share: f64,
    /// Published initiatives of the theme in the commune or within the
    /// radius of its representative point.
    pub offer: u32,
    /// The gap score (see [`rank`]).
    pub score: f64,
}

/// Ranks needs against offer, largest gap first.
///
/// For each need, the offer is the number of initiatives of the same theme
/// located in the commune (by `commune`) or whose point lies within
/// `radius_km` (haversine) of the commune's representative point; each
/// initiative counts once.
///
/// Score: `wilson_lower_bound(reporting, respondents) / (1 + offer)`, where
/// the Wilson score lower bound (95 %, z = 1.96) of the need share discounts
/// shares measured on few respondents (3 of 5 ranks below 30 of 50), and the
/// divisor halves the gap with the first initiative, thirds it with the
/// second… Ties are broken by more respondents reporting, then commune code,
/// then theme. Needs of communes not in `territory` are skipped.
#[must_use]
pub fn rank(
    territory: &GapTerritory,
    needs: &[Need],
    offers: &[Offer],
    radius_km: f64,
) -> Vec<Gap> {
    let radius_km = if radius_km.is_finite() {
        radius_km.max(0.0)
    } else {
        0.0
    };
    let mut by_theme: BTreeMap<&str, Vec<&Offer>> = BTreeMap::new();
    for offer in offers {
        by_theme
            .entry(offer.theme.as_str())
            .or_default()
            .push(offer);
    }
    let mut gaps: Vec<Gap> = needs
        .iter()
        .filter_map(|need| {
            let position = territory.position(&need.commune)?;
            let point = territory.points[position];
            let near = |o: &&&Offer| {
                o.commune.as_ref() == Some(&need.commune)
                    || matches!((o.point, point), (Some(a), Some(b)) if haversine_km(a, b) <= radius_km)
            };
            let offer = by_theme
                .get(need.theme.as_str())
                .map_or(0, |offers| offers.iter().filter(near).count());
            let offer = u32::try_from(offer).unwrap_or(u32::MAX);
            Some(Gap {
                commune: need.commune.clone(),
                commune_name: territory.names[position].clone(),
                theme: need.theme.clone(),
                respondents: need.respondents,
                reporting: need.reporting,
                need_share: need.share(),
                offer,
                score: wilson_lower_bound(need.reporting, need.respondents)
                    / (1.0 + f64::from(offer)),
            })
        })
        .collect();
    gaps.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.reporting.cmp(&a.reporting))
            .then_with(|| a.commune.cmp(&b.commune))
            .then_with(|| a.theme.cmp(&b.theme))
    });
    gaps
}

/// Lower bound of the 95 % Wilson score interval of the proportion
/// `successes / trials` (0 without trials).
///
/// ```
/// use solidarites_domain::results::gaps::wilson_lower_bound;
///
/// assert_eq!(wilson_lower_bound(0, 0), 0.0);
/// assert!(wilson_lower_bound(3, 5) < wilson_lower_bound(30, 50));
/// assert!(wilson_lower_bound(30, 50) < 0.6);
/// ```
#[must_use]
pub fn wilson_lower_bound(successes: u64, trials: u64) -> f64 {
    const Z: f64 = 1.96;
    if trials == 0 {
        return 0.0;
    }
    let n = trials as f64;
    let p = (successes.min(trials) as f64) / n;
    let z2 = Z * Z;
    let center = p + z2 / (2.0 * n);
    let margin = Z * ((p * (1.0 - p) + z2 / (4.0 * n)) / n).sqrt();
    ((center - margin) / (1.0 + z2 / n)).max(0.0)
}

/// A GeoJSON layer for the map: one Feature per commune of `communes` with
/// its boundary simplified by `tolerance_deg` (as
/// [`crate::display::simplified_feature_collection`]) and properties `code`,
/// `name`, then, from `gaps` (only those of `theme` when given): `theme`,
/// `need_share`, `respondents`, `reporting`, `offer`, `score` of the commune's
/// largest gap, all `null` when the commune has none (secret or no answer).
#[must_use]
pub fn gaps_feature_collection(
    gaps: &[Gap],
    communes: &[Commune],
    theme: Option<&str>,
    tolerance_deg: f64,
) -> FeatureCollection {
    // `gaps` is ranked: the first gap seen for a commune is its largest.
    let mut largest: BTreeMap<&str, &Gap> = BTreeMap::new();
    for gap in gaps.iter().filter(|g| theme.is_none_or(|t| g.theme == t)) {
        largest.entry(gap.commune.as_str()).or_insert(gap);
    }
    let mut collection = simplified_feature_collection(communes, tolerance_deg);
    for feature in &mut collection.features {
        let code = crate::display::feature_code(feature).map(str::to_owned);
        let gap = code.as_deref().and_then(|c| largest.get(c));
        let mut properties = Map::new();
        if let Some(props) = &feature.properties {
            for key in ["code", "name"] {
                if let Some(value) = props.get(key) {
                    properties.insert(key.to_owned(), value.clone());
                }
            }
        }
        let field = |f: fn(&Gap) -> Value| gap.map_or(Value::Null, |g| f(g));
        properties.insert("theme".into(), field(|g| Value::from(g.theme.clone())));
        properties.insert("need_share".into(), field(|g| Value::from(g.need_share)));
        properties.insert("respondents".into(), field(|g| Value::from(g.respondents)));
        properties.insert("reporting".into(), field(|g| Value::from(g.reporting)));
        properties.insert("offer".into(), field(|g| Value::from(g.offer)));
        properties.insert("score".into(), field(|g| Value::from(g.score)));
        feature.properties = Some(properties);
    }
    collection
}
