//! Working without a connection (issue 19): a binding to `frontend/js/offline.js` (on
//! every page), which imports the queue itself (`frontend/js/offline-queue.js`) on first
//! use.
//!
//! - [`start`] (once, by the app frame): registers the service worker (`frontend/sw.js`),
//!   follows the connection, and sends the residents' waiting answers now and whenever
//!   the connection returns;
//! - [`OfflineBanner`]: « hors connexion » on every page, and « nouvelle version »;
//! - [`enqueue`]: an answer that could not be sent, kept in IndexedDB with its
//!   `Idempotency-Key` (the server stores a key once: sending twice stores one answer);
//! - [`PendingAnswers`]: how many answers wait, « Envoyer maintenant », the summary of what
//!   was sent, and the answers the server refused (campaign closed, questionnaire changed),
//!   kept until the person discards them.
//!
//! Each answer has an owner: [`PUBLIC_OWNER`] for residents, [`agent_owner`] for the
//! answers an agent typed in the console, listed and sent only in that agent's session.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use solidarites_api_types::SubmitResponseRequest;
use wasm_bindgen::prelude::*;

use crate::i18n::offline as i18n;

#[wasm_bindgen(module = "/js/offline.js")]
extern "C" {
    #[wasm_bindgen(js_name = registerServiceWorker)]
    fn register_service_worker(on_new_version: &Closure<dyn Fn()>);
    #[wasm_bindgen(js_name = watchConnection)]
    fn watch_connection(callback: &Closure<dyn Fn(bool)>);
    #[wasm_bindgen(js_name = onQueueChange)]
    fn on_queue_change(callback: &Closure<dyn Fn(String)>);
    #[wasm_bindgen(js_name = queueAdd, catch)]
    async fn queue_add(item: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = queueList, catch)]
    async fn queue_list(owner: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = queueRemove, catch)]
    async fn queue_remove(owner: &str, id: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = queueRemoveOwner, catch)]
    async fn queue_remove_owner(owner: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = queueSend, catch)]
    async fn queue_send(owner: &str, csrf: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = autoSend)]
    fn auto_send_js(owner: &str, csrf: &str);
    #[wasm_bindgen(js_name = stopSending)]
    fn stop_sending_js(owner: &str);
    #[wasm_bindgen(js_name = requestPersistence)]
    async fn request_persistence() -> JsValue;
}

/// Owner of the answers residents give on the public questionnaire.
pub const PUBLIC_OWNER: &str = "public";

/// Owner of the answers an agent typed: their account, so that another person signing in
/// on the same device never sees them.
pub fn agent_owner(user_id: &str) -> String {
    format!("agent:{user_id}")
}

/// An answer waiting to be sent (the JSON kept in IndexedDB).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedAnswer {
    /// The `Idempotency-Key` sent with it, every time.
    pub id: String,
    pub owner: String,
    /// Where it is posted (public or assisted entry).
    pub url: String,
    pub campaign_id: String,
    pub campaign_title: String,
    /// The questionnaire version it was answered on.
    pub version_id: String,
    /// Assisted entry's channel; `None` on the public form.
    #[serde(default)]
    pub channel: Option<String>,
    pub body: SubmitResponseRequest,
    /// When it was kept (ISO 8601, the device's clock).
    #[serde(default)]
    pub queued_at: String,
    /// `waiting`, or `refused` (the server said no: kept until the person decides).
    #[serde(default)]
    pub state: String,
    /// The server's reason of a refusal.
    #[serde(default)]
    pub message: String,
}

/// What one round of sending did (offline.js `sendAll`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct SendSummary {
    pub sent: usize,
    #[serde(default)]
    pub by_channel: std::collections::BTreeMap<String, usize>,
    pub refused: usize,
    pub waiting: usize,
    pub offline: bool,
    pub signed_out: bool,
}

/// A change of a queue, as offline.js reports it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct QueueChange {
    pub owner: String,
    pub kind: String,
    #[serde(default)]
    pub summary: Option<SendSummary>,
}

/// What every page can read: the connection, a newer version, the queues' changes.
#[derive(Debug, Clone, Copy)]
pub struct Offline {
    pub online: RwSignal<bool>,
    pub new_version: RwSignal<bool>,
    /// The last change of a queue (in any tab), as offline.js reports it (a
    /// [`QueueChange`] in JSON: read by the pages that show a queue, so that the map page
    /// does not carry its parser), with a counter so that equal changes still notify.
    pub changes: RwSignal<(u32, Option<String>)>,
}

