//! Visibility of questions and validation of a submission.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{
    is_valid_date, AnswerValue, ChoiceOption, Condition, FieldErrors, Question, QuestionKind,
    QuestionnaireDefinition, ValidatedAnswers, OTHER_TEXT_MAX,
};
use crate::InseeCode;

type Raw = BTreeMap<String, Value>;

impl QuestionnaireDefinition {
    /// Questions visible for the given (raw) answers, in order: evaluates
    /// `show_if` chains. A trigger answer that does not validate counts as no
    /// answer, so the questions it would show stay hidden.
    #[must_use]
    pub fn visible_question_ids(&self, answers: &Raw) -> Vec<String> {
        self.visibility(answers)
            .into_iter()
            .filter(|&(_, visible)| visible)
            .map(|(q, _)| q.id.clone())
            .collect()
    }

    /// Each question in display order with whether it is visible.
    fn visibility(&self, raw: &Raw) -> Vec<(&Question, bool)> {
        // Parsed answers of the visible questions seen so far.
        let mut shown: BTreeMap<&str, Option<AnswerValue>> = BTreeMap::new();
        let mut result = Vec::new();
        for (_, _, question) in self.questions() {
            let visible = match &question.show_if {
                None => true,
                Some(condition) => shown
                    .get(condition.question.as_str())
                    .is_some_and(|answer| answer.as_ref().is_some_and(|a| triggers(a, condition))),
            };
            if visible && !shown.contains_key(question.id.as_str()) {
                let parsed = raw.get(&question.id).and_then(|value| {
                    parse_answer(&question.kind, value, &|_| true)
                        .ok()
                        .flatten()
                });
                shown.insert(question.id.as_str(), parsed);
            }
            result.push((question, visible));
        }
        result
    }

    /// Parses and validates a submission against this exact definition:
    /// required visible questions answered, each value of the right
    /// type/range/option, `other` text only when `allow_other`,
    /// `max_choices`, text lengths (in characters, after trimming), dates,
    /// communes via `is_commune` (true when the INSEE code belongs to the
    /// territory). An answer to a HIDDEN question or to an unknown question id
    /// is refused; `null` (and an empty text or choice list) counts as no
    /// answer. Never panics, whatever the JSON.
    ///
    /// # Errors
    /// Every bad question, keyed by question id (or by the unknown key).
    pub fn validate_answers(
        &self,
        raw: &Raw,
        is_commune: &dyn Fn(&InseeCode) -> bool,
    ) -> Result<ValidatedAnswers, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut answers = BTreeMap::new();
        let known: BTreeSet<&str> = self.questions().map(|(_, _, q)| q.id.as_str()).collect();
        for key in raw.keys() {
            if !known.contains(key.as_str()) {
                errors.add(
                    key.clone(),
                    "Cette question n'existe pas dans ce questionnaire.",
                );
            }
        }
        let mut done = BTreeSet::new();
        for (question, visible) in self.visibility(raw) {
            if !done.insert(question.id.as_str()) {
                continue; // duplicate id in an invalid definition
            }
            let value = raw.get(&question.id);
            if !visible {
                if value.is_some_and(|v| !is_blank(v)) {
                    errors.add(
                        question.id.clone(),
                        "Cette question n'est pas posée compte tenu de vos réponses précédentes : elle ne doit pas avoir de réponse.",
                    );
                }
                continue;
            }
            match value.map(|v| parse_answer(&question.kind, v, is_commune)) {
                Some(Err(message)) => errors.add(question.id.clone(), message),
                Some(Ok(Some(answer))) => {
                    answers.insert(question.id.clone(), answer);
                }
                None | Some(Ok(None)) => {
                    if question.required {
                        errors.add(question.id.clone(), "Cette question est obligatoire.");
                    }
                }
            }
        }
        errors.into_result(ValidatedAnswers(answers))
    }
}

/// Whether `answer` meets `condition`.
fn triggers(answer: &AnswerValue, condition: &Condition) -> bool {
    let wanted = |value: &str| condition.any_of.iter().any(|v| v == value);
    match answer {
        AnswerValue::Choice(value) => wanted(value),
        AnswerValue::Choices { values, .. } => values.iter().any(|v| wanted(v)),
        AnswerValue::YesNo(yes) => wanted(if *yes { "yes" } else { "no" }),
        _ => false,
    }
}

/// Whether a raw value means "no answer": null, blank text, empty list, or
/// an object with neither values nor other text.
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.iter().all(|(key, v)| match key.as_str() {
            "values" | "other" => is_blank(v),
            _ => false,
        }),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// Parses one raw answer: `Ok(None)` for no answer, `Err` with a French
