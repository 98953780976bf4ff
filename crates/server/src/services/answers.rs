//! One answer to a campaign's questionnaire, anonymous (the public form) or entered by
//! staff (assisted entry): a typed command in, a typed outcome out. The transaction is
//! opened here; the handlers only turn a request into a [`SubmitAnswer`] and the
//! outcome into HTTP.
//!
//! The path of one answer: find the campaign; with an idempotency key, answer a repeat
//! with the stored answer (even once the campaign closed); check the campaign window;
//! then, in one transaction, freeze the questionnaire version (a frozen version is never
//! edited again), check the answers against that final definition, take the next arrival
//! number and store the answer (and, for an assisted entry, its audit line).

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, DbErr, SqlErr, TransactionTrait};
use solidarites_api_types::SubmitResponseRequest;
use solidarites_domain::{AnswerValue, InseeCode, QuestionnaireDefinition, ValidatedAnswers};

use crate::{
    questionnaire::{commune_from_body, today, window, Window, WEB},
    staff::Staff,
    storage::{self, questionnaires::NewResponse, Campaign},
    territory::LoadedTerritory,
};

/// Who enters the answer.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    /// A resident, through the public form (channel `web`).
    Public,
    /// A staff member, for someone reached by `channel` (`telephone`, `papier`, `accueil`):
    /// audited, without the answers.
    Assisted { staff: &'a Staff, channel: &'a str },
}

/// Store this answer to this campaign.
#[derive(Debug, Clone, Copy)]
pub struct SubmitAnswer<'a> {
    pub campaign_id: &'a str,
    pub answer: &'a SubmitResponseRequest,
    /// SHA-256 (hex) of the client's idempotency key, when it sent one.
    pub idempotency_key_hash: Option<&'a str>,
    pub entry: Entry<'a>,
}

/// What became of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Stored now.
    Created { id: String, received_on: NaiveDate },
    /// A repeat (same idempotency key) of the answer stored earlier: nothing stored.
    Replayed { id: String, received_on: NaiveDate },
}

