//! Questionnaires and their versions, campaigns, and anonymous responses.
//!
//! A version is frozen by the first response to a campaign using it (in the response's
//! transaction); a frozen version is never edited again: saving a questionnaire whose
//! latest version is frozen creates the next version instead.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    sea_query::{Expr, Func},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, SqlErr,
};
use solidarites_domain::{InseeCode, ValidatedAnswers};
use uuid::Uuid;

use super::{
    audit,
    questionnaire_entities::{campaign, questionnaire, questionnaire_version, response},
};
use crate::staff::Staff;

/// Campaign statuses, as stored (the domain's `CampaignStatus`).
pub mod campaign_status {
    use solidarites_domain::lifecycle::CampaignStatus;
    pub const DRAFT: &str = CampaignStatus::Draft.as_str();
    pub const OPEN: &str = CampaignStatus::Open.as_str();
    pub const CLOSED: &str = CampaignStatus::Closed.as_str();
    pub const ALL: [&str; 3] = [DRAFT, OPEN, CLOSED];
}

/// A questionnaire with all its versions, oldest first (never empty once stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredQuestionnaire {
    pub questionnaire: questionnaire::Model,
    pub versions: Vec<questionnaire_version::Model>,
}

impl StoredQuestionnaire {
    pub fn latest(&self) -> Option<&questionnaire_version::Model> {
        self.versions.last()
    }
}

/// Whether any questionnaire exists (for the default template at start-up).
pub async fn any_exists(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(questionnaire::Entity::find().count(db).await? > 0)
}

/// Every questionnaire with its versions, by title.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<StoredQuestionnaire>, DbErr> {
    let questionnaires = questionnaire::Entity::find()
        .order_by_asc(questionnaire::Column::Title)
        .order_by_asc(questionnaire::Column::Id)
        .all(db)
        .await?;
    let mut versions: BTreeMap<String, Vec<questionnaire_version::Model>> = BTreeMap::new();
    for v in questionnaire_version::Entity::find()
        .order_by_asc(questionnaire_version::Column::Version)
        .all(db)
        .await?
    {
        versions
            .entry(v.questionnaire_id.clone())
            .or_default()
            .push(v);
    }
    Ok(questionnaires
        .into_iter()
        .map(|q| StoredQuestionnaire {
            versions: versions.remove(&q.id).unwrap_or_default(),
            questionnaire: q,
        })
        .collect())
}

