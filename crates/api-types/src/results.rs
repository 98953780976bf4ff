//! Results by commune: aggregated answers under statistical secrecy, needs versus offer,
//! territorial indicators and zones.
//!
//! A suppressed value is the string `"secret"` wherever a count or a statistic would be:
//! it holds no number at all.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A count and its share, or `"secret"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ResultCell {
    Value {
        count: u64,
        /// From 0 to 1; `null` when the denominator is secret or zero.
        share: Option<f64>,
    },
    /// Always `"secret"`.
    Secret(SecretMarker),
}

/// A statistic (mean, median, rate), or `"secret"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ResultStat {
    Value(f64),
    Secret(SecretMarker),
}

/// The `"secret"` marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecretMarker {
    Secret,
}

impl ResultCell {
    pub fn count(&self) -> Option<u64> {
        match self {
            ResultCell::Value { count, .. } => Some(*count),
            ResultCell::Secret(_) => None,
        }
    }

    pub fn share(&self) -> Option<f64> {
        match self {
            ResultCell::Value { share, .. } => *share,
            ResultCell::Secret(_) => None,
        }
    }

    pub fn is_secret(&self) -> bool {
        matches!(self, ResultCell::Secret(_))
    }
}

impl ResultStat {
    pub fn value(&self) -> Option<f64> {
        match self {
            ResultStat::Value(v) => Some(*v),
            ResultStat::Secret(_) => None,
        }
    }
}

/// How a question is summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResultKindResponse {
    SingleChoice,
    YesNo,
    MultipleChoice { has_other: bool },
    Scale { min: i32, max: i32 },
    Number { unit: Option<String> },
}

/// An option of an aggregated question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultOptionLabel {
    pub value: String,
    pub label: String,
}

/// An aggregated question (free texts and dates are not aggregated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultQuestionSchema {
    pub id: String,
    pub label: String,
    pub kind: ResultKindResponse,
    /// In definition order (`yes`/`no` for yes/no questions); empty for scales and numbers.
    pub options: Vec<ResultOptionLabel>,
}

/// One option's cell: `share` is over the question's respondents who answered (for a
/// multiple choice: the share of respondents who chose it; shares may add up past 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultOption {
    pub value: String,
    pub cell: ResultCell,
}

/// One question in one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultQuestion {
    pub id: String,
    /// `share` over the group's respondents.
    pub answered: ResultCell,
    pub no_answer: ResultCell,
    pub options: Vec<ResultOption>,
    pub other: Option<ResultCell>,
    /// Scales and numbers.
    pub mean: Option<ResultStat>,
    pub median: Option<ResultStat>,
}

/// One commune, zone, or the whole territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultGroup {
    /// INSEE code, zone code, `territoire` or `hors_zone`.
    pub code: String,
    pub name: String,
    pub population: Option<u64>,
    pub respondents: ResultCell,
    /// Respondents per 1,000 inhabitants (`null` when the population is unknown).
    pub rate_per_1000: Option<ResultStat>,
    /// Every cell of the group is secret.
    pub secret: bool,
    pub questions: Vec<ResultQuestion>,
}

/// A filter condition on an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerFilterResponse {
    pub question: String,
    pub any_of: Vec<String>,
}

/// The filter applied.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultsFilterResponse {
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub answers: Vec<AnswerFilterResponse>,
}

/// An imported territorial indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorResponse {
    pub code: String,
    pub label: String,
    pub unit: Option<String>,
    pub source: Option<String>,
    pub year: Option<i32>,
}

/// `GET /api/v1/admin/campaigns/{id}/results` (and the public results when enabled).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultsResponse {
    pub campaign_id: String,
    /// `commune`, `canton`, `arrondissement`, `epci` or `territory`.
    pub level: String,
    /// The secrecy threshold: counts from 1 to `k - 1` are secret.
    pub k: u32,
    /// Whether the counts are perturbed: true for every filtered view (any `channel`,
    /// `age`, `household` or `filter`). Each visible count is then its true value plus a
    /// noise of −2 to +2 fixed by the set of respondents it counts (the same on every
    /// request), zero stays zero, counts under `k` (zeros included, except those the
    /// filter makes by definition) are secret, and shares and rates are computed from
    /// the perturbed counts. Show "valeurs perturbées". The unfiltered view is exact.
    #[serde(default)]
    pub perturbed: bool,
    pub filter: ResultsFilterResponse,
    pub questions: Vec<ResultQuestionSchema>,
    /// One per commune or zone (empty at the territory level).
    pub groups: Vec<ResultGroup>,
    /// Respondents in no group of this level, if any.
    pub unassigned: Option<ResultGroup>,
    pub total: ResultGroup,
    /// Indicators shown beside commune results (commune level only).
    #[serde(default)]
    pub indicators: Vec<IndicatorResponse>,
    /// Commune code → indicator code → value (commune level only).
    #[serde(default)]
    pub indicator_values: BTreeMap<String, BTreeMap<String, f64>>,
}

/// One commune × theme of the needs-versus-offer ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapResponse {
    pub commune: String,
    pub commune_name: String,
    pub theme: String,
    pub theme_label: String,
    pub respondents: u64,
    /// Respondents reporting a difficulty in the theme.
    pub reporting: u64,
    /// `reporting / respondents`.
    pub need_share: f64,
    /// Published initiatives of the theme in the commune or within `distance_km`.
    pub offer: u32,
    /// Larger is a larger gap (Wilson lower bound of the need share / (1 + offer)).
    pub score: f64,
}

/// `GET /api/v1/admin/campaigns/{id}/gaps`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GapListResponse {
    pub campaign_id: String,
    /// The multiple choice question whose options are themes.
    pub question: String,
    pub distance_km: f64,
    pub k: u32,
    /// Largest gap first. Communes or themes whose counts are secret are left out.
    pub gaps: Vec<GapResponse>,
}

/// `GET /api/v1/admin/indicators`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorListResponse {
    pub indicators: Vec<IndicatorResponse>,
    /// Commune code → indicator code → value.
    pub values: BTreeMap<String, BTreeMap<String, f64>>,
}

/// A zone and its communes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneResponse {
    pub code: String,
    pub name: String,
    /// INSEE codes.
    pub communes: Vec<String>,
}

/// `GET /api/v1/admin/zones?level=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneListResponse {
    pub level: String,
    pub zones: Vec<ZoneResponse>,
}
