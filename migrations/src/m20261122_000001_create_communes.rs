use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Communes::Table)
                    .col(
                        ColumnDef::new(Communes::Code)
                            .string_len(5)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Communes::Name).string().not_null())
                    .col(ColumnDef::new(Communes::Population).big_integer().null())
                    // JSON array of postal codes, e.g. ["40000","40090"].
                    .col(ColumnDef::new(Communes::PostalCodes).text().not_null())
                    // GeoJSON MultiPolygon geometry, WGS 84 lon/lat.
                    .col(ColumnDef::new(Communes::Geometry).text().not_null())
                    .col(ColumnDef::new(Communes::MinLon).double().not_null())
                    .col(ColumnDef::new(Communes::MinLat).double().not_null())
                    .col(ColumnDef::new(Communes::MaxLon).double().not_null())
                    .col(ColumnDef::new(Communes::MaxLat).double().not_null())
                    .to_owned(),
            )
            .await?;

        // One row: the revision of the imported territory. Every server instance compares it
        // with the revision it has in memory to know when to reload its commune index.
        manager
            .create_table(
                Table::create()
                    .table(Territory::Table)
                    .col(
                        ColumnDef::new(Territory::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Territory::Revision).big_integer().not_null())
                    .col(ColumnDef::new(Territory::CommuneCount).integer().not_null())
                    .col(ColumnDef::new(Territory::Source).text().not_null())
                    .col(
                        ColumnDef::new(Territory::ImportedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Territory::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Communes::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Communes {
    Table,
    Code,
    Name,
    Population,
    PostalCodes,
    Geometry,
    MinLon,
    MinLat,
    MaxLon,
    MaxLat,
}

#[derive(DeriveIden)]
enum Territory {
    Table,
    Id,
    Revision,
    CommuneCount,
    Source,
    ImportedAt,
}
