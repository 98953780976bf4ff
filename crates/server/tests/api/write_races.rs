//! Write transactions while other connections commit. On SQLite a deferred transaction that
//! reads before it writes fails at once with `SQLITE_BUSY` ("database is locked", no busy
//! timeout) when another connection commits between its read and its first write; the
//! server's background writers (outbox sender, digest, freshness pass, answer batches) and
//! a second instance commit at any time. Every write transaction therefore starts with
//! `storage::begin_write` (`BEGIN IMMEDIATE` on SQLite).

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use solidarites_domain::demo::demo_communes;
use solidarites_server::auth::Role;

use crate::{
    helpers::{for_each_backend, moderation_action, reject, spawn_app, TestDb},
    initiatives::{submission, submit},
};

/// Commits a one-row write through its own connection every millisecond until told to stop
/// (bounded: at most 20,000 commits); returns how many it made.
fn keep_committing(db: TestDb, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<u32> {
    tokio::spawn(async move {
        let mut commits = 0;
        while !stop.load(Ordering::Relaxed) && commits < 20_000 {
            db.conn
                .execute_unprepared("UPDATE list_revisions SET revision = revision + 1")
                .await
                .expect("the other connection's write");
            commits += 1;
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        commits
    })
}

#[tokio::test]
async fn moderation_decisions_succeed_while_another_connection_keeps_committing() {
    for_each_backend(|db| async move {
        let other = TestDb::reopen(&db).await;
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let mut ids = Vec::new();
        for n in 0..16 {
            let title = format!("Épicerie solidaire n° {n}");
            ids.push(
                submit(&app, &submission(&title, "aide-alimentaire", n % 3))
                    .await
                    .id,
            );
        }
        let moderator = app.login_as(Role::Moderator).await;

        let stop = Arc::new(AtomicBool::new(false));
        let writer = keep_committing(other, stop.clone());
        // Let the other connection start committing before the first decision.
        tokio::time::sleep(Duration::from_millis(20)).await;
        for (n, id) in ids.iter().enumerate() {
            let res = if n % 2 == 0 {
                moderation_action(&moderator, id, "approve").await
            } else {
                reject(&moderator, id, "Hors du territoire.").await
            };
            let status = res.status();
            assert_eq!(
                status,
                StatusCode::OK,
                "decision {n}: {}",
                res.text().await.unwrap()
            );
        }
        stop.store(true, Ordering::Relaxed);
        let commits = writer.await.expect("the writer task");
        assert!(commits > 0, "the other connection never committed");
    })
    .await;
}
