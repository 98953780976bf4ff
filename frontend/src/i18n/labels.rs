//! Strings of label applications: the public form (« Candidater au label »), the private
//! page of an application (« Votre candidature »), the console's review pages, the
//! criteria editor and the renewal invitation.

use super::{lang, Lang};

#[derive(Debug)]
pub struct Strings {
    // Public form
    /// « Candidater au label « Anti-solitude » ».
    pub apply_title: fn(&str) -> String,
    pub apply_intro: &'static str,
    pub unavailable_title: &'static str,
    pub field_actor: &'static str,
    pub field_actor_hint: &'static str,
    pub choose_actor: &'static str,
    pub criteria_title: &'static str,
    pub criteria_intro: &'static str,
    /// « Critère 1 : Ouvert à tous ».
    pub criterion_label: fn(usize, &str) -> String,
    pub field_attachment: &'static str,
    pub field_attachment_hint: &'static str,
    pub field_email: &'static str,
    pub field_email_hint: &'static str,
    pub field_consent: &'static str,
    pub send: &'static str,
    pub sending: &'static str,
    pub sent_title: &'static str,
    pub sent_text: &'static str,
    pub private_link: &'static str,
    pub open_application: &'static str,
    // Private page
    pub status_title: &'static str,
    pub status_name: fn(&str) -> &'static str,
    pub row_label: &'static str,
    pub row_actor: &'static str,
    pub row_status: &'static str,
    pub row_sent: &'static str,
    pub row_decided: &'static str,
    pub row_reason: &'static str,
    pub row_until: &'static str,
    pub row_attachment: &'static str,
    pub answers_title: &'static str,
    pub withdraw: &'static str,
    pub withdrawn_done: &'static str,
    pub apply_again: &'static str,
    // Actor page
    pub actor_labels_title: &'static str,
    pub actor_labels_intro: &'static str,
    // Console
    pub nav: &'static str,
    pub list_title: &'static str,
    pub list_intro: &'static str,
    pub filter_status: &'static str,
    pub filter_all: &'static str,
    pub caption: fn(u64) -> String,
    pub empty: &'static str,
    pub col_actor: &'static str,
    pub col_label: &'static str,
    pub col_sent: &'static str,
    pub col_status: &'static str,
    pub examine: &'static str,
    /// « Examiner la candidature de X au label Y ».
    pub examine_of: fn(&str, &str) -> String,
    pub back_to_list: &'static str,
    /// « Candidature de X au label « Y » ».
    pub detail_title: fn(&str, &str) -> String,
    pub answers_caption: &'static str,
    pub col_criterion: &'static str,
    pub col_answer: &'static str,
    pub has_email: fn(bool) -> &'static str,
    pub current_grant: fn(&str) -> String,
    pub no_current_grant: &'static str,
    pub decision_title: &'static str,
    pub approve_title: &'static str,
    pub field_expires_on: &'static str,
    pub field_expires_on_hint: &'static str,
    pub approve: &'static str,
    pub refuse_title: &'static str,
    pub field_reason: &'static str,
    pub field_reason_hint: &'static str,
    pub refuse: &'static str,
    pub approved_done: fn(&str) -> String,
    pub refused_done: &'static str,
    // Renewal and criteria (console page of labels)
    pub invite: &'static str,
    /// « Inviter X à renouveler « Y » ».
    pub invite_of: fn(&str, &str) -> String,
    pub invited_on: fn(&str) -> String,
    pub invited_done: fn(&str) -> String,
    pub criteria_editor_title: fn(&str) -> String,
    pub criteria_editor_intro: &'static str,
    pub criterion_n: fn(usize) -> String,
    pub add_criterion: &'static str,
    pub remove_criterion: fn(usize) -> String,
    pub move_up: fn(usize) -> String,
    pub remove: &'static str,
    pub up: &'static str,
    pub save_criteria: &'static str,
    pub criteria_saved: &'static str,
}

