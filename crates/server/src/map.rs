//! The in-memory snapshot of published initiatives behind the clusters endpoint.
//!
//! Like the territory, every server instance keeps its own copy and reloads it when the
//! stored map revision (bumped in the transaction of every publish/unpublish) differs from
//! its own, so clustering never queries the database.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, RwLock},
};

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use solidarites_domain::freshness::FreshnessPolicy;
use uuid::Uuid;

use crate::{
    snapshot::{Revisioned, Snapshot},
    storage,
};

/// Cluster cell size in screen pixels (256-pixel Web-Mercator tiles).
pub const CELL_PX: f64 = 80.0;
/// Largest zoom level accepted.
pub const MAX_ZOOM: u8 = 20;
/// Largest bbox side accepted, in pixels at the requested zoom (a few screens wide): keeps
/// the number of clusters, hence the payload, bounded.
pub const MAX_VIEW_PX: f64 = 8192.0;
/// Web-Mercator latitude limit.
const MAX_MERCATOR_LAT: f64 = 85.051_128_78;

/// One published initiative on the map.
#[derive(Debug, Clone)]
pub struct MapPoint {
    pub id: Uuid,
    pub title: String,
    pub lon: f64,
    pub lat: f64,
    /// Index into [`MapSnapshot::themes`].
    pub theme: u16,
    pub end_date: Option<NaiveDate>,
}

/// An immutable snapshot, points sorted by longitude.
#[derive(Debug, Default)]
pub struct MapSnapshot {
    pub revision: i64,
    pub points: Vec<MapPoint>,
    pub themes: Vec<String>,
    /// The clusters of every zoom level, for the day they were built for.
    index: RwLock<Option<Arc<ClusterIndex>>>,
}

/// One cluster: members' count, mean position and main-theme breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub count: u32,
    pub lon: f64,
    pub lat: f64,
    pub themes: BTreeMap<String, u32>,
    /// The only member, for a cluster of one.
    pub single: Option<(Uuid, String)>,
}

/// World pixel coordinates at `zoom` (Web-Mercator, 256·2^zoom pixels around the world).
pub fn world_px(lon: f64, lat: f64, zoom: u8) -> (f64, f64) {
    let size = 256.0 * f64::from(1u32 << zoom);
    let lat = lat.clamp(-MAX_MERCATOR_LAT, MAX_MERCATOR_LAT).to_radians();
    let x = (lon + 180.0) / 360.0 * size;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * size;
    (x, y)
}

/// Coordinates are summed in fixed point (1e-9 degree), exactly: a cluster's mean position
/// does not depend on the order its members are added in, so the precomputed cells and a
/// scan of the points give the same figures to the last bit.
const FIXED_POINT: f64 = 1e9;

/// A coordinate in fixed point (degrees are within ±180: no overflow, even summed over
/// millions of points in an `i64`).
// Rounding to the nearest 1e-9 degree is the point of the cast.
#[allow(clippy::cast_possible_truncation)]
fn fixed(degrees: f64) -> i64 {
    (degrees * FIXED_POINT).round() as i64
}

#[derive(Default)]
struct Acc {
    count: u32,
    sum_lon: i64,
    sum_lat: i64,
    themes: Vec<u32>,
    first: usize,
}

impl MapSnapshot {
    pub fn new(revision: i64, rows: Vec<storage::initiatives::MapPointRow>) -> Self {
        let mut themes: Vec<String> = Vec::new();
        let mut theme_index: HashMap<String, u16> = HashMap::new();
        let mut points: Vec<MapPoint> = rows
            .into_iter()
            .map(|r| {
                let next = u16::try_from(themes.len()).unwrap_or(u16::MAX);
                let theme = *theme_index.entry(r.main_theme.clone()).or_insert_with(|| {
                    themes.push(r.main_theme.clone());
                    next
                });
                MapPoint {
                    id: r.id,
                    title: r.title,
                    lon: r.lon,
                    lat: r.lat,
                    theme,
                    end_date: r.end_date,
                }
            })
            .collect();
        points.sort_by(|a, b| a.lon.total_cmp(&b.lon).then(a.id.cmp(&b.id)));
        let index = ClusterIndex::build(&points, crate::questionnaire::today());
        Self {
            revision,
            points,
            themes,
            index: RwLock::new(Some(Arc::new(index))),
        }
    }

