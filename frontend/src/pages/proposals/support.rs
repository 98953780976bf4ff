//! Supporting a proposal, anonymously: one support per device (the device token of
//! `localStorage`, sent in `X-Device-Token`).

use leptos::prelude::*;
use solidarites_api_types::{ProposalSupportResponse, DEVICE_TOKEN_HEADER};

use crate::api::{self, ApiError};
use crate::browser;
use crate::i18n::proposals;
use crate::router::percent_encode;

/// The `X-Device-Token` header, when the device has a token.
pub fn device_headers() -> Vec<(&'static str, String)> {
    browser::device_token()
        .map(|token| (DEVICE_TOKEN_HEADER, token))
        .into_iter()
        .collect()
}

async fn toggle(id: &str, support: bool) -> Result<ProposalSupportResponse, ApiError> {
    let url = format!("/api/v1/proposals/{}/supports", percent_encode(id));
    let headers = device_headers();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if support {
        api::post(&url, &serde_json::json!({}), &headers).await
    } else {
        api::delete(&url, &headers).await
    }
}

/// The support count and the button that adds or withdraws this device's support.
/// `title` completes the button's accessible name in lists ("… « title »").
#[component]
pub fn SupportButton(
    id: String,
    title: String,
    count: u64,
    supported: bool,
    accepts: bool,
    /// Shows the longer explanation under the button (detail page).
    #[prop(optional)]
    detailed: bool,
) -> impl IntoView {
    let t = proposals::t();
    let count = RwSignal::new(count);
    let supported = RwSignal::new(supported);
    let pending = RwSignal::new(false);
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let id = StoredValue::new(id);
    let click = move |_| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let wanted = !supported.get_untracked();
        leptos::task::spawn_local(async move {
            let result = toggle(&id.get_value(), wanted).await;
            pending.set(false);
            match result {
                Ok(answer) => {
                    count.set(answer.support_count);
                    supported.set(answer.supported);
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };
    let hidden_title = format!(" « {title} »");
    view! {
        <div class="soutien">
            <p class="soutien__compte" aria-live="polite">
                <strong>{move || (t.supports)(count.get())}</strong>
                {move || {
                    supported.get().then(|| view! { <span class="soutien__moi">" ✓ "{t.supported_note}</span> })
                }}
            </p>
            {if accepts {
                view! {
                    <button
                        type="button"
                        class=move || {
                            if supported.get() { "bouton" } else { "bouton bouton--plein" }
                        }
                        aria-disabled=move || pending.get().then_some("true")
                        on:click=click
                    >
                        {move || if supported.get() { t.unsupport } else { t.support }}
                        <span class="visuellement-cache">{hidden_title.clone()}</span>
                    </button>
                }
                .into_any()
            } else {
                view! { <p class="texte-doux">{t.supports_closed}</p> }.into_any()
            }}
            {move || error.get().map(|m| view! { <p class="statut statut--erreur" role="alert">{m}</p> })}
            {detailed.then(|| view! { <p class="texte-doux soutien__note">{t.support_device_note}</p> })}
        </div>
    }
}
