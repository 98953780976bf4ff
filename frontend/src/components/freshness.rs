//! « Je confirme que ces informations sont à jour »: the button that keeps a published
//! listing (an initiative, an event) public for a full period again.

use leptos::prelude::*;
use solidarites_api_types::ConfirmListingResponse;

use crate::api::{self, ApiError};
use crate::format::date_text;
use crate::i18n::freshness;

/// Where a listing stands (`freshness`, the day it will be hidden), and the confirmation
/// button: one click posts to `url`, and `on_confirmed` gets the answer.
#[component]
pub fn ConfirmCurrent(
    url: String,
    /// The listing's freshness (`fresh`, `flagged`, `hidden`) and `hidden_from`.
    #[prop(into)]
    state: Signal<(String, Option<String>)>,
    #[prop(optional)] on_confirmed: Option<Callback<ConfirmListingResponse>>,
) -> impl IntoView {
    let t = freshness::t();
    let done = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let url = StoredValue::new(url);
    let confirm = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        leptos::task::spawn_local(async move {
            let answer: Result<ConfirmListingResponse, ApiError> =
                api::post(&url.get_value(), &serde_json::json!({}), &[]).await;
            pending.set(false);
            match answer {
                Ok(confirmed) => {
                    error.set(None);
                    done.set(Some((t.confirm_done)(&date_text(&confirmed.hidden_from))));
                    if let Some(on_confirmed) = on_confirmed {
                        on_confirmed.run(confirmed);
                    }
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    let standing = move || {
        state.with(|(freshness, hidden_from)| {
            let day = hidden_from.as_deref().map(date_text).unwrap_or_default();
            match freshness.as_str() {
                "hidden" => (t.confirm_hidden.to_owned(), "statut statut--erreur"),
                "flagged" => ((t.confirm_flagged)(&day), "statut statut--alerte"),
                _ => ((t.confirm_fresh)(&day), "statut statut--attente"),
            }
        })
    };
    view! {
        <section class="confirmation-a-jour" aria-labelledby="a-jour-titre">
            <h2 id="a-jour-titre">{t.confirm_title}</h2>
            {move || done.get().is_none().then(|| {
                let (text, class) = standing();
                view! { <p class=class>{text}</p> }
            })}
            <button type="button" class="bouton" on:click=confirm aria-disabled=move || pending.get().then_some("true")>
                {t.confirm_button}
            </button>
            <div role="status">
                {move || done.get().map(|m| view! { <p class="statut statut--ok">{m}</p> })}
            </div>
            {move || error.get().map(|m| view! { <p class="statut statut--erreur" role="alert">{m}</p> })}
        </section>
    }
}