/// message for an invalid one.
fn parse_answer(
    kind: &QuestionKind,
    value: &Value,
    is_commune: &dyn Fn(&InseeCode) -> bool,
) -> Result<Option<AnswerValue>, String> {
    if value.is_null() {
        return Ok(None);
    }
    match kind {
        QuestionKind::SingleChoice { options } => {
            let Value::String(chosen) = value else {
                return Err("Réponse attendue : une des options proposées.".into());
            };
            if chosen.is_empty() {
                return Ok(None);
            }
            if options.iter().any(|o| o.value == *chosen) {
                Ok(Some(AnswerValue::Choice(chosen.clone())))
            } else {
                Err(unknown_option(chosen))
            }
        }
        QuestionKind::MultipleChoice {
            options,
            allow_other,
            max_choices,
        } => parse_choices(options, *allow_other, *max_choices, value),
        QuestionKind::YesNo => match value {
            Value::Bool(yes) => Ok(Some(AnswerValue::YesNo(*yes))),
            _ => Err("Réponse attendue : oui ou non.".into()),
        },
        QuestionKind::Scale { min, max, .. } => {
            let Some(n) = value.as_i64() else {
                return Err(format!(
                    "Réponse attendue : un nombre entier de {min} à {max}."
                ));
            };
            match i32::try_from(n) {
                Ok(n) if (*min..=*max).contains(&n) => Ok(Some(AnswerValue::Scale(n))),
                _ => Err(format!(
                    "La réponse doit être comprise entre {min} et {max}."
                )),
            }
        }
        QuestionKind::Number {
            min, max, integer, ..
        } => {
            let Some(x) = value.as_f64().filter(|x| x.is_finite()) else {
                return Err("Réponse attendue : un nombre.".into());
            };
            if *integer && x.fract() != 0.0 {
                return Err("Réponse attendue : un nombre entier.".into());
            }
            if min.is_some_and(|min| x < min) || max.is_some_and(|max| x > max) {
                return Err(match (min, max) {
                    (Some(min), Some(max)) => {
                        format!("La réponse doit être comprise entre {min} et {max}.")
                    }
                    (Some(min), None) => format!("La réponse doit être au moins {min}."),
                    (None, _) => format!("La réponse doit être au plus {}.", max.unwrap_or(x)),
                });
            }
            Ok(Some(AnswerValue::Number(x)))
        }
        QuestionKind::ShortText { max_length } | QuestionKind::LongText { max_length } => {
            let Value::String(text) = value else {
                return Err("Réponse attendue : un texte.".into());
            };
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            if text.chars().count() > *max_length as usize {
                return Err(format!(
                    "Le texte ne doit pas dépasser {max_length} caractères."
                ));
            }
            Ok(Some(AnswerValue::Text(text.to_owned())))
        }
        QuestionKind::Date { min, max } => {
            let Value::String(date) = value else {
                return Err("Réponse attendue : une date (AAAA-MM-JJ).".into());
            };
            let date = date.trim();
            if date.is_empty() {
                return Ok(None);
            }
            if !is_valid_date(date) {
                return Err(format!(
                    "« {date} » n'est pas une date valide (AAAA-MM-JJ)."
                ));
            }
            if let Some(min) = min.as_deref().filter(|m| date < *m) {
                return Err(format!("La date doit être au plus tôt le {min}."));
            }
            if let Some(max) = max.as_deref().filter(|m| date > *m) {
                return Err(format!("La date doit être au plus tard le {max}."));
            }
            Ok(Some(AnswerValue::Date(date.to_owned())))
        }
        QuestionKind::Commune => {
            let Value::String(code) = value else {
                return Err("Réponse attendue : le code INSEE d'une commune.".into());
            };
            let code = code.trim();
            if code.is_empty() {
                return Ok(None);
            }
            let Ok(code) = InseeCode::parse(code) else {
                return Err(format!(
                    "« {code} » n'est pas un code de commune INSEE valide."
                ));
            };
            if is_commune(&code) {
                Ok(Some(AnswerValue::Commune(code)))
            } else {
                Err(format!("La commune {code} n'appartient pas au territoire."))
            }
        }
    }
}

fn unknown_option(value: &str) -> String {
    let mut shown: String = value.chars().take(60).collect();
    if shown.len() < value.len() {
        shown.push('…');
    }
    format!("« {shown} » n'est pas une des options proposées.")
}

fn parse_choices(
    options: &[ChoiceOption],
    allow_other: bool,
    max_choices: Option<u32>,
    value: &Value,
) -> Result<Option<AnswerValue>, String> {
    const SHAPE: &str =
        "Réponse attendue : une liste d'options, ou {\"values\": [...], \"other\": \"…\"}.";
    let (values, other) = match value {
        Value::Array(values) => (values.as_slice(), None),
        Value::Object(map) => {
            if map.keys().any(|k| k != "values" && k != "other") {
                return Err(SHAPE.into());
            }
            let values = match map.get("values") {
                None | Some(Value::Null) => &[][..],
                Some(Value::Array(values)) => values.as_slice(),
                Some(_) => return Err(SHAPE.into()),
            };
            let other = match map.get("other") {
                None | Some(Value::Null) => None,
                Some(Value::String(text)) => Some(text.trim()).filter(|t| !t.is_empty()),
                Some(_) => return Err("Le champ « autre » doit être un texte.".into()),
            };
            (values, other)
        }
        _ => return Err(SHAPE.into()),
    };
    let mut chosen = BTreeSet::new();
    for item in values {
        let Value::String(item) = item else {
            return Err(SHAPE.into());
        };
        if !options.iter().any(|o| o.value == *item) {
            return Err(unknown_option(item));
        }
        if !chosen.insert(item.as_str()) {
            return Err(format!("L'option « {item} » est choisie deux fois."));
        }
    }
    if let Some(max) = max_choices {
        if chosen.len() > max as usize {
            return Err(format!("Au plus {max} choix possibles."));
        }
    }
    if let Some(text) = other {
        if !allow_other {
            return Err("Cette question n'accepte pas de réponse « autre ».".into());
        }
        if text.chars().count() > OTHER_TEXT_MAX {
            return Err(format!(
                "La réponse « autre » ne doit pas dépasser {OTHER_TEXT_MAX} caractères."
            ));
        }
    }
    if chosen.is_empty() && other.is_none() {
        return Ok(None);
    }
    let values = options
        .iter()
        .filter(|o| chosen.contains(o.value.as_str()))
        .map(|o| o.value.clone())
        .collect();
    Ok(Some(AnswerValue::Choices {
        values,
        other: other.map(str::to_owned),
    }))
}