pub async fn get(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<StoredQuestionnaire>, DbErr> {
    let Some(q) = questionnaire::Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let versions = questionnaire_version::Entity::find()
        .filter(questionnaire_version::Column::QuestionnaireId.eq(id))
        .order_by_asc(questionnaire_version::Column::Version)
        .all(db)
        .await?;
    Ok(Some(StoredQuestionnaire {
        questionnaire: q,
        versions,
    }))
}

pub async fn get_version(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<questionnaire_version::Model>, DbErr> {
    questionnaire_version::Entity::find_by_id(id.to_owned())
        .one(db)
        .await
}

/// Stores a new questionnaire with its version 1 (`definition` is validated JSON).
/// Audited as `questionnaire.create` when made by staff (`actor` `None`: the start-up
/// default, not audited).
pub async fn create(
    db: &DatabaseConnection,
    title: &str,
    definition: &str,
    actor: Option<&Staff>,
) -> Result<StoredQuestionnaire, DbErr> {
    insert_questionnaire(db, Uuid::new_v4().to_string(), title, definition, actor).await
}

async fn insert_questionnaire(
    db: &DatabaseConnection,
    id: String,
    title: &str,
    definition: &str,
    actor: Option<&Staff>,
) -> Result<StoredQuestionnaire, DbErr> {
    let now = Utc::now();
    let txn = crate::storage::begin_write(db).await?;
    let q = questionnaire::Model {
        id,
        title: title.to_owned(),
        created_at: now,
        updated_at: now,
    };
    let v = questionnaire_version::Model {
        id: Uuid::new_v4().to_string(),
        questionnaire_id: q.id.clone(),
        version: 1,
        definition: definition.to_owned(),
        frozen_at: None,
        created_at: now,
    };
    questionnaire::Entity::insert(questionnaire::ActiveModel::from(q.clone()))
        .exec_without_returning(&txn)
        .await?;
    questionnaire_version::Entity::insert(questionnaire_version::ActiveModel::from(v.clone()))
        .exec_without_returning(&txn)
        .await?;
    // The start-up default (no actor) is not audited, like the default themes.
    if let Some(actor) = actor {
        audit::record(
            &txn,
            Some(actor),
            "questionnaire.create",
            "questionnaire",
            &q.id,
            None,
            Some(serde_json::json!({"title": q.title, "version": 1, "version_id": v.id})),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(StoredQuestionnaire {
        questionnaire: q,
        versions: vec![v],
    })
}

/// What saving a definition did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveOutcome {
    pub version: i32,
    pub new_version: bool,
}

/// Saves `definition` into the latest version when it is not frozen, else into a new
/// version. `None` when the questionnaire does not exist. Audited as
/// `questionnaire.update` (without the definitions themselves, only their versions).
pub async fn save_definition(
    db: &DatabaseConnection,
    id: &str,
    title: &str,
    definition: &str,
    actor: &Staff,
) -> Result<Option<SaveOutcome>, DbErr> {
    let now = Utc::now();
    let txn = crate::storage::begin_write(db).await?;
    if questionnaire::Entity::find_by_id(id.to_owned())
        .one(&txn)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let Some(latest) = questionnaire_version::Entity::find()
        .filter(questionnaire_version::Column::QuestionnaireId.eq(id))
        .order_by_desc(questionnaire_version::Column::Version)
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let outcome = write_definition(&txn, id, &latest, definition, now).await?;
    questionnaire::Entity::update_many()
        .col_expr(questionnaire::Column::Title, Expr::value(title.to_owned()))
        .col_expr(questionnaire::Column::UpdatedAt, Expr::value(now))
        .filter(questionnaire::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(actor),
        "questionnaire.update",
        "questionnaire",
        id,
        Some(serde_json::json!({"version": latest.version})),
        Some(serde_json::json!({
            "title": title,
            "version": outcome.version,
            "new_version": outcome.new_version,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(outcome))
}

/// Writes `definition` into `latest` when it is not frozen, else into a new version after
/// it, in the caller's transaction.
async fn write_definition(
    txn: &impl ConnectionTrait,
    id: &str,
    latest: &questionnaire_version::Model,
    definition: &str,
    now: DateTime<Utc>,
) -> Result<SaveOutcome, DbErr> {
    // In place only while unfrozen: the condition is checked by the UPDATE itself, so a
    // response freezing the version meanwhile wins and we create a new version.
    let updated = if latest.frozen_at.is_none() {
        questionnaire_version::Entity::update_many()
            .col_expr(
                questionnaire_version::Column::Definition,
                Expr::value(definition.to_owned()),
            )
            .filter(questionnaire_version::Column::Id.eq(latest.id.as_str()))
            .filter(questionnaire_version::Column::FrozenAt.is_null())
            .exec(txn)
            .await?
            .rows_affected
            > 0
    } else {
        false
    };
    Ok(if updated {
        SaveOutcome {
            version: latest.version,
            new_version: false,
        }
    } else {
        let version = latest.version + 1;
        questionnaire_version::Entity::insert(questionnaire_version::ActiveModel::from(
            questionnaire_version::Model {
                id: Uuid::new_v4().to_string(),
                questionnaire_id: id.to_owned(),
                version,
                definition: definition.to_owned(),
                frozen_at: None,
                created_at: now,
            },
        ))
        .exec_without_returning(txn)
        .await?;
        SaveOutcome {
            version,
            new_version: true,
        }
    })
}

/// Title of the questionnaire created on first start.
pub const DEFAULT_TITLE: &str = "Questionnaire Landes — nouvelles solidarités";
/// Id of the questionnaire created on first start.
pub const DEFAULT_ID: &str = "00000000-0000-4000-8000-00000000a001";

/// On first start (no questionnaire at all), stores the Landes template built with the
/// active themes. Idempotent; returns whether it created it.
pub async fn seed_default(db: &DatabaseConnection) -> Result<bool, DbErr> {
    if any_exists(db).await? {
        return Ok(false);
    }
    let themes: Vec<(String, String)> = super::themes::list(db)
        .await?
        .into_iter()
        .filter(|t| t.retired_at.is_none())
        .map(|t| (t.slug, t.label))
        .collect();
    let definition = solidarites_domain::landes_template(&themes);
    let json = serde_json::to_string(&definition).map_err(|e| DbErr::Custom(e.to_string()))?;
    // A fixed id: instances starting together cannot both store it.
    match insert_questionnaire(db, DEFAULT_ID.to_owned(), DEFAULT_TITLE, &json, None).await {
        Ok(_) => Ok(true),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(false)
        }
        Err(err) => Err(err),
    }
}

// ---------------------------------------------------------------------------------------
// Campaigns

/// Every campaign, newest opening first.
pub async fn list_campaigns(db: &impl ConnectionTrait) -> Result<Vec<campaign::Model>, DbErr> {
    campaign::Entity::find()
        .order_by_desc(campaign::Column::OpensAt)
        .order_by_asc(campaign::Column::Id)
        .all(db)
        .await
}

/// `limit` campaigns in the order of [`list_campaigns`] after the first `offset`, and the
/// number of campaigns.
pub async fn campaigns_page(
    db: &impl ConnectionTrait,
    offset: u64,
    limit: u64,
) -> Result<(Vec<campaign::Model>, u64), DbErr> {
    let total = campaign::Entity::find().count(db).await?;
    let rows = campaign::Entity::find()
        .order_by_desc(campaign::Column::OpensAt)
        .order_by_asc(campaign::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Campaigns accepting answers at `now`.
pub async fn list_open_campaigns(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<campaign::Model>, DbErr> {
    campaign::Entity::find()
        .filter(campaign::Column::Status.eq(campaign_status::OPEN))
        .filter(campaign::Column::OpensAt.lte(now))
        .filter(campaign::Column::ClosesAt.gt(now))
        .order_by_asc(campaign::Column::ClosesAt)
        .order_by_asc(campaign::Column::Id)
        .all(db)
        .await
}

pub async fn get_campaign(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<campaign::Model>, DbErr> {
    campaign::Entity::find_by_id(id.to_owned()).one(db).await
}

fn campaign_snapshot(c: &campaign::Model) -> serde_json::Value {
    serde_json::json!({
        "title": c.title,
        "description": c.description,
        "questionnaire_version_id": c.questionnaire_version_id,
        "opens_at": c.opens_at.to_rfc3339(),
        "closes_at": c.closes_at.to_rfc3339(),
        "status": c.status,
    })
}

/// The fields of a new campaign (already validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign {
    pub title: String,
    pub description: String,
    pub questionnaire_version_id: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub status: String,
}

/// Stores a campaign, audited as `campaign.create`.
pub async fn create_campaign(
    db: &DatabaseConnection,
    new: NewCampaign,
    actor: &Staff,
) -> Result<campaign::Model, DbErr> {
    insert_campaign(db, new, Some(actor), "campaign.create").await
}

/// Stores a campaign made by the command line (the demo data), audited as
/// `cli.campaign.create`.
pub async fn create_campaign_from_cli(
    db: &DatabaseConnection,
    new: NewCampaign,
) -> Result<campaign::Model, DbErr> {
    insert_campaign(db, new, None, "cli.campaign.create").await
}

async fn insert_campaign(
    db: &DatabaseConnection,
    new: NewCampaign,
    actor: Option<&Staff>,
    action: &str,
) -> Result<campaign::Model, DbErr> {
    let now = Utc::now();
    let row = campaign::Model {
        id: Uuid::new_v4().to_string(),
        title: new.title,
        description: new.description,
        questionnaire_version_id: new.questionnaire_version_id,
        opens_at: new.opens_at,
        closes_at: new.closes_at,
        status: new.status,
        created_at: now,
        updated_at: now,
    };
    let txn = crate::storage::begin_write(db).await?;
    campaign::Entity::insert(campaign::ActiveModel::from(row.clone()))
        .exec_without_returning(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        action,
        "campaign",
        &row.id,
        None,
        Some(campaign_snapshot(&row)),
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Applies `change` to the stored campaign and saves it, audited as `action`. `change`
/// returns field errors to refuse the change (nothing is written then). `None` when the
/// campaign does not exist.
pub async fn update_campaign<E>(
    db: &DatabaseConnection,
    id: &str,
    action: &str,
    actor: &Staff,
    change: impl FnOnce(&mut campaign::Model) -> Result<(), E>,
) -> Result<Option<Result<campaign::Model, E>>, DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    let Some(before) = campaign::Entity::find_by_id(id.to_owned())
        .lock_exclusive()
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let mut after = before.clone();
    if let Err(err) = change(&mut after) {
        return Ok(Some(Err(err)));
    }
    after.updated_at = Utc::now();
    // Every column written (a model converts to all-`Unchanged` values).
    let mut active = campaign::ActiveModel::from(after.clone()).reset_all();
    active.id = sea_orm::ActiveValue::Unchanged(after.id.clone());
    campaign::Entity::update(active).exec(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        action,
        "campaign",
        id,
        Some(campaign_snapshot(&before)),
        Some(campaign_snapshot(&after)),
    )
    .await?;
    txn.commit().await?;
    Ok(Some(Ok(after)))
}

/// Answers of a campaign: total, by channel, by commune.
pub async fn campaign_counts(
    db: &impl ConnectionTrait,
    campaign_id: &str,
) -> Result<(u64, BTreeMap<String, u64>, BTreeMap<String, u64>), DbErr> {
    let group = |column: response::Column| {
        response::Entity::find()
            .select_only()
            .column(column)
            .column_as(
                Expr::expr(Func::count(Expr::col(response::Column::Id))),
                "n",
            )
            .filter(response::Column::CampaignId.eq(campaign_id))
            .group_by(column)
            .into_tuple::<(String, i64)>()
    };
    let to_map = |rows: Vec<(String, i64)>| -> BTreeMap<String, u64> {
        rows.into_iter()
            .map(|(k, n)| (k, u64::try_from(n).unwrap_or(0)))
            .collect()
    };
    let by_channel = to_map(group(response::Column::Channel).all(db).await?);
    let by_commune = to_map(group(response::Column::CommuneCode).all(db).await?);
    let total = by_channel.values().sum();
    Ok((total, by_channel, by_commune))
}

/// Answers of a campaign per day received and channel: `(day, channel, count)` sorted by
/// day then channel.
pub async fn campaign_daily_counts(
    db: &impl ConnectionTrait,
    campaign_id: &str,
) -> Result<Vec<(NaiveDate, String, u64)>, DbErr> {
    let rows: Vec<(NaiveDate, String, i64)> = response::Entity::find()
        .select_only()
        .column(response::Column::SubmittedOn)
        .column(response::Column::Channel)
        .column_as(
            Expr::expr(Func::count(Expr::col(response::Column::Id))),
            "n",
        )
        .filter(response::Column::CampaignId.eq(campaign_id))
        .group_by(response::Column::SubmittedOn)
        .group_by(response::Column::Channel)
        .order_by_asc(response::Column::SubmittedOn)
        .order_by_asc(response::Column::Channel)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(day, channel, n)| (day, channel, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// The versions with these ids, by id (to show each campaign's questionnaire and version).
pub async fn version_of_campaigns(
    db: &impl ConnectionTrait,
    version_ids: Vec<String>,
) -> Result<BTreeMap<String, questionnaire_version::Model>, DbErr> {
    Ok(questionnaire_version::Entity::find()
        .filter(questionnaire_version::Column::Id.is_in(version_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id.clone(), v))
        .collect())
}

// ---------------------------------------------------------------------------------------
// Responses

/// A validated answer ready to store.
#[derive(Debug, Clone, Copy)]
pub struct NewResponse<'a> {
    pub campaign_id: &'a str,
    pub version_id: &'a str,
    pub commune: &'a InseeCode,
    pub channel: &'a str,
    pub answers: &'a ValidatedAnswers,
    pub submitted_on: NaiveDate,
    pub idempotency_key_hash: Option<&'a str>,
}

/// The response already stored with this idempotency key hash for this campaign.
pub async fn find_by_idempotency(
    db: &impl ConnectionTrait,
    campaign_id: &str,
    key_hash: &str,
) -> Result<Option<(String, NaiveDate)>, DbErr> {
    response::Entity::find()
        .select_only()
        .column(response::Column::Id)
        .column(response::Column::SubmittedOn)
        .filter(response::Column::CampaignId.eq(campaign_id))
        .filter(response::Column::IdempotencyKeyHash.eq(key_hash))
        .into_tuple::<(String, NaiveDate)>()
        .one(db)
        .await
}

/// Freezes a questionnaire version (if not yet) in the caller's transaction and returns
/// its definition, final from now on: edits only touch unfrozen versions. Only unfrozen
/// rows are written, so that answers to a frozen version do not all queue on this row.
pub async fn freeze_version(
    txn: &impl ConnectionTrait,
    version_id: &str,
) -> Result<Option<String>, DbErr> {
    questionnaire_version::Entity::update_many()
        .col_expr(
            questionnaire_version::Column::FrozenAt,
            Expr::value(Utc::now()),
        )
        .filter(questionnaire_version::Column::Id.eq(version_id))
        .filter(questionnaire_version::Column::FrozenAt.is_null())
        .exec(txn)
        .await?;
    questionnaire_version::Entity::find_by_id(version_id.to_owned())
        .select_only()
        .column(questionnaire_version::Column::Definition)
        .into_tuple::<String>()
        .one(txn)
        .await
}

/// A questionnaire version's definition text and whether it is frozen (its text final).
pub async fn version_definition(
    db: &impl ConnectionTrait,
    version_id: &str,
) -> Result<Option<(String, bool)>, DbErr> {
    Ok(
        questionnaire_version::Entity::find_by_id(version_id.to_owned())
            .select_only()
            .column(questionnaire_version::Column::Definition)
            .column(questionnaire_version::Column::FrozenAt)
            .into_tuple::<(String, Option<DateTime<Utc>>)>()
            .one(db)
            .await?
            .map(|(text, frozen_at)| (text, frozen_at.is_some())),
    )
}

/// The campaigns with these ids, by id, locked until the caller's transaction ends
/// (`SELECT … FOR UPDATE` on PostgreSQL, always in the same order so that two writers
/// never wait on each other crosswise; on SQLite the writer's `BEGIN IMMEDIATE` already
/// excludes every other writer).
pub async fn lock_campaigns(
    txn: &impl ConnectionTrait,
    ids: Vec<String>,
) -> Result<Vec<campaign::Model>, DbErr> {
    campaign::Entity::find()
        .filter(campaign::Column::Id.is_in(ids))
        .order_by_asc(campaign::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await
}

/// The responses of a campaign already stored under any of these idempotency key hashes:
/// hash → (id, day received). One query for a whole batch.
pub async fn find_by_idempotency_keys(
    db: &impl ConnectionTrait,
    campaign_id: &str,
    key_hashes: Vec<String>,
) -> Result<BTreeMap<String, (String, NaiveDate)>, DbErr> {
    if key_hashes.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(response::Entity::find()
        .select_only()
        .column(response::Column::IdempotencyKeyHash)
        .column(response::Column::Id)
        .column(response::Column::SubmittedOn)
        .filter(response::Column::CampaignId.eq(campaign_id))
        .filter(response::Column::IdempotencyKeyHash.is_in(key_hashes))
        .into_tuple::<(Option<String>, String, NaiveDate)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(hash, id, day)| Some((hash?, (id, day))))
        .collect())
}

/// A validated answer for [`insert_numbered`], which gives it its arrival number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRow {
    pub id: String,
    pub campaign_id: String,
    pub version_id: String,
    pub commune_code: String,
    pub channel: String,
    /// JSON `ValidatedAnswers`.
    pub answers: String,
    pub submitted_on: NaiveDate,
    pub idempotency_key_hash: Option<String>,
}

/// Inserts in ONE statement those of `rows` whose idempotency key is not stored yet for
/// their campaign, numbering them after their campaign's last arrival number in the order
/// given, and returns the ids inserted with their numbers (a row missing from the answer
/// was not inserted: its key is stored). The caller holds the lock of every campaign of
/// `rows` ([`lock_campaigns`], taken by an earlier statement of its transaction: on
/// PostgreSQL this statement's snapshot is then taken after the lock was granted and sees
/// every answer committed before) and gives each key at most once. A unique-index refusal
/// fails the whole statement: nothing of it is stored.
pub async fn insert_numbered(
    txn: &impl ConnectionTrait,
    rows: &[NewRow],
) -> Result<HashMap<String, i64>, DbErr> {
    numbered_insert(txn, rows, None).await
}

/// [`insert_numbered`] as a transaction of its own (one round trip to the database), for
/// the rows whose campaign is open at `now` on the row's questionnaire version (a row
/// missing from the answer was not inserted: its campaign is not open on its version, or
/// its key is stored). The versions must be frozen, each key given at most once.
///
/// Without a lock held before the statement, the numbers are taken from the statement's
/// own snapshot. On PostgreSQL the statement locks the campaigns as it reads them (every
/// writer numbers a campaign's answers only under its lock); should it wait for that lock,
/// its snapshot is older than the answers committed meanwhile, and its numbers or keys
/// collide with theirs on the unique indexes: the statement fails whole and stores
/// nothing (the caller then takes the path with the lock first). The numbers stay
/// gap-free and in commit order either way.
pub async fn insert_numbered_if_open(
    db: &impl ConnectionTrait,
    rows: &[NewRow],
    now: DateTime<Utc>,
) -> Result<HashMap<String, i64>, DbErr> {
    numbered_insert(db, rows, Some(now)).await
}

/// The statement of [`insert_numbered`] (`open_at: None`: the caller holds the locks) and
/// of [`insert_numbered_if_open`].
///
/// Written as SQL text rather than with the query builder: one statement for both
/// databases (a `WITH` of `VALUES` with named columns, a window function and a
/// correlated sub-query, `RETURNING`), where only the placeholders and the lock differ.
async fn numbered_insert(
    db: &impl ConnectionTrait,
    rows: &[NewRow],
    open_at: Option<DateTime<Utc>>,
) -> Result<HashMap<String, i64>, DbErr> {
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    const COLUMNS: usize = 9;
    let backend = db.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(rows.len() * COLUMNS + 3);
    let mut tuples = Vec::with_capacity(rows.len());
    for (ord, row) in rows.iter().enumerate() {
        let first = values.len();
        values.extend([
            i64::try_from(ord).unwrap_or(i64::MAX).into(),
            row.id.clone().into(),
            row.campaign_id.clone().into(),
            row.version_id.clone().into(),
            row.commune_code.clone().into(),
            row.channel.clone().into(),
            row.answers.clone().into(),
            row.submitted_on.into(),
            row.idempotency_key_hash.clone().into(),
        ]);
        let placeholders: Vec<String> = (first + 1..=values.len())
            .map(|n| placeholder(backend, n))
            .collect();
        tuples.push(format!("({})", placeholders.join(", ")));
    }
    let (open, join) = match open_at {
        None => (String::new(), ""),
        Some(now) => (
            open_campaigns(backend, &mut values, now),
            " JOIN c ON c.id = v.campaign_id AND c.questionnaire_version_id = v.version_id",
        ),
    };
    let sql = format!(
        "WITH v (ord, id, campaign_id, version_id, commune_code, channel, answers, \
         submitted_on, key_hash) AS (VALUES {}){open} \
         INSERT INTO responses (id, campaign_id, questionnaire_version_id, commune_code, \
         channel, answers, submitted_on, idempotency_key_hash, seq) \
         SELECT v.id, v.campaign_id, v.version_id, v.commune_code, v.channel, v.answers, \
         v.submitted_on, v.key_hash, \
         COALESCE((SELECT MAX(r.seq) FROM responses r WHERE r.campaign_id = v.campaign_id), 0) \
         + row_number() OVER (PARTITION BY v.campaign_id ORDER BY v.ord) \
         FROM v{join} \
         WHERE v.key_hash IS NULL OR NOT EXISTS (SELECT 1 FROM responses r \
         WHERE r.campaign_id = v.campaign_id AND r.idempotency_key_hash = v.key_hash) \
         RETURNING id, seq",
        tuples.join(", ")
    );
    let inserted = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            backend, sql, values,
        ))
        .await?;
    inserted
        .iter()
        .map(|row| {
            Ok((
                row.try_get::<String>("", "id")?,
                row.try_get::<i64>("", "seq")?,
            ))
        })
        .collect()
}

/// The placeholder of the `n`-th value (from 1) of a statement on `backend`.
fn placeholder(backend: sea_orm::DbBackend, n: usize) -> String {
    match backend {
        sea_orm::DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}

/// The `WITH` clause `c` of [`numbered_insert`]: the campaigns of `v` open at `now`, with
/// their version, locked on PostgreSQL as they are read; its three values go to `values`.
fn open_campaigns(
    backend: sea_orm::DbBackend,
    values: &mut Vec<sea_orm::Value>,
    now: DateTime<Utc>,
) -> String {
    values.extend([campaign_status::OPEN.into(), now.into(), now.into()]);
    let n = values.len();
    let [status, opens, closes] = [n - 2, n - 1, n].map(|k| placeholder(backend, k));
    let lock = match backend {
        sea_orm::DbBackend::Postgres => " ORDER BY id FOR UPDATE",
        _ => "",
    };
    format!(
        ", c AS (SELECT id, questionnaire_version_id FROM campaigns \
         WHERE id IN (SELECT campaign_id FROM v) AND status = {status} \
         AND opens_at <= {opens} AND closes_at > {closes}{lock})"
    )
}

/// An answer made up by a load test or a benchmark, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedResponse {
    /// Arrival number, unique in the campaign.
    pub seq: i64,
    pub commune_code: String,
    pub channel: String,
    /// JSON `ValidatedAnswers`.
    pub answers: String,
    pub submitted_on: NaiveDate,
}

/// Inserts generated answers to `campaign` in one statement, without freezing the version
/// nor checking anything: for load tests and benchmarks that store answers by the thousand.
pub async fn insert_generated(
    db: &impl ConnectionTrait,
    campaign: &campaign::Model,
    rows: Vec<GeneratedResponse>,
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows = rows.into_iter().map(|r| response::ActiveModel {
        id: Set(Uuid::new_v4().to_string()),
        campaign_id: Set(campaign.id.clone()),
        questionnaire_version_id: Set(campaign.questionnaire_version_id.clone()),
        commune_code: Set(r.commune_code),
        channel: Set(r.channel),
        answers: Set(r.answers),
        submitted_on: Set(r.submitted_on),
        idempotency_key_hash: Set(None),
        seq: Set(r.seq),
    });
    response::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Freezes the version and stores one response in a transaction of its own (the demo
/// data: answers built already valid, on days of their own). Answers from the web go
/// through [`crate::services::answers`].
pub async fn store_response(
    db: &DatabaseConnection,
    new: &NewResponse<'_>,
) -> Result<String, DbErr> {
    let answers = serde_json::to_string(new.answers)
        .map_err(|e| DbErr::Custom(format!("answers not serialisable: {e}")))?;
    let row = NewRow {
        id: Uuid::new_v4().to_string(),
        campaign_id: new.campaign_id.to_owned(),
        version_id: new.version_id.to_owned(),
        commune_code: new.commune.as_str().to_owned(),
        channel: new.channel.to_owned(),
        answers,
        submitted_on: new.submitted_on,
        idempotency_key_hash: new.idempotency_key_hash.map(str::to_owned),
    };
    let txn = crate::storage::begin_write(db).await?;
    freeze_version(&txn, new.version_id).await?;
    // Numbered as the answer writer numbers: under the campaign's lock, by the one
    // statement that gives arrival numbers.
    lock_campaigns(&txn, vec![row.campaign_id.clone()]).await?;
    let inserted = insert_numbered(&txn, std::slice::from_ref(&row)).await?;
    if !inserted.contains_key(&row.id) {
        return Err(DbErr::Custom(
            "answer not stored: its idempotency key is stored already".to_owned(),
        ));
    }
    txn.commit().await?;
    Ok(row.id)
}

/// Number of stored responses (all campaigns), for tests and the benchmark.
pub async fn count_responses(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    response::Entity::find().count(db).await
}
