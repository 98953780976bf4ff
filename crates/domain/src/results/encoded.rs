//! Rows of a [`Dataset`] in a fixed binary form, so that a server can store them and
//! rebuild a dataset without parsing each answer's JSON again (a restart reads a few
//! megabytes instead of a million JSON texts).
//!
//! The form of `n` rows, every number little-endian:
//!
//! ```text
//! "SRD1"                      magic
//! u64                         layout fingerprint (Dataset::layout_fingerprint)
//! u32 n                       rows
//! u32 d, d × (u16 len, bytes) the distinct commune codes of the rows, as stored
//! n × u32                     each row's index in those codes, u32::MAX for none
//! n × u8                      channel codes
//! n × u32                     record keys
//! per schema question:        u8 column tag [, u32 words for a wide mask], then the
//!                             column's n values at its width (1, 2, 4 or 8 bytes;
//!                             f64 bits for numbers; 8 × words for a wide mask)
//! ```
//!
//! Communes are stored as codes, not as positions in a territory, so the rows stay
//! valid when the territory is re-imported: they are placed again on decoding.

use std::collections::HashMap;
use std::ops::Range;

use super::dataset::{Column, Dataset, NO_COMMUNE};
use super::schema::{ResultKind, SchemaQuestion};

const MAGIC: &[u8; 4] = b"SRD1";
/// Version of the form above; part of every layout fingerprint.
const FORMAT: u32 = 1;
/// Marks a row without a commune code.
const NO_CODE: u32 = u32::MAX;

/// Why encoded rows cannot be appended (or rows encoded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodedRowsError {
    /// The bytes do not follow the form (truncated, a value out of its range…).
    #[error("encoded rows are malformed: {0}")]
    Malformed(&'static str),
    /// The rows were encoded for another schema or format version.
    #[error("encoded rows were made for another layout")]
    OtherLayout,
    /// The rows asked for are not all in the dataset.
    #[error("rows {0:?} are not in the dataset")]
    OutOfRange(Range<usize>),
    /// A commune code longer than 65,535 bytes.
    #[error("a commune code is too long to encode")]
    LongCode,
}

/// What [`Dataset::append_encoded`] appended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppendedRows {
    /// Rows appended.
    pub rows: usize,
    /// Rows (dataset positions) whose commune code is not in the territory, with the code:
    /// they count for the territory total only, as a row pushed with that code would.
    pub outside: Vec<(usize, String)>,
}

/// 64-bit FNV-1a: a stable fingerprint (not a defence against anyone).
struct Fnv(u64);

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

impl Column {
    /// Tag of the column's kind and width in the encoded form.
    fn tag(&self) -> u8 {
        match self {
            Column::Code8(_) => 1,
            Column::Code16(_) => 2,
            Column::Scale(_) => 3,
            Column::Number(_) => 4,
            Column::Mask8(_) => 5,
            Column::Mask16(_) => 6,
            Column::Mask32(_) => 7,
            Column::Mask64(_) => 8,
            Column::MaskWide { .. } => 9,
        }
    }

    /// Bytes per row.
    fn width(&self) -> usize {
        match self {
            Column::Code8(_) | Column::Scale(_) | Column::Mask8(_) => 1,
            Column::Code16(_) | Column::Mask16(_) => 2,
            Column::Mask32(_) => 4,
            Column::Number(_) | Column::Mask64(_) => 8,
            Column::MaskWide { words, .. } => 8 * words,
        }
    }

    fn encode(&self, rows: Range<usize>, out: &mut Vec<u8>) {
        fn le<const N: usize, T: Copy>(values: &[T], bytes: fn(T) -> [u8; N], out: &mut Vec<u8>) {
            for &v in values {
                out.extend_from_slice(&bytes(v));
            }
        }
        match self {
            Column::Code8(v) | Column::Scale(v) | Column::Mask8(v) => {
                out.extend_from_slice(&v[rows]);
            }
            Column::Code16(v) | Column::Mask16(v) => le(&v[rows], u16::to_le_bytes, out),
            Column::Mask32(v) => le(&v[rows], u32::to_le_bytes, out),
            Column::Mask64(v) => le(&v[rows], u64::to_le_bytes, out),
            Column::Number(v) => le(&v[rows], f64::to_le_bytes, out),
            Column::MaskWide { words, data } => {
                le(
                    &data[rows.start * words..rows.end * words],
                    u64::to_le_bytes,
                    out,
                );
            }
        }
    }

