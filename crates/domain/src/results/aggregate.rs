//! Counting a dataset by commune, zone or territory, under a filter.

use serde::{Deserialize, Serialize};

use super::accumulate::{accumulate, accumulate_keys, Counters, Layout, Slots};
use super::dataset::{Channel, Dataset, NO_COMMUNE};
use super::schema::{ResultKind, ResultsSchema};
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
    pub fn validate(&self, schema: &ResultsSchema) -> Result<(), FieldErrors> {
        self.compile(schema).map(drop)
    }

    fn compile(&self, schema: &ResultsSchema) -> Result<CompiledFilter, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut answers = Vec::new();
        for condition in &self.answers {
            let key = format!("filter.{}", condition.question);
            let Some((index, question)) = schema.question(&condition.question) else {
                errors.add(
                    key,
                    "Cette question n'existe pas dans ce questionnaire ou n'est pas agrégée.",
                );
                continue;
            };
            if condition.any_of.is_empty() {
                errors.add(key, "Indiquez au moins une valeur.");
                continue;
            }
            let mut chosen = Vec::new();
            for value in &condition.any_of {
                match question.option_index(value) {
                    Some(i) => chosen.push(i),
                    None => errors.add(
                        key.clone(),
                        format!("« {value} » n'est pas une réponse possible à cette question."),
                    ),
                }
            }
            let allowed = match question.kind {
                ResultKind::SingleChoice | ResultKind::YesNo => {
                    let mut codes = vec![false; question.options.len() + 1];
                    for i in chosen {
                        codes[i + 1] = true;
                    }
                    Allowed::Codes(codes)
                }
                ResultKind::MultipleChoice { .. } => {
                    let mut words = vec![0u64; (question.options.len() + 1).div_ceil(64)];
                    for i in chosen {
                        words[i / 64] |= 1 << (i % 64);
                    }
                    Allowed::Bits(words)
                }
                ResultKind::Scale { .. } | ResultKind::Number { .. } => {
                    errors.add(
                        key,
                        "On ne peut filtrer que sur une question à choix ou oui/non.",
                    );
                    continue;
                }
            };
            answers.push((index, allowed));
        }
        let channels = self
            .channels
            .iter()
            .fold(0u8, |mask, c| mask | (1 << c.code()));
        errors.into_result(CompiledFilter { channels, answers })
    }
}

/// A filter resolved against a schema: column indexes and allowed codes.
#[derive(Debug)]
pub(super) struct CompiledFilter {
    /// Bit `code` set for each allowed channel; 0 = any channel.
    pub channels: u8,
    pub answers: Vec<(usize, Allowed)>,
}

