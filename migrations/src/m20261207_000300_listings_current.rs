//! Listings kept current, and volunteers matched with actors (issue 18, points 4 and 6).
//!
//! Initiatives and actors get `last_confirmed_at` (when the submitter or staff last said
//! the listing is still true; backfilled with the last update, which approval also sets)
//! and `stale_flagged_at` (when the submitter was asked to confirm; cleared by a
//! confirmation). Whether a listing is public is computed from `last_confirmed_at` and the
//! instance's periods at read time. `welcomes_volunteers` says the listing's actor takes
//! volunteers (« accueille des bénévoles »).
//!
//! `last_confirmed_at` is nullable only because SQLite cannot add a `NOT NULL` column
//! without a constant default; the server always writes it and this migration fills it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Initiatives {
    Table,
    Status,
    LastConfirmedAt,
    StaleFlaggedAt,
    WelcomesVolunteers,
}

#[derive(DeriveIden, Clone, Copy)]
enum Actors {
    Table,
    Status,
    LastConfirmedAt,
    StaleFlaggedAt,
    WelcomesVolunteers,
}

fn add(table: impl IntoIden, column: ColumnDef) -> TableAlterStatement {
    Table::alter().table(table).add_column(column).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for statement in [
            add(
                Initiatives::Table,
                ColumnDef::new(Initiatives::LastConfirmedAt)
                    .timestamp_with_time_zone()
                    .null()
                    .to_owned(),
            ),
            add(
                Initiatives::Table,
                ColumnDef::new(Initiatives::StaleFlaggedAt)
                    .timestamp_with_time_zone()
                    .null()
                    .to_owned(),
            ),
            add(
                Initiatives::Table,
                ColumnDef::new(Initiatives::WelcomesVolunteers)
                    .boolean()
                    .not_null()
                    .default(false)
                    .to_owned(),
            ),
            add(
                Actors::Table,
                ColumnDef::new(Actors::LastConfirmedAt)
                    .timestamp_with_time_zone()
                    .null()
                    .to_owned(),
            ),
            add(
                Actors::Table,
                ColumnDef::new(Actors::StaleFlaggedAt)
                    .timestamp_with_time_zone()
                    .null()
                    .to_owned(),
            ),
            add(
                Actors::Table,
                ColumnDef::new(Actors::WelcomesVolunteers)
                    .boolean()
                    .not_null()
                    .default(false)
                    .to_owned(),
            ),
        ] {
            manager.alter_table(statement).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE initiatives SET last_confirmed_at = updated_at")
            .await?;
        db.execute_unprepared("UPDATE actors SET last_confirmed_at = updated_at")
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_initiatives_status_confirmed")
                    .table(Initiatives::Table)
                    .col(Initiatives::Status)
                    .col(Initiatives::LastConfirmedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_actors_status_confirmed")
                    .table(Actors::Table)
                    .col(Actors::Status)
                    .col(Actors::LastConfirmedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_actors_status_confirmed")
                    .table(Actors::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_initiatives_status_confirmed")
                    .table(Initiatives::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Initiatives::LastConfirmedAt,
            Initiatives::StaleFlaggedAt,
            Initiatives::WelcomesVolunteers,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Initiatives::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Actors::LastConfirmedAt,
            Actors::StaleFlaggedAt,
            Actors::WelcomesVolunteers,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Actors::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
