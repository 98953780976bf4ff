//! Strings of the carte des solidarités (map, list, detail, add and edit an initiative).

use crate::format;
use solidarites_api_types::first_screen;

#[derive(Debug)]
pub struct Strings {
    pub title: &'static str,
    pub intro: &'static str,
    pub add_link: &'static str,
    pub add_title: &'static str,
    pub add_intro: &'static str,
    pub edit_title: &'static str,
    pub edit_intro: &'static str,

    // Filters
    pub filters_title: &'static str,
    /// The toggle of the folded filters, with the number set.
    pub filters_summary: fn(usize) -> String,
    pub filter_themes: &'static str,
    pub filter_themes_hint: &'static str,
    pub filter_commune: &'static str,
    pub filter_label: &'static str,
    pub filter_label_any: &'static str,
    pub filter_text: &'static str,
    pub filter_text_hint: &'static str,
    pub filter_search: &'static str,
    pub filters_clear: &'static str,
    pub commune_hint: &'static str,

    // Map
    pub map_label: &'static str,
    pub map_legend: &'static str,
    pub map_failed: &'static str,
    pub map_zoom_in: &'static str,
    pub map_zoom_out: &'static str,
    /// Accessible name of a marker: `{title}`, `{theme}` (filled in by carte.js).
    pub map_marker: &'static str,
    /// The same for an initiative covering a whole commune: `{commune}` too.
    pub map_marker_commune: &'static str,
    /// A group of markers: `{count}`, `{themes}`.
    pub map_cluster: &'static str,
    pub map_picked: &'static str,
    pub skip_to_list: &'static str,

    // Results
    /// « 12 initiatives » (and whether filters are set).
    pub results_count: fn(u64, bool) -> String,
    pub list_title: &'static str,
    pub list_hint: &'static str,
    pub list_hint_near: &'static str,
    /// The search around a commune: its name and the radius in km.
    pub near_intro: fn(&str, &str) -> String,
    pub near_leave: &'static str,
    /// « à 3,2 km » (the distance in French format).
    pub distance: fn(&str) -> String,
    pub list_empty: &'static str,
    pub run_by: fn(&str) -> String,
    pub pagination_label: &'static str,
    pub pagination_previous: &'static str,
    pub pagination_next: &'static str,
    pub pagination_status: fn(u64, u64) -> String,

    // Detail
    pub detail_close: &'static str,
    pub detail_unavailable: &'static str,
    pub detail_actor: &'static str,
    pub detail_place: &'static str,
    pub detail_dates: &'static str,
    pub detail_schedule: &'static str,
    pub detail_audience: &'static str,
    pub detail_contact: &'static str,
    pub contact_email_label: &'static str,
    pub contact_phone_label: &'static str,
    pub contact_url_label: &'static str,
    pub dates_since: fn(&str) -> String,
    pub dates_until: fn(&str) -> String,
    pub dates_from_to: fn(&str, &str) -> String,
    pub dates_on: fn(&str) -> String,
    pub place_whole_commune: fn(&str) -> String,
    /// « Label Anti-solitude, jusqu’au 31 décembre 2026 ».
    pub label_badge: fn(&str, &str) -> String,

    // Form
    pub form_required_note: &'static str,
    pub section_initiative: &'static str,
    pub section_themes: &'static str,
    pub section_place: &'static str,
    pub section_when: &'static str,
    pub section_contact: &'static str,
    pub section_actor: &'static str,
    pub field_title: &'static str,
    pub hint_title: &'static str,
    pub field_description: &'static str,
    pub hint_description: &'static str,
    pub field_main_theme: &'static str,
    pub choose_theme: &'static str,
    pub field_other_themes: &'static str,
    pub field_place: &'static str,
    pub place_mode_point: &'static str,
    pub place_mode_commune: &'static str,
    pub place_point_help: &'static str,
    pub place_point_in: fn(&str) -> String,
    pub place_pick_centre: &'static str,
    pub place_map_label: &'static str,
    pub field_commune: &'static str,
    pub field_lon: &'static str,
    pub field_lat: &'static str,
    pub error_coordinates: &'static str,
    pub field_address: &'static str,
    pub hint_address: &'static str,
    pub field_start_date: &'static str,
    pub field_end_date: &'static str,
    pub hint_end_date: &'static str,
    pub field_schedule: &'static str,
    pub hint_schedule: &'static str,
    pub field_audience: &'static str,
    pub hint_audience: &'static str,
    pub hint_contact: &'static str,
    pub field_email: &'static str,
    pub field_phone: &'static str,
    pub hint_phone: &'static str,
    pub field_url: &'static str,
    pub hint_url: &'static str,
    pub field_actor: &'static str,
    pub actor_mode_new: &'static str,
    pub actor_mode_existing: &'static str,
    pub actor_search_label: &'static str,
    pub actor_search_button: &'static str,
    pub actor_search_none: &'static str,
    pub actor_search_results: fn(usize) -> String,
    pub submit_add: &'static str,
    pub submit_edit: &'static str,
    pub sending: &'static str,

