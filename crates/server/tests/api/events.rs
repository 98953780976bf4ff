//! The agenda over HTTP: submitting an event, moderating it in the staff console's queue,
//! the private edit link, the public list (upcoming first, filters), the map layer, and
//! the iCalendar feeds parsed back with the `icalendar` crate.

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use icalendar::{Calendar, CalendarComponent, Component};
use reqwest::StatusCode;
use serde_json::{json, Value};
use solidarites_api_types::{
    CreateEventRequest, CreateEventResponse, ErrorResponse, EventContentRequest, EventListResponse,
    EventOccurrenceRequest, EventResponse, LocationRequest, ModerationQueueResponse,
    RegistrationRequest, SubmitterEventResponse,
};
use solidarites_domain::demo::demo_communes;
use solidarites_server::auth::Role;

use crate::{
    fixtures,
    helpers::{approve, demo_app_as, for_each_backend, reject, spawn_app, StaffClient, TestApp},
    initiatives::{point_in, submission, submit_published},
};

/// Next year's spring change: the Saturday before it and the Monday after.
fn spring_change_weekend() -> (NaiveDate, NaiveDate) {
    let year = Utc::now().year() + 1;
    let mut sunday = NaiveDate::from_ymd_opt(year, 3, 31).unwrap();
    while sunday.weekday() != Weekday::Sun {
        sunday -= Duration::days(1);
    }
    (sunday - Duration::days(1), sunday + Duration::days(1))
}

