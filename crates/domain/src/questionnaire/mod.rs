//! Needs questionnaires: the definition staff write (sections of typed
//! questions, some shown only for some earlier answers), its validation, and
//! the validation of a resident's anonymous submission against it.
//!
//! Everything here is plain data with serde, so the server stores definitions
//! and answers as JSON and the browser (wasm32) renders the same definitions.
//! Error messages are French: they are shown to staff and residents as they
//! are, keyed by question id ([`FieldErrors`]).
//!
//! ```
//! use std::collections::BTreeMap;
//! use solidarites_domain::questionnaire::{landes_template, AnswerValue};
//!
//! let themes = vec![
//!     ("alimentation".to_string(), "Alimentation".to_string()),
//!     ("lien-social".to_string(), "Lien social".to_string()),
//! ];
//! let definition = landes_template(&themes);
//! assert!(definition.validate().is_ok());
//!
//! let raw: BTreeMap<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
//!     "difficultes": true,
//!     "domaines": ["lien-social"],
//!     "gravite_lien_social": 3,
//!     "commune": "40192",
//! })).unwrap();
//! let answers = definition.validate_answers(&raw, &|code| code.as_str() == "40192").unwrap();
//! assert_eq!(answers.0.get("gravite_lien_social"), Some(&AnswerValue::Scale(3)));
//!
//! // Without the trigger answer, the severity question is hidden: answering it is refused.
//! let raw: BTreeMap<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
//!     "difficultes": false,
//!     "gravite_lien_social": 3,
//!     "commune": "40192",
//! })).unwrap();
//! let errors = definition.validate_answers(&raw, &|_| true).unwrap_err();
//! assert!(errors.0.contains_key("gravite_lien_social"));
//! ```

mod answers;
mod definition;
mod landes;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::InseeCode;

pub use landes::landes_template;

/// Longest question id, in characters (ids are `[a-z0-9_]{1,40}`).
pub const MAX_QUESTION_ID_LEN: usize = 40;
/// Longest option value, in characters (values are `[a-z0-9_-]{1,60}`).
pub const MAX_OPTION_VALUE_LEN: usize = 60;
/// Largest `max_length` of a short text question.
pub const SHORT_TEXT_MAX: u32 = 500;
/// Largest `max_length` of a long text question.
pub const LONG_TEXT_MAX: u32 = 10_000;
/// Largest `max - min` of a scale question.
pub const MAX_SCALE_SPAN: i64 = 100;
/// Longest "other" text of a multiple choice question with `allow_other`, in characters.
pub const OTHER_TEXT_MAX: usize = 500;

/// A questionnaire as staff define it: sections of questions.
///
/// Check it with [`validate`](Self::validate) before opening a campaign;
/// [`validate_answers`](Self::validate_answers) never panics on an invalid
/// definition, but its answers are only meaningful on a valid one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionnaireDefinition {
    /// Title shown to residents.
    pub title: String,
    /// Introduction shown to residents.
    pub description: String,
    /// The sections, in display order.
    pub sections: Vec<Section>,
}

/// A group of questions shown together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// `[a-z0-9_]{1,40}`, unique among sections.
    pub id: String,
    /// Section title.
    pub title: String,
    /// Optional text under the title.
    #[serde(default)]
    pub description: Option<String>,
    /// The questions, in display order.
    pub questions: Vec<Question>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// `[a-z0-9_]{1,40}`, unique across the whole definition; the key of the answer.
    pub id: String,
    /// The question text, in French.
    pub label: String,
    /// Optional help text.
    #[serde(default)]
    pub help: Option<String>,
    /// Whether a visible question must be answered (a hidden one never must).
    #[serde(default)]
    pub required: bool,
    /// What kind of answer is expected. JSON: `{"type": "single_choice", "options": [...]}`.
    pub kind: QuestionKind,
    /// Show the question only for some answer to an earlier question.
    #[serde(default)]
    pub show_if: Option<Condition>,
}

