//! GeoJSON and CSV import: every property flavour users have, and a clear,
//! located refusal for every broken file.

#![allow(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use geo::{coord, LineString};
use solidarites_domain::{
    apply_population, parse_communes_geojson, parse_population_csv, Commune, ImportErrors,
    InseeCode,
};

const SQUARE: &str = r#"{"type":"Polygon","coordinates":[[[-0.5,43.8],[-0.4,43.8],[-0.4,43.9],[-0.5,43.9],[-0.5,43.8]]]}"#;

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

fn feature(properties: &str, geometry: &str) -> String {
    format!(r#"{{"type":"Feature","properties":{properties},"geometry":{geometry}}}"#)
}

fn one(properties: &str) -> Commune {
    let mut communes = parse_communes_geojson(&collection(&[feature(properties, SQUARE)])).unwrap();
    assert_eq!(communes.len(), 1);
    communes.remove(0)
}

fn errors(text: &str) -> ImportErrors {
    parse_communes_geojson(text).unwrap_err()
}

/// The single error's display, e.g. "feature 1: missing geometry …".
fn only_message(text: &str) -> String {
    let errors = errors(text);
    assert_eq!(errors.0.len(), 1, "{errors}");
    errors.0[0].to_string()
}

fn code(s: &str) -> InseeCode {
    InseeCode::parse(s).unwrap()
}

#[test]
fn reads_geo_api_gouv_fr_properties() {
    let c = one(
        r#"{"code":"40192","nom":"Mont-de-Marsan","population":29807,"codesPostaux":["40000"],"codeDepartement":"40"}"#,
    );
    assert_eq!(c.code, code("40192"));
    assert_eq!(c.name, "Mont-de-Marsan");
    assert_eq!(c.population, Some(29807));
    assert_eq!(c.postal_codes, ["40000"]);
    assert_eq!(c.geometry.0.len(), 1);
    assert_eq!(c.geometry.0[0].exterior().0[1], coord! { x: -0.4, y: 43.8 });
}

#[test]
fn reads_ign_admin_express_properties() {
    let c = one(
        r#"{"ID":"COMMUNE_0000000009736048","INSEE_COM":"40192","NOM":"Mont-de-Marsan","POPULATION":29807,"INSEE_DEP":"40"}"#,
    );
    assert_eq!(
        (c.code.as_str(), c.name.as_str(), c.population),
        ("40192", "Mont-de-Marsan", Some(29807))
    );
    assert!(c.postal_codes.is_empty());
    let c = one(r#"{"INSEE_COM":"2A004","NOM_COM":"Ajaccio"}"#);
    assert_eq!(
        (c.code.as_str(), c.name.as_str(), c.population),
        ("2A004", "Ajaccio", None)
    );
}

#[test]
fn reads_openstreetmap_properties() {
    let c = one(
        r#"{"ref:INSEE":"40088","name":"Dax","population":"20 891","addr:postcode":"40100;40990","admin_level":"8"}"#,
    );
    assert_eq!(c.code, code("40088"));
    assert_eq!(c.name, "Dax");
    assert_eq!(c.population, Some(20891));
    assert_eq!(c.postal_codes, ["40100", "40990"]);
    let c = one(r#"{"ref:INSEE":"40088","name":"Dax","postal_code":"40990, 40100, 40100"}"#);
    assert_eq!(c.postal_codes, ["40100", "40990"]);
}

#[test]
fn reads_france_geojson_properties() {
    let c = one(r#"{"code":"40037","nom":"Benquet"}"#);
    assert_eq!(
        (c.code.as_str(), c.name.as_str(), c.population),
        ("40037", "Benquet", None)
    );
}

#[test]
fn left_pads_numeric_codes_and_normalises_corsica() {
    assert_eq!(
        one(r#"{"code":1004,"nom":"Ambérieu-en-Bugey"}"#).code,
        code("01004")
    );
    assert_eq!(
        one(r#"{"insee":40192,"nom":"Mont-de-Marsan"}"#).code,
        code("40192")
    );
    assert_eq!(
        one(r#"{"code":"2b033","nom":"Bastia"}"#).code,
        code("2B033")
    );
    assert_eq!(
        one(r#"{"code":"40192","nom":"X","population":1234.0}"#).population,
        Some(1234)
    );
    assert_eq!(
        one(r#"{"code":"40192","nom":"X","population":null}"#).population,
        None
    );
}

#[test]
fn polygon_becomes_one_member_multipolygon_and_multipolygon_is_kept() {
    let multi = r#"{"type":"MultiPolygon","coordinates":[
        [[[-0.5,43.8],[-0.4,43.8],[-0.4,43.9],[-0.5,43.8]]],
        [[[-1.0,43.8],[-0.9,43.8],[-0.9,43.9],[-1.0,43.9],[-1.0,43.8]],
         [[-0.98,43.82],[-0.92,43.82],[-0.92,43.88],[-0.98,43.82]]]]}"#;
    let communes = parse_communes_geojson(&collection(&[
        feature(r#"{"code":"40001","nom":"A"}"#, SQUARE),
        feature(r#"{"code":"40002","nom":"B"}"#, multi),
    ]))
    .unwrap();
    assert_eq!(communes[0].geometry.0.len(), 1);
    assert_eq!(communes[1].geometry.0.len(), 2);
    assert_eq!(communes[1].geometry.0[1].interiors().len(), 1);
    assert_eq!(
        communes[1].geometry.0[0].exterior(),
        &LineString::from(vec![(-0.5, 43.8), (-0.4, 43.8), (-0.4, 43.9), (-0.5, 43.8)])
    );
}

#[test]
fn accepts_wgs84_crs_declarations() {
    for name in [
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4326",
    ] {
        let text = format!(
            r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"{name}"}}}},"features":[{}]}}"#,
            feature(r#"{"code":"40001","nom":"A"}"#, SQUARE)
        );
        assert_eq!(parse_communes_geojson(&text).unwrap().len(), 1, "{name}");
    }
}

#[test]
fn refuses_text_that_is_not_json() {
    let message = only_message("{\"type\": \"FeatureCollection\", ");
    assert!(message.starts_with("not valid JSON"), "{message}");
    assert!(only_message("").starts_with("not valid JSON"));
}

#[test]
fn refuses_json_that_is_not_a_feature_collection_saying_what_it_is() {
    let message = only_message(&feature(r#"{"code":"40001","nom":"A"}"#, SQUARE));
    assert!(message.contains("found a single Feature"), "{message}");
    let message = only_message(SQUARE);
    assert!(
        message.contains("found a bare Polygon geometry"),
        "{message}"
    );
    let message = only_message("[1, 2]");
    assert!(message.contains("found a JSON array"), "{message}");
    let message = only_message(r#"{"features": []}"#);
    assert!(message.contains("without a \"type\""), "{message}");
    let message = only_message(r#"{"type":"Topology","objects":{}}"#);
    assert!(message.contains("\"Topology\""), "{message}");
}

#[test]
fn refuses_an_empty_collection() {
    let message = only_message(r#"{"type":"FeatureCollection","features":[]}"#);
    assert!(message.contains("no features"), "{message}");
}

#[test]
fn refuses_missing_or_non_polygon_geometry_naming_the_feature() {
    let text = collection(&[
        feature(r#"{"code":"40001","nom":"A"}"#, SQUARE),
        feature(r#"{"code":"40002","nom":"B"}"#, "null"),
        feature(
            r#"{"code":"40003","nom":"C"}"#,
            r#"{"type":"Point","coordinates":[-0.5,43.8]}"#,
        ),
        r#"{"type":"Feature","properties":{"code":"40004","nom":"D"}}"#.to_owned(),
        feature(
            r#"{"code":"40005","nom":"E"}"#,
            r#"{"type":"LineString","coordinates":[[-0.5,43.8],[-0.4,43.8]]}"#,
        ),
    ]);
    let errors = errors(&text);
    let shown: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 4, "{shown:?}");
    assert!(
        shown[0].starts_with("feature 1: missing geometry"),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("feature 2: the geometry is a Point"),
        "{shown:?}"
    );
    assert!(
        shown[2].starts_with("feature 3: missing geometry"),
        "{shown:?}"
    );
    assert!(
        shown[3].starts_with("feature 4: the geometry is a LineString"),
        "{shown:?}"
    );
    assert_eq!(errors.0[1].feature, Some(2));
}

#[test]
fn refuses_short_and_unclosed_rings() {
    let short = r#"{"type":"Polygon","coordinates":[[[-0.5,43.8],[-0.4,43.8],[-0.5,43.8]]]}"#;
    let open =
        r#"{"type":"Polygon","coordinates":[[[-0.5,43.8],[-0.4,43.8],[-0.4,43.9],[-0.5,43.9]]]}"#;
    let bad_hole = r#"{"type":"MultiPolygon","coordinates":[[[[-0.5,43.8],[-0.4,43.8],[-0.4,43.9],[-0.5,43.8]],[[-0.45,43.82],[-0.42,43.82]]]]}"#;
    let text = collection(&[
        feature(r#"{"code":"40001","nom":"A"}"#, short),
        feature(r#"{"code":"40002","nom":"B"}"#, open),
        feature(r#"{"code":"40003","nom":"C"}"#, bad_hole),
    ]);
    let shown: Vec<String> = errors(&text).0.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert!(
        shown[0].starts_with("feature 0: ring 0 has 3 positions"),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("feature 1: ring 0 is not closed"),
        "{shown:?}"
    );
    assert!(
        shown[1].contains("[-0.5, 43.8]") && shown[1].contains("[-0.5, 43.9]"),
        "{shown:?}"
    );
    assert!(
        shown[2].starts_with("feature 2: polygon 0, ring 1 has 2 positions"),
        "{shown:?}"
    );
}

#[test]
fn refuses_malformed_positions() {
    let bad = r#"{"type":"Polygon","coordinates":[[[-0.5],[-0.4,43.8],[-0.4,43.9],[-0.5,43.8]]]}"#;
    let message = only_message(&collection(&[feature(
        r#"{"code":"40001","nom":"A"}"#,
        bad,
    )]));
    assert!(
        message.starts_with("feature 0: ring 0 has an invalid position 0"),
        "{message}"
    );
    let text_number = r#"{"type":"Polygon","coordinates":[[["-0.5","43.8"],[-0.4,43.8],[-0.4,43.9],[-0.5,43.8]]]}"#;
    assert!(only_message(&collection(&[feature(
        r#"{"code":"40001","nom":"A"}"#,
        text_number
    )]))
    .contains("position 0"));
}

#[test]
fn refuses_projected_coordinates_with_a_reprojection_hint() {
    let lambert93 = r#"{"type":"Polygon","coordinates":[[[420000,6310000],[421000,6310000],[421000,6311000],[420000,6310000]]]}"#;
    let text = collection(&[feature(r#"{"code":"40001","nom":"A"}"#, lambert93)]);
    let message = only_message(&text);
    assert!(message.starts_with("feature 0: "), "{message}");
    assert!(message.contains("Lambert-93"), "{message}");
    assert!(message.contains("EPSG:2154"), "{message}");
    assert!(message.contains("WGS 84"), "{message}");
    // A latitude alone out of range is caught too.
    let bad_lat =
        r#"{"type":"Polygon","coordinates":[[[-0.5,93.8],[-0.4,43.8],[-0.4,43.9],[-0.5,93.8]]]}"#;
    assert!(only_message(&collection(&[feature(
        r#"{"code":"40001","nom":"A"}"#,
        bad_lat
    )]))
    .contains("[-0.5, 93.8]"));
}

#[test]
fn refuses_non_finite_coordinates() {
    // JSON has no NaN or infinity; an overflowing literal is not valid JSON.
    let huge =
        r#"{"type":"Polygon","coordinates":[[[-0.5,1e400],[-0.4,43.8],[-0.4,43.9],[-0.5,1e400]]]}"#;
    let message = only_message(&collection(&[feature(
        r#"{"code":"40001","nom":"A"}"#,
        huge,
    )]));
    assert!(message.starts_with("not valid JSON"), "{message}");
    let nan =
        r#"{"type":"Polygon","coordinates":[[[-0.5,NaN],[-0.4,43.8],[-0.4,43.9],[-0.5,NaN]]]}"#;
    assert!(only_message(&collection(&[feature(
        r#"{"code":"40001","nom":"A"}"#,
        nan
    )]))
    .starts_with("not valid JSON"));
}

#[test]
fn refuses_a_projected_crs_declaration() {
    let text = format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::2154"}}}},"features":[{}]}}"#,
        feature(r#"{"code":"40001","nom":"A"}"#, SQUARE)
    );
    let message = only_message(&text);
    assert!(
        message.contains("urn:ogc:def:crs:EPSG::2154") && message.contains("WGS 84"),
        "{message}"
    );
    let old_style = format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"EPSG","properties":{{"code":2154}}}},"features":[{}]}}"#,
        feature(r#"{"code":"40001","nom":"A"}"#, SQUARE)
    );
    assert!(only_message(&old_style).contains("EPSG:2154"));
}

#[test]
fn refuses_missing_and_invalid_codes_and_names() {
    let text = collection(&[
        feature(r#"{"nom":"Sans Code"}"#, SQUARE),
        feature(r#"{"code":"4019","nom":"Court"}"#, SQUARE),
        feature(r#"{"code":"40003"}"#, SQUARE),
        feature(r#"{"code":"40004","nom":"  "}"#, SQUARE),
        feature(r#"{"code":123456,"nom":"Trop long"}"#, SQUARE),
        feature(r#"{"code":"2C004","nom":"Corse?"}"#, SQUARE),
        feature(
            r#"{"code":"40007","nom":"Négative","population":-3}"#,
            SQUARE,
        ),
        feature(
            r#"{"code":"40008","nom":"Texte","population":"beaucoup"}"#,
            SQUARE,
        ),
        feature(
            r#"{"code":"40009","nom":"Postale","codesPostaux":["400"]}"#,
            SQUARE,
        ),
    ]);
    let shown: Vec<String> = errors(&text).0.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown[0],
        "feature 0: missing commune code (expected one of code, INSEE_COM, ref:INSEE, insee)"
    );
    assert!(
        shown[1].starts_with("feature 1: invalid commune code in property code: \"4019\""),
        "{shown:?}"
    );
    assert_eq!(
        shown[2],
        "feature 2: missing commune name (expected one of nom, NOM, NOM_COM, name)"
    );
    assert!(
        shown[3].starts_with("feature 3: empty commune name"),
        "{shown:?}"
    );
    assert!(
        shown[4].starts_with("feature 4: invalid commune code"),
        "{shown:?}"
    );
    assert!(
        shown[5].starts_with("feature 5: invalid commune code") && shown[5].contains("2A and 2B"),
        "{shown:?}"
    );
    assert!(
        shown[6].starts_with("feature 6: invalid population"),
        "{shown:?}"
    );
    assert!(
        shown[7].starts_with("feature 7: invalid population"),
        "{shown:?}"
    );
    assert!(
        shown[8].starts_with("feature 8: invalid postal code"),
        "{shown:?}"
    );
    assert_eq!(shown.len(), 9, "{shown:?}");
}

#[test]
fn refuses_duplicate_codes_naming_both_features() {
    let text = collection(&[
        feature(r#"{"code":"40001","nom":"A"}"#, SQUARE),
        feature(r#"{"code":"40002","nom":"B"}"#, SQUARE),
        feature(r#"{"code":"40001","nom":"A bis"}"#, SQUARE),
    ]);
    assert_eq!(
        only_message(&text),
        "feature 2: duplicate commune code 40001 (already used by feature 0)"
    );
}

#[test]
fn collects_all_errors_and_caps_the_listing() {
    let features: Vec<String> = (0..60).map(|_| feature(r#"{"nom":"X"}"#, "null")).collect();
    let errors = errors(&collection(&features));
    assert_eq!(errors.0.len(), 120);
    let shown = errors.to_string();
    assert!(shown.starts_with("120 problems found:"), "{shown}");
    assert!(shown.contains("feature 24: missing geometry"), "{shown}");
    assert!(!shown.contains("feature 25:"), "{shown}");
    assert!(shown.ends_with("… and 70 more"), "{shown}");
}

#[test]
fn csv_population_with_semicolons_header_and_bom() {
    let text = "\u{feff}code;population\r\n40192;29807\r\n\r\n2A004;\"71 361\"\r\n1004;14 835\n";
    let population = parse_population_csv(text).unwrap();
    assert_eq!(population.len(), 3);
    assert_eq!(population[&code("40192")], 29807);
    assert_eq!(population[&code("2A004")], 71361);
    assert_eq!(population[&code("01004")], 14835);
}

#[test]
fn csv_population_with_commas_and_no_header() {
    let population = parse_population_csv("40192,29807\n40088,20891\n").unwrap();
    assert_eq!(population.len(), 2);
    assert_eq!(population[&code("40088")], 20891);
}

#[test]
fn csv_errors_name_their_lines() {
    let text = "code;population\n40192;29807\n4019A;12\n40088;beaucoup\n\n40001;1;2\n40192;5\ncode;population\n";
    let errors = parse_population_csv(text).unwrap_err();
    let shown: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 5, "{shown:?}");
    assert!(
        shown[0].starts_with("line 3: invalid commune code \"4019A\""),
        "{shown:?}"
    );
    assert!(
        shown[1].starts_with("line 4: population \"beaucoup\""),
        "{shown:?}"
    );
    assert!(
        shown[2].starts_with("line 6: expected 2 fields"),
        "{shown:?}"
    );
    assert_eq!(
        shown[3],
        "line 7: duplicate commune code 40192 (already on line 2)"
    );
    // A header is only recognised first.
    assert!(
        shown[4].starts_with("line 8: invalid commune code"),
        "{shown:?}"
    );
    assert_eq!(errors.0[0].line, Some(3));
    assert_eq!(errors.0[0].feature, None);
}

#[test]
fn csv_first_line_with_a_valid_code_is_data_not_header() {
    let errors = parse_population_csv("40192;n/a\n40088;20891\n").unwrap_err();
    assert!(
        errors.to_string().starts_with("line 1: population"),
        "{errors}"
    );
}

#[test]
fn apply_population_sets_matches_and_reports_unknown_codes() {
    let text = collection(&[
        feature(r#"{"code":"40001","nom":"A","population":10}"#, SQUARE),
        feature(r#"{"code":"40002","nom":"B","population":20}"#, SQUARE),
    ]);
    let mut communes = parse_communes_geojson(&text).unwrap();
    let population = parse_population_csv("40001;11\n40099;5\n2A004;7\n").unwrap();
    let unknown = apply_population(&mut communes, &population);
    assert_eq!(unknown, [code("2A004"), code("40099")]);
    assert_eq!(communes[0].population, Some(11));
    assert_eq!(
        communes[1].population,
        Some(20),
        "absent from the CSV: kept"
    );
}
