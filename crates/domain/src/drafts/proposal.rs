//! Proposals of residents.

use solidarites_api_types::CreateProposalRequest;

use super::{
    text::{
        has_bad_controls, optional_commune, optional_text, parse_themes, title_and_description,
    },
    ParseContext, PROPOSAL_THEMES_MAX, PSEUDONYM_MAX, PSEUDONYM_MIN,
};
use crate::{FieldErrors, InseeCode};

/// A parsed proposal; only [`parse_proposal`] builds one (the demo data and tests go
/// through it too).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDraft {
    pub title: String,
    pub description: String,
    /// Theme slugs without duplicates, the first being the main one.
    pub themes: Vec<String>,
    /// A commune of the territory; `None` for the whole territory.
    pub commune_code: Option<InseeCode>,
    pub pseudonym: Option<String>,
}

/// Parses a proposal.
///
/// # Errors
/// Every bad field, keyed by its name in the request.
pub fn parse_proposal(
    req: &CreateProposalRequest,
    ctx: &ParseContext<'_>,
) -> Result<ProposalDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let (title, description) = title_and_description(
        req.title.as_deref(),
        req.description.as_deref(),
        &mut errors,
    );
    let themes = parse_themes(&req.themes, ctx.allowed_themes, &mut errors);
    if themes
        .as_ref()
        .is_some_and(|t| t.len() > PROPOSAL_THEMES_MAX)
    {
        errors.set("themes", format!("{PROPOSAL_THEMES_MAX} thèmes au plus."));
    }
    let commune_code = optional_commune(
        req.commune_code.as_deref(),
        ctx.communes,
        "commune_code",
        &mut errors,
    );
    let pseudonym = match optional_text(
        req.pseudonym.as_deref(),
        "pseudonym",
        PSEUDONYM_MAX,
        &mut errors,
    ) {
        Some(Some(p)) if p.chars().count() < PSEUDONYM_MIN => {
            errors.set(
                "pseudonym",
                format!("Au moins {PSEUDONYM_MIN} caractères, ou rien pour rester anonyme."),
            );
            None
        }
        Some(Some(p)) if has_bad_controls(&p, true) => {
            errors.set("pseudonym", "Ce texte contient des caractères de contrôle.");
            None
        }
        other => other,
    };
    match (title, description, themes, commune_code, pseudonym) {
        (Some(title), Some(description), Some(themes), Some(commune_code), Some(pseudonym)) => {
            errors.into_result(ProposalDraft {
                title,
                description,
                themes,
                commune_code,
                pseudonym,
            })
        }
        _ => Err(errors),
    }
}
