//! Answers under concurrency, through the group-commit writer (services::answers), on
//! SQLite and PostgreSQL: every parallel answer stored once with arrival numbers 1..N
//! without gaps, twins with one idempotency key stored once, a failing batch storing
//! nothing of itself while no acknowledged answer is lost, and two instances on one
//! database numbering one campaign's answers in commit order.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::Value;
use solidarites_api_types::SubmitResponseRequest;
use solidarites_domain::demo::demo_communes;
use solidarites_server::{auth::Role, storage};

use crate::{
    helpers::{count_of, demo_app_as, for_each_backend, spawn_app, Backend, TestApp, TestDb},
    operations::sample,
    questionnaire::{full_answer, open_campaign},
};

/// A valid answer; `n` varies the commune.
fn body(n: usize) -> SubmitResponseRequest {
    full_answer(n % demo_communes().len())
}

/// Marks an answer so that the test's trigger refuses to store it.
const MARKER: &str = "PANNE-SIMULEE";

fn marked(n: usize) -> SubmitResponseRequest {
    let mut b = body(n);
    b.answers
        .insert("propositions".to_owned(), Value::from(MARKER));
    b
}

async fn post(
    client: &reqwest::Client,
    address: &str,
    campaign: &str,
    body: &SubmitResponseRequest,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = client
        .post(format!("{address}/api/v1/campaigns/{campaign}/responses"))
        .json(body);
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// `(id, seq)` of the campaign's stored answers, by `seq`.
async fn stored(db: &DatabaseConnection, campaign: &str) -> Vec<(String, i64)> {
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        format!("SELECT id, seq FROM responses WHERE campaign_id = '{campaign}' ORDER BY seq"),
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.try_get::<String>("", "id").unwrap(),
            r.try_get::<i64>("", "seq").unwrap(),
        )
    })
    .collect()
}

fn assert_gap_free(rows: &[(String, i64)]) {
    let seqs: Vec<i64> = rows.iter().map(|(_, s)| *s).collect();
    let expected: Vec<i64> = (1..=i64::try_from(rows.len()).unwrap()).collect();
    assert_eq!(seqs, expected, "arrival numbers 1..N without gaps");
}

/// Sends `bodies` all at once (one task each); statuses and bodies in order.
async fn send_all(
    app: &TestApp,
    campaign: &str,
    bodies: Vec<(SubmitResponseRequest, Option<String>)>,
) -> Vec<(StatusCode, Value)> {
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|(body, key)| {
            let (client, address, campaign) =
                (app.client.clone(), app.address.clone(), campaign.to_owned());
            tokio::spawn(
                async move { post(&client, &address, &campaign, &body, key.as_deref()).await },
            )
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// The answer writer's (transactions, answers) so far, from `/metrics` (process-wide: other
/// tests running meanwhile add to them).
async fn writer_totals(app: &TestApp) -> (f64, f64) {
    let text = app.get("/metrics").await.text().await.unwrap();
    (
        sample(&text, "solidarites_answer_batch_rows_count"),
        sample(&text, "solidarites_answer_batch_rows_sum"),
    )
}

#[tokio::test]
async fn parallel_answers_are_each_stored_once_with_arrival_numbers_without_gaps() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        let (batches_before, rows_before) = writer_totals(&app).await;
        const N: usize = 300;
        // Half with an idempotency key, half without.
        let bodies = (0..N)
            .map(|i| (body(i), (i % 2 == 0).then(|| format!("parallele-{i}"))))
            .collect();
        let outcomes = send_all(&app, &campaign, bodies).await;
        let ids: BTreeSet<String> = outcomes
            .iter()
            .map(|(status, body)| {
                assert_eq!(*status, StatusCode::CREATED, "{body}");
                body["id"].as_str().unwrap().to_owned()
            })
            .collect();
        assert_eq!(ids.len(), N, "one id per answer");
        let rows = stored(&app.db.conn, &campaign).await;
        assert_eq!(rows.len(), N, "{}", app.db.backend.name());
        assert_gap_free(&rows);
        let stored_ids: BTreeSet<String> = rows.into_iter().map(|(id, _)| id).collect();
        assert_eq!(stored_ids, ids);
        // The writer's metrics counted them, in at least one transaction.
        let (batches, rows) = writer_totals(&app).await;
        assert!(batches > batches_before, "{batches_before} → {batches}");
        assert!(rows - rows_before >= N as f64, "{rows_before} → {rows}");
    })
    .await;
}