    /// Appends rows read by [`check_column`] (so of the right length and values).
    fn extend(&mut self, data: &[u8]) {
        match self {
            Column::Code8(v) | Column::Scale(v) | Column::Mask8(v) => v.extend_from_slice(data),
            Column::Code16(v) | Column::Mask16(v) => v.extend(
                data.chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]])),
            ),
            Column::Mask32(v) => v.extend(
                data.chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            ),
            Column::Mask64(v) | Column::MaskWide { data: v, .. } => {
                v.extend(data.chunks_exact(8).map(read_u64));
            }
            Column::Number(v) => {
                v.extend(data.chunks_exact(8).map(|c| f64::from_bits(read_u64(c))))
            }
        }
    }
}

fn read_u64(c: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(c);
    u64::from_le_bytes(b)
}

/// Unsigned little-endian values of `width` bytes (1, 2, 4 or 8).
fn unsigned(data: &[u8], width: usize) -> impl Iterator<Item = u64> + '_ {
    data.chunks_exact(width).map(|c| {
        let mut b = [0u8; 8];
        b[..c.len()].copy_from_slice(c);
        u64::from_le_bytes(b)
    })
}

/// Whether every value of an encoded column is one that [`Dataset::push`] could have
/// written for `question`: decoded rows never hold what the aggregation does not expect.
fn check_column(question: &SchemaQuestion, column: &Column, data: &[u8]) -> bool {
    let options = question.options.len() as u64;
    match (column, &question.kind) {
        (Column::Code8(_) | Column::Code16(_), _) => {
            unsigned(data, column.width()).all(|v| v <= options)
        }
        (Column::Scale(_), ResultKind::Scale { min, max }) => {
            let span = u64::try_from(i64::from(*max) - i64::from(*min) + 1).unwrap_or(0);
            data.iter().all(|&v| u64::from(v) <= span)
        }
        (Column::Number(_), _) => data
            .chunks_exact(8)
            .map(|c| f64::from_bits(read_u64(c)))
            .all(|x| x.is_nan() || x.is_finite()),
        (Column::MaskWide { words, .. }, _) => data.chunks_exact(8).enumerate().all(|(i, c)| {
            let first_bit = ((i % words) * 64) as u64;
            let allowed = (options + 1).saturating_sub(first_bit).min(64);
            let mask = if allowed == 64 {
                u64::MAX
            } else {
                (1u64 << allowed) - 1
            };
            read_u64(c) & !mask == 0
        }),
        (Column::Mask8(_) | Column::Mask16(_) | Column::Mask32(_) | Column::Mask64(_), _) => {
            let bits = options + 1;
            let mask = if bits >= 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            unsigned(data, column.width()).all(|v| v & !mask == 0)
        }
        (Column::Scale(_), _) => false,
    }
}

/// A cursor over encoded bytes.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], EncodedRowsError> {
        if self.bytes.len() < n {
            return Err(EncodedRowsError::Malformed("truncated"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u16(&mut self) -> Result<u16, EncodedRowsError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, EncodedRowsError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn len(&mut self, n: usize, width: usize) -> Result<&'a [u8], EncodedRowsError> {
        let bytes = n
            .checked_mul(width)
            .ok_or(EncodedRowsError::Malformed("too many rows"))?;
        self.take(bytes)
    }
}

/// Encoded rows read and checked, not yet appended.
struct Decoded<'a> {
    rows: usize,
    codes: Vec<&'a str>,
    communes: &'a [u8],
    channels: &'a [u8],
    keys: &'a [u8],
    columns: Vec<&'a [u8]>,
}

impl Dataset {
    /// The number of rows `bytes` says it holds (its header only: the rows are checked by
    /// [`append_encoded`](Self::append_encoded)); `None` when it is not encoded rows.
    #[must_use]
    pub fn encoded_row_count(bytes: &[u8]) -> Option<usize> {
        let header = bytes.get(..16)?;
        (&header[..4] == MAGIC)
            .then(|| u32::from_le_bytes([header[12], header[13], header[14], header[15]]) as usize)
    }

