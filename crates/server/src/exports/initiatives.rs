//! Published initiatives as GeoJSON (QGIS), as CSV (French Excel), and in the shape of the
//! data·inclusion schema (`structures` = actors, `services` = initiatives); the mapping is
//! documented in `docs/data-inclusion.md`.

use solidarites_domain::time;
use std::{
    collections::{BTreeSet, HashMap},
    io::Write,
    sync::Arc,
};

use sea_orm::DatabaseConnection;
use serde_json::{json, Value};
use solidarites_domain::InseeCode;
use tokio::runtime::Handle;

use super::{french_csv, french_date, ChunkWriter, PAGE_ROWS, UTF8_BOM};
use crate::{
    storage::{self},
    territory::LoadedTerritory,
};

/// The `source` of every data·inclusion record we produce.
pub const DATA_INCLUSION_SOURCE: &str = "solidarites";

/// Our default theme slugs → data·inclusion `thematiques` (its thematiques referential).
/// Themes staff add later have no equivalent and map to nothing.
pub const THEMATIQUES: &[(&str, &[&str])] = &[
    (
        "aide-alimentaire",
        &[
            "equipement-et-alimentation--alimentation",
            "gestion-financiere--obtenir-une-aide-alimentaire",
        ],
    ),
    ("isolement", &["remobilisation--lien-social"]),
    ("sante", &["sante", "sante--bien-etre-psychologique"]),
    ("emploi", &["trouver-un-emploi", "gestion-financiere"]),
    ("logement", &["logement-hebergement"]),
    ("numerique", &["numerique"]),
    ("mobilite", &["mobilite"]),
    (
        "education",
        &["famille", "famille--soutien-a-la-parentalite"],
    ),
    (
        "acces-aux-droits",
        &[
            "acces-aux-droits-et-citoyennete",
            "acces-aux-droits-et-citoyennete--accompagnement-dans-les-demarches-administratives",
        ],
    ),
    ("seniors", &["famille--soutien-aux-familles"]),
    ("handicap", &["handicap"]),
    (
        "violences",
        &[
            "famille--violences-intrafamiliales",
            "acces-aux-droits-et-citoyennete--aide-aux-victimes",
        ],
    ),
    (
        "culture-sport",
        &["remobilisation--decouvrir-son-potentiel-via-le-sport-et-la-culture"],
    ),
];

/// Our actor kinds → data·inclusion `typologie` (typologies de structures); `None` when
/// the referential has nothing close.
pub fn typologie(kind: &str) -> Option<&'static str> {
    match kind {
        "association" => Some("ASSO"),
        "ccas" => Some("CCAS"),
        "commune" => Some("MUNI"),
        "autre" => Some("Autre"),
        _ => None,
    }
}

/// data·inclusion thematiques of some theme slugs, sorted, without duplicates.
pub fn thematiques<'a>(themes: impl IntoIterator<Item = &'a str>) -> Vec<&'static str> {
    let mut out = BTreeSet::new();
    for theme in themes {
        if let Some((_, mapped)) = THEMATIQUES.iter().find(|(slug, _)| *slug == theme) {
            out.extend(mapped.iter().copied());
        }
    }
    out.into_iter().collect()
}

/// Everything an initiatives export reads.
#[derive(Debug, Clone)]
pub struct InitiativesExport {
    pub db: DatabaseConnection,
    pub territory: Arc<LoadedTerritory>,
    /// Theme slug → French label.
    pub theme_labels: HashMap<String, String>,
    /// What the public sees (initiatives ended or not confirmed for too long are left out).
    pub day: storage::freshness::PublicDay,
}

struct CommuneInfo {
    name: String,
    postal_code: Option<String>,
}

impl InitiativesExport {
    fn commune(&self, code: &str) -> CommuneInfo {
        let found = InseeCode::parse(code)
            .ok()
            .and_then(|c| self.territory.index.get(&c));
        CommuneInfo {
            name: found.map(|c| c.name.clone()).unwrap_or_default(),
            postal_code: found.and_then(|c| c.postal_codes.first().cloned()),
        }
    }

    /// Calls `each` with every exported initiative and its actor, page by page.
    fn for_each(
        &self,
        handle: &Handle,
        mut each: impl FnMut(&storage::Initiative, Option<&storage::Actor>) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut after = None;
        loop {
            let page = handle.block_on(storage::initiative_exports::published_page(
                &self.db, &self.day, after, PAGE_ROWS,
            ))?;
            let Some(last) = page.last() else {
                return Ok(());
            };
            after = Some(last.id);
            let actors = handle.block_on(storage::actors::by_ids(
                &self.db,
                page.iter().map(|i| i.actor_id),
            ))?;
            for row in &page {
                each(row, actors.get(&row.actor_id))?;
            }
        }
    }

