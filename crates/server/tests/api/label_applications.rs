//! Label applications over HTTP, on SQLite and PostgreSQL: an actor applies by answering
//! each criterion and follows its application at a private link (and may withdraw it);
//! the committee approves (the grant created or extended) or refuses it with a reason,
//! each decision audited and told to the applicant through the outbox; grants near their
//! end are listed for renewal and their holder invited once per period; expired grants
//! show nowhere public; the applicants' addresses are purged with the others.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};
use solidarites_api_types::{
    ActorDetailResponse, ActorListResponse, AdminLabelGrantListResponse,
    ApproveLabelApplicationRequest, CreateLabelApplicationRequest, CreateLabelApplicationResponse,
    ErrorResponse, InitiativeListResponse, InitiativeResponse, LabelApplicationListResponse,
    LabelApplicationResponse, LabelResponse, RefuseLabelApplicationRequest,
    UpdateLabelCriteriaRequest,
};
use solidarites_domain::demo::demo_communes;
use solidarites_server::{auth::Role, storage};
use uuid::Uuid;

use crate::{
    helpers::{self, for_each_backend, spawn_app, StaffClient, TestApp},
    initiatives::{self, submission, submit_published},
    outbox::{app_with, outbox, private_link_token},
    smtp_sink::SmtpSink,
};

const SLUG: &str = "anti-solitude";

fn today() -> chrono::NaiveDate {
    solidarites_domain::time::today_in_paris(chrono::Utc::now())
}

