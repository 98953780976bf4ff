//! Exports over HTTP, on SQLite and PostgreSQL, each parsed back: raw answers (CSV for a
//! French Excel, XLSX), aggregated results (CSV, XLSX, GeoJSON) under secrecy,
//! initiatives (GeoJSON, CSV, data·inclusion); roles and the audit trail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::Value;
use solidarites_domain::demo::demo_communes;
use solidarites_server::auth::Role;

use crate::{
    helpers::{for_each_backend, spawn_app, StaffClient},
    initiatives::{submission, submit_published},
    results::{commune, seeded_app},
};

async fn download(staff: &StaffClient, path: &str) -> (String, Vec<u8>) {
    let res = staff.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let content_type = res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    (content_type, res.bytes().await.unwrap().to_vec())
}

/// A French-Excel CSV: checks the BOM, then parses with `;`.
fn french_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .expect("UTF-8 BOM first");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name:?} in {header:?}"))
}

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).unwrap()
}

const DIFFICULTIES: &str =
    "Avez-vous rencontré des difficultés pendant et/ou après la crise sanitaire (confinements) ?";
const FOOD: &str = "Si oui, dans quel(s) domaine(s) ? — Aide alimentaire";
const GRAVITY: &str =
    "Dans le domaine « Aide alimentaire », ces difficultés ont-elles été importantes ?";

