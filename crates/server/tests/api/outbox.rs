//! E-mail notifications through the outbox, on SQLite and PostgreSQL, delivered to a real
//! SMTP server on 127.0.0.1 (`smtp_sink`): a decision's message reaches the submitter once,
//! with the reason and a working private link; a server that is down delays messages but
//! loses none; two instances on one database send each message exactly once; the daily
//! digest goes once to each moderator across instances.

use std::{collections::HashSet, time::Duration};

use reqwest::StatusCode;
use serde_json::Value;
use solidarites_api_types::{
    CreateEventRequest, CreateInitiativeRequest, CreateInitiativeResponse, CreateProposalRequest,
    ErrorResponse, OutboxListResponse,
};
use solidarites_domain::demo::demo_communes;
use solidarites_server::{
    auth::Role,
    config::{Settings, SmtpSettings, SmtpTls},
    storage,
};

use crate::{
    helpers::{
        approve, bulk_moderation, create_user, eventually, for_each_backend, holds, reject,
        spawn_app_with, test_settings, TestApp, TestDb,
    },
    initiatives::{self, submission},
    smtp_sink::{free_port, SmtpSink},
};

pub const PUBLIC_URL: &str = "https://solidarites.test";

/// Test settings with e-mail through the SMTP server on `smtp_port` (none: logged only),
/// quick polls and retries, and no digest unless a test asks for one.
pub fn mail_settings(db: &TestDb, smtp_port: Option<u16>) -> Settings {
    let mut settings = test_settings(db);
    settings.public_url = Some(PUBLIC_URL.to_owned());
    settings.mail.smtp = smtp_port.map(|port| SmtpSettings {
        host: "127.0.0.1".to_owned(),
        port,
        tls: SmtpTls::None,
        username: None,
        password: None,
    });
    settings.mail.poll = Duration::from_millis(30);
    settings.mail.retry_base = Duration::from_millis(100);
    settings.mail.retry_cap = Duration::from_millis(400);
    // Never due (the hour never reaches 24): the digest has its own test.
    settings.mail.digest_hour = 24;
    settings
}

pub async fn app_with(db: TestDb, smtp_port: Option<u16>) -> TestApp {
    let settings = mail_settings(&db, smtp_port);
    spawn_app_with(db, settings).await
}

/// A submission whose author asks to be told of the decisions.
pub trait Notify {
    /// The same submission, its author told of the decisions at `email`.
    fn notifying(self, email: &str) -> Self;
}

impl Notify for CreateInitiativeRequest {
    fn notifying(self, email: &str) -> Self {
        CreateInitiativeRequest {
            notify_email: Some(email.to_owned()),
            notify_consent: true,
            ..self
        }
    }
}

impl Notify for CreateEventRequest {
    fn notifying(self, email: &str) -> Self {
        CreateEventRequest {
            notify_email: Some(email.to_owned()),
            notify_consent: true,
            ..self
        }
    }
}

/// `body`, its author told of the decisions at `email`.
pub fn with_notify<T: Notify>(body: T, email: &str) -> T {
    body.notifying(email)
}

/// The proposal of a minibus, its author told of the decision at `marc@exemple.fr` if
/// `consent`.
fn minibus(consent: bool) -> CreateProposalRequest {
    CreateProposalRequest {
        title: Some("Un minibus pour le marché".to_owned()),
        description: Some("Le samedi matin.".to_owned()),
        themes: vec!["mobilite".to_owned()],
        notify_email: Some("marc@exemple.fr".to_owned()),
        notify_consent: consent,
        ..CreateProposalRequest::default()
    }
}

async fn submit_notified(
    app: &TestApp,
    title: &str,
    n: usize,
    email: &str,
) -> CreateInitiativeResponse {
    initiatives::submit(
        app,
        &with_notify(submission(title, "aide-alimentaire", n), email),
    )
    .await
}

pub async fn outbox(app: &TestApp) -> Vec<storage::outbox::OutboxEntry> {
    storage::outbox::latest(&app.db.conn, 1000).await.unwrap()
}

/// Waits a few sender passes more, so that a duplicate would have time to show.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(400)).await;
}

