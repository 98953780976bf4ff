//! Aggregation of campaign answers: hand-checked fixtures, filters, levels,
//! and agreement with a naive recount on random data.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::collections::BTreeMap;

use geo::{polygon, MultiPolygon};
use proptest::prelude::*;
use solidarites_domain::questionnaire::{
    AnswerValue, ChoiceOption, Question, QuestionKind, QuestionnaireDefinition, ValidatedAnswers,
};
use solidarites_domain::results::zones::ZoneAssignment;
use solidarites_domain::results::{
    aggregate, aggregate_levels, aggregate_levels_keys, AnswerFilter, Channel, Dataset, Filter,
    Grouping, ResultKind, ResultsSchema, ResultsTable, ZoneLevel, ZoneMapping, UNASSIGNED_CODE,
};
use solidarites_domain::{landes_template, Commune, InseeCode};

use common::{one_section, options, question, scale};

/// Every kind of question, aggregated or not.
fn definition() -> QuestionnaireDefinition {
    one_section(vec![
        question("aide", QuestionKind::YesNo),
        question(
            "tranche_age",
            QuestionKind::SingleChoice {
                options: options(&["jeune", "adulte", "senior"]),
            },
        ),
        question(
            "domaines",
            QuestionKind::MultipleChoice {
                options: options(&["a", "b", "c"]),
                allow_other: true,
                max_choices: None,
            },
        ),
        question("gravite", scale(1, 4)),
        question(
            "budget",
            QuestionKind::Number {
                min: None,
                max: None,
                integer: false,
                unit: Some("€".into()),
            },
        ),
        question("remarque", QuestionKind::ShortText { max_length: 100 }),
        question(
            "le_jour",
            QuestionKind::Date {
                min: None,
                max: None,
            },
        ),
        question("commune", QuestionKind::Commune),
    ])
}

fn square(x: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![polygon![
        (x: x, y: 43.0), (x: x + 0.1, y: 43.0), (x: x + 0.1, y: 43.1), (x: x, y: 43.1),
    ]])
}

fn communes() -> Vec<Commune> {
    [
        ("40001", "Une", Some(1000)),
        ("40002", "Deux", Some(2000)),
        ("40003", "Trois", None),
    ]
    .iter()
    .enumerate()
    .map(|(i, (code, name, population))| Commune {
        code: InseeCode::parse(code).unwrap(),
        name: (*name).into(),
        population: *population,
        postal_codes: vec![],
        geometry: square(i as f64 * 0.1),
    })
    .collect()
}

