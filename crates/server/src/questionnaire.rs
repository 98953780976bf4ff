//! The needs questionnaire between HTTP and storage: definitions from JSON, the
//! respondent's commune, idempotency keys, and storing one answer (public or assisted).

use std::collections::BTreeMap;

use actix_web::HttpRequest;
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use solidarites_api_types::{RespondentCommune, SubmitResponseRequest};
use solidarites_domain::{
    lifecycle::{CampaignStatus, CampaignWindow},
    time, AnswerValue, InseeCode, LonLat, QuestionnaireDefinition,
};

use crate::{
    auth::StaffUser,
    error::ApiError,
    state::AppState,
    storage::{
        self,
        questionnaire_entities::campaign,
        questionnaires::{NewResponse, SubmitOutcome},
    },
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
                "invalid_questionnaire",
                "definition",
                format!("La définition du questionnaire est mal formée : {err}."),
            )
        })?;
    definition
        .validate()
        .map_err(|errors| ApiError::Validation {
            code: "invalid_questionnaire",
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
pub fn campaign_window(c: &campaign::Model) -> CampaignWindow {
    CampaignWindow {
        // Stored statuses are written from the enum; an unknown one is never public.
        status: CampaignStatus::parse(&c.status).unwrap_or(CampaignStatus::Draft),
        opens_at: c.opens_at,
        closes_at: c.closes_at,
    }
}

pub fn window(c: &campaign::Model, now: DateTime<Utc>) -> Window {
    campaign_window(c).phase(now)
}

pub fn campaign_not_found() -> ApiError {
    ApiError::NotFound("Cette consultation n'existe pas.".to_owned())
}

/// 409 before the campaign opens, 410 after it closed.
fn check_window(c: &campaign::Model, now: DateTime<Utc>) -> Result<(), ApiError> {
    match window(c, now) {
        Window::Open => Ok(()),
        Window::Draft => Err(campaign_not_found()),
        Window::NotYetOpen => Err(ApiError::Conflict {
            code: "campaign_not_open",
            message: format!(
                "Cette consultation n'est pas encore ouverte : elle ouvrira le {}.",
                time::french_date(c.opens_at)
            ),
        }),
        Window::Closed => Err(ApiError::GoneCoded {
            code: "campaign_closed",
            message: "Cette consultation est close : elle n'accepte plus de réponses. \
                      Merci de votre intérêt."
                .to_owned(),
        }),
    }
}

/// SHA-256 (hex) of the `Idempotency-Key` header, when sent. 422 when empty or too long.
pub fn idempotency_key_hash(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(raw) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let invalid = || {
        ApiError::field(
            "invalid_idempotency_key",
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
fn commune_from_body(
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

/// Stores one answer to `campaign_id` (public when `assisted` is `None`). Returns the
/// HTTP status (201 new, 200 replayed), the response id and its day.
pub async fn submit(
    state: &AppState,
    req: &HttpRequest,
    campaign_id: &str,
    body: &SubmitResponseRequest,
    assisted: Option<(&StaffUser, &str)>,
) -> Result<(u16, String, NaiveDate), ApiError> {
    let campaign = storage::questionnaires::get_campaign(&state.db, campaign_id.trim())
        .await?
        .ok_or_else(campaign_not_found)?;
    let key_hash = idempotency_key_hash(req)?;
    if let Some(hash) = &key_hash {
        // A retry of an answer already stored (even if the campaign closed since).
        if let Some((id, day)) =
            storage::questionnaires::find_by_idempotency(&state.db, &campaign.id, hash).await?
        {
            return Ok((200, id, day));
        }
    }
    check_window(&campaign, Utc::now())?;
    let territory = state.territory.current();
    let is_commune = |code: &InseeCode| territory.index.get(code).is_some();
    // The version may be edited between our validation and the freeze: validate again.
    for _ in 0..3 {
        let version =
            storage::questionnaires::get_version(&state.db, &campaign.questionnaire_version_id)
                .await?
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("campaign without version")))?;
        let definition = stored_definition(&version.definition)?;
        let mut fields = BTreeMap::new();
        let from_body = commune_from_body(&territory, body.commune.as_ref(), &mut fields);
        let validated = match definition.validate_answers(&body.answers, &is_commune) {
            Ok(v) => Some(v),
            Err(errors) => {
                fields.extend(errors.0);
                None
            }
        };
        let mut commune = from_body;
        if let Some(answers) = &validated {
            for qid in definition.commune_question_ids() {
                if let Some(AnswerValue::Commune(code)) = answers.0.get(&qid) {
                    match &commune {
                        None if body.commune.is_none() => commune = Some(code.clone()),
                        Some(c) if c != code => {
                            fields.insert(
                                qid.clone(),
                                "Cette commune ne correspond pas à celle indiquée par ailleurs."
                                    .to_owned(),
                            );
                        }
                        _ => {}
                    }
                }
            }
        }
        if commune.is_none() && body.commune.is_none() {
            fields.entry("commune".to_owned()).or_insert_with(|| {
                "Indiquez votre commune : code INSEE, code postal et commune, ou position."
                    .to_owned()
            });
        }
        let (Some(validated), Some(commune), true) = (validated, commune, fields.is_empty()) else {
            return Err(ApiError::Validation {
                code: "invalid_answers",
                message: "Certaines réponses sont à corriger : voyez les questions signalées."
                    .to_owned(),
                fields,
            });
        };
        let day = today();
        let new = NewResponse {
            campaign_id: campaign.id.clone(),
            version_id: version.id.clone(),
            validated_definition: version.definition.clone(),
            commune_code: commune.as_str().to_owned(),
            channel: assisted.map_or(WEB, |(_, channel)| channel).to_owned(),
            answers: serde_json::to_string(&validated).map_err(ApiError::internal)?,
            submitted_on: day,
            idempotency_key_hash: key_hash.clone(),
        };
        match storage::questionnaires::submit(&state.db, &new, assisted.map(|(s, _)| s)).await? {
            SubmitOutcome::Created(id) => {
                crate::metrics::answer_stored();
                return Ok((201, id, day));
            }
            SubmitOutcome::Replayed(id, day) => return Ok((200, id, day)),
            SubmitOutcome::DefinitionChanged => continue,
        }
    }
    Err(ApiError::Conflict {
        code: "questionnaire_changed",
        message: "Le questionnaire vient d'être modifié : rechargez la page et réessayez."
            .to_owned(),
    })
}