/// The token of the private link under `path` (`/initiatives/modifier/`) in a message.
pub fn private_link_token(body: &str, path: &str) -> String {
    let prefix = format!("{PUBLIC_URL}{path}");
    let start = body.find(&prefix).expect("a private link in the message") + prefix.len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[tokio::test]
async fn a_rejection_reaches_the_submitter_once_with_the_reason_and_a_working_private_link() {
    for_each_backend(|db| async move {
        let sink = SmtpSink::start().await;
        let db = db.with_communes(&demo_communes()).await;
        let app = app_with(db, Some(sink.port)).await;
        let created = submit_notified(&app, "Repas partagés", 0, "jeanne@exemple.fr").await;
        // Nothing is sent at submission.
        settle().await;
        assert!(sink.messages().is_empty());

        let moderator = app.login_as(Role::Moderator).await;
        let res = reject(
            &moderator,
            &created.id,
            "Doublon de « Repas du jeudi » ; voyez l'autre fiche.",
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);

        let received = sink.one_message("the rejection e-mail").await;
        assert_eq!(received.to, ["jeanne@exemple.fr"]);
        assert_eq!(
            received.subject(),
            "Votre initiative « Repas partagés » n'a pas été retenue"
        );
        let body = received.body_text();
        assert!(
            body.contains("Motif : Doublon de « Repas du jeudi » ; voyez l'autre fiche."),
            "{body}"
        );
        // The HTML part escapes what the moderator typed.
        assert!(body.contains("voyez l&#39;autre fiche"), "{body}");
        let token = private_link_token(&body, "/initiatives/modifier/");
        let res = app.get(&format!("/api/v1/initiatives/edit/{token}")).await;
        assert_eq!(res.status(), StatusCode::OK, "the e-mailed link works");
        let res = app
            .get(&format!("/api/v1/initiatives/edit/{}", created.edit_token))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "the first link still works");

        let rows = eventually("marked sent", async || {
            let rows = outbox(&app).await;
            holds(rows.len() == 1 && rows[0].sent_at.is_some(), &rows)?;
            Ok(rows)
        })
        .await;
        assert_eq!(rows[0].kind, "initiative_decided");
        assert_eq!(rows[0].sent_via.as_deref(), Some("smtp"));
        assert_eq!(rows[0].attempts, 1);
        let message_id = received.header("Message-ID").unwrap_or_default();
        assert!(message_id.contains(&rows[0].id.to_string()), "{message_id}");

        settle().await;
        assert_eq!(sink.messages().len(), 1, "sent once");
    })
    .await;
}

#[tokio::test]
async fn an_address_needs_consent_and_a_valid_shape() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let app = app_with(db, None).await;
        let mut body = submission("Repas partagés", "aide-alimentaire", 0);
        body.notify_email = Some("pas-une-adresse".to_owned());
        body.content.title = Some(String::new());
        let res = initiatives::post(&app, "/api/v1/initiatives", &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        for field in ["notify_email", "notify_consent", "title"] {
            assert!(err.fields.contains_key(field), "{field}: {:?}", err.fields);
        }
        let res = app.post_json("/api/v1/proposals", &minibus(false)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(
            err.fields.keys().collect::<Vec<_>>(),
            ["notify_consent"],
            "{:?}",
            err.fields
        );
    })
    .await;
}

