//! `/admin/moderation`: one queue per kind (new initiatives, changes of published ones,
//! new actors, proposals), paged by the server (`?kind=&page=`). Each item shows its
//! content — a change shows a before/after table of the fields it changes, a new
//! initiative a small map of its place — and takes a decision: approve, reject with a
//! reason, request changes, archive (where the API allows each). Items can be selected and
//! approved or rejected together in one all-or-nothing call. Keyboard shortcuts (listed on
//! the page): `j`/`k` next/previous, `o` open, `x` select, `a` approve, `r` reject.

use std::collections::BTreeSet;

use leptos::prelude::*;
use solidarites_api_types::{
    BulkModerationRequest, BulkModerationResponse, EventContentResponse, InitiativeContentResponse,
    ModerationItemResponse, ModerationMessageRequest, ModerationOutcomeResponse,
    ModerationQueueResponse, PublicConfigResponse, ThemeResponse,
};
use wasm_bindgen::JsCast;

use super::drafts;
use super::session;
use super::shell::set_title;
use crate::api::{self, ApiError};
use crate::browser;
use crate::carte::leaflet::{options_json, MapController, MapView};
use crate::components::form::AppForm;
use crate::components::themes;
use crate::format;
use crate::i18n::{admin as i18n, common};
use crate::router;

/// A French text of the interface, read when shown (from the current language's table).
pub type Label = fn() -> &'static str;

/// The queues, in the order of the tabs: the API's `kind` and its French name.
pub const KINDS: [(&str, Label); 6] = [
    ("initiative", || i18n::t().kind_initiative),
    ("initiative_revision", || i18n::t().kind_revision),
    ("actor", || i18n::t().kind_actor),
    ("proposal", || i18n::t().kind_proposal),
    ("event", || i18n::t().kind_event),
    ("event_revision", || i18n::t().kind_event_revision),
];

/// Items per page.
const PER_PAGE: u64 = 20;
const LIVE_ID: &str = "moderation-annonce";
const SELECTION: &str = "selection";

/// A decision the page can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Approve,
    Reject,
    RequestChanges,
    Archive,
}

impl Action {
    fn route(self) -> &'static str {
        match self {
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::RequestChanges => "request-changes",
            Action::Archive => "archive",
        }
    }

    /// Whether the API takes this decision on a pending item of `kind`.
    fn applies_to(self, kind: &str) -> bool {
        match self {
            Action::Approve | Action::Reject => true,
            Action::RequestChanges => matches!(
                kind,
                "initiative" | "initiative_revision" | "event" | "event_revision"
            ),
            Action::Archive => matches!(kind, "initiative" | "actor" | "proposal" | "event"),
        }
    }

    fn done(self, title: &str) -> String {
        let t = i18n::t();
        match self {
            Action::Approve => (t.done_approve)(title),
            Action::Reject => (t.done_reject)(title),
            Action::RequestChanges => (t.done_changes)(title),
            Action::Archive => (t.done_archive)(title),
        }
    }
}

/// The state of the page, shared by its parts (`Copy`).
#[derive(Debug, Clone, Copy)]
struct Queue {
    kind: Memo<String>,
    page: Memo<u64>,
    loaded: RwSignal<Option<Result<ModerationQueueResponse, ApiError>>>,
    /// Bumped to load the page again after a decision.
    version: RwSignal<u32>,
    /// Index of the item the shortcuts act on.
    current: RwSignal<Option<usize>>,
    selected: RwSignal<BTreeSet<String>>,
    expanded: RwSignal<BTreeSet<String>>,
    /// Items whose reject (or request-changes) form is open; [`SELECTION`] for the bulk one.
    rejecting: RwSignal<BTreeSet<String>>,
    changing: RwSignal<BTreeSet<String>>,
    busy: RwSignal<bool>,
    /// What the `aria-live` region says.
    announce: RwSignal<String>,
    config: RwSignal<Option<Result<PublicConfigResponse, ApiError>>>,
    themes: RwSignal<Option<Result<Vec<ThemeResponse>, ApiError>>>,
}

impl Queue {
    fn items(&self) -> Vec<ModerationItemResponse> {
        self.loaded
            .with(|l| {
                l.as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .map(|q| q.items.clone())
            })
            .unwrap_or_default()
    }

    fn items_untracked(&self) -> Vec<ModerationItemResponse> {
        self.loaded
            .with_untracked(|l| {
                l.as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .map(|q| q.items.clone())
            })
            .unwrap_or_default()
    }

    fn reload(&self) {
        self.version.update(|v| *v += 1);
    }

    /// Says `message` in the `aria-live` region (nothing if the page is gone).
    fn say(&self, message: String) {
        let _ = self.announce.try_set(message);
    }

    fn theme_label(&self, slug: &str) -> String {
        self.themes.with(|t| match t {
            Some(Ok(list)) => themes::label(list, slug),
            _ => slug.to_owned(),
        })
    }