pub const FR: Strings = Strings {
    apply_title: |name| format!("Candidater au label « {name} »"),
    apply_intro: "Répondez à chacun des critères du label. Le comité du label examine les \
        candidatures et vous informe de sa décision. Les réponses ne sont pas publiées.",
    unavailable_title: "Candidature indisponible",
    field_actor: "Acteur qui candidate",
    field_actor_hint: "Seuls les acteurs publiés dans l’annuaire peuvent candidater.",
    choose_actor: "Choisissez un acteur",
    criteria_title: "Critères du label",
    criteria_intro: "Expliquez, pour chaque critère, comment votre structure le remplit.",
    criterion_label: |n, text| format!("Critère {n}\u{a0}: {text}"),
    field_attachment: "Lien vers un document",
    field_attachment_hint: "Adresse commençant par https:// (statuts, projet, charte…).",
    field_email: "Adresse e-mail pour connaître la décision",
    field_email_hint: "Elle n’est visible que de l’équipe de la plateforme, sert à vous \
        informer de la décision et de l’échéance du label, et est effacée à la fin de la \
        durée de conservation.",
    field_consent: "J’accepte d’être informé par e-mail de la décision et de l’échéance du \
        label.",
    send: "Envoyer la candidature",
    sending: "Envoi en cours…",
    sent_title: "Votre candidature est envoyée",
    sent_text: "Le comité du label va l’examiner. Gardez ce lien privé\u{a0}: il permet de \
        suivre votre candidature et de la retirer. Ne le partagez pas.",
    private_link: "Votre lien privé",
    open_application: "Voir votre candidature",
    status_title: "Votre candidature",
    status_name: |status| match status {
        "pending" => "En attente d’examen",
        "approved" => "Approuvée",
        "refused" => "Refusée",
        "withdrawn" => "Retirée",
        _ => "Inconnu",
    },
    row_label: "Label",
    row_actor: "Acteur",
    row_status: "Statut",
    row_sent: "Envoyée le",
    row_decided: "Traitée le",
    row_reason: "Motif du refus",
    row_until: "Label accordé jusqu’au",
    row_attachment: "Document joint",
    answers_title: "Vos réponses",
    withdraw: "Retirer ma candidature",
    withdrawn_done: "Votre candidature est retirée.",
    apply_again: "Candidater à nouveau",
    actor_labels_title: "Labels",
    actor_labels_intro: "Cet acteur peut candidater aux labels du territoire\u{a0}:",
    nav: "Candidatures aux labels",
    list_title: "Candidatures aux labels",
    list_intro: "Les candidatures des acteurs aux labels, les plus anciennes d’abord. \
        Examinez chacune\u{a0}: approuvez-la avec une date d’expiration ou refusez-la en \
        donnant le motif, que le candidat lira.",
    filter_status: "Statut",
    filter_all: "Toutes",
    caption: |n| match n {
        0 | 1 => format!("{n} candidature"),
        _ => format!("{n} candidatures"),
    },
    empty: "Aucune candidature avec ce statut.",
    col_actor: "Acteur",
    col_label: "Label",
    col_sent: "Envoyée le",
    col_status: "Statut",
    examine: "Examiner",
    examine_of: |actor, label| format!("Examiner la candidature de {actor} au label « {label} »"),
    back_to_list: "Retour aux candidatures",
    detail_title: |actor, label| format!("Candidature de {actor} au label « {label} »"),
    answers_caption: "Critères du label et réponses du candidat",
    col_criterion: "Critère",
    col_answer: "Réponse",
    has_email: |yes| {
        if yes {
            "Le candidat sera informé de la décision par e-mail."
        } else {
            "Le candidat n’a pas laissé d’adresse e-mail\u{a0}: il lira la décision à son lien privé."
        }
    },
    current_grant: |until| {
        format!("L’acteur détient déjà ce label jusqu’au {until}\u{a0}: l’approuver le prolonge.")
    },
    no_current_grant: "L’acteur ne détient pas encore ce label.",
    decision_title: "Décision",
    approve_title: "Approuver",
    field_expires_on: "Date d’expiration",
    field_expires_on_hint: "Dernier jour de validité du label, dans le futur.",
    approve: "Approuver",
    refuse_title: "Refuser",
    field_reason: "Motif du refus",
    field_reason_hint: "Obligatoire\u{a0}: le candidat le lira.",
    refuse: "Refuser",
    approved_done: |until| format!("Candidature approuvée\u{a0}: label accordé jusqu’au {until}."),
    refused_done: "Candidature refusée.",
    invite: "Inviter à renouveler",
    invite_of: |holder, label| format!("Inviter {holder} à renouveler « {label} »"),
    invited_on: |day| format!("invité le {day}"),
    invited_done: |holder| format!("Invitation à renouveler envoyée à {holder}."),
    criteria_editor_title: |label| format!("Critères du label « {label} »"),
    criteria_editor_intro: "Les candidats répondent à chaque critère, dans cet ordre. Les \
        candidatures déjà envoyées gardent les critères auxquels elles ont répondu.",
    criterion_n: |n| format!("Critère {n}"),
    add_criterion: "Ajouter un critère",
    remove_criterion: |n| format!("Retirer le critère {n}"),
    move_up: |n| format!("Monter le critère {n}"),
    remove: "Retirer",
    up: "Monter",
    save_criteria: "Enregistrer les critères",
    criteria_saved: "Critères enregistrés.",
};

pub fn t() -> &'static Strings {
    match lang() {
        Lang::Fr => &FR,
    }
}
