//! `solidarites indicators import`: any bytes as `metadata\0data` (the metadata file,
//! then the data file), or as a data file for one fixed indicator. Never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use solidarites_domain::{
    results::indicators::{parse, parse_metadata, IndicatorMeta},
    InseeCode,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let is_commune = |code: &InseeCode| code.as_str().starts_with("40");
    let (metadata, body) = match text.split_once('\0') {
        Some((meta, body)) => match parse_metadata(meta) {
            Ok(metadata) => (metadata, body),
            Err(_) => return,
        },
        None => (
            vec![IndicatorMeta {
                id: "taux_pauvrete".to_owned(),
                label: "Taux de pauvreté".to_owned(),
                unit: Some("%".to_owned()),
                source: None,
                year: Some(2021),
            }],
            text,
        ),
    };
    let _ = parse(body, &metadata, &is_commune);
});