    /// Applies `action` to one item.
    fn decide(&self, item: &ModerationItemResponse, action: Action, message: Option<String>) {
        if self.busy.get_untracked() {
            return;
        }
        let queue = *self;
        let url = format!(
            "/api/v1/admin/moderation/{}/{}",
            router::percent_encode(&item.id),
            action.route()
        );
        let id = item.id.clone();
        let title = item.title.clone();
        self.busy.set(true);
        self.say(i18n::t().working.to_owned());
        leptos::task::spawn_local(async move {
            let body = ModerationMessageRequest { message };
            let result = session::post::<_, ModerationOutcomeResponse>(&url, &body).await;
            let _ = queue.busy.try_set(false);
            match result {
                Ok(_) => {
                    for key in [
                        format!("motif-{id}"),
                        format!("precision-{id}"),
                        format!("modifs-{id}"),
                    ] {
                        drafts::clear(&key);
                    }
                    queue.selected.update(|s| {
                        s.remove(&id);
                    });
                    queue.say(action.done(&title));
                    queue.reload();
                }
                Err(ApiError::Http { status: 401, .. }) => {}
                Err(error) => queue.say((i18n::t().failed)(&error.message())),
            }
        });
    }

    /// Approves or rejects every selected item, all or nothing.
    fn decide_selection(&self, action: Action, message: Option<String>) {
        if self.busy.get_untracked() {
            return;
        }
        let ids: Vec<String> = self.selected.get_untracked().into_iter().collect();
        if ids.is_empty() {
            return;
        }
        let queue = *self;
        let t = i18n::t();
        self.busy.set(true);
        self.say((t.bulk_working)(ids.len()));
        leptos::task::spawn_local(async move {
            let body = BulkModerationRequest {
                action: Some(
                    if action == Action::Approve {
                        "approve"
                    } else {
                        "reject"
                    }
                    .to_owned(),
                ),
                ids,
                message,
            };
            let result =
                session::post::<_, BulkModerationResponse>("/api/v1/admin/moderation/bulk", &body)
                    .await;
            let _ = queue.busy.try_set(false);
            match result {
                Ok(response) => {
                    let n = response.outcomes.len();
                    drafts::clear(&format!("motif-{SELECTION}"));
                    drafts::clear(&format!("precision-{SELECTION}"));
                    queue.selected.set(BTreeSet::new());
                    queue.rejecting.update(|r| {
                        r.remove(SELECTION);
                    });
                    queue.say(if action == Action::Approve {
                        (t.bulk_done_approve)(n)
                    } else {
                        (t.bulk_done_reject)(n)
                    });
                    queue.reload();
                }
                Err(ApiError::Http { status: 401, .. }) => {}
                Err(error) => queue.say((t.failed)(&error.message())),
            }
        });
    }

    /// Opens the reject form of `key` (an item id or [`SELECTION`]) and moves the focus to
    /// its reason.
    fn open_reject(&self, key: &str) {
        self.rejecting.update(|r| {
            r.insert(key.to_owned());
        });
        let id = format!("motif-{}", dom_key(key));
        browser::after_render(move || browser::focus_id(&id));
    }
}

/// A DOM-id-safe form of an item id (UUIDs already are).
fn dom_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn item_dom_id(index: usize) -> String {
    format!("moderation-element-{index}")
}

/// The reason sent to the submitter: the chosen reason, then the details.
fn reject_message(reason: &str, details: &str) -> Option<String> {
    match (reason.trim(), details.trim()) {
        ("", "") => None,
        (reason, "") => Some(format!("{reason}.")),
        ("", details) => Some(details.to_owned()),
        (reason, details) => Some(format!("{reason}. {details}")),
    }
}

