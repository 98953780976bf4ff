//! Weight of a Fluent catalogue and of leptos_router in a Leptos CSR app (wasm32, opt-level z,
//! fat LTO): the same three-page app with each feature on or off.
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[cfg(feature = "fluent")]
fn text(key: &str, count: i64) -> String {
    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
    let ftl = String::from(
        "titre = Carte des solidarités\nintro = Les initiatives près de chez vous\nreponses = { $n ->\n [one] { $n } réponse\n *[other] { $n } réponses\n}\n",
    );
    let resource = FluentResource::try_new(ftl).expect("ftl");
    let mut bundle = FluentBundle::new(vec![unic_langid::langid!("fr-FR")]);
    bundle.add_resource(resource).expect("resource");
    let message = bundle.get_message(key).expect("message");
    let mut args = FluentArgs::new();
    args.set("n", count);
    let mut errors = vec![];
    bundle
        .format_pattern(message.value().expect("value"), Some(&args), &mut errors)
        .into_owned()
}

#[cfg(not(feature = "fluent"))]
fn text(key: &str, count: i64) -> String {
    match key {
        "titre" => "Carte des solidarités".to_owned(),
        "intro" => "Les initiatives près de chez vous".to_owned(),
        _ if count == 1 => format!("{count} réponse"),
        _ => format!("{count} réponses"),
    }
}

#[component]
fn Page(name: &'static str) -> impl IntoView {
    view! { <h1>{text("titre", 1)}</h1><p>{text("intro", 2)}</p><p>{name}{text("reponses", 3)}</p> }
}

#[cfg(feature = "router")]
#[component]
fn App() -> impl IntoView {
    use leptos_router::{components::{Route, Router, Routes}, path};
    view! {
        <Router>
            <nav><a href="/">"Accueil"</a><a href="/carte">"Carte"</a><a href="/questionnaire">"Questionnaire"</a></nav>
            <Routes fallback=|| "Introuvable">
                <Route path=path!("/") view=|| view! { <Page name="accueil"/> }/>
                <Route path=path!("/carte") view=|| view! { <Page name="carte"/> }/>
                <Route path=path!("/questionnaire") view=|| view! { <Page name="questionnaire"/> }/>
            </Routes>
        </Router>
    }
}

#[cfg(not(feature = "router"))]
#[component]
fn App() -> impl IntoView {
    let path = window().location().pathname().unwrap_or_default();
    let page = match path.as_str() {
        "/carte" => "carte",
        "/questionnaire" => "questionnaire",
        _ => "accueil",
    };
    view! {
        <nav><a href="/">"Accueil"</a><a href="/carte">"Carte"</a><a href="/questionnaire">"Questionnaire"</a></nav>
        <Page name=page/>
    }
}

#[wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(App);
}