/// A label with two criteria (written as the old single text) and a published actor;
/// returns the actor's id and one of its initiatives' id.
async fn label_and_actor(app: &TestApp) -> (String, String) {
    storage::labels::create(
        &app.db.conn,
        SLUG,
        "Label anti-solitude",
        "- Ouvert à tous\n- Au moins une rencontre par mois",
    )
    .await
    .unwrap();
    let created = submit_published(app, &submission("Visites", "isolement", 0)).await;
    let view = initiatives::submitter_view(app, &created.edit_token).await;
    (view.actor.id, created.id)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// A complete application of `actor_id`, with an address for the answer.
fn application(actor_id: &str) -> CreateLabelApplicationRequest {
    CreateLabelApplicationRequest {
        actor_id: Some(actor_id.to_owned()),
        answers: strings(&["Oui, sans inscription.", "Un café-rencontre chaque jeudi."]),
        attachment_url: Some("https://asso.exemple.fr/charte.pdf".to_owned()),
        notify_email: Some("benevoles@asso.exemple.fr".to_owned()),
        notify_consent: true,
    }
}

/// An approval granting the label until `day`.
fn until(day: chrono::NaiveDate) -> ApproveLabelApplicationRequest {
    ApproveLabelApplicationRequest {
        expires_on: Some(day.to_string()),
    }
}

fn refusal(reason: &str) -> RefuseLabelApplicationRequest {
    RefuseLabelApplicationRequest {
        reason: Some(reason.to_owned()),
    }
}

/// Approves the application `id` until `day`.
async fn approve(committee: &StaffClient, id: &str, day: chrono::NaiveDate) -> reqwest::Response {
    committee
        .post_json(
            &format!("/api/v1/admin/label-applications/{id}/approve"),
            &until(day),
        )
        .await
}

async fn apply(
    app: &TestApp,
    body: &CreateLabelApplicationRequest,
) -> CreateLabelApplicationResponse {
    let res = app
        .post_json(&format!("/api/v1/labels/{SLUG}/applications"), body)
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn private_view(app: &TestApp, token: &str) -> LabelApplicationResponse {
    let res = app
        .get(&format!("/api/v1/label-applications/{token}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn withdraw(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .delete(format!("{}/api/v1/label-applications/{token}", app.address))
        .send()
        .await
        .unwrap()
}

/// The audit actions recorded on `entity_id`, sorted.
async fn audit_actions(app: &TestApp, entity_id: &str) -> Vec<String> {
    let mut actions = helpers::audit_actions(app, entity_id).await;
    actions.sort();
    actions
}

#[tokio::test]
async fn an_actor_applies_follows_its_application_at_the_private_link_and_withdraws_it() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (actor_id, _) = label_and_actor(&app).await;

        // The label's criteria, split from the old text into an ordered list.
        let label: LabelResponse = app.get_json(&format!("/api/v1/labels/{SLUG}")).await;
        assert_eq!(
            label.criteria_list,
            ["Ouvert à tous", "Au moins une rencontre par mois"]
        );

        let created = apply(&app, &application(&actor_id)).await;
        assert_eq!(created.status, "pending");
        assert_eq!(
            created.private_url,
            format!("/labels/candidature/{}", created.private_token)
        );
        let view = private_view(&app, &created.private_token).await;
        assert_eq!(view.status, "pending");
        assert_eq!(view.actor_name, "Acteur de Visites");
        assert_eq!(view.label_name, "Label anti-solitude");
        assert_eq!(view.answers.len(), 2);
        assert_eq!(view.answers[1].criterion, "Au moins une rencontre par mois");
        assert_eq!(view.answers[1].answer, "Un café-rencontre chaque jeudi.");
        assert_eq!(
            view.attachment_url.as_deref(),
            Some("https://asso.exemple.fr/charte.pdf")
        );
        assert!(view.has_email);
        let res = app.get("/api/v1/label-applications/inconnu").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        let res = withdraw(&app, &created.private_token).await;
        assert_eq!(res.status(), StatusCode::OK);
        let withdrawn: LabelApplicationResponse = res.json().await.unwrap();
        assert_eq!(withdrawn.status, "withdrawn");
        assert!(withdrawn.decided_at.is_some());
        assert_eq!(
            audit_actions(&app, &created.id).await,
            ["label_application.withdraw"]
        );
        // Withdrawn, it can no longer be withdrawn nor decided.
        let res = withdraw(&app, &created.private_token).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let committee = app.login_as(Role::Committee).await;
        let res = committee
            .post_json(
                &format!("/api/v1/admin/label-applications/{}/refuse", created.id),
                &refusal("Trop tard."),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(
            private_view(&app, &created.private_token).await.status,
            "withdrawn"
        );
    })
    .await;
}

#[tokio::test]
async fn each_bad_field_of_an_application_is_named_in_french() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (actor_id, _) = label_and_actor(&app).await;
        let url = format!("/api/v1/labels/{SLUG}/applications");
        let base = application(&actor_id);
        let cases: Vec<(CreateLabelApplicationRequest, &[&str])> = vec![
            (
                CreateLabelApplicationRequest {
                    actor_id: None,
                    ..base.clone()
                },
                &["actor_id"],
            ),
            (
                CreateLabelApplicationRequest {
                    actor_id: Some(Uuid::new_v4().to_string()),
                    ..base.clone()
                },
                &["actor_id"],
            ),
            (
                CreateLabelApplicationRequest {
                    actor_id: Some("pas-un-uuid".to_owned()),
                    ..base.clone()
                },
                &["actor_id"],
            ),
            (
                CreateLabelApplicationRequest {
                    answers: strings(&["Oui"]),
                    ..base.clone()
                },
                &["answers", "answers[1]"],
            ),
            (
                CreateLabelApplicationRequest {
                    answers: strings(&["", "Oui"]),
                    ..base.clone()
                },
                &["answers[0]"],
            ),
            (
                CreateLabelApplicationRequest {
                    answers: vec!["Oui".to_owned(), "x".repeat(3001)],
                    ..base.clone()
                },
                &["answers[1]"],
            ),
            (
                CreateLabelApplicationRequest {
                    attachment_url: Some("ftp://asso.fr/a.pdf".to_owned()),
                    ..base.clone()
                },
                &["attachment_url"],
            ),
            (
                CreateLabelApplicationRequest {
                    attachment_url: Some("javascript:alert(1)".to_owned()),
                    ..base.clone()
                },
                &["attachment_url"],
            ),
            (
                CreateLabelApplicationRequest {
                    notify_email: Some("pas-une-adresse".to_owned()),
                    ..base.clone()
                },
                &["notify_email"],
            ),
            (
                CreateLabelApplicationRequest {
                    notify_consent: false,
                    ..base.clone()
                },
                &["notify_consent"],
            ),
        ];
        for (body, fields) in cases {
            let res = app.post_json(&url, &body).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body:?}");
            let err: ErrorResponse = res.json().await.unwrap();
            assert_eq!(err.error, "invalid_fields");
            let keys: Vec<&str> = err.fields.keys().map(String::as_str).collect();
            assert_eq!(keys, fields, "{body:?}");
            assert!(err.fields.values().all(|m| !m.is_empty()));
        }
        let res = app
            .post_json(
                "/api/v1/labels/inconnu/applications",
                &application(&actor_id),
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        // Nothing was stored.
        let (_, total) = storage::label_applications::page(&app.db.conn, None, 0, 10)
            .await
            .unwrap();
        assert_eq!(total, 0);
    })
    .await;
}

