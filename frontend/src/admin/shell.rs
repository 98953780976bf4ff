//! The frame of every console page but sign-in: a bar with the signed-in person, their
//! role and "Se déconnecter", the menu of what their role opens ([`super::NAV`]), then the
//! page. Nobody signed in: straight to sign-in, coming back here afterwards.

use leptos::prelude::*;

use super::session::{self, Session};
use super::{nav_for, Page};
use crate::api::ApiError;
use crate::browser;
use crate::i18n::{admin as i18n, common, offline as offline_i18n};
use crate::offline;
use crate::router;

/// `id` of the warning shown on signing out with answers still waiting (focused).
const LOGOUT_WARNING_ID: &str = "avertissement-deconnexion";

/// What the frame knows of the session.
#[derive(Debug, Clone)]
enum State {
    Checking,
    Ready(Session),
    Failed(ApiError),
}

/// The frame around `page`. The page is only built once the session is known, so pages
/// may read [`session::current`] (or `use_context::<Session>()`) from their first line.
#[component]
pub fn AdminLayout(page: Page) -> impl IntoView {
    let state = RwSignal::new(session::current().map_or(State::Checking, State::Ready));
    let check = move || {
        leptos::task::spawn_local(async move {
            match session::ensure().await {
                Ok(session) => {
                    let _ = state.try_set(State::Ready(session));
                }
                Err(ApiError::Http { status: 401, .. }) => session::expired(),
                Err(error) => {
                    let _ = state.try_set(State::Failed(error));
                }
            }
        });
    };
    if matches!(state.get_untracked(), State::Checking) {
        check();
    }
    let page = StoredValue::new(page);
    move || match state.get() {
        State::Checking => view! {
            <p class="statut statut--attente" role="status">{i18n::t().checking_session}</p>
        }
        .into_any(),
        State::Failed(error) => view! {
            <h1>{i18n::t().console_name}</h1>
            <p class="statut statut--erreur" role="alert">{error.message()}</p>
            <button
                type="button"
                class="bouton"
                on:click=move |_| {
                    state.set(State::Checking);
                    check();
                }
            >
                {common::t().retry}
            </button>
        }
        .into_any(),
        State::Ready(session) => {
            provide_context(session.clone());
            view! { <Frame session=session page=page.get_value()/> }.into_any()
        }
    }
}

#[component]
fn Frame(session: Session, page: Page) -> impl IntoView {
    let t = i18n::t();
    let role = session.role();
    let current_path = router::use_router()
        .location
        .with_untracked(|l| l.path.clone());
    let logout_error: RwSignal<Option<String>> = RwSignal::new(None);
    // The answers this agent typed offline are sent from every console page, with this
    // session's CSRF token, and never in anyone else's session.
    let owner = StoredValue::new(offline::agent_owner(&session.user.id));
    offline::auto_send(&owner.get_value(), &session.csrf_token);
    // Answers still waiting when the agent signs out: how many (the warning is shown).
    let waiting_at_logout: RwSignal<Option<usize>> = RwSignal::new(None);
    let sign_out = move || {
        leptos::task::spawn_local(async move {
            match session::logout().await {
                Ok(()) => {
                    offline::stop_sending(&owner.get_value());
                    router::navigate("/admin/connexion");
                }
                Err(error) => {
                    logout_error.set(Some(format!("{} {}", t.logout_failed, error.message())))
                }
            }
        });
    };
    let logout = move |_| {
        leptos::task::spawn_local(async move {
            let waiting = offline::list(&owner.get_value()).await.len();
            if waiting > 0 {
                waiting_at_logout.set(Some(waiting));
                browser::after_render(|| browser::focus_id(LOGOUT_WARNING_ID));
            } else {
                sign_out();
            }
        });
    };
    let o = offline_i18n::t();
    let warning = move || {
        waiting_at_logout.get().map(|n| {
            view! {
                <div class="statut statut--attente avertissement-deconnexion" role="alert">
                    <p id=LOGOUT_WARNING_ID tabindex="-1">{(o.signout_pending)(n)}</p>
                    <div class="boutons">
                        <button
                            type="button"
                            class="bouton bouton--plein"
                            on:click=move |_| {
                                let csrf = session::current()
                                    .map(|s| s.csrf_token)
                                    .unwrap_or_default();
                                waiting_at_logout.set(None);
                                leptos::task::spawn_local(async move {
                                    offline::send_now(&owner.get_value(), &csrf).await;
                                });
                            }
                        >
                            {o.signout_send_first}
                        </button>
                        <button
                            type="button"
                            class="bouton"
                            on:click=move |_| {
                                waiting_at_logout.set(None);
                                leptos::task::spawn_local(async move {
                                    offline::discard_all(&owner.get_value()).await;
                                    sign_out();
                                });
                            }
                        >
                            {o.signout_discard}
                        </button>
                        <button
                            type="button"
                            class="bouton bouton--discret"
                            on:click=move |_| waiting_at_logout.set(None)
                        >
                            {o.signout_cancel}
                        </button>
                    </div>
                </div>
            }
        })
    };
    let entries = nav_for(role)
        .map(|entry| {
            let current = (entry.path == current_path.trim_end_matches('/')
                || (entry.path != "/admin" && current_path.starts_with(entry.path)))
            .then_some("page");
            view! {
                <li>
                    <a class="console__lien" href=entry.path aria-current=current>
                        {(entry.label)()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="console">
            <div class="console__barre">
                <p class="console__nom">{t.console_name}</p>
                <p class="console__personne">
                    <span class="visuellement-cache">{t.signed_in_as}" "</span>
                    <strong>{session.user.display_name.clone()}</strong>
                    " — "
                    <span class="etiquette console__role">{role.label()}</span>
                </p>
                <button type="button" class="bouton bouton--discret" on:click=logout>
                    {t.logout}
                </button>
            </div>
            {warning}
            {move || {
                logout_error
                    .get()
                    .map(|m| view! { <p class="statut statut--erreur" role="alert">{m}</p> })
            }}
            <div class="console__corps">
                <nav class="console__menu" aria-label=t.nav_label>
                    <ul>{entries}</ul>
                </nav>
                <div class="console__page">{page.view()}</div>
            </div>
        </div>
    }
}

/// Sets the document title of a console page: "{page} — Console — Solidarités".
pub fn set_title(page: &str) {
    browser::set_title(&(common::t().page_title)(&format!(
        "{page} — {}",
        i18n::t().console_name
    )));
}
