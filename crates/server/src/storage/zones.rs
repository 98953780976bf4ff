//! Territorial zones (cantons, arrondissements, EPCI): each level is replaced as a whole
//! by `solidarites zones import`, and maps every commune to at most one zone.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::{
    audit,
    results_entities::{commune_zone, zone, zone_level},
};

/// The zone levels communes can be grouped by, as the command line and the API name them.
pub const LEVELS: [&str; 3] = ["canton", "arrondissement", "epci"];

/// Rows per INSERT (4 columns each): far below SQLite's bound-parameter limit.
const INSERT_CHUNK: usize = 200;

/// One zone to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewZone {
    pub code: String,
    pub name: String,
    /// GeoJSON geometry (WGS 84) when the zones came as polygons.
    pub geometry: Option<String>,
}

/// What an import stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneImportSummary {
    pub zones: usize,
    pub communes: usize,
}

/// Replaces every zone of `level` and the communes they hold, in one transaction (a
/// failure leaves the level as it was). Audited as `cli.zones.import` with counts only.
pub async fn replace_level(
    db: &DatabaseConnection,
    level: &str,
    zones: &[NewZone],
    commune_to_zone: &BTreeMap<String, String>,
    source: &str,
) -> Result<ZoneImportSummary, DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    commune_zone::Entity::delete_many()
        .filter(commune_zone::Column::Level.eq(level))
        .exec(&txn)
        .await?;
    zone::Entity::delete_many()
        .filter(zone::Column::Level.eq(level))
        .exec(&txn)
        .await?;
    let zone_rows: Vec<zone::ActiveModel> = zones
        .iter()
        .map(|z| zone::ActiveModel {
            level: Set(level.to_owned()),
            code: Set(z.code.clone()),
            name: Set(z.name.clone()),
            geometry: Set(z.geometry.clone()),
        })
        .collect();
    // Geometries can be large: fewer rows per statement.
    for chunk in zone_rows.chunks(20) {
        zone::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let links: Vec<commune_zone::ActiveModel> = commune_to_zone
        .iter()
        .map(|(commune, zone)| commune_zone::ActiveModel {
            level: Set(level.to_owned()),
            commune_code: Set(commune.clone()),
            zone_code: Set(zone.clone()),
        })
        .collect();
    for chunk in links.chunks(INSERT_CHUNK) {
        commune_zone::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    zone_level::Entity::delete_by_id(level.to_owned())
        .exec(&txn)
        .await?;
    zone_level::Entity::insert(zone_level::ActiveModel {
        level: Set(level.to_owned()),
        source: Set(source.to_owned()),
        imported_at: Set(Utc::now()),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        None,
        "cli.zones.import",
        "zone_level",
        level,
        None,
        Some(serde_json::json!({
            "source": source,
            "zones": zones.len(),
            "communes": commune_to_zone.len(),
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(ZoneImportSummary {
        zones: zones.len(),
        communes: commune_to_zone.len(),
    })
}

/// A stored zone with the communes it holds (sorted INSEE codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredZone {
    pub code: String,
    pub name: String,
    pub geometry: Option<String>,
    pub communes: Vec<String>,
}

/// The zones of `level` by code, each with its communes. Geometries only when asked.
pub async fn zones_of_level(
    db: &impl ConnectionTrait,
    level: &str,
    with_geometry: bool,
) -> Result<Vec<StoredZone>, DbErr> {
    let rows = zone::Entity::find()
        .filter(zone::Column::Level.eq(level))
        .order_by_asc(zone::Column::Code)
        .all(db)
        .await?;
    let mut communes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (commune, zone) in commune_zone_map(db, level).await? {
        communes.entry(zone).or_default().push(commune);
    }
    Ok(rows
        .into_iter()
        .map(|z| StoredZone {
            communes: communes.remove(&z.code).unwrap_or_default(),
            geometry: if with_geometry { z.geometry } else { None },
            code: z.code,
            name: z.name,
        })
        .collect())
}

/// Commune code → zone code for `level` (communes outside every zone are absent).
pub async fn commune_zone_map(
    db: &impl ConnectionTrait,
    level: &str,
) -> Result<BTreeMap<String, String>, DbErr> {
    Ok(commune_zone::Entity::find()
        .filter(commune_zone::Column::Level.eq(level))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.commune_code, row.zone_code))
        .collect())
}

/// The imported levels with their source and date.
pub async fn levels(db: &impl ConnectionTrait) -> Result<Vec<zone_level::Model>, DbErr> {
    zone_level::Entity::find()
        .order_by_asc(zone_level::Column::Level)
        .all(db)
        .await
}
