//! What the staff console reads besides settings: campaign activity per day and channel,
//! volunteers (filters, paging, CSV, purge), label grants and the renewal list.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use solidarites_api_types::{
    AdminLabelGrantListResponse, CampaignCountsResponse, CreateLabelRequest,
    PurgeVolunteersRequest, SubmitResponseRequest,
};
use solidarites_domain::demo::demo_communes;
use solidarites_server::{
    auth::Role,
    questionnaire::today,
    storage::{self, volunteers::NewVolunteer},
};

use crate::{
    fixtures,
    helpers::{assisted_entry, demo_app_as, for_each_backend, spawn_app, StaffClient, TestApp},
    initiatives::{submission, submit_published},
    results::{answer, commune, seeded_app},
};

async fn audit_actions(admin: &StaffClient, entity_type: &str) -> Vec<Value> {
    let body: Value = admin
        .get_json(&format!("/api/v1/admin/audit?entity_type={entity_type}"))
        .await;
    body["entries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn one_campaign_is_read_by_its_id_as_in_the_list() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (campaign, admin) = seeded_app(&app).await;
        let analyst = app.login_as(Role::Analyst).await;
        let res = analyst
            .get(&format!("/api/v1/admin/campaigns/{campaign}"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let one: Value = res.json().await.unwrap();
        let list: Value = admin.get_json("/api/v1/admin/campaigns?per_page=200").await;
        let listed = list["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == campaign.as_str())
            .unwrap();
        assert_eq!(&one, listed);

        let res = analyst.get("/api/v1/admin/campaigns/inconnue").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let body: Value = res.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains("n'existe pas"));
        let committee = app.login_as(Role::Committee).await;
        let res = committee
            .get(&format!("/api/v1/admin/campaigns/{campaign}"))
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn campaign_counts_give_the_answers_per_day_and_channel() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        // 29 web answers today.
        let (campaign, admin) = seeded_app(&app).await;
        let body = SubmitResponseRequest {
            channel: Some("telephone".to_owned()),
            ..answer(&commune(0), &[], None, "25_39")
        };
        let res = assisted_entry(&admin, &campaign, &body).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        // Three of the answers came in on an earlier day.
        let conn = &app.db.conn;
        conn.execute_raw(Statement::from_string(
            conn.get_database_backend(),
            "UPDATE responses SET submitted_on = '2026-11-30' WHERE id IN \
             (SELECT id FROM (SELECT id FROM responses WHERE channel = 'web' \
              ORDER BY seq LIMIT 3) AS earliest)"
                .to_owned(),
        ))
        .await
        .unwrap();

        let analyst = app.login_as(Role::Analyst).await;
        let res = analyst
            .get(&format!("/api/v1/admin/campaigns/{campaign}/counts"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let counts: CampaignCountsResponse = res.json().await.unwrap();
        assert_eq!(counts.total, 30);
        let days: Vec<(&str, u64)> = counts
            .by_day
            .iter()
            .map(|d| (d.date.as_str(), d.total))
            .collect();
        let today = today().to_string();
        assert_eq!(days, [("2026-11-30", 3), (today.as_str(), 27)]);
        assert_eq!(counts.by_day[0].by_channel.get("web"), Some(&3));
        assert_eq!(counts.by_day[0].by_channel.len(), 1);
        assert_eq!(counts.by_day[1].by_channel.get("web"), Some(&26));
        assert_eq!(counts.by_day[1].by_channel.get("telephone"), Some(&1));
        assert_eq!(
            counts.by_day.iter().map(|d| d.total).sum::<u64>(),
            counts.total
        );
    })
    .await;
}

fn volunteer(name: &str, commune: &str, themes: &[&str], phone: Option<&str>) -> NewVolunteer {
    NewVolunteer {
        name: name.to_owned(),
        email: Some(format!(
            "{}@example.org",
            name.to_lowercase().replace(' ', ".")
        )),
        phone: phone.map(str::to_owned),
        commune_code: commune.to_owned(),
        availability: "Le samedi".to_owned(),
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        consent_text: "J'accepte d'être recontacté·e.".to_owned(),
    }
}

async fn seed_volunteers(app: &TestApp) {
    let now = Utc::now();
    let rows = [
        (
            volunteer("Camille", &commune(0), &["isolement", "logement"], None),
            1,
        ),
        (
            volunteer(
                "Dominique",
                &commune(0),
                &["aide-alimentaire"],
                Some("+33 6 00 00 00 00"),
            ),
            2,
        ),
        (
            volunteer(
                "=HYPERLINK(\"http://x\")",
                &commune(1),
                &["isolement"],
                Some("05 58 00 00 00"),
            ),
            3,
        ),
        (volunteer("Ancien", &commune(1), &["isolement"], None), 400),
    ];
    for (row, days) in rows {
        storage::volunteers::create(&app.db.conn, row, now - Duration::days(days))
            .await
            .unwrap();
    }
}

fn names(list: &Value) -> Vec<String> {
    list["volunteers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn volunteers_filter_by_commune_and_theme_page_and_show_the_retention() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        seed_volunteers(&app).await;
        let moderator = app.login_as(Role::Moderator).await;
        let get = |query: String| {
            let moderator = moderator.clone();
            async move {
                let res = moderator
                    .get(&format!("/api/v1/admin/volunteers?{query}"))
                    .await;
                assert_eq!(res.status(), StatusCode::OK, "{query}");
                res.json::<Value>().await.unwrap()
            }
        };
        let all = get(String::new()).await;
        assert_eq!(all["total"], 4);
        assert_eq!(all["retention_months"], 12);
        assert_eq!(names(&all)[0], "Camille", "newest first");

        let a = get(format!("commune={}", commune(0))).await;
        assert_eq!(names(&a), ["Camille", "Dominique"]);
        let lonely = get("theme=isolement".to_owned()).await;
        assert_eq!(lonely["total"], 3);
        let both = get(format!("commune={}&theme=isolement", commune(1))).await;
        assert_eq!(both["total"], 2);
        let paged = get("theme=isolement&per_page=2&page=2".to_owned()).await;
        assert_eq!(names(&paged), ["Ancien"]);
        assert_eq!(paged["total"], 3);

        let res = moderator
            .get("/api/v1/admin/volunteers?commune=abc&theme=Pas%20un%20slug")
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: Value = res.json().await.unwrap();
        assert!(err["fields"]["commune"].is_string() && err["fields"]["theme"].is_string());
    })
    .await;
}

#[tokio::test]
async fn the_volunteers_csv_is_for_french_excel_and_neutralises_formulas() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        seed_volunteers(&app).await;
        let moderator = app.login_as(Role::Moderator).await;
        let res = moderator
            .get("/api/v1/admin/exports/volunteers.csv?theme=isolement")
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        assert_eq!(res.headers()["cache-control"], "no-store");
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 4, "header and 3 volunteers: {text}");
        assert!(lines[0].starts_with("Inscription;Nom;Courriel;Téléphone;"));
        assert!(!text.contains("Dominique"), "filtered by theme");
        // The formula is neutralised (and quoted, since it holds quotes).
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
        assert!(lines.iter().all(|l| !l.contains(";=")));
        let camille = lines.iter().find(|l| l.contains("Camille")).unwrap();
        assert!(camille.contains(&demo_communes()[0].name), "{camille}");

        let all = moderator
            .get("/api/v1/admin/exports/volunteers.csv")
            .await
            .text()
            .await
            .unwrap();
        assert!(all.contains(";'+33 6 00 00 00 00;"), "{all}");

        let admin = app.login_as(Role::Admin).await;
        let exports = audit_actions(&admin, "volunteer").await;
        assert_eq!(exports.len(), 2);
        assert_eq!(exports[1]["action"], "volunteers.export");
        assert_eq!(exports[1]["after"]["theme"], "isolement");
        assert_eq!(exports[1]["after"]["rows"], 3);
        assert!(
            !exports[1].to_string().contains("example.org"),
            "no contact"
        );
    })
    .await;
}

