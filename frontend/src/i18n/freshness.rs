//! Strings of listings kept current: the submitter's confirmation on the edit page and
//! the console's page of listings to confirm.

#[derive(Debug)]
pub struct Strings {
    // Edit page (private link)
    pub confirm_title: &'static str,
    pub confirm_fresh: fn(&str) -> String,
    pub confirm_flagged: fn(&str) -> String,
    pub confirm_hidden: &'static str,
    pub confirm_button: &'static str,
    pub confirm_done: fn(&str) -> String,
    // Console page
    pub nav: &'static str,
    pub title: &'static str,
    pub intro: fn(u32, u32) -> String,
    pub empty: &'static str,
    pub caption: fn(u64) -> String,
    pub col_select: &'static str,
    pub select_one: fn(&str) -> String,
    pub col_listing: &'static str,
    pub col_kind: &'static str,
    pub col_state: &'static str,
    pub col_confirmed: &'static str,
    pub kind_initiative: &'static str,
    pub kind_actor: &'static str,
    pub kind_event: &'static str,
    pub state_flagged: fn(&str) -> String,
    pub state_hidden: fn(&str) -> String,
    pub never: &'static str,
    pub bulk_confirm: &'static str,
    pub bulk_archive: &'static str,
    pub nothing_selected: &'static str,
    pub confirmed: fn(u64) -> String,
    pub archived: fn(u64) -> String,
    // Forms
    pub welcomes_volunteers: &'static str,
    pub actor_welcomes_volunteers: &'static str,
}

pub const FR: Strings = Strings {
    confirm_title: "Ces informations sont-elles toujours à jour ?",
    confirm_fresh: |day| {
        format!("Sans nouvelle confirmation, la fiche sera masquée du public le {day}.")
    },
    confirm_flagged: |day| {
        format!(
            "Cette fiche n’a pas été confirmée depuis longtemps : confirmez-la, sinon elle \
             sera masquée du public le {day}."
        )
    },
    confirm_hidden: "Cette fiche est masquée du public faute de confirmation : confirmez-la \
                     pour qu’elle réapparaisse.",
    confirm_button: "Je confirme que ces informations sont à jour",
    confirm_done: |day| format!("Merci, c’est confirmé. Prochaine confirmation avant le {day}."),
    nav: "Fiches à confirmer",
    title: "Fiches à confirmer",
    intro: |flag, grace| {
        format!(
            "Initiatives, acteurs et événements publiés sans confirmation depuis {flag} \
             jours : leur auteur est invité à les confirmer ; {grace} jours plus tard, ils \
             sont masqués du public (jamais supprimés)."
        )
    },
    empty: "Aucune fiche à confirmer.",
    caption: |n| format!("{n} fiche(s) à confirmer"),
    col_select: "Sélection",
    select_one: |name| format!("Sélectionner « {name} »"),
    col_listing: "Fiche",
    col_kind: "Type",
    col_state: "État",
    col_confirmed: "Dernière confirmation",
    kind_initiative: "Initiative",
    kind_actor: "Acteur",
    kind_event: "Événement",
    state_flagged: |day| format!("À confirmer, masquée le {day}"),
    state_hidden: |day| format!("Masquée depuis le {day}"),
    never: "jamais",
    bulk_confirm: "Confirmer la sélection",
    bulk_archive: "Archiver la sélection",
    nothing_selected: "Sélectionnez au moins une fiche.",
    confirmed: |n| format!("{n} fiche(s) confirmée(s)."),
    archived: |n| format!("{n} fiche(s) archivée(s)."),
    welcomes_volunteers: "Cette initiative accueille des bénévoles",
    actor_welcomes_volunteers: "Cet acteur accueille des bénévoles",
};

languages!(FR);
