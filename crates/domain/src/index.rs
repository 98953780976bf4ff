//! Which commune contains a point: the hot path behind every survey answer
//! and initiative placed on the map.
//!
//! # Containment predicate
//!
//! A point is inside a commune when a ray cast towards +x (east) crosses its
//! rings an odd number of times (holes count naturally by parity). An edge is
//! crossed when `ay <= py < by` (the half-open rule `(yi > py) != (yj > py)`)
//! and `px < ax + (py - ay) * ((bx - ax) / (by - ay))`, with the endpoints put
//! in canonical order (lower y first, ties by lower x). Two communes sharing
//! an edge therefore compute the very same float for it, so a point exactly on
//! a shared border belongs to exactly one of them (the one to its east, or to
//! its north on a horizontal border). When communes overlap, the lowest code
//! wins. [`brute_force_locate`] applies this predicate to every commune; the
//! index gives the same answers, faster.
//!
//! # Index
//!
//! * Per commune, a banded edge list: the commune's latitude range is cut
//!   into bands, each listing the edges whose latitude span meets it, so a
//!   test reads a handful of edges instead of all of them.
//! * Over the whole territory, a uniform grid (about [`CELLS_PER_EDGE`] cells
//!   per edge, at most [`MAX_CELLS`]). A cell that no edge comes within a tiny
//!   margin of has the same answer at every point, resolved once at build
//!   time; a boundary cell keeps the short list of communes that may contain
//!   its points, in code order.
//!
//! Bands and cells are found with monotone float functions of the coordinate,
//! and edges are registered over their whole span with those same functions
//! (plus a margin for cells), so rounding can never hide an edge from a query.

use std::collections::HashMap;

use geo::{Coord, LineString, MultiPolygon, Rect};
#[cfg(feature = "parallel")]
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use crate::{Commune, InseeCode, LonLat};

/// Grid cells per polygon edge (edges of all communes counted). More cells
/// mean fewer points landing in boundary cells, at the cost of memory.
pub const CELLS_PER_EDGE: usize = 16;
/// Upper bound on grid cells (4 bytes each).
pub const MAX_CELLS: usize = 1 << 22;
/// Lower bound on grid cells, so tiny territories still get a useful grid.
const MIN_CELLS: usize = 256;
/// Bands per commune: about one per this many (non-horizontal) edges.
const EDGES_PER_BAND: usize = 2;
/// Points per parallel task in the batch functions.
const PARALLEL_CHUNK: usize = 1 << 14;
/// Points per block in the two-pass batch loop (a stack buffer of u32).
const BLOCK: usize = 256;
/// Upper bound on bands per commune.
const MAX_BANDS: usize = 1 << 16;
/// Margin, relative to the coordinates' magnitude (1e-9 deg is ~0.1 mm), by
/// which edges are widened when marking grid cells. Float error in the
/// predicate is ~1e-16 relative, so this is very conservative.
const MARGIN_REL: f64 = 1e-9;

/// Cell value: no commune there.
const NO_COMMUNE: u32 = u32::MAX;
/// Cell value flag: boundary cell, the low 31 bits are an offset into the
/// candidate pool. Values below it are commune indexes.
const BOUNDARY: u32 = 1 << 31;
/// Most communes an index can address (far above France's ~35,000).
const MAX_COMMUNES: usize = (BOUNDARY - 1) as usize;

/// A polygon edge with its endpoints in canonical order: `(ay, ax) <= (by, bx)`.
#[derive(Clone, Copy, Debug)]
struct Segment {
    ax: f64,
    ay: f64,
    bx: f64,
    by: f64,
}

impl Segment {
    /// `None` for an edge with a non-finite coordinate: such an edge never
    /// counts as crossed, in the index as in the brute force.
    #[inline]
    fn new(p: Coord<f64>, q: Coord<f64>) -> Option<Segment> {
        if !(p.x.is_finite() && p.y.is_finite() && q.x.is_finite() && q.y.is_finite()) {
            return None;
        }
        let (a, b) = if (p.y, p.x) <= (q.y, q.x) {
            (p, q)
        } else {
            (q, p)
        };
        Some(Segment {
            ax: a.x,
            ay: a.y,
            bx: b.x,
            by: b.y,
        })
    }

