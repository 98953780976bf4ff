//! Measured needs by theme, for weighing proposals: among the respondents of the latest
//! needs campaign, the share who reported a difficulty in each theme, over the whole
//! territory and in each commune.
//!
//! - **Latest campaign**: the campaign with the latest opening date (`opens_at`) that has at
//!   least one answer, whatever its status (an open campaign with answers wins over an
//!   older closed one).
//! - **A difficulty in a theme**: the answer holds `difficultes` = yes and the theme's slug
//!   among the values of `domaines` (the default Landes questionnaire asks exactly this,
//!   its `domaines` options being the theme slugs). A questionnaire without these questions
//!   measures nothing: every share is then 0 and [`NeedsTable::asked`] is empty.
//! - **Statistical secrecy** is applied by the caller with `Settings::secrecy_k`: no share
//!   is published over fewer respondents than that.
//!
//! This reads the stored answers directly. When the results aggregation (issue "results by
//! commune") lands, [`NeedsCache::current`] is the one place to switch to it: callers only
//! see a [`NeedsTable`].
//!
//! Cost: one aggregation pass over the campaign's answers, cached in memory and keyed by
//! (campaign id, number of answers). The key itself is checked at most once per refresh
//! period (`Settings::territory_refresh`, 10 s by default, like the other in-memory
//! snapshots): in between, requests read the needs from memory without any query.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Deserialize;
use solidarites_domain::{AnswerValue, QuestionKind, QuestionnaireDefinition};

use super::questionnaire_entities::{campaign, questionnaire_version, response};

/// Id of the yes/no question "did you meet difficulties".
pub const DIFFICULTY_QUESTION: &str = "difficultes";
/// Id of the multiple-choice question "in which domains", whose values are theme slugs.
pub const DOMAINS_QUESTION: &str = "domaines";

/// Respondents of one scope and how many reported a difficulty in each theme.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeCounts {
    pub respondents: u64,
    /// Theme slug → respondents who reported a difficulty in it.
    pub by_theme: HashMap<String, u64>,
}

impl ScopeCounts {
    /// The share of respondents who reported a difficulty in `theme`, or `None` when the
    /// scope has fewer than `k` respondents (statistical secrecy).
    pub fn share(&self, theme: &str, k: u32) -> Option<f64> {
        if self.respondents < u64::from(k.max(1)) {
            return None;
        }
        let n = self.by_theme.get(theme).copied().unwrap_or(0);
        // Counts stay far below 2^52: the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        let share = n as f64 / self.respondents as f64;
        Some(share)
    }
}

/// The needs measured by one campaign.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NeedsTable {
    pub campaign_id: String,
    pub campaign_title: String,
    /// Theme slugs offered by the campaign's `domaines` question.
    pub asked: HashSet<String>,
    pub territory: ScopeCounts,
    /// INSEE code → counts of the respondents of that commune.
    pub communes: HashMap<String, ScopeCounts>,
}

/// The two questions read from each stored answer (the others are skipped by serde).
#[derive(Debug, Deserialize)]
struct NeedsAnswers {
    #[serde(default, rename = "difficultes")]
    difficulty: Option<AnswerValue>,
    #[serde(default, rename = "domaines")]
    domains: Option<AnswerValue>,
}

/// Theme slugs in which this answer (stored JSON of `ValidatedAnswers`) reports a
/// difficulty; empty for an unreadable answer.
fn reported_themes(answers: &str) -> Vec<String> {
    let Ok(parsed) = serde_json::from_str::<NeedsAnswers>(answers) else {
        return Vec::new();
    };
    match (parsed.difficulty, parsed.domains) {
        (Some(AnswerValue::YesNo(true)), Some(AnswerValue::Choices { values, .. })) => values,
        _ => Vec::new(),
    }
}

fn asked_themes(definition: &str) -> HashSet<String> {
    let Ok(def) = serde_json::from_str::<QuestionnaireDefinition>(definition) else {
        return HashSet::new();
    };
    def.sections
        .iter()
        .flat_map(|s| &s.questions)
        .filter(|q| q.id == DOMAINS_QUESTION)
        .flat_map(|q| match &q.kind {
            QuestionKind::MultipleChoice { options, .. } => {
                options.iter().map(|o| o.value.clone()).collect()
            }
            _ => Vec::new(),
        })
        .collect()
}

/// The latest campaign that has answers, and its number of answers.
async fn latest_campaign(
    db: &impl ConnectionTrait,
) -> Result<Option<(campaign::Model, u64)>, DbErr> {
    let campaigns = campaign::Entity::find()
        .order_by_desc(campaign::Column::OpensAt)
        .order_by_asc(campaign::Column::Id)
        .all(db)
        .await?;
    for c in campaigns {
        let n = response::Entity::find()
            .filter(response::Column::CampaignId.eq(c.id.as_str()))
            .count(db)
            .await?;
        if n > 0 {
            return Ok(Some((c, n)));
        }
    }
    Ok(None)
}

