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

use crate::import::ImportErrors;
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
    let _ = text;
    todo!()
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
    let _ = (data, metadata, is_commune);
    todo!()
}
