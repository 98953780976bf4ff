//! The carte's reference data that staff change: labels and their grants, themes, the
//! actors' charter. Each change and its audit line (before and after) in one transaction;
//! the handler checks the role and parses the request.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde_json::{json, Value};
use uuid::Uuid;

pub use crate::storage::labels::GrantTarget;
use crate::{
    ids::{ActorId, LabelGrantId},
    staff::Staff,
    storage::{self, Actor, Label, LabelGrant, Theme},
};

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum CarteError {
    /// Another label or theme has this slug.
    #[error("slug already taken")]
    SlugTaken,
    /// No such grant, theme or actor.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A new label.
pub async fn create_label(
    db: &DatabaseConnection,
    staff: &Staff,
    slug: &str,
    name: &str,
    criteria: &str,
) -> Result<Label, CarteError> {
    let txn = crate::storage::begin_write(db).await?;
    if storage::labels::find_by_slug(&txn, slug).await?.is_some() {
        return Err(CarteError::SlugTaken);
    }
    let created = storage::labels::create(&txn, slug, name, criteria).await?;
    let id = created.id.to_string();
    let after = json!({"slug": created.slug, "name": created.name, "criteria": created.criteria});
    audit(&txn, staff, "label.create", "label", &id, None, Some(after)).await?;
    txn.commit().await?;
    Ok(created)
}

/// Grants label `label_id` to an actor or an initiative until `expires_on`.
pub async fn grant_label(
    db: &DatabaseConnection,
    staff: &Staff,
    label_id: Uuid,
    target: GrantTarget,
    expires_on: NaiveDate,
) -> Result<LabelGrant, CarteError> {
    let txn = crate::storage::begin_write(db).await?;
    let grant = storage::labels::grant(&txn, label_id, target, expires_on).await?;
    let id = grant.id.to_string();
    let after = Some(grant_state(&grant));
    audit(&txn, staff, "label.grant", "label_grant", &id, None, after).await?;
    txn.commit().await?;
    Ok(grant)
}

/// Revokes a grant; returns it revoked.
pub async fn revoke_grant(
    db: &DatabaseConnection,
    staff: &Staff,
    id: LabelGrantId,
) -> Result<LabelGrant, CarteError> {
    let txn = crate::storage::begin_write(db).await?;
    let before = storage::labels::find_grant(&txn, id)
        .await?
        .ok_or(CarteError::NotFound)?;
    let after = storage::labels::revoke(&txn, id)
        .await?
        .ok_or(CarteError::NotFound)?;
    let (b, a) = (Some(grant_state(&before)), Some(grant_state(&after)));
    audit(
        &txn,
        staff,
        "label.revoke",
        "label_grant",
        &id.to_string(),
        b,
        a,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

fn grant_state(g: &LabelGrant) -> Value {
    json!({"label_id": g.label_id, "actor_id": g.actor_id, "initiative_id": g.initiative_id,
           "expires_on": g.expires_on.to_string(), "revoked": g.revoked_at.is_some()})
}

/// A new theme, placed last.
pub async fn create_theme(
    db: &DatabaseConnection,
    staff: &Staff,
    slug: &str,
    label: &str,
    color: &str,
    icon: &str,
) -> Result<Theme, CarteError> {
    let txn = crate::storage::begin_write(db).await?;
    if storage::themes::list(&txn)
        .await?
        .iter()
        .any(|t| t.slug == slug)
    {
        return Err(CarteError::SlugTaken);
    }
    let created = storage::themes::create(&txn, slug, label, color, icon).await?;
    let after = Some(theme_state(&created));
    audit(&txn, staff, "theme.create", "theme", slug, None, after).await?;
    txn.commit().await?;
    Ok(created)
}

/// What a theme update changes (`None`: unchanged).
#[derive(Debug, Clone, Copy, Default)]
pub struct ThemeChanges<'a> {
    pub label: Option<&'a str>,
    pub color: Option<&'a str>,
    pub icon: Option<&'a str>,
}

/// Renames, recolours or changes the icon of a theme.
pub async fn update_theme(
    db: &DatabaseConnection,
    staff: &Staff,
    slug: &str,
    changes: ThemeChanges<'_>,
) -> Result<Theme, CarteError> {
    let txn = crate::storage::begin_write(db).await?;
    let before = find_theme(&txn, slug).await?;
    let updated = storage::themes::update(&txn, slug, changes.label, changes.color, changes.icon)
        .await?
        .ok_or(CarteError::NotFound)?;
    let (b, a) = (Some(theme_state(&before)), Some(theme_state(&updated)));
    audit(&txn, staff, "theme.update", "theme", slug, b, a).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Retires a theme: kept on existing initiatives, no longer offered.
pub async fn retire_theme(
    db: &DatabaseConnection,
    staff: &Staff,
    slug: &str,
) -> Result<Theme, CarteError> {
    let txn = crate::storage::begin_write(db).await?;
    let before = find_theme(&txn, slug).await?;
    let updated = storage::themes::retire(&txn, slug)
        .await?
        .ok_or(CarteError::NotFound)?;
    let (b, a) = (Some(theme_state(&before)), Some(theme_state(&updated)));
    audit(&txn, staff, "theme.retire", "theme", slug, b, a).await?;
    txn.commit().await?;
    Ok(updated)
}

async fn find_theme(txn: &impl ConnectionTrait, slug: &str) -> Result<Theme, CarteError> {
    storage::themes::list(txn)
        .await?
        .into_iter()
        .find(|t| t.slug == slug)
        .ok_or(CarteError::NotFound)
}

fn theme_state(t: &Theme) -> Value {
    json!({"slug": t.slug, "label": t.label, "color": t.color, "icon": t.icon, "retired": t.retired_at.is_some()})
}

/// Records when an actor signed the charter of reciprocal commitments (`None` clears it).
pub async fn set_charter(
    db: &DatabaseConnection,
    staff: &Staff,
    actor: ActorId,
    signed_at: Option<DateTime<Utc>>,
) -> Result<(), CarteError> {
    let txn = crate::storage::begin_write(db).await?;
    let before = storage::actors::by_ids(&txn, [actor.uuid()])
        .await?
        .remove(&actor.uuid())
        .ok_or(CarteError::NotFound)?;
    let after = storage::actors::set_charter_signed(&txn, actor, signed_at)
        .await?
        .ok_or(CarteError::NotFound)?;
    let state_of =
        |a: &Actor| json!({"charter_signed_at": a.charter_signed_at.map(|t| t.to_rfc3339())});
    let (b, a) = (Some(state_of(&before)), Some(state_of(&after)));
    audit(
        &txn,
        staff,
        "actor.charter",
        "actor",
        &actor.to_string(),
        b,
        a,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn audit(
    txn: &impl ConnectionTrait,
    staff: &Staff,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), DbErr> {
    storage::audit::record(
        txn,
        Some(staff),
        action,
        entity_type,
        entity_id,
        before,
        after,
    )
    .await
}
