//! Results after a restart (issue 17, point 2), on SQLite and PostgreSQL: an instance that
//! starts reads the stored checkpoint chunks of a campaign's results rows, then the JSON of
//! the answers stored after them. Its results must equal those of an instance that builds
//! everything from the answers' JSON (`results_checkpoint_rows = 0`), whole protected
//! tables compared, at several levels and under several filters; across a re-import of
//! the territory too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{json, Value};
use solidarites_api_types::SubmitResponseRequest;
use solidarites_domain::demo::demo_communes;
use solidarites_server::{auth::Role, storage};

use crate::{
    helpers::{
        eventually, expect_status, for_each_backend, holds, send_answer, spawn_app_with,
        test_settings, StaffClient, TestApp, TestDb,
    },
    results::{answer, commune, results, seeded_app},
};

/// Tiny chunks, so that a test's few answers fill several.
const CHUNK_ROWS: usize = 4;

/// The views compared: every level, unfiltered (exact) and filtered (perturbed by the
/// record keys the checkpoints carry).
const VIEWS: &[&str] = &[
    "level=commune",
    "level=canton",
    "level=territory",
    "level=commune&age=75_et_plus",
    "level=commune&channel=web&filter=domaines:logement",
    "level=canton&channel=papier",
    "level=territory&filter=difficultes:yes",
];

/// Another instance on the same database, with checkpoints of `rows` rows (0: the
/// results are built from the answers' JSON only).
async fn instance(db: &TestDb, rows: usize) -> TestApp {
    let db = TestDb::reopen(db).await;
    let mut settings = test_settings(&db);
    settings.results_checkpoint_rows = rows;
    spawn_app_with(db, settings).await
}

/// Every view of `VIEWS`, as served by `app` (its first results requests: computed, not
/// served from an earlier pass).
async fn views(app: &TestApp, campaign: &str) -> BTreeMap<&'static str, Value> {
    let admin = app.login_as(Role::Admin).await;
    let mut views = BTreeMap::new();
    for view in VIEWS {
        views.insert(*view, results(&admin, campaign, view).await.1);
    }
    views
}

/// Two cantons over the first three demo communes.
async fn cantons(db: &TestDb) {
    let zones: Vec<storage::zones::NewZone> = ["Z1", "Z2"]
        .into_iter()
        .map(|code| storage::zones::NewZone {
            code: code.into(),
            name: code.into(),
            geometry: None,
        })
        .collect();
    let map: BTreeMap<String, String> = [(0, "Z1"), (1, "Z1"), (2, "Z2")]
        .into_iter()
        .map(|(n, zone)| (commune(n), zone.to_owned()))
        .collect();
    storage::zones::replace_level(&db.conn, "canton", &zones, &map, "test")
        .await
        .unwrap();
}

/// An answer entered by staff from a paper form.
async fn paper_answer(app: &TestApp, campaign: &str, commune: &str) {
    let staff = app.login_as(Role::Moderator).await;
    let body = SubmitResponseRequest {
        channel: Some("papier".to_owned()),
        ..answer(commune, &["logement"], None, "60_74")
    };
    let res = staff
        .post_json(
            &format!("/api/v1/admin/campaigns/{campaign}/responses"),
            &body,
        )
        .await;
    expect_status(res, StatusCode::CREATED).await;
}

/// Waits until the campaign's stored chunks hold `rows` rows.
async fn until_checkpointed(db: &TestDb, campaign: &str, rows: i64) {
    eventually(&format!("{rows} rows checkpointed"), async || {
        let stored = storage::results_checkpoints::stored_rows(&db.conn, campaign)
            .await
            .map_err(|e| e.to_string())?;
        holds(stored == rows, stored)
    })
    .await;
}

async fn territory_total(staff: &StaffClient, campaign: &str) -> Option<u64> {
    results(staff, campaign, "level=territory")
        .await
        .0
        .total
        .respondents
        .count()
}

