//! The one pass over the rows: counters per commune ("bucket"), column by
//! column, in chunks of rows (in parallel with the `parallel` feature).

use std::ops::Range;

use super::aggregate::{Allowed, CompiledFilter};
use super::dataset::{Column, Dataset, NO_COMMUNE};
use super::schema::{ResultKind, ResultsSchema};

/// Rows per chunk: the chunk's bucket list (64 KiB) stays in L2.
const CHUNK: usize = 1 << 14;

/// Where a question's counters sit in a bucket's slab of `slots` counters.
#[derive(Debug, Clone, Copy)]
pub(super) enum Slots {
    /// `offset + i`: respondents who chose option `i` (single choice, yes/no);
    /// `offset - 1` is a spare slot for "no answer" (not counted).
    Codes { offset: usize, options: usize },
    /// `offset + v`: answers `min + v` (scale); `offset - 1` as for codes.
    Scale {
        offset: usize,
        span: usize,
        min: i32,
    },
    /// `offset`: respondents who answered; `offset + 1 + i`: bit `i` set
    /// (options, then "other").
    Mask { offset: usize, bits: usize },
    /// `offset`: respondents who answered; sums and values at `number`.
    Number { offset: usize, number: usize },
}

/// Counter layout of a schema.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    /// Counters per bucket.
    pub slots: usize,
    /// Number questions (for sums and values).
    pub numbers: usize,
    /// One per schema question.
    pub questions: Vec<Slots>,
}

impl Layout {
    pub fn new(schema: &ResultsSchema) -> Layout {
        let mut slots = 0;
        let mut numbers = 0;
        let questions = schema
            .questions()
            .iter()
            .map(|q| {
                let offset = slots;
                let (layout, width) = match q.kind {
                    ResultKind::SingleChoice | ResultKind::YesNo => (
                        Slots::Codes {
                            offset: offset + 1,
                            options: q.options.len(),
                        },
                        q.options.len() + 1,
                    ),
                    ResultKind::Scale { min, max } => {
                        let span = usize::try_from(i64::from(max) - i64::from(min) + 1)
                            .unwrap_or(0)
                            .min(usize::from(u8::MAX));
                        (
                            Slots::Scale {
                                offset: offset + 1,
                                span,
                                min,
                            },
                            span + 1,
                        )
                    }
                    ResultKind::MultipleChoice { .. } => {
                        let bits = q.options.len() + 1;
                        (Slots::Mask { offset, bits }, bits + 1)
                    }
                    ResultKind::Number { .. } => {
                        numbers += 1;
                        (
                            Slots::Number {
                                offset,
                                number: numbers - 1,
                            },
                            1,
                        )
                    }
                };
                slots += width;
                layout
            })
            .collect();
        Layout {
            slots,
            numbers,
            questions,
        }
    }
}

/// Counters of some buckets (or of one group once summed).
#[derive(Debug, Clone)]
pub(super) struct Counters {
    pub buckets: usize,
    /// Per bucket.
    pub respondents: Vec<u64>,
    /// `buckets × slots`.
    pub counts: Vec<u64>,
    /// `buckets × numbers`: sum of the answers.
    pub sums: Vec<f64>,
    /// `buckets × numbers`: the answers (for medians).
    pub values: Vec<Vec<f64>>,
}

impl Counters {
    pub fn new(layout: &Layout, buckets: usize) -> Counters {
        Counters {
            buckets,
            respondents: vec![0; buckets],
            counts: vec![0; buckets * layout.slots],
            sums: vec![0.0; buckets * layout.numbers],
            values: vec![Vec::new(); buckets * layout.numbers],
        }
    }

    #[cfg(feature = "parallel")]
    fn merge(mut self, other: Counters) -> Counters {
        for (a, b) in self.respondents.iter_mut().zip(&other.respondents) {
            *a += b;
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a += b;
        }
        for (a, b) in self.values.iter_mut().zip(other.values) {
            a.extend(b);
        }
        self
    }

    /// The counters of buckets `members` summed into one bucket.
    pub fn sum_of(&self, layout: &Layout, members: impl IntoIterator<Item = usize>) -> Counters {
        let mut out = Counters::new(layout, 1);
        for b in members {
            if b >= self.buckets {
                continue;
            }
            out.respondents[0] += self.respondents[b];
            let slab = &self.counts[b * layout.slots..(b + 1) * layout.slots];
            for (a, c) in out.counts.iter_mut().zip(slab) {
                *a += c;
            }
            for n in 0..layout.numbers {
                out.sums[n] += self.sums[b * layout.numbers + n];
                out.values[n].extend_from_slice(&self.values[b * layout.numbers + n]);
            }
        }
        out
    }
}

