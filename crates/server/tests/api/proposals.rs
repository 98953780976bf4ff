//! Proposals over HTTP, on SQLite and PostgreSQL: submission and moderation (shared queue,
//! bulk, audit), public lists and filters, anonymous supports (one per device, throttled),
//! staff follow-up (timeline, internal note, priority, merge) and the measured needs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use solidarites_api_types::{
    AdminProposalResponse, CreateCampaignRequest, CreateProposalRequest, CreateProposalResponse,
    MergeProposalRequest, MergeProposalResponse, ModerationQueueResponse, NeedsScopeResponse,
    ProposalListResponse, ProposalNeedsResponse, ProposalNoteRequest, ProposalPriorityRequest,
    ProposalRank, ProposalRanksRequest, ProposalResponse, ProposalStatusRequest,
    ProposalSupportResponse, ResultCell, ResultGroup, ResultsResponse,
};
use solidarites_domain::demo::demo_communes;
use solidarites_domain::drafts::PROPOSAL_THEMES_MAX;
use solidarites_server::{auth::Role, storage::themes::DEFAULT_THEMES};

use crate::{
    fixtures,
    helpers::{
        approve, audit_actions, bulk_moderation, create_campaign, default_questionnaire_id,
        demo_app_as, eventually, eventually_ready, expect_status, for_each_backend, moderate,
        moderation_action, reject, send_answer, spawn_app, spawn_app_with, test_settings,
        two_instances, StaffClient, TestApp,
    },
};

fn code(n: usize) -> String {
    demo_communes()[n].code.as_str().to_owned()
}

fn body(title: &str, themes: &[&str], commune: Option<usize>) -> CreateProposalRequest {
    CreateProposalRequest {
        title: Some(title.to_owned()),
        description: Some(format!("{title} : une action proposée par des habitants.")),
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        commune_code: commune.map(code),
        pseudonym: Some("Une voisine".to_owned()),
        notify_email: None,
        notify_consent: false,
    }
}

