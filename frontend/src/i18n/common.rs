//! Strings of the page frame (header, navigation, footer), the 404 page, and the messages
//! every page shares (loading, network and server errors, form errors).

use solidarites_api_types::first_screen;

#[derive(Debug)]
pub struct Strings {
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub skip_link: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub nav_carte: &'static str,
    pub nav_actors: &'static str,
    pub nav_questionnaire: &'static str,
    pub nav_proposals: &'static str,
    pub nav_agenda: &'static str,
    /// `<title>` of a page: "{page} — Solidarités".
    pub page_title: fn(&str) -> String,
    pub footer: fn(&str) -> String,
    pub footer_api: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub not_found_home: &'static str,
    pub loading: &'static str,
    /// The pagination of a list page (agenda, proposals).
    pub page_of: fn(u64, u64) -> String,
    pub page_previous: &'static str,
    pub page_next: &'static str,
    pub retry: &'static str,
    pub error_network: &'static str,
    pub error_body: &'static str,
    pub error_throttled: &'static str,
    /// A server error without a message of its own: the HTTP status.
    pub error_http: fn(u16) -> String,
    /// Title of a form's error summary, with the number of errors.
    pub error_summary: fn(usize) -> String,
    pub required_mark: &'static str,
    pub optional_mark: &'static str,
    pub error_prefix: &'static str,
    /// The commune combobox's live message: how many communes are suggested.
    pub commune_results: fn(usize) -> String,
    pub commune_none: &'static str,
    /// The optional address of a submission (initiative, event) and its consent box.
    pub notify_email: &'static str,
    pub notify_email_hint: &'static str,
    pub notify_consent: &'static str,
}

pub const FR: Strings = Strings {
    site_name: first_screen::SITE_NAME,
    tagline: first_screen::TAGLINE,
    skip_link: first_screen::SKIP_LINK,
    nav_label: first_screen::NAV_LABEL,
    nav_home: first_screen::NAV_HOME,
    nav_carte: first_screen::NAV_CARTE,
    nav_actors: first_screen::NAV_ACTORS,
    nav_questionnaire: first_screen::NAV_QUESTIONNAIRE,
    nav_proposals: first_screen::NAV_PROPOSALS,
    nav_agenda: first_screen::NAV_AGENDA,
    page_title: |page| format!("{page} — Solidarités"),
    footer: first_screen::footer,
    footer_api: first_screen::FOOTER_API,
    not_found_title: "Page introuvable",
    not_found_text: "L’adresse demandée ne correspond à aucune page. Elle a peut-être été \
                     déplacée, ou une faute de frappe s’est glissée dans l’adresse.",
    not_found_home: "Revenir à l’accueil",
    loading: "Chargement…",
    page_of: |page, pages| format!("Page {page} sur {pages}"),
    page_previous: "Page précédente",
    page_next: "Page suivante",
    retry: "Réessayer",
    error_network: "Le service n’a pas pu être joint. Vérifiez votre connexion ou réessayez \
                    dans quelques instants.",
    error_body: "La réponse du service est illisible. Merci de réessayer dans quelques \
                 instants.",
    error_throttled: "Trop de demandes en peu de temps. Merci de patienter une minute avant \
                      de réessayer.",
    error_http: |status| {
        format!(
            "Le service n’a pas pu répondre (erreur\u{a0}{status}). Merci de réessayer dans \
             quelques instants."
        )
    },
    error_summary: |n| match n {
        1 => "1 erreur à corriger\u{a0}:".to_owned(),
        n => format!("{n} erreurs à corriger\u{a0}:"),
    },
    required_mark: "obligatoire",
    optional_mark: "facultatif",
    error_prefix: "Erreur\u{a0}:",
    commune_results: |n| match n {
        1 => "1 commune trouvée. Flèche bas pour la choisir.".to_owned(),
        n => format!("{n} communes trouvées. Flèches haut et bas pour choisir."),
    },
    commune_none: "Aucune commune du territoire ne correspond.",
    notify_email: "E-mail pour être prévenu",
    notify_email_hint: "Pour recevoir la décision de l’équipe de modération et, plus tard, \
                        la demande de confirmer que votre fiche est à jour, avec votre lien \
                        privé. L’adresse n’est jamais publiée, seule l’équipe la voit, et \
                        elle est effacée à la fin de la durée de conservation.",
    notify_consent: "J’accepte d’être prévenu par e-mail à cette adresse.",
};

languages!(FR);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_with_values() {
        assert_eq!((FR.page_title)("Accueil"), "Accueil — Solidarités");
        assert!((FR.error_http)(503).contains("erreur\u{a0}503"));
        assert_eq!((FR.error_summary)(1), "1 erreur à corriger\u{a0}:");
        assert_eq!((FR.error_summary)(3), "3 erreurs à corriger\u{a0}:");
        assert!((FR.footer)("0.1.0").starts_with("Solidarités 0.1.0 — "));
        assert_eq!(
            (FR.commune_results)(1),
            "1 commune trouvée. Flèche bas pour la choisir."
        );
    }
}
