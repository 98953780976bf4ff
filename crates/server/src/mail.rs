//! The outbox's sender: a background task of `serve` that delivers the messages services
//! wrote to the outbox (`services::notifications`), over SMTP with `lettre` (tokio,
//! rustls), or only to the log when no SMTP server is configured.
//!
//! Every `--outbox-poll-ms` it queues the moderators' daily digest once its hour has come
//! (once per day across instances), then claims the messages that are due with a lease
//! (`storage::outbox::claim`: two instances never hold one message), sends each, and marks
//! it sent, or failed with its next try after an exponential backoff. A failing SMTP
//! server delays only the messages it refuses; nothing is lost (a message leaves the
//! outbox only once sent, and sent messages are deleted after `keep_sent`).
//!
//! Logs name a message's kind and id, never its recipient or text.

use std::{str::FromStr, time::Instant};

use chrono::Utc;
use lettre::{
    message::{Mailbox, MultiPart},
    transport::smtp::{authentication::Credentials, Error as SmtpError},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::{
    config::{MailSettings, SmtpSettings, SmtpTls},
    services::notifications,
    state::AppState,
    storage::{self, outbox::SentVia},
};

/// Messages claimed at once.
const BATCH: u64 = 20;
/// An SMTP exchange that takes longer fails (and is tried again later).
const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

type Transport = AsyncSmtpTransport<Tokio1Executor>;

fn transport(smtp: &SmtpSettings) -> anyhow::Result<Transport> {
    let builder = match smtp.tls {
        SmtpTls::None => Transport::builder_dangerous(&smtp.host),
        SmtpTls::Starttls => Transport::starttls_relay(&smtp.host)?,
        SmtpTls::Tls => Transport::relay(&smtp.host)?,
    };
    let mut builder = builder.port(smtp.port).timeout(Some(SMTP_TIMEOUT));
    if let Some(username) = &smtp.username {
        builder = builder.credentials(Credentials::new(
            username.clone(),
            smtp.password.clone().unwrap_or_default(),
        ));
    }
    Ok(builder.build())
}

/// What delivers the outbox of one instance.
struct Sender {
    transport: Option<Transport>,
    from: Mailbox,
    settings: MailSettings,
    /// This instance's name in the leases it takes.
    instance: String,
}

/// Why a message was not sent, as stored in `last_error` and logged: the SMTP reply code
/// and class, never the server's text (it may quote the recipient) in the log.
struct Failure {
    stored: String,
    logged: String,
}

impl Failure {
    fn smtp(err: &SmtpError) -> Failure {
        let code = err.status().map(|c| c.to_string());
        let class = if err.is_permanent() {
            "permanent"
        } else if err.is_transient() {
            "transient"
        } else if err.is_timeout() {
            "timeout"
        } else {
            "connection"
        };
        let logged = match &code {
            Some(code) => format!("{class} SMTP error {code}"),
            None => format!("{class} SMTP error"),
        };
        Failure {
            stored: err.to_string().chars().take(500).collect(),
            logged,
        }
    }

    fn message(reason: &str) -> Failure {
        Failure {
            stored: reason.to_owned(),
            logged: reason.to_owned(),
        }
    }
}

impl Sender {
    fn new(settings: &MailSettings) -> anyhow::Result<Sender> {
        let from = Mailbox::from_str(&settings.from)
            .map_err(|err| anyhow::anyhow!("invalid sender address {:?}: {err}", settings.from))?;
        Ok(Sender {
            transport: settings.smtp.as_ref().map(transport).transpose()?,
            from,
            settings: settings.clone(),
            instance: uuid::Uuid::new_v4().simple().to_string(),
        })
    }

    async fn deliver(&self, message: &storage::outbox::OutboxMessage) -> Result<SentVia, Failure> {
        let Some(transport) = &self.transport else {
            tracing::info!(
                kind = %message.kind,
                id = %message.id,
                "e-mail not sent: no SMTP server configured (logged only)"
            );
            return Ok(SentVia::Log);
        };
        let to = Mailbox::from_str(&message.recipient)
            .map_err(|_| Failure::message("invalid recipient address"))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(format!("<{}@solidarites>", message.id)))
            .multipart(MultiPart::alternative_plain_html(
                message.body_text.clone(),
                message.body_html.clone(),
            ))
            .map_err(|_| Failure::message("message could not be built"))?;
        transport
            .send(email)
            .await
            .map(|_| SentVia::Smtp)
            .map_err(|err| Failure::smtp(&err))
    }

    /// One pass: the digest if due, then every due message (batch after batch). Stops
    /// between two messages once `shutdown` is cancelled, releasing what it had claimed.
    async fn run_once(&self, state: &AppState, shutdown: &CancellationToken) {
        let now = Utc::now();
        if solidarites_domain::notify::digest_due(now, self.settings.digest_hour).is_some() {
            match notifications::digest_queued(&state.db, now).await {
                Ok(true) => {}
                Ok(false) => {
                    match notifications::moderation_digest(&state.db, &state.settings, now).await {
                        Ok(queued) => tracing::info!(queued, "moderators' digest queued"),
                        Err(err) => tracing::warn!(error = %err, "cannot queue the digest"),
                    }
                }
                Err(err) => tracing::warn!(error = %err, "cannot check the digest"),
            }
        }
        loop {
            let now = Utc::now();
            let lease_until = now
                + chrono::Duration::from_std(self.settings.lease)
                    .unwrap_or(chrono::Duration::minutes(5));
            let claimed =
                match storage::outbox::claim(&state.db, &self.instance, now, lease_until, BATCH)
                    .await
                {
                    Ok(claimed) => claimed,
                    Err(err) => {
                        tracing::warn!(error = %err, "outbox: cannot claim messages");
                        return;
                    }
                };
            let full = claimed.len() as u64 == BATCH;
            for message in claimed {
                if shutdown.is_cancelled() {
                    if let Err(err) =
                        storage::outbox::release(&state.db, message.id, &self.instance).await
                    {
                        tracing::warn!(id = %message.id, error = %err, "outbox: cannot release");
                    }
                    continue;
                }
                self.send_one(state, &message).await;
            }
            if !full || shutdown.is_cancelled() {
                return;
            }
        }
    }

    async fn send_one(&self, state: &AppState, message: &storage::outbox::OutboxMessage) {
        match self.deliver(message).await {
            Ok(via) => {
                match storage::outbox::mark_sent(
                    &state.db,
                    message.id,
                    &self.instance,
                    via,
                    Utc::now(),
                )
                .await
                {
                    Ok(true) => {
                        if via == SentVia::Smtp {
                            tracing::info!(kind = %message.kind, id = %message.id, "e-mail sent");
                        }
                    }
                    Ok(false) => tracing::warn!(
                        id = %message.id,
                        "outbox: the lease ended before the message was marked sent"
                    ),
                    Err(err) => {
                        tracing::warn!(id = %message.id, error = %err, "outbox: cannot mark sent");
                    }
                }
            }
            Err(failure) => {
                let attempts = u32::try_from(message.attempts).unwrap_or(0) + 1;
                let delay = solidarites_domain::notify::retry_delay(
                    attempts,
                    self.settings.retry_base,
                    self.settings.retry_cap,
                );
                let next = Utc::now()
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1));
                tracing::warn!(
                    kind = %message.kind,
                    id = %message.id,
                    attempts,
                    retry_in_secs = delay.as_secs_f64(),
                    error = %failure.logged,
                    "e-mail not sent; will try again"
                );
                if let Err(err) = storage::outbox::mark_failed(
                    &state.db,
                    message.id,
                    &self.instance,
                    &failure.stored,
                    next,
                )
                .await
                {
                    tracing::warn!(id = %message.id, error = %err, "outbox: cannot mark failed");
                }
            }
        }
    }

    async fn purge(&self, state: &AppState) {
        let keep = chrono::Duration::from_std(self.settings.keep_sent)
            .unwrap_or(chrono::Duration::days(30));
        match storage::outbox::purge_sent_before(&state.db, Utc::now() - keep).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "outbox: old sent messages deleted"),
            Err(err) => tracing::warn!(error = %err, "outbox: cannot delete old messages"),
        }
        // Submitters' notification addresses are kept as long as volunteers' contacts.
        let Some(cutoff) = Utc::now()
            .checked_sub_months(chrono::Months::new(storage::volunteers::RETENTION_MONTHS))
        else {
            return;
        };
        match storage::outbox::forget_addresses_before(&state.db, cutoff).await {
            Ok(0) => {}
            Ok(cleared) => tracing::info!(cleared, "notification addresses past retention cleared"),
            Err(err) => tracing::warn!(error = %err, "cannot clear old notification addresses"),
        }
    }
}

/// Starts the sender of `state`'s outbox; it stops after its current message once
/// `shutdown` is cancelled.
pub fn spawn(state: AppState, shutdown: CancellationToken) -> anyhow::Result<JoinHandle<()>> {
    let sender = Sender::new(&state.settings.mail)?;
    Ok(tokio::spawn(async move {
        let mut last_purge: Option<Instant> = None;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(sender.settings.poll) => {}
            }
            // Not cancelled mid-message: a message the SMTP server accepted is marked sent
            // before the task ends (an SMTP exchange is bounded by its timeout).
            sender.run_once(&state, &shutdown).await;
            if last_purge.is_none_or(|at| at.elapsed() > std::time::Duration::from_secs(3600)) {
                sender.purge(&state).await;
                last_purge = Some(Instant::now());
            }
        }
    }))
}
