//! Labels staff grant to actors and initiatives, each grant with an expiry date.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::carte_entities::{label, label_grant};

/// A label currently held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentLabel {
    pub slug: String,
    pub name: String,
    pub expires_on: NaiveDate,
}

/// Who receives a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantTarget {
    Actor(Uuid),
    Initiative(Uuid),
}

pub async fn create(
    db: &impl ConnectionTrait,
    slug: &str,
    name: &str,
    criteria: &str,
) -> Result<label::Model, sea_orm::DbErr> {
    label::ActiveModel {
        id: Set(Uuid::new_v4()),
        slug: Set(slug.to_owned()),
        name: Set(name.to_owned()),
        criteria: Set(criteria.to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<label::Model>, sea_orm::DbErr> {
    label::Entity::find()
        .order_by_asc(label::Column::Name)
        .all(db)
        .await
}

pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<label::Model>, sea_orm::DbErr> {
    label::Entity::find()
        .filter(label::Column::Slug.eq(slug))
        .one(db)
        .await
}

/// Grants `label_id` to `target` until `expires_on` (inclusive).
pub async fn grant(
    db: &impl ConnectionTrait,
    label_id: Uuid,
    target: GrantTarget,
    expires_on: NaiveDate,
) -> Result<label_grant::Model, sea_orm::DbErr> {
    let (actor_id, initiative_id) = match target {
        GrantTarget::Actor(id) => (Some(id), None),
        GrantTarget::Initiative(id) => (None, Some(id)),
    };
    label_grant::ActiveModel {
        id: Set(Uuid::new_v4()),
        label_id: Set(label_id),
        actor_id: Set(actor_id),
        initiative_id: Set(initiative_id),
        granted_at: Set(Utc::now()),
        expires_on: Set(expires_on),
        revoked_at: Set(None),
    }
    .insert(db)
    .await
}

pub async fn find_grant(
    db: &impl ConnectionTrait,
    grant_id: Uuid,
) -> Result<Option<label_grant::Model>, sea_orm::DbErr> {
    label_grant::Entity::find_by_id(grant_id).one(db).await
}

/// Revokes a grant. `None` when it does not exist.
pub async fn revoke(
    db: &impl ConnectionTrait,
    grant_id: Uuid,
) -> Result<Option<label_grant::Model>, sea_orm::DbErr> {
    let Some(found) = label_grant::Entity::find_by_id(grant_id).one(db).await? else {
        return Ok(None);
    };
    if found.revoked_at.is_some() {
        return Ok(Some(found));
    }
    let mut row: label_grant::ActiveModel = found.into();
    row.revoked_at = Set(Some(Utc::now()));
    row.update(db).await.map(Some)
}

async fn current(
    db: &impl ConnectionTrait,
    column: label_grant::Column,
    ids: Vec<Uuid>,
    today: NaiveDate,
) -> Result<HashMap<Uuid, Vec<CurrentLabel>>, sea_orm::DbErr> {
    let mut out: HashMap<Uuid, Vec<CurrentLabel>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let grants = label_grant::Entity::find()
        .filter(column.is_in(ids))
        .filter(label_grant::Column::RevokedAt.is_null())
        .filter(label_grant::Column::ExpiresOn.gte(today))
        .all(db)
        .await?;
    if grants.is_empty() {
        return Ok(out);
    }
    let labels: HashMap<Uuid, label::Model> = label::Entity::find()
        .filter(label::Column::Id.is_in(grants.iter().map(|g| g.label_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    for g in grants {
        let target = match column {
            label_grant::Column::ActorId => g.actor_id,
            _ => g.initiative_id,
        };
        let (Some(target), Some(l)) = (target, labels.get(&g.label_id)) else {
            continue;
        };
        let list = out.entry(target).or_default();
        // Several grants of one label: keep the one that lasts longest.
        match list.iter_mut().find(|c| c.slug == l.slug) {
            Some(existing) if existing.expires_on < g.expires_on => {
                existing.expires_on = g.expires_on
            }
            Some(_) => {}
            None => list.push(CurrentLabel {
                slug: l.slug.clone(),
                name: l.name.clone(),
                expires_on: g.expires_on,
            }),
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(out)
}

/// Current (unexpired, unrevoked) labels of each initiative.
pub async fn current_for_initiatives(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
    today: NaiveDate,
) -> Result<HashMap<Uuid, Vec<CurrentLabel>>, sea_orm::DbErr> {
    current(db, label_grant::Column::InitiativeId, ids, today).await
}

/// Current (unexpired, unrevoked) labels of each actor.
pub async fn current_for_actors(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
    today: NaiveDate,
) -> Result<HashMap<Uuid, Vec<CurrentLabel>>, sea_orm::DbErr> {
    current(db, label_grant::Column::ActorId, ids, today).await
}
