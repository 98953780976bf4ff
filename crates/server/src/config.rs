//! Server settings. Each comes from a command-line flag or its environment variable
//! (see `solidarites serve --help`), with defaults that run locally with nothing installed.

use std::{path::PathBuf, time::Duration};

#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://…` (default `sqlite://data/solidarites.db`) or `postgres://…`.
    pub database_url: String,
    /// Address to listen on, e.g. `127.0.0.1:8080` (port 0 picks a free port).
    pub bind: String,
    /// Folder of the built web app (`index.html`, the WASM and its JS glue).
    pub frontend_dir: PathBuf,
    /// How often each instance checks whether the territory was re-imported.
    pub territory_refresh: Duration,
}

impl Settings {
    /// Local defaults: SQLite in `./data`, port 8080 on the loopback interface.
    pub fn local(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            bind: "127.0.0.1:8080".to_owned(),
            frontend_dir: PathBuf::from("frontend/dist"),
            territory_refresh: Duration::from_secs(10),
        }
    }
}
