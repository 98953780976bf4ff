//! Label applications: stored with the criteria and answers as they were sent, found by
//! id (staff) or by the hash of their private link (the applicant), decided once (a
//! conditional update on `status = 'pending'`, so two decisions cannot both win).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use solidarites_domain::labels::{ApplicationDraft, ApplicationStatus, CriterionAnswer};
use uuid::Uuid;

mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "label_applications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub label_id: Uuid,
        pub actor_id: Uuid,
        pub status: String,
        /// JSON `[{"criterion", "answer"}]`.
        pub answers: String,
        pub attachment_url: Option<String>,
        pub notify_email: Option<String>,
        pub token_hash: String,
        pub mail_token_hash: Option<String>,
        pub created_at: ChronoDateTimeUtc,
        pub decided_at: Option<ChronoDateTimeUtc>,
        pub refusal_reason: Option<String>,
        pub granted_until: Option<ChronoDate>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use entity::{ActiveModel, Column, Entity};

/// A stored application.
pub type LabelApplication = entity::Model;

/// The criteria and answers of an application.
pub fn answers_of(row: &LabelApplication) -> Vec<CriterionAnswer> {
    serde_json::from_str(&row.answers).unwrap_or_default()
}

/// Stores a pending application; returns its id.
pub async fn insert(
    db: &impl ConnectionTrait,
    label_id: Uuid,
    actor_id: Uuid,
    draft: &ApplicationDraft,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    let answers = serde_json::to_string(&draft.answers)
        .map_err(|e| DbErr::Custom(format!("answers: {e}")))?;
    Entity::insert(ActiveModel {
        id: Set(id),
        label_id: Set(label_id),
        actor_id: Set(actor_id),
        status: Set(ApplicationStatus::Pending.as_str().to_owned()),
        answers: Set(answers),
        attachment_url: Set(draft.attachment_url.as_ref().map(|u| u.as_str().to_owned())),
        notify_email: Set(draft.notify_email.as_ref().map(|e| e.as_str().to_owned())),
        token_hash: Set(token_hash.to_owned()),
        mail_token_hash: Set(None),
        created_at: Set(now),
        decided_at: Set(None),
        refusal_reason: Set(None),
        granted_until: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<LabelApplication>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

pub async fn find_by_token_hash(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<LabelApplication>, DbErr> {
    Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(Column::TokenHash.eq(token_hash))
                .add(Column::MailTokenHash.eq(token_hash)),
        )
        .one(db)
        .await
}

/// Gives the application `id` a new e-mailed key (its hash), replacing the one an earlier
/// message carried; the key shown at submission keeps working.
pub async fn set_mail_token(
    db: &impl ConnectionTrait,
    id: Uuid,
    token_hash: &str,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::MailTokenHash, Expr::value(token_hash))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// `limit` applications with `status` (any when `None`) after the first `offset`, oldest
/// first (the committee takes them in order), and how many match.
pub async fn page(
    db: &impl ConnectionTrait,
    status: Option<ApplicationStatus>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<LabelApplication>, u64), DbErr> {
    let mut select = Entity::find();
    if let Some(status) = status {
        select = select.filter(Column::Status.eq(status.as_str()));
    }
    let total = select.clone().count(db).await?;
    let rows = super::page_by(db, select, (Column::CreatedAt, Column::Id), offset, limit).await?;
    Ok((rows, total))
}

/// What a decision writes on a pending application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing<'a> {
    pub status: ApplicationStatus,
    pub at: DateTime<Utc>,
    pub refusal_reason: Option<&'a str>,
    pub granted_until: Option<NaiveDate>,
}

/// Closes the application `id` if it is still pending: `true` for the one caller whose
/// update applied.
pub async fn close(
    db: &impl ConnectionTrait,
    id: Uuid,
    closing: &Closing<'_>,
) -> Result<bool, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Status, Expr::value(closing.status.as_str()))
        .col_expr(Column::DecidedAt, Expr::value(closing.at))
        .col_expr(
            Column::RefusalReason,
            Expr::value(closing.refusal_reason.map(str::to_owned)),
        )
        .col_expr(Column::GrantedUntil, Expr::value(closing.granted_until))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(ApplicationStatus::Pending.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The consented address of the latest application of `actor_id` for `label_id` that
/// left one (the renewal invitation goes there).
pub async fn last_address(
    db: &impl ConnectionTrait,
    label_id: Uuid,
    actor_id: Uuid,
) -> Result<Option<String>, DbErr> {
    Ok(Entity::find()
        .select_only()
        .column(Column::NotifyEmail)
        .filter(Column::LabelId.eq(label_id))
        .filter(Column::ActorId.eq(actor_id))
        .filter(Column::NotifyEmail.is_not_null())
        .order_by_desc(Column::CreatedAt)
        .into_tuple::<Option<String>>()
        .one(db)
        .await?
        .flatten())
}

/// The (label, actor) pairs among `pairs` whose applicants left an address.
pub async fn pairs_with_address(
    db: &impl ConnectionTrait,
    actor_ids: Vec<Uuid>,
) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    if actor_ids.is_empty() {
        return Ok(Vec::new());
    }
    Entity::find()
        .select_only()
        .column(Column::LabelId)
        .column(Column::ActorId)
        .filter(Column::ActorId.is_in(actor_ids))
        .filter(Column::NotifyEmail.is_not_null())
        .distinct()
        .into_tuple()
        .all(db)
        .await
}

/// Forgets the addresses left with applications sent before `cutoff` (the retention
/// period of contact details). Returns how many were cleared.
pub async fn forget_addresses_before(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(Entity::update_many()
        .col_expr(Column::NotifyEmail, Expr::value(Option::<String>::None))
        .filter(Column::NotifyEmail.is_not_null())
        .filter(Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}
