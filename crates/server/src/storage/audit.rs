//! The audit trail: who changed what, when, with the entity before and after.
//!
//! Callers pass the transaction of their change, so the audit row commits (or rolls back)
//! with it. Snapshots must never hold secrets (password hashes, tokens).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::entities::audit_log;
use crate::staff::Staff;

/// Appends one line to the audit trail. `actor` is `None` for the command line.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: Option<&Staff>,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), DbErr> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        id: NotSet,
        at: Set(Utc::now()),
        actor_user_id: Set(actor.map(|a| a.id.to_string())),
        actor_email: Set(actor.map(|a| a.email.clone())),
        action: Set(action.to_owned()),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id.to_owned()),
        before: Set(before.map(|v| v.to_string())),
        after: Set(after.map(|v| v.to_string())),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<String>,
    pub actor_email: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Which lines to read; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    /// A user id (UUID) or an email address (compared lowercased).
    pub actor: Option<String>,
    /// An action (`user.update`), or every action of a family when it ends with a dot
    /// (`user.`).
    pub action: Option<String>,
    /// Lines at or after this instant.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Lines strictly before this instant.
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

/// Page `page` (from 1) of `per_page` lines, newest first, and the number of matching lines.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<AuditEntry>, u64), DbErr> {
    let mut condition = Condition::all();
    if let Some(t) = &filter.entity_type {
        condition = condition.add(audit_log::Column::EntityType.eq(t.as_str()));
    }
    if let Some(id) = &filter.entity_id {
        condition = condition.add(audit_log::Column::EntityId.eq(id.as_str()));
    }
    if let Some(actor) = &filter.actor {
        condition = condition.add(
            Condition::any()
                .add(audit_log::Column::ActorUserId.eq(actor.as_str()))
                .add(audit_log::Column::ActorEmail.eq(actor.trim().to_lowercase())),
        );
    }
    if let Some(action) = &filter.action {
        condition = condition.add(match action.strip_suffix('.') {
            // A family: its actions all start with `family.` (no LIKE: `_` is a wildcard).
            Some(family) => Condition::all()
                .add(audit_log::Column::Action.gt(format!("{family}.")))
                .add(audit_log::Column::Action.lt(format!("{family}/"))),
            None => Condition::all().add(audit_log::Column::Action.eq(action.as_str())),
        });
    }
    if let Some(since) = filter.since {
        condition = condition.add(audit_log::Column::At.gte(since));
    }
    if let Some(until) = filter.until {
        condition = condition.add(audit_log::Column::At.lt(until));
    }
    let query = audit_log::Entity::find().filter(condition);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .all(db)
        .await?;
    let entries = rows
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            at: row.at,
            actor_user_id: row.actor_user_id,
            actor_email: row.actor_email,
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            before: row.before.and_then(|t| serde_json::from_str(&t).ok()),
            after: row.after.and_then(|t| serde_json::from_str(&t).ok()),
        })
        .collect();
    Ok((entries, total))
}