#[tokio::test]
async fn a_proposal_author_is_told_of_the_decision_and_the_address_is_then_forgotten() {
    for_each_backend(|db| async move {
        let sink = SmtpSink::start().await;
        let db = db.with_communes(&demo_communes()).await;
        let app = app_with(db, Some(sink.port)).await;
        let res = app.post_json("/api/v1/proposals", &minibus(true)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let moderator = app.login_as(Role::Moderator).await;
        approve(&moderator, &id).await;
        let received = sink.one_message("the approval e-mail").await;
        assert_eq!(received.to, ["marc@exemple.fr"]);
        assert_eq!(
            received.subject(),
            "Votre proposition « Un minibus pour le marché » est publiée"
        );
        assert!(received
            .body_text()
            .contains(&format!("{PUBLIC_URL}/propositions/{id}")));
        let target = storage::outbox::proposal_target(&app.db.conn, id.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(
            target, None,
            "the address is forgotten once the decision is told"
        );
    })
    .await;
}

#[tokio::test]
async fn messages_wait_while_the_smtp_server_is_down_and_are_delivered_once_it_is_back() {
    for_each_backend(|db| async move {
        let port = free_port();
        let db = db.with_communes(&demo_communes()).await;
        let app = app_with(db, Some(port)).await;
        let created = submit_notified(&app, "Jardin partagé", 1, "paul@exemple.fr").await;
        let moderator = app.login_as(Role::Moderator).await;
        approve(&moderator, &created.id).await;

        // Refused connections: retried with backoff, never lost.
        let row = eventually("failed tries recorded", async || {
            let rows = outbox(&app).await;
            holds(
                rows.len() == 1 && rows[0].attempts >= 2 && rows[0].sent_at.is_none(),
                &rows,
            )?;
            Ok(rows[0].clone())
        })
        .await;
        assert!(row.last_error.is_some());
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(
            metrics.contains("solidarites_outbox_backlog 1"),
            "{metrics}"
        );

        let sink = SmtpSink::start_on(port).await;
        eventually("delivered once the server is back", async || {
            let n = sink.messages().len();
            holds(n == 1, n)
        })
        .await;
        assert_eq!(
            sink.messages()[0].subject(),
            "Votre initiative « Jardin partagé » est publiée"
        );
        // The sink keeps the message before the sender hears its answer and marks it.
        eventually("marked sent", async || {
            let rows = outbox(&app).await;
            holds(rows[0].sent_at.is_some(), &rows)
        })
        .await;
        settle().await;
        assert_eq!(sink.messages().len(), 1);
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(
            metrics.contains("solidarites_outbox_backlog 0"),
            "{metrics}"
        );
    })
    .await;
}

#[tokio::test]
async fn two_instances_on_one_database_deliver_each_message_exactly_once() {
    for_each_backend(|db| async move {
        let sink = SmtpSink::start().await;
        let db = db.with_communes(&demo_communes()).await;
        let second_db = TestDb::reopen(&db).await;
        let first = app_with(db, Some(sink.port)).await;
        let mut settings = mail_settings(&second_db, Some(sink.port));
        settings.mail.poll = Duration::from_millis(10);
        let second = spawn_app_with(second_db, settings).await;

        let count = 12;
        let mut ids = Vec::new();
        for n in 0..count {
            let email = format!("personne{n}@exemple.fr");
            ids.push(
                submit_notified(&first, &format!("Initiative {n}"), n % 4, &email)
                    .await
                    .id,
            );
        }
        let moderator = second.login_as(Role::Moderator).await;
        let res = bulk_moderation(&moderator, "approve", ids, None).await;
        assert_eq!(res.status(), StatusCode::OK);

        eventually("every message delivered", async || {
            let n = sink.messages().len();
            holds(n >= count, n)
        })
        .await;
        settle().await;
        let messages = sink.messages();
        assert_eq!(messages.len(), count, "no message twice");
        let recipients: HashSet<String> = messages.iter().map(|m| m.to.join(",")).collect();
        assert_eq!(recipients.len(), count);
        let message_ids: HashSet<String> = messages
            .iter()
            .map(|m| m.header("Message-ID").unwrap_or_default())
            .collect();
        assert_eq!(message_ids.len(), count);
        let rows = eventually("every message marked sent", async || {
            let rows = outbox(&first).await;
            holds(rows.iter().all(|r| r.sent_at.is_some()), &rows)?;
            Ok(rows)
        })
        .await;
        assert!(rows.iter().all(|r| r.attempts == 1), "{rows:?}");
    })
    .await;
}

#[tokio::test]
async fn without_an_smtp_server_messages_are_only_logged_and_marked_so() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let app = app_with(db, None).await;
        let created = submit_notified(&app, "Repas partagés", 0, "jeanne@exemple.fr").await;
        let moderator = app.login_as(Role::Moderator).await;
        approve(&moderator, &created.id).await;
        eventually("marked sent to the log", async || {
            let rows = outbox(&app).await;
            holds(
                rows.len() == 1 && rows[0].sent_via.as_deref() == Some("log"),
                &rows,
            )
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_submission_without_an_address_queues_nothing() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let app = app_with(db, None).await;
        let created =
            initiatives::submit(&app, &submission("Repas partagés", "aide-alimentaire", 0)).await;
        let moderator = app.login_as(Role::Moderator).await;
        approve(&moderator, &created.id).await;
        assert!(outbox(&app).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_moderators_digest_goes_once_to_each_moderator_across_instances() {
    for_each_backend(|db| async move {
        let sink = SmtpSink::start().await;
        let db = db.with_communes(&demo_communes()).await;
        let (db_b, db_c) = (TestDb::reopen(&db).await, TestDb::reopen(&db).await);
        // A first instance whose digest is never due: it takes the submissions.
        let first = app_with(db, Some(sink.port)).await;
        initiatives::submit(&first, &submission("Repas partagés", "aide-alimentaire", 0)).await;
        initiatives::submit(&first, &submission("Jardin partagé", "aide-alimentaire", 1)).await;
        create_user(&first.db, "moderatrice@exemple.fr", Role::Moderator).await;
        create_user(&first.db, "admin@exemple.fr", Role::Admin).await;
        create_user(&first.db, "comite@exemple.fr", Role::Committee).await;

        // Two instances whose digest is due at once (from midnight, Paris time).
        let mut instances = Vec::new();
        for db in [db_b, db_c] {
            let mut settings = mail_settings(&db, Some(sink.port));
            settings.mail.digest_hour = 0;
            instances.push(spawn_app_with(db, settings).await);
        }
        eventually("one digest per moderator", async || {
            let n = sink.messages().len();
            holds(n >= 2, n)
        })
        .await;
        settle().await;
        let messages = sink.messages();
        let mut recipients: Vec<String> = messages.iter().map(|m| m.to.join(",")).collect();
        recipients.sort();
        assert_eq!(recipients, ["admin@exemple.fr", "moderatrice@exemple.fr"]);
        assert!(messages[0]
            .subject()
            .starts_with("Modération : 4 éléments en attente"));
        assert!(messages[0]
            .body_text()
            .contains("- 2 nouvelles initiatives"));
        assert!(messages[0]
            .body_text()
            .contains(&format!("{PUBLIC_URL}/admin/moderation")));
    })
    .await;
}

#[tokio::test]
async fn administrators_list_the_outbox_without_texts_and_with_masked_recipients() {
    for_each_backend(|db| async move {
        let port = free_port();
        let db = db.with_communes(&demo_communes()).await;
        let app = app_with(db, Some(port)).await;
        let created = submit_notified(&app, "Repas partagés", 0, "jeanne@exemple.fr").await;
        let moderator = app.login_as(Role::Moderator).await;
        let res = reject(&moderator, &created.id, "Doublon.").await;
        assert_eq!(res.status(), StatusCode::OK);
        let admin = app.login_as(Role::Admin).await;
        let listed: OutboxListResponse = eventually("a failed try listed", async || {
            let listed: OutboxListResponse = admin.get_json("/api/v1/admin/outbox").await;
            // (The moderators' daily digest may be queued too, when its pass runs between
            // the moderator's sign-in and the decision: only the decision's message counts.)
            holds(
                listed
                    .messages
                    .iter()
                    .any(|m| m.kind == "initiative_decided" && m.status == "retrying"),
                &listed,
            )?;
            Ok(listed)
        })
        .await;
        let decided: Vec<_> = listed
            .messages
            .iter()
            .filter(|m| m.kind == "initiative_decided")
            .collect();
        assert_eq!(decided.len(), 1, "{listed:?}");
        let message = decided[0];
        assert_eq!(message.recipient, "j…@exemple.fr");
        assert!(message.last_error.is_some());
        // The decision's message is not sent (a digest may wait beside it).
        assert!(listed.backlog >= 1, "{listed:?}");
        assert!(listed.smtp_configured);
        let raw = admin
            .get("/api/v1/admin/outbox")
            .await
            .text()
            .await
            .unwrap();
        assert!(!raw.contains("jeanne"), "{raw}");
        assert!(!raw.contains("Doublon"), "{raw}");
        assert_eq!(
            moderator.get("/api/v1/admin/outbox").await.status(),
            StatusCode::FORBIDDEN
        );
    })
    .await;
}
