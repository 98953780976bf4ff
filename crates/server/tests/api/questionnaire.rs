//! The needs questionnaire over HTTP, on SQLite and PostgreSQL: campaigns, anonymous
//! answers (validation, conditions, versions, idempotency, window, commune), volunteers,
//! and the anonymity of the schema.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use solidarites_api_types::{
    CreateCampaignRequest, CreateVolunteerRequest, PreviewRequest, RespondentCommune,
    SaveQuestionnaireRequest, SaveQuestionnaireResponse, SubmitResponseRequest,
    UpdateCampaignRequest,
};
use solidarites_domain::{demo::demo_communes, Commune};
use solidarites_server::{
    auth::Role,
    storage::{self, audit::AuditFilter, volunteers::NewVolunteer},
};

use crate::{
    cli_users::solidarites_with_stdin,
    fixtures,
    helpers::{
        count_rows, count_sql, create_campaign, demo_app_as, expect_status, for_each_backend,
        name_column, spawn_app, StaffClient, TestApp,
    },
    initiatives::point_in,
};

fn code(c: &Commune) -> String {
    c.code.as_str().to_owned()
}

/// The default questionnaire's id (created on first start).
async fn default_questionnaire(staff: &StaffClient) -> Value {
    let res = staff.get("/api/v1/admin/questionnaires").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let list = body["questionnaires"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{body}");
    list[0].clone()
}

/// A campaign on the default questionnaire, open from an hour ago to tomorrow.
pub(crate) async fn open_campaign(staff: &StaffClient) -> String {
    let q = default_questionnaire(staff).await;
    campaign_with(staff, &q["id"], -1, 24, "open").await
}

async fn campaign_with(
    staff: &StaffClient,
    questionnaire_id: &Value,
    opens_in_hours: i64,
    closes_in_hours: i64,
    status: &str,
) -> String {
    let questionnaire_id = questionnaire_id.as_str().unwrap();
    let campaign = CreateCampaignRequest {
        status: Some(status.to_owned()),
        ..fixtures::campaign(questionnaire_id, opens_in_hours, closes_in_hours)
    };
    create_campaign(staff, &campaign).await
}

/// A complete, valid answer to the Landes template from the `n`-th demo commune.
pub(crate) fn full_answer(n: usize) -> SubmitResponseRequest {
    let c = code(&demo_communes()[n]);
    fixtures::response(
        json!({
            "difficultes": true,
            "domaines": {"values": ["aide-alimentaire", "logement"], "other": "Garde d'enfants"},
            "gravite_aide_alimentaire": 4,
            "gravite_logement": 2,
            "aide": true,
            "aide_par": {"values": ["voisins", "commune_ccas"], "other": null},
            "ce_qui_aurait_aide": "Un appel de la mairie pendant le confinement.",
            "propositions": "Une liste de voisins à appeler.",
            "role": "voisin_solidaire",
            "tranche_age": "60_74",
            "menage": "seul",
            "commune": c,
        }),
        &c,
    )
}

async fn answer(app: &TestApp, campaign: &str, body: &impl serde::Serialize) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/api/v1/campaigns/{campaign}/responses",
            app.address
        ))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn answer_with_key(
    app: &TestApp,
    campaign: &str,
    body: &SubmitResponseRequest,
    key: &str,
) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/api/v1/campaigns/{campaign}/responses",
            app.address
        ))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Saves `definition` as the questionnaire at `path`; panics unless it is accepted.
