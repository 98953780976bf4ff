//! The page frame: skip link, header with the main menu, `<main>` holding the current
//! page, footer. The page shown follows the router's location.

use leptos::prelude::*;

use crate::i18n::common;
use crate::offline::OfflineBanner;
use crate::pages;
use crate::router::{self, Route, Section};

/// `id` of `<main>`: target of the skip link, focused after each navigation.
pub const MAIN_ID: &str = "contenu";

/// Sets the document title to "{page} — Solidarités".
pub fn set_page_title(page: &str) {
    crate::browser::set_title(&(common::t().page_title)(page));
}

/// The whole page body.
#[component]
pub fn App() -> impl IntoView {
    let router = router::provide_router();
    crate::offline::start();
    let route = Memo::new(move |_| router.location.with(|l| Route::parse(&l.path)));
    let t = common::t();

    // Each area but the map is its own split of the `.wasm` (see `pages::lazy`): the first
    // load only fetches the shell and the area asked for; the others come when visited.
    // Until then the previous page stays, `<main>` is marked busy and a status line says
    // that the next one is loading.
    let loading = RwSignal::new(false);
    // The frame is mounted in the start-up task, the first page in a task of its own: two
    // shorter tasks instead of one long one, so that a slow phone answers in between.
    let first_page = StoredValue::new(true);
    let page = move || {
        let route = route.get();
        loading.set(true);
        let first = first_page
            .try_update_value(|first| std::mem::replace(first, false))
            .unwrap_or(false);
        Suspend::new(async move {
            if first {
                crate::browser::next_task().await;
            }
            let view = pages::lazy::view(route).await;
            loading.set(false);
            crate::first_screen::area_ready();
            view
        })
    };
    // The map needs the whole width; text pages keep a readable line length.
    let main_class = move || match route.get() {
        Route::Carte | Route::Admin(_) => "conteneur conteneur--large",
        _ => "conteneur",
    };
    // The staff console has its own menu (`crate::admin::shell`), by role.
    let public_menu = move || (!route.with(Route::is_admin)).then(|| view! { <Menu route=route/> });

    view! {
        <a class="lien-evitement" href=format!("#{MAIN_ID}")>{t.skip_link}</a>
        <header class="entete">
            <div class="conteneur conteneur--large entete__ligne">
                <a class="marque" href="/">
                    <span class="marque__nom">{t.site_name}</span>
                    <span class="marque__devise">{t.tagline}</span>
                </a>
                {public_menu}
            </div>
        </header>
        <OfflineBanner/>
        <main
            id=MAIN_ID
            class=main_class
            tabindex="-1"
            aria-busy=move || loading.get().then_some("true")
        >
            <p class="statut statut--attente" role="status" hidden=move || !loading.get()>
                {t.loading}
            </p>
            {page}
        </main>
        <footer class="pied">
            <div class="conteneur conteneur--large">
                <p>
                    {(t.footer)(env!("CARGO_PKG_VERSION"))} " "
                    <a href="/api/v1/openapi.json">{t.footer_api}</a>
                </p>
            </div>
        </footer>
    }
}

/// The main menu; the entry of the current page carries `aria-current="page"`.
#[component]
fn Menu(route: Memo<Route>) -> impl IntoView {
    let t = common::t();
    let entries = [
        (Section::Home, "/", t.nav_home),
        (Section::Carte, "/carte", t.nav_carte),
        (
            Section::Questionnaire,
            "/questionnaire",
            t.nav_questionnaire,
        ),
        (Section::Proposals, "/propositions", t.nav_proposals),
        (Section::Agenda, "/agenda", t.nav_agenda),
        (Section::Actors, "/acteurs", t.nav_actors),
    ];
    view! {
        <nav class="menu" aria-label=t.nav_label>
            <ul class="menu__liste">
                {entries
                    .into_iter()
                    .map(|(section, href, label)| {
                        let current = move || {
                            (route.get().section() == Some(section)).then_some("page")
                        };
                        view! {
                            <li>
                                <a class="menu__lien" href=href aria-current=current>
                                    {label}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
