//! Initiatives: submission, the submitter's edits through the private link, public reading,
//! and the revision counter of what the public map shows.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait, Query},
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::carte_entities::{
    actor, initiative, initiative_revision, initiative_theme, label, label_grant, map_state,
};
use solidarites_domain::lifecycle::{InitiativeEvent, InitiativeStatus};
use solidarites_domain::{
    results::gaps::{haversine_km, EARTH_RADIUS_KM},
    LonLat,
};

use super::freshness::{initiative_confirmed, PublicDay};
use crate::{
    ids::{ActorId, InitiativeId},
    search::fold,
    submission::{ActorChoice, InitiativeDraft},
};

/// Statuses of initiatives, their revisions and actors, as stored (the domain's
/// `InitiativeStatus`, `RevisionStatus` and `ModerationStatus` spell them alike).
pub mod status {
    use solidarites_domain::lifecycle::{InitiativeStatus, RevisionStatus};
    pub const PENDING: &str = InitiativeStatus::Pending.as_str();
    pub const PUBLISHED: &str = InitiativeStatus::Published.as_str();
    pub const REJECTED: &str = InitiativeStatus::Rejected.as_str();
    pub const CHANGES_REQUESTED: &str = InitiativeStatus::ChangesRequested.as_str();
    pub const ARCHIVED: &str = InitiativeStatus::Archived.as_str();
    pub const WITHDRAWN: &str = InitiativeStatus::Withdrawn.as_str();
    /// Only for revisions: replaced by a newer one before moderation.
    pub const SUPERSEDED: &str = RevisionStatus::Superseded.as_str();
    pub const APPROVED: &str = RevisionStatus::Approved.as_str();
}

/// Filters of the public lists. Every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    /// `[min_lon, min_lat, max_lon, max_lat]`, WGS 84 degrees.
    pub bbox: Option<[f64; 4]>,
    /// Any of these themes.
    pub themes: Vec<String>,
    pub commune: Option<String>,
    pub actor: Option<ActorId>,
    /// Slug of a label held (currently) by the initiative or by its actor.
    pub label: Option<String>,
    /// Folded text (see [`fold`]) searched in title, description and actor name.
    pub q: Option<String>,
    /// Around a commune: its initiatives and those within the radius.
    pub near: Option<Near>,
    /// Only those that welcome volunteers.
    pub welcomes_volunteers: bool,
}

/// Initiatives around a commune: those of the commune, and those whose point is within
/// `radius_km` of the commune's representative point (great-circle distance).
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    /// INSEE code.
    pub commune: String,
    /// The commune's representative point (WGS 84), the one the needs-versus-offer
    /// ranking measures from.
    pub point: LonLat,
    pub radius_km: f64,
}

impl Near {
    /// The bounding box of the circle, a little wider (a prefilter the database can use;
    /// the distance itself is computed in Rust, the same on SQLite and PostgreSQL).
    fn bbox(&self) -> [f64; 4] {
        let km_per_degree = EARTH_RADIUS_KM.to_radians();
        let dlat = self.radius_km / km_per_degree * 1.01;
        let cos = self.point.lat().to_radians().cos().max(0.01);
        let dlon = (dlat / cos).min(180.0);
        [
            self.point.lon() - dlon,
            self.point.lat() - dlat,
            self.point.lon() + dlon,
            self.point.lat() + dlat,
        ]
    }

    /// The distance of `(lon, lat)` from the commune, if the initiative is around it.
    fn distance_km(&self, lon: f64, lat: f64, commune: &str) -> Option<f64> {
        let d = LonLat::new(lon, lat)
            .ok()
            .map(|p| haversine_km(self.point, p))?;
        (d <= self.radius_km || commune == self.commune).then_some(d)
    }
}

/// Published, not expired on `day` and confirmed recently enough.
pub(crate) fn visible(day: &PublicDay) -> Condition {
    Condition::all()
        .add(initiative::Column::Status.eq(status::PUBLISHED))
        .add(
            Condition::any()
                .add(initiative::Column::EndDate.is_null())
                .add(initiative::Column::EndDate.gte(day.today)),
        )
        .add(initiative_confirmed(day))
}

