use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, FromQueryResult, Statement};
use serde_json::{json, Value};
use solidarites_api_types::CommuneResponse;
use solidarites_domain::demo::{demo_communes, demo_communes_geojson};
use solidarites_server::{cli::import_communes, storage};

use crate::helpers::{for_each_backend, landes_geojson_path, spawn_app};

/// A `communes` row, read with SQL (the entities are private to the server's storage).
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
struct CommuneRow {
    code: String,
    name: String,
    population: Option<i64>,
    postal_codes: String,
    geometry: String,
    min_lon: f64,
    min_lat: f64,
    max_lon: f64,
    max_lat: f64,
}

/// The `territory` row.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
struct TerritoryRow {
    revision: i64,
    commune_count: i32,
    source: String,
    imported_at: DateTime<Utc>,
}

/// Everything stored about the territory, to compare before and after.
async fn snapshot(db: &DatabaseConnection) -> (Vec<CommuneRow>, Option<TerritoryRow>) {
    let sql = |s: &str| Statement::from_string(db.get_database_backend(), s);
    let communes = CommuneRow::find_by_statement(sql(
        "SELECT code, name, population, postal_codes, geometry, \
         min_lon, min_lat, max_lon, max_lat FROM communes ORDER BY code",
    ))
    .all(db)
    .await
    .unwrap();
    let territory = TerritoryRow::find_by_statement(sql(
        "SELECT revision, commune_count, source, imported_at FROM territory WHERE id = 1",
    ))
    .one(db)
    .await
    .unwrap();
    (communes, territory)
}

fn demo_json() -> Value {
    serde_json::from_str(&demo_communes_geojson()).unwrap()
}

/// (file content, what the error must mention)
fn broken_files() -> Vec<(&'static str, String, Vec<&'static str>)> {
    let mut cases = vec![
        ("not json", "{ this is not json".to_owned(), vec!["JSON"]),
        (
            "a lone feature",
            json!({"type": "Feature", "properties": {"code": "00001", "nom": "X"},
                   "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}})
            .to_string(),
            vec!["FeatureCollection"],
        ),
        (
            "empty collection",
            json!({"type": "FeatureCollection", "features": []}).to_string(),
            vec![],
        ),
    ];
    let mut missing_code = demo_json();
    let props = missing_code["features"][1]["properties"]
        .as_object_mut()
        .unwrap();
    props.remove("code");
    cases.push(("missing code", missing_code.to_string(), vec!["feature 1"]));

    let mut bad_code = demo_json();
    bad_code["features"][2]["properties"]["code"] = json!("4019X");
    cases.push(("invalid code", bad_code.to_string(), vec!["feature 2"]));

    let mut point = demo_json();
    point["features"][0]["geometry"] = json!({"type": "Point", "coordinates": [-4.0, 45.5]});
    cases.push(("point geometry", point.to_string(), vec!["feature 0"]));

    let mut open_ring = demo_json();
    let ring = open_ring["features"][3]["geometry"]["coordinates"][0]
        .as_array_mut()
        .unwrap();
    if ring[0].is_array() && ring[0][0].is_array() {
        // MultiPolygon: coordinates[0] is a polygon, take its outer ring.
        ring[0].as_array_mut().unwrap().pop();
    } else {
        ring.pop();
    }
    cases.push(("open ring", open_ring.to_string(), vec!["feature 3"]));

    let mut projected = demo_json();
    projected["features"][4]["geometry"] = json!({"type": "Polygon", "coordinates":
        [[[425000.0, 6310000.0], [426000.0, 6310000.0], [426000.0, 6311000.0], [425000.0, 6310000.0]]]});
    cases.push((
        "projected coordinates",
        projected.to_string(),
        vec!["feature 4"],
    ));

    let mut duplicate = demo_json();
    let code = duplicate["features"][0]["properties"]["code"].clone();
    duplicate["features"][5]["properties"]["code"] = code;
    cases.push(("duplicate code", duplicate.to_string(), vec!["feature 5"]));
    cases
}

#[tokio::test]
async fn broken_import_files_leave_the_communes_exactly_as_they_were() {
    for_each_backend(|db| async move {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.geojson");
        std::fs::write(&good, demo_communes_geojson()).unwrap();
        import_communes(&db.url, &good, None).await.unwrap();
        let before = snapshot(&db.conn).await;
        assert_eq!(before.0.len(), demo_communes().len());

        for (name, content, mentions) in broken_files() {
            let path = dir.path().join("broken.geojson");
            std::fs::write(&path, &content).unwrap();
            let err = import_communes(&db.url, &path, None).await.expect_err(name);
            let message = format!("{err:#}");
            for m in mentions {
                assert!(
                    message.contains(m),
                    "{name}: {message:?} should mention {m:?}"
                );
            }
            assert_eq!(
                snapshot(&db.conn).await,
                before,
                "{name} changed the stored communes"
            );
        }
    })
    .await;
}

/// The storage layer itself is atomic: a failure in the middle of the replacement (here a
/// duplicate primary key on a later row) rolls everything back.
#[tokio::test]
async fn a_failed_replacement_rolls_back_in_the_database() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        storage::communes::replace_all(&db.conn, &communes, "first")
            .await
            .unwrap();
        let before = snapshot(&db.conn).await;

        let mut bad = demo_communes();
        bad.reverse();
        let duplicate = bad[0].clone();
        bad.push(duplicate);
        assert!(storage::communes::replace_all(&db.conn, &bad, "bad")
            .await
            .is_err());
        assert_eq!(snapshot(&db.conn).await, before);
    })
    .await;
}