#[tokio::test]
async fn results_after_a_restart_equal_the_results_built_from_the_json() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let first = instance(&db, CHUNK_ROWS).await;
        let (campaign, admin) = seeded_app(&first).await;
        cantons(&db).await;
        paper_answer(&first, &campaign, &commune(2)).await;
        // The first results request builds the dataset from the JSON of the 30 answers and
        // stores its 7 full chunks (28 rows) in the background.
        let (r, _) = results(&admin, &campaign, "level=territory").await;
        assert_eq!(r.total.respondents.count(), Some(30));
        until_checkpointed(&db, &campaign, 28).await;

        // Answers stored after the last chunk: read from their JSON on a restart.
        send_answer(
            &first,
            &campaign,
            &answer(
                &commune(1),
                &["aide-alimentaire", "logement"],
                Some(4),
                "75_et_plus",
            ),
        )
        .await;
        paper_answer(&first, &campaign, &commune(0)).await;

        let restarted = instance(&db, CHUNK_ROWS).await;
        let from_json = instance(&db, 0).await;
        let checkpointed = views(&restarted, &campaign).await;
        assert_eq!(checkpointed, views(&from_json, &campaign).await);
        assert_eq!(
            checkpointed["level=territory"]["total"]["respondents"]["count"],
            json!(32),
            "the answers after the last chunk are included"
        );
        // The restarted instance stores the chunk its dataset has since filled.
        until_checkpointed(&db, &campaign, 32).await;

        // What a restart reads is the checkpoints, not the JSON: an answer's JSON changed
        // behind the application's back (answers are never changed) is seen only by a
        // rebuild from the JSON.
        let tamper = format!(
            "UPDATE responses SET answers = REPLACE(answers, '75_et_plus', '60_74') \
             WHERE campaign_id = '{campaign}' AND seq <= 28"
        );
        sea_orm::ConnectionTrait::execute_unprepared(&db.conn, &tamper)
            .await
            .unwrap();
        let again = views(&instance(&db, CHUNK_ROWS).await, &campaign).await;
        assert_eq!(again, checkpointed);
        let rebuilt = views(&instance(&db, 0).await, &campaign).await;
        assert_ne!(
            rebuilt["level=commune&age=75_et_plus"],
            checkpointed["level=commune&age=75_et_plus"]
        );
    })
    .await;
}

#[tokio::test]
async fn checkpoints_place_their_rows_again_after_a_territory_reimport() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        let db = db.with_communes(&communes).await;
        let first = instance(&db, CHUNK_ROWS).await;
        let (campaign, admin) = seeded_app(&first).await;
        cantons(&db).await;
        let (r, _) = results(&admin, &campaign, "level=territory").await;
        assert_eq!(r.total.respondents.count(), Some(29));
        until_checkpointed(&db, &campaign, 28).await;
        for _ in 0..2 {
            send_answer(&first, &campaign, &answer(&commune(2), &[], None, "40_59")).await;
        }

        // Commune 2 leaves the territory: its answers (in chunks and after them) count for
        // the territory only.
        let without: Vec<_> = communes
            .iter()
            .filter(|c| c.code.as_str() != commune(2))
            .cloned()
            .collect();
        storage::communes::replace_all(&db.conn, &without, "test")
            .await
            .unwrap();
        eventually("the first instance on the new territory", async || {
            let (r, _) = results(&admin, &campaign, "level=commune").await;
            holds(
                r.groups.iter().all(|g| g.code != commune(2)),
                r.groups.len(),
            )
        })
        .await;
        // One more answer fills the 8th chunk, encoded while commune 2 is not in the
        // territory: its three rows of commune 2 keep their code.
        send_answer(&first, &campaign, &answer(&commune(0), &[], None, "25_39")).await;
        eventually("32 respondents", async || {
            let total = territory_total(&admin, &campaign).await;
            holds(total == Some(32), total)
        })
        .await;
        until_checkpointed(&db, &campaign, 32).await;
        assert_eq!(
            views(&instance(&db, CHUNK_ROWS).await, &campaign).await,
            views(&instance(&db, 0).await, &campaign).await
        );

        // Commune 2 is back: every one of its rows is placed in it again.
        storage::communes::replace_all(&db.conn, &communes, "test")
            .await
            .unwrap();
        let restarted = views(&instance(&db, CHUNK_ROWS).await, &campaign).await;
        assert_eq!(restarted, views(&instance(&db, 0).await, &campaign).await);
        let commune_2 = restarted["level=commune"]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["code"] == json!(commune(2)))
            .cloned()
            .unwrap();
        let respondents = &commune_2["respondents"];
        assert!(
            respondents["count"] == json!(8) || respondents == &json!("secret"),
            "{respondents}"
        );
        assert_eq!(
            restarted["level=territory"]["total"]["respondents"]["count"],
            json!(32)
        );
    })
    .await;
}