/// Ids of the targets of current grants of the label `slug`; `column` picks actors or
/// initiatives.
fn current_grants_of(
    slug: &str,
    column: label_grant::Column,
    today: NaiveDate,
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(column)
        .from(label_grant::Entity)
        .and_where(Expr::col(column).is_not_null())
        .and_where(Expr::col(label_grant::Column::RevokedAt).is_null())
        .and_where(Expr::col(label_grant::Column::ExpiresOn).gte(today))
        .and_where(
            Expr::col(label_grant::Column::LabelId).in_subquery(
                Query::select()
                    .column(label::Column::Id)
                    .from(label::Entity)
                    .and_where(Expr::col(label::Column::Slug).eq(slug))
                    .to_owned(),
            ),
        )
        .to_owned()
}

pub(crate) fn label_condition_for_actors(slug: &str, today: NaiveDate) -> Expr {
    Expr::col((actor::Entity, actor::Column::Id)).in_subquery(current_grants_of(
        slug,
        label_grant::Column::ActorId,
        today,
    ))
}

fn public_condition(f: &PublicFilter, day: &PublicDay) -> Condition {
    let today = day.today;
    let mut c = visible(day);
    if let Some([min_lon, min_lat, max_lon, max_lat]) = f.bbox {
        c = c
            .add(initiative::Column::Lon.between(min_lon, max_lon))
            .add(initiative::Column::Lat.between(min_lat, max_lat));
    }
    if !f.themes.is_empty() {
        c = c.add(super::with_any_theme(
            initiative::Column::Id,
            initiative_theme::Column::InitiativeId,
            initiative_theme::Column::ThemeSlug,
            &f.themes,
        ));
    }
    if let Some(commune) = &f.commune {
        c = c.add(initiative::Column::CommuneCode.eq(commune.clone()));
    }
    if let Some(near) = &f.near {
        let [min_lon, min_lat, max_lon, max_lat] = near.bbox();
        c = c.add(
            Condition::any()
                .add(initiative::Column::CommuneCode.eq(near.commune.clone()))
                .add(
                    Condition::all()
                        .add(initiative::Column::Lon.between(min_lon, max_lon))
                        .add(initiative::Column::Lat.between(min_lat, max_lat)),
                ),
        );
    }
    if let Some(actor_id) = f.actor {
        c = c.add(initiative::Column::ActorId.eq(actor_id));
    }
    if f.welcomes_volunteers {
        c = c.add(initiative::Column::WelcomesVolunteers.eq(true));
    }
    if let Some(slug) = &f.label {
        c = c.add(
            Condition::any()
                .add(initiative::Column::Id.in_subquery(current_grants_of(
                    slug,
                    label_grant::Column::InitiativeId,
                    today,
                )))
                .add(initiative::Column::ActorId.in_subquery(current_grants_of(
                    slug,
                    label_grant::Column::ActorId,
                    today,
                ))),
        );
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        // `fold` leaves only letters, digits and single spaces: no LIKE wildcard to escape.
        let pattern = format!("%{q}%");
        c = c.add(
            Condition::any()
                .add(initiative::Column::SearchText.like(pattern.clone()))
                .add(
                    initiative::Column::ActorId.in_subquery(
                        Query::select()
                            .column(actor::Column::Id)
                            .from(actor::Entity)
                            .and_where(actor::Column::SearchText.like(pattern))
                            .to_owned(),
                    ),
                ),
        );
    }
    c
}