#[tokio::test]
async fn raw_answers_export_as_french_csv_and_xlsx_for_admins_only_and_audited() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (campaign, admin) = seeded_app(&app).await;
        let csv_path = format!("/api/v1/admin/campaigns/{campaign}/exports/answers.csv");
        let xlsx_path = format!("/api/v1/admin/campaigns/{campaign}/exports/answers.xlsx");
        for role in [Role::Committee, Role::Analyst, Role::Moderator] {
            let staff = app.login_as(role).await;
            for path in [&csv_path, &xlsx_path] {
                assert_eq!(
                    staff.get(path).await.status(),
                    StatusCode::FORBIDDEN,
                    "{role}"
                );
            }
        }

        let (content_type, bytes) = download(&admin, &csv_path).await;
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        let rows = french_csv(&bytes);
        assert_eq!(rows.len(), 1 + 29);
        let header = &rows[0];
        let (commune_col, difficulties, food, gravity, age) = (
            column(header, "Code commune (INSEE)"),
            column(header, DIFFICULTIES),
            column(header, FOOD),
            column(header, GRAVITY),
            column(header, "Quel est votre âge ?"),
        );
        let a: Vec<&Vec<String>> = rows[1..]
            .iter()
            .filter(|r| r[commune_col] == commune(0))
            .collect();
        assert_eq!(a.len(), 20);
        assert_eq!(a.iter().filter(|r| r[difficulties] == "oui").count(), 12);
        assert_eq!(a.iter().filter(|r| r[food] == "oui").count(), 12);
        // A hidden question is an empty cell, not "non".
        assert_eq!(a.iter().filter(|r| r[food].is_empty()).count(), 8);
        let mut gravities: Vec<&str> = a
            .iter()
            .map(|r| r[gravity].as_str())
            .filter(|g| !g.is_empty())
            .collect();
        gravities.sort_unstable();
        assert_eq!(gravities, [["2"; 6], ["3"; 6]].concat());
        // Single choice answers carry the option's French label.
        assert_eq!(a.iter().filter(|r| r[age] == "75 ans et plus").count(), 10);
        assert_eq!(
            rows[1..]
                .iter()
                .filter(|r| r[commune_col] == commune(1))
                .count(),
            3,
            "the raw export is the one not subject to secrecy"
        );

        let (content_type, bytes) = download(&admin, &xlsx_path).await;
        assert!(content_type.contains("spreadsheetml"), "{content_type}");
        let mut book = workbook(bytes);
        let sheet = book.worksheet_range("Réponses").unwrap();
        assert_eq!(sheet.height(), 1 + 29);
        let header: Vec<String> = sheet
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        let gravity = column(&header, GRAVITY);
        let food = column(&header, FOOD);
        let numbers: Vec<f64> = sheet
            .rows()
            .skip(1)
            .filter_map(|r| match &r[gravity] {
                Data::Float(x) => Some(*x),
                Data::Int(n) => Some(*n as f64),
                _ => None,
            })
            .collect();
        assert_eq!(numbers.len(), 12);
        assert!((numbers.iter().sum::<f64>() - 30.0).abs() < 1e-9);
        assert_eq!(
            sheet
                .rows()
                .skip(1)
                .filter(|r| r[food] == Data::String("oui".into()))
                .count(),
            12
        );

        // Audited: who, which export, which campaign — no answers.
        let audit: Value = admin
            .get_json("/api/v1/admin/audit?entity_type=campaign")
            .await;
        let entries = audit["entries"].as_array().unwrap();
        for action in ["export.answers_csv", "export.answers_xlsx"] {
            let entry = entries.iter().find(|e| e["action"] == action).unwrap();
            assert_eq!(entry["entity_id"], campaign.as_str());
            assert_eq!(entry["actor_email"], admin.email.as_str());
            let text = entry.to_string();
            assert!(
                !text.contains("aide-alimentaire") && !text.contains(&commune(0)),
                "{text}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn aggregated_exports_apply_secrecy_in_csv_xlsx_and_geojson() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (campaign, _) = seeded_app(&app).await;
        let committee = app.login_as(Role::Committee).await;
        let base = format!("/api/v1/admin/campaigns/{campaign}/exports");

        let (_, bytes) = download(&committee, &format!("{base}/results.csv?level=commune")).await;
        let rows = french_csv(&bytes);
        let header = &rows[0];
        let (code, question, answer, count, share, mean) = (
            column(header, "Code"),
            column(header, "Question"),
            column(header, "Réponse"),
            column(header, "Effectif"),
            column(header, "Part (%)"),
            column(header, "Moyenne"),
        );
        let line = |commune_code: &str, q: &str, a: &str| {
            rows.iter()
                .find(|r| r[code] == commune_code && r[question] == q && r[answer] == a)
                .unwrap_or_else(|| panic!("no line {commune_code} {q} {a}"))
                .clone()
        };
        let yes = line(&commune(0), DIFFICULTIES, "Oui");
        assert_eq!((yes[count].as_str(), yes[share].as_str()), ("12", "60"));
        let gravity = line(&commune(0), GRAVITY, "Réponses");
        assert_eq!(gravity[mean], "2,5", "decimal comma");
        let hidden = line(&commune(1), DIFFICULTIES, "Non");
        assert_eq!(
            (hidden[count].as_str(), hidden[share].as_str()),
            ("secret", "secret")
        );
        assert!(rows
            .iter()
            .filter(|r| r[code] == commune(1))
            .all(|r| r[column(header, "Répondants")] == "secret"));

        let (_, bytes) = download(&committee, &format!("{base}/results.xlsx?level=commune")).await;
        let mut book = workbook(bytes);
        let names = book.sheet_names();
        assert_eq!(names[0], "Synthèse");
        assert!(names.contains(&"1. difficultes".to_owned()), "{names:?}");
        let sheet = book.worksheet_range("1. difficultes").unwrap();
        let row_of = |code: &str| {
            sheet
                .rows()
                .find(|r| r[0] == Data::String(code.to_owned()))
                .unwrap()
                .to_vec()
        };
        let a = row_of(&commune(0));
        assert_eq!(a[2], Data::Float(20.0));
        assert_eq!(a[3], Data::Float(12.0), "Oui (effectif)");
        assert_eq!(a[4], Data::Float(60.0), "Oui (%)");
        let b = row_of(&commune(1));
        assert_eq!(b[2], Data::String("secret".into()));
        assert_eq!(b[3], Data::String("secret".into()));

        let (content_type, bytes) =
            download(&committee, &format!("{base}/results.geojson?level=commune")).await;
        assert_eq!(content_type, "application/geo+json");
        let layer: Value = serde_json::from_slice(&bytes).unwrap();
        let features = layer["features"].as_array().unwrap();
        assert_eq!(features.len(), demo_communes().len());
        let props = |code: &str| {
            features
                .iter()
                .find(|f| f["properties"]["code"] == code)
                .unwrap()["properties"]
                .clone()
        };
        let a = props(&commune(0));
        assert_eq!(a["repondants"], 20);
        assert_eq!(a["difficultes__yes_n"], 12);
        assert_eq!(a["difficultes__yes_pct"], 60.0);
        assert_eq!(a["domaines__aide_alimentaire_pct"], 100.0);
        assert_eq!(a["gravite_aide_alimentaire_moyenne"], 2.5);
        assert!(
            features
                .iter()
                .all(|f| f["geometry"]["type"] == "Polygon"
                    || f["geometry"]["type"] == "MultiPolygon")
        );
        let b = props(&commune(1));
        assert!(b["repondants"].is_null());
        assert_eq!(b["repondants_secret"], true);
        assert!(b["difficultes__no_n"].is_null());
        assert_eq!(b["difficultes__no_secret"], true);

        let audit_count = {
            let admin = app.login_as(Role::Admin).await;
            let audit: Value = admin
                .get_json("/api/v1/admin/audit?entity_type=campaign")
                .await;
            audit["entries"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| {
                    e["action"].as_str().unwrap().starts_with("export.results_")
                        && e["actor_email"] == committee.email.as_str()
                })
                .count()
        };
        assert_eq!(audit_count, 3);
    })
    .await;
}

