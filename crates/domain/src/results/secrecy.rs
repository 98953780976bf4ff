//! Statistical secrecy: primary and secondary suppression of small counts.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::aggregate::{Filter, GroupResult, ResultsTable};
use super::schema::SchemaQuestion;

/// The default threshold: a count of 1 to 4 respondents is secret.
pub const DEFAULT_K: u32 = 5;

/// Member of an unassigned group's set standing for the respondents without
/// a commune of the territory.
const OUTSIDE: u32 = u32::MAX;

/// The word a suppressed value is replaced with, in JSON and in exports.
const SECRET: &str = "secret";

/// A published count, or the fact that it is secret.
///
/// JSON: `{"count": 12, "share": 0.4}` (`share` may be `null`) or `"secret"`.
/// A secret cell holds no number at all, so none can leak.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// A visible count.
    Value {
        /// Respondents.
        count: u64,
        /// `count` over the cell's denominator (see the field that holds the
        /// cell), from 0 to 1; `None` when the denominator is secret or zero.
        share: Option<f64>,
    },
    /// Suppressed.
    Secret,
}

impl Cell {
    /// The count, if visible.
    #[must_use]
    pub fn count(&self) -> Option<u64> {
        match self {
            Cell::Value { count, .. } => Some(*count),
            Cell::Secret => None,
        }
    }

    /// The share, if visible and defined.
    #[must_use]
    pub fn share(&self) -> Option<f64> {
        match self {
            Cell::Value { share, .. } => *share,
            Cell::Secret => None,
        }
    }

    /// Whether the cell is suppressed.
    #[must_use]
    pub fn is_secret(&self) -> bool {
        matches!(self, Cell::Secret)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum CellRepr {
    Marker(String),
    Value { count: u64, share: Option<f64> },
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Cell::Value { count, share } => CellRepr::Value { count, share },
            Cell::Secret => CellRepr::Marker(SECRET.to_owned()),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match CellRepr::deserialize(deserializer)? {
            CellRepr::Value { count, share } => Ok(Cell::Value { count, share }),
            CellRepr::Marker(m) if m == SECRET => Ok(Cell::Secret),
            CellRepr::Marker(m) => Err(serde::de::Error::custom(format!(
                "expected \"{SECRET}\" or a count, got {m:?}"
            ))),
        }
    }
}

/// A published statistic (mean, median, rate), or the fact that it is secret.
///
/// JSON: a number or `"secret"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stat {
    /// A visible value.
    Value(f64),
    /// Suppressed.
    Secret,
}

impl Stat {
    /// The value, if visible.
    #[must_use]
    pub fn value(&self) -> Option<f64> {
        match self {
            Stat::Value(v) => Some(*v),
            Stat::Secret => None,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum StatRepr {
    Value(f64),
    Marker(String),
}

impl Serialize for Stat {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Stat::Value(v) => StatRepr::Value(v),
            Stat::Secret => StatRepr::Marker(SECRET.to_owned()),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Stat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match StatRepr::deserialize(deserializer)? {
            StatRepr::Value(v) => Ok(Stat::Value(v)),
            StatRepr::Marker(m) if m == SECRET => Ok(Stat::Secret),
            StatRepr::Marker(m) => Err(serde::de::Error::custom(format!(
                "expected \"{SECRET}\" or a number, got {m:?}"
            ))),
        }
    }
}

/// One option's cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretOption {
    /// The option value (`yes`/`no` for yes/no questions).
    pub value: String,
    /// Respondents who chose it; `share` is over the question's `answered`
    /// respondents (for a multiple choice: the share of those respondents who
    /// chose it, so shares may add up to more than 1).
    pub cell: Cell,
}

/// One question in one group, protected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretQuestion {
    /// The question id.
    pub id: String,
    /// Respondents who answered; `share` is over the group's respondents.
    pub answered: Cell,
    /// Respondents who did not answer (or to whom the question was not
    /// shown); `share` is over the group's respondents.
    pub no_answer: Cell,
    /// Per option, in schema order (empty for scale and number).
    pub options: Vec<SecretOption>,
    /// Multiple choice with "other": respondents who gave an "other" text
    /// (`share` over `answered`).
    pub other: Option<Cell>,
    /// Scale and number: mean, `null` when nobody answered.
    pub mean: Option<Stat>,
    /// Scale and number: median, `null` when nobody answered.
    pub median: Option<Stat>,
}

/// One group (commune, zone, territory), protected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretGroup {
    /// INSEE code, zone code, `territoire` or `hors_zone`.
    pub code: String,
    /// Name of the commune or zone.
    pub name: String,
    /// Inhabitants, when known (public data, never secret).
    pub population: Option<u64>,
    /// Respondents kept by the filter (`share` is always `null`).
    pub respondents: Cell,
    /// Respondents per 1,000 inhabitants; `null` when the population is unknown.
    pub rate_per_1000: Option<Stat>,
    /// Whether the whole group is secret (every cell of it is then secret).
    pub secret: bool,
    /// One per question of [`SecretTable::questions`], same order.
    pub questions: Vec<SecretQuestion>,
}

/// Results of a campaign at one level after statistical secrecy: the only
/// form that may be returned or exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretTable {
    /// `commune`, `canton`, `arrondissement`, `epci` or `territory`.
    pub level: String,
    /// The secrecy threshold applied.
    pub k: u32,
    /// Whether the counts are perturbed (a filtered view): each visible
    /// count is its true value plus a noise from −[`PERTURBATION_BOUND`] to
    /// +[`PERTURBATION_BOUND`] fixed by the set of respondents it counts
    /// (zero stays zero), and shares and rates are computed from those
    /// values. The unfiltered view is exact.
    #[serde(default)]
    pub perturbed: bool,
    /// The filter applied.
    pub filter: Filter,
    /// The aggregated questions (labels and options), in column order.
    pub questions: Vec<SchemaQuestion>,
    /// One per commune / zone (empty at the territory level).
    pub groups: Vec<SecretGroup>,
    /// Respondents in no group of this level, if any.
    pub unassigned: Option<SecretGroup>,
    /// The whole territory.
    pub total: SecretGroup,
}

