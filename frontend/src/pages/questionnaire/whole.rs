//! A whole questionnaire on one page, every section under its heading, with the same
//! fields, conditions and errors as the step-by-step form residents answer. Used by the
//! console's assisted entry (`crate::admin::assisted`), where an agent types paper forms.

use leptos::prelude::*;

use super::fields::{visible_questions, Form};
use super::logic::field_id;
use super::FallbackCommune;

/// `id` of the first field of the questionnaire's first question (the first radio button
/// of a choice, the text field of the others).
pub fn first_field_id(form: Form) -> Option<String> {
    form.definition.with_value(|d| {
        d.questions()
            .next()
            .map(|(_, _, question)| field_id(&question.id))
    })
}

/// Every section of `form`'s questionnaire, questions shown as their conditions say; the
/// commune asked at the end when no question asks it.
#[component]
pub fn WholeQuestionnaire(form: Form) -> impl IntoView {
    let sections = form.definition.with_value(|d| d.sections.clone());
    let has_commune_question = form
        .definition
        .with_value(|d| !d.commune_question_ids().is_empty());
    let sections = sections
        .into_iter()
        .enumerate()
        .map(|(index, section)| {
            let heading = format!("section-{index}");
            let labelled_by = heading.clone();
            view! {
                <section class="questionnaire-section" aria-labelledby=labelled_by>
                    <h2 id=heading>{section.title}</h2>
                    {visible_questions(section.questions, form)}
                </section>
            }
        })
        .collect_view();
    view! {
        {sections}
        {(!has_commune_question).then(|| view! { <FallbackCommune form=form/> })}
    }
}
