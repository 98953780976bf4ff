//! The back office of the carte over HTTP: moderation, labels, themes, each decision in the
//! audit trail. Role checks of every route are in `admin_routes.rs`.

use reqwest::StatusCode;
use serde_json::{json, Value};
use solidarites_api_types::{
    ActorCharterRequest, BulkModerationResponse, CreateLabelRequest, ErrorResponse,
    InitiativeResponse, LabelGrantResponse, ModerationQueueResponse, ThemeListResponse,
    UpdateThemeRequest,
};
use solidarites_domain::demo::demo_communes;
use solidarites_server::{
    auth::Role,
    storage::audit::{self, AuditFilter},
};

use crate::{
    fixtures,
    helpers::{
        approve, bulk_moderation, demo_app_as, for_each_backend, moderation_action, spawn_app,
        TestApp,
    },
    initiatives::{self, list, submission, submit, wait_for_map},
};

async fn audit_rows(app: &TestApp, entity_id: &str) -> Vec<audit::AuditEntry> {
    let filter = AuditFilter {
        entity_id: Some(entity_id.to_owned()),
        ..AuditFilter::default()
    };
    audit::page(&app.db.conn, &filter, 1, 100).await.unwrap().0
}

fn signed_on(day: &str) -> ActorCharterRequest {
    ActorCharterRequest {
        signed_on: Some(day.to_owned()),
    }
}

#[tokio::test]
async fn moderators_approve_reject_and_archive_and_each_decision_is_audited() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let a = submit(
            &app,
            &submission("Épicerie solidaire", "aide-alimentaire", 0),
        )
        .await;
        let b = submit(&app, &submission("Atelier vélo", "mobilite", 1)).await;

        let analyst = app.login_as(Role::Analyst).await;
        let queue: ModerationQueueResponse = analyst.get_json("/api/v1/admin/moderation").await;
        let kinds: Vec<&str> = queue.items.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["initiative", "initiative", "actor", "actor"]);
        let res = moderation_action(&analyst, &a.id, "approve").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

        let moderator = app.login_as(Role::Moderator).await;
        approve(&moderator, &a.id).await;
        assert_eq!(list(&app, "").await.total, 1);
        wait_for_map(&app, 1).await;
        let rows = audit_rows(&app, &a.id).await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].action, "moderation.approve");
        assert_eq!(
            rows[0].actor_email.as_deref(),
            Some(moderator.email.as_str())
        );
        assert_eq!(rows[0].before.as_ref().unwrap()["status"], "pending");
        assert_eq!(rows[0].after.as_ref().unwrap()["status"], "published");
        // Its new actor was published with it, which the same audit line records.
        assert_eq!(rows[0].after.as_ref().unwrap()["actor_published"], true);

        // Approving twice is a conflict, and is not audited.
        let res = moderation_action(&moderator, &a.id, "approve").await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(audit_rows(&app, &a.id).await.len(), 1);

        // Rejecting needs a reason, which the submitter reads.
        let url = format!("/api/v1/admin/moderation/{}/reject", b.id);
        let res = moderator.post_json(&url, &fixtures::message(" ")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert!(err.fields.contains_key("message"));
        let res = moderator
            .post_json(&url, &fixtures::message("Doublon."))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let view = initiatives::submitter_view(&app, &b.edit_token).await;
        assert_eq!(
            (view.status.as_str(), view.moderation_message.as_deref()),
            ("rejected", Some("Doublon."))
        );
        assert_eq!(audit_rows(&app, &b.id).await[0].action, "moderation.reject");

        // Archive takes it off the map.
        let res = moderation_action(&moderator, &a.id, "archive").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(list(&app, "").await.total, 0);
        wait_for_map(&app, 0).await;
        let unknown = uuid::Uuid::new_v4();
        let res = moderation_action(&moderator, &unknown.to_string(), "approve").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn bulk_moderation_is_all_or_nothing_and_names_unknown_ids() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let a = submit(&app, &submission("Initiative A", "sante", 0)).await;
        let b = submit(&app, &submission("Initiative B", "sante", 1)).await;
        let moderator = app.login_as(Role::Moderator).await;
        let unknown = uuid::Uuid::new_v4().to_string();
        let res = bulk_moderation(
            &moderator,
            "approve",
            vec![a.id.clone(), unknown.clone(), b.id.clone()],
            None,
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert!(err.fields["ids"].contains(&unknown), "{:?}", err.fields);
        assert_eq!(list(&app, "").await.total, 0);
        assert!(audit_rows(&app, &a.id).await.is_empty());

        let res = bulk_moderation(&moderator, "reject", vec![a.id.clone()], None).await;
        assert_eq!(
            res.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "a rejection needs a reason"
        );
        let res = bulk_moderation(&moderator, "publish", vec!["x".to_owned()], None).await;
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.fields.len(), 2, "{:?}", err.fields);

        let res = bulk_moderation(
            &moderator,
            "approve",
            vec![a.id.clone(), b.id.clone()],
            None,
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: BulkModerationResponse = res.json().await.unwrap();
        assert!(body.outcomes.iter().all(|o| o.status == "published"));
        assert_eq!(list(&app, "").await.total, 2);
        assert_eq!(audit_rows(&app, &a.id).await.len(), 1);
        assert_eq!(audit_rows(&app, &b.id).await.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn an_approved_revision_replaces_the_published_version() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let a = submit(&app, &submission("Version publiée", "sante", 0)).await;
        let moderator = app.login_as(Role::Moderator).await;
        approve(&moderator, &a.id).await;
        initiatives::edit(
            &app,
            &a.edit_token,
            &submission("Version modifiée", "sante", 0),
        )
        .await;
        let queue: ModerationQueueResponse = moderator.get_json("/api/v1/admin/moderation").await;
        let rev = queue
            .items
            .iter()
            .find(|i| i.kind == "initiative_revision")
            .unwrap();
        assert_eq!(rev.initiative_id.as_deref(), Some(a.id.as_str()));
        assert_eq!(rev.title, "Version modifiée");
        let public: InitiativeResponse =
            app.get_json(&format!("/api/v1/initiatives/{}", a.id)).await;
        assert_eq!(public.content.title, "Version publiée");
        approve(&moderator, &rev.id).await;
        let public: InitiativeResponse =
            app.get_json(&format!("/api/v1/initiatives/{}", a.id)).await;
        assert_eq!(public.content.title, "Version modifiée");
        assert_eq!(
            audit_rows(&app, &rev.id).await[0].entity_type,
            "initiative_revision"
        );
    })
    .await;
}

