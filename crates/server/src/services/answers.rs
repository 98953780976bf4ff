//! One answer to a campaign's questionnaire, anonymous (the public form) or entered by
//! staff (assisted entry): a typed command in, a typed outcome out.
//!
//! The path of one answer, built for bursts (a crisis survey announced on the evening
//! news): the handler's task finds the campaign (kept in memory while it is open), checks
//! its window, checks the answers against the campaign's questionnaire version (parsed once
//! per version and kept in memory once frozen) and serialises them, all concurrently with
//! the other requests. It then hands the validated row to the [`AnswerWriter`]: one task
//! per database connection pool that takes every pending row (at most [`MAX_BATCH`]) and
//! stores them together (group commit). On SQLite it commits through a connection of its
//! own, whose page cache stays warm ([`storage::writer_pool`]).
//!
//! The common case is ONE statement, its own transaction, one round trip to the database
//! ([`storage::questionnaires::insert_numbered_if_open`]): the rows typed by residents
//! against a version known frozen, one row of each idempotency key (twins inside the batch
//! are answered as its replays). It inserts the rows whose campaign is open on their
//! version, skipping a key stored already, numbers them after their campaign's last
//! arrival number in batch order and returns what it inserted.
//!
//! The rows it left (assisted entries, versions not known frozen, rows it did not insert,
//! or all of them when the database refused the statement) take the path with the lock, in
//! ONE transaction:
//!
//! 1. lock the batch's campaigns (`SELECT … FOR UPDATE` on PostgreSQL; `BEGIN IMMEDIATE`
//!    on SQLite) and check their window again (the source of truth: the copy in memory is
//!    only a shortcut);
//! 2. freeze each questionnaire version not yet known frozen (the first answer stored
//!    against a version freezes it in its own transaction) and check that the text frozen
//!    is the text the row was validated against (else the handler validates again);
//! 3. keep one row of each idempotency key and insert the rows in one statement, as
//!    above but under the lock ([`storage::questionnaires::insert_numbered`]);
//! 4. only when a row was not inserted (its key is stored, or its campaign is no longer
//!    open), look its key up: a stored key is a replay, answered with the stored answer;
//! 5. write the audit lines of assisted entries, commit.
//!
//! That path is four round trips to the database in the common case, whatever the
//! batch's size: begin, lock, insert, commit. A resident's answer takes it when it is the
//! first against its version, when it repeats a stored key, when its campaign is not open,
//! or when another instance's writer on the same PostgreSQL database held the campaign's
//! lock meanwhile.
//!
//! Each waiter is answered only after the commit (durability unchanged: SQLite keeps
//! `synchronous = FULL`). A locked batch that fails before its commit is stored again
//! answer by answer, each in its own transaction: only an answer that fails alone gets
//! [`AnswerError::Unavailable`] (and nothing of it is stored).

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};
use solidarites_api_types::SubmitResponseRequest;
use solidarites_domain::{AnswerValue, InseeCode, QuestionnaireDefinition, ValidatedAnswers};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::{
    questionnaire::{commune_from_body, today, window, Window, WEB},
    staff::Staff,
    storage::{self, questionnaires::NewRow, Campaign},
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
    /// The batch holding the answer could not be stored (twice): nothing of it was; the
    /// client may send it again (with its idempotency key, safely).
    #[error("the answer could not be stored now")]
    Unavailable,
    #[error(transparent)]
    Storage(#[from] DbErr),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Rows stored per transaction at most.
pub const MAX_BATCH: usize = 256;
/// Rows waiting for the writer at most; senders wait beyond (back-pressure).
const QUEUE: usize = 4 * MAX_BATCH;
/// Tries of one answer when the writer asks the handler to check it again (the campaign's
/// version or an unfrozen definition changed in between: rare, staff editing meanwhile).
const MAX_ATTEMPTS: u32 = 3;
/// Campaigns or definitions kept in memory at most (cleared beyond: they are shortcuts).
const MAX_CACHED: usize = 1_024;

/// A questionnaire version's definition, parsed once.
#[derive(Debug)]
struct CachedDefinition {
    /// The stored text the definition was parsed from (compared when freezing).
    text: String,
    definition: QuestionnaireDefinition,
    /// Frozen in the database: the text is final, the copy can be used without a read.
    frozen: AtomicBool,
}

/// A validated answer on its way to the writer.
#[derive(Debug, Clone)]
struct PendingRow {
    campaign_id: String,
    version_id: String,
    definition: Arc<CachedDefinition>,
    commune_code: String,
    channel: String,
    /// JSON `ValidatedAnswers`.
    answers: String,
    idempotency_key_hash: Option<String>,
    received_on: NaiveDate,
    /// For an assisted entry: who entered it (audited without the answers).
    assisted_by: Option<Staff>,
}

/// What the writer did with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Written {
    Stored(Submitted),
    /// The campaign is gone, a draft, not yet open or closed (checked under the lock).
    Refused(Window, DateTime<Utc>),
    /// The row was checked against a definition that is no longer the campaign's: check
    /// it again.
    Recheck,
    /// Not stored (the batch failed).
    Unavailable,
}

struct Pending {
    row: PendingRow,
    reply: oneshot::Sender<Written>,
}

/// The answers service: the in-memory shortcuts and the group-commit writer.
pub struct AnswerWriter {
    db: DatabaseConnection,
    /// The writer's own connection, if it has one ([`storage::writer_pool`]).
    writer_db: Option<DatabaseConnection>,
    sender: mpsc::Sender<Pending>,
    /// Campaigns last seen open, by id (re-checked under the lock by the writer).
    campaigns: Mutex<HashMap<String, Campaign>>,
    /// Definitions by questionnaire version id.
    definitions: Mutex<HashMap<String, Arc<CachedDefinition>>>,
}

impl std::fmt::Debug for AnswerWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerWriter").finish_non_exhaustive()
    }
}