/// Aggregates the answers of campaign `c` (one pass, answers read a page at a time).
pub async fn compute(db: &impl ConnectionTrait, c: &campaign::Model) -> Result<NeedsTable, DbErr> {
    const PAGE: u64 = 5_000;
    let definition = questionnaire_version::Entity::find_by_id(c.questionnaire_version_id.clone())
        .one(db)
        .await?
        .map(|v| v.definition)
        .unwrap_or_default();
    let mut table = NeedsTable {
        campaign_id: c.id.clone(),
        campaign_title: c.title.clone(),
        asked: asked_themes(&definition),
        ..NeedsTable::default()
    };
    let mut last_id = String::new();
    loop {
        // Keyset pagination on the primary key: stable while answers keep arriving.
        let rows: Vec<(String, String, String)> = response::Entity::find()
            .select_only()
            .column(response::Column::Id)
            .column(response::Column::CommuneCode)
            .column(response::Column::Answers)
            .filter(response::Column::CampaignId.eq(c.id.as_str()))
            .filter(response::Column::Id.gt(last_id.as_str()))
            .order_by_asc(response::Column::Id)
            .limit(PAGE)
            .into_tuple()
            .all(db)
            .await?;
        let Some((id, _, _)) = rows.last() else {
            break;
        };
        last_id = id.clone();
        let full_page = rows.len() as u64 == PAGE;
        for (_, commune, answers) in rows {
            let themes = reported_themes(&answers);
            let scope = table.communes.entry(commune).or_default();
            scope.respondents += 1;
            table.territory.respondents += 1;
            for theme in themes {
                *scope.by_theme.entry(theme.clone()).or_default() += 1;
                *table.territory.by_theme.entry(theme).or_default() += 1;
            }
        }
        if !full_page {
            break;
        }
    }
    Ok(table)
}

/// The needs of the latest campaign, recomputed only when its number of answers changes.
#[derive(Debug, Default)]
pub struct NeedsCache {
    entry: Mutex<Option<CacheEntry>>,
}

#[derive(Debug, Clone)]
struct CacheEntry {
    /// Campaign id and number of answers the table was computed from; `None` when no
    /// campaign had answers.
    key: Option<(String, u64)>,
    table: Option<Arc<NeedsTable>>,
    /// When the key was last checked against the database.
    checked: Instant,
}

impl NeedsCache {
    /// The needs measured by the latest campaign with answers; `None` when there is none.
    ///
    /// Within `max_age` of the last check this answers from memory without any query;
    /// after it, it counts the latest campaign's answers and aggregates them again only if
    /// that number changed. A new answer therefore shows within `max_age`.
    pub async fn current(
        &self,
        db: &impl ConnectionTrait,
        max_age: Duration,
    ) -> Result<Option<Arc<NeedsTable>>, DbErr> {
        let previous = self.lock().clone();
        if let Some(entry) = &previous {
            if entry.checked.elapsed() < max_age {
                return Ok(entry.table.clone());
            }
        }
        let checked = Instant::now();
        let latest = latest_campaign(db).await?;
        let key = latest.as_ref().map(|(c, n)| (c.id.clone(), *n));
        let table = match (&latest, previous) {
            (None, _) => None,
            (Some(_), Some(entry)) if entry.key == key && entry.table.is_some() => entry.table,
            (Some((c, _)), _) => Some(Arc::new(compute(db, c).await?)),
        };
        *self.lock() = Some(CacheEntry {
            key,
            table: table.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_difficulty_domains_from_stored_answers() {
        let yes = r#"{"difficultes":{"type":"yes_no","value":true},
            "domaines":{"type":"choices","value":{"values":["logement","sante"],"other":null}},
            "propositions":{"type":"text","value":"x"}}"#;
        assert_eq!(reported_themes(yes), ["logement", "sante"]);
        let no = r#"{"difficultes":{"type":"yes_no","value":false}}"#;
        assert!(reported_themes(no).is_empty());
        assert!(reported_themes("not json").is_empty());
    }

    #[test]
    fn shares_are_withheld_under_the_secrecy_threshold() {
        let scope = ScopeCounts {
            respondents: 4,
            by_theme: HashMap::from([("logement".to_owned(), 1)]),
        };
        assert_eq!(scope.share("logement", 5), None);
        assert_eq!(scope.share("logement", 4), Some(0.25));
        assert_eq!(scope.share("sante", 4), Some(0.0));
    }
}
