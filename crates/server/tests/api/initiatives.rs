//! The carte des solidarités over HTTP: submission, private edit link, public reading,
//! filters, clusters. Moderation decisions are taken through the storage functions until
//! the staff routes exist.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use geo::InteriorPoint;
use reqwest::StatusCode;
use serde_json::{json, Value};
use solidarites_api_types::{
    ActorDetailResponse, ActorListResponse, ClusterListResponse, ContactRequest,
    CreateInitiativeRequest, CreateInitiativeResponse, ErrorResponse, InitiativeContentRequest,
    InitiativeListResponse, InitiativeResponse, LocationRequest, NewActorRequest,
    SubmitterInitiativeResponse, ThemeListResponse,
};
use solidarites_domain::{demo::demo_communes, results::gaps::haversine_km, Commune, LonLat};
use solidarites_server::storage::{
    self,
    moderation::{Decision, ModerationError},
};
use uuid::Uuid;

use crate::{
    fixtures,
    helpers::{
        self, count_rows, eventually, eventually_ready, for_each_backend, holds, spawn_app,
        test_settings, two_instances, TestApp, TestDb,
    },
};

pub fn point_in(commune: &Commune) -> (f64, f64) {
    let p = commune.geometry.interior_point().expect("interior point");
    (p.x(), p.y())
}