    fn theme_label(&self, slug: &str) -> String {
        self.theme_labels
            .get(slug)
            .cloned()
            .unwrap_or_else(|| slug.to_owned())
    }

    /// A FeatureCollection of points (WGS 84), one feature per initiative.
    pub fn write_geojson(&self, out: &mut ChunkWriter, handle: &Handle) -> anyhow::Result<()> {
        out.write_all(br#"{"type":"FeatureCollection","features":["#)?;
        let mut first = true;
        self.for_each(handle, |row, actor| {
            let commune = self.commune(&row.commune_code);
            let themes = storage::initiatives::themes_of(row);
            let feature = json!({
                "type": "Feature",
                "id": row.id.to_string(),
                "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
                "properties": {
                    "id": row.id.to_string(),
                    "titre": row.title,
                    "description": row.description,
                    "theme_principal": themes.first().map(|t| self.theme_label(t)),
                    "themes": themes.iter().map(|t| self.theme_label(t)).collect::<Vec<_>>().join(", "),
                    "acteur": actor.map(|a| a.name.clone()),
                    "code_commune": row.commune_code,
                    "commune": commune.name,
                    "adresse": row.address,
                    "debut": row.start_date.map(|d| d.to_string()),
                    "fin": row.end_date.map(|d| d.to_string()),
                    "horaires": row.schedule,
                    "public": row.audience,
                    "courriel": row.contact_email,
                    "telephone": row.contact_phone,
                    "site_web": row.contact_url,
                    "precision": if row.has_point { "point" } else { "commune" },
                },
            });
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            serde_json::to_writer(&mut *out, &feature)?;
            Ok(())
        })?;
        out.write_all(b"]}")?;
        Ok(())
    }

    /// UTF-8 with BOM, `;`, decimal commas for coordinates, French column names.
    pub fn write_csv(&self, out: &mut ChunkWriter, handle: &Handle) -> anyhow::Result<()> {
        out.write_all(UTF8_BOM)?;
        let mut csv = french_csv(out);
        csv.write_record([
            "Identifiant",
            "Titre",
            "Description",
            "Thème principal",
            "Thèmes",
            "Acteur",
            "Code commune (INSEE)",
            "Commune",
            "Adresse",
            "Longitude",
            "Latitude",
            "Précision du lieu",
            "Début",
            "Fin",
            "Horaires",
            "Public",
            "Courriel",
            "Téléphone",
            "Site web",
        ])?;
        self.for_each(handle, |row, actor| {
            let commune = self.commune(&row.commune_code);
            let themes = storage::initiatives::themes_of(row);
            csv.write_record([
                row.id.to_string(),
                row.title.clone(),
                row.description.clone(),
                themes
                    .first()
                    .map(|t| self.theme_label(t))
                    .unwrap_or_default(),
                themes
                    .iter()
                    .map(|t| self.theme_label(t))
                    .collect::<Vec<_>>()
                    .join(", "),
                actor.map(|a| a.name.clone()).unwrap_or_default(),
                row.commune_code.clone(),
                commune.name,
                row.address.clone().unwrap_or_default(),
                super::french_decimal(row.lon, 6),
                super::french_decimal(row.lat, 6),
                if row.has_point { "point" } else { "commune" }.to_owned(),
                row.start_date.map(french_date).unwrap_or_default(),
                row.end_date.map(french_date).unwrap_or_default(),
                row.schedule.clone().unwrap_or_default(),
                row.audience.clone().unwrap_or_default(),
                row.contact_email.clone().unwrap_or_default(),
                row.contact_phone.clone().unwrap_or_default(),
                row.contact_url.clone().unwrap_or_default(),
            ])?;
            Ok(())
        })?;
        csv.flush()?;
        Ok(())
    }

    /// data·inclusion `services`: a JSON array, one object per initiative.
    pub fn write_services(&self, out: &mut ChunkWriter, handle: &Handle) -> anyhow::Result<()> {
        out.write_all(b"[")?;
        let mut first = true;
        self.for_each(handle, |row, _actor| {
            let commune = self.commune(&row.commune_code);
            let themes = storage::initiatives::themes_of(row);
            let service = json!({
                "id": row.id.to_string(),
                "structure_id": row.actor_id.to_string(),
                "source": DATA_INCLUSION_SOURCE,
                "nom": data_inclusion_name(&row.title),
                "presentation_resume": resume(&row.description),
                "presentation_detail": row.description,
                "types": Value::Null,
                "thematiques": thematiques(themes.iter().map(String::as_str)),
                "frais": Value::Null,
                "profils": Value::Null,
                "commune": commune.name,
                "code_postal": commune.postal_code,
                "code_insee": row.commune_code,
                "adresse": row.address,
                "complement_adresse": Value::Null,
                "longitude": row.lon,
                "latitude": row.lat,
                "recurrence": row.schedule,
                "date_creation": time::today_in_paris(row.created_at).to_string(),
                "date_suspension": row.end_date.map(|d| d.to_string()),
                "lien_source": Value::Null,
                "telephone": row.contact_phone,
                "courriel": row.contact_email,
                "contact_public": true,
                "date_maj": time::today_in_paris(row.updated_at).to_string(),
                "modes_accueil": ["en-presentiel"],
                "zone_diffusion_type": "commune",
                "zone_diffusion_code": row.commune_code,
                "zone_diffusion_nom": commune.name,
                "page_web": row.contact_url,
            });
            if !first {
                out.write_all(b",")?;
            }
            first = false;
            serde_json::to_writer(&mut *out, &service)?;
            Ok(())
        })?;
        out.write_all(b"]")?;
        Ok(())
    }

    /// data·inclusion `structures`: a JSON array, one object per published actor.
    pub fn write_structures(&self, out: &mut ChunkWriter, handle: &Handle) -> anyhow::Result<()> {
        let themes = handle.block_on(storage::initiative_exports::themes_by_actor(
            &self.db, &self.day,
        ))?;
        out.write_all(b"[")?;
        let mut first = true;
        let mut after = None;
        loop {
            let page = handle.block_on(storage::initiative_exports::published_actors_page(
                &self.db, &self.day, after, PAGE_ROWS,
            ))?;
            let Some(last) = page.last() else {
                break;
            };
            after = Some(last.id);
            for a in &page {
                let commune = a.commune_code.as_deref().map(|c| self.commune(c));
                let slugs = themes.get(&a.id);
                let structure = json!({
                    "id": a.id.to_string(),
                    "siret": Value::Null,
                    "rna": Value::Null,
                    "nom": data_inclusion_name(&a.name),
                    "commune": commune.as_ref().map(|c| c.name.clone()),
                    "code_postal": commune.as_ref().and_then(|c| c.postal_code.clone()),
                    "code_insee": a.commune_code,
                    "adresse": Value::Null,
                    "complement_adresse": Value::Null,
                    "longitude": Value::Null,
                    "latitude": Value::Null,
                    "typologie": typologie(&a.kind),
                    "telephone": a.contact_phone,
                    "courriel": a.contact_email,
                    "site_web": a.website,
                    "presentation_resume": resume(&a.description),
                    "presentation_detail": a.description,
                    "source": DATA_INCLUSION_SOURCE,
                    "date_maj": time::today_in_paris(a.updated_at).to_string(),
                    "antenne": false,
                    "lien_source": Value::Null,
                    "horaires_ouverture": Value::Null,
                    "accessibilite": Value::Null,
                    "labels_nationaux": [],
                    "labels_autres": [],
                    "thematiques": thematiques(slugs.into_iter().flatten().map(String::as_str)),
                });
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                serde_json::to_writer(&mut *out, &structure)?;
            }
        }
        out.write_all(b"]")?;
        Ok(())
    }
}

/// data·inclusion names: at most 150 characters, not ending with a full stop.
fn data_inclusion_name(name: &str) -> String {
    let short: String = name.trim().chars().take(150).collect();
    short.trim_end_matches(['.', ' ']).to_owned()
}

/// A short presentation: the first 280 characters, cut on a word with "…" when longer.
fn resume(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.chars().count() <= 280 {
        return Some(text.to_owned());
    }
    let cut: String = text.chars().take(279).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    Some(format!("{cut}…"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mapped_thematique_is_distinct_per_theme_and_sorted_once() {
        assert_eq!(
            thematiques(["isolement", "isolement", "inconnu"]),
            vec!["remobilisation--lien-social"]
        );
        assert!(thematiques(["autre"]).is_empty());
    }

    #[test]
    fn names_and_summaries_follow_data_inclusion_limits() {
        assert_eq!(data_inclusion_name("Repas partagés."), "Repas partagés");
        let long = "mot ".repeat(100);
        let summary = resume(&long).unwrap();
        assert!(summary.chars().count() <= 280);
        assert!(summary.ends_with('…'));
    }
}
