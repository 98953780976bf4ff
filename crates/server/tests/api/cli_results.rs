//! `solidarites zones import` and `solidarites indicators import`, the real binary, on
//! the real Landes communes, cantons and arrondissements when `shared/data` is there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use solidarites_domain::demo::demo_communes;
use solidarites_server::storage;

use crate::{
    cli::{demo_db, solidarites},
    helpers::{backends, landes_geojson_path, TestDb},
};

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// `solidarites zones import --level <level> <path>`.
fn import_zones(db_url: &str, level: &str, path: &std::path::Path) -> std::process::Output {
    let path = path.to_str().unwrap();
    solidarites(db_url, &["zones", "import", "--level", level, path])
}

/// The INSEE codes of the demo communes.
fn demo_codes() -> Vec<String> {
    demo_communes()
        .iter()
        .map(|c| c.code.as_str().to_owned())
        .collect()
}

fn shared_data(name: &str) -> Option<PathBuf> {
    landes_geojson_path().map(|p| p.with_file_name(name))
}

#[tokio::test]
async fn landes_cantons_and_arrondissements_cover_every_commune_once() {
    let (Some(communes), Some(cantons), Some(arrondissements)) = (
        landes_geojson_path(),
        shared_data("cantons-40-landes.geojson"),
        shared_data("arrondissements-40-landes.geojson"),
    ) else {
        return; // shared/data is not beside the project
    };
    for backend in backends() {
        let db = TestDb::create(&backend).await;
        ok(&solidarites(
            &db.url,
            &["communes", "import", communes.to_str().unwrap()],
        ));
        let out = ok(&import_zones(&db.url, "canton", &cantons));
        assert!(
            out.contains("imported 15 canton zone(s) covering 330 commune(s)"),
            "{out}"
        );
        let out = ok(&import_zones(&db.url, "arrondissement", &arrondissements));
        assert!(
            out.contains("imported 2 arrondissement zone(s) covering 330 commune(s)"),
            "{out}"
        );

        let cantons = storage::zones::zones_of_level(&db.conn, "canton", true)
            .await
            .unwrap();
        assert_eq!(cantons.len(), 15);
        assert_eq!(cantons.iter().map(|z| z.communes.len()).sum::<usize>(), 330);
        assert!(cantons
            .iter()
            .all(|z| !z.communes.is_empty() && z.geometry.is_some()));
        // Mont-de-Marsan (40192) is in the arrondissement of Mont-de-Marsan.
        let arrondissements = storage::zones::zones_of_level(&db.conn, "arrondissement", false)
            .await
            .unwrap();
        let mdm = arrondissements
            .iter()
            .find(|z| z.communes.contains(&"40192".to_owned()))
            .unwrap();
        assert_eq!(mdm.name, "Mont-de-Marsan");
    }
}

#[tokio::test]
async fn zones_import_from_a_csv_table_and_a_bad_table_changes_nothing() {
    for backend in backends() {
        let (db, dir) = demo_db(&backend).await;
        let codes = demo_codes();

        let mut table = String::from("\u{feff}code_commune;code_zone;nom_zone\n");
        for (i, code) in codes.iter().enumerate() {
            let zone = if i % 2 == 0 {
                "E1;Cœur de lande"
            } else {
                "E2;Côte"
            };
            table.push_str(&format!("{code};{zone}\n"));
        }
        let good = dir.path().join("epci.csv");
        std::fs::write(&good, &table).unwrap();
        let out = ok(&import_zones(&db.url, "epci", &good));
        assert!(
            out.contains(&format!(
                "imported 2 epci zone(s) covering {} commune(s)",
                codes.len()
            )),
            "{out}"
        );

        // Line 3 has two fields: refused, naming the line; the stored zones stay.
        let bad_table = format!(
            "code_commune;code_zone;nom_zone\n{};X1;Un\n{};X2\n",
            codes[0], codes[1]
        );
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, bad_table).unwrap();
        let out = import_zones(&db.url, "epci", &bad);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("line 3"), "{stderr}");
        let stored = storage::zones::zones_of_level(&db.conn, "epci", false)
            .await
            .unwrap();
        assert_eq!(
            stored.iter().map(|z| z.code.as_str()).collect::<Vec<_>>(),
            ["E1", "E2"]
        );
        assert_eq!(stored[0].name, "Cœur de lande");

        let out = import_zones(&db.url, "region", &good);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("--level"));
    }
}

#[tokio::test]
async fn indicators_import_with_metadata_or_flags_and_a_bad_file_names_its_line() {
    for backend in backends() {
        let (db, dir) = demo_db(&backend).await;
        let codes = demo_codes();

        let data = format!(
            "code;taux_pauvrete;part_75_seuls\n{};14,5;9.2\n{};;11\n99999;3;4\n",
            codes[0], codes[1]
        );
        let data_path = dir.path().join("indicateurs.csv");
        std::fs::write(&data_path, data).unwrap();
        let meta = "indicateur;libelle;unite;source;annee\n\
                    taux_pauvrete;Taux de pauvreté;%;Insee, Filosofi;2021\n\
                    part_75_seuls;Part des 75 ans et plus vivant seuls;%;Insee, RP;2020\n";
        let meta_path = dir.path().join("meta.csv");
        std::fs::write(&meta_path, meta).unwrap();
        let out = ok(&solidarites(
            &db.url,
            &[
                "indicators",
                "import",
                data_path.to_str().unwrap(),
                "--metadata",
                meta_path.to_str().unwrap(),
            ],
        ));
        assert!(out.contains("imported 2 indicator(s)"), "{out}");
        assert!(
            out.contains("line 4"),
            "the commune outside the territory is reported: {out}"
        );
        let values = storage::indicators::values_by_commune(&db.conn)
            .await
            .unwrap();
        assert_eq!(values[&codes[0]]["taux_pauvrete"], 14.5);
        assert_eq!(values[&codes[0]]["part_75_seuls"], 9.2);
        assert!(
            !values[&codes[1]].contains_key("taux_pauvrete"),
            "empty = missing"
        );
        let list = storage::indicators::list(&db.conn).await.unwrap();
        assert_eq!(list[1].label, "Taux de pauvreté");
        assert_eq!(list[1].year, Some(2021));

        // One indicator described by flags.
        let single = dir.path().join("revenu.csv");
        std::fs::write(
            &single,
            format!("CODGEO;revenu_median\n{};21 340\n", codes[2]),
        )
        .unwrap();
        ok(&solidarites(
            &db.url,
            &[
                "indicators",
                "import",
                single.to_str().unwrap(),
                "--label",
                "Revenu médian",
                "--unit",
                "€",
                "--year",
                "2021",
            ],
        ));
        let values = storage::indicators::values_by_commune(&db.conn)
            .await
            .unwrap();
        assert_eq!(values[&codes[2]]["revenu_median"], 21340.0);

        // A value that is not a number on line 3: refused, named, nothing changed.
        let bad = dir.path().join("bad.csv");
        std::fs::write(
            &bad,
            format!(
                "code;taux_pauvrete;part_75_seuls\n{};1;2\n{};beaucoup;3\n",
                codes[0], codes[1]
            ),
        )
        .unwrap();
        let out = solidarites(
            &db.url,
            &[
                "indicators",
                "import",
                bad.to_str().unwrap(),
                "--metadata",
                meta_path.to_str().unwrap(),
            ],
        );
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("line 3") && stderr.contains("beaucoup"),
            "{stderr}"
        );
        let values = storage::indicators::values_by_commune(&db.conn)
            .await
            .unwrap();
        assert_eq!(values[&codes[0]]["taux_pauvrete"], 14.5);
    }
}
