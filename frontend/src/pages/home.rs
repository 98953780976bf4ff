//! The home page: what the platform is for, the open consultation, the two doors (the
//! map, the questionnaire) and the latest proposals.

use leptos::prelude::*;
use solidarites_api_types::{CampaignListResponse, ProposalListResponse};

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
        <LatestProposals/>
    }
}

/// The three latest published proposals.
#[component]
fn LatestProposals() -> impl IntoView {
    let t = home::t();
    let latest = api::load(async {
        let headers = crate::pages::proposals::device_headers();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let list =
            api::get_with::<ProposalListResponse>("/api/v1/proposals?per_page=3", &headers).await?;
        let themes = crate::components::themes::all().await.unwrap_or_default();
        Ok::<_, api::ApiError>((list, themes))
    });
    let content = move || match latest.get() {
        None => view! { <p class="texte-doux">{common::t().loading}</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="statut statut--erreur">{error.message()}</p> }.into_any()
        }
        Some(Ok((list, _))) if list.items.is_empty() => {
            view! { <p>{t.proposals_none}</p> }.into_any()
        }
        Some(Ok((list, themes))) => view! {
            <ul class="propositions">
                {list
                    .items
                    .into_iter()
                    .map(|p| {
                        view! {
                            <crate::pages::proposals::ProposalCard
                                proposal=p
                                themes=themes.clone()
                                level3=true
                            />
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    };
    view! {
        <section class="dernieres-propositions" aria-labelledby="propositions-titre">
            <h2 id="propositions-titre">{t.proposals_title}</h2>
            {content}
            <div class="boutons">
                <a class="bouton" href="/propositions">{t.proposals_all}</a>
                <a class="bouton bouton--discret" href="/propositions/nouvelle">{t.proposals_new}</a>
            </div>
        </section>
    }
}

/// The consultations open now (`GET /api/v1/campaigns`).
#[component]
fn OpenCampaigns() -> impl IntoView {
    let t = home::t();
    let campaigns = api::load(api::get::<CampaignListResponse>("/api/v1/campaigns"));
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
