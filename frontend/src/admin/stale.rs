//! `/admin/a-jour`: the published initiatives and actors not confirmed for the period
//! (flagged to their submitter, then hidden from the public), least recently confirmed
//! first, with bulk confirmation and archiving. Moderators and administrators; the API's
//! 403 is shown to others.

use std::collections::BTreeSet;

use leptos::prelude::*;
use solidarites_api_types::{
    ListingRef, StaleBulkRequest, StaleBulkResponse, StaleListResponse, StaleListingResponse,
};

use super::session;
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine, Pager, Table};
use crate::api::ApiError;
use crate::i18n::freshness as i18n;

const PER_PAGE: u64 = 50;

fn key(item: &StaleListingResponse) -> (String, String) {
    (item.kind.clone(), item.id.clone())
}

/// Selected listings, by kind and id.
type Selection = RwSignal<BTreeSet<(String, String)>>;

#[component]
pub fn StalePage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.title);
    let page = ui::page_param();
    let version = RwSignal::new(0u32);
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    let selected: Selection = RwSignal::new(BTreeSet::new());
    let busy = RwSignal::new(false);
    let list: RwSignal<Option<Result<StaleListResponse, ApiError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        version.track();
        let Some(page) = page.try_get() else {
            return;
        };
        let url = format!("/api/v1/admin/stale?page={page}&per_page={PER_PAGE}");
        leptos::task::spawn_local(async move {
            let result = session::get::<StaleListResponse>(&url).await;
            if let Ok(loaded) = &result {
                let shown: BTreeSet<(String, String)> = loaded.items.iter().map(key).collect();
                let _ = selected.try_update(|s| s.retain(|k| shown.contains(k)));
            }
            let _ = list.try_set(Some(result));
        });
    });
    let act = Callback::new(move |archive: bool| {
        bulk_action(archive, selected, busy, feedback, version);
    });
    let body = move || match list.get() {
        None => ui::loading(),
        Some(Err(error)) => ui::alert(&error),
        Some(Ok(loaded)) => {
            view! { <StaleTable loaded=loaded selected=selected busy=busy act=act/> }.into_any()
        }
    };

    view! {
        <h1>{t.title}</h1>
        <FeedbackLine feedback=feedback/>
        {body}
    }
}

/// Confirms (or archives, when `archive`) the selected listings, then says how many
/// changed and reloads the list (`version`).
fn bulk_action(
    archive: bool,
    selected: Selection,
    busy: RwSignal<bool>,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) {
    let t = i18n::t();
    let items: Vec<ListingRef> = selected
        .get_untracked()
        .into_iter()
        .map(|(kind, id)| ListingRef { kind, id })
        .collect();
    if items.is_empty() {
        feedback.set(Some(Feedback::Failed(t.nothing_selected.to_owned())));
        return;
    }
    if busy.get_untracked() {
        return;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        let url = if archive {
            "/api/v1/admin/stale/archive"
        } else {
            "/api/v1/admin/stale/confirm"
        };
        let answer: Result<StaleBulkResponse, ApiError> =
            session::post(url, &StaleBulkRequest { items }).await;
        let _ = busy.try_set(false);
        match answer {
            Ok(done) => {
                let message = if archive {
                    (t.archived)(done.changed)
                } else {
                    (t.confirmed)(done.changed)
                };
                let _ = feedback.try_set(Some(Feedback::Done(message)));
                let _ = selected.try_set(BTreeSet::new());
                let _ = version.try_update(|v| *v += 1);
            }
            Err(error) => {
                let _ = feedback.try_set(Some(Feedback::failed(&error)));
            }
        }
    });
}

/// One page of listings to confirm: the bulk actions, the table and the pager.
#[component]
fn StaleTable(
    loaded: StaleListResponse,
    selected: Selection,
    busy: RwSignal<bool>,
    act: Callback<bool>,
) -> impl IntoView {
    let t = i18n::t();
    let intro = (t.intro)(loaded.flag_after_days, loaded.hide_after_flag_days);
    if loaded.items.is_empty() {
        return view! {
            <p class="intro">{intro}</p>
            <p class="statut">{t.empty}</p>
        }
        .into_any();
    }
    let rows = loaded
        .items
        .iter()
        .map(|item| view! { <StaleRow item=item.clone() selected=selected/> })
        .collect_view();
    view! {
        <p class="intro">{intro}</p>
        <div class="actions-groupees" role="group" aria-label=t.title>
            <button type="button" class="bouton" on:click=move |_| act.run(false)
                aria-disabled=move || busy.get().then_some("true")>
                {t.bulk_confirm}
            </button>
            " "
            <button type="button" class="bouton bouton--danger" on:click=move |_| act.run(true)
                aria-disabled=move || busy.get().then_some("true")>
                {t.bulk_archive}
            </button>
        </div>
        <Table
            caption={(t.caption)(loaded.total)}
            columns=vec![
                t.col_select,
                t.col_listing,
                t.col_kind,
                t.col_state,
                t.col_confirmed,
            ]
        >
            {rows}
        </Table>
        <Pager
            path="/admin/a-jour"
            pairs=vec![]
            page=loaded.page
            per_page=loaded.per_page
            total=loaded.total
        />
    }
    .into_any()
}

/// A listing's row, with its selection box.
#[component]
fn StaleRow(item: StaleListingResponse, selected: Selection) -> impl IntoView {
    let t = i18n::t();
    let k = key(&item);
    let checked = {
        let k = k.clone();
        move || selected.with(|s| s.contains(&k))
    };
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        let k = k.clone();
        selected.update(|s| {
            if on {
                s.insert(k);
            } else {
                s.remove(&k);
            }
        });
    };
    let day = item
        .hidden_from
        .as_deref()
        .map(crate::format::date_text)
        .unwrap_or_default();
    let state = if item.freshness == "hidden" {
        (t.state_hidden)(&day)
    } else {
        (t.state_flagged)(&day)
    };
    let kind = match item.kind.as_str() {
        "actor" => t.kind_actor,
        "event" => t.kind_event,
        _ => t.kind_initiative,
    };
    let confirmed = item
        .last_confirmed_at
        .as_deref()
        .map_or_else(|| t.never.to_owned(), ui::date_time);
    let place = item
        .commune
        .as_ref()
        .map(|c| format!(" ({})", c.name))
        .unwrap_or_default();
    view! {
        <tr>
            <td>
                <input type="checkbox" prop:checked=checked on:change=toggle
                    aria-label=(t.select_one)(&item.title)/>
            </td>
            <th scope="row">{item.title.clone()}{place}</th>
            <td>{kind}</td>
            <td>{state}</td>
            <td>{confirmed}</td>
        </tr>
    }
}
