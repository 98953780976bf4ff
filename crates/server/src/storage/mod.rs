//! Storage: connecting to SQLite or PostgreSQL, running the migrations, and the functions
//! that read and write domain values. Handlers never build SQL themselves.

pub mod actors;
pub mod answers;
pub mod audit;
mod carte_entities;
pub mod communes;
mod entities;
mod event_entities;
pub mod events;
pub mod freshness;
pub mod indicators;
pub mod initiative_exports;
pub mod initiatives;
pub mod label_applications;
pub mod labels;
pub mod list_revisions;
pub mod moderation;
pub mod needs;
pub mod outbox;
pub mod password_tokens;
mod proposal_entities;
pub mod proposals;
mod questionnaire_entities;
pub mod questionnaires;
pub mod results_checkpoints;
mod results_entities;
pub mod sessions;
pub mod site_settings;
pub mod themes;
pub mod users;
pub mod volunteers;
pub mod zones;

/// Rows read back from storage: the plain fields of a table's row. Their sea-orm entities,
/// columns and active models stay private to this module (the `*entities` modules above are
/// not `pub`, and `cargo xtask test` checks that no file outside `storage/` names them), so
/// every query and every write goes through a storage function.
pub use carte_entities::{
    actor::Model as Actor, initiative::Model as Initiative, label::Model as Label,
    label_grant::Model as LabelGrant, theme::Model as Theme,
};
pub use event_entities::event::Model as EventRow;
pub use proposal_entities::proposal::Model as Proposal;
pub use questionnaire_entities::{
    campaign::Model as Campaign, questionnaire_version::Model as QuestionnaireVersion,
    volunteer::Model as Volunteer,
};
pub use results_entities::indicator::Model as Indicator;

use std::{path::Path, time::Duration};

use anyhow::Context;
use sea_orm::{
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend,
};
use solidarites_migration::{Migrator, MigratorTrait};

/// Whether the database holds any actor, initiative, proposal or campaign (the demo data
/// go only into a database without any).
pub async fn has_content(db: &impl ConnectionTrait) -> Result<bool, sea_orm::DbErr> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    Ok(carte_entities::actor::Entity::find().count(db).await? > 0
        || carte_entities::initiative::Entity::find().count(db).await? > 0
        || proposal_entities::proposal::Entity::find()
            .count(db)
            .await?
            > 0
        || questionnaire_entities::campaign::Entity::find()
            .count(db)
            .await?
            > 0)
}

/// A page of `query`: `limit` rows from `offset`, by `first` then `id` ascending (a queue,
/// oldest first; the id keeps the order of ties stable from one page to the next).
async fn page_by<E: sea_orm::EntityTrait>(
    db: &impl ConnectionTrait,
    query: sea_orm::Select<E>,
    (first, id): (E::Column, E::Column),
    offset: u64,
    limit: u64,
) -> Result<Vec<E::Model>, sea_orm::DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    query
        .order_by_asc(first)
        .order_by_asc(id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await
}

/// Inserts `rows` in one statement, or nothing when there are none.
async fn insert_rows<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), sea_orm::DbErr>
where
    A: sea_orm::ActiveModelTrait,
{
    use sea_orm::EntityTrait;
    if !rows.is_empty() {
        A::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The rows whose id (`id`) has at least one of `themes` in their theme table, whose
/// `owner` column names the row and `slug` column the theme.
fn with_any_theme<I, T>(id: I, owner: T, slug: T, themes: &[String]) -> sea_orm::sea_query::Expr
where
    I: sea_orm::ColumnTrait,
    T: sea_orm::ColumnTrait,
{
    id.in_subquery(
        sea_orm::sea_query::Query::select()
            .column(owner)
            .from(T::EntityName::default())
            .and_where(slug.is_in(themes.to_vec()))
            .to_owned(),
    )
}

/// The rows whose folded search text (`column`) holds the folded query `q`, when there is
/// one: `fold` leaves only letters, digits and single spaces, so no LIKE wildcard to escape.
fn text_search(
    column: impl sea_orm::ColumnTrait,
    q: Option<&str>,
) -> Option<sea_orm::sea_query::Expr> {
    q.filter(|q| !q.is_empty())
        .map(|q| column.like(format!("%{q}%")))
}

/// The part of `found` (ids in list order) shown on `page` (from 1) of `per_page` items.
fn page_of<T>(found: &[T], page: u64, per_page: u64) -> &[T] {
    let start = usize::try_from(page.saturating_sub(1).saturating_mul(per_page))
        .unwrap_or(usize::MAX)
        .min(found.len());
    let end = start
        .saturating_add(usize::try_from(per_page).unwrap_or(usize::MAX))
        .min(found.len());
    &found[start..end]
}

/// The default database: an SQLite file next to where the server runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/solidarites.db";

/// Opens the database named by `url` (`sqlite://path`, `sqlite::memory:` or `postgres://…`).
///
/// SQLite files (and their folder) are created on first use, in WAL mode with foreign keys
/// enforced and durable commits (`synchronous = FULL`). A pooled connection is pinged
/// before use only once idle for [`PING_WHEN_IDLE`] (a ping on every use is one more round
/// trip per transaction, and a busy connection is known alive).
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    connect_with(url, Checkpoints::Automatic).await
}

/// [`connect`] for a server, which checkpoints SQLite's write-ahead log itself
/// ([`checkpoint`], from a task of its own): a commit never copies the log into the
/// database file. By default SQLite does so in the commit that takes the log past 1,000
/// pages (about 30 ms of CPU in a profile), and the answer writer's batches wait behind it.
pub async fn connect_server(url: &str) -> anyhow::Result<DatabaseConnection> {
    connect_with(url, Checkpoints::ByTheServer).await
}

/// How long a request waits for a pooled connection before it fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// A pooled connection unused for this long is pinged before it is handed out.
pub const PING_WHEN_IDLE: Duration = Duration::from_secs(5);

/// Who copies SQLite's write-ahead log into the database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checkpoints {
    /// SQLite, in the commit that takes the log past 1,000 pages.
    Automatic,
    /// The server, calling [`checkpoint`] periodically.
    ByTheServer,
}