/// The kind of answer a question expects, with its constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QuestionKind {
    /// One option among at least two. Answer: `"value"`.
    SingleChoice {
        /// The options, at least two, values unique.
        options: Vec<ChoiceOption>,
    },
    /// Any number of options (at most `max_choices` if set), plus a free
    /// "other" text when `allow_other`. Answer: `{"values": [...], "other": "…"|null}`
    /// or a bare `[...]`. `max_choices` counts the options chosen, not the
    /// "other" text.
    MultipleChoice {
        /// The options, at least two, values unique.
        options: Vec<ChoiceOption>,
        /// Whether a free "other" text may be given.
        #[serde(default)]
        allow_other: bool,
        /// At most this many options, between 1 and the number of options.
        #[serde(default)]
        max_choices: Option<u32>,
    },
    /// Yes or no. Answer: `true` / `false`; conditions use `"yes"` / `"no"`.
    YesNo,
    /// An integer from `min` to `max` (`min < max`, span at most 100). Answer: an integer.
    Scale {
        /// Smallest value.
        min: i32,
        /// Largest value.
        max: i32,
        /// Label of the smallest value.
        #[serde(default)]
        min_label: Option<String>,
        /// Label of the largest value.
        #[serde(default)]
        max_label: Option<String>,
    },
    /// A number, optionally bounded (inclusive) and integer. Answer: a number.
    Number {
        /// Smallest accepted value.
        #[serde(default)]
        min: Option<f64>,
        /// Largest accepted value.
        #[serde(default)]
        max: Option<f64>,
        /// Whether only whole numbers are accepted.
        #[serde(default)]
        integer: bool,
        /// Unit shown after the field ("€", "personnes").
        #[serde(default)]
        unit: Option<String>,
    },
    /// A one-line text of at most `max_length` characters (1 to 500).
    ShortText {
        /// Maximum length in characters (after trimming).
        max_length: u32,
    },
    /// A free text of at most `max_length` characters (1 to 10 000).
    LongText {
        /// Maximum length in characters (after trimming).
        max_length: u32,
    },
    /// A calendar date `YYYY-MM-DD`, optionally bounded (inclusive).
    Date {
        /// Earliest accepted date, `YYYY-MM-DD`.
        #[serde(default)]
        min: Option<String>,
        /// Latest accepted date, `YYYY-MM-DD`.
        #[serde(default)]
        max: Option<String>,
    },
    /// A commune of the territory, by INSEE code. Answer: `"40192"`.
    Commune,
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// `[a-z0-9_-]{1,60}`, unique within the question; what answers and conditions use.
    pub value: String,
    /// What residents read.
    pub label: String,
}

/// Show the question only when the answer to `question` (an EARLIER
/// single_choice, multiple_choice or yes_no question) is / contains any of
/// `any_of` (option values; `"yes"`/`"no"` for yes_no). If `question` is
/// itself hidden, this one is hidden too (chains).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    /// Id of the earlier question.
    pub question: String,
    /// Trigger values; at least one.
    pub any_of: Vec<String>,
}

/// A validated answer value.
///
/// JSON forms accepted in a submission, per kind: single_choice: `"value"`;
/// multiple_choice: `{"values": ["a","b"], "other": "texte"|null}` (also a
/// bare `["a","b"]`); yes_no: `true`/`false`; scale: integer; number: number;
/// short/long text: string (trimmed; empty = no answer); date: `"YYYY-MM-DD"`;
/// commune: `"40192"`. Stored form (serde): `{"type": "choices", "value": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum AnswerValue {
    /// A single_choice option value.
    Choice(String),
    /// multiple_choice option values, in the definition's option order, and the
    /// trimmed "other" text if any.
    Choices {
        /// Chosen option values, each once, in option order.
        values: Vec<String>,
        /// The "other" text (only with `allow_other`), trimmed, never empty.
        other: Option<String>,
    },
    /// A yes_no answer.
    YesNo(bool),
    /// A scale answer.
    Scale(i32),
    /// A number answer (finite).
    Number(f64),
    /// A short or long text, trimmed, never empty.
    Text(String),
    /// A date `YYYY-MM-DD`.
    Date(String),
    /// A commune of the territory.
    Commune(InseeCode),
}

impl AnswerValue {
    /// The value in the submission form [`QuestionnaireDefinition::validate_answers`]
    /// accepts (so a validated answer can be submitted again unchanged).
    #[must_use]
    pub fn to_submission_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            AnswerValue::Choice(value) => Value::String(value.clone()),
            AnswerValue::Choices { values, other } => serde_json::json!({
                "values": values,
                "other": other,
            }),
            AnswerValue::YesNo(yes) => Value::Bool(*yes),
            AnswerValue::Scale(n) => Value::from(*n),
            AnswerValue::Number(x) => Value::from(*x),
            AnswerValue::Text(text) | AnswerValue::Date(text) => Value::String(text.clone()),
            AnswerValue::Commune(code) => Value::String(code.as_str().to_owned()),
        }
    }
}

/// Validated answers: only visible, answered questions, by question id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ValidatedAnswers(pub BTreeMap<String, AnswerValue>);

impl ValidatedAnswers {
    /// The answers in submission form (see [`AnswerValue::to_submission_json`]).
    #[must_use]
    pub fn to_submission(&self) -> BTreeMap<String, serde_json::Value> {
        self.0
            .iter()
            .map(|(id, value)| (id.clone(), value.to_submission_json()))
            .collect()
    }
}

