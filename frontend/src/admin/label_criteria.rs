//! The criteria of a label, edited as an ordered list on the console's labels page: one
//! field per criterion, « Monter » and « Retirer » beside each, « Ajouter un critère »,
//! and the API's error under the criterion it names (`criteria[2]`). Administrators (the
//! API's rule, as for defining labels).

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{LabelResponse, UpdateLabelCriteriaRequest};
use solidarites_domain::labels::{CRITERIA_MAX, CRITERION_MAX};

use super::session;
use super::ui::{self, Feedback};
use crate::browser;
use crate::components::form::FieldError;
use crate::i18n::labels as i18n;
use crate::router::percent_encode;

/// One criterion being edited: a stable key and its text. The list is drawn again when a
/// criterion is added, moved or removed (typing only changes the text's signal).
type Row = (u32, RwSignal<String>);

#[component]
pub fn CriteriaEditor(label: LabelResponse, feedback: RwSignal<Option<Feedback>>) -> impl IntoView {
    let t = i18n::t();
    let next_key = StoredValue::new(label.criteria_list.len() as u32);
    let rows: RwSignal<Vec<Row>> = RwSignal::new(
        label
            .criteria_list
            .iter()
            .enumerate()
            .map(|(i, c)| (i as u32, RwSignal::new(c.clone())))
            .collect(),
    );
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push((key, RwSignal::new(String::new()))));
        let n = rows.with_untracked(Vec::len);
        browser::after_render(move || browser::focus_id(&format!("critere-{}", n - 1)));
    };
    let url = format!(
        "/api/v1/admin/labels/{}/criteria",
        percent_encode(&label.slug)
    );
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = UpdateLabelCriteriaRequest {
            criteria: rows.with_untracked(|r| r.iter().map(|(_, v)| v.get_untracked()).collect()),
        };
        let url = url.clone();
        leptos::task::spawn_local(async move {
            match session::put::<_, LabelResponse>(&url, &body).await {
                Ok(_) => {
                    errors.set(BTreeMap::new());
                    feedback.set(Some(Feedback::Done(t.criteria_saved.to_owned())));
                }
                Err(error) => ui::refused(errors, feedback, &error),
            }
        });
    };
    let list_error = Signal::derive(move || errors.with(|e| e.get("criteria").cloned()));
    view! {
        <section aria-labelledby="label-criteres">
            <h2 id="label-criteres">{(t.criteria_editor_title)(&label.name)}</h2>
            <p>{t.criteria_editor_intro}</p>
            <form class="formulaire-console" novalidate on:submit=save>
                <FieldError field_id="criteres".to_owned() message=list_error/>
                <ol id="criteres" class="liste-simple">
                    {move || rows.get().into_iter().enumerate().map(|(index, (_, value))| view! {
                        <CriterionRow index=index value=value rows=rows errors=errors/>
                    }).collect_view()}
                </ol>
                <div class="boutons">
                    <button type="button" class="bouton" on:click=add
                        aria-disabled=move || (rows.with(Vec::len) >= CRITERIA_MAX).then_some("true")>
                        {t.add_criterion}
                    </button>
                    <button type="submit" class="bouton bouton--plein">{t.save_criteria}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn CriterionRow(
    index: usize,
    value: RwSignal<String>,
    rows: RwSignal<Vec<Row>>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let t = i18n::t();
    let id = format!("critere-{index}");
    let key = format!("criteria[{index}]");
    let error = Signal::derive(move || errors.with(|e| e.get(&key).cloned()));
    let error_id = crate::components::form::error_id(&id);
    let up = move |_| {
        rows.update(|r| r.swap(index - 1, index));
        browser::after_render(move || browser::focus_id(&format!("critere-{}", index - 1)));
    };
    let remove = move |_| {
        rows.update(|r| {
            r.remove(index);
        });
    };
    view! {
        <li class="champ">
            <label for=id.clone()>{(t.criterion_n)(index + 1)}</label>
            <FieldError field_id=id.clone() message=error/>
            <div class="formulaire-console--ligne">
                <input id=id class="saisie" type="text" maxlength=CRITERION_MAX
                    aria-describedby=move || error.with(Option::is_some).then(|| error_id.clone())
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))/>
                {(index > 0).then(|| view! {
                    <button type="button" class="bouton bouton--discret" on:click=up
                        aria-label=(t.move_up)(index + 1)>{t.up}</button>
                })}
                <button type="button" class="bouton bouton--discret" on:click=remove
                    aria-label=(t.remove_criterion)(index + 1)>{t.remove}</button>
            </div>
        </li>
    }
}