/// Counts `dataset`'s rows kept by `filter` into one bucket per commune
/// position, then a bucket for rows without a commune, then a last bucket
/// for the rows the filter drops (counted and ignored: no branch per row).
pub(super) fn accumulate(dataset: &Dataset, layout: &Layout, filter: &CompiledFilter) -> Counters {
    accumulate_with(dataset, layout, filter, false)
}

/// [`accumulate`] adding each row's record key instead of 1: every counter
/// then holds the sum of the keys of the rows it counts (its cell key, mod
/// 2^32 once truncated). Sums and values of number questions stay empty.
pub(super) fn accumulate_keys(
    dataset: &Dataset,
    layout: &Layout,
    filter: &CompiledFilter,
) -> Counters {
    accumulate_with(dataset, layout, filter, true)
}

fn accumulate_with(
    dataset: &Dataset,
    layout: &Layout,
    filter: &CompiledFilter,
    keyed: bool,
) -> Counters {
    let keys = keyed.then_some(dataset.keys.as_slice());
    let buckets = dataset.commune_count() + 2;
    let rows = dataset.len();
    let chunks = rows.div_ceil(CHUNK);
    // Chunk `i` into `counters`; `scratch` is reused from one chunk to the next.
    let count = |i: usize, counters: &mut Counters, scratch: &mut Vec<u32>| {
        let chunk = i * CHUNK..rows.min((i + 1) * CHUNK);
        count_chunk(dataset, layout, filter, keys, chunk, counters, scratch);
    };

    #[cfg(feature = "parallel")]
    if chunks > 1 {
        use rayon::prelude::*;
        return (0..chunks)
            .into_par_iter()
            .fold(
                || (Counters::new(layout, buckets), Vec::with_capacity(CHUNK)),
                |(mut counters, mut scratch), i| {
                    count(i, &mut counters, &mut scratch);
                    (counters, scratch)
                },
            )
            .map(|(counters, _)| counters)
            .reduce(|| Counters::new(layout, buckets), Counters::merge);
    }

    let mut counters = Counters::new(layout, buckets);
    let mut scratch = Vec::with_capacity(CHUNK.min(rows));
    for i in 0..chunks {
        count(i, &mut counters, &mut scratch);
    }
    counters
}

