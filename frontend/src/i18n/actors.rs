//! Strings of the directory of actors and of an actor's page.

use crate::format;

/// The kinds of actor the API knows, in the order the filters offer them.
pub const KINDS: &[&str] = &solidarites_domain::drafts::ActorKind::NAMES;

#[derive(Debug)]
pub struct Strings {
    pub title: &'static str,
    pub actor_title: &'static str,
    pub intro: &'static str,
    pub filters_title: &'static str,
    pub filter_kind: &'static str,
    pub filter_theme: &'static str,
    pub filter_label: &'static str,
    pub filter_commune: &'static str,
    pub filter_text: &'static str,
    pub filter_search: &'static str,
    pub filter_any: &'static str,
    pub filters_clear: &'static str,
    pub list_title: &'static str,
    /// « 12 acteurs » (and whether filters are set).
    pub results_count: fn(u64, bool) -> String,
    /// The name of a kind (`association` → « Association »).
    pub kind_label: fn(&str) -> &'static str,
    /// « Signataire de la charte depuis le 3 mars 2026 ».
    pub charter_signed: fn(&str) -> String,
    pub back_to_directory: &'static str,
    pub contact_title: &'static str,
    pub initiatives_title: fn(u64) -> String,
    pub map_label: &'static str,
    pub no_initiatives: &'static str,
    pub field_name: &'static str,
    pub field_kind: &'static str,
    pub choose_kind: &'static str,
    pub field_description: &'static str,
    pub field_website: &'static str,
    pub field_email: &'static str,
    pub field_phone: &'static str,
    pub field_commune: &'static str,
}

pub const FR: Strings = Strings {
    title: "Annuaire des acteurs",
    actor_title: "Acteur",
    intro: "Les structures qui mènent les initiatives de la carte des solidarités\u{a0}: \
            associations, CCAS, communes, collectifs… Les labels et la signature de la charte \
            sont attribués par la collectivité.",
    filters_title: "Filtrer les acteurs",
    filter_kind: "Type de structure",
    filter_theme: "Thème d’action",
    filter_label: "Label",
    filter_commune: "Commune",
    filter_text: "Nom",
    filter_search: "Rechercher",
    filter_any: "Tous",
    filters_clear: "Effacer les filtres",
    list_title: "Acteurs",
    results_count: |n, filtered| match (n, filtered) {
        (0, true) => "Aucun acteur ne correspond à ces filtres.".to_owned(),
        (0, false) => "Aucun acteur n’est encore publié.".to_owned(),
        (n, _) => format::plural(n, "acteur", "acteurs"),
    },
    kind_label: |kind| match kind {
        "association" => "Association",
        "ccas" => "CCAS",
        "commune" => "Commune",
        "collectif" => "Collectif",
        "entreprise" => "Entreprise",
        "particulier" => "Particulier",
        _ => "Autre",
    },
    charter_signed: |date| format!("Signataire de la charte depuis le {date}"),
    back_to_directory: "Retour à l’annuaire des acteurs",
    contact_title: "Contact",
    initiatives_title: |n| match n {
        0 | 1 => "Son initiative".to_owned(),
        _ => format!("Ses {n} initiatives"),
    },
    map_label: "Carte des initiatives de cet acteur",
    no_initiatives: "Cet acteur n’a pas d’initiative publiée en ce moment.",
    field_name: "Nom de la structure",
    field_kind: "Type de structure",
    choose_kind: "Choisir un type",
    field_description: "Présentation de la structure",
    field_website: "Site internet de la structure",
    field_email: "Courriel de la structure",
    field_phone: "Téléphone de la structure",
    field_commune: "Commune de la structure",
};

languages!(FR);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_name() {
        for kind in KINDS {
            assert!(
                *kind == "autre" || (FR.kind_label)(kind) != "Autre",
                "{kind}"
            );
        }
        assert_eq!((FR.results_count)(2, false), "2\u{a0}acteurs");
        assert_eq!((FR.initiatives_title)(3), "Ses 3 initiatives");
    }
}