#[tokio::test]
async fn reimporting_replaces_the_territory_and_bumps_the_revision() {
    for_each_backend(|db| async move {
        let communes = demo_communes();
        let r1 = storage::communes::replace_all(&db.conn, &communes, "a")
            .await
            .unwrap();
        let r2 = storage::communes::replace_all(&db.conn, &communes[..5], "b")
            .await
            .unwrap();
        assert_eq!(r2, r1 + 1);
        let (rows, territory) = snapshot(&db.conn).await;
        assert_eq!(rows.len(), 5);
        let territory = territory.unwrap();
        assert_eq!(territory.commune_count, 5);
        assert_eq!(territory.source, "b");
        // What was stored reads back as the same domain values.
        let mut expected = communes[..5].to_vec();
        expected.sort_by(|a, b| a.code.cmp(&b.code));
        assert_eq!(
            storage::communes::load_all(&db.conn).await.unwrap(),
            expected
        );
    })
    .await;
}

#[tokio::test]
async fn joins_a_population_csv_on_import() {
    for_each_backend(|db| async move {
        let dir = tempfile::tempdir().unwrap();
        let geo = dir.path().join("c.geojson");
        std::fs::write(&geo, demo_communes_geojson()).unwrap();
        let communes = demo_communes();
        let csv = dir.path().join("pop.csv");
        std::fs::write(
            &csv,
            format!(
                "code;population\n{};1234\n{};0\n",
                communes[0].code, communes[1].code
            ),
        )
        .unwrap();
        import_communes(&db.url, &geo, Some(&csv)).await.unwrap();
        let app = spawn_app(db).await;
        let c0: CommuneResponse = app
            .get_json(&format!("/api/v1/communes/{}", communes[0].code))
            .await;
        assert_eq!(c0.population, Some(1234));
        let c1: CommuneResponse = app
            .get_json(&format!("/api/v1/communes/{}", communes[1].code))
            .await;
        assert_eq!(c1.population, Some(0));

        // A bad population file refuses the whole import.
        let before = snapshot(&app.db.conn).await;
        std::fs::write(&csv, format!("{};douze\n", communes[0].code)).unwrap();
        let err = import_communes(&app.db.url, &geo, Some(&csv))
            .await
            .unwrap_err();
        assert!(format!("{err:#}").contains("line 1"), "{err:#}");
        assert_eq!(snapshot(&app.db.conn).await, before);
    })
    .await;
}

#[tokio::test]
async fn a_broken_file_after_the_real_landes_changes_nothing() {
    let Some(path) = landes_geojson_path() else {
        eprintln!("shared/data absent: Landes variant not run (the demo variant above runs)");
        return;
    };
    for_each_backend(|db| {
        let path = path.clone();
        async move {
            import_communes(&db.url, &path, None).await.unwrap();
            let before = snapshot(&db.conn).await;
            assert_eq!(before.0.len(), 330);
            let mut landes: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            landes["features"][329]["geometry"] = Value::Null;
            let dir = tempfile::tempdir().unwrap();
            let broken = dir.path().join("landes-broken.geojson");
            std::fs::write(&broken, landes.to_string()).unwrap();
            let err = import_communes(&db.url, &broken, None).await.unwrap_err();
            assert!(format!("{err:#}").contains("feature 329"), "{err:#}");
            assert_eq!(snapshot(&db.conn).await, before);
        }
    })
    .await;
}