/// A valid submission with a new actor, at a point of the `n`-th demo commune.
pub fn submission(title: &str, theme: &str, n: usize) -> CreateInitiativeRequest {
    let communes = demo_communes();
    let (lon, lat) = point_in(&communes[n]);
    CreateInitiativeRequest {
        content: InitiativeContentRequest {
            title: some(title),
            description: some("Distribution de colis chaque semaine."),
            themes: vec![theme.to_owned()],
            location: Some(LocationRequest {
                lon: Some(lon),
                lat: Some(lat),
                commune_code: None,
            }),
            address: some("1 place de la Mairie"),
            schedule: some("Mardi 14 h – 17 h"),
            contact: ContactRequest {
                email: some("contact@asso.example.org"),
                phone: some("05 58 00 00 00"),
                url: some("https://asso.example.org"),
            },
            ..InitiativeContentRequest::default()
        },
        actor_id: None,
        new_actor: Some(actor(&format!("Acteur de {title}"), "association")),
        notify_email: None,
        notify_consent: false,
    }
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

/// A new actor named `name`, of `kind`.
fn actor(name: &str, kind: &str) -> NewActorRequest {
    NewActorRequest {
        name: some(name),
        kind: some(kind),
        ..NewActorRequest::default()
    }
}

/// A whole commune, by INSEE code, as where an initiative happens.
fn in_commune(code: &str) -> LocationRequest {
    LocationRequest {
        commune_code: some(code),
        ..LocationRequest::default()
    }
}

/// `body` running from `start` to `end`.
fn dated(mut body: CreateInitiativeRequest, start: &str, end: &str) -> CreateInitiativeRequest {
    body.content.start_date = some(start);
    body.content.end_date = some(end);
    body
}

pub async fn post(app: &TestApp, path: &str, body: &impl serde::Serialize) -> reqwest::Response {
    app.client
        .post(format!("{}{}", app.address, path))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// What the submitter sees at the private link `token`.
pub async fn submitter_view(app: &TestApp, token: &str) -> SubmitterInitiativeResponse {
    app.get_json(&format!("/api/v1/initiatives/edit/{token}"))
        .await
}

/// Replaces the content of the initiative behind the private link `token` with `body`'s.
pub async fn edit(app: &TestApp, token: &str, body: &CreateInitiativeRequest) -> reqwest::Response {
    app.client
        .put(format!("{}/api/v1/initiatives/edit/{token}", app.address))
        .json(&body.content)
        .send()
        .await
        .unwrap()
}

pub async fn submit(app: &TestApp, body: &CreateInitiativeRequest) -> CreateInitiativeResponse {
    let res = post(app, "/api/v1/initiatives", body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

pub async fn approve(app: &TestApp, id: &str) {
    storage::moderation::decide(
        &app.db.conn,
        Uuid::parse_str(id).unwrap(),
        &Decision::Approve,
    )
    .await
    .unwrap();
}

pub async fn submit_published(
    app: &TestApp,
    body: &CreateInitiativeRequest,
) -> CreateInitiativeResponse {
    let created = submit(app, body).await;
    approve(app, &created.id).await;
    created
}

pub async fn list(app: &TestApp, query: &str) -> InitiativeListResponse {
    let res = app.get(&format!("/api/v1/initiatives?{query}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

fn titles(list: &InitiativeListResponse) -> Vec<String> {
    let mut t: Vec<String> = list.items.iter().map(|i| i.content.title.clone()).collect();
    t.sort();
    t
}

pub async fn clusters(app: &TestApp, query: &str) -> ClusterListResponse {
    let res = app
        .get(&format!("/api/v1/initiatives/clusters?{query}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

/// Waits until the app's map snapshot (refreshed every 100 ms in tests) shows `total`
/// initiatives over the whole territory.
pub async fn wait_for_map(app: &TestApp, total: u32) {
    eventually(&format!("the map shows {total} initiatives"), async || {
        let got = clusters(app, "zoom=5").await.total;
        holds(got == total, got)
    })
    .await;
}

/// Rows of `table` (SQL: the entities are private to the server's storage).
async fn row_count(app: &TestApp, table: &str) -> u64 {
    u64::try_from(count_rows(&app.db.conn, table).await).unwrap()
}

async fn counts(app: &TestApp) -> (u64, u64, u64) {
    (
        row_count(app, "initiatives").await,
        row_count(app, "actors").await,
        row_count(app, "initiative_revisions").await,
    )
}

async fn demo_app(db: crate::helpers::TestDb) -> TestApp {
    spawn_app(db.with_communes(&demo_communes()).await).await
}

#[tokio::test]
async fn lists_the_default_themes_once_in_order() {
    for_each_backend(|db| async move {
        let url = db.url.clone();
        let app = demo_app(db).await;
        // A second instance on the same database seeds again: nothing is duplicated.
        let second = spawn_app(crate::helpers::TestDb::reopen(&app.db).await).await;
        let themes: ThemeListResponse = second.get_json("/api/v1/themes").await;
        assert_eq!(themes.themes.len(), 14, "{url}");
        assert_eq!(themes.themes[0].slug, "aide-alimentaire");
        assert_eq!(themes.themes[0].label, "Aide alimentaire");
        assert_eq!(themes.themes[13].slug, "autre");
        assert!(themes
            .themes
            .iter()
            .all(|t| !t.retired && t.color.starts_with('#')));
    })
    .await;
}

#[tokio::test]
async fn refuses_a_submission_with_bad_fields_naming_each_and_stores_nothing() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let before = counts(&app).await;
        let body = CreateInitiativeRequest {
            content: InitiativeContentRequest {
                title: some("ab"),
                description: Some("x".repeat(5001)),
                themes: fixtures::strings(&["pas-un-theme"]),
                location: Some(in_commune("99999")),
                start_date: some("2026-13-01"),
                contact: ContactRequest {
                    email: some("pas-un-mail"),
                    phone: some("12345"),
                    url: some("javascript:alert(1)"),
                },
                ..InitiativeContentRequest::default()
            },
            new_actor: Some(NewActorRequest {
                name: some(""),
                kind: some("secte"),
                commune_code: some("abc"),
                ..NewActorRequest::default()
            }),
            ..CreateInitiativeRequest::default()
        };
        let res = post(&app, "/api/v1/initiatives", &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.error, "invalid_fields");
        let mut fields: Vec<&str> = err.fields.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "contact.email",
                "contact.phone",
                "contact.url",
                "description",
                "location",
                "new_actor.commune_code",
                "new_actor.kind",
                "new_actor.name",
                "start_date",
                "themes",
                "title",
            ]
        );
        assert_eq!(counts(&app).await, before);

        // Missing everything: the required fields are named, including who runs it.
        let res = post(&app, "/api/v1/initiatives", &json!({})).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        for f in ["title", "description", "themes", "location", "actor_id"] {
            assert!(err.fields.contains_key(f), "{f}: {:?}", err.fields);
        }
        // An unknown or unpublished actor id.
        let body = CreateInitiativeRequest {
            new_actor: None,
            actor_id: Some(Uuid::new_v4().to_string()),
            ..submission("Épicerie", "aide-alimentaire", 0)
        };
        let res = post(&app, "/api/v1/initiatives", &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.fields.keys().collect::<Vec<_>>(), ["actor_id"]);
        assert_eq!(counts(&app).await, before);
    })
    .await;
}

#[tokio::test]
async fn refuses_a_point_outside_the_territory() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let mut body = submission("Épicerie solidaire", "aide-alimentaire", 0);
        body.content.location = Some(LocationRequest {
            lon: Some(2.35),
            lat: Some(48.85),
            commune_code: None,
        });
        let res = post(&app, "/api/v1/initiatives", &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.fields.keys().collect::<Vec<_>>(), ["location"]);
        assert!(err.fields["location"].contains("en dehors du territoire"));
        assert_eq!(counts(&app).await, (0, 0, 0));
    })
    .await;
}

#[tokio::test]
async fn derives_the_commune_from_the_point_and_accepts_a_commune_wide_action() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let communes = demo_communes();
        let created = submit_published(&app, &submission("Au point", "logement", 3)).await;
        let got: InitiativeResponse = app
            .get_json(&format!("/api/v1/initiatives/{}", created.id))
            .await;
        assert_eq!(got.content.commune.code, communes[3].code.as_str());
        assert!(got.content.has_point);

        let mut body = submission("Toute la commune", "logement", 0);
        body.content.location = Some(in_commune(communes[5].code.as_str()));
        let created = submit_published(&app, &body).await;
        let got: InitiativeResponse = app
            .get_json(&format!("/api/v1/initiatives/{}", created.id))
            .await;
        assert_eq!(got.content.commune.code, communes[5].code.as_str());
        assert!(!got.content.has_point);
        let geojson: Value = app.get_json("/api/v1/initiatives.geojson").await;
        let feature = geojson["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["properties"]["id"] == created.id.as_str())
            .unwrap();
        assert_eq!(feature["properties"]["location_precision"], "commune");
        assert_eq!(feature["properties"]["commune"], communes[5].code.as_str());
    })
    .await;
}

#[tokio::test]
async fn a_pending_initiative_never_appears_publicly() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let created = submit(
            &app,
            &submission("Épicerie solidaire", "aide-alimentaire", 0),
        )
        .await;
        assert_eq!(created.status, "pending");
        assert_eq!(created.edit_token.len(), 43);
        assert_eq!(
            created.edit_url,
            format!("/initiatives/modifier/{}", created.edit_token)
        );

        assert_eq!(list(&app, "").await.total, 0);
        let geojson: Value = app.get_json("/api/v1/initiatives.geojson").await;
        assert_eq!(geojson["features"].as_array().unwrap().len(), 0);
        assert_eq!(clusters(&app, "zoom=5").await.total, 0);
        let res = app
            .get(&format!("/api/v1/initiatives/{}", created.id))
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        // Its new actor is pending too.
        let view = submitter_view(&app, &created.edit_token).await;
        assert_eq!(view.status, "pending");
        let res = app.get(&format!("/api/v1/actors/{}", view.actor.id)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let actors: ActorListResponse = app.get_json("/api/v1/actors").await;
        assert_eq!(actors.total, 0);

        // Once approved, it shows everywhere, with its actor.
        approve(&app, &created.id).await;
        wait_for_map(&app, 1).await;
        assert_eq!(list(&app, "").await.total, 1);
        let actor: ActorDetailResponse = app
            .get_json(&format!("/api/v1/actors/{}", view.actor.id))
            .await;
        assert_eq!(actor.initiatives.len(), 1);
    })
    .await;
}