async fn save(staff: &StaffClient, path: &str, definition: &Value) -> SaveQuestionnaireResponse {
    let body = SaveQuestionnaireRequest {
        definition: definition.clone(),
    };
    let res = staff.put_json(path, &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    count_rows(&app.db.conn, table).await
}

async fn expect_422(res: reqwest::Response, field: &str) -> BTreeMap<String, String> {
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
    let body: Value = res.json().await.unwrap();
    let fields: BTreeMap<String, String> =
        serde_json::from_value(body["fields"].clone()).unwrap_or_default();
    assert!(fields.contains_key(field), "{field} not in {body}");
    fields
}

#[tokio::test]
async fn a_full_answer_to_the_default_template_is_stored_and_counted() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let q = default_questionnaire(&staff).await;
        assert_eq!(q["title"], "Questionnaire Landes — nouvelles solidarités");
        assert_eq!(q["latest"]["version"], 1);
        let campaign = open_campaign(&staff).await;

        let listed: Value = app.get_json("/api/v1/campaigns").await;
        assert_eq!(listed["campaigns"][0]["id"], campaign.as_str());
        assert_eq!(listed["campaigns"][0]["accepting_answers"], true);
        let detail: Value = app.get_json(&format!("/api/v1/campaigns/{campaign}")).await;
        assert_eq!(detail["version"], 1);
        assert!(detail["definition"]["sections"].is_array());

        let res = answer(&app, &campaign, &full_answer(3)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "received_on"]);
        assert_eq!(count(&app, "responses").await, 1);

        let counts: Value = staff
            .get_json(&format!("/api/v1/admin/campaigns/{campaign}/counts"))
            .await;
        assert_eq!(counts["total"], 1);
        assert_eq!(counts["by_channel"]["web"], 1);
        assert_eq!(counts["by_commune"][code(&demo_communes()[3])], 1);

        // Restarting does not add a second default questionnaire.
        let again = spawn_app(crate::helpers::TestDb::reopen(&app.db).await).await;
        let staff2 = again.login_as(Role::Analyst).await;
        default_questionnaire(&staff2).await;
    })
    .await;
}

#[tokio::test]
async fn each_invalid_answer_is_refused_naming_the_question_and_nothing_is_stored() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        let with = |id: &str, value: Value| {
            let mut body = full_answer(2);
            body.answers.insert(id.to_owned(), value);
            body
        };
        let without = |id: &str| {
            let mut body = full_answer(2);
            body.answers.remove(id);
            body
        };
        let cases = [
            (without("difficultes"), "difficultes"),
            (with("difficultes", json!("peut-être")), "difficultes"),
            (with("domaines", json!({"values": ["inconnu"]})), "domaines"),
            (with("gravite_logement", json!(9)), "gravite_logement"),
            (with("role", json!("chef")), "role"),
            (with("tranche_age", json!(42)), "tranche_age"),
            (
                with("propositions", json!("x".repeat(20_000))),
                "propositions",
            ),
            (with("question_inconnue", json!("oui")), "question_inconnue"),
            (with("commune", json!("99999")), "commune"),
            (without("commune"), "commune"),
        ];
        for (body, question) in cases {
            expect_422(answer(&app, &campaign, &body).await, question).await;
        }
        // Several problems at once: all named.
        let mut body = with("role", json!("chef"));
        body.answers.insert("menage".to_owned(), json!("château"));
        let fields = expect_422(answer(&app, &campaign, &body).await, "role").await;
        assert!(fields.contains_key("menage"), "{fields:?}");
        // Malformed JSON types never give a 500.
        let res = answer(&app, &campaign, &json!({"answers": [1, 2], "commune": 3})).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);

        assert_eq!(count(&app, "responses").await, 0);
    })
    .await;
}

