//! The page of an unknown address.

use leptos::prelude::*;

use crate::app::set_page_title;
use crate::i18n::common;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let t = common::t();
    set_page_title(t.not_found_title);
    view! {
        <h1>{t.not_found_title}</h1>
        <p>{t.not_found_text}</p>
        <p><a class="bouton" href="/">{t.not_found_home}</a></p>
    }
}
