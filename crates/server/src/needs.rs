//! Measured needs by theme, shown beside proposals: among the respondents of the latest
//! needs campaign, the share who reported a difficulty in each theme, over the whole
//! territory and in each commune.
//!
//! - **Latest campaign**: the campaign with the latest opening date that has at least one
//!   answer ([`storage::needs::latest_campaign_with_answers`]).
//! - **A difficulty in a theme**: the theme's slug among the values of the multiple choice
//!   question whose options are themes (`domaines` in the Landes questionnaire, asked
//!   only to those who said they met difficulties).
//! - **Statistical secrecy**: the figures are read from the campaign's unfiltered results
//!   *after* protection ([`ResultsCache::protected`]), the very tables the results
//!   endpoints, the public results and the exports serve. A share is published only when
//!   both its count and its denominator (the scope's respondents) are visible cells of
//!   those tables, so a share times its denominator never gives a count under the
//!   threshold, and the needs reveal nothing the unfiltered results view does not.
//!
//! Cost: the protected tables are cached by the results module (and refreshed in the
//! background as answers arrive); this module keeps the table it derived from them for
//! `max_age` (`Settings::territory_refresh`, 10 s by default), so most proposal requests
//! read the needs from memory without any query.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use sea_orm::DatabaseConnection;
use solidarites_domain::results::{
    themes_question, Cell, Filter, SecretGroup, SecretTable, COMMUNE_LEVEL,
};

use crate::{
    results::{ResultsCache, ResultsError},
    storage,
    territory::LoadedTerritory,
};

/// One theme in one scope: the respondents who reported a difficulty in it, or `Secret`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThemeNeed {
    /// Reporting respondents, when visible in the protected tables.
    pub reporting: Option<u64>,
    /// The share over the scope's respondents, when both counts are visible.
    pub share: Option<f64>,
}

/// Respondents of one scope (a commune or the territory) and its themes, as protected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NeedsScope {
    /// Respondents, `None` when secret.
    pub respondents: Option<u64>,
    /// Theme slug → need; a theme missing here was not asked.
    pub themes: HashMap<String, ThemeNeed>,
}

impl NeedsScope {
    /// Whether the scope as a whole is withheld.
    pub fn is_secret(&self) -> bool {
        self.respondents.is_none()
    }

    fn from_group(group: &SecretGroup, question: Option<usize>, table: &SecretTable) -> Self {
        let respondents = if group.secret {
            None
        } else {
            group.respondents.count()
        };
        let mut themes = HashMap::new();
        if let Some(index) = question {
            let schema = &table.questions[index];
            let cells = group.questions.get(index).map(|q| &q.options);
            for (i, option) in schema.options.iter().enumerate() {
                let cell = cells
                    .and_then(|options| options.get(i))
                    .map_or(Cell::Secret, |o| o.cell);
                let reporting = match (respondents, cell) {
                    (Some(_), Cell::Value { count, .. }) => Some(count),
                    _ => None,
                };
                let share = match (respondents, reporting) {
                    (Some(n), Some(count)) if n > 0 => {
                        // Counts stay far below 2^52: the conversion is exact.
                        #[allow(clippy::cast_precision_loss)]
                        let share = count as f64 / n as f64;
                        Some(share)
                    }
                    _ => None,
                };
                themes.insert(option.value.clone(), ThemeNeed { reporting, share });
            }
        }
        NeedsScope {
            respondents,
            themes,
        }
    }
}

/// The needs measured by one campaign, after statistical secrecy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NeedsTable {
    pub campaign_id: String,
    pub campaign_title: String,
    /// Theme slugs offered by the campaign's domains question.
    pub asked: HashSet<String>,
    pub territory: NeedsScope,
    /// INSEE code → the commune's scope (communes with respondents only).
    pub communes: HashMap<String, NeedsScope>,
    /// The secrecy threshold the figures were protected with.
    pub k: u32,
}

impl NeedsTable {
    /// Reads the needs from the commune-level protected table of a campaign.
    pub fn from_protected(
        campaign_id: &str,
        campaign_title: &str,
        communes: &SecretTable,
        theme_slugs: &[String],
    ) -> NeedsTable {
        let question = themes_question(&communes.questions, theme_slugs);
        let asked = question
            .map(|i| {
                communes.questions[i]
                    .options
                    .iter()
                    .map(|o| o.value.clone())
                    .collect()
            })
            .unwrap_or_default();
        NeedsTable {
            campaign_id: campaign_id.to_owned(),
            campaign_title: campaign_title.to_owned(),
            asked,
            territory: NeedsScope::from_group(&communes.total, question, communes),
            communes: communes
                .groups
                .iter()
                .filter(|g| {
                    g.respondents
                        != Cell::Value {
                            count: 0,
                            share: None,
                        }
                })
                .map(|g| {
                    (
                        g.code.clone(),
                        NeedsScope::from_group(g, question, communes),
                    )
                })
                .collect(),
            k: communes.k,
        }
    }
}

/// The needs of the latest campaign, re-read from the results at most once per `max_age`.
#[derive(Debug, Default)]
pub struct NeedsCache {
    entry: Mutex<Option<CacheEntry>>,
}

#[derive(Debug, Clone)]
struct CacheEntry {
    table: Option<Arc<NeedsTable>>,
    k: u32,
    /// When the table was last read from the results.
    checked: Instant,
}

impl NeedsCache {
    /// The needs measured by the latest campaign with answers, protected with threshold
    /// `k`; `None` when no campaign has answers.
    ///
    /// Within `max_age` of the last read this answers from memory without any query;
    /// after it, it finds the latest campaign and reads its protected results again (which
    /// the results module brings up to date with the newest answers).
    pub async fn current(
        &self,
        db: &DatabaseConnection,
        results: &Arc<ResultsCache>,
        territory: Arc<LoadedTerritory>,
        k: u32,
        max_age: Duration,
    ) -> Result<Option<Arc<NeedsTable>>, ResultsError> {
        if let Some(entry) = self.lock().as_ref() {
            if entry.k == k && entry.checked.elapsed() < max_age {
                return Ok(entry.table.clone());
            }
        }
        let checked = Instant::now();
        let table = match storage::needs::latest_campaign_with_answers(db).await? {
            None => None,
            Some((campaign, _)) => {
                let protected = results
                    .protected(db, territory, &campaign, Filter::default(), k)
                    .await?;
                let slugs: Vec<String> = storage::themes::list(db)
                    .await?
                    .into_iter()
                    .map(|t| t.slug)
                    .collect();
                protected.level(COMMUNE_LEVEL).map(|communes| {
                    Arc::new(NeedsTable::from_protected(
                        &campaign.id,
                        &campaign.title,
                        communes,
                        &slugs,
                    ))
                })
            }
        };
        // The same figures keep the same `Arc`: the proposals' pages, stamped with it
        // (`crate::lists`), stay valid while a re-read finds nothing new.
        let previous = self.lock().as_ref().and_then(|entry| entry.table.clone());
        let table = match (previous, table) {
            (Some(previous), Some(table)) if *previous == *table => Some(previous),
            (_, table) => table,
        };
        *self.lock() = Some(CacheEntry {
            table: table.clone(),
            k,
            checked,
        });
        Ok(table)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<CacheEntry>> {
        // A panic while holding the lock cannot leave the entry half-written: keep going.
        self.entry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