#[tokio::test]
async fn conditional_questions_are_required_only_when_shown_and_refused_when_hidden() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        let c = code(&demo_communes()[1]);
        let base = |answers: Value| fixtures::response(answers, &c);

        // No difficulty: the domains are hidden, so answering them is refused…
        let hidden = base(json!({"difficultes": false, "domaines": ["logement"], "commune": c}));
        expect_422(answer(&app, &campaign, &hidden).await, "domaines").await;
        // …and not answering them is fine.
        let res = answer(
            &app,
            &campaign,
            &base(json!({"difficultes": false, "commune": c})),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);

        // Difficulties: the domains become required.
        let missing = base(json!({"difficultes": true, "commune": c}));
        expect_422(answer(&app, &campaign, &missing).await, "domaines").await;
        // A severity for a domain not chosen is hidden.
        let other_theme = base(json!({
            "difficultes": true, "domaines": ["logement"], "gravite_sante": 2, "commune": c
        }));
        expect_422(answer(&app, &campaign, &other_theme).await, "gravite_sante").await;
        let shown = base(json!({
            "difficultes": true, "domaines": ["logement"], "gravite_logement": 3, "commune": c
        }));
        assert_eq!(
            answer(&app, &campaign, &shown).await.status(),
            StatusCode::CREATED
        );
        assert_eq!(count(&app, "responses").await, 2);

        // The preview says the same without storing.
        let q = default_questionnaire(&staff).await;
        let preview: Value = staff
            .post_json(
                &format!(
                    "/api/v1/admin/questionnaires/{}/preview",
                    q["id"].as_str().unwrap()
                ),
                &PreviewRequest {
                    answers: fixtures::answers(json!({"difficultes": true})),
                },
            )
            .await
            .json()
            .await
            .unwrap();
        let visible: Vec<String> =
            serde_json::from_value(preview["visible_question_ids"].clone()).unwrap();
        assert!(visible.contains(&"domaines".to_owned()), "{preview}");
        assert!(!visible.contains(&"aide_par".to_owned()), "{preview}");
        assert_eq!(preview["valid"], false);
        assert!(preview["errors"]["domaines"].is_string(), "{preview}");
        assert_eq!(count(&app, "responses").await, 2);
    })
    .await;
}

#[tokio::test]
async fn a_frozen_version_is_never_edited_in_place() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let q = default_questionnaire(&staff).await;
        let id = q["id"].as_str().unwrap().to_owned();
        let campaign = open_campaign(&staff).await;
        let path = format!("/api/v1/admin/questionnaires/{id}");

        // Not answered yet: edited in place.
        let mut definition = q["latest"]["definition"].clone();
        definition["description"] = json!("Première retouche.");
        let saved = save(&staff, &path, &definition).await;
        assert_eq!((saved.version, saved.new_version), (1, false));

        // An invalid definition is refused, naming the path.
        let mut bad = definition.clone();
        bad["sections"][0]["questions"][0]["id"] = json!("Pas Un Id");
        let res = staff
            .put_json(&path, &SaveQuestionnaireRequest { definition: bad })
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.unwrap();
        assert!(
            body["fields"]
                .as_object()
                .unwrap()
                .keys()
                .any(|k| k.starts_with("sections[0]")),
            "{body}"
        );

        // The first answer freezes version 1.
        assert_eq!(
            answer(&app, &campaign, &full_answer(0)).await.status(),
            StatusCode::CREATED
        );
        definition["description"] = json!("Seconde retouche.");
        let saved = save(&staff, &path, &definition).await;
        assert_eq!((saved.version, saved.new_version), (2, true));
        assert_eq!(saved.questionnaire.versions, [1, 2]);

        // The campaign keeps version 1, frozen, with the first retouch.
        let detail: Value = app.get_json(&format!("/api/v1/campaigns/{campaign}")).await;
        assert_eq!(detail["version"], 1);
        assert_eq!(detail["definition"]["description"], "Première retouche.");
        let admin: Value = staff.get_json("/api/v1/admin/campaigns").await;
        assert_eq!(admin["campaigns"][0]["version"], 1);
        assert_eq!(
            answer(&app, &campaign, &full_answer(1)).await.status(),
            StatusCode::CREATED
        );
        // Version 2 is not frozen: edited in place.
        let saved = save(&staff, &path, &definition).await;
        assert_eq!((saved.version, saved.new_version), (2, false));
    })
    .await;
}

