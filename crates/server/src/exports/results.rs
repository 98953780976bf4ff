//! Aggregated results exports, always from protected tables ([`SecretTable`]): a secret
//! value is written `secret` (CSV, XLSX) or `null` with a `…_secret: true` companion
//! property (GeoJSON), never as a number.

use std::{collections::BTreeMap, io::Write};

use anyhow::Context;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{json, Map, Value};
use solidarites_domain::{
    display::{feature_code, simplified_feature_collection},
    results::{
        Cell as SecretCell, ResultKind, SchemaQuestion, SecretGroup, SecretQuestion, SecretTable,
        Stat,
    },
    Commune,
};

use super::{
    answers::{write_cell, write_header, Cell},
    french_csv, french_decimal, ChunkWriter, UTF8_BOM,
};

/// The word written for a suppressed value.
pub const SECRET: &str = "secret";
/// Simplification of boundaries in GeoJSON exports, degrees (~30 m, as the map).
const GEOJSON_TOLERANCE_DEG: f64 = 0.0003;

fn level_label(level: &str) -> &str {
    match level {
        "commune" => "Commune",
        "canton" => "Canton",
        "arrondissement" => "Arrondissement",
        "epci" => "EPCI",
        "territory" => "Territoire",
        other => other,
    }
}

/// The groups of a table in export order: zones or communes, then the respondents in no
/// group, then the whole territory.
fn all_groups(table: &SecretTable) -> impl Iterator<Item = &SecretGroup> {
    table
        .groups
        .iter()
        .chain(table.unassigned.iter())
        .chain(std::iter::once(&table.total))
}

fn count_text(cell: &SecretCell) -> String {
    cell.count()
        .map_or_else(|| SECRET.to_owned(), |n| n.to_string())
}

fn share_text(cell: &SecretCell) -> String {
    match cell {
        SecretCell::Secret => SECRET.to_owned(),
        SecretCell::Value { share, .. } => {
            share.map_or(String::new(), |s| french_decimal(s * 100.0, 1))
        }
    }
}

fn stat_text(stat: Option<&Stat>) -> String {
    match stat {
        None => String::new(),
        Some(Stat::Secret) => SECRET.to_owned(),
        Some(Stat::Value(v)) => french_decimal(*v, 2),
    }
}

/// The CSV's columns, one line per group × question × answer.
const CSV_HEADER: [&str; 12] = [
    "Niveau",
    "Code",
    "Nom",
    "Population",
    "Répondants",
    "Répondants pour 1 000 habitants",
    "Question",
    "Réponse",
    "Effectif",
    "Part (%)",
    "Moyenne",
    "Médiane",
];

/// One line per group × question × answer, for a French Excel.
pub fn write_csv(table: &SecretTable, out: &mut ChunkWriter) -> anyhow::Result<()> {
    out.write_all(UTF8_BOM)?;
    let mut csv = french_csv(out);
    csv.write_record(CSV_HEADER)?;
    let level = level_label(&table.level);
    for group in all_groups(table) {
        let head = [
            level.to_owned(),
            group.code.clone(),
            group.name.clone(),
            group.population.map(|p| p.to_string()).unwrap_or_default(),
            count_text(&group.respondents),
            stat_text(group.rate_per_1000.as_ref()),
        ];
        for (schema, answers) in table.questions.iter().zip(&group.questions) {
            for answer_line in answer_lines(schema, answers) {
                let mut record: Vec<String> = head.to_vec();
                record.push(schema.label.clone());
                record.extend(answer_line);
                csv.write_record(&record)?;
            }
        }
    }
    csv.flush()?;
    Ok(())
}

