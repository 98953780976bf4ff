//! The carte des solidarités: the map and list of initiatives, adding one, editing one
//! through its private link. (Placeholders: the map pages replace them.)

use leptos::prelude::*;

use crate::app::set_page_title;
use crate::i18n::carte;

#[component]
pub fn CartePage() -> impl IntoView {
    let t = carte::t();
    set_page_title(t.title);
    view! {
        <h1>{t.title}</h1>
        <p>{t.placeholder}</p>
    }
}

#[component]
pub fn AddInitiativePage() -> impl IntoView {
    let t = carte::t();
    set_page_title(t.add_title);
    view! {
        <h1>{t.add_title}</h1>
        <p>{t.placeholder}</p>
    }
}

#[component]
pub fn EditInitiativePage() -> impl IntoView {
    let t = carte::t();
    set_page_title(t.edit_title);
    view! {
        <h1>{t.edit_title}</h1>
        <p>{t.placeholder}</p>
    }
}
