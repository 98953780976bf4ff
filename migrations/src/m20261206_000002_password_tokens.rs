//! One-time set-password links: an administrator creates an account (or resets a
//! password) and hands its holder a link; the holder chooses the password. Only the
//! SHA-256 of the link's token is stored; a link expires and works once.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PasswordTokens::Table)
                    .col(
                        ColumnDef::new(PasswordTokens::TokenHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PasswordTokens::UserId)
                            .string_len(36)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PasswordTokens::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PasswordTokens::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PasswordTokens::UsedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(PasswordTokens::CreatedBy)
                            .string_len(36)
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_password_tokens_user")
                            .from(PasswordTokens::Table, PasswordTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_password_tokens_user")
                    .table(PasswordTokens::Table)
                    .col(PasswordTokens::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PasswordTokens::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PasswordTokens {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
