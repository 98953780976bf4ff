use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    config::Settings, map::MapCache, needs::NeedsCache, results::ResultsCache,
    services::answers::AnswerWriter, site_settings::SettingsCache, territory::TerritoryCache,
    throttle::LoginThrottle,
};

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// The answers service: definitions in memory and the group-commit writer.
    pub answers: Arc<AnswerWriter>,
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
    /// Pages of the public lists of proposals and initiatives, kept by revision.
    pub lists: Arc<crate::lists::PublicLists>,
    /// The latest campaign's needs by theme and commune, for proposals.
    pub needs: Arc<NeedsCache>,
    /// Per-campaign answers in memory for results, kept up to date incrementally.
    pub results: Arc<ResultsCache>,
    /// The settings administrators change without a restart, over the flags' defaults.
    /// Read these (not `settings`) for public results, secrecy, gap distance and tiles.
    pub site_settings: Arc<SettingsCache>,
    /// The web app's `preload.json`, read again only when a new build replaces it.
    pub preloads: Arc<crate::routes::PreloadCache>,
}

impl AppState {
    /// What the public sees now: listings not ended and confirmed recently enough
    /// (`--stale-after-days` and `--stale-grace-days`, judged by the settings' clock).
    pub fn public_day(&self) -> crate::storage::freshness::PublicDay {
        crate::storage::freshness::PublicDay::new(
            self.settings.clock.today(),
            self.settings.freshness,
        )
    }

    /// Reloads this instance's map snapshot after a change it made, so that it shows the
    /// change at once (the other instances see it at their next refresh). A failure is
    /// logged: the periodic refresh tries again.
    pub async fn refresh_map(&self) {
        if let Err(err) = self.map.refresh(&self.db).await {
            tracing::warn!(error = ?err, "map snapshot refresh failed");
        }
    }

    /// The settings in force: public results, secrecy `k`, gap distance, tiles.
    pub fn site(&self) -> crate::site_settings::SiteSettings {
        self.site_settings.effective()
    }
}
