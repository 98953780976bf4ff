//! Settings administrators change from the back office, effective on every instance
//! without a restart: public results, the statistical secrecy threshold, the gap distance
//! and the map tiles.
//!
//! The instance's flags (or environment variables, see [`Settings`]) are the defaults; what
//! an administrator stores (`PUT /api/v1/admin/settings`) overrides them. Each instance
//! keeps a [`SettingsSnapshot`] in memory, replaced at once on the instance that stored a
//! change and, on the others, within one refresh period (`--territory-refresh-secs`, 10 s
//! by default): the refresh reads one revision number and reloads only when it differs,
//! like the territory and the map.

use std::{
    collections::BTreeMap,
    sync::{Arc, RwLock},
};

use sea_orm::DatabaseConnection;
use serde_json::json;

use crate::{config::Settings, storage};

/// Statistical secrecy never goes below this many respondents, whatever is configured.
pub const MIN_SECRECY_K: u32 = 3;
/// Largest threshold accepted (a higher one would hide nearly every result).
pub const MAX_SECRECY_K: u32 = 1000;
/// Gap distance bounds, in km.
pub const MIN_GAP_DISTANCE_KM: f64 = 0.1;
pub const MAX_GAP_DISTANCE_KM: f64 = 200.0;
/// Longest tile URL and tile credit accepted, in characters.
pub const MAX_TILE_URL_CHARS: usize = 500;
pub const MAX_TILE_ATTRIBUTION_CHARS: usize = 500;

/// The settings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSettings {
    pub public_results: bool,
    /// Never below [`MIN_SECRECY_K`].
    pub secrecy_k: u32,
    pub gap_distance_km: f64,
    /// `None`: no background tiles.
    pub tile_url: Option<String>,
    pub tile_attribution: String,
}

impl SiteSettings {
    /// The defaults of an instance: its flags, with the secrecy floor applied.
    pub fn defaults(settings: &Settings) -> Self {
        SiteSettings {
            public_results: settings.public_results,
            secrecy_k: settings.secrecy_k.max(MIN_SECRECY_K),
            gap_distance_km: settings.gap_distance_km,
            tile_url: settings.tile_url.clone(),
            tile_attribution: settings.tile_attribution.clone(),
        }
    }
}

/// What administrators stored; `None` leaves the default. `tile_url` `Some("")` is stored
/// as "no tiles".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredSettings {
    pub public_results: Option<bool>,
    pub secrecy_k: Option<u32>,
    pub gap_distance_km: Option<f64>,
    pub tile_url: Option<String>,
    pub tile_attribution: Option<String>,
}

impl StoredSettings {
    /// The stored values over `defaults`. Values that fail validation (only possible when
    /// the row was edited by hand) are ignored, and the secrecy floor always holds.
    pub fn apply(&self, defaults: &SiteSettings) -> SiteSettings {
        SiteSettings {
            public_results: self.public_results.unwrap_or(defaults.public_results),
            secrecy_k: self
                .secrecy_k
                .filter(|k| check_secrecy_k(i64::from(*k)).is_ok())
                .unwrap_or(defaults.secrecy_k)
                .max(MIN_SECRECY_K),
            gap_distance_km: self
                .gap_distance_km
                .filter(|d| check_gap_distance(*d).is_ok())
                .unwrap_or(defaults.gap_distance_km),
            tile_url: match self.tile_url.as_deref() {
                Some(url) if check_tile_url(url).is_ok() => {
                    Some(url.to_owned()).filter(|u| !u.is_empty())
                }
                _ => defaults.tile_url.clone(),
            },
            tile_attribution: self
                .tile_attribution
                .clone()
                .filter(|a| check_tile_attribution(a).is_ok())
                .unwrap_or_else(|| defaults.tile_attribution.clone()),
        }
    }

    /// What the audit trail keeps.
    pub fn audit_snapshot(&self) -> serde_json::Value {
        json!({
            "public_results": self.public_results,
            "secrecy_k": self.secrecy_k,
            "gap_distance_km": self.gap_distance_km,
            "tile_url": self.tile_url,
            "tile_attribution": self.tile_attribution,
        })
    }

