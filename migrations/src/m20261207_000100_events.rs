//! The agenda: events announced by actors (moderated like initiatives), their dates and
//! their themes. The parsed content is kept whole as JSON (`content`); the columns beside
//! it are what lists filter and sort on.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(ColumnDef::new(Events::Id).uuid().not_null().primary_key())
                    // The organising actor, when the submitter named a published one.
                    .col(ColumnDef::new(Events::ActorId).uuid().null())
                    // Moderation: pending, published, rejected, changes_requested,
                    // archived, withdrawn (as initiatives).
                    .col(ColumnDef::new(Events::Status).string_len(20).not_null())
                    // The organisers' word: scheduled, postponed, cancelled, full.
                    .col(
                        ColumnDef::new(Events::EventStatus)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Events::Title).string_len(120).not_null())
                    .col(ColumnDef::new(Events::SearchText).text().not_null())
                    // The whole parsed content (the domain's `EventDraft`), as JSON.
                    .col(ColumnDef::new(Events::Content).text().not_null())
                    // Absent for an online event.
                    .col(ColumnDef::new(Events::CommuneCode).string_len(5).null())
                    .col(ColumnDef::new(Events::Lon).double().null())
                    .col(ColumnDef::new(Events::Lat).double().null())
                    // A submitter's change of a published event, waiting for moderation.
                    .col(ColumnDef::new(Events::PendingContent).text().null())
                    .col(
                        ColumnDef::new(Events::PendingAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    // iCalendar SEQUENCE: bumped on each published change.
                    .col(
                        ColumnDef::new(Events::Sequence)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Events::EditTokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Events::ModerationMessage).text().null())
                    .col(
                        ColumnDef::new(Events::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Events::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Events::PublishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_events_actor")
                            .from(Events::Table, Events::ActorId)
                            .to(Actors::Table, Actors::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_events_status", Events::Status),
            ("idx_events_actor", Events::ActorId),
            ("idx_events_commune", Events::CommuneCode),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Events::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(EventOccurrences::Table)
                    .col(ColumnDef::new(EventOccurrences::EventId).uuid().not_null())
                    // 1-based, in chronological order: part of the iCalendar UID.
                    .col(
                        ColumnDef::new(EventOccurrences::Position)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EventOccurrences::StartsAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(EventOccurrences::EndsAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(EventOccurrences::EventId)
                            .col(EventOccurrences::Position),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_event_occurrences_event")
                            .from(EventOccurrences::Table, EventOccurrences::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_event_occurrences_ends_at")
                    .table(EventOccurrences::Table)
                    .col(EventOccurrences::EndsAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(EventThemes::Table)
                    .col(ColumnDef::new(EventThemes::EventId).uuid().not_null())
                    .col(
                        ColumnDef::new(EventThemes::ThemeSlug)
                            .string_len(64)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(EventThemes::EventId)
                            .col(EventThemes::ThemeSlug),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_event_themes_event")
                            .from(EventThemes::Table, EventThemes::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_event_themes_theme")
                            .from(EventThemes::Table, EventThemes::ThemeSlug)
                            .to(Themes::Table, Themes::Slug),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_event_themes_slug")
                    .table(EventThemes::Table)
                    .col(EventThemes::ThemeSlug)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EventThemes::Table.into_iden(),
            EventOccurrences::Table.into_iden(),
            Events::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    ActorId,
    Status,
    EventStatus,
    Title,
    SearchText,
    Content,
    CommuneCode,
    Lon,
    Lat,
    PendingContent,
    PendingAt,
    Sequence,
    EditTokenHash,
    ModerationMessage,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum EventOccurrences {
    Table,
    EventId,
    Position,
    StartsAt,
    EndsAt,
}

#[derive(DeriveIden)]
enum EventThemes {
    Table,
    EventId,
    ThemeSlug,
}

#[derive(DeriveIden)]
enum Actors {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Themes {
    Table,
    Slug,
}
