//! Results by commune, kept up to date in memory.
//!
//! Each server instance holds, per campaign, the compact [`Dataset`] of every answer it has
//! seen and the arrival number (`responses.seq`) of the last one. A results request first
//! reads the answers stored after that number (one indexed query, usually empty) and
//! appends them, so answers sent to any instance are picked up; then the dataset is
//! aggregated at every level at once and protected by statistical secrecy
//! ([`protect_levels`]). The first request after start-up, or after the territory was
//! re-imported, rebuilds the dataset ([`rebuild`]): from the stored checkpoints (full
//! chunks of encoded rows, table `results_checkpoints`, see [`Checkpoints`]) and then from
//! the JSON of the answers stored after the last one; without checkpoints, from the JSON
//! of every stored answer (the "full recomputation"). The answers' JSON stays the source
//! of truth: each instance writes a chunk once its dataset has filled it.
//! Protected tables are kept for the last few (campaign, filter) pairs: a request is
//! answered from them at once while a background task brings them up to date with the
//! answers that arrived since (stale-while-revalidate, see [`ResultsCache::protected`]).
//!
//! Every view is protected by [`protect_view`]: the unfiltered view exact, a filtered view
//! perturbed by cell keys. Each answer's record key is HMAC-SHA-256 of its response id
//! under the installation's secret (table `results_key`, written once), so a view gives
//! the same figures on every request and every instance, and nobody without the secret
//! can compute the noise.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
};

use anyhow::Context;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use sha2::{Digest, Sha256};
use solidarites_domain::{
    results::{
        gaps::{GapTerritory, Offer},
        protect_view,
        zones::ZoneAssignment,
        Channel, Dataset, Filter, ResultsSchema, SecretTable, ZoneLevel, ZoneMapping,
    },
    FieldErrors, InseeCode, LonLat, QuestionnaireDefinition,
};
use tokio::sync::RwLock;

use crate::{
    snapshot::{Revisioned, Snapshot, Tagged},
    storage,
    territory::LoadedTerritory,
};

/// Answers read from the database at a time when (re)building a dataset.
const REBUILD_PAGE: u64 = 20_000;
/// Rows per stored checkpoint chunk unless configured (`--results-checkpoint-rows`): a
/// restart parses the JSON of fewer answers than this (about 1 MB a chunk).
pub const DEFAULT_CHECKPOINT_ROWS: usize = 32_768;
/// Checkpoint chunks read from the database at a time.
const CHUNKS_PER_READ: u64 = 8;
/// (campaign, filter) pairs whose protected tables are kept.
const MAX_CACHED_TABLES: usize = 32;

/// What went wrong computing results.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    /// The filter does not fit the campaign's questionnaire: French messages by field.
    #[error("invalid filter")]
    Filter(FieldErrors),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sea_orm::DbErr> for ResultsError {
    fn from(err: sea_orm::DbErr) -> Self {
        ResultsError::Internal(err.into())
    }
}

/// One campaign's answers in memory.
#[derive(Debug)]
pub struct CampaignData {
    pub campaign_id: String,
    /// The territory the commune positions refer to.
    pub territory_revision: i64,
    pub definition: QuestionnaireDefinition,
    pub dataset: Dataset,
    /// Arrival number of the last answer in `dataset`.
    pub last_seq: i64,
    /// Derives each answer's record key (never published).
    keys: RecordKeys,
    /// Rows whose commune code is not in the territory, with the code, by row: checkpoints
    /// keep codes, so that a re-imported territory can place them.
    outside: Vec<(usize, String)>,
    checkpoints: Checkpoints,
}

/// The stored chunks of a campaign's dataset rows (`storage::results_checkpoints`): chunk
/// `n` is rows `n × rows .. (n + 1) × rows`, encoded by [`Dataset::encode_rows`].
#[derive(Debug)]
pub struct Checkpoints {
    /// Rows per chunk; 0: checkpoints are neither read nor written.
    rows: usize,
    /// Fingerprint of the questionnaire version, the dataset's layout and the record-key
    /// secret: chunks of another layout are not read.
    layout: i64,
    /// Arrival number of the last answer of each full chunk of the dataset.
    ends: Vec<i64>,
    /// Chunks known to be stored (read on start, or written since).
    stored: Arc<AtomicUsize>,
    /// Whether chunks are being written.
    writing: Arc<AtomicBool>,
}