fn older_than(months: Option<i64>) -> PurgeVolunteersRequest {
    PurgeVolunteersRequest {
        older_than_months: months,
    }
}

#[tokio::test]
async fn administrators_purge_volunteers_older_than_an_age_and_it_is_audited() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        seed_volunteers(&app).await;
        let admin = app.login_as(Role::Admin).await;
        for bad in [None, Some(0), Some(121)] {
            let res = admin
                .post_json("/api/v1/admin/volunteers/purge", &older_than(bad))
                .await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
            let err: Value = res.json().await.unwrap();
            assert!(err["fields"]["older_than_months"].is_string());
        }
        let moderator = app.login_as(Role::Moderator).await;
        let res = moderator
            .post_json("/api/v1/admin/volunteers/purge", &older_than(Some(12)))
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);

        let res = admin
            .post_json("/api/v1/admin/volunteers/purge", &older_than(Some(12)))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["deleted"], 1);
        assert_eq!(body["retention_months"], 12);
        let left: Value = moderator.get_json("/api/v1/admin/volunteers").await;
        assert_eq!(left["total"], 3);
        assert!(!names(&left).contains(&"Ancien".to_owned()));
        let entries = audit_actions(&admin, "volunteer").await;
        assert_eq!(entries[0]["action"], "volunteers.purge");
        assert_eq!(entries[0]["actor_email"], admin.email.as_str());
        assert_eq!(entries[0]["after"]["deleted"], 1);
        assert_eq!(entries[0]["after"]["older_than_months"], 12);
    })
    .await;
}