async fn propose(app: &TestApp, body: &CreateProposalRequest) -> String {
    let res = app.post_json("/api/v1/proposals", body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: CreateProposalResponse = res.json().await.unwrap();
    assert_eq!(created.moderation_status, "pending");
    created.id
}

/// Proposes and publishes.
async fn published(app: &TestApp, moderator: &StaffClient, body: &CreateProposalRequest) -> String {
    let id = propose(app, body).await;
    approve(moderator, &id).await;
    id
}

fn device(n: usize) -> String {
    format!("device-token-{n:0>8}")
}

async fn support(app: &TestApp, id: &str, token: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/proposals/{id}/supports", app.address))
        .header("X-Device-Token", token)
        .send()
        .await
        .unwrap()
}

async fn withdraw(app: &TestApp, id: &str, token: &str) -> reqwest::Response {
    app.client
        .delete(format!("{}/api/v1/proposals/{id}/supports", app.address))
        .header("X-Device-Token", token)
        .send()
        .await
        .unwrap()
}

async fn supported(app: &TestApp, id: &str, token: &str) -> ProposalSupportResponse {
    let res = support(app, id, token).await;
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.unwrap()
}

async fn detail(app: &TestApp, id: &str, token: Option<&str>) -> ProposalResponse {
    let mut req = app
        .client
        .get(format!("{}/api/v1/proposals/{id}", app.address));
    if let Some(token) = token {
        req = req.header("X-Device-Token", token);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn list(app: &TestApp, query: &str) -> ProposalListResponse {
    let res = app.get(&format!("/api/v1/proposals?{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

fn titles(list: &ProposalListResponse) -> Vec<String> {
    list.items.iter().map(|p| p.content.title.clone()).collect()
}

async fn set_status(
    staff: &StaffClient,
    id: &str,
    status: &str,
    answer: &str,
) -> reqwest::Response {
    staff
        .post_json(
            &format!("/api/v1/admin/proposals/{id}/status"),
            &ProposalStatusRequest {
                status: Some(status.to_owned()),
                answer: Some(answer.to_owned()),
            },
        )
        .await
}

/// Merges the proposal `from` into `into` (none: the field left out).
async fn merge(staff: &StaffClient, from: &str, into: Option<&str>) -> reqwest::Response {
    staff
        .post_json(
            &format!("/api/v1/admin/proposals/{from}/merge"),
            &MergeProposalRequest {
                into: into.map(str::to_owned),
            },
        )
        .await
}

async fn expect_422(res: reqwest::Response, fields: &[&str]) {
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    let got: BTreeMap<String, String> = serde_json::from_value(body["fields"].clone()).unwrap();
    for f in fields {
        assert!(got.contains_key(*f), "{f} not in {body}");
    }
}

#[tokio::test]
async fn proposals_wait_for_moderation_in_the_shared_queue_and_decisions_are_audited() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let id = propose(
            &app,
            &body("Jardin partagé", &["isolement", "seniors"], Some(0)),
        )
        .await;

        // Not public while pending.
        assert_eq!(list(&app, "").await.total, 0);
        let res = app.get(&format!("/api/v1/proposals/{id}")).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            support(&app, &id, &device(1)).await.status(),
            StatusCode::NOT_FOUND
        );

        // In the moderation queue, with its content.
        let analyst = app.login_as(Role::Analyst).await;
        let queue: ModerationQueueResponse = analyst.get_json("/api/v1/admin/moderation").await;
        let item = queue.items.iter().find(|i| i.id == id).unwrap();
        assert_eq!(item.kind, "proposal");
        assert_eq!(item.status, "pending");
        let content = item.proposal.as_ref().unwrap();
        assert_eq!(content.title, "Jardin partagé");
        assert_eq!(content.themes, ["isolement", "seniors"]);
        assert_eq!(content.commune.as_ref().unwrap().code, code(0));
        assert_eq!(content.pseudonym.as_deref(), Some("Une voisine"));

        let moderator = app.login_as(Role::Moderator).await;
        approve(&moderator, &id).await;
        let shown = detail(&app, &id, None).await;
        assert_eq!(shown.status, "submitted");
        assert_eq!(shown.support_count, 0);
        assert_eq!(shown.supported_by_me, None);
        assert!(shown.accepts_supports);
        assert_eq!(shown.timeline.len(), 1);
        assert_eq!(shown.timeline[0].status, "submitted");
        assert_eq!(shown.timeline[0].answer, None);
        assert!(!demo_communes()[0].name.is_empty());
        assert_eq!(shown.content.commune.unwrap().name, demo_communes()[0].name);
        assert_eq!(list(&app, "").await.total, 1);

        // Approving twice is refused; the queue no longer shows it.
        let res = moderation_action(&moderator, &id, "approve").await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let queue: ModerationQueueResponse = analyst.get_json("/api/v1/admin/moderation").await;
        assert!(queue.items.iter().all(|i| i.id != id));

        // Request-changes does not apply to proposals (no private edit link).
        let other = propose(&app, &body("Covoiturage solidaire", &["mobilite"], None)).await;
        let res = moderator
            .post_json(
                &format!("/api/v1/admin/moderation/{other}/request-changes"),
                &fixtures::message("Précisez"),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let res = reject(&moderator, &other, "Hors du champ de la consultation.").await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = app.get(&format!("/api/v1/proposals/{other}")).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        // Archiving takes a published one off the public lists.
        let res = moderation_action(&moderator, &id, "archive").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(list(&app, "").await.total, 0);

        assert_eq!(
            audit_actions(&app, &id).await,
            ["moderation.approve", "moderation.archive"]
        );
        assert_eq!(audit_actions(&app, &other).await, ["moderation.reject"]);
    })
    .await;
}

#[tokio::test]
async fn bulk_moderation_decides_proposals_with_the_other_submissions() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let a = propose(&app, &body("Repair café", &["numerique"], Some(1))).await;
        let b = propose(&app, &body("Épicerie mobile", &["aide-alimentaire"], None)).await;
        let c = propose(&app, &body("Bus des droits", &["acces-aux-droits"], None)).await;
        let initiative = app
            .post_json(
                "/api/v1/initiatives",
                &crate::initiatives::submission("Atelier vélo", "mobilite", 2),
            )
            .await;
        assert_eq!(initiative.status(), StatusCode::CREATED);
        let initiative: Value = initiative.json().await.unwrap();
        let initiative = initiative["id"].as_str().unwrap().to_owned();

        let moderator = app.login_as(Role::Moderator).await;
        // All or nothing: one unknown id and nothing changes.
        let unknown = uuid::Uuid::new_v4().to_string();
        let res = bulk_moderation(&moderator, "approve", vec![a.clone(), unknown], None).await;
        expect_422(res, &["ids"]).await;
        assert_eq!(list(&app, "").await.total, 0);

        let ids = vec![a.clone(), b.clone(), initiative];
        let res = bulk_moderation(&moderator, "approve", ids, None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let outcome: Value = res.json().await.unwrap();
        let kinds: Vec<&str> = outcome["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["proposal", "proposal", "initiative"]);
        let reason = Some("Doublon d'une autre proposition.");
        let res = bulk_moderation(&moderator, "reject", vec![c.clone()], reason).await;
        assert_eq!(res.status(), StatusCode::OK);

        let mut shown = titles(&list(&app, "").await);
        shown.sort();
        assert_eq!(shown, ["Repair café", "Épicerie mobile"]);
        let admin = app.login_as(Role::Admin).await;
        let rejected: AdminProposalResponse = admin
            .get_json(&format!("/api/v1/admin/proposals/{c}"))
            .await;
        assert_eq!(rejected.moderation_status, "rejected");
        assert_eq!(
            rejected.moderation_message.as_deref(),
            Some("Doublon d'une autre proposition.")
        );
        assert_eq!(audit_actions(&app, &a).await, ["moderation.approve"]);
        assert_eq!(audit_actions(&app, &c).await, ["moderation.reject"]);
    })
    .await;
}

#[tokio::test]
async fn bad_proposals_are_refused_naming_each_field() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let res = app.post_json("/api/v1/proposals", &json!({})).await;
        expect_422(res, &["title", "description", "themes"]).await;
        let bad = CreateProposalRequest {
            title: Some("ab".to_owned()),
            description: Some("x".repeat(5001)),
            themes: fixtures::strings(&["pas-un-theme"]),
            commune_code: Some("99999".to_owned()),
            pseudonym: Some("x".to_owned()),
            ..CreateProposalRequest::default()
        };
        let res = app.post_json("/api/v1/proposals", &bad).await;
        expect_422(
            res,
            &[
                "title",
                "description",
                "themes",
                "commune_code",
                "pseudonym",
            ],
        )
        .await;
        let six_themes = CreateProposalRequest {
            title: Some("Six thèmes".to_owned()),
            description: Some("Trop de thèmes.".to_owned()),
            themes: DEFAULT_THEMES
                .iter()
                .take(PROPOSAL_THEMES_MAX + 1)
                .map(|(slug, ..)| (*slug).to_owned())
                .collect(),
            commune_code: Some("nope".to_owned()),
            ..CreateProposalRequest::default()
        };
        let res = app.post_json("/api/v1/proposals", &six_themes).await;
        expect_422(res, &["themes", "commune_code"]).await;
        // Optional fields may be absent or empty.
        let optional_left_empty = CreateProposalRequest {
            title: Some("Sans commune".to_owned()),
            description: Some("Pour tout le territoire.".to_owned()),
            themes: fixtures::strings(&["sante"]),
            commune_code: Some(String::new()),
            pseudonym: Some(" ".to_owned()),
            ..CreateProposalRequest::default()
        };
        let res = app
            .post_json("/api/v1/proposals", &optional_left_empty)
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let res = app
            .client
            .post(format!("{}/api/v1/proposals", app.address))
            .header("Content-Type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    })
    .await;
}

#[tokio::test]
async fn the_public_list_filters_and_sorts() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let a = published(
            &app,
            &moderator,
            &body("Jardin partagé", &["isolement"], Some(0)),
        )
        .await;
        let b = published(
            &app,
            &moderator,
            &body(
                "Épicerie solidaire",
                &["aide-alimentaire", "isolement"],
                Some(1),
            ),
        )
        .await;
        let c = published(
            &app,
            &moderator,
            &body("Navette du marché", &["mobilite"], None),
        )
        .await;
        for n in 0..3 {
            supported(&app, &b, &device(n)).await;
        }
        supported(&app, &c, &device(9)).await;
        let res = set_status(
            &moderator,
            &c,
            "under_study",
            "Le service mobilité l'étudie.",
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);

        assert_eq!(
            titles(&list(&app, "").await),
            ["Navette du marché", "Épicerie solidaire", "Jardin partagé"]
        );
        assert_eq!(
            titles(&list(&app, "sort=most_supported").await),
            ["Épicerie solidaire", "Navette du marché", "Jardin partagé"]
        );
        let by_theme = list(&app, "theme=isolement").await;
        assert_eq!(by_theme.total, 2);
        assert_eq!(
            titles(&list(&app, &format!("commune={}", code(0))).await),
            ["Jardin partagé"]
        );
        assert_eq!(
            titles(&list(&app, "status=under_study").await),
            ["Navette du marché"]
        );
        assert_eq!(
            titles(&list(&app, "q=epicerie").await),
            ["Épicerie solidaire"]
        );
        let page = list(&app, "per_page=2&page=2").await;
        assert_eq!((page.total, page.items.len()), (3, 1));
        assert_eq!(page.items[0].id, a);

        // Support counts in the list, and this device's supports.
        let res = app
            .get_with_header(
                "/api/v1/proposals?sort=most_supported",
                "X-Device-Token",
                &device(9),
            )
            .await;
        let mine: ProposalListResponse = res.json().await.unwrap();
        let flags: Vec<(u64, Option<bool>)> = mine
            .items
            .iter()
            .map(|p| (p.support_count, p.supported_by_me))
            .collect();
        assert_eq!(flags, [(3, Some(false)), (1, Some(true)), (0, Some(false))]);

        let res = app
            .get("/api/v1/proposals?sort=best&status=finished&commune=x&per_page=0")
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: Value = res.json().await.unwrap();
        for field in ["sort", "status", "commune", "per_page"] {
            assert!(err["fields"][field].is_string(), "{field}: {err}");
        }
    })
    .await;
}