/// The answer, count, share, mean and median columns of one question in one group: one
/// line for a scale or a number, one per option (and « autre ») for a choice, then the
/// respondents who did not answer.
fn answer_lines(schema: &SchemaQuestion, answers: &SecretQuestion) -> Vec<[String; 5]> {
    let plain = |answer: &str, cell: &SecretCell| {
        [
            answer.to_owned(),
            count_text(cell),
            share_text(cell),
            String::new(),
            String::new(),
        ]
    };
    let mut lines = Vec::new();
    match schema.kind {
        ResultKind::Scale { .. } | ResultKind::Number { .. } => lines.push([
            "Réponses".to_owned(),
            count_text(&answers.answered),
            share_text(&answers.answered),
            stat_text(answers.mean.as_ref()),
            stat_text(answers.median.as_ref()),
        ]),
        _ => {
            for (label, option) in schema.options.iter().zip(&answers.options) {
                lines.push(plain(&label.label, &option.cell));
            }
            if let Some(other) = &answers.other {
                lines.push(plain("Autre (précisé)", other));
            }
        }
    }
    lines.push(plain("Sans réponse", &answers.no_answer));
    lines
}

fn cell_count(cell: &SecretCell) -> Cell {
    match cell.count() {
        Some(n) => Cell::Integer(i64::try_from(n).unwrap_or(i64::MAX)),
        None => Cell::Text(SECRET.to_owned()),
    }
}

fn cell_share(cell: &SecretCell) -> Cell {
    match cell {
        SecretCell::Secret => Cell::Text(SECRET.to_owned()),
        SecretCell::Value { share: Some(s), .. } => Cell::Number((s * 1000.0).round() / 10.0),
        SecretCell::Value { share: None, .. } => Cell::Empty,
    }
}

fn stat_cell(stat: Option<&Stat>) -> Cell {
    match stat {
        None => Cell::Empty,
        Some(Stat::Secret) => Cell::Text(SECRET.to_owned()),
        Some(Stat::Value(v)) => Cell::Number((v * 100.0).round() / 100.0),
    }
}

/// An Excel sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(index: usize, id: &str) -> String {
    let clean: String = id
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .collect();
    format!("{}. {clean}", index + 1).chars().take(31).collect()
}

/// A "Synthèse" sheet (one line per group) then one sheet per question: one line per
/// group, one column per answer (count and share).
pub fn write_xlsx(table: &SecretTable, out: &mut ChunkWriter) -> anyhow::Result<()> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let groups: Vec<&SecretGroup> = all_groups(table).collect();

    let summary = workbook.add_worksheet();
    summary.set_name("Synthèse")?;
    let headers: Vec<String> = [
        "Code",
        "Nom",
        "Population",
        "Répondants",
        "Répondants pour 1 000 habitants",
    ]
    .iter()
    .map(|&h| h.to_owned())
    .collect();
    write_header(summary, &headers, &bold)?;
    for (i, group) in groups.iter().enumerate() {
        let row = u32::try_from(i + 1).context("too many groups")?;
        let cells = [
            Cell::Text(group.code.clone()),
            Cell::Text(group.name.clone()),
            group.population.map_or(Cell::Empty, |p| {
                Cell::Integer(i64::try_from(p).unwrap_or(i64::MAX))
            }),
            cell_count(&group.respondents),
            stat_cell(group.rate_per_1000.as_ref()),
        ];
        for (col, cell) in cells.iter().enumerate() {
            write_cell(summary, row, u16::try_from(col)?, cell)?;
        }
    }

    for (q, schema) in table.questions.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(q, &schema.id))?;
        sheet.write_string_with_format(0, 0, &schema.label, &bold)?;
        let mut headers: Vec<String> = vec!["Code".into(), "Nom".into(), "Répondants".into()];
        let numeric = matches!(
            schema.kind,
            ResultKind::Scale { .. } | ResultKind::Number { .. }
        );
        if numeric {
            headers.extend(["Ont répondu".into(), "Moyenne".into(), "Médiane".into()]);
        } else {
            for option in &schema.options {
                headers.push(format!("{} (effectif)", option.label));
                headers.push(format!("{} (%)", option.label));
            }
            if matches!(schema.kind, ResultKind::MultipleChoice { has_other: true }) {
                headers.push("Autre (effectif)".into());
                headers.push("Autre (%)".into());
            }
        }
        headers.push("Sans réponse (effectif)".into());
        for (col, header) in headers.iter().enumerate() {
            sheet.write_string_with_format(1, u16::try_from(col)?, header, &bold)?;
        }
        for (i, group) in groups.iter().enumerate() {
            let row = u32::try_from(i + 2).context("too many groups")?;
            let Some(answers) = group.questions.get(q) else {
                continue;
            };
            let mut cells = vec![
                Cell::Text(group.code.clone()),
                Cell::Text(group.name.clone()),
                cell_count(&group.respondents),
            ];
            question_cells(answers, numeric, &mut cells);
            for (col, cell) in cells.iter().enumerate() {
                write_cell(sheet, row, u16::try_from(col)?, cell)?;
            }
        }
    }
    workbook.save_to_writer(out)?;
    Ok(())
}

