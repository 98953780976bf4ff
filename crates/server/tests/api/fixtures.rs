//! Request bodies shared by several test modules, built from the `solidarites_api_types`
//! structs (a renamed or retyped field breaks the tests' compilation instead of silently
//! sending an unknown one); each test tweaks them with struct update syntax.

use std::collections::BTreeMap;

use serde_json::Value;
use solidarites_api_types::{
    CreateCampaignRequest, CreateLabelRequest, CreateThemeRequest, GrantLabelRequest, LoginRequest,
    ModerationMessageRequest, RespondentCommune, SubmitResponseRequest,
};

/// An open campaign on the questionnaire `questionnaire_id`, from `opens_in_hours` to
/// `closes_in_hours` from now (negative: in the past).
pub fn campaign(
    questionnaire_id: &str,
    opens_in_hours: i64,
    closes_in_hours: i64,
) -> CreateCampaignRequest {
    let now = chrono::Utc::now();
    CreateCampaignRequest {
        title: "Consultation d'automne".to_owned(),
        description: "Dites-nous ce qui vous manque.".to_owned(),
        questionnaire_id: questionnaire_id.to_owned(),
        opens_at: (now + chrono::Duration::hours(opens_in_hours)).to_rfc3339(),
        closes_at: (now + chrono::Duration::hours(closes_in_hours)).to_rfc3339(),
        status: Some("open".to_owned()),
    }
}

/// A staff member's credentials.
pub fn login(email: &str, password: &str) -> LoginRequest {
    LoginRequest {
        email: email.to_owned(),
        password: password.to_owned(),
    }
}

/// Owned copies of `items`.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The answers of a JSON object (question id → answer in its JSON form).
pub fn answers(object: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(object).expect("an object of answers")
}

/// A respondent's commune, by INSEE code.
pub fn commune(code: &str) -> RespondentCommune {
    RespondentCommune {
        code: Some(code.to_owned()),
        ..RespondentCommune::default()
    }
}

/// `answers` (a JSON object) from a respondent of the commune `code`.
pub fn response(answers: Value, code: &str) -> SubmitResponseRequest {
    SubmitResponseRequest {
        answers: self::answers(answers),
        commune: Some(commune(code)),
        channel: None,
    }
}

/// The label `anti-solitude`, with one criterion.
pub fn anti_solitude() -> CreateLabelRequest {
    CreateLabelRequest {
        slug: Some("anti-solitude".to_owned()),
        name: Some("Label anti-solitude".to_owned()),
        criteria: Some("Visites régulières.".to_owned()),
    }
}

/// A grant of a label to the initiative `id` until `expires_on`.
pub fn grant_to_initiative(id: &str, expires_on: &str) -> GrantLabelRequest {
    GrantLabelRequest {
        initiative_id: Some(id.to_owned()),
        expires_on: Some(expires_on.to_owned()),
        ..GrantLabelRequest::default()
    }
}

/// The theme `energie` in `color`.
pub fn energie(color: &str) -> CreateThemeRequest {
    CreateThemeRequest {
        slug: Some("energie".to_owned()),
        label: Some("Énergie".to_owned()),
        color: Some(color.to_owned()),
        icon: Some("bolt".to_owned()),
    }
}

/// A moderator's message (a rejection's reason, the changes asked for).
pub fn message(text: &str) -> ModerationMessageRequest {
    ModerationMessageRequest {
        message: Some(text.to_owned()),
    }
}
