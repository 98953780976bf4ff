//! The `solidarites` command line: serve the platform, run the demo, import communes,
//! assign points to communes, manage staff accounts.

use std::{
    io::{self, Write},
    path::PathBuf,
    process::ExitCode,
};

use anyhow::anyhow;
use clap::{Parser, Subcommand};

use crate::storage;

mod communes;
mod results;
mod serve;
mod users;
mod volunteers;

pub use communes::import_communes;
pub use volunteers::{purge_cutoff, purge_volunteers};

#[derive(Debug, Parser)]
#[command(
    name = "solidarites",
    version = crate::VERSION,
    about = "Solidarités: carte des solidarités, questionnaire des besoins, résultats par commune."
)]
pub struct Cli {
    /// Database URL: `sqlite://path/to/file.db` or `postgres://user@host/db`.
    /// Default: `sqlite://data/solidarites.db` (`sqlite://data/demo.db` for `demo`).
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Configuration file (TOML): any flag as `name = value` with `_` for `-`, e.g.
    /// `bind = "127.0.0.1:8080"`. Flags and environment variables override it.
    #[arg(long, env = "SOLIDARITES_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and the web app.
    Serve(serve::ServeArgs),
    /// Serve the platform with a fictional demonstration territory (created on first run).
    Demo(serve::ServeArgs),
    /// Apply the database migrations and exit.
    Migrate,
    /// Copy the SQLite database to FILE, consistently, while the server keeps running
    /// (`VACUUM INTO`). For PostgreSQL use `pg_dump` (see docs/operations.md).
    Backup {
        /// The copy to write (must not exist).
        file: PathBuf,
    },
    /// Replace the SQLite database by a copy made with `backup`, after checking that the
    /// copy is sound and that its schema is one this version knows. Stop the server first.
    /// The database being replaced is kept beside it as `….before-restore-<time>`.
    Restore {
        /// A copy made by `solidarites backup`.
        file: PathBuf,
    },
    /// Manage the communes of the territory.
    #[command(subcommand)]
    Communes(communes::CommunesCommand),
    /// Manage staff accounts (changes are written to the audit trail as `cli.*`).
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// Volunteers who left their contact after the questionnaire.
    #[command(subcommand)]
    Volunteers(volunteers::VolunteersCommand),
    /// Zones grouping communes for results (cantons, arrondissements, EPCI).
    #[command(subcommand)]
    Zones(results::ZonesCommand),
    /// Territorial indicators per commune, shown beside the results.
    #[command(subcommand)]
    Indicators(results::IndicatorsCommand),
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = match parse_command_line(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = writeln!(io::stderr().lock(), "error: {err:#}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!(error = %err, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Errors of the command line are for the person who typed it: plain stderr.
            let _ = writeln!(io::stderr().lock(), "error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The command line, completed by the configuration file when there is one (see
/// [`crate::config_file`]). Clap's own errors and `--help` exit here as usual.
pub fn parse_command_line(args: Vec<std::ffi::OsString>) -> anyhow::Result<Cli> {
    use clap::{CommandFactory, FromArgMatches};
    let command = Cli::command();
    let matches = command.clone().get_matches_from(args.clone());
    let Some(file) = matches.get_one::<PathBuf>("config").cloned() else {
        return Ok(Cli::from_arg_matches(&matches)?);
    };
    let merged = crate::config_file::merge(&command, &matches, args, &file)?;
    Cli::try_parse_from(merged).map_err(|err| anyhow!("{}: {err}", file.display()))
}

async fn execute(cli: Cli) -> anyhow::Result<()> {
    let default_url = match cli.command {
        Command::Demo(_) => "sqlite://data/demo.db",
        _ => storage::DEFAULT_DATABASE_URL,
    };
    let database_url = cli.database_url.unwrap_or_else(|| default_url.to_owned());
    match cli.command {
        Command::Serve(args) => serve::serve(serve::settings(database_url, args)?).await,
        Command::Demo(args) => serve::demo(serve::settings(database_url, args)?).await,
        Command::Migrate => {
            let db = storage::connect(&database_url).await?;
            storage::migrate(&db).await?;
            db.close().await?;
            Ok(())
        }
        Command::Backup { file } => {
            let copied = crate::backup::backup(&database_url, &file).await?;
            let _ = writeln!(
                io::stdout().lock(),
                "backup written to {} ({copied} bytes, schema {})",
                file.display(),
                solidarites_migration::SCHEMA_VERSION
            );
            Ok(())
        }
        Command::Restore { file } => {
            let restored = crate::backup::restore(&database_url, &file).await?;
            let _ = writeln!(io::stdout().lock(), "{restored}");
            Ok(())
        }
        Command::Communes(command) => communes::run(&database_url, command).await,
        Command::Volunteers(command) => volunteers::run(&database_url, command).await,
        Command::Zones(command) => results::run_zones(&database_url, command).await,
        Command::Indicators(command) => results::run_indicators(&database_url, command).await,
        Command::Users(command) => users::run(&database_url, command).await,
    }
}