#[component]
pub fn ModerationPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.moderation_title);
    // Read from the router's own signal (it outlives the page), and only while the page is
    // shown: leaving it must not make the queue load again.
    let location = router::use_router().location;
    let here = |l: &router::Location| l.path.trim_end_matches('/') == "/admin/moderation";
    let kind = Memo::new(move |previous: Option<&String>| {
        location.with(|l| match previous {
            Some(previous) if !here(l) => previous.clone(),
            _ => l
                .param("kind")
                .filter(|k| KINDS.iter().any(|(kind, _)| kind == k))
                .unwrap_or_else(|| KINDS[0].0.to_owned()),
        })
    });
    let page = Memo::new(move |previous: Option<&u64>| {
        location.with(|l| match previous {
            Some(previous) if !here(l) => *previous,
            _ => l
                .param("page")
                .and_then(|p| p.parse::<u64>().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        })
    });
    let queue = Queue {
        kind,
        page,
        loaded: RwSignal::new(None),
        version: RwSignal::new(0),
        current: RwSignal::new(None),
        selected: RwSignal::new(BTreeSet::new()),
        expanded: RwSignal::new(BTreeSet::new()),
        rejecting: RwSignal::new(BTreeSet::new()),
        changing: RwSignal::new(BTreeSet::new()),
        busy: RwSignal::new(false),
        announce: RwSignal::new(String::new()),
        config: api::load(api::get::<PublicConfigResponse>("/api/v1/config")),
        themes: api::load(themes::all()),
    };
    // Load the page of the queue asked for, again after each decision.
    Effect::new(move |_| {
        // `try_`: a run queued just before the page goes finds its values gone.
        let (Some(kind), Some(page)) = (kind.try_get(), page.try_get()) else {
            return;
        };
        let url = format!("/api/v1/admin/moderation?kind={kind}&page={page}&per_page={PER_PAGE}");
        queue.version.track();
        leptos::task::spawn_local(async move {
            let result = session::get::<ModerationQueueResponse>(&url).await;
            if matches!(result, Err(ApiError::Http { status: 401, .. })) {
                return;
            }
            // Selections and the current item belong to the items shown.
            let ids: BTreeSet<String> = result
                .as_ref()
                .map(|q| q.items.iter().map(|i| i.id.clone()).collect())
                .unwrap_or_default();
            let count = ids.len();
            let _ = queue
                .selected
                .try_update(|s| s.retain(|id| ids.contains(id)));
            let _ = queue.current.try_update(|c| {
                *c = c
                    .filter(|_| count > 0)
                    .map(|i| i.min(count.saturating_sub(1)));
            });
            let _ = queue.loaded.try_set(Some(result));
        });
    });

    // Keyboard shortcuts, never while typing in a field.
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        if event.ctrl_key() || event.meta_key() || event.alt_key() || typing(&event) {
            return;
        }
        on_shortcut(queue, &event);
    });
    on_cleanup(move || keys.remove());

    view! {
        <h1>{t.moderation_title}</h1>
        <p class="intro">{t.moderation_intro}</p>
        <Tabs queue=queue/>
        <p id=LIVE_ID class="moderation__annonce" role="status" aria-live="polite" aria-atomic="true">
            {move || queue.announce.get()}
        </p>
        {move || {
            queue
                .busy
                .get()
                .then(|| {
                    view! {
                        <progress class="moderation__progression" aria-label=t.working></progress>
                    }
                })
        }}
        {move || match queue.loaded.get() {
            None => view! { <p class="statut statut--attente">{common::t().loading}</p> }.into_any(),
            Some(Err(error)) => view! { <p class="statut statut--erreur" role="alert">{error.message()}</p> }.into_any(),
            Some(Ok(loaded)) if loaded.items.is_empty() => view! { <p class="statut">{t.queue_empty}</p> }.into_any(),
            Some(Ok(loaded)) => view! {
                <BulkBar queue=queue/>
                <ol class="moderation__liste">
                    {loaded
                        .items
                        .into_iter()
                        .enumerate()
                        .map(|(index, item)| view! { <Item queue=queue index=index item=item/> })
                        .collect_view()}
                </ol>
                <Pager queue=queue total=loaded.total per_page=loaded.per_page/>
            }
            .into_any(),
        }}
        <Shortcuts/>
    }
}

/// Whether the key went to a field being typed in.
fn typing(event: &web_sys::KeyboardEvent) -> bool {
    let Some(element) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    let tag = element.tag_name().to_ascii_lowercase();
    let kind = element
        .get_attribute("type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    match tag.as_str() {
        // Boxes and buttons take no text: the shortcuts still apply on them.
        "input" => !matches!(
            kind.as_str(),
            "checkbox" | "radio" | "button" | "submit" | "reset"
        ),
        "textarea" | "select" => true,
        _ => element.is_content_editable(),
    }
}

fn on_shortcut(queue: Queue, event: &web_sys::KeyboardEvent) {
    let items = queue.items_untracked();
    if items.is_empty() {
        return;
    }
    let last = items.len() - 1;
    let current = queue.current.get_untracked();
    let item = current.and_then(|i| items.get(i));
    let handled = match event.key().as_str() {
        "j" => {
            let next = current.map_or(0, |i| (i + 1).min(last));
            focus_item(queue, next);
            true
        }
        "k" => {
            let previous = current.map_or(0, |i| i.saturating_sub(1));
            focus_item(queue, previous);
            true
        }
        "o" => item.is_some_and(|item| {
            toggle(queue.expanded, &item.id);
            true
        }),
        "x" => item.is_some_and(|item| {
            toggle(queue.selected, &item.id);
            true
        }),
        "a" => {
            if !queue.selected.with_untracked(BTreeSet::is_empty) {
                queue.decide_selection(Action::Approve, None);
                true
            } else if let Some(item) = item {
                queue.decide(item, Action::Approve, None);
                true
            } else {
                false
            }
        }
        "r" => {
            if !queue.selected.with_untracked(BTreeSet::is_empty) {
                queue.open_reject(SELECTION);
                true
            } else if let Some(item) = item {
                queue.open_reject(&item.id);
                true
            } else {
                false
            }
        }
        _ => false,
    };
    if handled {
        event.prevent_default();
    }
}