/// A day `days` from today, `YYYY-MM-DD`.
pub fn day(days: i64) -> String {
    (Utc::now().date_naive() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A valid event in the `n`-th demo commune (by commune), on the day `days` from today.
pub fn event(title: &str, theme: &str, n: usize, days: i64) -> CreateEventRequest {
    let d = day(days);
    CreateEventRequest {
        content: EventContentRequest {
            title: some(title),
            description: some("Rencontre ouverte à toutes et tous."),
            themes: vec![theme.to_owned()],
            occurrences: vec![occurrence(format!("{d}T14:00"), format!("{d}T17:00"))],
            attendance_mode: some("in_person"),
            location: Some(LocationRequest {
                commune_code: Some(demo_communes()[n].code.to_string()),
                ..LocationRequest::default()
            }),
            accessibility: fixtures::strings(&["motor", "hearing"]),
            registration: Some(RegistrationRequest {
                kind: some("free"),
                value: None,
            }),
            ..EventContentRequest::default()
        },
        ..CreateEventRequest::default()
    }
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

/// A date of an event, from `start` to `end` (local times, `YYYY-MM-DDTHH:MM`).
fn occurrence(start: String, end: String) -> EventOccurrenceRequest {
    EventOccurrenceRequest {
        start: Some(start),
        end: Some(end),
    }
}

pub async fn submit_event(app: &TestApp, body: &CreateEventRequest) -> CreateEventResponse {
    let res = app.post_json("/api/v1/events", body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn published(
    app: &TestApp,
    moderator: &StaffClient,
    body: &CreateEventRequest,
) -> CreateEventResponse {
    let created = submit_event(app, body).await;
    approve(moderator, &created.id).await;
    created
}

async fn list(app: &TestApp, query: &str) -> EventListResponse {
    let res = app.get(&format!("/api/v1/events?{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

fn titles(list: &EventListResponse) -> Vec<String> {
    list.items.iter().map(|e| e.content.title.clone()).collect()
}

/// Replaces the content of the event behind the private link `token` with `body`'s.
async fn edit(app: &TestApp, token: &str, body: &CreateEventRequest) -> reqwest::Response {
    app.client
        .put(format!("{}/api/v1/events/edit/{token}", app.address))
        .json(&body.content)
        .send()
        .await
        .unwrap()
}

/// [`edit`], and what the submitter then sees.
async fn edited(app: &TestApp, token: &str, body: &CreateEventRequest) -> SubmitterEventResponse {
    edit(app, token, body).await.json().await.unwrap()
}

async fn ics(app: &TestApp, path: &str) -> (String, reqwest::header::HeaderMap) {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let headers = res.headers().clone();
    (res.text().await.unwrap(), headers)
}

fn vevents(text: &str) -> Vec<icalendar::Event> {
    let calendar: Calendar = text.parse().unwrap();
    calendar
        .components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_submitted_event_shows_after_approval_in_the_agenda_the_map_and_the_feed() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let (lon, lat) = point_in(&demo_communes()[1]);
        let mut body = event("Atelier cuisine", "aide-alimentaire", 1, 10);
        body.content.location = Some(LocationRequest {
            lon: Some(lon),
            lat: Some(lat),
            commune_code: None,
        });
        let created = submit_event(&app, &body).await;
        assert_eq!(created.status, "pending");
        assert!(created.edit_url.starts_with("/agenda/modifier/"));

        // Pending: nowhere public.
        assert_eq!(list(&app, "").await.total, 0);
        let res = app.get(&format!("/api/v1/events/{}", created.id)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);

        // In the staff console's queue, as an event, then approved.
        let queue: ModerationQueueResponse = moderator
            .get_json("/api/v1/admin/moderation?kind=event")
            .await;
        assert_eq!((queue.total, queue.counts.event), (1, 1));
        let item = &queue.items[0];
        assert_eq!(
            (item.kind.as_str(), item.id.as_str()),
            ("event", created.id.as_str())
        );
        assert_eq!(item.event.as_ref().unwrap().title, "Atelier cuisine");
        approve(&moderator, &created.id).await;

        let listed = list(&app, "").await;
        assert_eq!(titles(&listed), ["Atelier cuisine"]);
        let e = &listed.items[0];
        assert_eq!(e.content.place, "point");
        assert_eq!(
            e.content.commune.as_ref().unwrap().code,
            demo_communes()[1].code.to_string()
        );
        assert_eq!(e.content.accessibility, ["motor", "hearing"]);
        assert_eq!(e.content.occurrences[0].start, format!("{}T14:00", day(10)));
        assert_eq!(e.page_url, format!("/agenda/evenement/{}", created.id));
        let detail: EventResponse = app
            .get_json(&format!("/api/v1/events/{}", created.id))
            .await;
        assert_eq!(&detail, e);

        let map: Value = app.get_json("/api/v1/events.geojson").await;
        let features = map["features"].as_array().unwrap();
        assert_eq!(features.len(), 1);
        assert_eq!(features[0]["properties"]["id"], created.id.as_str());
        assert_eq!(features[0]["geometry"]["coordinates"], json!([lon, lat]));

        let (feed, headers) = ics(&app, "/api/v1/events.ics").await;
        assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
        let events = vevents(&feed);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].get_summary(), Some("Atelier cuisine"));
        assert_eq!(
            events[0].get_uid(),
            Some(format!("event-{}-1@solidarites", created.id).as_str())
        );
    })
    .await;
}

#[tokio::test]
async fn refuses_bad_events_naming_each_field_in_french_and_stores_nothing() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (spring_saturday, _) = spring_change_weekend();
        let sunday = spring_saturday + Duration::days(1);
        let body = CreateEventRequest {
            content: EventContentRequest {
                title: some("ab"),
                themes: fixtures::strings(&["pas-un-theme"]),
                occurrences: vec![
                    occurrence(format!("{sunday}T02:30"), format!("{sunday}T04:00")),
                    occurrence("2027-05-01T10:00".into(), "2027-05-01T09:00".into()),
                ],
                attendance_mode: some("in_person"),
                age_min: Some(-1),
                accessibility: fixtures::strings(&["telepathie"]),
                registration: Some(RegistrationRequest {
                    kind: some("phone"),
                    value: some("123"),
                }),
                event_status: some("peut-etre"),
                ..EventContentRequest::default()
            },
            actor_id: some("00000000-0000-0000-0000-000000000000"),
            ..CreateEventRequest::default()
        };
        let res = app.post_json("/api/v1/events", &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.error, "invalid_fields");
        let fields: Vec<&str> = err.fields.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "accessibility",
                "actor_id",
                "age_min",
                "description",
                "event_status",
                "location",
                "occurrences[0].start",
                "occurrences[1].end",
                "registration.value",
                "themes",
                "title",
            ]
        );
        assert!(err.fields["occurrences[0].start"].contains("heure d'été"));
        let res = app.get("/api/v1/events?from=demain&to=2027-13-01").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.fields.keys().collect::<Vec<_>>(), ["from", "to"]);
        let res = app.get("/api/v1/admin/moderation?kind=event").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let moderator = app.login_as(Role::Moderator).await;
        let queue: ModerationQueueResponse = moderator.get_json("/api/v1/admin/moderation").await;
        assert_eq!(queue.total, 0);
    })
    .await;
}

