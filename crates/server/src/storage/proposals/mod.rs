//! Proposals of solidarity actions: submission (pending until moderated), public reading,
//! anonymous supports (one per device token hash), and the staff follow-up (status
//! timeline, internal note, priority, merging duplicates).
//!
//! Support counts are computed from the support rows when read, never kept in a counter,
//! so that they cannot drift: a merge or a concurrent support changes rows, and the next
//! read counts them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, NullOrdering, OnConflict},
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionSession, TransactionTrait,
};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    moderation::{Decision, ModerationError, Outcome},
    proposal_entities::{proposal, proposal_status_event, proposal_support, proposal_theme},
};
use crate::{ids::ProposalId, search::fold, submission::ProposalDraft};
use solidarites_domain::lifecycle::{ModerationStatus, ProposalStatus};

mod follow_up;
mod merge;
mod supports;

pub use follow_up::{set_note, set_priority, set_status, Change, FollowUpError};
pub use merge::{merge, MergeError, MergeOutcome};
pub use supports::{
    add_demo_supports, backdate_publication, change_support, SupportChange, SupportOutcome,
};

/// Moderation statuses: whether the public sees the proposal.
pub mod moderation_status {
    use solidarites_domain::lifecycle::ModerationStatus;
    pub const PENDING: &str = ModerationStatus::Pending.as_str();
    pub const PUBLISHED: &str = ModerationStatus::Published.as_str();
    pub const REJECTED: &str = ModerationStatus::Rejected.as_str();
    pub const ARCHIVED: &str = ModerationStatus::Archived.as_str();
    pub const ALL: [&str; 4] = [PENDING, PUBLISHED, REJECTED, ARCHIVED];
}

/// Follow-up statuses, shown publicly with their timeline (the domain's `ProposalStatus`).
pub mod status {
    use solidarites_domain::lifecycle::ProposalStatus;
    pub const SUBMITTED: &str = ProposalStatus::Submitted.as_str();
    pub const UNDER_STUDY: &str = ProposalStatus::UnderStudy.as_str();
    pub const ACCEPTED: &str = ProposalStatus::Accepted.as_str();
    pub const IN_PROGRESS: &str = ProposalStatus::InProgress.as_str();
    pub const DONE: &str = ProposalStatus::Done.as_str();
    pub const DECLINED: &str = ProposalStatus::Declined.as_str();
    pub const ALL: [&str; 6] = [
        SUBMITTED,
        UNDER_STUDY,
        ACCEPTED,
        IN_PROGRESS,
        DONE,
        DECLINED,
    ];
}

/// Lowest and highest priority rank.
pub const PRIORITY_RANGE: std::ops::RangeInclusive<i32> = 1..=999;

/// Whether a published proposal in follow-up status `status` takes new supports.
pub fn accepts_supports(row: &proposal::Model) -> bool {
    row.moderation_status == moderation_status::PUBLISHED
        && row.merged_into.is_none()
        && ProposalStatus::parse(&row.status).is_none_or(ProposalStatus::accepts_supports)
}

/// The theme slugs of a stored proposal, main theme first.
pub fn themes_of(row: &proposal::Model) -> Vec<String> {
    serde_json::from_str(&row.themes).unwrap_or_default()
}

/// Stores a new proposal, pending moderation. Returns its id.
pub async fn create<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    draft: &ProposalDraft,
) -> Result<Uuid, DbErr> {
    create_at(db, draft, Utc::now()).await
}

/// [`create`], with the address the author left (with consent) to be told of decisions.
pub async fn create_with_notify<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    draft: &ProposalDraft,
    notify_email: Option<&str>,
) -> Result<Uuid, DbErr> {
    create_row(db, draft, Utc::now(), notify_email).await
}

/// [`create`] with a given submission time (demo data spreads them over weeks).
pub async fn create_at<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    draft: &ProposalDraft,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    create_row(db, draft, now, None).await
}

async fn create_row<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    draft: &ProposalDraft,
    now: DateTime<Utc>,
    notify_email: Option<&str>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    let txn = crate::storage::begin_write(db).await?;
    proposal::ActiveModel {
        id: Set(id),
        title: Set(draft.title.clone()),
        description: Set(draft.description.clone()),
        search_text: Set(fold(&format!("{} {}", draft.title, draft.description))),
        themes: Set(serde_json::to_string(&draft.themes).map_err(|e| DbErr::Custom(e.to_string()))?),
        commune_code: Set(draft.commune_code.as_ref().map(ToString::to_string)),
        pseudonym: Set(draft.pseudonym.clone()),
        moderation_status: Set(moderation_status::PENDING.to_owned()),
        moderation_message: Set(None),
        status: Set(status::SUBMITTED.to_owned()),
        priority: Set(None),
        merged_into: Set(None),
        internal_note: Set(None),
        internal_note_updated_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set(None),
        notify_email: Set(notify_email.map(str::to_owned)),
    }
    .insert(&txn)
    .await?;
    let rows: Vec<_> = draft
        .themes
        .iter()
        .map(|slug| proposal_theme::ActiveModel {
            proposal_id: Set(id),
            theme_slug: Set(slug.clone()),
        })
        .collect();
    crate::storage::insert_rows(&txn, rows).await?;
    txn.commit().await?;
    Ok(id)
}

