//! Zones above the commune: the real Landes cantons and arrondissements
//! assigned by interior point, interior points of every real commune, and the
//! `code_commune;code_zone;nom_zone` table.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr,
    reason = "tests"
)]

mod common;

use std::path::PathBuf;

use geo::polygon;

use solidarites_domain::index::geometry_contains;
use solidarites_domain::results::zones::{
    assign_by_polygons, parse_csv, parse_zones_geojson, ZoneAssignment, ZonePolygon,
};
use solidarites_domain::results::{ZoneLevel, ZoneMapping};
use solidarites_domain::{Commune, InseeCode};

fn shared(name: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            eprintln!(
                "SKIPPING Landes zone checks: {} not readable ({e})",
                path.display()
            );
            None
        }
    }
}

/// The Landes communes and the zones of `file`, when the shared data is there.
fn landes_zones(file: &str) -> Option<(Vec<Commune>, Vec<ZonePolygon>)> {
    let communes = common::landes()?;
    let zones = parse_zones_geojson(&shared(file)?).unwrap();
    Some((communes, zones))
}

fn zone_of<'a>(assignments: &'a [ZoneAssignment], code: &str) -> &'a ZoneAssignment {
    assignments
        .iter()
        .find(|a| a.commune.as_str() == code)
        .unwrap_or_else(|| panic!("{code} has no zone"))
}

#[test]
fn every_real_commune_has_an_interior_point_inside_it() {
    let (communes, source) = common::territory();
    for commune in &communes {
        let p = commune
            .interior_point()
            .unwrap_or_else(|| panic!("{} ({source}) has no interior point", commune.code));
        assert!(
            geometry_contains(&commune.geometry, p.lon(), p.lat()),
            "{} {}: {p:?} is outside",
            commune.code,
            commune.name
        );
    }
}

#[test]
fn landes_cantons_give_each_commune_exactly_one_canton() {
    let Some((communes, cantons)) = landes_zones("cantons-40-landes.geojson") else {
        return;
    };
    assert_eq!(cantons.len(), 15);
    let result = assign_by_polygons(&communes, &cantons);
    assert!(result.unassigned.is_empty(), "{:?}", result.unassigned);
    assert_eq!(result.assignments.len(), communes.len());
    let mut codes: Vec<&InseeCode> = result.assignments.iter().map(|a| &a.commune).collect();
    codes.dedup();
    assert_eq!(codes.len(), 330, "one assignment per commune");
    eprintln!(
        "{} communes placed in the nearest canton",
        result.nearest.len()
    );
    assert!(result.nearest.len() < 10, "{:?}", result.nearest);
    assert_eq!(zone_of(&result.assignments, "40312").zone_name, "Seignanx"); // Tarnos
    assert_eq!(
        zone_of(&result.assignments, "40046").zone_name,
        "Grands Lacs"
    ); // Biscarrosse
       // The two towns are split between two cantons each: either half will do.
    assert!(zone_of(&result.assignments, "40192")
        .zone_name
        .starts_with("Mont-de-Marsan-"));
    assert!(zone_of(&result.assignments, "40088")
        .zone_name
        .starts_with("Dax-"));
    // Every canton gets communes.
    let mapping = ZoneMapping::new(ZoneLevel::Canton, &communes, &result.assignments);
    assert_eq!(mapping.zones().len(), 15);
    for z in 0..15u32 {
        assert!(
            (0..communes.len()).any(|p| mapping.zone_of(p) == Some(z)),
            "empty canton {z}"
        );
    }
}

#[test]
fn landes_arrondissements_split_the_departement_in_two() {
    let Some((communes, arrondissements)) = landes_zones("arrondissements-40-landes.geojson")
    else {
        return;
    };
    let result = assign_by_polygons(&communes, &arrondissements);
    assert!(result.unassigned.is_empty());
    assert_eq!(result.assignments.len(), 330);
    for (commune, name) in [
        ("40192", "Mont-de-Marsan"),
        ("40046", "Mont-de-Marsan"),
        ("40088", "Dax"),
        ("40312", "Dax"),
    ] {
        assert_eq!(
            zone_of(&result.assignments, commune).zone_name,
            name,
            "{commune}"
        );
    }
    let mapping = ZoneMapping::new(ZoneLevel::Arrondissement, &communes, &result.assignments);
    let in_dax = (0..communes.len())
        .filter(|&p| mapping.zone_of(p) == Some(0))
        .count();
    assert!((100..230).contains(&in_dax), "{in_dax} communes in Dax");
}

