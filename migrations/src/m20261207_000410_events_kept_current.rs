//! Events kept current and told by e-mail (issue 18, points 4 and 5), as initiatives are:
//! `last_confirmed_at` (set at approval, by an approved change, by the submitter's
//! one-click confirmation and by staff; backfilled here with the publication date) and
//! `stale_flagged_at` (when the submitter was asked to confirm); the optional address the
//! submitter leaves with consent (`notify_email`, staff only, forgotten after the
//! retention period) and the second private edit key sent by e-mail (`mail_token_hash`:
//! the key shown at submission is stored hashed only).
//!
//! `last_confirmed_at` is nullable only because SQLite cannot add a `NOT NULL` column
//! without a constant default; the server always writes it for a published event.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Events {
    Table,
    Status,
    LastConfirmedAt,
    StaleFlaggedAt,
    NotifyEmail,
    MailTokenHash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [Events::LastConfirmedAt, Events::StaleFlaggedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Events::Table)
                        .add_column(ColumnDef::new(column).timestamp_with_time_zone().null())
                        .to_owned(),
                )
                .await?;
        }
        for column in [Events::NotifyEmail, Events::MailTokenHash] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Events::Table)
                        .add_column(ColumnDef::new(column).text().null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE events SET last_confirmed_at = COALESCE(published_at, updated_at)",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_events_status_confirmed")
                    .table(Events::Table)
                    .col(Events::Status)
                    .col(Events::LastConfirmedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_events_status_confirmed")
                    .table(Events::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Events::MailTokenHash,
            Events::NotifyEmail,
            Events::StaleFlaggedAt,
            Events::LastConfirmedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Events::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
