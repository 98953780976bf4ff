//! Territorial indicators from CSV: values, metadata, and every problem named.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use solidarites_domain::results::indicators::{parse, parse_metadata, IndicatorMeta};
use solidarites_domain::InseeCode;

const METADATA: &str = "indicateur;libelle;unite;source;annee\n\
    taux_pauvrete;Taux de pauvreté;%;Insee, Filosofi;2021\n\
    part_75_plus;Part des 75 ans et plus;%;Insee, RP;\n";

fn landes_only(code: &InseeCode) -> bool {
    code.departement() == "40"
}

#[test]
fn metadata_file_with_optional_fields() {
    let meta = parse_metadata(METADATA).unwrap();
    assert_eq!(
        meta,
        [
            IndicatorMeta {
                id: "taux_pauvrete".into(),
                label: "Taux de pauvreté".into(),
                unit: Some("%".into()),
                source: Some("Insee, Filosofi".into()),
                year: Some(2021),
            },
            IndicatorMeta {
                id: "part_75_plus".into(),
                label: "Part des 75 ans et plus".into(),
                unit: Some("%".into()),
                source: Some("Insee, RP".into()),
                year: None,
            },
        ]
    );
    // No header, two fields only.
    let short = parse_metadata("revenu_median;Revenu médian\n").unwrap();
    assert_eq!((short[0].unit.clone(), short[0].year), (None, None));
}

#[test]
fn metadata_problems_are_named_by_line() {
    let text = "indicateur;libelle;unite;source;annee\n\
                Taux Pauvreté;Taux;%;;\n\
                revenu;;€;;\n\
                revenu;Revenu;€;;21\n\
                seul\n\
                revenu_median;Revenu médian;€;;2020\n\
                revenu_median;Encore;€;;2020\n";
    let errors = parse_metadata(text).unwrap_err();
    let lines: Vec<Option<usize>> = errors.0.iter().map(|e| e.line).collect();
    assert_eq!(
        lines,
        [Some(2), Some(3), Some(4), Some(5), Some(7)],
        "{errors}"
    );
    let text = errors.to_string();
    assert!(text.contains("invalid indicator id"), "{text}");
    assert!(text.contains("no label"), "{text}");
    assert!(text.contains("not a 4-digit year"), "{text}");
    assert!(
        text.contains("described twice (already on line 6)"),
        "{text}"
    );
    assert!(parse_metadata("").is_err());
}

#[test]
fn data_with_decimal_commas_missing_values_and_unknown_communes() {
    let meta = parse_metadata(METADATA).unwrap();
    let data = "\u{feff}CODGEO;part_75_plus;taux_pauvrete\r\n\
                40192;12,5;18.2\r\n\
                40088;;\"21,3\"\r\n\
                1004;9;s\r\n\
                40046;1 204,5;NA\r\n";
    let parsed = parse(data, &meta, &landes_only).unwrap();
    // Column order follows the data file.
    let ids: Vec<&str> = parsed.indicators.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["part_75_plus", "taux_pauvrete"]);
    let get = |code: &str| parsed.values[&InseeCode::parse(code).unwrap()].clone();
    assert_eq!(get("40192"), [Some(12.5), Some(18.2)]);
    assert_eq!(get("40088"), [None, Some(21.3)]);
    assert_eq!(get("40046"), [Some(1204.5), None]);
    assert_eq!(parsed.values.len(), 3);
    // Ain's 01004 is not in the territory: reported with its line, skipped.
    assert_eq!(parsed.unknown_communes.len(), 1);
    assert_eq!(parsed.unknown_communes[0].line, 4);
    assert_eq!(parsed.unknown_communes[0].code.as_str(), "01004");
}

#[test]
fn comma_separated_data_needs_quoted_decimal_commas() {
    let meta = parse_metadata("taux_pauvrete,Taux de pauvreté,%,Insee,2021\n").unwrap();
    let parsed = parse(
        "code,taux_pauvrete\n40192,\"18,2\"\n40088,17.5\n",
        &meta,
        &landes_only,
    )
    .unwrap();
    assert_eq!(parsed.values.len(), 2);
    assert_eq!(
        parsed.values[&InseeCode::parse("40192").unwrap()],
        [Some(18.2)]
    );
}

#[test]
fn every_bad_line_and_field_is_named_and_nothing_is_returned() {
    let meta = parse_metadata(METADATA).unwrap();
    let data = "code;taux_pauvrete;part_75_plus;chomage\n\
                40192;18,2;12\n\
                40088;abc;12\n\
                4O046;1;2;3\n\
                40192;1;2;3\n\
                40001;1e400;2;3\n";
    let errors = parse(data, &meta, &landes_only).unwrap_err();
    let text = errors.to_string();
    assert!(
        text.contains("line 1: column \"chomage\" has no metadata"),
        "{text}"
    );
    assert!(
        text.contains("line 2: expected 4 fields like the header, found 3"),
        "{text}"
    );
    assert!(text.contains("line 3: expected 4 fields"), "{text}");
    assert!(
        text.contains("line 4: invalid commune code \"4O046\""),
        "{text}"
    );
    assert!(
        text.contains("line 6: column \"taux_pauvrete\": \"1e400\" is not a number"),
        "{text}"
    );
    // Line 5 repeats 40192, but line 2 was refused: it is not a duplicate.
    assert!(!text.contains("line 5"), "{text}");

    let errors = parse(
        "code;taux_pauvrete;taux_pauvrete\n40192;1;2\n",
        &meta,
        &landes_only,
    )
    .unwrap_err()
    .to_string();
    assert!(
        errors.contains("column \"taux_pauvrete\" appears twice"),
        "{errors}"
    );
    assert!(
        errors.contains("\"part_75_plus\" is described in the metadata but has no column"),
        "{errors}"
    );
    let errors = parse(
        "code;taux_pauvrete;part_75_plus\n40192;1;2\n40192;3;4\n",
        &meta,
        &landes_only,
    )
    .unwrap_err()
    .to_string();
    assert!(
        errors.contains("line 3: commune 40192 is given twice (already on line 2)"),
        "{errors}"
    );
    assert!(parse("", &meta, &landes_only).is_err());
    assert!(parse("code\n40192\n", &meta, &landes_only).is_err());
}