/// Record keys of answers: the first 32 bits of HMAC-SHA-256(secret, response id).
#[derive(Clone)]
pub struct RecordKeys {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for RecordKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKeys(..)")
    }
}

impl RecordKeys {
    /// Keys under the installation's secret, stored on first use.
    pub async fn load(db: &impl ConnectionTrait) -> anyhow::Result<RecordKeys> {
        let mut fresh = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut fresh);
        let secret = storage::answers::record_key_secret(db, &hex::encode(fresh)).await?;
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
            .context("record key secret")?;
        Ok(RecordKeys { mac })
    }

    /// The record key of the answer `response_id`.
    pub fn key(&self, response_id: &str) -> u32 {
        let mut mac = self.mac.clone();
        mac.update(response_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]])
    }
}

/// The zone levels imported, as mappings over the current territory.
#[derive(Debug, Clone)]
pub struct ZoneSnapshot {
    territory_revision: i64,
    /// (level, imported at) of every imported level: changes when zones are re-imported.
    stamp: Vec<(String, DateTime<Utc>)>,
    pub mappings: Vec<ZoneMapping>,
}

impl Default for ZoneSnapshot {
    /// Nothing loaded yet: a revision no territory has.
    fn default() -> Self {
        Self {
            territory_revision: i64::MIN,
            stamp: Vec::new(),
            mappings: Vec::new(),
        }
    }
}

impl Revisioned for ZoneSnapshot {
    type Revision = (i64, Vec<(String, DateTime<Utc>)>);

    fn revision(&self) -> Self::Revision {
        (self.territory_revision, self.stamp.clone())
    }
}

/// Every level of one (campaign, filter), protected together.
#[derive(Debug)]
pub struct ProtectedResults {
    /// Commune table, one table per zone level (in [`ZoneSnapshot::mappings`] order), then
    /// the territory table.
    pub tables: Vec<SecretTable>,
    /// Answers included.
    pub answers: usize,
}

impl ProtectedResults {
    /// The table of `level` (`commune`, `territory` or a zone level), if computed.
    pub fn level(&self, level: &str) -> Option<&SecretTable> {
        self.tables.iter().find(|t| t.level == level)
    }
}

/// Stamp of cached protected tables: they hold while none of these change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TablesStamp {
    territory_revision: i64,
    last_seq: i64,
    zones: Vec<(String, DateTime<Utc>)>,
    k: u32,
}

type TablesKey = (String, String);

/// Published, not ended initiatives as offers, per (map revision, day); `None` before the
/// first load.
type OfferSnapshot = Tagged<Option<(i64, chrono::NaiveDate)>, Arc<Vec<Offer>>>;

/// Representative points of the communes, per territory revision; `None` before the first
/// load.
type GapSnapshot = Tagged<Option<i64>, Arc<GapTerritory>>;

/// Per-instance results state (in [`crate::state::AppState`]).
#[derive(Debug)]
pub struct ResultsCache {
    campaigns: Mutex<HashMap<String, Arc<RwLock<Option<CampaignData>>>>>,
    zones: Snapshot<ZoneSnapshot>,
    tables: Mutex<HashMap<TablesKey, (TablesStamp, Arc<ProtectedResults>)>>,
    /// Keys whose tables are being refreshed in the background.
    refreshing: Mutex<std::collections::HashSet<TablesKey>>,
    gap_territory: Snapshot<GapSnapshot>,
    offers: Snapshot<OfferSnapshot>,
    /// Rows per checkpoint chunk (0: rebuild from the JSON only, write no checkpoint).
    checkpoint_rows: usize,
}

impl Default for ResultsCache {
    fn default() -> Self {
        Self {
            checkpoint_rows: DEFAULT_CHECKPOINT_ROWS,
            campaigns: Mutex::default(),
            zones: Snapshot::default(),
            tables: Mutex::default(),
            refreshing: Mutex::default(),
            gap_territory: Snapshot::new(Tagged {
                revision: None,
                value: Arc::new(GapTerritory::new(&[])),
            }),
            offers: Snapshot::new(Tagged {
                revision: None,
                value: Arc::new(Vec::new()),
            }),
        }
    }
}

