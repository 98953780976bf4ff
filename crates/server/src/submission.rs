//! Between HTTP and the domain's submission parsers (`solidarites_domain::drafts`): the
//! 422 answer for their field errors, and the names the rest of the server uses for them.
//! The rules (limits, messages, typed drafts) live in the domain crate.

use std::collections::BTreeMap;

pub use solidarites_domain::color::contrast_with_white;
pub use solidarites_domain::drafts::{
    ActorDraft, ActorKind, EventDraft, InitiativeDraft, ParseContext, Placement, ProposalDraft,
    VolunteerDraft, ACTOR_DESCRIPTION_MAX, ACTOR_NAME_MAX, ACTOR_NAME_MIN, DESCRIPTION_MAX,
    EVENT_AGE_MAX, PROPOSAL_THEMES_MAX, PSEUDONYM_MAX, PSEUDONYM_MIN, SHORT_TEXT_MAX, TITLE_MAX,
    TITLE_MIN,
};
use uuid::Uuid;

use crate::error::{ApiError, ErrorCode};

/// The kinds of actors, by their stored name.
pub const ACTOR_KINDS: &[&str] = &ActorKind::NAMES;

/// Field name → French message.
pub type FieldErrors = BTreeMap<String, String>;

/// Who runs a submitted initiative: a published actor (by id) or a new one.
pub type ActorChoice = solidarites_domain::drafts::ActorChoice<Uuid>;

/// The 422 answer for a set of field errors.
pub fn invalid(fields: impl Into<FieldErrors>) -> ApiError {
    ApiError::Validation {
        code: ErrorCode::InvalidFields,
        message: "Certains champs sont invalides : corrigez-les puis renvoyez le formulaire."
            .to_owned(),
        fields: fields.into(),
    }
}

/// A parsed submission and its optional notification address
/// (`notify::parse_notify_email`), or the 422 naming every bad field of both.
pub fn with_notify_email<T>(
    parsed: Result<T, solidarites_domain::FieldErrors>,
    notify: Result<Option<solidarites_domain::contact::Email>, solidarites_domain::FieldErrors>,
) -> Result<(T, Option<solidarites_domain::contact::Email>), ApiError> {
    match (parsed, notify) {
        (Ok(value), Ok(email)) => Ok((value, email)),
        (parsed, notify) => {
            let mut fields = FieldErrors::new();
            if let Err(errors) = parsed {
                fields.extend(BTreeMap::from(errors));
            }
            if let Err(errors) = notify {
                fields.extend(BTreeMap::from(errors));
            }
            Err(invalid(fields))
        }
    }
}

/// A theme colour (see `drafts::parse_theme_color`), its message added to `errors`.
pub fn parse_theme_color(raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    solidarites_domain::drafts::parse_theme_color(raw)
        .map_err(|e| errors.extend(e.0))
        .ok()
}