/// Why the answer was not stored.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// No such campaign, or a draft (drafts are not public).
    #[error("no such campaign")]
    CampaignNotFound,
    #[error("the campaign opens at {opens_at}")]
    NotYetOpen { opens_at: DateTime<Utc> },
    #[error("the campaign is closed")]
    Closed,
    /// French messages keyed by question id (or `commune`, `commune.code`, …).
    #[error("invalid answers")]
    Invalid(BTreeMap<String, String>),
    #[error(transparent)]
    Storage(#[from] DbErr),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Tries of the storing transaction when a unique index refuses it: two writers that read
/// the same last arrival number (not expected under the campaign lock, but harmless).
const MAX_ATTEMPTS: u32 = 5;

/// Stores one answer (see the module documentation for the steps).
pub async fn submit(
    db: &DatabaseConnection,
    territory: &LoadedTerritory,
    command: SubmitAnswer<'_>,
) -> Result<Submitted, AnswerError> {
    let campaign = storage::questionnaires::get_campaign(db, command.campaign_id.trim())
        .await?
        .ok_or(AnswerError::CampaignNotFound)?;
    if let Some(stored) = replayed(db, &campaign, command.idempotency_key_hash).await? {
        return Ok(stored);
    }
    match window(&campaign, Utc::now()) {
        Window::Open => {}
        Window::Draft => return Err(AnswerError::CampaignNotFound),
        Window::NotYetOpen => {
            return Err(AnswerError::NotYetOpen {
                opens_at: campaign.opens_at,
            })
        }
        Window::Closed => return Err(AnswerError::Closed),
    }
    let mut attempts = 0;
    loop {
        attempts += 1;
        match store(db, territory, &campaign, &command).await {
            Err(AnswerError::Storage(err)) if is_unique_violation(&err) => {
                // A concurrent twin with the same key committed first: answer with it.
                if let Some(stored) = replayed(db, &campaign, command.idempotency_key_hash).await? {
                    return Ok(stored);
                }
                if attempts >= MAX_ATTEMPTS {
                    return Err(AnswerError::Storage(err));
                }
            }
            other => return other,
        }
    }
}

/// The answer already stored under this idempotency key for this campaign: the one
/// idempotency check, before storing and after a clash on the key's unique index.
async fn replayed(
    db: &DatabaseConnection,
    campaign: &Campaign,
    key_hash: Option<&str>,
) -> Result<Option<Submitted>, DbErr> {
    let Some(hash) = key_hash else {
        return Ok(None);
    };
    Ok(
        storage::questionnaires::find_by_idempotency(db, &campaign.id, hash)
            .await?
            .map(|(id, received_on)| Submitted::Replayed { id, received_on }),
    )
}

fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// One try of the storing transaction.
async fn store(
    db: &DatabaseConnection,
    territory: &LoadedTerritory,
    campaign: &Campaign,
    command: &SubmitAnswer<'_>,
) -> Result<Submitted, AnswerError> {
    let txn = db.begin().await?;
    // Frozen from here on (rolled back with the rest if the answer is refused), so the
    // definition read now is the one stored answers are read against.
    let text = storage::questionnaires::freeze_version(&txn, &campaign.questionnaire_version_id)
        .await?
        .context("campaign without questionnaire version")?;
    let definition: QuestionnaireDefinition =
        serde_json::from_str(&text).context("stored questionnaire definition unreadable")?;
    let (answers, commune) =
        check_answer(territory, &definition, command.answer).map_err(AnswerError::Invalid)?;
    let channel = match command.entry {
        Entry::Public => WEB,
        Entry::Assisted { channel, .. } => channel,
    };
    let received_on = today();
    let new = NewResponse {
        campaign_id: &campaign.id,
        version_id: &campaign.questionnaire_version_id,
        commune: &commune,
        channel,
        answers: &answers,
        submitted_on: received_on,
        idempotency_key_hash: command.idempotency_key_hash,
    };
    let id = storage::questionnaires::insert_response(&txn, &new).await?;
    if let Entry::Assisted { staff, channel } = command.entry {
        storage::audit::record(
            &txn,
            Some(staff),
            "response.assisted_entry",
            "campaign",
            &campaign.id,
            None,
            Some(serde_json::json!({ "channel": channel })),
        )
        .await?;
    }
    txn.commit().await?;
    crate::metrics::answer_stored();
    Ok(Submitted::Created { id, received_on })
}

/// The answers checked against `definition` and the respondent's commune (from the
/// `commune` object, else from a commune question), or every problem keyed by field.
fn check_answer(
    territory: &LoadedTerritory,
    definition: &QuestionnaireDefinition,
    body: &SubmitResponseRequest,
) -> Result<(ValidatedAnswers, InseeCode), BTreeMap<String, String>> {
    let is_commune = |code: &InseeCode| territory.index.get(code).is_some();
    let mut fields = BTreeMap::new();
    let mut commune = commune_from_body(territory, body.commune.as_ref(), &mut fields);
    let validated = match definition.validate_answers(&body.answers, &is_commune) {
        Ok(v) => Some(v),
        Err(errors) => {
            fields.extend(errors.0);
            None
        }
    };
    if let Some(answers) = &validated {
        for qid in definition.commune_question_ids() {
            if let Some(AnswerValue::Commune(code)) = answers.0.get(&qid) {
                match &commune {
                    None if body.commune.is_none() => commune = Some(code.clone()),
                    Some(c) if c != code => {
                        fields.insert(
                            qid.clone(),
                            "Cette commune ne correspond pas à celle indiquée par ailleurs."
                                .to_owned(),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
    if commune.is_none() && body.commune.is_none() {
        fields.entry("commune".to_owned()).or_insert_with(|| {
            "Indiquez votre commune : code INSEE, code postal et commune, ou position.".to_owned()
        });
    }
    match (validated, commune) {
        (Some(validated), Some(commune)) if fields.is_empty() => Ok((validated, commune)),
        _ => Err(fields),
    }
}
