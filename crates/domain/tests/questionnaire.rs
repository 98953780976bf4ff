//! Questionnaire definitions and answers, by example: each refusal names the
//! field at fault.

mod common;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use solidarites_domain::questionnaire::{
    landes_template, AnswerValue, ChoiceOption, Condition, FieldErrors, Question, QuestionKind,
    QuestionnaireDefinition, Section,
};
use solidarites_domain::InseeCode;

use common::{one_section, question, scale};

fn themes() -> Vec<(String, String)> {
    [
        ("alimentation", "Alimentation"),
        ("lien-social", "Lien social"),
        ("sante", "Santé"),
    ]
    .iter()
    .map(|(s, l)| ((*s).to_owned(), (*l).to_owned()))
    .collect()
}

fn raw(value: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(value).unwrap_or_else(|e| panic!("not an answer object: {e}"))
}

fn landes_commune(code: &InseeCode) -> bool {
    code.departement() == "40"
}

fn opt(value: &str) -> ChoiceOption {
    ChoiceOption {
        value: value.into(),
        label: format!("Option {value}"),
    }
}

fn when(mut question: Question, trigger: &str, any_of: &[&str]) -> Question {
    question.show_if = Some(Condition {
        question: trigger.into(),
        any_of: any_of.iter().map(|&v| v.to_owned()).collect(),
    });
    question
}

fn required(mut question: Question) -> Question {
    question.required = true;
    question
}

fn choice(id: &str) -> Question {
    question(
        id,
        QuestionKind::SingleChoice {
            options: vec![opt("a"), opt("b"), opt("c")],
        },
    )
}

fn multi(id: &str, allow_other: bool, max_choices: Option<u32>) -> Question {
    question(
        id,
        QuestionKind::MultipleChoice {
            options: vec![opt("a"), opt("b"), opt("c")],
            allow_other,
            max_choices,
        },
    )
}

/// The definition errors, asserting there are some.
fn refused(definition: &QuestionnaireDefinition) -> FieldErrors {
    match definition.validate() {
        Ok(()) => panic!("definition accepted: {definition:?}"),
        Err(errors) => errors,
    }
}

fn assert_names(errors: &FieldErrors, key: &str) {
    assert!(
        errors.0.contains_key(key),
        "expected an error for {key:?}, got {errors}"
    );
}

// ---------------------------------------------------------------- definitions

#[test]
fn landes_template_is_valid_and_has_the_stable_ids() {
    let definition = landes_template(&themes());
    definition.validate().unwrap();
    let ids: Vec<String> = definition
        .questions()
        .map(|(_, _, q)| q.id.clone())
        .collect();
    assert_eq!(
        ids,
        [
            "difficultes",
            "domaines",
            "gravite_alimentation",
            "gravite_lien_social",
            "gravite_sante",
            "aide",
            "aide_par",
            "ce_qui_aurait_aide",
            "propositions",
            "role",
            "tranche_age",
            "menage",
            "commune"
        ]
    );
    assert_eq!(definition.commune_question_ids(), ["commune"]);
    assert!(definition.question("commune").unwrap().required);
}

#[test]
fn landes_template_with_too_few_or_bad_themes_is_refused_by_validate() {
    let one = vec![("sante".to_owned(), "Santé".to_owned())];
    assert_names(
        &refused(&landes_template(&one)),
        "sections[0].questions[1].kind.options",
    );
    let clash = vec![
        ("lien-social".to_owned(), "Lien social".to_owned()),
        ("lien_social".to_owned(), "Lien social bis".to_owned()),
    ];
    assert_names(
        &refused(&landes_template(&clash)),
        "sections[0].questions[3].id",
    );
}