#[tokio::test]
async fn lists_upcoming_first_and_filters_by_theme_commune_dates_and_actor() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        // A published actor (through an approved initiative with a new actor).
        let initiative =
            submit_published(&app, &submission("Épicerie", "aide-alimentaire", 0)).await;
        let actor_id = app
            .get(&format!("/api/v1/initiatives/{}", initiative.id))
            .await
            .json::<Value>()
            .await
            .unwrap()["actor"]["id"]
            .as_str()
            .unwrap()
            .to_owned();

        let late = CreateEventRequest {
            actor_id: Some(actor_id.clone()),
            ..event("Tard", "culture-sport", 0, 30)
        };
        published(&app, &moderator, &late).await;
        published(&app, &moderator, &event("Bientôt", "isolement", 1, 2)).await;
        published(&app, &moderator, &event("Entre-deux", "isolement", 0, 12)).await;
        // Over: not in the default list.
        let mut past = event("Passé", "isolement", 0, 0);
        let yesterday = day(-1);
        past.content.occurrences = vec![occurrence(
            format!("{yesterday}T10:00"),
            format!("{yesterday}T11:00"),
        )];
        published(&app, &moderator, &past).await;

        assert_eq!(
            titles(&list(&app, "").await),
            ["Bientôt", "Entre-deux", "Tard"]
        );
        assert_eq!(
            titles(&list(&app, "theme=isolement").await),
            ["Bientôt", "Entre-deux"]
        );
        let code0 = demo_communes()[0].code.to_string();
        assert_eq!(
            titles(&list(&app, &format!("commune={code0}")).await),
            ["Entre-deux", "Tard"]
        );
        assert_eq!(
            titles(&list(&app, &format!("actor={actor_id}")).await),
            ["Tard"]
        );
        let window = format!("from={}&to={}", day(5), day(20));
        assert_eq!(titles(&list(&app, &window).await), ["Entre-deux"]);
        assert_eq!(
            titles(&list(&app, &format!("from={}", day(-2))).await)[0],
            "Passé"
        );
        let page = list(&app, "per_page=2&page=2").await;
        assert_eq!((titles(&page), page.total), (vec!["Tard".to_owned()], 3));

        // The actor's feed has its event only.
        let (feed, _) = ics(&app, &format!("/api/v1/events.ics?actor={actor_id}")).await;
        let summaries: Vec<String> = vevents(&feed)
            .iter()
            .map(|e| e.get_summary().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(summaries, ["Tard"]);
        let (feed, _) = ics(&app, "/api/v1/events.ics?theme=culture-sport").await;
        assert_eq!(vevents(&feed).len(), 1);
        let (feed, _) = ics(&app, &format!("/api/v1/events.ics?commune={code0}")).await;
        // Passé (yesterday, within the feed's 30 days), Entre-deux, Tard.
        assert_eq!(vevents(&feed).len(), 3);
    })
    .await;
}

