//! Strings of the agenda: the list of events, an event's page, the subscription help,
//! the submission form and the private edit page.


#[derive(Debug)]
pub struct Strings {
    pub title: &'static str,
    pub intro: &'static str,
    pub new_link: &'static str,
    pub filters_title: &'static str,
    pub filter_theme: &'static str,
    pub filter_commune: &'static str,
    pub filter_from: &'static str,
    pub filter_to: &'static str,
    pub filter_all: &'static str,
    pub filter_all_communes: &'static str,
    /// The map of the listed events.
    pub map_title: &'static str,
    pub map_label: &'static str,
    /// Online-only events are not on the map.
    pub map_online: &'static str,
    pub filter_actor: &'static str,
    pub filter_actor_remove: &'static str,
    pub filter_reset: &'static str,
    pub count: fn(u64) -> String,
    pub pagination: &'static str,
    pub online: &'static str,
    pub whole_commune: &'static str,
    /// French word of an announced status.
    pub status: fn(&str) -> &'static str,
    pub status_label: &'static str,
    /// "du 27/03/2027 à 10 h 00 au 29/03/2027 à 18 h 00".
    pub dates: fn(&str, &str) -> String,
    pub subscribe_title: &'static str,
    pub subscribe_what: &'static str,
    pub subscribe_url_label: &'static str,
    pub subscribe_iphone: &'static str,
    pub subscribe_android: &'static str,
    pub subscribe_other: &'static str,
    pub detail_dates: &'static str,
    pub detail_place: &'static str,
    pub detail_themes: &'static str,
    pub detail_audience: &'static str,
    pub detail_ages: fn(Option<u32>, Option<u32>) -> String,
    pub detail_accessibility: &'static str,
    pub accessibility: fn(&str) -> &'static str,
    pub detail_registration: &'static str,
    pub registration_free: &'static str,
    pub detail_actor: &'static str,
    pub detail_attendance: &'static str,
    pub attendance: fn(&str) -> &'static str,
    pub download_ics: &'static str,
    pub back_to_list: &'static str,
    pub actor_events_title: &'static str,
    pub actor_events_none: &'static str,
    // Form
    pub new_title: &'static str,
    pub form_intro: &'static str,
    pub form_title: &'static str,
    pub form_description: &'static str,
    pub form_theme: &'static str,
    pub form_choose: &'static str,
    pub form_start: &'static str,
    pub form_end: &'static str,
    pub form_dates_hint: &'static str,
    pub form_add_date: &'static str,
    pub form_remove_date: fn(usize) -> String,
    pub form_date_legend: fn(usize) -> String,
    pub form_attendance: &'static str,
    pub form_commune: &'static str,
    pub form_commune_hint: &'static str,
    pub form_address: &'static str,
    pub form_online_url: &'static str,
    pub form_audience: &'static str,
    pub form_age_min: &'static str,
    pub form_age_max: &'static str,
    pub form_accessibility: &'static str,
    pub form_registration: &'static str,
    pub form_registration_value: &'static str,
    pub registration_kind: fn(&str) -> &'static str,
    pub form_actor: &'static str,
    pub form_actor_none: &'static str,
    pub form_send: &'static str,
    pub form_sending: &'static str,
    pub sent_title: &'static str,
    pub sent_text: &'static str,
    pub sent_link_label: &'static str,
    // Edit page
    pub edit_title: &'static str,
    pub edit_status: fn(&str) -> String,
    pub edit_moderation_status: fn(&str) -> &'static str,
    pub edit_pending_change: &'static str,
    pub edit_message: &'static str,
    pub edit_event_status: &'static str,
    pub edit_event_status_hint: &'static str,
    pub edit_save_status: &'static str,
    pub edit_saved: &'static str,
    pub edit_withdraw: &'static str,
    pub edit_withdrawn: &'static str,
}