    /// Inverse slope dx/dy; only meaningful (and only used) when `by > ay`.
    #[inline]
    fn inverse_slope(&self) -> f64 {
        (self.bx - self.ax) / (self.by - self.ay)
    }

    /// The crossing test. [`BandEdge::crosses`] must stay the same arithmetic.
    #[inline]
    fn crosses(&self, px: f64, py: f64) -> bool {
        self.ay <= py && py < self.by && px < self.ax + (py - self.ay) * self.inverse_slope()
    }
}

/// A non-horizontal edge as stored in a band, with its inverse slope
/// precomputed: bit-identical to computing it on the fly in [`Segment::crosses`].
#[derive(Clone, Copy, Debug)]
struct BandEdge {
    ay: f64,
    by: f64,
    ax: f64,
    inverse_slope: f64,
}

impl BandEdge {
    #[inline]
    fn crosses(&self, px: f64, py: f64) -> bool {
        self.ay <= py && py < self.by && px < self.ax + (py - self.ay) * self.inverse_slope
    }
}

fn rings(geometry: &MultiPolygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    geometry
        .iter()
        .flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()))
}

fn segments(geometry: &MultiPolygon<f64>) -> impl Iterator<Item = Segment> + '_ {
    rings(geometry).flat_map(|ring| ring.0.windows(2).filter_map(|w| Segment::new(w[0], w[1])))
}

/// Whether `geometry` contains the point (`lon`, `lat`) under the crate's
/// containment predicate (see the [module docs](self)): ray casting with the
/// half-open rule, so points on a border shared by two polygons belong to
/// exactly one of them.
///
/// Coordinates are WGS 84 lon/lat degrees (any planar coordinates work the
/// same way). Non-finite input gives `false`.
#[must_use]
pub fn geometry_contains(geometry: &MultiPolygon<f64>, lon: f64, lat: f64) -> bool {
    if !(lon.is_finite() && lat.is_finite()) {
        return false;
    }
    let mut inside = false;
    for ring in rings(geometry) {
        for w in ring.0.windows(2) {
            // The half-open rule on the raw endpoints first: it rejects most
            // edges cheaply and decides exactly as the canonical test would.
            if (w[0].y > lat) == (w[1].y > lat) {
                continue;
            }
            if let Some(s) = Segment::new(w[0], w[1]) {
                inside ^= s.crosses(lon, lat);
            }
        }
    }
    inside
}

/// The reference locator: index (in `communes`) of the first commune whose
/// geometry contains (`lon`, `lat`), WGS 84 degrees, scanning every commune
/// with the same predicate as [`CommuneIndex`] and no index at all.
///
/// With `communes` sorted by code (as [`CommuneIndex::communes`] is), "first"
/// means "lowest code", which is the index's rule for overlapping data. Slow
/// (every edge of every commune): for tests and benchmarks.
#[must_use]
pub fn brute_force_locate(communes: &[Commune], lon: f64, lat: f64) -> Option<u32> {
    if !(lon.is_finite() && lat.is_finite()) {
        return None;
    }
    communes
        .iter()
        .take(MAX_COMMUNES)
        .position(|c| geometry_contains(&c.geometry, lon, lat))
        .and_then(|i| u32::try_from(i).ok())
}

/// A commune's banded edge list.
#[derive(Clone, Debug)]
struct Shape {
    ymin: f64,
    ymax: f64,
    inverse_band_height: f64,
    bands: usize,
    /// Index of the commune's first band in [`CommuneIndex::band_starts`].
    first_band: usize,
}

impl Shape {
    /// Monotone in `y`, which is what makes the bands sound under rounding.
    /// The float-to-int cast saturates (negative to 0), so no clamp at 0.
    #[inline]
    fn band(&self, y: f64) -> usize {
        (((y - self.ymin) * self.inverse_band_height) as usize).min(self.bands.saturating_sub(1))
    }
}