impl AnswerWriter {
    /// Starts the writer task on the current Tokio runtime. It ends once every handle on
    /// the service is dropped.
    pub fn start(db: DatabaseConnection) -> Arc<Self> {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let writer_db = storage::writer_pool(&db);
        tokio::spawn(run_writer(
            writer_db.clone().unwrap_or_else(|| db.clone()),
            receiver,
        ));
        Arc::new(Self {
            db,
            writer_db,
            sender,
            campaigns: Mutex::new(HashMap::new()),
            definitions: Mutex::new(HashMap::new()),
        })
    }

    /// Closes the writer's own connection, if it has one (when the server stops, after
    /// the last request).
    pub async fn close(&self) {
        if let Some(db) = &self.writer_db {
            if let Err(err) = db.clone().close().await {
                tracing::warn!(error = %err, "closing the answer writer's connection failed");
            }
        }
    }

    /// The campaign, from memory when it was last seen open, else from the database.
    async fn campaign(&self, id: &str) -> Result<Option<(Campaign, bool)>, DbErr> {
        if let Some(c) = lock(&self.campaigns).get(id) {
            return Ok(Some((c.clone(), true)));
        }
        let found = storage::questionnaires::get_campaign(&self.db, id).await?;
        if let Some(c) = &found {
            if window(c, Utc::now()) == Window::Open {
                let mut campaigns = lock(&self.campaigns);
                if campaigns.len() >= MAX_CACHED {
                    campaigns.clear();
                }
                campaigns.insert(c.id.clone(), c.clone());
            }
        }
        Ok(found.map(|c| (c, false)))
    }

    fn forget_campaign(&self, id: &str) {
        lock(&self.campaigns).remove(id);
    }

    /// The version's definition: from memory once frozen, else read (an unfrozen text may
    /// still be edited) and parsed again only when its text changed.
    async fn definition(&self, version_id: &str) -> Result<Arc<CachedDefinition>, AnswerError> {
        if let Some(d) = lock(&self.definitions).get(version_id) {
            if d.frozen.load(Ordering::Acquire) {
                return Ok(d.clone());
            }
        }
        let (text, frozen) = storage::questionnaires::version_definition(&self.db, version_id)
            .await?
            .context("campaign without questionnaire version")?;
        let mut definitions = lock(&self.definitions);
        if let Some(d) = definitions.get(version_id).filter(|d| d.text == text) {
            if frozen {
                d.frozen.store(true, Ordering::Release);
            }
            return Ok(d.clone());
        }
        let definition: QuestionnaireDefinition =
            serde_json::from_str(&text).context("stored questionnaire definition unreadable")?;
        let cached = Arc::new(CachedDefinition {
            text,
            definition,
            frozen: AtomicBool::new(frozen),
        });
        if definitions.len() >= MAX_CACHED {
            definitions.clear();
        }
        definitions.insert(version_id.to_owned(), cached.clone());
        Ok(cached)
    }