#[tokio::test]
async fn refuses_unknown_or_wrong_edit_tokens() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let created = submit(&app, &submission("Épicerie", "aide-alimentaire", 0)).await;
        let wrong = solidarites_server::edit_token::generate();
        let body = submission("Changé", "aide-alimentaire", 0);
        for token in [wrong.as_str(), "x", &created.edit_token[..42]] {
            let url = format!("{}/api/v1/initiatives/edit/{token}", app.address);
            let get = app.client.get(&url).send().await.unwrap();
            assert_eq!(get.status(), StatusCode::NOT_FOUND, "{token}");
            let err: ErrorResponse = get.json().await.unwrap();
            assert_eq!(err.error, "not_found");
            let put = app.client.put(&url).json(&body).send().await.unwrap();
            assert_eq!(put.status(), StatusCode::NOT_FOUND);
            let del = app.client.delete(&url).send().await.unwrap();
            assert_eq!(del.status(), StatusCode::NOT_FOUND);
            let header = app
                .get_with_header("/api/v1/initiatives/edit", "X-Edit-Token", token)
                .await;
            assert_eq!(header.status(), StatusCode::NOT_FOUND);
        }
        // No token at all: a malformed request, naming the header.
        let none = app.get("/api/v1/initiatives/edit").await;
        assert_eq!(none.status(), StatusCode::BAD_REQUEST);
        let err: ErrorResponse = none.json().await.unwrap();
        assert_eq!(err.error, "missing_header");
        assert!(err.fields.contains_key("X-Edit-Token"));

        // The right token works by header and by path, and the title did not change.
        let by_header: SubmitterInitiativeResponse = app
            .get_with_header(
                "/api/v1/initiatives/edit",
                "X-Edit-Token",
                &created.edit_token,
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(by_header.id, created.id);
        assert_eq!(by_header.content.title, "Épicerie");
    })
    .await;
}

#[tokio::test]
async fn an_edit_of_a_published_initiative_keeps_the_published_version_until_approval() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let created = submit_published(&app, &submission("Version publiée", "sante", 0)).await;
        let url = format!(
            "{}/api/v1/initiatives/edit/{}",
            app.address, created.edit_token
        );
        let edit = submission("Version modifiée", "sante", 1);
        let res = app.client.put(&url).json(&edit).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let view: SubmitterInitiativeResponse = res.json().await.unwrap();
        assert_eq!(view.status, "published");
        assert_eq!(view.content.title, "Version publiée");
        assert_eq!(
            view.pending_revision.as_ref().unwrap().title,
            "Version modifiée"
        );

        let public: InitiativeResponse = app
            .get_json(&format!("/api/v1/initiatives/{}", created.id))
            .await;
        assert_eq!(public.content.title, "Version publiée");
        assert_eq!(titles(&list(&app, "").await), ["Version publiée"]);
        assert_eq!(list(&app, "q=modifiee").await.total, 0);

        // A rejected change leaves the published version and tells the submitter why.
        let queue = storage::moderation::queue(&app.db.conn).await.unwrap();
        assert_eq!(queue.revisions.len(), 1);
        let rev_id = queue.revisions[0].0.id;
        storage::moderation::decide(
            &app.db.conn,
            rev_id,
            &Decision::Reject("Adresse inexacte.".into()),
        )
        .await
        .unwrap();
        let view = submitter_view(&app, &created.edit_token).await;
        assert_eq!(
            view.moderation_message.as_deref(),
            Some("Adresse inexacte.")
        );
        assert!(view.pending_revision.is_none());

        // A new change, approved, replaces the published version.
        app.client.put(&url).json(&edit).send().await.unwrap();
        let queue = storage::moderation::queue(&app.db.conn).await.unwrap();
        storage::moderation::decide(&app.db.conn, queue.revisions[0].0.id, &Decision::Approve)
            .await
            .unwrap();
        assert_eq!(titles(&list(&app, "").await), ["Version modifiée"]);
        let public: InitiativeResponse = app
            .get_json(&format!("/api/v1/initiatives/{}", created.id))
            .await;
        assert_eq!(
            public.content.commune.code,
            demo_communes()[1].code.as_str()
        );
    })
    .await;
}

#[tokio::test]
async fn withdrawing_removes_an_initiative_and_closes_the_edit_link() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let created = submit_published(&app, &submission("À retirer", "sante", 0)).await;
        wait_for_map(&app, 1).await;
        let url = format!("{}/api/v1/initiatives/edit", app.address);
        let res = app
            .client
            .delete(&url)
            .header("X-Edit-Token", &created.edit_token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        assert_eq!(list(&app, "").await.total, 0);
        assert_eq!(clusters(&app, "zoom=5").await.total, 0);
        let res = app
            .client
            .put(&url)
            .header("X-Edit-Token", &created.edit_token)
            .json(&submission("Encore", "sante", 0))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::GONE);
    })
    .await;
}

#[tokio::test]
async fn returns_xss_looking_text_verbatim() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let script = "<script>alert(1)</script>";
        let img = "\"><img src=x onerror=alert(1)>";
        let mut body = submission(script, "autre", 0);
        body.content.description = Some(format!("{img}\n& « guillemets »"));
        body.content.schedule = some(img);
        body.new_actor = Some(actor(img, "association"));
        let created = submit_published(&app, &body).await;
        let res = app
            .get(&format!("/api/v1/initiatives/{}", created.id))
            .await;
        assert!(res
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let got: InitiativeResponse = res.json().await.unwrap();
        assert_eq!(got.content.title, script);
        assert_eq!(got.content.description, format!("{img}\n& « guillemets »"));
        assert_eq!(got.content.schedule.as_deref(), Some(img));
        assert_eq!(got.actor.name, img);
        let geojson: Value = app.get_json("/api/v1/initiatives.geojson").await;
        assert_eq!(geojson["features"][0]["properties"]["title"], script);
    })
    .await;
}

