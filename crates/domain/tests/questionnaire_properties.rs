//! Property tests: random valid definitions validate; random valid answers
//! to them validate (and round-trip); mutated answers are refused naming the
//! question at fault; arbitrary JSON never panics.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{json, Value};
use solidarites_domain::questionnaire::{
    ChoiceOption, Condition, Question, QuestionKind, QuestionnaireDefinition, Section,
};
use solidarites_domain::InseeCode;

type Raw = BTreeMap<String, Value>;

const COMMUNES: [&str; 3] = ["40192", "40001", "2A004"];
const DATE_MIN: &str = "2020-01-01";
const DATE_MAX: &str = "2023-12-31";

fn is_commune(code: &InseeCode) -> bool {
    COMMUNES.contains(&code.as_str())
}

// ------------------------------------------------------------ definitions

#[derive(Debug, Clone)]
enum KindSpec {
    Single(usize),
    Multi(usize, bool, Option<usize>),
    YesNo,
    Scale(i32, i32),
    Number(Option<i32>, Option<u16>, bool),
    Short(u32),
    Long(u32),
    Date(bool, bool),
    Commune,
}

#[derive(Debug, Clone)]
struct QuestionSpec {
    kind: KindSpec,
    required: bool,
    /// (which earlier choice question, which of its values)
    condition: Option<(usize, Vec<usize>)>,
}

fn kind_spec() -> impl Strategy<Value = KindSpec> {
    prop_oneof![
        (2usize..6).prop_map(KindSpec::Single),
        (2usize..6, any::<bool>(), proptest::option::of(0usize..6))
            .prop_map(|(n, other, max)| KindSpec::Multi(n, other, max)),
        Just(KindSpec::YesNo),
        (-5i32..5, 1i32..=100).prop_map(|(min, span)| KindSpec::Scale(min, min + span)),
        (
            proptest::option::of(-100i32..100),
            proptest::option::of(0u16..1000),
            any::<bool>()
        )
            .prop_map(|(min, span, integer)| KindSpec::Number(min, span, integer)),
        (1u32..=500).prop_map(KindSpec::Short),
        (1u32..=10_000).prop_map(KindSpec::Long),
        (any::<bool>(), any::<bool>()).prop_map(|(a, b)| KindSpec::Date(a, b)),
        Just(KindSpec::Commune),
    ]
}

fn question_spec() -> impl Strategy<Value = QuestionSpec> {
    (
        kind_spec(),
        any::<bool>(),
        proptest::option::weighted(
            0.5,
            (
                any::<usize>(),
                proptest::collection::vec(any::<usize>(), 1..4),
            ),
        ),
    )
        .prop_map(|(kind, required, condition)| QuestionSpec {
            kind,
            required,
            condition,
        })
}

fn options(n: usize) -> Vec<ChoiceOption> {
    (0..n)
        .map(|k| ChoiceOption {
            value: format!("v-{k}"),
            label: format!("Valeur {k}"),
        })
        .collect()
}

fn build_kind(spec: &KindSpec) -> QuestionKind {
    match *spec {
        KindSpec::Single(n) => QuestionKind::SingleChoice {
            options: options(n),
        },
        KindSpec::Multi(n, allow_other, max) => QuestionKind::MultipleChoice {
            options: options(n),
            allow_other,
            max_choices: max.map(|m| u32::try_from(m.clamp(1, n)).unwrap_or(1)),
        },
        KindSpec::YesNo => QuestionKind::YesNo,
        KindSpec::Scale(min, max) => QuestionKind::Scale {
            min,
            max,
            min_label: None,
            max_label: Some("Beaucoup".into()),
        },
        KindSpec::Number(min, span, integer) => QuestionKind::Number {
            min: min.map(f64::from),
            max: span.map(|s| f64::from(min.unwrap_or(0)) + f64::from(s)),
            integer,
            unit: None,
        },
        KindSpec::Short(max_length) => QuestionKind::ShortText { max_length },
        KindSpec::Long(max_length) => QuestionKind::LongText { max_length },
        KindSpec::Date(has_min, has_max) => QuestionKind::Date {
            min: has_min.then(|| DATE_MIN.to_owned()),
            max: has_max.then(|| DATE_MAX.to_owned()),
        },
        KindSpec::Commune => QuestionKind::Commune,
    }
}

