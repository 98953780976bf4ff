//! Events kept current and told by e-mail (issue 18, points 4 and 5): a published event
//! not confirmed for the period is flagged to its submitter (an e-mail with the private
//! link, queued with the flag), then hidden from every public endpoint (list, page, map,
//! feeds, actor's events) and comes back when confirmed from the private link or by
//! staff. Decisions on events and on changes of initiatives queue their message in the
//! transaction of the decision. Time passes on the application's adjustable clock.

use reqwest::StatusCode;
use serde_json::{json, Value};
use solidarites_api_types::{
    ConfirmListingResponse, CreateEventRequest, ErrorResponse, ModerationQueueResponse,
    StaleBulkResponse, StaleListResponse, SubmitterEventResponse,
};
use solidarites_domain::{demo::demo_communes, freshness::FreshnessPolicy};
use solidarites_server::{auth::Role, clock::Clock, storage};

use crate::{
    events::{event, submit_event},
    helpers::{
        approve, eventually, for_each_backend, holds, reject, spawn_app_with, stale_bulk,
        StaffClient, TestApp, TestDb,
    },
    initiatives::{self, submission, submit_published},
    outbox::{mail_settings, outbox, private_link_token, settle, with_notify},
    smtp_sink::SmtpSink,
};

/// Flagged 10 days after the last confirmation, hidden 5 days later.
const POLICY: FreshnessPolicy = FreshnessPolicy {
    flag_after_days: 10,
    hide_after_flag_days: 5,
};

fn days(n: i64) -> chrono::Duration {
    chrono::Duration::days(n)
}

async fn app_with(db: TestDb, clock: &Clock, smtp_port: Option<u16>) -> TestApp {
    let db = db.with_communes(&demo_communes()).await;
    let mut settings = mail_settings(&db, smtp_port);
    settings.clock = clock.clone();
    settings.freshness = POLICY;
    spawn_app_with(db, settings).await
}

