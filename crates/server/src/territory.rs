//! The territory loaded in memory: the commune index used to locate points, and the
//! simplified boundaries served to the map. Every server instance keeps its own copy and
//! reloads it when the stored territory revision changes (another instance or the CLI may
//! have imported new boundaries).

use std::{collections::BTreeMap, sync::Arc};

use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};
use solidarites_api_types::CommuneRef;
use solidarites_domain::{
    display::simplified_feature_collection, Commune, CommuneIndex, InseeCode,
};

use crate::{
    search::fold,
    snapshot::{Revisioned, Snapshot},
    storage,
};

/// Simplification tolerance for the boundaries sent to browsers, in degrees (~30 m).
const DISPLAY_TOLERANCE_DEG: f64 = 0.0003;

/// One immutable snapshot of the territory.
#[derive(Debug)]
pub struct LoadedTerritory {
    pub revision: i64,
    pub index: CommuneIndex,
    /// Serialised, simplified GeoJSON FeatureCollection of the communes.
    pub boundaries_geojson: Vec<u8>,
    /// Strong ETag of `boundaries_geojson` (quoted, as sent in the header).
    pub boundaries_etag: String,
    /// Postal code → indexes into `index.communes()`.
    pub by_postal_code: BTreeMap<String, Vec<usize>>,
    /// `search::fold` of each commune name, indexed like `index.communes()`: folded once
    /// per territory load, not on every autocomplete request.
    pub folded_names: Vec<String>,
}

impl LoadedTerritory {
    /// The name of the commune `code` of the territory; empty when it is not one.
    pub fn commune_name(&self, code: &str) -> String {
        InseeCode::parse(code)
            .ok()
            .and_then(|c| self.index.get(&c).map(|c| c.name.clone()))
            .unwrap_or_default()
    }

    /// A commune as the API names it, code and name.
    pub fn commune_ref(&self, code: &str) -> CommuneRef {
        CommuneRef {
            code: code.to_owned(),
            name: self.commune_name(code),
        }
    }

    pub fn new(revision: i64, communes: Vec<Commune>) -> anyhow::Result<Self> {
        let index = CommuneIndex::new(communes);
        let collection = simplified_feature_collection(index.communes(), DISPLAY_TOLERANCE_DEG);
        let boundaries_geojson = serde_json::to_vec(&collection)?;
        let digest = Sha256::digest(&boundaries_geojson);
        let boundaries_etag = format!("\"{}\"", hex::encode(&digest[..16]));
        let mut by_postal_code: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, commune) in index.communes().iter().enumerate() {
            for postal_code in &commune.postal_codes {
                by_postal_code
                    .entry(postal_code.clone())
                    .or_default()
                    .push(i);
            }
        }
        let folded_names = index.communes().iter().map(|c| fold(&c.name)).collect();
        Ok(Self {
            revision,
            index,
            boundaries_geojson,
            boundaries_etag,
            by_postal_code,
            folded_names,
        })
    }
}

impl Revisioned for LoadedTerritory {
    type Revision = i64;

    fn revision(&self) -> i64 {
        self.revision
    }
}

/// Shared handle on the current snapshot; readers never wait for a reload.
#[derive(Debug)]
pub struct TerritoryCache {
    snapshot: Snapshot<LoadedTerritory>,
}

impl TerritoryCache {
    /// Loads the stored territory.
    pub async fn load(db: &DatabaseConnection) -> anyhow::Result<Self> {
        Ok(Self {
            snapshot: Snapshot::new(load_snapshot(db).await?),
        })
    }

    pub fn current(&self) -> Arc<LoadedTerritory> {
        self.snapshot.current()
    }

    /// Reloads when the stored revision differs from ours. Returns whether it reloaded.
    pub async fn refresh(&self, db: &DatabaseConnection) -> anyhow::Result<bool> {
        let reloaded = self
            .snapshot
            .refresh(|| storage::communes::revision(db), || load_snapshot(db))
            .await?;
        if reloaded {
            let loaded = self.current();
            tracing::info!(
                revision = loaded.revision,
                communes = loaded.index.len(),
                "territory reloaded"
            );
        }
        Ok(reloaded)
    }
}

async fn load_snapshot(db: &DatabaseConnection) -> anyhow::Result<LoadedTerritory> {
    // Read the revision first: if an import lands in between, the next refresh sees a newer
    // revision and reloads again, so we never keep stale communes under a fresh revision.
    let revision = storage::communes::revision(db).await?;
    let communes = storage::communes::load_all(db).await?;
    // Building the index is CPU work: keep it off the async workers.
    tokio::task::spawn_blocking(move || LoadedTerritory::new(revision, communes)).await?
}