fn answers(pairs: &[(&str, AnswerValue)]) -> ValidatedAnswers {
    ValidatedAnswers(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

fn choice(v: &str) -> AnswerValue {
    AnswerValue::Choice(v.into())
}

fn choices(values: &[&str], other: Option<&str>) -> AnswerValue {
    AnswerValue::Choices {
        values: values.iter().map(|v| (*v).to_owned()).collect(),
        other: other.map(str::to_owned),
    }
}

/// The six hand-checked rows (see each test for the expected counts).
fn rows() -> Vec<(Option<u32>, Channel, ValidatedAnswers)> {
    use AnswerValue::{Number, Scale, Text, YesNo};
    vec![
        (
            Some(0),
            Channel::Web,
            answers(&[
                ("aide", YesNo(true)),
                ("tranche_age", choice("jeune")),
                ("domaines", choices(&["a", "b"], None)),
                ("gravite", Scale(2)),
                ("budget", Number(10.0)),
                ("remarque", Text("merci".into())),
            ]),
        ),
        (
            Some(0),
            Channel::Web,
            answers(&[
                ("aide", YesNo(false)),
                ("tranche_age", choice("adulte")),
                ("domaines", choices(&["a"], None)),
                ("gravite", Scale(4)),
                ("budget", Number(20.0)),
            ]),
        ),
        (
            Some(0),
            Channel::Papier,
            answers(&[
                ("aide", YesNo(false)),
                ("domaines", choices(&[], Some("autre chose"))),
                ("budget", Number(30.0)),
            ]),
        ),
        (
            Some(1),
            Channel::Web,
            answers(&[
                ("aide", YesNo(true)),
                ("tranche_age", choice("senior")),
                ("domaines", choices(&["c"], None)),
                ("gravite", Scale(1)),
            ]),
        ),
        (
            Some(1),
            Channel::Telephone,
            answers(&[
                ("aide", YesNo(false)),
                ("tranche_age", choice("senior")),
                ("gravite", Scale(3)),
                ("budget", Number(5.0)),
            ]),
        ),
        (
            None,
            Channel::Web,
            answers(&[("aide", YesNo(true)), ("tranche_age", choice("jeune"))]),
        ),
    ]
}

fn dataset() -> Dataset {
    let mut dataset = Dataset::new(ResultsSchema::from_definition(&definition()), 3);
    for (commune, channel, answers) in rows() {
        dataset.push(commune, channel, &answers);
    }
    dataset
}

/// (answered, options, other, mean, median) of question `id` in `group` of `table`
/// (`group` = a code, or `territoire` for the total).
fn q(
    table: &ResultsTable,
    group: &str,
    id: &str,
) -> (u64, Vec<u64>, Option<u64>, Option<f64>, Option<f64>) {
    let group = table
        .groups
        .iter()
        .chain(&table.unassigned)
        .chain(std::iter::once(&table.total))
        .find(|g| g.code == group)
        .unwrap_or_else(|| panic!("no group {group}"));
    let result = group.questions.iter().find(|r| r.id == id).unwrap();
    (
        result.answered,
        result.options.clone(),
        result.other,
        result.mean,
        result.median,
    )
}

#[test]
fn schema_keeps_choice_scale_and_number_questions_only() {
    let schema = ResultsSchema::from_definition(&definition());
    let ids: Vec<&str> = schema.questions().iter().map(|q| q.id.as_str()).collect();
    assert_eq!(
        ids,
        ["aide", "tranche_age", "domaines", "gravite", "budget"]
    );
    let aide = &schema.questions()[0];
    assert_eq!(aide.kind, ResultKind::YesNo);
    let values: Vec<&str> = aide.options.iter().map(|o| o.value.as_str()).collect();
    assert_eq!(values, ["yes", "no"]);
    assert_eq!(
        schema.questions()[2].kind,
        ResultKind::MultipleChoice { has_other: true }
    );
}

#[test]
fn counts_by_commune_match_the_hand_checked_fixture() {
    let table = aggregate(
        &dataset(),
        &communes(),
        Grouping::Commune,
        &Filter::default(),
    )
    .unwrap();
    assert_eq!(table.level, "commune");
    let respondents: Vec<(&str, u64)> = table
        .groups
        .iter()
        .map(|g| (g.code.as_str(), g.respondents))
        .collect();
    assert_eq!(respondents, [("40001", 3), ("40002", 2), ("40003", 0)]);

    let expected = [
        ("40001", "aide", (3, vec![1, 2], None, None, None)),
        ("40001", "tranche_age", (2, vec![1, 1, 0], None, None, None)),
        // The "other"-only answer counts as answered.
        ("40001", "domaines", (3, vec![2, 1, 0], Some(1), None, None)),
        ("40001", "gravite", (2, vec![], None, Some(3.0), Some(3.0))),
        ("40001", "budget", (3, vec![], None, Some(20.0), Some(20.0))),
        ("40002", "tranche_age", (2, vec![0, 0, 2], None, None, None)),
        ("40002", "domaines", (1, vec![0, 0, 1], Some(0), None, None)),
        ("40002", "gravite", (2, vec![], None, Some(2.0), Some(2.0))),
        ("40002", "budget", (1, vec![], None, Some(5.0), Some(5.0))),
        ("40003", "aide", (0, vec![0, 0], None, None, None)),
        ("40003", "gravite", (0, vec![], None, None, None)),
        // The row without a commune counts for the territory only.
        ("territoire", "aide", (6, vec![3, 3], None, None, None)),
        (
            "territoire",
            "tranche_age",
            (5, vec![2, 1, 2], None, None, None),
        ),
        (
            "territoire",
            "domaines",
            (4, vec![2, 1, 1], Some(1), None, None),
        ),
        // Scale 2, 4, 1, 3; numbers 10, 20, 30, 5: even counts, median between the
        // middle two.
        (
            "territoire",
            "gravite",
            (4, vec![], None, Some(2.5), Some(2.5)),
        ),
        (
            "territoire",
            "budget",
            (4, vec![], None, Some(16.25), Some(15.0)),
        ),
    ];
    for (group, id, counts) in expected {
        assert_eq!(q(&table, group, id), counts, "{group}, {id}");
    }
    // The row without a commune.
    let unassigned = table.unassigned.as_ref().unwrap();
    assert_eq!(
        (unassigned.code.as_str(), unassigned.respondents),
        (UNASSIGNED_CODE, 1)
    );
    assert_eq!(table.total.respondents, 6);
}

#[test]
fn rates_per_thousand_inhabitants_need_a_known_population() {
    let table = aggregate(
        &dataset(),
        &communes(),
        Grouping::Commune,
        &Filter::default(),
    )
    .unwrap();
    let rates: Vec<Option<f64>> = table.groups.iter().map(|g| g.rate_per_1000()).collect();
    assert_eq!(rates, [Some(3.0), Some(1.0), None]);
    // One commune's population is unknown: the territory's is too.
    assert_eq!(table.total.population, None);
    assert_eq!(table.total.rate_per_1000(), None);
}

fn filter(channels: &[Channel], answers: &[(&str, &[&str])]) -> Filter {
    Filter {
        channels: channels.to_vec(),
        answers: answers
            .iter()
            .map(|(q, values)| AnswerFilter {
                question: (*q).into(),
                any_of: values.iter().map(|v| (*v).to_owned()).collect(),
            })
            .collect(),
    }
}

fn respondents(table: &ResultsTable) -> (Vec<u64>, u64, u64) {
    (
        table.groups.iter().map(|g| g.respondents).collect(),
        table.unassigned.as_ref().map_or(0, |g| g.respondents),
        table.total.respondents,
    )
}

#[test]
fn filters_combine_with_and() {
    let (data, communes) = (dataset(), communes());
    let by = |f: &Filter| respondents(&aggregate(&data, &communes, Grouping::Commune, f).unwrap());
    // Only those who were not helped: rows 2, 3, 5.
    assert_eq!(
        by(&filter(&[], &[("aide", &["no"])])),
        (vec![2, 1, 0], 0, 3)
    );
    // Assisted entry: rows 3 (paper) and 5 (telephone).
    assert_eq!(
        by(&filter(&[Channel::Papier, Channel::Telephone], &[])),
        (vec![1, 1, 0], 0, 2)
    );
    // Web AND (jeune OR senior): rows 1, 4, 6.
    assert_eq!(
        by(&filter(
            &[Channel::Web],
            &[("tranche_age", &["jeune", "senior"])]
        )),
        (vec![1, 1, 0], 1, 3)
    );
    // Web AND senior AND helped: row 4.
    assert_eq!(
        by(&filter(
            &[Channel::Web],
            &[("tranche_age", &["senior"]), ("aide", &["yes"])]
        )),
        (vec![0, 1, 0], 0, 1)
    );
    // Multiple choice: chose "a": rows 1 and 2.
    assert_eq!(
        by(&filter(&[], &[("domaines", &["a"])])),
        (vec![2, 0, 0], 0, 2)
    );
    // Counts under a filter: those not helped, by age.
    let table = aggregate(
        &data,
        &communes,
        Grouping::Territory,
        &filter(&[], &[("aide", &["no"])]),
    )
    .unwrap();
    assert_eq!(
        q(&table, "territoire", "tranche_age"),
        (2, vec![0, 1, 1], None, None, None)
    );
    assert_eq!(
        q(&table, "territoire", "budget"),
        (3, vec![], None, Some(55.0 / 3.0), Some(20.0))
    );
}

#[test]
fn bad_filters_name_each_field() {
    let (data, communes) = (dataset(), communes());
    let bad = filter(
        &[],
        &[
            ("inconnue", &["x"]),
            ("gravite", &["2"]),
            ("tranche_age", &["jeune", "centenaire"]),
            ("aide", &[]),
        ],
    );
    let errors = aggregate(&data, &communes, Grouping::Commune, &bad).unwrap_err();
    let keys: Vec<&str> = errors.0.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "filter.aide",
            "filter.gravite",
            "filter.inconnue",
            "filter.tranche_age"
        ]
    );
    assert!(errors
        .get("filter.tranche_age")
        .unwrap()
        .contains("centenaire"));
    assert!(bad.validate(data.schema()).is_err());
    assert!(filter(&[], &[("aide", &["yes"])])
        .validate(data.schema())
        .is_ok());
}

