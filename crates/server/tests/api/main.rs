//! API tests: the real application, real migrations, real HTTP, on SQLite and PostgreSQL.

mod cli;
mod communes;
mod frontend;
mod helpers;
mod import;
mod initiatives;
mod locate;
mod schema;
