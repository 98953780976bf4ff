//! Logging with `tracing`. `RUST_LOG` filters (default `info`); `SOLIDARITES_LOG_FORMAT=json`
//! writes one JSON object per line, for log collectors. Logs go to stderr so that command
//! output (e.g. `communes assign`) stays clean on stdout.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json = std::env::var("SOLIDARITES_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second init (tests) is harmless: keep the first subscriber.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