fn build_definition(sections: &[Vec<QuestionSpec>]) -> QuestionnaireDefinition {
    let mut built: Vec<Question> = Vec::new();
    let mut result = Vec::new();
    for (s, specs) in sections.iter().enumerate() {
        let mut questions = Vec::new();
        for spec in specs {
            let id = format!("q{}", built.len());
            let eligible: Vec<&Question> = built
                .iter()
                .filter(|q| q.kind.condition_values().is_some())
                .collect();
            let show_if = match &spec.condition {
                Some((which, values)) if !eligible.is_empty() => {
                    let target = eligible[which % eligible.len()];
                    let possible = target.kind.condition_values().unwrap_or_default();
                    let mut any_of: Vec<String> = values
                        .iter()
                        .map(|v| possible[v % possible.len()].to_owned())
                        .collect();
                    any_of.dedup();
                    Some(Condition {
                        question: target.id.clone(),
                        any_of,
                    })
                }
                _ => None,
            };
            let question = Question {
                id: id.clone(),
                label: format!("Question {id} ?"),
                help: None,
                required: spec.required,
                kind: build_kind(&spec.kind),
                show_if,
            };
            built.push(question.clone());
            questions.push(question);
        }
        result.push(Section {
            id: format!("s{s}"),
            title: format!("Section {s}"),
            description: None,
            questions,
        });
    }
    QuestionnaireDefinition {
        title: "Questionnaire".into(),
        description: String::new(),
        sections: result,
    }
}

fn definition() -> impl Strategy<Value = QuestionnaireDefinition> {
    proptest::collection::vec(proptest::collection::vec(question_spec(), 1..6), 1..4)
        .prop_map(|sections| build_definition(&sections))
}

// ------------------------------------------------------------ answers

/// splitmix64: answers are built from one random seed, so they can depend
/// on the definition.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
    fn text(&mut self, max_chars: u32) -> String {
        let len = 1 + self.below(u64::from(max_chars.min(300)));
        let alphabet = ['a', 'é', 'Z', '7', '€', ' ', '\'', '😀'];
        let mut text: String = (0..len).map(|_| *self.pick(&alphabet)).collect();
        text.replace_range(0..text.chars().next().map_or(0, char::len_utf8), "x");
        text
    }
}

/// A valid, non-blank raw answer for `kind`.
fn valid_value(kind: &QuestionKind, rng: &mut Rng) -> Value {
    match kind {
        QuestionKind::SingleChoice { options } => json!(rng.pick(options).value),
        QuestionKind::MultipleChoice {
            options,
            allow_other,
            max_choices,
        } => {
            let max = max_choices
                .map_or(options.len(), |m| m as usize)
                .min(options.len());
            let count = 1 + rng.below(max as u64) as usize;
            let mut values: Vec<&str> = options.iter().map(|o| o.value.as_str()).collect();
            // A random `count`-subset, in random order.
            for i in (1..values.len()).rev() {
                values.swap(i, rng.below(i as u64 + 1) as usize);
            }
            values.truncate(count);
            if *allow_other && rng.chance(50) {
                json!({"values": values, "other": rng.text(100)})
            } else if rng.chance(50) {
                json!({"values": values, "other": null})
            } else {
                json!(values)
            }
        }
        QuestionKind::YesNo => json!(rng.chance(50)),
        QuestionKind::Scale { min, max, .. } => {
            let span = u64::try_from(i64::from(*max) - i64::from(*min)).unwrap_or(0);
            json!(i64::from(*min) + i64::try_from(rng.below(span + 1)).unwrap_or(0))
        }
        QuestionKind::Number {
            min, max, integer, ..
        } => {
            let low = min.unwrap_or(-1000.0);
            let high = max.unwrap_or(low + 2000.0);
            let step = if *integer { 1.0 } else { 0.25 };
            let steps = ((high - low) / step).floor() as u64;
            json!(low + step * rng.below(steps + 1) as f64)
        }
        QuestionKind::ShortText { max_length } | QuestionKind::LongText { max_length } => {
            json!(rng.text(*max_length))
        }
        QuestionKind::Date { .. } => json!(format!(
            "{}-{:02}-{:02}",
            2020 + rng.below(4),
            1 + rng.below(12),
            1 + rng.below(28)
        )),
        QuestionKind::Commune => json!(rng.pick(&COMMUNES)),
    }
}

