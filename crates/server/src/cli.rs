//! The `solidarites` command line: serve the platform, run the demo, import communes,
//! assign points to communes, manage staff accounts.

use std::{
    io::{self, BufRead, IsTerminal, Read, Write},
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use anyhow::{anyhow, bail, Context};
use clap::{Args, Parser, Subcommand};
use solidarites_domain::{
    apply_population, parse_communes_geojson, parse_population_csv, CommuneIndex,
};

use sea_orm::DatabaseConnection;

use crate::{
    auth::{self, NewAccount},
    config::Settings,
    startup::Application,
    storage::{
        self,
        users::{CreateUserError, NewUser, StoredUser, UpdateUserError, UserChanges},
    },
};

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
    Serve(ServeArgs),
    /// Serve the platform with a fictional demonstration territory (created on first run).
    Demo(ServeArgs),
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
    Communes(CommunesCommand),
    /// Manage staff accounts (changes are written to the audit trail as `cli.*`).
    #[command(subcommand)]
    Users(UsersCommand),
    /// Volunteers who left their contact after the questionnaire.
    #[command(subcommand)]
    Volunteers(VolunteersCommand),
    /// Zones grouping communes for results (cantons, arrondissements, EPCI).
    #[command(subcommand)]
    Zones(ZonesCommand),
    /// Territorial indicators per commune, shown beside the results.
    #[command(subcommand)]
    Indicators(IndicatorsCommand),
}

#[derive(Debug, Subcommand)]
enum ZonesCommand {
    /// Replace the zones of one level. FILE is either a GeoJSON FeatureCollection of
    /// (Multi)Polygons in WGS 84 (each commune goes to the zone containing its interior
    /// point) or a `code_commune;code_zone;nom_zone` CSV. A bad file changes nothing.
    Import {
        /// canton, arrondissement or epci.
        #[arg(long)]
        level: String,
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum IndicatorsCommand {
    /// Import a CSV with one line per commune (INSEE code first) and one column per
    /// indicator. Describe the indicators with `--metadata` (indicateur;libelle;unite;
    /// source;annee) or, for a one-indicator file, with `--label` and the other flags.
    /// Indicators of the file replace those with the same code; a bad file changes nothing.
    Import {
        file: PathBuf,
        /// Metadata CSV: indicateur;libelle;unite;source;annee.
        #[arg(long, conflicts_with_all = ["label", "unit", "source", "year"])]
        metadata: Option<PathBuf>,
        /// Label of the file's only indicator (instead of --metadata).
        #[arg(long)]
        label: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        source: Option<String>,
        #[arg(long)]
        year: Option<i32>,
    },
}

#[derive(Debug, Subcommand)]
enum VolunteersCommand {
    /// Delete the volunteers recorded longer ago than the retention period and print how
    /// many were deleted (see docs/privacy.md). Written to the audit trail.
    Purge {
        /// `365d`, `12months` or `1y`.
        #[arg(long)]
        older_than: String,
    },
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Create a staff account. The password is read from the first line of standard input
    /// when it is not a terminal, else asked twice without echo; never from the arguments.
    Create {
        #[arg(long)]
        email: String,
        /// committee, analyst, moderator or admin.
        #[arg(long)]
        role: String,
        /// Name shown in the back office (default: the part of the email before `@`).
        #[arg(long)]
        name: Option<String>,
    },
    /// List staff accounts.
    List,
    /// Change the role of an account.
    SetRole {
        #[arg(long)]
        email: String,
        /// committee, analyst, moderator or admin.
        #[arg(long)]
        role: String,
    },
    /// Disable an account and end its sessions.
    Disable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SOLIDARITES_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Folder of the built web app.
    #[arg(
        long,
        env = "SOLIDARITES_FRONTEND_DIR",
        default_value = "frontend/dist"
    )]
    frontend_dir: PathBuf,
    /// Seconds between checks for a re-imported territory (0 disables).
    #[arg(long, env = "SOLIDARITES_TERRITORY_REFRESH_SECS", default_value_t = 10)]
    territory_refresh_secs: u64,
    /// Behind a reverse proxy: take the client address from `Forwarded`/`X-Forwarded-For`
    /// for sign-in throttling. Leave off when clients reach the server directly.
    #[arg(long, env = "SOLIDARITES_TRUST_PROXY", default_value_t = false)]
    trust_proxy: bool,
    /// Background tiles of the public maps (`{z}`, `{x}`, `{y}`, optional `{s}`); an empty
    /// value disables tiles (communes and markers on a plain background).
    #[arg(long, env = "SOLIDARITES_TILE_URL", default_value = crate::config::DEFAULT_TILE_URL)]
    tile_url: String,
    /// Credit shown under the maps for the tiles (HTML).
    #[arg(
        long,
        env = "SOLIDARITES_TILE_ATTRIBUTION",
        default_value = crate::config::DEFAULT_TILE_ATTRIBUTION
    )]
    tile_attribution: String,
    /// Statistical secrecy: results computed from fewer respondents are shown as `secret`.
    #[arg(long, env = "SOLIDARITES_SECRECY_K", default_value_t = 5, value_parser = clap::value_parser!(u32).range(3..))]
    secrecy_k: u32,
    /// Needs versus offer: initiatives within this many km of a commune count as near it.
    #[arg(long, env = "SOLIDARITES_GAP_DISTANCE_KM", default_value_t = 10.0)]
    gap_distance_km: f64,
    /// Serve aggregated results (with the same secrecy) on a public route.
    #[arg(long, env = "SOLIDARITES_PUBLIC_RESULTS", default_value_t = false)]
    public_results: bool,
    /// The address residents reach, e.g. `https://solidarites.landes.fr`. With `https://`,
    /// session cookies are always `Secure`, whatever the proxy says.
    #[arg(long, env = "SOLIDARITES_PUBLIC_URL", value_parser = crate::config::parse_public_url)]
    public_url: Option<String>,
    /// Client addresses (IPs or networks, comma-separated) allowed to read `/metrics`.
    #[arg(
        long,
        env = "SOLIDARITES_METRICS_ALLOW",
        value_delimiter = ',',
        default_value = "127.0.0.1,::1",
        value_parser = crate::config::parse_network
    )]
    metrics_allow: Vec<ipnet::IpNet>,
    /// Sign-in attempts one client address may make at once (then one more every 6 s).
    /// Raise it when many agents sign in from behind one address (a shared desk, a NAT).
    #[arg(long, env = "SOLIDARITES_LOGIN_BURST", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    login_burst: u32,
    /// Seconds in-flight requests get to finish after SIGTERM or SIGINT.
    #[arg(long, env = "SOLIDARITES_SHUTDOWN_TIMEOUT_SECS", default_value_t = 30)]
    shutdown_timeout_secs: u64,
}