#[test]
fn filter_json_shape_is_stable() {
    let f = filter(&[Channel::Web], &[("aide", &["no"])]);
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"channels": ["web"], "answers": [{"question": "aide", "any_of": ["no"]}]})
    );
    let back: Filter = serde_json::from_value(serde_json::json!({"answers": []})).unwrap();
    assert!(back.is_empty());
}

fn mapping(communes: &[Commune]) -> ZoneMapping {
    let assign = |commune: &str, zone: &str| ZoneAssignment {
        commune: InseeCode::parse(commune).unwrap(),
        zone_code: zone.into(),
        zone_name: format!("Zone {zone}"),
    };
    // 40003 is in no zone; 99999 is not in the territory (ignored).
    ZoneMapping::new(
        ZoneLevel::Canton,
        communes,
        &[
            assign("40002", "Z1"),
            assign("40001", "Z1"),
            assign("99999", "Z2"),
        ],
    )
}

#[test]
fn zones_group_their_communes_and_levels_add_up() {
    let (data, communes) = (dataset(), communes());
    let cantons = mapping(&communes);
    assert_eq!(cantons.zones().len(), 2);
    let table = aggregate(
        &data,
        &communes,
        Grouping::Zones(&cantons),
        &Filter::default(),
    )
    .unwrap();
    assert_eq!(table.level, "canton");
    let z1 = &table.groups[0];
    assert_eq!(
        (z1.code.as_str(), z1.respondents, z1.population),
        ("Z1", 5, Some(3000))
    );
    assert_eq!(z1.communes, [0, 1]);
    assert_eq!(table.groups[1].respondents, 0);
    // 40003 (no respondent) and the row without commune.
    assert_eq!(table.unassigned.as_ref().unwrap().respondents, 1);
    assert_eq!(
        q(&table, "Z1", "tranche_age"),
        (4, vec![1, 1, 2], None, None, None)
    );
    assert_eq!(
        q(&table, "Z1", "gravite"),
        (4, vec![], None, Some(2.5), Some(2.5))
    );

    let levels = aggregate_levels(&data, &communes, &[&cantons], &Filter::default()).unwrap();
    let names: Vec<&str> = levels.iter().map(|t| t.level.as_str()).collect();
    assert_eq!(names, ["commune", "canton", "territory"]);
    assert_eq!(levels[1], table);
    assert!(levels[2].groups.is_empty());
    for t in &levels {
        assert_eq!(t.total, levels[0].total);
        let sum: u64 = t
            .groups
            .iter()
            .chain(&t.unassigned)
            .map(|g| g.respondents)
            .sum();
        if !t.groups.is_empty() {
            assert_eq!(sum, t.total.respondents, "{}", t.level);
        }
    }
}

