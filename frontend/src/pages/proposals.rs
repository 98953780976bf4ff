//! Proposals: the list, one proposal, and the form to make one.

use leptos::prelude::*;

use crate::app::set_page_title;
use crate::i18n::proposals;

#[component]
pub fn ProposalsPage() -> impl IntoView {
    let t = proposals::t();
    set_page_title(t.title);
    view! { <h1>{t.title}</h1> }
}

#[component]
pub fn NewProposalPage() -> impl IntoView {
    let t = proposals::t();
    set_page_title(t.new_title);
    view! { <h1>{t.new_title}</h1> }
}

#[component]
pub fn ProposalPage(id: String) -> impl IntoView {
    let t = proposals::t();
    set_page_title(t.detail_title);
    let _ = id;
    view! { <h1>{t.detail_title}</h1> }
}