#[tokio::test]
async fn filters_by_theme_commune_bbox_text_actor_and_label() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let communes = demo_communes();
        let a = submit_published(
            &app,
            &submission("Épicerie solidaire", "aide-alimentaire", 0),
        )
        .await;
        let mut body_b = submission("Atelier numérique", "numerique", 10);
        body_b.content.themes = fixtures::strings(&["numerique", "education"]);
        body_b.content.description = some("Aide aux démarches en ligne.");
        submit_published(&app, &body_b).await;
        let mut body_c = submission("Visites de convivialité", "isolement", 20);
        body_c.content.description = some("Des bénévoles rendent visite.");
        body_c.new_actor = Some(actor("Les Petits Frères de l'Île", "association"));
        let c = submit_published(&app, &body_c).await;

        // theme: one, several (repeated or comma list), none matching
        assert_eq!(
            titles(&list(&app, "theme=numerique").await),
            ["Atelier numérique"]
        );
        assert_eq!(
            titles(&list(&app, "theme=education").await),
            ["Atelier numérique"]
        );
        assert_eq!(list(&app, "theme=numerique&theme=isolement").await.total, 2);
        assert_eq!(
            list(&app, "theme=numerique,aide-alimentaire").await.total,
            2
        );
        assert_eq!(list(&app, "theme=logement").await.total, 0);

        // commune
        let code = communes[20].code.as_str();
        assert_eq!(
            titles(&list(&app, &format!("commune={code}")).await),
            ["Visites de convivialité"]
        );
        let other = communes[30].code.as_str();
        assert_eq!(list(&app, &format!("commune={other}")).await.total, 0);
        let res = app.get("/api/v1/initiatives?commune=xyz").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // bbox: around the first point only; then an empty sea box; then invalid ones
        let (lon, lat) = point_in(&communes[0]);
        let bbox = format!(
            "bbox={},{},{},{}",
            lon - 0.001,
            lat - 0.001,
            lon + 0.001,
            lat + 0.001
        );
        assert_eq!(titles(&list(&app, &bbox).await), ["Épicerie solidaire"]);
        assert_eq!(list(&app, "bbox=10,10,11,11").await.total, 0);
        for bad in [
            "bbox=1,2,3",
            "bbox=a,b,c,d",
            "bbox=3,2,1,4",
            "bbox=-200,0,0,1",
        ] {
            let res = app.get(&format!("/api/v1/initiatives?{bad}")).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            let err: ErrorResponse = res.json().await.unwrap();
            assert!(err.fields.contains_key("bbox"), "{bad}");
        }
        let geojson: Value = app
            .get_json(&format!("/api/v1/initiatives.geojson?{bbox}"))
            .await;
        assert_eq!(geojson["features"].as_array().unwrap().len(), 1);

        // q: accents and case ignored, over title, description and actor name
        assert_eq!(
            titles(&list(&app, "q=epicerie").await),
            ["Épicerie solidaire"]
        );
        assert_eq!(
            titles(&list(&app, "q=%C3%89PICERIE").await),
            ["Épicerie solidaire"]
        );
        assert_eq!(
            titles(&list(&app, "q=demarches").await),
            ["Atelier numérique"]
        );
        assert_eq!(
            titles(&list(&app, "q=petits%20freres%20de%20l%20ile").await),
            ["Visites de convivialité"]
        );
        assert_eq!(list(&app, "q=boulangerie").await.total, 0);

        // actor
        let view = submitter_view(&app, &c.edit_token).await;
        assert_eq!(
            titles(&list(&app, &format!("actor={}", view.actor.id)).await),
            ["Visites de convivialité"]
        );

        // label: on the initiative itself, on its actor; expired and revoked grants don't count
        let label = storage::labels::create(
            &app.db.conn,
            "anti-solitude",
            "Label anti-solitude",
            "Critères.",
        )
        .await
        .unwrap();
        assert_eq!(list(&app, "label=anti-solitude").await.total, 0);
        let today = chrono::Utc::now().date_naive();
        let grant = storage::labels::grant(
            &app.db.conn,
            label.id,
            storage::labels::GrantTarget::Initiative(Uuid::parse_str(&a.id).unwrap()),
            today + chrono::Duration::days(30),
        )
        .await
        .unwrap();
        let actor_id = Uuid::parse_str(&view.actor.id).unwrap();
        storage::labels::grant(
            &app.db.conn,
            label.id,
            storage::labels::GrantTarget::Actor(actor_id),
            today - chrono::Duration::days(3),
        )
        .await
        .unwrap();
        assert_eq!(
            titles(&list(&app, "label=anti-solitude").await),
            ["Épicerie solidaire"]
        );
        let labelled: InitiativeResponse =
            app.get_json(&format!("/api/v1/initiatives/{}", a.id)).await;
        assert_eq!(labelled.labels.len(), 1);
        assert_eq!(labelled.labels[0].name, "Label anti-solitude");
        let actors: ActorListResponse = app.get_json("/api/v1/actors?label=anti-solitude").await;
        assert_eq!(actors.total, 0, "the actor's grant expired");
        storage::labels::grant(
            &app.db.conn,
            label.id,
            storage::labels::GrantTarget::Actor(actor_id),
            today + chrono::Duration::days(365),
        )
        .await
        .unwrap();
        assert_eq!(list(&app, "label=anti-solitude").await.total, 2);
        let actors: ActorListResponse = app.get_json("/api/v1/actors?label=anti-solitude").await;
        assert_eq!(
            actors
                .items
                .iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>(),
            [view.actor.id.as_str()]
        );
        assert_eq!(actors.items[0].labels.len(), 1);
        storage::labels::revoke(&app.db.conn, grant.id.into())
            .await
            .unwrap();
        assert_eq!(
            titles(&list(&app, "label=anti-solitude").await),
            ["Visites de convivialité"]
        );
        let unlabelled: InitiativeResponse =
            app.get_json(&format!("/api/v1/initiatives/{}", a.id)).await;
        assert!(unlabelled.labels.is_empty());
        assert_eq!(list(&app, "label=inconnu").await.total, 0);
    })
    .await;
}

