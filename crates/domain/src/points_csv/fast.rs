//! The fast path of the points CSV: the common file (no quotes, one point per line) read
//! in parallel chunks cut at line ends, each field parsed straight from the bytes with
//! `fast-float2` (Lemire's algorithm, correctly rounded like `str::parse`), nothing
//! allocated per line. It accepts exactly the lines the csv reader path accepts, with the
//! same values; anything else (a quote, a carriage return inside a line, a line it cannot
//! read) makes it give up, and the caller reads the file again with the csv reader, which
//! names every bad line.

use super::PointsLayout;
use crate::CommuneIndex;

/// Smallest chunk worth a task, bytes.
const MIN_CHUNK: usize = 256 * 1024;
/// Longest field copied to swap a decimal comma (a coordinate is far shorter).
const MAX_FIELD: usize = 64;

/// The input after its header line (the first non-empty line), when it has one.
pub(super) fn body(input: &[u8], layout: PointsLayout) -> &[u8] {
    if !layout.has_header {
        return input;
    }
    let mut rest = input;
    while !rest.is_empty() {
        let end = line_end(rest);
        let line = strip_cr(&rest[..end]);
        rest = rest.get(end + 1..).unwrap_or_default();
        if !line.is_empty() {
            break;
        }
    }
    rest
}

