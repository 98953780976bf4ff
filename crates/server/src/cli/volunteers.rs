//! `solidarites volunteers purge`: the volunteers past their retention period.

use std::io::{self, Write};

use anyhow::anyhow;
use clap::Subcommand;
use sea_orm::DatabaseConnection;

use crate::storage;

#[derive(Debug, Subcommand)]
pub(super) enum VolunteersCommand {
    /// Delete the volunteers recorded longer ago than the retention period and print how
    /// many were deleted (see docs/privacy.md). Written to the audit trail.
    Purge {
        /// `365d`, `12months` or `1y`.
        #[arg(long)]
        older_than: String,
    },
}

pub(super) async fn run(database_url: &str, command: VolunteersCommand) -> anyhow::Result<()> {
    let VolunteersCommand::Purge { older_than } = command;
    let cutoff = purge_cutoff(&older_than, chrono::Utc::now())?;
    let db = storage::connect(database_url).await?;
    storage::migrate(&db).await?;
    let deleted = purge_volunteers(&db, cutoff).await;
    db.close().await?;
    let mut out = io::stdout().lock();
    writeln!(out, "{} volunteer record(s) deleted", deleted?)?;
    Ok(())
}

/// Deletes volunteers recorded before `cutoff`, audited as `cli.volunteers.purge` (with
/// the count only), in one transaction.
pub async fn purge_volunteers(
    db: &DatabaseConnection,
    cutoff: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<u64> {
    let txn = crate::storage::begin_write(db).await?;
    let deleted = storage::volunteers::purge_before(&txn, cutoff).await?;
    storage::audit::record(
        &txn,
        None,
        "cli.volunteers.purge",
        "volunteer",
        "*",
        None,
        Some(serde_json::json!({"before": cutoff.to_rfc3339(), "deleted": deleted})),
    )
    .await?;
    txn.commit().await?;
    Ok(deleted)
}

/// `now` minus `Nd` (days), `Nmonths` or `Ny` (years).
pub fn purge_cutoff(
    older_than: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    let raw = older_than.trim();
    let digits = raw.chars().take_while(char::is_ascii_digit).count();
    let (number, unit) = raw.split_at(digits);
    let n: u32 =
        number.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            anyhow!("--older-than expects e.g. 365d, 12months or 1y, not {raw:?}")
        })?;
    let cutoff = match unit {
        "d" => now.checked_sub_signed(chrono::Duration::days(i64::from(n))),
        "months" | "month" => now.checked_sub_months(chrono::Months::new(n)),
        "y" => n
            .checked_mul(12)
            .and_then(|m| now.checked_sub_months(chrono::Months::new(m))),
        _ => None,
    };
    cutoff.ok_or_else(|| anyhow!("--older-than expects e.g. 365d, 12months or 1y, not {raw:?}"))
}
