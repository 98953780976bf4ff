//! Parsing submitted initiatives and actors into values the storage accepts ("parse, don't
//! validate"): every bad field is named with a French message, all at once.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use geo::InteriorPoint;
use serde::{Deserialize, Serialize};
use solidarites_api_types::{InitiativeContentRequest, NewActorRequest};
use solidarites_domain::{
    contact::{ContactError, Email, FrenchPhone, WebUrl},
    CommuneIndex, InseeCode, LonLat,
};
use uuid::Uuid;

use crate::error::{ApiError, ErrorCode};

pub const TITLE_MIN: usize = 3;
pub const TITLE_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 5000;
pub const SHORT_TEXT_MAX: usize = 500;
pub const ACTOR_NAME_MIN: usize = 2;
pub const ACTOR_NAME_MAX: usize = 200;
pub const ACTOR_DESCRIPTION_MAX: usize = 5000;

/// The kinds of actors.
pub const ACTOR_KINDS: &[&str] = &[
    "association",
    "ccas",
    "commune",
    "collectif",
    "entreprise",
    "particulier",
    "autre",
];

/// Field name → French message.
pub type FieldErrors = BTreeMap<String, String>;

/// Where an initiative happens, with its commune always known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// Position shown on the map: the point, or the commune's interior point.
    pub lon: f64,
    pub lat: f64,
    /// Whether `lon`/`lat` is the submitted point (else the commune's interior point).
    pub has_point: bool,
    pub commune_code: String,
}

/// The validated content of an initiative. Outside this crate only [`parse_content`]
/// builds one; storage reads it back from its own JSON.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitiativeDraft {
    pub title: String,
    pub description: String,
    /// Theme slugs without duplicates, the first being the main one.
    pub themes: Vec<String>,
    pub placement: Placement,
    pub address: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub schedule: Option<String>,
    pub audience: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_url: Option<String>,
}

/// A validated new actor; outside this crate only [`parse_actor_choice`] builds one.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct ActorDraft {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub commune_code: Option<String>,
}

/// Who runs a submitted initiative.
#[derive(Debug, Clone, PartialEq)]
pub enum ActorChoice {
    /// A published actor.
    Existing(Uuid),
    /// A new actor, stored pending with the initiative.
    New(ActorDraft),
}

/// What the parser needs to know of the world.
#[derive(Debug)]
pub struct ParseContext<'a> {
    pub communes: &'a CommuneIndex,
    /// Themes the submission may use: the active ones (plus, for an edit, those it had).
    pub allowed_themes: &'a HashSet<String>,
}

/// The 422 answer for a set of field errors.
pub fn invalid(fields: FieldErrors) -> ApiError {
    ApiError::Validation {
        code: ErrorCode::InvalidFields,
        message: "Certains champs sont invalides : corrigez-les puis renvoyez le formulaire."
            .to_owned(),
        fields,
    }
}

/// Parses the content of an initiative, adding every problem to `errors`.
pub fn parse_content(
    req: &InitiativeContentRequest,
    ctx: &ParseContext<'_>,
    errors: &mut FieldErrors,
) -> Option<InitiativeDraft> {
    let title = required_text(
        req.title.as_deref(),
        "title",
        TITLE_MIN,
        TITLE_MAX,
        errors,
        true,
    );
    let description = required_text(
        req.description.as_deref(),
        "description",
        1,
        DESCRIPTION_MAX,
        errors,
        false,
    );
    let themes = parse_themes(&req.themes, ctx.allowed_themes, errors);
    let placement = parse_location(req.location.as_ref(), ctx.communes, errors);
    let address = optional_text(req.address.as_deref(), "address", SHORT_TEXT_MAX, errors);
    let schedule = optional_text(req.schedule.as_deref(), "schedule", SHORT_TEXT_MAX, errors);
    let audience = optional_text(req.audience.as_deref(), "audience", SHORT_TEXT_MAX, errors);
    let start_date = parse_date(req.start_date.as_deref(), "start_date", errors);
    let end_date = parse_date(req.end_date.as_deref(), "end_date", errors);
    if let (Some(Some(start)), Some(Some(end))) = (start_date, end_date) {
        if end < start {
            errors.insert(
                "end_date".to_owned(),
                "La date de fin doit être postérieure ou égale à la date de début.".to_owned(),
            );
        }
    }
    let contact_email = parse_email(req.contact.email.as_deref(), "contact.email", errors);
    let contact_phone = parse_phone(req.contact.phone.as_deref(), "contact.phone", errors);
    let contact_url = parse_url(req.contact.url.as_deref(), "contact.url", errors);

    Some(InitiativeDraft {
        title: title?,
        description: description?,
        themes: themes?,
        placement: placement?,
        address: address?,
        start_date: start_date?,
        end_date: end_date?,
        schedule: schedule?,
        audience: audience?,
        contact_email: contact_email?,
        contact_phone: contact_phone?,
        contact_url: contact_url?,
    })
}