/// Starts the offline support and provides [`Offline`] to the app. Call once.
pub fn start() -> Offline {
    let offline = Offline {
        online: RwSignal::new(true),
        new_version: RwSignal::new(false),
        changes: RwSignal::new((0, None)),
    };
    provide_context(offline);
    if web_sys::window().is_none() {
        return offline;
    }
    let on_line = Closure::<dyn Fn(bool)>::new(move |online| offline.online.set(online));
    watch_connection(&on_line);
    on_line.forget();
    let on_change = Closure::<dyn Fn(String)>::new(move |json: String| {
        offline.changes.update(|(n, last)| {
            *n = n.wrapping_add(1);
            *last = Some(json);
        });
    });
    on_queue_change(&on_change);
    on_change.forget();
    // In a later task than the app's start (which mounts the page): registering the worker
    // and looking for answers kept on the device (a read of `localStorage`) need not make
    // that task longer.
    leptos::task::spawn_local(async move {
        crate::browser::next_task().await;
        let on_new = Closure::<dyn Fn()>::new(move || offline.new_version.set(true));
        register_service_worker(&on_new);
        on_new.forget();
        // The residents' answers kept on an earlier visit go now.
        auto_send_js(PUBLIC_OWNER, "");
    });
    offline
}

/// The [`Offline`] of the app (a fresh, inert one outside it, e.g. in tests).
pub fn use_offline() -> Offline {
    use_context::<Offline>().unwrap_or_else(|| Offline {
        online: RwSignal::new(true),
        new_version: RwSignal::new(false),
        changes: RwSignal::new((0, None)),
    })
}

/// Keeps `answer` on the device to send later. `false` when it could not be kept
/// (IndexedDB unavailable, e.g. some private modes).
pub async fn enqueue(mut answer: QueuedAnswer) -> bool {
    if answer.queued_at.is_empty() {
        answer.queued_at = String::from(js_sys::Date::new_0().to_iso_string());
    }
    let Ok(json) = serde_json::to_string(&answer) else {
        return false;
    };
    queue_add(&json).await.is_ok()
}

/// The answers of `owner`, oldest first (empty when storage is unavailable).
pub async fn list(owner: &str) -> Vec<QueuedAnswer> {
    let Ok(value) = queue_list(owner).await else {
        return Vec::new();
    };
    value
        .as_string()
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// Sends the waiting answers of `owner` now (`csrf`: the staff session's token for the
/// agents' answers, empty for residents).
pub async fn send_now(owner: &str, csrf: &str) -> SendSummary {
    match queue_send(owner, csrf).await {
        Ok(value) => value
            .as_string()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default(),
        Err(_) => SendSummary::default(),
    }
}

/// Discards one answer of `owner`.
pub async fn discard(owner: &str, id: &str) {
    let _ = queue_remove(owner, id).await;
}

/// Discards every answer of `owner` (an agent signing out); how many there were.
pub async fn discard_all(owner: &str) -> usize {
    stop_sending_js(owner);
    queue_remove_owner(owner)
        .await
        .ok()
        .and_then(|n| n.as_f64())
        .map_or(0, |n| n as usize)
}

/// Sends the answers of `owner` now and whenever the connection returns.
pub fn auto_send(owner: &str, csrf: &str) {
    auto_send_js(owner, csrf);
}

/// Stops sending the answers of `owner` automatically (they stay on the device).
pub fn stop_sending(owner: &str) {
    stop_sending_js(owner);
}

/// Asks the browser to keep the app's storage: `granted`, `refused` or `unsupported`.
pub async fn persist() -> String {
    request_persistence().await.as_string().unwrap_or_default()
}

/// « hors connexion » and « nouvelle version »: a status region always in the page, so
/// that screen readers announce the change.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let offline = use_offline();
    let t = i18n::t();
    view! {
        <div class="hors-connexion" role="status">
            <Show when=move || !offline.online.get()>
                <p class="hors-connexion__texte conteneur conteneur--large">{t.offline_banner}</p>
            </Show>
            <Show when=move || offline.new_version.get()>
                <p class="hors-connexion__texte conteneur conteneur--large">
                    {t.new_version} " "
                    <button
                        type="button"
                        class="bouton bouton--discret"
                        on:click=|_| {
                            if let Some(window) = web_sys::window() {
                                let _ = window.location().reload();
                            }
                        }
                    >
                        {t.reload}
                    </button>
                </p>
            </Show>
        </div>
    }
}

/// The date and time of `iso` as the device shows them in French.
fn local_time(iso: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(iso));
    if date.get_time().is_nan() {
        return iso.to_owned();
    }
    String::from(date.to_locale_string("fr-FR", &JsValue::UNDEFINED))
}

