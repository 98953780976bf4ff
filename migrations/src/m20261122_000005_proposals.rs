//! Proposals of solidarity actions: the proposals themselves (moderated, then followed up by
//! staff), their themes, the anonymous supports (one per device token hash), and the public
//! timeline of their follow-up statuses.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(
                        ColumnDef::new(Proposals::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Proposals::Title).string_len(120).not_null())
                    .col(ColumnDef::new(Proposals::Description).text().not_null())
                    // Accent- and case-folded title and description, for text search.
                    .col(ColumnDef::new(Proposals::SearchText).text().not_null())
                    // JSON array of theme slugs, in the author's order (first = main).
                    .col(ColumnDef::new(Proposals::Themes).text().not_null())
                    // Null: the whole territory.
                    .col(ColumnDef::new(Proposals::CommuneCode).string_len(5).null())
                    .col(ColumnDef::new(Proposals::Pseudonym).string_len(60).null())
                    // pending, published, rejected, archived.
                    .col(
                        ColumnDef::new(Proposals::ModerationStatus)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Proposals::ModerationMessage).text().null())
                    // Follow-up: submitted, under_study, accepted, in_progress, done, declined.
                    .col(ColumnDef::new(Proposals::Status).string_len(16).not_null())
                    // Rank set by staff or the committee, 1 first.
                    .col(ColumnDef::new(Proposals::Priority).integer().null())
                    // Set when this proposal was merged into another one as a duplicate.
                    .col(ColumnDef::new(Proposals::MergedInto).uuid().null())
                    // Staff only: never in a public answer.
                    .col(ColumnDef::new(Proposals::InternalNote).text().null())
                    .col(
                        ColumnDef::new(Proposals::InternalNoteUpdatedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Proposals::PublishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Proposals::Table, Proposals::MergedInto)
                            .to(Proposals::Table, Proposals::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            (
                "idx_proposals_moderation_status",
                Proposals::ModerationStatus,
            ),
            ("idx_proposals_status", Proposals::Status),
            ("idx_proposals_commune", Proposals::CommuneCode),
            ("idx_proposals_merged_into", Proposals::MergedInto),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Proposals::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        // Theme membership, for filtering; the JSON column keeps the order.
        manager
            .create_table(
                Table::create()
                    .table(ProposalThemes::Table)
                    .col(ColumnDef::new(ProposalThemes::ProposalId).uuid().not_null())
                    .col(
                        ColumnDef::new(ProposalThemes::ThemeSlug)
                            .string_len(64)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ProposalThemes::ProposalId)
                            .col(ProposalThemes::ThemeSlug),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProposalThemes::Table, ProposalThemes::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProposalThemes::Table, ProposalThemes::ThemeSlug)
                            .to(Themes::Table, Themes::Slug),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_proposal_themes_slug")
                    .table(ProposalThemes::Table)
                    .col(ProposalThemes::ThemeSlug)
                    .to_owned(),
            )
            .await?;

        // One row per (proposal, device): the primary key makes a second support from the
        // same device impossible, even from concurrent requests. Only the SHA-256 (hex) of
        // the device token is stored; no time, no address.
        manager
            .create_table(
                Table::create()
                    .table(ProposalSupports::Table)
                    .col(
                        ColumnDef::new(ProposalSupports::ProposalId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProposalSupports::DeviceTokenHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ProposalSupports::ProposalId)
                            .col(ProposalSupports::DeviceTokenHash),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProposalSupports::Table, ProposalSupports::ProposalId)
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // The public follow-up: one row per status change, with its public answer.
        manager
            .create_table(
                Table::create()
                    .table(ProposalStatusEvents::Table)
                    .col(
                        ColumnDef::new(ProposalStatusEvents::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ProposalStatusEvents::ProposalId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ProposalStatusEvents::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ProposalStatusEvents::Answer).text().null())
                    .col(
                        ColumnDef::new(ProposalStatusEvents::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ProposalStatusEvents::Table,
                                ProposalStatusEvents::ProposalId,
                            )
                            .to(Proposals::Table, Proposals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_proposal_status_events_proposal")
                    .table(ProposalStatusEvents::Table)
                    .col(ProposalStatusEvents::ProposalId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProposalStatusEvents::Table.into_iden(),
            ProposalSupports::Table.into_iden(),
            ProposalThemes::Table.into_iden(),
            Proposals::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Themes {
    Table,
    Slug,
}

#[derive(DeriveIden)]
enum Proposals {
    Table,
    Id,
    Title,
    Description,
    SearchText,
    Themes,
    CommuneCode,
    Pseudonym,
    ModerationStatus,
    ModerationMessage,
    Status,
    Priority,
    MergedInto,
    InternalNote,
    InternalNoteUpdatedAt,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum ProposalThemes {
    Table,
    ProposalId,
    ThemeSlug,
}

#[derive(DeriveIden)]
enum ProposalSupports {
    Table,
    ProposalId,
    DeviceTokenHash,
}

#[derive(DeriveIden)]
enum ProposalStatusEvents {
    Table,
    Id,
    ProposalId,
    Status,
    Answer,
    At,
}