    /// The answer already stored under this idempotency key for this campaign.
    async fn replayed(
        &self,
        campaign_id: &str,
        key_hash: Option<&str>,
    ) -> Result<Option<Submitted>, DbErr> {
        let Some(hash) = key_hash else {
            return Ok(None);
        };
        Ok(
            storage::questionnaires::find_by_idempotency(&self.db, campaign_id, hash)
                .await?
                .map(|(id, received_on)| Submitted::Replayed { id, received_on }),
        )
    }

    /// Stores one answer (see the module documentation for the steps).
    pub async fn submit(
        &self,
        territory: &LoadedTerritory,
        command: SubmitAnswer<'_>,
    ) -> Result<Submitted, AnswerError> {
        let campaign_id = command.campaign_id.trim();
        let key = command.idempotency_key_hash;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (campaign, from_memory) = self
                .campaign(campaign_id)
                .await?
                .ok_or(AnswerError::CampaignNotFound)?;
            let now = Utc::now();
            let phase = window(&campaign, now);
            if phase != Window::Open {
                if from_memory {
                    // Closed since it was kept: read it again.
                    self.forget_campaign(campaign_id);
                    continue;
                }
                // A repeat is answered with the stored answer even once the campaign closed.
                if let Some(stored) = self.replayed(&campaign.id, key).await? {
                    return Ok(stored);
                }
                return Err(refusal(phase, &campaign));
            }
            let definition = self.definition(&campaign.questionnaire_version_id).await?;
            let (answers, commune) =
                match check_answer(territory, &definition.definition, command.answer) {
                    Ok(checked) => checked,
                    Err(fields) => {
                        // A repeat is answered with the stored answer, whatever its body.
                        if let Some(stored) = self.replayed(&campaign.id, key).await? {
                            return Ok(stored);
                        }
                        return Err(AnswerError::Invalid(fields));
                    }
                };
            let (channel, assisted_by) = match command.entry {
                Entry::Public => (WEB, None),
                Entry::Assisted { staff, channel } => (channel, Some(staff.clone())),
            };
            let row = PendingRow {
                campaign_id: campaign.id.clone(),
                version_id: campaign.questionnaire_version_id.clone(),
                definition,
                commune_code: commune.as_str().to_owned(),
                channel: channel.to_owned(),
                answers: serde_json::to_string(&answers).context("answers not serialisable")?,
                idempotency_key_hash: key.map(str::to_owned),
                received_on: today(),
                assisted_by,
            };
            let (reply, written) = oneshot::channel();
            if self.sender.send(Pending { row, reply }).await.is_err() {
                return Err(AnswerError::Unavailable);
            }
            match written.await.unwrap_or(Written::Unavailable) {
                Written::Stored(submitted) => return Ok(submitted),
                Written::Refused(phase, opens_at) => {
                    self.forget_campaign(campaign_id);
                    return Err(match phase {
                        Window::NotYetOpen => AnswerError::NotYetOpen { opens_at },
                        Window::Closed => AnswerError::Closed,
                        _ => AnswerError::CampaignNotFound,
                    });
                }
                Written::Recheck if attempts < MAX_ATTEMPTS => {
                    self.forget_campaign(campaign_id);
                }
                Written::Recheck | Written::Unavailable => return Err(AnswerError::Unavailable),
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding these maps leaves them usable (they are shortcuts).
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn refusal(phase: Window, campaign: &Campaign) -> AnswerError {
    match phase {
        Window::NotYetOpen => AnswerError::NotYetOpen {
            opens_at: campaign.opens_at,
        },
        Window::Closed => AnswerError::Closed,
        _ => AnswerError::CampaignNotFound,
    }
}

// ---------------------------------------------------------------------------------------
// The writer

/// Takes every pending row (at most [`MAX_BATCH`]) and stores them together, until every
/// sender is gone. Each batch runs in a task of its own: should it panic, its waiters are
/// told the answer was not stored and the writer goes on.
async fn run_writer(db: DatabaseConnection, mut receiver: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        batch.clear();
        if receiver.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        let (rows, replies): (Vec<PendingRow>, Vec<oneshot::Sender<Written>>) =
            batch.drain(..).map(|p| (p.row, p.reply)).unzip();
        let db = db.clone();
        let outcomes = tokio::spawn(async move {
            let outcomes = store_batch(&db, &rows).await;
            (rows, outcomes)
        })
        .await;
        match outcomes {
            Ok((rows, outcomes)) => {
                for ((reply, outcome), row) in replies.into_iter().zip(outcomes).zip(&rows) {
                    if let Written::Stored(Submitted::Created { .. }) = &outcome {
                        row.definition.frozen.store(true, Ordering::Release);
                    }
                    // The waiter may have gone (client disconnected): the answer is stored.
                    let _ = reply.send(outcome);
                }
            }
            Err(err) => {
                tracing::error!(error = %err, "the answer writer's batch panicked");
                for reply in replies {
                    let _ = reply.send(Written::Unavailable);
                }
            }
        }
    }
}

/// Why a batch transaction failed, and whether trying it again is safe.
enum BatchFailure {
    /// Before the commit: nothing stored.
    BeforeCommit(DbErr),
    /// At the commit: the outcome is unknown (a retry could store keyless rows twice).
    AtCommit(DbErr),
}

/// Stores a batch: the common case in one statement ([`in_one_statement`]), then the rows
/// it left, if any, in a transaction that locks their campaigns first ([`store_locked`]).
async fn store_batch(db: &DatabaseConnection, rows: &[PendingRow]) -> Vec<Written> {
    let mut outcomes = in_one_statement(db, rows).await;
    let left: Vec<usize> = (0..rows.len()).filter(|&i| outcomes[i].is_none()).collect();
    if !left.is_empty() {
        let left_rows: Vec<PendingRow> = left.iter().map(|&i| rows[i].clone()).collect();
        for (i, outcome) in left.into_iter().zip(store_locked(db, &left_rows).await) {
            outcomes[i] = Some(outcome);
        }
    }
    outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Written::Unavailable))
        .collect()
}