/// Parses who runs a submitted initiative. `existing_actor_published` says whether the
/// given `actor_id` names a published actor (looked up by the caller).
pub fn parse_actor_choice(
    actor_id: Option<&str>,
    new_actor: Option<&NewActorRequest>,
    existing_actor_published: impl FnOnce(Uuid) -> bool,
    communes: &CommuneIndex,
    errors: &mut FieldErrors,
) -> Option<ActorChoice> {
    match (actor_id.map(str::trim).filter(|s| !s.is_empty()), new_actor) {
        (Some(_), Some(_)) => {
            errors.insert(
                "actor_id".to_owned(),
                "Choisissez un acteur existant ou décrivez-en un nouveau, pas les deux.".to_owned(),
            );
            None
        }
        (None, None) => {
            errors.insert(
                "actor_id".to_owned(),
                "Indiquez l'acteur qui mène l'initiative.".to_owned(),
            );
            None
        }
        (Some(id), None) => match Uuid::parse_str(id) {
            Ok(id) if existing_actor_published(id) => Some(ActorChoice::Existing(id)),
            _ => {
                errors.insert(
                    "actor_id".to_owned(),
                    "Cet acteur n'existe pas ou n'est pas encore publié.".to_owned(),
                );
                None
            }
        },
        (None, Some(new)) => parse_new_actor(new, communes, errors).map(ActorChoice::New),
    }
}

fn parse_new_actor(
    req: &NewActorRequest,
    communes: &CommuneIndex,
    errors: &mut FieldErrors,
) -> Option<ActorDraft> {
    let name = required_text(
        req.name.as_deref(),
        "new_actor.name",
        ACTOR_NAME_MIN,
        ACTOR_NAME_MAX,
        errors,
        true,
    );
    let kind = match req.kind.as_deref().map(str::trim) {
        Some(k) if ACTOR_KINDS.contains(&k) => Some(k.to_owned()),
        _ => {
            errors.insert(
                "new_actor.kind".to_owned(),
                format!(
                    "Le type d'acteur doit être l'un de : {}.",
                    ACTOR_KINDS.join(", ")
                ),
            );
            None
        }
    };
    let description = optional_text(
        req.description.as_deref(),
        "new_actor.description",
        ACTOR_DESCRIPTION_MAX,
        errors,
    );
    let website = parse_url(req.website.as_deref(), "new_actor.website", errors);
    let contact_email = parse_email(
        req.contact_email.as_deref(),
        "new_actor.contact_email",
        errors,
    );
    let contact_phone = parse_phone(
        req.contact_phone.as_deref(),
        "new_actor.contact_phone",
        errors,
    );
    let commune_code = match req
        .commune_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => Some(None),
        Some(code) => parse_commune(code, communes, "new_actor.commune_code", errors).map(Some),
    };
    Some(ActorDraft {
        name: name?,
        kind: kind?,
        description: description?.unwrap_or_default(),
        website: website?,
        contact_email: contact_email?,
        contact_phone: contact_phone?,
        commune_code: commune_code?,
    })
}

pub(crate) fn required_text(
    raw: Option<&str>,
    field: &str,
    min: usize,
    max: usize,
    errors: &mut FieldErrors,
    single_line: bool,
) -> Option<String> {
    let text = raw.map(str::trim).unwrap_or_default();
    let len = text.chars().count();
    let message = if len == 0 {
        "Ce champ est obligatoire.".to_owned()
    } else if len < min {
        format!("Au moins {min} caractères.")
    } else if len > max {
        format!("Au plus {max} caractères ({len} reçus).")
    } else if has_bad_controls(text, single_line) {
        "Ce texte contient des caractères de contrôle.".to_owned()
    } else {
        return Some(text.to_owned());
    };
    errors.insert(field.to_owned(), message);
    None
}