#[tokio::test]
async fn lists_the_initiatives_near_a_commune_nearest_first_within_the_radius() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let communes = demo_communes();
        // The centre: a commune inside the territory, with neighbours on every side.
        let centre = communes
            .iter()
            .position(|c| c.name == "Enclave-Imaginaire")
            .unwrap();
        let origin = communes[centre].interior_point().unwrap();
        let from_origin = |k: usize| {
            let (lon, lat) = point_in(&communes[k]);
            haversine_km(origin, LonLat::new(lon, lat).unwrap())
        };
        let mut others: Vec<(usize, f64)> = (0..communes.len())
            .filter(|&k| k != centre)
            .map(|k| (k, from_origin(k)))
            .collect();
        others.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (neighbour, d_neighbour) = others[0];
        let (second, d_second) = others[1];
        let (far, d_far) = others
            .iter()
            .copied()
            .find(|(_, d)| (30.0..60.0).contains(d))
            .unwrap();
        assert!(
            d_neighbour < d_second && d_second < 20.0,
            "{d_neighbour} {d_second}"
        );

        let theme = "aide-alimentaire";
        submit_published(&app, &submission("Au second voisin", theme, second)).await;
        submit_published(&app, &submission("Au loin", theme, far)).await;
        submit_published(&app, &submission("Chez le voisin", theme, neighbour)).await;
        submit_published(&app, &submission("Sur place", theme, centre)).await;
        submit_published(&app, &submission("Autre domaine", "sante", centre)).await;
        // Never shown: waiting for moderation, or rejected.
        submit(&app, &submission("En attente", theme, centre)).await;
        let rejected = submit(&app, &submission("Refusée", theme, neighbour)).await;
        storage::moderation::decide(
            &app.db.conn,
            Uuid::parse_str(&rejected.id).unwrap(),
            &Decision::Reject("Hors sujet".to_owned()),
        )
        .await
        .unwrap();

        let code = communes[centre].code.as_str();
        let found = list(&app, &format!("theme={theme}&near={code}")).await;
        let titles: Vec<&str> = found
            .items
            .iter()
            .map(|i| i.content.title.as_str())
            .collect();
        // Nearest first; the neighbours' included; beyond 20 km, unpublished and other
        // themes left out.
        assert_eq!(titles, ["Sur place", "Chez le voisin", "Au second voisin"]);
        assert_eq!(found.total, 3);
        let distances: Vec<f64> = found.items.iter().map(|i| i.distance_km.unwrap()).collect();
        assert!(distances[0] < 1.0, "{distances:?}");
        assert!((distances[1] - d_neighbour).abs() < 0.01, "{distances:?}");
        assert!((distances[2] - d_second).abs() < 0.01, "{distances:?}");
        assert_eq!(
            found.items[1].content.commune.code,
            communes[neighbour].code.as_str()
        );
        let near = found.near.as_ref().unwrap();
        assert_eq!(near.commune.code, code);
        assert_eq!(near.commune.name, communes[centre].name);
        assert_eq!((near.lon, near.lat), (origin.lon(), origin.lat()));
        assert_eq!(near.radius_km, 20.0);

        // A wider radius takes the far one in, last; pages follow the distance order.
        let wide = format!(
            "theme={theme}&near={code}&radius_km={}",
            (d_far + 1.0).ceil()
        );
        let all = list(&app, &wide).await;
        assert_eq!(all.total, 4);
        assert_eq!(all.items.last().unwrap().content.title, "Au loin");
        let page2 = list(&app, &format!("{wide}&per_page=3&page=2")).await;
        assert_eq!(page2.items.len(), 1);
        assert_eq!(page2.items[0].content.title, "Au loin");
        assert_eq!(page2.total, 4);
        // Without a theme: the other domain too, still never the unpublished.
        let any = list(&app, &format!("near={code}")).await;
        assert_eq!(any.total, 4);
        assert!(any
            .items
            .iter()
            .all(|i| !["En attente", "Refusée"].contains(&i.content.title.as_str())));
        // Lists without `near` carry no distance.
        let plain = list(&app, &format!("theme={theme}")).await;
        assert!(plain.near.is_none() && plain.items.iter().all(|i| i.distance_km.is_none()));

        // The map layer: the same initiatives.
        let geojson: Value = app
            .get_json(&format!(
                "/api/v1/initiatives.geojson?theme={theme}&near={code}"
            ))
            .await;
        let mut features: Vec<&str> = geojson["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["title"].as_str().unwrap())
            .collect();
        features.sort_unstable();
        assert_eq!(
            features,
            ["Au second voisin", "Chez le voisin", "Sur place"]
        );

        // Bad input: 422 naming the field, in French.
        for (query, field) in [
            ("near=4019", "near"),
            ("near=99999", "near"),
            (&*format!("near={code}&radius_km=0"), "radius_km"),
            (&*format!("near={code}&radius_km=101"), "radius_km"),
            (&*format!("near={code}&radius_km=loin"), "radius_km"),
            ("radius_km=10", "radius_km"),
        ] {
            for path in ["/api/v1/initiatives", "/api/v1/initiatives.geojson"] {
                let res = app.get(&format!("{path}?{query}")).await;
                assert_eq!(
                    res.status(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{path}?{query}"
                );
                let err: ErrorResponse = res.json().await.unwrap();
                assert!(err.fields.contains_key(field), "{query}: {:?}", err.fields);
                assert!(
                    err.fields[field].contains(' '),
                    "a sentence: {:?}",
                    err.fields
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn filters_the_actors_directory() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let communes = demo_communes();
        let mut body = submission("Épicerie", "aide-alimentaire", 0);
        body.new_actor = Some(NewActorRequest {
            commune_code: some(communes[0].code.as_str()),
            ..actor("Épicerie des Îles", "association")
        });
        submit_published(&app, &body).await;
        let mut body = submission("Café numérique", "numerique", 1);
        body.new_actor = Some(actor("CCAS de Port-Fictif", "ccas"));
        submit_published(&app, &body).await;
        let names = |r: ActorListResponse| r.items.into_iter().map(|a| a.name).collect::<Vec<_>>();
        let get = |q: &'static str| {
            let app = &app;
            async move {
                let res = app.get(&format!("/api/v1/actors?{q}")).await;
                assert_eq!(res.status(), StatusCode::OK, "{q}");
                res.json::<ActorListResponse>().await.unwrap()
            }
        };
        assert_eq!(get("").await.total, 2);
        assert_eq!(names(get("kind=ccas").await), ["CCAS de Port-Fictif"]);
        assert_eq!(get("kind=entreprise").await.total, 0);
        assert_eq!(
            names(get("q=epicerie%20des%20iles").await),
            ["Épicerie des Îles"]
        );
        assert_eq!(get("q=boulangerie").await.total, 0);
        assert_eq!(names(get("theme=numerique").await), ["CCAS de Port-Fictif"]);
        assert_eq!(get("theme=logement").await.total, 0);
        let res = app
            .get(&format!("/api/v1/actors?commune={}", communes[0].code))
            .await;
        let r: ActorListResponse = res.json().await.unwrap();
        assert_eq!(names(r), ["Épicerie des Îles"]);
        let res = app.get("/api/v1/actors?kind=secte&commune=x").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.fields.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn hides_expired_initiatives() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let body = dated(
            submission("Terminée", "sante", 0),
            "2020-01-01",
            "2020-06-30",
        );
        let expired = submit_published(&app, &body).await;
        let body = dated(
            submission("En cours", "sante", 1),
            "2020-01-01",
            "2099-12-31",
        );
        submit_published(&app, &body).await;
        submit_published(&app, &submission("Permanente", "sante", 2)).await;
        wait_for_map(&app, 2).await;
        assert_eq!(titles(&list(&app, "").await), ["En cours", "Permanente"]);
        let res = app
            .get(&format!("/api/v1/initiatives/{}", expired.id))
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let geojson: Value = app.get_json("/api/v1/initiatives.geojson").await;
        assert_eq!(geojson["features"].as_array().unwrap().len(), 2);
        // End before start is refused.
        let body = dated(
            submission("À l'envers", "sante", 0),
            "2026-02-01",
            "2026-01-01",
        );
        let res = post(&app, "/api/v1/initiatives", &body).await;
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(err.fields.keys().collect::<Vec<_>>(), ["end_date"]);
    })
    .await;
}

#[tokio::test]
async fn cluster_counts_add_up_to_the_published_initiatives_in_the_bbox() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let themes = ["aide-alimentaire", "sante", "logement"];
        for n in 0..24 {
            let body = submission(&format!("Initiative {n}"), themes[n % 3], n % 12);
            if n % 5 == 4 {
                submit(&app, &body).await; // stays pending
            } else {
                submit_published(&app, &body).await;
            }
        }
        let published = 24 - 24 / 5;
        wait_for_map(&app, published).await;
        for zoom in [0, 5, 8, 10, 12] {
            let c = clusters(&app, &format!("zoom={zoom}")).await;
            assert_eq!(c.total, published, "zoom {zoom}");
            assert_eq!(c.clusters.iter().map(|c| c.count).sum::<u32>(), published);
            for cluster in &c.clusters {
                assert_eq!(cluster.themes.values().sum::<u32>(), cluster.count);
                assert_eq!(cluster.id.is_some(), cluster.count == 1);
                assert_eq!(cluster.title.is_some(), cluster.count == 1);
            }
        }
        assert!(clusters(&app, "zoom=0").await.clusters.len() == 1);
        // A bbox around one commune's point holds exactly the published ones there.
        let (lon, lat) = point_in(&demo_communes()[0]);
        let bbox = format!(
            "bbox={},{},{},{}",
            lon - 0.001,
            lat - 0.001,
            lon + 0.001,
            lat + 0.001
        );
        let in_box = list(&app, &format!("{bbox}&per_page=100")).await.total;
        let c = clusters(&app, &format!("{bbox}&zoom=14")).await;
        assert_eq!(u64::from(c.total), in_box);
        assert!(in_box > 0);
        let c = clusters(&app, &format!("{bbox}&zoom=14&theme=sante")).await;
        assert!(c
            .clusters
            .iter()
            .all(|c| c.themes.keys().all(|t| t == "sante")));
        // Invalid zoom and too large a view are refused.
        for bad in ["zoom=21", "zoom=x", "", "zoom=20&bbox=-5,45,-3,47"] {
            let res = app
                .get(&format!("/api/v1/initiatives/clusters?{bad}"))
                .await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
    })
    .await;
}