/// The common case in one round trip to the database: the rows typed by residents against
/// a version known frozen, each key once, inserted in a transaction of their own by
/// [`storage::questionnaires::insert_numbered_if_open`] (which checks the campaign's window
/// and version in the same statement). Gives the outcome of each row it stored and of its
/// twins, `None` for the others: not sent (assisted, version not known frozen), or not
/// inserted (a refusal or a replay to tell), or the statement refused whole (nothing
/// stored); those take the path with the lock.
async fn in_one_statement(db: &DatabaseConnection, rows: &[PendingRow]) -> Vec<Option<Written>> {
    let mut outcomes = vec![None; rows.len()];
    // Rows not sent are left out of the twins as `Done` (their outcome stays `None`).
    let mut plans: Vec<Plan> = rows
        .iter()
        .map(|row| {
            if row.assisted_by.is_none() && row.definition.frozen.load(Ordering::Acquire) {
                Plan::Insert
            } else {
                Plan::Done(Written::Unavailable)
            }
        })
        .collect();
    mark_twins(rows, &mut plans);
    let sent: Vec<usize> = (0..rows.len())
        .filter(|&i| plans[i] == Plan::Insert)
        .collect();
    let twins: Vec<(usize, usize)> = plans
        .iter()
        .enumerate()
        .filter_map(|(i, plan)| match plan {
            Plan::TwinOf(first) => Some((i, *first)),
            _ => None,
        })
        .collect();
    if sent.is_empty() {
        return outcomes;
    }
    let new: Vec<NewRow> = sent.iter().map(|&i| new_row(&rows[i])).collect();
    let started = std::time::Instant::now();
    match storage::questionnaires::insert_numbered_if_open(db, &new, Utc::now()).await {
        Ok(numbered) => {
            crate::metrics::answer_batch(new.len(), started.elapsed());
            for (&i, row) in sent.iter().zip(new) {
                if numbered.contains_key(&row.id) {
                    crate::metrics::answer_stored();
                    outcomes[i] = Some(Written::Stored(Submitted::Created {
                        id: row.id,
                        received_on: row.submitted_on,
                    }));
                }
            }
            for (twin, first) in twins {
                outcomes[twin] = outcomes[first].as_ref().and_then(as_replay);
            }
        }
        // Refused by the database (a collision with a writer that held a campaign's lock,
        // a row it refuses): nothing stored, the path with the lock tries them all.
        Err(err) if refused_whole(&err) => {
            tracing::debug!(error = %err, rows = new.len(), "one-statement insert refused");
        }
        Err(err) => {
            tracing::error!(error = %err, rows = new.len(), "answer batch not stored");
            for i in sent
                .into_iter()
                .chain(twins.into_iter().map(|(twin, _)| twin))
            {
                outcomes[i] = Some(Written::Unavailable);
            }
        }
    }
    outcomes
}

