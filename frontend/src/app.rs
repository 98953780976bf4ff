//! The page: skip link, header, main content, footer.

use leptos::prelude::*;

use crate::health::{self, HealthError, StatusLine, Tone};
use solidarites_api_types::HealthResponse;

/// `id` of `<main>`, the skip link's target.
const MAIN_ID: &str = "contenu";

/// The whole page body.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <a class="lien-evitement" href=format!("#{MAIN_ID}")>"Aller au contenu principal"</a>
        <header class="entete">
            <div class="conteneur">
                <p class="marque">
                    <span class="marque__nom">"Solidarités"</span>
                    <span class="marque__devise">"Politiques sociales participatives"</span>
                </p>
            </div>
        </header>
        <main id=MAIN_ID class="conteneur" tabindex="-1">
            <h1>"Solidarités"</h1>
            <p class="intro">
                "Solidarités est la plateforme ouverte qui permet aux collectivités locales "
                "de construire leur politique sociale avec les habitantes et les habitants\u{a0}: "
                "une carte des solidarités qui recense les services et les lieux d’entraide du "
                "territoire, un questionnaire des besoins pour dire ce qui manque, et des "
                "propositions à déposer, discuter et soutenir."
            </p>
            <ul class="piliers">
                <li>
                    <h2>"Carte des solidarités"</h2>
                    <p>"Les services, associations et lieux d’entraide près de chez vous."</p>
                </li>
                <li>
                    <h2>"Questionnaire des besoins"</h2>
                    <p>"Quelques questions pour faire connaître vos besoins, en toute confidentialité."</p>
                </li>
                <li>
                    <h2>"Propositions"</h2>
                    <p>"Des idées déposées par les habitants, ouvertes au débat et au soutien."</p>
                </li>
            </ul>
            <ServiceStatus/>
        </main>
        <footer class="pied">
            <div class="conteneur">
                <p>
                    "Solidarités "{env!("CARGO_PKG_VERSION")}
                    " — logiciel libre (licence AGPL-3.0) au service des collectivités locales."
                </p>
            </div>
        </footer>
    }
}

/// The live status line, fed by `GET /api/v1/health`.
#[component]
fn ServiceStatus() -> impl IntoView {
    // `None` while a request is under way.
    let outcome: RwSignal<Option<Result<HealthResponse, HealthError>>> = RwSignal::new(None);
    let check = move || {
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let result = health::fetch_health().await;
            outcome.set(Some(result));
        });
    };
    check();

    let line = move || -> StatusLine {
        outcome.with(|outcome| {
            outcome
                .as_ref()
                .map_or_else(health::pending, health::describe)
        })
    };
    let failed = move || line().tone == Tone::Error;
    let retry = move |_| check();

    view! {
        <section class="etat" aria-labelledby="etat-titre">
            <h2 id="etat-titre">"État du service"</h2>
            <p role="status" class=move || line().tone.class()>{move || line().text}</p>
            <Show when=failed>
                <button type="button" class="bouton" on:click=retry>"Réessayer"</button>
            </Show>
        </section>
    }
}
