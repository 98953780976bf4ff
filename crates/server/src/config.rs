//! Server settings. Each comes from a command-line flag or its environment variable
//! (see `solidarites serve --help`), with defaults that run locally with nothing installed.

use std::{path::PathBuf, time::Duration};

use solidarites_domain::freshness::FreshnessPolicy;

use crate::clock::Clock;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://…` (default `sqlite://data/solidarites.db`) or `postgres://…`.
    pub database_url: String,
    /// Address to listen on, e.g. `127.0.0.1:8080` (port 0 picks a free port).
    pub bind: String,
    /// Folder of the built web app (`index.html`, the WASM and its JS glue).
    pub frontend_dir: PathBuf,
    /// How often each instance checks whether the territory was re-imported (and refreshes
    /// its other in-memory snapshots: the map, the measured needs).
    pub territory_refresh: Duration,
    /// Take the client address from `Forwarded`/`X-Forwarded-For` (only behind a reverse
    /// proxy that sets them) for sign-in throttling. Otherwise the peer address is used.
    pub trust_proxy: bool,
    /// Sign-in attempts one client address may make at once…
    pub login_burst_per_ip: u32,
    /// …then one more per this interval.
    pub login_refill_per_ip: Duration,
    /// Anonymous submissions (questionnaire answers, volunteer sign-ups, initiatives) one
    /// client address may send at once…
    pub answer_burst_per_ip: u32,
    /// …then one more per this interval (in memory only, like sign-in throttling).
    pub answer_refill_per_ip: Duration,
    /// Background tiles of the public maps: an `{z}/{x}/{y}` URL template, or `None` for
    /// no tiles (the maps still draw communes and markers on a plain background).
    pub tile_url: Option<String>,
    /// Credit shown under the maps for the tiles (HTML, as tile providers word it).
    pub tile_attribution: String,
    /// New proposals, supports and withdrawals one client address may send at once…
    pub proposal_burst_per_ip: u32,
    /// …then one more per this interval (in memory only).
    pub proposal_refill_per_ip: Duration,
    /// Statistical secrecy: a result computed from fewer respondents than this is never
    /// shown nor exported (`secret`), for every role; only the audited raw-answers export
    /// is exempt. Proposals' measured needs follow the same rule.
    pub secrecy_k: u32,
    /// Needs versus offer: initiatives within this distance (km, great-circle) of a
    /// commune's interior point count as offered to it.
    pub gap_distance_km: f64,
    /// Whether `GET /api/v1/campaigns/{id}/results` serves aggregated results (with the
    /// same secrecy) to anyone. Off by default.
    pub public_results: bool,
    /// The public address (`https://…`), when known: with `https`, session cookies are
    /// always `Secure`.
    pub public_url: Option<String>,
    /// Client addresses allowed to read `/metrics` (loopback by default).
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// Time in-flight requests get to finish on SIGTERM/SIGINT.
    pub shutdown_timeout: Duration,
    /// E-mail notifications: the SMTP server, the sender, the outbox's timings.
    pub mail: MailSettings,
    /// Listings kept current: days without confirmation before a listing is flagged to
    /// its submitter, then days before it is hidden from the public.
    pub freshness: FreshnessPolicy,
    /// The clock listings' freshness is judged by (the system clock; tests move theirs).
    pub clock: Clock,
    /// Label grants ending within this many days are listed for renewal.
    pub label_renewal_days: u32,
    /// Results after a restart: rows per stored checkpoint chunk of a campaign's results
    /// dataset; 0 writes none and rebuilds every campaign from its answers' JSON.
    pub results_checkpoint_rows: usize,
}

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SmtpTls {
    /// Plain text (a relay on the same machine or network only).
    None,
    /// Plain connection upgraded with STARTTLS (port 587); refused if the server cannot.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl SmtpTls {
    /// The usual port of the mode.
    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::None => 25,
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
        }
    }
}

/// The SMTP server messages leave through.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    /// Never logged: the `Debug` output hides it.
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .finish()
    }
}

