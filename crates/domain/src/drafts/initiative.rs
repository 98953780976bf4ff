//! Initiatives of the map and the actors who run them.

use geo::InteriorPoint;
use serde::{Deserialize, Serialize};
use solidarites_api_types::{InitiativeContentRequest, LocationRequest, NewActorRequest};

use super::{
    text::{
        optional_commune, optional_text, parse_commune, parse_date, parse_email, parse_phone,
        parse_themes, parse_url, required_text, title_and_description,
    },
    ParseContext, ACTOR_DESCRIPTION_MAX, ACTOR_NAME_MAX, ACTOR_NAME_MIN, SHORT_TEXT_MAX,
};
use crate::{
    contact::{Email, FrenchPhone, WebUrl},
    CommuneIndex, FieldErrors, InseeCode, LonLat,
};

/// Where an initiative happens, with its commune always known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// Position shown on the map: the point, or the commune's interior point.
    pub lon: f64,
    pub lat: f64,
    /// Whether `lon`/`lat` is the submitted point (else the commune's interior point).
    pub has_point: bool,
    pub commune_code: InseeCode,
}

/// The parsed content of an initiative. Only [`parse_initiative`] builds one; storage
/// reads it back from its own JSON (the same shape, strings for the typed values).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InitiativeDraft {
    pub title: String,
    pub description: String,
    /// Theme slugs without duplicates, the first being the main one.
    pub themes: Vec<String>,
    pub placement: Placement,
    pub address: Option<String>,
    pub start_date: Option<chrono::NaiveDate>,
    pub end_date: Option<chrono::NaiveDate>,
    pub schedule: Option<String>,
    pub audience: Option<String>,
    pub contact_email: Option<Email>,
    pub contact_phone: Option<FrenchPhone>,
    pub contact_url: Option<WebUrl>,
    /// « Accueille des bénévoles » (absent from revisions stored before the field).
    #[serde(default)]
    pub welcomes_volunteers: bool,
}

/// The kinds of actors, in the order forms list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    Association,
    Ccas,
    Commune,
    Collectif,
    Entreprise,
    Particulier,
    Autre,
}

impl ActorKind {
    pub const ALL: [ActorKind; 7] = [
        ActorKind::Association,
        ActorKind::Ccas,
        ActorKind::Commune,
        ActorKind::Collectif,
        ActorKind::Entreprise,
        ActorKind::Particulier,
        ActorKind::Autre,
    ];

    /// The stored and served names, in the order of [`ActorKind::ALL`].
    pub const NAMES: [&'static str; 7] = {
        let mut names = [""; 7];
        let mut i = 0;
        while i < names.len() {
            names[i] = ActorKind::ALL[i].as_str();
            i += 1;
        }
        names
    };

    /// The stored and served name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ActorKind::Association => "association",
            ActorKind::Ccas => "ccas",
            ActorKind::Commune => "commune",
            ActorKind::Collectif => "collectif",
            ActorKind::Entreprise => "entreprise",
            ActorKind::Particulier => "particulier",
            ActorKind::Autre => "autre",
        }
    }

    /// The kind named `raw` (exactly), if any.
    #[must_use]
    pub fn parse(raw: &str) -> Option<ActorKind> {
        ActorKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A parsed new actor; only [`parse_initiative_submission`] builds one.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct ActorDraft {
    pub name: String,
    pub kind: ActorKind,
    pub description: String,
    pub website: Option<WebUrl>,
    pub contact_email: Option<Email>,
    pub contact_phone: Option<FrenchPhone>,
    pub commune_code: Option<InseeCode>,
    /// « Accueille des bénévoles ».
    pub welcomes_volunteers: bool,
}

/// Who runs a submitted initiative; `Id` is the caller's identifier of actors.
#[derive(Debug, Clone, PartialEq)]
pub enum ActorChoice<Id> {
    /// A published actor.
    Existing(Id),
    /// A new actor, stored pending with the initiative.
    New(ActorDraft),
}

/// Parses the content of an initiative (a new one, or an edit).
///
/// # Errors
/// Every bad field, keyed by its name in the request (`title`, `contact.email`…).
pub fn parse_initiative(
    req: &InitiativeContentRequest,
    ctx: &ParseContext<'_>,
) -> Result<InitiativeDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    match content(req, ctx, &mut errors) {
        Some(draft) => errors.into_result(draft),
        None => Err(errors),
    }
}

