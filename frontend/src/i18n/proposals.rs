//! Strings of the proposals pages.

use solidarites_api_types::first_screen;

#[derive(Debug)]
pub struct Strings {
    pub title: &'static str,
    pub intro: &'static str,
    pub new_title: &'static str,
    pub new_link: &'static str,
    pub detail_title: &'static str,
    pub filters_title: &'static str,
    pub filter_text: &'static str,
    pub filter_theme: &'static str,
    pub filter_commune: &'static str,
    pub filter_status: &'static str,
    pub filter_sort: &'static str,
    pub filter_all: &'static str,
    pub filter_apply: &'static str,
    pub filter_reset: &'static str,
    pub sort_newest: &'static str,
    pub sort_most_supported: &'static str,
    pub sort_priority: &'static str,
    /// "12 propositions".
    pub count: fn(u64) -> String,
    pub none: &'static str,
    pub pagination: &'static str,
    /// French label of a follow-up status.
    pub status: fn(&str) -> &'static str,
    pub status_label: &'static str,
    pub whole_territory: &'static str,
    pub anonymous: &'static str,
    pub by: fn(&str) -> String,
    pub published_on: fn(&str) -> String,
    pub themes_label: &'static str,
    pub commune_label: &'static str,
    pub supports: fn(u64) -> String,
    pub support: &'static str,
    pub unsupport: &'static str,
    pub supported_note: &'static str,
    pub supports_closed: &'static str,
    pub support_device_note: &'static str,
    pub priority: fn(i32) -> String,
    pub merged_into: &'static str,
    pub merged_link: &'static str,
    pub timeline_title: &'static str,
    pub timeline_published: &'static str,
    pub needs_title: &'static str,
    pub needs_intro: fn(&str) -> String,
    pub needs_none: &'static str,
    pub needs_commune: fn(&str) -> String,
    pub needs_territory: &'static str,
    pub needs_respondents: fn(u64) -> String,
    pub needs_secret: &'static str,
    pub needs_not_asked: &'static str,
    pub needs_share: fn(&str, &str) -> String,
    pub back_to_list: &'static str,
    pub form_intro: &'static str,
    pub form_title: &'static str,
    pub form_title_hint: &'static str,
    pub form_description: &'static str,
    pub form_description_hint: &'static str,
    pub form_main_theme: &'static str,
    pub form_choose: &'static str,
    pub form_other_themes: &'static str,
    pub form_other_themes_hint: &'static str,
    pub form_commune: &'static str,
    pub form_commune_hint: &'static str,
    pub form_pseudonym: &'static str,
    pub form_pseudonym_hint: &'static str,
    pub form_notify_email: &'static str,
    pub form_notify_email_hint: &'static str,
    pub form_notify_consent: &'static str,
    pub form_send: &'static str,
    pub form_sending: &'static str,
    pub sent_title: &'static str,
    pub sent_text: &'static str,
    pub sent_another: &'static str,
    pub home_latest_supports: fn(u64) -> String,
}

fn status_fr(status: &str) -> &'static str {
    match status {
        "submitted" => "Déposée",
        "under_study" => "À l’étude",
        "accepted" => "Acceptée",
        "in_progress" => "En cours",
        "done" => "Réalisée",
        "declined" => "Non retenue",
        _ => "Statut inconnu",
    }
}

