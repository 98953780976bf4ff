//! `GET /api/v1/admin/moderation`: one queue or all, paged by the server, with what waits
//! in each queue, and for a change of a published initiative the published content it
//! would replace.

use reqwest::StatusCode;
use solidarites_api_types::{ErrorResponse, ModerationCountsResponse, ModerationQueueResponse};
use solidarites_domain::demo::demo_communes;
use solidarites_server::auth::Role;

use crate::{
    helpers::{for_each_backend, spawn_app},
    initiatives::{self, approve, submission, submit},
};

async fn queue(staff: &crate::helpers::StaffClient, query: &str) -> ModerationQueueResponse {
    let res = staff
        .get(&format!("/api/v1/admin/moderation?{query}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_queue_is_paged_by_kind_and_counts_what_waits_in_each() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let mut ids = Vec::new();
        for (n, title) in ["Première", "Deuxième", "Troisième"].iter().enumerate() {
            ids.push(submit(&app, &submission(title, "sante", n)).await.id);
        }
        let moderator = app.login_as(Role::Moderator).await;
        let expected_counts = ModerationCountsResponse {
            initiative: 3,
            initiative_revision: 0,
            actor: 3,
            proposal: 0,
            ..ModerationCountsResponse::default()
        };

        // One kind, two pages of two.
        let first = queue(&moderator, "kind=initiative&per_page=2").await;
        assert_eq!((first.total, first.page, first.per_page), (3, 1, 2));
        assert_eq!(first.counts, expected_counts);
        let second = queue(&moderator, "kind=initiative&per_page=2&page=2").await;
        assert_eq!((second.total, second.page), (3, 2));
        let paged: Vec<String> = first
            .items
            .iter()
            .chain(&second.items)
            .map(|i| i.id.clone())
            .collect();
        assert_eq!(paged, ids, "oldest first, each once");
        assert!(first
            .items
            .iter()
            .all(|i| i.kind == "initiative" && i.published.is_none()));
        let beyond = queue(&moderator, "kind=initiative&per_page=2&page=3").await;
        assert!(beyond.items.is_empty());
        assert_eq!(beyond.total, 3);

        // Every kind: initiatives first, then actors, the page spanning both.
        let all = queue(&moderator, "per_page=4").await;
        let kinds: Vec<&str> = all.items.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["initiative", "initiative", "initiative", "actor"]);
        assert_eq!(all.total, 6);
        let rest = queue(&moderator, "per_page=4&page=2").await;
        let kinds: Vec<&str> = rest.items.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["actor", "actor"]);
        let actors = queue(&moderator, "kind=actor").await;
        assert_eq!(actors.total, 3);
        assert_eq!(actors.per_page, 50, "the default page");

        // A decision leaves the queue and its count.
        approve(&app, &ids[0]).await;
        let after = queue(&moderator, "kind=initiative").await;
        assert_eq!(after.counts.initiative, 2);
        // Approving an initiative publishes its new actor with it.
        assert_eq!(after.counts.actor, 2);
        assert_eq!(after.items.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn bad_queue_parameters_are_named_in_a_422() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let moderator = app.login_as(Role::Moderator).await;
        for (query, fields) in [
            ("kind=nouvelles", vec!["kind"]),
            ("per_page=0", vec!["per_page"]),
            ("per_page=201", vec!["per_page"]),
            ("per_page=beaucoup", vec!["per_page"]),
            ("page=0", vec!["page"]),
            ("page=99999999999", vec!["page"]),
            (
                "kind=x&page=-1&per_page=1000",
                vec!["kind", "page", "per_page"],
            ),
        ] {
            let res = moderator
                .get(&format!("/api/v1/admin/moderation?{query}"))
                .await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            let err: ErrorResponse = res.json().await.unwrap();
            assert_eq!(err.fields.keys().collect::<Vec<_>>(), fields, "{query}");
            assert!(!err.message.is_empty());
        }
        let largest = queue(&moderator, "per_page=200").await;
        assert_eq!(largest.per_page, 200);
    })
    .await;
}

#[tokio::test]
async fn a_change_in_the_queue_carries_the_published_content_it_would_replace() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let created = submit(&app, &submission("Version publiée", "sante", 0)).await;
        approve(&app, &created.id).await;
        let mut edit = submission("Version modifiée", "sante", 0);
        edit.content.schedule = Some("Jeudi 9 h – 12 h".to_owned());
        let res = initiatives::edit(&app, &created.edit_token, &edit).await;
        assert!(res.status().is_success(), "{}", res.status());

        let moderator = app.login_as(Role::Moderator).await;
        let revisions = queue(&moderator, "kind=initiative_revision").await;
        assert_eq!(revisions.total, 1);
        assert_eq!(revisions.counts.initiative_revision, 1);
        assert_eq!(revisions.counts.initiative, 0);
        let item = &revisions.items[0];
        assert_eq!(item.kind, "initiative_revision");
        assert_eq!(item.initiative_id.as_deref(), Some(created.id.as_str()));
        let published = item.published.as_ref().expect("the published content");
        let proposed = item.content.as_ref().expect("the proposed content");
        assert_eq!(published.title, "Version publiée");
        assert_eq!(published.schedule.as_deref(), Some("Mardi 14 h – 17 h"));
        assert_eq!(proposed.title, "Version modifiée");
        assert_eq!(proposed.schedule.as_deref(), Some("Jeudi 9 h – 12 h"));
        assert_eq!(published.description, proposed.description);

        // Committee members cannot read the queue.
        let committee = app.login_as(Role::Committee).await;
        let res = committee.get("/api/v1/admin/moderation").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    })
    .await;
}