#[tokio::test]
async fn paginates_the_public_list() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        for n in 0..7 {
            submit_published(&app, &submission(&format!("Initiative {n}"), "autre", n)).await;
        }
        let first = list(&app, "per_page=3").await;
        assert_eq!(
            (first.total, first.items.len(), first.page, first.per_page),
            (7, 3, 1, 3)
        );
        let third = list(&app, "per_page=3&page=3").await;
        assert_eq!(third.items.len(), 1);
        let beyond = list(&app, "per_page=3&page=4").await;
        assert!(beyond.items.is_empty());
        let mut all: Vec<String> = Vec::new();
        for page in 1..=3 {
            all.extend(
                list(&app, &format!("per_page=3&page={page}"))
                    .await
                    .items
                    .into_iter()
                    .map(|i| i.id),
            );
        }
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 7);
        for bad in ["per_page=101", "per_page=0", "page=0", "page=-1"] {
            let res = app.get(&format!("/api/v1/initiatives?{bad}")).await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
    })
    .await;
}

#[tokio::test]
async fn retired_themes_are_refused_for_new_submissions_but_kept_on_old_ones() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let old = submit_published(&app, &submission("Ancienne", "mobilite", 0)).await;
        storage::themes::retire(&app.db.conn, "mobilite")
            .await
            .unwrap();
        let res = post(
            &app,
            "/api/v1/initiatives",
            &submission("Nouvelle", "mobilite", 0),
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let themes: ThemeListResponse = app.get_json("/api/v1/themes").await;
        assert!(themes
            .themes
            .iter()
            .any(|t| t.slug == "mobilite" && t.retired));
        let got: InitiativeResponse = app
            .get_json(&format!("/api/v1/initiatives/{}", old.id))
            .await;
        assert_eq!(got.content.themes, ["mobilite"]);
        // Its submitter can still edit it without changing theme.
        let res = edit(
            &app,
            &old.edit_token,
            &submission("Ancienne, corrigée", "mobilite", 0),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn moderation_decisions_follow_the_workflow_and_bulk_is_all_or_nothing() {
    for_each_backend(|db| async move {
        let app = demo_app(db).await;
        let a = submit(&app, &submission("Initiative A", "sante", 0)).await;
        let b = submit(&app, &submission("Initiative B", "sante", 1)).await;
        let c = submit(&app, &submission("Initiative C", "sante", 2)).await;
        let queue = storage::moderation::queue(&app.db.conn).await.unwrap();
        assert_eq!((queue.initiatives.len(), queue.actors.len()), (3, 3));

        let ids: Vec<Uuid> = [&a.id, &b.id]
            .iter()
            .map(|i| Uuid::parse_str(i).unwrap())
            .collect();
        let unknown = Uuid::new_v4();
        let err = storage::moderation::decide_all(
            &app.db.conn,
            &[ids[0], unknown, ids[1]],
            &Decision::Approve,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, ModerationError::UnknownIds(ref u) if u == &vec![unknown]),
            "{err:?}"
        );
        assert_eq!(list(&app, "").await.total, 0, "nothing approved");

        // One not applicable (already published) makes the whole batch fail too.
        approve(&app, &c.id).await;
        let c_id = Uuid::parse_str(&c.id).unwrap();
        assert!(
            storage::moderation::decide_all(&app.db.conn, &[ids[0], c_id], &Decision::Approve)
                .await
                .is_err()
        );
        assert_eq!(list(&app, "").await.total, 1);

        let outcomes = storage::moderation::decide_all(&app.db.conn, &ids, &Decision::Approve)
            .await
            .unwrap();
        assert_eq!(outcomes.len(), 2);
        assert_eq!(outcomes[0].before["status"], "pending");
        assert_eq!(outcomes[0].after["status"], "published");
        assert_eq!(list(&app, "").await.total, 3);

        // Request changes, then reject: the submitter reads the message.
        let d = submit(&app, &submission("Initiative D", "sante", 3)).await;
        let d_id = Uuid::parse_str(&d.id).unwrap();
        storage::moderation::decide(
            &app.db.conn,
            d_id,
            &Decision::RequestChanges("Précisez l'horaire.".into()),
        )
        .await
        .unwrap();
        let view = submitter_view(&app, &d.edit_token).await;
        assert_eq!(view.status, "changes_requested");
        assert_eq!(
            view.moderation_message.as_deref(),
            Some("Précisez l'horaire.")
        );
        // The submitter's edit sends it back to the queue.
        edit(
            &app,
            &d.edit_token,
            &submission("Initiative D corrigée", "sante", 3),
        )
        .await;
        let queue = storage::moderation::queue(&app.db.conn).await.unwrap();
        assert_eq!(
            queue
                .initiatives
                .iter()
                .map(|i| i.title.as_str())
                .collect::<Vec<_>>(),
            ["Initiative D corrigée"]
        );
        storage::moderation::decide(&app.db.conn, d_id, &Decision::Reject("Hors sujet.".into()))
            .await
            .unwrap();
        let view = submitter_view(&app, &d.edit_token).await;
        assert_eq!(
            (view.status.as_str(), view.moderation_message.as_deref()),
            ("rejected", Some("Hors sujet."))
        );

        // Archiving a published initiative takes it off the map.
        storage::moderation::decide(&app.db.conn, c_id, &Decision::Archive)
            .await
            .unwrap();
        assert_eq!(list(&app, "").await.total, 2);
        wait_for_map(&app, 2).await;
    })
    .await;
}

#[tokio::test]
async fn anonymous_submissions_are_throttled_per_address_and_the_refused_one_stores_nothing() {
    for_each_backend(|db| async move {
        let mut settings = crate::helpers::test_settings(&db);
        settings.answer_burst_per_ip = 2;
        settings.answer_refill_per_ip = Duration::from_secs(3600);
        let app =
            crate::helpers::spawn_app_with(db.with_communes(&demo_communes()).await, settings)
                .await;
        submit(
            &app,
            &submission("Épicerie solidaire", "aide-alimentaire", 0),
        )
        .await;
        submit(&app, &submission("Café des aidants", "isolement", 1)).await;
        let before = counts(&app).await;
        let res = post(
            &app,
            "/api/v1/initiatives",
            &submission("Repair café", "isolement", 2),
        )
        .await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry > 0);
        let body: ErrorResponse = res.json().await.unwrap();
        assert!(!body.message.is_empty());
        assert_eq!(counts(&app).await, before);
        assert_eq!(before.0, 2);
    })
    .await;
}