#[tokio::test]
async fn the_committee_approves_with_an_expiry_and_the_label_shows_on_the_actors_page() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (actor_id, _) = label_and_actor(&app).await;
        let created = apply(&app, &application(&actor_id)).await;
        let approve_url = format!("/api/v1/admin/label-applications/{}/approve", created.id);
        let day = today() + Duration::days(365);

        // Anonymous: 401 on every review route.
        for path in [
            "/api/v1/admin/label-applications".to_owned(),
            format!("/api/v1/admin/label-applications/{}", created.id),
        ] {
            assert_eq!(app.get(&path).await.status(), StatusCode::UNAUTHORIZED);
        }
        let res = app.post_json(&approve_url, &until(day)).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

        // The committee reviews: the pending list, then the criteria next to the answers.
        let committee = app.login_as(Role::Committee).await;
        let list: LabelApplicationListResponse =
            committee.get_json("/api/v1/admin/label-applications").await;
        assert_eq!(list.total, 1);
        assert_eq!(list.applications[0].actor_name, "Acteur de Visites");
        let res = committee
            .get("/api/v1/admin/label-applications?status=nimporte")
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let detail: LabelApplicationResponse = committee
            .get_json(&format!("/api/v1/admin/label-applications/{}", created.id))
            .await;
        assert_eq!(detail.answers[0].criterion, "Ouvert à tous");
        assert_eq!(detail.answers[0].answer, "Oui, sans inscription.");
        assert_eq!(detail.current_expires_on, None);

        // The expiry must be a day in the future.
        for bad in [None, Some(today().to_string()), Some("demain".to_owned())] {
            let body = ApproveLabelApplicationRequest { expires_on: bad };
            let res = committee.post_json(&approve_url, &body).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body:?}");
            let err: ErrorResponse = res.json().await.unwrap();
            assert!(err.fields.contains_key("expires_on"));
        }
        let res = approve(&committee, &created.id, day).await;
        assert_eq!(res.status(), StatusCode::OK);
        let approved: LabelApplicationResponse = res.json().await.unwrap();
        assert_eq!(approved.status, "approved");
        assert_eq!(approved.granted_until, Some(day.to_string()));
        assert_eq!(approved.current_expires_on, Some(day.to_string()));
        // Decided once.
        let res = approve(&committee, &created.id, day).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);

        // The label shows on the actor's public page and in the actors' label filter.
        let page: ActorDetailResponse = app.get_json(&format!("/api/v1/actors/{actor_id}")).await;
        assert_eq!(page.actor.labels.len(), 1);
        assert_eq!(page.actor.labels[0].slug, SLUG);
        assert_eq!(page.actor.labels[0].expires_on, day.to_string());

        // The decision, its grant and its message were written together.
        assert_eq!(
            audit_actions(&app, &created.id).await,
            ["label_application.approve"]
        );
        let rows = outbox(&app).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].kind, "label_application_decided");
        assert_eq!(rows[0].recipient, "benevoles@asso.exemple.fr");
        assert_eq!(
            private_view(&app, &created.private_token).await.status,
            "approved"
        );

        // A renewal: approving a new application extends the same grant.
        let again = apply(&app, &application(&actor_id)).await;
        let later = day + Duration::days(365);
        let res = approve(&committee, &again.id, later).await;
        assert_eq!(res.status(), StatusCode::OK);
        let page: ActorDetailResponse = app.get_json(&format!("/api/v1/actors/{actor_id}")).await;
        assert_eq!(page.actor.labels.len(), 1);
        assert_eq!(page.actor.labels[0].expires_on, later.to_string());
        let moderator = app.login_as(Role::Moderator).await;
        let grants: AdminLabelGrantListResponse = moderator
            .get_json(&format!("/api/v1/admin/labels/{SLUG}/grants"))
            .await;
        assert_eq!(grants.total, 1, "renewed, not granted twice");
    })
    .await;
}

