//! Revisions of the public lists (issue 17, point 4): `GET /proposals` and
//! `GET /initiatives` answer from pages kept in memory while the revision of what they
//! read has not moved.
//!
//! One row per list in `list_revisions`, bumped by triggers on every table the list reads
//! (in the transaction of the write, whichever code path or instance wrote): a write
//! that forgets to say it changed something is not possible. Row-level triggers (one
//! `UPDATE` of a one-row counter per changed row, cheap on both backends) on SQLite;
//! statement-level triggers with transition tables on PostgreSQL, so that a bulk insert
//! bumps once and a statement that changes no row does not bump at all.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ListRevisions {
    Table,
    Id,
    Revision,
}

/// The list whose revision a table's writes bump (the `id` of its row).
const PROPOSALS: i32 = 1;
const INITIATIVES: i32 = 2;

/// The tables each list reads.
const WATCHED: &[(&str, i32)] = &[
    ("proposals", PROPOSALS),
    ("proposal_themes", PROPOSALS),
    ("proposal_supports", PROPOSALS),
    ("proposal_status_events", PROPOSALS),
    ("initiatives", INITIATIVES),
    ("initiative_themes", INITIATIVES),
    ("actors", INITIATIVES),
    ("labels", INITIATIVES),
    ("label_grants", INITIATIVES),
];

const EVENTS: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

fn trigger_name(table: &str, event: &str) -> String {
    format!("{table}_list_revision_{}", event.to_lowercase())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ListRevisions::Table)
                    .col(
                        ColumnDef::new(ListRevisions::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ListRevisions::Revision)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // The counters the triggers bump (not seed data: the schema's own state).
        db.execute_unprepared(&format!(
            "INSERT INTO list_revisions (id, revision) VALUES ({PROPOSALS}, 1), ({INITIATIVES}, 1)"
        ))
        .await?;
        let postgres =
            manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres;
        if postgres {
            db.execute_unprepared(
                "CREATE FUNCTION bump_list_revision() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN \
                   IF EXISTS (SELECT 1 FROM changed_rows) THEN \
                     UPDATE list_revisions SET revision = revision + 1 \
                     WHERE id = TG_ARGV[0]::integer; \
                   END IF; \
                   RETURN NULL; \
                 END $$",
            )
            .await?;
        }
        for (table, list) in WATCHED {
            for event in EVENTS {
                let name = trigger_name(table, event);
                let sql = if postgres {
                    let transition = if event == "DELETE" { "OLD" } else { "NEW" };
                    format!(
                        "CREATE TRIGGER {name} AFTER {event} ON {table} \
                         REFERENCING {transition} TABLE AS changed_rows \
                         FOR EACH STATEMENT EXECUTE FUNCTION bump_list_revision('{list}')"
                    )
                } else {
                    format!(
                        "CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN \
                         UPDATE list_revisions SET revision = revision + 1 WHERE id = {list}; \
                         END"
                    )
                };
                db.execute_unprepared(&sql).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres =
            manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres;
        for (table, _) in WATCHED {
            for event in EVENTS {
                let name = trigger_name(table, event);
                let sql = if postgres {
                    format!("DROP TRIGGER IF EXISTS {name} ON {table}")
                } else {
                    format!("DROP TRIGGER IF EXISTS {name}")
                };
                db.execute_unprepared(&sql).await?;
            }
        }
        if postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS bump_list_revision()")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ListRevisions::Table).to_owned())
            .await
    }
}