#[tokio::test]
async fn twins_sent_at_once_with_one_key_are_stored_once_and_answered_with_its_id() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        const KEYS: usize = 40;
        const COPIES: usize = 4;
        // Copies interleaved (key 0, 1, …, 39, 0, 1, …): within a batch and across batches.
        let bodies = (0..KEYS * COPIES)
            .map(|i| (body(i % KEYS), Some(format!("jumeau-{}", i % KEYS))))
            .collect();
        let outcomes = send_all(&app, &campaign, bodies).await;
        let mut by_key: BTreeMap<usize, Vec<(StatusCode, String)>> = BTreeMap::new();
        for (i, (status, body)) in outcomes.into_iter().enumerate() {
            by_key
                .entry(i % KEYS)
                .or_default()
                .push((status, body["id"].as_str().unwrap_or_default().to_owned()));
        }
        for (key, answers) in &by_key {
            let created = answers
                .iter()
                .filter(|(s, _)| *s == StatusCode::CREATED)
                .count();
            let replayed = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
            assert_eq!(
                (created, replayed),
                (1, COPIES - 1),
                "key {key}: {answers:?}"
            );
            let ids: BTreeSet<&String> = answers.iter().map(|(_, id)| id).collect();
            assert_eq!(
                ids.len(),
                1,
                "key {key}: one id for every copy: {answers:?}"
            );
        }
        let rows = stored(&app.db.conn, &campaign).await;
        assert_eq!(rows.len(), KEYS);
        assert_gap_free(&rows);
        // A later replay answers with the same stored answer.
        let (status, replay) = post(
            &app.client,
            &app.address,
            &campaign,
            &body(3),
            Some("jumeau-3"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(replay["id"].as_str(), Some(by_key[&3][0].1.as_str()));
        assert_eq!(stored(&app.db.conn, &campaign).await.len(), KEYS);
    })
    .await;
}

/// A trigger that makes every insert of a marked answer fail, as a crash of the writer in
/// the middle of a batch would (test-only: created here, never by the migrations).
async fn install_failing_trigger(db: &TestDb) {
    let statements: Vec<String> = match db.backend {
        Backend::Sqlite => vec![format!(
            "CREATE TRIGGER fail_marked BEFORE INSERT ON responses \
             WHEN NEW.answers LIKE '%{MARKER}%' \
             BEGIN SELECT RAISE(ABORT, 'simulated writer failure'); END"
        )],
        Backend::Postgres { .. } => vec![
            format!(
                "CREATE FUNCTION fail_marked() RETURNS trigger AS $$ BEGIN \
                 IF NEW.answers::text LIKE '%{MARKER}%' THEN \
                 RAISE EXCEPTION 'simulated writer failure'; END IF; \
                 RETURN NEW; END $$ LANGUAGE plpgsql"
            ),
            "CREATE TRIGGER fail_marked BEFORE INSERT ON responses \
             FOR EACH ROW EXECUTE FUNCTION fail_marked()"
                .to_owned(),
        ],
    };
    for sql in statements {
        db.conn.execute_unprepared(&sql).await.unwrap();
    }
}

#[tokio::test]
async fn a_failing_batch_stores_nothing_of_itself_and_no_acknowledged_answer_is_lost() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        install_failing_trigger(&app.db).await;
        const N: usize = 240;
        // Every tenth answer is marked: its batch fails, then, tried alone, it fails again
        // while the other answers of its batch are stored one by one.
        let bodies = (0..N)
            .map(|i| {
                let b = if i % 10 == 5 { marked(i) } else { body(i) };
                (b, Some(format!("panne-{i}")))
            })
            .collect();
        let outcomes = send_all(&app, &campaign, bodies).await;
        let mut acknowledged = BTreeSet::new();
        let mut refused = Vec::new();
        for (i, (status, body)) in outcomes.iter().enumerate() {
            match status.as_u16() {
                201 => {
                    assert_ne!(i % 10, 5, "a marked answer acknowledged: {body}");
                    acknowledged.insert(body["id"].as_str().unwrap().to_owned());
                }
                503 => {
                    assert_eq!(body["error"], "service_unavailable", "{body}");
                    refused.push(i);
                }
                other => panic!("answer {i}: HTTP {other} {body}"),
            }
        }
        assert_eq!(
            refused,
            (0..N).filter(|i| i % 10 == 5).collect::<Vec<_>>(),
            "exactly the marked answers refused"
        );
        assert!(
            !acknowledged.is_empty(),
            "nothing got through: nothing was tested"
        );
        let rows = stored(&app.db.conn, &campaign).await;
        let stored_ids: BTreeSet<String> = rows.iter().map(|(id, _)| id.clone()).collect();
        assert_eq!(
            stored_ids,
            acknowledged,
            "exactly the acknowledged answers are stored ({})",
            app.db.backend.name()
        );
        assert_gap_free(&rows);

        // Sent again with their keys (the marked ones cleaned), the refused answers are
        // stored once each, after the others.
        let again = refused
            .iter()
            .map(|&i| (body(i), Some(format!("panne-{i}"))))
            .collect();
        for (status, body) in send_all(&app, &campaign, again).await {
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let rows = stored(&app.db.conn, &campaign).await;
        assert_eq!(rows.len(), N);
        assert_gap_free(&rows);
    })
    .await;
}

