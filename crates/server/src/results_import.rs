//! `solidarites zones import` and `solidarites indicators import`: read and check the
//! whole file first (every problem named, by feature or line), then store it in one
//! transaction, so that a bad file changes nothing.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    path::{Path, PathBuf},
};

use anyhow::{anyhow, bail, Context};
use solidarites_domain::{
    results::{
        indicators::{self, IndicatorMeta},
        zones::{assign_by_polygons, parse_csv, parse_zones_geojson},
        ZoneLevel,
    },
    CommuneIndex,
};

use crate::storage::{
    self,
    indicators::{IndicatorMeta as StoredMeta, IndicatorValue},
    zones::NewZone,
};

fn read(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

fn file_name(file: &Path) -> String {
    file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Whether the file holds GeoJSON (by extension, else by its first character).
fn is_geojson(file: &Path, text: &str) -> bool {
    match file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("geojson" | "json") => true,
        Some("csv" | "txt" | "tsv") => false,
        _ => text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{'),
    }
}

/// The communes of the territory, from the database (after its migrations).
async fn territory_index(db: &sea_orm::DatabaseConnection) -> anyhow::Result<CommuneIndex> {
    storage::migrate(db).await?;
    let communes = storage::communes::load_all(db).await?;
    if communes.is_empty() {
        bail!("no communes in the database: run `solidarites communes import` first");
    }
    Ok(CommuneIndex::new(communes))
}

/// The zones of a file, each commune's zone, and the notes to print.
#[derive(Default)]
struct ZonePlan {
    zones: BTreeMap<String, NewZone>,
    commune_to_zone: BTreeMap<String, String>,
    notes: String,
}

/// Replaces the zones of `level` from a GeoJSON of polygons or a
/// `code_commune;code_zone;nom_zone` CSV; returns what to print.
pub async fn import_zones(database_url: &str, level: &str, file: &Path) -> anyhow::Result<String> {
    let level = ZoneLevel::parse(level.trim())
        .ok_or_else(|| anyhow!("--level expects canton, arrondissement or epci, not {level:?}"))?;
    let text = read(file)?;
    let db = storage::connect(database_url).await?;
    let index = territory_index(&db).await?;
    let plan = if is_geojson(file, &text) {
        zones_of_polygons(file, &text, &index)?
    } else {
        zones_of_table(file, &text, &index)?
    };
    let zones: Vec<NewZone> = plan.zones.into_values().collect();
    let summary = storage::zones::replace_level(
        &db,
        level.as_str(),
        &zones,
        &plan.commune_to_zone,
        &file_name(file),
    )
    .await;
    db.close().await?;
    let summary = summary?;
    Ok(format!(
        "{}imported {} {} zone(s) covering {} commune(s) from {}",
        plan.notes,
        summary.zones,
        level,
        summary.communes,
        file.display()
    ))
}

/// Zones drawn as polygons: each commune goes to the zone holding it (or the nearest).
fn zones_of_polygons(file: &Path, text: &str, index: &CommuneIndex) -> anyhow::Result<ZonePlan> {
    let polygons = parse_zones_geojson(text)
        .map_err(|e| anyhow!("{} is not a valid zone file:\n{e}", file.display()))?;
    let assigned = assign_by_polygons(index.communes(), &polygons);
    if assigned.assignments.is_empty() {
        bail!(
            "{}: no commune of the territory lies in any of its {} zones (wrong file or projection?)",
            file.display(),
            polygons.len()
        );
    }
    let mut plan = ZonePlan::default();
    for polygon in &polygons {
        let geometry = geojson::Geometry::from(&polygon.geometry);
        plan.zones.insert(
            polygon.code.clone(),
            NewZone {
                code: polygon.code.clone(),
                name: polygon.name.clone(),
                geometry: Some(serde_json::to_string(&geometry)?),
            },
        );
    }
    for a in &assigned.assignments {
        plan.commune_to_zone
            .insert(a.commune.as_str().to_owned(), a.zone_code.clone());
    }
    for near in &assigned.nearest {
        let _ = writeln!(
            plan.notes,
            "note: commune {} lies outside every zone; placed in the nearest, {} ({:.2} km)",
            near.commune, near.zone_code, near.distance_km
        );
    }
    if !assigned.unassigned.is_empty() {
        let codes: Vec<&str> = assigned.unassigned.iter().map(|c| c.as_str()).collect();
        let _ = writeln!(
            plan.notes,
            "warning: {} commune(s) in no zone: {}",
            codes.len(),
            codes.join(", ")
        );
    }
    Ok(plan)
}

/// Zones as a table of communes: lines for communes outside the territory are skipped.
fn zones_of_table(file: &Path, text: &str, index: &CommuneIndex) -> anyhow::Result<ZonePlan> {
    let assignments = parse_csv(text)
        .map_err(|e| anyhow!("{} is not a valid zone table:\n{e}", file.display()))?;
    let mut plan = ZonePlan::default();
    let mut outside = Vec::new();
    for a in &assignments {
        if index.get(&a.commune).is_none() {
            outside.push(a.commune.as_str().to_owned());
            continue;
        }
        plan.zones
            .entry(a.zone_code.clone())
            .or_insert_with(|| NewZone {
                code: a.zone_code.clone(),
                name: a.zone_name.clone(),
                geometry: None,
            });
        plan.commune_to_zone
            .insert(a.commune.as_str().to_owned(), a.zone_code.clone());
    }
    if plan.commune_to_zone.is_empty() {
        bail!(
            "{}: none of its {} communes is in the territory",
            file.display(),
            assignments.len()
        );
    }
    if let Some(first) = outside.first() {
        let _ = writeln!(
            plan.notes,
            "note: {} line(s) for communes outside the territory were skipped (first: {first})",
            outside.len(),
        );
    }
    let missing = index.len().saturating_sub(plan.commune_to_zone.len());
    if missing > 0 {
        let _ = writeln!(
            plan.notes,
            "warning: {missing} commune(s) of the territory in no zone"
        );
    }
    Ok(plan)
}

/// How the indicators of a file are described.
#[derive(Debug, Clone)]
pub enum IndicatorDescription {
    /// A metadata CSV (indicateur;libelle;unite;source;annee).
    File(PathBuf),
    /// Flags, for a file with one indicator column.
    Flags {
        label: Option<String>,
        unit: Option<String>,
        source: Option<String>,
        year: Option<i32>,
    },
}

/// The header fields of a CSV text (first non-blank line; `;`, `,` or tab).
fn header_fields(text: &str) -> Vec<String> {
    let text = text.trim_start_matches('\u{feff}');
    let Some(line) = text.lines().find(|l| !l.trim().is_empty()) else {
        return Vec::new();
    };
    let separator = [';', ',', '\t']
        .into_iter()
        .find(|&c| line.contains(c))
        .unwrap_or(';');
    line.split(separator)
        .map(|f| f.trim().trim_matches('"').trim().to_owned())
        .collect()
}

/// The description of the indicators of `data`: a metadata file, or the flags for a file
/// of one indicator column.
fn indicator_metadata(
    file: &Path,
    data: &str,
    description: IndicatorDescription,
) -> anyhow::Result<Vec<IndicatorMeta>> {
    let (label, unit, source, year) = match description {
        IndicatorDescription::File(path) => {
            let text = read(&path)?;
            return indicators::parse_metadata(&text)
                .map_err(|e| anyhow!("{} is not a valid metadata file:\n{e}", path.display()));
        }
        IndicatorDescription::Flags {
            label,
            unit,
            source,
            year,
        } => (label, unit, source, year),
    };
    let header = header_fields(data);
    let [_, id] = header.as_slice() else {
        bail!(
            "{}: without --metadata the file must have exactly two columns \
             (commune code, then one indicator), found {}",
            file.display(),
            header.len()
        );
    };
    let label = label
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .ok_or_else(|| anyhow!("--label is required without --metadata"))?;
    if let Some(year) = year {
        if !(1000..=9999).contains(&year) {
            bail!("--year expects a 4-digit year, not {year}");
        }
    }
    Ok(vec![IndicatorMeta {
        id: id.clone(),
        label,
        unit: unit.filter(|u| !u.trim().is_empty()),
        source: source.filter(|s| !s.trim().is_empty()),
        year,
    }])
}

/// The rows to store: one per indicator, one per commune and indicator with a value.
fn stored_rows(parsed: &indicators::Indicators) -> (Vec<StoredMeta>, Vec<IndicatorValue>) {
    let metas = parsed
        .indicators
        .iter()
        .map(|m| StoredMeta {
            code: m.id.clone(),
            label: m.label.clone(),
            unit: m.unit.clone(),
            source: m.source.clone(),
            year: m.year,
        })
        .collect();
    let mut values = Vec::new();
    for (commune, row) in &parsed.values {
        for (meta, value) in parsed.indicators.iter().zip(row) {
            if let Some(value) = value {
                values.push(IndicatorValue {
                    indicator: meta.id.clone(),
                    commune_code: commune.as_str().to_owned(),
                    value: *value,
                });
            }
        }
    }
    (metas, values)
}

/// Imports one indicator file; returns what to print.
pub async fn import_indicators(
    database_url: &str,
    file: &Path,
    description: IndicatorDescription,
) -> anyhow::Result<String> {
    let data = read(file)?;
    let metadata = indicator_metadata(file, &data, description)?;
    let db = storage::connect(database_url).await?;
    let index = territory_index(&db).await?;
    let parsed = indicators::parse(&data, &metadata, &|code| index.get(code).is_some())
        .map_err(|e| anyhow!("{} is not a valid indicator file:\n{e}", file.display()))?;
    let (metas, values) = stored_rows(&parsed);
    let stored = storage::indicators::import(&db, &metas, &values, &file_name(file)).await;
    db.close().await?;
    stored?;
    let mut out = String::new();
    if let Some(first) = parsed.unknown_communes.first() {
        let _ = writeln!(
            out,
            "note: {} line(s) for communes outside the territory were skipped (first: line {}, {})",
            parsed.unknown_communes.len(),
            first.line,
            first.code
        );
    }
    let codes: Vec<&str> = metas.iter().map(|m| m.code.as_str()).collect();
    let _ = write!(
        out,
        "imported {} indicator(s) ({}) with {} value(s) for {} commune(s) from {}",
        metas.len(),
        codes.join(", "),
        values.len(),
        parsed.values.len(),
        file.display()
    );
    Ok(out)
}
