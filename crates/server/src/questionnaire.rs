//! The needs questionnaire between HTTP and storage: definitions from JSON, the
//! respondent's commune, idempotency keys. Storing one answer is the answers service
//! ([`crate::services::answers`]).

use std::collections::BTreeMap;

use actix_web::HttpRequest;
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use solidarites_api_types::RespondentCommune;
use solidarites_domain::{InseeCode, LonLat, QuestionnaireDefinition};

use crate::{
    error::{ApiError, ErrorCode},
    storage::{self, questionnaires::campaign_status},
    territory::LoadedTerritory,
};

/// Channels of an answer: `web` for the public form, the others for assisted entry.
pub const WEB: &str = "web";
pub const ASSISTED_CHANNELS: [&str; 3] = ["telephone", "papier", "accueil"];

/// Longest accepted `Idempotency-Key`, in characters.
const MAX_IDEMPOTENCY_KEY: usize = 100;

/// Today in France (the date stored with an answer; no time of day).
pub fn today() -> NaiveDate {
    paris_date(Utc::now())
}

/// The date in metropolitan France (Europe/Paris, summer time included) at `at`.
pub fn paris_date(at: chrono::DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Paris).date_naive()
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

/// Where a campaign stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Draft,
    NotYetOpen,
    Open,
    Closed,
}

pub fn window(c: &storage::Campaign, now: DateTime<Utc>) -> Window {
    if c.status == campaign_status::DRAFT {
        Window::Draft
    } else if c.status == campaign_status::CLOSED || now >= c.closes_at {
        Window::Closed
    } else if now < c.opens_at {
        Window::NotYetOpen
    } else {
        Window::Open
    }
}

pub fn campaign_not_found() -> ApiError {
    ApiError::NotFound("Cette consultation n'existe pas.".to_owned())
}

/// A date as French readers write it (`31/12/2026`).
pub(crate) fn french_date(at: DateTime<Utc>) -> String {
    (at + chrono::Duration::hours(1))
        .date_naive()
        .format("%d/%m/%Y")
        .to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_dated_in_paris_with_summer_time() {
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&Utc)
        };
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Winter: UTC+1.
        assert_eq!(paris_date(at("2026-01-15T22:30:00Z")), day("2026-01-15"));
        assert_eq!(paris_date(at("2026-01-15T23:30:00Z")), day("2026-01-16"));
        // Summer: UTC+2, so 22:30 UTC is already the next day in Paris.
        assert_eq!(paris_date(at("2026-07-01T21:30:00Z")), day("2026-07-01"));
        assert_eq!(paris_date(at("2026-07-01T22:30:00Z")), day("2026-07-02"));
    }
}
