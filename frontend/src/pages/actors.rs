//! The directory of actors and the page of one actor. (Placeholders: the directory pages
//! replace them.)

use leptos::prelude::*;

use crate::app::set_page_title;
use crate::i18n::actors;

#[component]
pub fn ActorsPage() -> impl IntoView {
    let t = actors::t();
    set_page_title(t.title);
    view! {
        <h1>{t.title}</h1>
        <p>{t.placeholder}</p>
    }
}

#[component]
pub fn ActorPage(id: String) -> impl IntoView {
    let t = actors::t();
    set_page_title(t.actor_title);
    view! {
        <h1>{t.actor_title}</h1>
        <p>{t.placeholder}</p>
        <p class="texte-doux">{id}</p>
    }
}