async fn body_of(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

/// Whether each public endpoint shows the event `id` titled `title` of the actor `actor`
/// in the `n`-th demo commune: one flag per endpoint, all expected equal.
async fn public_sightings(app: &TestApp, (id, title, actor): (&str, &str, &str)) -> Vec<bool> {
    let commune = demo_communes()[0].code.to_string();
    let in_json = |body: &str| {
        let v: Value = serde_json::from_str(body).unwrap();
        let items = v["items"].as_array().or(v["features"].as_array()).unwrap();
        items
            .iter()
            .any(|i| i["title"] == title || i["properties"]["title"] == title)
    };
    let in_feed = |body: &str| body.contains(&format!("UID:event-{id}-1@solidarites"));
    vec![
        in_json(&body_of(app, "/api/v1/events").await),
        in_json(&body_of(app, &format!("/api/v1/events?actor={actor}")).await),
        in_json(&body_of(app, "/api/v1/events?q=bal").await),
        in_json(&body_of(app, "/api/v1/events.geojson").await),
        app.get(&format!("/api/v1/events/{id}")).await.status() == StatusCode::OK,
        app.get(&format!("/api/v1/events/{id}.ics")).await.status() == StatusCode::OK,
        in_feed(&body_of(app, "/api/v1/events.ics").await),
        in_feed(&body_of(app, &format!("/api/v1/events.ics?commune={commune}")).await),
        in_feed(&body_of(app, "/api/v1/events.ics?theme=isolement").await),
        in_feed(&body_of(app, &format!("/api/v1/events.ics?actor={actor}")).await),
    ]
}

/// The submitter's one-click confirmation through the private link `token`.
async fn confirm(app: &TestApp, token: &str) -> reqwest::Response {
    let path = format!("/api/v1/events/edit/{token}/confirm");
    app.post_json(&path, &json!({})).await
}

async fn submitter_view(app: &TestApp, token: &str) -> SubmitterEventResponse {
    let res = app.get(&format!("/api/v1/events/edit/{token}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn stale_events(staff: &StaffClient) -> StaleListResponse {
    let res = staff.get("/api/v1/admin/stale?kind=event").await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// The kinds of the outbox's messages to `recipient`, oldest first.
async fn kinds_to(app: &TestApp, recipient: &str) -> Vec<String> {
    let mut rows = outbox(app).await;
    rows.reverse();
    rows.into_iter()
        .filter(|r| r.recipient == recipient)
        .map(|r| r.kind)
        .collect()
}

#[tokio::test]
async fn a_stale_event_disappears_from_every_public_endpoint_and_comes_back_when_confirmed() {
    for_each_backend(|db| async move {
        let clock = Clock::adjustable();
        let app = app_with(db, &clock, None).await;
        let moderator = app.login_as(Role::Moderator).await;
        let initiative = submit_published(
            &app,
            &with_notify(
                submission("Colis", "aide-alimentaire", 0),
                "ines@exemple.fr",
            ),
        )
        .await;
        let v: Value = serde_json::from_str(
            &body_of(&app, &format!("/api/v1/initiatives/{}", initiative.id)).await,
        )
        .unwrap();
        let actor = v["actor"]["id"].as_str().unwrap().to_owned();
        let body = CreateEventRequest {
            actor_id: Some(actor.clone()),
            ..with_notify(event("Bal des aînés", "isolement", 0, 60), "eve@exemple.fr")
        };
        let a = submit_event(&app, &body).await;
        approve(&moderator, &a.id).await;
        let body = CreateEventRequest {
            actor_id: Some(actor.clone()),
            ..event("Bal du quartier", "isolement", 0, 61)
        };
        let b = submit_event(&app, &body).await;
        approve(&moderator, &b.id).await;
        let (everywhere, nowhere) = (vec![true; 10], vec![false; 10]);
        let sight_a = (a.id.as_str(), "Bal des aînés", actor.as_str());
        let sight_b = (b.id.as_str(), "Bal du quartier", actor.as_str());
        assert_eq!(public_sightings(&app, sight_a).await, everywhere);
        assert_eq!(submitter_view(&app, &a.edit_token).await.freshness, "fresh");
        assert_eq!(kinds_to(&app, "eve@exemple.fr").await, ["event_decided"]);

        // Past the period: flagged, still public; the submitters who left an address are
        // asked to confirm, once.
        clock.advance(days(11));
        assert_eq!(public_sightings(&app, sight_a).await, everywhere);
        assert_eq!(
            submitter_view(&app, &a.edit_token).await.freshness,
            "flagged"
        );
        eventually("the flags are recorded", async || {
            let listed = stale_events(&moderator).await;
            let flagged = listed.items.iter().filter(|i| i.flagged_at.is_some());
            holds(listed.total == 2 && flagged.count() == 2, listed.total)
        })
        .await;
        eventually("the stale notices are queued", async || {
            let to_eve = kinds_to(&app, "eve@exemple.fr").await;
            let to_ines = kinds_to(&app, "ines@exemple.fr").await;
            holds(
                to_eve == ["event_decided", "listing_stale"] && to_ines == ["listing_stale"],
                (to_eve, to_ines),
            )
        })
        .await;

        // Past the grace period: hidden from every public endpoint, never deleted.
        clock.advance(days(5));
        assert_eq!(public_sightings(&app, sight_a).await, nowhere);
        assert_eq!(public_sightings(&app, sight_b).await, nowhere);
        let view = submitter_view(&app, &a.edit_token).await;
        assert_eq!(
            (view.status.as_str(), view.freshness.as_str()),
            ("published", "hidden")
        );
        let listed = stale_events(&moderator).await;
        assert!(listed.items.iter().all(|i| i.freshness == "hidden"));

        // One click from the private link: back everywhere, for a full period.
        let res = confirm(&app, &a.edit_token).await;
        assert_eq!(res.status(), StatusCode::OK);
        let confirmed: ConfirmListingResponse = res.json().await.unwrap();
        assert_eq!(
            confirmed.hidden_from,
            (clock.today() + days(15)).to_string()
        );
        assert_eq!(public_sightings(&app, sight_a).await, everywhere);
        assert_eq!(public_sightings(&app, sight_b).await, nowhere);
        assert_eq!(submitter_view(&app, &a.edit_token).await.freshness, "fresh");

        // Staff confirm B in bulk.
        let res = stale_bulk(&moderator, "confirm", &[("event", &b.id)]).await;
        assert_eq!(res.status(), StatusCode::OK);
        let done: StaleBulkResponse = res.json().await.unwrap();
        assert_eq!(done.changed, 1);
        assert_eq!(public_sightings(&app, sight_b).await, everywhere);
        assert_eq!(stale_events(&moderator).await.total, 0);

        // Staff archive one: off the agenda for good; it cannot be confirmed any more.
        let res = stale_bulk(&moderator, "archive", &[("event", &b.id)]).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(public_sightings(&app, sight_b).await, nowhere);
        let res = confirm(&app, &b.edit_token).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let res = confirm(&app, "inconnu").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn event_decisions_reach_the_submitter_with_the_reason_and_a_working_private_link() {
    for_each_backend(|db| async move {
        let sink = SmtpSink::start().await;
        let app = app_with(db, &Clock::adjustable(), Some(sink.port)).await;
        let moderator = app.login_as(Role::Moderator).await;

        // The address needs consent and a valid shape, every bad field named.
        let bad = CreateEventRequest {
            notify_email: Some("pas-une-adresse".to_owned()),
            ..event("", "isolement", 0, 20)
        };
        let res = app.post_json("/api/v1/events", &bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        for field in ["notify_email", "notify_consent", "title"] {
            assert!(err.fields.contains_key(field), "{field}: {:?}", err.fields);
        }

        let created = submit_event(
            &app,
            &with_notify(
                event("Goûter partagé", "isolement", 0, 20),
                "eve@exemple.fr",
            ),
        )
        .await;
        settle().await;
        assert!(sink.messages().is_empty(), "nothing at submission");
        let res = reject(&moderator, &created.id, "Date déjà prise ; voyez l'agenda.").await;
        assert_eq!(res.status(), StatusCode::OK);
        let received = sink.one_message("the rejection e-mail").await;
        assert_eq!(received.to, ["eve@exemple.fr"]);
        assert_eq!(
            received.subject(),
            "Votre événement « Goûter partagé » n'a pas été retenu"
        );
        let text = received.body_text();
        assert!(
            text.contains("Motif : Date déjà prise ; voyez l'agenda."),
            "{text}"
        );
        let token = private_link_token(&text, "/agenda/modifier/");
        let view = submitter_view(&app, &token).await;
        assert_eq!(view.status, "rejected", "the e-mailed link works");
        assert_eq!(submitter_view(&app, &created.edit_token).await.id, view.id);

        // A change of a published event, refused: the published version stays.
        let published = submit_event(
            &app,
            &with_notify(event("Loto", "isolement", 1, 30), "leo@exemple.fr"),
        )
        .await;
        approve(&moderator, &published.id).await;
        let res = app
            .client
            .put(format!(
                "{}/api/v1/events/edit/{}",
                app.address, published.edit_token
            ))
            .json(&event("Loto géant", "isolement", 1, 30))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let res = reject(&moderator, &published.id, "Titre trompeur.").await;
        assert_eq!(res.status(), StatusCode::OK);
        let subjects = eventually("both messages to Léo", async || {
            let subjects: Vec<String> = sink
                .messages()
                .iter()
                .filter(|m| m.to == ["leo@exemple.fr"])
                .map(|m| m.subject())
                .collect();
            holds(subjects.len() == 2, &subjects)?;
            Ok(subjects)
        })
        .await;
        assert!(subjects.contains(&"Votre événement « Loto » est publié".to_owned()));
        assert!(subjects.contains(
            &"La modification de votre événement « Loto » n'a pas été retenue".to_owned()
        ));

        // The addresses are forgotten after the retention period, as the others.
        let conn = &app.db.conn;
        let id = uuid::Uuid::parse_str(&published.id).unwrap();
        assert!(storage::outbox::event_target(conn, id)
            .await
            .unwrap()
            .is_some());
        let cleared = storage::outbox::forget_addresses_before(conn, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(cleared, 2);
        assert!(storage::outbox::event_target(conn, id)
            .await
            .unwrap()
            .is_none());
        settle().await;
        assert_eq!(sink.messages().len(), 3, "each message sent once");
    })
    .await;
}

#[tokio::test]
async fn a_decision_on_a_change_of_an_initiative_is_told_to_its_submitter() {
    for_each_backend(|db| async move {
        let app = app_with(db, &Clock::adjustable(), None).await;
        let moderator = app.login_as(Role::Moderator).await;
        let created = submit_published(
            &app,
            &with_notify(submission("Jardin", "sante", 0), "ines@exemple.fr"),
        )
        .await;
        let res = initiatives::edit(
            &app,
            &created.edit_token,
            &submission("Jardin partagé", "sante", 0),
        )
        .await;
        assert!(res.status().is_success(), "{}", res.status());
        let queue: ModerationQueueResponse = moderator
            .get_json("/api/v1/admin/moderation?kind=initiative_revision")
            .await;
        let revision = &queue.items[0].id;
        approve(&moderator, revision).await;
        // (The initiative was published by storage directly: only the change is told.)
        assert_eq!(
            kinds_to(&app, "ines@exemple.fr").await,
            ["initiative_decided"]
        );
    })
    .await;
}