    /// Grid clusters of the initiatives visible on `today` inside `bbox`
    /// (`[min_lon, min_lat, max_lon, max_lat]`, WGS 84), in [`CELL_PX`] cells at `zoom`,
    /// optionally only those whose main theme is in `themes`. Sorted by cell (row, column).
    ///
    /// Answered from the precomputed cells of [`ClusterIndex`]: the cells wholly inside the
    /// bbox are read as they are, only those on its edges look at their points.
    pub fn clusters(
        &self,
        bbox: [f64; 4],
        zoom: u8,
        today: NaiveDate,
        themes: &[String],
    ) -> Vec<Cluster> {
        self.index_for(today).clusters(self, bbox, zoom, themes)
    }

    /// Heap bytes of the cluster index currently held ([`ClusterIndex::heap_bytes`]), and
    /// of the points themselves (titles included).
    pub fn heap_bytes(&self) -> (usize, usize) {
        let index = match self.index.read() {
            Ok(guard) => guard.as_ref().map_or(0, |index| index.heap_bytes()),
            Err(poisoned) => poisoned
                .into_inner()
                .as_ref()
                .map_or(0, |index| index.heap_bytes()),
        };
        let points = self.points.capacity() * std::mem::size_of::<MapPoint>()
            + self
                .points
                .iter()
                .map(|p| p.title.capacity())
                .sum::<usize>();
        (index, points)
    }

    /// The cluster index valid on `today`: the current one, or one built now (on the first
    /// request of a day on which an initiative ended, or before the day it was built for).
    fn index_for(&self, today: NaiveDate) -> Arc<ClusterIndex> {
        let current = match self.index.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        if let Some(index) = current.filter(|index| index.valid_on(today)) {
            return index;
        }
        let built = Arc::new(ClusterIndex::build(&self.points, today));
        match self.index.write() {
            Ok(mut guard) => *guard = Some(built.clone()),
            Err(poisoned) => *poisoned.into_inner() = Some(built.clone()),
        }
        built
    }

    /// The same clusters as [`MapSnapshot::clusters`], by a scan of every point of the
    /// bbox's longitude band: the reference the index is tested against.
    pub fn clusters_by_scan(
        &self,
        bbox: [f64; 4],
        zoom: u8,
        today: NaiveDate,
        themes: &[String],
    ) -> Vec<Cluster> {
        let [min_lon, min_lat, max_lon, max_lat] = bbox;
        let wanted: Option<Vec<bool>> = (!themes.is_empty()).then(|| {
            self.themes
                .iter()
                .map(|t| themes.iter().any(|w| w == t))
                .collect()
        });
        let start = self.points.partition_point(|p| p.lon < min_lon);
        let mut cells: HashMap<(i64, i64), Acc> = HashMap::new();
        for (i, p) in self.points[start..].iter().enumerate() {
            if p.lon > max_lon {
                break;
            }
            if p.lat < min_lat || p.lat > max_lat {
                continue;
            }
            if p.end_date.is_some_and(|end| end < today) {
                continue;
            }
            if let Some(w) = &wanted {
                if !w.get(usize::from(p.theme)).copied().unwrap_or(false) {
                    continue;
                }
            }
            let (x, y) = world_px(p.lon, p.lat, zoom);
            // Truncation to a cell index is the point of the cast.
            #[allow(clippy::cast_possible_truncation)]
            let key = ((y / CELL_PX).floor() as i64, (x / CELL_PX).floor() as i64);
            let acc = cells.entry(key).or_insert_with(|| Acc {
                first: start + i,
                themes: vec![0; self.themes.len()],
                ..Acc::default()
            });
            acc.count += 1;
            acc.sum_lon += fixed(p.lon);
            acc.sum_lat += fixed(p.lat);
            if let Some(t) = acc.themes.get_mut(usize::from(p.theme)) {
                *t += 1;
            }
        }
        let mut keyed: Vec<((i64, i64), Acc)> = cells.into_iter().collect();
        keyed.sort_by_key(|(k, _)| *k);
        keyed
            .into_iter()
            .filter_map(|(_, acc)| self.cluster_of(&acc))
            .collect()
    }

