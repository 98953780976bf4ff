//! Strings of the needs questionnaire.


#[derive(Debug)]
pub struct Strings {
    pub title: &'static str,
    pub choose_title: &'static str,
    pub choose_intro: &'static str,
    pub none_open: &'static str,
    pub closed: &'static str,
    pub anonymous_note: &'static str,
    pub restored: &'static str,
    pub start_over: &'static str,
    /// "Étape 2 sur 5".
    pub step_of: fn(usize, usize) -> String,
    pub progress_label: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub review_title: &'static str,
    pub review_intro: &'static str,
    pub review_edit: fn(&str) -> String,
    pub review_no_answer: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub other_label: &'static str,
    pub max_choices: fn(u32) -> String,
    pub max_length: fn(u32) -> String,
    pub number_between: fn(&str, &str) -> String,
    pub number_at_least: fn(&str) -> String,
    pub number_at_most: fn(&str) -> String,
    pub date_hint: &'static str,
    pub commune_hint: &'static str,
    pub commune_chosen: fn(&str) -> String,
    pub commune_pick: &'static str,
    pub commune_locate: &'static str,
    pub commune_locating: &'static str,
    pub commune_locate_failed: &'static str,
    pub commune_map_show: &'static str,
    pub commune_map_hide: &'static str,
    pub commune_map_hint: &'static str,
    pub commune_map_label: &'static str,
    pub commune_map_searching: &'static str,
    pub commune_fallback_label: &'static str,
    pub volunteer_title: &'static str,
    pub volunteer_received: &'static str,
    pub volunteer_intro: &'static str,
    pub volunteer_name: &'static str,
    pub volunteer_email: &'static str,
    pub volunteer_phone: &'static str,
    pub volunteer_contact_hint: &'static str,
    pub volunteer_commune: &'static str,
    pub volunteer_availability: &'static str,
    pub volunteer_availability_hint: &'static str,
    pub volunteer_themes: &'static str,
    pub volunteer_consent_title: &'static str,
    /// The consent sentence, sent to the server exactly as shown.
    pub volunteer_consent: &'static str,
    pub volunteer_send: &'static str,
    pub volunteer_skip: &'static str,
    pub thanks_title: &'static str,
    pub thanks_text: &'static str,
    pub thanks_volunteer: &'static str,
    pub thanks_carte: &'static str,
    pub thanks_proposals: &'static str,
    pub error_commune_pick: &'static str,
    pub error_contact: &'static str,
}

pub const FR: Strings = Strings {
    title: "Questionnaire des besoins",
    choose_title: "Choisissez une consultation",
    choose_intro: "Plusieurs consultations sont ouvertes en ce moment\u{a0}:",
    none_open: "Aucune consultation n’est ouverte en ce moment. Revenez bientôt\u{a0}!",
    closed: "Cette consultation n’accepte plus de réponses. Merci de votre intérêt\u{a0}!",
    anonymous_note: "Vos réponses sont anonymes\u{a0}: ni votre nom, ni votre adresse IP ne \
                     sont enregistrés avec elles. Les questions marquées «\u{a0}obligatoire\u{a0}» \
                     doivent avoir une réponse.",
    restored: "Vos réponses en cours ont été retrouvées sur cet appareil.",
    start_over: "Tout effacer et recommencer",
    step_of: |n, total| format!("Étape {n} sur {total}"),
    progress_label: "Progression dans le questionnaire",
    previous: "Étape précédente",
    next: "Étape suivante",
    review_title: "Relisez vos réponses",
    review_intro: "Vérifiez vos réponses avant de les envoyer. Vous pouvez encore les modifier.",
    review_edit: |section| format!("Modifier «\u{a0}{section}\u{a0}»"),
    review_no_answer: "Pas de réponse",
    submit: "Envoyer mes réponses",
    submitting: "Envoi en cours…",
    yes: "Oui",
    no: "Non",
    other_label: "Autre (précisez)",
    max_choices: |n| match n {
        1 => "Un seul choix possible.".to_owned(),
        n => format!("{n} choix au plus."),
    },
    max_length: |n| format!("{n} caractères au plus."),
    number_between: |min, max| format!("Un nombre de {min} à {max}."),
    number_at_least: |min| format!("Un nombre supérieur ou égal à {min}."),
    number_at_most: |max| format!("Un nombre inférieur ou égal à {max}."),
    date_hint: "Format\u{a0}: jj/mm/aaaa.",
    commune_hint: "Tapez le nom de la commune ou son code postal (5\u{a0}chiffres), puis \
                   choisissez-la dans la liste avec les flèches et la touche Entrée.",
    commune_chosen: |name| format!("Commune choisie\u{a0}: {name}"),
    commune_pick: "Choisissez une commune dans la liste.",
    commune_locate: "Utiliser ma position",
    commune_locating: "Recherche de votre position…",
    commune_locate_failed: "Votre position n’a pas pu être utilisée. Tapez le nom de votre \
                            commune.",
    commune_map_show: "Choisir sur une carte",
    commune_map_hide: "Masquer la carte",
    commune_map_hint:
        "Cliquez dans votre commune\u{a0}; la commune choisie s’affiche sous le champ.",
    commune_map_label: "Carte des communes du territoire",
    commune_map_searching: "Recherche de la commune à cet endroit…",
    commune_fallback_label: "Dans quelle commune habitez-vous\u{a0}?",
    volunteer_title: "Souhaitez-vous vous engager\u{a0}?",
    volunteer_received: "Merci\u{a0}! Vos réponses ont bien été enregistrées.",
    volunteer_intro: "Si vous souhaitez devenir bénévole, rejoindre un réseau de voisins \
                      solidaires ou être rappelé(e), laissez vos coordonnées. C’est \
                      facultatif\u{a0}: ces coordonnées sont enregistrées à part et ne sont \
                      jamais reliées à vos réponses, qui restent anonymes.",
    volunteer_name: "Nom et prénom",
    volunteer_email: "Adresse électronique",
    volunteer_phone: "Téléphone",
    volunteer_contact_hint: "Indiquez au moins une adresse électronique ou un numéro de \
                             téléphone.",
    volunteer_commune: "Votre commune",
    volunteer_availability: "Vos disponibilités",
    volunteer_availability_hint: "Par exemple\u{a0}: le mercredi après-midi, deux heures par \
                                  semaine.",
    volunteer_themes: "Les domaines qui vous intéressent",
    volunteer_consent_title: "Votre accord",
    volunteer_consent: "J’accepte que la collectivité conserve mon nom et mes coordonnées \
                        pour me recontacter au sujet du bénévolat et des actions de \
                        solidarité. Ces données sont gardées à part de mes réponses au \
                        questionnaire, ne sont vues que par les agents chargés du bénévolat, \
                        et je peux demander leur suppression à tout moment.",
    volunteer_send: "Envoyer mes coordonnées",
    volunteer_skip: "Non merci, terminer",
    thanks_title: "Merci pour votre participation\u{a0}!",
    thanks_text: "Vos réponses ont bien été enregistrées. Elles seront étudiées, avec \
                  celles des autres habitants, pour construire les solidarités de demain.",
    thanks_volunteer: "Vos coordonnées ont bien été enregistrées\u{a0}: nous vous \
                       recontacterons.",
    thanks_carte: "Trouver de l’aide sur la carte des solidarités",
    thanks_proposals: "Voir et soutenir les propositions",
    error_commune_pick: "Choisissez une commune dans la liste proposée.",
    error_contact: "Indiquez une adresse électronique ou un numéro de téléphone.",
};

languages!(FR);