/// Adds the rows `rows` to `counters` (each row weighs its key in `keys`
/// when given, else 1); `bucket` is scratch space.
#[allow(clippy::too_many_lines)]
fn count_chunk(
    dataset: &Dataset,
    layout: &Layout,
    filter: &CompiledFilter,
    keys: Option<&[u32]>,
    rows: Range<usize>,
    counters: &mut Counters,
    bucket: &mut Vec<u32>,
) {
    let outside = dataset.commune_count;
    let dropped = outside + 1;
    bucket.clear();
    bucket.extend(dataset.communes[rows.clone()].iter().map(|&c| {
        if c == NO_COMMUNE {
            outside
        } else {
            c
        }
    }));
    if filter.channels != 0 {
        for (b, &channel) in bucket.iter_mut().zip(&dataset.channels[rows.clone()]) {
            if filter.channels & (1 << channel) == 0 {
                *b = dropped;
            }
        }
    }
    for (index, allowed) in &filter.answers {
        if let Some(column) = dataset.columns.get(*index) {
            keep_matching(column, allowed, rows.clone(), bucket, dropped);
        }
    }
    match keys {
        None => {
            for &b in bucket.iter() {
                counters.respondents[b as usize] += 1;
            }
        }
        Some(keys) => {
            for (&b, &key) in bucket.iter().zip(&keys[rows.clone()]) {
                counters.respondents[b as usize] += u64::from(key);
            }
        }
    }
    // When the filter keeps few rows, count only those: gathered, they cost
    // less than counting every row, most of them in the same dropped bucket.
    let kept = bucket.iter().filter(|&&b| b != dropped).count();
    let selection: Option<Vec<u32>> = (kept * 2 < bucket.len()).then(|| {
        let mut picked = Vec::with_capacity(kept);
        let mut kept_buckets = Vec::with_capacity(kept);
        for (i, &b) in bucket.iter().enumerate() {
            if b != dropped {
                picked.push(u32::try_from(rows.start + i).unwrap_or(u32::MAX));
                kept_buckets.push(b);
            }
        }
        *bucket = kept_buckets;
        picked
    });
    let picked = selection.as_deref();
    let bucket: &[u32] = bucket;
    let mut key_tmp = Vec::new();
    let weights = keys.map(|keys| view(keys, &rows, picked, &mut key_tmp));
    let slots = layout.slots;
    let counts = &mut counters.counts;
    let tally = Tally {
        bucket,
        rows: &rows,
        picked,
        weights,
        slots,
    };
    for (column, place) in dataset.columns.iter().zip(&layout.questions) {
        match (column, *place) {
            (
                Column::Code8(codes) | Column::Scale(codes),
                Slots::Codes { offset, .. } | Slots::Scale { offset, .. },
            ) => tally.codes(codes, counts, offset),
            (Column::Code16(codes), Slots::Codes { offset, .. }) => {
                tally.codes(codes, counts, offset);
            }
            (Column::Mask8(masks), Slots::Mask { offset, .. }) => {
                tally.masks(masks, counts, offset);
            }
            (Column::Mask16(masks), Slots::Mask { offset, .. }) => {
                tally.masks(masks, counts, offset);
            }
            (Column::Mask32(masks), Slots::Mask { offset, .. }) => {
                tally.masks(masks, counts, offset);
            }
            (Column::Mask64(masks), Slots::Mask { offset, .. }) => {
                tally.masks(masks, counts, offset);
            }
            (Column::MaskWide { words, data }, Slots::Mask { offset, bits }) => {
                let words = *words;
                let row_words = |r: usize| &data[r * words..(r + 1) * words];
                let rows_of: Box<dyn Iterator<Item = &[u64]>> = match picked {
                    Some(picked) => Box::new(picked.iter().map(|&r| row_words(r as usize))),
                    None => {
                        Box::new(data[rows.start * words..rows.end * words].chunks_exact(words))
                    }
                };
                for (i, (&b, row)) in bucket.iter().zip(rows_of).enumerate() {
                    if b == dropped || row.iter().all(|&w| w == 0) {
                        continue;
                    }
                    let weight = weights.map_or(1, |w| u64::from(w[i]));
                    let base = b as usize * slots + offset;
                    counts[base] += weight;
                    for (w, &word) in row.iter().enumerate() {
                        let mut m = word;
                        while m != 0 {
                            let bit = w * 64 + m.trailing_zeros() as usize;
                            if bit < bits {
                                counts[base + 1 + bit] += weight;
                            }
                            m &= m - 1;
                        }
                    }
                }
            }
            (Column::Number(values), Slots::Number { offset, number }) => {
                let numbers = layout.numbers;
                let mut tmp = Vec::new();
                let values = view(values, &rows, picked, &mut tmp);
                for (i, (&b, &x)) in bucket.iter().zip(values).enumerate() {
                    if b == dropped || x.is_nan() {
                        continue;
                    }
                    if let Some(w) = weights {
                        counts[b as usize * slots + offset] += u64::from(w[i]);
                        continue;
                    }
                    counts[b as usize * slots + offset] += 1;
                    counters.sums[b as usize * numbers + number] += x;
                    counters.values[b as usize * numbers + number].push(x);
                }
            }
            // A column always matches its layout (both come from the schema).
            _ => {}
        }
    }
}

/// What the counts of every column over one range of rows share: the rows' buckets, the
/// rows kept (all of `rows`, or `picked`), their weights and the slots of a bucket.
struct Tally<'a> {
    bucket: &'a [u32],
    rows: &'a Range<usize>,
    picked: Option<&'a [u32]>,
    weights: Option<&'a [u32]>,
    slots: usize,
}

impl Tally<'_> {
    /// Counts a single-choice (or scale) column into the slots from `offset`.
    fn codes<T: Copy + Into<usize>>(&self, column: &[T], counts: &mut [u64], offset: usize) {
        let mut tmp = Vec::new();
        let codes = view(column, self.rows, self.picked, &mut tmp);
        count_codes(self.bucket, codes, self.weights, counts, self.slots, offset);
    }

    /// Counts a multiple-choice column (one bit per option) into the slots from `offset`.
    fn masks<T: Copy + Into<u64>>(&self, column: &[T], counts: &mut [u64], offset: usize) {
        let mut tmp = Vec::new();
        let masks = view(column, self.rows, self.picked, &mut tmp);
        count_masks(self.bucket, masks, self.weights, counts, self.slots, offset);
    }
}

/// The values of `rows` in `column`, or only those of the `picked` rows
/// (gathered into `tmp`).
fn view<'a, T: Copy>(
    column: &'a [T],
    rows: &Range<usize>,
    picked: Option<&[u32]>,
    tmp: &'a mut Vec<T>,
) -> &'a [T] {
    match picked {
        None => &column[rows.clone()],
        Some(picked) => {
            tmp.extend(picked.iter().map(|&r| column[r as usize]));
            tmp
        }
    }
}