/// Uniform grid over the territory's bounding box.
#[derive(Clone, Debug)]
struct Grid {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    cell_width: f64,
    cell_height: f64,
    inverse_cell_width: f64,
    inverse_cell_height: f64,
    cols: usize,
    rows: usize,
    /// Row-major; a commune index, [`NO_COMMUNE`], or [`BOUNDARY`] | pool offset.
    cells: Vec<u32>,
    /// Candidate lists, each stored as its length followed by commune indexes
    /// in increasing order; identical lists are stored once.
    pool: Vec<u32>,
}

impl Grid {
    fn empty() -> Grid {
        Grid {
            x0: f64::INFINITY,
            y0: f64::INFINITY,
            x1: f64::NEG_INFINITY,
            y1: f64::NEG_INFINITY,
            cell_width: 0.0,
            cell_height: 0.0,
            inverse_cell_width: 0.0,
            inverse_cell_height: 0.0,
            cols: 0,
            rows: 0,
            cells: Vec::new(),
            pool: Vec::new(),
        }
    }

    #[inline]
    fn covers(&self, x: f64, y: f64) -> bool {
        // Written so that NaN is outside.
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }

    #[inline]
    fn col(&self, x: f64) -> usize {
        (((x - self.x0) * self.inverse_cell_width) as usize).min(self.cols.saturating_sub(1))
    }

    #[inline]
    fn row(&self, y: f64) -> usize {
        (((y - self.y0) * self.inverse_cell_height) as usize).min(self.rows.saturating_sub(1))
    }
}

/// Locates points in communes; owns the communes, sorted by INSEE code.
///
/// Coordinates are WGS 84 longitude/latitude in degrees throughout. Answers
/// are exactly those of [`brute_force_locate`] on [`CommuneIndex::communes`],
/// including for points on borders. Building takes a few milliseconds for a
/// département; a lookup is a grid read and, near borders, a few edge tests.
///
/// At most 2³¹−1 communes are indexed; any beyond are kept but never located.
#[derive(Clone, Debug)]
pub struct CommuneIndex {
    communes: Vec<Commune>,
    shapes: Vec<Shape>,
    /// Band `b` holds `band_edges[band_starts[b]..band_starts[b + 1]]`.
    band_starts: Vec<usize>,
    band_edges: Vec<BandEdge>,
    grid: Grid,
    bbox: Option<Rect<f64>>,
}

impl CommuneIndex {
    /// Builds the index, sorting the communes by code.
    ///
    /// Duplicate codes are the importer's business; here both communes are
    /// kept (stable order) and the first wins where they overlap.
    #[must_use]
    pub fn new(communes: Vec<Commune>) -> CommuneIndex {
        CommuneIndex::with_cells_per_edge(communes, CELLS_PER_EDGE)
    }

    /// [`new`](Self::new) with another grid density (cells per polygon edge,
    /// still capped at [`MAX_CELLS`]): a tuning knob for benchmarks. Answers
    /// do not depend on it, only speed and memory do.
    #[must_use]
    pub fn with_cells_per_edge(mut communes: Vec<Commune>, cells_per_edge: usize) -> CommuneIndex {
        communes.sort_by(|a, b| a.code.cmp(&b.code));
        let indexed = &communes[..communes.len().min(MAX_COMMUNES)];

        let mut shapes = Vec::with_capacity(indexed.len());
        let mut band_starts = vec![0];
        let mut band_edges = Vec::new();
        let mut bboxes = Vec::with_capacity(indexed.len());
        let mut all_segments: Vec<Vec<Segment>> = Vec::with_capacity(indexed.len());
        for commune in indexed {
            let segs: Vec<Segment> = segments(&commune.geometry).collect();
            shapes.push(build_shape(&segs, &mut band_starts, &mut band_edges));
            bboxes.push(segments_bbox(&segs));
            all_segments.push(segs);
        }
        let bbox = bboxes.iter().flatten().copied().reduce(union_rect);

        let mut index = CommuneIndex {
            communes,
            shapes,
            band_starts,
            band_edges,
            grid: Grid::empty(),
            bbox,
        };
        if let Some(bbox) = bbox {
            index.grid = build_grid(&index, bbox, &bboxes, &all_segments, cells_per_edge);
        }
        index
    }

    /// The communes, sorted by code; [`locate_index`](Self::locate_index)
    /// answers are indexes into this slice.
    #[must_use]
    pub fn communes(&self) -> &[Commune] {
        &self.communes
    }

