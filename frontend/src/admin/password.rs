//! `/admin/mot-de-passe/<token>`: the target of a one-time set-password link (72 h, single
//! use) an administrator gave a new staff member. Outside the console's frame (nobody is
//! signed in): the password typed twice, `POST /api/v1/auth/password`, then a link to
//! sign in. A used, expired or unknown link says so and whom to ask.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{SetPasswordRequest, SetPasswordResponse};

use super::campaigns::TextField;
use super::shell::set_title;
use crate::api;
use crate::browser;
use crate::i18n::registers as i18n;

const FAILURE_ID: &str = "mot-de-passe-echec";

#[component]
pub fn PasswordPage(token: String) -> impl IntoView {
    let t = i18n::t();
    set_title(t.password_title);
    let password = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    let done: RwSignal<Option<String>> = RwSignal::new(None);
    let pending = RwSignal::new(false);
    let token = StoredValue::new(token);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        failure.set(None);
        if password.get_untracked() != again.get_untracked() {
            errors.set(BTreeMap::from([(
                "again".to_owned(),
                t.password_mismatch.to_owned(),
            )]));
            browser::after_render(|| browser::focus_id("mot-de-passe-confirmation"));
            return;
        }
        let body = SetPasswordRequest {
            token: token.get_value(),
            password: password.get_untracked(),
        };
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result =
                api::post::<_, SetPasswordResponse>("/api/v1/auth/password", &body, &[]).await;
            pending.set(false);
            match result {
                Ok(response) => {
                    errors.set(BTreeMap::new());
                    done.set(Some(response.email));
                    browser::after_render(|| browser::focus_id("mot-de-passe-fait"));
                }
                Err(error) => {
                    let mut fields = error.fields();
                    match fields.remove("token") {
                        Some(message) => failure.set(Some(message)),
                        None if fields.is_empty() => failure.set(Some(error.message())),
                        None => {}
                    }
                    errors.set(fields);
                    if failure.get_untracked().is_some() {
                        browser::after_render(|| browser::focus_id(FAILURE_ID));
                    } else {
                        browser::after_render(|| browser::focus_id("mot-de-passe"));
                    }
                }
            }
        });
    };
    view! {
        <div class="console-connexion">
            <h1>{t.password_title}</h1>
            {move || match done.get() {
                Some(email) => view! {
                    <p id="mot-de-passe-fait" class="statut statut--ok" role="status" tabindex="-1">
                        {(t.password_done)(&email)}
                    </p>
                    <p><a class="bouton bouton--plein" href="/admin/connexion">{t.password_sign_in}</a></p>
                }
                .into_any(),
                None => view! {
                    <p class="intro">{t.password_intro}</p>
                    {move || failure.get().map(|m| view! {
                        <p id=FAILURE_ID class="statut statut--erreur" role="alert" tabindex="-1">{m}</p>
                    })}
                    <form class="formulaire-console" novalidate on:submit=submit>
                        <TextField id="mot-de-passe" label=t.password_new hint=t.password_hint
                            kind="password" value=password errors=errors field="password"/>
                        <TextField id="mot-de-passe-confirmation" label=t.password_again
                            kind="password" value=again errors=errors field="again"/>
                        <div class="boutons">
                            <button type="submit" class="bouton bouton--plein"
                                aria-disabled=move || pending.get().then_some("true")>
                                {t.password_submit}
                            </button>
                        </div>
                    </form>
                }
                .into_any(),
            }}
        </div>
    }
}