/// `Some(None)` when absent or blank, `None` when invalid.
pub(crate) fn optional_text(
    raw: Option<&str>,
    field: &str,
    max: usize,
    errors: &mut FieldErrors,
) -> Option<Option<String>> {
    let text = raw.map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Some(None);
    }
    let len = text.chars().count();
    if len > max {
        errors.insert(
            field.to_owned(),
            format!("Au plus {max} caractères ({len} reçus)."),
        );
        return None;
    }
    if has_bad_controls(text, false) {
        errors.insert(
            field.to_owned(),
            "Ce texte contient des caractères de contrôle.".to_owned(),
        );
        return None;
    }
    Some(Some(text.to_owned()))
}

fn has_bad_controls(text: &str, single_line: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && (single_line || !matches!(c, '\n' | '\r' | '\t')))
}

pub(crate) fn parse_themes(
    raw: &[String],
    allowed: &HashSet<String>,
    errors: &mut FieldErrors,
) -> Option<Vec<String>> {
    let mut themes: Vec<String> = Vec::new();
    for slug in raw.iter().map(|s| s.trim()) {
        if !allowed.contains(slug) {
            errors.insert(
                "themes".to_owned(),
                format!(
                    "Thème inconnu ou retiré : « {} ».",
                    slug.chars().take(64).collect::<String>()
                ),
            );
            return None;
        }
        if !themes.iter().any(|t| t == slug) {
            themes.push(slug.to_owned());
        }
    }
    if themes.is_empty() {
        errors.insert(
            "themes".to_owned(),
            "Choisissez au moins un thème.".to_owned(),
        );
        return None;
    }
    Some(themes)
}

fn parse_location(
    raw: Option<&solidarites_api_types::LocationRequest>,
    communes: &CommuneIndex,
    errors: &mut FieldErrors,
) -> Option<Placement> {
    let fail = |errors: &mut FieldErrors, message: &str| {
        errors.insert("location".to_owned(), message.to_owned());
        None
    };
    let Some(loc) = raw else {
        return fail(errors, "Indiquez un point sur la carte ou une commune.");
    };
    match (loc.lon, loc.lat, loc.commune_code.as_deref().map(str::trim)) {
        (Some(lon), Some(lat), None | Some("")) => {
            let Ok(point) = LonLat::new(lon, lat) else {
                return fail(
                    errors,
                    "Les coordonnées du point sont invalides (degrés WGS 84).",
                );
            };
            match communes.locate(point) {
                Some(commune) => Some(Placement {
                    lon: point.lon(),
                    lat: point.lat(),
                    has_point: true,
                    commune_code: commune.code.as_str().to_owned(),
                }),
                None => fail(
                    errors,
                    "Ce point est en dehors du territoire couvert par la plateforme.",
                ),
            }
        }
        (None, None, Some(code)) if !code.is_empty() => {
            let code = parse_commune(code, communes, "location", errors)?;
            let commune = InseeCode::parse(&code)
                .ok()
                .and_then(|c| communes.get(&c))?;
            let p = commune.geometry.interior_point()?;
            Some(Placement {
                lon: p.x(),
                lat: p.y(),
                has_point: false,
                commune_code: code,
            })
        }
        (None, None, _) => fail(errors, "Indiquez un point sur la carte ou une commune."),
        _ => fail(
            errors,
            "Indiquez soit un point (longitude et latitude), soit une commune, pas les deux.",
        ),
    }
}

pub(crate) fn parse_commune(
    raw: &str,
    communes: &CommuneIndex,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<String> {
    match InseeCode::parse(raw) {
        Ok(code) if communes.get(&code).is_some() => Some(code.as_str().to_owned()),
        Ok(_) => {
            errors.insert(
                field.to_owned(),
                "Cette commune n'est pas sur le territoire.".to_owned(),
            );
            None
        }
        Err(_) => {
            errors.insert(
                field.to_owned(),
                "Code INSEE de commune invalide (5 caractères, ex. 40192).".to_owned(),
            );
            None
        }
    }
}

fn parse_date(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<Option<NaiveDate>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(Some(d)),
            Err(_) => {
                errors.insert(
                    field.to_owned(),
                    "Date invalide (format AAAA-MM-JJ).".to_owned(),
                );
                None
            }
        },
    }
}

fn contact_message(err: ContactError, what: &str) -> String {
    match err {
        ContactError::TooLong => format!("{what} : trop long."),
        _ => format!("{what} invalide."),
    }
}

fn parse_email(raw: Option<&str>, field: &str, errors: &mut FieldErrors) -> Option<Option<String>> {
    parse_optional(
        raw,
        field,
        errors,
        |s| Email::parse(s).map(|e| e.as_str().to_owned()),
        "Adresse e-mail",
    )
}

