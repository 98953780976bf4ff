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
use uuid::Uuid;

use crate::storage;

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

#[derive(Default)]
struct Acc {
    count: u32,
    sum_lon: f64,
    sum_lat: f64,
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
        Self {
            revision,
            points,
            themes,
        }
    }

    /// Grid clusters of the initiatives visible on `today` inside `bbox`
    /// (`[min_lon, min_lat, max_lon, max_lat]`, WGS 84), in [`CELL_PX`] cells at `zoom`,
    /// optionally only those whose main theme is in `themes`. Sorted by cell (row, column).
    pub fn clusters(
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
            acc.sum_lon += p.lon;
            acc.sum_lat += p.lat;
            if let Some(t) = acc.themes.get_mut(usize::from(p.theme)) {
                *t += 1;
            }
        }
        let mut keyed: Vec<((i64, i64), Acc)> = cells.into_iter().collect();
        keyed.sort_by_key(|(k, _)| *k);
        keyed
            .into_iter()
            .map(|(_, acc)| {
                let n = f64::from(acc.count);
                let single = (acc.count == 1)
                    .then(|| self.points.get(acc.first))
                    .flatten()
                    .map(|p| (p.id, p.title.clone()));
                Cluster {
                    count: acc.count,
                    lon: acc.sum_lon / n,
                    lat: acc.sum_lat / n,
                    themes: acc
                        .themes
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| **c > 0)
                        .filter_map(|(t, c)| self.themes.get(t).map(|s| (s.clone(), *c)))
                        .collect(),
                    single,
                }
            })
            .collect()
    }
}

/// Shared handle on the current snapshot; readers never wait for a reload.
#[derive(Debug)]
pub struct MapCache {
    current: RwLock<Arc<MapSnapshot>>,
    /// Held while a reload runs, so that requests seeing a new revision together load
    /// the points once.
    reloading: tokio::sync::Mutex<()>,
}

impl MapCache {
    pub async fn load(db: &DatabaseConnection) -> anyhow::Result<Self> {
        Ok(Self {
            current: RwLock::new(Arc::new(load_snapshot(db).await?)),
            reloading: tokio::sync::Mutex::new(()),
        })
    }

    pub fn current(&self) -> Arc<MapSnapshot> {
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reloads when the stored revision differs from ours. Returns whether it reloaded.
    ///
    /// One indexed read of the revision row when nothing changed; a request may call it
    /// before answering from the snapshot, so that every instance answers with what is
    /// stored (see `get_initiative_clusters`).
    pub async fn refresh(&self, db: &DatabaseConnection) -> anyhow::Result<bool> {
        let stored = storage::initiatives::map_revision(db).await?;
        if stored == self.current().revision {
            return Ok(false);
        }
        let _reloading = self.reloading.lock().await;
        // Another request may have reloaded while this one waited.
        if storage::initiatives::map_revision(db).await? == self.current().revision {
            return Ok(false);
        }
        let loaded = Arc::new(load_snapshot(db).await?);
        tracing::info!(
            revision = loaded.revision,
            initiatives = loaded.points.len(),
            "map snapshot reloaded"
        );
        match self.current.write() {
            Ok(mut guard) => *guard = loaded,
            Err(poisoned) => *poisoned.into_inner() = loaded,
        }
        Ok(true)
    }
}

async fn load_snapshot(db: &DatabaseConnection) -> anyhow::Result<MapSnapshot> {
    // Revision first: a publish landing in between makes the next refresh reload again.
    let revision = storage::initiatives::map_revision(db).await?;
    let rows = storage::initiatives::published_points(db).await?;
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
}
