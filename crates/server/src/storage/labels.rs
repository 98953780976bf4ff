//! Labels staff grant to actors and initiatives, each grant with an expiry date.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use solidarites_domain::labels::{criteria_from_text, criteria_to_text};
use uuid::Uuid;

use super::carte_entities::{label, label_grant};
use crate::ids::LabelGrantId;

fn criteria_json(criteria: &[String]) -> String {
    serde_json::to_string(criteria).unwrap_or_else(|_| "[]".to_owned())
}

/// A label's criteria, in order. A list that cannot be read (never written by this
/// server) falls back to the lines of the old text.
pub fn criteria_of(label: &label::Model) -> Vec<String> {
    match serde_json::from_str::<Vec<String>>(&label.criteria_list) {
        Ok(list) if !list.is_empty() => list,
        _ => criteria_from_text(&label.criteria),
    }
}

/// Replaces the criteria of label `id` (the list and, for older readers, its text).
/// `None` when there is no such label.
pub async fn set_criteria(
    db: &impl ConnectionTrait,
    id: Uuid,
    criteria: &[String],
) -> Result<Option<label::Model>, sea_orm::DbErr> {
    let Some(found) = label::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let mut row: label::ActiveModel = found.into();
    row.criteria = Set(criteria_to_text(criteria));
    row.criteria_list = Set(criteria_json(criteria));
    row.update(db).await.map(Some)
}

pub async fn find(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<label::Model>, sea_orm::DbErr> {
    label::Entity::find_by_id(id).one(db).await
}

/// The actor's grant of a label that an approval renews: the unrevoked one that lasts
/// longest (expired or not).
pub async fn actor_grant(
    db: &impl ConnectionTrait,
    label_id: Uuid,
    actor_id: Uuid,
) -> Result<Option<label_grant::Model>, sea_orm::DbErr> {
    label_grant::Entity::find()
        .filter(label_grant::Column::LabelId.eq(label_id))
        .filter(label_grant::Column::ActorId.eq(actor_id))
        .filter(label_grant::Column::RevokedAt.is_null())
        .order_by_desc(label_grant::Column::ExpiresOn)
        .one(db)
        .await
}

/// Grants label `label_id` to the actor until `expires_on`, or extends the grant it has
/// (a new period: a renewal invitation may be sent again before its end).
pub async fn grant_or_extend(
    db: &impl ConnectionTrait,
    label_id: Uuid,
    actor_id: Uuid,
    expires_on: NaiveDate,
) -> Result<(Option<label_grant::Model>, label_grant::Model), sea_orm::DbErr> {
    match actor_grant(db, label_id, actor_id).await? {
        Some(before) => {
            let mut row: label_grant::ActiveModel = before.clone().into();
            row.expires_on = Set(expires_on);
            row.renewal_invited_at = Set(None);
            Ok((Some(before), row.update(db).await?))
        }
        None => Ok((
            None,
            grant(db, label_id, GrantTarget::Actor(actor_id), expires_on).await?,
        )),
    }
}

/// Records that the holder of grant `id` was invited to renew at `now`: `true` for the
/// one caller that records it in the grant's period (a conditional update, so two
/// clicks or two instances send one invitation).
pub async fn mark_renewal_invited(
    db: &impl ConnectionTrait,
    id: LabelGrantId,
    now: chrono::DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    let result = label_grant::Entity::update_many()
        .col_expr(label_grant::Column::RenewalInvitedAt, Expr::value(now))
        .filter(label_grant::Column::Id.eq(id))
        .filter(label_grant::Column::RenewalInvitedAt.is_null())
        .filter(label_grant::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

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
        criteria_list: Set(criteria_json(&criteria_from_text(criteria))),
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
        renewal_invited_at: Set(None),
    }
    .insert(db)
    .await
}

/// Which grants to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantQuery {
    /// Every grant of one label, revoked and expired ones included.
    OfLabel(Uuid),
    /// Grants in force (not revoked) whose last day falls between the two dates
    /// (inclusive), across labels: the renewal list.
    ExpiringBetween(NaiveDate, NaiveDate),
}

/// A grant with what staff need to read it: its label, and the name of what holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRow {
    pub grant: label_grant::Model,
    pub label: label::Model,
    /// The actor's name or the initiative's title.
    pub holder_name: Option<String>,
}

/// `limit` grants matching `query` after the first `offset`, soonest expiry first, and how
/// many match.
pub async fn grants_page(
    db: &impl ConnectionTrait,
    query: GrantQuery,
    offset: u64,
    limit: u64,
) -> Result<(Vec<GrantRow>, u64), sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;

    use super::carte_entities::{actor, initiative};
    let select = match query {
        GrantQuery::OfLabel(label_id) => {
            label_grant::Entity::find().filter(label_grant::Column::LabelId.eq(label_id))
        }
        GrantQuery::ExpiringBetween(from, to) => label_grant::Entity::find()
            .filter(label_grant::Column::RevokedAt.is_null())
            .filter(label_grant::Column::ExpiresOn.gte(from))
            .filter(label_grant::Column::ExpiresOn.lte(to)),
    };
    let total = select.clone().count(db).await?;
    let grants = super::page_by(
        db,
        select,
        (label_grant::Column::ExpiresOn, label_grant::Column::Id),
        offset,
        limit,
    )
    .await?;
    let label_ids: Vec<Uuid> = grants.iter().map(|g| g.label_id).collect();
    let labels: HashMap<Uuid, label::Model> = label::Entity::find()
        .filter(label::Column::Id.is_in(label_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.id, l))
        .collect();
    let actor_ids: Vec<Uuid> = grants.iter().filter_map(|g| g.actor_id).collect();
    let actors: HashMap<Uuid, String> = if actor_ids.is_empty() {
        HashMap::new()
    } else {
        actor::Entity::find()
            .filter(actor::Column::Id.is_in(actor_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect()
    };
    let initiative_ids: Vec<Uuid> = grants.iter().filter_map(|g| g.initiative_id).collect();
    let initiatives: HashMap<Uuid, String> = if initiative_ids.is_empty() {
        HashMap::new()
    } else {
        initiative::Entity::find()
            .filter(initiative::Column::Id.is_in(initiative_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|i| (i.id, i.title))
            .collect()
    };
    let rows = grants
        .into_iter()
        .filter_map(|grant| {
            let label = labels.get(&grant.label_id)?.clone();
            let holder_name = match (grant.actor_id, grant.initiative_id) {
                (Some(id), _) => actors.get(&id).cloned(),
                (None, Some(id)) => initiatives.get(&id).cloned(),
                (None, None) => None,
            };
            Some(GrantRow {
                grant,
                label,
                holder_name,
            })
        })
        .collect();
    Ok((rows, total))
}

pub async fn find_grant(
    db: &impl ConnectionTrait,
    grant_id: LabelGrantId,
) -> Result<Option<label_grant::Model>, sea_orm::DbErr> {
    label_grant::Entity::find_by_id(grant_id).one(db).await
}

/// Revokes a grant. `None` when it does not exist.
pub async fn revoke(
    db: &impl ConnectionTrait,
    grant_id: LabelGrantId,
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