impl SecretTable {
    /// The same table restricted to question `id` (its schema entry and its
    /// cell in every group), or `None` when the table has no such question.
    /// Nothing is recomputed: the cells are those already protected, so a
    /// one-question view tells exactly what the whole table tells.
    #[must_use]
    pub fn only_question(&self, id: &str) -> Option<SecretTable> {
        let index = self.questions.iter().position(|q| q.id == id)?;
        let keep = |group: &SecretGroup| SecretGroup {
            questions: group.questions.get(index).cloned().into_iter().collect(),
            ..group.clone_without_questions()
        };
        Some(SecretTable {
            level: self.level.clone(),
            k: self.k,
            perturbed: self.perturbed,
            filter: self.filter.clone(),
            questions: vec![self.questions[index].clone()],
            groups: self.groups.iter().map(keep).collect(),
            unassigned: self.unassigned.as_ref().map(keep),
            total: keep(&self.total),
        })
    }
}

impl SecretGroup {
    fn clone_without_questions(&self) -> SecretGroup {
        SecretGroup {
            code: self.code.clone(),
            name: self.name.clone(),
            population: self.population,
            respondents: self.respondents,
            rate_per_1000: self.rate_per_1000,
            secret: self.secret,
            questions: Vec::new(),
        }
    }
}

/// Protects one table on its own: see [`protect_levels`].
#[must_use]
pub fn protect(table: &ResultsTable, k: u32) -> SecretTable {
    let mut graph = Graph::new(std::slice::from_ref(table), None);
    graph.suppress(k);
    graph.table(table, 0, k)
}

/// Protects tables of the same campaign and filter at several levels
/// together (as [`aggregate_levels`](super::aggregate_levels) returns them),
/// so that a value hidden at one level cannot be recovered from another.
///
/// Rules, with `k` the threshold (`k` ≤ 1 disables suppression):
///
/// * **Primary**: a count from 1 to `k - 1` is secret. A group with fewer
///   than `k` respondents is secret as a whole. A mean or median computed
///   from fewer than `k` answers is secret. Zero counts are not sensitive
///   (they describe nobody).
/// * **Secondary**: counts are linked by additive relations that a reader
///   could use to subtract: within a group and question, the options of a
///   single choice / yes-no sum to `answered`, and `answered + no_answer`
///   sum to `respondents`; along a column, the groups plus `unassigned` sum
///   to the territory; across levels, the groups of one level that exactly
///   cover a group of another (communes of a canton, cantons of an
///   arrondissement when they nest) sum to it. Whenever a relation has
///   exactly one secret member, another visible member is made secret too:
///   not a group's respondents when possible, and preferably one whose
///   hiding completes other relations rather than breaking new ones, then
///   the smallest non-zero. A group whose respondent count becomes secret
///   is secret as a whole.
/// * **Audit**: sums of several relations, rows and columns of several
///   levels together (a canton total minus the communes of an
///   arrondissement, the hidden sums of two rows minus those of two
///   columns…), may still isolate a secret value. The whole view is checked
///   as one linear system by exact integer elimination: its unknowns are the
///   communes' counts that no visible cell shows, its equations every other
///   visible count and, per commune, `respondents = answered + no answer` of
///   each question and `answered = Σ options` of each single choice (which
///   also link the questions through a hidden respondent count); a visible
///   zero makes each count under it zero. Every hidden count that the
///   system determines gets a visible neighbour (through the relations,
///   nearest first, not a respondents count when possible, then the
///   smallest non-zero) hidden, and suppression runs again, until no hidden
///   count is determined. Hidden zeros are checked against the relations
///   alone (a visible zero then determines them, which tells nothing).
///
/// Shares are withheld when their denominator is secret, and means, medians
/// and rates when the count they rest on is.
///
/// What remains (`docs/privacy.md`): sums of cells hidden together are
/// known (a row or column total minus its visible cells), and bounds from
/// non-negativity beyond published zeros (a hidden sum of 3 over two cells
/// puts each between 0 and 3) are not audited.
///
/// Tables whose territory totals differ (not from the same dataset and
/// filter) are protected each on its own.
#[must_use]
pub fn protect_levels(tables: &[ResultsTable], k: u32) -> Vec<SecretTable> {
    let Some(first) = tables.first() else {
        return Vec::new();
    };
    let linked = tables
        .iter()
        .all(|t| t.total == first.total && t.questions == first.questions);
    if !linked {
        return tables.iter().map(|t| protect(t, k)).collect();
    }
    protect_linked(tables, None, k)
}

/// Protects the tables of one **filtered** view (as
/// [`aggregate_levels`](super::aggregate_levels) returns them) with their
/// cell keys (the same tables from
/// [`aggregate_levels_keys`](super::aggregate_levels_keys)): every count is
/// published perturbed ([`perturb_count`]), then the rules of
/// [`protect_levels`] apply, primary suppression on the **true** counts:
/// a true count of 0 to `k − 1` is secret whatever its perturbed value,
/// zeros included (an exact zero of a filtered view beside the exact
/// unfiltered view would say who is not in a cell), except the zeros the
/// filter makes by definition (options it excludes, the no-answer cell of a
/// filtered question). Hidden counts of 1 to `k − 1` get secondary
/// suppression and the audit; hidden zeros do not (a subtraction of
/// perturbed values tells them only within the noise). The tables say
/// [`SecretTable::perturbed`].
///
/// Why: each view is protected on its own, and a filtered view beside the
/// unfiltered one (or beside another filter) would let a reader subtract.
/// With perturbed filtered views, no difference of two views is exact unless
/// it is the difference of cells counting the same respondents (which then
/// have the same noise and the same value). See `docs/privacy.md`.
#[must_use]
pub fn protect_levels_perturbed(
    tables: &[ResultsTable],
    keys: &[ResultsTable],
    k: u32,
) -> Vec<SecretTable> {
    let Some(first) = tables.first() else {
        return Vec::new();
    };
    let aligned = keys.len() == tables.len()
        && tables
            .iter()
            .zip(keys)
            .all(|(t, key)| t.groups.len() == key.groups.len());
    let linked = tables
        .iter()
        .all(|t| t.total == first.total && t.questions == first.questions);
    if !aligned || !linked {
        // Not the keys of these tables, or tables not from one dataset and
        // filter (never the case from the functions above): each table on
        // its own, with its own keys when they fit, else with every
        // non-zero count secret rather than unperturbed.
        return tables
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let key = keys
                    .get(i)
                    .filter(|key| aligned && key.groups.len() == t.groups.len());
                let mut graph = Graph::new(
                    std::slice::from_ref(t),
                    Some(key.map_or(std::slice::from_ref(t), std::slice::from_ref)),
                );
                graph.suppress(if key.is_some() { k } else { u32::MAX });
                graph.table(t, 0, k)
            })
            .collect();
    }
    protect_linked(tables, Some(keys), k)
}