async fn connect_with(url: &str, checkpoints: Checkpoints) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire_if_idle_for(PING_WHEN_IDLE);
    if url.starts_with("sqlite:") {
        if let Some(path) = sqlite_file_path(url) {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).with_context(|| {
                    format!("cannot create the database folder {}", parent.display())
                })?;
            }
        }
        options.map_sqlx_sqlite_opts(move |opts| {
            let opts = opts
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            match checkpoints {
                Checkpoints::Automatic => opts,
                Checkpoints::ByTheServer => opts.pragma("wal_autocheckpoint", "0"),
            }
        });
    }
    let db = Database::connect(options)
        .await
        .with_context(|| format!("cannot open the database {}", redact_url(url)))?;
    Ok(db)
}

/// A connection of its own for the answer writer to commit through, on SQLite: a pool
/// with ONE connection, opened with the same options as `db`'s, so that its page cache
/// stays warm from one batch to the next. A connection drops its whole page cache when it
/// finds the file written by another connection since its last use, and the shared pool
/// hands out its connections in turn: there, every batch read its pages from the file
/// again (in a profile, `malloc`, `free` and copies were most of SQLite's thread). `None`
/// on PostgreSQL, or for an in-memory SQLite database (which only `db`'s own connections
/// share): the writer then uses `db`.
pub fn writer_pool(db: &DatabaseConnection) -> Option<DatabaseConnection> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let options = db.get_sqlite_connection_pool().connect_options();
    if options
        .get_filename()
        .to_string_lossy()
        .starts_with("file:sqlx-in-memory")
    {
        return None;
    }
    let pool = sea_orm::sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
        .connect_lazy_with((*options).clone());
    Some(sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

/// Copies what it can of SQLite's write-ahead log into the database file, without waiting
/// for readers or writers (`PRAGMA wal_checkpoint(PASSIVE)`: writers go on appending to
/// the log meanwhile). Returns the log's frames and those copied so far. Nothing to do on
/// PostgreSQL (`None`).
pub async fn checkpoint(db: &DatabaseConnection) -> Result<Option<(i64, i64)>, sea_orm::DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA wal_checkpoint(PASSIVE)",
        ))
        .await?;
    Ok(match row {
        Some(row) => Some((row.try_get_by_index(1)?, row.try_get_by_index(2)?)),
        None => None,
    })
}

/// Opens a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: the write lock
/// is taken first, waiting up to the busy timeout. A deferred transaction that reads before
/// it writes gets `SQLITE_BUSY` at once, without waiting, when another connection commits
/// in between — a moderation decision would fail while the outbox sender or an answer
/// batch commits. On PostgreSQL it is a plain `BEGIN`. Inside a transaction it opens a
/// savepoint. Every write transaction of the server goes through here (clippy's
/// `disallowed-methods` forbids `TransactionTrait::begin`).
pub async fn begin_write<C>(db: &C) -> Result<C::Transaction, sea_orm::DbErr>
where
    C: sea_orm::TransactionTrait,
{
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..sea_orm::TransactionOptions::default()
    })
    .await
}

/// Brings the schema up to date. On PostgreSQL an advisory lock makes several server
/// instances starting at once apply the migrations one after the other.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = begin_write(db).await?;
            txn.execute_unprepared("SELECT pg_advisory_xact_lock(7265747311)")
                .await?;
            Migrator::up(&txn, None).await.context("migration failed")?;
            txn.commit().await?;
        }
        _ => Migrator::up(db, None).await.context("migration failed")?,
    }
    Ok(())
}

/// The connection pool's size and idle connections, for the metrics.
pub fn pool_usage(db: &DatabaseConnection) -> (u32, u32) {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            )
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            )
        }
        _ => (0, 0),
    }
}

/// `"sqlite"` or `"postgres"`, for the health endpoint and logs.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// The file behind an SQLite URL, if it names one.
pub(crate) fn sqlite_file_path(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path.starts_with(":memory:") {
        None
    } else {
        Some(Path::new(path))
    }
}

/// The URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &credentials[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_file_of_sqlite_urls() {
        assert_eq!(
            sqlite_file_path("sqlite://data/x.db?mode=rwc"),
            Some(Path::new("data/x.db"))
        );
        assert_eq!(sqlite_file_path("sqlite::memory:"), None);
        assert_eq!(
            sqlite_file_path("sqlite:///tmp/a.db"),
            Some(Path::new("/tmp/a.db"))
        );
    }

    #[test]
    fn hides_passwords_in_urls() {
        assert_eq!(
            redact_url("postgres://user:secret@db:5432/x"),
            "postgres://user:***@db:5432/x"
        );
        assert_eq!(redact_url("postgres://db/x"), "postgres://db/x");
    }
}