    // After sending
    pub sent_title: &'static str,
    pub sent_pending: &'static str,
    pub sent_link_title: &'static str,
    pub sent_link_explain: &'static str,
    pub sent_link_warning: &'static str,
    pub sent_link_label: &'static str,
    pub sent_copy: &'static str,
    pub sent_copied: &'static str,
    pub sent_copy_failed: &'static str,
    pub sent_open_link: &'static str,
    pub back_to_map: &'static str,

    // Edit page
    pub edit_form_title: &'static str,
    pub edit_actor: fn(&str) -> String,
    pub status_pending: &'static str,
    pub status_published: &'static str,
    pub status_published_revision: &'static str,
    pub status_rejected: &'static str,
    pub status_changes_requested: &'static str,
    pub status_archived: &'static str,
    pub status_withdrawn: &'static str,
    pub status_unknown: &'static str,
    pub moderation_message_title: &'static str,
    pub saved: &'static str,
    pub saved_revision: &'static str,
    pub withdraw_title: &'static str,
    pub withdraw_explain: &'static str,
    pub withdraw_button: &'static str,
    pub withdraw_confirm_question: &'static str,
    pub withdraw_confirm: &'static str,
    pub withdraw_cancel: &'static str,
    pub withdrawn_done: &'static str,
}

