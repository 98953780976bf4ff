//! The French texts of every e-mail the platform sends, each as a subject, a plain-text
//! body and an HTML body. Everything a person typed (a title, a moderator's reason) is
//! escaped in the HTML; links are absolute, built from the platform's public address.

use std::fmt::Write as _;

/// One message, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What a moderator decided on a submission, as the submitter is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict<'a> {
    Approved,
    Rejected { reason: &'a str },
    ChangesRequested { message: &'a str },
}

/// `&`, `<`, `>`, `"` and `'` escaped for HTML text and attribute values.
#[must_use]
pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const SIGNATURE: &str = "L'équipe de la plateforme Solidarités";
const FOOTER: &str = "Vous recevez ce message parce que vous avez laissé cette adresse en \
soumettant votre contribution. Elle n'est visible que de l'équipe de modération et sera \
effacée à la fin de la durée de conservation.";

/// Who a message goes to: a submitter (the message ends with why they receive it) or a
/// staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Submitter,
    Staff,
}

/// Paragraphs (plain text) → the message's plain and HTML bodies. A paragraph starting
/// with `http` is a link.
fn bodies(paragraphs: &[String], audience: Audience) -> (String, String) {
    let mut text = String::new();
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"></head><body>",
    );
    let footer: &[&str] = match audience {
        Audience::Submitter => &[SIGNATURE, FOOTER],
        Audience::Staff => &[SIGNATURE],
    };
    for p in paragraphs
        .iter()
        .map(String::as_str)
        .chain(footer.iter().copied())
    {
        text.push_str(p);
        text.push_str("\n\n");
        let escaped = escape_html(p);
        if p.starts_with("http://") || p.starts_with("https://") {
            let _ = write!(html, "<p><a href=\"{escaped}\">{escaped}</a></p>");
        } else {
            let _ = write!(html, "<p>{}</p>", escaped.replace('\n', "<br>"));
        }
    }
    html.push_str("</body></html>");
    (text.trim_end().to_owned() + "\n", html)
}

fn message(subject: String, paragraphs: &[String]) -> MailText {
    let (text, html) = bodies(paragraphs, Audience::Submitter);
    MailText {
        subject,
        text,
        html,
    }
}

/// What a moderation decision told to a submitter is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decided {
    /// A new initiative.
    Initiative,
    /// A change of a published initiative.
    InitiativeChange,
    /// A new event of the agenda.
    Event,
    /// A change of a published event.
    EventChange,
}

impl Decided {
    /// « votre initiative « … » », « la modification de votre événement « … » », …
    fn what(self, title: &str) -> String {
        match self {
            Decided::Initiative => format!("votre initiative « {title} »"),
            Decided::InitiativeChange => {
                format!("la modification de votre initiative « {title} »")
            }
            Decided::Event => format!("votre événement « {title} »"),
            Decided::EventChange => format!("la modification de votre événement « {title} »"),
        }
    }

    /// The ending of a past participle agreeing with [`Decided::what`].
    fn e(self) -> &'static str {
        match self {
            Decided::Event => "",
            _ => "e",
        }
    }

    fn is_change(self) -> bool {
        matches!(self, Decided::InitiativeChange | Decided::EventChange)
    }

    fn shown_where(self) -> &'static str {
        match self {
            Decided::Initiative | Decided::InitiativeChange => "sur la carte des solidarités",
            Decided::Event | Decided::EventChange => "dans l'agenda des solidarités",
        }
    }
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// To the submitter of an initiative or an event (or of a change of one), after a
/// moderation decision; `edit_link` is the absolute private link to its edit page.
#[must_use]
pub fn decided(what: Decided, title: &str, verdict: Verdict<'_>, edit_link: &str) -> MailText {
    let (subject_of, e) = (capitalised(&what.what(title)), what.e());
    let (subject, mut paragraphs) = match verdict {
        Verdict::Approved => {
            let pronoun = if e.is_empty() { "Il" } else { "Elle" };
            (
                format!("{subject_of} est publié{e}"),
                vec![format!(
                    "Bonne nouvelle : {} a été validé{e} par l'équipe de modération. {pronoun} est maintenant visible {}.",
                    what.what(title),
                    what.shown_where()
                )],
            )
        }
        Verdict::Rejected { reason } => {
            let mut lines = vec![format!(
                "L'équipe de modération n'a pas retenu {}.",
                what.what(title)
            )];
            if what.is_change() {
                lines.push("La version publiée reste en ligne.".to_owned());
            }
            lines.push(format!("Motif : {reason}"));
            (format!("{subject_of} n'a pas été retenu{e}"), lines)
        }
        Verdict::ChangesRequested { message } => {
            let pronoun = if e.is_empty() { "le" } else { "la" };
            (
                format!("{subject_of} : des modifications sont demandées"),
                vec![
                    format!(
                        "L'équipe de modération demande des modifications à {} avant de {pronoun} publier.",
                        what.what(title)
                    ),
                    format!("Message : {message}"),
                ],
            )
        }
    };
    paragraphs.push(
        "Pour la consulter ou la modifier, utilisez votre lien privé (ne le partagez pas) :"
            .to_owned(),
    );
    paragraphs.push(edit_link.to_owned());
    message(subject, &paragraphs)
}