pub const FR: Strings = Strings {
    title: "Propositions",
    intro: "Les actions de solidarité proposées par les habitantes et les habitants. \
            Soutenez celles qui vous tiennent à cœur\u{a0}: la collectivité suit chacune \
            d’elles et répond publiquement.",
    new_title: "Faire une proposition",
    new_link: "Faire une proposition",
    detail_title: "Proposition",
    filters_title: "Filtrer les propositions",
    filter_text: "Rechercher",
    filter_theme: "Thème",
    filter_commune: "Commune",
    filter_status: "Avancement",
    filter_sort: "Trier par",
    filter_all: "Tous",
    filter_apply: "Appliquer",
    filter_reset: "Effacer les filtres",
    sort_newest: "Les plus récentes",
    sort_most_supported: "Les plus soutenues",
    sort_priority: "Priorité donnée par la collectivité",
    count: |n| match n {
        0 => "Aucune proposition ne correspond.".to_owned(),
        1 => "1 proposition".to_owned(),
        n => format!("{} propositions", crate::format::count(n)),
    },
    none: "Aucune proposition ne correspond à ces critères.",
    pagination: "Pages de résultats",
    status: status_fr,
    status_label: "Avancement\u{a0}:",
    whole_territory: "Tout le territoire",
    anonymous: "Proposition anonyme",
    by: |name| format!("Proposée par {name}"),
    published_on: |date| format!("Publiée le {date}"),
    themes_label: "Thèmes\u{a0}:",
    commune_label: "Commune\u{a0}:",
    supports: |n| crate::format::plural(n, "soutien", "soutiens"),
    support: "Je soutiens cette proposition",
    unsupport: "Retirer mon soutien",
    supported_note: "Vous soutenez cette proposition.",
    supports_closed: "Cette proposition ne reçoit plus de soutiens.",
    support_device_note: "Votre soutien est anonyme\u{a0}: il est compté une fois par \
                          appareil, sans compte ni adresse.",
    priority: |rank| format!("Priorité n°\u{a0}{rank}"),
    merged_into: "Cette proposition a été regroupée avec une proposition semblable.",
    merged_link: "Voir la proposition regroupée",
    timeline_title: "Suivi de la proposition",
    timeline_published: "Proposition publiée.",
    needs_title: "Les besoins mesurés",
    needs_intro: |campaign| {
        format!("Part des personnes ayant répondu à «\u{a0}{campaign}\u{a0}» qui signalent une difficulté dans ces domaines\u{a0}:")
    },
    needs_none: "Aucune réponse au questionnaire des besoins n’est encore disponible.",
    needs_commune: |commune| format!("À {commune}"),
    needs_territory: "Sur tout le territoire",
    needs_respondents: |n| crate::format::plural(n, "personne a répondu", "personnes ont répondu"),
    needs_secret: "Trop peu de réponses pour publier un chiffre (secret statistique).",
    needs_not_asked: "non mesuré",
    needs_share: |theme, share| format!("{theme}\u{a0}: {share}"),
    back_to_list: first_screen::PROPOSALS_BACK_TO_LIST,
    form_intro: "Décrivez l’action de solidarité que vous aimeriez voir naître. Votre \
                 proposition sera relue par l’équipe de modération avant d’être publiée.",
    form_title: "Titre de la proposition",
    form_title_hint: "De 3 à 120 caractères.",
    form_description: "Description",
    form_description_hint: "Ce que vous proposez, pour qui, et pourquoi (5\u{a0}000 \
                            caractères au plus). N’y mettez pas d’informations personnelles.",
    form_main_theme: "Thème principal",
    form_choose: "Choisir…",
    form_other_themes: "Autres thèmes",
    form_other_themes_hint: "Jusqu’à quatre de plus.",
    form_commune: "Commune concernée",
    form_commune_hint: "Laissez vide si la proposition concerne tout le territoire.",
    form_pseudonym: "Nom affiché",
    form_pseudonym_hint: "Un prénom ou un pseudonyme, montré avec la proposition. Laissez \
                          vide pour rester anonyme.",
    form_notify_email: "E-mail pour être prévenu",
    form_notify_email_hint: "Pour recevoir la décision de l’équipe de modération. \
                             L’adresse n’est jamais publiée, seule l’équipe la voit, et elle \
                             est effacée une fois la décision envoyée.",
    form_notify_consent: "J’accepte d’être prévenu par e-mail à cette adresse.",
    form_send: "Envoyer ma proposition",
    form_sending: "Envoi en cours…",
    sent_title: "Merci pour votre proposition\u{a0}!",
    sent_text: "Elle sera publiée après relecture par l’équipe de modération. Chacun pourra \
                alors la soutenir, et la collectivité y répondra publiquement.",
    sent_another: "Faire une autre proposition",
    home_latest_supports: |n| crate::format::plural(n, "soutien", "soutiens"),
};

languages!(FR);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_french_label() {
        for status in crate::pages::proposals::STATUSES {
            assert_ne!((FR.status)(status), "Statut inconnu", "{status}");
        }
        assert_eq!((FR.count)(0), "Aucune proposition ne correspond.");
        assert_eq!((FR.count)(1234), "1\u{202f}234 propositions");
        assert_eq!((FR.supports)(1), "1\u{a0}soutien");
    }
}