#[test]
fn stored_json_rows_give_the_same_results_as_validated_answers() {
    let schema = ResultsSchema::from_definition(&definition());
    let mut from_json = Dataset::new(schema.clone(), 3);
    let mut from_text = Dataset::new(schema, 3);
    for (commune, channel, answers) in rows() {
        let text = serde_json::to_string(&answers).unwrap();
        from_json
            .push_stored(commune, channel, &serde_json::from_str(&text).unwrap())
            .unwrap();
        from_text.push_stored_str(commune, channel, &text).unwrap();
    }
    let communes = communes();
    let expected = aggregate(&dataset(), &communes, Grouping::Commune, &Filter::default()).unwrap();
    for data in [&from_json, &from_text] {
        assert_eq!(data.len(), 6);
        let table = aggregate(data, &communes, Grouping::Commune, &Filter::default()).unwrap();
        assert_eq!(table, expected);
    }
    let before = from_text.len();
    assert!(from_text
        .push_stored_str(Some(0), Channel::Web, "[1, 2]")
        .is_err());
    assert!(from_text
        .push_stored(Some(0), Channel::Web, &serde_json::json!({"aide": true}))
        .is_err());
    assert_eq!(from_text.len(), before, "a bad row appends nothing");
}

#[test]
fn positions_outside_the_territory_count_as_unassigned() {
    let mut data = Dataset::new(ResultsSchema::from_definition(&definition()), 3);
    data.push(Some(7), Channel::Web, &answers(&[]));
    // The territory shrank to two communes: position 2 is unassigned too.
    data.push(Some(2), Channel::Web, &answers(&[]));
    data.push(Some(0), Channel::Web, &answers(&[]));
    let two = &communes()[..2];
    let table = aggregate(&data, two, Grouping::Commune, &Filter::default()).unwrap();
    assert_eq!(respondents(&table), (vec![1, 0], 2, 3));
}