/// One page (1-based) of the public list, newest first, and the total count.
pub async fn list_public(
    db: &impl ConnectionTrait,
    filter: &PublicFilter,
    day: &PublicDay,
    page: u64,
    per_page: u64,
) -> Result<(Vec<initiative::Model>, u64), sea_orm::DbErr> {
    let query = initiative::Entity::find().filter(public_condition(filter, day));
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(initiative::Column::PublishedAt)
        .order_by_asc(initiative::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// The public initiatives matching `filter` around `near`, nearest first (then by id):
/// ids and distances in km. Only the id, point and commune of each candidate are read.
async fn near_ids(
    db: &impl ConnectionTrait,
    filter: &PublicFilter,
    near: &Near,
    day: &PublicDay,
) -> Result<Vec<(Uuid, f64)>, sea_orm::DbErr> {
    let candidates: Vec<(Uuid, f64, f64, String)> = initiative::Entity::find()
        .select_only()
        .column(initiative::Column::Id)
        .column(initiative::Column::Lon)
        .column(initiative::Column::Lat)
        .column(initiative::Column::CommuneCode)
        .filter(public_condition(filter, day))
        .into_tuple()
        .all(db)
        .await?;
    let mut found: Vec<(Uuid, f64)> = candidates
        .into_iter()
        .filter_map(|(id, lon, lat, commune)| Some((id, near.distance_km(lon, lat, &commune)?)))
        .collect();
    found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(found)
}

/// The rows of `ids`, in that order.
async fn rows_in_order(
    db: &impl ConnectionTrait,
    ids: &[(Uuid, f64)],
) -> Result<Vec<(initiative::Model, f64)>, sea_orm::DbErr> {
    // Bound parameters per query stay well under SQLite's and PostgreSQL's limits.
    const IDS_PER_QUERY: usize = 5_000;
    let mut rows: std::collections::HashMap<Uuid, initiative::Model> =
        std::collections::HashMap::with_capacity(ids.len());
    for part in ids.chunks(IDS_PER_QUERY) {
        let found = initiative::Entity::find()
            .filter(initiative::Column::Id.is_in(part.iter().map(|(id, _)| *id)))
            .all(db)
            .await?;
        rows.extend(found.into_iter().map(|row| (row.id, row)));
    }
    Ok(ids
        .iter()
        .filter_map(|(id, d)| rows.remove(id).map(|row| (row, *d)))
        .collect())
}

/// One page of the public initiatives matching `filter` around `near`, nearest first,
/// each with its distance in km; and the number over all pages.
pub async fn list_near(
    db: &impl ConnectionTrait,
    filter: &PublicFilter,
    near: &Near,
    day: &PublicDay,
    page: u64,
    per_page: u64,
) -> Result<(Vec<(initiative::Model, f64)>, u64), sea_orm::DbErr> {
    let found = near_ids(db, filter, near, day).await?;
    let total = found.len() as u64;
    let shown = super::page_of(&found, page, per_page);
    Ok((rows_in_order(db, shown).await?, total))
}

/// Up to `limit` public initiatives matching `filter` around `near`, nearest first.
pub async fn all_near(
    db: &impl ConnectionTrait,
    filter: &PublicFilter,
    near: &Near,
    day: &PublicDay,
    limit: u64,
) -> Result<Vec<initiative::Model>, sea_orm::DbErr> {
    let mut found = near_ids(db, filter, near, day).await?;
    found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(rows_in_order(db, &found)
        .await?
        .into_iter()
        .map(|(row, _)| row)
        .collect())
}

/// Up to `limit` public initiatives matching `filter`.
pub async fn all_public(
    db: &impl ConnectionTrait,
    filter: &PublicFilter,
    day: &PublicDay,
    limit: u64,
) -> Result<Vec<initiative::Model>, sea_orm::DbErr> {
    initiative::Entity::find()
        .filter(public_condition(filter, day))
        .order_by_asc(initiative::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// A published, unexpired, recently confirmed initiative.
pub async fn get_public(
    db: &impl ConnectionTrait,
    id: InitiativeId,
    day: &PublicDay,
) -> Result<Option<initiative::Model>, sea_orm::DbErr> {
    initiative::Entity::find_by_id(id)
        .filter(visible(day))
        .one(db)
        .await
}

/// Whether an initiative with this id exists, whatever its status.
pub async fn exists(db: &impl ConnectionTrait, id: InitiativeId) -> Result<bool, sea_orm::DbErr> {
    Ok(initiative::Entity::find_by_id(id).one(db).await?.is_some())
}

/// The theme slugs of a stored initiative, main theme first.
pub fn themes_of(row: &initiative::Model) -> Vec<String> {
    serde_json::from_str(&row.themes).unwrap_or_default()
}

/// A typed value's stored text.
fn text(value: Option<&impl ToString>) -> Option<String> {
    value.map(ToString::to_string)
}

fn search_text(draft: &InitiativeDraft) -> String {
    fold(&format!("{} {}", draft.title, draft.description))
}

fn apply_draft(
    row: &mut initiative::ActiveModel,
    draft: &InitiativeDraft,
) -> Result<(), sea_orm::DbErr> {
    row.title = Set(draft.title.clone());
    row.description = Set(draft.description.clone());
    row.search_text = Set(search_text(draft));
    row.lon = Set(draft.placement.lon);
    row.lat = Set(draft.placement.lat);
    row.has_point = Set(draft.placement.has_point);
    row.commune_code = Set(draft.placement.commune_code.to_string());
    row.address = Set(draft.address.clone());
    row.start_date = Set(draft.start_date);
    row.end_date = Set(draft.end_date);
    row.schedule = Set(draft.schedule.clone());
    row.audience = Set(draft.audience.clone());
    row.contact_email = Set(text(draft.contact_email.as_ref()));
    row.contact_phone = Set(text(draft.contact_phone.as_ref()));
    row.contact_url = Set(text(draft.contact_url.as_ref()));
    row.welcomes_volunteers = Set(draft.welcomes_volunteers);
    row.themes =
        Set(serde_json::to_string(&draft.themes)
            .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?);
    row.updated_at = Set(Utc::now());
    Ok(())
}

/// Replaces the theme membership rows of an initiative.
pub(crate) async fn replace_themes(
    db: &impl ConnectionTrait,
    id: Uuid,
    themes: &[String],
) -> Result<(), sea_orm::DbErr> {
    initiative_theme::Entity::delete_many()
        .filter(initiative_theme::Column::InitiativeId.eq(id))
        .exec(db)
        .await?;
    let rows: Vec<_> = themes
        .iter()
        .map(|slug| initiative_theme::ActiveModel {
            initiative_id: Set(id),
            theme_slug: Set(slug.clone()),
        })
        .collect();
    super::insert_rows(db, rows).await?;
    Ok(())
}

/// Applies `draft` to the stored initiative `row` (themes included).
pub(crate) async fn apply_content(
    db: &impl ConnectionTrait,
    row: initiative::Model,
    draft: &InitiativeDraft,
    new_status: Option<&str>,
) -> Result<initiative::Model, sea_orm::DbErr> {
    let id = row.id;
    let mut active: initiative::ActiveModel = row.into();
    apply_draft(&mut active, draft)?;
    if let Some(s) = new_status {
        active.status = Set(s.to_owned());
    }
    let updated = active.update(db).await?;
    replace_themes(db, id, &draft.themes).await?;
    Ok(updated)
}

/// Stores a submission as pending, with its new actor if any, in one transaction.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    draft: &InitiativeDraft,
    actor_choice: &ActorChoice,
    edit_token_hash: &str,
) -> Result<Uuid, sea_orm::DbErr> {
    create_with_notify(db, draft, actor_choice, edit_token_hash, None).await
}

/// [`create`], with the address the submitter left (with consent) to be told of decisions.
pub async fn create_with_notify<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    draft: &InitiativeDraft,
    actor_choice: &ActorChoice,
    edit_token_hash: &str,
    notify_email: Option<&str>,
) -> Result<Uuid, sea_orm::DbErr> {
    let now = Utc::now();
    let txn = crate::storage::begin_write(db).await?;
    let actor_id = match actor_choice {
        ActorChoice::Existing(id) => *id,
        ActorChoice::New(a) => {
            let id = Uuid::new_v4();
            actor::ActiveModel {
                id: Set(id),
                name: Set(a.name.clone()),
                search_text: Set(fold(&a.name)),
                kind: Set(a.kind.as_str().to_owned()),
                description: Set(a.description.clone()),
                website: Set(text(a.website.as_ref())),
                contact_email: Set(text(a.contact_email.as_ref())),
                contact_phone: Set(text(a.contact_phone.as_ref())),
                commune_code: Set(text(a.commune_code.as_ref())),
                charter_signed_at: Set(None),
                status: Set(status::PENDING.to_owned()),
                moderation_message: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                last_confirmed_at: Set(Some(now)),
                stale_flagged_at: Set(None),
                welcomes_volunteers: Set(a.welcomes_volunteers),
            }
            .insert(&txn)
            .await?;
            id
        }
    };
    let id = Uuid::new_v4();
    let mut row = initiative::ActiveModel {
        id: Set(id),
        actor_id: Set(actor_id),
        status: Set(status::PENDING.to_owned()),
        edit_token_hash: Set(edit_token_hash.to_owned()),
        moderation_message: Set(None),
        created_at: Set(now),
        published_at: Set(None),
        notify_email: Set(notify_email.map(str::to_owned)),
        mail_token_hash: Set(None),
        last_confirmed_at: Set(Some(now)),
        stale_flagged_at: Set(None),
        ..Default::default()
    };
    apply_draft(&mut row, draft)?;
    row.insert(&txn).await?;
    replace_themes(&txn, id, &draft.themes).await?;
    txn.commit().await?;
    Ok(id)
}

/// The initiative whose edit token hashes to `hash`.
pub async fn find_by_token_hash(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<initiative::Model>, sea_orm::DbErr> {
    initiative::Entity::find()
        .filter(
            initiative::Column::EditTokenHash
                .eq(hash)
                .or(initiative::Column::MailTokenHash.eq(hash)),
        )
        .one(db)
        .await
}

/// The change of a published initiative waiting for moderation, if any.
pub async fn pending_revision(
    db: &impl ConnectionTrait,
    initiative_id: Uuid,
) -> Result<Option<(initiative_revision::Model, InitiativeDraft)>, sea_orm::DbErr> {
    let Some(rev) = initiative_revision::Entity::find()
        .filter(initiative_revision::Column::InitiativeId.eq(initiative_id))
        .filter(initiative_revision::Column::Status.eq(status::PENDING))
        .order_by_desc(initiative_revision::Column::CreatedAt)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let draft = revision_content(&rev)?;
    Ok(Some((rev, draft)))
}

/// The proposed content of a revision.
pub fn revision_content(
    rev: &initiative_revision::Model,
) -> Result<InitiativeDraft, sea_orm::DbErr> {
    serde_json::from_str(&rev.content).map_err(|e| {
        sea_orm::DbErr::Custom(format!("revision {} has unreadable content: {e}", rev.id))
    })
}

/// The latest revision of an initiative, whatever its status (for the submitter's view of a
/// rejected change).
pub async fn latest_revision(
    db: &impl ConnectionTrait,
    initiative_id: Uuid,
) -> Result<Option<initiative_revision::Model>, sea_orm::DbErr> {
    initiative_revision::Entity::find()
        .filter(initiative_revision::Column::InitiativeId.eq(initiative_id))
        .order_by_desc(initiative_revision::Column::CreatedAt)
        .one(db)
        .await
}

/// What an edit through the private link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    /// Not yet published: the content was replaced and waits for moderation.
    Updated,
    /// Published: the change waits for moderation as a revision; the public keeps seeing
    /// the published version.
    RevisionPending,
    /// Withdrawn or archived: nothing can change any more.
    Closed,
}

/// Applies a submitter's edit. `None` when no initiative has this token.
pub async fn update_by_token<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    hash: &str,
    draft: &InitiativeDraft,
) -> Result<Option<EditOutcome>, sea_orm::DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    let Some(row) = find_by_token_hash(&txn, hash).await? else {
        return Ok(None);
    };
    let next = InitiativeStatus::parse(&row.status)
        .and_then(|current| current.after(InitiativeEvent::Edit));
    let outcome = match next {
        None => EditOutcome::Closed,
        Some(InitiativeStatus::Published) => {
            supersede_pending_revisions(&txn, row.id).await?;
            initiative_revision::ActiveModel {
                id: Set(Uuid::new_v4()),
                initiative_id: Set(row.id),
                status: Set(status::PENDING.to_owned()),
                content: Set(serde_json::to_string(draft)
                    .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?),
                moderation_message: Set(None),
                created_at: Set(Utc::now()),
                decided_at: Set(None),
            }
            .insert(&txn)
            .await?;
            EditOutcome::RevisionPending
        }
        Some(next) => {
            let mut row = row;
            row.moderation_message = None;
            let mut active: initiative::ActiveModel = row.clone().into();
            active.moderation_message = Set(None);
            let row = active.update(&txn).await?;
            apply_content(&txn, row, draft, Some(next.as_str())).await?;
            EditOutcome::Updated
        }
    };
    txn.commit().await?;
    Ok(Some(outcome))
}

