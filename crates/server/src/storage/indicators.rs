//! Territorial indicators per commune (share of people aged 75+ living alone, poverty
//! rate…), imported by `solidarites indicators import` and shown beside survey results.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use super::{
    audit,
    results_entities::{indicator, indicator_value},
};

/// Rows per INSERT (3 columns each).
const INSERT_CHUNK: usize = 300;

/// An indicator's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorMeta {
    /// `[a-z0-9_]`, the column name in the imported file.
    pub code: String,
    pub label: String,
    pub unit: Option<String>,
    pub source: Option<String>,
    pub year: Option<i32>,
}

/// One imported value.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorValue {
    pub indicator: String,
    pub commune_code: String,
    pub value: f64,
}

/// Stores the indicators of one file in one transaction: each indicator named in `metas`
/// is replaced whole (description and values); other indicators are left as they are.
/// Audited as `cli.indicators.import` with codes and counts only.
pub async fn import(
    db: &DatabaseConnection,
    metas: &[IndicatorMeta],
    values: &[IndicatorValue],
    file_name: &str,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let codes: Vec<String> = metas.iter().map(|m| m.code.clone()).collect();
    let txn = crate::storage::begin_write(db).await?;
    indicator_value::Entity::delete_many()
        .filter(indicator_value::Column::IndicatorCode.is_in(codes.clone()))
        .exec(&txn)
        .await?;
    indicator::Entity::delete_many()
        .filter(indicator::Column::Code.is_in(codes.clone()))
        .exec(&txn)
        .await?;
    let rows: Vec<indicator::ActiveModel> = metas
        .iter()
        .map(|m| indicator::ActiveModel {
            code: Set(m.code.clone()),
            label: Set(m.label.clone()),
            unit: Set(m.unit.clone()),
            source: Set(m.source.clone()),
            year: Set(m.year),
            imported_at: Set(now),
        })
        .collect();
    super::insert_rows(&txn, rows).await?;
    let value_rows: Vec<indicator_value::ActiveModel> = values
        .iter()
        .map(|v| indicator_value::ActiveModel {
            indicator_code: Set(v.indicator.clone()),
            commune_code: Set(v.commune_code.clone()),
            value: Set(v.value),
        })
        .collect();
    for chunk in value_rows.chunks(INSERT_CHUNK) {
        indicator_value::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    audit::record(
        &txn,
        None,
        "cli.indicators.import",
        "indicator",
        &codes.join(","),
        None,
        Some(serde_json::json!({"file": file_name, "indicators": codes, "values": values.len()})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Every indicator, by code.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<indicator::Model>, DbErr> {
    indicator::Entity::find()
        .order_by_asc(indicator::Column::Code)
        .all(db)
        .await
}

/// Commune code → indicator code → value.
pub async fn values_by_commune(
    db: &impl ConnectionTrait,
) -> Result<BTreeMap<String, BTreeMap<String, f64>>, DbErr> {
    let mut out: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for row in indicator_value::Entity::find().all(db).await? {
        out.entry(row.commune_code)
            .or_default()
            .insert(row.indicator_code, row.value);
    }
    Ok(out)
}