/// Protects tables of one dataset and filter together (their cells linked through the
/// shared totals), with their cell keys for a perturbed view.
fn protect_linked(
    tables: &[ResultsTable],
    keys: Option<&[ResultsTable]>,
    k: u32,
) -> Vec<SecretTable> {
    let mut graph = Graph::new(tables, keys);
    graph.suppress(k);
    tables
        .iter()
        .enumerate()
        .map(|(t, table)| graph.table(table, t, k))
        .collect()
}

/// Largest noise of a perturbed count, either way.
pub const PERTURBATION_BOUND: u64 = 2;

/// The perturbation table: a cell key's mixed top 4 bits pick one entry.
/// Noise −2, −1, 0, +1, +2 with probabilities 2, 3, 6, 3, 2 sixteenths:
/// centred, variance 1.375.
const NOISE: [i64; 16] = [-2, -2, -1, -1, -1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2];

/// A cell key from a sum of record keys (kept in a `u64` counter): the sum
/// modulo 2^32.
fn cell_key(sum: u64) -> u32 {
    u32::try_from(sum & u64::from(u32::MAX)).unwrap_or(0)
}

/// The published value of a count of a perturbed view: `count` plus the
/// noise its `cell_key` (the sum modulo 2^32 of the record keys of the
/// respondents it counts) picks from a fixed table, within
/// ±[`PERTURBATION_BOUND`]; zero stays zero and a non-zero count never
/// becomes zero. The same respondents always get the same noise, whatever
/// the view, the request or the server instance.
#[must_use]
pub fn perturb_count(count: u64, cell_key: u32) -> u64 {
    if count == 0 {
        return 0;
    }
    // Murmur3's finaliser: every key bit moves the top bits.
    let mut h = cell_key;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    let noise = NOISE[(h >> 28) as usize];
    count.saturating_add_signed(noise).max(1)
}

/// Where one question's cells sit in a group's run of cells.
#[derive(Debug, Clone)]
struct QuestionCells {
    answered: usize,
    no_answer: usize,
    options: usize,
    option_count: usize,
    /// Single choice / yes-no: options sum to answered.
    additive: bool,
    other: Option<usize>,
}

/// Every count of the tables as a cell, and the additive relations between them.
#[derive(Debug)]
struct Graph {
    /// Cells per group: respondents first, then each question's.
    width: usize,
    questions: Vec<QuestionCells>,
    /// The published counts: the true ones, or perturbed ones
    /// ([`perturb_count`]) in a perturbed view.
    counts: Vec<u64>,
    /// The true counts (primary suppression and the statistics' threshold
    /// rest on them, never on perturbed values).
    truth: Vec<u64>,
    perturbed: bool,
    /// Per offset in a group's run: a count the filter makes zero by
    /// definition (an option the filter excludes, the no-answer cell of a
    /// filtered question). Only a perturbed view uses it: there every other
    /// count under `k`, zero included, is secret.
    structural_zero: Vec<bool>,
    hidden: Vec<bool>,
    /// Node (group) index per table: its groups, its unassigned group if any,
    /// then the shared territory total (last node).
    nodes: Vec<Vec<usize>>,
    node_count: usize,
    /// Relations: `members[starts[r]..starts[r + 1]]`, the first is the total.
    starts: Vec<usize>,
    members: Vec<usize>,
    /// Relations of each cell: `cell_relations[cell_starts[c]..cell_starts[c + 1]]`.
    cell_starts: Vec<usize>,
    cell_relations: Vec<usize>,
    /// Per node, the atoms (commune positions, and `atoms - 1` for the
    /// respondents without a commune) it sums, sorted.
    node_atoms: Vec<Vec<usize>>,
    atoms: usize,
    total_node: usize,
    /// Nodes whose cells are known zeros and never hidden.
    pinned: Vec<bool>,
}

