use sea_orm_migration::MigratorTrait;
use solidarites_migration::Migrator;
use solidarites_server::storage;

use crate::helpers::{for_each_backend, name_column};

async fn table_names(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = 'public' ORDER BY 1"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1",
    };
    name_column(db, sql).await
}

#[tokio::test]
async fn migrations_apply_roll_back_and_apply_again() {
    for_each_backend(|db| async move {
        let tables = table_names(&db.conn).await;
        assert!(tables.contains(&"communes".to_owned()), "{tables:?}");
        assert!(tables.contains(&"territory".to_owned()), "{tables:?}");

        // Applying again is a no-op.
        storage::migrate(&db.conn).await.unwrap();

        Migrator::down(&db.conn, None).await.unwrap();
        let after_down = table_names(&db.conn).await;
        assert!(
            !after_down.contains(&"communes".to_owned()),
            "{after_down:?}"
        );

        storage::migrate(&db.conn).await.unwrap();
        assert_eq!(table_names(&db.conn).await, tables);
    })
    .await;
}