pub const FR: Strings = Strings {
    title: first_screen::CARTE_TITLE,
    intro: first_screen::CARTE_INTRO,
    add_link: first_screen::CARTE_ADD_LINK,
    add_title: "Ajouter une initiative",
    add_intro: "Vous menez une action solidaire sur le territoire\u{a0}? Décrivez-la ici. \
                Elle sera relue par l’équipe de modération avant d’apparaître sur la carte. \
                Aucun compte n’est nécessaire.",
    edit_title: "Modifier mon initiative",
    edit_intro: "Cette page est réservée à la personne qui a déposé l’initiative\u{a0}: \
                 elle s’ouvre avec le lien privé reçu lors de l’envoi.",

    filters_title: "Filtrer les initiatives",
    filters_summary: |n| match n {
        0 => "Thèmes, commune, mots-clés".to_owned(),
        1 => "Thèmes, commune, mots-clés (1 filtre actif)".to_owned(),
        n => format!("Thèmes, commune, mots-clés ({n} filtres actifs)"),
    },
    filter_themes: "Thèmes",
    filter_themes_hint: "Cochez un ou plusieurs thèmes\u{a0}; sans coche, tous les thèmes \
                         sont montrés.",
    filter_commune: "Commune",
    filter_label: "Label",
    filter_label_any: "Tous, avec ou sans label",
    filter_text: "Mots-clés",
    filter_text_hint: "Dans le titre ou la description.",
    filter_search: "Rechercher",
    filters_clear: "Effacer les filtres",
    commune_hint: "Nom ou code postal, puis choisissez dans la liste (flèches et Entrée).",

    map_label: "Carte des initiatives",
    map_legend: "Chaque initiative est signalée par l’icône de son thème principal\u{a0}; \
                 un cercle numéroté regroupe plusieurs initiatives proches (zoomez ou \
                 activez-le pour les voir). Un contour en pointillé indique une initiative \
                 qui couvre toute une commune.",
    map_failed: "La carte n’a pas pu être chargée. La liste des initiatives ci-dessous \
                 reste disponible.",
    map_zoom_in: "Zoomer",
    map_zoom_out: "Dézoomer",
    map_marker: "{title} — {theme}",
    map_marker_commune: "{title} — {theme} — toute la commune de {commune}",
    map_cluster: "{count} initiatives ici\u{a0}: {themes}. Activer pour zoomer.",
    map_picked: "Point choisi pour l’initiative",
    skip_to_list: "Aller à la liste des résultats",

    results_count: |n, filtered| match (n, filtered) {
        (0, true) => "Aucune initiative ne correspond à ces filtres.".to_owned(),
        (0, false) => "Aucune initiative n’est encore publiée.".to_owned(),
        (n, _) => format::plural(n, "initiative", "initiatives"),
    },
    list_title: "Liste des initiatives",
    list_hint: "Les mêmes résultats que la carte, du plus récent au plus ancien.",
    list_hint_near: "Les mêmes résultats que la carte, du plus proche au plus lointain \
                     (distance à vol d’oiseau depuis la commune).",
    near_intro: |commune, km| {
        format!(
            "Près de {commune}\u{a0}: les initiatives de la commune et celles à moins de \
             {km}\u{a0}km, de la plus proche à la plus lointaine."
        )
    },
    near_leave: "Voir tout le territoire",
    distance: |km| format!("à {km}\u{a0}km"),
    list_empty: "Aucune initiative à afficher.",
    run_by: |actor| format!("Par {actor}"),
    pagination_label: "Pages de résultats",
    pagination_previous: "Page précédente",
    pagination_next: "Page suivante",
    pagination_status: |page, pages| format!("Page {page} sur {pages}"),

    detail_close: "Fermer",
    detail_unavailable: "Initiative indisponible",
    detail_actor: "Porté par",
    detail_place: "Lieu",
    detail_dates: "Dates",
    detail_schedule: "Horaires",
    detail_audience: "Public",
    detail_contact: "Contact",
    contact_email_label: "Courriel",
    contact_phone_label: "Téléphone",
    contact_url_label: "Site",
    dates_since: |d| format!("Depuis le {d}"),
    dates_until: |d| format!("Jusqu’au {d}"),
    dates_from_to: |s, e| format!("Du {s} au {e}"),
    dates_on: |d| format!("Le {d}"),
    place_whole_commune: |c| format!("Toute la commune de {c}"),
    label_badge: |name, until| format!("Label {name}, jusqu’au {until}"),

    form_required_note: "Les champs marqués «\u{a0}obligatoire\u{a0}» doivent être remplis. \
                         Ce que vous écrivez ici sera public, sauf le lien de modification.",
    section_initiative: "L’initiative",
    section_themes: "Thèmes",
    section_place: "Lieu",
    section_when: "Quand",
    section_contact: "Contact public",
    section_actor: "Qui mène cette initiative\u{a0}?",
    field_title: "Titre",
    hint_title: "De 3 à 120 caractères, par exemple «\u{a0}Épicerie solidaire du centre\u{a0}».",
    field_description: "Description",
    hint_description: "Ce que vous proposez, pour qui, comment en bénéficier.",
    field_main_theme: "Thème principal",
    choose_theme: "Choisir un thème",
    field_other_themes: "Autres thèmes",
    field_place: "Lieu",
    place_mode_point: "Un lieu précis (un point sur la carte)",
    place_mode_commune: "Toute une commune",
    place_point_help: "Cliquez sur la carte à l’endroit de l’initiative. Au clavier\u{a0}: \
                       déplacez la carte avec les flèches puis utilisez le bouton «\u{a0}Placer \
                       le point au centre de la carte\u{a0}», ou saisissez la longitude et la \
                       latitude.",
    place_point_in: |commune| format!("Point placé dans la commune de {commune}."),
    place_pick_centre: "Placer le point au centre de la carte",
    place_map_label: "Carte pour placer l’initiative",
    field_commune: "Commune",
    field_lon: "Longitude",
    field_lat: "Latitude",
    error_coordinates: "La longitude et la latitude doivent être des nombres décimaux \
                        (par exemple -0,5 et 43,9).",
    field_address: "Adresse",
    hint_address: "Facultative, par exemple «\u{a0}12 rue de la Mairie\u{a0}».",
    field_start_date: "Date de début",
    field_end_date: "Date de fin",
    hint_end_date: "Laissez vide pour une action sans date de fin.",
    field_schedule: "Horaires",
    hint_schedule: "Par exemple «\u{a0}le mardi de 14\u{a0}h à 17\u{a0}h\u{a0}».",
    field_audience: "Public concerné",
    hint_audience: "Par exemple «\u{a0}familles, personnes âgées\u{a0}».",
    hint_contact: "Comment les personnes intéressées peuvent vous joindre\u{a0}; ces \
                   coordonnées seront publiées.",
    field_email: "Courriel",
    field_phone: "Téléphone",
    hint_phone: "Numéro français, par exemple 05\u{a0}58\u{a0}00\u{a0}00\u{a0}00.",
    field_url: "Site internet",
    hint_url: "Adresse complète commençant par https://",
    field_actor: "Acteur",
    actor_mode_new: "Une structure qui n’est pas encore sur la carte",
    actor_mode_existing: "Une structure déjà présente sur la carte",
    actor_search_label: "Nom de la structure",
    actor_search_button: "Chercher",
    actor_search_none: "Aucune structure publiée ne porte ce nom.",
    actor_search_results: |n| match n {
        1 => "1 structure trouvée\u{a0}: choisissez-la".to_owned(),
        n => format!("{n} structures trouvées\u{a0}: choisissez la vôtre"),
    },
    submit_add: "Envoyer l’initiative",
    submit_edit: "Enregistrer les modifications",
    sending: "Envoi en cours…",

    sent_title: "Merci, votre initiative a bien été envoyée",
    sent_pending: "Elle est en attente de modération\u{a0}: elle apparaîtra sur la carte dès \
                   que l’équipe l’aura relue et validée.",
    sent_link_title: "Votre lien privé de modification",
    sent_link_explain: "Ce lien est le seul moyen de modifier ou de retirer votre initiative, \
                        et de lire la réponse de l’équipe de modération. Gardez-le\u{a0}: \
                        copiez-le dans un courriel ou un document, ou ajoutez la page à vos \
                        favoris.",
    sent_link_warning: "Nous ne conservons pas ce lien et ne pourrons pas vous le renvoyer. \
                        Ne le partagez pas\u{a0}: toute personne qui le connaît peut modifier \
                        votre initiative.",
    sent_link_label: "Lien de modification",
    sent_copy: "Copier le lien",
    sent_copied: "Lien copié.",
    sent_copy_failed: "La copie n’a pas fonctionné\u{a0}: sélectionnez le lien et copiez-le \
                       vous-même.",
    sent_open_link: "Ouvrir ma page de modification",
    back_to_map: "Retour à la carte",

    edit_form_title: "Modifier le contenu",
    edit_actor: |actor| format!("Structure\u{a0}: {actor}."),
    status_pending: "En attente de modération\u{a0}: l’initiative n’est pas encore visible \
                     sur la carte.",
    status_published: "Publiée\u{a0}: l’initiative est visible sur la carte.",
    status_published_revision: "Publiée. Vos dernières modifications attendent la \
                                validation de l’équipe de modération\u{a0}; en attendant, \
                                la version précédente reste affichée.",
    status_rejected: "Refusée par l’équipe de modération.",
    status_changes_requested: "L’équipe de modération demande des modifications avant \
                               publication.",
    status_archived: "Archivée\u{a0}: l’initiative n’est plus visible et ne peut plus être \
                      modifiée.",
    status_withdrawn: "Retirée\u{a0}: l’initiative n’est plus visible et ne peut plus être \
                       modifiée.",
    status_unknown: "État inconnu.",
    moderation_message_title: "Message de l’équipe de modération",
    saved: "Modifications enregistrées. L’initiative reste en attente de modération.",
    saved_revision: "Modifications enregistrées. Elles seront visibles sur la carte après \
                     validation par l’équipe de modération.",
    withdraw_title: "Retirer l’initiative",
    withdraw_explain: "L’initiative disparaîtra de la carte. Ce retrait est définitif.",
    withdraw_button: "Retirer l’initiative…",
    withdraw_confirm_question: "Retirer définitivement cette initiative de la carte\u{a0}?",
    withdraw_confirm: "Oui, retirer l’initiative",
    withdraw_cancel: "Annuler",
    withdrawn_done: "Votre initiative a été retirée de la carte.",
};

languages!(FR);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_sentences_follow_french_rules() {
        assert_eq!((FR.results_count)(1, false), "1\u{a0}initiative");
        assert_eq!(
            (FR.results_count)(1234, true),
            "1\u{202f}234\u{a0}initiatives"
        );
        assert!((FR.results_count)(0, true).contains("Aucune"));
        assert_eq!((FR.pagination_status)(2, 5), "Page 2 sur 5");
        assert_eq!((FR.place_whole_commune)("Dax"), "Toute la commune de Dax");
    }

    #[test]
    fn map_templates_carry_their_placeholders() {
        for (template, keys) in [
            (FR.map_marker, &["{title}", "{theme}"][..]),
            (
                FR.map_marker_commune,
                &["{title}", "{theme}", "{commune}"][..],
            ),
            (FR.map_cluster, &["{count}", "{themes}"][..]),
        ] {
            for key in keys {
                assert!(template.contains(key), "{template} lacks {key}");
            }
        }
    }
}
