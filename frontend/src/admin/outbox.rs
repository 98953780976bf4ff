//! `/admin/courriels`: the e-mail outbox (`GET /api/v1/admin/outbox`) for administrators —
//! each message's kind, masked recipient, state, tries, next try and last error; never
//! its text. Others get the API's 403.

use leptos::prelude::*;
use solidarites_api_types::{OutboxListResponse, OutboxMessageResponse};

use super::session;
use super::shell::set_title;
use super::ui::{self, Table};
use crate::api::ApiError;
use crate::i18n::network as i18n;

fn row(message: OutboxMessageResponse) -> impl IntoView {
    let t = i18n::t();
    let next = match (&message.sent_at, &message.next_attempt_at) {
        (None, Some(at)) => ui::date_time(at),
        _ => t.none.to_owned(),
    };
    view! {
        <tr>
            <td>{ui::date_time(&message.created_at)}</td>
            <th scope="row">{(t.kind)(&message.kind)}</th>
            <td>{message.recipient}</td>
            <td>{(t.status)(&message.status)}</td>
            <td>{message.attempts}</td>
            <td>{next}</td>
            <td>{message.last_error.unwrap_or_else(|| t.none.to_owned())}</td>
        </tr>
    }
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.outbox_title);
    let list: RwSignal<Option<Result<OutboxListResponse, ApiError>>> = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        let result = session::get::<OutboxListResponse>("/api/v1/admin/outbox").await;
        let _ = list.try_set(Some(result));
    });
    let body = move || match list.get() {
        None => ui::loading(),
        Some(Err(error)) => ui::alert(&error),
        Some(Ok(loaded)) if loaded.messages.is_empty() => view! {
            <p>{(t.outbox_smtp)(loaded.smtp_configured)}</p>
            <p class="statut">{t.outbox_empty}</p>
        }
        .into_any(),
        Some(Ok(loaded)) => {
            let count = loaded.messages.len();
            view! {
                <p>{(t.outbox_smtp)(loaded.smtp_configured)}" "{(t.outbox_backlog)(loaded.backlog)}</p>
                <Table
                    caption={(t.outbox_caption)(count)}
                    columns=vec![
                        t.col_created,
                        t.col_kind,
                        t.col_recipient,
                        t.col_status,
                        t.col_attempts,
                        t.col_next,
                        t.col_error,
                    ]
                >
                    {loaded.messages.into_iter().map(row).collect_view()}
                </Table>
            }
            .into_any()
        }
    };
    view! {
        <h1>{t.outbox_title}</h1>
        <p class="intro">{t.outbox_intro}</p>
        {body}
    }
}
