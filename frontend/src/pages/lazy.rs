//! Code splitting. The map page, the one residents reach first from a shared link, is in
//! the main module with the frame, the router and the API client. Every other area of
//! the site is a `#[lazy]` function: `cargo xtask frontend` (wasm-split) moves what only
//! that area uses into its own `.wasm` modules, fetched the first time the area is shown.
//! One split per area rather than per page: fewer, bigger modules compress better and
//! take fewer requests.
//!
//! The split names start with `area_`, as the size report of `cargo xtask frontend`
//! shows them.

use leptos::lazy;
use leptos::prelude::*;

use crate::router::Route;

/// The view of `route`, once its module is loaded.
pub async fn view(route: Route) -> AnyView {
    match route {
        Route::Carte => view! { <super::carte::CartePage/> }.into_any(),
        Route::NotFound => view! { <super::not_found::NotFoundPage/> }.into_any(),
        Route::Home => area_home().await,
        Route::AddInitiative | Route::EditInitiative(_) => area_initiative_form(route).await,
        Route::Actors | Route::Actor(_) | Route::LabelApply(_) | Route::LabelApplication(_) => {
            area_actors(route).await
        }
        Route::Questionnaire(id) => area_questionnaire(id).await,
        Route::Proposals | Route::NewProposal | Route::Proposal(_) => area_proposals(route).await,
        Route::Agenda | Route::Event(_) | Route::NewEvent | Route::EditEvent(_) => {
            area_agenda(route).await
        }
        Route::Admin(path) => area_admin(path).await,
    }
}

#[lazy]
fn area_home() -> AnyView {
    view! { <super::home::HomePage/> }.into_any()
}

/// "Ajouter une initiative" and the edit page reached by the private link.
#[lazy]
fn area_initiative_form(route: Route) -> AnyView {
    match route {
        Route::EditInitiative(token) => {
            view! { <super::carte::EditInitiativePage token=token/> }.into_any()
        }
        _ => view! { <super::carte::AddInitiativePage/> }.into_any(),
    }
}

/// The directory, an actor's page, and applying for a label (with its private page).
#[lazy]
fn area_actors(route: Route) -> AnyView {
    match route {
        Route::Actor(id) => view! { <super::actors::ActorPage id=id/> }.into_any(),
        Route::LabelApply(slug) => view! { <super::labels::LabelApplyPage slug=slug/> }.into_any(),
        Route::LabelApplication(token) => {
            view! { <super::labels::LabelApplicationPage token=token/> }.into_any()
        }
        _ => view! { <super::actors::ActorsPage/> }.into_any(),
    }
}

#[lazy]
fn area_questionnaire(campaign_id: Option<String>) -> AnyView {
    view! { <super::questionnaire::QuestionnairePage campaign_id=campaign_id/> }.into_any()
}

#[lazy]
fn area_proposals(route: Route) -> AnyView {
    match route {
        Route::NewProposal => view! { <super::proposals::NewProposalPage/> }.into_any(),
        Route::Proposal(id) => view! { <super::proposals::ProposalPage id=id/> }.into_any(),
        _ => view! { <super::proposals::ProposalsPage/> }.into_any(),
    }
}

/// The agenda: the list, an event's page, the submission form and the private edit page.
#[lazy]
fn area_agenda(route: Route) -> AnyView {
    match route {
        Route::Event(id) => view! { <super::agenda::EventPage id=id/> }.into_any(),
        Route::NewEvent => view! { <super::agenda::NewEventPage/> }.into_any(),
        Route::EditEvent(token) => view! { <super::agenda::EditEventPage token=token/> }.into_any(),
        _ => view! { <super::agenda::AgendaPage/> }.into_any(),
    }
}

/// The staff console (`/admin/…`): residents never load it, nor its stylesheet, which
/// it adds to the page before its first page shows.
#[lazy]
async fn area_admin(path: String) -> AnyView {
    crate::admin::style::load().await;
    view! { <crate::admin::AdminApp path=path/> }.into_any()
}