#[tokio::test]
async fn an_idempotency_key_stores_one_answer_even_when_sent_twice_at_once() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        let body = full_answer(4);

        let first = answer_with_key(&app, &campaign, &body, "clé-1").await;
        assert_eq!(first.status(), StatusCode::CREATED);
        let first: Value = first.json().await.unwrap();
        let second = answer_with_key(&app, &campaign, &body, "clé-1").await;
        assert_eq!(second.status(), StatusCode::OK);
        let second: Value = second.json().await.unwrap();
        assert_eq!(first["id"], second["id"]);
        assert_eq!(count(&app, "responses").await, 1);

        let (a, b) = tokio::join!(
            answer_with_key(&app, &campaign, &body, "clé-2"),
            answer_with_key(&app, &campaign, &body, "clé-2"),
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 201]);
        let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
        assert_eq!(a["id"], b["id"]);
        assert_eq!(count(&app, "responses").await, 2);

        let too_long = answer_with_key(&app, &campaign, &body, &"k".repeat(101)).await;
        expect_422(too_long, "Idempotency-Key").await;
        assert_eq!(count(&app, "responses").await, 2);
    })
    .await;
}

#[tokio::test]
async fn answers_are_accepted_only_while_the_campaign_is_open() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let q = default_questionnaire(&staff).await;
        let body = full_answer(0);

        let later = campaign_with(&staff, &q["id"], 24, 48, "open").await;
        let res = answer(&app, &later, &body).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"], "campaign_not_open");
        assert!(err["message"]
            .as_str()
            .unwrap()
            .contains("pas encore ouverte"));
        // A crisis: opened at once.
        let res = staff
            .post_json(
                &format!("/api/v1/admin/campaigns/{later}/open-now"),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = answer(&app, &later, &body).await;
        expect_status(res, StatusCode::CREATED).await;

        let res = staff
            .post_json(
                &format!("/api/v1/admin/campaigns/{later}/close"),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = answer(&app, &later, &body).await;
        assert_eq!(res.status(), StatusCode::GONE);
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"], "campaign_closed");
        // Closed campaigns stay readable, but are no longer listed.
        assert_eq!(
            app.get(&format!("/api/v1/campaigns/{later}"))
                .await
                .status(),
            StatusCode::OK
        );

        let past = campaign_with(&staff, &q["id"], -48, -24, "open").await;
        assert_eq!(answer(&app, &past, &body).await.status(), StatusCode::GONE);

        let draft = campaign_with(&staff, &q["id"], -1, 24, "draft").await;
        assert_eq!(
            app.get(&format!("/api/v1/campaigns/{draft}"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            answer(&app, &draft, &body).await.status(),
            StatusCode::NOT_FOUND
        );
        let listed: Value = app.get_json("/api/v1/campaigns").await;
        assert_eq!(listed["campaigns"], json!([]));

        // Dates in the wrong order are refused by PATCH, naming the field.
        let res = staff
            .patch_json(
                &format!("/api/v1/admin/campaigns/{draft}"),
                &UpdateCampaignRequest {
                    closes_at: Some((Utc::now() - Duration::days(30)).to_rfc3339()),
                    ..UpdateCampaignRequest::default()
                },
            )
            .await;
        expect_422(res, "closes_at").await;
        assert_eq!(count(&app, "responses").await, 1);
    })
    .await;
}

#[tokio::test]
async fn the_commune_comes_from_a_code_a_postal_code_choice_or_a_point() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        let app = spawn_app(db.with_communes(&communes).await).await;
        let staff = app.login_as(Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        let mut by_postal: BTreeMap<&str, Vec<&Commune>> = BTreeMap::new();
        for c in &communes {
            for p in &c.postal_codes {
                by_postal.entry(p.as_str()).or_default().push(c);
            }
        }
        let (shared, sharing) = by_postal.iter().find(|(_, cs)| cs.len() > 1).unwrap();
        let chosen = sharing[1];
        let elsewhere = communes
            .iter()
            .find(|c| !c.postal_codes.contains(&(*shared).to_owned()))
            .unwrap();
        let with_commune = |answer_code: &str, commune: RespondentCommune| {
            let mut body = full_answer(0);
            body.answers
                .insert("commune".to_owned(), json!(answer_code));
            body.commune = Some(commune);
            body
        };
        let postal = |code: Option<String>| RespondentCommune {
            postal_code: Some((*shared).to_owned()),
            code,
            ..RespondentCommune::default()
        };
        let point = |lon: f64, lat: f64| RespondentCommune {
            lon: Some(lon),
            lat: Some(lat),
            ..RespondentCommune::default()
        };

        // Postal code shared by several communes, with the chosen one.
        let ok = with_commune(&code(chosen), postal(Some(code(chosen))));
        assert_eq!(
            answer(&app, &campaign, &ok).await.status(),
            StatusCode::CREATED
        );
        // Without choosing, or choosing a commune of another postal code.
        let unchosen = with_commune(&code(chosen), postal(None));
        expect_422(answer(&app, &campaign, &unchosen).await, "commune.code").await;
        let wrong = with_commune(&code(elsewhere), postal(Some(code(elsewhere))));
        expect_422(answer(&app, &campaign, &wrong).await, "commune.code").await;
        // A point inside a commune.
        let (lon, lat) = point_in(&communes[5]);
        let inside = with_commune(&code(&communes[5]), point(lon, lat));
        assert_eq!(
            answer(&app, &campaign, &inside).await.status(),
            StatusCode::CREATED
        );
        // A point outside the territory.
        let outside = with_commune(&code(&communes[5]), point(120.0, -40.0));
        expect_422(answer(&app, &campaign, &outside).await, "commune").await;
        // An unknown INSEE code.
        let unknown = with_commune(&code(&communes[5]), fixtures::commune("99999"));
        expect_422(answer(&app, &campaign, &unknown).await, "commune.code").await;
        // The commune question must agree with the commune given.
        let disagree = with_commune(&code(&communes[6]), fixtures::commune(&code(&communes[5])));
        expect_422(answer(&app, &campaign, &disagree).await, "commune").await;
        // The commune question alone is enough.
        let alone = SubmitResponseRequest {
            commune: None,
            ..full_answer(7)
        };
        assert_eq!(
            answer(&app, &campaign, &alone).await.status(),
            StatusCode::CREATED
        );

        let counts: Value = staff
            .get_json(&format!("/api/v1/admin/campaigns/{campaign}/counts"))
            .await;
        assert_eq!(counts["total"], 3);
        assert_eq!(counts["by_commune"][code(chosen)], 1);
        assert_eq!(counts["by_commune"][code(&communes[5])], 1);
        assert_eq!(counts["by_commune"][code(&communes[7])], 1);
    })
    .await;
}