/// Categorical codes: `code` (≥ 1) counts at `offset + code - 1`. Dropped
/// rows count in their own bucket (no test on the bucket); "no answer" (0) is
/// skipped, a branch well predicted in the sparse columns (severities) where
/// it is frequent, and it spares long chains of increments of one counter.
fn count_codes<T: Copy + Into<usize>>(
    bucket: &[u32],
    codes: &[T],
    weights: Option<&[u32]>,
    counts: &mut [u64],
    slots: usize,
    offset: usize,
) {
    let base = offset - 1;
    if let Some(weights) = weights {
        for ((&b, &code), &w) in bucket.iter().zip(codes).zip(weights) {
            let code: usize = code.into();
            if code != 0 {
                counts[b as usize * slots + base + code] += u64::from(w);
            }
        }
        return;
    }
    for (&b, &code) in bucket.iter().zip(codes) {
        let code: usize = code.into();
        if code != 0 {
            counts[b as usize * slots + base + code] += 1;
        }
    }
}

/// Bit masks: a non-zero mask counts as answered at `offset`, each set bit
/// `i` at `offset + 1 + i`.
fn count_masks<T: Copy + Into<u64>>(
    bucket: &[u32],
    masks: &[T],
    weights: Option<&[u32]>,
    counts: &mut [u64],
    slots: usize,
    offset: usize,
) {
    if let Some(weights) = weights {
        for ((&b, &mask), &w) in bucket.iter().zip(masks).zip(weights) {
            let mut m: u64 = mask.into();
            let w = u64::from(w);
            let base = b as usize * slots + offset;
            counts[base] += if m != 0 { w } else { 0 };
            while m != 0 {
                counts[base + 1 + m.trailing_zeros() as usize] += w;
                m &= m - 1;
            }
        }
        return;
    }
    for (&b, &mask) in bucket.iter().zip(masks) {
        let mut m: u64 = mask.into();
        let base = b as usize * slots + offset;
        counts[base] += u64::from(m != 0);
        while m != 0 {
            counts[base + 1 + m.trailing_zeros() as usize] += 1;
            m &= m - 1;
        }
    }
}

/// Moves to bucket `dropped` the rows whose answer in `column` is not allowed.
fn keep_matching(
    column: &Column,
    allowed: &Allowed,
    rows: Range<usize>,
    bucket: &mut [u32],
    dropped: u32,
) {
    fn by_code<T: Copy + Into<usize>>(codes: &[T], ok: &[bool], bucket: &mut [u32], to: u32) {
        for (b, &code) in bucket.iter_mut().zip(codes) {
            if !ok.get(code.into()).copied().unwrap_or(false) {
                *b = to;
            }
        }
    }
    fn by_mask<T: Copy + Into<u64>>(masks: &[T], ok: u64, bucket: &mut [u32], to: u32) {
        for (b, &mask) in bucket.iter_mut().zip(masks) {
            if mask.into() & ok == 0 {
                *b = to;
            }
        }
    }
    match (column, allowed) {
        (Column::Code8(c), Allowed::Codes(ok)) => by_code(&c[rows], ok, bucket, dropped),
        (Column::Code16(c), Allowed::Codes(ok)) => by_code(&c[rows], ok, bucket, dropped),
        (Column::Mask8(m), Allowed::Bits(ok)) => by_mask(&m[rows], first(ok), bucket, dropped),
        (Column::Mask16(m), Allowed::Bits(ok)) => by_mask(&m[rows], first(ok), bucket, dropped),
        (Column::Mask32(m), Allowed::Bits(ok)) => by_mask(&m[rows], first(ok), bucket, dropped),
        (Column::Mask64(m), Allowed::Bits(ok)) => by_mask(&m[rows], first(ok), bucket, dropped),
        (Column::MaskWide { words, data }, Allowed::Bits(ok)) => {
            let data = &data[rows.start * words..rows.end * words];
            for (b, row) in bucket.iter_mut().zip(data.chunks_exact(*words)) {
                if !row.iter().zip(ok).any(|(&w, &a)| w & a != 0) {
                    *b = dropped;
                }
            }
        }
        // Filters compile only on choice columns; anything else keeps nobody.
        _ => bucket.fill(dropped),
    }
}

fn first(words: &[u64]) -> u64 {
    words.first().copied().unwrap_or(0)
}