impl ResultsCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// A cache whose datasets are checkpointed in chunks of `rows` rows (0: never; every
    /// start rebuilds from the answers' JSON).
    pub fn with_checkpoint_rows(rows: usize) -> Self {
        Self {
            checkpoint_rows: rows,
            ..Self::default()
        }
    }

    fn entry(&self, campaign_id: &str) -> Arc<RwLock<Option<CampaignData>>> {
        let mut campaigns = self
            .campaigns
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        campaigns.entry(campaign_id.to_owned()).or_default().clone()
    }

    /// The campaign's dataset, brought up to date with the stored answers: rebuilt from
    /// every answer on first use or when the territory changed, else extended with the
    /// answers stored since it was last read.
    pub async fn campaign_data(
        &self,
        db: &DatabaseConnection,
        territory: &LoadedTerritory,
        campaign: &storage::Campaign,
    ) -> Result<tokio::sync::OwnedRwLockReadGuard<Option<CampaignData>>, ResultsError> {
        let entry = self.entry(&campaign.id);
        let (stale, last_seq) = {
            let guard = entry.read().await;
            match guard.as_ref() {
                Some(data) if data.territory_revision == territory.revision => {
                    (false, data.last_seq)
                }
                _ => (true, 0),
            }
        };
        if stale {
            let mut guard = entry.clone().write_owned().await;
            // Another request may have rebuilt it meanwhile.
            let still_stale = guard
                .as_ref()
                .is_none_or(|d| d.territory_revision != territory.revision);
            if still_stale {
                let data = rebuild(db, territory, campaign, self.checkpoint_rows).await?;
                data.write_checkpoints(db, territory);
                *guard = Some(data);
            }
            return Ok(guard.downgrade());
        }
        let newer = storage::answers::after_seq(db, &campaign.id, last_seq, REBUILD_PAGE).await?;
        if !newer.is_empty() {
            let mut guard = entry.clone().write_owned().await;
            if let Some(data) = guard.as_mut() {
                let positions = commune_positions(territory);
                for row in &newer {
                    if row.seq > data.last_seq {
                        data.push_answer(&positions, row)?;
                    }
                }
                if newer.len() as u64 == REBUILD_PAGE {
                    data.append_json(db, &positions).await?;
                }
                data.write_checkpoints(db, territory);
            }
            return Ok(guard.downgrade());
        }
        Ok(entry.read_owned().await)
    }

    /// The imported zone levels as mappings over `territory`, reloaded when a level was
    /// re-imported or the territory changed.
    pub async fn zones(
        &self,
        db: &impl ConnectionTrait,
        territory: &LoadedTerritory,
    ) -> Result<Arc<ZoneSnapshot>, ResultsError> {
        let stamp: Vec<(String, DateTime<Utc>)> = storage::zones::levels(db)
            .await?
            .into_iter()
            .map(|l| (l.level, l.imported_at))
            .collect();
        let revision = (territory.revision, stamp);
        self.zones
            .at(&revision, || load_zones(db, territory, revision.1.clone()))
            .await
    }

    /// Every level of the campaign under `filter`, protected with threshold `k`.
    ///
    /// When tables were already computed for this (campaign, filter) on the same
    /// territory, zones and `k`, they are returned at once and brought up to date in the
    /// background (stale-while-revalidate): a request never waits for a pass over every
    /// answer, and results lag the newest answers by one recomputation at most. The first
    /// request for a filter computes synchronously.
    pub async fn protected(
        self: &Arc<Self>,
        db: &DatabaseConnection,
        territory: Arc<LoadedTerritory>,
        campaign: &storage::Campaign,
        filter: Filter,
        k: u32,
    ) -> Result<Arc<ProtectedResults>, ResultsError> {
        let zones = self.zones(db, &territory).await?;
        let key = (
            campaign.id.clone(),
            serde_json::to_string(&filter).context("filter as JSON")?,
        );
        let cached = self
            .tables
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
            .filter(|(stamp, _)| {
                stamp.territory_revision == territory.revision
                    && stamp.zones == zones.stamp
                    && stamp.k == k
            })
            .map(|(_, tables)| tables.clone());
        if let Some(tables) = cached {
            self.refresh_in_background(
                key,
                db.clone(),
                territory,
                zones,
                campaign.clone(),
                filter,
                k,
            );
            return Ok(tables);
        }
        self.compute(key, db, territory, zones, campaign, filter, k)
            .await
    }

    /// Reads the answers stored since the last pass, then aggregates and protects every
    /// level unless nothing changed.
    #[allow(clippy::too_many_arguments)]
    async fn compute(
        &self,
        key: TablesKey,
        db: &DatabaseConnection,
        territory: Arc<LoadedTerritory>,
        zones: Arc<ZoneSnapshot>,
        campaign: &storage::Campaign,
        filter: Filter,
        k: u32,
    ) -> Result<Arc<ProtectedResults>, ResultsError> {
        let data = self.campaign_data(db, &territory, campaign).await?;
        let Some(current) = data.as_ref() else {
            return Err(anyhow::anyhow!("campaign dataset missing after a build").into());
        };
        filter
            .validate(current.dataset.schema())
            .map_err(ResultsError::Filter)?;
        let stamp = TablesStamp {
            territory_revision: territory.revision,
            last_seq: current.last_seq,
            zones: zones.stamp.clone(),
            k,
        };
        if let Some((cached_stamp, tables)) = self
            .tables
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
        {
            if *cached_stamp == stamp {
                return Ok(tables.clone());
            }
        }
        // The pass over the rows uses every core: off the async workers.
        let computed = tokio::task::spawn_blocking(move || {
            let Some(current) = data.as_ref() else {
                return Err(ResultsError::Internal(anyhow::anyhow!(
                    "campaign dataset missing"
                )));
            };
            let mapping_refs: Vec<&ZoneMapping> = zones.mappings.iter().collect();
            let tables = protect_view(
                &current.dataset,
                territory.index.communes(),
                &mapping_refs,
                &filter,
                k,
            )
            .map_err(ResultsError::Filter)?;
            Ok(ProtectedResults {
                tables,
                answers: current.dataset.len(),
            })
        })
        .await
        .context("results computation panicked")??;
        let computed = Arc::new(computed);
        let mut cache = self
            .tables
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.len() >= MAX_CACHED_TABLES {
            cache.clear();
        }
        cache.insert(key, (stamp, computed.clone()));
        Ok(computed)
    }

    /// Runs [`compute`](Self::compute) for `key` on a task of its own, unless one is
    /// already running for it.
    #[allow(clippy::too_many_arguments)]
    fn refresh_in_background(
        self: &Arc<Self>,
        key: TablesKey,
        db: DatabaseConnection,
        territory: Arc<LoadedTerritory>,
        zones: Arc<ZoneSnapshot>,
        campaign: storage::Campaign,
        filter: Filter,
        k: u32,
    ) {
        if !self
            .refreshing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key.clone())
        {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let outcome = this
                .compute(key.clone(), &db, territory, zones, &campaign, filter, k)
                .await;
            if let Err(err) = outcome {
                tracing::warn!(error = ?err, "background results refresh failed");
            }
            this.refreshing
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&key);
        });
    }

    /// Representative points of the communes, per territory revision.
    pub async fn gap_territory(&self, territory: &LoadedTerritory) -> Arc<GapTerritory> {
        let revision = Some(territory.revision);
        let loaded = self
            .gap_territory
            .at(&revision, || async move {
                Ok::<_, std::convert::Infallible>(Tagged {
                    revision,
                    value: Arc::new(GapTerritory::new(territory.index.communes())),
                })
            })
            .await;
        match loaded {
            Ok(snapshot) => snapshot.value.clone(),
            Err(never) => match never {},
        }
    }

    /// Published, not ended initiatives as offers (one per theme of each), reloaded when
    /// the map revision or the day changes.
    pub async fn offers(
        &self,
        db: &DatabaseConnection,
        day: storage::freshness::PublicDay,
    ) -> Result<Arc<Vec<Offer>>, ResultsError> {
        let revision = Some((storage::initiatives::map_revision(db).await?, day.today));
        let snapshot = self
            .offers
            .at(&revision, || async move {
                Ok::<_, ResultsError>(Tagged {
                    revision,
                    value: Arc::new(load_offers(db, &day).await?),
                })
            })
            .await?;
        Ok(snapshot.value.clone())
    }
}