#[derive(Debug)]
pub(super) enum Allowed {
    /// Indexed by categorical code (0 = no answer, never allowed).
    Codes(Vec<bool>),
    /// Option bits of a multiple choice, 64 per word.
    Bits(Vec<u64>),
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
    /// Positions of the communes the group covers, ascending. The
    /// [`UNASSIGNED_CODE`] group lists the communes in no zone; it also holds
    /// the respondents whose commune is not in the territory.
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
/// (codes, names and populations of the commune groups); rows whose position
/// is past its end count as unassigned. Shares are not computed here: see
/// [`SecretTable`](super::SecretTable).
///
/// # Errors
/// The filter does not fit the dataset's schema ([`Filter::validate`]).
pub fn aggregate(
    dataset: &Dataset,
    communes: &[Commune],
    grouping: Grouping<'_>,
    filter: &Filter,
) -> Result<ResultsTable, FieldErrors> {
    let compiled = filter.compile(dataset.schema())?;
    let layout = Layout::new(dataset.schema());
    let counters = accumulate(dataset, &layout, &compiled);
    let builder = Builder {
        dataset,
        communes,
        filter,
        layout: &layout,
        counters: &counters,
    };
    Ok(builder.table(grouping))
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
    level_tables(dataset, communes, zones, filter, accumulate)
}

/// [`aggregate_levels`] with every count replaced by its cell key: the sum of
/// the record keys of the rows it counts (in a `u64`; the key is that sum
/// modulo 2^32). Means and medians of these tables mean nothing. Feed them
/// with the true tables to
/// [`protect_levels_perturbed`](super::protect_levels_perturbed).
///
/// # Errors
/// The filter does not fit the dataset's schema ([`Filter::validate`]).
pub fn aggregate_levels_keys(
    dataset: &Dataset,
    communes: &[Commune],
    zones: &[&ZoneMapping],
    filter: &Filter,
) -> Result<Vec<ResultsTable>, FieldErrors> {
    level_tables(dataset, communes, zones, filter, accumulate_keys)
}

/// The commune table, one table per zone mapping and the territory table, from the
/// counters `count` gathers in one pass over the rows (true counts or cell keys).
fn level_tables(
    dataset: &Dataset,
    communes: &[Commune],
    zones: &[&ZoneMapping],
    filter: &Filter,
    count: fn(&Dataset, &Layout, &CompiledFilter) -> Counters,
) -> Result<Vec<ResultsTable>, FieldErrors> {
    let compiled = filter.compile(dataset.schema())?;
    let layout = Layout::new(dataset.schema());
    let counters = count(dataset, &layout, &compiled);
    let builder = Builder {
        dataset,
        communes,
        filter,
        layout: &layout,
        counters: &counters,
    };
    let mut tables = Vec::with_capacity(zones.len() + 2);
    tables.push(builder.table(Grouping::Commune));
    for mapping in zones {
        tables.push(builder.table(Grouping::Zones(mapping)));
    }
    tables.push(builder.table(Grouping::Territory));
    Ok(tables)
}

/// Every level of one view of a campaign, protected: the rule the server
/// follows for every output. The unfiltered view is exact
/// ([`protect_levels`](super::protect_levels)); a filtered view (any
/// channel or answer condition) is perturbed by cell keys
/// ([`protect_levels_perturbed`](super::protect_levels_perturbed)), so that
/// no two views can be subtracted exactly.
///
/// # Errors
/// The filter does not fit the dataset's schema ([`Filter::validate`]).
pub fn protect_view(
    dataset: &Dataset,
    communes: &[Commune],
    zones: &[&ZoneMapping],
    filter: &Filter,
    k: u32,
) -> Result<Vec<super::SecretTable>, FieldErrors> {
    let tables = aggregate_levels(dataset, communes, zones, filter)?;
    if filter.is_empty() {
        return Ok(super::protect_levels(&tables, k));
    }
    let keys = aggregate_levels_keys(dataset, communes, zones, filter)?;
    Ok(super::protect_levels_perturbed(&tables, &keys, k))
}

/// Turns bucket counters into tables.
struct Builder<'a> {
    dataset: &'a Dataset,
    communes: &'a [Commune],
    filter: &'a Filter,
    layout: &'a Layout,
    counters: &'a Counters,
}

