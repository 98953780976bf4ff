//! sea-orm entities of the carte des solidarités (see the `create_carte` migration).

pub mod theme {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "themes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub slug: String,
        pub label: String,
        pub color: String,
        pub icon: String,
        pub position: i32,
        pub retired_at: Option<ChronoDateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod actor {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "actors")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub name: String,
        pub search_text: String,
        pub kind: String,
        pub description: String,
        pub website: Option<String>,
        pub contact_email: Option<String>,
        pub contact_phone: Option<String>,
        pub commune_code: Option<String>,
        pub charter_signed_at: Option<ChronoDateTimeUtc>,
        pub status: String,
        pub moderation_message: Option<String>,
        pub created_at: ChronoDateTimeUtc,
        pub updated_at: ChronoDateTimeUtc,
        /// When the submitter or staff last confirmed the listing (always set by the server).
        pub last_confirmed_at: Option<ChronoDateTimeUtc>,
        /// When the submitter was asked to confirm; cleared by a confirmation.
        pub stale_flagged_at: Option<ChronoDateTimeUtc>,
        /// « Accueille des bénévoles ».
        pub welcomes_volunteers: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod initiative {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "initiatives")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub actor_id: Uuid,
        pub status: String,
        pub title: String,
        pub description: String,
        pub search_text: String,
        pub lon: f64,
        pub lat: f64,
        pub has_point: bool,
        pub commune_code: String,
        pub address: Option<String>,
        pub start_date: Option<ChronoDate>,
        pub end_date: Option<ChronoDate>,
        pub schedule: Option<String>,
        pub audience: Option<String>,
        pub contact_email: Option<String>,
        pub contact_phone: Option<String>,
        pub contact_url: Option<String>,
        /// JSON array of theme slugs.
        pub themes: String,
        pub edit_token_hash: String,
        pub moderation_message: Option<String>,
        pub created_at: ChronoDateTimeUtc,
        pub updated_at: ChronoDateTimeUtc,
        pub published_at: Option<ChronoDateTimeUtc>,
        /// Where the submitter asked, with consent, to be told of decisions (staff only).
        pub notify_email: Option<String>,
        /// Hash of the second private edit key, the one sent by e-mail.
        pub mail_token_hash: Option<String>,
        /// When the submitter or staff last confirmed the listing (always set by the server).
        pub last_confirmed_at: Option<ChronoDateTimeUtc>,
        /// When the submitter was asked to confirm; cleared by a confirmation.
        pub stale_flagged_at: Option<ChronoDateTimeUtc>,
        /// « Accueille des bénévoles ».
        pub welcomes_volunteers: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod initiative_theme {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "initiative_themes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub initiative_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub theme_slug: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod initiative_revision {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "initiative_revisions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub initiative_id: Uuid,
        pub status: String,
        /// JSON of `storage::initiatives::StoredContent`.
        pub content: String,
        pub moderation_message: Option<String>,
        pub created_at: ChronoDateTimeUtc,
        pub decided_at: Option<ChronoDateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod label {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "labels")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub slug: String,
        pub name: String,
        pub criteria: String,
        pub created_at: ChronoDateTimeUtc,
        /// JSON array of the criteria, in order (see the migration `label_applications`).
        pub criteria_list: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod label_grant {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "label_grants")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub label_id: Uuid,
        pub actor_id: Option<Uuid>,
        pub initiative_id: Option<Uuid>,
        pub granted_at: ChronoDateTimeUtc,
        pub expires_on: ChronoDate,
        pub revoked_at: Option<ChronoDateTimeUtc>,
        /// When the holder was invited to renew in the current period.
        pub renewal_invited_at: Option<ChronoDateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod map_state {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "map_state")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub revision: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