/// The imported zone levels (`stamp`) as mappings over `territory`.
async fn load_zones(
    db: &impl ConnectionTrait,
    territory: &LoadedTerritory,
    stamp: Vec<(String, DateTime<Utc>)>,
) -> Result<ZoneSnapshot, ResultsError> {
    let communes = territory.index.communes();
    let mut mappings = Vec::new();
    for level in ZoneLevel::ALL {
        if !stamp.iter().any(|(l, _)| l == level.as_str()) {
            continue;
        }
        let zones = storage::zones::zones_of_level(db, level.as_str(), false).await?;
        let mut assignments = Vec::new();
        for zone in zones {
            for commune in &zone.communes {
                if let Ok(code) = InseeCode::parse(commune) {
                    assignments.push(ZoneAssignment {
                        commune: code,
                        zone_code: zone.code.clone(),
                        zone_name: zone.name.clone(),
                    });
                }
            }
        }
        mappings.push(ZoneMapping::new(level, communes, &assignments));
    }
    Ok(ZoneSnapshot {
        territory_revision: territory.revision,
        stamp,
        mappings,
    })
}

/// Every public initiative on `day` (published, not ended, confirmed), as one offer per
/// theme.
async fn load_offers(
    db: &DatabaseConnection,
    day: &storage::freshness::PublicDay,
) -> Result<Vec<Offer>, ResultsError> {
    let mut offers = Vec::new();
    let mut after = None;
    loop {
        let page =
            storage::initiative_exports::published_page(db, day, after, REBUILD_PAGE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.id);
        for row in &page {
            let commune = InseeCode::parse(&row.commune_code).ok();
            let point = LonLat::new(row.lon, row.lat).ok();
            for theme in storage::initiatives::themes_of(row) {
                offers.push(Offer {
                    theme,
                    commune: commune.clone(),
                    point,
                });
            }
        }
    }
    Ok(offers)
}