#[tokio::test]
async fn a_refusal_needs_a_reason_which_reaches_the_applicant_with_a_working_private_link() {
    for_each_backend(|db| async move {
        let sink = SmtpSink::start().await;
        let app = app_with(db.with_communes(&demo_communes()).await, Some(sink.port)).await;
        let (actor_id, _) = label_and_actor(&app).await;
        let created = apply(&app, &application(&actor_id)).await;
        let url = format!("/api/v1/admin/label-applications/{}/refuse", created.id);
        let committee = app.login_as(Role::Committee).await;
        for bad in [RefuseLabelApplicationRequest::default(), refusal("   ")] {
            let res = committee.post_json(&url, &bad).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let err: ErrorResponse = res.json().await.unwrap();
            assert!(err.fields["reason"].contains("motif"));
        }
        assert!(outbox(&app).await.is_empty());
        let res = committee
            .post_json(
                &url,
                &refusal("Les rencontres ne sont pas encore régulières."),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let refused: LabelApplicationResponse = res.json().await.unwrap();
        assert_eq!(refused.status, "refused");
        assert_eq!(
            audit_actions(&app, &created.id).await,
            ["label_application.refuse"]
        );

        let received = sink.one_message("the refusal e-mail").await;
        assert_eq!(received.to, ["benevoles@asso.exemple.fr"]);
        let body = received.body_text();
        assert!(
            body.contains("Motif du refus : Les rencontres ne sont pas encore régulières."),
            "{body}"
        );
        let token = private_link_token(&body, "/labels/candidature/");
        let view = private_view(&app, &token).await;
        assert_eq!(view.status, "refused");
        assert_eq!(
            view.refusal_reason.as_deref(),
            Some("Les rencontres ne sont pas encore régulières.")
        );
        // No grant.
        let page: ActorDetailResponse = app.get_json(&format!("/api/v1/actors/{actor_id}")).await;
        assert!(page.actor.labels.is_empty());
    })
    .await;
}

#[tokio::test]
async fn grants_near_their_end_are_listed_and_their_holder_invited_once_per_period() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (actor_id, _) = label_and_actor(&app).await;
        let created = apply(&app, &application(&actor_id)).await;
        let committee = app.login_as(Role::Committee).await;
        let soon = today() + Duration::days(50);
        let res = approve(&committee, &created.id, soon).await;
        assert_eq!(res.status(), StatusCode::OK);

        // The default window is 60 days: the grant ending in 50 is listed.
        let moderator = app.login_as(Role::Moderator).await;
        let renew: AdminLabelGrantListResponse =
            moderator.get_json("/api/v1/admin/label-grants").await;
        assert_eq!(renew.total, 1);
        let grant = &renew.grants[0];
        assert!(grant.can_invite);
        assert_eq!(grant.renewal_invited_at, None);
        let invite = format!("/api/v1/admin/label-grants/{}/renewal-invitation", grant.id);

        assert_eq!(
            app.post_json(&invite, &json!({})).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            committee.post_json(&invite, &json!({})).await.status(),
            StatusCode::FORBIDDEN
        );
        let before = outbox(&app).await.len();
        let res = moderator.post_json(&invite, &json!({})).await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = moderator.post_json(&invite, &json!({})).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.error, "already_invited");
        let rows = outbox(&app).await;
        assert_eq!(rows.len(), before + 1, "one invitation");
        assert_eq!(rows[0].kind, "label_renewal_invitation");
        assert_eq!(rows[0].recipient, "benevoles@asso.exemple.fr");
        let renew: AdminLabelGrantListResponse =
            moderator.get_json("/api/v1/admin/label-grants").await;
        assert!(renew.grants[0].renewal_invited_at.is_some());
        assert!(!renew.grants[0].can_invite);
        assert_eq!(
            audit_actions(&app, &grant.id).await,
            ["label.grant", "label.renewal_invite"]
        );

        // The actor applies again; the approval extends the grant and opens a new period.
        let again = apply(&app, &application(&actor_id)).await;
        let res = approve(&committee, &again.id, soon + Duration::days(200)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let renew: AdminLabelGrantListResponse = moderator
            .get_json("/api/v1/admin/label-grants?within_days=366")
            .await;
        assert_eq!(renew.total, 1);
        assert!(renew.grants[0].can_invite, "a new period");
        let res = moderator
            .get("/api/v1/admin/label-grants")
            .await
            .json::<AdminLabelGrantListResponse>()
            .await
            .unwrap();
        assert_eq!(res.total, 0, "no longer near its end");

        // A holder who left no address cannot be invited.
        let (other, _) = {
            let created = submit_published(&app, &submission("Repas", "aide-alimentaire", 1)).await;
            let view = initiatives::submitter_view(&app, &created.edit_token).await;
            (view.actor.id, created.id)
        };
        let silent = CreateLabelApplicationRequest {
            notify_email: None,
            notify_consent: false,
            ..application(&other)
        };
        let silent = apply(&app, &silent).await;
        let res = approve(&committee, &silent.id, soon).await;
        assert_eq!(res.status(), StatusCode::OK);
        let renew: AdminLabelGrantListResponse =
            moderator.get_json("/api/v1/admin/label-grants").await;
        assert_eq!(renew.total, 1);
        assert!(!renew.grants[0].can_invite);
        let res = moderator
            .post_json(
                &format!(
                    "/api/v1/admin/label-grants/{}/renewal-invitation",
                    renew.grants[0].id
                ),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.error, "no_contact_address");
    })
    .await;
}

