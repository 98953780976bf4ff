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
    HttpResponse,
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
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename.to_owned())],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(ChunkStream(rx))
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

/// A CSV writer for a French Excel: `;` between fields, CRLF line ends.
pub fn french_csv<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// A cell a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return) gets a leading `'`, as OWASP recommends against CSV injection.
pub fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// `2026-11-22` → `22/11/2026`, as a French Excel reads dates.
pub fn french_date(date: chrono::NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_look_like_formulas_are_neutralised() {
        for cell in ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise_formula(cell), format!("'{cell}"));
        }
        assert_eq!(neutralise_formula("Camille"), "Camille");
        assert_eq!(neutralise_formula(""), "");
    }

    #[test]
    fn french_decimals_use_a_comma_and_drop_trailing_zeros() {
        assert_eq!(french_decimal(12.5, 2), "12,5");
        assert_eq!(french_decimal(3.0, 2), "3");
        assert_eq!(french_decimal(0.333_33, 1), "0,3");
        assert_eq!(french_decimal(-0.001, 1), "0");
        assert_eq!(french_decimal(1234.567, 2), "1234,57");
    }
}