impl Graph {
    /// The cells and relations of `tables`; with `keys` (the same tables
    /// aggregated by [`aggregate_levels_keys`](super::aggregate_levels_keys)),
    /// every published count is perturbed by its cell key.
    #[allow(clippy::too_many_lines)]
    fn new(tables: &[ResultsTable], keys: Option<&[ResultsTable]>) -> Graph {
        let questions_of = &tables[0].questions;
        let mut width = 1;
        let questions: Vec<QuestionCells> = tables[0]
            .total
            .questions
            .iter()
            .zip(questions_of)
            .map(|(result, question)| {
                let answered = width;
                let option_count = result.options.len();
                let other = result.other.map(|_| answered + 2 + option_count);
                width += 2 + option_count + usize::from(other.is_some());
                QuestionCells {
                    answered,
                    no_answer: answered + 1,
                    options: answered + 2,
                    option_count,
                    additive: question.is_categorical(),
                    other,
                }
            })
            .collect();

        // Nodes: each table's groups and unassigned, then the shared total.
        // A table with groups and no unassigned group tells its reader that
        // nobody is unassigned: that zero is a published value, kept as a
        // "pinned" node (`None`) that is never hidden.
        let mut nodes = Vec::with_capacity(tables.len());
        let mut groups: Vec<Option<&GroupResult>> = Vec::new();
        for table in tables {
            let mut ids = Vec::new();
            for group in &table.groups {
                ids.push(groups.len());
                groups.push(Some(group));
            }
            if table.unassigned.is_some() || !table.groups.is_empty() {
                ids.push(groups.len());
                groups.push(table.unassigned.as_ref());
            }
            nodes.push(ids);
        }
        let total_node = groups.len();
        groups.push(Some(&tables[0].total));
        let mut pinned: Vec<bool> = groups.iter().map(Option::is_none).collect();
        for ids in &mut nodes {
            ids.push(total_node);
        }
        let node_count = groups.len();

        let fill_counts = |groups: &[Option<&GroupResult>]| {
            let mut counts = vec![0u64; node_count * width];
            for (node, group) in groups.iter().enumerate() {
                let Some(group) = group else { continue };
                let base = node * width;
                counts[base] = group.respondents;
                for (cells, result) in questions.iter().zip(&group.questions) {
                    counts[base + cells.answered] = result.answered;
                    counts[base + cells.no_answer] = result.no_answer(group.respondents);
                    for (i, &n) in result.options.iter().take(cells.option_count).enumerate() {
                        counts[base + cells.options + i] = n;
                    }
                    if let (Some(at), Some(n)) = (cells.other, result.other) {
                        counts[base + at] = n;
                    }
                }
            }
            counts
        };
        let truth = fill_counts(&groups);
        let mut structural_zero = vec![false; width];
        let filter = &tables[0].filter;
        for (cells, schema) in questions.iter().zip(questions_of) {
            let conditions: Vec<_> = filter
                .answers
                .iter()
                .filter(|a| a.question == schema.id)
                .collect();
            if conditions.is_empty() {
                continue;
            }
            structural_zero[cells.no_answer] = true;
            if cells.additive {
                for (i, option) in schema.options.iter().enumerate().take(cells.option_count) {
                    if conditions.iter().any(|c| !c.any_of.contains(&option.value)) {
                        structural_zero[cells.options + i] = true;
                    }
                }
            }
        }
        // Cell keys in the same layout: sums of record keys (the no-answer
        // cell's key is the respondents' minus the answered ones', the sum of
        // its own records' keys).
        let perturbed = keys.is_some();
        let counts = match keys {
            None => truth.clone(),
            Some(keys) => {
                let mut key_groups: Vec<Option<&GroupResult>> = Vec::with_capacity(node_count);
                for (table, keyed) in tables.iter().zip(keys) {
                    key_groups.extend((0..table.groups.len()).map(|g| keyed.groups.get(g)));
                    if table.unassigned.is_some() || !table.groups.is_empty() {
                        key_groups.push(table.unassigned.as_ref().and(keyed.unassigned.as_ref()));
                    }
                }
                key_groups.push(keys.first().map(|t| &t.total));
                key_groups.resize(node_count, None);
                let cell_keys = fill_counts(&key_groups);
                truth
                    .iter()
                    .zip(&cell_keys)
                    .map(|(&count, &key)| perturb_count(count, cell_key(key)))
                    .collect()
            }
        };

        let mut relations: Vec<Vec<usize>> = Vec::new();
        // Within each group.
        for node in 0..node_count {
            let base = node * width;
            for cells in &questions {
                relations.push(vec![base, base + cells.answered, base + cells.no_answer]);
                if cells.additive {
                    let mut r = vec![base + cells.answered];
                    r.extend((0..cells.option_count).map(|i| base + cells.options + i));
                    relations.push(r);
                }
            }
        }
        // Along each column of each table: groups + unassigned = total.
        for ids in &nodes {
            let parts = &ids[..ids.len() - 1];
            if parts.is_empty() {
                continue;
            }
            for offset in 0..width {
                let mut r = vec![total_node * width + offset];
                r.extend(parts.iter().map(|&n| n * width + offset));
                relations.push(r);
            }
        }
        // Across levels: the groups of a table that exactly cover a group of
        // another. Unassigned groups also hold the respondents without a
        // commune of the territory: the member `OUTSIDE` stands for them.
        let members_of = |table: &ResultsTable| -> Vec<Vec<u32>> {
            let mut sets: Vec<Vec<u32>> = table.groups.iter().map(|g| g.communes.clone()).collect();
            if let Some(u) = &table.unassigned {
                let mut set = u.communes.clone();
                set.push(OUTSIDE);
                sets.push(set);
            } else if !table.groups.is_empty() {
                let grouped: std::collections::HashSet<u32> =
                    sets.iter().flatten().copied().collect();
                let mut set: Vec<u32> = table
                    .total
                    .communes
                    .iter()
                    .copied()
                    .filter(|p| !grouped.contains(p))
                    .collect();
                set.push(OUTSIDE);
                sets.push(set);
            }
            for set in &mut sets {
                set.sort_unstable();
                set.dedup();
            }
            sets
        };
        let sets: Vec<Vec<Vec<u32>>> = tables.iter().map(members_of).collect();
        for (a, finer) in sets.iter().enumerate() {
            let mut group_of: HashMap<u32, usize> = HashMap::new();
            for (g, set) in finer.iter().enumerate() {
                for &p in set {
                    group_of.insert(p, g);
                }
            }
            for (b, coarser) in sets.iter().enumerate() {
                if a == b {
                    continue;
                }
                for (g, whole) in coarser.iter().enumerate() {
                    let Some(parts) = exact_cover(whole, finer, &group_of) else {
                        continue;
                    };
                    if parts.len() == 1 && a > b {
                        continue; // the same set both ways: one equality is enough
                    }
                    for offset in 0..width {
                        let mut r = vec![nodes[b][g] * width + offset];
                        r.extend(parts.iter().map(|&p| nodes[a][p] * width + offset));
                        relations.push(r);
                    }
                }
            }
        }

        let mut starts = Vec::with_capacity(relations.len() + 1);
        let mut members = Vec::new();
        let mut per_cell = vec![0usize; node_count * width + 1];
        starts.push(0);
        for r in &relations {
            for &c in r {
                per_cell[c + 1] += 1;
            }
            members.extend_from_slice(r);
            starts.push(members.len());
        }
        for c in 1..per_cell.len() {
            per_cell[c] += per_cell[c - 1];
        }
        let cell_starts = per_cell.clone();
        let mut fill = per_cell;
        let mut cell_relations = vec![0usize; members.len()];
        for (r, rel) in relations.iter().enumerate() {
            for &c in rel {
                cell_relations[fill[c]] = r;
                fill[c] += 1;
            }
        }
        // Atoms of each node, for the audit.
        let mut all: Vec<u32> = tables[0].total.communes.clone();
        all.push(OUTSIDE);
        let atoms = sets
            .iter()
            .flatten()
            .chain(std::iter::once(&all))
            .flatten()
            .filter(|&&p| p != OUTSIDE)
            .max()
            .map_or(1, |&p| p as usize + 2);
        let to_atoms = |set: &Vec<u32>| -> Vec<usize> {
            let mut atoms_of: Vec<usize> = set
                .iter()
                .map(|&p| if p == OUTSIDE { atoms - 1 } else { p as usize })
                .collect();
            atoms_of.sort_unstable();
            atoms_of.dedup();
            atoms_of
        };
        let mut node_atoms: Vec<Vec<usize>> = sets.iter().flatten().map(to_atoms).collect();
        node_atoms.push(to_atoms(&all));
        // A pinned zero publishes every atom in it as zero: a group made only
        // of those atoms (a commune outside every zone of a level that has no
        // unassigned group) is a published zero too, never worth hiding (its
        // value would still be known).
        let mut published_zero = vec![false; atoms];
        for node in (0..node_count).filter(|&n| pinned[n]) {
            for &atom in &node_atoms[node] {
                published_zero[atom] = true;
            }
        }
        for node in 0..node_count {
            let node_atoms = &node_atoms[node];
            if !node_atoms.is_empty() && node_atoms.iter().all(|&a| published_zero[a]) {
                pinned[node] = true;
            }
        }

        Graph {
            width,
            questions,
            hidden: vec![false; counts.len()],
            counts,
            truth,
            perturbed,
            structural_zero,
            nodes,
            node_count,
            starts,
            members,
            cell_starts,
            cell_relations,
            node_atoms,
            atoms,
            total_node,
            pinned,
        }
    }

