//! Volunteers' sign-ups, left after answering the questionnaire (a separate request:
//! nothing ties the two).

use solidarites_api_types::CreateVolunteerRequest;

use super::{
    ParseContext, AVAILABILITY_MAX, CONSENT_TEXT_MAX, VOLUNTEER_NAME_MAX, VOLUNTEER_THEMES_MAX,
};
use crate::{
    contact::{Email, FrenchPhone},
    FieldErrors, InseeCode,
};

/// A parsed sign-up: consent given, reachable by e-mail or phone, in a commune of the
/// territory. Only [`parse_volunteer`] builds one.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolunteerDraft {
    pub name: String,
    pub email: Option<Email>,
    pub phone: Option<FrenchPhone>,
    pub commune_code: InseeCode,
    pub availability: String,
    /// Theme slugs without duplicates.
    pub themes: Vec<String>,
    /// The text of the consent given, as shown.
    pub consent_text: String,
}

fn blank(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Parses a volunteer's sign-up.
///
/// # Errors
/// Every bad field, keyed by its name in the request.
pub fn parse_volunteer(
    body: &CreateVolunteerRequest,
    ctx: &ParseContext<'_>,
) -> Result<VolunteerDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    if !body.consent {
        errors.set(
            "consent",
            "Votre accord est nécessaire pour que nous conservions vos coordonnées.",
        );
    }
    let name = body.name.trim().to_owned();
    if name.is_empty() {
        errors.set("name", "Indiquez votre nom.");
    } else if name.chars().count() > VOLUNTEER_NAME_MAX {
        errors.set("name", "Le nom est trop long (120 caractères au plus).");
    }
    let email = blank(body.email.as_ref()).and_then(|e| match Email::parse(e) {
        Ok(e) => Some(e),
        Err(_) => {
            errors.set("email", "Cette adresse électronique n'est pas valide.");
            None
        }
    });
    let phone = blank(body.phone.as_ref()).and_then(|p| match FrenchPhone::parse(p) {
        Ok(p) => Some(p),
        Err(_) => {
            errors.set("phone", "Ce numéro de téléphone n'est pas valide.");
            None
        }
    });
    if blank(body.email.as_ref()).is_none() && blank(body.phone.as_ref()).is_none() {
        errors.set(
            "email",
            "Indiquez une adresse électronique ou un numéro de téléphone.",
        );
    }
    let commune = InseeCode::parse(body.commune.trim())
        .ok()
        .filter(|c| ctx.communes.get(c).is_some());
    if commune.is_none() {
        errors.set("commune", "Choisissez une commune du territoire.");
    }
    let availability = body.availability.trim().to_owned();
    if availability.chars().count() > AVAILABILITY_MAX {
        errors.set(
            "availability",
            "Les disponibilités sont trop longues (1 000 caractères au plus).",
        );
    }
    let mut themes: Vec<String> = Vec::new();
    for t in &body.themes {
        let t = t.trim();
        if !ctx.allowed_themes.contains(t) {
            errors.set("themes", "Un des thèmes choisis n'existe pas.");
        } else if !themes.iter().any(|x| x == t) {
            themes.push(t.to_owned());
        }
    }
    if themes.len() > VOLUNTEER_THEMES_MAX {
        errors.set("themes", "Trop de thèmes choisis.");
    }
    let consent_text = body.consent_text.trim().to_owned();
    if body.consent && consent_text.is_empty() {
        errors.set("consent_text", "Le texte de l'accord donné est manquant.");
    } else if consent_text.chars().count() > CONSENT_TEXT_MAX {
        errors.set("consent_text", "Le texte de l'accord est trop long.");
    }
    match commune {
        Some(commune_code) => errors.into_result(VolunteerDraft {
            name,
            email,
            phone,
            commune_code,
            availability,
            themes,
            consent_text,
        }),
        None => Err(errors),
    }
}