#[test]
fn landes_rows_take_thirty_two_bytes() {
    let themes: Vec<(String, String)> = (0..15)
        .map(|i| (format!("theme-{i}"), format!("Thème {i}")))
        .collect();
    let mut data = Dataset::new(
        ResultsSchema::from_definition(&landes_template(&themes)),
        330,
    );
    data.reserve(10_000);
    let row = answers(&[
        ("difficultes", AnswerValue::YesNo(true)),
        ("domaines", choices(&["theme-1", "theme-14"], Some("x"))),
        ("gravite_theme_1", AnswerValue::Scale(3)),
        ("aide_par", choices(&["famille"], None)),
        ("tranche_age", choice("40_59")),
    ]);
    for i in 0..10_000 {
        data.push(Some(i % 330), Channel::Web, &row);
    }
    // 4 (commune) + 1 (channel) + 4 (record key) + 15 scales + 1 per yes/no
    // and single choice (5) + 2 (16-bit mask of 15 themes and "other") + 1
    // (8-bit mask).
    assert_eq!(data.heap_bytes(), 10_000 * 32);
    let table = aggregate(&data, &[], Grouping::Territory, &Filter::default()).unwrap();
    assert_eq!(q(&table, "territoire", "gravite_theme_1").3, Some(3.0));
}

// ---------------------------------------------------------------------------
// Agreement with a naive recount, on random definitions and answers.

/// A random definition: single choices (up to 300 options: 16-bit codes),
/// multiple choices (up to 70 options: every mask width), scales, numbers.
fn arb_definition() -> impl Strategy<Value = QuestionnaireDefinition> {
    let kind = prop_oneof![
        (2usize..6).prop_map(|n| QuestionKind::SingleChoice {
            options: numbered(n)
        }),
        Just(QuestionKind::SingleChoice {
            options: numbered(300)
        }),
        Just(QuestionKind::YesNo),
        (2usize..70, any::<bool>()).prop_map(|(n, allow_other)| QuestionKind::MultipleChoice {
            options: numbered(n),
            allow_other,
            max_choices: None,
        }),
        (-3i32..3, 1i32..100).prop_map(|(min, span)| scale(min, min + span)),
        Just(QuestionKind::Number {
            min: None,
            max: None,
            integer: false,
            unit: None
        }),
    ];
    prop::collection::vec(kind, 1..6).prop_map(|kinds| {
        one_section(
            kinds
                .into_iter()
                .enumerate()
                .map(|(i, kind)| question(&format!("q{i}"), kind))
                .collect(),
        )
    })
}

fn numbered(n: usize) -> Vec<ChoiceOption> {
    (0..n)
        .map(|i| ChoiceOption {
            value: format!("o{i}"),
            label: format!("O{i}"),
        })
        .collect()
}

/// A random answer to `kind` (or none), from a seed.
fn random_answer(kind: &QuestionKind, seed: u64) -> Option<AnswerValue> {
    if seed.is_multiple_of(5) {
        return None;
    }
    let pick = |n: usize, salt: u64| {
        (seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(salt as u32)
            % n as u64) as usize
    };
    match kind {
        QuestionKind::SingleChoice { options } => {
            Some(choice(&options[pick(options.len(), 7)].value))
        }
        QuestionKind::YesNo => Some(AnswerValue::YesNo(seed.is_multiple_of(2))),
        QuestionKind::MultipleChoice {
            options,
            allow_other,
            ..
        } => {
            let values: Vec<String> = options
                .iter()
                .enumerate()
                .filter(|(i, _)| pick(3, *i as u64 + 1) == 0)
                .map(|(_, o)| o.value.clone())
                .collect();
            let other = (*allow_other && seed.is_multiple_of(3)).then(|| "autre".to_owned());
            (!values.is_empty() || other.is_some())
                .then_some(AnswerValue::Choices { values, other })
        }
        QuestionKind::Scale { min, max, .. } => Some(AnswerValue::Scale(
            min + pick((max - min + 1) as usize, 11) as i32,
        )),
        QuestionKind::Number { .. } => {
            Some(AnswerValue::Number(pick(1000, 13) as f64 / 8.0 - 20.0))
        }
        _ => None,
    }
}