    /// Validates what an administrator sends (`None` = back to the default). The error
    /// names each bad field with a French message.
    pub fn parse(
        request: &solidarites_api_types::UpdateSettingsRequest,
    ) -> Result<Self, BTreeMap<String, String>> {
        let mut fields = BTreeMap::new();
        let mut field = |name: &str, result: Result<(), String>| {
            if let Err(message) = result {
                fields.insert(name.to_owned(), message);
            }
        };
        if let Some(k) = request.secrecy_k {
            field("secrecy_k", check_secrecy_k(k));
        }
        if let Some(d) = request.gap_distance_km {
            field("gap_distance_km", check_gap_distance(d));
        }
        let tile_url = request.tile_url.as_deref().map(str::trim);
        if let Some(url) = tile_url {
            field("tile_url", check_tile_url(url));
        }
        let tile_attribution = request.tile_attribution.as_deref().map(str::trim);
        if let Some(credit) = tile_attribution {
            field("tile_attribution", check_tile_attribution(credit));
        }
        if !fields.is_empty() {
            return Err(fields);
        }
        Ok(StoredSettings {
            public_results: request.public_results,
            secrecy_k: request.secrecy_k.and_then(|k| u32::try_from(k).ok()),
            gap_distance_km: request.gap_distance_km,
            tile_url: tile_url.map(str::to_owned),
            tile_attribution: tile_attribution.map(str::to_owned),
        })
    }
}

fn check_secrecy_k(k: i64) -> Result<(), String> {
    if (i64::from(MIN_SECRECY_K)..=i64::from(MAX_SECRECY_K)).contains(&k) {
        Ok(())
    } else {
        Err(format!(
            "Le seuil de secret statistique doit être un nombre entier entre {MIN_SECRECY_K} \
             et {MAX_SECRECY_K} répondants."
        ))
    }
}

fn check_gap_distance(d: f64) -> Result<(), String> {
    if d.is_finite() && (MIN_GAP_DISTANCE_KM..=MAX_GAP_DISTANCE_KM).contains(&d) {
        Ok(())
    } else {
        Err(format!(
            "La distance doit être comprise entre {MIN_GAP_DISTANCE_KM} et \
             {MAX_GAP_DISTANCE_KM} km."
        ))
    }
}

/// Empty (no tiles), or an `http(s)://` URL with `{z}`, `{x}` and `{y}`.
fn check_tile_url(url: &str) -> Result<(), String> {
    if url.is_empty() {
        return Ok(());
    }
    let lower = url.to_ascii_lowercase();
    if url.chars().count() > MAX_TILE_URL_CHARS {
        Err(format!(
            "L'adresse des tuiles ne doit pas dépasser {MAX_TILE_URL_CHARS} caractères."
        ))
    } else if !(lower.starts_with("https://") || lower.starts_with("http://"))
        || url.len() <= "https://".len()
    {
        Err("L'adresse des tuiles doit commencer par https:// (ou http://).".to_owned())
    } else if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
    {
        Err("L'adresse des tuiles ne doit contenir ni espace ni guillemet ni chevron.".to_owned())
    } else if !["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p)) {
        Err("L'adresse des tuiles doit contenir {z}, {x} et {y}.".to_owned())
    } else {
        Ok(())
    }
}

/// Bounded text, where the only markup allowed is a link: `<a href="https://…">…</a>`
/// (the maps show the credit as HTML, as tile providers word it).
fn check_tile_attribution(credit: &str) -> Result<(), String> {
    if credit.chars().count() > MAX_TILE_ATTRIBUTION_CHARS {
        return Err(format!(
            "Le crédit des tuiles ne doit pas dépasser {MAX_TILE_ATTRIBUTION_CHARS} caractères."
        ));
    }
    if credit.chars().any(char::is_control) {
        return Err("Le crédit des tuiles ne doit pas contenir de caractère de contrôle.".into());
    }
    let markup = "Le crédit des tuiles n'accepte que du texte et des liens \
                  <a href=\"https://…\">…</a>.";
    let mut rest = credit;
    while let Some(start) = rest.find('<') {
        let after = &rest[start..];
        let end = after.find('>').ok_or_else(|| markup.to_owned())?;
        let tag = &after[..=end];
        if tag != "</a>" && !is_safe_link(tag) {
            return Err(markup.to_owned());
        }
        rest = &after[end + 1..];
    }
    Ok(())
}