#[tokio::test]
async fn one_device_supports_once_and_can_withdraw() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let id = published(
            &app,
            &moderator,
            &body("Jardin partagé", &["isolement"], Some(0)),
        )
        .await;

        let res = support(&app, &id, &device(1)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let first: ProposalSupportResponse = res.json().await.unwrap();
        assert_eq!(
            (first.support_count, first.supported, first.changed),
            (1, true, true)
        );
        // The same device again: counted once.
        let res = support(&app, &id, &device(1)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let again: ProposalSupportResponse = res.json().await.unwrap();
        assert_eq!(
            (again.support_count, again.supported, again.changed),
            (1, true, false)
        );
        assert_eq!(supported(&app, &id, &device(2)).await.support_count, 2);

        assert_eq!(
            detail(&app, &id, Some(&device(1))).await.supported_by_me,
            Some(true)
        );
        assert_eq!(
            detail(&app, &id, Some(&device(3))).await.supported_by_me,
            Some(false)
        );
        assert_eq!(detail(&app, &id, None).await.supported_by_me, None);

        let res = withdraw(&app, &id, &device(1)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let gone: ProposalSupportResponse = res.json().await.unwrap();
        assert_eq!(
            (gone.support_count, gone.supported, gone.changed),
            (1, false, true)
        );
        let res = withdraw(&app, &id, &device(1)).await;
        let noop: ProposalSupportResponse = res.json().await.unwrap();
        assert_eq!((noop.support_count, noop.changed), (1, false));
        let shown = detail(&app, &id, Some(&device(1))).await;
        assert_eq!(
            (shown.support_count, shown.supported_by_me),
            (1, Some(false))
        );
        // Supporting again after withdrawing counts again.
        assert_eq!(supported(&app, &id, &device(1)).await.support_count, 2);

        // The token is required and checked.
        let res = app
            .client
            .post(format!("{}/api/v1/proposals/{id}/supports", app.address))
            .send()
            .await
            .unwrap();
        expect_422(res, &["X-Device-Token"]).await;
        for bad in [
            "short",
            "has spaces in it, really",
            &"x".repeat(129),
            "ééééééééééééééééé",
        ] {
            let res = support(&app, &id, bad).await;
            expect_422(res, &["X-Device-Token"]).await;
        }
        let res = support(&app, &uuid::Uuid::new_v4().to_string(), &device(1)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = support(&app, "not-a-uuid", &device(1)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        // Only a SHA-256 of the token is stored.
        let db = &app.db.conn;
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT device_token_hash FROM proposal_supports",
            ))
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        for row in rows {
            let hash: String = row.try_get("", "device_token_hash").unwrap();
            assert_eq!(hash.len(), 64);
            assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(!hash.contains("device-token"));
        }
    })
    .await;
}

#[tokio::test]
async fn concurrent_supports_from_one_device_are_counted_once() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let id = published(
            &app,
            &moderator,
            &body("Jardin partagé", &["isolement"], Some(0)),
        )
        .await;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let client = app.client.clone();
            let url = format!("{}/api/v1/proposals/{id}/supports", app.address);
            tasks.spawn(async move {
                client
                    .post(url)
                    .header("X-Device-Token", device(7))
                    .send()
                    .await
                    .unwrap()
                    .status()
            });
        }
        let statuses = tasks.join_all().await;
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::CREATED)
                .count(),
            1,
            "{statuses:?}"
        );
        assert!(statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::OK));
        assert_eq!(detail(&app, &id, None).await.support_count, 1);
    })
    .await;
}

#[tokio::test]
async fn supports_and_proposals_are_throttled_per_address() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let mut settings = test_settings(&db);
        settings.proposal_burst_per_ip = 3;
        settings.proposal_refill_per_ip = std::time::Duration::from_secs(3600);
        let app = spawn_app_with(db, settings).await;
        let moderator = app.login_as(Role::Moderator).await;
        let id = published(
            &app,
            &moderator,
            &body("Jardin partagé", &["isolement"], Some(0)),
        )
        .await;
        // The proposal took one token; two supports take the rest.
        assert_eq!(
            support(&app, &id, &device(1)).await.status(),
            StatusCode::CREATED
        );
        assert_eq!(
            support(&app, &id, &device(2)).await.status(),
            StatusCode::CREATED
        );
        let res = support(&app, &id, &device(3)).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(res.headers().get("Retry-After").is_some());
        let res = app
            .post_json("/api/v1/proposals", &body("Encore", &["sante"], None))
            .await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(detail(&app, &id, None).await.support_count, 2);
    })
    .await;
}