fn naive_median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    (n > 0).then(|| (values[(n - 1) / 2] + values[n / 2]) / 2.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn aggregation_agrees_with_a_naive_recount(
        definition in arb_definition(),
        rows in prop::collection::vec((0u32..5, 0usize..4, any::<u64>()), 0..300),
        filter_on_first in any::<bool>(),
    ) {
        let communes = communes();
        let schema = ResultsSchema::from_definition(&definition);
        let questions: Vec<&Question> = definition.sections[0].questions.iter().collect();
        let mut data = Dataset::new(schema.clone(), communes.len());
        let mut answered_rows = Vec::new();
        for (i, &(commune, channel, seed)) in rows.iter().enumerate() {
            let commune = (commune < 3).then_some(commune); // 3, 4: no commune
            let channel = Channel::ALL[channel];
            let answers = ValidatedAnswers(
                questions
                    .iter()
                    .enumerate()
                    .filter_map(|(j, q)| {
                        random_answer(&q.kind, seed ^ (j as u64 + 1).wrapping_mul(0xA24B_AED4_963E_E407) ^ i as u64)
                            .map(|a| (q.id.clone(), a))
                    })
                    .collect::<BTreeMap<_, _>>(),
            );
            data.push(commune, channel, &answers);
            answered_rows.push((commune, channel, answers));
        }
        // Filter on the first question when it is a choice: its first option.
        let first = &schema.questions()[0];
        let filter = if filter_on_first && !matches!(first.kind, ResultKind::Scale { .. } | ResultKind::Number { .. }) {
            Filter { channels: vec![], answers: vec![AnswerFilter { question: first.id.clone(), any_of: vec![first.options[0].value.clone()] }] }
        } else {
            Filter::default()
        };
        let keeps = |answers: &ValidatedAnswers| filter.answers.iter().all(|f| match answers.0.get(&f.question) {
            Some(AnswerValue::Choice(v)) => f.any_of.contains(v),
            Some(AnswerValue::YesNo(yes)) => f.any_of.iter().any(|v| v == if *yes { "yes" } else { "no" }),
            Some(AnswerValue::Choices { values, .. }) => values.iter().any(|v| f.any_of.contains(v)),
            _ => false,
        });
        let table = aggregate(&data, &communes, Grouping::Commune, &filter).unwrap();
        for (g, group) in table.groups.iter().enumerate().map(|(g, group)| (Some(g as u32), group)).chain(table.unassigned.iter().map(|u| (None, u))) {
            let mine: Vec<&ValidatedAnswers> = answered_rows.iter().filter(|(c, _, a)| *c == g && keeps(a)).map(|(_, _, a)| a).collect();
            prop_assert_eq!(group.respondents, mine.len() as u64);
            for (result, question) in group.questions.iter().zip(schema.questions()) {
                let given: Vec<&AnswerValue> = mine.iter().filter_map(|a| a.0.get(&question.id)).collect();
                prop_assert_eq!(result.answered, given.len() as u64, "{}", question.id);
                match &question.kind {
                    ResultKind::SingleChoice | ResultKind::YesNo | ResultKind::MultipleChoice { .. } => {
                        for (i, option) in question.options.iter().enumerate() {
                            let n = given.iter().filter(|a| match a {
                                AnswerValue::Choice(v) => *v == option.value,
                                AnswerValue::YesNo(yes) => option.value == if *yes { "yes" } else { "no" },
                                AnswerValue::Choices { values, .. } => values.contains(&option.value),
                                _ => false,
                            }).count();
                            prop_assert_eq!(result.options[i], n as u64);
                        }
                        if let ResultKind::MultipleChoice { has_other: true } = question.kind {
                            let n = given.iter().filter(|a| matches!(a, AnswerValue::Choices { other: Some(_), .. })).count();
                            prop_assert_eq!(result.other, Some(n as u64));
                        }
                    }
                    ResultKind::Scale { .. } | ResultKind::Number { .. } => {
                        let values: Vec<f64> = given.iter().map(|a| match a {
                            AnswerValue::Scale(v) => f64::from(*v),
                            AnswerValue::Number(x) => *x,
                            _ => f64::NAN,
                        }).collect();
                        let mean = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
                        match (result.mean, mean) {
                            (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-9, "{} vs {}", a, b),
                            (a, b) => prop_assert_eq!(a, b),
                        }
                        prop_assert_eq!(result.median, naive_median(values));
                    }
                }
            }
        }
        // The territory is the sum of everything.
        let kept = answered_rows.iter().filter(|(_, _, a)| keeps(a)).count() as u64;
        prop_assert_eq!(table.total.respondents, kept);
    }
}

