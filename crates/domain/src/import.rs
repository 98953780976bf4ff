//! Reading commune boundaries and populations from the files real users have.
//!
//! Both parsers collect every problem they find, each naming the feature (0-based
//! index) or line (1-based), so one round of fixes is enough.

use std::collections::BTreeMap;
use std::fmt;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::{Map, Value};

use crate::{Commune, InseeCode};

/// Properties that may hold the INSEE code, in order of preference:
/// geo.api.gouv.fr / france-geojson, IGN ADMIN EXPRESS, OpenStreetMap, others.
const CODE_KEYS: [&str; 4] = ["code", "INSEE_COM", "ref:INSEE", "insee"];
/// Properties that may hold the commune name.
const NAME_KEYS: [&str; 4] = ["nom", "NOM", "NOM_COM", "name"];
/// Properties that may hold the population.
const POPULATION_KEYS: [&str; 2] = ["population", "POPULATION"];
/// Properties that may hold postal codes (an array, or a string such as
/// `"40000;40090"`).
const POSTAL_CODE_KEYS: [&str; 3] = ["codesPostaux", "addr:postcode", "postal_code"];
/// Cap on the problems listed by [`ImportErrors`]'s `Display`.
const DISPLAY_LIMIT: usize = 50;

/// One problem in an imported file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// 0-based index of the GeoJSON feature at fault, if any.
    pub feature: Option<usize>,
    /// 1-based line number in a CSV file, if any.
    pub line: Option<usize>,
    /// What is wrong, in English.
    pub message: String,
}

impl ImportError {
    pub(crate) fn file(message: impl Into<String>) -> ImportError {
        ImportError {
            feature: None,
            line: None,
            message: message.into(),
        }
    }

    pub(crate) fn feature(index: usize, message: impl Into<String>) -> ImportError {
        ImportError {
            feature: Some(index),
            line: None,
            message: message.into(),
        }
    }