#[tokio::test]
async fn staff_follow_up_builds_an_ordered_public_timeline() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let id = published(
            &app,
            &moderator,
            &body("Navette du marché", &["mobilite"], Some(3)),
        )
        .await;
        for (status, answer) in [
            ("under_study", "Le service mobilité étudie le trajet."),
            ("accepted", "Retenue par le comité du 12 mars."),
            ("in_progress", "Première navette en mai."),
        ] {
            let res = set_status(&moderator, &id, status, answer).await;
            assert_eq!(res.status(), StatusCode::OK);
            let staff_view: AdminProposalResponse = res.json().await.unwrap();
            assert_eq!(staff_view.proposal.status, status);
        }
        let shown = detail(&app, &id, None).await;
        assert_eq!(shown.status, "in_progress");
        let steps: Vec<(&str, Option<&str>)> = shown
            .timeline
            .iter()
            .map(|e| (e.status.as_str(), e.answer.as_deref()))
            .collect();
        assert_eq!(
            steps,
            [
                ("submitted", None),
                ("under_study", Some("Le service mobilité étudie le trajet.")),
                ("accepted", Some("Retenue par le comité du 12 mars.")),
                ("in_progress", Some("Première navette en mai.")),
            ]
        );
        let dates: Vec<chrono::DateTime<chrono::FixedOffset>> = shown
            .timeline
            .iter()
            .map(|e| chrono::DateTime::parse_from_rfc3339(&e.at).unwrap())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");

        // Bad input and states.
        let res = set_status(&moderator, &id, "finished", "").await;
        expect_422(res, &["status", "answer"]).await;
        let pending = propose(&app, &body("En attente", &["sante"], None)).await;
        let res = set_status(&moderator, &pending, "accepted", "Oui").await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let res = set_status(
            &moderator,
            &uuid::Uuid::new_v4().to_string(),
            "accepted",
            "Oui",
        )
        .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let analyst = app.login_as(Role::Analyst).await;
        let res = set_status(&analyst, &id, "done", "Fait").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

        // Done: the proposal takes no new support, a withdrawal still works.
        supported(&app, &id, &device(1)).await;
        let res = set_status(&moderator, &id, "done", "La navette roule chaque mardi.").await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = support(&app, &id, &device(2)).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"], "supports_closed");
        assert!(!detail(&app, &id, None).await.accepts_supports);
        let res = withdraw(&app, &id, &device(1)).await;
        assert_eq!(res.status(), StatusCode::OK);

        assert_eq!(
            audit_actions(&app, &id).await,
            [
                "moderation.approve",
                "proposal.status",
                "proposal.status",
                "proposal.status",
                "proposal.status"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn internal_notes_are_staff_only_and_never_public() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let id = published(
            &app,
            &moderator,
            &body("Épicerie solidaire", &["aide-alimentaire"], Some(2)),
        )
        .await;
        let note = "NOTE-INTERNE : budget CCAS à confirmer avec M. Durand";
        let res = moderator
            .put_json(
                &format!("/api/v1/admin/proposals/{id}/note"),
                &ProposalNoteRequest {
                    note: Some(note.to_owned()),
                },
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let view: AdminProposalResponse = res.json().await.unwrap();
        assert_eq!(view.internal_note.unwrap().text, note);

        // Public payloads never carry it.
        for path in [
            format!("/api/v1/proposals/{id}"),
            "/api/v1/proposals".to_owned(),
            "/api/v1/proposals?sort=priority".to_owned(),
        ] {
            let text = app.get(&path).await.text().await.unwrap();
            assert!(!text.contains("NOTE-INTERNE"), "{path}: {text}");
            assert!(!text.contains("internal_note"), "{path}: {text}");
        }
        // The committee reads proposals without the note; analysts read it.
        let committee = app.login_as(Role::Committee).await;
        for path in [
            format!("/api/v1/admin/proposals/{id}"),
            "/api/v1/admin/proposals".to_owned(),
        ] {
            let res = committee.get(&path).await;
            assert_eq!(res.status(), StatusCode::OK);
            let text = res.text().await.unwrap();
            assert!(!text.contains("NOTE-INTERNE"), "{path}: {text}");
            assert!(!text.contains("internal_note"), "{path}: {text}");
        }
        let analyst = app.login_as(Role::Analyst).await;
        let seen: AdminProposalResponse = analyst
            .get_json(&format!("/api/v1/admin/proposals/{id}"))
            .await;
        let seen_note = seen.internal_note.unwrap();
        assert_eq!(seen_note.text, note);
        assert!(seen_note.updated_at.is_some());
        // Only moderators and above write it.
        let res = analyst
            .put_json(
                &format!("/api/v1/admin/proposals/{id}/note"),
                &ProposalNoteRequest {
                    note: Some("autre".to_owned()),
                },
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = moderator
            .put_json(
                &format!("/api/v1/admin/proposals/{id}/note"),
                &ProposalNoteRequest {
                    note: Some("x".repeat(10_001)),
                },
            )
            .await;
        expect_422(res, &["note"]).await;
        // Clearing it.
        let res = moderator
            .put_json(
                &format!("/api/v1/admin/proposals/{id}/note"),
                &ProposalNoteRequest {
                    note: Some("".to_owned()),
                },
            )
            .await;
        let cleared: AdminProposalResponse = res.json().await.unwrap();
        assert_eq!(cleared.internal_note.unwrap().text, "");
        assert_eq!(
            audit_actions(&app, &id).await,
            ["moderation.approve", "proposal.note", "proposal.note"]
        );
    })
    .await;
}

#[tokio::test]
async fn two_ranks_are_swapped_in_one_transaction_all_or_none() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let a = published(&app, &moderator, &body("Alpha", &["sante"], None)).await;
        let b = published(&app, &moderator, &body("Bravo", &["sante"], None)).await;
        let committee = app.login_as(Role::Committee).await;
        let ranks = |pairs: &[(&str, Option<i32>)]| ProposalRanksRequest {
            ranks: pairs
                .iter()
                .map(|(id, priority)| ProposalRank {
                    id: (*id).to_owned(),
                    priority: *priority,
                })
                .collect(),
        };
        let res = committee
            .put_json(
                "/api/v1/admin/proposal-priorities",
                &ranks(&[(a.as_str(), Some(1)), (b.as_str(), Some(2))]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let done: Value = res.json().await.unwrap();
        assert_eq!(done["proposals"][0]["priority"], 1);
        assert_eq!(done["proposals"][1]["priority"], 2);
        assert_eq!(
            titles(&list(&app, "sort=priority").await),
            ["Alpha", "Bravo"]
        );

        // Bravo up: both ranks change together.
        let res = committee
            .put_json(
                "/api/v1/admin/proposal-priorities",
                &ranks(&[(b.as_str(), Some(1)), (a.as_str(), Some(2))]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            titles(&list(&app, "sort=priority").await),
            ["Bravo", "Alpha"]
        );

        // One unknown proposal: nothing changes.
        let unknown = uuid::Uuid::new_v4().to_string();
        let res = committee
            .put_json(
                "/api/v1/admin/proposal-priorities",
                &ranks(&[(a.as_str(), Some(1)), (unknown.as_str(), Some(2))]),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(detail(&app, &a, None).await.priority, Some(2));
        assert_eq!(detail(&app, &b, None).await.priority, Some(1));

        // Bad input: each bad rank named.
        let res = committee
            .put_json(
                "/api/v1/admin/proposal-priorities",
                &ranks(&[
                    (a.as_str(), Some(0)),
                    ("pas-un-id", Some(1)),
                    (a.as_str(), None),
                ]),
            )
            .await;
        expect_422(res, &["ranks[0].priority", "ranks[1].id", "ranks[2].id"]).await;
        let res = committee
            .put_json(
                "/api/v1/admin/proposal-priorities",
                &ProposalRanksRequest::default(),
            )
            .await;
        expect_422(res, &["ranks"]).await;
        assert_eq!(
            audit_actions(&app, &a).await,
            [
                "moderation.approve",
                "proposal.priority",
                "proposal.priority"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn the_committee_ranks_proposals_and_the_priority_sort_follows() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let a = published(&app, &moderator, &body("Alpha", &["sante"], None)).await;
        let b = published(&app, &moderator, &body("Bravo", &["sante"], None)).await;
        let c = published(&app, &moderator, &body("Charlie", &["sante"], None)).await;
        let d = published(&app, &moderator, &body("Delta", &["sante"], None)).await;
        supported(&app, &d, &device(1)).await;
        let committee = app.login_as(Role::Committee).await;
        for (id, rank) in [(&b, 1), (&a, 2)] {
            let res = committee
                .put_json(
                    &format!("/api/v1/admin/proposals/{id}/priority"),
                    &ProposalPriorityRequest {
                        priority: Some(rank),
                    },
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
        }
        // Ranked first by rank, then unranked by supports, then newest.
        assert_eq!(
            titles(&list(&app, "sort=priority").await),
            ["Bravo", "Alpha", "Delta", "Charlie"]
        );
        assert_eq!(detail(&app, &b, None).await.priority, Some(1));
        let res = committee
            .put_json(
                &format!("/api/v1/admin/proposals/{b}/priority"),
                &ProposalPriorityRequest { priority: None },
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(detail(&app, &b, None).await.priority, None);
        for bad in [0, 1000, -3] {
            let res = committee
                .put_json(
                    &format!("/api/v1/admin/proposals/{c}/priority"),
                    &ProposalPriorityRequest {
                        priority: Some(bad),
                    },
                )
                .await;
            expect_422(res, &["priority"]).await;
        }
        // The committee cannot change statuses nor merge.
        assert_eq!(
            set_status(&committee, &a, "accepted", "Oui").await.status(),
            StatusCode::FORBIDDEN
        );
        let res = merge(&committee, &a, Some(&b)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            audit_actions(&app, &b).await,
            [
                "moderation.approve",
                "proposal.priority",
                "proposal.priority"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn merging_moves_supports_without_counting_a_device_twice() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let kept = published(
            &app,
            &moderator,
            &body("Épicerie solidaire", &["aide-alimentaire"], Some(0)),
        )
        .await;
        let dup = published(
            &app,
            &moderator,
            &body("Une épicerie sociale", &["aide-alimentaire"], Some(0)),
        )
        .await;
        let older = published(
            &app,
            &moderator,
            &body("Épicerie à petits prix", &["aide-alimentaire"], None),
        )
        .await;
        // kept: devices 1, 2; dup: devices 2, 3, 4 (device 2 supports both).
        for n in [1, 2] {
            supported(&app, &kept, &device(n)).await;
        }
        for n in [2, 3, 4] {
            supported(&app, &dup, &device(n)).await;
        }
        // `older` was first merged into `dup`.
        supported(&app, &older, &device(5)).await;
        let res = merge(&moderator, &older, Some(&dup)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let first: MergeProposalResponse = res.json().await.unwrap();
        assert_eq!((first.moved_supports, first.support_count), (1, 4));

        let res = merge(&moderator, &dup, Some(&kept)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let merged: MergeProposalResponse = res.json().await.unwrap();
        // 2 (kept) + 4 (dup: devices 2, 3, 4, 5) − 1 (device 2 supported both) = 5.
        assert_eq!((merged.moved_supports, merged.support_count), (3, 5));
        assert_eq!(detail(&app, &kept, None).await.support_count, 5);
        assert_eq!(
            detail(&app, &kept, Some(&device(3))).await.supported_by_me,
            Some(true)
        );

        // The duplicate shows where it went, has no supports and takes none.
        let shown = detail(&app, &dup, Some(&device(3))).await;
        assert_eq!(shown.merged_into.as_deref(), Some(kept.as_str()));
        assert_eq!(
            (shown.support_count, shown.supported_by_me),
            (0, Some(false))
        );
        assert!(!shown.accepts_supports);
        let res = support(&app, &dup, &device(9)).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"], "proposal_merged");
        // Proposals merged into the duplicate now point to the kept one.
        assert_eq!(
            detail(&app, &older, None).await.merged_into.as_deref(),
            Some(kept.as_str())
        );
        // Merged ones leave the public list.
        assert_eq!(titles(&list(&app, "").await), ["Épicerie solidaire"]);
        // Device 2 supporting the kept one again changes nothing.
        let again = supported(&app, &kept, &device(2)).await;
        assert_eq!((again.changed, again.support_count), (false, 5));

        // Refused merges.
        let res = merge(&moderator, &kept, Some(&kept)).await;
        expect_422(res, &["into"]).await;
        let res = merge(&moderator, &kept, Some(&dup)).await;
        expect_422(res, &["into"]).await;
        let res = merge(&moderator, &dup, Some(&kept)).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let pending = propose(&app, &body("En attente", &["sante"], None)).await;
        let res = merge(&moderator, &kept, Some(&pending)).await;
        expect_422(res, &["into"]).await;
        let res = merge(&moderator, &kept, None).await;
        expect_422(res, &["into"]).await;
        let res = set_status(&moderator, &dup, "accepted", "Oui").await;
        assert_eq!(res.status(), StatusCode::CONFLICT);

        // Staff lists show merged duplicates on request.
        let admin = app.login_as(Role::Admin).await;
        let all: Value = admin
            .get_json("/api/v1/admin/proposals?merged=true&moderation=published")
            .await;
        assert_eq!(all["total"], 3);
        assert_eq!(
            audit_actions(&app, &dup).await,
            ["moderation.approve", "proposal.merge"]
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// Needs

async fn open_campaign(staff: &StaffClient, title: &str, opened_hours_ago: i64) -> String {
    let questionnaire = default_questionnaire_id(staff).await;
    let campaign = CreateCampaignRequest {
        title: title.to_owned(),
        description: "Consultation des habitants.".to_owned(),
        ..fixtures::campaign(&questionnaire, -opened_hours_ago, 24)
    };
    create_campaign(staff, &campaign).await
}

/// One anonymous answer from commune `n`: a difficulty in `themes`, or none when empty.
async fn answer(app: &TestApp, campaign: &str, n: usize, themes: &[&str]) {
    let answers = if themes.is_empty() {
        json!({"difficultes": false, "commune": code(n)})
    } else {
        json!({"difficultes": true, "domaines": themes, "commune": code(n)})
    };
    send_answer(app, campaign, &fixtures::response(answers, &code(n))).await;
}

/// The needs of proposal `id` once `ready` holds: each instance rechecks the answers at
/// most once per refresh period (100 ms in tests).
async fn needs_when(
    app: &TestApp,
    id: &str,
    ready: impl Fn(&ProposalNeedsResponse) -> bool,
) -> ProposalNeedsResponse {
    eventually("the needs of the proposal", async || {
        let needs = detail(app, id, None).await.needs;
        if ready(&needs) {
            Ok(needs)
        } else {
            Err(format!("{needs:?}"))
        }
    })
    .await
}

/// No visible share, times its visible denominator, gives a count from 1 to `k - 1`.
fn assert_no_small_count_derivable(needs: &ProposalNeedsResponse, k: u64) {
    for scope in [&needs.commune, &needs.territory].into_iter().flatten() {
        for theme in &scope.themes {
            if let (Some(share), Some(n)) = (theme.share, scope.respondents) {
                #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
                let count = (share * n as f64).round() as u64;
                assert!(
                    count == 0 || count >= k,
                    "{} in a scope of {n}: share {share} reveals {count} respondents",
                    theme.theme
                );
            }
        }
    }
}

/// The commune-level results staff read for the same campaign and view (no filter).
async fn commune_results(staff: &StaffClient, campaign: &str) -> ResultsResponse {
    let res = staff
        .get(&format!(
            "/api/v1/admin/campaigns/{campaign}/results?level=commune"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// The needs of one scope are exactly the visible cells of the results' `group` for the
/// `domaines` question: the same protection, one secrecy path.
fn assert_needs_match_results(
    scope: &NeedsScopeResponse,
    group: &ResultGroup,
    results: &ResultsResponse,
) {
    let respondents = if group.secret {
        None
    } else {
        group.respondents.count()
    };
    assert_eq!(scope.respondents, respondents, "{}", group.code);
    assert_eq!(scope.secret, respondents.is_none(), "{}", group.code);
    let index = results
        .questions
        .iter()
        .position(|q| q.id == "domaines")
        .unwrap();
    for theme in &scope.themes {
        let cell = group.questions[index]
            .options
            .iter()
            .find(|o| o.value == theme.theme)
            .map(|o| o.cell);
        #[allow(clippy::cast_precision_loss)]
        let expected = match (respondents, cell.and_then(|c| c.count())) {
            (Some(n), Some(count)) if n > 0 => Some(count as f64 / n as f64),
            _ => None,
        };
        assert_eq!(theme.share, expected, "{} {}", group.code, theme.theme);
        assert_eq!(
            theme.secret,
            expected.is_none(),
            "{} {}",
            group.code,
            theme.theme
        );
    }
}

#[tokio::test]
async fn each_proposal_carries_the_measured_needs_of_its_themes_under_statistical_secrecy() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let here = published(
            &app,
            &moderator,
            &body("Logements d'urgence", &["logement", "sante"], Some(0)),
        )
        .await;
        let small = published(
            &app,
            &moderator,
            &body("Aide au logement", &["logement"], Some(1)),
        )
        .await;
        let other = published(
            &app,
            &moderator,
            &body("Maison de santé", &["logement", "sante"], Some(2)),
        )
        .await;
        let everywhere = published(
            &app,
            &moderator,
            &body("Un toit pour tous", &["logement"], None),
        )
        .await;

        // No campaign with answers yet.
        let needs = detail(&app, &here, None).await.needs;
        assert_eq!(needs.campaign_id, None);
        assert!(needs.commune.is_none() && needs.territory.is_none());

        let campaign = open_campaign(&moderator, "Consultation d'automne", 2).await;
        // Commune 0: 10 respondents, 6 with housing difficulties, 2 of them also with
        // health: 2 people, who must never be readable from a share and its denominator
        // (the leak this test guards: 2 of 10 used to be published as 0.2).
        for themes in [
            &["logement", "sante"][..],
            &["logement", "sante"],
            &["logement"],
            &["logement"],
            &["logement"],
            &["logement"],
            &[],
            &[],
            &[],
            &[],
        ] {
            answer(&app, &campaign, 0, themes).await;
        }
        // Commune 1: 2 respondents (under the threshold of 5), both with housing.
        answer(&app, &campaign, 1, &["logement"]).await;
        answer(&app, &campaign, 1, &["logement"]).await;
        // Commune 2: 7 respondents, 5 with housing.
        for themes in [
            &["logement"][..],
            &["logement"],
            &["logement"],
            &["logement"],
            &["logement"],
            &[],
            &[],
        ] {
            answer(&app, &campaign, 2, themes).await;
        }

        let needs = needs_when(&app, &here, |n| {
            n.territory.as_ref().and_then(|t| t.respondents) == Some(19)
        })
        .await;
        assert_eq!(needs.campaign_id.as_deref(), Some(campaign.as_str()));
        assert_eq!(
            needs.campaign_title.as_deref(),
            Some("Consultation d'automne")
        );
        let results = commune_results(&moderator, &campaign).await;
        assert_eq!(results.total.respondents.count(), Some(19));
        for (id, n) in [(&here, 0), (&small, 1), (&other, 2)] {
            let needs = detail(&app, id, None).await.needs;
            assert_no_small_count_derivable(&needs, 5);
            let group = results.groups.iter().find(|g| g.code == code(n)).unwrap();
            assert_needs_match_results(needs.commune.as_ref().unwrap(), group, &results);
            assert_needs_match_results(needs.territory.as_ref().unwrap(), &results.total, &results);
        }
        // The two people with health difficulties in commune 0 are never shown.
        let commune = detail(&app, &here, None).await.needs.commune.unwrap();
        assert_eq!(commune.themes[1].theme, "sante");
        assert_eq!(
            (commune.themes[1].share, commune.themes[1].secret),
            (None, true)
        );
        // Fewer than 5 respondents in commune 1: withheld, no count at all.
        let commune = detail(&app, &small, None).await.needs.commune.unwrap();
        assert!(commune.secret);
        assert_eq!(commune.respondents, None);
        assert_eq!(commune.themes[0].share, None);
        assert!(commune.themes[0].secret);
        let raw = app
            .get(&format!("/api/v1/proposals/{small}"))
            .await
            .text()
            .await
            .unwrap();
        let raw: Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(raw["needs"]["commune"]["themes"][0]["share"], Value::Null);
        assert_eq!(raw["needs"]["commune"]["themes"][0]["secret"], true);
        assert_eq!(raw["needs"]["commune"]["respondents"], Value::Null);

        // Whole territory: no commune scope; 13 of 19 with housing difficulties.
        let needs = detail(&app, &everywhere, None).await.needs;
        assert!(needs.commune.is_none());
        assert_eq!(needs.territory.unwrap().themes[0].share, Some(13.0 / 19.0));

        // A new answer is counted at a later check; lists carry the needs too.
        answer(&app, &campaign, 0, &["logement"]).await;
        needs_when(&app, &everywhere, |n| {
            n.territory.as_ref().and_then(|c| c.respondents) == Some(20)
        })
        .await;
        let list = list(&app, "sort=newest").await;
        for item in &list.items {
            assert_no_small_count_derivable(&item.needs, 5);
        }
        let everywhere_now = list.items.iter().find(|p| p.id == everywhere).unwrap();
        assert_eq!(
            everywhere_now.needs.territory.as_ref().unwrap().themes[0].share,
            Some(14.0 / 20.0)
        );

        // A theme the questionnaire did not offer has no measure.
        let admin = app.login_as(Role::Admin).await;
        let res = admin
            .post_json("/api/v1/admin/themes", &fixtures::energie("#1A5FB4"))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let energy = published(
            &app,
            &moderator,
            &body("Chèques énergie", &["energie"], Some(0)),
        )
        .await;
        let needs = detail(&app, &energy, None).await.needs;
        let t = &needs.territory.unwrap().themes[0];
        assert_eq!((t.asked, t.share, t.secret), (false, None, false));

        // A later campaign with answers becomes the reference.
        let newer = open_campaign(&moderator, "Consultation de printemps", 1).await;
        for _ in 0..5 {
            answer(&app, &newer, 1, &[]).await;
        }
        let needs = needs_when(&app, &small, |n| {
            n.campaign_id.as_deref() == Some(newer.as_str())
        })
        .await;
        let commune = needs.commune.unwrap();
        assert_eq!(
            (commune.respondents, commune.themes[0].share),
            (Some(5), Some(0.0))
        );
        assert!(needs.territory.unwrap().themes[0].share == Some(0.0));
    })
    .await;
}

#[tokio::test]
async fn the_secrecy_threshold_is_a_setting() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let mut settings = test_settings(&db);
        settings.secrecy_k = 3;
        let app = spawn_app_with(db, settings).await;
        let moderator = app.login_as(Role::Moderator).await;
        let id = published(
            &app,
            &moderator,
            &body("Aide au logement", &["logement"], Some(1)),
        )
        .await;
        let campaign = open_campaign(&moderator, "Consultation", 1).await;
        for _ in 0..2 {
            answer(&app, &campaign, 1, &["logement"]).await;
        }
        let needs = needs_when(&app, &id, |n| n.campaign_id.is_some()).await;
        let commune = needs.commune.unwrap();
        assert!(commune.secret);
        assert_eq!(commune.respondents, None);
        // 3 respondents, all with housing: visible at k = 3 (it would not be at 5).
        answer(&app, &campaign, 1, &["logement"]).await;
        let needs = needs_when(&app, &id, |n| n.commune.as_ref().is_some_and(|c| !c.secret)).await;
        assert_no_small_count_derivable(&needs, 3);
        let commune = needs.commune.unwrap();
        assert_eq!(
            (commune.respondents, commune.themes[0].share),
            (Some(3), Some(1.0))
        );
    })
    .await;
}

#[tokio::test]
async fn no_public_answer_reveals_a_count_under_the_threshold() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let mut settings = test_settings(&db);
        settings.public_results = true;
        let app = spawn_app_with(db, settings).await;
        let moderator = app.login_as(Role::Moderator).await;
        let mut proposals = Vec::new();
        for n in 0..4 {
            proposals.push(
                published(
                    &app,
                    &moderator,
                    &body(
                        &format!("Proposition {n}"),
                        &["logement", "sante", "emploi"],
                        Some(n),
                    ),
                )
                .await,
            );
        }
        let campaign = open_campaign(&moderator, "Consultation", 1).await;
        // Irregular small counts in every commune: 9, 6, 3 and 12 respondents with 1 to 4
        // people per theme here and there.
        let patterns: [&[&[&str]]; 4] = [
            &[
                &["logement"],
                &["logement", "sante"],
                &["logement"],
                &["emploi"],
                &["logement"],
                &[],
                &[],
                &[],
                &["logement"],
            ],
            &[&["sante"], &["sante"], &["logement"], &[], &[], &[]],
            &[&["logement"], &[], &["emploi"]],
            &[
                &["logement"],
                &["logement"],
                &["logement"],
                &["logement"],
                &["logement"],
                &["sante"],
                &["emploi"],
                &["emploi"],
                &[],
                &[],
                &[],
                &[],
            ],
        ];
        let mut total = 0;
        for (n, answers) in patterns.iter().enumerate() {
            for themes in *answers {
                answer(&app, &campaign, n, themes).await;
                total += 1;
            }
        }
        // Proposals, in detail and in the list.
        needs_when(&app, &proposals[0], |n| {
            n.territory.as_ref().and_then(|t| t.respondents) == Some(total)
        })
        .await;
        for id in &proposals {
            assert_no_small_count_derivable(&detail(&app, id, None).await.needs, 5);
        }
        for item in list(&app, "per_page=50").await.items {
            assert_no_small_count_derivable(&item.needs, 5);
        }
        // The public results: every visible count is 0 or at least k, and every visible
        // share times its visible denominator too.
        let res = app
            .get(&format!(
                "/api/v1/campaigns/{campaign}/results?level=commune"
            ))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let results: ResultsResponse = res.json().await.unwrap();
        let small = |c: &ResultCell| c.count().is_some_and(|n| n > 0 && n < 5);
        for group in results.groups.iter().chain([&results.total]) {
            assert!(!small(&group.respondents), "{}", group.code);
            for q in &group.questions {
                assert!(
                    !small(&q.answered) && !small(&q.no_answer),
                    "{} {}",
                    group.code,
                    q.id
                );
                for o in &q.options {
                    assert!(!small(&o.cell), "{} {} {}", group.code, q.id, o.value);
                    if let (Some(share), Some(answered)) = (o.cell.share(), q.answered.count()) {
                        #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
                        let derived = (share * answered as f64).round() as u64;
                        assert!(
                            derived == 0 || derived >= 5,
                            "{} {} {}",
                            group.code,
                            q.id,
                            o.value
                        );
                    }
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn the_proposal_routes_are_in_the_openapi_description() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let doc: Value = app.get_json("/api/v1/openapi.json").await;
        for path in [
            "/api/v1/proposals",
            "/api/v1/proposals/{id}",
            "/api/v1/proposals/{id}/supports",
            "/api/v1/admin/proposals",
            "/api/v1/admin/proposals/{id}",
            "/api/v1/admin/proposals/{id}/status",
            "/api/v1/admin/proposals/{id}/note",
            "/api/v1/admin/proposals/{id}/priority",
            "/api/v1/admin/proposals/{id}/merge",
        ] {
            assert!(doc["paths"][path].is_object(), "{path}");
        }
        assert!(doc["components"]["schemas"]["ProposalResponse"].is_object());
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// The public list from memory (issue 17, point 4)

/// The page of `query` on `app` once `ready` holds for it.
async fn list_when(
    app: &TestApp,
    query: &str,
    what: &str,
    ready: impl Fn(&ProposalListResponse) -> bool,
) -> ProposalListResponse {
    eventually_ready(what, async || list(app, query).await, ready, titles).await
}

fn item<'a>(page: &'a ProposalListResponse, id: &str) -> Option<&'a ProposalResponse> {
    page.items.iter().find(|p| p.id == id)
}

async fn list_for_device(app: &TestApp, query: &str, token: &str) -> ProposalListResponse {
    let res = app
        .client
        .get(format!("{}/api/v1/proposals?{query}", app.address))
        .header("X-Device-Token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// The list answers from pages kept by revision: after each kind of write, on the
/// instance that wrote and on another one, the list shows it; a pending, merged or
/// archived proposal never appears; the needs figures follow new answers.
#[tokio::test]
async fn the_public_list_follows_every_kind_of_write_on_every_instance() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let settings = test_settings(&db);
        let (app, other) = two_instances(db, settings).await;
        let moderator = app.login_as(Role::Moderator).await;
        let garden = published(
            &app,
            &moderator,
            &body("Jardin partagé", &["isolement"], Some(0)),
        )
        .await;
        let queries = ["per_page=20", "sort=most_supported", "theme=mobilite"];
        for instance in [&app, &other] {
            for query in queries {
                // Pages kept from now on.
                list(instance, query).await;
            }
            assert_eq!(titles(&list(instance, "").await), ["Jardin partagé"]);
        }

        // Pending: never listed.
        let shuttle = propose(&app, &body("Navette du marché", &["mobilite"], None)).await;
        for instance in [&app, &other] {
            assert_eq!(
                titles(&list(instance, "per_page=20").await),
                ["Jardin partagé"]
            );
            assert!(list(instance, "theme=mobilite").await.items.is_empty());
        }
        // Moderation.
        approve(&moderator, &shuttle).await;
        for instance in [&app, &other] {
            list_when(instance, "theme=mobilite", "the approved proposal", |p| {
                titles(p) == ["Navette du marché"] && p.total == 1
            })
            .await;
            list_when(instance, "per_page=20", "both proposals", |p| p.total == 2).await;
        }

        // Supports, and this device's supports.
        supported(&app, &garden, &device(1)).await;
        supported(&other, &garden, &device(2)).await;
        supported(&app, &shuttle, &device(1)).await;
        supported(&app, &shuttle, &device(3)).await;
        supported(&app, &shuttle, &device(4)).await;
        for instance in [&app, &other] {
            let page = list_when(instance, "sort=most_supported", "the supports", |p| {
                item(p, &shuttle).map(|x| x.support_count) == Some(3)
                    && item(p, &garden).map(|x| x.support_count) == Some(2)
            })
            .await;
            assert_eq!(titles(&page), ["Navette du marché", "Jardin partagé"]);
            assert!(page.items.iter().all(|p| p.supported_by_me.is_none()));
            let mine = list_for_device(instance, "sort=most_supported", &device(2)).await;
            assert_eq!(titles(&mine), titles(&page));
            assert_eq!(item(&mine, &garden).unwrap().supported_by_me, Some(true));
            assert_eq!(item(&mine, &shuttle).unwrap().supported_by_me, Some(false));
        }
        assert_eq!(
            withdraw(&other, &shuttle, &device(3)).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            withdraw(&other, &shuttle, &device(4)).await.status(),
            StatusCode::OK
        );
        for instance in [&app, &other] {
            let page = list_when(instance, "sort=most_supported", "the withdrawals", |p| {
                item(p, &shuttle).map(|x| x.support_count) == Some(1)
            })
            .await;
            assert_eq!(titles(&page), ["Jardin partagé", "Navette du marché"]);
        }

        // Follow-up.
        let res = set_status(
            &moderator,
            &garden,
            "under_study",
            "À l'étude en commission.",
        )
        .await;
        expect_status(res, StatusCode::OK).await;
        for instance in [&app, &other] {
            let page = list_when(instance, "per_page=20", "the follow-up", |p| {
                item(p, &garden).is_some_and(|x| x.status == "under_study" && x.timeline.len() == 2)
            })
            .await;
            assert_eq!(page.total, 2);
        }

        // The needs: figures from the protected results, as the detail shows them.
        let campaign = open_campaign(&moderator, "Consultation d'hiver", 2).await;
        for n in 0..6 {
            let themes: &[&str] = if n % 2 == 0 { &["isolement"] } else { &[] };
            answer(&app, &campaign, 0, themes).await;
        }
        let detail_needs = needs_when(&app, &garden, |n| {
            n.territory.as_ref().and_then(|t| t.respondents) == Some(6)
        })
        .await;
        for instance in [&app, &other] {
            list_when(instance, "per_page=20", "the needs figures", |p| {
                item(p, &garden).is_some_and(|x| x.needs == detail_needs)
            })
            .await;
        }

        // Merge, then archive: gone from every page.
        let res = merge(&moderator, &shuttle, Some(&garden)).await;
        expect_status(res, StatusCode::OK).await;
        for instance in [&app, &other] {
            list_when(instance, "per_page=20", "the merge", |p| {
                titles(p) == ["Jardin partagé"] && p.total == 1
            })
            .await;
            list_when(instance, "theme=mobilite", "the merge", |p| {
                p.items.is_empty()
            })
            .await;
        }
        moderate(&moderator, &garden, "archive").await;
        for instance in [&app, &other] {
            for query in queries {
                list_when(instance, query, "the archive", |p| {
                    p.items.is_empty() && p.total == 0
                })
                .await;
            }
        }
    })
    .await;
}
