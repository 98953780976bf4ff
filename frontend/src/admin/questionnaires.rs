//! `/admin/questionnaires`: the questionnaires, paged by the server, with their versions
//! (the latest one frozen or still editable), a link to each one's editor
//! ([`super::editor`]), and the creation of a new questionnaire (a one-question start,
//! completed in the editor).
//!
//! Analysts read; moderators and administrators create and edit (the API's 403 says so
//! otherwise).

use leptos::prelude::*;
use solidarites_api_types::{
    QuestionnaireListResponse, QuestionnaireResponse, SaveQuestionnaireRequest,
};
use solidarites_domain::questionnaire::{Question, QuestionKind, QuestionnaireDefinition, Section};

use super::campaigns::TextField;
use super::session;
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine, Pager, Table};
use crate::api::ApiError;
use crate::i18n::editor as i18n;
use crate::router::{self, percent_encode};

/// Questionnaires per page.
const PER_PAGE: u64 = 20;

/// The console path of a questionnaire's editor.
pub fn editor_path(id: &str) -> String {
    format!("/admin/questionnaires/{}", percent_encode(id))
}

/// The smallest valid questionnaire titled `title`: one section, one yes/no question.
pub fn starter_definition(title: &str) -> QuestionnaireDefinition {
    let t = i18n::t();
    QuestionnaireDefinition {
        title: title.trim().to_owned(),
        description: String::new(),
        sections: vec![Section {
            id: "section_1".to_owned(),
            title: t.new_section_title.to_owned(),
            description: None,
            questions: vec![Question {
                id: "question_1".to_owned(),
                label: t.new_question_label.to_owned(),
                help: None,
                required: false,
                kind: QuestionKind::YesNo,
                show_if: None,
            }],
        }],
    }
}

#[component]
pub fn QuestionnairesPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.list_title);
    let page = ui::page_param();
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    let list: RwSignal<Option<Result<QuestionnaireListResponse, ApiError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let url = format!(
            "/api/v1/admin/questionnaires?page={}&per_page={PER_PAGE}",
            page.get()
        );
        leptos::task::spawn_local(async move {
            let result = session::get::<QuestionnaireListResponse>(&url).await;
            let _ = list.try_set(Some(result));
        });
    });
    view! {
        <p><a href="/admin/campagnes">{t.to_campaigns}</a></p>
        <h1>{t.list_title}</h1>
        <p class="intro">{t.list_intro}</p>
        <FeedbackLine feedback=feedback/>
        {move || match list.get() {
            None => ui::loading(),
            Some(Err(error)) => ui::alert(&error),
            Some(Ok(list)) => view! { <QuestionnaireTable list=list/> }.into_any(),
        }}
        <CreateQuestionnaire feedback=feedback/>
    }
}

#[component]
fn QuestionnaireTable(list: QuestionnaireListResponse) -> impl IntoView {
    let t = i18n::t();
    if list.questionnaires.is_empty() {
        return view! { <p>{t.empty_list}</p> }.into_any();
    }
    let rows = list
        .questionnaires
        .iter()
        .map(|q| {
            let latest = &q.latest;
            let state = if latest.frozen_at.is_some() {
                t.frozen
            } else {
                t.editable
            };
            let versions = q
                .versions
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let title = q.title.clone();
            view! {
                <tr>
                    <th scope="row">
                        <a href=editor_path(&q.id) aria-label=(t.edit_of)(&title)>{q.title.clone()}</a>
                    </th>
                    <td>{versions}</td>
                    <td>{(t.version_n)(latest.version)}" — "{state}</td>
                    <td>{ui::date_time(&q.updated_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Table
            caption={(t.list_caption)(list.total)}
            columns=vec![t.col_title, t.col_versions, t.col_latest, t.col_updated]
        >
            {rows}
        </Table>
        <Pager
            path="/admin/questionnaires"
            pairs=Vec::new()
            page=list.page
            per_page=list.per_page
            total=list.total
        />
    }
    .into_any()
}

#[component]
fn CreateQuestionnaire(feedback: RwSignal<Option<Feedback>>) -> impl IntoView {
    let t = i18n::t();
    let title = RwSignal::new(String::new());
    let errors = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let definition = starter_definition(&title.get_untracked());
        let body = SaveQuestionnaireRequest {
            definition: serde_json::to_value(&definition).unwrap_or_default(),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result =
                session::post::<_, QuestionnaireResponse>("/api/v1/admin/questionnaires", &body)
                    .await;
            busy.set(false);
            match result {
                Ok(created) => {
                    errors.set(Default::default());
                    feedback.set(Some(Feedback::Done((t.created)(&created.title))));
                    router::navigate(&editor_path(&created.id));
                }
                Err(error) => {
                    // The definition's title is the only field typed here.
                    let fields = error
                        .fields()
                        .into_iter()
                        .filter(|(k, _)| k == "title" || k == "definition")
                        .map(|(_, v)| ("title".to_owned(), v))
                        .collect();
                    errors.set(fields);
                    feedback.set(Some(Feedback::failed(&error)));
                }
            }
        });
    };
    view! {
        <section aria-labelledby="questionnaire-creer">
            <h2 id="questionnaire-creer">{t.create_title}</h2>
            <form class="formulaire-console" novalidate on:submit=submit>
                <TextField
                    id="questionnaire-nouveau-titre"
                    label=t.create_field
                    value=title
                    errors=errors
                    field="title"
                />
                <div class="boutons">
                    <button type="submit" class="bouton bouton--plein"
                        aria-disabled=move || busy.get().then_some("true")>
                        {t.create_button}
                    </button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_questionnaire_starts_valid() {
        let definition = starter_definition("  Enquête de voisinage ");
        assert_eq!(definition.title, "Enquête de voisinage");
        assert!(definition.validate().is_ok());
        let errors = starter_definition(" ").validate().unwrap_err();
        assert!(errors.0.contains_key("title"), "{errors}");
    }

    #[test]
    fn editor_paths_are_encoded() {
        assert_eq!(editor_path("a b"), "/admin/questionnaires/a%20b");
    }
}
