//! Territorial indicators (poverty rate, share of people over 75…) read from
//! CSV, to put beside the results of a campaign.
//!
//! Two files:
//!
//! * the **data** file: a header line, then one line per commune; the first
//!   column is the INSEE code (any header name: `code`, `code_commune`,
//!   `CODGEO`…), each other column one indicator whose header is its id
//!   (`[a-z0-9_]{1,40}` after trimming, e.g. `taux_pauvrete`). Values are
//!   numbers with `.` or a decimal comma (`12,5`); spaces as thousands
//!   separators are tolerated; an empty field (or `NA`, `s`, `nd`) is a
//!   missing value.
//! * the **metadata** file, `indicateur;libelle;unite;source;annee` (header
//!   line optional), one line per indicator of the data file: id, French
//!   label (required), unit, source, year (4 digits) — the last three may be
//!   empty. Command-line flags may build the same [`IndicatorMeta`] for a
//!   one-indicator file instead.
//!
//! Both accept `;`, `,` or tab as separator (the first found on the first
//! non-blank line; with `,` as separator decimal commas must be quoted), a
//! UTF-8 BOM and double-quoted fields. A file with any problem is refused
//! whole, with every bad line and field named.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::zones::{first_mention, parse_commune_code};
use crate::import::{ImportError, ImportErrors};
use crate::questionnaire::is_valid_id;
use crate::InseeCode;

/// What an indicator is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorMeta {
    /// `[a-z0-9_]{1,40}`: the data file's column header.
    pub id: String,
    /// French label, e.g. `Taux de pauvreté`.
    pub label: String,
    /// Unit, e.g. `%`, `€`, `habitants`.
    pub unit: Option<String>,
    /// Source, e.g. `Insee, Filosofi`.
    pub source: Option<String>,
    /// Year of the data.
    pub year: Option<i32>,
}

/// A commune code of the data file that is not in the territory (its line is
/// skipped, not refused: national files cover every département).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownCommune {
    /// 1-based line number.
    pub line: usize,
    /// The code.
    pub code: InseeCode,
}

/// A parsed indicator file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicators {
    /// The indicators, in column order.
    pub indicators: Vec<IndicatorMeta>,
    /// Per commune of the territory, one value per indicator (same order),
    /// `None` when missing.
    pub values: BTreeMap<InseeCode, Vec<Option<f64>>>,
    /// Lines skipped because their commune is not in the territory.
    pub unknown_communes: Vec<UnknownCommune>,
}

/// Parses the metadata file (see the [module docs](self)).
///
/// # Errors
/// Every bad line: wrong field count, invalid id, empty label, bad year,
/// duplicate id.
pub fn parse_metadata(text: &str) -> Result<Vec<IndicatorMeta>, ImportErrors> {
    let mut metadata: Vec<IndicatorMeta> = Vec::new();
    let mut first_line: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for (index, (number, fields)) in csv_lines(text).enumerate() {
        if index == 0
            && fields.first().is_some_and(|f| {
                ["indicateur", "indicator", "id"].contains(&f.to_lowercase().as_str())
            })
        {
            continue; // header
        }
        if !(2..=5).contains(&fields.len()) {
            errors.push(ImportError::line(
                number,
                format!(
                    "expected 2 to 5 fields (indicateur;libelle;unite;source;annee), found {}",
                    fields.len()
                ),
            ));
            continue;
        }
        let field = |i: usize| {
            fields
                .get(i)
                .map(String::as_str)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
        };
        let mut bad = false;
        let id = fields[0].clone();
        if !is_valid_id(&id) {
            errors.push(ImportError::line(
                number,
                format!(
                    "invalid indicator id {id:?}: expected 1 to 40 characters among a-z, 0-9 and _"
                ),
            ));
            bad = true;
        }
        let Some(label) = field(1) else {
            errors.push(ImportError::line(
                number,
                format!("indicator {id:?} has no label (libelle)"),
            ));
            continue;
        };
        let year = match field(4) {
            None => None,
            Some(text) => match text.parse::<i32>() {
                Ok(year) if (1000..=9999).contains(&year) && text.len() == 4 => Some(year),
                _ => {
                    errors.push(ImportError::line(
                        number,
                        format!("year (annee) {text:?} of indicator {id:?} is not a 4-digit year"),
                    ));
                    bad = true;
                    None
                }
            },
        };
        if bad {
            continue;
        }
        if let Some(&earlier) = first_line.get(&id) {
            errors.push(ImportError::line(
                number,
                format!("indicator {id:?} is described twice (already on line {earlier})"),
            ));
            continue;
        }
        first_line.insert(id.clone(), number);
        metadata.push(IndicatorMeta {
            id,
            label,
            unit: field(2),
            source: field(3),
            year,
        });
    }
    if metadata.is_empty() && errors.is_empty() {
        errors.push(ImportError::file(
            "the metadata file describes no indicator",
        ));
    }
    if errors.is_empty() {
        Ok(metadata)
    } else {
        Err(ImportErrors(errors))
    }
}

