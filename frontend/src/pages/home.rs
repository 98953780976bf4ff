//! The home page: what the platform is for, the open consultation, the two doors (the
//! map, the questionnaire) and the latest proposals.

use leptos::prelude::*;
use solidarites_api_types::CampaignListResponse;

use crate::api;
use crate::app::set_page_title;
use crate::format;
use crate::i18n::{common, home};
use crate::router::Route;

#[component]
pub fn HomePage() -> impl IntoView {
    let t = home::t();
    set_page_title(t.title);
    view! {
        <h1>{t.heading}</h1>
        <p class="intro">{t.intro}</p>
        <OpenCampaigns/>
        <section class="portes" aria-labelledby="portes-titre">
            <h2 id="portes-titre">{t.doors_title}</h2>
            <ul class="portes__liste">
                <li class="porte">
                    <h3>{t.door_carte_title}</h3>
                    <p>{t.door_carte_text}</p>
                    <a class="bouton bouton--plein" href="/carte">{t.door_carte_link}</a>
                </li>
                <li class="porte">
                    <h3>{t.door_questionnaire_title}</h3>
                    <p>{t.door_questionnaire_text}</p>
                    <a class="bouton bouton--plein" href="/questionnaire">
                        {t.door_questionnaire_link}
                    </a>
                </li>
            </ul>
        </section>
    }
}

/// The consultations open now (`GET /api/v1/campaigns`).
#[component]
fn OpenCampaigns() -> impl IntoView {
    let t = home::t();
    let campaigns = LocalResource::new(|| api::get::<CampaignListResponse>("/api/v1/campaigns"));
    let content = move || match campaigns.get() {
        None => view! { <p class="texte-doux">{common::t().loading}</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="statut statut--erreur">{error.message()}</p> }.into_any()
        }
        Some(Ok(list)) if list.campaigns.is_empty() => {
            view! { <p>{t.campaign_none}</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <ul class="cartes">
                {list
                    .campaigns
                    .into_iter()
                    .map(|campaign| {
                        let href = Route::Questionnaire(Some(campaign.id.clone())).path();
                        let until = (t.campaign_until)(&format::date_text(&campaign.closes_at));
                        view! {
                            <li class="carte-info">
                                <h3>{campaign.title}</h3>
                                <p>{campaign.description}</p>
                                <p class="texte-doux">{until}</p>
                                <a class="bouton" href=href>{t.campaign_answer}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    };
    view! {
        <section class="consultation" aria-labelledby="consultation-titre">
            <h2 id="consultation-titre">{t.campaign_title}</h2>
            {content}
        </section>
    }
}