#[test]
fn many_chunks_add_up_like_one() {
    // 60,000 rows: several chunks of 16,384, counted in parallel with the
    // `parallel` feature, then summed.
    let mut data = Dataset::new(ResultsSchema::from_definition(&definition()), 3);
    for _ in 0..10_000 {
        for (commune, channel, answers) in rows() {
            data.push(commune, channel, &answers);
        }
    }
    let communes = communes();
    // No filter, half the rows kept, a sixth kept (only those rows counted).
    let filters = [
        Filter::default(),
        filter(&[], &[("aide", &["no"])]),
        filter(&[Channel::Telephone], &[]),
    ];
    for filter in filters {
        let big = aggregate(&data, &communes, Grouping::Commune, &filter).unwrap();
        let small = aggregate(&dataset(), &communes, Grouping::Commune, &filter).unwrap();
        let groups = big.groups.iter().chain(&big.unassigned).chain([&big.total]);
        let expected = small
            .groups
            .iter()
            .chain(&small.unassigned)
            .chain([&small.total]);
        for (b, s) in groups.zip(expected) {
            assert_eq!(b.respondents, s.respondents * 10_000);
            for (bq, sq) in b.questions.iter().zip(&s.questions) {
                assert_eq!(bq.answered, sq.answered * 10_000, "{}", bq.id);
                let scaled: Vec<u64> = sq.options.iter().map(|n| n * 10_000).collect();
                assert_eq!(bq.options, scaled);
                assert_eq!(bq.other, sq.other.map(|n| n * 10_000));
                assert_eq!(bq.median, sq.median);
                match (bq.mean, sq.mean) {
                    (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9),
                    (a, b) => assert_eq!(a, b),
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Rows encoded in chunks (`Dataset::encode_rows`) and appended back give the same
    /// tables as the rows pushed from the answers, filtered or not: what a server reads
    /// from its checkpoints after a restart.
    #[test]
    fn encoded_rows_aggregate_like_the_answers_they_encode(
        definition in arb_definition(),
        rows in prop::collection::vec((0u32..5, 0usize..5, any::<u64>()), 0..200),
        cut in 0usize..200,
    ) {
        let communes = communes();
        let schema = ResultsSchema::from_definition(&definition);
        let questions: Vec<&Question> = definition.sections[0].questions.iter().collect();
        let mut data = Dataset::new(schema.clone(), communes.len());
        for (i, &(commune, channel, seed)) in rows.iter().enumerate() {
            let answers = ValidatedAnswers(
                questions
                    .iter()
                    .enumerate()
                    .filter_map(|(j, q)| {
                        random_answer(&q.kind, seed ^ (j as u64 + 7).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i as u64)
                            .map(|a| (q.id.clone(), a))
                    })
                    .collect::<BTreeMap<_, _>>(),
            );
            data.push((commune < 3).then_some(commune), Channel::ALL[channel], &answers);
        }
        let code_of = |_: usize, position: Option<u32>| {
            position.map(|p| communes[p as usize].code.as_str())
        };
        let cut = cut.min(data.len());
        let mut back = Dataset::new(schema.clone(), communes.len());
        for range in [0..cut, cut..data.len()] {
            let bytes = data.encode_rows(range, code_of).unwrap();
            let place = |code: &str| communes.iter().position(|c| c.code.as_str() == code).map(|p| p as u32);
            back.append_encoded(&bytes, place).unwrap();
        }
        prop_assert_eq!(back.len(), data.len());
        let first = &schema.questions()[0];
        let mut filters = vec![Filter::default(), filter(&[Channel::Papier, Channel::Web], &[])];
        if first.is_categorical() {
            filters.push(Filter { channels: vec![], answers: vec![AnswerFilter { question: first.id.clone(), any_of: vec![first.options[0].value.clone()] }] });
        }
        for f in &filters {
            prop_assert_eq!(
                aggregate(&back, &communes, Grouping::Commune, f).unwrap(),
                aggregate(&data, &communes, Grouping::Commune, f).unwrap()
            );
            prop_assert_eq!(
                aggregate_levels_keys(&back, &communes, &[], f).unwrap(),
                aggregate_levels_keys(&data, &communes, &[], f).unwrap()
            );
        }
    }
}