/// To the submitter of an initiative, after a moderation decision; `edit_link` is the
/// absolute private link to its edit page.
#[must_use]
pub fn initiative_decided(title: &str, verdict: Verdict<'_>, edit_link: &str) -> MailText {
    decided(Decided::Initiative, title, verdict, edit_link)
}

/// A listing whose submitter is asked to confirm it is still current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaleListing {
    Initiative,
    Event,
}

/// To the submitter of a published initiative or event not confirmed for the period:
/// confirm in one click from the private link `edit_link`, or it is hidden from the public
/// from `hidden_from` (a French date, `dd/mm/yyyy`).
#[must_use]
pub fn listing_stale(
    kind: StaleListing,
    title: &str,
    hidden_from: &str,
    edit_link: &str,
) -> MailText {
    let (what, e, il, la, place) = match kind {
        StaleListing::Initiative => (
            format!("votre initiative « {title} »"),
            "e",
            "elle",
            "la",
            "sur la carte des solidarités",
        ),
        StaleListing::Event => (
            format!("votre événement « {title} »"),
            "",
            "il",
            "le",
            "dans l'agenda des solidarités",
        ),
    };
    let subject = format!("{} est-{il} toujours d'actualité ?", capitalised(&what));
    let paragraphs = vec![
        format!(
            "Bonjour, {what} n'a pas été confirmé{e} depuis longtemps. Pour qu'{il} reste visible {place}, confirmez en un clic que ses informations sont à jour, ou modifiez-les, depuis votre lien privé (ne le partagez pas) :"
        ),
        edit_link.to_owned(),
        format!(
            "Sans confirmation, {il} sera masqué{e} du public à partir du {hidden_from}. {} n'est pas supprimé{e} : une confirmation {la} rendra de nouveau visible.",
            capitalised(il)
        ),
    ];
    message(subject, &paragraphs)
}

/// To the author of a proposal, after a moderation decision; `page_link` is the public
/// page of the proposal (approved only).
#[must_use]
pub fn proposal_decided(title: &str, verdict: Verdict<'_>, page_link: Option<&str>) -> MailText {
    let (subject, mut paragraphs) = match verdict {
        Verdict::Approved => (
            format!("Votre proposition « {title} » est publiée"),
            vec![format!("Votre proposition « {title} » a été validée par l'équipe de modération : chacun peut maintenant la lire et la soutenir.")],
        ),
        Verdict::Rejected { reason } => (
            format!("Votre proposition « {title} » n'a pas été retenue"),
            vec![
                format!("L'équipe de modération n'a pas retenu votre proposition « {title} »."),
                format!("Motif : {reason}"),
            ],
        ),
        Verdict::ChangesRequested { message } => (
            format!("Votre proposition « {title} » : des modifications sont demandées"),
            vec![
                format!("L'équipe de modération demande des modifications à votre proposition « {title} »."),
                format!("Message : {message}"),
            ],
        ),
    };
    if let Some(link) = page_link {
        paragraphs.push("Sa page :".to_owned());
        paragraphs.push(link.to_owned());
    }
    message(subject, &paragraphs)
}

/// What the committee decided on a label application, as the applicant is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelVerdict<'a> {
    /// Granted until this day (inclusive), written in French (`31/12/2027`).
    Approved {
        until: &'a str,
    },
    Refused {
        reason: &'a str,
    },
}

