//! `/admin/administration/journal`: the audit trail, newest first, paged by the server
//! and filtered by who, action (or family of actions), object and days (French time);
//! the filters live in the page's address, so a filtered view can be shared or reloaded.
//! Each line says what changed, field by field. Administrators only.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::Value;
use solidarites_api_types::{AuditEntryResponse, AuditPageResponse};

use super::campaigns::TextField;
use super::session;
use super::shell::set_title;
use super::ui::{self, Pager};
use crate::api::ApiError;
use crate::i18n::registers as i18n;
use crate::router;

/// Lines per page.
const PER_PAGE: u64 = 25;

/// The page's path.
const PATH: &str = "/admin/administration/journal";

/// The filters, in the order of the form and of the address.
const FILTERS: [&str; 6] = ["actor", "action", "entity_type", "entity_id", "from", "to"];

/// A short text of a JSON value.
fn shown(value: &Value) -> String {
    let text = match value {
        Value::Null => "∅".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text
    }
}

/// What changed between `before` and `after`, field by field: `role : analyst → moderator`.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let empty = serde_json::Map::new();
    let object = |v: Option<&Value>| match v {
        Some(Value::Object(map)) => Some(map.clone()),
        _ => None,
    };
    match (object(before), object(after)) {
        (None, Some(after)) => after
            .iter()
            .map(|(k, v)| format!("{k}\u{a0}: {}", shown(v)))
            .collect(),
        (before, after) => {
            let (before, after) = (
                before.unwrap_or_else(|| empty.clone()),
                after.unwrap_or_else(|| empty.clone()),
            );
            let keys: std::collections::BTreeSet<&String> =
                before.keys().chain(after.keys()).collect();
            keys.into_iter()
                .filter(|k| before.get(*k) != after.get(*k))
                .map(|k| {
                    format!(
                        "{k}\u{a0}: {} → {}",
                        shown(before.get(k).unwrap_or(&Value::Null)),
                        shown(after.get(k).unwrap_or(&Value::Null))
                    )
                })
                .collect()
        }
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.audit_title);
    let location = router::use_location();
    let query = Memo::new(move |_| {
        location.with(|l| {
            FILTERS
                .iter()
                .map(|k| (*k, l.param(k).unwrap_or_default()))
                .collect::<Vec<_>>()
        })
    });
    let page = ui::page_param();
    let list: RwSignal<Option<Result<AuditPageResponse, ApiError>>> = RwSignal::new(None);
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    Effect::new(move |_| {
        let mut pairs = query.get();
        pairs.push(("page", page.get().to_string()));
        pairs.push(("per_page", PER_PAGE.to_string()));
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let url = router::with_query("/api/v1/admin/audit", &pairs);
        list.set(None);
        leptos::task::spawn_local(async move {
            let result = session::get::<AuditPageResponse>(&url).await;
            let _ = errors.try_set(match &result {
                Err(error) => error.fields(),
                Ok(_) => BTreeMap::new(),
            });
            let _ = list.try_set(Some(result));
        });
    });

    // The form's fields, from the address.
    let fields: Vec<RwSignal<String>> = FILTERS
        .iter()
        .map(|k| {
            RwSignal::new(
                query
                    .get_untracked()
                    .iter()
                    .find(|(q, _)| q == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let values = fields.clone();
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed: Vec<(&str, String)> = FILTERS
            .iter()
            .zip(values.iter())
            .map(|(k, v)| (*k, v.get_untracked().trim().to_owned()))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
        router::navigate(&router::with_query(PATH, &pairs));
    };
    let [actor, action, entity_type, entity_id, from, to] = [0, 1, 2, 3, 4, 5].map(|i| fields[i]);

    let body = move || match list.get() {
        None => ui::loading(),
        Some(Err(error)) => ui::alert(&error),
        Some(Ok(list)) if list.entries.is_empty() => view! { <p>{t.audit_empty}</p> }.into_any(),
        Some(Ok(list)) => {
            let pairs: Vec<(&'static str, String)> = query.get_untracked();
            view! {
                // Focusable: on a narrow screen, the table scrolls inside its box by keyboard.
                <div class="tableau-defilant" tabindex="0" role="region" aria-labelledby="journal-legende">
                    <table class="tableau">
                        <caption id="journal-legende">{(t.audit_caption)(list.total)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t.col_at}</th>
                                <th scope="col">{t.col_actor}</th>
                                <th scope="col">{t.col_action}</th>
                                <th scope="col">{t.col_object}</th>
                                <th scope="col">{t.col_change}</th>
                            </tr>
                        </thead>
                        <tbody>{list.entries.iter().map(row).collect_view()}</tbody>
                    </table>
                </div>
                <Pager path=PATH pairs=pairs page=list.page per_page=list.per_page total=list.total/>
            }
            .into_any()
        }
    };

    view! {
        <p><a href="/admin/administration">{crate::i18n::administration::t().title}</a></p>
        <h1>{t.audit_title}</h1>
        <p class="intro">{t.audit_intro}</p>
        <form class="filtres" role="search" aria-label=t.filters on:submit=apply>
            <div class="formulaire-console formulaire-console--ligne">
                <TextField id="journal-actor" label=t.filter_actor hint=t.filter_actor_hint
                    value=actor errors=errors field="actor"/>
                <TextField id="journal-action" label=t.filter_action hint=t.filter_action_hint
                    value=action errors=errors field="action"/>
                <TextField id="journal-entity_type" label=t.filter_entity_type
                    value=entity_type errors=errors field="entity_type"/>
                <TextField id="journal-entity_id" label=t.filter_entity_id
                    value=entity_id errors=errors field="entity_id"/>
                <TextField id="journal-from" label=t.filter_from kind="date"
                    value=from errors=errors field="from"/>
                <TextField id="journal-to" label=t.filter_to kind="date"
                    value=to errors=errors field="to"/>
            </div>
            <div class="boutons">
                <button type="submit" class="bouton bouton--plein">{t.apply}</button>
                <a class="bouton bouton--discret" href=PATH>{t.clear}</a>
            </div>
        </form>
        {body}
    }
}

fn row(entry: &AuditEntryResponse) -> impl IntoView {
    let t = i18n::t();
    let who = entry
        .actor_email
        .clone()
        .unwrap_or_else(|| t.command_line.to_owned());
    let lines = changes(entry.before.as_ref(), entry.after.as_ref());
    let created = entry.before.is_none() && entry.after.is_some();
    view! {
        <tr>
            <td>{ui::date_time(&entry.at)}</td>
            <td>{who}</td>
            <th scope="row"><code>{entry.action.clone()}</code></th>
            <td>{entry.entity_type.clone()}" "<code class="journal__id">{entry.entity_id.clone()}</code></td>
            <td>
                {created.then_some(t.created_value)}
                <ul class="journal__changements">
                    {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                </ul>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_list_each_changed_field() {
        let before = json!({"role": "analyst", "display_name": "Camille", "disabled": false});
        let after = json!({"role": "moderator", "display_name": "Camille", "disabled": false});
        assert_eq!(
            changes(Some(&before), Some(&after)),
            ["role\u{a0}: analyst → moderator"]
        );
        assert_eq!(
            changes(None, Some(&json!({"email": "a@b.fr"}))),
            ["email\u{a0}: a@b.fr"]
        );
        assert_eq!(changes(Some(&json!({"k": 1})), None), ["k\u{a0}: 1 → ∅"]);
        let long = "x".repeat(100);
        let line = &changes(None, Some(&json!({ "t": long })))[0];
        assert!(line.ends_with('…') && line.chars().count() < 70, "{line}");
    }
}