#[tokio::test]
async fn administrators_edit_the_criteria_as_a_list() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (actor_id, _) = label_and_actor(&app).await;
        let old = apply(&app, &application(&actor_id)).await;
        let url = format!("/api/v1/admin/labels/{SLUG}/criteria");
        let criteria = UpdateLabelCriteriaRequest {
            criteria: strings(&["Ouvert à tous", "Gratuit", "Accessible en fauteuil"]),
        };
        assert_eq!(
            app.client
                .put(format!("{}{url}", app.address))
                .json(&criteria)
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::UNAUTHORIZED
        );
        let moderator = app.login_as(Role::Moderator).await;
        assert_eq!(
            moderator.put_json(&url, &criteria).await.status(),
            StatusCode::FORBIDDEN
        );
        let admin = app.login_as(Role::Admin).await;
        let res = admin
            .put_json(
                &url,
                &UpdateLabelCriteriaRequest {
                    criteria: strings(&["Gratuit", "", "Gratuit"]),
                },
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        let keys: Vec<&str> = err.fields.keys().map(String::as_str).collect();
        assert_eq!(keys, ["criteria[1]", "criteria[2]"]);
        let res = admin
            .put_json(&url, &UpdateLabelCriteriaRequest::default())
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let res = admin.put_json(&url, &criteria).await;
        assert_eq!(res.status(), StatusCode::OK);
        let label: LabelResponse = res.json().await.unwrap();
        assert_eq!(
            label.criteria_list,
            ["Ouvert à tous", "Gratuit", "Accessible en fauteuil"]
        );
        assert_eq!(
            label.criteria,
            "Ouvert à tous\nGratuit\nAccessible en fauteuil"
        );
        let label: LabelResponse = app.get_json(&format!("/api/v1/labels/{SLUG}")).await;
        assert_eq!(label.criteria_list.len(), 3);
        let label_id = label.id.clone();
        assert_eq!(audit_actions(&app, &label_id).await, ["label.criteria"]);

        // New applications answer the new list; the earlier one keeps what it answered.
        let res = app
            .post_json(
                &format!("/api/v1/labels/{SLUG}/applications"),
                &application(&actor_id),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = CreateLabelApplicationRequest {
            answers: strings(&["Oui", "Oui", "Oui, une rampe."]),
            ..application(&actor_id)
        };
        apply(&app, &body).await;
        let view = private_view(&app, &old.private_token).await;
        assert_eq!(view.answers[1].criterion, "Au moins une rencontre par mois");
    })
    .await;
}

