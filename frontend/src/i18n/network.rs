//! Strings of the console's pages of the actors' network: « Courriels » (the e-mail
//! outbox) and « Bénévoles à mettre en relation » (volunteers matched with listings).

#[derive(Debug)]
pub struct Strings {
    // « Courriels »
    pub outbox_nav: &'static str,
    pub outbox_title: &'static str,
    pub outbox_intro: &'static str,
    pub outbox_smtp: fn(bool) -> &'static str,
    pub outbox_backlog: fn(u64) -> String,
    pub outbox_empty: &'static str,
    pub outbox_caption: fn(usize) -> String,
    pub col_created: &'static str,
    pub col_kind: &'static str,
    pub col_recipient: &'static str,
    pub col_status: &'static str,
    pub col_attempts: &'static str,
    pub col_next: &'static str,
    pub col_error: &'static str,
    pub kind: fn(&str) -> String,
    pub status: fn(&str) -> &'static str,
    pub none: &'static str,
    // « Bénévoles à mettre en relation »
    pub matches_nav: &'static str,
    pub matches_title: &'static str,
    pub matches_intro: fn(f64, u32) -> String,
    pub matches_radius: &'static str,
    pub matches_show: &'static str,
    pub matches_csv: &'static str,
    pub matches_empty: &'static str,
    pub matches_caption: fn(u64) -> String,
    pub col_volunteer: &'static str,
    pub col_contact: &'static str,
    pub col_matches: &'static str,
    pub match_line: fn(&str, &str, f64) -> String,
    pub kind_initiative: &'static str,
    pub kind_actor: &'static str,
}

pub const FR: Strings = Strings {
    outbox_nav: "Courriels",
    outbox_title: "Courriels",
    outbox_intro: "Les 200 derniers messages de la plateforme, du plus récent au plus \
                   ancien : leur état, les essais et le prochain essai. Les textes ne sont \
                   jamais affichés et les adresses sont masquées.",
    outbox_smtp: |configured| {
        if configured {
            "Un serveur d’envoi (SMTP) est configuré."
        } else {
            "Aucun serveur d’envoi (SMTP) n’est configuré : les messages sont seulement \
             inscrits au journal du serveur."
        }
    },
    outbox_backlog: |n| match n {
        0 => "Aucun message en attente d’envoi.".to_owned(),
        1 => "1 message en attente d’envoi.".to_owned(),
        n => format!("{n} messages en attente d’envoi."),
    },
    outbox_empty: "Aucun message pour l’instant.",
    outbox_caption: |n| format!("{n} message(s), du plus récent au plus ancien"),
    col_created: "Créé le",
    col_kind: "Type",
    col_recipient: "Destinataire",
    col_status: "État",
    col_attempts: "Essais",
    col_next: "Prochain essai",
    col_error: "Dernière erreur",
    kind: |kind| {
        match kind {
            "initiative_decided" => "Décision sur une initiative",
            "proposal_decided" => "Décision sur une proposition",
            "event_decided" => "Décision sur un événement",
            "listing_stale" => "Fiche à confirmer",
            "moderation_digest" => "Résumé de modération",
            other => return other.to_owned(),
        }
        .to_owned()
    },
    status: |status| match status {
        "pending" => "En attente",
        "retrying" => "Nouvel essai prévu",
        "sent" => "Envoyé",
        "logged" => "Inscrit au journal",
        _ => "Inconnu",
    },
    none: "—",
    matches_nav: "Bénévoles à mettre en relation",
    matches_title: "Bénévoles à mettre en relation",
    matches_intro: |radius, months| {
        format!(
            "Chaque bénévole inscrit avec son accord, avec les initiatives et acteurs \
             publiés qui accueillent des bénévoles dans sa commune ou à moins de {radius} km \
             et partagent l’un de ses thèmes, du plus proche au plus lointain. Les \
             inscriptions sont effacées au bout de {months} mois."
        )
    },
    matches_radius: "Distance (km)",
    matches_show: "Afficher",
    matches_csv: "Télécharger la liste (CSV)",
    matches_empty: "Aucun bénévole à mettre en relation pour l’instant.",
    matches_caption: |n| format!("{n} bénévole(s) à mettre en relation"),
    col_volunteer: "Bénévole",
    col_contact: "Contact",
    col_matches: "À proposer",
    match_line: |kind, name, km| format!("{kind} « {name} » ({km:.1} km)"),
    kind_initiative: "Initiative",
    kind_actor: "Acteur",
};

languages!(FR);
