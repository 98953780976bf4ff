//! Label applications (issue 18, point 3).
//!
//! - `labels.criteria_list`: the label's criteria as an ordered JSON array of strings.
//!   A JSON column rather than a `label_criteria` table because criteria are always read
//!   and written whole, with their label, and never queried one by one; an application
//!   keeps a copy of the criteria it answered (below), so nothing needs to point at a
//!   criterion row. The old `criteria` text stays (readable, and kept as the list's lines
//!   by the server); this migration fills the list from it, one criterion per non-blank
//!   line, list markers (`-`, `*`, `•`) dropped.
//! - `label_applications`: an actor's application for a label, with the criteria and the
//!   answers as they were sent (`answers`: JSON `[{"criterion", "answer"}]`), an optional
//!   attachment link, the optional consented address to be told of the decision (purged
//!   with the other notification addresses), the hash of its private link, its status
//!   (`pending`, `approved`, `refused`, `withdrawn`) and the decision.
//! - `label_grants.renewal_invited_at`: when the holder was invited to renew the grant in
//!   its current period (cleared when an approval extends it), so that one invitation at
//!   most is sent per period.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Labels {
    Table,
    Id,
    CriteriaList,
}

#[derive(DeriveIden, Clone, Copy)]
enum LabelGrants {
    Table,
    RenewalInvitedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Actors {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum LabelApplications {
    Table,
    Id,
    LabelId,
    ActorId,
    Status,
    Answers,
    AttachmentUrl,
    NotifyEmail,
    TokenHash,
    MailTokenHash,
    CreatedAt,
    DecidedAt,
    RefusalReason,
    GrantedUntil,
}

/// One criterion per non-blank line, list markers dropped (the same rule as
/// `solidarites_domain::labels::criteria_from_text`, which the migrations cannot depend on).
fn criteria_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            line.trim()
                .trim_start_matches(['-', '*', '•'])
                .trim()
                .to_owned()
        })
        .filter(|line| !line.is_empty())
        .collect()
}

/// A JSON array of strings.
fn json_array(items: &[String]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in item.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push(']');
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Labels::Table)
                    .add_column(
                        ColumnDef::new(Labels::CriteriaList)
                            .text()
                            .not_null()
                            .default("[]"),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT DISTINCT criteria FROM labels",
            ))
            .await?;
        for row in rows {
            let criteria: String = row.try_get("", "criteria")?;
            let list = json_array(&criteria_lines(&criteria));
            let update = Query::update()
                .table(Labels::Table)
                .value(Labels::CriteriaList, list)
                .and_where(Expr::col(Alias::new("criteria")).eq(criteria))
                .to_owned();
            manager.exec_stmt(update).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(LabelGrants::Table)
                    .add_column(
                        ColumnDef::new(LabelGrants::RenewalInvitedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LabelApplications::Table)
                    .col(
                        ColumnDef::new(LabelApplications::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(LabelApplications::LabelId).uuid().not_null())
                    .col(ColumnDef::new(LabelApplications::ActorId).uuid().not_null())
                    .col(
                        ColumnDef::new(LabelApplications::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(LabelApplications::Answers).text().not_null())
                    .col(
                        ColumnDef::new(LabelApplications::AttachmentUrl)
                            .text()
                            .null(),
                    )
                    .col(ColumnDef::new(LabelApplications::NotifyEmail).text().null())
                    .col(
                        ColumnDef::new(LabelApplications::TokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    // The key of the link sent by e-mail (the one shown at submission is
                    // only stored hashed and cannot be sent again).
                    .col(
                        ColumnDef::new(LabelApplications::MailTokenHash)
                            .string_len(64)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(LabelApplications::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(LabelApplications::DecidedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(LabelApplications::RefusalReason)
                            .text()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(LabelApplications::GrantedUntil)
                            .date()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LabelApplications::Table, LabelApplications::LabelId)
                            .to(Labels::Table, Labels::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LabelApplications::Table, LabelApplications::ActorId)
                            .to(Actors::Table, Actors::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_label_applications_status")
                    .table(LabelApplications::Table)
                    .col(LabelApplications::Status)
                    .col(LabelApplications::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_label_applications_mail_token")
                    .table(LabelApplications::Table)
                    .col(LabelApplications::MailTokenHash)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_label_applications_holder")
                    .table(LabelApplications::Table)
                    .col(LabelApplications::LabelId)
                    .col(LabelApplications::ActorId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LabelApplications::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(LabelGrants::Table)
                    .drop_column(LabelGrants::RenewalInvitedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Labels::Table)
                    .drop_column(Labels::CriteriaList)
                    .to_owned(),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_criteria_text_is_split_into_lines_without_markers() {
        let lines =
            criteria_lines("- Être ouvert à tous\n\n  * Un lieu \"accessible\"\n• Gratuit ");
        assert_eq!(
            lines,
            ["Être ouvert à tous", "Un lieu \"accessible\"", "Gratuit"]
        );
        assert_eq!(
            json_array(&lines),
            r#"["Être ouvert à tous","Un lieu \"accessible\"","Gratuit"]"#
        );
        assert_eq!(json_array(&[]), "[]");
    }
}