    /// The cluster of an accumulator with at least one member.
    fn cluster_of(&self, acc: &Acc) -> Option<Cluster> {
        if acc.count == 0 {
            return None;
        }
        let single = (acc.count == 1)
            .then(|| self.points.get(acc.first))
            .flatten()
            .map(|p| (p.id, p.title.clone()));
        Some(Cluster {
            count: acc.count,
            lon: mean(acc.sum_lon, acc.count),
            lat: mean(acc.sum_lat, acc.count),
            themes: acc
                .themes
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .filter_map(|(t, c)| self.themes.get(t).map(|s| (s.clone(), *c)))
                .collect(),
            single,
        })
    }
}

fn mean(sum: i64, count: u32) -> f64 {
    // Fixed-point sums of coordinates stay far below 2^53 per point; the mean is exact to
    // the last bit of an f64 for any realistic count.
    #[allow(clippy::cast_precision_loss)]
    let sum = sum as f64;
    sum / FIXED_POINT / f64::from(count)
}

/// Deepest zoom level whose cells the index keeps; every coarser level's cells are unions
/// of its cells (a pixel coordinate at zoom z+1 is exactly twice that at zoom z, so cell
/// (r, c) at z+1 lies in cell (r >> 1, c >> 1) at z).
const INDEX_ZOOM: u8 = MAX_ZOOM;

/// Members of one cell whose main theme is `theme`.
#[derive(Debug, Clone, Copy)]
struct ThemeAgg {
    theme: u16,
    count: u32,
    sum_lon: i64,
    sum_lat: i64,
    /// Index (into the snapshot's points) of the first member, in longitude order: the
    /// member itself when it is the only one.
    first: u32,
}

/// One non-empty cell of one zoom level.
#[derive(Debug, Clone, Copy)]
struct Cell {
    row: u32,
    col: u32,
    /// Its members: `order[start..start + len]`.
    start: u32,
    len: u32,
    /// Its members by theme, `themes[themes_start..themes_start + themes_len]`.
    themes_start: u32,
    themes_len: u32,
}

/// Precomputed clusters of every zoom level (the approach of Mapbox's supercluster, for
/// our fixed grid): the points in Morton (Z) order of their cell at [`INDEX_ZOOM`], so that
/// every cell of every level is a contiguous run of them, and per level the non-empty cells
/// sorted by (row, column) with their counts and coordinate sums by theme. A request reads
/// the cells of each row of its bbox by binary search: cells wholly inside are taken as
/// they are, cells on an edge have their members checked against the bbox. Built for the
/// points visible on one day, valid until the next end date passes.
#[derive(Debug)]
pub struct ClusterIndex {
    built_for: NaiveDate,
    /// Last day the same points are visible (the earliest end date among them).
    valid_until: Option<NaiveDate>,
    /// Indices of the visible points, in Morton order of their deepest cell.
    order: Vec<u32>,
    /// Per zoom level 0..=INDEX_ZOOM, its cells sorted by (row, column).
    levels: Vec<Vec<Cell>>,
    themes: Vec<ThemeAgg>,
}

/// Interleaves the bits of `row` and `col` (row in the odd bits).
fn morton(row: u32, col: u32) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut x = u64::from(v);
        x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
        x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
        x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
        x = (x | (x << 2)) & 0x3333_3333_3333_3333;
        x = (x | (x << 1)) & 0x5555_5555_5555_5555;
        x
    }
    (spread(row) << 1) | spread(col)
}

/// The cell (row, column) of a point at `zoom`, as [`MapSnapshot::clusters_by_scan`] finds it.
// Truncation to a cell index is the point of the casts; pixel coordinates are ≥ 0.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn cell_of(lon: f64, lat: f64, zoom: u8) -> (u32, u32) {
    let (x, y) = world_px(lon, lat, zoom);
    ((y / CELL_PX).floor() as u32, (x / CELL_PX).floor() as u32)
}

/// Per theme, the count, the sums of coordinates and the first member of a cell's
/// members (`(key, row, col, index into points)`), by theme.
fn theme_aggregates(points: &[MapPoint], members: &[(u64, u32, u32, u32)]) -> Vec<ThemeAgg> {
    let mut by_theme: Vec<ThemeAgg> = Vec::new();
    for &(_, _, _, i) in members {
        let Some(p) = points.get(i as usize) else {
            continue;
        };
        match by_theme.iter_mut().find(|t| t.theme == p.theme) {
            Some(agg) => {
                agg.count += 1;
                agg.sum_lon += fixed(p.lon);
                agg.sum_lat += fixed(p.lat);
                agg.first = agg.first.min(i);
            }
            None => by_theme.push(ThemeAgg {
                theme: p.theme,
                count: 1,
                sum_lon: fixed(p.lon),
                sum_lat: fixed(p.lat),
                first: i,
            }),
        }
    }
    by_theme.sort_unstable_by_key(|t| t.theme);
    by_theme
}