/// An initiative archived through one instance leaves the clusters of another at once
/// (not after that instance's refresh period), and the answer is revalidated by browsers
/// (no `max-age`), with a 304 while nothing changed.
#[tokio::test]
async fn clusters_follow_a_change_made_on_another_instance_at_once() {
    for_each_backend(|db| async move {
        // Periodic refreshes far away: only the per-request check can bring the change.
        let (app, other) = unrefreshed_instances(db).await;
        let kept = submit_published(&app, &submission("Épicerie", "aide-alimentaire", 0)).await;
        let gone = submit_published(&app, &submission("Café", "isolement", 1)).await;
        assert_eq!(clusters(&other, "zoom=5").await.total, 2);

        let res = other.get("/api/v1/initiatives/clusters?zoom=5").await;
        assert_eq!(res.headers()["cache-control"], "no-cache");
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        let again = other
            .get_with_header(
                "/api/v1/initiatives/clusters?zoom=5",
                "If-None-Match",
                &etag,
            )
            .await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

        let moderator = app
            .login_as(solidarites_server::auth::Role::Moderator)
            .await;
        helpers::moderate(&moderator, &gone.id, "archive").await;
        let after = clusters(&other, "zoom=5").await;
        assert_eq!(after.total, 1);
        assert_eq!(list(&other, "").await.items.len(), 1);
        let changed = other
            .get_with_header(
                "/api/v1/initiatives/clusters?zoom=5",
                "If-None-Match",
                &etag,
            )
            .await;
        assert_eq!(
            changed.status(),
            StatusCode::OK,
            "a new revision, a new answer"
        );
        let _ = kept;
    })
    .await;
}

