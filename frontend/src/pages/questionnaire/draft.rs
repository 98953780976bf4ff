//! Answers in progress, kept in `localStorage` so that they survive a reload (and are
//! cleared once sent). Nothing leaves the device until the respondent sends the answers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where the step of the questionnaire is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", content = "index", rename_all = "snake_case")]
pub enum Step {
    /// The section at this index of the definition.
    Section(usize),
    Review,
    /// After sending: the optional volunteer form.
    Volunteer,
    /// The thank-you page; `true` when the volunteer form was sent too.
    Done(bool),
    /// Sent without a connection: the answers are kept on the device, to send later.
    Queued,
}

/// What is kept of an unfinished questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The questionnaire version the answers belong to: a draft of another version is
    /// dropped.
    pub version_id: String,
    /// Question id → answer, in the submission form of the API.
    pub answers: BTreeMap<String, Value>,
    /// Question id → text shown in the field (the commune typed or chosen).
    #[serde(default)]
    pub texts: BTreeMap<String, String>,
    pub step: Step,
}

/// The `localStorage` key of a campaign's draft.
pub fn key(campaign_id: &str) -> String {
    format!("solidarites.questionnaire.{campaign_id}")
}

/// The stored draft, if it belongs to `version_id` and is still in progress.
pub fn parse(stored: &str, version_id: &str) -> Option<Draft> {
    let draft: Draft = serde_json::from_str(stored).ok()?;
    let in_progress = matches!(draft.step, Step::Section(_) | Step::Review);
    (draft.version_id == version_id && in_progress).then_some(draft)
}

pub fn load(campaign_id: &str, version_id: &str) -> Option<Draft> {
    parse(&crate::browser::storage_get(&key(campaign_id))?, version_id)
}

pub fn save(campaign_id: &str, draft: &Draft) {
    if let Ok(json) = serde_json::to_string(draft) {
        crate::browser::storage_set(&key(campaign_id), &json);
    }
}

pub fn clear(campaign_id: &str) {
    crate::browser::storage_remove(&key(campaign_id));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(step: Step) -> Draft {
        Draft {
            version_id: "v1".into(),
            answers: BTreeMap::from([("difficultes".to_owned(), Value::Bool(true))]),
            texts: BTreeMap::from([("commune".to_owned(), "Val-Fictif (00100)".to_owned())]),
            step,
        }
    }

    #[test]
    fn a_draft_comes_back_as_it_was_saved() {
        let saved = draft(Step::Section(1));
        let json = serde_json::to_string(&saved).unwrap();
        assert_eq!(parse(&json, "v1"), Some(saved));
        let review = serde_json::to_string(&draft(Step::Review)).unwrap();
        assert_eq!(parse(&review, "v1").map(|d| d.step), Some(Step::Review));
    }

    #[test]
    fn drafts_of_another_version_finished_or_unreadable_are_dropped() {
        let json = serde_json::to_string(&draft(Step::Section(0))).unwrap();
        assert_eq!(parse(&json, "v2"), None);
        let done = serde_json::to_string(&draft(Step::Done(false))).unwrap();
        assert_eq!(parse(&done, "v1"), None);
        assert_eq!(parse("{not json", "v1"), None);
        assert_eq!(key("c1"), "solidarites.questionnaire.c1");
    }
}