fn question_cells(answers: &SecretQuestion, numeric: bool, cells: &mut Vec<Cell>) {
    if numeric {
        cells.push(cell_count(&answers.answered));
        cells.push(stat_cell(answers.mean.as_ref()));
        cells.push(stat_cell(answers.median.as_ref()));
    } else {
        for option in &answers.options {
            cells.push(cell_count(&option.cell));
            cells.push(cell_share(&option.cell));
        }
        if let Some(other) = &answers.other {
            cells.push(cell_count(other));
            cells.push(cell_share(other));
        }
    }
    cells.push(cell_count(&answers.no_answer));
}

/// Property-name part for an option value (`aide-alimentaire` → `aide_alimentaire`).
fn field_part(value: &str) -> String {
    value.replace('-', "_")
}

fn insert_count(properties: &mut Map<String, Value>, field: &str, cell: &SecretCell) {
    properties.insert(
        format!("{field}_n"),
        cell.count().map_or(Value::Null, Value::from),
    );
    properties.insert(
        format!("{field}_pct"),
        cell.share()
            .map_or(Value::Null, |s| Value::from((s * 1000.0).round() / 10.0)),
    );
    properties.insert(format!("{field}_secret"), Value::from(cell.is_secret()));
}

fn insert_stat(properties: &mut Map<String, Value>, field: &str, stat: Option<&Stat>) {
    properties.insert(
        field.to_owned(),
        stat.and_then(Stat::value).map_or(Value::Null, Value::from),
    );
    properties.insert(
        format!("{field}_secret"),
        Value::from(matches!(stat, Some(Stat::Secret))),
    );
}

/// Flat properties of one group: numbers for a QGIS choropleth, `null` plus
/// `…_secret: true` where a value is secret.
fn group_properties(
    table: &SecretTable,
    group: &SecretGroup,
    indicators: Option<&BTreeMap<String, f64>>,
    indicator_codes: &[String],
) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("code".into(), Value::from(group.code.clone()));
    p.insert("nom".into(), Value::from(group.name.clone()));
    p.insert(
        "population".into(),
        group.population.map_or(Value::Null, Value::from),
    );
    p.insert("secret".into(), Value::from(group.secret));
    p.insert(
        "repondants".into(),
        group.respondents.count().map_or(Value::Null, Value::from),
    );
    p.insert(
        "repondants_secret".into(),
        Value::from(group.respondents.is_secret()),
    );
    insert_stat(&mut p, "taux_1000", group.rate_per_1000.as_ref());
    for (schema, answers) in table.questions.iter().zip(&group.questions) {
        match schema.kind {
            ResultKind::Scale { .. } | ResultKind::Number { .. } => {
                insert_count(&mut p, &schema.id, &answers.answered);
                insert_stat(
                    &mut p,
                    &format!("{}_moyenne", schema.id),
                    answers.mean.as_ref(),
                );
                insert_stat(
                    &mut p,
                    &format!("{}_mediane", schema.id),
                    answers.median.as_ref(),
                );
            }
            _ => {
                for option in &answers.options {
                    let field = format!("{}__{}", schema.id, field_part(&option.value));
                    insert_count(&mut p, &field, &option.cell);
                }
                if let Some(other) = &answers.other {
                    insert_count(&mut p, &format!("{}__autre", schema.id), other);
                }
            }
        }
    }
    for code in indicator_codes {
        p.insert(
            format!("ind_{code}"),
            indicators
                .and_then(|v| v.get(code))
                .copied()
                .map_or(Value::Null, Value::from),
        );
    }
    p
}

