//! The first screen of the main public pages, written by the server into the page it
//! sends (issue 17, point 6): the frame (skip link, header and menu, footer) and the top
//! of the page (heading and introduction; a campaign's title and introduction; a
//! proposal's title and text), with the classes of the web app's own markup, so that the
//! browser paints it with the HTML and the stylesheet instead of waiting for the `.wasm`.
//! The app lays its own nodes out invisibly beside it and removes it once its first page
//! is complete (`frontend/src/first_screen.rs`); the texts are the app's own
//! (`solidarites_api_types::first_screen`).
//!
//! Pages with no first screen here (the console, forms, lists) are sent as before.

use std::fmt::Write as _;

use chrono::Utc;
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use solidarites_api_types::first_screen as fr;

use crate::{
    ids::ProposalId,
    questionnaire::{window, Window},
    state::AppState,
    storage,
};

/// Class of the one element that wraps the first screen (`frontend/src/first_screen.rs`).
pub use fr::CLASS;

/// The entries of the main menu, as `frontend/src/app.rs` (`Menu`) lists them.
const MENU: [(&str, &str); 6] = [
    ("/", fr::NAV_HOME),
    ("/carte", fr::NAV_CARTE),
    ("/questionnaire", fr::NAV_QUESTIONNAIRE),
    ("/propositions", fr::NAV_PROPOSALS),
    ("/agenda", fr::NAV_AGENDA),
    ("/acteurs", fr::NAV_ACTORS),
];

/// A page's first screen: its menu entry, whether it takes the whole width, its top.
struct Screen {
    section: &'static str,
    wide: bool,
    top: String,
}

/// The first screen of the page at `path`, wrapped in its one `div`; `None` for the pages
/// that have none, or when what it shows cannot be read (the page is then sent without it).
pub async fn render(state: &AppState, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let screen = match segments.as_slice() {
        [] => Screen {
            section: "/",
            wide: false,
            top: format!(
                "<h1>{}</h1><p class=\"intro\">{}</p>",
                text(fr::HOME_HEADING),
                text(fr::HOME_INTRO)
            ),
        },
        ["carte"] => Screen {
            section: "/carte",
            wide: true,
            top: format!(
                "<div class=\"carte-page\"><div class=\"carte-page__entete\"><h1>{}</h1>\
                 <p class=\"intro\">{}</p><p><a class=\"bouton bouton--plein\" \
                 href=\"/carte/ajouter\">{}</a></p></div></div>",
                text(fr::CARTE_TITLE),
                text(fr::CARTE_INTRO),
                text(fr::CARTE_ADD_LINK)
            ),
        },
        ["questionnaire"] => Screen {
            section: "/questionnaire",
            wide: false,
            top: questionnaire_top(state).await?,
        },
        ["propositions", id] => Screen {
            section: "/propositions",
            wide: false,
            top: proposal_top(state, id).await?,
        },
        _ => return None,
    };
    Some(frame(&screen))
}

/// The open campaign's title and introduction when exactly one accepts answers (what
/// `/questionnaire` then shows), the page's heading otherwise.
async fn questionnaire_top(state: &AppState) -> Option<String> {
    let now = Utc::now();
    let campaigns = storage::questionnaires::list_open_campaigns(&state.db, now)
        .await
        .map_err(|err| tracing::warn!(error = %err, "first screen: campaigns unreadable"))
        .ok()?;
    Some(match campaigns.as_slice() {
        [only] if window(only, now) == Window::Open => format!(
            "<h1>{}</h1><p class=\"intro\">{}</p><p class=\"texte-doux\">{}</p>",
            text(&only.title),
            text(&only.description),
            text(fr::QUESTIONNAIRE_ANONYMOUS_NOTE)
        ),
        _ => format!("<h1>{}</h1>", text(fr::QUESTIONNAIRE_TITLE)),
    })
}

/// A published proposal's title and text; `None` for any other id (the app says it).
async fn proposal_top(state: &AppState, id: &str) -> Option<String> {
    let id: ProposalId = id.parse().ok()?;
    let row = storage::proposals::get_public(&state.db, id)
        .await
        .map_err(|err| tracing::warn!(error = %err, "first screen: proposal unreadable"))
        .ok()??;
    Some(format!(
        "<p class=\"retour\"><a href=\"/propositions\">← {}</a></p>\
         <article class=\"proposition-detail\"><h1>{}</h1>\
         <div class=\"texte-libre\">{}</div></article>",
        text(fr::PROPOSALS_BACK_TO_LIST),
        text(&row.title),
        text(&row.description)
    ))
}

/// The frame of `frontend/src/app.rs` around `screen.top`.
fn frame(screen: &Screen) -> String {
    let mut menu = String::new();
    for (href, label) in MENU {
        let current = if href == screen.section {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(
            menu,
            "<li><a class=\"menu__lien\" href=\"{}\"{current}>{}</a></li>",
            attr(href),
            text(label)
        );
    }
    let main_class = if screen.wide {
        "conteneur conteneur--large"
    } else {
        "conteneur"
    };
    format!(
        "<div class=\"{CLASS}\">\
         <a class=\"lien-evitement\" href=\"#contenu\">{skip}</a>\
         <header class=\"entete\"><div class=\"conteneur conteneur--large entete__ligne\">\
         <a class=\"marque\" href=\"/\"><span class=\"marque__nom\">{name}</span>\
         <span class=\"marque__devise\">{tagline}</span></a>\
         <nav class=\"menu\" aria-label=\"{nav}\"><ul class=\"menu__liste\">{menu}</ul></nav>\
         </div></header>\
         <main id=\"contenu\" class=\"{main_class}\" tabindex=\"-1\">{top}</main>\
         <footer class=\"pied\"><div class=\"conteneur conteneur--large\"><p>{footer} \
         <a href=\"/api/v1/openapi.json\">{api}</a></p></div></footer>\
         </div>",
        skip = text(fr::SKIP_LINK),
        name = text(fr::SITE_NAME),
        tagline = text(fr::TAGLINE),
        nav = attr(fr::NAV_LABEL),
        top = screen.top,
        footer = text(&fr::footer(env!("CARGO_PKG_VERSION"))),
        api = text(fr::FOOTER_API),
    )
}

/// `html` with `first_screen` as the last element of its body, where the app's nodes
/// follow it.
pub fn insert(html: &str, first_screen: &str) -> String {
    match html.rfind("</body>") {
        Some(end) => format!("{}{first_screen}\n{}", &html[..end], &html[end..]),
        None => html.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_marks_the_current_page_and_escapes_the_texts() {
        let html = frame(&Screen {
            section: "/carte",
            wide: true,
            top: format!("<h1>{}</h1>", text("<b>&")),
        });
        assert!(html.starts_with("<div class=\"premier-ecran\">"));
        assert!(html.contains("href=\"/carte\" aria-current=\"page\">Carte des solidarités<"));
        assert_eq!(html.matches("aria-current").count(), 1);
        assert!(html.contains("<main id=\"contenu\" class=\"conteneur conteneur--large\""));
        assert!(html.contains("<h1>&lt;b&gt;&amp;</h1>"));
        let page = insert("<body>\n<noscript>x</noscript>\n</body>", &html);
        assert!(page.ends_with(&format!("</noscript>\n{html}\n</body>")));
    }
}
