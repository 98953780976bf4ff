//! Published initiatives and actors read page by page for exports.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::{
    carte_entities::{actor, initiative},
    freshness::{actor_confirmed, PublicDay},
    initiatives::status,
};

/// Up to `limit` initiatives shown on the public map on `day` (published, not ended,
/// confirmed recently enough), with an id above `after`, by id.
pub async fn published_page(
    db: &impl ConnectionTrait,
    day: &PublicDay,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<initiative::Model>, DbErr> {
    let mut condition = super::initiatives::visible(day);
    if let Some(after) = after {
        condition = condition.add(initiative::Column::Id.gt(after));
    }
    initiative::Entity::find()
        .filter(condition)
        .order_by_asc(initiative::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Up to `limit` published actors confirmed recently enough on `day`, with an id above
/// `after`, by id.
pub async fn published_actors_page(
    db: &impl ConnectionTrait,
    day: &PublicDay,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<actor::Model>, DbErr> {
    let mut query = actor::Entity::find()
        .filter(actor::Column::Status.eq(status::PUBLISHED))
        .filter(actor_confirmed(day));
    if let Some(after) = after {
        query = query.filter(actor::Column::Id.gt(after));
    }
    query
        .order_by_asc(actor::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Theme slugs of the public (published, not ended, confirmed) initiatives of each actor
/// (for the data·inclusion structures).
pub async fn themes_by_actor(
    db: &impl ConnectionTrait,
    day: &PublicDay,
) -> Result<std::collections::HashMap<Uuid, std::collections::BTreeSet<String>>, DbErr> {
    let rows: Vec<(Uuid, String)> = initiative::Entity::find()
        .select_only()
        .column(initiative::Column::ActorId)
        .column(initiative::Column::Themes)
        .filter(super::initiatives::visible(day))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: std::collections::HashMap<Uuid, std::collections::BTreeSet<String>> =
        std::collections::HashMap::new();
    for (actor_id, themes) in rows {
        let themes: Vec<String> = serde_json::from_str(&themes).unwrap_or_default();
        out.entry(actor_id).or_default().extend(themes);
    }
    Ok(out)
}
