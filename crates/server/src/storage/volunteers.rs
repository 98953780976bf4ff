//! Volunteers who left their contact after answering the questionnaire.
//!
//! Stored apart from the responses, created by a separate request, with their own random
//! id: nothing links a volunteer to an answer. Purged after the retention period (see
//! `docs/privacy.md`).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
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

/// Deletes the volunteers recorded before `cutoff`; returns how many.
pub async fn purge_before(db: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(volunteer::Entity::delete_many()
        .filter(volunteer::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}

/// Theme slugs of a stored volunteer.
pub fn themes_of(row: &volunteer::Model) -> Vec<String> {
    serde_json::from_str(&row.themes).unwrap_or_default()
}