#[tokio::test]
async fn label_grants_are_listed_with_their_expiry_and_the_renewal_list_spans_labels() {
    for_each_backend(|db| async move {
        let (app, admin) = demo_app_as(db, Role::Admin).await;
        let moderator = app.login_as(Role::Moderator).await;
        for slug in ["anti-solitude", "epicerie"] {
            let res = admin
                .post_json(
                    "/api/v1/admin/labels",
                    &CreateLabelRequest {
                        slug: Some(slug.to_owned()),
                        name: Some(format!("Label {slug}")),
                        criteria: Some(String::new()),
                    },
                )
                .await;
            assert_eq!(res.status(), StatusCode::CREATED);
        }
        let visits = submit_published(&app, &submission("Visites", "isolement", 0)).await;
        let meals = submit_published(&app, &submission("Repas", "aide-alimentaire", 1)).await;
        let today = today();
        let grant = |slug: &str, id: &str, days: i64| {
            let moderator = moderator.clone();
            let url = format!("/api/v1/admin/labels/{slug}/grants");
            let body =
                fixtures::grant_to_initiative(id, &(today + Duration::days(days)).to_string());
            async move {
                let res = moderator.post_json(&url, &body).await;
                assert_eq!(res.status(), StatusCode::CREATED);
                res.json::<Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        };
        let soon = grant("anti-solitude", &visits.id, 10).await;
        let later = grant("anti-solitude", &meals.id, 40).await;
        let revoked = grant("anti-solitude", &meals.id, 5).await;
        let other = grant("epicerie", &meals.id, 20).await;
        let res = moderator
            .delete(&format!("/api/v1/admin/label-grants/{revoked}"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);

        let res = moderator
            .get("/api/v1/admin/labels/anti-solitude/grants")
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let of_label: AdminLabelGrantListResponse = res.json().await.unwrap();
        assert_eq!(of_label.total, 3);
        let ids: Vec<&str> = of_label.grants.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, [revoked.as_str(), soon.as_str(), later.as_str()]);
        assert!(of_label.grants[0].revoked);
        let first = &of_label.grants[1];
        assert_eq!(first.days_left, 10);
        assert!(!first.expired && !first.revoked);
        assert_eq!(first.holder_name.as_deref(), Some("Visites"));
        assert_eq!(first.label_name, "Label anti-solitude");
        assert_eq!(first.initiative_id.as_deref(), Some(visits.id.as_str()));

        let renew: AdminLabelGrantListResponse = moderator
            .get_json("/api/v1/admin/label-grants?within_days=30")
            .await;
        let ids: Vec<&str> = renew.grants.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(
            ids,
            [soon.as_str(), other.as_str()],
            "across labels, revoked left out"
        );
        assert_eq!(renew.grants[1].label, "epicerie");
        let default_window: AdminLabelGrantListResponse =
            moderator.get_json("/api/v1/admin/label-grants").await;
        assert_eq!(default_window.total, 3, "the default window is 60 days");
        let wide: AdminLabelGrantListResponse = moderator
            .get_json("/api/v1/admin/label-grants?within_days=60&per_page=1&page=3")
            .await;
        assert_eq!(wide.total, 3);
        assert_eq!(wide.grants[0].id, later);

        let res = moderator
            .get("/api/v1/admin/label-grants?within_days=999")
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: Value = res.json().await.unwrap();
        assert!(err["fields"]["within_days"].is_string());
        let res = moderator.get("/api/v1/admin/labels/inconnu/grants").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn the_staff_console_routes_are_in_the_openapi_description() {
    for_each_backend(|db| async move {
        let app = spawn_app(db).await;
        let doc: Value = app.get_json("/api/v1/openapi.json").await;
        for (path, method) in [
            ("/api/v1/admin/settings", "get"),
            ("/api/v1/admin/settings", "put"),
            ("/api/v1/admin/users", "get"),
            ("/api/v1/admin/users/{id}/password-link", "post"),
            ("/api/v1/auth/password", "post"),
            ("/api/v1/admin/volunteers", "get"),
            ("/api/v1/admin/exports/volunteers.csv", "get"),
            ("/api/v1/admin/volunteers/purge", "post"),
            ("/api/v1/admin/labels/{slug}/grants", "get"),
            ("/api/v1/admin/label-grants", "get"),
            ("/api/v1/admin/campaigns/{id}/counts", "get"),
            ("/api/v1/admin/campaigns/{id}", "get"),
        ] {
            assert!(doc["paths"][path][method].is_object(), "{method} {path}");
        }
        for schema in [
            "AdminSettingsResponse",
            "UpdateSettingsRequest",
            "AdminLabelGrantListResponse",
            "PurgeVolunteersRequest",
            "SetPasswordRequest",
            "PasswordLinkResponse",
            "DayCountResponse",
        ] {
            assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
        }
    })
    .await;
}