/// A random valid submission: every visible required question answered,
/// others sometimes left out or null, hidden ones never answered.
fn valid_answers(definition: &QuestionnaireDefinition, seed: u64) -> Raw {
    let mut rng = Rng(seed);
    let mut raw = Raw::new();
    for (_, _, question) in definition.questions() {
        // Visibility only depends on earlier answers, which are all set.
        if !definition.visible_question_ids(&raw).contains(&question.id) {
            continue;
        }
        if !question.required && rng.chance(30) {
            if rng.chance(50) {
                raw.insert(question.id.clone(), Value::Null);
            }
            continue;
        }
        raw.insert(question.id.clone(), valid_value(&question.kind, &mut rng));
    }
    raw
}

fn answered(raw: &Raw) -> Vec<&String> {
    raw.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k)
        .collect()
}

// ------------------------------------------------------------ mutations

#[derive(Debug, Clone, Copy)]
enum Mutation {
    WrongType,
    OutOfRange,
    UnknownOption,
    HiddenAnswer,
    DropRequired,
    UnknownKey,
}

fn wrong_type(kind: &QuestionKind) -> Value {
    match kind {
        QuestionKind::YesNo | QuestionKind::Scale { .. } | QuestionKind::Number { .. } => {
            json!("7")
        }
        QuestionKind::MultipleChoice { .. } => json!(true),
        QuestionKind::Commune => json!(40192),
        _ => json!(7),
    }
}

fn out_of_range(kind: &QuestionKind) -> Option<Value> {
    match kind {
        QuestionKind::Scale { max, .. } => Some(json!(i64::from(*max) + 1)),
        QuestionKind::Number { max: Some(max), .. } => Some(json!(max + 1.0)),
        QuestionKind::Number { min: Some(min), .. } => Some(json!(min - 0.5)),
        QuestionKind::Number { integer: true, .. } => Some(json!(0.5)),
        QuestionKind::ShortText { max_length } | QuestionKind::LongText { max_length } => {
            Some(json!("é".repeat(*max_length as usize + 1)))
        }
        QuestionKind::MultipleChoice {
            options,
            max_choices: Some(max),
            ..
        } if (*max as usize) < options.len() => Some(json!(options
            .iter()
            .map(|o| o.value.as_str())
            .collect::<Vec<_>>())),
        QuestionKind::MultipleChoice {
            allow_other: false,
            options,
            ..
        } => Some(json!({"values": [options.first().map(|o| o.value.as_str())], "other": "autre"})),
        QuestionKind::Date { max: Some(_), .. } => Some(json!("2024-01-01")),
        QuestionKind::Date { min: Some(_), .. } => Some(json!("2019-12-31")),
        QuestionKind::Date { .. } => Some(json!("2023-02-29")),
        QuestionKind::Commune => Some(json!("33063")),
        _ => None,
    }
}

fn unknown_option(kind: &QuestionKind) -> Option<Value> {
    match kind {
        QuestionKind::SingleChoice { .. } => Some(json!("inconnue")),
        QuestionKind::MultipleChoice { options, .. } => Some(json!([
            options.first().map(|o| o.value.as_str()),
            Some("inconnue")
        ])),
        _ => None,
    }
}