    pub(crate) fn line(line: usize, message: impl Into<String>) -> ImportError {
        ImportError {
            feature: None,
            line: Some(line),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.feature, self.line) {
            (Some(feature), _) => write!(f, "feature {feature}: {}", self.message),
            (None, Some(line)) => write!(f, "line {line}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// Every problem found in an imported file (never empty when returned as an error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportErrors(pub Vec<ImportError>);

impl ImportErrors {
    fn one(error: ImportError) -> ImportErrors {
        ImportErrors(vec![error])
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [] => f.write_str("import failed"),
            [only] => write!(f, "{only}"),
            all => {
                write!(f, "{} problems found:", all.len())?;
                for error in all.iter().take(DISPLAY_LIMIT) {
                    write!(f, "\n  {error}")?;
                }
                if all.len() > DISPLAY_LIMIT {
                    write!(f, "\n  … and {} more", all.len() - DISPLAY_LIMIT)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ImportErrors {}

/// Parses commune boundaries from a GeoJSON FeatureCollection.
///
/// Coordinates must be WGS 84 longitude/latitude in degrees (RFC 7946);
/// projected files (e.g. Lambert-93) are refused with a hint to reproject.
/// Accepted property flavours:
///
/// | source | code | name | population | postal codes |
/// |---|---|---|---|---|
/// | geo.api.gouv.fr, france-geojson | `code` | `nom` | `population` | `codesPostaux` |
/// | IGN ADMIN EXPRESS | `INSEE_COM` | `NOM` or `NOM_COM` | `POPULATION` | |
/// | OpenStreetMap | `ref:INSEE` | `name` | `population` (may be a string) | `addr:postcode` or `postal_code` (`"40000;40090"`) |
///
/// A code given as a JSON number (`1004`) is left-padded (`"01004"`). Polygon
/// geometries become one-member MultiPolygons. Communes are returned in file
/// order; postal codes are sorted and deduplicated.
///
/// # Errors
/// Every problem found, each naming its feature: not JSON, not a
/// FeatureCollection, no feature, a non-WGS 84 `crs`, missing or non-polygon
/// geometry, bad rings, out-of-range coordinates, missing or invalid code or
/// name, bad population or postal code, duplicate codes.
pub fn parse_communes_geojson(text: &str) -> Result<Vec<Commune>, ImportErrors> {
    let root: Value = serde_json::from_str(text)
        .map_err(|e| ImportErrors::one(ImportError::file(format!("not valid JSON: {e}"))))?;
    let Value::Object(root) = root else {
        return Err(ImportErrors::one(ImportError::file(format!(
            "expected a GeoJSON FeatureCollection, found {}",
            describe(&root)
        ))));
    };
    match root.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        Some("Feature") => {
            return Err(ImportErrors::one(ImportError::file(
                "expected a GeoJSON FeatureCollection, found a single Feature \
                 (wrap it in a FeatureCollection)",
            )))
        }
        Some(
            kind @ ("Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon"
            | "MultiPolygon" | "GeometryCollection"),
        ) => {
            return Err(ImportErrors::one(ImportError::file(format!(
                "expected a GeoJSON FeatureCollection, found a bare {kind} geometry \
                 (communes need features with a code and a name)"
            ))))
        }
        Some(other) => {
            return Err(ImportErrors::one(ImportError::file(format!(
                "expected a GeoJSON FeatureCollection, found an object of type {other:?}"
            ))))
        }
        None => return Err(ImportErrors::one(ImportError::file(
            "expected a GeoJSON FeatureCollection, found a JSON object without a \"type\" member",
        ))),
    }

    let mut errors = Vec::new();
    if let Some(message) = root.get("crs").and_then(check_crs) {
        errors.push(ImportError::file(message));
    }
    let features = match root.get("features") {
        Some(Value::Array(features)) => features,
        Some(other) => {
            errors.push(ImportError::file(format!(
                "the FeatureCollection's \"features\" must be an array, found {}",
                describe(other)
            )));
            return Err(ImportErrors(errors));
        }
        None => {
            errors.push(ImportError::file(
                "the FeatureCollection has no \"features\" member",
            ));
            return Err(ImportErrors(errors));
        }
    };
    if features.is_empty() {
        errors.push(ImportError::file(
            "the FeatureCollection has no features: no commune to import",
        ));
    }

    let mut communes = Vec::with_capacity(features.len());
    let mut first_seen: BTreeMap<InseeCode, usize> = BTreeMap::new();
    for (index, feature) in features.iter().enumerate() {
        let Some(commune) = parse_feature(index, feature, &mut errors) else {
            continue;
        };
        if let Some(&first) = first_seen.get(&commune.code) {
            errors.push(ImportError::feature(
                index,
                format!(
                    "duplicate commune code {} (already used by feature {first})",
                    commune.code
                ),
            ));
            continue;
        }
        first_seen.insert(commune.code.clone(), index);
        communes.push(commune);
    }
    if errors.is_empty() {
        Ok(communes)
    } else {
        Err(ImportErrors(errors))
    }
}

/// `Some(problem)` when a GeoJSON `crs` member names something other than
/// WGS 84 longitude/latitude. Unrecognised declarations are left to the
/// coordinate range check.
pub(crate) fn check_crs(crs: &Value) -> Option<String> {
    let properties = crs.get("properties")?;
    let declared = match (properties.get("name"), properties.get("code")) {
        (Some(Value::String(name)), _) => name.clone(),
        // Old GeoJSON 2008 form: {"type": "EPSG", "properties": {"code": 2154}}.
        (_, Some(Value::Number(code))) => format!("EPSG:{code}"),
        (_, Some(Value::String(code))) => format!("EPSG:{code}"),
        _ => return None,
    };
    let upper = declared.to_ascii_uppercase();
    if upper.ends_with("CRS84") {
        return None;
    }
    if !upper.contains("EPSG") {
        return None;
    }
    let code = upper
        .rsplit([':', '/'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if code == "4326" {
        return None;
    }
    Some(format!(
        "the file declares the coordinate system {declared:?}, but WGS 84 longitude/latitude \
         (EPSG:4326, CRS84) is required: reproject it (e.g. ogr2ogr -t_srs EPSG:4326)"
    ))
}

/// A short description of a JSON value's kind, for messages.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(_) => "a boolean".to_owned(),
        Value::Number(_) => "a number".to_owned(),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "a JSON array".to_owned(),
        Value::Object(object) => match object.get("type").and_then(Value::as_str) {
            Some(kind) => format!("an object of type {kind:?}"),
            None => "a JSON object without a \"type\" member".to_owned(),
        },
    }
}

/// The first property among `keys` that is present and not null.
pub(crate) fn first_property<'a>(
    properties: &'a Map<String, Value>,
    keys: &[&'static str],
) -> Option<(&'static str, &'a Value)> {
    keys.iter().find_map(|&key| match properties.get(key) {
        None | Some(Value::Null) => None,
        Some(value) => Some((key, value)),
    })
}

fn parse_feature(index: usize, feature: &Value, errors: &mut Vec<ImportError>) -> Option<Commune> {
    let error_count = errors.len();
    let mut fail = |message: String| errors.push(ImportError::feature(index, message));

    let Value::Object(feature) = feature else {
        fail(format!(
            "expected a Feature object, found {}",
            describe(feature)
        ));
        return None;
    };
    if feature.get("type").and_then(Value::as_str) != Some("Feature") {
        fail(format!(
            "expected a Feature, found {}",
            describe(&Value::Object(feature.clone()))
        ));
        return None;
    }
    let empty = Map::new();
    let properties = match feature.get("properties") {
        Some(Value::Object(properties)) => properties,
        None | Some(Value::Null) => &empty,
        Some(other) => {
            fail(format!(
                "properties must be an object, found {}",
                describe(other)
            ));
            &empty
        }
    };

    let code = match first_property(properties, &CODE_KEYS) {
        None => {
            fail(format!(
                "missing commune code (expected one of {})",
                CODE_KEYS.join(", ")
            ));
            None
        }
        Some((key, value)) => match parse_code_value(value) {
            Ok(code) => Some(code),
            Err(problem) => {
                fail(format!("invalid commune code in property {key}: {problem}"));
                None
            }
        },
    };

    let name = match first_property(properties, &NAME_KEYS) {
        Some((_, Value::String(name))) if !name.trim().is_empty() => Some(name.trim().to_owned()),
        Some((key, Value::String(_))) => {
            fail(format!("empty commune name in property {key}"));
            None
        }
        Some((key, other)) => {
            fail(format!(
                "commune name in property {key} must be a string, found {}",
                describe(other)
            ));
            None
        }
        None => {
            fail(format!(
                "missing commune name (expected one of {})",
                NAME_KEYS.join(", ")
            ));
            None
        }
    };

    let population = match first_property(properties, &POPULATION_KEYS) {
        None => None,
        Some((key, value)) => match parse_population_value(value) {
            Ok(population) => population,
            Err(problem) => {
                fail(format!("invalid population in property {key}: {problem}"));
                None
            }
        },
    };

    let postal_codes = match first_property(properties, &POSTAL_CODE_KEYS) {
        None => Vec::new(),
        Some((key, value)) => match parse_postal_codes(value) {
            Ok(codes) => codes,
            Err(problem) => {
                fail(format!("invalid postal code in property {key}: {problem}"));
                Vec::new()
            }
        },
    };

    let geometry = match feature.get("geometry") {
        None | Some(Value::Null) => {
            fail("missing geometry (a commune needs its boundary)".to_owned());
            None
        }
        Some(geometry) => match parse_geometry(geometry) {
            Ok(geometry) => Some(geometry),
            Err(problems) => {
                problems.into_iter().for_each(&mut fail);
                None
            }
        },
    };

    if errors.len() > error_count {
        return None;
    }
    Some(Commune {
        code: code?,
        name: name?,
        population,
        postal_codes,
        geometry: geometry?,
    })
}

fn parse_code_value(value: &Value) -> Result<InseeCode, String> {
    match value {
        Value::String(s) => InseeCode::parse(s).map_err(|e| format!("{s:?}: {e}")),
        // Spreadsheets and some exports turn "01004" into the number 1004.
        Value::Number(n) => match n.as_u64() {
            Some(n) if n < 100_000 => {
                InseeCode::parse(&format!("{n:05}")).map_err(|e| format!("{n}: {e}"))
            }
            _ => Err(format!(
                "{n} is not a 5-digit code (numbers must be integers from 0 to 99999)"
            )),
        },
        other => Err(format!("expected a string, found {}", describe(other))),
    }
}

fn parse_population_value(value: &Value) -> Result<Option<u32>, String> {
    let not_count = |shown: &dyn fmt::Display| {
        format!("{shown} is not a non-negative whole number of inhabitants")
    };
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => {
            if let Some(v) = n.as_u64() {
                return u32::try_from(v).map(Some).map_err(|_| not_count(n));
            }
            match n.as_f64() {
                // 1234.0 from some exports.
                Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= f64::from(u32::MAX) => {
                    Ok(Some(f as u32))
                }
                _ => Err(not_count(n)),
            }
        }
        // OpenStreetMap tags are strings.
        Value::String(s) => parse_count(s)
            .map(Some)
            .ok_or_else(|| not_count(&format!("{s:?}"))),
        other => Err(format!("expected a number, found {}", describe(other))),
    }
}

/// A whole number, tolerating thousands separators (spaces, as in "12 345").
fn parse_count(s: &str) -> Option<u32> {
    let digits: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn parse_postal_codes(value: &Value) -> Result<Vec<String>, String> {
    let mut codes = Vec::new();
    let mut add = |raw: &str| -> Result<(), String> {
        for part in raw
            .split([';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            if part.len() != 5 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{part:?} is not a 5-digit postal code"));
            }
            codes.push(part.to_owned());
        }
        Ok(())
    };
    match value {
        Value::String(s) => add(s)?,
        Value::Number(n) => match n.as_u64() {
            Some(n) if n < 100_000 => add(&format!("{n:05}"))?,
            _ => return Err(format!("{n} is not a 5-digit postal code")),
        },
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::String(s) => add(s)?,
                    Value::Number(n) if n.as_u64().is_some_and(|n| n < 100_000) => {
                        add(&format!("{:05}", n.as_u64().unwrap_or_default()))?;
                    }
                    other => {
                        return Err(format!(
                            "expected strings in the list, found {}",
                            describe(other)
                        ))
                    }
                }
            }
        }
        other => {
            return Err(format!(
                "expected a string or a list of strings, found {}",
                describe(other)
            ))
        }
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// Converts a GeoJSON Polygon or MultiPolygon, listing every problem.
pub(crate) fn parse_geometry(geometry: &Value) -> Result<MultiPolygon<f64>, Vec<String>> {
    let kind = geometry.get("type").and_then(Value::as_str);
    let coordinates = geometry.get("coordinates");
    let polygons: Vec<(Option<usize>, &Value)> = match (kind, coordinates) {
        (Some("Polygon"), Some(coordinates)) => vec![(None, coordinates)],
        (Some("MultiPolygon"), Some(Value::Array(polygons))) => {
            if polygons.is_empty() {
                return Err(vec!["the MultiPolygon has no polygon".to_owned()]);
            }
            polygons
                .iter()
                .enumerate()
                .map(|(i, p)| (Some(i), p))
                .collect()
        }
        (Some("MultiPolygon"), Some(other)) => {
            return Err(vec![format!(
                "MultiPolygon coordinates must be an array, found {}",
                describe(other)
            )])
        }
        (Some("Polygon" | "MultiPolygon"), None) => {
            return Err(vec!["the geometry has no \"coordinates\"".to_owned()])
        }
        (Some(other), _) => {
            return Err(vec![format!(
                "the geometry is a {other}; only Polygon and MultiPolygon boundaries are accepted"
            )])
        }
        (None, _) => return Err(vec!["the geometry has no \"type\"".to_owned()]),
    };

    let mut problems = Vec::new();
    let mut out_of_range: Option<Coord<f64>> = None;
    let mut converted = Vec::with_capacity(polygons.len());
    for (polygon_index, polygon) in polygons {
        let place = |ring: usize| match polygon_index {
            Some(p) => format!("polygon {p}, ring {ring}"),
            None => format!("ring {ring}"),
        };
        let Value::Array(rings) = polygon else {
            let what =
                polygon_index.map_or("Polygon coordinates".to_owned(), |p| format!("polygon {p}"));
            problems.push(format!(
                "{what} must be an array of rings, found {}",
                describe(polygon)
            ));
            continue;
        };
        if rings.is_empty() {
            let what = polygon_index.map_or("the Polygon".to_owned(), |p| format!("polygon {p}"));
            problems.push(format!("{what} has no ring"));
            continue;
        }
        let mut line_strings = Vec::with_capacity(rings.len());
        for (ring_index, ring) in rings.iter().enumerate() {
            match parse_ring(ring) {
                Err(problem) => problems.push(format!("{} {problem}", place(ring_index))),
                Ok(coords) => {
                    if out_of_range.is_none() {
                        out_of_range = coords
                            .iter()
                            .find(|c| {
                                !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y)
                            })
                            .copied();
                    }
                    line_strings.push(LineString::new(coords));
                }
            }
        }
        let mut line_strings = line_strings.into_iter();
        if let Some(exterior) = line_strings.next() {
            converted.push(Polygon::new(exterior, line_strings.collect()));
        }
    }
    if let Some(c) = out_of_range {
        problems.push(format!(
            "position [{}, {}] is outside WGS 84 longitude [-180, 180] / latitude [-90, 90]: \
             the file looks projected (e.g. Lambert-93, EPSG:2154); WGS 84 longitude/latitude \
             (EPSG:4326) is required, reproject it first",
            c.x, c.y
        ));
    }
    if problems.is_empty() {
        Ok(MultiPolygon::new(converted))
    } else {
        Err(problems)
    }
}

fn parse_ring(ring: &Value) -> Result<Vec<Coord<f64>>, String> {
    let Value::Array(positions) = ring else {
        return Err(format!(
            "is not an array of positions (found {})",
            describe(ring)
        ));
    };
    let mut coords = Vec::with_capacity(positions.len());
    for (i, position) in positions.iter().enumerate() {
        let xy = match position {
            Value::Array(numbers) if numbers.len() >= 2 => (
                numbers.first().and_then(Value::as_f64),
                numbers.get(1).and_then(Value::as_f64),
            ),
            _ => (None, None),
        };
        let (Some(x), Some(y)) = xy else {
            return Err(format!(
                "has an invalid position {i}: expected an array of at least 2 numbers [longitude, latitude]"
            ));
        };
        if !(x.is_finite() && y.is_finite()) {
            return Err(format!("has a non-finite coordinate at position {i}"));
        }
        coords.push(Coord { x, y });
    }
    if coords.len() < 4 {
        return Err(format!(
            "has {} positions; a closed ring needs at least 4 (the last repeating the first)",
            coords.len()
        ));
    }
    if coords.first() != coords.last() {
        let (Some(first), Some(last)) = (coords.first(), coords.last()) else {
            return Err("is empty".to_owned());
        };
        return Err(format!(
            "is not closed: first position [{}, {}] differs from last [{}, {}]",
            first.x, first.y, last.x, last.y
        ));
    }
    Ok(coords)
}

/// Parses legal populations from CSV text: `code;population` or
/// `code,population` (the separator is the first of `;`, `,`, tab found on
/// the first non-blank line). A header is recognised on the first non-blank
/// line when neither its first field is a code nor its second a number. Blank lines and a UTF-8 BOM
/// are ignored; fields may be double-quoted; thousands separators (spaces)
/// are tolerated; a 4-digit numeric code is left-padded (`1004` → `01004`),
/// as spreadsheets drop the leading zero.
///
/// # Errors
/// Every bad line, naming its 1-based line number: wrong field count,
/// invalid code, population not a non-negative whole number, duplicate code.
pub fn parse_population_csv(text: &str) -> Result<BTreeMap<InseeCode, u32>, ImportErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut separator: Option<char> = None;
    let mut seen_data_or_header = false;
    let mut populations = BTreeMap::new();
    let mut first_line: BTreeMap<InseeCode, usize> = BTreeMap::new();
    let mut errors = Vec::new();

    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let sep = *separator.get_or_insert_with(|| {
            [';', ',', '\t']
                .into_iter()
                .find(|&c| line.contains(c))
                .unwrap_or(';')
        });
        let fields: Vec<&str> = line.split(sep).map(unquote).collect();
        let is_first = !seen_data_or_header;
        seen_data_or_header = true;
        let [code_field, population_field] = fields.as_slice() else {
            errors.push(ImportError::line(
                number,
                format!(
                    "expected 2 fields (code{sep}population), found {}",
                    fields.len()
                ),
            ));
            continue;
        };
        let population = parse_count(population_field);
        let code = if code_field.len() == 4 && code_field.bytes().all(|b| b.is_ascii_digit()) {
            InseeCode::parse(&format!("0{code_field}"))
        } else {
            InseeCode::parse(code_field)
        };
        if is_first && population.is_none() && code.is_err() {
            // A header such as "code;population" or "CODGEO;PMUN".
            continue;
        }
        let code = match code {
            Ok(code) => code,
            Err(e) => {
                errors.push(ImportError::line(
                    number,
                    format!("invalid commune code {code_field:?}: {e}"),
                ));
                continue;
            }
        };
        let Some(population) = population else {
            errors.push(ImportError::line(
                number,
                format!("population {population_field:?} is not a non-negative whole number"),
            ));
            continue;
        };
        if let Some(&first) = first_line.get(&code) {
            errors.push(ImportError::line(
                number,
                format!("duplicate commune code {code} (already on line {first})"),
            ));
            continue;
        }
        first_line.insert(code.clone(), number);
        populations.insert(code, population);
    }
    if errors.is_empty() {
        Ok(populations)
    } else {
        Err(ImportErrors(errors))
    }
}

/// Trims a CSV field and removes one pair of surrounding double quotes.
fn unquote(field: &str) -> &str {
    let field = field.trim();
    field
        .strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .map_or(field, str::trim)
}

/// Sets each commune's population from `population`; communes absent from it
/// keep theirs. Returns the codes of `population` that matched no commune
/// (in code order), so the caller can warn about them.
pub fn apply_population(
    communes: &mut [Commune],
    population: &BTreeMap<InseeCode, u32>,
) -> Vec<InseeCode> {
    let mut matched = std::collections::BTreeSet::new();
    for commune in communes.iter_mut() {
        if let Some(&inhabitants) = population.get(&commune.code) {
            commune.population = Some(inhabitants);
            matched.insert(commune.code.clone());
        }
    }
    population
        .keys()
        .filter(|code| !matched.contains(*code))
        .cloned()
        .collect()
}