impl ClusterIndex {
    /// The index of the points of `points` (sorted by longitude) visible on `day`.
    pub fn build(points: &[MapPoint], day: NaiveDate) -> Self {
        let mut keyed: Vec<(u64, u32, u32, u32)> = points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.end_date.is_none_or(|end| end >= day))
            .map(|(i, p)| {
                let (row, col) = cell_of(p.lon, p.lat, INDEX_ZOOM);
                (
                    morton(row, col),
                    row,
                    col,
                    u32::try_from(i).unwrap_or(u32::MAX),
                )
            })
            .collect();
        // Within a cell, members stay in longitude order (the scan's order).
        keyed.sort_unstable_by_key(|&(key, _, _, i)| (key, i));
        let valid_until = keyed
            .iter()
            .filter_map(|&(_, _, _, i)| points.get(i as usize).and_then(|p| p.end_date))
            .min();
        let order: Vec<u32> = keyed.iter().map(|&(_, _, _, i)| i).collect();
        let mut themes = Vec::new();
        let mut levels = Vec::with_capacity(usize::from(INDEX_ZOOM) + 1);
        for zoom in 0..=INDEX_ZOOM {
            let shift = u32::from(INDEX_ZOOM - zoom);
            let mut cells = Vec::new();
            let mut start = 0;
            while start < keyed.len() {
                let prefix = keyed[start].0 >> (2 * shift);
                let mut end = start + 1;
                while end < keyed.len() && keyed[end].0 >> (2 * shift) == prefix {
                    end += 1;
                }
                let themes_start = themes.len();
                if end - start > 1 {
                    themes.extend(theme_aggregates(points, &keyed[start..end]));
                }
                let (_, row, col, _) = keyed[start];
                cells.push(Cell {
                    row: row >> shift,
                    col: col >> shift,
                    start: u32::try_from(start).unwrap_or(u32::MAX),
                    len: u32::try_from(end - start).unwrap_or(u32::MAX),
                    themes_start: u32::try_from(themes_start).unwrap_or(u32::MAX),
                    themes_len: u32::try_from(themes.len() - themes_start).unwrap_or(u32::MAX),
                });
                start = end;
            }
            cells.sort_unstable_by_key(|c| (c.row, c.col));
            levels.push(cells);
        }
        Self {
            built_for: day,
            valid_until,
            order,
            levels,
            themes,
        }
    }

    /// Bytes the index holds on the heap (its vectors' capacities): the hierarchy's own
    /// memory, beside the snapshot's points.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.order.capacity() * size_of::<u32>()
            + self.levels.capacity() * size_of::<Vec<Cell>>()
            + self
                .levels
                .iter()
                .map(|level| level.capacity() * size_of::<Cell>())
                .sum::<usize>()
            + self.themes.capacity() * size_of::<ThemeAgg>()
    }

    /// Whether the points visible on `day` are those this index was built with.
    fn valid_on(&self, day: NaiveDate) -> bool {
        day >= self.built_for && self.valid_until.is_none_or(|until| day <= until)
    }

    fn clusters(
        &self,
        snapshot: &MapSnapshot,
        bbox: [f64; 4],
        zoom: u8,
        themes: &[String],
    ) -> Vec<Cluster> {
        let [min_lon, min_lat, max_lon, max_lat] = bbox;
        let Some(cells) = self.levels.get(usize::from(zoom)) else {
            return Vec::new();
        };
        if !(min_lon <= max_lon && min_lat <= max_lat) {
            return Vec::new();
        }
        let wanted: Option<Vec<bool>> = (!themes.is_empty()).then(|| {
            snapshot
                .themes
                .iter()
                .map(|t| themes.iter().any(|w| w == t))
                .collect()
        });
        let query = Query {
            snapshot,
            bbox,
            wanted: wanted.as_deref(),
        };
        let (top, left, bottom, right) = query.cells_at(zoom);
        let mut out = Vec::new();
        for row in top..=bottom {
            let from = cells.partition_point(|c| (c.row, c.col) < (row, left));
            for cell in cells[from..]
                .iter()
                .take_while(|c| c.row == row && c.col <= right)
            {
                let edge = row == top || row == bottom || cell.col == left || cell.col == right;
                let mut acc = query.empty();
                if edge {
                    self.add_edge(&query, zoom, cell, &mut acc);
                } else {
                    self.add_inside(&query, cell, &mut acc);
                }
                if let Some(cluster) = snapshot.cluster_of(&acc) {
                    out.push(cluster);
                }
            }
        }
        out
    }

    /// Adds the members of `cell` (a cell of level `zoom` across the bbox's edge) that
    /// lie inside the bbox: its children wholly inside from their sums, those across the
    /// edge by recursion, and a small cell (or one of the deepest level) point by point.
    /// The work follows the edge's length, not the number of points in edge cells.
    fn add_edge(&self, query: &Query<'_>, zoom: u8, cell: &Cell, acc: &mut Acc) {
        let child_zoom = zoom + 1;
        let children = match self.levels.get(usize::from(child_zoom)) {
            Some(children) if cell.len > SCAN_UP_TO && zoom < INDEX_ZOOM => children,
            _ => return self.scan_into(query, cell, acc),
        };
        let (top, left, bottom, right) = query.cells_at(child_zoom);
        for row in [cell.row * 2, cell.row * 2 + 1] {
            // A row above the bbox's first row lies wholly north of it, and so on: the
            // cell of a point is monotonic in its coordinates.
            if row < top || row > bottom {
                continue;
            }
            let from = children.partition_point(|c| (c.row, c.col) < (row, cell.col * 2));
            for child in children[from..]
                .iter()
                .take_while(|c| c.row == row && c.col <= cell.col * 2 + 1)
            {
                if child.col < left || child.col > right {
                    continue;
                }
                let inside = row > top && row < bottom && child.col > left && child.col < right;
                if inside {
                    self.add_inside(query, child, acc);
                } else {
                    self.add_edge(query, child_zoom, child, acc);
                }
            }
        }
    }

    /// Adds the members of a cell wholly inside the bbox: from its sums by theme, or
    /// point by point for a cell of one member (which has none).
    fn add_inside(&self, query: &Query<'_>, cell: &Cell, acc: &mut Acc) {
        if cell.themes_len == 0 {
            return self.scan_into(query, cell, acc);
        }
        let start = cell.themes_start as usize;
        let Some(by_theme) = self.themes.get(start..start + cell.themes_len as usize) else {
            return;
        };
        for agg in by_theme.iter().filter(|agg| query.theme_wanted(agg.theme)) {
            acc.count += agg.count;
            acc.sum_lon += agg.sum_lon;
            acc.sum_lat += agg.sum_lat;
            acc.first = acc.first.min(agg.first as usize);
            if let Some(t) = acc.themes.get_mut(usize::from(agg.theme)) {
                *t += agg.count;
            }
        }
    }

    /// Adds a cell's members inside the bbox with a wanted theme, one by one.
    fn scan_into(&self, query: &Query<'_>, cell: &Cell, acc: &mut Acc) {
        let [min_lon, min_lat, max_lon, max_lat] = query.bbox;
        let start = cell.start as usize;
        let Some(members) = self.order.get(start..start + cell.len as usize) else {
            return;
        };
        for &i in members {
            let Some(p) = query.snapshot.points.get(i as usize) else {
                continue;
            };
            if p.lon < min_lon || p.lon > max_lon || p.lat < min_lat || p.lat > max_lat {
                continue;
            }
            if !query.theme_wanted(p.theme) {
                continue;
            }
            acc.count += 1;
            acc.sum_lon += fixed(p.lon);
            acc.sum_lat += fixed(p.lat);
            acc.first = acc.first.min(i as usize);
            if let Some(t) = acc.themes.get_mut(usize::from(p.theme)) {
                *t += 1;
            }
        }
    }
}