async fn column_names(db: &sea_orm::DatabaseConnection, table: &str) -> Vec<String> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => format!(
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = '{table}'"
        ),
        _ => format!("SELECT name FROM pragma_table_info('{table}')"),
    };
    name_column(db, &sql).await
}

async fn foreign_key_count(db: &sea_orm::DatabaseConnection, table: &str) -> i64 {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => format!(
            "SELECT COUNT(*) AS n FROM information_schema.table_constraints \
             WHERE table_name = '{table}' AND constraint_type = 'FOREIGN KEY'"
        ),
        _ => format!("SELECT COUNT(*) AS n FROM pragma_foreign_key_list('{table}')"),
    };
    count_sql(db, &sql).await
}

#[tokio::test]
async fn responses_hold_nothing_identifying_and_volunteers_are_not_linked_to_them() {
    for_each_backend(|db| async move {
        let responses = column_names(&db.conn, "responses").await;
        assert!(responses.contains(&"answers".to_owned()), "{responses:?}");
        for column in &responses {
            for word in ["ip", "agent", "user", "email", "phone", "name"] {
                assert!(
                    !column.to_lowercase().contains(word),
                    "responses.{column} ({word})"
                );
            }
        }
        let volunteers = column_names(&db.conn, "volunteers").await;
        assert!(volunteers.contains(&"email".to_owned()), "{volunteers:?}");
        for column in &volunteers {
            assert!(
                !column.contains("response") && !column.contains("campaign"),
                "volunteers.{column}"
            );
        }
        assert_eq!(foreign_key_count(&db.conn, "volunteers").await, 0);
        assert!(foreign_key_count(&db.conn, "responses").await >= 1);
    })
    .await;
}

