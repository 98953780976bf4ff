//! `solidarites serve` and `solidarites demo`: the server's settings from the flags, and
//! running it (the demo first stores its fictional content and staff accounts).

use std::{path::PathBuf, str::FromStr, time::Duration};

use anyhow::Context;
use clap::Args;

use crate::{
    config::{MailSettings, Settings, SmtpSettings},
    startup::Application,
    storage,
};

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
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
    /// SMTP server for e-mail notifications; without it, messages are only logged.
    #[arg(long, env = "SOLIDARITES_SMTP_HOST")]
    smtp_host: Option<String>,
    /// SMTP port (default: 25, 587 or 465 after `--smtp-tls`).
    #[arg(long, env = "SOLIDARITES_SMTP_PORT")]
    smtp_port: Option<u16>,
    /// How the SMTP connection is secured.
    #[arg(
        long,
        env = "SOLIDARITES_SMTP_TLS",
        value_enum,
        default_value = "starttls"
    )]
    smtp_tls: crate::config::SmtpTls,
    /// SMTP user name (with a password: from `SOLIDARITES_SMTP_PASSWORD` or a file).
    #[arg(long, env = "SOLIDARITES_SMTP_USERNAME")]
    smtp_username: Option<String>,
    /// SMTP password. Prefer the environment variable or `--smtp-password-file` to the
    /// command line, which other users of the machine can see.
    #[arg(long, env = "SOLIDARITES_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// File holding the SMTP password (first line).
    #[arg(long, env = "SOLIDARITES_SMTP_PASSWORD_FILE")]
    smtp_password_file: Option<PathBuf>,
    /// The sender of every message.
    #[arg(long, env = "SOLIDARITES_MAIL_FROM", default_value = crate::config::DEFAULT_MAIL_FROM)]
    mail_from: String,
    /// Hour (0-23, Europe/Paris) from which the moderators' daily digest is sent.
    #[arg(long, env = "SOLIDARITES_DIGEST_HOUR", default_value_t = 8, value_parser = clap::value_parser!(u32).range(0..=23))]
    digest_hour: u32,
    /// Milliseconds between two looks of the sender at the outbox.
    #[arg(long, env = "SOLIDARITES_OUTBOX_POLL_MS", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(10..))]
    outbox_poll_ms: u64,
    /// Listings kept current: days without confirmation before an initiative or actor is
    /// flagged to its submitter (asked to confirm it is still current).
    #[arg(long, env = "SOLIDARITES_STALE_AFTER_DAYS", default_value_t = solidarites_domain::freshness::DEFAULT_FLAG_AFTER_DAYS, value_parser = clap::value_parser!(u32).range(1..=36_500))]
    stale_after_days: u32,
    /// Days after the flag before an unconfirmed listing is hidden from public pages (never
    /// deleted; a confirmation brings it back).
    #[arg(long, env = "SOLIDARITES_STALE_GRACE_DAYS", default_value_t = solidarites_domain::freshness::DEFAULT_HIDE_AFTER_FLAG_DAYS, value_parser = clap::value_parser!(u32).range(0..=36_500))]
    stale_grace_days: u32,
    /// Label grants ending within this many days are listed in the console for renewal.
    #[arg(long, env = "SOLIDARITES_LABEL_RENEWAL_DAYS", default_value_t = solidarites_domain::labels::DEFAULT_RENEWAL_WINDOW_DAYS, value_parser = clap::value_parser!(u32).range(1..=366))]
    label_renewal_days: u32,
    /// Results after a restart: rows per stored checkpoint chunk of a campaign's results (a
    /// restart reads the chunks, then the JSON of fewer answers than this); 0 stores none
    /// and rebuilds each campaign's results from every answer's JSON.
    #[arg(long, env = "SOLIDARITES_RESULTS_CHECKPOINT_ROWS", default_value_t = crate::results::DEFAULT_CHECKPOINT_ROWS, value_parser = parse_checkpoint_rows)]
    results_checkpoint_rows: usize,
}

/// `--results-checkpoint-rows`: 0, or 64 to 1,048,576 rows.
fn parse_checkpoint_rows(raw: &str) -> Result<usize, String> {
    match raw.trim().parse::<usize>() {
        Ok(rows) if rows == 0 || (64..=1 << 20).contains(&rows) => Ok(rows),
        _ => Err(format!("expected 0 or 64 to 1048576 rows, not {raw:?}")),
    }
}

fn mail_settings(args: &ServeArgs) -> anyhow::Result<MailSettings> {
    let password = match (&args.smtp_password, &args.smtp_password_file) {
        (Some(password), _) => Some(password.clone()),
        (None, Some(file)) => Some(
            std::fs::read_to_string(file)
                .with_context(|| format!("cannot read the SMTP password file {}", file.display()))?
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        ),
        (None, None) => None,
    };
    lettre::message::Mailbox::from_str(&args.mail_from)
        .map_err(|err| anyhow::anyhow!("--mail-from {:?}: {err}", args.mail_from))?;
    let smtp = args
        .smtp_host
        .as_deref()
        .map(str::trim)
        .filter(|host| !host.is_empty())
        .map(|host| SmtpSettings {
            host: host.to_owned(),
            port: args.smtp_port.unwrap_or(args.smtp_tls.default_port()),
            tls: args.smtp_tls,
            username: args.smtp_username.clone().filter(|u| !u.is_empty()),
            password,
        });
    Ok(MailSettings {
        smtp,
        from: args.mail_from.clone(),
        digest_hour: args.digest_hour,
        poll: Duration::from_millis(args.outbox_poll_ms),
        ..MailSettings::log_only()
    })
}

pub(super) fn settings(database_url: String, args: ServeArgs) -> anyhow::Result<Settings> {
    let mail = mail_settings(&args)?;
    Ok(Settings {
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
        mail,
        freshness: solidarites_domain::freshness::FreshnessPolicy {
            flag_after_days: args.stale_after_days,
            hide_after_flag_days: args.stale_grace_days,
        },
        label_renewal_days: args.label_renewal_days,
        results_checkpoint_rows: args.results_checkpoint_rows,
        ..Settings::local(database_url)
    })
}

pub(super) async fn serve(settings: Settings) -> anyhow::Result<()> {
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

/// Stores the demonstration content and accounts (in a database without any), then serves.
pub(super) async fn demo(settings: Settings) -> anyhow::Result<()> {
    let db = storage::connect(&settings.database_url).await?;
    storage::migrate(&db).await?;
    let prepared = crate::demo_data::prepare(&db).await?;
    if let Some(stored) = prepared.content {
        tracing::info!(
            actors = stored.actors,
            initiatives = stored.initiatives,
            answers = stored.answers,
            proposals = stored.proposals,
            events = stored.events,
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
