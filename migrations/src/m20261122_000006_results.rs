//! Results by commune: territorial zones (cantons, arrondissements, EPCI) and the
//! communes they hold, territorial indicators per commune, and an arrival sequence on
//! responses so that servers can keep their aggregates up to date incrementally.
//!
//! `responses.seq` numbers the answers of each campaign 1, 2, 3… in the order they were
//! committed (the insert transaction takes it under a lock on the campaign row), so "every
//! answer with `seq` > n" is exactly what a server holding the first n has not seen. It
//! carries no time of day. Exports never include it and never list answers in its order.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per zone level imported (`canton`, `arrondissement`, `epci`).
        manager
            .create_table(
                Table::create()
                    .table(ZoneLevels::Table)
                    .col(
                        ColumnDef::new(ZoneLevels::Level)
                            .string_len(16)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ZoneLevels::Source).text().not_null())
                    .col(
                        ColumnDef::new(ZoneLevels::ImportedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Zones::Table)
                    .col(ColumnDef::new(Zones::Level).string_len(16).not_null())
                    .col(ColumnDef::new(Zones::Code).string_len(40).not_null())
                    .col(ColumnDef::new(Zones::Name).string().not_null())
                    // GeoJSON geometry (WGS 84) when imported from polygons, else null: the
                    // zone is then drawn as the union of its communes.
                    .col(ColumnDef::new(Zones::Geometry).text().null())
                    .primary_key(Index::create().col(Zones::Level).col(Zones::Code))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CommuneZones::Table)
                    .col(
                        ColumnDef::new(CommuneZones::Level)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CommuneZones::CommuneCode)
                            .string_len(5)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CommuneZones::ZoneCode)
                            .string_len(40)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CommuneZones::Level)
                            .col(CommuneZones::CommuneCode),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Indicators::Table)
                    .col(
                        ColumnDef::new(Indicators::Code)
                            .string_len(60)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Indicators::Label).string().not_null())
                    .col(ColumnDef::new(Indicators::Unit).string().null())
                    .col(ColumnDef::new(Indicators::Source).string().null())
                    .col(ColumnDef::new(Indicators::Year).integer().null())
                    .col(
                        ColumnDef::new(Indicators::ImportedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IndicatorValues::Table)
                    .col(
                        ColumnDef::new(IndicatorValues::IndicatorCode)
                            .string_len(60)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(IndicatorValues::CommuneCode)
                            .string_len(5)
                            .not_null(),
                    )
                    .col(ColumnDef::new(IndicatorValues::Value).double().not_null())
                    .primary_key(
                        Index::create()
                            .col(IndicatorValues::IndicatorCode)
                            .col(IndicatorValues::CommuneCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IndicatorValues::Table, IndicatorValues::IndicatorCode)
                            .to(Indicators::Table, Indicators::Code)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // Arrival order of the answers of each campaign (see the module comment).
        manager
            .alter_table(
                Table::alter()
                    .table(Responses::Table)
                    .add_column(
                        ColumnDef::new(Responses::Seq)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        // Answers stored before this migration: numbered by id within their campaign.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE responses SET seq = (SELECT COUNT(*) FROM responses r2 \
                 WHERE r2.campaign_id = responses.campaign_id AND r2.id <= responses.id)",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_responses_campaign_seq")
                    .table(Responses::Table)
                    .col(Responses::CampaignId)
                    .col(Responses::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Exports page through a campaign's answers by id (random order, says nothing of
        // arrival).
        manager
            .create_index(
                Index::create()
                    .name("idx_responses_campaign_id")
                    .table(Responses::Table)
                    .col(Responses::CampaignId)
                    .col(Responses::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_responses_campaign_id")
                    .table(Responses::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("uq_responses_campaign_seq")
                    .table(Responses::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Responses::Table)
                    .drop_column(Responses::Seq)
                    .to_owned(),
            )
            .await?;
        for table in [
            IndicatorValues::Table.into_iden(),
            Indicators::Table.into_iden(),
            CommuneZones::Table.into_iden(),
            Zones::Table.into_iden(),
            ZoneLevels::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ZoneLevels {
    Table,
    Level,
    Source,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Zones {
    Table,
    Level,
    Code,
    Name,
    Geometry,
}

#[derive(DeriveIden)]
enum CommuneZones {
    Table,
    Level,
    CommuneCode,
    ZoneCode,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Code,
    Label,
    Unit,
    Source,
    Year,
    ImportedAt,
}

#[derive(DeriveIden)]
enum IndicatorValues {
    Table,
    IndicatorCode,
    CommuneCode,
    Value,
}

#[derive(DeriveIden)]
enum Responses {
    Table,
    CampaignId,
    Id,
    Seq,
}
