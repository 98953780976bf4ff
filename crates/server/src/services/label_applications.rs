//! Label applications: an actor applies (anonymous, with a private link), withdraws, the
//! committee approves (the grant created or extended) or refuses (with a reason), staff
//! invite the holder of a grant near its end to renew, administrators edit a label's
//! criteria. Each change, its audit line and the e-mail it causes (to the applicant's
//! consented address) in one transaction: the message exists if and only if the decision
//! was committed. The handler checks the role and parses the request.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
use serde_json::{json, Value};
use solidarites_domain::{
    labels::{ApplicationDraft, ApplicationStatus},
    mail_texts::{self, LabelVerdict},
};
use uuid::Uuid;

use crate::{
    config::Settings,
    edit_token,
    ids::LabelGrantId,
    staff::Staff,
    storage::{
        self,
        label_applications::{Closing, LabelApplication},
        Label, LabelGrant,
    },
};

/// The kinds of messages of this module (the outbox's `kind`).
pub mod kind {
    pub const LABEL_APPLICATION_DECIDED: &str = "label_application_decided";
    pub const LABEL_RENEWAL_INVITATION: &str = "label_renewal_invitation";
}

/// The page of an application, from its private token.
pub fn private_path(token: &str) -> String {
    format!("/labels/candidature/{token}")
}

/// The page where an actor applies (again) for a label.
pub fn apply_path(slug: &str, actor_id: Uuid) -> String {
    format!("/labels/{slug}/candidater?acteur={actor_id}")
}

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// No such application, label or grant (or an unknown private link).
    #[error("not found")]
    NotFound,
    /// The application was already decided or withdrawn.
    #[error("application closed")]
    Closed,
    /// The grant's holder left no consented address (or the grant is an initiative's or
    /// revoked): nobody to invite.
    #[error("no address")]
    NoAddress,
    /// An invitation was already sent in this grant's period.
    #[error("already invited")]
    AlreadyInvited,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Stores a new pending application; returns its id.
pub async fn apply(
    db: &DatabaseConnection,
    label_id: Uuid,
    actor_id: Uuid,
    draft: &ApplicationDraft,
    token_hash: &str,
) -> Result<Uuid, DbErr> {
    storage::label_applications::insert(db, label_id, actor_id, draft, token_hash, Utc::now()).await
}

/// Withdraws the pending application of the private link `token_hash`.
pub async fn withdraw(
    db: &DatabaseConnection,
    token_hash: &str,
) -> Result<LabelApplication, ApplicationError> {
    let txn = crate::storage::begin_write(db).await?;
    let before = storage::label_applications::find_by_token_hash(&txn, token_hash)
        .await?
        .ok_or(ApplicationError::NotFound)?;
    close(&txn, &before, ApplicationStatus::Withdrawn, None, None).await?;
    audit(&txn, None, "label_application.withdraw", &before).await?;
    let after = storage::label_applications::find(&txn, before.id)
        .await?
        .ok_or(ApplicationError::NotFound)?;
    txn.commit().await?;
    Ok(after)
}

/// What a decision changed.
#[derive(Debug, Clone)]
pub struct Decided {
    pub application: LabelApplication,
    /// The grant an approval created or extended.
    pub grant: Option<LabelGrant>,
    /// Whether the applicant was written to.
    pub notified: bool,
}