    /// The commune with this code.
    #[must_use]
    pub fn get(&self, code: &InseeCode) -> Option<&Commune> {
        self.position(code).and_then(|i| self.communes.get(i))
    }

    /// Index in [`communes`](Self::communes) of the commune with this code,
    /// e.g. to read [`count_batch`](Self::count_batch) results.
    #[must_use]
    pub fn position(&self, code: &InseeCode) -> Option<usize> {
        // partition_point finds the first of duplicates, the one that wins.
        let i = self.communes.partition_point(|c| c.code < *code);
        (self.communes.get(i)?.code == *code).then_some(i)
    }

    /// Number of communes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.communes.len()
    }

    /// Whether there is no commune at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.communes.is_empty()
    }

    /// The commune containing `p` (WGS 84), if any.
    #[must_use]
    pub fn locate(&self, p: LonLat) -> Option<&Commune> {
        self.locate_index(p.lon(), p.lat())
            .and_then(|i| self.communes.get(i as usize))
    }

    /// Index in [`communes`](Self::communes) of the commune containing
    /// (`lon`, `lat`), WGS 84 degrees; `None` outside every commune or for
    /// non-finite input. Does not allocate.
    #[inline]
    #[must_use]
    pub fn locate_index(&self, lon: f64, lat: f64) -> Option<u32> {
        self.resolve(self.cell_value(lon, lat), lon, lat)
    }

    /// [`locate_index`](Self::locate_index) for many (lon, lat) points, in
    /// parallel (sequentially without the `parallel` feature); the answer for
    /// `points[i]` is at `[i]`.
    #[must_use]
    pub fn locate_batch(&self, points: &[(f64, f64)]) -> Vec<Option<u32>> {
        let mut answers = vec![None; points.len()];
        let fill = |(answers, points): (&mut [Option<u32>], &[(f64, f64)])| {
            self.for_each_located(points, |k, found| {
                if let Some(answer) = answers.get_mut(k) {
                    *answer = found;
                }
            });
        };
        #[cfg(feature = "parallel")]
        answers
            .par_chunks_mut(PARALLEL_CHUNK)
            .zip(points.par_chunks(PARALLEL_CHUNK))
            .for_each(fill);
        #[cfg(not(feature = "parallel"))]
        answers
            .chunks_mut(PARALLEL_CHUNK)
            .zip(points.chunks(PARALLEL_CHUNK))
            .for_each(fill);
        answers
    }

    /// Counts (lon, lat) points per commune, in parallel (sequentially
    /// without the `parallel` feature): the counts are indexed like
    /// [`communes`](Self::communes); the second value is the number of points
    /// in no commune.
    #[must_use]
    pub fn count_batch(&self, points: &[(f64, f64)]) -> (Vec<u64>, u64) {
        let slots = self.communes.len() + 1;
        let count_chunk = |mut counts: Vec<u64>, chunk: &[(f64, f64)]| {
            self.count_into(chunk, &mut counts);
            counts
        };
        #[cfg(feature = "parallel")]
        let mut counts = points
            .par_chunks(PARALLEL_CHUNK)
            .fold(|| vec![0u64; slots], count_chunk)
            .reduce(
                || vec![0u64; slots],
                |mut total, part| {
                    total.iter_mut().zip(part).for_each(|(t, p)| *t += p);
                    total
                },
            );
        #[cfg(not(feature = "parallel"))]
        let mut counts = points
            .chunks(PARALLEL_CHUNK)
            .fold(vec![0u64; slots], count_chunk);
        let none = counts.pop().unwrap_or(0);
        (counts, none)
    }

    /// Adds (lon, lat) points to `counts`, on the calling thread: `counts[i]` for
    /// the commune at [`communes`](Self::communes)`[i]`, `counts[communes.len()]`
    /// for the points in no commune (slots beyond the slice's end are not counted).
    /// For callers that share the work out themselves, e.g. block by block as a
    /// file is read.
    pub fn count_into(&self, points: &[(f64, f64)], counts: &mut [u64]) {
        let outside = self.communes.len();
        self.for_each_located(points, |_, found| {
            let slot = found.map_or(outside, |i| i as usize);
            if let Some(count) = counts.get_mut(slot) {
                *count += 1;
            }
        });
    }

    /// Locates `points` in blocks: grid values for a whole block first, then
    /// the answers. The first pass has no data-dependent branch, so the
    /// processor overlaps its cache misses on the grid (about 1.3x faster
    /// than point by point on one core, on the Landes data).
    #[inline]
    fn for_each_located(&self, points: &[(f64, f64)], mut found: impl FnMut(usize, Option<u32>)) {
        let mut cells = [NO_COMMUNE; BLOCK];
        for (b, block) in points.chunks(BLOCK).enumerate() {
            for (cell, &(lon, lat)) in cells.iter_mut().zip(block) {
                *cell = self.cell_value(lon, lat);
            }
            for (k, (&cell, &(lon, lat))) in cells.iter().zip(block).enumerate() {
                found(b * BLOCK + k, self.resolve(cell, lon, lat));
            }
        }
    }

    /// The grid's value at a point: a commune index, [`NO_COMMUNE`] (also
    /// outside the grid and for NaN), or a boundary cell's list offset.
    #[inline]
    fn cell_value(&self, lon: f64, lat: f64) -> u32 {
        let grid = &self.grid;
        // Computed even outside the grid (row and col are clamped), so that
        // this compiles to a select rather than a branch.
        let cell = grid
            .cells
            .get(grid.row(lat) * grid.cols + grid.col(lon))
            .copied()
            .unwrap_or(NO_COMMUNE);
        if grid.covers(lon, lat) {
            cell
        } else {
            NO_COMMUNE
        }
    }

    /// The answer for a point given its grid value.
    #[inline]
    fn resolve(&self, cell: u32, lon: f64, lat: f64) -> Option<u32> {
        if cell < BOUNDARY {
            Some(cell)
        } else if cell == NO_COMMUNE {
            None
        } else {
            self.first_in_list((cell & !BOUNDARY) as usize, lon, lat)
        }
    }

    /// Bounding box of all communes (WGS 84 degrees), `None` when empty.
    #[must_use]
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.bbox
    }

    /// Grid dimensions (columns, rows) and how many cells are boundary cells:
    /// for benchmarks and diagnostics.
    #[must_use]
    pub fn grid_stats(&self) -> GridStats {
        let boundary_cells = self
            .grid
            .cells
            .iter()
            .filter(|&&c| c != NO_COMMUNE && c >= BOUNDARY)
            .count();
        GridStats {
            cols: self.grid.cols,
            rows: self.grid.rows,
            boundary_cells,
            band_edges: self.band_edges.len(),
            candidate_pool: self.grid.pool.len(),
        }
    }

    /// First commune of the pool list at `offset` containing the point.
    #[inline]
    fn first_in_list(&self, offset: usize, lon: f64, lat: f64) -> Option<u32> {
        let pool = &self.grid.pool;
        let len = *pool.get(offset)? as usize;
        pool.get(offset + 1..offset + 1 + len)?
            .iter()
            .copied()
            .find(|&i| self.shape_contains(i as usize, lon, lat))
    }

    /// The predicate for commune `i`, through its bands.
    #[inline]
    fn shape_contains(&self, i: usize, lon: f64, lat: f64) -> bool {
        let Some(shape) = self.shapes.get(i) else {
            return false;
        };
        // No edge is crossed outside [ymin, ymax): exact, not an approximation.
        if !(lat >= shape.ymin && lat < shape.ymax) {
            return false;
        }
        let band = shape.first_band + shape.band(lat);
        let (Some(&start), Some(&end)) =
            (self.band_starts.get(band), self.band_starts.get(band + 1))
        else {
            return false;
        };
        self.band_edges
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .fold(false, |inside, e| inside ^ e.crosses(lon, lat))
    }
}