async fn supersede_pending_revisions(
    db: &impl ConnectionTrait,
    initiative_id: Uuid,
) -> Result<(), sea_orm::DbErr> {
    initiative_revision::Entity::update_many()
        .col_expr(
            initiative_revision::Column::Status,
            Expr::value(status::SUPERSEDED),
        )
        .filter(initiative_revision::Column::InitiativeId.eq(initiative_id))
        .filter(initiative_revision::Column::Status.eq(status::PENDING))
        .exec(db)
        .await?;
    Ok(())
}

/// Withdraws an initiative on its submitter's request. `None` when no initiative has this
/// token; `Some(false)` when it was already withdrawn or archived.
pub async fn withdraw_by_token<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    hash: &str,
) -> Result<Option<bool>, sea_orm::DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    let Some(row) = find_by_token_hash(&txn, hash).await? else {
        return Ok(None);
    };
    let next = InitiativeStatus::parse(&row.status)
        .and_then(|current| current.after(InitiativeEvent::Withdraw));
    let Some(next) = next else {
        return Ok(Some(false));
    };
    let was_published = row.status == status::PUBLISHED;
    supersede_pending_revisions(&txn, row.id).await?;
    let mut active: initiative::ActiveModel = row.into();
    active.status = Set(next.as_str().to_owned());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    if was_published {
        bump_map_revision(&txn).await?;
    }
    txn.commit().await?;
    Ok(Some(true))
}

