//! Settings administrators change from the back office (public results, statistical
//! secrecy threshold, gap distance, map tiles), stored so that every server instance
//! applies them without a restart.
//!
//! One row (`id` = 1) at most. A null column means "not stored": the instance's own
//! default (its command-line flag or environment variable) applies. `revision` grows with
//! every change, so instances reload their copy only when it differs from theirs.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SiteSettings::Table)
                    .col(
                        ColumnDef::new(SiteSettings::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SiteSettings::Revision)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SiteSettings::PublicResults).boolean().null())
                    .col(ColumnDef::new(SiteSettings::SecrecyK).integer().null())
                    .col(ColumnDef::new(SiteSettings::GapDistanceKm).double().null())
                    .col(ColumnDef::new(SiteSettings::TileUrl).text().null())
                    .col(ColumnDef::new(SiteSettings::TileAttribution).text().null())
                    .col(
                        ColumnDef::new(SiteSettings::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SiteSettings::UpdatedBy)
                            .string_len(36)
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SiteSettings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SiteSettings {
    Table,
    Id,
    Revision,
    PublicResults,
    SecrecyK,
    GapDistanceKm,
    TileUrl,
    TileAttribution,
    UpdatedAt,
    UpdatedBy,
}