/// To the applicant for a label, after the committee's decision; `status_link` is the
/// absolute private link to the application's page.
#[must_use]
pub fn label_application_decided(
    label: &str,
    actor: &str,
    verdict: LabelVerdict<'_>,
    status_link: &str,
) -> MailText {
    let (subject, mut paragraphs) = match verdict {
        LabelVerdict::Approved { until } => (
            format!("Label « {label} » accordé à {actor}"),
            vec![
                format!("Bonne nouvelle : la candidature de {actor} au label « {label} » a été approuvée. Le label est accordé jusqu'au {until} inclus et apparaît sur ses pages publiques."),
                "Quelques semaines avant cette date, vous pourrez candidater à nouveau pour le renouveler.".to_owned(),
            ],
        ),
        LabelVerdict::Refused { reason } => (
            format!("Label « {label} » : candidature de {actor} non retenue"),
            vec![
                format!("La candidature de {actor} au label « {label} » n'a pas été retenue."),
                format!("Motif du refus : {reason}"),
            ],
        ),
    };
    paragraphs.push(
        "Votre candidature reste consultable à votre lien privé (ne le partagez pas) :".to_owned(),
    );
    paragraphs.push(status_link.to_owned());
    message(subject, &paragraphs)
}

/// To the last applicant for a label held by `actor`, when the grant nears its end
/// (`until`, written in French); `apply_link` is the absolute link to apply again.
#[must_use]
pub fn label_renewal_invitation(
    label: &str,
    actor: &str,
    until: &str,
    apply_link: &str,
) -> MailText {
    let paragraphs = vec![
        format!("Le label « {label} » de {actor} arrive à échéance le {until}."),
        "Pour le renouveler, candidatez à nouveau en répondant aux critères du label : une fois votre candidature approuvée, le label est prolongé.".to_owned(),
        apply_link.to_owned(),
    ];
    message(
        format!("Label « {label} » : pensez à le renouveler"),
        &paragraphs,
    )
}

/// The pending queue, for the moderators' daily digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueSummary {
    pub initiatives: u64,
    pub revisions: u64,
    pub actors: u64,
    pub proposals: u64,
    /// New events and changes of published events.
    pub events: u64,
}

impl QueueSummary {
    #[must_use]
    pub fn total(&self) -> u64 {
        self.initiatives + self.revisions + self.actors + self.proposals + self.events
    }
}