/// E-mail notifications (see `crate::mail`).
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `None`: messages are only logged (their kind, never their recipient or text) and
    /// marked sent to the log.
    pub smtp: Option<SmtpSettings>,
    /// The `From` of every message, e.g. `Solidarités <ne-pas-repondre@landes.fr>`.
    pub from: String,
    /// Hour (0–23, Europe/Paris) from which the moderators' daily digest is sent.
    pub digest_hour: u32,
    /// How often the sender looks for messages to send.
    pub poll: Duration,
    /// Wait after a first failed try, doubled at each failure up to `retry_cap`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// How long a sender holds the messages it claimed (longer than an SMTP exchange can
    /// take, so that no other instance sends them meanwhile).
    pub lease: Duration,
    /// Sent messages are deleted (their recipients with them) after this long.
    pub keep_sent: Duration,
}

impl MailSettings {
    /// No SMTP server: messages only logged.
    pub fn log_only() -> Self {
        Self {
            smtp: None,
            from: DEFAULT_MAIL_FROM.to_owned(),
            digest_hour: 8,
            poll: Duration::from_secs(5),
            retry_base: Duration::from_secs(30),
            retry_cap: Duration::from_secs(6 * 3600),
            lease: Duration::from_secs(300),
            keep_sent: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// The sender address when none is configured.
pub const DEFAULT_MAIL_FROM: &str = "Solidarités <ne-pas-repondre@solidarites.invalid>";

impl Settings {
    /// The absolute address of `path` (`/…`) for links sent by e-mail: on the public URL,
    /// or on the listening address when none is set.
    pub fn absolute_url(&self, path: &str) -> String {
        match &self.public_url {
            Some(base) => format!("{base}{path}"),
            None => format!("http://{}{path}", self.bind),
        }
    }

    /// Whether the platform is published over HTTPS (its public URL says so).
    pub fn public_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }
}

/// `--public-url`: an absolute `http://` or `https://` URL, kept without a trailing `/`.
pub fn parse_public_url(raw: &str) -> Result<String, String> {
    let url = raw.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("expected an http:// or https:// URL, not {raw:?}"))?;
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err(format!("expected an http:// or https:// URL, not {raw:?}"));
    }
    Ok(url.to_owned())
}

/// `--metrics-allow`: an IP address (one host) or a network such as `10.0.0.0/8`.
pub fn parse_network(raw: &str) -> Result<ipnet::IpNet, String> {
    let raw = raw.trim();
    raw.parse::<ipnet::IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("expected an IP address or a network like 10.0.0.0/8, not {raw:?}"))
}

/// OpenStreetMap's own tile server (fine for modest traffic; see its tile usage policy).
pub const DEFAULT_TILE_URL: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
/// The credit OpenStreetMap asks for.
pub const DEFAULT_TILE_ATTRIBUTION: &str =
    "&copy; les contributeurs d&rsquo;<a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>";

impl Settings {
    /// Local defaults: SQLite in `./data`, port 8080 on the loopback interface.
    pub fn local(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            bind: "127.0.0.1:8080".to_owned(),
            frontend_dir: PathBuf::from("frontend/dist"),
            territory_refresh: Duration::from_secs(10),
            trust_proxy: false,
            login_burst_per_ip: 20,
            login_refill_per_ip: Duration::from_secs(6),
            // A shared connection (a CCAS reception desk, a family) may send several.
            answer_burst_per_ip: 30,
            answer_refill_per_ip: Duration::from_secs(2),
            tile_url: Some(DEFAULT_TILE_URL.to_owned()),
            tile_attribution: DEFAULT_TILE_ATTRIBUTION.to_owned(),
            // Someone browsing proposals supports a few in a row.
            proposal_burst_per_ip: 30,
            proposal_refill_per_ip: Duration::from_secs(2),
            secrecy_k: 5,
            gap_distance_km: 10.0,
            public_results: false,
            public_url: None,
            metrics_allow: vec![
                ipnet::IpNet::from(std::net::IpAddr::from([127, 0, 0, 1])),
                ipnet::IpNet::from(std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST)),
            ],
            shutdown_timeout: Duration::from_secs(30),
            mail: MailSettings::log_only(),
            freshness: FreshnessPolicy::default(),
            clock: Clock::system(),
            label_renewal_days: solidarites_domain::labels::DEFAULT_RENEWAL_WINDOW_DAYS,
            results_checkpoint_rows: crate::results::DEFAULT_CHECKPOINT_ROWS,
        }
    }
}