/// « Papier 1, Visite à domicile 1 », with `label` naming each channel.
fn channel_detail(
    by_channel: &std::collections::BTreeMap<String, usize>,
    label: fn(&str) -> String,
) -> String {
    by_channel
        .iter()
        .map(|(channel, n)| format!("{} {n}", label(channel)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The answers of `owner` waiting on this device: their count, « Envoyer maintenant »,
/// what was sent, and those refused by the server with their reason and « Supprimer ».
/// Hidden while there is nothing to say. `csrf` is read at each sending (agents).
/// `channel_label` names the channels in the summary (`None`: no detail, residents).
#[component]
pub fn PendingAnswers(
    owner: String,
    #[prop(into)] csrf: Signal<String>,
    #[prop(optional)] channel_label: Option<fn(&str) -> String>,
) -> impl IntoView {
    let t = i18n::t();
    let offline = use_offline();
    let owner = StoredValue::new(owner);
    let items: RwSignal<Vec<QueuedAnswer>> = RwSignal::new(Vec::new());
    let sending = RwSignal::new(false);
    let message: RwSignal<Option<String>> = RwSignal::new(None);
    let persistence: RwSignal<Option<String>> = RwSignal::new(None);

    let reload = move || {
        let owner = owner.get_value();
        leptos::task::spawn_local(async move {
            let found = list(&owner).await;
            let _ = items.try_set(found);
        });
    };
    reload();
    let describe = move |summary: &SendSummary| -> Option<String> {
        if summary.sent > 0 {
            let detail = channel_label
                .map(|label| channel_detail(&summary.by_channel, label))
                .filter(|d| !d.is_empty());
            return Some(match detail {
                Some(detail) => (t.sent_by_channel)(summary.sent, &detail),
                None => (t.sent)(summary.sent),
            });
        }
        if summary.signed_out {
            return Some(t.signed_out.to_owned());
        }
        None
    };
    // Every change of this owner's queue (this tab or another): list again, and say what
    // an automatic sending did.
    Effect::new(move |_| {
        let (_, change) = offline.changes.get();
        let Some(change) = change.and_then(|json| serde_json::from_str::<QueueChange>(&json).ok())
        else {
            return;
        };
        if change.owner != owner.get_value() {
            return;
        }
        if let Some(text) = change.summary.as_ref().and_then(describe) {
            message.set(Some(text));
        }
        reload();
    });
    // Ask once to keep the storage when answers wait; say so if the browser refuses.
    Effect::new(move |_| {
        let waiting = items.with(|i| !i.is_empty());
        if waiting && persistence.get_untracked().is_none() {
            persistence.set(Some(String::new()));
            leptos::task::spawn_local(async move {
                let answer = persist().await;
                let _ = persistence.try_set(Some(answer));
            });
        }
    });

    let send = move |_| {
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        message.set(None);
        let (owner, csrf) = (owner.get_value(), csrf.get_untracked());
        leptos::task::spawn_local(async move {
            let summary = send_now(&owner, &csrf).await;
            let text = describe(&summary).or_else(|| {
                (summary.waiting > 0 && summary.offline).then(|| t.still_offline.to_owned())
            });
            let _ = sending.try_set(false);
            let _ = message.try_set(text);
        });
    };

    let waiting =
        Memo::new(move |_| items.with(|i| i.iter().filter(|a| a.state != "refused").count()));
    let refused = Memo::new(move |_| {
        items.with(|i| {
            i.iter()
                .filter(|a| a.state == "refused")
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let persistence_note = move || match persistence.get().as_deref() {
        Some("refused") => Some(view! { <p class="texte-doux">{t.persist_refused}</p> }),
        _ => None,
    };

    view! {
        <div class="file-attente-zone">
            <div role="status">
                {move || {
                    message.get().map(|text| view! { <p class="statut statut--ok">{text}</p> })
                }}
            </div>
            <Show when=move || { waiting.get() > 0 || !refused.with(Vec::is_empty) }>
                <section class="file-attente" aria-labelledby="file-attente-titre">
                    <h2 id="file-attente-titre">{t.pending_title}</h2>
                    <Show when=move || { waiting.get() > 0 }>
                        <p class="file-attente__compte">{move || (t.pending_count)(waiting.get())}</p>
                        <p>{t.pending_auto}</p>
                        <div class="boutons">
                            <button
                                type="button"
                                class="bouton bouton--plein"
                                aria-disabled=move || sending.get().then_some("true")
                                on:click=send
                            >
                                {move || if sending.get() { t.sending } else { t.send_now }}
                            </button>
                        </div>
                    </Show>
                    {persistence_note}
                    <RefusedAnswers refused=refused owner=owner message=message/>
                </section>
            </Show>
        </div>
    }
}

/// The answers the server refused, each with its reason and a button to delete it.
#[component]
fn RefusedAnswers(
    refused: Memo<Vec<QueuedAnswer>>,
    owner: StoredValue<String>,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = i18n::t();
    move || {
        let list = refused.get();
        (!list.is_empty()).then(|| {
            let rows = list
                .into_iter()
                .map(|answer| {
                    let reason = match answer.message.as_str() {
                        "" | "closed" => t.refused_closed.to_owned(),
                        "changed" => t.refused_changed.to_owned(),
                        other => other.to_owned(),
                    };
                    let id = answer.id.clone();
                    let discard_one = move |_| {
                        let (owner, id) = (owner.get_value(), id.clone());
                        leptos::task::spawn_local(async move {
                            discard(&owner, &id).await;
                            let _ = message.try_set(Some(t.discarded.to_owned()));
                        });
                    };
                    view! {
                        <li class="file-attente__refus">
                            <p>
                                <strong>
                                    {(t.refused_item)(
                                        &answer.campaign_title,
                                        &local_time(&answer.queued_at),
                                    )}
                                </strong>
                            </p>
                            <p>{reason}</p>
                            <p class="texte-doux">{t.refused_kept}</p>
                            <button type="button" class="bouton" on:click=discard_one>
                                {t.discard}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <h3>{t.refused_title}</h3>
                <ul class="file-attente__liste">{rows}</ul>
            }
        })
    }
}
