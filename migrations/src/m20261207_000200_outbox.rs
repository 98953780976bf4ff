//! E-mail notifications: the durable outbox (a message is written in the transaction of
//! the decision that causes it, then delivered by a sender task with retries; a lease
//! keeps two instances from sending one message twice), the days whose moderators' digest
//! was queued (once per day across instances), and the optional address a submitter of an
//! initiative or a proposal leaves, with consent, to be told of the decision. An
//! initiative also gets a second private edit key: the one sent by e-mail (the key shown at
//! submission is only stored hashed and cannot be sent again).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(ColumnDef::new(Outbox::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Outbox::Kind).string_len(64).not_null())
                    .col(ColumnDef::new(Outbox::Recipient).text().not_null())
                    .col(ColumnDef::new(Outbox::Subject).text().not_null())
                    .col(ColumnDef::new(Outbox::BodyText).text().not_null())
                    .col(ColumnDef::new(Outbox::BodyHtml).text().not_null())
                    .col(
                        ColumnDef::new(Outbox::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Outbox::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Outbox::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Outbox::SentAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    // `smtp` or `log` (no SMTP server configured).
                    .col(ColumnDef::new(Outbox::SentVia).string_len(16).null())
                    .col(ColumnDef::new(Outbox::LastError).text().null())
                    .col(ColumnDef::new(Outbox::ClaimedBy).string_len(64).null())
                    .col(
                        ColumnDef::new(Outbox::ClaimedUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_pending")
                    .table(Outbox::Table)
                    .col(Outbox::SentAt)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OutboxDaily::Table)
                    .col(
                        ColumnDef::new(OutboxDaily::Name)
                            .string_len(100)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(OutboxDaily::QueuedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per ALTER TABLE.
        for column in [Initiatives::NotifyEmail, Initiatives::MailTokenHash] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Initiatives::Table)
                        .add_column(ColumnDef::new(column).text().null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .add_column(ColumnDef::new(Proposals::NotifyEmail).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Proposals::Table)
                    .drop_column(Proposals::NotifyEmail)
                    .to_owned(),
            )
            .await?;
        for column in [Initiatives::MailTokenHash, Initiatives::NotifyEmail] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Initiatives::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(OutboxDaily::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    Recipient,
    Subject,
    BodyText,
    BodyHtml,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    SentAt,
    SentVia,
    LastError,
    ClaimedBy,
    ClaimedUntil,
}

#[derive(DeriveIden)]
enum OutboxDaily {
    Table,
    Name,
    QueuedAt,
}

#[derive(DeriveIden)]
enum Initiatives {
    Table,
    NotifyEmail,
    MailTokenHash,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    NotifyEmail,
}
