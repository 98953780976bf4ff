//! The Solidarités database schema, as sea-orm migrations.
//!
//! The same migrations run on SQLite (the embedded default) and PostgreSQL: only portable
//! column types are used, and geometry is stored as GeoJSON text with its bounding box in
//! plain columns (no PostGIS). Schema only: no seed data lives here.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_communes;
mod m20261122_000002_staff;
mod m20261122_000003_create_carte;
mod m20261122_000004_questionnaires;
mod m20261122_000005_proposals;
mod m20261122_000006_results;
mod m20261206_000001_site_settings;
mod m20261206_000002_password_tokens;
mod m20261206_200000_results_key;
mod m20261207_000100_events;
mod m20261207_000200_outbox;
mod m20261207_000300_listings_current;
mod m20261207_000410_events_kept_current;
mod m20261207_000500_label_applications;
mod m20261208_000100_list_revisions;
mod m20261209_000100_results_checkpoints;

/// The schema version of this build: the name of its last migration, as a literal (so that
/// `concat!` can use it in the program's `--version`). A test checks it is the last one.
#[macro_export]
macro_rules! schema_version {
    () => {
        "m20261209_000100_results_checkpoints"
    };
}

/// The schema version of this build (the name of its last migration).
pub const SCHEMA_VERSION: &str = schema_version!();

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_communes::Migration),
            Box::new(m20261122_000002_staff::Migration),
            Box::new(m20261122_000003_create_carte::Migration),
            Box::new(m20261122_000004_questionnaires::Migration),
            Box::new(m20261122_000005_proposals::Migration),
            Box::new(m20261122_000006_results::Migration),
            Box::new(m20261206_000001_site_settings::Migration),
            Box::new(m20261206_000002_password_tokens::Migration),
            Box::new(m20261206_200000_results_key::Migration),
            Box::new(m20261207_000100_events::Migration),
            Box::new(m20261207_000200_outbox::Migration),
            Box::new(m20261207_000300_listings_current::Migration),
            Box::new(m20261207_000410_events_kept_current::Migration),
            Box::new(m20261207_000500_label_applications::Migration),
            Box::new(m20261208_000100_list_revisions::Migration),
            Box::new(m20261209_000100_results_checkpoints::Migration),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_version_is_the_name_of_the_last_migration() {
        let migrations = Migrator::migrations();
        let last = migrations.last().map(|m| m.name().to_owned());
        assert_eq!(last.as_deref(), Some(SCHEMA_VERSION));
    }
}