fn count(n: u64, one: &str, many: &str) -> String {
    if n <= 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// To each moderator, once a day: what waits in the queue; `console_link` is the
/// moderation page of the staff console.
#[must_use]
pub fn moderation_digest(day: &str, queue: QueueSummary, console_link: &str) -> MailText {
    let subject = format!(
        "Modération : {} en attente ({day})",
        count(queue.total(), "élément", "éléments")
    );
    let paragraphs = vec![
        format!("Bonjour, voici la file de modération au {day} :"),
        [
            count(
                queue.initiatives,
                "nouvelle initiative",
                "nouvelles initiatives",
            ),
            count(
                queue.revisions,
                "modification d'initiative",
                "modifications d'initiatives",
            ),
            count(queue.actors, "nouvel acteur", "nouveaux acteurs"),
            count(queue.proposals, "proposition", "propositions"),
            count(
                queue.events,
                "événement de l'agenda",
                "événements de l'agenda",
            ),
        ]
        .map(|line| format!("- {line}"))
        .join("\n"),
        "Pour les traiter, ouvrez la console :".to_owned(),
        console_link.to_owned(),
    ];
    let (text, html) = bodies(&paragraphs, Audience::Staff);
    MailText {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_person_typed_is_escaped_in_the_html_only() {
        let mail = initiative_decided(
            "Repas <partagés> & \"cafés\"",
            Verdict::Rejected {
                reason: "Doublon de <b>l'autre</b>",
            },
            "https://solidarites.example/initiatives/modifier/abc",
        );
        assert!(mail.text.contains("Motif : Doublon de <b>l'autre</b>"));
        assert!(mail
            .html
            .contains("Repas &lt;partagés&gt; &amp; &quot;cafés&quot;"));
        assert!(mail
            .html
            .contains("Doublon de &lt;b&gt;l&#39;autre&lt;/b&gt;"));
        assert!(!mail.html.contains("<b>"));
        assert!(mail
            .html
            .contains("<a href=\"https://solidarites.example/initiatives/modifier/abc\">"));
        assert!(mail
            .text
            .contains("https://solidarites.example/initiatives/modifier/abc"));
        assert_eq!(
            mail.subject,
            "Votre initiative « Repas <partagés> & \"cafés\" » n'a pas été retenue"
        );
    }

    #[test]
    fn event_texts_agree_in_gender_and_changes_say_the_published_version_stays() {
        let link = "https://s.example/agenda/modifier/abc";
        let approved = decided(Decided::Event, "Bal", Verdict::Approved, link);
        assert_eq!(approved.subject, "Votre événement « Bal » est publié");
        assert!(approved.text.contains("a été validé par"));
        assert!(approved
            .text
            .contains("Il est maintenant visible dans l'agenda"));
        assert!(approved.text.contains(link));
        let refused = decided(
            Decided::EventChange,
            "Bal",
            Verdict::Rejected {
                reason: "Date erronée",
            },
            link,
        );
        assert_eq!(
            refused.subject,
            "La modification de votre événement « Bal » n'a pas été retenue"
        );
        assert!(refused.text.contains("La version publiée reste en ligne."));
        assert!(refused.text.contains("Motif : Date erronée"));
        assert!(refused
            .html
            .contains("<a href=\"https://s.example/agenda/modifier/abc\">"));
        let stale = listing_stale(StaleListing::Event, "Bal & co", "01/02/2027", link);
        assert_eq!(
            stale.subject,
            "Votre événement « Bal & co » est-il toujours d'actualité ?"
        );
        assert!(stale
            .text
            .contains("masqué du public à partir du 01/02/2027"));
        assert!(stale.html.contains("Bal &amp; co"));
        let stale = listing_stale(StaleListing::Initiative, "Colis", "01/02/2027", link);
        assert!(stale.text.contains("masquée du public"));
        assert!(stale.text.contains("conservation"), "the consent footer");
    }

    #[test]
    fn the_digest_counts_each_queue_and_has_no_consent_footer() {
        let mail = moderation_digest(
            "07/12/2026",
            QueueSummary {
                initiatives: 2,
                revisions: 0,
                actors: 1,
                proposals: 3,
                events: 2,
            },
            "https://s.example/admin/moderation",
        );
        assert_eq!(
            mail.subject,
            "Modération : 8 éléments en attente (07/12/2026)"
        );
        assert!(mail.text.contains("- 2 événements de l'agenda"));
        assert!(mail.text.contains("- 2 nouvelles initiatives"));
        assert!(mail.text.contains("- 0 modification d'initiative"));
        assert!(mail.text.contains("- 1 nouvel acteur"));
        assert!(!mail.text.contains("conservation"));
        assert!(!mail.html.contains("conservation"));
    }

    #[test]
    fn a_label_refusal_gives_the_reason_and_the_private_link() {
        let link = "https://s.example/labels/candidature/tok";
        let mail = label_application_decided(
            "Anti-solitude",
            "Les <Amis>",
            LabelVerdict::Refused {
                reason: "Critère 2 non rempli",
            },
            link,
        );
        assert!(mail.subject.contains("non retenue"));
        assert!(mail.text.contains("Motif du refus : Critère 2 non rempli"));
        assert!(mail.text.contains(link));
        assert!(mail.html.contains("Les &lt;Amis&gt;"));
        assert!(mail.html.contains(&format!("<a href=\"{link}\">")));
        let mail = label_application_decided(
            "Anti-solitude",
            "Les Amis",
            LabelVerdict::Approved {
                until: "31/12/2027",
            },
            link,
        );
        assert!(mail.text.contains("jusqu'au 31/12/2027 inclus"));
        let mail = label_renewal_invitation(
            "Anti-solitude",
            "Les Amis",
            "31/01/2027",
            "https://s.example/labels/a/candidater",
        );
        assert!(mail.subject.contains("renouveler"));
        assert!(mail.text.contains("31/01/2027"));
        assert!(mail.text.contains("https://s.example/labels/a/candidater"));
    }
}