#[derive(Debug, Subcommand)]
enum CommunesCommand {
    /// Replace the territory's communes by those of a GeoJSON FeatureCollection
    /// (geo.api.gouv.fr, IGN ADMIN EXPRESS, OpenStreetMap or france-geojson properties).
    Import {
        /// GeoJSON file, WGS 84.
        file: PathBuf,
        /// `code;population` CSV (header optional, `;` or `,`) joined by INSEE code.
        #[arg(long)]
        population: Option<PathBuf>,
    },
    /// Assign `lon,lat` points (CSV, header optional, `-` for stdin) to communes. Writes each
    /// input line followed by the INSEE code of its commune (empty when outside).
    Assign {
        file: PathBuf,
        /// Write `code,count` per commune and a `none` row instead.
        #[arg(long)]
        counts: bool,
    },
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
        Command::Serve(args) => serve(settings(database_url, args)).await,
        Command::Demo(args) => {
            let settings = settings(database_url, args);
            let db = storage::connect(&settings.database_url).await?;
            storage::migrate(&db).await?;
            let prepared = crate::demo_data::prepare(&db).await?;
            if let Some(stored) = prepared.content {
                tracing::info!(
                    actors = stored.actors,
                    initiatives = stored.initiatives,
                    answers = stored.answers,
                    proposals = stored.proposals,
                    indicators = stored.indicators,
                    "demonstration content stored"
                );
            }
            match prepared.accounts {
                crate::demo_data::DemoAccounts::Ready { created } => {
                    let emails: Vec<String> = crate::demo_data::demo_accounts()
                        .into_iter()
                        .map(|(email, role)| format!("{email} ({role})"))
                        .collect();
                    tracing::info!(
                        sign_in = %format!("http://{}/admin", settings.bind),
                        accounts = %emails.join(", "),
                        password = crate::demo_data::DEMO_PASSWORD,
                        created,
                        "demo staff accounts (demo database only)"
                    );
                }
                crate::demo_data::DemoAccounts::Skipped { other_accounts } => {
                    tracing::warn!(
                        other_accounts,
                        "this database has real staff accounts: no demo account was created"
                    );
                }
            }
            db.close().await?;
            serve(settings).await
        }
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
        Command::Communes(CommunesCommand::Import { file, population }) => {
            import_communes(&database_url, &file, population.as_deref()).await
        }
        Command::Communes(CommunesCommand::Assign { file, counts }) => {
            let db = storage::connect(&database_url).await?;
            storage::migrate(&db).await?;
            let communes = storage::communes::load_all(&db).await?;
            db.close().await?;
            if communes.is_empty() {
                bail!("no communes in the database: run `solidarites communes import` first");
            }
            let index = CommuneIndex::new(communes);
            let input = read_input(&file)?;
            let mut out = io::BufWriter::new(io::stdout().lock());
            solidarites_domain::points_csv::assign_points(&index, &input, counts, &mut out)?;
            out.flush()?;
            Ok(())
        }
        Command::Volunteers(VolunteersCommand::Purge { older_than }) => {
            let cutoff = purge_cutoff(&older_than, chrono::Utc::now())?;
            let db = storage::connect(&database_url).await?;
            storage::migrate(&db).await?;
            let deleted = purge_volunteers(&db, cutoff).await;
            db.close().await?;
            let mut out = io::stdout().lock();
            writeln!(out, "{} volunteer record(s) deleted", deleted?)?;
            Ok(())
        }
        Command::Zones(ZonesCommand::Import { level, file }) => {
            let summary = crate::results_import::import_zones(&database_url, &level, &file).await?;
            let _ = writeln!(io::stdout().lock(), "{summary}");
            Ok(())
        }
        Command::Indicators(IndicatorsCommand::Import {
            file,
            metadata,
            label,
            unit,
            source,
            year,
        }) => {
            let description = match metadata {
                Some(path) => crate::results_import::IndicatorDescription::File(path),
                None => crate::results_import::IndicatorDescription::Flags {
                    label,
                    unit,
                    source,
                    year,
                },
            };
            let summary =
                crate::results_import::import_indicators(&database_url, &file, description).await?;
            let _ = writeln!(io::stdout().lock(), "{summary}");
            Ok(())
        }
        Command::Users(command) => {
            let db = storage::connect(&database_url).await?;
            storage::migrate(&db).await?;
            let result = users_command(&db, command).await;
            db.close().await?;
            result
        }
    }
}