/// Parses the data file (see the [module docs](self)) against `metadata`
/// (one entry per indicator column, any order) and the territory
/// (`is_commune`: whether a code is one of its communes).
///
/// # Errors
/// Every problem, by line (and column id in the message): missing header,
/// column without metadata, metadata without column, duplicate column, wrong
/// field count, invalid code, value not a number, commune given twice.
pub fn parse(
    data: &str,
    metadata: &[IndicatorMeta],
    is_commune: &dyn Fn(&InseeCode) -> bool,
) -> Result<Indicators, ImportErrors> {
    let mut lines = csv_lines(data);
    let Some((header_line, header)) = lines.next() else {
        return Err(ImportErrors(vec![ImportError::file(
            "the data file is empty: expected a header line (code;indicator…)",
        )]));
    };
    let mut errors = Vec::new();
    let mut indicators: Vec<IndicatorMeta> = Vec::new();
    for id in header.iter().skip(1) {
        if indicators.iter().any(|m| m.id == *id) {
            errors.push(ImportError::line(
                header_line,
                format!("column {id:?} appears twice"),
            ));
        } else if let Some(meta) = metadata.iter().find(|m| m.id == *id) {
            indicators.push(meta.clone());
        } else {
            errors.push(ImportError::line(
                header_line,
                format!("column {id:?} has no metadata (label, unit, source, year)"),
            ));
        }
    }
    if header.len() < 2 {
        errors.push(ImportError::line(
            header_line,
            "expected a commune code column then at least one indicator column",
        ));
    }
    for meta in metadata {
        if !header.iter().skip(1).any(|id| *id == meta.id) {
            errors.push(ImportError::file(format!(
                "indicator {:?} is described in the metadata but has no column in the data file",
                meta.id
            )));
        }
    }
    let mut values: BTreeMap<InseeCode, Vec<Option<f64>>> = BTreeMap::new();
    let mut first_line: BTreeMap<InseeCode, usize> = BTreeMap::new();
    let mut unknown_communes = Vec::new();
    for (number, fields) in lines {
        if fields.len() != header.len() {
            errors.push(ImportError::line(
                number,
                format!(
                    "expected {} fields like the header, found {}",
                    header.len(),
                    fields.len()
                ),
            ));
            continue;
        }
        let code = match parse_commune_code(&fields[0]) {
            Ok(code) => Some(code),
            Err(e) => {
                errors.push(ImportError::line(
                    number,
                    format!("invalid commune code {:?}: {e}", fields[0]),
                ));
                None
            }
        };
        let mut row = Vec::with_capacity(fields.len() - 1);
        let mut bad = code.is_none();
        for (id, field) in header.iter().zip(&fields).skip(1) {
            match parse_value(field) {
                Ok(value) => row.push(value),
                Err(()) => {
                    errors.push(ImportError::line(
                        number,
                        format!("column {id:?}: {field:?} is not a number"),
                    ));
                    bad = true;
                }
            }
        }
        let Some(code) = code.filter(|_| !bad) else {
            continue;
        };
        if !first_mention(&code, number, &mut first_line, &mut errors) {
            continue;
        }
        if is_commune(&code) {
            values.insert(code, row);
        } else {
            unknown_communes.push(UnknownCommune { line: number, code });
        }
    }
    if errors.is_empty() {
        Ok(Indicators {
            indicators,
            values,
            unknown_communes,
        })
    } else {
        Err(ImportErrors(errors))
    }
}

/// A value: a finite number (decimal point or comma, spaces as thousands
/// separators), or `None` for a missing one.
fn parse_value(field: &str) -> Result<Option<f64>, ()> {
    let field = field.trim();
    if field.is_empty() || MISSING.iter().any(|m| field.eq_ignore_ascii_case(m)) {
        return Ok(None);
    }
    let cleaned: String = field
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    match cleaned.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(()),
    }
}

/// Words statistical files use for a missing value (secret, not available).
const MISSING: [&str; 6] = ["NA", "N/A", "nd", "s", "-", "…"];

/// The non-blank lines of a CSV text as (1-based line number, trimmed and
/// unquoted fields), with the separator found on the first non-blank line.
pub(crate) fn csv_lines(text: &str) -> impl Iterator<Item = (usize, Vec<String>)> + '_ {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut separator: Option<char> = None;
    text.lines().enumerate().filter_map(move |(i, raw)| {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            return None;
        }
        let sep = *separator.get_or_insert_with(|| {
            [';', ',', '\t']
                .into_iter()
                .find(|&c| line.contains(c))
                .unwrap_or(';')
        });
        Some((i + 1, split_fields(line, sep)))
    })
}

/// Splits one CSV line on `sep`, honouring double quotes (`""` inside quotes
/// is a quote); fields are trimmed.
pub(crate) fn split_fields(line: &str, sep: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            c if c == sep && !quoted => fields.push(std::mem::take(&mut field).trim().to_owned()),
            c => field.push(c),
        }
    }
    fields.push(field.trim().to_owned());
    fields
}
