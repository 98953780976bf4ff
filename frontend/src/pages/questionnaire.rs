//! The needs questionnaire.

use leptos::prelude::*;

use crate::app::set_page_title;
use crate::i18n::questionnaire;

#[component]
pub fn QuestionnairePage(campaign_id: Option<String>) -> impl IntoView {
    let t = questionnaire::t();
    set_page_title(t.title);
    let _ = campaign_id;
    view! { <h1>{t.title}</h1> }
}