fn line_end(bytes: &[u8]) -> usize {
    memchr::memchr(b'\n', bytes).unwrap_or(bytes.len())
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// `body` cut into about `wanted` pieces, each ending at a line end.
fn chunks(body: &[u8], wanted: usize) -> Vec<&[u8]> {
    let size = (body.len() / wanted.max(1)).max(MIN_CHUNK);
    let mut out = Vec::with_capacity(body.len() / size + 1);
    let mut rest = body;
    while rest.len() > size {
        let cut = size + line_end(&rest[size..]);
        let (chunk, tail) = rest.split_at((cut + 1).min(rest.len()));
        out.push(chunk);
        rest = tail;
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// A coordinate as the csv path reads it (see `parse_coordinate`), or `None`.
fn coordinate(field: &[u8], delimiter: u8) -> Option<f64> {
    let text = field.trim_ascii();
    let value: f64 = if delimiter == b';' && text.contains(&b',') {
        if text.len() > MAX_FIELD {
            return None;
        }
        let mut buffer = [0u8; MAX_FIELD];
        let copy = &mut buffer[..text.len()];
        copy.copy_from_slice(text);
        if let Some(comma) = copy.iter().position(|&b| b == b',') {
            copy[comma] = b'.';
        }
        fast_float2::parse(&*copy).ok()?
    } else {
        fast_float2::parse(text).ok()?
    };
    value.is_finite().then_some(value)
}

/// The commonest line, `x<delimiter>y` with nothing around the two numbers: both parsed
/// where they stand, without splitting the line. `None` for any other line (the general
/// reading below then decides). `parse_partial` and `parse` are the same parser, so a
/// line read here has the values the general reading gives it.
fn two_numbers(line: &[u8], delimiter: u8) -> Option<(f64, f64)> {
    let (first, n) = fast_float2::parse_partial::<f64, _>(line).ok()?;
    if line.get(n) != Some(&delimiter) {
        return None;
    }
    let rest = &line[n + 1..];
    let (second, m) = fast_float2::parse_partial::<f64, _>(rest).ok()?;
    (m == rest.len()).then_some((first, second))
}

/// The point of `line` read by [`two_numbers`] when the layout has its coordinates in the
/// first two columns, in range.
fn plain_point(line: &[u8], layout: PointsLayout) -> Option<(f64, f64)> {
    let (first, second) = two_numbers(line, layout.delimiter)?;
    let (lon, lat) = match (layout.lon_column, layout.lat_column) {
        (0, 1) => (first, second),
        (1, 0) => (second, first),
        _ => return None,
    };
    (lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0)
        .then_some((lon, lat))
}

/// Calls `point` with each point of `chunk`, in order; `false` as soon as a line is not
/// one the fast path reads exactly as the csv path would.
pub(super) fn each_point(
    chunk: &[u8],
    layout: PointsLayout,
    mut point: impl FnMut(f64, f64),
) -> bool {
    let last_column = layout.lon_column.max(layout.lat_column);
    // One search of the whole chunk instead of one per line in the common file.
    let plain = memchr::memchr2(b'"', b'\r', chunk).is_none();
    let mut rest = chunk;
    while !rest.is_empty() {
        let end = line_end(rest);
        let line = strip_cr(&rest[..end]);
        rest = rest.get(end + 1..).unwrap_or_default();
        if let Some((lon, lat)) = plain_point(line, layout) {
            point(lon, lat);
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            // Empty lines are no record; blank ones are skipped by the csv path too.
            continue;
        }
        if !plain && line.iter().any(|&b| b == b'"' || b == b'\r') {
            return false;
        }
        let (mut lon, mut lat) = (None, None);
        for (column, field) in line
            .split(|&b| b == layout.delimiter)
            .enumerate()
            .take(last_column + 1)
        {
            if column == layout.lon_column {
                lon = coordinate(field, layout.delimiter);
            }
            if column == layout.lat_column {
                lat = coordinate(field, layout.delimiter);
            }
        }
        match (lon, lat) {
            (Some(lon), Some(lat)) if lon.abs() <= 180.0 && lat.abs() <= 90.0 => point(lon, lat),
            _ => return false,
        }
    }
    true
}

#[cfg(feature = "parallel")]
fn map_chunks<T: Send>(
    body: &[u8],
    f: impl Fn(&[u8]) -> Option<T> + Sync + Send,
) -> Option<Vec<T>> {
    use rayon::prelude::*;
    chunks(body, rayon::current_num_threads() * 8)
        .into_par_iter()
        .map(f)
        .collect()
}

#[cfg(not(feature = "parallel"))]
fn map_chunks<T: Send>(
    body: &[u8],
    f: impl Fn(&[u8]) -> Option<T> + Sync + Send,
) -> Option<Vec<T>> {
    chunks(body, 1).into_iter().map(f).collect()
}

/// Every point of `input` (BOM already removed), in order; `None` when the csv path must
/// read the file (see the module docs).
pub(super) fn points(input: &[u8], layout: PointsLayout) -> Option<Vec<(f64, f64)>> {
    let parts = map_chunks(body(input, layout), |chunk| {
        // About 20 bytes a line: one allocation per chunk, never per line.
        let mut points = Vec::with_capacity(chunk.len() / 16);
        each_point(chunk, layout, |lon, lat| points.push((lon, lat))).then_some(points)
    })?;
    let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for part in parts {
        all.extend_from_slice(&part);
    }
    Some(all)
}

/// Points per commune of the index (in its order) and outside every commune, each chunk
/// parsed and counted in one pass without keeping its points; `None` when the csv path
/// must read the file.
pub(super) fn counts(
    index: &CommuneIndex,
    input: &[u8],
    layout: PointsLayout,
) -> Option<(Vec<u64>, u64)> {
    let n = index.communes().len();
    let parts = map_chunks(body(input, layout), |chunk| {
        let mut per_commune = vec![0u64; n];
        let mut outside = 0u64;
        let ok = each_point(chunk, layout, |lon, lat| {
            match index.locate_index(lon, lat) {
                Some(i) => per_commune[i as usize] += 1,
                None => outside += 1,
            }
        });
        ok.then_some((per_commune, outside))
    })?;
    let mut per_commune = vec![0u64; n];
    let mut outside = 0u64;
    for (part, out) in parts {
        for (total, count) in per_commune.iter_mut().zip(part) {
            *total += count;
        }
        outside += out;
    }
    Some((per_commune, outside))
}
