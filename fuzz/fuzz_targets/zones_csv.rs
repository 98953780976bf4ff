//! `solidarites zones import` (CSV commune → zone, and zone polygons as GeoJSON): any
//! bytes. Never panics; accepted assignments name each commune once.
#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use solidarites_domain::results::zones::{parse_csv, parse_zones_geojson};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(assignments) = parse_csv(text) {
        let communes: BTreeSet<_> = assignments.iter().map(|a| a.commune.clone()).collect();
        assert_eq!(
            communes.len(),
            assignments.len(),
            "a commune given twice was accepted"
        );
    }
    let _ = parse_zones_geojson(text);
});