fn focus_item(queue: Queue, index: usize) {
    queue.current.set(Some(index));
    let id = item_dom_id(index);
    browser::after_render(move || {
        browser::focus_id(&id);
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
        {
            element.scroll_into_view_with_bool(false);
        }
    });
}

fn toggle(set: RwSignal<BTreeSet<String>>, id: &str) {
    set.update(|s| {
        if !s.remove(id) {
            s.insert(id.to_owned());
        }
    });
}

#[component]
fn Tabs(queue: Queue) -> impl IntoView {
    let t = i18n::t();
    view! {
        <nav class="moderation__onglets" aria-label=t.queues_label>
            <ul>
                {KINDS
                    .iter()
                    .map(|(kind, label)| {
                        let kind = *kind;
                        let href = router::with_query("/admin/moderation", &[("kind", kind)]);
                        let count = move || {
                            queue
                                .loaded
                                .with(|l| {
                                    l.as_ref().and_then(|r| r.as_ref().ok()).map(|q| q.counts.of(kind))
                                })
                        };
                        view! {
                            <li>
                                <a
                                    class="moderation__onglet"
                                    href=href
                                    aria-current=move || {
                                        queue.kind.try_get().is_some_and(|k| k == kind).then_some("page")
                                    }
                                >
                                    {move || match count() {
                                        Some(n) => (t.tab_label)(label(), n),
                                        None => label().to_owned(),
                                    }}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// "Tout sélectionner", the count, and the decisions on the selection.
#[component]
fn BulkBar(queue: Queue) -> impl IntoView {
    let t = i18n::t();
    let count = move || queue.selected.with(BTreeSet::len);
    let all = move || {
        let items = queue.items();
        !items.is_empty()
            && queue
                .selected
                .with(|s| items.iter().all(|i| s.contains(&i.id)))
    };
    let toggle_all = move |_| {
        let items = queue.items_untracked();
        if all() {
            queue.selected.set(BTreeSet::new());
        } else {
            queue
                .selected
                .set(items.into_iter().map(|i| i.id).collect());
        }
    };
    let none = move || count() == 0;
    let rejecting_selection = move || queue.rejecting.with(|r| r.contains(SELECTION)) && !none();
    view! {
        <div class="moderation__lot" role="group" aria-label=t.select_all>
            <label class="moderation__tout">
                <input type="checkbox" id="moderation-tout" prop:checked=all on:change=toggle_all/>
                " " {t.select_all}
            </label>
            <span class="texte-doux">{move || (t.selected_count)(count())}</span>
            <button
                type="button"
                class="bouton bouton--plein"
                aria-disabled=move || (none() || queue.busy.get()).then_some("true")
                on:click=move |_| {
                    if !none() {
                        queue.decide_selection(Action::Approve, None);
                    }
                }
            >
                {t.approve_selection}
            </button>
            <button
                type="button"
                class="bouton"
                aria-disabled=move || (none() || queue.busy.get()).then_some("true")
                on:click=move |_| {
                    if !none() {
                        queue.open_reject(SELECTION);
                    }
                }
            >
                {t.reject_selection}
            </button>
        </div>
        <Show when=rejecting_selection>
            <RejectForm queue=queue key=SELECTION.to_owned() item=None/>
        </Show>
    }
}

/// The reject form of an item, or of the selection (`item` `None`).
#[component]
fn RejectForm(queue: Queue, key: String, item: Option<ModerationItemResponse>) -> impl IntoView {
    let t = i18n::t();
    let dom = dom_key(&key);
    let reason = drafts::text(&format!("motif-{key}"));
    let details = drafts::text(&format!("precision-{key}"));
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let reason_id = format!("motif-{dom}");
    let details_id = format!("precision-{dom}");
    let problem_id = format!("motif-{dom}-erreur");
    let help_id = format!("precision-{dom}-aide");
    let item = StoredValue::new(item);
    let key_close = key.clone();
    let send = move || {
        let Some(message) = reject_message(&reason.get_untracked(), &details.get_untracked())
        else {
            problem.set(Some(t.reason_missing.to_owned()));
            return;
        };
        problem.set(None);
        match item.get_value() {
            Some(item) => queue.decide(&item, Action::Reject, Some(message)),
            None => queue.decide_selection(Action::Reject, Some(message)),
        }
    };
    let confirm = move || match item.with_value(Option::is_some) {
        true => t.confirm_reject.to_owned(),
        false => (t.confirm_reject_selection)(queue.selected.with(BTreeSet::len)),
    };
    let problem_id_attr = problem_id.clone();
    view! {
        <AppForm class="moderation__motif" on_submit=send>
            <div class="champ">
                <label for=reason_id.clone()>{t.reason_label}</label>
                {move || {
                    problem
                        .get()
                        .map(|m| {
                            view! {
                                <p id=problem_id.clone() class="champ__erreur">
                                    <span class="visuellement-cache">{common::t().error_prefix}" "</span>
                                    {m}
                                </p>
                            }
                        })
                }}
                <select
                    id=reason_id.clone()
                    class="saisie"
                    aria-describedby=move || problem.with(Option::is_some).then(|| problem_id_attr.clone())
                    aria-invalid=move || problem.with(Option::is_some).then_some("true")
                    on:change=move |event| reason.set(event_target_value(&event))
                >
                    <option value="">{t.reason_choose}</option>
                    {t
                        .reasons
                        .iter()
                        .map(|r| {
                            let r = *r;
                            view! { <option value=r selected=move || reason.with(|x| x == r)>{r}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="champ">
                <label for=details_id.clone()>{t.reason_details}</label>
                <p id=help_id.clone() class="champ__aide">{t.reason_details_hint}</p>
                <textarea
                    id=details_id
                    class="saisie"
                    rows="3"
                    maxlength="1500"
                    aria-describedby=help_id
                    prop:value=move || details.get()
                    on:input=move |event| details.set(event_target_value(&event))
                ></textarea>
            </div>
            {decision_buttons(queue, confirm, move || {
                reason.set(String::new());
                details.set(String::new());
                queue.rejecting.update(|r| {
                    r.remove(&key_close);
                });
            })}
        </AppForm>
    }
}

#[component]
fn ChangesForm(queue: Queue, item: ModerationItemResponse) -> impl IntoView {
    let t = i18n::t();
    let dom = dom_key(&item.id);
    let message = drafts::text(&format!("modifs-{}", item.id));
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let field_id = format!("modifs-{dom}");
    let problem_id = format!("modifs-{dom}-erreur");
    let id = item.id.clone();
    let item = StoredValue::new(item);
    let problem_id_attr = problem_id.clone();
    let send = move || {
        let text = message.get_untracked().trim().to_owned();
        if text.is_empty() {
            problem.set(Some(t.reason_missing.to_owned()));
            return;
        }
        problem.set(None);
        queue.decide(&item.get_value(), Action::RequestChanges, Some(text));
    };
    view! {
        <AppForm class="moderation__motif" on_submit=send>
            <div class="champ">
                <label for=field_id.clone()>{t.changes_label}</label>
                {move || {
                    problem
                        .get()
                        .map(|m| view! { <p id=problem_id.clone() class="champ__erreur">{m}</p> })
                }}
                <textarea
                    id=field_id
                    class="saisie"
                    rows="3"
                    maxlength="2000"
                    aria-describedby=move || problem.with(Option::is_some).then(|| problem_id_attr.clone())
                    aria-invalid=move || problem.with(Option::is_some).then_some("true")
                    prop:value=move || message.get()
                    on:input=move |event| message.set(event_target_value(&event))
                ></textarea>
            </div>
            {decision_buttons(queue, t.send_changes, move || {
                message.set(String::new());
                queue.changing.update(|c| {
                    c.remove(&id);
                });
            })}
        </AppForm>
    }
}

/// The buttons of a decision's form: send it (`send`, unavailable while the queue is
/// busy), or cancel it.
fn decision_buttons(
    queue: Queue,
    send: impl IntoView + 'static,
    cancel: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <div class="boutons">
            <button type="submit" class="bouton bouton--plein" aria-disabled=move || queue.busy.get().then_some("true")>
                {send}
            </button>
            <button type="button" class="bouton bouton--discret" on:click=move |_| cancel()>
                {i18n::t().cancel}
            </button>
        </div>
    }
}

#[component]
fn Item(queue: Queue, index: usize, item: ModerationItemResponse) -> impl IntoView {
    let t = i18n::t();
    let id = item.id.clone();
    let dom = dom_key(&id);
    // A form half-typed before a sign-in comes back open.
    if drafts::stored(&format!("motif-{id}")).is_some()
        || drafts::stored(&format!("precision-{id}")).is_some()
    {
        queue.rejecting.update(|r| {
            r.insert(id.clone());
        });
    }
    if drafts::stored(&format!("modifs-{id}")).is_some() {
        queue.changing.update(|c| {
            c.insert(id.clone());
        });
    }
    let title_id = format!("element-{dom}-titre");
    let details_id = format!("element-{dom}-detail");
    let check_id = format!("element-{dom}-choisi");
    let is = {
        let id = id.clone();
        move |set: RwSignal<BTreeSet<String>>| {
            let id = id.clone();
            move || set.with(|s| s.contains(&id))
        }
    };
    let expanded = is(queue.expanded);
    let expanded_label = expanded.clone();
    let expanded_attr = expanded.clone();
    let selected = is(queue.selected);
    let selected_class = selected.clone();
    let title_id_attr = title_id.clone();
    let details_id_attr = details_id.clone();
    let rejecting = is(queue.rejecting);
    let changing = is(queue.changing);
    let stored = StoredValue::new(item.clone());
    let action_button = move |action: Action, label: &'static str, class: &'static str| {
        let kind = stored.with_value(|i| i.kind.clone());
        action.applies_to(&kind).then(|| {
            view! {
                <button
                    type="button"
                    class=class
                    aria-disabled=move || queue.busy.get().then_some("true")
                    on:click=move |_| {
                        queue.current.set(Some(index));
                        let id = stored.with_value(|i| i.id.clone());
                        match action {
                            Action::Reject => queue.open_reject(&id),
                            Action::RequestChanges => {
                                queue.changing.update(|c| {
                                    c.insert(id.clone());
                                });
                                let field = format!("modifs-{}", dom_key(&id));
                                browser::after_render(move || browser::focus_id(&field));
                            }
                            _ => queue.decide(&stored.get_value(), action, None),
                        }
                    }
                >
                    {label}
                </button>
            }
        })
    };
    let toggle_id = id.clone();
    let select_id = id.clone();
    let kind_label = KINDS
        .iter()
        .find(|(k, _)| *k == item.kind)
        .map_or("", |(_, label)| label());
    let meta = {
        let mut parts = vec![(t.submitted_on)(&format::date_text(&item.submitted_at))];
        if let Some(actor) = item
            .actor
            .as_ref()
            .filter(|a| !a.name.is_empty() && item.kind != "actor")
        {
            parts.push((t.by_actor)(&actor.name));
        }
        parts.join(" · ")
    };
    let diff = (item.kind == "initiative_revision").then(|| {
        view! { <Diff queue=queue before=item.published.clone() after=item.content.clone()/> }
    });
    let excerpt = excerpt(&item);
    view! {
        <li
            id=item_dom_id(index)
            class="moderation__element"
            class:moderation__element--courant=move || queue.current.get() == Some(index)
            class:moderation__element--choisi=selected_class
            tabindex="-1"
            aria-labelledby=title_id_attr
            on:focusin=move |_| queue.current.set(Some(index))
        >
            <div class="moderation__tete">
                <input
                    type="checkbox"
                    id=check_id.clone()
                    prop:checked=selected
                    on:change=move |_| toggle(queue.selected, &select_id)
                />
                <label for=check_id class="visuellement-cache">{(t.select_item)(&item.title)}</label>
                <div>
                    <h2 id=title_id class="moderation__titre">{item.title.clone()}</h2>
                    <p class="moderation__meta texte-doux">
                        <span class="etiquette">{kind_label}</span> " " {meta}
                    </p>
                </div>
            </div>
            {excerpt.map(|e| view! { <p class="moderation__extrait">{e}</p> })}
            {diff}
            <Show when=expanded>
                <div id=details_id.clone() class="moderation__detail">
                    <Details queue=queue item=stored.get_value()/>
                </div>
            </Show>
            <div class="boutons moderation__actions">
                <button
                    type="button"
                    class="bouton bouton--discret"
                    aria-expanded=move || if expanded_attr() { "true" } else { "false" }
                    aria-controls=details_id_attr
                    on:click=move |_| {
                        queue.current.set(Some(index));
                        toggle(queue.expanded, &toggle_id);
                    }
                >
                    {move || if expanded_label() { t.hide_details } else { t.show_details }}
                </button>
                {action_button(Action::Approve, t.approve, "bouton bouton--plein")}
                {action_button(Action::Reject, t.reject, "bouton")}
                {action_button(Action::RequestChanges, t.request_changes, "bouton")}
                {action_button(Action::Archive, t.archive, "bouton bouton--discret")}
            </div>
            <Show when=rejecting>
                <RejectForm queue=queue key=stored.with_value(|i| i.id.clone()) item=Some(stored.get_value())/>
            </Show>
            <Show when=changing>
                <ChangesForm queue=queue item=stored.get_value()/>
            </Show>
        </li>
    }
}

/// The first lines of what an item says.
fn excerpt(item: &ModerationItemResponse) -> Option<String> {
    let text = item
        .content
        .as_ref()
        .map(|c| c.description.as_str())
        .or_else(|| item.proposal.as_ref().map(|p| p.description.as_str()))
        .or_else(|| item.event.as_ref().map(|e| e.description.as_str()))?;
    let mut short: String = text.chars().take(240).collect();
    if text.chars().count() > 240 {
        short.push('…');
    }
    (!short.trim().is_empty()).then_some(short)
}

/// The full content of an item.
#[component]
fn Details(queue: Queue, item: ModerationItemResponse) -> impl IntoView {
    let t = i18n::t();
    let row = |label: &'static str, value: String| {
        view! {
            <div class="moderation__ligne">
                <dt>{label}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    if let Some(content) = item.content.clone() {
        let map = (item.kind == "initiative")
            .then(|| view! { <PlaceMap queue=queue content=content.clone()/> });
        let fields = content_fields(queue, &content);
        let actor = item
            .actor
            .as_ref()
            .map(|a| row(t.field_actor, format!("{} ({})", a.name, a.kind)));
        return view! {
            <dl class="moderation__contenu">
                {fields.into_iter().map(|(label, value)| row(label, value)).collect_view()}
                {actor}
            </dl>
            {map}
        }
        .into_any();
    }
    if let Some(proposal) = item.proposal.clone() {
        let themes: Vec<String> = proposal
            .themes
            .iter()
            .map(|s| queue.theme_label(s))
            .collect();
        return view! {
            <dl class="moderation__contenu">
                {row(t.field_description, proposal.description)}
                {row(t.field_themes, themes.join(", "))}
                {row(t.field_commune, proposal.commune.map(|c| format!("{} ({})", c.name, c.code)).unwrap_or_else(|| t.empty_value.to_owned()))}
                {row(t.field_actor, proposal.pseudonym.unwrap_or_else(|| t.empty_value.to_owned()))}
            </dl>
        }
        .into_any();
    }
    if let Some(event) = item.event.clone() {
        let before = item.published_event.clone();
        let fields = event_fields(queue, &event);
        let previous = before.map(|b| event_fields(queue, &b));
        let actor = item
            .actor
            .as_ref()
            .map(|a| row(t.field_actor, format!("{} ({})", a.name, a.kind)));
        return view! {
            <dl class="moderation__contenu">
                {fields
                    .into_iter()
                    .enumerate()
                    .map(|(i, (label, value))| {
                        let was = previous
                            .as_ref()
                            .and_then(|p| p.get(i))
                            .filter(|(_, old)| *old != value)
                            .map(|(_, old)| old.clone());
                        match was {
                            Some(old) => row(label, (t.changed_from)(&value, &old)),
                            None => row(label, value),
                        }
                    })
                    .collect_view()}
                {actor}
            </dl>
        }
        .into_any();
    }
    let actor = item.actor.clone();
    view! {
        <dl class="moderation__contenu">
            {actor.map(|a| view! { {row(t.field_title, a.name)} {row(t.field_kind, a.kind)} })}
        </dl>
    }
    .into_any()
}

/// Each field of an event's content, as label and text.
fn event_fields(queue: Queue, e: &EventContentResponse) -> Vec<(&'static str, String)> {
    let t = i18n::t();
    let or_empty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(|| t.empty_value.to_owned(), str::to_owned)
    };
    let dates: Vec<String> = e
        .occurrences
        .iter()
        .map(|o| {
            format!(
                "{} → {}",
                o.start.replace('T', " "),
                o.end.replace('T', " ")
            )
        })
        .collect();
    let place = match &e.commune {
        Some(c) => format!("{} ({}) · {}", c.name, c.code, e.place),
        None => e.place.clone(),
    };
    vec![
        (t.field_title, e.title.clone()),
        (t.field_description, e.description.clone()),
        (
            t.field_themes,
            e.themes
                .iter()
                .map(|s| queue.theme_label(s))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (t.field_event_dates, dates.join(" ; ")),
        (t.field_place, place),
        (t.field_address, or_empty(&e.address)),
        (t.field_audience, or_empty(&e.audience)),
        (
            t.field_registration,
            match &e.registration.value {
                Some(v) => format!("{} : {v}", e.registration.kind),
                None => e.registration.kind.clone(),
            },
        ),
        (
            t.field_event_status,
            (t.event_status)(&e.event_status).to_owned(),
        ),
    ]
}

/// Each field of an initiative's content, as label and text, in the form's order.
fn content_fields(queue: Queue, c: &InitiativeContentResponse) -> Vec<(&'static str, String)> {
    let t = i18n::t();
    let or_empty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(|| t.empty_value.to_owned(), str::to_owned)
    };
    let place = if c.has_point {
        (t.point)(c.lon, c.lat)
    } else {
        t.whole_commune.to_owned()
    };
    let dates = match (&c.start_date, &c.end_date) {
        (Some(start), Some(end)) => (t.from_to)(&format::date_text(start), &format::date_text(end)),
        (Some(start), None) => (t.ongoing_from)(&format::date_text(start)),
        (None, _) => t.empty_value.to_owned(),
    };
    let contact: Vec<String> = [&c.contact.email, &c.contact.phone, &c.contact.url]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .cloned()
        .collect();
    vec![
        (t.field_title, c.title.clone()),
        (t.field_description, c.description.clone()),
        (
            t.field_themes,
            c.themes
                .iter()
                .map(|s| queue.theme_label(s))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            t.field_commune,
            format!("{} ({})", c.commune.name, c.commune.code),
        ),
        (t.field_place, place),
        (t.field_address, or_empty(&c.address)),
        (t.field_dates, dates),
        (t.field_schedule, or_empty(&c.schedule)),
        (t.field_audience, or_empty(&c.audience)),
        (
            t.field_contact,
            if contact.is_empty() {
                t.empty_value.to_owned()
            } else {
                contact.join(" · ")
            },
        ),
    ]
}

/// Before/after of each field a change of a published initiative changes.
#[component]
fn Diff(
    queue: Queue,
    before: Option<InitiativeContentResponse>,
    after: Option<InitiativeContentResponse>,
) -> impl IntoView {
    let t = i18n::t();
    let (Some(before), Some(after)) = (before, after) else {
        return ().into_any();
    };
    let changed: Vec<(&'static str, String, String)> = content_fields(queue, &before)
        .into_iter()
        .zip(content_fields(queue, &after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((label, old), (_, new))| (label, old, new))
        .collect();
    if changed.is_empty() {
        return view! { <p class="texte-doux">{t.diff_none}</p> }.into_any();
    }
    view! {
        <table class="moderation__diff">
            <caption>{t.diff_title}</caption>
            <thead>
                <tr>
                    <th scope="col">{t.diff_field}</th>
                    <th scope="col">{t.diff_before}</th>
                    <th scope="col">{t.diff_after}</th>
                </tr>
            </thead>
            <tbody>
                {changed
                    .into_iter()
                    .map(|(label, old, new)| {
                        view! {
                            <tr>
                                <th scope="row">{label}</th>
                                <td class="moderation__avant"><del>{old}</del></td>
                                <td class="moderation__apres"><ins>{new}</ins></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A small map of the place of a new initiative: its point, or its commune.
#[component]
fn PlaceMap(queue: Queue, content: InitiativeContentResponse) -> impl IntoView {
    let t = i18n::t();
    let controller = MapController::new();
    let code = content.commune.code.clone();
    Effect::new(move |_| {
        if !controller.is_mounted() {
            return;
        }
        if content.has_point {
            controller.set_picked(content.lon, content.lat, true);
        } else {
            controller.show_commune(&code);
        }
    });
    move || {
        let config = queue.config.get().and_then(Result::ok)?;
        let themes = queue.themes.get().and_then(Result::ok).unwrap_or_default();
        Some(view! {
            <MapView
                controller=controller
                options=options_json(&config, &themes, false)
                label=t.map_label
                class="moderation__carte"
            />
        })
    }
}

#[component]
fn Pager(queue: Queue, total: u64, per_page: u64) -> impl IntoView {
    let t = i18n::t();
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let page = queue.page.get_untracked().min(pages);
    let kind = queue.kind.get_untracked();
    let link = move |p: u64| {
        router::with_query(
            "/admin/moderation",
            &[("kind", &kind), ("page", &p.to_string())],
        )
    };
    (pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=t.pages_label>
                {(page > 1).then(|| view! { <a class="bouton bouton--discret" href=link(page - 1)>{t.previous_page}</a> })}
                <span>{(t.page_of)(page, pages)}</span>
                {(page < pages).then(|| view! { <a class="bouton bouton--discret" href=link(page + 1)>{t.next_page}</a> })}
            </nav>
        }
    })
}

#[component]
fn Shortcuts() -> impl IntoView {
    let t = i18n::t();
    view! {
        <section class="moderation__raccourcis" aria-labelledby="raccourcis-titre">
            <h2 id="raccourcis-titre">{t.shortcuts_title}</h2>
            <dl>
                {t
                    .shortcuts
                    .iter()
                    .map(|(key, what)| {
                        view! {
                            <div class="moderation__ligne">
                                <dt><kbd>{*key}</kbd></dt>
                                <dd>{*what}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
            </dl>
            <p class="texte-doux">{t.shortcuts_note}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reject_messages_join_the_reason_and_the_details() {
        assert_eq!(reject_message(" ", ""), None);
        assert_eq!(reject_message("Doublon", "").as_deref(), Some("Doublon."));
        assert_eq!(
            reject_message("", "Voir l’autre fiche").as_deref(),
            Some("Voir l’autre fiche")
        );
        assert_eq!(
            reject_message("Doublon", "Voir l’autre fiche").as_deref(),
            Some("Doublon. Voir l’autre fiche")
        );
    }

    #[test]
    fn decisions_follow_what_the_api_allows() {
        assert!(Action::RequestChanges.applies_to("initiative_revision"));
        assert!(!Action::RequestChanges.applies_to("actor"));
        assert!(!Action::Archive.applies_to("initiative_revision"));
        assert!(Action::Archive.applies_to("proposal"));
    }
}
