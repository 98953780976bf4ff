//! The points CSV of `solidarites communes assign`: one point per line, longitude then
//! latitude (or columns named `lon`/`lat`, `longitude`/`latitude`, `x`/`y` in a header),
//! `,` or `;` as separator (`;` allows a decimal comma), a UTF-8 BOM tolerated.
//! Each record is written back with the INSEE code of its commune appended, or the
//! number of points per commune is written instead.
//!
//! Here rather than in the command line so that it can be fuzzed without the server.
//!
//! The common file (no quotes, one point per line) is read by [`fast`]: parallel chunks,
//! no allocation per line; any other file, or one with a bad line, by the csv reader,
//! which names every bad line. Both read the same points. `--counts` on a file can also
//! go through [`StreamedCounts`]: the fast path block by block as the file is read,
//! started before the index exists.

use std::io::{self, Write};

use crate::CommuneIndex;

mod fast;
#[cfg(feature = "parallel")]
mod stream;

#[cfg(feature = "parallel")]
pub use stream::StreamedCounts;

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
/// counts. Counts: each chunk of the file parsed and counted in one parallel pass. Records:
/// parse all points, assign them in parallel, write.
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
    let communes = index.communes();
    if counts {
        let (per_commune, outside) = match fast::counts(index, input, layout) {
            Some(counted) => counted,
            None => index.count_batch(&parse_points(input, layout)?),
        };
        return write_counts(index, &per_commune, outside, out);
    }
    let points = match fast::points(input, layout) {
        Some(points) => points,
        None => parse_points(input, layout)?,
    };
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

