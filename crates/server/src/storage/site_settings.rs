//! The settings administrators change from the back office, in one row (`id` = 1). A null
//! column is a setting not stored: the instance's default applies (see
//! [`crate::site_settings`]).

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, ExprTrait, QueryFilter, QuerySelect,
};

use super::audit;
use crate::{site_settings::StoredSettings, staff::Staff};

pub mod site_setting {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "site_settings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub revision: i64,
        pub public_results: Option<bool>,
        pub secrecy_k: Option<i32>,
        pub gap_distance_km: Option<f64>,
        pub tile_url: Option<String>,
        pub tile_attribution: Option<String>,
        pub updated_at: ChronoDateTimeUtc,
        /// Account id (UUID) of the last administrator who changed them.
        pub updated_by: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

const ROW_ID: i32 = 1;

/// What is stored, with its revision (0 and nothing stored when never changed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredRow {
    pub revision: i64,
    pub settings: StoredSettings,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
}

/// The revision of the stored settings: one indexed row, read on every refresh tick.
pub async fn revision(db: &impl ConnectionTrait) -> Result<i64, DbErr> {
    let revision: Option<i64> = site_setting::Entity::find_by_id(ROW_ID)
        .select_only()
        .column(site_setting::Column::Revision)
        .into_tuple()
        .one(db)
        .await?;
    Ok(revision.unwrap_or(0))
}

pub async fn load(db: &impl ConnectionTrait) -> Result<StoredRow, DbErr> {
    Ok(site_setting::Entity::find_by_id(ROW_ID)
        .one(db)
        .await?
        .map(|row| StoredRow {
            revision: row.revision,
            settings: StoredSettings {
                public_results: row.public_results,
                // A negative number cannot come from the API; read it as not stored.
                secrecy_k: row.secrecy_k.and_then(|k| u32::try_from(k).ok()),
                gap_distance_km: row.gap_distance_km,
                tile_url: row.tile_url,
                tile_attribution: row.tile_attribution,
            },
            updated_at: Some(row.updated_at),
            updated_by: row.updated_by,
        })
        .unwrap_or_default())
}

/// Replaces the stored settings with `settings` (validated by the caller), bumps the
/// revision and writes the audit row (`settings.update`, before/after) in one transaction.
/// Returns the new row.
pub async fn save(
    db: &DatabaseConnection,
    settings: &StoredSettings,
    actor: &Staff,
) -> Result<StoredRow, DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    let before = load(&txn).await?;
    let now = Utc::now();
    let secrecy_k = settings
        .secrecy_k
        .map(i32::try_from)
        .transpose()
        .map_err(|_| {
            DbErr::Custom("secrecy_k out of range (validated before storing)".to_owned())
        })?;
    // The row exists from the first change on; instances storing the first change at once
    // both get past this insert, then both update (one after the other).
    site_setting::Entity::insert(site_setting::ActiveModel {
        id: Set(ROW_ID),
        revision: Set(0),
        public_results: Set(None),
        secrecy_k: Set(None),
        gap_distance_km: Set(None),
        tile_url: Set(None),
        tile_attribution: Set(None),
        updated_at: Set(now),
        updated_by: Set(None),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(&txn)
    .await?;
    site_setting::Entity::update_many()
        .col_expr(
            site_setting::Column::Revision,
            Expr::col(site_setting::Column::Revision).add(1),
        )
        .col_expr(
            site_setting::Column::PublicResults,
            Expr::value(settings.public_results),
        )
        .col_expr(site_setting::Column::SecrecyK, Expr::value(secrecy_k))
        .col_expr(
            site_setting::Column::GapDistanceKm,
            Expr::value(settings.gap_distance_km),
        )
        .col_expr(
            site_setting::Column::TileUrl,
            Expr::value(settings.tile_url.clone()),
        )
        .col_expr(
            site_setting::Column::TileAttribution,
            Expr::value(settings.tile_attribution.clone()),
        )
        .col_expr(site_setting::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            site_setting::Column::UpdatedBy,
            Expr::value(Some(actor.id.to_string())),
        )
        .filter(site_setting::Column::Id.eq(ROW_ID))
        .exec(&txn)
        .await?;
    let after = load(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        "settings.update",
        "settings",
        "site",
        Some(before.settings.audit_snapshot()),
        Some(after.settings.audit_snapshot()),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