/// What is wrong, by field: the key is a question id (answers) or a
/// definition path such as `sections[0].questions[2].id` (definitions); the
/// value is a French message for the person who can fix it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    /// No error yet.
    #[must_use]
    pub fn new() -> FieldErrors {
        FieldErrors::default()
    }

    /// Records `message` for `key`; a key keeps its first message.
    pub fn add(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.0.entry(key.into()).or_insert_with(|| message.into());
    }

    /// Records `message` for `key`, replacing an earlier message for `key`.
    pub fn set(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.0.insert(key.into(), message.into());
    }

    /// Whether there is no error.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for `key`, if any.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// `Ok(value)` when there is no error, else `Err(self)`.
    ///
    /// # Errors
    /// `self` when it holds at least one error.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("aucune erreur");
        }
        for (i, (key, message)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ; ")?;
            }
            write!(f, "{key} : {message}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

impl From<FieldErrors> for BTreeMap<String, String> {
    fn from(errors: FieldErrors) -> BTreeMap<String, String> {
        errors.0
    }
}

/// Whether `s` is a well-formed question or section id: `[a-z0-9_]{1,40}`.
#[must_use]
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_QUESTION_ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether `s` is a well-formed option value: `[a-z0-9_-]{1,60}`.
#[must_use]
pub fn is_valid_option_value(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_OPTION_VALUE_LEN
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Whether `s` is a real calendar date written `YYYY-MM-DD` (proleptic
/// Gregorian, years 0001 to 9999).
#[must_use]
pub fn is_valid_date(s: &str) -> bool {
    parse_date(s).is_some()
}

/// (year, month, day) of a `YYYY-MM-DD` date, if it is a real date.
fn parse_date(s: &str) -> Option<(u32, u32, u32)> {
    let bytes = s.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (year >= 1 && (1..=days).contains(&day)).then_some((year, month, day))
}

impl QuestionKind {
    /// The values a condition on a question of this kind may use: option
    /// values, `"yes"`/`"no"` for yes_no; `None` for kinds conditions cannot use.
    #[must_use]
    pub fn condition_values(&self) -> Option<Vec<&str>> {
        match self {
            QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleChoice { options, .. } => {
                Some(options.iter().map(|o| o.value.as_str()).collect())
            }
            QuestionKind::YesNo => Some(vec!["yes", "no"]),
            _ => None,
        }
    }
}

impl QuestionnaireDefinition {
    /// All questions in display order, with their section and question index.
    pub fn questions(&self) -> impl Iterator<Item = (usize, usize, &Question)> {
        self.sections.iter().enumerate().flat_map(|(s, section)| {
            section
                .questions
                .iter()
                .enumerate()
                .map(move |(q, question)| (s, q, question))
        })
    }

    /// The question with this id (the first, in an invalid definition with duplicates).
    #[must_use]
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().map(|(_, _, q)| q).find(|q| q.id == id)
    }

    /// Every commune-kind question id (the server takes the respondent's
    /// commune from the first one, if any).
    #[must_use]
    pub fn commune_question_ids(&self) -> Vec<String> {
        self.questions()
            .filter(|(_, _, q)| matches!(q.kind, QuestionKind::Commune))
            .map(|(_, _, q)| q.id.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_values() {
        assert!(is_valid_id("gravite_sante_2"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("Aide"));
        assert!(!is_valid_id("aide-par"));
        assert!(!is_valid_id(&"a".repeat(41)));
        assert!(is_valid_id(&"a".repeat(40)));
        assert!(is_valid_option_value("famille-monoparentale_2"));
        assert!(!is_valid_option_value("é"));
        assert!(!is_valid_option_value(&"a".repeat(61)));
    }

    #[test]
    fn dates() {
        assert!(is_valid_date("2024-02-29"));
        assert!(!is_valid_date("2023-02-29"));
        assert!(!is_valid_date("1900-02-29"));
        assert!(is_valid_date("2000-02-29"));
        assert!(!is_valid_date("2024-13-01"));
        assert!(!is_valid_date("2024-04-31"));
        assert!(!is_valid_date("2024-4-01"));
        assert!(!is_valid_date("0000-01-01"));
        assert!(!is_valid_date("2024-01-0a"));
        assert!(!is_valid_date("+024-01-01"));
        assert!(!is_valid_date("2024-01-01 "));
    }

    #[test]
    fn field_errors_display_every_field() {
        let mut errors = FieldErrors::new();
        errors.add("b", "deux");
        errors.add("a", "un");
        errors.add("a", "ignoré");
        assert_eq!(errors.to_string(), "a : un ; b : deux");
    }

    #[test]
    fn answer_value_json_shape() {
        let value = AnswerValue::Choices {
            values: vec!["a".into()],
            other: None,
        };
        assert_eq!(
            serde_json::to_value(&value).unwrap(),
            serde_json::json!({"type": "choices", "value": {"values": ["a"], "other": null}})
        );
        let value = AnswerValue::Commune(InseeCode::parse("40192").unwrap());
        assert_eq!(
            serde_json::to_value(&value).unwrap(),
            serde_json::json!({"type": "commune", "value": "40192"})
        );
    }
}
