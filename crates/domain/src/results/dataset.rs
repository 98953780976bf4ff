//! The compact, append-only, columnar form of a campaign's answers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::schema::{ResultKind, ResultsSchema};
use crate::questionnaire::{AnswerValue, ValidatedAnswers};

/// How an answer reached us. Stored as its [`as_str`](Self::as_str) form
/// (the `channel` column of the responses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The public web form.
    Web,
    /// Assisted entry: by telephone.
    Telephone,
    /// Assisted entry: from a paper form.
    Papier,
    /// Assisted entry: at a front desk.
    Accueil,
    /// Assisted entry: during a home visit (a volunteer or an agent with a tablet).
    Visite,
}

impl Channel {
    /// Every channel, in code order.
    pub const ALL: [Channel; 5] = [
        Channel::Web,
        Channel::Telephone,
        Channel::Papier,
        Channel::Accueil,
        Channel::Visite,
    ];

    /// `web`, `telephone`, `papier`, `accueil` or `visite`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Telephone => "telephone",
            Channel::Papier => "papier",
            Channel::Accueil => "accueil",
            Channel::Visite => "visite",
        }
    }

    /// The channel written `s` ([`as_str`](Self::as_str) form), if any.
    #[must_use]
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub(super) fn code(self) -> u8 {
        match self {
            Channel::Web => 0,
            Channel::Telephone => 1,
            Channel::Papier => 2,
            Channel::Accueil => 3,
            // Added later: codes are stored, new channels take the next number.
            Channel::Visite => 4,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Channel {
    type Err = String;

    fn from_str(s: &str) -> Result<Channel, String> {
        Channel::parse(s).ok_or_else(|| format!("« {s} » n'est pas un canal de réponse connu."))
    }
}

/// Stored answers that are not the JSON form of [`ValidatedAnswers`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stored answers are not valid ValidatedAnswers JSON: {0}")]
pub struct StoredAnswersError(pub String);

/// The record key of row `row` when none is given: a fixed mix of its
/// position (SplitMix64's finaliser), pseudo-random but not secret.
fn position_key(row: usize) -> u32 {
    let mut z = (row as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) as u32
}

/// Marks "no commune" in [`Dataset`]'s commune column.
pub(super) const NO_COMMUNE: u32 = u32::MAX;

/// One aggregated question's values, one per row.
#[derive(Debug, Clone)]
pub(super) enum Column {
    /// Single choice / yes-no: 0 = no answer, `i + 1` = option `i`.
    Code8(Vec<u8>),
    /// The same with more than 254 options.
    Code16(Vec<u16>),
    /// Scale: 0 = no answer, `value - min + 1` (a span is at most 100).
    Scale(Vec<u8>),
    /// Number: NaN = no answer.
    Number(Vec<f64>),
    /// Multiple choice: bit `i` = option `i` chosen, bit `n` (the number of
    /// options) = an "other" text given; 0 = no answer. The narrowest width
    /// that holds `n + 1` bits.
    Mask8(Vec<u8>),
    /// See [`Column::Mask8`].
    Mask16(Vec<u16>),
    /// See [`Column::Mask8`].
    Mask32(Vec<u32>),
    /// See [`Column::Mask8`].
    Mask64(Vec<u64>),
    /// More than 63 options: `words` u64 per row.
    MaskWide {
        /// Words per row.
        words: usize,
        /// Row `r` is `data[r * words..(r + 1) * words]`.
        data: Vec<u64>,
    },
}

impl Column {
    fn for_kind(kind: &ResultKind, options: usize) -> Column {
        match kind {
            ResultKind::SingleChoice | ResultKind::YesNo => {
                if options < usize::from(u8::MAX) {
                    Column::Code8(Vec::new())
                } else {
                    Column::Code16(Vec::new())
                }
            }
            ResultKind::Scale { .. } => Column::Scale(Vec::new()),
            ResultKind::Number { .. } => Column::Number(Vec::new()),
            ResultKind::MultipleChoice { .. } => match options + 1 {
                0..=8 => Column::Mask8(Vec::new()),
                9..=16 => Column::Mask16(Vec::new()),
                17..=32 => Column::Mask32(Vec::new()),
                33..=64 => Column::Mask64(Vec::new()),
                bits => Column::MaskWide {
                    words: bits.div_ceil(64),
                    data: Vec::new(),
                },
            },
        }
    }

    /// Appends "no answer".
    fn push_none(&mut self) {
        match self {
            Column::Code8(v) | Column::Scale(v) | Column::Mask8(v) => v.push(0),
            Column::Code16(v) | Column::Mask16(v) => v.push(0),
            Column::Number(v) => v.push(f64::NAN),
            Column::Mask32(v) => v.push(0),
            Column::Mask64(v) => v.push(0),
            Column::MaskWide { words, data } => data.extend(std::iter::repeat_n(0, *words)),
        }
    }

    /// Sets the last row's categorical code (`option + 1`).
    fn set_code(&mut self, option: usize) {
        match self {
            Column::Code8(v) => {
                if let (Some(last), Ok(code)) = (v.last_mut(), u8::try_from(option + 1)) {
                    *last = code;
                }
            }
            Column::Code16(v) => {
                if let (Some(last), Ok(code)) = (v.last_mut(), u16::try_from(option + 1)) {
                    *last = code;
                }
            }
            _ => {}
        }
    }

    /// Sets bit `bit` of the last row's mask.
    fn set_bit(&mut self, bit: usize) {
        fn set<T: Copy + std::ops::BitOrAssign + From<u8> + std::ops::Shl<usize, Output = T>>(
            v: &mut [T],
            bit: usize,
            bits: usize,
        ) {
            if bit < bits {
                if let Some(last) = v.last_mut() {
                    *last |= T::from(1u8) << bit;
                }
            }
        }
        match self {
            Column::Mask8(v) => set(v, bit, 8),
            Column::Mask16(v) => set(v, bit, 16),
            Column::Mask32(v) => set(v, bit, 32),
            Column::Mask64(v) => set(v, bit, 64),
            Column::MaskWide { words, data } => {
                let start = data.len().saturating_sub(*words);
                if let Some(word) = data.get_mut(start + bit / 64) {
                    if bit / 64 < *words {
                        *word |= 1u64 << (bit % 64);
                    }
                }
            }
            _ => {}
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Column::Code8(v) | Column::Scale(v) | Column::Mask8(v) => v.capacity(),
            Column::Code16(v) | Column::Mask16(v) => v.capacity() * 2,
            Column::Mask32(v) => v.capacity() * 4,
            Column::Number(v) => v.capacity() * 8,
            Column::Mask64(v) => v.capacity() * 8,
            Column::MaskWide { data, .. } => data.capacity() * 8,
        }
    }

    fn reserve(&mut self, additional: usize) {
        match self {
            Column::Code8(v) | Column::Scale(v) | Column::Mask8(v) => v.reserve_exact(additional),
            Column::Code16(v) | Column::Mask16(v) => v.reserve_exact(additional),
            Column::Mask32(v) => v.reserve_exact(additional),
            Column::Number(v) => v.reserve_exact(additional),
            Column::Mask64(v) => v.reserve_exact(additional),
            Column::MaskWide { words, data } => data.reserve_exact(additional * *words),
        }
    }
}

/// A campaign's answers, one row per respondent, one column per aggregated
/// question of its [`ResultsSchema`]: about `5 + Σ column width` bytes a row
/// (single choice, yes/no and scale: 1 byte; multiple choice: 1 to 8 bytes
/// by number of options; number: 8 bytes).
///
/// Append-only: [`push`](Self::push) is a few hundred nanoseconds, so the
/// server keeps one dataset per campaign up to date as answers arrive.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub(super) schema: ResultsSchema,
    pub(super) commune_count: u32,
    /// Commune position per row, [`NO_COMMUNE`] when unknown.
    pub(super) communes: Vec<u32>,
    /// [`Channel::code`] per row.
    pub(super) channels: Vec<u8>,
    /// Record key per row: a pseudo-random number fixed for the answer, never
    /// published; the sum of a cell's keys picks the cell's perturbation
    /// (see [`perturb_count`](super::perturb_count)).
    pub(super) keys: Vec<u32>,
    /// One per schema question, same order.
    pub(super) columns: Vec<Column>,
    /// Schema question index by id, sorted by id (for `push`).
    by_id: Vec<(String, usize)>,
}

impl Dataset {
    /// An empty dataset for a territory of `commune_count` communes.
    #[must_use]
    pub fn new(schema: ResultsSchema, commune_count: usize) -> Dataset {
        let columns = schema
            .questions()
            .iter()
            .map(|q| Column::for_kind(&q.kind, q.options.len()))
            .collect();
        let mut by_id: Vec<(String, usize)> = schema
            .questions()
            .iter()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i))
            .collect();
        by_id.sort();
        Dataset {
            schema,
            commune_count: u32::try_from(commune_count).unwrap_or(NO_COMMUNE),
            communes: Vec::new(),
            channels: Vec::new(),
            keys: Vec::new(),
            columns,
            by_id,
        }
    }

    /// The schema the dataset was built with.
    #[must_use]
    pub fn schema(&self) -> &ResultsSchema {
        &self.schema
    }

    /// Number of communes of the territory it was built for.
    #[must_use]
    pub fn commune_count(&self) -> usize {
        self.commune_count as usize
    }

    /// Number of rows (respondents).
    #[must_use]
    pub fn len(&self) -> usize {
        self.communes.len()
    }

    /// Whether there is no row.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.communes.is_empty()
    }

    /// Bytes allocated on the heap for the rows (capacity, not length).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.communes.capacity() * 4
            + self.channels.capacity()
            + self.keys.capacity() * 4
            + self.columns.iter().map(Column::heap_bytes).sum::<usize>()
    }

    /// Reserves room for `additional` more rows (a rebuild knows its count).
    pub fn reserve(&mut self, additional: usize) {
        self.communes.reserve_exact(additional);
        self.channels.reserve_exact(additional);
        self.keys.reserve_exact(additional);
        for column in &mut self.columns {
            column.reserve(additional);
        }
    }

    /// Appends one respondent: `commune_pos` is the position of the row's
    /// commune in the territory's commune list (`None`, or a position past
    /// [`commune_count`](Self::commune_count), when it is not in the
    /// territory: the row then counts for the territory total only).
    ///
    /// Answers to questions the schema does not aggregate are skipped; a value
    /// that does not fit its question (impossible for answers validated
    /// against the same definition) counts as no answer.
    ///
    /// The row's record key is derived from its position (public): fine for
    /// tests and benchmarks; the server uses [`push_keyed`](Self::push_keyed)
    /// with a secret key per answer.
    pub fn push(&mut self, commune_pos: Option<u32>, channel: Channel, answers: &ValidatedAnswers) {
        let key = position_key(self.len());
        self.push_keyed(commune_pos, channel, answers, key);
    }

    /// [`push`](Self::push) with the answer's record key: a pseudo-random
    /// `u32` fixed for the answer (the same on every rebuild and every
    /// instance) and never published, e.g. a keyed hash of the response id
    /// with a secret of the installation. Filtered views are perturbed by
    /// the sums of these keys: whoever knows them can compute the noise.
    pub fn push_keyed(
        &mut self,
        commune_pos: Option<u32>,
        channel: Channel,
        answers: &ValidatedAnswers,
        key: u32,
    ) {
        self.begin_row(commune_pos, channel, key);
        for (id, value) in &answers.0 {
            self.set_answer(id, value);
        }
    }

    /// [`push`](Self::push) for a row read back from storage: `answers_json`
    /// is the stored JSON of [`ValidatedAnswers`].
    ///
    /// # Errors
    /// [`StoredAnswersError`] when the JSON is not that form; nothing is
    /// appended then.
    pub fn push_stored(
        &mut self,
        commune_pos: Option<u32>,
        channel: Channel,
        answers_json: &serde_json::Value,
    ) -> Result<(), StoredAnswersError> {
        let answers = ValidatedAnswers::deserialize(answers_json)
            .map_err(|e| StoredAnswersError(e.to_string()))?;
        self.push(commune_pos, channel, &answers);
        Ok(())
    }

    /// [`push_stored`](Self::push_stored) straight from the stored text (no
    /// intermediate `serde_json::Value`): the fast path of a full rebuild.
    ///
    /// # Errors
    /// [`StoredAnswersError`] when the text is not that JSON form; nothing is
    /// appended then.
    pub fn push_stored_str(
        &mut self,
        commune_pos: Option<u32>,
        channel: Channel,
        answers_json: &str,
    ) -> Result<(), StoredAnswersError> {
        let answers: ValidatedAnswers =
            serde_json::from_str(answers_json).map_err(|e| StoredAnswersError(e.to_string()))?;
        self.push(commune_pos, channel, &answers);
        Ok(())
    }

    /// [`push_stored_str`](Self::push_stored_str) with the answer's record
    /// key (see [`push_keyed`](Self::push_keyed)).
    ///
    /// # Errors
    /// [`StoredAnswersError`] when the text is not that JSON form; nothing is
    /// appended then.
    pub fn push_stored_str_keyed(
        &mut self,
        commune_pos: Option<u32>,
        channel: Channel,
        answers_json: &str,
        key: u32,
    ) -> Result<(), StoredAnswersError> {
        let answers: ValidatedAnswers =
            serde_json::from_str(answers_json).map_err(|e| StoredAnswersError(e.to_string()))?;
        self.push_keyed(commune_pos, channel, &answers, key);
        Ok(())
    }

    fn begin_row(&mut self, commune_pos: Option<u32>, channel: Channel, key: u32) {
        self.keys.push(key);
        let commune = commune_pos
            .filter(|&p| p < self.commune_count)
            .unwrap_or(NO_COMMUNE);
        self.communes.push(commune);
        self.channels.push(channel.code());
        for column in &mut self.columns {
            column.push_none();
        }
    }

    fn set_answer(&mut self, id: &str, value: &AnswerValue) {
        let Ok(found) = self.by_id.binary_search_by(|(k, _)| k.as_str().cmp(id)) else {
            return;
        };
        let index = self.by_id[found].1;
        let (Some(question), Some(column)) = (
            self.schema.questions().get(index),
            self.columns.get_mut(index),
        ) else {
            return;
        };
        match (&question.kind, value) {
            (ResultKind::SingleChoice, AnswerValue::Choice(chosen)) => {
                if let Some(i) = question.option_index(chosen) {
                    column.set_code(i);
                }
            }
            (ResultKind::YesNo, AnswerValue::YesNo(yes)) => column.set_code(usize::from(!*yes)),
            (ResultKind::MultipleChoice { has_other }, AnswerValue::Choices { values, other }) => {
                for chosen in values {
                    if let Some(i) = question.option_index(chosen) {
                        column.set_bit(i);
                    }
                }
                if *has_other && other.is_some() {
                    column.set_bit(question.options.len());
                }
            }
            (ResultKind::Scale { min, max }, AnswerValue::Scale(v)) => {
                if let (Column::Scale(codes), true) = (column, (*min..=*max).contains(v)) {
                    if let (Some(last), Ok(code)) = (
                        codes.last_mut(),
                        u8::try_from(i64::from(*v) - i64::from(*min) + 1),
                    ) {
                        *last = code;
                    }
                }
            }
            (ResultKind::Number { .. }, AnswerValue::Number(x)) => {
                if let (Column::Number(values), true) = (column, x.is_finite()) {
                    if let Some(last) = values.last_mut() {
                        *last = *x;
                    }
                }
            }
            _ => {}
        }
    }
}