pub async fn get(
    db: &impl ConnectionTrait,
    id: ProposalId,
) -> Result<Option<proposal::Model>, DbErr> {
    proposal::Entity::find_by_id(id).one(db).await
}

/// A published proposal (merged ones included: their page says where they went).
pub async fn get_public(
    db: &impl ConnectionTrait,
    id: ProposalId,
) -> Result<Option<proposal::Model>, DbErr> {
    proposal::Entity::find_by_id(id)
        .filter(proposal::Column::ModerationStatus.eq(moderation_status::PUBLISHED))
        .one(db)
        .await
}

/// How lists are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProposalSort {
    /// Most recently published (or submitted, for staff lists) first.
    #[default]
    Newest,
    /// Most supports first, then newest.
    MostSupported,
    /// Ranked ones by rank (1 first), then unranked ones by supports, then newest.
    Priority,
}

/// Filters of the lists. Every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    /// Any of these themes.
    pub themes: Vec<String>,
    pub commune: Option<String>,
    /// Any of these follow-up statuses.
    pub statuses: Vec<String>,
    /// Folded text (see [`fold`]) searched in title and description.
    pub q: Option<String>,
    /// Any of these moderation statuses; empty: published only (the public lists).
    pub moderation: Vec<String>,
    /// Include duplicates merged into another proposal (staff lists).
    pub include_merged: bool,
}

fn condition(f: &ProposalFilter) -> Condition {
    let mut c = Condition::all();
    if f.moderation.is_empty() {
        c = c.add(proposal::Column::ModerationStatus.eq(moderation_status::PUBLISHED));
    } else {
        c = c.add(proposal::Column::ModerationStatus.is_in(f.moderation.clone()));
    }
    if !f.include_merged {
        c = c.add(proposal::Column::MergedInto.is_null());
    }
    if !f.themes.is_empty() {
        c = c.add(super::with_any_theme(
            proposal::Column::Id,
            proposal_theme::Column::ProposalId,
            proposal_theme::Column::ThemeSlug,
            &f.themes,
        ));
    }
    if let Some(commune) = &f.commune {
        c = c.add(proposal::Column::CommuneCode.eq(commune.clone()));
    }
    if !f.statuses.is_empty() {
        c = c.add(proposal::Column::Status.is_in(f.statuses.clone()));
    }
    c.add_option(super::text_search(
        proposal::Column::SearchText,
        f.q.as_deref(),
    ))
}

/// The number of supports of the row being selected, for ordering.
fn support_count_expr() -> Expr {
    Expr::cust(
        "(SELECT COUNT(*) FROM proposal_supports \
         WHERE proposal_supports.proposal_id = proposals.id)",
    )
}

