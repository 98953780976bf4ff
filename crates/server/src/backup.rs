//! `solidarites backup` and `solidarites restore`, for SQLite databases.
//!
//! A backup is SQLite's `VACUUM INTO`: one read transaction copies the whole database into
//! a new, compact file, while the server keeps reading and writing (WAL mode). Every answer
//! acknowledged before the backup started is in the copy. PostgreSQL has `pg_dump` for this
//! (see docs/operations.md); these commands refuse a PostgreSQL URL with that advice.
//!
//! A restore never replaces anything before the copy is known good: it is copied beside the
//! database, checked there (`PRAGMA integrity_check`, and a schema this program knows:
//! every migration recorded in the copy is one of this build's), then swapped in with a
//! rename. The replaced database is kept as `<name>.before-restore-<time>`.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use solidarites_migration::{Migrator, MigratorTrait, SCHEMA_VERSION};

use crate::storage;

const POSTGRES_ADVICE: &str = "backup and restore copy SQLite databases; for PostgreSQL use \
     `pg_dump --format=custom` and `pg_restore --clean --if-exists` (see docs/operations.md)";

/// Writes a consistent copy of the SQLite database at `database_url` to `target` (which
/// must not exist) and returns its size in bytes.
pub async fn backup(database_url: &str, target: &Path) -> anyhow::Result<u64> {
    let source = sqlite_path(database_url)?;
    if !source.exists() {
        bail!("there is no database at {}", source.display());
    }
    if target.exists() {
        bail!(
            "{} exists already: give the backup a new file name",
            target.display()
        );
    }
    let target_text = target
        .to_str()
        .ok_or_else(|| anyhow!("the backup path must be valid UTF-8"))?;
    let db = storage::connect(database_url).await?;
    let copied = db
        .execute_unprepared(&format!(
            "VACUUM INTO '{}'",
            target_text.replace('\'', "''")
        ))
        .await
        .with_context(|| format!("cannot write the backup {}", target.display()));
    db.close().await?;
    copied?;
    Ok(std::fs::metadata(target)?.len())
}

/// Replaces the SQLite database at `database_url` by the backup `file`; returns what was
/// done, for the person at the terminal.
pub async fn restore(database_url: &str, file: &Path) -> anyhow::Result<String> {
    let target = sqlite_path(database_url)?;
    if !file.is_file() {
        bail!("there is no backup at {}", file.display());
    }
    for suffix in ["-wal", "-shm"] {
        let side = with_suffix(&target, suffix);
        if side.exists() {
            bail!(
                "{} exists: the database is open (is the server running?). Stop every \
                 `solidarites` process using it, then restore",
                side.display()
            );
        }
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let staging = with_suffix(&target, &format!(".restoring-{stamp}"));
    if let Some(parent) = staging.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::copy(file, &staging)
        .with_context(|| format!("cannot copy {} to {}", file.display(), staging.display()))?;
    let checked = check_copy(&staging).await;
    let versions = match checked {
        Ok(versions) => versions,
        Err(err) => {
            let _ = std::fs::remove_file(&staging);
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(with_suffix(&staging, suffix));
            }
            return Err(err);
        }
    };
    let mut said = String::new();
    if target.exists() {
        let kept = with_suffix(&target, &format!(".before-restore-{stamp}"));
        std::fs::rename(&target, &kept)
            .with_context(|| format!("cannot move {} aside", target.display()))?;
        said.push_str(&format!(
            "the replaced database is kept as {}\n",
            kept.display()
        ));
    }
    std::fs::rename(&staging, &target)
        .with_context(|| format!("cannot move the restored copy to {}", target.display()))?;
    let last = versions.last().map_or("(none)", String::as_str);
    said.push_str(&format!(
        "{} restored from {} (schema {last})",
        target.display(),
        file.display()
    ));
    if last != SCHEMA_VERSION {
        said.push_str(&format!(
            "; the next start brings it up to schema {SCHEMA_VERSION}"
        ));
    }
    Ok(said)
}

/// Checks a copy about to be restored: a sound SQLite file holding a Solidarités schema
/// that this build knows. Returns the migrations recorded in it, in order.
async fn check_copy(path: &Path) -> anyhow::Result<Vec<String>> {
    let url = format!("sqlite://{}", path.display());
    let db = storage::connect(&url).await?;
    let result = check_connection(&db).await;
    db.close().await?;
    result
}

async fn check_connection(db: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let backend = db.get_database_backend();
    let integrity = db
        .query_one_raw(Statement::from_string(backend, "PRAGMA integrity_check"))
        .await
        .context("the backup is not an SQLite database")?
        .ok_or_else(|| anyhow!("the backup's integrity check answered nothing"))?
        .try_get_by_index::<String>(0)?;
    if integrity != "ok" {
        bail!("the backup is damaged (integrity check: {integrity})");
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
        .map_err(|_| anyhow!("the backup is not a Solidarités database (no schema version)"))?;
    let versions: Vec<String> = rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0))
        .collect::<Result<_, _>>()?;
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    if let Some(unknown) = versions.iter().find(|v| !known.contains(v)) {
        bail!(
            "the backup has schema {unknown}, which this version ({}) does not know: restore \
             it with the version that made it, or a newer one",
            crate::VERSION
        );
    }
    if versions.is_empty() {
        bail!("the backup is not a Solidarités database (no schema version)");
    }
    Ok(versions)
}

/// The file of an SQLite URL; an error naming `pg_dump` for PostgreSQL.
fn sqlite_path(database_url: &str) -> anyhow::Result<PathBuf> {
    if database_url.starts_with("postgres") {
        bail!("{POSTGRES_ADVICE}");
    }
    storage::sqlite_file_path(database_url)
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            anyhow!("backup and restore need an SQLite database file, not {database_url}")
        })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