fn volunteer(commune: &str) -> CreateVolunteerRequest {
    CreateVolunteerRequest {
        name: "Camille Martin".to_owned(),
        email: Some("camille@example.org".to_owned()),
        phone: Some("06 12 34 56 78".to_owned()),
        commune: commune.to_owned(),
        availability: "Le samedi matin".to_owned(),
        themes: vec!["isolement".to_owned(), "mobilite".to_owned()],
        consent: true,
        consent_text: "J'accepte que la commune conserve mes coordonnées pendant 12 mois."
            .to_owned(),
    }
}

#[tokio::test]
async fn volunteers_need_consent_and_only_moderators_see_them() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let c = code(&demo_communes()[2]);

        let no_consent = CreateVolunteerRequest {
            consent: false,
            ..volunteer(&c)
        };
        let res = app.post_json("/api/v1/volunteers", &no_consent).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = res.json().await.unwrap();
        assert!(body["fields"]["consent"].is_string(), "{body}");
        assert!(
            body["message"].as_str().unwrap().contains("accord"),
            "{body}"
        );

        let bad = CreateVolunteerRequest {
            email: Some("pas-une-adresse".to_owned()),
            phone: Some("12".to_owned()),
            themes: fixtures::strings(&["inconnu"]),
            ..volunteer("99999")
        };
        let fields = expect_422(app.post_json("/api/v1/volunteers", &bad).await, "email").await;
        for f in ["phone", "commune", "themes"] {
            assert!(fields.contains_key(f), "{f}: {fields:?}");
        }
        let no_contact = CreateVolunteerRequest {
            email: None,
            phone: Some(String::new()),
            ..volunteer(&c)
        };
        expect_422(
            app.post_json("/api/v1/volunteers", &no_contact).await,
            "email",
        )
        .await;
        assert_eq!(count(&app, "volunteers").await, 0);

        let res = app.post_json("/api/v1/volunteers", &volunteer(&c)).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body, json!({"received": true}));

        let analyst = app.login_as(Role::Analyst).await;
        assert_eq!(
            analyst.get("/api/v1/admin/volunteers").await.status(),
            StatusCode::FORBIDDEN
        );
        let moderator = app.login_as(Role::Moderator).await;
        let list: Value = moderator.get_json("/api/v1/admin/volunteers").await;
        assert_eq!(list["volunteers"][0]["email"], "camille@example.org");
        assert_eq!(
            list["volunteers"][0]["themes"],
            json!(["isolement", "mobilite"])
        );
    })
    .await;
}

#[tokio::test]
async fn purge_deletes_only_volunteers_older_than_the_retention() {
    for_each_backend(|db| async move {
        let new = |name: &str| NewVolunteer {
            name: name.to_owned(),
            email: Some("a@example.org".to_owned()),
            phone: None,
            commune_code: "00001".to_owned(),
            availability: String::new(),
            themes: vec![],
            consent_text: "Accord".to_owned(),
        };
        let now = Utc::now();
        storage::volunteers::create(&db.conn, new("Ancien"), now - Duration::days(400))
            .await
            .unwrap();
        storage::volunteers::create(&db.conn, new("Récent"), now - Duration::days(30))
            .await
            .unwrap();

        let out = solidarites_with_stdin(
            &db.url,
            &["volunteers", "purge", "--older-than", "12months"],
            "",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "1 volunteer record(s) deleted"
        );
        let left = storage::volunteers::list(&db.conn).await.unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].name, "Récent");

        let bad = solidarites_with_stdin(
            &db.url,
            &["volunteers", "purge", "--older-than", "soon"],
            "",
        );
        assert!(!bad.status.success());
        assert_eq!(storage::volunteers::list(&db.conn).await.unwrap().len(), 1);
    })
    .await;
}