/// The page of `query` on `app` once `ready` holds for it.
async fn list_when(
    app: &TestApp,
    query: &str,
    what: &str,
    ready: impl Fn(&InitiativeListResponse) -> bool,
) -> InitiativeListResponse {
    eventually_ready(what, async || list(app, query).await, ready, titles).await
}

/// Two instances on one database of the demo territory whose periodic refreshes are an
/// hour away.
async fn unrefreshed_instances(db: TestDb) -> (TestApp, TestApp) {
    let db = db.with_communes(&demo_communes()).await;
    let mut settings = test_settings(&db);
    settings.territory_refresh = Duration::from_secs(3600);
    two_instances(db, settings).await
}

/// The list answers from pages kept by revision (issue 17, point 4): after each kind of
/// write — moderation, a label granted and revoked, an archive, a withdrawal — on
/// the instance that wrote and on another one, the list shows it; a pending or archived
/// initiative never appears. (Stale listings: `stale.rs` checks the list as days pass.)
#[tokio::test]
async fn the_public_list_follows_every_kind_of_write_on_every_instance() {
    for_each_backend(|db| async move {
        // Periodic refreshes far away: only the per-request revision check can help.
        let (app, other) = unrefreshed_instances(db).await;
        let grocery = submit_published(&app, &submission("Épicerie", "aide-alimentaire", 0)).await;
        let queries = ["", "per_page=1", "theme=isolement", "label=anti-solitude"];
        for instance in [&app, &other] {
            for query in queries {
                // Pages kept from now on.
                list(instance, query).await;
            }
            assert_eq!(titles(&list(instance, "").await), ["Épicerie"]);
        }

        // Pending: never listed.
        let cafe = submit(&app, &submission("Café", "isolement", 1)).await;
        for instance in [&app, &other] {
            assert_eq!(titles(&list(instance, "").await), ["Épicerie"]);
            assert_eq!(list(instance, "theme=isolement").await.total, 0);
        }
        let moderator = app
            .login_as(solidarites_server::auth::Role::Moderator)
            .await;
        helpers::approve(&moderator, &cafe.id).await;
        for instance in [&app, &other] {
            list_when(instance, "", "the approval", |p| p.total == 2).await;
            list_when(instance, "theme=isolement", "the approval", |p| {
                titles(p) == ["Café"]
            })
            .await;
            let first = list_when(instance, "per_page=1", "the approval", |p| p.total == 2).await;
            assert_eq!(first.items.len(), 1);
        }

        // A label granted, then revoked.
        let admin = app.login_as(solidarites_server::auth::Role::Admin).await;
        let res = admin
            .post_json("/api/v1/admin/labels", &fixtures::anti_solitude())
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let res = moderator
            .post_json(
                "/api/v1/admin/labels/anti-solitude/grants",
                &fixtures::grant_to_initiative(&cafe.id, "2099-12-31"),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let grant: Value = res.json().await.unwrap();
        for instance in [&app, &other] {
            let page = list_when(instance, "label=anti-solitude", "the grant", |p| {
                titles(p) == ["Café"]
            })
            .await;
            assert_eq!(page.items[0].labels[0].slug, "anti-solitude");
        }
        let res = moderator
            .delete(&format!(
                "/api/v1/admin/label-grants/{}",
                grant["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        for instance in [&app, &other] {
            list_when(instance, "label=anti-solitude", "the revocation", |p| {
                p.total == 0
            })
            .await;
            list_when(instance, "", "the revocation", |p| {
                p.items.iter().all(|i| i.labels.is_empty())
            })
            .await;
        }

        // Archived by moderators, withdrawn by the submitter: gone from every page.
        helpers::moderate(&moderator, &cafe.id, "archive").await;
        let res = app
            .client
            .delete(format!(
                "{}/api/v1/initiatives/edit/{}",
                app.address, grocery.edit_token
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        for instance in [&app, &other] {
            for query in queries {
                list_when(instance, query, "the archive and the withdrawal", |p| {
                    p.items.is_empty() && p.total == 0
                })
                .await;
            }
        }
    })
    .await;
}
