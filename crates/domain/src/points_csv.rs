//! The points CSV of `solidarites communes assign`: one point per line, longitude then
//! latitude (or columns named `lon`/`lat`, `longitude`/`latitude`, `x`/`y` in a header),
//! `,` or `;` as separator (`;` allows a decimal comma), a UTF-8 BOM tolerated.
//! Each record is written back with the INSEE code of its commune appended, or the
//! number of points per commune is written instead.
//!
//! Here rather than in the command line so that it can be fuzzed without the server.

use std::io::{self, Write};

use crate::CommuneIndex;

/// Why a points file cannot be assigned.
#[derive(Debug, thiserror::Error)]
pub enum PointsError {
    #[error("the points file is empty")]
    Empty,
    /// 1-based line numbers of the lines without valid coordinates.
    #[error("{} line(s) without valid WGS 84 lon,lat coordinates (line {})", .0.len(), shown_lines(.0))]
    BadLines(Vec<u64>),
    #[error("cannot read the points file: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the result: {0}")]
    Io(#[from] io::Error),
}

/// The first ten line numbers, then `…` when there are more.
fn shown_lines(lines: &[u64]) -> String {
    let shown: Vec<String> = lines.iter().take(10).map(u64::to_string).collect();
    format!(
        "{}{}",
        shown.join(", "),
        if lines.len() > 10 { ", …" } else { "" }
    )
}

/// How a points file is laid out.
#[derive(Debug, Clone, Copy)]
struct PointsLayout {
    delimiter: u8,
    has_header: bool,
    lon_column: usize,
    lat_column: usize,
}

/// Reads a points CSV and writes either each record plus its commune code, or per-commune
/// counts. Two passes over the bytes: parse all points, assign them in parallel, write.
///
/// # Errors
/// An empty file, lines without valid coordinates (all named), unreadable CSV, or a
/// failed write.
pub fn assign_points(
    index: &CommuneIndex,
    input: &[u8],
    counts: bool,
    out: &mut impl Write,
) -> Result<(), PointsError> {
    let input = input.strip_prefix("\u{feff}".as_bytes()).unwrap_or(input);
    let layout = detect_layout(input)?;
    let points = parse_points(input, layout)?;
    let communes = index.communes();
    if counts {
        let (per_commune, outside) = index.count_batch(&points);
        writeln!(out, "code,count")?;
        for (commune, count) in communes.iter().zip(per_commune) {
            writeln!(out, "{},{count}", commune.code)?;
        }
        writeln!(out, "none,{outside}")?;
        return Ok(());
    }
    let assigned = index.locate_batch(&points);
    let mut reader = csv_reader(input, layout.delimiter);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(layout.delimiter)
        .flexible(true)
        .from_writer(out);
    let mut record = csv::ByteRecord::new();
    let mut i = 0usize;
    let mut first = true;
    while reader.read_byte_record(&mut record)? {
        if first && layout.has_header {
            first = false;
            record.push_field(b"code_commune");
            writer.write_byte_record(&record)?;
            continue;
        }
        first = false;
        if is_blank(&record) {
            continue;
        }
        let code = assigned
            .get(i)
            .copied()
            .flatten()
            .and_then(|c| communes.get(c as usize))
            .map_or("", |c| c.code.as_str());
        record.push_field(code.as_bytes());
        writer.write_byte_record(&record)?;
        i += 1;
    }
    writer.flush()?;
    Ok(())
}

fn csv_reader(input: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input)
}

fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

/// `;` when the first line has one (French Excel, decimal comma), else `,`. A first line
/// whose coordinates are not numbers is a header; its column names pick lon/lat columns.
fn detect_layout(input: &[u8]) -> Result<PointsLayout, PointsError> {
    let first_line = input.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b';') {
        b';'
    } else {
        b','
    };
    let mut reader = csv_reader(input, delimiter);
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record)? {
        return Err(PointsError::Empty);
    }
    let looks_numeric = record.len() >= 2
        && parse_coordinate(&record[0], delimiter).is_some()
        && parse_coordinate(&record[1], delimiter).is_some();
    if looks_numeric {
        return Ok(PointsLayout {
            delimiter,
            has_header: false,
            lon_column: 0,
            lat_column: 1,
        });
    }
    let names: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_lowercase())
        .collect();
    let find = |candidates: &[&str]| names.iter().position(|n| candidates.contains(&n.as_str()));
    let lon_column = find(&["lon", "lng", "long", "longitude", "x"]).unwrap_or(0);
    let lat_column = find(&["lat", "latitude", "y"]).unwrap_or(1);
    Ok(PointsLayout {
        delimiter,
        has_header: true,
        lon_column,
        lat_column,
    })
}

fn parse_coordinate(field: &[u8], delimiter: u8) -> Option<f64> {
    let text = std::str::from_utf8(field).ok()?.trim();
    let value = if delimiter == b';' && text.contains(',') {
        text.replacen(',', ".", 1).parse::<f64>().ok()?
    } else {
        text.parse::<f64>().ok()?
    };
    value.is_finite().then_some(value)
}

fn parse_points(input: &[u8], layout: PointsLayout) -> Result<Vec<(f64, f64)>, PointsError> {
    let mut reader = csv_reader(input, layout.delimiter);
    let mut record = csv::ByteRecord::new();
    let mut points = Vec::with_capacity(input.len() / 20);
    let mut errors = Vec::new();
    let mut line = 0usize;
    while reader.read_byte_record(&mut record)? {
        line += 1;
        if (line == 1 && layout.has_header) || is_blank(&record) {
            continue;
        }
        let lon = record
            .get(layout.lon_column)
            .and_then(|f| parse_coordinate(f, layout.delimiter));
        let lat = record
            .get(layout.lat_column)
            .and_then(|f| parse_coordinate(f, layout.delimiter));
        match (lon, lat) {
            (Some(lon), Some(lat)) if lon.abs() <= 180.0 && lat.abs() <= 90.0 => {
                points.push((lon, lat));
            }
            _ => {
                let line_no = record.position().map_or(line as u64, |p| p.line());
                errors.push(line_no);
            }
        }
    }
    if !errors.is_empty() {
        return Err(PointsError::BadLines(errors));
    }
    Ok(points)
}