/// Parses a new initiative and who runs it: `actor_id` (an existing actor) or `new_actor`,
/// exactly one. `published_actor` returns the caller's identifier of the published actor
/// with this id (trimmed), or `None` when there is none.
///
/// # Errors
/// Every bad field of the content and of the actor.
pub fn parse_initiative_submission<Id>(
    req: &InitiativeContentRequest,
    actor_id: Option<&str>,
    new_actor: Option<&NewActorRequest>,
    published_actor: impl FnOnce(&str) -> Option<Id>,
    ctx: &ParseContext<'_>,
) -> Result<(InitiativeDraft, ActorChoice<Id>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let draft = content(req, ctx, &mut errors);
    let actor = actor_choice(
        actor_id,
        new_actor,
        published_actor,
        ctx.communes,
        &mut errors,
    );
    match (draft, actor) {
        (Some(draft), Some(actor)) => errors.into_result((draft, actor)),
        _ => Err(errors),
    }
}

fn content(
    req: &InitiativeContentRequest,
    ctx: &ParseContext<'_>,
    errors: &mut FieldErrors,
) -> Option<InitiativeDraft> {
    let (title, description) =
        title_and_description(req.title.as_deref(), req.description.as_deref(), errors);
    let themes = parse_themes(&req.themes, ctx.allowed_themes, errors);
    let placement = parse_location(req.location.as_ref(), ctx.communes, errors);
    let address = optional_text(req.address.as_deref(), "address", SHORT_TEXT_MAX, errors);
    let schedule = optional_text(req.schedule.as_deref(), "schedule", SHORT_TEXT_MAX, errors);
    let audience = optional_text(req.audience.as_deref(), "audience", SHORT_TEXT_MAX, errors);
    let start_date = parse_date(req.start_date.as_deref(), "start_date", errors);
    let end_date = parse_date(req.end_date.as_deref(), "end_date", errors);
    if let (Some(Some(start)), Some(Some(end))) = (start_date, end_date) {
        if end < start {
            errors.set(
                "end_date",
                "La date de fin doit être postérieure ou égale à la date de début.",
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
        welcomes_volunteers: req.welcomes_volunteers.unwrap_or(false),
    })
}

fn actor_choice<Id>(
    actor_id: Option<&str>,
    new_actor: Option<&NewActorRequest>,
    published_actor: impl FnOnce(&str) -> Option<Id>,
    communes: &CommuneIndex,
    errors: &mut FieldErrors,
) -> Option<ActorChoice<Id>> {
    match (actor_id.map(str::trim).filter(|s| !s.is_empty()), new_actor) {
        (Some(_), Some(_)) => {
            errors.set(
                "actor_id",
                "Choisissez un acteur existant ou décrivez-en un nouveau, pas les deux.",
            );
            None
        }
        (None, None) => {
            errors.set("actor_id", "Indiquez l'acteur qui mène l'initiative.");
            None
        }
        (Some(id), None) => match published_actor(id) {
            Some(id) => Some(ActorChoice::Existing(id)),
            None => {
                errors.set(
                    "actor_id",
                    "Cet acteur n'existe pas ou n'est pas encore publié.",
                );
                None
            }
        },
        (None, Some(new)) => new_actor_draft(new, communes, errors).map(ActorChoice::New),
    }
}

fn new_actor_draft(
    req: &NewActorRequest,
    communes: &CommuneIndex,
    errors: &mut FieldErrors,
) -> Option<ActorDraft> {
    let name = required_text(
        req.name.as_deref(),
        "new_actor.name",
        (ACTOR_NAME_MIN, ACTOR_NAME_MAX),
        errors,
        true,
    );
    let kind = req
        .kind
        .as_deref()
        .map(str::trim)
        .and_then(ActorKind::parse);
    if kind.is_none() {
        errors.set(
            "new_actor.kind",
            format!(
                "Le type d'acteur doit être l'un de : {}.",
                ActorKind::NAMES.join(", ")
            ),
        );
    }
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
    let commune_code = optional_commune(
        req.commune_code.as_deref(),
        communes,
        "new_actor.commune_code",
        errors,
    );
    Some(ActorDraft {
        name: name?,
        kind: kind?,
        description: description?.unwrap_or_default(),
        website: website?,
        contact_email: contact_email?,
        contact_phone: contact_phone?,
        commune_code: commune_code?,
        welcomes_volunteers: req.welcomes_volunteers.unwrap_or(false),
    })
}

pub(super) fn parse_location(
    raw: Option<&LocationRequest>,
    communes: &CommuneIndex,
    errors: &mut FieldErrors,
) -> Option<Placement> {
    let fail = |errors: &mut FieldErrors, message: &str| {
        errors.set("location", message);
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
                    commune_code: commune.code.clone(),
                }),
                None => fail(
                    errors,
                    "Ce point est en dehors du territoire couvert par la plateforme.",
                ),
            }
        }
        (None, None, Some(code)) if !code.is_empty() => {
            let code = parse_commune(code, communes, "location", errors)?;
            let p = communes.get(&code)?.geometry.interior_point()?;
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