/// Whether a statement that failed with `err` surely stored nothing: no connection was
/// had, or the database answered with an error (the statement's transaction is then
/// rolled back). Any other failure (the connection lost midway) leaves the outcome
/// unknown.
fn refused_whole(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Query(sea_orm::RuntimeErr::SqlxError(e))
        | DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e)) => e.as_database_error().is_some(),
        _ => false,
    }
}

/// Stores a batch in a transaction that locks its campaigns first. If the transaction
/// fails before the commit, its answers are tried again one by one, each in its own
/// transaction, so that one answer the database refuses costs only its own waiter a 503
/// (a failure at the commit is not retried: the outcome is unknown and a retry could store
/// keyless answers twice).
async fn store_locked(db: &DatabaseConnection, rows: &[PendingRow]) -> Vec<Written> {
    let err = match try_batch(db, rows).await {
        Ok(outcomes) => return counted(outcomes),
        Err(BatchFailure::AtCommit(err)) => {
            tracing::error!(error = %err, rows = rows.len(), "answer batch not stored");
            return vec![Written::Unavailable; rows.len()];
        }
        Err(BatchFailure::BeforeCommit(err)) => err,
    };
    tracing::warn!(error = %err, rows = rows.len(), "answer batch failed, storing its answers one by one");
    let mut outcomes = Vec::with_capacity(rows.len());
    for row in rows {
        let outcome = match try_batch(db, std::slice::from_ref(row)).await {
            Ok(one) => counted(one).pop().unwrap_or(Written::Unavailable),
            Err(BatchFailure::BeforeCommit(err) | BatchFailure::AtCommit(err)) => {
                tracing::error!(error = %err, "answer not stored");
                Written::Unavailable
            }
        };
        outcomes.push(outcome);
    }
    outcomes
}

/// Counts the answers a committed batch created in the metrics.
fn counted(outcomes: Vec<Written>) -> Vec<Written> {
    let created = outcomes
        .iter()
        .filter(|o| matches!(o, Written::Stored(Submitted::Created { .. })))
        .count();
    for _ in 0..created {
        crate::metrics::answer_stored();
    }
    outcomes
}

/// One try of a batch's transaction (steps in the module documentation).
async fn try_batch(
    db: &DatabaseConnection,
    rows: &[PendingRow],
) -> Result<Vec<Written>, BatchFailure> {
    let before = BatchFailure::BeforeCommit;
    let started = std::time::Instant::now();
    let txn = storage::begin_write(db).await.map_err(before)?;
    let outcomes = decide(&txn, rows).await.map_err(before)?;
    txn.commit().await.map_err(BatchFailure::AtCommit)?;
    crate::metrics::answer_batch(rows.len(), started.elapsed());
    Ok(outcomes)
}

/// What a row becomes while the batch is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Plan {
    Done(Written),
    /// To insert.
    Insert,
    /// Same campaign and key as row `usize`, earlier in the batch: its replay.
    TwinOf(usize),
    /// Not inserted: its key is stored already (the answer is looked up).
    KeyStored,
}

