//! sea-orm entities of the agenda (see the `events` migration).

pub mod event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub actor_id: Option<Uuid>,
        pub status: String,
        pub event_status: String,
        pub title: String,
        pub search_text: String,
        /// The domain's `EventDraft`, as JSON.
        pub content: String,
        pub commune_code: Option<String>,
        pub lon: Option<f64>,
        pub lat: Option<f64>,
        pub pending_content: Option<String>,
        pub pending_at: Option<ChronoDateTimeUtc>,
        pub sequence: i32,
        pub edit_token_hash: String,
        pub moderation_message: Option<String>,
        pub created_at: ChronoDateTimeUtc,
        pub updated_at: ChronoDateTimeUtc,
        pub published_at: Option<ChronoDateTimeUtc>,
        pub last_confirmed_at: Option<ChronoDateTimeUtc>,
        pub stale_flagged_at: Option<ChronoDateTimeUtc>,
        /// Where to tell the submitter of decisions and flags (consented; staff only).
        pub notify_email: Option<String>,
        /// The hash of the edit key sent by e-mail (a second key, as for initiatives).
        pub mail_token_hash: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod event_occurrence {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_occurrences")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub position: i32,
        pub starts_at: ChronoDateTimeUtc,
        pub ends_at: ChronoDateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod event_theme {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "event_themes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub event_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub theme_slug: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