#[tokio::test]
async fn initiatives_export_as_geojson_csv_and_data_inclusion() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        submit_published(
            &app,
            &submission("Épicerie solidaire", "aide-alimentaire", 0),
        )
        .await;
        submit_published(&app, &submission("Café des voisins", "isolement", 3)).await;
        let committee = app.login_as(Role::Committee).await;
        assert_eq!(
            committee
                .get("/api/v1/admin/exports/initiatives.csv")
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        let analyst = app.login_as(Role::Analyst).await;

        let (_, bytes) = download(&analyst, "/api/v1/admin/exports/initiatives.geojson").await;
        let layer: Value = serde_json::from_slice(&bytes).unwrap();
        let features = layer["features"].as_array().unwrap();
        assert_eq!(features.len(), 2);
        let food = features
            .iter()
            .find(|f| f["properties"]["titre"] == "Épicerie solidaire")
            .unwrap();
        assert_eq!(food["geometry"]["type"], "Point");
        assert_eq!(food["properties"]["theme_principal"], "Aide alimentaire");
        assert_eq!(food["properties"]["code_commune"], commune(0).as_str());

        let (_, bytes) = download(&analyst, "/api/v1/admin/exports/initiatives.csv").await;
        let rows = french_csv(&bytes);
        assert_eq!(rows.len(), 3);
        let header = &rows[0];
        let row = rows
            .iter()
            .find(|r| r[column(header, "Titre")] == "Café des voisins")
            .unwrap();
        assert_eq!(row[column(header, "Code commune (INSEE)")], commune(3));
        assert!(
            row[column(header, "Longitude")].contains(','),
            "decimal comma"
        );

        let (_, bytes) = download(
            &analyst,
            "/api/v1/admin/exports/data-inclusion/services.json",
        )
        .await;
        let services: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(services.len(), 2);
        let service = services
            .iter()
            .find(|s| s["nom"] == "Épicerie solidaire")
            .unwrap();
        assert_eq!(service["source"], "solidarites");
        assert_eq!(service["code_insee"], commune(0).as_str());
        assert_eq!(
            service["thematiques"],
            serde_json::json!([
                "equipement-et-alimentation--alimentation",
                "gestion-financiere--obtenir-une-aide-alimentaire"
            ])
        );
        for field in ["id", "structure_id", "date_maj"] {
            assert!(service[field].is_string(), "{field}");
        }

        let (_, bytes) = download(
            &analyst,
            "/api/v1/admin/exports/data-inclusion/structures.json",
        )
        .await;
        let structures: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
        let structure = structures
            .iter()
            .find(|s| s["id"] == service["structure_id"])
            .expect("the service's structure");
        assert_eq!(structure["nom"], "Acteur de Épicerie solidaire");
        assert_eq!(structure["typologie"], "ASSO");
        assert_eq!(structure["source"], "solidarites");
    })
    .await;
}

/// CSV injection (OWASP): text typed by residents and associations that starts like a
/// formula reaches the staff's Excel as text, never as a formula; numbers keep their sign.
#[tokio::test]
async fn csv_exports_neutralise_formulas_and_keep_negative_numbers() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let mut body = submission("=HYPERLINK(\"http://x.example\";\"clic\")", "isolement", 0);
        body.content.address = Some("-2+3 rue du Port".to_owned());
        body.content.schedule = Some("@SUM(A1:A9)".to_owned());
        submit_published(&app, &body).await;
        let admin = app.login_as(Role::Admin).await;

        let (_, bytes) = download(&admin, "/api/v1/admin/exports/initiatives.csv").await;
        let rows = french_csv(&bytes);
        let header = &rows[0];
        let row = &rows[1];
        assert_eq!(
            row[column(header, "Titre")],
            "'=HYPERLINK(\"http://x.example\";\"clic\")"
        );
        assert_eq!(row[column(header, "Adresse")], "'-2+3 rue du Port");
        assert_eq!(row[column(header, "Horaires")], "'@SUM(A1:A9)");
        // The demo territory lies west of Greenwich: a negative longitude, kept a number.
        let lon = &row[column(header, "Longitude")];
        assert!(
            lon.starts_with('-') && lon[1..].replace(',', "").parse::<u64>().is_ok(),
            "{lon}"
        );

        let campaign = crate::results::open_campaign(&admin).await;
        let mut answer = crate::results::answer(&commune(0), &[], None, "25_39");
        answer
            .answers
            .insert("propositions".to_owned(), "=1+1".into());
        crate::helpers::send_answer(&app, &campaign, &answer).await;
        let (_, bytes) = download(
            &admin,
            &format!("/api/v1/admin/campaigns/{campaign}/exports/answers.csv"),
        )
        .await;
        let rows = french_csv(&bytes);
        let text = rows[1].iter().find(|c| c.contains("1+1")).unwrap();
        assert_eq!(text, "'=1+1");
        // The XLSX keeps the text as it was typed (a string cell is never a formula).
        let (_, bytes) = download(
            &admin,
            &format!("/api/v1/admin/campaigns/{campaign}/exports/answers.xlsx"),
        )
        .await;
        let sheet = workbook(bytes).worksheet_range("Réponses").unwrap();
        assert!(sheet
            .rows()
            .nth(1)
            .unwrap()
            .iter()
            .any(|c| *c == Data::String("=1+1".into())));
    })
    .await;
}
