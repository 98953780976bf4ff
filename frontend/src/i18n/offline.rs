//! Strings of working without a connection: the banner, the answers waiting to be sent.

#[derive(Debug)]
pub struct Strings {
    pub offline_banner: &'static str,
    pub new_version: &'static str,
    pub reload: &'static str,
    pub map_offline: &'static str,
    pub queued_title: &'static str,
    pub queued_text: &'static str,
    pub queued_no_storage: &'static str,
    pub pending_title: &'static str,
    /// « 2 réponses en attente d’envoi ».
    pub pending_count: fn(usize) -> String,
    pub pending_auto: &'static str,
    pub send_now: &'static str,
    pub sending: &'static str,
    /// « 2 réponses envoyées. »
    pub sent: fn(usize) -> String,
    /// « 2 réponses envoyées : Papier 1, Visite à domicile 1. »
    pub sent_by_channel: fn(usize, &str) -> String,
    pub still_offline: &'static str,
    pub signed_out: &'static str,
    pub refused_title: &'static str,
    /// « Réponse à « {campaign} » enregistrée le {date} ».
    pub refused_item: fn(&str, &str) -> String,
    pub refused_closed: &'static str,
    pub refused_changed: &'static str,
    pub refused_kept: &'static str,
    pub discard: &'static str,
    pub discarded: &'static str,
    pub persist_refused: &'static str,
    pub persist_granted: &'static str,
    pub signout_pending: fn(usize) -> String,
    pub signout_send_first: &'static str,
    pub signout_discard: &'static str,
    pub signout_cancel: &'static str,
}

const FR: Strings = Strings {
    offline_banner: "Vous êtes hors connexion. Le questionnaire reste utilisable : les réponses \
                     sont gardées sur cet appareil et envoyées au retour de la connexion.",
    new_version: "Une nouvelle version de Solidarités est prête.",
    reload: "Recharger la page",
    map_offline: "Hors connexion, les données de la carte ne peuvent pas être chargées. Elles \
                  s’afficheront au retour de la connexion.",
    queued_title: "Réponse gardée sur cet appareil",
    queued_text: "Vous n’êtes pas connecté à Internet : vos réponses sont enregistrées sur cet \
                  appareil. Elles seront envoyées automatiquement dès le retour de la \
                  connexion, même si vous fermez cette page.",
    queued_no_storage: "Vos réponses n’ont pas pu être gardées sur cet appareil (stockage \
                        indisponible) : réessayez d’envoyer quand la connexion sera revenue.",
    pending_title: "Réponses en attente d’envoi",
    pending_count: |n| match n {
        0 => "Aucune réponse en attente d’envoi.".to_owned(),
        1 => "1 réponse en attente d’envoi".to_owned(),
        n => format!("{n} réponses en attente d’envoi"),
    },
    pending_auto: "Elles seront envoyées automatiquement au retour de la connexion.",
    send_now: "Envoyer maintenant",
    sending: "Envoi en cours…",
    sent: |n| match n {
        1 => "1 réponse envoyée.".to_owned(),
        n => format!("{n} réponses envoyées."),
    },
    sent_by_channel: |n, detail| match n {
        1 => format!("1 réponse envoyée\u{a0}: {detail}."),
        n => format!("{n} réponses envoyées\u{a0}: {detail}."),
    },
    still_offline: "Toujours hors connexion : les réponses restent sur cet appareil.",
    signed_out: "Votre session a pris fin : reconnectez-vous pour envoyer les réponses saisies.",
    refused_title: "Réponses qui n’ont pas pu être enregistrées",
    refused_item: |campaign, date| format!("Réponse à «\u{a0}{campaign}\u{a0}» du {date}"),
    refused_closed: "Cette consultation est close : elle n’accepte plus de réponses.",
    refused_changed: "Le questionnaire a changé depuis : ces réponses ne correspondent plus.",
    refused_kept: "Elle reste sur cet appareil tant que vous ne la supprimez pas.",
    discard: "Supprimer cette réponse",
    discarded: "La réponse a été supprimée de cet appareil.",
    persist_refused: "Votre navigateur ne garantit pas la conservation de ces réponses : ne \
                      videz pas ses données avant qu’elles soient envoyées.",
    persist_granted: "Votre navigateur conservera ces réponses jusqu’à leur envoi.",
    signout_pending: |n| match n {
        1 => "1 réponse saisie n’a pas encore été envoyée. En vous déconnectant, elle sera \
              supprimée de cet appareil."
            .to_owned(),
        n => format!(
            "{n} réponses saisies n’ont pas encore été envoyées. En vous déconnectant, elles \
             seront supprimées de cet appareil."
        ),
    },
    signout_send_first: "Envoyer d’abord",
    signout_discard: "Se déconnecter et supprimer ces réponses",
    signout_cancel: "Annuler",
};

languages!(FR);
