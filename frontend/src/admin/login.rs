//! `/admin/connexion`: staff sign in with their email and password, then go back to the
//! page they came from (`?retour=`), or to the console's home.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{LoginRequest, SessionResponse};

use super::session::{self, Session};
use super::shell::set_title;
use crate::api;
use crate::browser;
use crate::components::form::{AppForm, ErrorSummary, SummaryItem, TextField, SUMMARY_ID};
use crate::i18n::admin as i18n;
use crate::router;

const EMAIL_ID: &str = "connexion-email";
const PASSWORD_ID: &str = "connexion-password";
const FAILURE_ID: &str = "connexion-echec";

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.login_title);
    let retour = router::use_router()
        .location
        .with_untracked(|l| l.param("retour"));
    let came_back = retour.is_some();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let failure: RwSignal<Option<String>> = RwSignal::new(None);
    let pending = RwSignal::new(false);

    let summary = Signal::derive(move || {
        errors.with(|errors| {
            [
                ("email", EMAIL_ID, t.login_email),
                ("password", PASSWORD_ID, t.login_password),
            ]
            .into_iter()
            .filter_map(|(key, id, label)| {
                errors.get(key).map(|message| SummaryItem {
                    field_id: id.to_owned(),
                    label: label.to_owned(),
                    message: message.clone(),
                })
            })
            .collect()
        })
    });
    let error_of =
        move |key: &'static str| Signal::derive(move || errors.with(|e| e.get(key).cloned()));

    let send = move || {
        if pending.get_untracked() {
            return;
        }
        failure.set(None);
        errors.set(BTreeMap::new());
        let body = LoginRequest {
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        let retour = retour.clone();
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result = api::post::<_, SessionResponse>("/api/v1/auth/login", &body, &[]).await;
            let _ = pending.try_set(false);
            match result {
                Ok(response) => {
                    session::set(Some(Session::from(response)));
                    router::navigate(&session::safe_return(retour.as_deref()));
                }
                Err(error) if !error.fields().is_empty() => {
                    errors.set(error.fields());
                    browser::after_render(|| browser::focus_id(SUMMARY_ID));
                }
                Err(error) => {
                    failure.set(Some(error.message()));
                    browser::after_render(|| browser::focus_id(FAILURE_ID));
                }
            }
        });
    };
    let send = StoredValue::new(send);

    view! {
        <div class="console-connexion">
            <h1>{t.login_title}</h1>
            <p class="intro">{t.login_intro}</p>
            {came_back.then(|| view! { <p class="statut statut--alerte">{t.login_expired_note}</p> })}
            <AppForm on_submit=move || send.with_value(|send| send())>
                <ErrorSummary items=summary/>
                {move || {
                    failure
                        .get()
                        .map(|m| {
                            view! {
                                <p id=FAILURE_ID class="statut statut--erreur" role="alert" tabindex="-1">
                                    {m}
                                </p>
                            }
                        })
                }}
                <TextField id=EMAIL_ID name="email" label=t.login_email value=email
                    error=error_of("email") kind="email" autocomplete="username" required=true/>
                <TextField id=PASSWORD_ID name="password" label=t.login_password value=password
                    error=error_of("password") kind="password" autocomplete="current-password"
                    required=true/>
                <div class="boutons">
                    <button
                        type="submit"
                        class="bouton bouton--plein"
                        aria-disabled=move || pending.get().then_some("true")
                    >
                        {move || if pending.get() { t.login_sending } else { t.login_submit }}
                    </button>
                    <a class="bouton bouton--discret" href="/">{t.login_back_public}</a>
                </div>
            </AppForm>
        </div>
    }
}