    fn relation(&self, r: usize) -> &[usize] {
        &self.members[self.starts[r]..self.starts[r + 1]]
    }

    fn is_respondents(&self, cell: usize) -> bool {
        cell.is_multiple_of(self.width)
    }

    /// Primary then secondary suppression, to a fixed point.
    fn relations_of(&self, cell: usize) -> &[usize] {
        &self.cell_relations[self.cell_starts[cell]..self.cell_starts[cell + 1]]
    }

    /// Primary then secondary suppression, to a fixed point.
    fn suppress(&mut self, k: u32) {
        let k = u64::from(k);
        let relations = self.starts.len() - 1;
        let mut hidden_in = vec![0usize; relations];
        let mut queue: Vec<usize> = Vec::new();
        // A perturbed view hides its zeros too (but those the filter makes
        // by definition): an exact zero of a filtered view, beside the exact
        // unfiltered view, would tell which respondents are not in a cell.
        let smallest = u64::from(!self.perturbed);
        let pinned_zero = |g: &Graph, cell: usize| {
            g.perturbed && g.structural_zero[cell % g.width] || g.pinned[cell / g.width]
        };
        for node in 0..self.node_count {
            let respondents = self.truth[node * self.width];
            if (smallest..k).contains(&respondents) && !self.pinned[node] {
                self.hide_group(node, &mut queue);
            }
        }
        for cell in 0..self.counts.len() {
            if (smallest..k).contains(&self.truth[cell]) && !pinned_zero(self, cell) {
                self.hide(cell, &mut queue);
            }
        }
        // Those hidden zeros call for no secondary suppression: in a
        // perturbed view every visible value carries its own noise, so a
        // subtraction tells a hidden zero only within ±2 per term, never
        // exactly (and hiding a partner beside every zero would empty
        // filtered views). Hidden counts of 1 to k − 1 get the usual
        // secondary suppression and audit.
        if self.perturbed {
            queue.retain(|&cell| self.truth[cell] != 0);
        }
        let mut queued = vec![false; relations];
        let mut work: VecDeque<usize> = VecDeque::new();
        loop {
            loop {
                // Newly hidden cells count in their relations, which are looked at again.
                for cell in queue.drain(..) {
                    for &r in
                        &self.cell_relations[self.cell_starts[cell]..self.cell_starts[cell + 1]]
                    {
                        hidden_in[r] += 1;
                        if !queued[r] {
                            queued[r] = true;
                            work.push_back(r);
                        }
                    }
                }
                let Some(r) = work.pop_front() else { break };
                queued[r] = false;
                if hidden_in[r] != 1 {
                    continue;
                }
                let pick = self.second_cell(r, &hidden_in);
                self.hide_cell_or_group(pick, &mut queue);
            }
            // Sums of several relations (a zone minus the communes of
            // another level's zone…) may still isolate a hidden value.
            let fixes = self.audit();
            if fixes.is_empty() {
                break;
            }
            for cell in fixes {
                self.hide_cell_or_group(cell, &mut queue);
            }
        }
    }

    fn hide_cell_or_group(&mut self, cell: usize, queue: &mut Vec<usize>) {
        if self.is_respondents(cell) {
            self.hide_group(cell / self.width, queue);
        } else {
            self.hide(cell, queue);
        }
    }

    /// The whole view as one linear system: whether a hidden count is a
    /// linear combination of the visible counts of every group
    /// of every level, rows (options, answered, no answer, respondents of
    /// every question) and columns together; for each such count, a visible
    /// cell next to it, to hide.
    ///
    /// The unknowns are the counts of the atoms (commune, or the respondents
    /// without a commune) at each offset of a group's run that no visible
    /// one-atom group shows; a visible zero makes every atom of its cell
    /// zero (counts are never negative), and a zero respondents or answered
    /// count the cells below it. The equations are every other visible
    /// count (the sum of its atoms) and, per atom, `respondents = answered +
    /// no answer` of each question and `answered = Σ options` of each single
    /// choice. A hidden count is determined exactly when its vector over the
    /// unknowns lies in the row space of those equations: fraction-free
    /// Gaussian elimination over the integers ([`Echelon`]). A perturbed
    /// view's visible counts are taken as exact (the reader knows less).
    fn audit(&self) -> Vec<usize> {
        // Counts of 1 to k − 1, and those of k or more (hiding them protects
        // the former), against everything the reader knows, zeros included;
        // hidden zeros (not a perturbed view's: those are soft) against the
        // linear relations alone, as any reader would see a column or row
        // whose other members are hidden.
        let soft = |cell: usize| self.perturbed && self.truth[cell] == 0;
        let hidden: Vec<usize> = (0..self.counts.len())
            .filter(|&c| self.hidden[c] && !soft(c) && !self.pinned[c / self.width])
            .collect();
        let mut fixes: Vec<usize> = Vec::new();
        for use_zeros in [true, false] {
            let targets: Vec<usize> = hidden
                .iter()
                .copied()
                .filter(|&c| (self.truth[c] != 0) == use_zeros)
                .collect();
            if targets.is_empty() {
                continue;
            }
            let mut system = self.system(use_zeros);
            for cell in targets {
                if system.determines(cell / self.width, cell % self.width) {
                    if let Some(fix) = self.neighbour_to_hide(cell) {
                        if !fixes.contains(&fix) {
                            fixes.push(fix);
                        }
                    }
                }
            }
        }
        fixes
    }