/// Edge cells with at most this many members are checked point by point rather than
/// through their children.
const SCAN_UP_TO: u32 = 48;

/// One clusters request against the index.
struct Query<'a> {
    snapshot: &'a MapSnapshot,
    bbox: [f64; 4],
    /// By theme index, whether it is wanted; `None`: every theme.
    wanted: Option<&'a [bool]>,
}

impl Query<'_> {
    fn theme_wanted(&self, theme: u16) -> bool {
        self.wanted
            .is_none_or(|w| w.get(usize::from(theme)).copied().unwrap_or(false))
    }

    /// The bbox's first and last rows and columns of cells at `zoom`
    /// (`(top, left, bottom, right)`; north is the smaller row).
    fn cells_at(&self, zoom: u8) -> (u32, u32, u32, u32) {
        let [min_lon, min_lat, max_lon, max_lat] = self.bbox;
        let (top, left) = cell_of(min_lon, max_lat, zoom);
        let (bottom, right) = cell_of(max_lon, min_lat, zoom);
        (top, left, bottom, right)
    }

    /// An accumulator with no member yet.
    fn empty(&self) -> Acc {
        Acc {
            themes: vec![0; self.snapshot.themes.len()],
            first: usize::MAX,
            ..Acc::default()
        }
    }
}