/// The revision of the published map content (0 before anything was published).
pub async fn map_revision(db: &impl ConnectionTrait) -> Result<i64, sea_orm::DbErr> {
    Ok(map_state::Entity::find_by_id(1)
        .one(db)
        .await?
        .map_or(0, |m| m.revision))
}

/// Marks the public map content as changed; call it in the transaction of the change.
pub async fn bump_map_revision(db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    let updated = map_state::Entity::update_many()
        .col_expr(
            map_state::Column::Revision,
            Expr::col(map_state::Column::Revision).add(1),
        )
        .filter(map_state::Column::Id.eq(1))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        map_state::ActiveModel {
            id: Set(1),
            revision: Set(1),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A published initiative as the in-memory map needs it.
#[derive(Debug, Clone)]
pub struct MapPointRow {
    pub id: Uuid,
    pub title: String,
    pub lon: f64,
    pub lat: f64,
    pub main_theme: String,
    pub end_date: Option<NaiveDate>,
    pub last_confirmed_at: Option<DateTime<Utc>>,
}

/// Every published initiative (expired ones included: the map filters by date per request).
pub async fn published_points(
    db: &impl ConnectionTrait,
) -> Result<Vec<MapPointRow>, sea_orm::DbErr> {
    type Row = (
        Uuid,
        String,
        f64,
        f64,
        String,
        Option<NaiveDate>,
        Option<DateTime<Utc>>,
    );
    let rows: Vec<Row> = initiative::Entity::find()
        .select_only()
        .column(initiative::Column::Id)
        .column(initiative::Column::Title)
        .column(initiative::Column::Lon)
        .column(initiative::Column::Lat)
        .column(initiative::Column::Themes)
        .column(initiative::Column::EndDate)
        .column(initiative::Column::LastConfirmedAt)
        .filter(initiative::Column::Status.eq(status::PUBLISHED))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, title, lon, lat, themes, end_date, last_confirmed_at)| MapPointRow {
                id,
                title,
                lon,
                lat,
                main_theme: serde_json::from_str::<Vec<String>>(&themes)
                    .ok()
                    .and_then(|t| t.into_iter().next())
                    .unwrap_or_default(),
                end_date,
                last_confirmed_at,
            },
        )
        .collect())
}