    /// The linear system of the view ([`Graph::audit`]); with `use_zeros`,
    /// a visible zero makes its atoms' cells known.
    fn system(&self, use_zeros: bool) -> System<'_> {
        let width = self.width;
        let atoms = self.atoms;
        // Known atom cells: shown by a visible one-atom group, or zero.
        let mut known = vec![false; atoms * width];
        let mut zero = vec![false; atoms * width];
        // A perturbed view's hidden zeros count as known zeros, as they do
        // for secondary suppression (assuming the reader knows them is
        // conservative, and it keeps the system small).
        for node in 0..self.node_count {
            let base = node * width;
            for offset in 0..width {
                let soft = self.perturbed && self.truth[base + offset] == 0;
                if self.hidden[base + offset] && !soft {
                    continue;
                }
                let node_atoms = &self.node_atoms[node];
                if let [atom] = node_atoms.as_slice() {
                    known[atom * width + offset] = true;
                }
                if (use_zeros || soft) && self.counts[base + offset] == 0 {
                    for &atom in node_atoms {
                        zero[atom * width + offset] = true;
                    }
                }
            }
        }
        for atom in 0..atoms {
            let base = atom * width;
            if zero[base] {
                zero[base..base + width].iter_mut().for_each(|z| *z = true);
            }
            for cells in &self.questions {
                if zero[base + cells.answered] {
                    for i in 0..cells.option_count {
                        zero[base + cells.options + i] = true;
                    }
                    if let Some(at) = cells.other {
                        zero[base + at] = true;
                    }
                }
            }
        }
        // Unknowns: the other atom cells, numbered atom by atom.
        let mut unknown = vec![u32::MAX; atoms * width];
        let mut next = 0u32;
        for (cell, slot) in unknown.iter_mut().enumerate() {
            if !known[cell] && !zero[cell] {
                *slot = next;
                next += 1;
            }
        }
        let vector = |node: usize, offset: usize| -> Vec<(u32, i128)> {
            let mut v: Vec<(u32, i128)> = self.node_atoms[node]
                .iter()
                .map(|&a| unknown[a * width + offset])
                .filter(|&u| u != u32::MAX)
                .map(|u| (u, 1))
                .collect();
            v.sort_unstable_by_key(|&(u, _)| u);
            v
        };
        let mut echelon = Echelon::new(next as usize);
        let mut overflow = false;
        // Per atom, the relations between its cells.
        for atom in 0..atoms {
            let base = atom * width;
            let term = |offset: usize, sign: i128| {
                let u = unknown[base + offset];
                (u != u32::MAX).then_some((u, sign))
            };
            for cells in &self.questions {
                let mut row: Vec<(u32, i128)> = [
                    term(0, 1),
                    term(cells.answered, -1),
                    term(cells.no_answer, -1),
                ]
                .into_iter()
                .flatten()
                .collect();
                row.sort_unstable_by_key(|&(u, _)| u);
                overflow |= echelon.add(row).is_none();
                if cells.additive {
                    let mut row: Vec<(u32, i128)> = std::iter::once(term(cells.answered, 1))
                        .chain((0..cells.option_count).map(|i| term(cells.options + i, -1)))
                        .flatten()
                        .collect();
                    row.sort_unstable_by_key(|&(u, _)| u);
                    overflow |= echelon.add(row).is_none();
                }
            }
        }
        // Every visible count of a group of several atoms.
        for node in (0..self.node_count).filter(|&n| self.node_atoms[n].len() > 1) {
            for offset in 0..width {
                let cell = node * width + offset;
                if !self.hidden[cell] || (self.perturbed && self.truth[cell] == 0) {
                    overflow |= echelon.add(vector(node, offset)).is_none();
                }
            }
        }
        System {
            graph: self,
            unknown,
            echelon,
            overflow,
        }
    }

    /// The visible cell nearest `cell` through the relations (breadth
    /// first): in the first ring that has one, not a group's respondents
    /// when possible, then the smallest non-zero count, the territory total
    /// last. `None` when every cell is hidden or pinned.
    fn neighbour_to_hide(&self, cell: usize) -> Option<usize> {
        let mut seen = vec![false; self.counts.len()];
        seen[cell] = true;
        let mut ring = vec![cell];
        while !ring.is_empty() {
            let mut next = Vec::new();
            for &c in &ring {
                for &r in self.relations_of(c) {
                    for &m in self.relation(r) {
                        if !seen[m] {
                            seen[m] = true;
                            next.push(m);
                        }
                    }
                }
            }
            let pick = next
                .iter()
                .copied()
                .filter(|&m| !self.hidden[m] && !self.pinned[m / self.width])
                .min_by_key(|&m| {
                    (
                        self.is_respondents(m),
                        m / self.width == self.total_node,
                        self.counts[m] == 0,
                        self.counts[m],
                        m,
                    )
                });
            if pick.is_some() {
                return pick;
            }
            ring = next;
        }
        None
    }

    /// The cell to hide beside the only hidden member of relation `r`: among
    /// the visible parts other than groups' respondents (those only when
    /// nothing else is left, the total as a last resort), the one whose
    /// hiding leaves the fewest other relations with a single hidden member
    /// (it may complete some), then the smallest non-zero count.
    fn second_cell(&self, r: usize, hidden_in: &[usize]) -> usize {
        let members = self.relation(r);
        let total = members[0];
        let effect = |c: usize| -> i64 {
            self.relations_of(c)
                .iter()
                .filter(|&&other| other != r)
                .map(|&other| match hidden_in[other] {
                    0 => 1,
                    1 => -1,
                    _ => 0,
                })
                .sum()
        };
        let key = |c: usize| (effect(c), self.counts[c] == 0, self.counts[c]);
        let visible_parts = || {
            members[1..]
                .iter()
                .copied()
                .filter(|&c| !self.hidden[c] && !self.pinned[c / self.width])
        };
        visible_parts()
            .filter(|&c| !self.is_respondents(c))
            .min_by_key(|&c| key(c))
            .or_else(|| visible_parts().min_by_key(|&c| key(c)))
            .unwrap_or(total)
    }

    fn hide(&mut self, cell: usize, queue: &mut Vec<usize>) {
        if !self.hidden[cell] {
            self.hidden[cell] = true;
            queue.push(cell);
        }
    }

    fn hide_group(&mut self, node: usize, queue: &mut Vec<usize>) {
        for cell in node * self.width..(node + 1) * self.width {
            self.hide(cell, queue);
        }
    }

    fn cell(&self, cell: usize, denominator: Option<usize>) -> Cell {
        if self.hidden[cell] {
            return Cell::Secret;
        }
        let count = self.counts[cell];
        let share = denominator
            .filter(|&d| !self.hidden[d] && self.counts[d] > 0)
            .map(|d| count as f64 / self.counts[d] as f64);
        Cell::Value { count, share }
    }

    fn group(&self, node: usize, group: &GroupResult, k: u32) -> SecretGroup {
        let base = node * self.width;
        let secret = self.hidden[base];
        let stat = |value: Option<f64>, visible: bool| {
            value.map(|v| {
                if visible {
                    Stat::Value(v)
                } else {
                    Stat::Secret
                }
            })
        };
        let questions = self
            .questions
            .iter()
            .zip(&group.questions)
            .map(|(cells, result)| {
                let answered = base + cells.answered;
                let enough = !self.hidden[answered] && self.truth[answered] >= u64::from(k);
                SecretQuestion {
                    id: result.id.clone(),
                    answered: self.cell(answered, Some(base)),
                    no_answer: self.cell(base + cells.no_answer, Some(base)),
                    options: (0..cells.option_count)
                        .map(|i| SecretOption {
                            value: String::new(),
                            cell: self.cell(base + cells.options + i, Some(answered)),
                        })
                        .collect(),
                    other: cells.other.map(|at| self.cell(base + at, Some(answered))),
                    mean: stat(result.mean, enough),
                    median: stat(result.median, enough),
                }
            })
            .collect();
        SecretGroup {
            code: group.code.clone(),
            name: group.name.clone(),
            population: group.population,
            respondents: self.cell(base, None),
            // From the published count: a perturbed view's rate is perturbed too.
            rate_per_1000: stat(
                group
                    .population
                    .filter(|&p| p > 0)
                    .map(|p| self.counts[base] as f64 * 1000.0 / p as f64),
                !secret,
            ),
            secret,
            questions,
        }
    }

    fn table(&self, table: &ResultsTable, t: usize, k: u32) -> SecretTable {
        let ids = &self.nodes[t];
        let mut groups: Vec<SecretGroup> = table
            .groups
            .iter()
            .zip(ids)
            .map(|(group, &node)| self.group(node, group, k))
            .collect();
        let unassigned = table
            .unassigned
            .as_ref()
            .map(|group| self.group(ids[table.groups.len()], group, k));
        let mut total = self.group(ids[ids.len() - 1], &table.total, k);
        // Option values from the schema.
        let name_options = |group: &mut SecretGroup| {
            for (question, schema) in group.questions.iter_mut().zip(&table.questions) {
                for (option, described) in question.options.iter_mut().zip(&schema.options) {
                    option.value.clone_from(&described.value);
                }
            }
        };
        groups.iter_mut().for_each(name_options);
        let mut unassigned = unassigned;
        if let Some(group) = unassigned.as_mut() {
            name_options(group);
        }
        name_options(&mut total);
        SecretTable {
            level: table.level.clone(),
            k,
            perturbed: self.perturbed,
            filter: table.filter.clone(),
            questions: table.questions.clone(),
            groups,
            unassigned,
            total,
        }
    }
}