/// Applies `mutation` to a valid submission; returns the key that must be
/// named, or `None` when the mutation does not apply to these answers.
fn mutate(
    definition: &QuestionnaireDefinition,
    raw: &mut Raw,
    mutation: Mutation,
    pick: usize,
) -> Option<String> {
    let answered: Vec<&Question> = definition
        .questions()
        .map(|(_, _, q)| q)
        .filter(|q| raw.get(&q.id).is_some_and(|v| !v.is_null()))
        .collect();
    let choose = |candidates: Vec<(&Question, Value)>| -> Option<(String, Value)> {
        if candidates.is_empty() {
            None
        } else {
            let (q, v) = &candidates[pick % candidates.len()];
            Some((q.id.clone(), v.clone()))
        }
    };
    let change = match mutation {
        Mutation::WrongType => choose(answered.iter().map(|q| (*q, wrong_type(&q.kind))).collect()),
        Mutation::OutOfRange => choose(
            answered
                .iter()
                .filter_map(|q| out_of_range(&q.kind).map(|v| (*q, v)))
                .collect(),
        ),
        Mutation::UnknownOption => choose(
            answered
                .iter()
                .filter_map(|q| unknown_option(&q.kind).map(|v| (*q, v)))
                .collect(),
        ),
        Mutation::HiddenAnswer => {
            let visible = definition.visible_question_ids(raw);
            let mut rng = Rng(pick as u64);
            choose(
                definition
                    .questions()
                    .map(|(_, _, q)| q)
                    .filter(|q| !visible.contains(&q.id))
                    .map(|q| (q, valid_value(&q.kind, &mut rng)))
                    .collect(),
            )
        }
        Mutation::DropRequired => {
            let required: Vec<&Question> =
                answered.iter().copied().filter(|q| q.required).collect();
            if required.is_empty() {
                None
            } else {
                let id = required[pick % required.len()].id.clone();
                raw.remove(&id);
                return Some(id);
            }
        }
        Mutation::UnknownKey => Some(("zz_inconnue".to_owned(), json!("?"))),
    };
    let (id, value) = change?;
    raw.insert(id.clone(), value);
    Some(id)
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::WrongType),
        Just(Mutation::OutOfRange),
        Just(Mutation::UnknownOption),
        Just(Mutation::HiddenAnswer),
        Just(Mutation::DropRequired),
        Just(Mutation::UnknownKey),
    ]
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        prop_oneof![
            Just("v-0"),
            Just("v-1"),
            Just("40192"),
            Just("2A004"),
            Just("2021-02-29"),
            Just("2022-06-15"),
            Just(" "),
            Just("yes"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("values".to_owned()),
                    Just("other".to_owned()),
                    "[a-z]{1,3}"
                ],
                inner,
                0..3
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn generated_definitions_are_valid_and_round_trip(definition in definition()) {
        prop_assert_eq!(definition.validate(), Ok(()));
        let json = serde_json::to_string(&definition).unwrap();
        let back: QuestionnaireDefinition = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, definition);
    }

    #[test]
    fn valid_answers_validate(definition in definition(), seed in any::<u64>()) {
        let raw = valid_answers(&definition, seed);
        let answers = match definition.validate_answers(&raw, &is_commune) {
            Ok(answers) => answers,
            Err(errors) => return Err(TestCaseError::fail(format!("{errors} for {raw:?}"))),
        };
        // Exactly the answered questions, all visible.
        let visible = definition.visible_question_ids(&raw);
        prop_assert_eq!(answers.0.keys().collect::<Vec<_>>(), answered(&raw));
        prop_assert!(answers.0.keys().all(|id| visible.contains(id)));
        // Stored answers submit again unchanged, and survive JSON.
        prop_assert_eq!(&definition.validate_answers(&answers.to_submission(), &is_commune), &Ok(answers.clone()));
        let stored = serde_json::to_string(&answers).unwrap();
        prop_assert_eq!(serde_json::from_str::<solidarites_domain::ValidatedAnswers>(&stored).unwrap(), answers);
    }

    #[test]
    fn mutated_answers_are_refused_naming_the_question(
        definition in definition(),
        seed in any::<u64>(),
        mutation in mutation(),
        pick in any::<usize>(),
    ) {
        let mut raw = valid_answers(&definition, seed);
        let named = mutate(&definition, &mut raw, mutation, pick)
            .or_else(|| mutate(&definition, &mut raw, Mutation::UnknownKey, pick));
        let Some(named) = named else {
            return Err(TestCaseError::fail("the unknown key mutation always applies"));
        };
        match definition.validate_answers(&raw, &is_commune) {
            Ok(answers) => {
                return Err(TestCaseError::fail(format!("{mutation:?} of {named} accepted: {answers:?} from {raw:?}")));
            }
            Err(errors) => {
                prop_assert!(errors.0.contains_key(&named), "{:?}: {} not named in {}", mutation, named, errors);
                let known: Vec<String> = definition.questions().map(|(_, _, q)| q.id.clone()).collect();
                prop_assert!(errors.0.keys().all(|k| known.contains(k) || raw.contains_key(k)));
            }
        }
    }

    #[test]
    fn arbitrary_json_never_panics(
        definition in definition(),
        values in proptest::collection::vec(arbitrary_json(), 1..40),
        extra in proptest::collection::btree_map("[a-z0-9_]{1,4}", arbitrary_json(), 0..3),
    ) {
        let mut raw: Raw = extra;
        for ((_, _, question), value) in definition.questions().zip(values.iter().cycle()) {
            raw.insert(question.id.clone(), value.clone());
        }
        let visible = definition.visible_question_ids(&raw);
        match definition.validate_answers(&raw, &is_commune) {
            Ok(answers) => prop_assert!(answers.0.keys().all(|id| visible.contains(id))),
            Err(errors) => prop_assert!(!errors.0.is_empty()),
        }
    }
}
