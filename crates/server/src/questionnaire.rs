//! The needs questionnaire between HTTP and storage: definitions from JSON, the
//! respondent's commune, idempotency keys. Storing one answer is the answers service
//! ([`crate::services::answers`]).

use std::collections::BTreeMap;

use actix_web::HttpRequest;
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use solidarites_api_types::RespondentCommune;
use solidarites_domain::{
    lifecycle::{CampaignStatus, CampaignWindow},
    time, InseeCode, LonLat, QuestionnaireDefinition,
};

use crate::{
    error::{ApiError, ErrorCode},
    storage,
    territory::LoadedTerritory,
};

/// Channels of an answer: `web` for the public form, the others for assisted entry.
pub const WEB: &str = "web";
/// `visite` (a home visit) was added after the others.
pub const ASSISTED_CHANNELS: [&str; 4] = ["telephone", "papier", "accueil", "visite"];

/// Longest accepted `Idempotency-Key`, in characters.
const MAX_IDEMPOTENCY_KEY: usize = 100;

/// Today in France (the date stored with an answer; no time of day).
pub fn today() -> NaiveDate {
    time::today_in_paris(Utc::now())
}

/// A definition sent by staff: parsed, then checked as a whole. 422 names each problem.
pub fn parse_definition(value: &serde_json::Value) -> Result<QuestionnaireDefinition, ApiError> {
    let definition: QuestionnaireDefinition =
        serde_json::from_value(value.clone()).map_err(|err| {
            ApiError::field(
                ErrorCode::InvalidQuestionnaire,
                "definition",
                format!("La définition du questionnaire est mal formée : {err}."),
            )
        })?;
    definition
        .validate()
        .map_err(|errors| ApiError::Validation {
            code: ErrorCode::InvalidQuestionnaire,
            message: "Le questionnaire ne peut pas être enregistré : corrigez les points signalés."
                .to_owned(),
            fields: errors.0,
        })?;
    Ok(definition)
}

/// A stored definition (always written validated).
pub fn stored_definition(text: &str) -> Result<QuestionnaireDefinition, ApiError> {
    serde_json::from_str(text).map_err(ApiError::internal)
}

/// Where a campaign stands at an instant (the domain's campaign phases).
pub use solidarites_domain::lifecycle::Phase as Window;

/// The campaign's window rules (status and dates).
pub fn campaign_window(c: &storage::Campaign) -> CampaignWindow {
    CampaignWindow {
        // Stored statuses are written from the enum; an unknown one is never public.
        status: CampaignStatus::parse(&c.status).unwrap_or(CampaignStatus::Draft),
        opens_at: c.opens_at,
        closes_at: c.closes_at,
    }
}

pub fn window(c: &storage::Campaign, now: DateTime<Utc>) -> Window {
    campaign_window(c).phase(now)
}

pub fn campaign_not_found() -> ApiError {
    ApiError::NotFound("Cette consultation n'existe pas.".to_owned())
}

/// A date as French readers write it (`31/12/2026`), in France.
pub(crate) fn french_date(at: DateTime<Utc>) -> String {
    time::french_date(at)
}

/// SHA-256 (hex) of the `Idempotency-Key` header, when sent. 422 when empty or too long.
pub fn idempotency_key_hash(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(raw) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let invalid = || {
        ApiError::field(
            ErrorCode::InvalidIdempotencyKey,
            "Idempotency-Key",
            format!(
                "L'en-tête Idempotency-Key doit compter de 1 à {MAX_IDEMPOTENCY_KEY} caractères."
            ),
        )
    };
    // Keys are opaque: any bytes (UTF-8 or not) are hashed as sent.
    let count = String::from_utf8_lossy(raw.as_bytes()).chars().count();
    if count == 0 || count > MAX_IDEMPOTENCY_KEY {
        return Err(invalid());
    }
    Ok(Some(hex::encode(Sha256::digest(raw.as_bytes()))))
}

/// The respondent's commune from the `commune` object, or `None` (with errors recorded)
/// when it is given but wrong. `Ok(None)` also when it is absent.
pub(crate) fn commune_from_body(
    territory: &LoadedTerritory,
    commune: Option<&RespondentCommune>,
    errors: &mut BTreeMap<String, String>,
) -> Option<InseeCode> {
    match resolve_commune(territory, commune?) {
        Ok(code) => Some(code),
        Err((field, message)) => {
            errors.insert(field.to_owned(), message.to_owned());
            None
        }
    }
}

/// Why the respondent's commune is refused: the field and the French message.
type CommuneRefusal = (&'static str, &'static str);

/// The commune of a postal code (and INSEE code when several share it), of an INSEE code,
/// or containing a point (WGS 84 lon/lat), in that order of preference.
fn resolve_commune(
    territory: &LoadedTerritory,
    c: &RespondentCommune,
) -> Result<InseeCode, CommuneRefusal> {
    let blank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    match (blank(&c.postal_code), blank(&c.code), c.lon, c.lat) {
        (Some(postal), code, _, _) => by_postal_code(territory, &postal, code.as_deref()),
        (None, Some(code), _, _) => InseeCode::parse(code.trim())
            .ok()
            .filter(|c| territory.index.get(c).is_some())
            .ok_or((
                "commune.code",
                "Ce code INSEE ne correspond à aucune commune du territoire.",
            )),
        (None, None, Some(lon), Some(lat)) => LonLat::new(lon, lat)
            .ok()
            .and_then(|p| territory.index.locate(p))
            .map(|c| c.code.clone())
            .ok_or((
                "commune",
                "Ce point est en dehors du territoire : indiquez votre commune.",
            )),
        _ => Err((
            "commune",
            "Indiquez votre commune : code INSEE, code postal et commune, ou position.",
        )),
    }
}

/// The commune of `postal`: the one named by `code`, or the only one.
fn by_postal_code(
    territory: &LoadedTerritory,
    postal: &str,
    code: Option<&str>,
) -> Result<InseeCode, CommuneRefusal> {
    let communes: Vec<&InseeCode> = territory
        .by_postal_code
        .get(postal)
        .map(|idx| {
            idx.iter()
                .filter_map(|&i| territory.index.communes().get(i).map(|c| &c.code))
                .collect()
        })
        .unwrap_or_default();
    if communes.is_empty() {
        return Err((
            "commune.postal_code",
            "Ce code postal ne correspond à aucune commune du territoire.",
        ));
    }
    match code {
        Some(code) => communes
            .iter()
            .find(|c| c.as_str() == code)
            .map(|found| (*found).clone())
            .ok_or((
                "commune.code",
                "Cette commune ne correspond pas au code postal indiqué.",
            )),
        None => match communes.as_slice() {
            [only] => Ok((*only).clone()),
            _ => Err((
                "commune.code",
                "Plusieurs communes partagent ce code postal : choisissez la vôtre.",
            )),
        },
    }
}