#[test]
fn zones_geojson_problems_are_named_by_feature() {
    let bad = r#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nom": "Sans code"},
         "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}},
        {"type": "Feature", "properties": {"code": "A", "nom": "A"}, "geometry": null},
        {"type": "Feature", "properties": {"code": "B"},
         "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}},
        {"type": "Feature", "properties": {"code": "B", "nom": "Encore B"},
         "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}
    ]}"#;
    let errors = parse_zones_geojson(bad).unwrap_err();
    let features: Vec<Option<usize>> = errors.0.iter().map(|e| e.feature).collect();
    assert_eq!(features, [Some(0), Some(1), Some(3)], "{errors}");
    assert!(errors.to_string().contains("duplicate zone code B"));
    assert!(parse_zones_geojson("[]").is_err());
    assert!(parse_zones_geojson("pas du json").is_err());
    // The name falls back to the code.
    let ok = r#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": 200041762},
         "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}]}"#;
    let zones = parse_zones_geojson(ok).unwrap();
    assert_eq!(
        (zones[0].code.as_str(), zones[0].name.as_str()),
        ("200041762", "200041762")
    );
}

#[test]
fn commune_outside_every_zone_stays_unassigned() {
    let square = |x: f64| {
        geo::MultiPolygon(vec![polygon![
            (x: x, y: 0.0), (x: x + 1.0, y: 0.0), (x: x + 1.0, y: 1.0), (x: x, y: 1.0),
        ]])
    };
    let commune = |code: &str, x: f64| Commune {
        code: InseeCode::parse(code).unwrap(),
        name: code.into(),
        population: None,
        postal_codes: vec![],
        geometry: square(x),
    };
    let zones = vec![ZonePolygon {
        code: "Z".into(),
        name: "Zone".into(),
        geometry: square(0.0),
    }];
    let result = assign_by_polygons(&[commune("40001", 0.0), commune("40002", 5.0)], &zones);
    assert_eq!(result.assignments.len(), 1);
    assert_eq!(result.unassigned, [InseeCode::parse("40002").unwrap()]);
}

#[test]
fn csv_with_header_bom_quotes_and_padding() {
    let text = "\u{feff}code_commune;code_zone;nom_zone\r\n40192;200069631;\"Mont de Marsan Agglomération\"\r\n\r\n1004;X;\"Zone; avec point-virgule\"\r\n";
    let rows = parse_csv(text).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].commune.as_str(), "40192");
    assert_eq!(rows[0].zone_name, "Mont de Marsan Agglomération");
    assert_eq!(rows[1].commune.as_str(), "01004");
    assert_eq!(rows[1].zone_name, "Zone; avec point-virgule");
}

#[test]
fn csv_without_header_and_with_commas() {
    let rows = parse_csv("40192,C1,Canton 1\n40088,C2,Canton 2\n").unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].zone_code, "C2");
}

#[test]
fn csv_problems_name_every_bad_line() {
    let text = "code_commune;code_zone;nom_zone\n\
                40192;C1;Canton 1\n\
                4O088;C2;Canton 2\n\
                40088;C2\n\
                40046;;Canton 3\n\
                40192;C9;Autre\n";
    let errors = parse_csv(text).unwrap_err();
    let lines: Vec<Option<usize>> = errors.0.iter().map(|e| e.line).collect();
    assert_eq!(lines, [Some(3), Some(4), Some(5), Some(6)], "{errors}");
    let text = errors.to_string();
    assert!(
        text.contains("line 6: commune 40192 is given twice (already on line 2)"),
        "{text}"
    );
    assert!(parse_csv("").is_err());
    // A bad first line is not mistaken for a header: it has digits.
    let errors = parse_csv("4O192;C1;Canton 1\n").unwrap_err();
    assert_eq!(errors.0[0].line, Some(1));
}

#[test]
fn mapping_ignores_unknown_communes_and_sorts_zones() {
    let (communes, _) = common::territory();
    let rows = parse_csv(&format!(
        "{};B;Zone B\n{};A;Zone A\n99999;C;Ailleurs\n",
        communes[0].code, communes[1].code
    ))
    .unwrap();
    let mapping = ZoneMapping::new(ZoneLevel::Epci, &communes, &rows);
    let codes: Vec<&str> = mapping.zones().iter().map(|z| z.code.as_str()).collect();
    assert_eq!(codes, ["A", "B", "C"]);
    assert_eq!(mapping.zone_of(0), Some(1));
    assert_eq!(mapping.zone_of(1), Some(0));
    assert_eq!(mapping.zone_of(2), None);
    assert_eq!(mapping.commune_count(), communes.len());
    assert_eq!(ZoneLevel::parse("epci"), Some(ZoneLevel::Epci));
    assert!("region".parse::<ZoneLevel>().is_err());
}