/// Approves the pending application `id`: the actor holds the label until `expires_on`
/// (its grant extended when it has one).
pub async fn approve(
    db: &DatabaseConnection,
    settings: &Settings,
    staff: &Staff,
    id: Uuid,
    expires_on: NaiveDate,
) -> Result<Decided, ApplicationError> {
    let txn = crate::storage::begin_write(db).await?;
    let app = find(&txn, id).await?;
    close(
        &txn,
        &app,
        ApplicationStatus::Approved,
        None,
        Some(expires_on),
    )
    .await?;
    let (before, grant) =
        storage::labels::grant_or_extend(&txn, app.label_id, app.actor_id, expires_on).await?;
    audit(&txn, Some(staff), "label_application.approve", &app).await?;
    storage::audit::record(
        &txn,
        Some(staff),
        if before.is_some() {
            "label.renew"
        } else {
            "label.grant"
        },
        "label_grant",
        &grant.id.to_string(),
        before.as_ref().map(grant_state),
        Some(grant_state(&grant)),
    )
    .await?;
    let until = expires_on.format("%d/%m/%Y").to_string();
    let notified = tell_applicant(
        &txn,
        settings,
        &app,
        LabelVerdict::Approved { until: &until },
    )
    .await?;
    let application = find(&txn, id).await?;
    txn.commit().await?;
    Ok(Decided {
        application,
        grant: Some(grant),
        notified,
    })
}

/// Refuses the pending application `id` with `reason`, which the applicant reads.
pub async fn refuse(
    db: &DatabaseConnection,
    settings: &Settings,
    staff: &Staff,
    id: Uuid,
    reason: &str,
) -> Result<Decided, ApplicationError> {
    let txn = crate::storage::begin_write(db).await?;
    let app = find(&txn, id).await?;
    close(&txn, &app, ApplicationStatus::Refused, Some(reason), None).await?;
    audit(&txn, Some(staff), "label_application.refuse", &app).await?;
    let notified = tell_applicant(&txn, settings, &app, LabelVerdict::Refused { reason }).await?;
    let application = find(&txn, id).await?;
    txn.commit().await?;
    Ok(Decided {
        application,
        grant: None,
        notified,
    })
}

/// Invites the holder of grant `grant_id` to renew it, at the address the last applicant
/// for it left; once per grant period (an approval that extends the grant starts a new
/// one). Returns when the invitation was queued.
pub async fn invite_renewal(
    db: &DatabaseConnection,
    settings: &Settings,
    staff: &Staff,
    grant_id: LabelGrantId,
) -> Result<DateTime<Utc>, ApplicationError> {
    let now = Utc::now();
    let txn = crate::storage::begin_write(db).await?;
    let grant = storage::labels::find_grant(&txn, grant_id)
        .await?
        .ok_or(ApplicationError::NotFound)?;
    let (Some(actor_id), None) = (grant.actor_id, grant.revoked_at) else {
        return Err(ApplicationError::NoAddress);
    };
    if grant.renewal_invited_at.is_some() {
        return Err(ApplicationError::AlreadyInvited);
    }
    let address = storage::label_applications::last_address(&txn, grant.label_id, actor_id)
        .await?
        .ok_or(ApplicationError::NoAddress)?;
    if !storage::labels::mark_renewal_invited(&txn, grant_id, now).await? {
        return Err(ApplicationError::AlreadyInvited);
    }
    let label = storage::labels::find(&txn, grant.label_id)
        .await?
        .ok_or(ApplicationError::NotFound)?;
    let actor = actor_name(&txn, actor_id).await?;
    let mail = mail_texts::label_renewal_invitation(
        &label.name,
        &actor,
        &grant.expires_on.format("%d/%m/%Y").to_string(),
        &settings.absolute_url(&apply_path(&label.slug, actor_id)),
    );
    storage::outbox::enqueue(&txn, kind::LABEL_RENEWAL_INVITATION, &address, &mail, now).await?;
    storage::audit::record(
        &txn,
        Some(staff),
        "label.renewal_invite",
        "label_grant",
        &grant_id.to_string(),
        None,
        Some(json!({"expires_on": grant.expires_on.to_string(), "invited_at": now.to_rfc3339()})),
    )
    .await?;
    txn.commit().await?;
    Ok(now)
}