fn parse_phone(raw: Option<&str>, field: &str, errors: &mut FieldErrors) -> Option<Option<String>> {
    parse_optional(
        raw,
        field,
        errors,
        |s| FrenchPhone::parse(s).map(|p| p.as_str().to_owned()),
        "Numéro de téléphone (format français, ex. 05 58 00 00 00 ou +33 5 58 00 00 00)",
    )
}

fn parse_url(raw: Option<&str>, field: &str, errors: &mut FieldErrors) -> Option<Option<String>> {
    parse_optional(
        raw,
        field,
        errors,
        |s| WebUrl::parse(s).map(|u| u.as_str().to_owned()),
        "Adresse web (http:// ou https://)",
    )
}

fn parse_optional(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
    parse: impl FnOnce(&str) -> Result<String, ContactError>,
    what: &str,
) -> Option<Option<String>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(s) => match parse(s) {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                errors.insert(field.to_owned(), contact_message(e, what));
                None
            }
        },
    }
}

pub use solidarites_domain::color::contrast_with_white;

/// A theme colour: `#rrggbb` readable under white text (WCAG AA, 4.5:1).
pub fn parse_theme_color(raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    let color = raw.map(str::trim).unwrap_or_default().to_ascii_uppercase();
    match contrast_with_white(&color) {
        Some(ratio) if ratio >= 4.5 => Some(color),
        Some(_) => {
            errors.insert(
                "color".to_owned(),
                "Couleur trop claire : le texte blanc doit rester lisible (contraste 4,5:1)."
                    .to_owned(),
            );
            None
        }
        None => {
            errors.insert(
                "color".to_owned(),
                "Couleur attendue au format #RRGGBB.".to_owned(),
            );
            None
        }
    }
}

// ---------------------------------------------------------------------------------------
// Proposals

/// Most themes a proposal may carry.
pub const PROPOSAL_THEMES_MAX: usize = 5;
pub const PSEUDONYM_MIN: usize = 2;
pub const PSEUDONYM_MAX: usize = 60;

/// A validated proposal; outside this crate only [`parse_proposal`] builds one (the demo
/// data and tests go through it too).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDraft {
    pub title: String,
    pub description: String,
    /// Theme slugs without duplicates, the first being the main one.
    pub themes: Vec<String>,
    /// INSEE code of a commune of the territory; `None` for the whole territory.
    pub commune_code: Option<String>,
    pub pseudonym: Option<String>,
}

/// Parses a proposal, naming every bad field.
pub fn parse_proposal(
    req: &solidarites_api_types::CreateProposalRequest,
    ctx: &ParseContext<'_>,
) -> Result<ProposalDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = required_text(
        req.title.as_deref(),
        "title",
        TITLE_MIN,
        TITLE_MAX,
        &mut errors,
        true,
    );
    let description = required_text(
        req.description.as_deref(),
        "description",
        1,
        DESCRIPTION_MAX,
        &mut errors,
        false,
    );
    let themes = parse_themes(&req.themes, ctx.allowed_themes, &mut errors);
    if themes
        .as_ref()
        .is_some_and(|t| t.len() > PROPOSAL_THEMES_MAX)
    {
        errors.insert(
            "themes".to_owned(),
            format!("{PROPOSAL_THEMES_MAX} thèmes au plus."),
        );
    }
    let commune_code = match req.commune_code.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(raw) => parse_commune(raw, ctx.communes, "commune_code", &mut errors).map(Some),
    };
    let pseudonym = match optional_text(
        req.pseudonym.as_deref(),
        "pseudonym",
        PSEUDONYM_MAX,
        &mut errors,
    ) {
        Some(Some(p)) if p.chars().count() < PSEUDONYM_MIN => {
            errors.insert(
                "pseudonym".to_owned(),
                format!("Au moins {PSEUDONYM_MIN} caractères, ou rien pour rester anonyme."),
            );
            None
        }
        Some(Some(p)) if has_bad_controls(&p, true) => {
            errors.insert(
                "pseudonym".to_owned(),
                "Ce texte contient des caractères de contrôle.".to_owned(),
            );
            None
        }
        other => other,
    };
    match (title, description, themes, commune_code, pseudonym) {
        (Some(title), Some(description), Some(themes), Some(commune_code), Some(pseudonym))
            if errors.is_empty() =>
        {
            Ok(ProposalDraft {
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
