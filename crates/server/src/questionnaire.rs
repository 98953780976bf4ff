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
    let c = commune?;
    let in_territory = |code: &str| {
        InseeCode::parse(code.trim())
            .ok()
            .filter(|c| territory.index.get(c).is_some())
    };
    let blank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    match (blank(&c.postal_code), blank(&c.code), c.lon, c.lat) {
        (Some(postal), code, _, _) => {
            let communes: Vec<&InseeCode> = territory
                .by_postal_code
                .get(&postal)
                .map(|idx| {
                    idx.iter()
                        .filter_map(|&i| territory.index.communes().get(i).map(|c| &c.code))
                        .collect()
                })
                .unwrap_or_default();
            if communes.is_empty() {
                errors.insert(
                    "commune.postal_code".to_owned(),
                    "Ce code postal ne correspond à aucune commune du territoire.".to_owned(),
                );
                return None;
            }
            match code {
                Some(code) => match communes.iter().find(|c| c.as_str() == code) {
                    Some(found) => Some((*found).clone()),
                    None => {
                        errors.insert(
                            "commune.code".to_owned(),
                            "Cette commune ne correspond pas au code postal indiqué.".to_owned(),
                        );
                        None
                    }
                },
                None if communes.len() == 1 => communes.first().map(|c| (*c).clone()),
                None => {
                    errors.insert(
                        "commune.code".to_owned(),
                        "Plusieurs communes partagent ce code postal : choisissez la vôtre."
                            .to_owned(),
                    );
                    None
                }
            }
        }
        (None, Some(code), _, _) => {
            let found = in_territory(&code);
            if found.is_none() {
                errors.insert(
                    "commune.code".to_owned(),
                    "Ce code INSEE ne correspond à aucune commune du territoire.".to_owned(),
                );
            }
            found
        }
        (None, None, Some(lon), Some(lat)) => {
            let located = LonLat::new(lon, lat)
                .ok()
                .and_then(|p| territory.index.locate(p))
                .map(|c| c.code.clone());
            if located.is_none() {
                errors.insert(
                    "commune".to_owned(),
                    "Ce point est en dehors du territoire : indiquez votre commune.".to_owned(),
                );
            }
            located
        }
        _ => {
            errors.insert(
                "commune".to_owned(),
                "Indiquez votre commune : code INSEE, code postal et commune, ou position."
                    .to_owned(),
            );
            None
        }
    }
}