#[test]
fn purge_durations_are_days_months_or_years() {
    use solidarites_server::cli::purge_cutoff;
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(
        purge_cutoff("30d", now).unwrap().to_rfc3339(),
        "2026-10-23T12:00:00+00:00"
    );
    assert_eq!(
        purge_cutoff("12months", now).unwrap().to_rfc3339(),
        "2025-11-22T12:00:00+00:00"
    );
    assert_eq!(
        purge_cutoff("2y", now).unwrap().to_rfc3339(),
        "2024-11-22T12:00:00+00:00"
    );
    for bad in ["", "12", "0d", "-1d", "3w", "12 months"] {
        assert!(purge_cutoff(bad, now).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn assisted_entry_is_audited_without_the_answers() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        let path = format!("/api/v1/admin/campaigns/{campaign}/responses");

        let mut body = full_answer(1);
        body.channel = Some("pigeon".to_owned());
        expect_422(staff.post_json(&path, &body).await, "channel").await;
        body.channel = Some("papier".to_owned());
        let res = staff.post_json(&path, &body).await;
        assert_eq!(res.status(), StatusCode::CREATED);

        let counts: Value = staff
            .get_json(&format!("/api/v1/admin/campaigns/{campaign}/counts"))
            .await;
        assert_eq!(counts["by_channel"], json!({"papier": 1}));

        let filter = AuditFilter {
            entity_type: Some("campaign".to_owned()),
            entity_id: Some(campaign.clone()),
            actor: None,
            ..AuditFilter::default()
        };
        let (entries, _) = storage::audit::page(&app.db.conn, &filter, 1, 50)
            .await
            .unwrap();
        let entry = entries
            .iter()
            .find(|e| e.action == "response.assisted_entry")
            .unwrap();
        assert_eq!(entry.actor_email.as_deref(), Some(staff.email.as_str()));
        assert_eq!(entry.after, Some(json!({"channel": "papier"})));
        assert!(entry.before.is_none());
    })
    .await;
}