/// INSEE code → position in the territory's commune list.
pub fn commune_positions(territory: &LoadedTerritory) -> HashMap<&str, u32> {
    territory
        .index
        .communes()
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((c.code.as_str(), u32::try_from(i).ok()?)))
        .collect()
}

/// The campaign's questionnaire definition (its version is frozen by the first answer).
pub async fn campaign_definition(
    db: &impl ConnectionTrait,
    campaign: &storage::Campaign,
) -> anyhow::Result<QuestionnaireDefinition> {
    let version = storage::questionnaires::get_version(db, &campaign.questionnaire_version_id)
        .await?
        .with_context(|| format!("campaign {} has no questionnaire version", campaign.id))?;
    serde_json::from_str(&version.definition)
        .with_context(|| format!("stored definition of version {} is invalid", version.id))
}

/// The campaign's dataset from the stored answers: the rows of the stored checkpoint
/// chunks (unless `checkpoint_rows` is 0), then the JSON of every answer stored after the
/// last of them. Without checkpoints this is the full recomputation from the JSON.
pub async fn rebuild(
    db: &DatabaseConnection,
    territory: &LoadedTerritory,
    campaign: &storage::Campaign,
    checkpoint_rows: usize,
) -> anyhow::Result<CampaignData> {
    let started = std::time::Instant::now();
    let mut data = CampaignData::empty(db, territory, campaign, checkpoint_rows).await?;
    let positions = commune_positions(territory);
    if checkpoint_rows > 0 {
        data.read_checkpoints(db, &positions).await?;
    }
    let from_checkpoints = data.dataset.len();
    data.append_json(db, &positions).await?;
    crate::metrics::results_pass(started.elapsed());
    tracing::info!(
        campaign = %campaign.id,
        rows = data.dataset.len(),
        from_checkpoints,
        elapsed_ms = started.elapsed().as_millis(),
        "results dataset built"
    );
    Ok(data)
}

