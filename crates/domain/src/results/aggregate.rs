//! Counting a dataset by commune, zone or territory, under a filter.

use serde::{Deserialize, Serialize};

use super::dataset::{Channel, Dataset};
use super::zones::ZoneMapping;
use crate::questionnaire::FieldErrors;
use crate::Commune;

/// `level` of a table grouped by commune.
pub const COMMUNE_LEVEL: &str = "commune";
/// `level` of a table of the whole territory.
pub const TERRITORY_LEVEL: &str = "territory";
/// `code` of the whole-territory group ([`ResultsTable::total`]).
pub const TERRITORY_CODE: &str = "territoire";
/// `code` of the group of respondents with no group at the table's level
/// ([`ResultsTable::unassigned`]).
pub const UNASSIGNED_CODE: &str = "hors_zone";

/// How respondents are grouped.
#[derive(Debug, Clone, Copy)]
pub enum Grouping<'a> {
    /// One group per commune of the territory (all of them, in position order).
    Commune,
    /// One group per zone of the mapping (canton, arrondissement, EPCI), in
    /// the mapping's zone order.
    Zones(&'a ZoneMapping),
    /// One group: the whole territory.
    Territory,
}

/// Which respondents are counted: all the conditions hold (AND).
///
/// JSON: `{"channels": ["web"], "answers": [{"question": "aide", "any_of": ["no"]}]}`;
/// both keys optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Filter {
    /// Only answers that came by one of these channels (empty: any channel).
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Only respondents whose answer to each question is one of its values.
    #[serde(default)]
    pub answers: Vec<AnswerFilter>,
}

/// Respondents whose answer to `question` is one of `any_of`.
///
/// `question` is a single choice, yes/no (values `yes`/`no`) or multiple
/// choice question (the respondent chose at least one of `any_of`).
/// Respondents who did not answer `question` never match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerFilter {
    /// The question id.
    pub question: String,
    /// Option values; at least one.
    pub any_of: Vec<String>,
}

impl Filter {
    /// Whether the filter keeps every respondent.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.channels.is_empty() && self.answers.is_empty()
    }

    /// Checks the filter against a schema.
    ///
    /// # Errors
    /// French messages keyed `filter.<question>`: unknown question, question
    /// that cannot be filtered on (scale, number), unknown value, no value.
    pub fn validate(&self, schema: &super::ResultsSchema) -> Result<(), FieldErrors> {
        let _ = schema;
        todo!()
    }
}

/// Raw counts of one question in one group. Options are in schema order.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionResult {
    /// The question id.
    pub id: String,
    /// Respondents who answered the question (chose at least one option or
    /// gave an "other" text, for a multiple choice).
    pub answered: u64,
    /// Per option (schema order): respondents who chose it. Single choice /
    /// yes-no: they sum to `answered`. Empty for scale and number.
    pub options: Vec<u64>,
    /// Multiple choice with an "other" text: respondents who gave one.
    pub other: Option<u64>,
    /// Scale and number: mean of the answers (`None` without answers).
    pub mean: Option<f64>,
    /// Scale and number: median of the answers (mean of the two middle
    /// values for an even count; `None` without answers).
    pub median: Option<f64>,
}

impl QuestionResult {
    /// Respondents of the group who did not answer (`respondents - answered`).
    #[must_use]
    pub fn no_answer(&self, respondents: u64) -> u64 {
        respondents.saturating_sub(self.answered)
    }
}

/// Raw results of one group (commune, zone or territory).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupResult {
    /// INSEE code of a commune, code of a zone, [`TERRITORY_CODE`] or
    /// [`UNASSIGNED_CODE`].
    pub code: String,
    /// Name of the commune or zone.
    pub name: String,
    /// Positions of the communes the group covers, ascending (empty for
    /// [`UNASSIGNED_CODE`]).
    pub communes: Vec<u32>,
    /// Inhabitants, when the population of every commune covered is known.
    pub population: Option<u64>,
    /// Respondents kept by the filter.
    pub respondents: u64,
    /// One per schema question, same order.
    pub questions: Vec<QuestionResult>,
}

impl GroupResult {
    /// Respondents per 1,000 inhabitants, when the population is known and
    /// not zero.
    #[must_use]
    pub fn rate_per_1000(&self) -> Option<f64> {
        self.population
            .filter(|&p| p > 0)
            .map(|p| self.respondents as f64 * 1000.0 / p as f64)
    }
}

/// Raw results of a campaign at one level: **never returned or exported as
/// is** (it is not `Serialize`); [`protect`](super::protect) it first.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsTable {
    /// [`COMMUNE_LEVEL`], a [`ZoneLevel`](super::ZoneLevel) name, or [`TERRITORY_LEVEL`].
    pub level: String,
    /// The filter applied.
    pub filter: Filter,
    /// The aggregated questions (labels and options), in column order.
    pub questions: Vec<super::SchemaQuestion>,
    /// One per commune / zone (empty for the territory level).
    pub groups: Vec<GroupResult>,
    /// Respondents in no group of this level (commune outside the
    /// territory, or in no zone of the mapping); `None` when there is none.
    /// Always `None` at the territory level.
    pub unassigned: Option<GroupResult>,
    /// The whole territory: groups plus unassigned add up to it.
    pub total: GroupResult,
}

/// Aggregates `dataset` at one level.
///
/// `communes` is the territory's commune list the dataset positions refer to
/// (codes, names and populations of the commune groups). Shares are not
/// computed here: see [`SecretTable`](super::SecretTable).
///
/// # Errors
/// The filter does not fit the dataset's schema ([`Filter::validate`]).
pub fn aggregate(
    dataset: &Dataset,
    communes: &[Commune],
    grouping: Grouping<'_>,
    filter: &Filter,
) -> Result<ResultsTable, FieldErrors> {
    let _ = (dataset, communes, grouping, filter);
    todo!()
}

/// Aggregates `dataset` at every level in one pass over the rows: the commune
/// table, one table per zone mapping (same order) and the territory table,
/// in that order. Feed the result to [`protect_levels`](super::protect_levels)
/// so that no suppressed commune value can be recovered from a zone total.
///
/// # Errors
/// The filter does not fit the dataset's schema ([`Filter::validate`]).
pub fn aggregate_levels(
    dataset: &Dataset,
    communes: &[Commune],
    zones: &[&ZoneMapping],
    filter: &Filter,
) -> Result<Vec<ResultsTable>, FieldErrors> {
    let _ = (dataset, communes, zones, filter);
    todo!()
}
