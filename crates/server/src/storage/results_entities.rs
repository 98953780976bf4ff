//! sea-orm entities of results by commune (see the `results` migration): zones and the
//! communes they hold, territorial indicators.

pub mod zone_level {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "zone_levels")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub level: String,
        pub source: String,
        pub imported_at: ChronoDateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod zone {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "zones")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub level: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name: String,
        /// GeoJSON geometry, WGS 84, when imported from polygons.
        pub geometry: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod commune_zone {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "commune_zones")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub level: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub commune_code: String,
        pub zone_code: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod indicator {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicators")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub label: String,
        pub unit: Option<String>,
        pub source: Option<String>,
        pub year: Option<i32>,
        pub imported_at: ChronoDateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod indicator_value {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicator_values")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub indicator_code: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub commune_code: String,
        pub value: f64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod results_checkpoint {
    use sea_orm::entity::prelude::*;

    /// A full chunk of a campaign's results rows in their encoded form (migration
    /// `m20261209_000100_results_checkpoints`).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "results_checkpoints")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub campaign_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub layout: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub chunk: i32,
        pub first_seq: i64,
        pub last_seq: i64,
        pub row_count: i32,
        #[sea_orm(column_type = "Blob")]
        pub data: Vec<u8>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