pub const FR: Strings = Strings {
    title: "Agenda",
    intro: "Les rendez-vous des acteurs de la solidarité du territoire : ateliers, repas \
            partagés, permanences, forums. Les plus proches d’abord.",
    new_link: "Proposer un événement",
    filters_title: "Filtrer les événements",
    filter_theme: "Thème",
    filter_commune: "Commune",
    filter_from: "À partir du",
    filter_to: "Jusqu’au",
    filter_all: "Tous les thèmes",
    filter_all_communes: "Toutes les communes",
    map_title: "Sur la carte",
    map_label: "Carte des événements de la liste",
    map_online: "Les événements en ligne seulement figurent dans la liste, pas sur la \
                 carte. Chaque point mène à la page de son événement.",
    filter_actor: "Événements d’un seul acteur",
    filter_actor_remove: "Voir les événements de tous les acteurs",
    filter_reset: "Effacer les filtres",
    count: |n| match n {
        0 => "Aucun événement à venir ne correspond.".to_owned(),
        1 => "1 événement".to_owned(),
        n => format!("{n} événements"),
    },
    pagination: "Pages de l’agenda",
    online: "En ligne",
    whole_commune: "toute la commune",
    status: |status| match status {
        "postponed" => "Reporté",
        "cancelled" => "Annulé",
        "full" => "Complet",
        _ => "Programmé",
    },
    status_label: "Statut :",
    dates: |start, end| {
        let (sd, st) = start.split_once('T').unwrap_or((start, ""));
        let (ed, et) = end.split_once('T').unwrap_or((end, ""));
        let day = |d: &str| crate::format::date_text(d);
        let time = |t: &str| t.replacen(':', " h ", 1);
        if sd == ed {
            format!("le {} de {} à {}", day(sd), time(st), time(et))
        } else {
            format!(
                "du {} à {} au {} à {}",
                day(sd),
                time(st),
                day(ed),
                time(et)
            )
        }
    },
    subscribe_title: "S’abonner à l’agenda",
    subscribe_what: "Un abonnement (un « flux iCalendar ») ajoute ces événements à l’agenda de \
                     votre téléphone ou de votre ordinateur, et les tient à jour tout seul : un \
                     événement reporté ou annulé y change aussi. Le lien ci-dessous suit les \
                     filtres choisis (commune, thème, acteur).",
    subscribe_url_label: "Adresse de l’abonnement",
    subscribe_iphone: "Sur iPhone : ouvrez Réglages › Calendrier › Comptes › Ajouter un compte › \
                       Autre › Ajouter un calendrier avec abonnement, puis collez l’adresse.",
    subscribe_android: "Sur Android : dans Google Agenda sur ordinateur (calendar.google.com), \
                        choisissez Autres agendas › « À partir de l’URL », collez l’adresse ; \
                        l’agenda apparaît ensuite sur le téléphone.",
    subscribe_other: "Ailleurs (Outlook, Thunderbird) : « S’abonner à un calendrier » ou \
                      « Nouveau calendrier en réseau », avec la même adresse.",
    detail_dates: "Dates (heure de Paris)",
    detail_place: "Lieu",
    detail_themes: "Thèmes",
    detail_audience: "Public",
    detail_ages: |min, max| match (min, max) {
        (Some(a), Some(b)) => format!("De {a} à {b} ans"),
        (Some(a), None) => format!("À partir de {a} ans"),
        (None, Some(b)) => format!("Jusqu’à {b} ans"),
        (None, None) => "Tous âges".to_owned(),
    },
    detail_accessibility: "Accessibilité",
    accessibility: |a| match a {
        "motor" => "handicap moteur",
        "hearing" => "handicap auditif",
        "visual" => "handicap visuel",
        "mental" => "handicap mental",
        _ => "handicap cognitif",
    },
    detail_registration: "Inscription",
    registration_free: "Entrée libre, sans inscription",
    detail_actor: "Organisé par",
    detail_attendance: "Participation",
    attendance: |m| match m {
        "online" => "en ligne",
        "mixed" => "sur place ou en ligne",
        _ => "sur place",
    },
    download_ics: "Ajouter à mon agenda (fichier .ics)",
    back_to_list: "Retour à l’agenda",
    actor_events_title: "Ses prochains événements",
    actor_events_none: "Aucun événement à venir.",
    new_title: "Proposer un événement",
    form_intro: "Votre événement sera publié dans l’agenda après relecture par l’équipe. Vous \
                 recevrez un lien privé pour le modifier, le reporter ou l’annuler.",
    form_title: "Titre",
    form_description: "Description",
    form_theme: "Thème principal",
    form_choose: "Choisir…",
    form_start: "Début",
    form_end: "Fin",
    form_dates_hint: "Heure de Paris. Un événement sur plusieurs jours : une seule date, du \
                      premier au dernier jour.",
    form_add_date: "Ajouter une date",
    form_remove_date: |n| format!("Retirer la date {n}"),
    form_date_legend: |n| format!("Date {n}"),
    form_attendance: "Participation",
    form_commune: "Commune",
    form_commune_hint: "Tapez le nom ou le code postal, puis choisissez dans la liste. Pas de \
                        commune pour un événement uniquement en ligne.",
    form_address: "Adresse ou salle",
    form_online_url: "Lien pour suivre en ligne",
    form_audience: "Public visé",
    form_age_min: "Âge minimum",
    form_age_max: "Âge maximum",
    form_accessibility: "Accessible aux personnes en situation de",
    form_registration: "Inscription",
    form_registration_value: "Adresse web, téléphone ou e-mail d’inscription",
    registration_kind: |k| match k {
        "link" => "Sur un site web",
        "phone" => "Par téléphone",
        "email" => "Par e-mail",
        _ => "Entrée libre",
    },
    form_actor: "Acteur organisateur",
    form_actor_none: "Aucun / pas dans l’annuaire",
    form_send: "Envoyer l’événement",
    form_sending: "Envoi…",
    sent_title: "Événement envoyé",
    sent_text: "Merci ! Il sera publié après relecture. Gardez ce lien privé : il permet de \
                modifier, reporter ou annuler l’événement.",
    sent_link_label: "Votre lien privé",
    edit_title: "Mon événement",
    edit_status: |s| format!("État de la publication : {s}"),
    edit_moderation_status: |s| match s {
        "published" => "publié",
        "rejected" => "refusé",
        "changes_requested" => "modifications demandées",
        "archived" => "archivé",
        "withdrawn" => "retiré",
        _ => "en attente de relecture",
    },
    edit_pending_change: "Une modification attend la relecture de l’équipe.",
    edit_message: "Message de l’équipe :",
    edit_event_status: "Statut annoncé",
    edit_event_status_hint: "Reporté, annulé ou complet : le changement est publié tout de \
                             suite et les agendas abonnés sont mis à jour.",
    edit_save_status: "Enregistrer le statut",
    edit_saved: "Enregistré.",
    edit_withdraw: "Retirer l’événement de l’agenda",
    edit_withdrawn: "L’événement a été retiré de l’agenda.",
};

/// The strings of the current language.
languages!(FR);
