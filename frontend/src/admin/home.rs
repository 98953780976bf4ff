//! `/admin`: who is signed in, their role, what waits in each moderation queue (as links
//! to it), and the sections their role opens.

use leptos::prelude::*;
use solidarites_api_types::ModerationQueueResponse;

use super::moderation::KINDS;
use super::session::{self, Session};
use super::shell::set_title;
use super::{nav_for, Role};
use crate::api;
use crate::i18n::admin as i18n;
use crate::router;

#[component]
pub fn HomePage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.home_title);
    let Some(me) = use_context::<Session>().or_else(session::current) else {
        return ().into_any();
    };
    let role = me.role();
    let queues = (role >= Role::Moderator).then(|| {
        let counts = api::load(session::get::<ModerationQueueResponse>(
            "/api/v1/admin/moderation?per_page=1",
        ));
        view! {
            <section aria-labelledby="accueil-files">
                <h2 id="accueil-files">{t.home_queues}</h2>
                {move || match counts.get() {
                    None => view! { <p class="statut statut--attente">{crate::i18n::common::t().loading}</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="statut statut--erreur">{error.message()}</p> }.into_any(),
                    Some(Ok(queue)) => view! {
                        <ul class="console-files">
                            {KINDS
                                .iter()
                                .map(|(kind, label)| {
                                    let href = router::with_query("/admin/moderation", &[("kind", kind)]);
                                    view! {
                                        <li>
                                            <a href=href>
                                                {(t.home_queue_count)(label(), queue.counts.of(kind))}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any(),
                }}
            </section>
        }
    });
    view! {
        <h1>{t.home_title}</h1>
        <p class="intro">
            {(t.home_hello)(&me.user.display_name)} " " {(t.home_role)(role.label())}
        </p>
        {queues}
        <section aria-labelledby="accueil-rubriques">
            <h2 id="accueil-rubriques">{t.home_sections}</h2>
            <ul class="console-rubriques">
                {nav_for(role)
                    .filter(|entry| entry.path != "/admin")
                    .map(|entry| view! { <li><a href=entry.path>{(entry.label)()}</a></li> })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