    /// A fingerprint of the dataset's layout (the encoded form's version, each aggregated
    /// question's id, kind, options and column width): rows encoded under one fingerprint
    /// can be appended only to a dataset with the same one.
    #[must_use]
    pub fn layout_fingerprint(&self) -> u64 {
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.write(MAGIC);
        h.write(&FORMAT.to_le_bytes());
        for (question, column) in self.schema.questions().iter().zip(&self.columns) {
            h.write(question.id.as_bytes());
            h.write(&[0, column.tag()]);
            h.write(&(column.width() as u64).to_le_bytes());
            match &question.kind {
                ResultKind::SingleChoice => h.write(&[1]),
                ResultKind::YesNo => h.write(&[2]),
                ResultKind::MultipleChoice { has_other } => h.write(&[3, u8::from(*has_other)]),
                ResultKind::Scale { min, max } => {
                    h.write(&[4]);
                    h.write(&min.to_le_bytes());
                    h.write(&max.to_le_bytes());
                }
                ResultKind::Number { .. } => h.write(&[5]),
            }
            h.write(&(question.options.len() as u64).to_le_bytes());
            for option in &question.options {
                h.write(option.value.as_bytes());
                h.write(&[0]);
            }
        }
        h.0
    }

    /// Rows `rows` in the encoded form (see the module). `code_of(row, position)` gives
    /// each row's commune code as stored with the answer (`position`: its commune's
    /// position in the territory, `None` when it has none there); `None` for a row
    /// without a code.
    ///
    /// # Errors
    /// [`EncodedRowsError::OutOfRange`] when `rows` is not within the dataset,
    /// [`EncodedRowsError::LongCode`] for a code over 65,535 bytes.
    pub fn encode_rows<'a>(
        &self,
        rows: Range<usize>,
        mut code_of: impl FnMut(usize, Option<u32>) -> Option<&'a str>,
    ) -> Result<Vec<u8>, EncodedRowsError> {
        if rows.start > rows.end || rows.end > self.len() {
            return Err(EncodedRowsError::OutOfRange(rows));
        }
        let n = rows.len();
        let mut codes: Vec<&str> = Vec::new();
        let mut index: HashMap<&str, u32> = HashMap::new();
        let mut row_codes = Vec::with_capacity(n);
        for row in rows.clone() {
            let position = Some(self.communes[row]).filter(|&p| p != NO_COMMUNE);
            let code = match code_of(row, position) {
                Some(code) => *index.entry(code).or_insert_with(|| {
                    codes.push(code);
                    u32::try_from(codes.len() - 1).unwrap_or(NO_CODE)
                }),
                None => NO_CODE,
            };
            row_codes.push(code);
        }
        let width: usize = self.columns.iter().map(Column::width).sum();
        let mut out = Vec::with_capacity(32 + codes.len() * 8 + n * (9 + width));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.layout_fingerprint().to_le_bytes());
        let count = u32::try_from(n).map_err(|_| EncodedRowsError::OutOfRange(rows.clone()))?;
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&u32::try_from(codes.len()).unwrap_or(NO_CODE).to_le_bytes());
        for code in &codes {
            let len = u16::try_from(code.len()).map_err(|_| EncodedRowsError::LongCode)?;
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(code.as_bytes());
        }
        for code in row_codes {
            out.extend_from_slice(&code.to_le_bytes());
        }
        out.extend_from_slice(&self.channels[rows.clone()]);
        for key in &self.keys[rows.clone()] {
            out.extend_from_slice(&key.to_le_bytes());
        }
        for column in &self.columns {
            out.push(column.tag());
            if let Column::MaskWide { words, .. } = column {
                out.extend_from_slice(&u32::try_from(*words).unwrap_or(0).to_le_bytes());
            }
            column.encode(rows.clone(), &mut out);
        }
        Ok(out)
    }

    /// Appends rows encoded by [`encode_rows`](Self::encode_rows) from a dataset of the
    /// same layout: the same rows as pushing the answers again, in a fraction of the time.
    /// `position_of(code)` is the position of a commune code in the current territory.
    ///
    /// # Errors
    /// [`EncodedRowsError::OtherLayout`] when the rows were encoded for another layout,
    /// [`EncodedRowsError::Malformed`] when the bytes do not follow the form or hold a
    /// value the dataset could not have; nothing is appended then.
    pub fn append_encoded(
        &mut self,
        bytes: &[u8],
        mut position_of: impl FnMut(&str) -> Option<u32>,
    ) -> Result<AppendedRows, EncodedRowsError> {
        let decoded = self.decode(bytes)?;
        let first = self.len();
        let positions: Vec<Option<u32>> = decoded
            .codes
            .iter()
            .map(|code| position_of(code).filter(|&p| p < self.commune_count))
            .collect();
        let mut outside = Vec::new();
        self.communes.reserve(decoded.rows);
        for (row, c) in decoded.communes.chunks_exact(4).enumerate() {
            let code = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize;
            let position = positions.get(code).copied().flatten();
            if position.is_none() {
                if let Some(code) = decoded.codes.get(code) {
                    outside.push((first + row, (*code).to_owned()));
                }
            }
            self.communes.push(position.unwrap_or(NO_COMMUNE));
        }
        self.channels.extend_from_slice(decoded.channels);
        self.keys.extend(
            decoded
                .keys
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
        for (column, data) in self.columns.iter_mut().zip(decoded.columns) {
            column.extend(data);
        }
        Ok(AppendedRows {
            rows: decoded.rows,
            outside,
        })
    }

    /// Reads and checks encoded rows without changing the dataset.
    fn decode<'a>(&self, bytes: &'a [u8]) -> Result<Decoded<'a>, EncodedRowsError> {
        let mut r = Reader { bytes };
        if r.take(4)? != MAGIC {
            return Err(EncodedRowsError::Malformed("not encoded rows"));
        }
        if read_u64(r.take(8)?) != self.layout_fingerprint() {
            return Err(EncodedRowsError::OtherLayout);
        }
        let rows = r.u32()? as usize;
        let code_count = r.u32()? as usize;
        let mut codes = Vec::with_capacity(code_count.min(bytes.len()));
        for _ in 0..code_count {
            let len = usize::from(r.u16()?);
            let code = std::str::from_utf8(r.take(len)?)
                .map_err(|_| EncodedRowsError::Malformed("a commune code is not UTF-8"))?;
            codes.push(code);
        }
        let communes = r.len(rows, 4)?;
        let known = |c: &[u8]| {
            let code = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            code == NO_CODE || (code as usize) < codes.len()
        };
        if !communes.chunks_exact(4).all(known) {
            return Err(EncodedRowsError::Malformed("a commune index out of range"));
        }
        let channels = r.len(rows, 1)?;
        if channels
            .iter()
            .any(|&c| usize::from(c) >= super::Channel::ALL.len())
        {
            return Err(EncodedRowsError::Malformed("an unknown channel"));
        }
        let keys = r.len(rows, 4)?;
        let mut columns = Vec::with_capacity(self.columns.len());
        for (question, column) in self.schema.questions().iter().zip(&self.columns) {
            if r.take(1)?[0] != column.tag() {
                return Err(EncodedRowsError::OtherLayout);
            }
            if let Column::MaskWide { words, .. } = column {
                if r.u32()? as usize != *words {
                    return Err(EncodedRowsError::OtherLayout);
                }
            }
            let data = r.len(rows, column.width())?;
            if !check_column(question, column, data) {
                return Err(EncodedRowsError::Malformed(
                    "a value out of its question's range",
                ));
            }
            columns.push(data);
        }
        if !r.bytes.is_empty() {
            return Err(EncodedRowsError::Malformed("bytes after the last column"));
        }
        Ok(Decoded {
            rows,
            codes,
            communes,
            channels,
            keys,
            columns,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;
    use crate::questionnaire::{AnswerValue, QuestionnaireDefinition, ValidatedAnswers};
    use crate::results::{Channel, ResultsSchema};

    fn options(n: usize) -> serde_json::Value {
        (0..n)
            .map(|i| json!({"value": format!("o{i}"), "label": format!("Option {i}")}))
            .collect()
    }

    /// Every column kind: codes, a wide single choice, scale, number, masks of every width.
    fn schema() -> ResultsSchema {
        let multiple = |id: &str, n: usize, other: bool| json!({"id": id, "label": id, "kind": {"type": "multiple_choice", "options": options(n), "allow_other": other}});
        let definition: QuestionnaireDefinition = serde_json::from_value(json!({
            "title": "T", "description": "", "sections": [{"id": "s", "title": "S", "questions": [
                {"id": "choix", "label": "choix", "kind": {"type": "single_choice", "options": options(3)}},
                {"id": "large", "label": "large", "kind": {"type": "single_choice", "options": options(300)}},
                {"id": "oui", "label": "oui", "kind": {"type": "yes_no"}},
                {"id": "echelle", "label": "echelle", "kind": {"type": "scale", "min": -2, "max": 3}},
                {"id": "nombre", "label": "nombre", "kind": {"type": "number"}},
                multiple("m8", 4, true),
                multiple("m16", 12, false),
                multiple("m32", 20, true),
                multiple("m64", 50, false),
                multiple("mlarge", 130, true),
            ]}],
        }))
        .unwrap();
        let schema = ResultsSchema::from_definition(&definition);
        assert_eq!(schema.questions().len(), 10);
        schema
    }

    fn answers(i: usize) -> ValidatedAnswers {
        let mut a = BTreeMap::new();
        let pick = |n: usize, k: usize| -> Vec<String> {
            (0..n)
                .filter(|j| (i + j).is_multiple_of(k))
                .map(|j| format!("o{j}"))
                .collect()
        };
        if !i.is_multiple_of(5) {
            a.insert(
                "choix".to_owned(),
                AnswerValue::Choice(format!("o{}", i % 3)),
            );
            a.insert(
                "large".to_owned(),
                AnswerValue::Choice(format!("o{}", (i * 7) % 300)),
            );
            a.insert("oui".to_owned(), AnswerValue::YesNo(i.is_multiple_of(2)));
            a.insert("echelle".to_owned(), AnswerValue::Scale((i % 6) as i32 - 2));
            a.insert("nombre".to_owned(), AnswerValue::Number(i as f64 / 3.0));
        }
        for (id, n, k) in [
            ("m8", 4, 2),
            ("m16", 12, 3),
            ("m32", 20, 4),
            ("m64", 50, 5),
            ("mlarge", 130, 7),
        ] {
            let other = i.is_multiple_of(3).then(|| "autre".to_owned());
            a.insert(
                id.to_owned(),
                AnswerValue::Choices {
                    values: pick(n, k),
                    other,
                },
            );
        }
        ValidatedAnswers(a)
    }

    const CODES: [&str; 4] = ["40001", "40002", "40003", "99999"];

    /// 100 rows over communes 0..3 of a 3-commune territory, every fifth without one.
    fn dataset() -> Dataset {
        let mut data = Dataset::new(schema(), 3);
        for i in 0..100 {
            let position = (i % 5 != 4).then_some((i % 4) as u32);
            data.push(position, Channel::ALL[i % 5], &answers(i));
        }
        data
    }

    fn same(a: &Dataset, b: &Dataset) {
        assert_eq!(a.communes, b.communes);
        assert_eq!(a.channels, b.channels);
        assert_eq!(a.keys, b.keys);
        assert_eq!(format!("{:?}", a.columns), format!("{:?}", b.columns));
    }

    /// Row `i`'s code: its territory commune, or 99999 (kept apart) for row positions 3.
    fn code_of(_row: usize, position: Option<u32>) -> Option<&'static str> {
        position.map(|p| CODES[p as usize]).or(Some(CODES[3]))
    }

    #[test]
    fn encoded_rows_decode_to_the_same_rows_in_chunks() {
        let data = dataset();
        let mut back = Dataset::new(schema(), 3);
        let position_of = |code: &str| CODES[..3].iter().position(|c| *c == code).map(|p| p as u32);
        let mut outside = Vec::new();
        for chunk in [0..33, 33..64, 64..64, 64..100] {
            let bytes = data.encode_rows(chunk, code_of).unwrap();
            outside.extend(back.append_encoded(&bytes, position_of).unwrap().outside);
        }
        same(&data, &back);
        let bytes = data.encode_rows(10..40, code_of).unwrap();
        assert_eq!(Dataset::encoded_row_count(&bytes), Some(30));
        assert_eq!(Dataset::encoded_row_count(&bytes[4..]), None);
        // Rows pushed without a commune (and those at position 3, past the territory) were
        // given code 99999 by `code_of`: reported outside.
        assert_eq!(
            outside.len(),
            data.communes.iter().filter(|&&c| c == NO_COMMUNE).count()
        );
        assert!(outside.iter().all(|(_, code)| code == "99999"));
    }

    #[test]
    fn communes_are_placed_again_in_a_new_territory() {
        let data = dataset();
        let bytes = data.encode_rows(0..100, code_of).unwrap();
        // The new territory: 40003 first, 40001 gone, 99999 added.
        let new = ["40003", "40002", "99999"];
        let mut back = Dataset::new(schema(), 3);
        let appended = back
            .append_encoded(&bytes, |code| {
                new.iter().position(|c| *c == code).map(|p| p as u32)
            })
            .unwrap();
        assert_eq!(appended.rows, 100);
        for row in 0..100 {
            let old = code_of(row, Some(data.communes[row]).filter(|&p| p != NO_COMMUNE)).unwrap();
            let expected = new
                .iter()
                .position(|c| *c == old)
                .map_or(NO_COMMUNE, |p| p as u32);
            assert_eq!(back.communes[row], expected, "row {row}");
        }
        assert!(appended.outside.iter().all(|(_, code)| code == "40001"));
    }

    #[test]
    fn bad_bytes_or_another_layout_append_nothing() {
        let data = dataset();
        let bytes = data.encode_rows(0..100, code_of).unwrap();
        let mut back = Dataset::new(schema(), 3);
        let place = |_: &str| Some(0);
        for cut in [0, 3, 20, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                back.append_encoded(&bytes[..cut], place).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(back.append_encoded(&longer, place).is_err());
        // A channel code no channel has.
        let mut bad = bytes.clone();
        let channels_at = bytes.len()
            - 100 * (1 + 4)
            - data
                .columns
                .iter()
                .map(|c| c.width() * 100 + 1)
                .sum::<usize>()
            - 4;
        bad[channels_at] = 9;
        assert_eq!(
            back.append_encoded(&bad, place),
            Err(EncodedRowsError::Malformed("an unknown channel"))
        );
        // A dataset of another schema refuses the rows.
        let empty: QuestionnaireDefinition =
            serde_json::from_value(json!({"title": "T", "description": "", "sections": []}))
                .unwrap();
        let mut other = Dataset::new(ResultsSchema::from_definition(&empty), 3);
        assert_eq!(
            other.append_encoded(&bytes, place),
            Err(EncodedRowsError::OtherLayout)
        );
        assert!(back.is_empty() && other.is_empty());
        assert!(matches!(
            data.encode_rows(90..101, code_of),
            Err(EncodedRowsError::OutOfRange(_))
        ));
    }

    #[test]
    fn a_code_past_its_question_is_refused() {
        let mut data = Dataset::new(schema(), 3);
        data.push(Some(0), Channel::Web, &answers(1));
        let bytes = data.encode_rows(0..1, code_of).unwrap();
        // The first column (3 options) is right after its tag: code 4 does not exist.
        let tag = bytes.len() - data.columns.iter().map(|c| c.width() + 1).sum::<usize>() - 4; // the wide mask's word count
        assert_eq!(bytes[tag], 1, "the Code8 tag");
        let first_column = tag + 1;
        let mut bad = bytes.clone();
        bad[first_column] = 4;
        let mut back = Dataset::new(schema(), 3);
        assert!(back.append_encoded(&bad, |_| Some(0)).is_err());
        bad[first_column] = 3;
        assert!(back.append_encoded(&bad, |_| Some(0)).is_ok());
    }
}