/// Writes counts as `assign_points` does: `code,count`, a row per commune of the index
/// (`per_commune` in its order), then `none` and the points outside every commune.
///
/// # Errors
/// A failed write.
pub fn write_counts(
    index: &CommuneIndex,
    per_commune: &[u64],
    outside: u64,
    out: &mut impl Write,
) -> Result<(), PointsError> {
    writeln!(out, "code,count")?;
    for (commune, count) in index.communes().iter().zip(per_commune) {
        writeln!(out, "{},{count}", commune.code)?;
    }
    writeln!(out, "none,{outside}")?;
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::demo::demo_communes;

    /// Points of `input` read by the csv reader path alone (the reference).
    fn csv_points(input: &[u8]) -> Result<Vec<(f64, f64)>, PointsError> {
        let input = input.strip_prefix("\u{feff}".as_bytes()).unwrap_or(input);
        let layout = detect_layout(input)?;
        parse_points(input, layout)
    }

    fn fast_points(input: &[u8]) -> Option<Vec<(f64, f64)>> {
        let input = input.strip_prefix("\u{feff}".as_bytes()).unwrap_or(input);
        fast::points(input, detect_layout(input).ok()?)
    }

    /// A coordinate as people write it in a CSV: spaces around, signs, exponents, a
    /// decimal comma with `;`.
    fn written(value: f64, style: u8, semicolon: bool) -> String {
        let text = match style % 5 {
            0 => format!("{value}"),
            1 => format!("{value:.6}"),
            2 => format!(" {value:.3} "),
            3 => format!("{value:e}"),
            _ => format!("{value:+.8}"),
        };
        if semicolon {
            text.replacen('.', ",", 1)
        } else {
            text
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Whatever the layout, the fast path reads the same points as the csv reader,
        /// or gives up (never a different answer).
        #[test]
        fn the_fast_path_reads_what_the_csv_reader_reads(
            mut points in proptest::collection::vec((-180.0f64..180.0, -90.0f64..90.0, any::<u8>()), 0..300),
            out_of_range in proptest::option::of(0usize..300),
            semicolon in any::<bool>(),
            header in any::<bool>(),
            swapped in any::<bool>(),
            crlf in any::<bool>(),
            bom in any::<bool>(),
            blank_every in 0usize..20,
            extra_column in any::<bool>(),
        ) {
            // Now and then a latitude out of range: both paths must refuse the file.
            if let Some(p) = out_of_range.and_then(|k| points.get_mut(k)) {
                p.1 = 95.5;
            }
            let sep = if semicolon { ";" } else { "," };
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            if header {
                let names = if swapped { ["lat", "lon"] } else { ["lon", "lat"] };
                text.push_str(&format!("id{sep}{}{sep}{}{end}", names[0], names[1]));
            }
            for (i, (lon, lat, style)) in points.iter().enumerate() {
                // Blank lines between records (a leading one would change how the
                // separator is detected, for both paths alike).
                if blank_every > 0 && i > 0 && i % blank_every == 0 {
                    text.push_str(if i % 2 == 0 { end } else { "  " });
                    text.push_str(end);
                }
                let (a, b) = if header && swapped { (lat, lon) } else { (lon, lat) };
                let (a, b) = (written(*a, *style, semicolon), written(*b, style / 5, semicolon));
                if header {
                    text.push_str(&format!("{i}{sep}{a}{sep}{b}"));
                } else {
                    text.push_str(&format!("{a}{sep}{b}"));
                }
                if extra_column {
                    text.push_str(&format!("{sep}note {i}"));
                }
                text.push_str(end);
            }
            let reference = csv_points(text.as_bytes());
            if (header || !points.is_empty()) && out_of_range.is_none_or(|k| k >= points.len()) {
                prop_assert!(reference.is_ok(), "{text:?}");
            }
            match (fast_points(text.as_bytes()), reference) {
                (Some(fast), Ok(csv)) => prop_assert_eq!(fast, csv),
                // Out-of-range coordinates: both refuse (the csv path names the lines).
                (None, Err(_)) => {}
                // The csv path also reads what the fast path gives up on; it must be rare
                // here (no quotes, no lone carriage return): only an empty file.
                (None, Ok(csv)) => prop_assert!(csv.is_empty() || text.trim().is_empty(), "{text:?}"),
                (Some(fast), Err(e)) => prop_assert!(false, "fast read {} points, csv refused: {e}", fast.len()),
            }
        }
    }

    #[test]
    fn the_fast_path_gives_up_on_what_only_the_csv_reader_reads() {
        for text in [
            "\"-4.5\",\"45.8\"\n-4.4,45.9\n",
            "-4.5,45.8\r-4.4,45.9\n",
            "lon,lat\n-4.5,45.8\nx,y\n",
            "-4.5,45.8\n-4.4,\u{a0}45.9\n",
        ] {
            assert_eq!(fast_points(text.as_bytes()), None, "{text:?}");
        }
        assert_eq!(
            csv_points(b"\"-4.5\",\"45.8\"\n-4.4,45.9\n").unwrap(),
            [(-4.5, 45.8), (-4.4, 45.9)]
        );
    }

    /// `--counts` gives the same counts through the fast path as the csv reader path,
    /// and the same as the records written back, on a file of many chunks.
    #[test]
    fn counts_are_the_same_through_either_path() {
        let index = CommuneIndex::new(demo_communes());
        let text = points_text(60_000, 7, "lon;lat\n", |x, y| {
            format!("{x:.6};{y:.6}\n").replace('.', ",")
        });
        let input = text.as_bytes();
        let layout = detect_layout(input).unwrap();
        let fast = fast::counts(&index, input, layout).unwrap();
        let reference = index.count_batch(&parse_points(input, layout).unwrap());
        assert_eq!(fast, reference);
        assert!(fast.1 > 0 && fast.0.iter().filter(|&&c| c > 0).count() > 10);
        let mut out = Vec::new();
        assign_points(&index, input, true, &mut out).unwrap();
        let written = String::from_utf8(out).unwrap();
        assert!(
            written.ends_with(&format!("none,{}\n", reference.1)),
            "{written}"
        );
    }

    /// `n` seeded random points of the demo territory's box, after `header`, each written
    /// as `format` gives it.
    pub(super) fn points_text(
        n: usize,
        seed: u64,
        header: &str,
        format: impl Fn(f64, f64) -> String,
    ) -> String {
        let bbox = CommuneIndex::new(demo_communes()).bbox().unwrap();
        let mut state = seed;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut text = String::from(header);
        for _ in 0..n {
            let lon = bbox.min().x + next() * bbox.width();
            let lat = bbox.min().y + next() * bbox.height();
            text.push_str(&format(lon, lat));
        }
        text
    }
}
