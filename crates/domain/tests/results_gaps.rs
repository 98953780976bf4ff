//! Needs against offer: distances, needs read from protected tables (secret
//! needs never ranked), offer within the radius, ranking and the map layer.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use geo::{polygon, MultiPolygon};
use solidarites_domain::questionnaire::{AnswerValue, ValidatedAnswers};
use solidarites_domain::results::gaps::{
    gaps_feature_collection, haversine_km, needs_from_table, rank, wilson_lower_bound,
    GapTerritory, Need, Offer,
};
use solidarites_domain::results::{
    aggregate, protect, Channel, Dataset, Filter, Grouping, ResultsSchema,
};
use solidarites_domain::{landes_template, Commune, InseeCode, LonLat};

fn themes() -> Vec<(String, String)> {
    ["alimentation", "isolement", "mobilite"]
        .iter()
        .map(|s| ((*s).to_owned(), s.to_uppercase()))
        .collect()
}

/// Four 0.1° squares side by side at latitude 44 (about 8 km wide).
fn communes() -> Vec<Commune> {
    (0..4)
        .map(|i| {
            let x = -1.0 + f64::from(i) * 0.1;
            Commune {
                code: InseeCode::parse(&format!("4000{}", i + 1)).unwrap(),
                name: format!("Commune {}", i + 1),
                population: Some(1000),
                postal_codes: vec![],
                geometry: MultiPolygon(vec![polygon![
                    (x: x, y: 44.0), (x: x + 0.1, y: 44.0), (x: x + 0.1, y: 44.1), (x: x, y: 44.1),
                ]]),
            }
        })
        .collect()
}

fn need(commune: &str, theme: &str, respondents: u64, reporting: u64) -> Need {
    Need {
        commune: InseeCode::parse(commune).unwrap(),
        theme: theme.into(),
        respondents,
        reporting,
    }
}

fn point(lon: f64, lat: f64) -> Option<LonLat> {
    Some(LonLat::new(lon, lat).unwrap())
}

#[test]
fn haversine_matches_known_distances() {
    let paris = LonLat::new(2.3522, 48.8566).unwrap();
    let marseille = LonLat::new(5.3698, 43.2965).unwrap();
    let d = haversine_km(paris, marseille);
    assert!((d - 660.5).abs() < 3.0, "{d}");
    // One degree of latitude is about 111.2 km.
    let a = LonLat::new(-0.5, 43.0).unwrap();
    let b = LonLat::new(-0.5, 44.0).unwrap();
    assert!((haversine_km(a, b) - 111.2).abs() < 0.1);
    assert_eq!(haversine_km(a, b), haversine_km(b, a));
    // Antipodes: half the circumference, no NaN.
    let c = LonLat::new(180.0, 0.0).unwrap();
    let o = LonLat::new(0.0, 0.0).unwrap();
    assert!((haversine_km(c, o) - std::f64::consts::PI * 6371.0088).abs() < 1e-6);
}

#[test]
fn offer_counts_initiatives_in_the_commune_or_within_the_radius() {
    let communes = communes();
    let territory = GapTerritory::new(&communes);
    let middle = territory.point(&communes[1].code).unwrap();
    assert!((middle.lon() - -0.85).abs() < 0.01 && (middle.lat() - 44.05).abs() < 0.01);
    let offers = vec![
        // In commune 1 by its commune code, whatever its point.
        Offer {
            theme: "alimentation".into(),
            commune: Some(communes[0].code.clone()),
            point: None,
        },
        // About 2 km east of commune 1's centre: near commune 1 only (radius 5 km).
        Offer {
            theme: "alimentation".into(),
            commune: None,
            point: point(-0.925, 44.05),
        },
        // Another theme.
        Offer {
            theme: "isolement".into(),
            commune: Some(communes[0].code.clone()),
            point: None,
        },
    ];
    let needs = vec![
        need("40001", "alimentation", 20, 10),
        need("40002", "alimentation", 20, 10),
        need("40003", "alimentation", 20, 10),
        need("40001", "mobilite", 20, 10),
    ];
    let gaps = rank(&territory, &needs, &offers, 5.0);
    let offer = |commune: &str, theme: &str| {
        gaps.iter()
            .find(|g| g.commune.as_str() == commune && g.theme == theme)
            .unwrap()
            .offer
    };
    assert_eq!(offer("40001", "alimentation"), 2);
    assert_eq!(offer("40002", "alimentation"), 0);
    assert_eq!(offer("40003", "alimentation"), 0);
    assert_eq!(offer("40001", "mobilite"), 0);
    // A wider radius reaches commune 2 from the point.
    let wide = rank(&territory, &needs, &offers, 10.0);
    assert_eq!(
        wide.iter()
            .find(|g| g.commune.as_str() == "40002")
            .unwrap()
            .offer,
        1
    );
}

