use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{config::Settings, territory::TerritoryCache, throttle::LoginThrottle};

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub territory: Arc<TerritoryCache>,
    pub settings: Arc<Settings>,
    /// Sign-in attempts per client address, in memory only.
    pub login_throttle: Arc<LoginThrottle>,
}
