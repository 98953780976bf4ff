//! The campaign whose answers measure the needs shown beside proposals.
//!
//! The figures themselves come from the results' protected tables
//! ([`crate::needs`]), never from here: one statistical-secrecy path.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::questionnaire_entities::{campaign, response};

/// The campaign with the latest opening date (`opens_at`) that has at least one answer,
/// whatever its status (an open campaign with answers wins over an older closed one),
/// and its number of answers.
pub async fn latest_campaign_with_answers(
    db: &impl ConnectionTrait,
) -> Result<Option<(campaign::Model, u64)>, DbErr> {
    let campaigns = campaign::Entity::find()
        .order_by_desc(campaign::Column::OpensAt)
        .order_by_asc(campaign::Column::Id)
        .all(db)
        .await?;
    for c in campaigns {
        let n = response::Entity::find()
            .filter(response::Column::CampaignId.eq(c.id.as_str()))
            .count(db)
            .await?;
        if n > 0 {
            return Ok(Some((c, n)));
        }
    }
    Ok(None)
}
