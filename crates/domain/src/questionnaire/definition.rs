//! Validation of a questionnaire definition.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    is_valid_date, is_valid_id, is_valid_option_value, ChoiceOption, FieldErrors, Question,
    QuestionKind, QuestionnaireDefinition, LONG_TEXT_MAX, MAX_SCALE_SPAN, SHORT_TEXT_MAX,
};

impl QuestionnaireDefinition {
    /// Checks the definition itself: non-empty title and sections, section
    /// titles, question labels, ids well-formed and unique (sections and
    /// questions), choice questions with at least 2 options with unique
    /// values, scale `min < max` and span at most 100, number bounds finite
    /// and `min <= max`, text `max_length` within bounds, dates well-formed,
    /// conditions on EARLIER questions of a choice/yes_no kind and on
    /// existing values.
    ///
    /// # Errors
    /// Every problem found, keyed by its path, e.g.
    /// `sections[0].questions[2].show_if.question`.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.title.trim().is_empty() {
            errors.add("title", "Le titre est obligatoire.");
        }
        if self.sections.is_empty() {
            errors.add(
                "sections",
                "Le questionnaire doit avoir au moins une section.",
            );
        }

        let mut section_ids = BTreeSet::new();
        for (s, section) in self.sections.iter().enumerate() {
            let path = format!("sections[{s}]");
            if !is_valid_id(&section.id) {
                errors.add(format!("{path}.id"), id_message(&section.id));
            } else if !section_ids.insert(section.id.as_str()) {
                errors.add(
                    format!("{path}.id"),
                    format!(
                        "L'identifiant de section « {} » est déjà utilisé.",
                        section.id
                    ),
                );
            }
            if section.title.trim().is_empty() {
                errors.add(
                    format!("{path}.title"),
                    "Le titre de la section est obligatoire.",
                );
            }
            if section.questions.is_empty() {
                errors.add(
                    format!("{path}.questions"),
                    "La section doit contenir au moins une question.",
                );
            }
        }

        // Position of each question id in display order (first occurrence).
        let mut positions: BTreeMap<&str, (usize, &Question)> = BTreeMap::new();
        for (position, (s, q, question)) in self.questions().enumerate() {
            let path = format!("sections[{s}].questions[{q}]");
            if !is_valid_id(&question.id) {
                errors.add(format!("{path}.id"), id_message(&question.id));
            } else if positions.contains_key(question.id.as_str()) {
                errors.add(
                    format!("{path}.id"),
                    format!(
                        "L'identifiant de question « {} » est déjà utilisé.",
                        question.id
                    ),
                );
            } else {
                positions.insert(question.id.as_str(), (position, question));
            }
            if question.label.trim().is_empty() {
                errors.add(
                    format!("{path}.label"),
                    "Le libellé de la question est obligatoire.",
                );
            }
            check_kind(&question.kind, &format!("{path}.kind"), &mut errors);
        }

        for (position, (s, q, question)) in self.questions().enumerate() {
            if let Some(condition) = &question.show_if {
                let path = format!("sections[{s}].questions[{q}].show_if");
                match positions.get(condition.question.as_str()) {
                    None => errors.add(
                        format!("{path}.question"),
                        format!("La question « {} » n'existe pas.", condition.question),
                    ),
                    Some(&(target, _)) if target >= position => {
                        let message = if self.condition_cycle(&question.id) {
                            format!(
                                "La condition porte sur la question « {} », qui n'est pas avant celle-ci : les conditions forment un cycle.",
                                condition.question
                            )
                        } else {
                            format!(
                                "La condition doit porter sur une question placée avant celle-ci ; « {} » ne l'est pas.",
                                condition.question
                            )
                        };
                        errors.add(format!("{path}.question"), message);
                    }
                    Some(&(_, target)) => match target.kind.condition_values() {
                        None => errors.add(
                            format!("{path}.question"),
                            format!(
                                "La condition doit porter sur une question à choix ou oui/non ; « {} » n'en est pas une.",
                                condition.question
                            ),
                        ),
                        Some(values) => {
                            if condition.any_of.is_empty() {
                                errors.add(
                                    format!("{path}.any_of"),
                                    "La condition doit citer au moins une réponse.",
                                );
                            }
                            for (k, value) in condition.any_of.iter().enumerate() {
                                if !values.contains(&value.as_str()) {
                                    errors.add(
                                        format!("{path}.any_of[{k}]"),
                                        format!(
                                            "« {value} » n'est pas une réponse possible à la question « {} ».",
                                            condition.question
                                        ),
                                    );
                                }
                            }
                        }
                    },
                }
            }
        }
        errors.into_result(())
    }

    /// Whether following `show_if` links from `id` comes back to `id`.
    fn condition_cycle(&self, id: &str) -> bool {
        let mut current = id;
        // A chain longer than the number of questions must loop.
        for _ in 0..=self.questions().count() {
            let Some(next) = self
                .question(current)
                .and_then(|q| q.show_if.as_ref())
                .map(|c| c.question.as_str())
            else {
                return false;
            };
            if next == id {
                return true;
            }
            current = next;
        }
        false
    }
}