/// `<a href="http(s)://…">` with nothing else in the tag and no quote in the URL.
fn is_safe_link(tag: &str) -> bool {
    let Some(url) = tag
        .strip_prefix("<a href=\"")
        .and_then(|t| t.strip_suffix("\">"))
    else {
        return false;
    };
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
}

/// The settings in force on this instance, with what they come from.
#[derive(Debug, Clone)]
pub struct SettingsSnapshot {
    pub stored: storage::site_settings::StoredRow,
    pub effective: SiteSettings,
}

/// The in-memory settings of an instance.
#[derive(Debug)]
pub struct SettingsCache {
    defaults: SiteSettings,
    current: RwLock<Arc<SettingsSnapshot>>,
}

impl SettingsCache {
    pub async fn load(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<Self> {
        let defaults = SiteSettings::defaults(settings);
        let stored = storage::site_settings::load(db).await?;
        let cache = SettingsCache {
            current: RwLock::new(Arc::new(SettingsSnapshot {
                effective: stored.settings.apply(&defaults),
                stored,
            })),
            defaults,
        };
        Ok(cache)
    }

    pub fn defaults(&self) -> &SiteSettings {
        &self.defaults
    }

    pub fn current(&self) -> Arc<SettingsSnapshot> {
        match self.current.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The settings in force (a cheap copy of a few fields).
    pub fn effective(&self) -> SiteSettings {
        self.current().effective.clone()
    }

    /// Installs `stored` unless an equal or newer revision is already in place.
    pub fn install(&self, stored: storage::site_settings::StoredRow) {
        let snapshot = Arc::new(SettingsSnapshot {
            effective: stored.settings.apply(&self.defaults),
            stored,
        });
        let mut guard = match self.current.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if snapshot.stored.revision > guard.stored.revision {
            *guard = snapshot;
        }
    }

    /// Reloads when the stored revision differs from ours. Returns whether it reloaded.
    pub async fn refresh(&self, db: &DatabaseConnection) -> anyhow::Result<bool> {
        let revision = storage::site_settings::revision(db).await?;
        if revision == self.current().stored.revision {
            return Ok(false);
        }
        let stored = storage::site_settings::load(db).await?;
        tracing::info!(revision = stored.revision, "settings reloaded");
        self.install(stored);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_urls_need_http_and_the_three_placeholders() {
        assert!(check_tile_url("").is_ok());
        assert!(check_tile_url("https://t.example.fr/{z}/{x}/{y}.png").is_ok());
        assert!(check_tile_url("https://{s}.t.example.fr/{z}/{x}/{y}.png").is_ok());
        assert!(check_tile_url("javascript:alert(1)//{z}{x}{y}").is_err());
        assert!(check_tile_url("https://t.example.fr/{z}/{x}.png").is_err());
        assert!(check_tile_url("https://t.example.fr/{z}/{x}/{y}.png\" onerror=\"x").is_err());
    }

    #[test]
    fn tile_credits_accept_text_and_plain_links_only() {
        assert!(check_tile_attribution(crate::config::DEFAULT_TILE_ATTRIBUTION).is_ok());
        assert!(check_tile_attribution("© IGN").is_ok());
        assert!(check_tile_attribution("<a href=\"https://ign.fr\">IGN</a>").is_ok());
        assert!(check_tile_attribution("<script>alert(1)</script>").is_err());
        assert!(check_tile_attribution("<a href=\"javascript:x\">x</a>").is_err());
        assert!(check_tile_attribution("<a href=\"https://x\" onclick=\"y\">x</a>").is_err());
        assert!(check_tile_attribution("<img src=x onerror=y>").is_err());
        assert!(check_tile_attribution(&"x".repeat(501)).is_err());
    }

    #[test]
    fn the_secrecy_floor_holds_whatever_the_defaults() {
        let mut flags = Settings::local("sqlite::memory:");
        flags.secrecy_k = 1;
        let defaults = SiteSettings::defaults(&flags);
        assert_eq!(defaults.secrecy_k, MIN_SECRECY_K);
        let stored = StoredSettings {
            secrecy_k: Some(2),
            ..StoredSettings::default()
        };
        assert_eq!(stored.apply(&defaults).secrecy_k, MIN_SECRECY_K);
    }
}