/// The groups of `finer` that exactly cover the set `whole` (each inside
/// it, together all of it), if any. Sets are sorted.
fn exact_cover(
    whole: &[u32],
    finer: &[Vec<u32>],
    group_of: &HashMap<u32, usize>,
) -> Option<Vec<usize>> {
    if whole.is_empty() {
        return None;
    }
    let mut parts: Vec<usize> = whole
        .iter()
        .map(|p| group_of.get(p).copied())
        .collect::<Option<_>>()?;
    parts.sort_unstable();
    parts.dedup();
    parts
        .iter()
        .all(|&g| finer[g].iter().all(|p| whole.binary_search(p).is_ok()))
        .then_some(parts)
}

/// Row space of sparse integer rows (sorted by column), in echelon form:
/// each row's first column is its pivot, no two rows share one. Exact
/// elimination over `i128` (rows divided by the gcd of their coefficients),
/// `None` on overflow. Written here rather than taken from a crate: the rows
/// are sparse, 0/±1 at the start, and only membership is asked; the dense
/// rational matrices of the linear algebra crates would cost memory and
/// time quadratic in the unknowns.
///
/// A vector is reduced in a dense accumulator with a heap of its non-zero
/// columns: a step costs the length of the pivot row (a few entries), not
/// of the vector being reduced (hundreds for a territory-wide sum), which
/// made the audit of a small campaign's view quadratic.
struct Echelon {
    /// Pivot column → its row.
    rows: Vec<Option<Vec<(u32, i128)>>>,
    /// The vector being reduced, dense (zero outside `touched`).
    dense: Vec<i128>,
    /// Columns of `dense` that may be non-zero, each once.
    touched: Vec<u32>,
    /// Whether a column is in `touched`.
    listed: Vec<bool>,
    /// Non-zero columns of `dense` not yet looked at (smallest first; stale
    /// entries are skipped).
    heap: BinaryHeap<Reverse<u32>>,
}

impl Echelon {
    /// An empty span over `columns` unknowns.
    fn new(columns: usize) -> Echelon {
        Echelon {
            rows: vec![None; columns],
            dense: vec![0; columns],
            touched: Vec::new(),
            listed: vec![false; columns],
            heap: BinaryHeap::new(),
        }
    }

    /// `v` minus multiples of the rows, until its first column is no pivot
    /// (or it is zero), divided by the gcd of its coefficients; `None` on
    /// overflow.
    fn reduce(&mut self, v: Vec<(u32, i128)>) -> Option<Vec<(u32, i128)>> {
        let reduced = self.reduce_in_place(v);
        // Back to an all-zero accumulator whatever happened.
        let mut out: Vec<(u32, i128)> = Vec::new();
        self.touched.sort_unstable();
        for &c in &self.touched {
            self.listed[c as usize] = false;
            let x = std::mem::take(&mut self.dense[c as usize]);
            if x != 0 {
                out.push((c, x));
            }
        }
        self.touched.clear();
        self.heap.clear();
        reduced?;
        let mut g = 0i128;
        for &(_, x) in &out {
            g = gcd(g, x);
            if g == 1 {
                break;
            }
        }
        if g > 1 {
            out.iter_mut().for_each(|(_, x)| *x /= g);
        }
        Some(out)
    }

