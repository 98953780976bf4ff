//! The secret of the installation that record keys are derived from: each answer's
//! record key is HMAC-SHA-256(secret, response id), truncated to 32 bits, and the cell
//! keys that perturb filtered results views are sums of record keys. The one row
//! (`id` = 1) is written by the server on first use (a random secret, inserted only if
//! absent), so every instance reads the same secret; it is never published or exported.
//! Changing it changes the noise of every filtered view: keep it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ResultsKey::Table)
                    .col(
                        ColumnDef::new(ResultsKey::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    // 64 hexadecimal digits (256 random bits).
                    .col(ColumnDef::new(ResultsKey::Secret).string_len(64).not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ResultsKey::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ResultsKey {
    Table,
    Id,
    Secret,
}