fn id_message(id: &str) -> String {
    format!(
        "L'identifiant « {id} » doit faire de 1 à 40 caractères parmi a-z, 0-9 et _ (pas de majuscule ni d'accent)."
    )
}

fn check_options(options: &[ChoiceOption], path: &str, errors: &mut FieldErrors) {
    if options.len() < 2 {
        errors.add(
            format!("{path}.options"),
            "Une question à choix doit proposer au moins deux options.",
        );
    }
    let mut seen = BTreeSet::new();
    for (k, option) in options.iter().enumerate() {
        if !is_valid_option_value(&option.value) {
            errors.add(
                format!("{path}.options[{k}].value"),
                format!(
                    "La valeur « {} » doit faire de 1 à 60 caractères parmi a-z, 0-9, _ et -.",
                    option.value
                ),
            );
        } else if !seen.insert(option.value.as_str()) {
            errors.add(
                format!("{path}.options[{k}].value"),
                format!(
                    "La valeur « {} » est déjà utilisée dans cette question.",
                    option.value
                ),
            );
        }
        if option.label.trim().is_empty() {
            errors.add(
                format!("{path}.options[{k}].label"),
                "Le libellé de l'option est obligatoire.",
            );
        }
    }
}

fn check_kind(kind: &QuestionKind, path: &str, errors: &mut FieldErrors) {
    match kind {
        QuestionKind::SingleChoice { options } => check_options(options, path, errors),
        QuestionKind::MultipleChoice {
            options,
            max_choices,
            ..
        } => {
            check_options(options, path, errors);
            if let Some(max) = *max_choices {
                if max == 0 || max as usize > options.len() {
                    errors.add(
                        format!("{path}.max_choices"),
                        format!(
                            "Le nombre maximal de choix doit être compris entre 1 et le nombre d'options ({}).",
                            options.len()
                        ),
                    );
                }
            }
        }
        QuestionKind::YesNo | QuestionKind::Commune => {}
        QuestionKind::Scale { min, max, .. } => {
            if min >= max {
                errors.add(
                    format!("{path}.max"),
                    "Le maximum de l'échelle doit être supérieur au minimum.",
                );
            } else if i64::from(*max) - i64::from(*min) > MAX_SCALE_SPAN {
                errors.add(
                    format!("{path}.max"),
                    format!(
                        "L'échelle ne peut pas compter plus de {} crans.",
                        MAX_SCALE_SPAN + 1
                    ),
                );
            }
        }
        QuestionKind::Number { min, max, .. } => {
            let mut finite = true;
            for (name, bound) in [("min", min), ("max", max)] {
                if bound.is_some_and(|x| !x.is_finite()) {
                    finite = false;
                    errors.add(
                        format!("{path}.{name}"),
                        "La borne doit être un nombre fini.",
                    );
                }
            }
            if let (true, Some(min), Some(max)) = (finite, min, max) {
                if min > max {
                    errors.add(
                        format!("{path}.max"),
                        "Le maximum doit être supérieur ou égal au minimum.",
                    );
                }
            }
        }
        QuestionKind::ShortText { max_length } => {
            check_length(*max_length, SHORT_TEXT_MAX, path, errors)
        }
        QuestionKind::LongText { max_length } => {
            check_length(*max_length, LONG_TEXT_MAX, path, errors)
        }
        QuestionKind::Date { min, max } => {
            let mut well_formed = true;
            for (name, bound) in [("min", min), ("max", max)] {
                if let Some(date) = bound {
                    if !is_valid_date(date) {
                        well_formed = false;
                        errors.add(
                            format!("{path}.{name}"),
                            format!("« {date} » n'est pas une date valide (AAAA-MM-JJ)."),
                        );
                    }
                }
            }
            if let (true, Some(min), Some(max)) = (well_formed, min, max) {
                if min > max {
                    errors.add(
                        format!("{path}.max"),
                        "La date maximale doit suivre la date minimale.",
                    );
                }
            }
        }
    }
}

fn check_length(max_length: u32, limit: u32, path: &str, errors: &mut FieldErrors) {
    if max_length == 0 || max_length > limit {
        errors.add(
            format!("{path}.max_length"),
            format!("La longueur maximale doit être comprise entre 1 et {limit} caractères."),
        );
    }
}