#[tokio::test]
async fn two_instances_on_one_database_number_answers_in_commit_order_without_gaps() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let second_db = TestDb::reopen(&db).await;
        let reader = TestDb::reopen(&db).await;
        let a = spawn_app(db).await;
        let b = spawn_app(second_db).await;
        let staff = a.login_as(Role::Moderator).await;
        let campaign = open_campaign(&staff).await;

        // A reader polling "answers after the last number seen" (as the results do) must
        // never see a number before an earlier one is committed: no hole, ever.
        let done = Arc::new(AtomicBool::new(false));
        let poller = tokio::spawn({
            let (done, campaign, conn) = (done.clone(), campaign.clone(), reader.conn.clone());
            async move {
                let mut last = 0;
                let mut polls = 0;
                while !done.load(Ordering::SeqCst) {
                    let page = storage::answers::after_seq(&conn, &campaign, last, 10_000)
                        .await
                        .unwrap();
                    for answer in page {
                        assert_eq!(answer.seq, last + 1, "a hole after {last}");
                        last = answer.seq;
                    }
                    polls += 1;
                    tokio::task::yield_now().await;
                }
                (last, polls)
            }
        });

        const PER_INSTANCE: usize = 150;
        let mut tasks = Vec::new();
        for i in 0..2 * PER_INSTANCE {
            let app = if i % 2 == 0 { &a } else { &b };
            let (client, address, campaign, check) = (
                app.client.clone(),
                app.address.clone(),
                campaign.clone(),
                reader.conn.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let (status, body) = post(
                    &client,
                    &address,
                    &campaign,
                    &body(i),
                    Some(&format!("instance-{i}")),
                )
                .await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
                let id = body["id"].as_str().unwrap().to_owned();
                // Acknowledged only once committed: visible to another connection now.
                let sql = match check.get_database_backend() {
                    DbBackend::Postgres => "SELECT COUNT(*) AS n FROM responses WHERE id = $1",
                    _ => "SELECT COUNT(*) AS n FROM responses WHERE id = ?",
                };
                let statement = Statement::from_sql_and_values(
                    check.get_database_backend(),
                    sql,
                    [id.clone().into()],
                );
                let seen = count_of(&check, statement).await;
                assert_eq!(seen, 1, "acknowledged answer {id} not visible");
                id
            }));
        }
        let mut ids = BTreeSet::new();
        for t in tasks {
            ids.insert(t.await.unwrap());
        }
        done.store(true, Ordering::SeqCst);
        let (_, polls) = poller.await.unwrap();
        assert!(polls > 1, "the reader polled while answers arrived");
        let rows = stored(&reader.conn, &campaign).await;
        assert_eq!(rows.len(), 2 * PER_INSTANCE, "{}", reader.backend.name());
        assert_gap_free(&rows);
        assert_eq!(
            rows.into_iter().map(|(id, _)| id).collect::<BTreeSet<_>>(),
            ids
        );
    })
    .await;
}

#[tokio::test]
async fn one_statement_skips_stored_keys_and_numbers_the_others_in_order() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        for key in ["cle-a", "cle-b"] {
            let (status, body) =
                post(&app.client, &app.address, &campaign, &body(1), Some(key)).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let conn = &app.db.conn;
        let row = like_first(conn, &campaign).await;
        // The stored keys are the hashes of "cle-a" and "cle-b": read them back.
        let hashes: Vec<String> = conn
            .query_all_raw(Statement::from_string(
                conn.get_database_backend(),
                format!(
                    "SELECT idempotency_key_hash FROM responses \
                     WHERE campaign_id = '{campaign}' ORDER BY seq"
                ),
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("", "idempotency_key_hash").unwrap())
            .collect();
        let rows = vec![
            row(1, Some(&hashes[0])),
            row(2, None),
            row(3, Some("une-cle-nouvelle")),
            row(4, Some(&hashes[1])),
            row(5, None),
        ];
        let txn = storage::begin_write(conn).await.unwrap();
        storage::questionnaires::lock_campaigns(&txn, vec![campaign.clone()])
            .await
            .unwrap();
        let numbered = storage::questionnaires::insert_numbered(&txn, &rows)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        let expected: std::collections::HashMap<String, i64> = [
            (rows[1].id.clone(), 3),
            (rows[2].id.clone(), 4),
            (rows[4].id.clone(), 5),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            numbered,
            expected,
            "stored keys skipped, the others numbered after 2 in the order given ({})",
            app.db.backend.name()
        );
        let rows_stored = stored(conn, &campaign).await;
        assert_gap_free(&rows_stored);
        assert_eq!(rows_stored.len(), 5);

        // A key stored twice in one statement is refused whole by the unique index.
        let txn = storage::begin_write(conn).await.unwrap();
        let twice = vec![row(6, Some("deux-fois")), row(7, Some("deux-fois"))];
        assert!(storage::questionnaires::insert_numbered(&txn, &twice)
            .await
            .is_err());
        drop(txn);
        assert_eq!(
            stored(conn, &campaign).await.len(),
            5,
            "nothing of it stored"
        );
    })
    .await;
}

