//! Crash durability: the real `solidarites serve`, a bounded concurrent write load of
//! answers, SIGKILL in the middle, a restart on the same database. Every answer that got
//! a 2xx is stored exactly once; resending an in-doubt request with its Idempotency-Key
//! never stores it twice. SQLite (synchronous=FULL) and PostgreSQL.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex},
    time::Duration,
};

use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use solidarites_api_types::CreateCampaignRequest;
use solidarites_domain::demo::demo_communes;

use crate::{
    cli_users::solidarites_with_stdin,
    fixtures,
    helpers::{
        count_sql, create_campaign, default_questionnaire_id, eventually_within, for_each_backend,
        holds, StaffClient, TestDb,
    },
    multi_instance::{start_server_with, ServerProcess},
    results::{answer, commune},
};

/// Answers sent at most, and at once.
const ANSWERS: usize = 400;
const CONCURRENCY: usize = 8;
/// Acknowledged answers after which the server is killed.
const KILL_AFTER: usize = 60;

#[derive(Debug, Default)]
struct Outcomes {
    /// Idempotency key → stored answer id, for each 2xx.
    acknowledged: BTreeMap<String, String>,
    /// Keys sent without an answer (connection cut, or never sent back).
    in_doubt: BTreeSet<String>,
}

/// The admin account `open_campaign` signs in with, created by the real CLI.
pub(crate) fn create_durable_admin(db_url: &str) {
    let created = solidarites_with_stdin(
        db_url,
        &[
            "users",
            "create",
            "--email",
            "durable@landes.fr",
            "--role",
            "admin",
        ],
        "mot de passe durable\n",
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
}

/// `solidarites serve --trust-proxy` on `db`, with a staff account made by the CLI and an
/// open campaign; the server and the campaign's id.
pub(crate) async fn serve_open_campaign(db: &TestDb) -> (ServerProcess, String) {
    create_durable_admin(&db.url);
    let server = start_server_with(&db.url, &["--trust-proxy"]).await;
    let campaign = open_campaign(&server.address).await;
    (server, campaign)
}

pub(crate) async fn open_campaign(address: &str) -> String {
    let admin = StaffClient::sign_in(address, "durable@landes.fr", "mot de passe durable").await;
    let questionnaire = default_questionnaire_id(&admin).await;
    let campaign = CreateCampaignRequest {
        title: "Consultation de crise".to_owned(),
        description: String::new(),
        ..fixtures::campaign(&questionnaire, -1, 24)
    };
    create_campaign(&admin, &campaign).await
}

/// Sends answer `i` with its key; `None` when no answer came back.
pub(crate) async fn send(
    client: &reqwest::Client,
    url: &str,
    i: usize,
    key: &str,
) -> Option<(u16, String)> {
    let body = answer(&commune(i % 5), &[], None, "25_39");
    let res = client
        .post(url)
        .header("Idempotency-Key", key)
        // As many residents: the per-address throttle is not what this test is about.
        .header(
            "X-Forwarded-For",
            format!("10.{}.{}.{}", i / 65_536, (i / 256) % 256, i % 256),
        )
        .json(&body)
        .send()
        .await
        .ok()?;
    let status = res.status().as_u16();
    let body: Value = res.json().await.ok()?;
    Some((status, body["id"].as_str()?.to_owned()))
}

#[tokio::test]
async fn no_acknowledged_answer_is_lost_or_doubled_when_the_server_is_killed() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let (mut server, campaign) = serve_open_campaign(&db).await;
        let url = format!("{}/api/v1/campaigns/{campaign}/responses", server.address);

        let outcomes = Arc::new(Mutex::new(Outcomes::default()));
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let mut workers = Vec::new();
        for _ in 0..CONCURRENCY {
            let (outcomes, next, client, url) =
                (outcomes.clone(), next.clone(), client.clone(), url.clone());
            workers.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if i >= ANSWERS {
                        return;
                    }
                    let key = format!("durable-{i:05}");
                    match send(&client, &url, i, &key).await {
                        Some((201 | 200, id)) => {
                            outcomes.lock().unwrap().acknowledged.insert(key, id);
                        }
                        Some((status, _)) => panic!("answer {i}: HTTP {status}"),
                        None => {
                            outcomes.lock().unwrap().in_doubt.insert(key);
                            // The server is gone: stop this worker.
                            return;
                        }
                    }
                }
            }));
        }
        // Kill (SIGKILL) once enough answers were acknowledged, mid-load; bounded wait.
        eventually_within(
            "enough answers acknowledged before the kill",
            Duration::from_secs(12),
            Duration::from_millis(20),
            async || {
                let acknowledged = outcomes.lock().unwrap().acknowledged.len();
                holds(acknowledged >= KILL_AFTER, acknowledged)
            },
        )
        .await;
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        for worker in workers {
            worker.await.unwrap();
        }
        let outcomes = Arc::try_unwrap(outcomes).unwrap().into_inner().unwrap();
        assert!(outcomes.acknowledged.len() >= KILL_AFTER, "{outcomes:?}");
        assert!(
            outcomes.acknowledged.len() < ANSWERS,
            "the load ended before the kill: nothing was tested"
        );

        // Restart on the same database: every acknowledged answer is there, once.
        let server = start_server_with(&db.url, &["--trust-proxy"]).await;
        let stored: BTreeSet<String> = db
            .conn
            .query_all_raw(Statement::from_string(
                db.conn.get_database_backend(),
                format!("SELECT id FROM responses WHERE campaign_id = '{campaign}'"),
            ))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get::<String>("", "id").unwrap())
            .collect();
        for (key, id) in &outcomes.acknowledged {
            assert!(stored.contains(id), "acknowledged answer {key} ({id}) lost");
        }
        // Resending each in-doubt request (and an acknowledged one) with its key stores
        // each at most once.
        let url = format!("{}/api/v1/campaigns/{campaign}/responses", server.address);
        let (first_key, first_id) = outcomes.acknowledged.iter().next().unwrap();
        let i: usize = first_key.trim_start_matches("durable-").parse().unwrap();
        let (status, id) = send(&client, &url, i, first_key).await.unwrap();
        assert_eq!((status, id.as_str()), (200, first_id.as_str()), "a replay");
        for key in &outcomes.in_doubt {
            let i: usize = key.trim_start_matches("durable-").parse().unwrap();
            let (status, _) = send(&client, &url, i, key).await.unwrap();
            assert!(status == 200 || status == 201, "{key}: {status}");
        }
        let sql = format!("SELECT COUNT(*) AS n FROM responses WHERE campaign_id = '{campaign}'");
        let count = count_sql(&db.conn, &sql).await;
        let keys = outcomes.acknowledged.len() + outcomes.in_doubt.len();
        assert_eq!(
            usize::try_from(count).unwrap(),
            keys,
            "one stored answer per key sent (acknowledged or resent), never two"
        );
    })
    .await;
}
