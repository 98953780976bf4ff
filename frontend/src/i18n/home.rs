//! Strings of the home page.

use solidarites_api_types::first_screen;

#[derive(Debug)]
pub struct Strings {
    pub title: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub doors_title: &'static str,
    pub door_carte_title: &'static str,
    pub door_carte_text: &'static str,
    pub door_carte_link: &'static str,
    pub door_questionnaire_title: &'static str,
    pub door_questionnaire_text: &'static str,
    pub door_questionnaire_link: &'static str,
    pub campaign_title: &'static str,
    pub campaign_none: &'static str,
    /// "Ouvert jusqu’au {date}".
    pub campaign_until: fn(&str) -> String,
    pub campaign_answer: &'static str,
    pub proposals_title: &'static str,
    pub proposals_none: &'static str,
    pub proposals_all: &'static str,
    pub proposals_new: &'static str,
}

pub const FR: Strings = Strings {
    title: "Accueil",
    heading: first_screen::HOME_HEADING,
    intro: first_screen::HOME_INTRO,
    doors_title: "Par où commencer\u{a0}?",
    door_carte_title: "Trouver de l’aide près de chez vous",
    door_carte_text: "Les associations, services et lieux d’entraide de votre commune, sur \
                      une carte et dans une liste.",
    door_carte_link: "Ouvrir la carte des solidarités",
    door_questionnaire_title: "Dire ce dont vous avez besoin",
    door_questionnaire_text: "Quelques minutes, de façon anonyme, pour faire connaître vos \
                              difficultés et ce qui vous aiderait.",
    door_questionnaire_link: "Répondre au questionnaire",
    campaign_title: "Consultation en cours",
    campaign_none: "Aucune consultation n’est ouverte en ce moment. Revenez bientôt\u{a0}!",
    campaign_until: |date| format!("Ouverte jusqu’au {date}"),
    campaign_answer: "Répondre",
    proposals_title: "Dernières propositions",
    proposals_none: "Aucune proposition n’a encore été publiée.",
    proposals_all: "Voir toutes les propositions",
    proposals_new: "Faire une proposition",
};

languages!(FR);
