//! The pure side of the questionnaire form: which sections are steps, what is sent, the
//! error of each question (the domain's own rules and messages, as the server applies
//! them), and how answers read on the review step.

use std::collections::BTreeMap;

use serde_json::Value;
use solidarites_domain::questionnaire::{Question, QuestionKind, QuestionnaireDefinition};

use crate::format;
use crate::i18n::questionnaire;

pub type Answers = BTreeMap<String, Value>;

/// Key of the respondent's commune when the questionnaire has no commune question (it is
/// then asked on the review step and sent apart from the answers).
pub const FALLBACK_COMMUNE: &str = "commune_du_repondant";

/// `id` of the first input of a question (the target of error links).
pub fn field_id(question_id: &str) -> String {
    format!("q-{question_id}")
}

/// Indexes of the sections that have at least one visible question: the steps.
pub fn steps(definition: &QuestionnaireDefinition, answers: &Answers) -> Vec<usize> {
    let visible = definition.visible_question_ids(answers);
    definition
        .sections
        .iter()
        .enumerate()
        .filter(|(_, section)| section.questions.iter().any(|q| visible.contains(&q.id)))
        .map(|(i, _)| i)
        .collect()
}

/// Whether a raw answer means "no answer" (as the domain reads it).
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.values().all(is_blank),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// The answers to send: those of visible questions, not blank. (Answers to questions
/// hidden since are kept on the device but never sent: the server refuses them.)
pub fn submission(definition: &QuestionnaireDefinition, answers: &Answers) -> Answers {
    let visible = definition.visible_question_ids(answers);
    answers
        .iter()
        .filter(|(id, value)| visible.contains(id) && !is_blank(value))
        .map(|(id, value)| (id.clone(), value.clone()))
        .collect()
}

/// The error of each question of `section_ids` (all questions when `None`), by question
/// id: the domain's validation, plus "choose a commune in the list" for a commune typed
/// but not chosen (`texts`).
pub fn errors(
    definition: &QuestionnaireDefinition,
    answers: &Answers,
    texts: &BTreeMap<String, String>,
    section: Option<usize>,
) -> BTreeMap<String, String> {
    let t = questionnaire::t();
    let in_scope = |id: &str| match section {
        None => true,
        Some(index) => definition
            .sections
            .get(index)
            .is_some_and(|s| s.questions.iter().any(|q| q.id == id)),
    };
    let sent = submission(definition, answers);
    let mut errors: BTreeMap<String, String> = match definition.validate_answers(&sent, &|_| true) {
        Ok(_) => BTreeMap::new(),
        Err(found) => found.0.into_iter().filter(|(id, _)| in_scope(id)).collect(),
    };
    let visible = definition.visible_question_ids(answers);
    for (_, _, question) in definition.questions() {
        let typed = texts
            .get(&question.id)
            .is_some_and(|s| !s.trim().is_empty());
        if matches!(question.kind, QuestionKind::Commune)
            && visible.contains(&question.id)
            && in_scope(&question.id)
            && typed
            && !sent.contains_key(&question.id)
        {
            errors.insert(question.id.clone(), t.error_commune_pick.to_owned());
        }
    }
    errors
}

/// A number typed the French way (`12,5`, `1 200`) as a JSON number; text that is not a
/// number stays text, so that the domain's validation words the error; empty is no answer.
pub fn parse_number(text: &str) -> Option<Value> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    Some(match cleaned.parse::<f64>() {
        Ok(x) if x.is_finite() => {
            // Whole numbers go as integers, as people mean them (and `integer` wants).
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                #[allow(clippy::cast_possible_truncation, reason = "whole and below 2^53")]
                Value::from(x as i64)
            } else {
                Value::from(x)
            }
        }
        _ => Value::String(text.trim().to_owned()),
    })
}

/// A number answer as it is shown back in its field (`12,5`).
pub fn number_text(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string().replace('.', ","),
        Value::String(s) => s.clone(),
        _ => String::new(),
    }
}