#[tokio::test]
async fn the_feed_parses_back_with_time_zones_cancellations_escaping_and_folding() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let (saturday, monday) = spring_change_weekend();
        let long_title = "Grand week-end des solidarités à Mont-de-Marsan : ateliers, \
                          jeux, repas partagé et concert";
        let description = "Venez nombreux, petits et grands ; il y aura du café.\n\
                           Deuxième ligne : crêpes, thé, « gâteaux » \\ œufs.";
        let mut weekend = event(long_title, "culture-sport", 0, 0);
        weekend.content.description = some(description);
        weekend.content.occurrences = vec![occurrence(
            format!("{saturday}T10:00"),
            format!("{monday}T18:00"),
        )];
        let weekend = published(&app, &moderator, &weekend).await;
        let mut concert_body = event("Concert", "culture-sport", 1, 20);
        concert_body.content.occurrences = [day(20), day(27)]
            .iter()
            .map(|d| occurrence(format!("{d}T20:00"), format!("{d}T22:00")))
            .collect();
        let concert = published(&app, &moderator, &concert_body).await;

        // The organisers cancel the concert through the private link: at once, no
        // moderation, SEQUENCE bumped.
        concert_body.content.event_status = some("cancelled");
        let res = edit(&app, &concert.edit_token, &concert_body).await;
        assert_eq!(res.status(), StatusCode::OK);
        let view: SubmitterEventResponse = res.json().await.unwrap();
        assert_eq!(
            (view.status.as_str(), view.content.event_status.as_str()),
            ("published", "cancelled")
        );
        assert!(view.pending_revision.is_none());

        let (feed, headers) = ics(&app, "/api/v1/events.ics").await;
        // Every physical line within 75 octets; the long title needed folding.
        assert!(feed.split("\r\n").all(|l| l.len() <= 75), "{feed}");
        assert!(feed.contains("\r\n "));
        assert!(feed.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"));
        let events = vevents(&feed);
        assert_eq!(events.len(), 3);

        let w = events
            .iter()
            .find(|e| e.get_uid() == Some(&format!("event-{}-1@solidarites", weekend.id)))
            .unwrap();
        assert_eq!(w.get_summary(), Some(long_title));
        let text = w.get_description().unwrap();
        let page = format!("/agenda/evenement/{}", weekend.id);
        assert!(text.starts_with(description), "{text}");
        assert!(
            text.ends_with(&page),
            "the page link closes DESCRIPTION: {text}"
        );
        assert!(w.get_url().unwrap().ends_with(&page));
        assert_eq!(w.property_value("SEQUENCE"), Some("0"));
        let raw_start = w.properties().get("DTSTART").unwrap();
        assert_eq!(
            raw_start.value(),
            saturday.format("%Y%m%dT100000").to_string()
        );
        assert_eq!(
            raw_start.params().get("TZID").unwrap().value(),
            "Europe/Paris"
        );
        assert_eq!(
            w.properties().get("DTEND").unwrap().value(),
            monday.format("%Y%m%dT180000").to_string()
        );
        // The same instants the API gives: UTC+1 on Saturday, UTC+2 on Monday.
        let detail: EventResponse = app
            .get_json(&format!("/api/v1/events/{}", weekend.id))
            .await;
        let o = &detail.content.occurrences[0];
        assert_eq!(o.start_utc, format!("{saturday}T09:00:00+00:00"));
        assert_eq!(o.end_utc, format!("{monday}T16:00:00+00:00"));

        let cancelled: Vec<&icalendar::Event> = events
            .iter()
            .filter(|e| e.get_uid().is_some_and(|u| u.contains(&concert.id)))
            .collect();
        assert_eq!(cancelled.len(), 2, "one VEVENT per date");
        for (e, n) in cancelled.iter().zip(1..) {
            assert_eq!(
                e.get_uid(),
                Some(format!("event-{}-{n}@solidarites", concert.id).as_str())
            );
            assert_eq!(e.get_status(), Some(icalendar::EventStatus::Cancelled));
            assert_eq!(e.property_value("SEQUENCE"), Some("1"));
            assert!(e.get_summary().unwrap().starts_with("[Annulé]"));
        }

        // ETag: the same feed gives 304; a change gives a new one.
        let etag = headers["etag"].to_str().unwrap().to_owned();
        let res = app
            .get_with_header("/api/v1/events.ics", "If-None-Match", &etag)
            .await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        concert_body.content.event_status = some("scheduled");
        assert_eq!(
            edit(&app, &concert.edit_token, &concert_body)
                .await
                .status(),
            StatusCode::OK
        );
        let (_, headers) = ics(&app, "/api/v1/events.ics").await;
        assert_ne!(headers["etag"].to_str().unwrap(), etag);

        // One event's file.
        let (single, headers) = ics(&app, &format!("/api/v1/events/{}.ics", concert.id)).await;
        assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
        let events = vevents(&single);
        assert_eq!(events.len(), 2);
        assert!(events
            .iter()
            .all(|e| e.property_value("SEQUENCE") == Some("2")));
        assert!(events
            .iter()
            .all(|e| e.get_status() == Some(icalendar::EventStatus::Confirmed)));
        let res = app
            .get(&format!("/api/v1/events/{}.ics", uuid::Uuid::new_v4()))
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn a_published_event_changes_through_moderation_and_can_be_withdrawn() {
    for_each_backend(|db| async move {
        let (app, moderator) = demo_app_as(db, Role::Moderator).await;
        let mut body = event("Marche", "sante", 0, 5);
        let created = submit_event(&app, &body).await;

        // Before moderation, an edit replaces the content.
        body.content.title = some("Marche solidaire");
        let view = edited(&app, &created.edit_token, &body).await;
        assert_eq!(
            (view.status.as_str(), view.content.title.as_str()),
            ("pending", "Marche solidaire")
        );
        approve(&moderator, &created.id).await;

        // Once published, a change waits in the queue; the public keeps the published one.
        body.content.title = some("Marche solidaire et pique-nique");
        let view = edited(&app, &created.edit_token, &body).await;
        assert_eq!(
            view.pending_revision.unwrap().title,
            "Marche solidaire et pique-nique"
        );
        assert_eq!(titles(&list(&app, "").await), ["Marche solidaire"]);
        let queue: ModerationQueueResponse = moderator
            .get_json("/api/v1/admin/moderation?kind=event_revision")
            .await;
        assert_eq!(queue.counts.event_revision, 1);
        let item = &queue.items[0];
        assert_eq!(item.kind, "event_revision");
        assert_eq!(
            item.published_event.as_ref().unwrap().title,
            "Marche solidaire"
        );

        // Refused with a reason the submitter reads; then a new change approved.
        let res = reject(&moderator, &created.id, "Précisez le lieu du pique-nique.").await;
        assert_eq!(res.status(), StatusCode::OK);
        let view: SubmitterEventResponse = app
            .get_json(&format!("/api/v1/events/edit/{}", created.edit_token))
            .await;
        assert_eq!(
            view.moderation_message.as_deref(),
            Some("Précisez le lieu du pique-nique.")
        );
        assert!(view.pending_revision.is_none());
        edit(&app, &created.edit_token, &body).await;
        approve(&moderator, &created.id).await;
        assert_eq!(
            titles(&list(&app, "").await),
            ["Marche solidaire et pique-nique"]
        );
        let (feed, _) = ics(&app, "/api/v1/events.ics").await;
        assert_eq!(vevents(&feed)[0].property_value("SEQUENCE"), Some("1"));

        // Withdrawn: off the agenda and the feed; the link no longer edits.
        let res = app
            .client
            .delete(format!("{}/api/v1/events/edit", app.address))
            .header("X-Edit-Token", &created.edit_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        assert_eq!(list(&app, "").await.total, 0);
        let (feed, _) = ics(&app, "/api/v1/events.ics").await;
        assert!(vevents(&feed).is_empty());
        assert_eq!(
            edit(&app, &created.edit_token, &body).await.status(),
            StatusCode::GONE
        );
        let res = app.get("/api/v1/events/edit/not-a-token").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    })
    .await;
}