/// Replaces the criteria of label `id` (already parsed by the domain).
pub async fn set_criteria(
    db: &DatabaseConnection,
    staff: &Staff,
    id: Uuid,
    criteria: &[String],
) -> Result<Label, ApplicationError> {
    let txn = crate::storage::begin_write(db).await?;
    let before = storage::labels::find(&txn, id)
        .await?
        .ok_or(ApplicationError::NotFound)?;
    let after = storage::labels::set_criteria(&txn, id, criteria)
        .await?
        .ok_or(ApplicationError::NotFound)?;
    storage::audit::record(
        &txn,
        Some(staff),
        "label.criteria",
        "label",
        &id.to_string(),
        Some(json!({"criteria": storage::labels::criteria_of(&before)})),
        Some(json!({"criteria": criteria})),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

async fn find(txn: &impl ConnectionTrait, id: Uuid) -> Result<LabelApplication, ApplicationError> {
    storage::label_applications::find(txn, id)
        .await?
        .ok_or(ApplicationError::NotFound)
}

/// Closes a pending application, or refuses with `Closed` (also when another decision
/// won the race between the read and the conditional update).
async fn close(
    txn: &impl ConnectionTrait,
    app: &LabelApplication,
    status: ApplicationStatus,
    refusal_reason: Option<&str>,
    granted_until: Option<NaiveDate>,
) -> Result<(), ApplicationError> {
    let current = ApplicationStatus::parse(&app.status).ok_or(ApplicationError::Closed)?;
    if !current.can_become(status) {
        return Err(ApplicationError::Closed);
    }
    let closing = Closing {
        status,
        at: Utc::now(),
        refusal_reason,
        granted_until,
    };
    if storage::label_applications::close(txn, app.id, &closing).await? {
        Ok(())
    } else {
        Err(ApplicationError::Closed)
    }
}

async fn actor_name(txn: &impl ConnectionTrait, id: Uuid) -> Result<String, DbErr> {
    Ok(storage::actors::by_ids(txn, [id])
        .await?
        .remove(&id)
        .map(|a| a.name)
        .unwrap_or_default())
}

/// Writes the decision to the applicant when they left an address, with a new private
/// link (the one shown at submission is stored hashed only).
async fn tell_applicant(
    txn: &impl ConnectionTrait,
    settings: &Settings,
    app: &LabelApplication,
    verdict: LabelVerdict<'_>,
) -> Result<bool, DbErr> {
    let Some(address) = app.notify_email.as_deref() else {
        return Ok(false);
    };
    let label = storage::labels::find(txn, app.label_id)
        .await?
        .map(|l| l.name)
        .unwrap_or_default();
    let actor = actor_name(txn, app.actor_id).await?;
    let token = edit_token::generate();
    storage::label_applications::set_mail_token(txn, app.id, &edit_token::hash(&token)).await?;
    let link = settings.absolute_url(&private_path(&token));
    let mail = mail_texts::label_application_decided(&label, &actor, verdict, &link);
    storage::outbox::enqueue(
        txn,
        kind::LABEL_APPLICATION_DECIDED,
        address,
        &mail,
        Utc::now(),
    )
    .await?;
    Ok(true)
}

/// The audit line of a change of an application: its status before and after (never its
/// address nor its answers).
async fn audit(
    txn: &impl ConnectionTrait,
    staff: Option<&Staff>,
    action: &str,
    before: &LabelApplication,
) -> Result<(), DbErr> {
    let after = storage::label_applications::find(txn, before.id).await?;
    let state = |a: &LabelApplication| -> Value {
        json!({"status": a.status, "label_id": a.label_id, "actor_id": a.actor_id,
               "refusal_reason": a.refusal_reason,
               "granted_until": a.granted_until.map(|d| d.to_string())})
    };
    storage::audit::record(
        txn,
        staff,
        action,
        "label_application",
        &before.id.to_string(),
        Some(state(before)),
        after.as_ref().map(state),
    )
    .await
}

fn grant_state(g: &LabelGrant) -> Value {
    json!({"label_id": g.label_id, "actor_id": g.actor_id,
           "expires_on": g.expires_on.to_string(), "revoked": g.revoked_at.is_some()})
}
