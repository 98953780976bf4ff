//! The actors directory.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::ids::ActorId;

use super::{
    carte_entities::{actor, initiative, initiative_theme},
    freshness::{actor_confirmed, initiative_confirmed, PublicDay},
    initiatives::{label_condition_for_actors, status},
};

/// Filters of the public directory.
#[derive(Debug, Clone, Default)]
pub struct ActorFilter {
    pub kind: Option<String>,
    pub commune: Option<String>,
    /// Actors running a visible initiative of any of these themes.
    pub themes: Vec<String>,
    /// Folded text searched in the name.
    pub q: Option<String>,
    /// Slug of a label the actor currently holds.
    pub label: Option<String>,
}

/// Whether `id` is an actor the public sees on `day`.
pub async fn is_published(
    db: &impl ConnectionTrait,
    id: ActorId,
    day: &PublicDay,
) -> Result<bool, sea_orm::DbErr> {
    Ok(get_public(db, id, day).await?.is_some())
}

/// A published actor confirmed recently enough.
pub async fn get_public(
    db: &impl ConnectionTrait,
    id: ActorId,
    day: &PublicDay,
) -> Result<Option<actor::Model>, sea_orm::DbErr> {
    actor::Entity::find_by_id(id)
        .filter(actor::Column::Status.eq(status::PUBLISHED))
        .filter(actor_confirmed(day))
        .one(db)
        .await
}

fn condition(f: &ActorFilter, day: &PublicDay) -> Condition {
    let today = day.today;
    let mut c = Condition::all()
        .add(actor::Column::Status.eq(status::PUBLISHED))
        .add(actor_confirmed(day));
    if let Some(kind) = &f.kind {
        c = c.add(actor::Column::Kind.eq(kind.clone()));
    }
    if let Some(commune) = &f.commune {
        c = c.add(actor::Column::CommuneCode.eq(commune.clone()));
    }
    if !f.themes.is_empty() {
        c = c.add(
            actor::Column::Id.in_subquery(
                Query::select()
                    .column(initiative::Column::ActorId)
                    .from(initiative::Entity)
                    .and_where(Expr::col(initiative::Column::Status).eq(status::PUBLISHED))
                    .cond_where(
                        Condition::any()
                            .add(initiative::Column::EndDate.is_null())
                            .add(initiative::Column::EndDate.gte(today)),
                    )
                    .cond_where(initiative_confirmed(day))
                    .and_where(super::with_any_theme(
                        initiative::Column::Id,
                        initiative_theme::Column::InitiativeId,
                        initiative_theme::Column::ThemeSlug,
                        &f.themes,
                    ))
                    .to_owned(),
            ),
        );
    }
    c = c.add_option(super::text_search(
        actor::Column::SearchText,
        f.q.as_deref(),
    ));
    if let Some(slug) = &f.label {
        c = c.add(label_condition_for_actors(slug, today));
    }
    c
}

/// One page (1-based) of published actors by name, and the total count.
pub async fn list_public(
    db: &impl ConnectionTrait,
    filter: &ActorFilter,
    day: &PublicDay,
    page: u64,
    per_page: u64,
) -> Result<(Vec<actor::Model>, u64), sea_orm::DbErr> {
    let query = actor::Entity::find().filter(condition(filter, day));
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_asc(actor::Column::SearchText)
        .order_by_asc(actor::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// The public actors on `day` that welcome volunteers, by name.
pub async fn welcoming_volunteers(
    db: &impl ConnectionTrait,
    day: &PublicDay,
) -> Result<Vec<actor::Model>, sea_orm::DbErr> {
    actor::Entity::find()
        .filter(condition(&ActorFilter::default(), day))
        .filter(actor::Column::WelcomesVolunteers.eq(true))
        .order_by_asc(actor::Column::SearchText)
        .order_by_asc(actor::Column::Id)
        .all(db)
        .await
}

/// Actors by id, whatever their status.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, actor::Model>, sea_orm::DbErr> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(actor::Entity::find()
        .filter(actor::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

/// Records (or clears) the actor's signature of the charter. Staff only.
pub async fn set_charter_signed(
    db: &impl ConnectionTrait,
    id: ActorId,
    at: Option<DateTime<Utc>>,
) -> Result<Option<actor::Model>, sea_orm::DbErr> {
    let Some(found) = actor::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let mut row: actor::ActiveModel = found.into();
    row.charter_signed_at = Set(at);
    row.updated_at = Set(Utc::now());
    row.update(db).await.map(Some)
}
