//! Results after a restart (issue 17, point 2): the rows of a campaign's results dataset,
//! stored in their compact binary form (`Dataset::encode_rows`) so that an instance that
//! starts reads a few megabytes instead of parsing every answer's JSON again.
//!
//! One row per chunk of a campaign's answers in arrival order: chunk `n` holds the dataset
//! rows `n × rows … (n + 1) × rows − 1`, i.e. the answers with arrival numbers
//! `first_seq ..= last_seq`. A chunk is written once it is full and never changes (answers
//! are append-only); `layout` fingerprints the questionnaire version, the dataset's column
//! layout and the record-key secret, so that rows of another layout are simply not read.
//! The answers' JSON (`responses.answers`) stays the source of truth: deleting every row
//! here only makes the next start rebuild from it. Old databases need no backfill: the
//! first instance that rebuilds a campaign from the JSON writes its chunks.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ResultsCheckpoints::Table)
                    .col(
                        ColumnDef::new(ResultsCheckpoints::CampaignId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ResultsCheckpoints::Layout)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ResultsCheckpoints::Chunk)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ResultsCheckpoints::FirstSeq)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ResultsCheckpoints::LastSeq)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ResultsCheckpoints::RowCount)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ResultsCheckpoints::Data).blob().not_null())
                    .primary_key(
                        Index::create()
                            .col(ResultsCheckpoints::CampaignId)
                            .col(ResultsCheckpoints::Layout)
                            .col(ResultsCheckpoints::Chunk),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResultsCheckpoints::Table, ResultsCheckpoints::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ResultsCheckpoints::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ResultsCheckpoints {
    Table,
    CampaignId,
    Layout,
    Chunk,
    FirstSeq,
    LastSeq,
    RowCount,
    Data,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
}