/// Decides and writes every row of the batch in `txn` (not committed).
async fn decide(txn: &DatabaseTransaction, rows: &[PendingRow]) -> Result<Vec<Written>, DbErr> {
    let now = Utc::now();
    let ids: BTreeSet<&str> = rows.iter().map(|r| r.campaign_id.as_str()).collect();
    let campaigns: HashMap<String, Campaign> =
        storage::questionnaires::lock_campaigns(txn, ids.iter().map(|&id| id.to_owned()).collect())
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect();
    let mut plans: Vec<Plan> = rows
        .iter()
        .map(|row| first_plan(row, &campaigns, now))
        .collect();
    freeze_versions(txn, rows, &mut plans).await?;
    mark_twins(rows, &mut plans);
    insert_planned(txn, rows, &mut plans).await?;
    replays(txn, rows, &mut plans).await?;
    audit_assisted(txn, rows, &plans).await?;
    Ok(outcomes(&plans))
}

/// A row's plan before versions and twins: a refusal (campaign not open, questionnaire
/// changed) or an insert. A row with a stored key is a replay, found after the insert
/// ([`replays`]): whatever the campaign's state, a repeat gets the stored answer.
fn first_plan(row: &PendingRow, campaigns: &HashMap<String, Campaign>, now: DateTime<Utc>) -> Plan {
    let Some(campaign) = campaigns.get(&row.campaign_id) else {
        return Plan::Done(Written::Refused(Window::Draft, now));
    };
    let phase = window(campaign, now);
    if phase != Window::Open {
        return Plan::Done(Written::Refused(phase, campaign.opens_at));
    }
    if campaign.questionnaire_version_id != row.version_id {
        return Plan::Done(Written::Recheck);
    }
    Plan::Insert
}

/// Twins: the first row of a (campaign, key) to insert is stored, the others are its
/// replays.
fn mark_twins(rows: &[PendingRow], plans: &mut [Plan]) {
    let mut first_of_key: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        if plans[i] != Plan::Insert {
            continue;
        }
        if let Some(key) = &row.idempotency_key_hash {
            match first_of_key.get(&(row.campaign_id.as_str(), key.as_str())) {
                Some(&first) => plans[i] = Plan::TwinOf(first),
                None => {
                    first_of_key.insert((row.campaign_id.as_str(), key.as_str()), i);
                }
            }
        }
    }
}

/// The audit line of each answer typed by staff (assisted entry) and created.
async fn audit_assisted(
    txn: &DatabaseTransaction,
    rows: &[PendingRow],
    plans: &[Plan],
) -> Result<(), DbErr> {
    for (row, plan) in rows.iter().zip(plans) {
        if let (Some(staff), Plan::Done(Written::Stored(Submitted::Created { .. }))) =
            (&row.assisted_by, plan)
        {
            storage::audit::record(
                txn,
                Some(staff),
                "response.assisted_entry",
                "campaign",
                &row.campaign_id,
                None,
                Some(serde_json::json!({ "channel": row.channel })),
            )
            .await?;
        }
    }
    Ok(())
}

/// What each waiter is told: a twin gets its first's answer as a replay.
fn outcomes(plans: &[Plan]) -> Vec<Written> {
    plans
        .iter()
        .map(|plan| match plan {
            Plan::Done(w) => w.clone(),
            Plan::TwinOf(first) => match &plans[*first] {
                Plan::Done(first) => as_replay(first),
                _ => None,
            }
            // Its first was not stored: neither is it; the client may send it again.
            .unwrap_or(Written::Unavailable),
            Plan::Insert | Plan::KeyStored => Written::Unavailable,
        })
        .collect()
}

/// What a twin is told when its first was written as `first`: the same answer, as a
/// replay; `None` when its first was not stored.
fn as_replay(first: &Written) -> Option<Written> {
    match first {
        Written::Stored(
            Submitted::Created { id, received_on } | Submitted::Replayed { id, received_on },
        ) => Some(Written::Stored(Submitted::Replayed {
            id: id.clone(),
            received_on: *received_on,
        })),
        _ => None,
    }
}

