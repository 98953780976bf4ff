//! API tests: the real application, real migrations, real HTTP, on SQLite and PostgreSQL.

// Test helpers (outside `#[test]` functions, which clippy.toml already covers) panic on
// purpose: a failed set-up step is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin_carte;
mod admin_routes;
mod admin_settings;
mod admin_users;
mod auth;
mod cli;
mod cli_results;
mod cli_users;
mod communes;
mod demo_data;
mod durability;
mod errors;
mod events;
mod events_current;
mod exports;
mod fixtures;
mod frontend;
mod helpers;
mod import;
mod ingest;
mod initiatives;
mod label_applications;
mod locate;
mod moderation_queue;
mod multi_instance;
mod openapi_limits;
mod operations;
mod outbox;
mod paging;
mod password_links;
mod proposals;
mod public_config;
mod questionnaire;
mod results;
mod results_restart;
mod schema;
mod smtp_sink;
mod staff_console;
mod stale;
mod volunteer_matches;
mod write_races;
