//! Volunteers who left their contact after answering the questionnaire.
//!
//! Stored apart from the responses, created by a separate request, with their own random
//! id: nothing links a volunteer to an answer. Purged after the retention period (see
//! `docs/privacy.md`).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use super::questionnaire_entities::volunteer;

/// A validated volunteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVolunteer {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub commune_code: String,
    pub availability: String,
    pub themes: Vec<String>,
    pub consent_text: String,
}

pub async fn create(
    db: &impl ConnectionTrait,
    new: NewVolunteer,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let id = Uuid::new_v4().to_string();
    volunteer::Entity::insert(volunteer::ActiveModel {
        id: Set(id.clone()),
        created_at: Set(now),
        name: Set(new.name),
        email: Set(new.email),
        phone: Set(new.phone),
        commune_code: Set(new.commune_code),
        availability: Set(new.availability),
        themes: Set(serde_json::to_string(&new.themes).unwrap_or_else(|_| "[]".to_owned())),
        consent_text: Set(new.consent_text),
        consent_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Every volunteer, newest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<volunteer::Model>, DbErr> {
    volunteer::Entity::find()
        .order_by_desc(volunteer::Column::CreatedAt)
        .order_by_asc(volunteer::Column::Id)
        .all(db)
        .await
}

/// Volunteers are kept this many months after they signed up, then purged (the rule of
/// `docs/privacy.md`).
pub const RETENTION_MONTHS: u32 = 12;

/// Which volunteers to list; `None` matches all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolunteerFilter {
    /// INSEE code.
    pub commune: Option<String>,
    /// A theme slug (`[a-z0-9-]`, checked by the caller).
    pub theme: Option<String>,
}

fn filtered(filter: &VolunteerFilter) -> Select<volunteer::Entity> {
    let mut condition = Condition::all();
    if let Some(code) = &filter.commune {
        condition = condition.add(volunteer::Column::CommuneCode.eq(code.as_str()));
    }
    if let Some(theme) = &filter.theme {
        // `themes` is a JSON array of slugs; a slug holds no `"`, `%` nor `_`.
        condition = condition.add(volunteer::Column::Themes.contains(format!("\"{theme}\"")));
    }
    volunteer::Entity::find()
        .filter(condition)
        .order_by_desc(volunteer::Column::CreatedAt)
        .order_by_asc(volunteer::Column::Id)
}

/// `limit` matching volunteers, newest first, after the first `offset`, and how many match.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &VolunteerFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<volunteer::Model>, u64), DbErr> {
    let total = filtered(filter).count(db).await?;
    let rows = filtered(filter).offset(offset).limit(limit).all(db).await?;
    Ok((rows, total))
}

/// Every matching volunteer, newest first (for the CSV export).
pub async fn matching(
    db: &impl ConnectionTrait,
    filter: &VolunteerFilter,
) -> Result<Vec<volunteer::Model>, DbErr> {
    filtered(filter).all(db).await
}

/// Deletes the volunteers recorded before `cutoff`; returns how many.
pub async fn purge_before(db: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(volunteer::Entity::delete_many()
        .filter(volunteer::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes the volunteers recorded before `cutoff` and writes the audit row
/// (`volunteers.purge`, with the cut-off, the age asked and the count) in one transaction.
pub async fn purge_audited(
    db: &sea_orm::DatabaseConnection,
    cutoff: DateTime<Utc>,
    actor: &crate::staff::Staff,
    older_than_months: u32,
) -> Result<u64, DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    let deleted = purge_before(&txn, cutoff).await?;
    super::audit::record(
        &txn,
        Some(actor),
        "volunteers.purge",
        "volunteer",
        "*",
        None,
        Some(serde_json::json!({
            "before": cutoff.to_rfc3339(),
            "older_than_months": older_than_months,
            "deleted": deleted,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(deleted)
}

/// Theme slugs of a stored volunteer.
pub fn themes_of(row: &volunteer::Model) -> Vec<String> {
    serde_json::from_str(&row.themes).unwrap_or_default()
}