/// A `NewRow` like the stored answer of arrival number 1 of `campaign`, with its own id.
async fn like_first(
    conn: &DatabaseConnection,
    campaign: &str,
) -> impl Fn(usize, Option<&str>) -> storage::questionnaires::NewRow {
    let model = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            format!(
                "SELECT questionnaire_version_id, commune_code, answers, submitted_on \
                 FROM responses WHERE campaign_id = '{campaign}' AND seq = 1"
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    let campaign = campaign.to_owned();
    let version: String = model.try_get("", "questionnaire_version_id").unwrap();
    let commune: String = model.try_get("", "commune_code").unwrap();
    let answers: String = model.try_get("", "answers").unwrap();
    let day: chrono::NaiveDate = model.try_get("", "submitted_on").unwrap();
    move |n, key| storage::questionnaires::NewRow {
        id: format!("10000000-0000-4000-8000-{n:012}"),
        campaign_id: campaign.clone(),
        version_id: version.clone(),
        commune_code: commune.clone(),
        channel: "web".to_owned(),
        answers: answers.clone(),
        submitted_on: day,
        idempotency_key_hash: key.map(str::to_owned),
    }
}

/// Sets one column of a campaign (a status text or a date).
async fn set_campaign(
    conn: &DatabaseConnection,
    campaign: &str,
    column: &str,
    value: sea_orm::Value,
) {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => format!("UPDATE campaigns SET {column} = $1 WHERE id = $2"),
        _ => format!("UPDATE campaigns SET {column} = ? WHERE id = ?"),
    };
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [value, campaign.to_owned().into()],
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn the_statement_of_its_own_inserts_only_while_the_campaign_is_open_on_the_version() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        let (status, body) = post(
            &app.client,
            &app.address,
            &campaign,
            &body(1),
            Some("cle-a"),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let conn = &app.db.conn;
        let row = like_first(conn, &campaign).await;
        let stored_key: String = conn
            .query_one_raw(Statement::from_string(
                conn.get_database_backend(),
                format!(
                    "SELECT idempotency_key_hash FROM responses WHERE campaign_id = '{campaign}'"
                ),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "idempotency_key_hash")
            .unwrap();
        let insert = |rows: Vec<storage::questionnaires::NewRow>| async move {
            storage::questionnaires::insert_numbered_if_open(conn, &rows, chrono::Utc::now())
                .await
                .unwrap()
        };

        let mut other_version = row(4, None);
        other_version.version_id = "une-autre-version".to_owned();
        let rows = vec![
            row(1, Some(&stored_key)),
            row(2, None),
            other_version,
            row(3, Some("une-cle-nouvelle")),
            row(5, None),
        ];
        let expected: std::collections::HashMap<String, i64> = [
            (rows[1].id.clone(), 2),
            (rows[3].id.clone(), 3),
            (rows[4].id.clone(), 4),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            insert(rows).await,
            expected,
            "a stored key and another version skipped, the others numbered after 1 ({})",
            app.db.backend.name()
        );

        // Not open: closed, closing date past, opening date to come. Nothing inserted.
        let now = chrono::Utc::now();
        let day = chrono::Duration::days(1);
        let (opens, closes): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) = {
            let r = conn
                .query_one_raw(Statement::from_string(
                    conn.get_database_backend(),
                    format!("SELECT opens_at, closes_at FROM campaigns WHERE id = '{campaign}'"),
                ))
                .await
                .unwrap()
                .unwrap();
            (
                r.try_get("", "opens_at").unwrap(),
                r.try_get("", "closes_at").unwrap(),
            )
        };
        set_campaign(conn, &campaign, "status", "closed".into()).await;
        assert!(insert(vec![row(6, None)]).await.is_empty(), "closed");
        set_campaign(conn, &campaign, "status", "open".into()).await;
        set_campaign(conn, &campaign, "closes_at", (now - day).into()).await;
        assert!(
            insert(vec![row(7, None)]).await.is_empty(),
            "closing date past"
        );
        set_campaign(conn, &campaign, "closes_at", closes.into()).await;
        set_campaign(conn, &campaign, "opens_at", (now + day).into()).await;
        assert!(
            insert(vec![row(8, None)]).await.is_empty(),
            "opening to come"
        );
        set_campaign(conn, &campaign, "opens_at", opens.into()).await;
        let again = insert(vec![row(9, None)]).await;
        assert_eq!(
            again.values().copied().collect::<Vec<_>>(),
            vec![5],
            "open again"
        );
        let rows = stored(conn, &campaign).await;
        assert_eq!(rows.len(), 5);
        assert_gap_free(&rows);
    })
    .await;
}

