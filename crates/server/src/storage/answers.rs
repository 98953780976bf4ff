//! Reading a campaign's stored answers in bounded pages: by arrival number for the
//! in-memory results (only what a server has not seen yet), by id for exports (a random
//! order that says nothing of when people answered).

use chrono::NaiveDate;
use sea_orm::{
    sea_query::{Alias, Expr, Func, OnConflict, Query},
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
    let query = columns()
        .filter(response::Column::CampaignId.eq(campaign_id))
        .filter(response::Column::Seq.gt(after_seq));
    first(db, query, response::Column::Seq, limit).await
}

/// The first `limit` answers `query` finds, by `order`.
async fn first(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<response::Entity>,
    order: response::Column,
    limit: u64,
) -> Result<Vec<StoredAnswer>, DbErr> {
    Ok(query
        .order_by_asc(order)
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
    first(db, query, response::Column::Id, limit).await
}

/// The installation's secret for record keys (table `results_key`, one row): the stored
/// one, or `fresh` stored first when there is none. Two instances racing both read the
/// row that won (insert or nothing, then read), so every instance uses the same secret.
pub async fn record_key_secret(db: &impl ConnectionTrait, fresh: &str) -> Result<String, DbErr> {
    let table = Alias::new("results_key");
    let id = Alias::new("id");
    let secret = Alias::new("secret");
    let read = Query::select()
        .column(secret.clone())
        .from(table.clone())
        .and_where(sea_orm::sea_query::ExprTrait::eq(Expr::col(id.clone()), 1))
        .to_owned();
    if let Some(row) = db.query_one(&read).await? {
        return row.try_get("", "secret");
    }
    let insert = Query::insert()
        .into_table(table)
        .columns([id.clone(), secret])
        .values([1.into(), fresh.into()])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(OnConflict::column(id).do_nothing().to_owned())
        .to_owned();
    db.execute(&insert).await?;
    db.query_one(&read)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("results_key".to_owned()))?
        .try_get("", "secret")
}
