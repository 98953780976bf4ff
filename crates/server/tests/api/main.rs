//! API tests: the real application, real migrations, real HTTP, on SQLite and PostgreSQL.

mod admin_routes;
mod admin_users;
mod auth;
mod cli;
mod cli_users;
mod communes;
mod frontend;
mod helpers;
mod import;
mod locate;
mod multi_instance;
mod schema;