impl Builder<'_> {
    /// Number of commune buckets that are communes of `communes`.
    fn known(&self) -> usize {
        self.dataset.commune_count().min(self.communes.len())
    }

    fn table(&self, grouping: Grouping<'_>) -> ResultsTable {
        let known = self.known();
        let buckets = self.dataset.commune_count() + 1;
        let all_positions: Vec<u32> = (0..known).filter_map(|p| u32::try_from(p).ok()).collect();
        let population_of = |positions: &[u32]| -> Option<u64> {
            positions.iter().try_fold(0u64, |sum, &p| {
                let commune = self.communes.get(p as usize)?;
                Some(sum + u64::from(commune.population?))
            })
        };
        let (level, groups, unassigned_buckets): (String, Vec<GroupResult>, Vec<usize>) =
            match grouping {
                Grouping::Commune => {
                    let groups = all_positions
                        .iter()
                        .map(|&p| {
                            let commune = &self.communes[p as usize];
                            self.group(
                                commune.code.as_str().to_owned(),
                                commune.name.clone(),
                                vec![p],
                                commune.population.map(u64::from),
                                [p as usize],
                            )
                        })
                        .collect();
                    (COMMUNE_LEVEL.to_owned(), groups, (known..buckets).collect())
                }
                Grouping::Zones(mapping) => {
                    let mut members: Vec<Vec<u32>> = vec![Vec::new(); mapping.zones().len()];
                    let mut unassigned: Vec<usize> = Vec::new();
                    for &p in &all_positions {
                        match mapping.zone_of(p as usize) {
                            Some(z) if (z as usize) < members.len() => members[z as usize].push(p),
                            _ => unassigned.push(p as usize),
                        }
                    }
                    unassigned.extend(known..buckets);
                    let groups = mapping
                        .zones()
                        .iter()
                        .zip(members)
                        .map(|(zone, positions)| {
                            let population = population_of(&positions);
                            let buckets: Vec<usize> =
                                positions.iter().map(|&p| p as usize).collect();
                            self.group(
                                zone.code.clone(),
                                zone.name.clone(),
                                positions,
                                population,
                                buckets,
                            )
                        })
                        .collect();
                    (mapping.level().as_str().to_owned(), groups, unassigned)
                }
                Grouping::Territory => (TERRITORY_LEVEL.to_owned(), Vec::new(), Vec::new()),
            };
        // A filtered view shows the unassigned group whenever the unfiltered
        // one does: its absence would publish an exact zero of the filter.
        let keep_unassigned = !self.filter.is_empty() && self.any_row_in(&unassigned_buckets);
        let unassigned_communes = unassigned_buckets
            .iter()
            .filter(|&&b| b < known)
            .filter_map(|&b| u32::try_from(b).ok())
            .collect();
        let unassigned = Some(self.group(
            UNASSIGNED_CODE.to_owned(),
            "Hors zone".to_owned(),
            unassigned_communes,
            None,
            unassigned_buckets,
        ))
        .filter(|g| g.respondents > 0 || keep_unassigned);
        let population = population_of(&all_positions).filter(|_| known > 0);
        let total = self.group(
            TERRITORY_CODE.to_owned(),
            "Ensemble du territoire".to_owned(),
            all_positions,
            population,
            0..buckets,
        );
        ResultsTable {
            level,
            filter: self.filter.clone(),
            questions: self.dataset.schema().questions().to_vec(),
            groups,
            unassigned,
            total,
        }
    }

    /// Whether any row of the dataset, filter aside, falls in `buckets`.
    fn any_row_in(&self, buckets: &[usize]) -> bool {
        let outside = self.dataset.commune_count();
        let mut mask = vec![false; outside + 1];
        for &b in buckets {
            if let Some(m) = mask.get_mut(b) {
                *m = true;
            }
        }
        self.dataset.communes.iter().any(|&c| {
            let b = if c == NO_COMMUNE { outside } else { c as usize };
            mask.get(b).copied().unwrap_or(false)
        })
    }

    fn group(
        &self,
        code: String,
        name: String,
        communes: Vec<u32>,
        population: Option<u64>,
        buckets: impl IntoIterator<Item = usize>,
    ) -> GroupResult {
        let summed = self.counters.sum_of(self.layout, buckets);
        let questions = self
            .dataset
            .schema()
            .questions()
            .iter()
            .zip(&self.layout.questions)
            .map(|(question, slots)| question_result(&question.id, *slots, &summed))
            .collect();
        GroupResult {
            code,
            name,
            communes,
            population,
            respondents: summed.respondents[0],
            questions,
        }
    }
}

/// One question's result from a one-bucket [`Counters`].
fn question_result(id: &str, slots: Slots, one: &Counters) -> QuestionResult {
    let counts = &one.counts;
    let mut result = QuestionResult {
        id: id.to_owned(),
        answered: 0,
        options: Vec::new(),
        other: None,
        mean: None,
        median: None,
    };
    match slots {
        Slots::Codes { offset, options } => {
            result.options = counts[offset..offset + options].to_vec();
            result.answered = result.options.iter().sum();
        }
        Slots::Mask { offset, bits } => {
            result.answered = counts[offset];
            let options = bits - 1;
            result.options = counts[offset + 1..offset + 1 + options].to_vec();
            result.other = Some(counts[offset + 1 + options]);
        }
        Slots::Scale { offset, span, min } => {
            let histogram = &counts[offset..offset + span];
            let n: u64 = histogram.iter().sum();
            result.answered = n;
            if n > 0 {
                let value = |i: usize| f64::from(min) + i as f64;
                let total: f64 = histogram
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| value(i) * c as f64)
                    .sum();
                result.mean = Some(total / n as f64);
                // The values of ranks r (0-based) n/2 and (n-1)/2.
                let at_rank = |r: u64| {
                    let mut seen = 0;
                    for (i, &c) in histogram.iter().enumerate() {
                        seen += c;
                        if seen > r {
                            return value(i);
                        }
                    }
                    value(span.saturating_sub(1))
                };
                result.median = Some((at_rank((n - 1) / 2) + at_rank(n / 2)) / 2.0);
            }
        }
        Slots::Number { offset, number } => {
            let n = counts[offset];
            result.answered = n;
            if n > 0 {
                result.mean = Some(one.sums[number] / n as f64);
                let mut values = one.values[number].clone();
                result.median = median(&mut values);
            }
        }
    }
    result
}

/// Median of `values` (mean of the two middle ones for an even count).
fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (_, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = values[..n / 2]
        .iter()
        .copied()
        .max_by(f64::total_cmp)
        .unwrap_or(upper);
    Some((lower + upper) / 2.0)
}