#[test]
fn largest_gaps_come_first() {
    let communes = communes();
    let territory = GapTerritory::new(&communes);
    let offers = vec![Offer {
        theme: "alimentation".into(),
        commune: Some(communes[0].code.clone()),
        point: None,
    }];
    let needs = vec![
        need("40001", "alimentation", 50, 30), // 60 %, one initiative
        need("40002", "alimentation", 50, 30), // 60 %, none
        need("40003", "alimentation", 10, 6),  // 60 % of 10: less certain
        need("40002", "isolement", 50, 10),    // 20 %, none
        need("99999", "alimentation", 50, 50), // not in the territory
    ];
    let gaps = rank(&territory, &needs, &offers, 0.0);
    let order: Vec<(&str, &str)> = gaps
        .iter()
        .map(|g| (g.commune.as_str(), g.theme.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("40002", "alimentation"),
            ("40003", "alimentation"),
            ("40001", "alimentation"),
            ("40002", "isolement"),
        ]
    );
    let top = &gaps[0];
    assert_eq!((top.need_share, top.offer, top.reporting), (0.6, 0, 30));
    assert!((top.score - wilson_lower_bound(30, 50)).abs() < 1e-12);
    assert!((gaps[2].score - wilson_lower_bound(30, 50) / 2.0).abs() < 1e-12);
    assert_eq!(top.commune_name, "Commune 2");
}

fn respondent(difficulties: &[&str]) -> ValidatedAnswers {
    let mut answers = ValidatedAnswers::default();
    answers.0.insert(
        "difficultes".into(),
        AnswerValue::YesNo(!difficulties.is_empty()),
    );
    if !difficulties.is_empty() {
        answers.0.insert(
            "domaines".into(),
            AnswerValue::Choices {
                values: difficulties.iter().map(|d| (*d).to_owned()).collect(),
                other: None,
            },
        );
    }
    answers
}

#[test]
fn needs_come_from_protected_results_and_secret_ones_are_skipped() {
    let communes = communes();
    let mut data = Dataset::new(
        ResultsSchema::from_definition(&landes_template(&themes())),
        3,
    );
    // Commune 1: 20 respondents, 8 food, 2 isolation (secret), 10 without difficulty.
    for _ in 0..8 {
        data.push(Some(0), Channel::Web, &respondent(&["alimentation"]));
    }
    for _ in 0..2 {
        data.push(Some(0), Channel::Web, &respondent(&["isolement"]));
    }
    for _ in 0..10 {
        data.push(Some(0), Channel::Web, &respondent(&[]));
    }
    // Commune 2: 3 respondents (secret as a whole); commune 3: 30, all
    // mobility; commune 4: 6, hidden too so that commune 2 cannot be
    // recovered from the total.
    for _ in 0..3 {
        data.push(Some(1), Channel::Web, &respondent(&["alimentation"]));
    }
    for _ in 0..30 {
        data.push(Some(2), Channel::Web, &respondent(&["mobilite"]));
    }
    for _ in 0..6 {
        data.push(Some(3), Channel::Web, &respondent(&[]));
    }
    let table = aggregate(&data, &communes, Grouping::Commune, &Filter::default()).unwrap();
    let secret = protect(&table, 5);
    let needs = needs_from_table(&secret, "domaines");
    assert!(
        needs.iter().all(|n| n.commune.as_str() != "40002"),
        "{needs:?}"
    );
    assert!(!needs
        .iter()
        .any(|n| n.theme == "isolement" && n.commune.as_str() == "40001"));
    let food = needs
        .iter()
        .find(|n| n.commune.as_str() == "40001" && n.theme == "alimentation")
        .unwrap();
    // Over all 20 respondents, not over the 10 who reported a difficulty.
    assert_eq!((food.respondents, food.reporting), (20, 8));
    assert!((food.share() - 0.4).abs() < 1e-12);
    assert!(needs_from_table(&secret, "inconnue").is_empty());

    let territory = GapTerritory::new(&communes);
    let gaps = rank(&territory, &needs, &[], 3.0);
    assert_eq!(
        (gaps[0].commune.as_str(), gaps[0].theme.as_str()),
        ("40003", "mobilite")
    );
    let layer = gaps_feature_collection(&gaps, &communes, None, 0.0);
    assert_eq!(layer.features.len(), 4);
    let props = |i: usize| layer.features[i].properties.clone().unwrap();
    assert_eq!(props(2)["theme"], "mobilite");
    assert_eq!(props(2)["need_share"], 1.0);
    assert_eq!(props(2)["offer"], 0);
    assert_eq!(props(1)["code"], "40002");
    assert!(
        props(1)["score"].is_null(),
        "secret commune: no value on the map"
    );
    assert!(layer.features[0].geometry.is_some());
    // One theme only.
    let food_layer = gaps_feature_collection(&gaps, &communes, Some("alimentation"), 0.0);
    let food_props = food_layer.features[0].properties.clone().unwrap();
    assert_eq!(food_props["theme"], "alimentation");
    assert!(food_layer.features[3].properties.clone().unwrap()["theme"].is_null());
}