impl Revisioned for MapSnapshot {
    type Revision = i64;

    fn revision(&self) -> i64 {
        self.revision
    }
}

/// Shared handle on the current snapshot; readers never wait for a reload.
#[derive(Debug)]
pub struct MapCache {
    snapshot: Snapshot<MapSnapshot>,
    /// Listings not confirmed for the policy's periods drop out of the map like ended ones.
    policy: FreshnessPolicy,
}

impl MapCache {
    pub async fn load(db: &DatabaseConnection, policy: FreshnessPolicy) -> anyhow::Result<Self> {
        Ok(Self {
            snapshot: Snapshot::new(load_snapshot(db, policy).await?),
            policy,
        })
    }

    pub fn current(&self) -> Arc<MapSnapshot> {
        self.snapshot.current()
    }

    /// Reloads when the stored revision differs from ours. Returns whether it reloaded.
    ///
    /// One indexed read of the revision row when nothing changed; a request may call it
    /// before answering from the snapshot, so that every instance answers with what is
    /// stored (see `get_initiative_clusters`).
    pub async fn refresh(&self, db: &DatabaseConnection) -> anyhow::Result<bool> {
        let reloaded = self
            .snapshot
            .refresh(
                || async move {
                    storage::initiatives::map_revision(db)
                        .await
                        .map_err(anyhow::Error::from)
                },
                || load_snapshot(db, self.policy),
            )
            .await?;
        if reloaded {
            let loaded = self.current();
            let (index_bytes, points_bytes) = loaded.heap_bytes();
            tracing::info!(
                revision = loaded.revision,
                initiatives = loaded.points.len(),
                index_bytes,
                points_bytes,
                "map snapshot reloaded"
            );
        }
        Ok(reloaded)
    }
}