/// Freezes the versions of the rows to insert that are not known frozen, each in a
/// savepoint: kept when at least one row was checked against the text frozen, rolled
/// back otherwise (a version is frozen only with an answer). Rows checked against
/// another text are sent back to be checked again.
async fn freeze_versions(
    txn: &DatabaseTransaction,
    rows: &[PendingRow],
    plans: &mut [Plan],
) -> Result<(), DbErr> {
    let versions: BTreeSet<&str> = rows
        .iter()
        .zip(plans.iter())
        .filter(|(row, plan)| {
            **plan == Plan::Insert && !row.definition.frozen.load(Ordering::Acquire)
        })
        .map(|(row, _)| row.version_id.as_str())
        .collect();
    for version in versions {
        let savepoint = crate::storage::begin_write(txn).await?;
        let text = storage::questionnaires::freeze_version(&savepoint, version).await?;
        let mut kept = false;
        for (row, plan) in rows.iter().zip(plans.iter_mut()) {
            if *plan != Plan::Insert || row.version_id != version {
                continue;
            }
            if text.as_deref() == Some(row.definition.text.as_str()) {
                kept = true;
            } else {
                *plan = Plan::Done(Written::Recheck);
            }
        }
        if kept {
            savepoint.commit().await?;
        } else {
            savepoint.rollback().await?;
        }
    }
    Ok(())
}

/// Inserts the rows to insert in one statement, which numbers them; a row it skipped has
/// a stored key ([`Plan::KeyStored`]).
async fn insert_planned(
    txn: &DatabaseTransaction,
    rows: &[PendingRow],
    plans: &mut [Plan],
) -> Result<(), DbErr> {
    let to_insert: Vec<usize> = (0..rows.len())
        .filter(|&i| plans[i] == Plan::Insert)
        .collect();
    if to_insert.is_empty() {
        return Ok(());
    }
    let new: Vec<NewRow> = to_insert.iter().map(|&i| new_row(&rows[i])).collect();
    let numbered = storage::questionnaires::insert_numbered(txn, &new).await?;
    for (&i, row) in to_insert.iter().zip(new) {
        plans[i] = if numbered.contains_key(&row.id) {
            Plan::Done(Written::Stored(Submitted::Created {
                id: row.id,
                received_on: row.submitted_on,
            }))
        } else {
            Plan::KeyStored
        };
    }
    Ok(())
}

/// Answers each row whose key is stored already with the stored answer: the rows the
/// insert skipped, and the refused ones (a repeat is answered even once its campaign
/// closed). One look-up per campaign, only when there is such a row.
async fn replays(
    txn: &DatabaseTransaction,
    rows: &[PendingRow],
    plans: &mut [Plan],
) -> Result<(), DbErr> {
    let mut keys: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (row, plan) in rows.iter().zip(plans.iter()) {
        let unanswered = matches!(
            plan,
            Plan::KeyStored | Plan::Done(Written::Refused(..) | Written::Recheck)
        );
        if let (true, Some(key)) = (unanswered, &row.idempotency_key_hash) {
            keys.entry(row.campaign_id.as_str())
                .or_default()
                .push(key.clone());
        }
    }
    for (campaign, keys) in keys {
        let stored = storage::questionnaires::find_by_idempotency_keys(txn, campaign, keys).await?;
        for (row, plan) in rows.iter().zip(plans.iter_mut()) {
            if row.campaign_id != campaign {
                continue;
            }
            let found = row
                .idempotency_key_hash
                .as_ref()
                .and_then(|k| stored.get(k));
            match (found, &*plan) {
                (Some((id, received_on)), Plan::KeyStored | Plan::Done(_)) => {
                    *plan = Plan::Done(Written::Stored(Submitted::Replayed {
                        id: id.clone(),
                        received_on: *received_on,
                    }));
                }
                // Skipped for its key, yet the key is not found: cannot happen under the
                // lock; the client may send it again.
                (None, Plan::KeyStored) => *plan = Plan::Done(Written::Unavailable),
                _ => {}
            }
        }
    }
    Ok(())
}

fn new_row(row: &PendingRow) -> NewRow {
    NewRow {
        id: Uuid::new_v4().to_string(),
        campaign_id: row.campaign_id.clone(),
        version_id: row.version_id.clone(),
        commune_code: row.commune_code.clone(),
        channel: row.channel.clone(),
        answers: row.answers.clone(),
        submitted_on: row.received_on,
        idempotency_key_hash: row.idempotency_key_hash.clone(),
    }
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
