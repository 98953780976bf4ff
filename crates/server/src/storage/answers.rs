//! Reading a campaign's stored answers in bounded pages: by arrival number for the
//! in-memory results (only what a server has not seen yet), by id for exports (a random
//! order that says nothing of when people answered).

use chrono::NaiveDate;
use sea_orm::{
    sea_query::{Expr, Func},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::questionnaire_entities::response;

/// One stored answer set, as the results and exports need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    pub id: String,
    pub seq: i64,
    pub commune_code: String,
    pub channel: String,
    pub submitted_on: NaiveDate,
    /// JSON `ValidatedAnswers`.
    pub answers: String,
}

type Row = (String, i64, String, String, NaiveDate, String);

fn columns() -> sea_orm::Select<response::Entity> {
    response::Entity::find()
        .select_only()
        .column(response::Column::Id)
        .column(response::Column::Seq)
        .column(response::Column::CommuneCode)
        .column(response::Column::Channel)
        .column(response::Column::SubmittedOn)
        .column(response::Column::Answers)
}

fn to_answer((id, seq, commune_code, channel, submitted_on, answers): Row) -> StoredAnswer {
    StoredAnswer {
        id,
        seq,
        commune_code,
        channel,
        submitted_on,
        answers,
    }
}

/// Up to `limit` answers of the campaign with an arrival number above `after_seq`, in
/// arrival order.
pub async fn after_seq(
    db: &impl ConnectionTrait,
    campaign_id: &str,
    after_seq: i64,
    limit: u64,
) -> Result<Vec<StoredAnswer>, DbErr> {
    Ok(columns()
        .filter(response::Column::CampaignId.eq(campaign_id))
        .filter(response::Column::Seq.gt(after_seq))
        .order_by_asc(response::Column::Seq)
        .limit(limit)
        .into_tuple::<Row>()
        .all(db)
        .await?
        .into_iter()
        .map(to_answer)
        .collect())
}

/// The highest arrival number of the campaign (0 without answers): one index lookup.
pub async fn last_seq(db: &impl ConnectionTrait, campaign_id: &str) -> Result<i64, DbErr> {
    Ok(response::Entity::find()
        .select_only()
        .column_as(
            Expr::expr(Func::max(Expr::col(response::Column::Seq))),
            "last",
        )
        .filter(response::Column::CampaignId.eq(campaign_id))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten()
        .unwrap_or(0))
}

/// Up to `limit` answers of the campaign with an id above `after_id`, by id.
pub async fn page_by_id(
    db: &impl ConnectionTrait,
    campaign_id: &str,
    after_id: Option<&str>,
    limit: u64,
) -> Result<Vec<StoredAnswer>, DbErr> {
    let mut query = columns().filter(response::Column::CampaignId.eq(campaign_id));
    if let Some(after) = after_id {
        query = query.filter(response::Column::Id.gt(after));
    }
    Ok(query
        .order_by_asc(response::Column::Id)
        .limit(limit)
        .into_tuple::<Row>()
        .all(db)
        .await?
        .into_iter()
        .map(to_answer)
        .collect())
}
