use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    config::Settings, map::MapCache, needs::NeedsCache, results::ResultsCache,
    territory::TerritoryCache, throttle::LoginThrottle,
};

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub territory: Arc<TerritoryCache>,
    pub settings: Arc<Settings>,
    /// Published initiatives in memory, for the clusters endpoint.
    pub map: Arc<MapCache>,
    /// Sign-in attempts per client address, in memory only.
    pub login_throttle: Arc<LoginThrottle>,
    /// Anonymous submissions (questionnaire answers, volunteer sign-ups, initiatives) per
    /// client address, in memory only.
    pub answer_throttle: Arc<LoginThrottle>,
    /// New proposals and supports per client address, in memory only.
    pub proposal_throttle: Arc<LoginThrottle>,
    /// The latest campaign's needs by theme and commune, for proposals.
    pub needs: Arc<NeedsCache>,
    /// Per-campaign answers in memory for results, kept up to date incrementally.
    pub results: Arc<ResultsCache>,
}
