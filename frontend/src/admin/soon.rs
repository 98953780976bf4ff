//! Console pages still to come, and the console's "page not found".
//!
//! A page to come checks the role it needs by calling its API route (`probe`): whoever
//! lacks it reads the API's own 403 message, as on the real page later.

use leptos::prelude::*;

use super::session;
use super::shell::set_title;
use crate::i18n::admin as i18n;

#[component]
pub fn SoonPage(title: &'static str, probe: Option<&'static str>) -> impl IntoView {
    set_title(title);
    let checked = probe.map(|url| crate::api::load(session::get::<serde_json::Value>(url)));
    let body = move || match checked.map(|c| c.get()) {
        Some(None) => view! {
            <p class="statut statut--attente" role="status">{crate::i18n::common::t().loading}</p>
        }
        .into_any(),
        Some(Some(Err(error))) => view! {
            <p class="statut statut--erreur" role="alert">{error.message()}</p>
        }
        .into_any(),
        None | Some(Some(Ok(_))) => view! { <p>{i18n::t().soon_text}</p> }.into_any(),
    };
    view! {
        <h1>{title}</h1>
        {body}
    }
}

#[component]
pub fn ConsoleNotFound() -> impl IntoView {
    let t = i18n::t();
    set_title(t.not_found_title);
    view! {
        <h1>{t.not_found_title}</h1>
        <p>{t.not_found_text}</p>
        <p><a href="/admin">{t.nav_home}</a></p>
    }
}