impl CampaignData {
    /// No row yet: the campaign's schema, its record keys and its checkpoint layout.
    async fn empty(
        db: &DatabaseConnection,
        territory: &LoadedTerritory,
        campaign: &storage::Campaign,
        checkpoint_rows: usize,
    ) -> anyhow::Result<CampaignData> {
        let definition = campaign_definition(db, campaign).await?;
        let schema = ResultsSchema::from_definition(&definition);
        let mut dataset = Dataset::new(schema, territory.index.len());
        let expected = storage::answers::last_seq(db, &campaign.id).await?;
        dataset.reserve(usize::try_from(expected).unwrap_or(0));
        let keys = RecordKeys::load(db).await?;
        let mut layout = Sha256::new();
        layout.update(dataset.layout_fingerprint().to_le_bytes());
        layout.update(campaign.questionnaire_version_id.as_bytes());
        // Chunks hold record keys: another secret, other chunks.
        layout.update(keys.key("results checkpoint layout").to_le_bytes());
        let digest = layout.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        Ok(CampaignData {
            campaign_id: campaign.id.clone(),
            territory_revision: territory.revision,
            definition,
            dataset,
            last_seq: 0,
            keys,
            outside: Vec::new(),
            checkpoints: Checkpoints {
                rows: checkpoint_rows,
                layout: i64::from_le_bytes(first),
                ends: Vec::new(),
                stored: Arc::default(),
                writing: Arc::default(),
            },
        })
    }

    /// Appends one stored answer (parsed from its JSON).
    fn push_answer(
        &mut self,
        positions: &HashMap<&str, u32>,
        row: &storage::answers::StoredAnswer,
    ) -> anyhow::Result<()> {
        let channel = Channel::parse(&row.channel).unwrap_or(Channel::Web);
        let position = positions.get(row.commune_code.as_str()).copied();
        self.dataset
            .push_stored_str_keyed(position, channel, &row.answers, self.keys.key(&row.id))
            .with_context(|| format!("stored answers of response {} are invalid", row.id))?;
        if position.is_none() {
            self.outside
                .push((self.dataset.len() - 1, row.commune_code.clone()));
        }
        self.last_seq = row.seq;
        let rows = self.checkpoints.rows;
        if rows > 0 && self.dataset.len().is_multiple_of(rows) {
            self.checkpoints.ends.push(row.seq);
        }
        Ok(())
    }

    /// Appends the JSON of every answer stored after `last_seq`, in pages.
    async fn append_json(
        &mut self,
        db: &DatabaseConnection,
        positions: &HashMap<&str, u32>,
    ) -> anyhow::Result<()> {
        loop {
            let page =
                storage::answers::after_seq(db, &self.campaign_id, self.last_seq, REBUILD_PAGE)
                    .await?;
            for row in &page {
                self.push_answer(positions, row)?;
            }
            if (page.len() as u64) < REBUILD_PAGE {
                return Ok(());
            }
        }
    }

    /// Appends the stored chunks of the campaign's layout, in order, up to the first one
    /// that does not follow or does not decode (the rest then comes from the JSON).
    async fn read_checkpoints(
        &mut self,
        db: &DatabaseConnection,
        positions: &HashMap<&str, u32>,
    ) -> anyhow::Result<()> {
        loop {
            let next = i32::try_from(self.checkpoints.ends.len()).context("chunk number")?;
            let page = storage::results_checkpoints::chunks_from(
                db,
                &self.campaign_id,
                self.checkpoints.layout,
                next,
                CHUNKS_PER_READ,
            )
            .await?;
            let complete = page.len() as u64 == CHUNKS_PER_READ;
            for chunk in page {
                if let Err(problem) = self.append_chunk(positions, &chunk) {
                    tracing::warn!(campaign = %self.campaign_id, chunk = chunk.chunk, problem,
                        "results checkpoint left unread; the answers' JSON is read instead");
                    self.checkpoints_read();
                    return Ok(());
                }
            }
            if !complete {
                self.checkpoints_read();
                return Ok(());
            }
        }
    }