/// One page (1-based) of the proposals matching `filter`, and their total count.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &ProposalFilter,
    sort: ProposalSort,
    page: u64,
    per_page: u64,
) -> Result<(Vec<proposal::Model>, u64), DbErr> {
    let query = proposal::Entity::find().filter(condition(filter));
    let total = query.clone().count(db).await?;
    let query = match sort {
        ProposalSort::Newest => query,
        ProposalSort::MostSupported => query.order_by(support_count_expr(), Order::Desc),
        ProposalSort::Priority => query
            .order_by_with_nulls(proposal::Column::Priority, Order::Asc, NullOrdering::Last)
            .order_by(support_count_expr(), Order::Desc),
    };
    let items = query
        .order_by_with_nulls(
            proposal::Column::PublishedAt,
            Order::Desc,
            NullOrdering::Last,
        )
        .order_by_desc(proposal::Column::CreatedAt)
        .order_by_asc(proposal::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((items, total))
}

/// Support counts of these proposals (absent ids have none).
pub async fn support_counts(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, i64)> = proposal_support::Entity::find()
        .select_only()
        .column(proposal_support::Column::ProposalId)
        .column_as(proposal_support::Column::DeviceTokenHash.count(), "n")
        .filter(proposal_support::Column::ProposalId.is_in(ids.to_vec()))
        .group_by(proposal_support::Column::ProposalId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// A device supports a proposal once: a second row for the same pair is dropped.
fn once_per_device() -> OnConflict {
    OnConflict::columns([
        proposal_support::Column::ProposalId,
        proposal_support::Column::DeviceTokenHash,
    ])
    .do_nothing()
    .to_owned()
}

async fn support_count(db: &impl ConnectionTrait, id: Uuid) -> Result<u64, DbErr> {
    proposal_support::Entity::find()
        .filter(proposal_support::Column::ProposalId.eq(id))
        .count(db)
        .await
}

/// Which of these proposals the device with this token hash supports.
pub async fn supported_by(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    device_token_hash: &str,
) -> Result<HashSet<Uuid>, DbErr> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<Uuid> = proposal_support::Entity::find()
        .select_only()
        .column(proposal_support::Column::ProposalId)
        .filter(proposal_support::Column::ProposalId.is_in(ids.to_vec()))
        .filter(proposal_support::Column::DeviceTokenHash.eq(device_token_hash))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The public timelines of these proposals, each oldest first.
pub async fn timelines(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<proposal_status_event::Model>>, DbErr> {
    let mut out: HashMap<Uuid, Vec<proposal_status_event::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    for event in proposal_status_event::Entity::find()
        .filter(proposal_status_event::Column::ProposalId.is_in(ids.to_vec()))
        .order_by_asc(proposal_status_event::Column::At)
        .order_by_asc(proposal_status_event::Column::Id)
        .all(db)
        .await?
    {
        out.entry(event.proposal_id).or_default().push(event);
    }
    Ok(out)
}

/// Pending proposals, oldest first (the moderation queue).
pub async fn pending(db: &impl ConnectionTrait) -> Result<Vec<proposal::Model>, DbErr> {
    proposal::Entity::find()
        .filter(proposal::Column::ModerationStatus.eq(moderation_status::PENDING))
        .order_by_asc(proposal::Column::CreatedAt)
        .all(db)
        .await
}

/// Number of proposals waiting for moderation.
pub async fn pending_count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    proposal::Entity::find()
        .filter(proposal::Column::ModerationStatus.eq(moderation_status::PENDING))
        .count(db)
        .await
}

/// `limit` proposals waiting for moderation from `offset`, oldest first.
pub async fn pending_page(
    db: &impl ConnectionTrait,
    offset: u64,
    limit: u64,
) -> Result<Vec<proposal::Model>, DbErr> {
    crate::storage::page_by(
        db,
        proposal::Entity::find()
            .filter(proposal::Column::ModerationStatus.eq(moderation_status::PENDING)),
        (proposal::Column::CreatedAt, proposal::Column::Id),
        offset,
        limit,
    )
    .await
}

// ---------------------------------------------------------------------------------------
// Moderation

fn moderation_state(p: &proposal::Model) -> Value {
    json!({
        "moderation_status": p.moderation_status,
        "title": p.title,
        "moderation_message": p.moderation_message,
    })
}

/// Applies a moderation decision to a proposal (called by [`super::moderation`]).
/// Approving publishes it and opens its public timeline with the `submitted` step.
pub(crate) async fn decide(
    db: &impl ConnectionTrait,
    row: proposal::Model,
    decision: &Decision,
) -> Result<Outcome, ModerationError> {
    let before = moderation_state(&row);
    let Some(next) = ModerationStatus::parse(&row.moderation_status)
        .and_then(|current| current.after(decision.kind()))
    else {
        return Err(ModerationError::NotApplicable {
            entity_id: row.id,
            action: decision.action(),
            status: row.moderation_status,
        });
    };
    let (new_status, message) = (next.as_str(), decision.message());
    let now = Utc::now();
    let id = row.id;
    let mut active: proposal::ActiveModel = row.into();
    active.moderation_status = Set(new_status.to_owned());
    active.moderation_message = Set(message);
    active.updated_at = Set(now);
    if new_status == moderation_status::PUBLISHED {
        active.published_at = Set(Some(now));
    }
    let updated = active.update(db).await?;
    if new_status == moderation_status::PUBLISHED {
        add_event(db, id, status::SUBMITTED, None, now).await?;
    }
    Ok(Outcome {
        entity_type: "proposal",
        entity_id: updated.id,
        before,
        after: moderation_state(&updated),
    })
}

async fn add_event(
    db: &impl ConnectionTrait,
    id: Uuid,
    new_status: &str,
    answer: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    proposal_status_event::Entity::insert(proposal_status_event::ActiveModel {
        id: NotSet,
        proposal_id: Set(id),
        status: Set(new_status.to_owned()),
        answer: Set(answer),
        at: Set(at),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