#[tokio::test]
async fn admins_define_labels_moderators_grant_them_and_public_pages_show_current_ones() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let a = submit(&app, &submission("Visites", "isolement", 0)).await;
        let admin = app.login_as(Role::Admin).await;
        let moderator = app.login_as(Role::Moderator).await;
        approve(&moderator, &a.id).await;

        let label = fixtures::anti_solitude();
        let res = moderator.post_json("/api/v1/admin/labels", &label).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let bad = CreateLabelRequest {
            slug: Some("Pas Bon".to_owned()),
            name: Some(String::new()),
            criteria: None,
        };
        let res = admin.post_json("/api/v1/admin/labels", &bad).await;
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.fields.keys().collect::<Vec<_>>(), ["name", "slug"]);
        let res = admin.post_json("/api/v1/admin/labels", &label).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let res = admin.post_json("/api/v1/admin/labels", &label).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);

        let grant_url = "/api/v1/admin/labels/anti-solitude/grants";
        let res = moderator
            .post_json(
                grant_url,
                &fixtures::grant_to_initiative(&a.id, "2020-01-01"),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = moderator
            .post_json(
                grant_url,
                &fixtures::grant_to_initiative(&a.id, "2099-12-31"),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let grant: LabelGrantResponse = res.json().await.unwrap();
        assert_eq!(audit_rows(&app, &grant.id).await[0].action, "label.grant");
        let public: InitiativeResponse =
            app.get_json(&format!("/api/v1/initiatives/{}", a.id)).await;
        assert_eq!(public.labels[0].slug, "anti-solitude");
        assert_eq!(list(&app, "label=anti-solitude").await.total, 1);

        let res = moderator
            .delete(&format!("/api/v1/admin/label-grants/{}", grant.id))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let public: InitiativeResponse =
            app.get_json(&format!("/api/v1/initiatives/{}", a.id)).await;
        assert!(public.labels.is_empty());
        assert_eq!(list(&app, "label=anti-solitude").await.total, 0);
        assert_eq!(audit_rows(&app, &grant.id).await.len(), 2);

        // The charter signature is set by staff and shown on the actor page.
        let view = initiatives::submitter_view(&app, &a.edit_token).await;
        let charter = format!("/api/v1/admin/actors/{}/charter", view.actor.id);
        let res = moderator.put_json(&charter, &signed_on("2099-01-01")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = moderator.put_json(&charter, &signed_on("2026-01-15")).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let actor: Value = app
            .get_json(&format!("/api/v1/actors/{}", view.actor.id))
            .await;
        assert!(actor["charter_signed_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-15"));
        assert!(audit_rows(&app, &view.actor.id)
            .await
            .iter()
            .any(|r| r.action == "actor.charter"));
    })
    .await;
}

#[tokio::test]
async fn admins_add_recolour_and_retire_themes() {
    for_each_backend(|db| async move {
        let (app, admin) = demo_app_as(db, Role::Admin).await;
        let res = admin
            .post_json("/api/v1/admin/themes", &fixtures::energie("#FFFF00"))
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.fields.keys().collect::<Vec<_>>(), ["color"]);
        let res = admin
            .post_json("/api/v1/admin/themes", &fixtures::energie("#8a4b00"))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let res = admin
            .patch_json(
                "/api/v1/admin/themes/energie",
                &UpdateThemeRequest {
                    label: Some("Précarité énergétique".to_owned()),
                    ..UpdateThemeRequest::default()
                },
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = admin
            .post_json("/api/v1/admin/themes/energie/retire", &json!({}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let themes: ThemeListResponse = app.get_json("/api/v1/themes").await;
        let energie = themes.themes.iter().find(|t| t.slug == "energie").unwrap();
        assert_eq!(
            (energie.label.as_str(), energie.retired, energie.position),
            ("Précarité énergétique", true, 14)
        );
        let rows = audit_rows(&app, "energie").await;
        let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(actions.len(), 3);
        assert!(actions.contains(&"theme.retire"));
        let res = app
            .post_json(
                "/api/v1/initiatives",
                &submission("Chèques énergie", "energie", 0),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let _: Value = res.json().await.unwrap();
    })
    .await;
}