#[tokio::test]
async fn an_expired_grant_shows_on_no_public_endpoint() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (actor_id, initiative_id) = label_and_actor(&app).await;
        let label = storage::labels::find_by_slug(&app.db.conn, SLUG)
            .await
            .unwrap()
            .unwrap();
        let actor = Uuid::parse_str(&actor_id).unwrap();
        let initiative = Uuid::parse_str(&initiative_id).unwrap();
        let yesterday = today() - Duration::days(1);
        for target in [
            storage::labels::GrantTarget::Actor(actor),
            storage::labels::GrantTarget::Initiative(initiative),
        ] {
            storage::labels::grant(&app.db.conn, label.id, target, yesterday)
                .await
                .unwrap();
        }
        let actor_page: ActorDetailResponse =
            app.get_json(&format!("/api/v1/actors/{actor_id}")).await;
        assert!(actor_page.actor.labels.is_empty());
        assert!(actor_page.initiatives.iter().all(|i| i.labels.is_empty()));
        let actors: ActorListResponse = app.get_json("/api/v1/actors").await;
        assert!(actors.items.iter().all(|a| a.labels.is_empty()));
        let actors: ActorListResponse = app.get_json(&format!("/api/v1/actors?label={SLUG}")).await;
        assert_eq!(actors.total, 0);
        let detail: InitiativeResponse = app
            .get_json(&format!("/api/v1/initiatives/{initiative_id}"))
            .await;
        assert!(detail.labels.is_empty());
        let list: InitiativeListResponse = app.get_json("/api/v1/initiatives").await;
        assert_eq!(list.total, 1);
        assert!(list.items.iter().all(|i| i.labels.is_empty()));
        let filtered: InitiativeListResponse = app
            .get_json(&format!("/api/v1/initiatives?label={SLUG}"))
            .await;
        assert_eq!(filtered.total, 0, "the map's label filter");
        let geojson: Value = app
            .get_json(&format!("/api/v1/initiatives.geojson?label={SLUG}"))
            .await;
        assert_eq!(geojson["features"].as_array().map(Vec::len), Some(0));

        // The same grants in force show everywhere (the test can fail).
        let tomorrow = today() + Duration::days(1);
        for target in [
            storage::labels::GrantTarget::Actor(actor),
            storage::labels::GrantTarget::Initiative(initiative),
        ] {
            storage::labels::grant(&app.db.conn, label.id, target, tomorrow)
                .await
                .unwrap();
        }
        let actor_page: ActorDetailResponse =
            app.get_json(&format!("/api/v1/actors/{actor_id}")).await;
        assert_eq!(actor_page.actor.labels.len(), 1);
        let filtered: InitiativeListResponse = app
            .get_json(&format!("/api/v1/initiatives?label={SLUG}"))
            .await;
        assert_eq!(filtered.total, 1);
        let geojson: Value = app
            .get_json(&format!("/api/v1/initiatives.geojson?label={SLUG}"))
            .await;
        assert_eq!(geojson["features"].as_array().map(Vec::len), Some(1));
    })
    .await;
}

#[tokio::test]
async fn the_retention_purge_forgets_the_applicants_addresses() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (actor_id, _) = label_and_actor(&app).await;
        let created = apply(&app, &application(&actor_id)).await;
        let id = Uuid::parse_str(&created.id).unwrap();
        // A cut-off before the application keeps it.
        let past = chrono::Utc::now() - Duration::days(1);
        storage::outbox::forget_addresses_before(&app.db.conn, past)
            .await
            .unwrap();
        let row = storage::label_applications::find(&app.db.conn, id)
            .await
            .unwrap()
            .unwrap();
        assert!(row.notify_email.is_some());
        // A cut-off after it (the application is past the retention period) clears it.
        let cleared = storage::outbox::forget_addresses_before(
            &app.db.conn,
            chrono::Utc::now() + Duration::seconds(5),
        )
        .await
        .unwrap();
        assert!(cleared >= 1);
        let row = storage::label_applications::find(&app.db.conn, id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.notify_email, None);
        assert!(!private_view(&app, &created.private_token).await.has_email);
        // Nobody to tell any more: the decision queues no message.
        let committee = app.login_as(Role::Committee).await;
        let res = committee
            .post_json(
                &format!("/api/v1/admin/label-applications/{}/refuse", created.id),
                &refusal("Incomplet."),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(outbox(&app).await.is_empty());
    })
    .await;
}
