//! Stored chunks of a campaign's results rows (migration
//! `m20261209_000100_results_checkpoints`): what an instance reads on start instead of
//! every answer's JSON. Chunks are written once full and never change; rows of another
//! layout are left unread (and deleted by the next write).

use sea_orm::{
    sea_query::OnConflict, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::results_entities::results_checkpoint;

/// One full chunk of encoded rows: dataset rows `chunk × rows ..`, the answers with
/// arrival numbers `first_seq ..= last_seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub chunk: i32,
    pub first_seq: i64,
    pub last_seq: i64,
    pub row_count: i32,
    /// `Dataset::encode_rows` of the chunk's rows.
    pub data: Vec<u8>,
}

/// Up to `limit` chunks of the campaign under `layout` from chunk `from` on, in order.
pub async fn chunks_from(
    db: &impl ConnectionTrait,
    campaign_id: &str,
    layout: i64,
    from: i32,
    limit: u64,
) -> Result<Vec<Chunk>, DbErr> {
    Ok(results_checkpoint::Entity::find()
        .filter(results_checkpoint::Column::CampaignId.eq(campaign_id))
        .filter(results_checkpoint::Column::Layout.eq(layout))
        .filter(results_checkpoint::Column::Chunk.gte(from))
        .order_by_asc(results_checkpoint::Column::Chunk)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|row| Chunk {
            chunk: row.chunk,
            first_seq: row.first_seq,
            last_seq: row.last_seq,
            row_count: row.row_count,
            data: row.data,
        })
        .collect())
}

/// Stores `chunks` of the campaign under `layout` in one transaction, deleting the
/// campaign's chunks of any other layout. A chunk already stored (by another instance:
/// the same rows, so the same bytes) is kept as it is.
pub async fn store(
    db: &DatabaseConnection,
    campaign_id: &str,
    layout: i64,
    chunks: Vec<Chunk>,
) -> Result<(), DbErr> {
    if chunks.is_empty() {
        return Ok(());
    }
    let txn = super::begin_write(db).await?;
    results_checkpoint::Entity::delete_many()
        .filter(results_checkpoint::Column::CampaignId.eq(campaign_id))
        .filter(results_checkpoint::Column::Layout.ne(layout))
        .exec(&txn)
        .await?;
    // One statement per chunk: a chunk is about a megabyte.
    for chunk in chunks {
        results_checkpoint::Entity::insert(results_checkpoint::ActiveModel {
            campaign_id: Set(campaign_id.to_owned()),
            layout: Set(layout),
            chunk: Set(chunk.chunk),
            first_seq: Set(chunk.first_seq),
            last_seq: Set(chunk.last_seq),
            row_count: Set(chunk.row_count),
            data: Set(chunk.data),
        })
        .on_conflict(
            OnConflict::columns([
                results_checkpoint::Column::CampaignId,
                results_checkpoint::Column::Layout,
                results_checkpoint::Column::Chunk,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    txn.commit().await
}

/// Rows stored in chunks for the campaign, whatever their layout (for tests and
/// benchmarks: whether an instance has written its checkpoints yet).
pub async fn stored_rows(db: &impl ConnectionTrait, campaign_id: &str) -> Result<i64, DbErr> {
    let counts: Vec<i32> = results_checkpoint::Entity::find()
        .select_only()
        .column(results_checkpoint::Column::RowCount)
        .filter(results_checkpoint::Column::CampaignId.eq(campaign_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(counts.into_iter().map(i64::from).sum())
}