/// Deletes volunteers recorded before `cutoff`, audited as `cli.volunteers.purge` (with
/// the count only), in one transaction.
pub async fn purge_volunteers(
    db: &DatabaseConnection,
    cutoff: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<u64> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
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

async fn users_command(db: &DatabaseConnection, command: UsersCommand) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    match command {
        UsersCommand::Create { email, role, name } => {
            let name = name.unwrap_or_else(|| {
                email
                    .trim()
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
            // Check what we can before asking for the password.
            let email = auth::parse_email(&email).map_err(|m| anyhow!("--email: {m}"))?;
            let role = auth::parse_role(&role).map_err(|m| anyhow!("--role: {m}"))?;
            if storage::users::find_by_email(db, &email).await?.is_some() {
                bail!("an account with the email {email} already exists");
            }
            let password = read_new_password()?;
            let account =
                NewAccount::parse(&email, &name, role.as_str(), &password).map_err(|fields| {
                    let details: Vec<String> =
                        fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                    anyhow!("invalid account: {}", details.join(" "))
                })?;
            let new = NewUser {
                email: account.email,
                display_name: account.display_name,
                role: account.role,
                password_hash: auth::hash_password(account.password).await?,
            };
            let user = match storage::users::create(db, new, None, "cli.user.create").await {
                Ok(user) => user,
                Err(CreateUserError::EmailTaken) => {
                    bail!("an account with the email {email} already exists")
                }
                Err(CreateUserError::Db(err)) => return Err(err.into()),
            };
            writeln!(out, "created {} ({}) id {}", user.email, user.role, user.id)?;
        }
        UsersCommand::List => {
            writeln!(out, "email\trole\tdisabled\tname\tid")?;
            for user in storage::users::list(db).await? {
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    user.email, user.role, user.disabled, user.display_name, user.id
                )?;
            }
        }
        UsersCommand::SetRole { email, role } => {
            let role = auth::parse_role(&role).map_err(|m| anyhow!("--role: {m}"))?;
            let user = find_account(db, &email).await?;
            let changes = UserChanges {
                role: Some(role),
                ..UserChanges::default()
            };
            update_account(db, user.id, changes, "cli.user.set_role").await?;
            writeln!(out, "{} is now {role}", user.email)?;
        }
        UsersCommand::Disable { email } => {
            let user = find_account(db, &email).await?;
            let changes = UserChanges {
                disabled: Some(true),
                ..UserChanges::default()
            };
            update_account(db, user.id, changes, "cli.user.disable").await?;
            writeln!(out, "{} is disabled", user.email)?;
        }
    }
    Ok(())
}

async fn find_account(db: &DatabaseConnection, email: &str) -> anyhow::Result<StoredUser> {
    storage::users::find_by_email(db, email)
        .await?
        .ok_or_else(|| anyhow!("no account with the email {}", email.trim().to_lowercase()))
}

async fn update_account(
    db: &DatabaseConnection,
    id: uuid::Uuid,
    changes: UserChanges,
    action: &str,
) -> anyhow::Result<()> {
    match storage::users::update(db, id, changes, None, action).await {
        Ok(_) => Ok(()),
        Err(UpdateUserError::NotFound) => bail!("the account was deleted meanwhile"),
        Err(UpdateUserError::Db(err)) => Err(err.into()),
    }
}

/// The first line of standard input when it is piped, else asked twice without echo.
fn read_new_password() -> anyhow::Result<String> {
    if io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (12 characters or more): ")?;
        let second = rpassword::prompt_password("Same password again: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

fn settings(database_url: String, args: ServeArgs) -> Settings {
    Settings {
        database_url: database_url.clone(),
        bind: args.bind,
        frontend_dir: args.frontend_dir,
        territory_refresh: Duration::from_secs(args.territory_refresh_secs),
        trust_proxy: args.trust_proxy,
        tile_url: Some(args.tile_url.trim().to_owned()).filter(|url| !url.is_empty()),
        tile_attribution: args.tile_attribution.trim().to_owned(),
        secrecy_k: args.secrecy_k,
        gap_distance_km: args.gap_distance_km,
        public_results: args.public_results,
        public_url: args.public_url,
        metrics_allow: args.metrics_allow,
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout_secs),
        login_burst_per_ip: args.login_burst,
        ..Settings::local(database_url)
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(settings.clone()).await?;
    tracing::info!(
        url = %format!("http://{}", settings.bind),
        database = %storage::redact_url(&settings.database_url),
        communes = app.state().territory.current().index.len(),
        "Solidarités is listening"
    );
    app.run_until_stopped().await?;
    Ok(())
}

/// Parses everything first, then replaces the communes in one transaction: a bad file
/// changes nothing.
pub async fn import_communes(
    database_url: &str,
    file: &Path,
    population: Option<&Path>,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut communes = parse_communes_geojson(&text)
        .map_err(|e| anyhow::anyhow!("{} is not a valid commune file:\n{e}", file.display()))?;
    if let Some(path) = population {
        let csv = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let table = parse_population_csv(&csv).map_err(|e| {
            anyhow::anyhow!("{} is not a valid population file:\n{e}", path.display())
        })?;
        let unmatched = apply_population(&mut communes, &table);
        if !unmatched.is_empty() {
            tracing::warn!(
                count = unmatched.len(),
                first = %unmatched[0],
                "population rows with no matching commune were ignored"
            );
        }
    }
    let db = storage::connect(database_url).await?;
    storage::migrate(&db).await?;
    let source = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let revision = storage::communes::replace_all(&db, &communes, &source).await?;
    db.close().await?;
    let _ = writeln!(
        io::stdout().lock(),
        "imported {} communes from {} (territory revision {revision})",
        communes.len(),
        file.display()
    );
    Ok(())
}

fn read_input(file: &Path) -> anyhow::Result<Vec<u8>> {
    let mut input = Vec::new();
    if file.as_os_str() == "-" {
        io::stdin().lock().read_to_end(&mut input)?;
    } else {
        input = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    }
    Ok(input)
}
