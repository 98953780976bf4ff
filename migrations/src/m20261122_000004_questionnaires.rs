//! The needs questionnaire: questionnaires and their versions, campaigns, anonymous
//! responses, and volunteers.
//!
//! Ids are UUIDs stored as 36-character text (as for staff accounts). A `responses` row
//! holds no address, user agent, account or contact of any kind, and its date has no time
//! of day. Volunteers are a separate table with no link to responses: nothing ties a
//! volunteer to an answer.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Questionnaires::Table)
                    .col(
                        ColumnDef::new(Questionnaires::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Questionnaires::Title).string().not_null())
                    .col(
                        ColumnDef::new(Questionnaires::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Questionnaires::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(QuestionnaireVersions::Table)
                    .col(
                        ColumnDef::new(QuestionnaireVersions::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(QuestionnaireVersions::QuestionnaireId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(QuestionnaireVersions::Version)
                            .integer()
                            .not_null(),
                    )
                    // The QuestionnaireDefinition as JSON.
                    .col(
                        ColumnDef::new(QuestionnaireVersions::Definition)
                            .text()
                            .not_null(),
                    )
                    // Set by the first response: a frozen version is never edited again.
                    .col(
                        ColumnDef::new(QuestionnaireVersions::FrozenAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(QuestionnaireVersions::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                QuestionnaireVersions::Table,
                                QuestionnaireVersions::QuestionnaireId,
                            )
                            .to(Questionnaires::Table, Questionnaires::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_questionnaire_versions_version")
                    .table(QuestionnaireVersions::Table)
                    .col(QuestionnaireVersions::QuestionnaireId)
                    .col(QuestionnaireVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(
                        ColumnDef::new(Campaigns::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Campaigns::Title).string().not_null())
                    .col(ColumnDef::new(Campaigns::Description).text().not_null())
                    .col(
                        ColumnDef::new(Campaigns::QuestionnaireVersionId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Campaigns::OpensAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Campaigns::ClosesAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    // draft, open or closed.
                    .col(ColumnDef::new(Campaigns::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Campaigns::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Campaigns::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Campaigns::Table, Campaigns::QuestionnaireVersionId)
                            .to(QuestionnaireVersions::Table, QuestionnaireVersions::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Responses::Table)
                    // Random (UUID v4): says nothing of when the answer came.
                    .col(
                        ColumnDef::new(Responses::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Responses::CampaignId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Responses::QuestionnaireVersionId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Responses::CommuneCode)
                            .string_len(5)
                            .not_null(),
                    )
                    // web, telephone, papier or accueil.
                    .col(ColumnDef::new(Responses::Channel).string_len(16).not_null())
                    // The validated answers as JSON.
                    .col(ColumnDef::new(Responses::Answers).text().not_null())
                    // The day only: a time of day would help re-identify respondents.
                    .col(ColumnDef::new(Responses::SubmittedOn).date().not_null())
                    // SHA-256 (hex) of the client's Idempotency-Key.
                    .col(
                        ColumnDef::new(Responses::IdempotencyKeyHash)
                            .string_len(64)
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Responses::Table, Responses::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Responses::Table, Responses::QuestionnaireVersionId)
                            .to(QuestionnaireVersions::Table, QuestionnaireVersions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_responses_idempotency")
                    .table(Responses::Table)
                    .col(Responses::CampaignId)
                    .col(Responses::IdempotencyKeyHash)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Volunteers::Table)
                    .col(
                        ColumnDef::new(Volunteers::Id)
                            .string_len(36)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Volunteers::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Volunteers::Name).string().not_null())
                    .col(ColumnDef::new(Volunteers::Email).string_len(254).null())
                    .col(ColumnDef::new(Volunteers::Phone).string_len(32).null())
                    .col(
                        ColumnDef::new(Volunteers::CommuneCode)
                            .string_len(5)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Volunteers::Availability).text().not_null())
                    // JSON array of theme slugs.
                    .col(ColumnDef::new(Volunteers::Themes).text().not_null())
                    // The consent sentence exactly as shown to the volunteer.
                    .col(ColumnDef::new(Volunteers::ConsentText).text().not_null())
                    .col(
                        ColumnDef::new(Volunteers::ConsentAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_volunteers_created_at")
                    .table(Volunteers::Table)
                    .col(Volunteers::CreatedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Volunteers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Responses::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Campaigns::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(QuestionnaireVersions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Questionnaires::Table).to_owned())
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Questionnaires {
    Table,
    Id,
    Title,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum QuestionnaireVersions {
    Table,
    Id,
    QuestionnaireId,
    Version,
    Definition,
    FrozenAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
    Title,
    Description,
    QuestionnaireVersionId,
    OpensAt,
    ClosesAt,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Responses {
    Table,
    Id,
    CampaignId,
    QuestionnaireVersionId,
    CommuneCode,
    Channel,
    Answers,
    SubmittedOn,
    IdempotencyKeyHash,
}

#[derive(DeriveIden)]
enum Volunteers {
    Table,
    Id,
    CreatedAt,
    Name,
    Email,
    Phone,
    CommuneCode,
    Availability,
    Themes,
    ConsentText,
    ConsentAt,
}