#[tokio::test]
async fn the_statement_of_its_own_waiting_for_a_locked_batch_stores_nothing_or_numbers_after_it() {
    for_each_backend(|db| async move {
        let second = TestDb::reopen(&db).await;
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        let (status, body) = post(&app.client, &app.address, &campaign, &body(1), None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let conn = &app.db.conn;
        let row = like_first(conn, &campaign).await;

        // A writer holding the campaign's lock, its batch inserted and not yet committed.
        let txn = storage::begin_write(conn).await.unwrap();
        storage::questionnaires::lock_campaigns(&txn, vec![campaign.clone()])
            .await
            .unwrap();
        let held = vec![row(1, Some("cle-tenue")), row(2, None)];
        storage::questionnaires::insert_numbered(&txn, &held)
            .await
            .unwrap();
        // Meanwhile, from another connection, a statement of its own with the same key.
        let waiting = tokio::spawn({
            let (conn, rows) = (
                second.conn.clone(),
                vec![row(3, None), row(4, Some("cle-tenue")), row(5, None)],
            );
            async move {
                storage::questionnaires::insert_numbered_if_open(&conn, &rows, chrono::Utc::now())
                    .await
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "the statement waits for the lock");
        txn.commit().await.unwrap();
        let outcome = waiting.await.unwrap();
        let rows = stored(conn, &campaign).await;
        assert_gap_free(&rows);
        match (&app.db.backend, outcome) {
            // PostgreSQL: its snapshot predates the commit, so its numbers and key collide
            // with the batch's on the unique indexes: refused whole.
            (Backend::Postgres { .. }, outcome) => {
                assert!(outcome.is_err(), "{outcome:?}");
                assert_eq!(rows.len(), 3, "nothing of it stored");
            }
            // SQLite: it waited for the write lock before reading: the held key skipped,
            // the others numbered after the batch.
            (Backend::Sqlite, outcome) => {
                let mut numbers: Vec<i64> = outcome.unwrap().values().copied().collect();
                numbers.sort_unstable();
                assert_eq!(numbers, vec![4, 5]);
                assert_eq!(rows.len(), 5);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn the_writer_s_own_sqlite_connection_is_opened_like_the_server_s() {
    let pragmas = |conn: DatabaseConnection| async move {
        let mut values = Vec::new();
        for pragma in [
            "journal_mode",
            "synchronous",
            "foreign_keys",
            "busy_timeout",
            "wal_autocheckpoint",
        ] {
            let row = conn
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    format!("PRAGMA {pragma}"),
                ))
                .await
                .unwrap()
                .unwrap();
            let value = row
                .try_get_by_index::<String>(0)
                .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .unwrap();
            values.push(format!("{pragma}={value}"));
        }
        values
    };
    for backend in crate::helpers::backends() {
        let db = TestDb::create(&backend).await;
        let server = storage::connect_server(&db.url).await.unwrap();
        let writer = storage::writer_pool(&server);
        match backend {
            // PostgreSQL: the writer shares the server's pool.
            Backend::Postgres { .. } => assert!(writer.is_none()),
            // SQLite: a connection of its own, as durable as the others (WAL,
            // synchronous = FULL) and leaving the checkpoints to the server.
            Backend::Sqlite => {
                let writer = writer.expect("a connection of its own");
                let expected = pragmas(server.clone()).await;
                assert_eq!(
                    expected,
                    [
                        "journal_mode=wal",
                        "synchronous=2",
                        "foreign_keys=1",
                        "busy_timeout=10000",
                        "wal_autocheckpoint=0"
                    ]
                );
                assert_eq!(pragmas(writer).await, expected);
            }
        }
    }
}