/// Grid figures, see [`CommuneIndex::grid_stats`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GridStats {
    /// Grid columns.
    pub cols: usize,
    /// Grid rows.
    pub rows: usize,
    /// Cells whose answer needs edge tests.
    pub boundary_cells: usize,
    /// Edge entries over all bands of all communes.
    pub band_edges: usize,
    /// Length of the candidate-list pool (u32 entries).
    pub candidate_pool: usize,
}

fn union_rect(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

fn segments_bbox(segs: &[Segment]) -> Option<Rect<f64>> {
    segs.iter()
        .map(|s| Rect::new(Coord { x: s.ax, y: s.ay }, Coord { x: s.bx, y: s.by }))
        .reduce(union_rect)
}

/// Builds a commune's bands, appending them to the shared band arrays.
fn build_shape(
    segs: &[Segment],
    band_starts: &mut Vec<usize>,
    band_edges: &mut Vec<BandEdge>,
) -> Shape {
    // Horizontal edges are never crossed: leave them out.
    let sloped: Vec<&Segment> = segs.iter().filter(|s| s.by > s.ay).collect();
    let first_band = band_starts.len() - 1;
    let ymin = sloped.iter().map(|s| s.ay).fold(f64::INFINITY, f64::min);
    let ymax = sloped
        .iter()
        .map(|s| s.by)
        .fold(f64::NEG_INFINITY, f64::max);
    if sloped.is_empty() {
        // Nothing can be inside: an empty y-range.
        return Shape {
            ymin: 0.0,
            ymax: 0.0,
            inverse_band_height: 0.0,
            bands: 0,
            first_band,
        };
    }
    let bands = (sloped.len() / EDGES_PER_BAND).clamp(1, MAX_BANDS);
    let mut shape = Shape {
        ymin,
        ymax,
        inverse_band_height: bands as f64 / (ymax - ymin),
        bands,
        first_band,
    };
    if !shape.inverse_band_height.is_finite() {
        // A latitude range too thin to divide: one band.
        shape.bands = 1;
        shape.inverse_band_height = 0.0;
    }
    // Counting sort of (band, edge) pairs; an edge goes into every band its
    // span [ay, by] maps to, and `band` is monotone, so any py in the span
    // finds it.
    let mut counts = vec![0usize; shape.bands];
    for s in &sloped {
        let spanned = counts.get_mut(shape.band(s.ay)..=shape.band(s.by));
        for count in spanned.into_iter().flatten() {
            *count += 1;
        }
    }
    let base = band_edges.len();
    let mut next = Vec::with_capacity(shape.bands);
    let mut total = base;
    for count in &counts {
        next.push(total);
        total += count;
        band_starts.push(total);
    }
    let filler = BandEdge {
        ay: 0.0,
        by: 0.0,
        ax: 0.0,
        inverse_slope: 0.0,
    };
    band_edges.resize(total, filler);
    for s in &sloped {
        let edge = BandEdge {
            ay: s.ay,
            by: s.by,
            ax: s.ax,
            inverse_slope: s.inverse_slope(),
        };
        let spanned = next.get_mut(shape.band(s.ay)..=shape.band(s.by));
        for slot in spanned.into_iter().flatten() {
            if let Some(e) = band_edges.get_mut(*slot) {
                *e = edge;
            }
            *slot += 1;
        }
    }
    shape
}

type BboxTree = RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>;

fn build_grid(
    index: &CommuneIndex,
    bbox: Rect<f64>,
    bboxes: &[Option<Rect<f64>>],
    all_segments: &[Vec<Segment>],
    cells_per_edge: usize,
) -> Grid {
    let scale = [bbox.min().x, bbox.min().y, bbox.max().x, bbox.max().y]
        .iter()
        .fold(1.0f64, |m, v| m.max(v.abs()));
    let margin = MARGIN_REL * scale;
    // Widen by twice the margin: a computed crossing can overshoot an edge's
    // bounding box by a few ulps, and the grid must contain every point any
    // commune could contain.
    let x0 = bbox.min().x - 2.0 * margin;
    let y0 = bbox.min().y - 2.0 * margin;
    let x1 = bbox.max().x + 2.0 * margin;
    let y1 = bbox.max().y + 2.0 * margin;
    let (width, height) = (x1 - x0, y1 - y0);

    let total_edges: usize = all_segments.iter().map(Vec::len).sum();
    let target = total_edges
        .saturating_mul(cells_per_edge)
        .clamp(MIN_CELLS, MAX_CELLS);
    // Square cells, but never thinner than 1000 margins, so a cell's centre
    // always maps back to the cell.
    let side = (width * height / target as f64).sqrt().max(1000.0 * margin);
    let cols = ((width / side).ceil() as usize).clamp(1, MAX_CELLS);
    let rows = ((height / side).ceil() as usize).clamp(1, (MAX_CELLS / cols).max(1));
    let mut grid = Grid {
        x0,
        y0,
        x1,
        y1,
        cell_width: width / cols as f64,
        cell_height: height / rows as f64,
        inverse_cell_width: cols as f64 / width,
        inverse_cell_height: rows as f64 / height,
        cols,
        rows,
        cells: vec![NO_COMMUNE; cols * rows],
        pool: Vec::new(),
    };

    // (cell, commune) for every cell some edge of the commune comes near.
    // Cell numbers fit u32 (MAX_CELLS); pairs stay 8 bytes for big territories.
    let mut touches: Vec<(u32, u32)> = Vec::new();
    for (i, segs) in (0u32..).zip(all_segments) {
        for s in segs {
            mark_segment(&grid, s, margin, |cell| {
                touches.push((u32::try_from(cell).unwrap_or(u32::MAX), i));
            });
        }
    }
    touches.sort_unstable();
    touches.dedup();

    let tree: BboxTree = RTree::bulk_load(
        (0u32..)
            .zip(bboxes)
            .filter_map(|(i, b)| {
                let b = (*b)?;
                let rect = Rectangle::from_corners(
                    [b.min().x - 2.0 * margin, b.min().y - 2.0 * margin],
                    [b.max().x + 2.0 * margin, b.max().y + 2.0 * margin],
                );
                Some(GeomWithData::new(rect, i))
            })
            .collect(),
    );

    let all: Vec<u32> = (0u32..).take(index.shapes.len()).collect();
    let mut interned: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut pool: Vec<u32> = Vec::new();
    let mut intern = |list: Vec<u32>, pool: &mut Vec<u32>| -> u32 {
        if let Some(&value) = interned.get(&list) {
            return value;
        }
        let Some(offset) = u32::try_from(pool.len()).ok().filter(|&o| o < BOUNDARY - 1) else {
            // Pool beyond 2^31 entries: unreachable in practice; offset 0
            // is the list of all communes, always correct.
            return BOUNDARY;
        };
        pool.push(u32::try_from(list.len()).unwrap_or(u32::MAX));
        pool.extend_from_slice(&list);
        interned.insert(list, BOUNDARY | offset);
        BOUNDARY | offset
    };
    // Offset 0: every commune, the always-correct fallback.
    let all_communes = intern(all, &mut pool);

    let mut next_touch = 0;
    for row in 0..rows {
        // Adjacent untouched cells of a row form a region no border crosses:
        // one answer for the whole run.
        let mut run_answer: Option<u32> = None;
        for col in 0..cols {
            let cell = row * cols + col;
            let start = next_touch;
            while touches
                .get(next_touch)
                .is_some_and(|&(c, _)| c as usize == cell)
            {
                next_touch += 1;
            }
            let touching: Vec<u32> = touches
                .get(start..next_touch)
                .unwrap_or_default()
                .iter()
                .map(|&(_, i)| i)
                .collect();

            let cx = x0 + (col as f64 + 0.5) * grid.cell_width;
            let cy = y0 + (row as f64 + 0.5) * grid.cell_height;
            let value = if grid.col(cx) != col || grid.row(cy) != row {
                run_answer = None;
                all_communes
            } else if touching.is_empty() {
                let answer =
                    *run_answer.get_or_insert_with(|| lowest_containing(index, &tree, cx, cy, &[]));
                answer
            } else {
                run_answer = None;
                // Communes not touching the cell contain all of it or none of
                // it; only the lowest such one matters, and it ends the list.
                let outer = lowest_containing(index, &tree, cx, cy, &touching);
                let mut list: Vec<u32> = touching.into_iter().filter(|&i| i < outer).collect();
                if outer != NO_COMMUNE {
                    list.push(outer);
                }
                match list.as_slice() {
                    [] => NO_COMMUNE,
                    // Only a commune containing the whole cell: resolved.
                    [only] if *only == outer => outer,
                    _ => intern(list, &mut pool),
                }
            };
            if let Some(slot) = grid.cells.get_mut(cell) {
                *slot = value;
            }
        }
    }
    grid.pool = pool;
    grid
}

/// Lowest index of a commune, not in `excluded` (sorted), containing the point.
fn lowest_containing(
    index: &CommuneIndex,
    tree: &BboxTree,
    x: f64,
    y: f64,
    excluded: &[u32],
) -> u32 {
    tree.locate_all_at_point(&[x, y])
        .map(|g| g.data)
        .filter(|i| excluded.binary_search(i).is_err())
        .filter(|&i| index.shape_contains(i as usize, x, y))
        .min()
        .unwrap_or(NO_COMMUNE)
}

/// Calls `mark` for every cell containing a point within about `margin` of
/// the segment (a superset: clipping is per row and widened).
fn mark_segment(grid: &Grid, s: &Segment, margin: f64, mut mark: impl FnMut(usize)) {
    let (xmin, xmax) = (s.ax.min(s.bx), s.ax.max(s.bx));
    let first_row = grid.row(s.ay - margin);
    let last_row = grid.row(s.by + margin);
    for row in first_row..=last_row {
        let (lo, hi) = if first_row == last_row || s.by <= s.ay {
            (xmin, xmax)
        } else {
            // The part of the edge within this row's latitudes (widened).
            let ylo = (grid.y0 + row as f64 * grid.cell_height - margin).max(s.ay);
            let yhi = (grid.y0 + (row + 1) as f64 * grid.cell_height + margin).min(s.by);
            let slope = s.inverse_slope();
            let xa = s.ax + (ylo - s.ay) * slope;
            let xb = s.ax + (yhi - s.ay) * slope;
            let (lo, hi) = (xa.min(xb).max(xmin), xa.max(xb).min(xmax));
            if lo <= hi {
                (lo, hi)
            } else {
                (xmin, xmax)
            }
        };
        let first_col = grid.col(lo - 2.0 * margin);
        let last_col = grid.col(hi + 2.0 * margin);
        for col in first_col..=last_col {
            mark(row * grid.cols + col);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::demo_communes;

    /// Cell borders are where float rounding in the point → cell mapping
    /// could bite: check the corners of every cell, and the floats next to
    /// them, against the brute force.
    #[test]
    fn points_on_grid_cell_borders_agree_with_brute_force() {
        let index = CommuneIndex::new(demo_communes());
        let grid = &index.grid;
        assert!(
            grid.cols * grid.rows > 10_000,
            "{} x {}",
            grid.cols,
            grid.rows
        );
        for row in 0..=grid.rows {
            for col in (0..=grid.cols).step_by(3) {
                let x = grid.x0 + col as f64 * grid.cell_width;
                let y = grid.y0 + row as f64 * grid.cell_height;
                for (px, py) in [
                    (x, y),
                    (x.next_down(), y),
                    (x.next_up(), y),
                    (x, y.next_down()),
                    (x, y.next_up()),
                ] {
                    assert_eq!(
                        index.locate_index(px, py),
                        brute_force_locate(index.communes(), px, py),
                        "({px}, {py})"
                    );
                }
            }
        }
    }

    #[test]
    fn band_edges_compute_the_same_crossings_as_segments() {
        let index = CommuneIndex::new(demo_communes());
        for commune in index.communes() {
            for s in segments(&commune.geometry).filter(|s| s.by > s.ay) {
                let e = BandEdge {
                    ay: s.ay,
                    by: s.by,
                    ax: s.ax,
                    inverse_slope: s.inverse_slope(),
                };
                for t in [0.0, 0.1, 0.5, 0.9] {
                    let py = s.ay + t * (s.by - s.ay);
                    let px = s.ax + (py - s.ay) * s.inverse_slope();
                    for x in [px.next_down(), px, px.next_up()] {
                        assert_eq!(e.crosses(x, py), s.crosses(x, py));
                    }
                }
            }
        }
    }

    #[test]
    fn most_cells_are_resolved_at_build_time() {
        let index = CommuneIndex::new(demo_communes());
        let stats = index.grid_stats();
        let cells = stats.cols * stats.rows;
        assert!(stats.boundary_cells * 5 < cells, "{stats:?}");
    }
}
