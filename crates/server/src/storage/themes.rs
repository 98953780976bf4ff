//! Themes of initiatives. The defaults are inserted at start-up (never by a migration) and
//! only when missing, so staff changes survive restarts.

use chrono::Utc;
use sea_orm::{
    sea_query::OnConflict, ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait,
    QueryOrder,
};

use super::carte_entities::theme;

/// Slug, French label, colour (AA contrast under white text), icon.
pub const DEFAULT_THEMES: &[(&str, &str, &str, &str)] = &[
    ("aide-alimentaire", "Aide alimentaire", "#B3261E", "basket"),
    ("isolement", "Isolement et lien social", "#6A1B9A", "users"),
    ("sante", "Santé et santé mentale", "#00695C", "heart-pulse"),
    ("emploi", "Emploi et ressources", "#1A5FB4", "briefcase"),
    ("logement", "Logement", "#8B4513", "home"),
    ("numerique", "Numérique", "#37474F", "laptop"),
    ("mobilite", "Mobilité", "#2E7D32", "bus"),
    (
        "education",
        "Éducation, enfance et parentalité",
        "#AD1457",
        "school",
    ),
    (
        "acces-aux-droits",
        "Démarches administratives et accès aux droits",
        "#4527A0",
        "file-text",
    ),
    ("seniors", "Seniors et aidants", "#5D4037", "hand-heart"),
    ("handicap", "Handicap", "#0D47A1", "accessibility"),
    ("violences", "Violences et protection", "#880E4F", "shield"),
    (
        "culture-sport",
        "Culture, sport et loisirs",
        "#BF360C",
        "palette",
    ),
    ("autre", "Autre", "#424242", "dots"),
];

/// Inserts the default themes that are missing (by slug). Idempotent, and safe when several
/// instances start together on an empty database: a slug another instance has just
/// inserted is skipped by the database (`ON CONFLICT DO NOTHING`), not an error.
pub async fn seed_defaults(db: &impl ConnectionTrait) -> Result<usize, sea_orm::DbErr> {
    let existing: Vec<String> = theme::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.slug)
        .collect();
    let mut inserted = 0;
    for (position, (slug, label, color, icon)) in DEFAULT_THEMES.iter().enumerate() {
        if existing.iter().any(|s| s == slug) {
            continue;
        }
        let row = theme::ActiveModel {
            slug: Set((*slug).to_owned()),
            label: Set((*label).to_owned()),
            color: Set((*color).to_owned()),
            icon: Set((*icon).to_owned()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            retired_at: Set(None),
        };
        let rows = theme::Entity::insert(row)
            .on_conflict(
                OnConflict::column(theme::Column::Slug)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        inserted += usize::try_from(rows).unwrap_or(0);
    }
    Ok(inserted)
}

/// Every theme, retired ones included, in display order.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<theme::Model>, sea_orm::DbErr> {
    theme::Entity::find()
        .order_by_asc(theme::Column::Position)
        .order_by_asc(theme::Column::Slug)
        .all(db)
        .await
}

/// Slugs a new submission may use.
pub async fn active_slugs(
    db: &impl ConnectionTrait,
) -> Result<std::collections::HashSet<String>, sea_orm::DbErr> {
    Ok(list(db)
        .await?
        .into_iter()
        .filter(|t| t.retired_at.is_none())
        .map(|t| t.slug)
        .collect())
}

/// A new theme, placed last.
pub async fn create(
    db: &impl ConnectionTrait,
    slug: &str,
    label: &str,
    color: &str,
    icon: &str,
) -> Result<theme::Model, sea_orm::DbErr> {
    let last = list(db)
        .await?
        .iter()
        .map(|t| t.position)
        .max()
        .unwrap_or(-1);
    theme::ActiveModel {
        slug: Set(slug.to_owned()),
        label: Set(label.to_owned()),
        color: Set(color.to_owned()),
        icon: Set(icon.to_owned()),
        position: Set(last + 1),
        retired_at: Set(None),
    }
    .insert(db)
    .await
}

/// Renames or recolours a theme. `None` when it does not exist.
pub async fn update(
    db: &impl ConnectionTrait,
    slug: &str,
    label: Option<&str>,
    color: Option<&str>,
    icon: Option<&str>,
) -> Result<Option<theme::Model>, sea_orm::DbErr> {
    let Some(found) = theme::Entity::find_by_id(slug.to_owned()).one(db).await? else {
        return Ok(None);
    };
    let mut row: theme::ActiveModel = found.into();
    if let Some(label) = label {
        row.label = Set(label.to_owned());
    }
    if let Some(color) = color {
        row.color = Set(color.to_owned());
    }
    if let Some(icon) = icon {
        row.icon = Set(icon.to_owned());
    }
    row.update(db).await.map(Some)
}

/// Retires a theme: existing initiatives keep it, new submissions cannot choose it.
pub async fn retire(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<theme::Model>, sea_orm::DbErr> {
    let Some(found) = theme::Entity::find_by_id(slug.to_owned()).one(db).await? else {
        return Ok(None);
    };
    if found.retired_at.is_some() {
        return Ok(Some(found));
    }
    let mut row: theme::ActiveModel = found.into();
    row.retired_at = Set(Some(Utc::now()));
    row.update(db).await.map(Some)
}

#[cfg(test)]
mod tests {
    use super::DEFAULT_THEMES;
    use crate::submission::contrast_with_white;

    #[test]
    fn default_theme_colours_have_aa_contrast_under_white_text() {
        for (slug, _, color, _) in DEFAULT_THEMES {
            let ratio = contrast_with_white(color).unwrap();
            assert!(ratio >= 4.5, "{slug} {color}: {ratio:.2}");
        }
        assert!(contrast_with_white("#FFFF00").unwrap() < 4.5);
        assert!(contrast_with_white("yellow").is_none());
    }
}