    fn reduce_in_place(&mut self, v: Vec<(u32, i128)>) -> Option<()> {
        for (c, x) in v {
            self.dense[c as usize] = x;
            self.listed[c as usize] = true;
            self.touched.push(c);
            self.heap.push(Reverse(c));
        }
        while let Some(Reverse(col)) = self.heap.pop() {
            let f = self.dense[col as usize];
            if f == 0 {
                continue;
            }
            let Some(row) = &self.rows[col as usize] else {
                // The leading column is no pivot: reduced.
                break;
            };
            let p = row[0].1;
            // v − (f / p) · row when p divides f (pivots of ±1: nearly
            // always), else p · v − f · row; the pivot cancels either way.
            let (scale, q) = if f % p == 0 { (1, f / p) } else { (p, f) };
            if scale != 1 {
                for &c in &self.touched {
                    let x = &mut self.dense[c as usize];
                    *x = x.checked_mul(scale)?;
                }
            }
            for &(c, y) in row {
                let x = &mut self.dense[c as usize];
                let was_zero = *x == 0;
                *x = x.checked_sub(y.checked_mul(q)?)?;
                if was_zero && *x != 0 {
                    self.heap.push(Reverse(c));
                    if !std::mem::replace(&mut self.listed[c as usize], true) {
                        self.touched.push(c);
                    }
                }
            }
        }
        Some(())
    }

    /// Adds `v` to the span; `None` on overflow.
    fn add(&mut self, v: Vec<(u32, i128)>) -> Option<()> {
        let v = self.reduce(v)?;
        if let Some(&(col, _)) = v.first() {
            self.rows[col as usize] = Some(v);
        }
        Some(())
    }

    /// Whether `v` lies in the span; `None` on overflow.
    fn contains(&mut self, v: Vec<(u32, i128)>) -> Option<bool> {
        Some(self.reduce(v)?.is_empty())
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i128::try_from(a).unwrap_or(1)
}

/// The view's linear system: the unknown atom cells and the echelon form
/// of the equations over them.
struct System<'a> {
    graph: &'a Graph,
    /// Per atom cell (`atom * width + offset`), its unknown's number, or
    /// `u32::MAX` when known.
    unknown: Vec<u32>,
    echelon: Echelon,
    overflow: bool,
}

impl System<'_> {
    /// Whether the count of `node` at `offset` follows from the equations.
    /// An overflow (never seen: coefficients stay small) counts as
    /// determined: more suppression, never less.
    fn determines(&mut self, node: usize, offset: usize) -> bool {
        let width = self.graph.width;
        let mut v: Vec<(u32, i128)> = self.graph.node_atoms[node]
            .iter()
            .map(|&a| self.unknown[a * width + offset])
            .filter(|&u| u != u32::MAX)
            .map(|u| (u, 1))
            .collect();
        v.sort_unstable_by_key(|&(u, _)| u);
        self.overflow || self.echelon.contains(v).unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{gcd, Echelon};

    /// Rank of dense integer rows by fraction-free elimination (small inputs).
    fn rank(mut rows: Vec<Vec<i128>>) -> usize {
        let columns = rows.first().map_or(0, Vec::len);
        let mut rank = 0;
        for col in 0..columns {
            let Some(p) = (rank..rows.len()).find(|&r| rows[r][col] != 0) else {
                continue;
            };
            rows.swap(rank, p);
            for r in 0..rows.len() {
                if r != rank && rows[r][col] != 0 {
                    let (a, b) = (rows[rank][col], rows[r][col]);
                    let pivot = rows[rank].clone();
                    for (x, y) in rows[r].iter_mut().zip(&pivot) {
                        *x = *x * a - y * b;
                    }
                    let g = rows[r].iter().fold(0, |g, &x| gcd(g, x));
                    if g > 1 {
                        rows[r].iter_mut().for_each(|x| *x /= g);
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    fn sparse(dense: &[i128]) -> Vec<(u32, i128)> {
        dense
            .iter()
            .enumerate()
            .filter(|(_, &x)| x != 0)
            .map(|(c, &x)| (u32::try_from(c).unwrap_or(u32::MAX), x))
            .collect()
    }

    #[test]
    fn a_pivot_that_does_not_divide_scales_the_vector() {
        let mut echelon = Echelon::new(3);
        echelon.add(vec![(0, 2), (1, 1)]).expect("no overflow");
        // 3·x0 + x2: reduced with the pivot 2 by 2·v − 3·row.
        assert_eq!(echelon.contains(vec![(0, 3), (2, 1)]), Some(false));
        assert_eq!(echelon.contains(vec![(0, 4), (1, 2)]), Some(true));
        echelon.add(vec![(1, 3)]).expect("no overflow");
        // x1 and then x0 are in the span; x2 is not.
        assert_eq!(echelon.contains(vec![(0, 1)]), Some(true));
        assert_eq!(echelon.contains(vec![(2, 1)]), Some(false));
        // The accumulator is clean after each call.
        assert_eq!(echelon.reduce(vec![(2, 5)]), Some(vec![(2, 1)]));
    }

    proptest! {
        /// Membership agrees with rank(rows + v) == rank(rows) on small
        /// random integer systems (coefficients −2 to 2, as the audit's and
        /// a little more).
        #[test]
        fn membership_agrees_with_the_rank(
            rows in prop::collection::vec(prop::collection::vec(-2i128..=2, 6), 0..7),
            probes in prop::collection::vec(prop::collection::vec(-2i128..=2, 6), 1..6),
        ) {
            let mut echelon = Echelon::new(6);
            for row in &rows {
                prop_assert!(echelon.add(sparse(row)).is_some());
            }
            let base = rank(rows.clone());
            for probe in probes {
                let mut with = rows.clone();
                with.push(probe.clone());
                let expected = rank(with) == base;
                prop_assert_eq!(echelon.contains(sparse(&probe)), Some(expected));
            }
        }
    }
}