    fn checkpoints_read(&self) {
        let read = self.checkpoints.ends.len();
        self.checkpoints.stored.store(read, Ordering::SeqCst);
    }

    /// Appends one stored chunk if it is the next one and decodes whole.
    fn append_chunk(
        &mut self,
        positions: &HashMap<&str, u32>,
        chunk: &storage::results_checkpoints::Chunk,
    ) -> Result<(), String> {
        let rows = self.checkpoints.rows;
        let follows = usize::try_from(chunk.chunk).ok() == Some(self.checkpoints.ends.len())
            && usize::try_from(chunk.row_count).ok() == Some(rows)
            && Dataset::encoded_row_count(&chunk.data) == Some(rows)
            && chunk.first_seq == self.last_seq + 1
            && chunk.last_seq >= chunk.first_seq;
        if !follows {
            return Err("does not follow the previous one".to_owned());
        }
        let appended = self
            .dataset
            .append_encoded(&chunk.data, |code| positions.get(code).copied())
            .map_err(|e| e.to_string())?;
        self.outside.extend(appended.outside);
        self.last_seq = chunk.last_seq;
        self.checkpoints.ends.push(chunk.last_seq);
        Ok(())
    }

    /// Stores, in the background, the full chunks not stored yet (unless a write is
    /// running). `territory` is the one the dataset was built on.
    fn write_checkpoints(&self, db: &DatabaseConnection, territory: &LoadedTerritory) {
        let checkpoints = &self.checkpoints;
        let from = checkpoints.stored.load(Ordering::SeqCst);
        let to = checkpoints.ends.len();
        if checkpoints.rows == 0 || from >= to || checkpoints.writing.swap(true, Ordering::SeqCst) {
            return;
        }
        let chunks = match self.encode_chunks(territory, from..to) {
            Ok(chunks) => chunks,
            Err(err) => {
                tracing::warn!(error = ?err, "results checkpoint not encoded");
                checkpoints.writing.store(false, Ordering::SeqCst);
                return;
            }
        };
        let (db, campaign, layout) = (db.clone(), self.campaign_id.clone(), checkpoints.layout);
        let (stored, writing) = (checkpoints.stored.clone(), checkpoints.writing.clone());
        tokio::spawn(async move {
            match storage::results_checkpoints::store(&db, &campaign, layout, chunks).await {
                Ok(()) => stored.store(to, Ordering::SeqCst),
                Err(err) => tracing::warn!(error = ?err, "results checkpoint not stored"),
            }
            writing.store(false, Ordering::SeqCst);
        });
    }

    /// Chunks `chunks` of the dataset, encoded.
    fn encode_chunks(
        &self,
        territory: &LoadedTerritory,
        chunks: std::ops::Range<usize>,
    ) -> anyhow::Result<Vec<storage::results_checkpoints::Chunk>> {
        let communes = territory.index.communes();
        let rows = self.checkpoints.rows;
        let code_of = |row: usize, position: Option<u32>| match position {
            Some(p) => communes.get(p as usize).map(|c| c.code.as_str()),
            None => self
                .outside
                .binary_search_by_key(&row, |(r, _)| *r)
                .ok()
                .map(|i| self.outside[i].1.as_str()),
        };
        chunks
            .map(|n| {
                let data = self
                    .dataset
                    .encode_rows(n * rows..(n + 1) * rows, code_of)?;
                let previous = n.checked_sub(1).map_or(0, |p| self.checkpoints.ends[p]);
                Ok(storage::results_checkpoints::Chunk {
                    chunk: i32::try_from(n)?,
                    first_seq: previous + 1,
                    last_seq: self.checkpoints.ends[n],
                    row_count: i32::try_from(rows)?,
                    data,
                })
            })
            .collect()
    }
}

/// Commune code → indicator code → value, for the communes of `territory`.
pub fn indicator_values_for(
    values: BTreeMap<String, BTreeMap<String, f64>>,
    territory: &LoadedTerritory,
) -> BTreeMap<String, BTreeMap<String, f64>> {
    values
        .into_iter()
        .filter(|(code, _)| {
            InseeCode::parse(code)
                .ok()
                .is_some_and(|c| territory.index.get(&c).is_some())
        })
        .collect()
}
