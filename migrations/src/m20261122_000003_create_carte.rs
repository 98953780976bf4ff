//! The carte des solidarités: themes, actors, initiatives (with their pending revisions),
//! labels and their grants, and the revision counter of published map content.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Themes::Table)
                    .col(
                        ColumnDef::new(Themes::Slug)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Themes::Label).string().not_null())
                    .col(ColumnDef::new(Themes::Color).string_len(7).not_null())
                    .col(ColumnDef::new(Themes::Icon).string_len(64).not_null())
                    .col(ColumnDef::new(Themes::Position).integer().not_null())
                    .col(
                        ColumnDef::new(Themes::RetiredAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Actors::Table)
                    .col(ColumnDef::new(Actors::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Actors::Name).string().not_null())
                    // Accent- and case-folded name and description, for text search.
                    .col(ColumnDef::new(Actors::SearchText).text().not_null())
                    .col(ColumnDef::new(Actors::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(Actors::Description).text().not_null())
                    .col(ColumnDef::new(Actors::Website).text().null())
                    .col(ColumnDef::new(Actors::ContactEmail).text().null())
                    .col(ColumnDef::new(Actors::ContactPhone).string_len(32).null())
                    .col(ColumnDef::new(Actors::CommuneCode).string_len(5).null())
                    .col(
                        ColumnDef::new(Actors::CharterSignedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(Actors::Status).string_len(16).not_null())
                    // Shown to the submitter (reason of a rejection).
                    .col(ColumnDef::new(Actors::ModerationMessage).text().null())
                    .col(
                        ColumnDef::new(Actors::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Actors::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_actors_status")
                    .table(Actors::Table)
                    .col(Actors::Status)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Initiatives::Table)
                    .col(
                        ColumnDef::new(Initiatives::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Initiatives::ActorId).uuid().not_null())
                    .col(
                        ColumnDef::new(Initiatives::Status)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Initiatives::Title)
                            .string_len(120)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Initiatives::Description).text().not_null())
                    .col(ColumnDef::new(Initiatives::SearchText).text().not_null())
                    // Position shown on the map (WGS 84): the submitted point, or the
                    // commune's interior point for a commune-wide action.
                    .col(ColumnDef::new(Initiatives::Lon).double().not_null())
                    .col(ColumnDef::new(Initiatives::Lat).double().not_null())
                    .col(ColumnDef::new(Initiatives::HasPoint).boolean().not_null())
                    .col(
                        ColumnDef::new(Initiatives::CommuneCode)
                            .string_len(5)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Initiatives::Address).text().null())
                    .col(ColumnDef::new(Initiatives::StartDate).date().null())
                    .col(ColumnDef::new(Initiatives::EndDate).date().null())
                    .col(ColumnDef::new(Initiatives::Schedule).text().null())
                    .col(ColumnDef::new(Initiatives::Audience).text().null())
                    .col(ColumnDef::new(Initiatives::ContactEmail).text().null())
                    .col(
                        ColumnDef::new(Initiatives::ContactPhone)
                            .string_len(32)
                            .null(),
                    )
                    .col(ColumnDef::new(Initiatives::ContactUrl).text().null())
                    // JSON array of theme slugs, in the submitter's order (first = primary).
                    .col(ColumnDef::new(Initiatives::Themes).text().not_null())
                    // SHA-256 (hex) of the private edit token; the token itself is never stored.
                    .col(
                        ColumnDef::new(Initiatives::EditTokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Initiatives::ModerationMessage).text().null())
                    .col(
                        ColumnDef::new(Initiatives::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Initiatives::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Initiatives::PublishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Initiatives::Table, Initiatives::ActorId)
                            .to(Actors::Table, Actors::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_initiatives_status", Initiatives::Status),
            ("idx_initiatives_actor", Initiatives::ActorId),
            ("idx_initiatives_commune", Initiatives::CommuneCode),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Initiatives::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        // Theme membership, for filtering; the JSON column keeps the order.
        manager
            .create_table(
                Table::create()
                    .table(InitiativeThemes::Table)
                    .col(
                        ColumnDef::new(InitiativeThemes::InitiativeId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(InitiativeThemes::ThemeSlug)
                            .string_len(64)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(InitiativeThemes::InitiativeId)
                            .col(InitiativeThemes::ThemeSlug),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(InitiativeThemes::Table, InitiativeThemes::InitiativeId)
                            .to(Initiatives::Table, Initiatives::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(InitiativeThemes::Table, InitiativeThemes::ThemeSlug)
                            .to(Themes::Table, Themes::Slug),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_initiative_themes_slug")
                    .table(InitiativeThemes::Table)
                    .col(InitiativeThemes::ThemeSlug)
                    .to_owned(),
            )
            .await?;

        // A submitter's change to a published initiative, waiting for moderation.
        manager
            .create_table(
                Table::create()
                    .table(InitiativeRevisions::Table)
                    .col(
                        ColumnDef::new(InitiativeRevisions::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(InitiativeRevisions::InitiativeId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(InitiativeRevisions::Status)
                            .string_len(20)
                            .not_null(),
                    )
                    // The complete proposed content, as JSON.
                    .col(
                        ColumnDef::new(InitiativeRevisions::Content)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(InitiativeRevisions::ModerationMessage)
                            .text()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(InitiativeRevisions::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(InitiativeRevisions::DecidedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                InitiativeRevisions::Table,
                                InitiativeRevisions::InitiativeId,
                            )
                            .to(Initiatives::Table, Initiatives::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_initiative_revisions_initiative")
                    .table(InitiativeRevisions::Table)
                    .col(InitiativeRevisions::InitiativeId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Labels::Table)
                    .col(ColumnDef::new(Labels::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(Labels::Slug)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Labels::Name).string().not_null())
                    .col(ColumnDef::new(Labels::Criteria).text().not_null())
                    .col(
                        ColumnDef::new(Labels::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LabelGrants::Table)
                    .col(
                        ColumnDef::new(LabelGrants::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(LabelGrants::LabelId).uuid().not_null())
                    // Exactly one of the two is set.
                    .col(ColumnDef::new(LabelGrants::ActorId).uuid().null())
                    .col(ColumnDef::new(LabelGrants::InitiativeId).uuid().null())
                    .col(
                        ColumnDef::new(LabelGrants::GrantedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    // Last day the label is valid (inclusive).
                    .col(ColumnDef::new(LabelGrants::ExpiresOn).date().not_null())
                    .col(
                        ColumnDef::new(LabelGrants::RevokedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LabelGrants::Table, LabelGrants::LabelId)
                            .to(Labels::Table, Labels::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LabelGrants::Table, LabelGrants::ActorId)
                            .to(Actors::Table, Actors::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LabelGrants::Table, LabelGrants::InitiativeId)
                            .to(Initiatives::Table, Initiatives::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // One row: bumped in the same transaction as anything that changes what the public
        // map shows, so every server instance knows when to reload its snapshot.
        manager
            .create_table(
                Table::create()
                    .table(MapState::Table)
                    .col(
                        ColumnDef::new(MapState::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(MapState::Revision).big_integer().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MapState::Table.into_iden(),
            LabelGrants::Table.into_iden(),
            Labels::Table.into_iden(),
            InitiativeRevisions::Table.into_iden(),
            InitiativeThemes::Table.into_iden(),
            Initiatives::Table.into_iden(),
            Actors::Table.into_iden(),
            Themes::Table.into_iden(),
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
    Label,
    Color,
    Icon,
    Position,
    RetiredAt,
}

#[derive(DeriveIden)]
enum Actors {
    Table,
    Id,
    Name,
    SearchText,
    Kind,
    Description,
    Website,
    ContactEmail,
    ContactPhone,
    CommuneCode,
    CharterSignedAt,
    Status,
    ModerationMessage,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Initiatives {
    Table,
    Id,
    ActorId,
    Status,
    Title,
    Description,
    SearchText,
    Lon,
    Lat,
    HasPoint,
    CommuneCode,
    Address,
    StartDate,
    EndDate,
    Schedule,
    Audience,
    ContactEmail,
    ContactPhone,
    ContactUrl,
    Themes,
    EditTokenHash,
    ModerationMessage,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum InitiativeThemes {
    Table,
    InitiativeId,
    ThemeSlug,
}

#[derive(DeriveIden)]
enum InitiativeRevisions {
    Table,
    Id,
    InitiativeId,
    Status,
    Content,
    ModerationMessage,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum Labels {
    Table,
    Id,
    Slug,
    Name,
    Criteria,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LabelGrants {
    Table,
    Id,
    LabelId,
    ActorId,
    InitiativeId,
    GrantedAt,
    ExpiresOn,
    RevokedAt,
}

#[derive(DeriveIden)]
enum MapState {
    Table,
    Id,
    Revision,
}
