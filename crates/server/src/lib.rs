//! The Solidarités server: HTTP API (`/api/v1`), storage, and the `solidarites` command line.
//!
//! The binary is a thin wrapper over [`cli::run`]; tests build the real application with
//! [`startup::Application`] on port 0 and talk HTTP to it.

pub mod auth;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod config;
pub mod config_file;
pub mod demo_data;
pub mod edit_token;
pub mod error;
pub mod exports;
pub mod first_screen;
pub mod ical;
pub mod ids;
pub mod json_body;
pub mod lists;
pub mod mail;
pub mod map;
pub mod metrics;
pub mod needs;
pub mod questionnaire;
pub mod results;
pub mod results_import;
pub mod routes;
pub mod search;
pub mod security_headers;
pub mod services;
pub mod site_settings;
pub mod snapshot;
pub mod staff;
pub mod startup;
pub mod state;
pub mod storage;
pub mod submission;
pub mod telemetry;
pub mod territory;
pub mod throttle;

/// `solidarites --version`: the program's version and the database schema it expects.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (schema ",
    solidarites_migration::schema_version!(),
    ")"
);
