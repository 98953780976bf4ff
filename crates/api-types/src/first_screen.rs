//! The French texts of the page frame (header, menu, footer) and of the first screen of
//! the main public pages, in one place for the two programs that show them: the web app
//! (its i18n tables, `frontend/src/i18n`, take them from here) and the server, which
//! writes that first screen into the page it sends (`crates/server/src/first_screen.rs`)
//! so that a phone paints it before the app has arrived and started.

/// Class of the one element that wraps the first screen in the page.
pub const CLASS: &str = "premier-ecran";

pub const SITE_NAME: &str = "Solidarités";
pub const TAGLINE: &str = "Politiques sociales participatives";
pub const SKIP_LINK: &str = "Aller au contenu principal";
pub const NAV_LABEL: &str = "Menu principal";
pub const NAV_HOME: &str = "Accueil";
pub const NAV_CARTE: &str = "Carte des solidarités";
pub const NAV_QUESTIONNAIRE: &str = "Questionnaire";
pub const NAV_PROPOSALS: &str = "Propositions";
pub const NAV_AGENDA: &str = "Agenda";
pub const NAV_ACTORS: &str = "Acteurs";
pub const FOOTER_API: &str = "API ouverte";

/// The footer's sentence, with the software's version.
pub fn footer(version: &str) -> String {
    format!(
        "Solidarités {version} — logiciel libre (licence AGPL-3.0) au service des \
         collectivités locales."
    )
}

/// `/`: the page's heading and introduction.
pub const HOME_HEADING: &str = "Construisons ensemble les solidarités de notre territoire";
pub const HOME_INTRO: &str = "Solidarités est la plateforme ouverte qui permet aux \
    collectivités locales de construire leur politique sociale avec les habitantes et les \
    habitants\u{a0}: une carte des solidarités qui recense les services et les lieux \
    d’entraide du territoire, un questionnaire des besoins pour dire ce qui manque, et des \
    propositions à déposer et à soutenir.";

/// `/carte`: heading, introduction and the link to add an initiative.
pub const CARTE_TITLE: &str = "Carte des solidarités";
pub const CARTE_INTRO: &str = "Les associations, les CCAS, les communes et les collectifs \
    du territoire recensent ici ce qu’ils proposent\u{a0}: aide alimentaire, visites aux \
    personnes isolées, aide aux démarches, transport… Filtrez par thème ou par \
    commune\u{a0}; la liste sous la carte donne les mêmes résultats.";
pub const CARTE_ADD_LINK: &str = "Ajouter une initiative";

/// `/questionnaire`: the heading when no single campaign is shown, and the note under a
/// campaign's introduction.
pub const QUESTIONNAIRE_TITLE: &str = "Questionnaire des besoins";
pub const QUESTIONNAIRE_ANONYMOUS_NOTE: &str = "Vos réponses sont anonymes\u{a0}: ni votre \
    nom, ni votre adresse IP ne sont enregistrés avec elles. Les questions marquées \
    «\u{a0}obligatoire\u{a0}» doivent avoir une réponse.";

/// `/propositions/{id}`: the link back to the list.
pub const PROPOSALS_BACK_TO_LIST: &str = "Toutes les propositions";
