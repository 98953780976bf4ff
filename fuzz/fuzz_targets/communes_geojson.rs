//! `solidarites communes import`: any bytes as the GeoJSON of the territory's communes.
//! Parsing never panics; what it accepts builds an index that locates points without
//! panicking, each point in a commune whose code the import accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use solidarites_domain::{parse_communes_geojson, CommuneIndex};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(communes) = parse_communes_geojson(text) else {
        return;
    };
    let count = communes.len();
    let index = CommuneIndex::new(communes);
    assert_eq!(index.communes().len(), count);
    let probes = [(-0.5, 43.9), (0.0, 0.0), (180.0, 90.0), (-180.0, -90.0)];
    for found in index.locate_batch(&probes).into_iter().flatten() {
        assert!((found as usize) < count);
    }
});
