//! Streamed exports: raw anonymous answers (CSV for a French Excel, XLSX), aggregated
//! results (CSV, XLSX, GeoJSON) and initiatives (GeoJSON, CSV, data·inclusion).
//!
//! An export runs on a blocking thread that reads the database page by page and writes
//! into a [`ChunkWriter`]; chunks go to the HTTP response through a small bounded channel,
//! so memory stays flat however many answers there are, and a client that goes away stops
//! the export at its next chunk.

pub mod answers;
pub mod initiatives;
pub mod results;

use std::{
    io::{self, Write},
    pin::Pin,
    task::{Context, Poll},
};

use actix_web::{
    http::header::{self, ContentDisposition, DispositionParam, DispositionType},
    HttpResponse, HttpResponseBuilder,
};
use bytes::Bytes;
use tokio::{runtime::Handle, sync::mpsc};

/// Bytes gathered before a chunk is handed to the response.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks in flight between the export thread and the response.
const CHANNEL_CHUNKS: usize = 4;

/// Rows read from the database at a time by exports.
pub const PAGE_ROWS: u64 = 2_000;

pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const GEOJSON_CONTENT_TYPE: &str = "application/geo+json";
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// The UTF-8 byte order mark: Excel reads a CSV as UTF-8 only when it starts with it.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

type Chunk = Result<Bytes, io::Error>;

/// An `io::Write` whose bytes become chunks of the HTTP response body.
#[derive(Debug)]
pub struct ChunkWriter {
    tx: mpsc::Sender<Chunk>,
    buf: Vec<u8>,
}

impl ChunkWriter {
    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK_BYTES {
            self.send_buffer()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buffer()
    }
}

/// The receiving end, as a response body stream.
struct ChunkStream(mpsc::Receiver<Chunk>);

impl futures_core::Stream for ChunkStream {
    type Item = Chunk;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Chunk>> {
        self.0.poll_recv(cx)
    }
}

/// A `200` download named `filename` whose body `job` writes on a blocking thread. `job`
/// reads the database with `handle.block_on(…)`. An error after the first bytes cannot
/// change the status any more: it is logged and the body is cut short, so the client sees
/// a failed download rather than a truncated file that looks complete.
pub fn streamed<F>(content_type: &'static str, filename: &str, job: F) -> HttpResponse
where
    F: FnOnce(&mut ChunkWriter, &Handle) -> anyhow::Result<()> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<Chunk>(CHANNEL_CHUNKS);
    let handle = Handle::current();
    tokio::task::spawn_blocking(move || {
        let mut writer = ChunkWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK_BYTES),
        };
        let outcome = job(&mut writer, &handle).and_then(|()| Ok(writer.flush()?));
        if let Err(err) = outcome {
            let gone = err
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe);
            if gone {
                tracing::info!("export stopped: the client went away");
            } else {
                tracing::error!(error = ?err, "export failed");
                let _ = tx.blocking_send(Err(io::Error::other("export failed")));
            }
        }
    });
    attachment(content_type, filename).streaming(ChunkStream(rx))
}

/// A `200` download named `filename` whose whole `body` is already written.
pub fn download(content_type: &'static str, filename: &str, body: Vec<u8>) -> HttpResponse {
    attachment(content_type, filename).body(body)
}

/// The head of a download: its type, its file name, never kept by caches.
fn attachment(content_type: &'static str, filename: &str) -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .content_type(content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename.to_owned())],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"));
    response
}

/// `12,5` for a French spreadsheet: decimal comma, no thousands separator, at most
/// `decimals` decimals, trailing zeros dropped.
pub fn french_decimal(value: f64, decimals: usize) -> String {
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        while text.ends_with('0') {
            text.pop();
        }
        if text.ends_with('.') {
            text.pop();
        }
    }
    if text == "-0" {
        text = "0".to_owned();
    }
    text.replace('.', ",")
}

/// A CSV writer for a French Excel: `;` between fields, CRLF line ends, and every cell
/// neutralised against formula injection ([`neutralise_formula`]).
pub fn french_csv<W: Write>(out: W) -> SafeCsv<W> {
    SafeCsv(
        csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(out),
    )
}

/// A CSV writer that cannot be made to write a spreadsheet formula: every record goes
/// through [`neutralise_formula`]. The only CSV writer of the exports.
#[derive(Debug)]
pub struct SafeCsv<W: Write>(csv::Writer<W>);

impl<W: Write> SafeCsv<W> {
    /// Writes one record, each field neutralised.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.0.write_record(
            record
                .into_iter()
                .map(|field| neutralise_formula(field.as_ref()).into_owned()),
        )
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// A cell a spreadsheet would not run as a formula (CSV injection, OWASP): text that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which
/// Excel and LibreOffice show as text. Numbers keep their sign (`-3`, `-12,5`, `+4`), so
/// numeric columns stay numbers.
pub fn neutralise_formula(field: &str) -> std::borrow::Cow<'_, str> {
    let risky = field
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && !is_plain_number(field) {
        std::borrow::Cow::Owned(format!("'{field}"))
    } else {
        std::borrow::Cow::Borrowed(field)
    }
}

/// `-12`, `+3,5`, `-0.25`: an optional sign, digits, and at most one decimal separator
/// followed by digits.
fn is_plain_number(field: &str) -> bool {
    let digits = field.strip_prefix(['-', '+']).unwrap_or(field);
    let (whole, fraction) = match digits.split_once([',', '.']) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

/// `2026-11-22` → `22/11/2026`, as a French Excel reads dates.
pub fn french_date(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_decimals_use_a_comma_and_drop_trailing_zeros() {
        assert_eq!(french_decimal(12.5, 2), "12,5");
        assert_eq!(french_decimal(3.0, 2), "3");
        assert_eq!(french_decimal(0.333_33, 1), "0,3");
        assert_eq!(french_decimal(-0.001, 1), "0");
        assert_eq!(french_decimal(1234.567, 2), "1234,57");
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for risky in [
            "=1+1",
            "=HYPERLINK(\"http://x\")",
            "+33 6 12",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\r=1",
            "-",
            "+",
            "--1",
            "-1,",
        ] {
            assert_eq!(neutralise_formula(risky), format!("'{risky}"), "{risky:?}");
        }
        for kept in [
            "-3",
            "-12,5",
            "+4",
            "-0.25",
            "12",
            "",
            "texte = ok",
            "a-b",
            "'=x",
        ] {
            assert_eq!(neutralise_formula(kept), kept, "{kept:?}");
        }
    }
}