/// Issue 19: « visite à domicile », the channel of volunteers and agents visiting people at
/// home, is accepted by assisted entry, counted, filtered on and named in the export.
#[tokio::test]
async fn assisted_entry_accepts_home_visits_counts_filters_and_exports_them() {
    for_each_backend(|db| async move {
        let (app, staff) = demo_app_as(db, Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        let path = format!("/api/v1/admin/campaigns/{campaign}/responses");
        let body = SubmitResponseRequest {
            channel: Some("visite".to_owned()),
            ..full_answer(2)
        };
        // What the offline queue of the web app sends: the key kept with the answer.
        let send = || {
            staff
                .client
                .post(format!("{}{path}", staff.address))
                .header("X-CSRF-Token", &staff.csrf)
                .header("Idempotency-Key", "visite-1")
                .json(&body)
                .send()
        };
        assert_eq!(send().await.unwrap().status(), StatusCode::CREATED);
        // Sent again after a reconnection: the same answer, not a second one.
        assert_eq!(send().await.unwrap().status(), StatusCode::OK);

        let counts: Value = staff
            .get_json(&format!("/api/v1/admin/campaigns/{campaign}/counts"))
            .await;
        assert_eq!(counts["by_channel"], json!({"visite": 1}));

        let admin = app.login_as(Role::Admin).await;
        let res = admin
            .get(&format!(
                "/api/v1/admin/campaigns/{campaign}/results?level=territory&channel=visite"
            ))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let csv = admin
            .get(&format!(
                "/api/v1/admin/campaigns/{campaign}/exports/answers.csv"
            ))
            .await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(csv.text().await.unwrap().contains("Visite à domicile"));
    })
    .await;
}

#[tokio::test]
async fn answers_are_throttled_per_address_in_memory() {
    for_each_backend(|db| async move {
        let mut settings = crate::helpers::test_settings(&db);
        settings.answer_burst_per_ip = 2;
        settings.answer_refill_per_ip = std::time::Duration::from_secs(3600);
        let app =
            crate::helpers::spawn_app_with(db.with_communes(&demo_communes()).await, settings)
                .await;
        let staff = app.login_as(Role::Moderator).await;
        let campaign = open_campaign(&staff).await;
        for n in 0..2 {
            assert_eq!(
                answer(&app, &campaign, &full_answer(n)).await.status(),
                StatusCode::CREATED
            );
        }
        let res = answer(&app, &campaign, &full_answer(3)).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(res.headers().contains_key("retry-after"));
        let res = app
            .post_json("/api/v1/volunteers", &volunteer(&code(&demo_communes()[0])))
            .await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(count(&app, "responses").await, 2);
        // Staff entering answers are not throttled.
        let body = SubmitResponseRequest {
            channel: Some("telephone".to_owned()),
            ..full_answer(4)
        };
        let res = staff
            .post_json(
                &format!("/api/v1/admin/campaigns/{campaign}/responses"),
                &body,
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    })
    .await;
}

#[tokio::test]
async fn two_instances_starting_together_store_one_default_questionnaire() {
    for_each_backend(|db| async move {
        let other = crate::helpers::TestDb::reopen(&db).await;
        let (a, b) = tokio::join!(spawn_app(db), spawn_app(other));
        let staff = a.login_as(Role::Analyst).await;
        let q = default_questionnaire(&staff).await;
        assert_eq!(q["id"], storage::questionnaires::DEFAULT_ID);
        drop(b);
    })
    .await;
}

/// Two instances seeding the default themes at once: the second one's inserts of slugs the
/// first has just written are skipped, not a UNIQUE error that stops the start-up.
#[tokio::test]
async fn concurrent_theme_seeding_stores_each_default_theme_once() {
    for_each_backend(|db| async move {
        let other = crate::helpers::TestDb::reopen(&db).await;
        let (a, b) = tokio::join!(
            storage::themes::seed_defaults(&db.conn),
            storage::themes::seed_defaults(&other.conn)
        );
        let inserted = a.unwrap() + b.unwrap();
        let themes = storage::themes::list(&db.conn).await.unwrap();
        assert_eq!(themes.len(), storage::themes::DEFAULT_THEMES.len());
        assert_eq!(inserted, storage::themes::DEFAULT_THEMES.len());
    })
    .await;
}

#[tokio::test]
async fn the_questionnaire_routes_are_in_the_openapi_description() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let doc: Value = app.get_json("/api/v1/openapi.json").await;
        let paths = doc["paths"].as_object().unwrap();
        for path in [
            "/api/v1/campaigns",
            "/api/v1/campaigns/{id}",
            "/api/v1/campaigns/{id}/responses",
            "/api/v1/volunteers",
            "/api/v1/admin/questionnaires",
            "/api/v1/admin/questionnaires/{id}",
            "/api/v1/admin/questionnaires/{id}/preview",
            "/api/v1/admin/campaigns",
            "/api/v1/admin/campaigns/{id}",
            "/api/v1/admin/campaigns/{id}/open-now",
            "/api/v1/admin/campaigns/{id}/close",
            "/api/v1/admin/campaigns/{id}/counts",
            "/api/v1/admin/campaigns/{id}/responses",
            "/api/v1/admin/volunteers",
        ] {
            assert!(paths.contains_key(path), "{path} missing from OpenAPI");
        }
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(
            schemas.contains_key("SubmitResponseRequest"),
            "{:?}",
            schemas.keys()
        );
    })
    .await;
}
