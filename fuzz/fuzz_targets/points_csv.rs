//! `solidarites communes assign`: any bytes as the points CSV, against the demo
//! territory (fixtures/demo-communes.geojson). Never panics; when it succeeds, the
//! per-commune counts add up to the points written one by one.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use solidarites_domain::{parse_communes_geojson, points_csv::assign_points, CommuneIndex};

fn territory() -> &'static CommuneIndex {
    static INDEX: OnceLock<CommuneIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let communes = parse_communes_geojson(include_str!("../../fixtures/demo-communes.geojson"))
            .expect("the demo territory parses");
        CommuneIndex::new(communes)
    })
}

fuzz_target!(|data: &[u8]| {
    let index = territory();
    let mut records = Vec::new();
    let assigned = assign_points(index, data, false, &mut records);
    let mut counts = Vec::new();
    let counted = assign_points(index, data, true, &mut counts);
    assert_eq!(
        assigned.is_ok(),
        counted.is_ok(),
        "both modes accept the same files"
    );
    if counted.is_err() {
        return;
    }
    let counts = String::from_utf8(counts).expect("counts are UTF-8");
    let total: u64 = counts
        .lines()
        .skip(1)
        .map(|line| {
            let (_, n) = line.rsplit_once(',').expect("code,count");
            n.parse::<u64>().expect("a count")
        })
        .sum();
    let in_communes: u64 = counts
        .lines()
        .skip(1)
        .filter(|line| !line.starts_with("none,"))
        .map(|line| {
            line.rsplit_once(',')
                .map_or(0, |(_, n)| n.parse::<u64>().unwrap_or(0))
        })
        .sum();
    // Each point line of the first mode ends with the code of its commune (or nothing).
    let located = records
        .split(|&b| b == b'\n')
        .filter(|line| {
            line.len() >= 5
                && index
                    .communes()
                    .iter()
                    .any(|c| line.ends_with(c.code.as_str().as_bytes()))
        })
        .count() as u64;
    assert!(total >= in_communes);
    assert!(
        located >= in_communes,
        "{located} lines end with a commune code, {in_communes} points counted in communes"
    );
});