async fn load_snapshot(
    db: &DatabaseConnection,
    policy: FreshnessPolicy,
) -> anyhow::Result<MapSnapshot> {
    // Revision first: a publish landing in between makes the next refresh reload again.
    let revision = storage::initiatives::map_revision(db).await?;
    let mut rows = storage::initiatives::published_points(db).await?;
    for row in &mut rows {
        // A listing not confirmed in time leaves the map on the day it is hidden, like an
        // ended one: the cluster index is rebuilt on the first request of a day on which
        // a point's last day has passed (`ClusterIndex::valid_on`), and every confirmation
        // bumps the revision, so no background job is needed for the map to follow.
        let last_public = row.last_confirmed_at.map_or(NaiveDate::MIN, |at| {
            policy.last_public_day(solidarites_domain::time::today_in_paris(at))
        });
        row.end_date = Some(row.end_date.map_or(last_public, |end| end.min(last_public)));
    }
    Ok(tokio::task::spawn_blocking(move || MapSnapshot::new(revision, rows)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(lon: f64, lat: f64, theme: &str) -> storage::initiatives::MapPointRow {
        storage::initiatives::MapPointRow {
            id: Uuid::new_v4(),
            title: "t".to_owned(),
            lon,
            lat,
            main_theme: theme.to_owned(),
            end_date: None,
            last_confirmed_at: None,
        }
    }

    #[test]
    fn world_pixels_follow_web_mercator() {
        assert_eq!(world_px(-180.0, 0.0, 0), (0.0, 128.0));
        let (x, y) = world_px(0.0, 0.0, 1);
        assert!((x - 256.0).abs() < 1e-9 && (y - 256.0).abs() < 1e-9);
    }

    #[test]
    fn cluster_counts_and_theme_breakdowns_add_up() {
        let snapshot = MapSnapshot::new(
            1,
            vec![
                row(-0.5, 43.9, "logement"),
                row(-0.5001, 43.9001, "sante"),
                row(-1.0, 44.2, "sante"),
                row(5.0, 45.0, "sante"),
            ],
        );
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let clusters = snapshot.clusters([-2.0, 43.0, 1.0, 45.0], 8, today, &[]);
        assert_eq!(clusters.iter().map(|c| c.count).sum::<u32>(), 3);
        for c in &clusters {
            assert_eq!(c.themes.values().sum::<u32>(), c.count);
            assert_eq!(c.single.is_some(), c.count == 1);
        }
        let only_sante =
            snapshot.clusters([-2.0, 43.0, 1.0, 45.0], 8, today, &["sante".to_owned()]);
        assert_eq!(only_sante.iter().map(|c| c.count).sum::<u32>(), 2);
    }

    fn point(i: usize, lon: f64, lat: f64, theme: u16, end: Option<u32>) -> MapPoint {
        MapPoint {
            id: Uuid::from_u128(i as u128),
            title: format!("p{i}"),
            lon,
            lat,
            theme,
            end_date: end.map(|d| {
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(d))
            }),
        }
    }

    fn snapshot_of(points: Vec<MapPoint>) -> MapSnapshot {
        let mut points = points;
        points.sort_by(|a, b| a.lon.total_cmp(&b.lon).then(a.id.cmp(&b.id)));
        MapSnapshot {
            revision: 1,
            points,
            themes: ["a", "b", "c", "d"].map(str::to_owned).to_vec(),
            index: RwLock::new(None),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

        /// The precomputed cells give exactly what a scan of the points gives, for any
        /// bbox, zoom, theme filter and day (edge cells, ties on a cell border, points
        /// stacked on one spot, ended initiatives).
        #[test]
        fn the_index_answers_exactly_as_a_scan_of_the_points(
            raw in proptest::collection::vec(
                (-1.6f64..0.3, 43.3f64..44.7, 0u16..4, proptest::option::weighted(0.2, 0u32..20), 0u8..4),
                0..250,
            ),
            corner in (-1.7f64..0.4, 43.2f64..44.8),
            size in (0.0001f64..2.0, 0.0001f64..1.6),
            zoom in 0u8..=20,
            filter in proptest::collection::vec(proptest::bool::ANY, 4),
            day in 0u32..25,
        ) {
            // Some points stacked on the previous one's spot.
            let mut points = Vec::new();
            for (i, (lon, lat, theme, end, stack)) in raw.into_iter().enumerate() {
                let (lon, lat) = match (stack, points.last()) {
                    (0, Some(prev)) => {
                        let prev: &MapPoint = prev;
                        (prev.lon, prev.lat)
                    }
                    _ => (lon, lat),
                };
                points.push(point(i, lon, lat, theme, end));
            }
            let snapshot = snapshot_of(points);
            let bbox = [corner.0, corner.1, corner.0 + size.0, corner.1 + size.1];
            let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(day));
            let themes: Vec<String> = ["a", "b", "c", "d"]
                .iter()
                .zip(&filter)
                .filter(|(_, on)| **on)
                .map(|(t, _)| (*t).to_owned())
                .collect();
            let themes = if themes.len() == 4 { Vec::new() } else { themes };
            let indexed = snapshot.clusters(bbox, zoom, today, &themes);
            let scanned = snapshot.clusters_by_scan(bbox, zoom, today, &themes);
            proptest::prop_assert_eq!(indexed, scanned);
        }
    }

    #[test]
    fn the_index_follows_the_day_as_initiatives_end() {
        let snapshot = snapshot_of(vec![
            point(1, -0.5, 43.9, 0, Some(3)),
            point(2, -0.5, 43.9, 1, None),
        ]);
        let bbox = [-1.0, 43.0, 0.0, 44.5];
        let day = |d: u64| NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(d);
        assert_eq!(snapshot.clusters(bbox, 8, day(0), &[])[0].count, 2);
        assert_eq!(snapshot.clusters(bbox, 8, day(3), &[])[0].count, 2);
        assert_eq!(snapshot.clusters(bbox, 8, day(4), &[])[0].count, 1);
        // Back to a day before: rebuilt for it, not served from the later index.
        assert_eq!(snapshot.clusters(bbox, 8, day(1), &[])[0].count, 2);
    }
}
