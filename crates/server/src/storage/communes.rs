//! Communes of the territory: read them all, or replace them all at once.

use anyhow::{anyhow, Context};
use chrono::Utc;
use geo::BoundingRect;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder};
use solidarites_domain::{Commune, InseeCode};

use super::entities::{commune, territory};

/// Rows per INSERT: 10 columns each keeps us far below SQLite's bound-parameter limit.
const INSERT_CHUNK: usize = 200;

/// Every stored commune, sorted by INSEE code.
pub async fn load_all(db: &impl ConnectionTrait) -> anyhow::Result<Vec<Commune>> {
    let rows = commune::Entity::find()
        .order_by_asc(commune::Column::Code)
        .all(db)
        .await?;
    rows.into_iter().map(to_domain).collect()
}

/// The revision of the stored territory (0 when nothing was ever imported).
pub async fn revision(db: &impl ConnectionTrait) -> anyhow::Result<i64> {
    Ok(territory::Entity::find_by_id(1)
        .one(db)
        .await?
        .map_or(0, |t| t.revision))
}

/// Replaces the whole territory by `communes`, in one transaction: on any error the stored
/// communes are left exactly as they were. Returns the new territory revision.
pub async fn replace_all(
    db: &DatabaseConnection,
    communes: &[Commune],
    source: &str,
) -> anyhow::Result<i64> {
    let rows = communes
        .iter()
        .map(to_row)
        .collect::<anyhow::Result<Vec<_>>>()?;
    let count = i32::try_from(rows.len()).context("too many communes")?;

    let txn = crate::storage::begin_write(db).await?;
    commune::Entity::delete_many().exec(&txn).await?;
    for chunk in rows.chunks(INSERT_CHUNK) {
        commune::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let previous = territory::Entity::find_by_id(1).one(&txn).await?;
    let revision = previous.as_ref().map_or(0, |t| t.revision) + 1;
    let row = territory::ActiveModel {
        id: Set(1),
        revision: Set(revision),
        commune_count: Set(count),
        source: Set(source.to_owned()),
        imported_at: Set(Utc::now()),
    };
    if previous.is_some() {
        territory::Entity::update(row).exec(&txn).await?;
    } else {
        territory::Entity::insert(row)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(revision)
}

fn to_row(c: &Commune) -> anyhow::Result<commune::ActiveModel> {
    let rect = c
        .geometry
        .bounding_rect()
        .ok_or_else(|| anyhow!("commune {} has an empty geometry", c.code))?;
    let geometry = geojson::Geometry::from(&c.geometry);
    Ok(commune::ActiveModel {
        code: Set(c.code.as_str().to_owned()),
        name: Set(c.name.clone()),
        population: Set(c.population.map(i64::from)),
        postal_codes: Set(serde_json::to_string(&c.postal_codes)?),
        geometry: Set(serde_json::to_string(&geometry)?),
        min_lon: Set(rect.min().x),
        min_lat: Set(rect.min().y),
        max_lon: Set(rect.max().x),
        max_lat: Set(rect.max().y),
    })
}

fn to_domain(row: commune::Model) -> anyhow::Result<Commune> {
    let code = InseeCode::parse(&row.code)
        .with_context(|| format!("stored commune code {:?} is invalid", row.code))?;
    let geometry: geojson::Geometry = serde_json::from_str(&row.geometry)
        .with_context(|| format!("stored geometry of commune {code} is not GeoJSON"))?;
    let geometry = geo::MultiPolygon::<f64>::try_from(geometry)
        .with_context(|| format!("stored geometry of commune {code} is not a MultiPolygon"))?;
    let population = row
        .population
        .map(u32::try_from)
        .transpose()
        .with_context(|| format!("stored population of commune {code} is out of range"))?;
    let postal_codes = serde_json::from_str(&row.postal_codes)
        .with_context(|| format!("stored postal codes of commune {code} are invalid"))?;
    Ok(Commune {
        code,
        name: row.name,
        population,
        postal_codes,
        geometry,
    })
}