/// Rows per INSERT statement in batch imports (well under SQLite's parameter limit).
const BATCH_CHUNK: usize = 500;

/// Stores already-moderated initiatives of one published actor as published, in one
/// transaction (imports, benchmarks). They get no edit link. Returns how many were stored.
pub async fn create_published_batch<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    actor_id: Uuid,
    drafts: &[InitiativeDraft],
) -> Result<usize, sea_orm::DbErr> {
    let now = Utc::now();
    let txn = crate::storage::begin_write(db).await?;
    for chunk in drafts.chunks(BATCH_CHUNK) {
        let mut rows = Vec::with_capacity(chunk.len());
        let mut theme_rows = Vec::new();
        for draft in chunk {
            let id = Uuid::new_v4();
            let mut row = initiative::ActiveModel {
                id: Set(id),
                actor_id: Set(actor_id),
                status: Set(status::PUBLISHED.to_owned()),
                // Not a SHA-256 hex digest, so no token can ever match it.
                edit_token_hash: Set(format!("import-{}", id.simple())),
                moderation_message: Set(None),
                created_at: Set(now),
                published_at: Set(Some(now)),
                last_confirmed_at: Set(Some(now)),
                stale_flagged_at: Set(None),
                ..Default::default()
            };
            apply_draft(&mut row, draft)?;
            rows.push(row);
            theme_rows.extend(
                draft
                    .themes
                    .iter()
                    .map(|slug| initiative_theme::ActiveModel {
                        initiative_id: Set(id),
                        theme_slug: Set(slug.clone()),
                    }),
            );
        }
        initiative::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
        for themes in theme_rows.chunks(BATCH_CHUNK) {
            initiative_theme::Entity::insert_many(themes.to_vec())
                .exec_without_returning(&txn)
                .await?;
        }
    }
    bump_map_revision(&txn).await?;
    txn.commit().await?;
    Ok(drafts.len())
}
