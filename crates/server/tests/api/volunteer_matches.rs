//! Volunteers matched with the initiatives and actors nearby that welcome volunteers
//! (issue 18, point 6): staff only, with a CSV for Excel, audited, and the retention purge
//! still applies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::Statement;
use serde_json::Value;
use solidarites_api_types::{
    ErrorResponse, NewActorRequest, PurgeVolunteersRequest, VolunteerMatchListResponse,
};
use solidarites_domain::demo::demo_communes;
use solidarites_server::{
    auth::Role,
    storage::{self, volunteers::NewVolunteer},
};

use crate::helpers::{count_of, for_each_backend, spawn_app, StaffClient, TestApp};
use crate::initiatives::{submission, submit_published};

fn volunteer(name: &str, commune: usize, themes: &[&str]) -> NewVolunteer {
    NewVolunteer {
        name: name.to_owned(),
        email: Some(format!("{}@example.org", name.to_lowercase())),
        phone: Some("06 12 34 56 78".to_owned()),
        commune_code: demo_communes()[commune].code.to_string(),
        availability: "Le samedi".to_owned(),
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        consent_text: "J'accepte d'être recontacté.".to_owned(),
    }
}

/// A published initiative at the first demo commune, its new actor placed there too.
async fn listing(app: &TestApp, title: &str, theme: &str, welcomes: bool) -> (String, String) {
    let mut body = submission(title, theme, 0);
    body.content.welcomes_volunteers = Some(welcomes);
    body.new_actor = Some(NewActorRequest {
        name: Some(format!("Acteur {title}")),
        kind: Some("association".to_owned()),
        commune_code: Some(demo_communes()[0].code.to_string()),
        welcomes_volunteers: Some(welcomes),
        ..NewActorRequest::default()
    });
    let created = submit_published(app, &body).await;
    let detail: Value = app
        .get_json(&format!("/api/v1/initiatives/{}", created.id))
        .await;
    assert_eq!(detail["welcomes_volunteers"], welcomes);
    (
        created.id,
        detail["actor"]["id"].as_str().unwrap().to_owned(),
    )
}

async fn matches(staff: &StaffClient, query: &str) -> VolunteerMatchListResponse {
    let res = staff
        .get(&format!("/api/v1/admin/volunteers/matches?{query}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

async fn csv(staff: &StaffClient, query: &str) -> String {
    let res = staff
        .get(&format!(
            "/api/v1/admin/exports/volunteer-matches.csv?{query}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    let conn = &app.db.conn;
    let sql = match conn.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = $1"
        }
        _ => "SELECT COUNT(*) AS n FROM audit_log WHERE action = ?",
    };
    let statement =
        Statement::from_sql_and_values(conn.get_database_backend(), sql, [action.into()]);
    count_of(conn, statement).await
}

#[tokio::test]
async fn volunteers_are_matched_with_listings_nearby_that_welcome_them() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (welcoming, welcoming_actor) =
            listing(&app, "Visites de convivialité", "isolement", true).await;
        listing(&app, "Sans bénévoles", "isolement", false).await;
        let (other_theme, _) = listing(&app, "Consultations", "sante", true).await;
        let now = Utc::now();
        storage::volunteers::create(
            &app.db.conn,
            volunteer("Camille", 0, &["isolement", "mobilite"]),
            now,
        )
        .await
        .unwrap();
        storage::volunteers::create(
            &app.db.conn,
            volunteer("Ancienne", 0, &[]),
            now - Duration::days(400),
        )
        .await
        .unwrap();
        // Elsewhere, beyond a 1 km radius: no match, left out.
        storage::volunteers::create(&app.db.conn, volunteer("Loin", 3, &[]), now)
            .await
            .unwrap();

        let staff = app.login_as(Role::Moderator).await;
        let found = matches(&staff, "radius_km=1").await;
        assert_eq!(found.total, 2, "Camille and Ancienne");
        assert_eq!(found.radius_km, 1.0);
        let camille = found
            .items
            .iter()
            .find(|m| m.volunteer.name == "Camille")
            .unwrap();
        let mut offered: Vec<(String, String)> = camille
            .matches
            .iter()
            .map(|m| (m.kind.clone(), m.id.clone()))
            .collect();
        offered.sort();
        // Her themes exclude the health consultations; the initiative without volunteers
        // and its actor are never offered.
        let mut expected = vec![
            ("actor".to_owned(), welcoming_actor.clone()),
            ("initiative".to_owned(), welcoming.clone()),
        ];
        expected.sort();
        assert_eq!(offered, expected);
        let ancienne = found
            .items
            .iter()
            .find(|m| m.volunteer.name == "Ancienne")
            .unwrap();
        // No theme named: every welcoming listing of the place.
        assert_eq!(ancienne.matches.len(), 4);
        assert!(ancienne.matches.iter().any(|m| m.id == other_theme));
        let by_theme = matches(&staff, "radius_km=1&theme=mobilite").await;
        assert_eq!(by_theme.total, 1);

        let text = csv(&staff, "radius_km=1").await;
        let mut lines = text.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("Bénévole;Courriel du bénévole;"));
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 2 + 4);
        assert!(rows
            .iter()
            .any(|r| r.starts_with("Camille;camille@example.org;")
                && r.contains("Visites de convivialité")));
        assert_eq!(audit_count(&app, "volunteers.matches_export").await, 1);

        // Bad parameters are named.
        let res = staff
            .get("/api/v1/admin/volunteers/matches?radius_km=0&commune=x")
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: ErrorResponse = res.json().await.unwrap();
        assert_eq!(
            err.fields.keys().collect::<Vec<_>>(),
            ["commune", "radius_km"]
        );
        // Staff only, and not analysts (contacts).
        assert_eq!(
            app.get("/api/v1/admin/volunteers/matches").await.status(),
            StatusCode::UNAUTHORIZED
        );
        let analyst = app.login_as(Role::Analyst).await;
        assert_eq!(
            analyst
                .get("/api/v1/admin/exports/volunteer-matches.csv")
                .await
                .status(),
            StatusCode::FORBIDDEN
        );

        // The retention purge still applies: the purged volunteer is gone from both.
        let admin = app.login_as(Role::Admin).await;
        let res = admin
            .post_json(
                "/api/v1/admin/volunteers/purge",
                &PurgeVolunteersRequest {
                    older_than_months: Some(12),
                },
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let found = matches(&staff, "radius_km=1").await;
        assert_eq!(found.total, 1);
        assert_eq!(found.items[0].volunteer.name, "Camille");
        let text = csv(&staff, "radius_km=1").await;
        assert!(!text.contains("Ancienne"));
        assert_eq!(text.lines().count(), 1 + 2);
    })
    .await;
}