/// The selected options and the "other" text of a multiple choice answer.
pub fn choices(value: Option<&Value>) -> (Vec<String>, String) {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    match value {
        Some(Value::Object(map)) => (
            map.get("values").map(strings).unwrap_or_default(),
            map.get("other")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ),
        Some(list @ Value::Array(_)) => (strings(list), String::new()),
        _ => (Vec::new(), String::new()),
    }
}

/// A multiple choice answer, options in the definition's order.
pub fn choices_value(question: &Question, values: &[String], other: &str) -> Option<Value> {
    let QuestionKind::MultipleChoice { options, .. } = &question.kind else {
        return None;
    };
    let ordered: Vec<&str> = options
        .iter()
        .map(|o| o.value.as_str())
        .filter(|v| values.iter().any(|x| x == v))
        .collect();
    let other = other.trim();
    if ordered.is_empty() && other.is_empty() {
        return None;
    }
    Some(serde_json::json!({
        "values": ordered,
        "other": if other.is_empty() { Value::Null } else { Value::String(other.to_owned()) },
    }))
}

/// An answer as the review step shows it; `None` when unanswered.
pub fn answer_text(
    question: &Question,
    value: Option<&Value>,
    typed: Option<&str>,
) -> Option<String> {
    let t = questionnaire::t();
    let value = value.filter(|v| !is_blank(v))?;
    let label_of = |options: &[solidarites_domain::questionnaire::ChoiceOption], v: &str| {
        options
            .iter()
            .find(|o| o.value == v)
            .map_or_else(|| v.to_owned(), |o| o.label.clone())
    };
    Some(match &question.kind {
        QuestionKind::SingleChoice { options } => label_of(options, value.as_str()?),
        QuestionKind::MultipleChoice { options, .. } => {
            let (values, other) = choices(Some(value));
            let mut parts: Vec<String> = values.iter().map(|v| label_of(options, v)).collect();
            if !other.trim().is_empty() {
                parts.push(format!("{}\u{a0}: {}", t.other_label, other.trim()));
            }
            parts.join(", ")
        }
        QuestionKind::YesNo => match value.as_bool()? {
            true => t.yes.to_owned(),
            false => t.no.to_owned(),
        },
        QuestionKind::Scale {
            min_label,
            max_label,
            min,
            max,
        } => {
            let n = value.as_i64()?;
            let end = if n == i64::from(*min) {
                min_label.as_deref()
            } else if n == i64::from(*max) {
                max_label.as_deref()
            } else {
                None
            };
            match end {
                Some(label) => format!("{n} ({label})"),
                None => format!("{n} sur {max}"),
            }
        }
        QuestionKind::Number { unit, .. } => {
            let shown = value
                .as_f64()
                .map_or_else(|| number_text(value), |x| format::decimal(x, 6));
            match unit {
                Some(unit) => format!("{shown}\u{a0}{unit}"),
                None => shown,
            }
        }
        QuestionKind::ShortText { .. } | QuestionKind::LongText { .. } => {
            value.as_str()?.trim().to_owned()
        }
        QuestionKind::Date { .. } => format::date_text(value.as_str()?),
        QuestionKind::Commune => typed.filter(|s| !s.trim().is_empty()).map_or_else(
            || value.as_str().unwrap_or_default().to_owned(),
            str::to_owned,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use solidarites_domain::questionnaire::landes_template;

    fn definition() -> QuestionnaireDefinition {
        landes_template(&[
            ("alimentation".to_owned(), "Alimentation".to_owned()),
            ("lien-social".to_owned(), "Lien social".to_owned()),
        ])
    }

    fn answers(value: Value) -> Answers {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn conditional_questions_follow_the_answers() {
        let def = definition();
        let none = answers(json!({}));
        let visible = def.visible_question_ids(&none);
        assert!(visible.contains(&"difficultes".to_owned()));
        assert!(!visible.contains(&"domaines".to_owned()));
        let yes = answers(
            json!({"difficultes": true, "domaines": {"values": ["lien-social"], "other": null}}),
        );
        let visible = def.visible_question_ids(&yes);
        assert!(visible.contains(&"domaines".to_owned()));
        assert!(visible.contains(&"gravite_lien_social".to_owned()));
        assert!(!visible.contains(&"gravite_alimentation".to_owned()));
        assert_eq!(steps(&def, &none), vec![0, 1, 2, 3]);
    }

    #[test]
    fn hidden_and_blank_answers_are_not_sent() {
        let def = definition();
        let kept = answers(json!({
            "difficultes": false,
            "domaines": {"values": ["alimentation"], "other": null},
            "propositions": "  ",
            "aide": true,
        }));
        let sent = submission(&def, &kept);
        assert_eq!(sent, answers(json!({"difficultes": false, "aide": true})));
    }

    #[test]
    fn errors_are_the_domains_for_the_current_section() {
        let def = definition();
        let texts = BTreeMap::new();
        let found = errors(&def, &answers(json!({})), &texts, Some(0));
        assert_eq!(
            found.get("difficultes").map(String::as_str),
            Some("Cette question est obligatoire.")
        );
        // The commune (last section) is not this step's business.
        assert!(!found.contains_key("commune"));
        let all = errors(&def, &answers(json!({})), &texts, None);
        assert!(all.contains_key("commune"));
        let fine = answers(json!({"difficultes": false, "commune": "00001"}));
        assert!(errors(&def, &fine, &texts, None).is_empty());
    }

    #[test]
    fn a_commune_typed_but_not_chosen_is_an_error() {
        let def = definition();
        let texts = BTreeMap::from([("commune".to_owned(), "Val-Fi".to_owned())]);
        let found = errors(
            &def,
            &answers(json!({"difficultes": false})),
            &texts,
            Some(3),
        );
        assert_eq!(
            found.get("commune").map(String::as_str),
            Some("Choisissez une commune dans la liste proposée.")
        );
    }

    #[test]
    fn numbers_are_read_the_french_way() {
        assert_eq!(parse_number("12,5"), Some(json!(12.5)));
        assert_eq!(parse_number("1 200"), Some(json!(1200)));
        assert_eq!(parse_number("3"), Some(json!(3)));
        assert_eq!(parse_number("  "), None);
        assert_eq!(parse_number("beaucoup"), Some(json!("beaucoup")));
        assert_eq!(number_text(&json!(12.5)), "12,5");
        assert_eq!(number_text(&json!("abc")), "abc");
    }

    #[test]
    fn multiple_choices_keep_the_options_order() {
        let def = definition();
        let question = def.question("domaines").unwrap();
        let value = choices_value(
            question,
            &["lien-social".to_owned(), "alimentation".to_owned()],
            " ",
        )
        .unwrap();
        assert_eq!(
            value,
            json!({"values": ["alimentation", "lien-social"], "other": null})
        );
        assert_eq!(choices_value(question, &[], ""), None);
        assert_eq!(
            choices(Some(&json!({"values": ["a"], "other": "x"}))),
            (vec!["a".to_owned()], "x".to_owned())
        );
        assert_eq!(
            answer_text(question, Some(&value), None).as_deref(),
            Some("Alimentation, Lien social")
        );
    }

    #[test]
    fn answers_read_well_on_the_review_step() {
        let def = definition();
        let q = |id: &str| def.question(id).unwrap();
        assert_eq!(
            answer_text(q("difficultes"), Some(&json!(true)), None).as_deref(),
            Some("Oui")
        );
        assert_eq!(
            answer_text(q("gravite_alimentation"), Some(&json!(4)), None).as_deref(),
            Some("4 (Très importantes)")
        );
        assert_eq!(
            answer_text(q("gravite_alimentation"), Some(&json!(2)), None).as_deref(),
            Some("2 sur 4")
        );
        assert_eq!(
            answer_text(q("tranche_age"), Some(&json!("25_39")), None).as_deref(),
            Some("25 à 39 ans")
        );
        assert_eq!(
            answer_text(
                q("commune"),
                Some(&json!("00001")),
                Some("Val-Fictif (00100)")
            )
            .as_deref(),
            Some("Val-Fictif (00100)")
        );
        assert_eq!(
            answer_text(q("propositions"), Some(&json!(" ")), None),
            None
        );
        assert_eq!(answer_text(q("propositions"), None, None), None);
    }
}
