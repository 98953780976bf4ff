//! Which questions of a questionnaire are aggregated, and how.

use serde::{Deserialize, Serialize};

use crate::questionnaire::{ChoiceOption, QuestionKind, QuestionnaireDefinition};

/// How an aggregated question is summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResultKind {
    /// Counts per option; the options of a respondent's answer are exclusive.
    SingleChoice,
    /// Counts for `yes` and `no` (the [`SchemaQuestion::options`]).
    YesNo,
    /// Counts per option; a respondent may choose several.
    MultipleChoice {
        /// Whether a free "other" text may be given (its count is reported).
        has_other: bool,
    },
    /// Mean and median of an integer scale.
    Scale {
        /// Smallest value.
        min: i32,
        /// Largest value.
        max: i32,
    },
    /// Mean and median of a number.
    Number {
        /// Unit shown after the value, if any.
        unit: Option<String>,
    },
}

/// One aggregated question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaQuestion {
    /// The question id (key of the answer).
    pub id: String,
    /// The question text, in French.
    pub label: String,
    /// How it is summarised.
    pub kind: ResultKind,
    /// Options in definition order (`yes`/`no` for yes/no questions, labelled
    /// `Oui`/`Non`); empty for scales and numbers.
    pub options: Vec<ChoiceOption>,
}

impl SchemaQuestion {
    /// Whether the question's answers are exclusive options (single choice or
    /// yes/no): the kinds a [`Filter`](super::Filter) can select on, besides
    /// multiple choice.
    #[must_use]
    pub fn is_categorical(&self) -> bool {
        matches!(self.kind, ResultKind::SingleChoice | ResultKind::YesNo)
    }

    /// Position of the option with this value.
    #[must_use]
    pub fn option_index(&self, value: &str) -> Option<usize> {
        self.options.iter().position(|o| o.value == value)
    }
}

/// Position of the question that asks in which themes a respondent meets difficulties:
/// the multiple choice question with the most options that are theme slugs (the first of
/// equals), none when no multiple choice question offers a theme. Needs by theme and the
/// gaps between needs and offer are read from it, whatever its id.
#[must_use]
pub fn themes_question(questions: &[SchemaQuestion], theme_slugs: &[String]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (index, question) in questions.iter().enumerate() {
        if !matches!(question.kind, ResultKind::MultipleChoice { .. }) {
            continue;
        }
        let themes = question
            .options
            .iter()
            .filter(|o| theme_slugs.contains(&o.value))
            .count();
        if themes > 0 && best.is_none_or(|(_, most)| themes > most) {
            best = Some((index, themes));
        }
    }
    best.map(|(index, _)| index)
}

/// The aggregated questions of a questionnaire, in display order.
///
/// Single choice, yes/no, multiple choice, scale and number questions are
/// aggregated; texts and dates are not (they are read in the raw-answers
/// export); a commune question is the row's commune, which the dataset
/// already holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsSchema {
    questions: Vec<SchemaQuestion>,
}

impl ResultsSchema {
    /// The schema of `definition`'s aggregatable questions. A duplicate id
    /// (only in an invalid definition) keeps its first question.
    #[must_use]
    pub fn from_definition(definition: &QuestionnaireDefinition) -> ResultsSchema {
        let mut questions: Vec<SchemaQuestion> = Vec::new();
        for (_, _, question) in definition.questions() {
            if questions.iter().any(|q| q.id == question.id) {
                continue;
            }
            let (kind, options) = match &question.kind {
                QuestionKind::SingleChoice { options } => {
                    (ResultKind::SingleChoice, options.clone())
                }
                QuestionKind::MultipleChoice {
                    options,
                    allow_other,
                    ..
                } => (
                    ResultKind::MultipleChoice {
                        has_other: *allow_other,
                    },
                    options.clone(),
                ),
                QuestionKind::YesNo => (
                    ResultKind::YesNo,
                    vec![
                        ChoiceOption {
                            value: "yes".into(),
                            label: "Oui".into(),
                        },
                        ChoiceOption {
                            value: "no".into(),
                            label: "Non".into(),
                        },
                    ],
                ),
                QuestionKind::Scale { min, max, .. } => (
                    ResultKind::Scale {
                        min: *min,
                        max: *max,
                    },
                    Vec::new(),
                ),
                QuestionKind::Number { unit, .. } => {
                    (ResultKind::Number { unit: unit.clone() }, Vec::new())
                }
                QuestionKind::ShortText { .. }
                | QuestionKind::LongText { .. }
                | QuestionKind::Date { .. }
                | QuestionKind::Commune => continue,
            };
            questions.push(SchemaQuestion {
                id: question.id.clone(),
                label: question.label.clone(),
                kind,
                options,
            });
        }
        ResultsSchema { questions }
    }

    /// The aggregated questions, in display order.
    #[must_use]
    pub fn questions(&self) -> &[SchemaQuestion] {
        &self.questions
    }

    /// The position and description of the question with this id.
    #[must_use]
    pub fn question(&self, id: &str) -> Option<(usize, &SchemaQuestion)> {
        self.questions.iter().enumerate().find(|(_, q)| q.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn multiple(id: &str, values: &[&str]) -> SchemaQuestion {
        SchemaQuestion {
            id: id.to_owned(),
            label: id.to_owned(),
            kind: ResultKind::MultipleChoice { has_other: false },
            options: values
                .iter()
                .map(|v| ChoiceOption {
                    value: (*v).to_owned(),
                    label: (*v).to_owned(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_themes_question_is_the_multiple_choice_with_most_themes_whatever_its_id() {
        let themes: Vec<String> = ["sante", "mobilite", "logement"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let mut single = multiple("seul", &["sante", "mobilite", "logement"]);
        single.kind = ResultKind::SingleChoice;
        let questions = vec![
            single,
            multiple("loisirs", &["sport", "sante"]),
            multiple("difficultes_vecues", &["sante", "logement", "autre"]),
            multiple("encore", &["mobilite", "logement"]),
        ];
        assert_eq!(themes_question(&questions, &themes), Some(2));
        assert_eq!(themes_question(&questions[..2], &themes), Some(1));
        assert_eq!(themes_question(&questions[..1], &themes), None);
        assert_eq!(themes_question(&questions, &[]), None);
    }
}