#[test]
fn definition_round_trips_through_json_with_the_documented_shape() {
    let definition = landes_template(&themes());
    let value = serde_json::to_value(&definition).unwrap();
    assert_eq!(
        value["sections"][0]["questions"][0]["kind"],
        json!({"type": "yes_no"})
    );
    assert_eq!(
        value["sections"][0]["questions"][1]["kind"]["type"],
        json!("multiple_choice")
    );
    assert_eq!(
        value["sections"][0]["questions"][1]["show_if"],
        json!({"question": "difficultes", "any_of": ["yes"]})
    );
    let back: QuestionnaireDefinition = serde_json::from_value(value).unwrap();
    assert_eq!(back, definition);

    // Optional fields may be left out.
    let minimal: QuestionnaireDefinition = serde_json::from_value(json!({
        "title": "T", "description": "",
        "sections": [{"id": "s", "title": "S", "questions": [
            {"id": "x", "label": "X", "kind": {"type": "scale", "min": 1, "max": 5}},
            {"id": "y", "label": "Y", "kind": {"type": "number"}},
            {"id": "z", "label": "Z", "kind": {"type": "multiple_choice",
                "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]}}
        ]}]
    }))
    .unwrap();
    minimal.validate().unwrap();
}

#[test]
fn empty_title_and_no_sections_are_refused() {
    let mut definition = one_section(vec![choice("x")]);
    definition.title = "  ".into();
    definition.sections.clear();
    let errors = refused(&definition);
    assert_names(&errors, "title");
    assert_names(&errors, "sections");
}

#[test]
fn duplicate_and_malformed_ids_are_refused() {
    let mut definition = one_section(vec![
        choice("x"),
        choice("y"),
        choice("x"),
        choice("Bad-Id"),
    ]);
    definition.sections.push(definition.sections[0].clone());
    definition.sections[1].questions = vec![choice("z")];
    let errors = refused(&definition);
    assert_names(&errors, "sections[0].questions[2].id");
    assert_names(&errors, "sections[0].questions[3].id");
    assert_names(&errors, "sections[1].id");
    assert!(!errors.0.contains_key("sections[0].questions[0].id"));
    assert!(!errors.0.contains_key("sections[1].questions[0].id"));
}

#[test]
fn choice_questions_need_two_distinct_options() {
    let definition = one_section(vec![
        question(
            "one",
            QuestionKind::SingleChoice {
                options: vec![opt("a")],
            },
        ),
        question(
            "dup",
            QuestionKind::SingleChoice {
                options: vec![opt("a"), opt("a")],
            },
        ),
        question(
            "none",
            QuestionKind::MultipleChoice {
                options: vec![],
                allow_other: true,
                max_choices: None,
            },
        ),
        question(
            "bad",
            QuestionKind::SingleChoice {
                options: vec![opt("a"), opt("B é")],
            },
        ),
        multi("max0", false, Some(0)),
        multi("max4", false, Some(4)),
    ]);
    let errors = refused(&definition);
    assert_names(&errors, "sections[0].questions[0].kind.options");
    assert_names(&errors, "sections[0].questions[1].kind.options[1].value");
    assert_names(&errors, "sections[0].questions[2].kind.options");
    assert_names(&errors, "sections[0].questions[3].kind.options[1].value");
    assert_names(&errors, "sections[0].questions[4].kind.max_choices");
    assert_names(&errors, "sections[0].questions[5].kind.max_choices");
    assert_eq!(errors.0.len(), 6, "{errors}");
}

#[test]
fn bounds_of_scales_numbers_texts_and_dates_are_checked() {
    let scale = |min, max| question("s", common::scale(min, max));
    let number = |min, max| {
        question(
            "n",
            QuestionKind::Number {
                min,
                max,
                integer: false,
                unit: None,
            },
        )
    };
    let date = |min: Option<&str>, max: Option<&str>| {
        question(
            "d",
            QuestionKind::Date {
                min: min.map(Into::into),
                max: max.map(Into::into),
            },
        )
    };
    for (question, key) in [
        (scale(3, 3), "kind.max"),
        (scale(5, 1), "kind.max"),
        (scale(0, 101), "kind.max"),
        (scale(i32::MIN, i32::MAX), "kind.max"),
        (number(Some(2.0), Some(1.0)), "kind.max"),
        (number(Some(f64::NAN), None), "kind.min"),
        (number(None, Some(f64::INFINITY)), "kind.max"),
        (
            question("t", QuestionKind::ShortText { max_length: 0 }),
            "kind.max_length",
        ),
        (
            question("t", QuestionKind::ShortText { max_length: 501 }),
            "kind.max_length",
        ),
        (
            question("t", QuestionKind::LongText { max_length: 10_001 }),
            "kind.max_length",
        ),
        (date(Some("2024-02-30"), None), "kind.min"),
        (date(None, Some("24-01-01")), "kind.max"),
        (date(Some("2024-02-01"), Some("2024-01-01")), "kind.max"),
    ] {
        let errors = refused(&one_section(vec![question.clone()]));
        assert_names(&errors, &format!("sections[0].questions[0].{key}"));
    }
    for question in [
        scale(0, 100),
        scale(-2, 2),
        number(Some(1.0), Some(1.0)),
        question("t", QuestionKind::ShortText { max_length: 500 }),
        question("t", QuestionKind::LongText { max_length: 10_000 }),
        date(Some("2020-01-01"), Some("2020-01-01")),
    ] {
        one_section(vec![question]).validate().unwrap();
    }
}

#[test]
fn conditions_must_refer_to_earlier_choice_questions_and_known_values() {
    let text = question("texte", QuestionKind::ShortText { max_length: 10 });
    let definition = one_section(vec![
        choice("c"),
        question("yn", QuestionKind::YesNo),
        text,
        when(choice("later"), "after", &["a"]),
        when(choice("on_text"), "texte", &["a"]),
        when(choice("unknown_value"), "c", &["a", "zz"]),
        when(choice("unknown_question"), "nope", &["a"]),
        when(choice("empty"), "c", &[]),
        when(choice("yes_no_values"), "yn", &["oui"]),
        when(choice("itself"), "itself", &["a"]),
        choice("after"),
        when(choice("fine"), "yn", &["yes", "no"]),
    ]);
    let errors = refused(&definition);
    let path = |i: usize, rest: &str| format!("sections[0].questions[{i}].show_if.{rest}");
    assert_names(&errors, &path(3, "question"));
    assert!(errors.get(&path(3, "question")).unwrap().contains("avant"));
    assert_names(&errors, &path(4, "question"));
    assert_names(&errors, &path(5, "any_of[1]"));
    assert!(!errors.0.contains_key(&path(5, "any_of[0]")));
    assert_names(&errors, &path(6, "question"));
    assert_names(&errors, &path(7, "any_of"));
    assert_names(&errors, &path(8, "any_of[0]"));
    assert!(errors.get(&path(9, "question")).unwrap().contains("cycle"));
    assert_eq!(errors.0.len(), 7, "{errors}");
}

#[test]
fn a_cycle_of_forward_conditions_is_reported_as_such() {
    let definition = one_section(vec![
        when(choice("a"), "b", &["a"]),
        when(choice("b"), "a", &["a"]),
    ]);
    let errors = refused(&definition);
    assert!(errors
        .get("sections[0].questions[0].show_if.question")
        .unwrap()
        .contains("cycle"));
}

#[test]
fn conditions_across_sections_follow_display_order() {
    let mut definition = one_section(vec![choice("first")]);
    definition.sections.push(Section {
        id: "s2".into(),
        title: "Deux".into(),
        description: None,
        questions: vec![when(choice("second"), "first", &["a"])],
    });
    definition.validate().unwrap();
    definition.sections.swap(0, 1);
    assert_names(
        &refused(&definition),
        "sections[0].questions[0].show_if.question",
    );
}

// ---------------------------------------------------------------- answers

fn full_landes_answer() -> Value {
    json!({
        "difficultes": true,
        "domaines": {"values": ["sante", "alimentation"], "other": "  Logement  "},
        "gravite_alimentation": 2,
        "gravite_sante": 4,
        "aide": true,
        "aide_par": ["voisins", "commune_ccas"],
        "ce_qui_aurait_aide": "Plus d'informations sur les aides.",
        "propositions": "  Un réseau de voisins solidaires. ",
        "role": "voisin_solidaire",
        "tranche_age": "40_59",
        "menage": "famille_monoparentale",
        "commune": "40192"
    })
}

#[test]
fn a_full_answer_to_the_landes_template_validates() {
    let definition = landes_template(&themes());
    let answers = definition
        .validate_answers(&raw(full_landes_answer()), &landes_commune)
        .unwrap();
    let get = |id: &str| answers.0.get(id).unwrap().clone();
    assert_eq!(get("difficultes"), AnswerValue::YesNo(true));
    assert_eq!(
        get("domaines"),
        AnswerValue::Choices {
            values: vec!["alimentation".into(), "sante".into()],
            other: Some("Logement".into())
        }
    );
    assert_eq!(get("gravite_sante"), AnswerValue::Scale(4));
    assert_eq!(
        get("propositions"),
        AnswerValue::Text("Un réseau de voisins solidaires.".into())
    );
    assert_eq!(
        get("commune"),
        AnswerValue::Commune(InseeCode::parse("40192").unwrap())
    );
    assert_eq!(answers.0.len(), 12);
    // The stored form validates again to the same answers.
    assert_eq!(
        definition
            .validate_answers(&answers.to_submission(), &landes_commune)
            .unwrap(),
        answers
    );
    let stored = serde_json::to_string(&answers).unwrap();
    assert_eq!(
        serde_json::from_str::<solidarites_domain::ValidatedAnswers>(&stored).unwrap(),
        answers
    );
}

#[test]
fn a_minimal_answer_to_the_landes_template_validates() {
    let definition = landes_template(&themes());
    let answers = definition
        .validate_answers(
            &raw(json!({"difficultes": false, "commune": "40192", "propositions": "   ", "aide": null})),
            &landes_commune,
        )
        .unwrap();
    assert_eq!(answers.0.len(), 2);
}

#[test]
fn every_bad_question_is_named_at_once() {
    let definition = landes_template(&themes());
    let mut answer = full_landes_answer();
    answer["gravite_sante"] = json!(5);
    answer["role"] = json!("maire");
    answer["tranche_age"] = json!(42);
    answer["commune"] = json!("33063");
    answer["inconnue"] = json!("?");
    let errors = definition
        .validate_answers(&raw(answer), &landes_commune)
        .unwrap_err();
    assert_eq!(
        errors.0.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "commune",
            "gravite_sante",
            "inconnue",
            "role",
            "tranche_age"
        ]
    );
}

/// Validates `{id: value}` plus `extra` against `definition`; returns the errors.
fn errors_for(definition: &QuestionnaireDefinition, answer: Value) -> FieldErrors {
    match definition.validate_answers(&raw(answer.clone()), &landes_commune) {
        Ok(answers) => panic!("accepted {answer} as {answers:?}"),
        Err(errors) => errors,
    }
}

#[test]
fn each_kind_of_invalid_answer_is_refused_with_the_question_named() {
    let definition = one_section(vec![
        choice("single"),
        multi("multi", false, Some(2)),
        multi("multi_other", true, None),
        question("yn", QuestionKind::YesNo),
        question("scale", scale(1, 4)),
        question(
            "number",
            QuestionKind::Number {
                min: Some(0.0),
                max: Some(10.0),
                integer: true,
                unit: None,
            },
        ),
        question("short", QuestionKind::ShortText { max_length: 5 }),
        question("long", QuestionKind::LongText { max_length: 8 }),
        question(
            "date",
            QuestionKind::Date {
                min: Some("2020-03-17".into()),
                max: Some("2021-12-31".into()),
            },
        ),
        question("commune", QuestionKind::Commune),
        required(question("needed", QuestionKind::YesNo)),
        when(question("hidden", QuestionKind::YesNo), "yn", &["yes"]),
    ]);
    definition.validate().unwrap();
    let base = json!({"needed": true, "yn": false});
    definition
        .validate_answers(&raw(base.clone()), &landes_commune)
        .unwrap();

    let cases: Vec<(&str, Value)> = vec![
        ("single", json!(1)),
        ("single", json!("z")),
        ("single", json!(["a"])),
        ("multi", json!("a")),
        ("multi", json!(["a", "z"])),
        ("multi", json!(["a", "b", "c"])),
        ("multi", json!(["a", "a"])),
        ("multi", json!([1])),
        ("multi", json!({"values": ["a"], "other": "texte"})),
        ("multi", json!({"values": ["a"], "extra": 1})),
        ("multi_other", json!({"values": "a"})),
        ("multi_other", json!({"values": [], "other": 3})),
        (
            "multi_other",
            json!({"values": [], "other": "x".repeat(501)}),
        ),
        ("yn", json!("yes")),
        ("yn", json!(1)),
        ("scale", json!(0)),
        ("scale", json!(5)),
        ("scale", json!(2.5)),
        ("scale", json!("3")),
        ("scale", json!(u64::MAX)),
        ("number", json!(11)),
        ("number", json!(-1)),
        ("number", json!(2.5)),
        ("number", json!("4")),
        ("short", json!("abcdef")),
        ("short", json!(12)),
        ("long", json!("123456789")),
        ("date", json!("2021-02-29")),
        ("date", json!("17/03/2020")),
        ("date", json!("2020-03-16")),
        ("date", json!("2022-01-01")),
        ("date", json!(20200317)),
        ("commune", json!("33063")),
        ("commune", json!("4019")),
        ("commune", json!(40192)),
        ("needed", Value::Null),
        ("needed", json!("")),
        ("hidden", json!(true)),
        ("hidden", json!(false)),
        ("nope", json!(1)),
        ("nope", Value::Null),
    ];
    for (id, value) in cases {
        let mut answer = base.clone();
        answer[id] = value.clone();
        let errors = errors_for(&definition, answer);
        assert_eq!(
            errors.0.keys().collect::<Vec<_>>(),
            [id],
            "{id} = {value}: {errors}"
        );
    }

    // Missing required answer, and accepted edge values.
    assert_names(&errors_for(&definition, json!({})), "needed");
    let ok = json!({
        "needed": false, "yn": true, "hidden": false,
        "single": "c", "multi": ["c", "a"], "multi_other": {"values": [], "other": "Mon voisin"},
        "scale": 4, "number": 10.0, "short": " ééééé ", "long": "12345678",
        "date": "2020-03-17", "commune": "40001",
    });
    let answers = definition
        .validate_answers(&raw(ok), &landes_commune)
        .unwrap();
    assert_eq!(
        answers.0["multi"],
        AnswerValue::Choices {
            values: vec!["a".into(), "c".into()],
            other: None
        }
    );
    assert_eq!(answers.0["short"], AnswerValue::Text("ééééé".into()));
    assert_eq!(answers.0["number"], AnswerValue::Number(10.0));
    assert_eq!(answers.0.len(), 12);
}

#[test]
fn blank_answers_count_as_no_answer_even_on_hidden_questions() {
    let definition = one_section(vec![
        question("yn", QuestionKind::YesNo),
        when(
            question("text", QuestionKind::ShortText { max_length: 5 }),
            "yn",
            &["yes"],
        ),
        when(multi("multi", true, None), "yn", &["yes"]),
    ]);
    let answers = definition
        .validate_answers(
            &raw(json!({"yn": false, "text": "  ", "multi": {"values": [], "other": null}})),
            &landes_commune,
        )
        .unwrap();
    assert_eq!(answers.0.len(), 1);
}

// ---------------------------------------------------------------- conditions

#[test]
fn severity_questions_follow_the_chosen_domains() {
    let definition = landes_template(&themes());
    let visible = |answer: Value| definition.visible_question_ids(&raw(answer));
    let base = [
        "difficultes",
        "aide",
        "ce_qui_aurait_aide",
        "propositions",
        "role",
        "tranche_age",
        "menage",
        "commune",
    ];
    assert_eq!(visible(json!({})), base);
    assert_eq!(
        visible(json!({"difficultes": false, "domaines": ["sante"]})),
        base
    );

    let shown =
        visible(json!({"difficultes": true, "domaines": ["sante", "lien-social"], "aide": true}));
    assert!(shown.contains(&"domaines".to_owned()));
    assert!(shown.contains(&"gravite_sante".to_owned()));
    assert!(shown.contains(&"gravite_lien_social".to_owned()));
    assert!(!shown.contains(&"gravite_alimentation".to_owned()));
    assert!(shown.contains(&"aide_par".to_owned()));

    // An invalid trigger answer shows nothing.
    let shown = visible(json!({"difficultes": "oui", "aide": "yes"}));
    assert_eq!(shown, base);
}

#[test]
fn hiding_a_parent_hides_its_children() {
    let definition = one_section(vec![
        question("parent", QuestionKind::YesNo),
        when(choice("child"), "parent", &["yes"]),
        when(
            required(question(
                "grandchild",
                QuestionKind::ShortText { max_length: 20 },
            )),
            "child",
            &["b", "c"],
        ),
    ]);
    definition.validate().unwrap();
    let visible = |answer: Value| definition.visible_question_ids(&raw(answer));
    assert_eq!(
        visible(json!({"parent": true, "child": "b"})),
        ["parent", "child", "grandchild"]
    );
    assert_eq!(
        visible(json!({"parent": true, "child": "a"})),
        ["parent", "child"]
    );
    // The child keeps its stale answer "b", but the parent now hides it, so the grandchild is hidden too.
    assert_eq!(visible(json!({"parent": false, "child": "b"})), ["parent"]);

    // Shown and required: must be answered.
    let errors = definition
        .validate_answers(&raw(json!({"parent": true, "child": "c"})), &landes_commune)
        .unwrap_err();
    assert_eq!(errors.0.keys().collect::<Vec<_>>(), ["grandchild"]);
    // Hidden: required does not apply, and answering is refused.
    definition
        .validate_answers(&raw(json!({"parent": false})), &landes_commune)
        .unwrap();
    let errors = definition
        .validate_answers(
            &raw(json!({"parent": false, "child": "b", "grandchild": "texte"})),
            &landes_commune,
        )
        .unwrap_err();
    assert_eq!(errors.0.keys().collect::<Vec<_>>(), ["child", "grandchild"]);
}

#[test]
fn multiple_choice_triggers_match_any_chosen_value() {
    let definition = one_section(vec![
        multi("m", true, None),
        when(question("x", QuestionKind::YesNo), "m", &["b", "c"]),
    ]);
    let visible = |answer: Value| definition.visible_question_ids(&raw(answer));
    assert_eq!(visible(json!({"m": ["a", "c"]})), ["m", "x"]);
    assert_eq!(
        visible(json!({"m": {"values": ["b"], "other": null}})),
        ["m", "x"]
    );
    assert_eq!(
        visible(json!({"m": {"values": ["a"], "other": "b"}})),
        ["m"]
    );
    assert_eq!(visible(json!({"m": ["a", "zz", "c"]})), ["m"]);
}