/// Geometries of the groups of a zone level: the stored zone boundary, else the
/// simplified boundaries of its communes put together.
#[derive(Debug, Default)]
pub struct ZoneGeometries {
    /// Zone code → GeoJSON geometry.
    pub stored: BTreeMap<String, Value>,
    /// Zone code → INSEE codes of its communes.
    pub communes: BTreeMap<String, Vec<String>>,
}

/// A FeatureCollection (WGS 84) with one feature per commune or zone of `table` and the
/// aggregated values as flat properties; indicators as `ind_<code>` at commune level.
pub fn geojson(
    table: &SecretTable,
    communes: &[Commune],
    zones: &ZoneGeometries,
    indicator_values: &BTreeMap<String, BTreeMap<String, f64>>,
    indicator_codes: &[String],
) -> anyhow::Result<Value> {
    let simplified = simplified_feature_collection(communes, GEOJSON_TOLERANCE_DEG);
    let mut commune_geometry: BTreeMap<String, Value> = BTreeMap::new();
    for feature in simplified.features {
        let code = feature_code(&feature).map(str::to_owned);
        if let (Some(code), Some(geometry)) = (code, feature.geometry) {
            commune_geometry.insert(code, serde_json::to_value(geometry)?);
        }
    }
    let commune_level = table.level == "commune";
    let mut features = Vec::new();
    for group in &table.groups {
        let geometry = if commune_level {
            commune_geometry.get(&group.code).cloned()
        } else if let Some(stored) = zones.stored.get(&group.code) {
            Some(stored.clone())
        } else {
            zones
                .communes
                .get(&group.code)
                .map(|codes| merged_multipolygon(codes, &commune_geometry))
        };
        let (indicators, codes): (Option<&BTreeMap<String, f64>>, &[String]) = if commune_level {
            (indicator_values.get(&group.code), indicator_codes)
        } else {
            (None, &[])
        };
        features.push(json!({
            "type": "Feature",
            "id": group.code,
            "geometry": geometry.unwrap_or(Value::Null),
            "properties": group_properties(table, group, indicators, codes),
        }));
    }
    Ok(json!({
        "type": "FeatureCollection",
        "name": format!("resultats_{}", table.level),
        "features": features,
    }))
}

/// One MultiPolygon of the polygons of several communes (drawn as the zone).
fn merged_multipolygon(codes: &[String], geometries: &BTreeMap<String, Value>) -> Value {
    let mut polygons: Vec<Value> = Vec::new();
    for code in codes {
        let Some(geometry) = geometries.get(code) else {
            continue;
        };
        match (
            geometry.get("type").and_then(Value::as_str),
            geometry.get("coordinates"),
        ) {
            (Some("Polygon"), Some(coords)) => polygons.push(coords.clone()),
            (Some("MultiPolygon"), Some(Value::Array(many))) => {
                polygons.extend(many.iter().cloned())
            }
            _ => {}
        }
    }
    json!({"type": "MultiPolygon", "coordinates": polygons})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel() {
        assert_eq!(sheet_name(0, "difficultes"), "1. difficultes");
        assert!(sheet_name(12, &"a".repeat(40)).chars().count() <= 31);
    }
}
