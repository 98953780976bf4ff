//! Revisions of the public lists: one counter per list, bumped by database triggers on
//! every table the list reads (migration `m20261208_000100_list_revisions`), in the
//! transaction of the write. Reading it is one primary-key lookup.

use sea_orm::{ConnectionTrait, EntityTrait};

mod list_revision {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "list_revisions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub revision: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A public list with its own revision (the `id` of its row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// `GET /proposals`: proposals, their themes, supports and follow-up events.
    Proposals = 1,
    /// `GET /initiatives`: initiatives, their themes, actors, labels and label grants.
    Initiatives = 2,
}

/// The stored revision of `list` (0 when its row is missing).
pub async fn revision(db: &impl ConnectionTrait, list: List) -> Result<i64, sea_orm::DbErr> {
    Ok(list_revision::Entity::find_by_id(list as i32)
        .one(db)
        .await?
        .map_or(0, |row| row.revision))
}
