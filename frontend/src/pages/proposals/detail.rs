//! One proposal: its text, its status and priority, supports, the public follow-up
//! (timeline of statuses with the collectivity's answers) and the needs the latest survey
//! measured in its themes.

use leptos::prelude::*;
use solidarites_api_types::{NeedsScopeResponse, ProposalResponse, ThemeResponse};

use super::{status_badge, support::SupportButton};
use crate::api;
use crate::app::set_page_title;
use crate::components::themes;
use crate::format;
use crate::i18n::{common, proposals};
use crate::router::{percent_encode, Route};

async fn fetch(id: String) -> Result<(ProposalResponse, Vec<ThemeResponse>), api::ApiError> {
    let headers = super::device_headers();
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let url = format!("/api/v1/proposals/{}", percent_encode(&id));
    let proposal = api::get_with::<ProposalResponse>(&url, &headers).await?;
    let themes = themes::all().await.unwrap_or_default();
    Ok((proposal, themes))
}

#[component]
pub fn ProposalPage(id: String) -> impl IntoView {
    let t = proposals::t();
    set_page_title(t.detail_title);
    let id = StoredValue::new(id);
    let proposal = api::load(fetch(id.get_value()));
    let back = view! {
        <p class="retour"><a href=Route::Proposals.path()>"← "{t.back_to_list}</a></p>
    };
    let content = move || match proposal.get() {
        None => view! {
            <h1>{t.detail_title}</h1>
            <p class="texte-doux" role="status">{common::t().loading}</p>
        }
        .into_any(),
        Some(Err(error)) => view! {
            <h1>{t.detail_title}</h1>
            <p class="statut statut--erreur" role="alert">{error.message()}</p>
        }
        .into_any(),
        Some(Ok((proposal, themes))) => {
            set_page_title(&proposal.content.title);
            view! { <Detail proposal=proposal themes=themes/> }.into_any()
        }
    };
    view! {
        {back}
        {content}
    }
}

#[component]
fn Detail(proposal: ProposalResponse, themes: Vec<ThemeResponse>) -> impl IntoView {
    let t = proposals::t();
    let content = proposal.content.clone();
    let place = content
        .commune
        .as_ref()
        .map_or_else(|| t.whole_territory.to_owned(), |c| c.name.clone());
    let theme_names = content
        .themes
        .iter()
        .map(|slug| themes::label(&themes, slug))
        .collect::<Vec<_>>()
        .join(", ");
    let author = content
        .pseudonym
        .as_deref()
        .map_or_else(|| t.anonymous.to_owned(), |name| (t.by)(name));
    let published = proposal
        .published_at
        .as_deref()
        .map(|at| (t.published_on)(&format::date_text(at)));
    let timeline = proposal
        .timeline
        .iter()
        .map(|event| {
            let answer = event
                .answer
                .clone()
                .unwrap_or_else(|| t.timeline_published.to_owned());
            view! {
                <li class="frise__etape">
                    <p class="frise__tete">
                        <time datetime=event.at.clone()>{format::date_text(&event.at)}</time>
                        " — "
                        <strong>{(t.status)(&event.status)}</strong>
                    </p>
                    <p class="frise__texte">{answer}</p>
                </li>
            }
        })
        .collect_view();
    let merged = proposal.merged_into.clone().map(|kept| {
        view! {
            <p class="statut statut--attente">
                {t.merged_into} " "
                <a href=Route::Proposal(kept).path()>{t.merged_link}</a>
            </p>
        }
    });
    view! {
        <article class="proposition-detail">
            <h1>{content.title.clone()}</h1>
            <p class="proposition__meta">
                {status_badge(&proposal.status)}
                {proposal.priority.map(|rank| view! { <span>{(t.priority)(rank)}</span> })}
            </p>
            {merged}
            <dl class="fiche">
                <dt>{t.commune_label}</dt>
                <dd>{place}</dd>
                <dt>{t.themes_label}</dt>
                <dd>{theme_names}</dd>
            </dl>
            <p class="texte-doux">
                {author}
                {published.map(|p| view! { " · " {p} })}
            </p>
            <div class="texte-libre">{content.description.clone()}</div>
            <SupportButton
                id=proposal.id.clone()
                title=content.title.clone()
                count=proposal.support_count
                supported=proposal.supported_by_me.unwrap_or(false)
                accepts=proposal.accepts_supports
                detailed=true
            />
            <section aria-labelledby="suivi-titre">
                <h2 id="suivi-titre">{t.timeline_title}</h2>
                <ol class="frise">{timeline}</ol>
            </section>
            <Needs proposal=proposal.clone() themes=themes.clone()/>
        </article>
    }
}

/// What the latest needs survey measured in the proposal's themes.
#[component]
fn Needs(proposal: ProposalResponse, themes: Vec<ThemeResponse>) -> impl IntoView {
    let t = proposals::t();
    let needs = proposal.needs;
    let body = match needs.campaign_title.clone() {
        None => view! { <p>{t.needs_none}</p> }.into_any(),
        Some(campaign) => {
            let commune_name = proposal.content.commune.as_ref().map(|c| c.name.clone());
            let scopes = [
                needs
                    .commune
                    .clone()
                    .zip(commune_name)
                    .map(|(scope, name)| ((t.needs_commune)(&name), scope)),
                needs
                    .territory
                    .clone()
                    .map(|scope| (t.needs_territory.to_owned(), scope)),
            ];
            let scopes = scopes
                .into_iter()
                .flatten()
                .map(|(title, scope)| scope_view(title, &scope, &themes))
                .collect_view();
            view! {
                <p>{(t.needs_intro)(&campaign)}</p>
                <div class="besoins">{scopes}</div>
            }
            .into_any()
        }
    };
    view! {
        <section aria-labelledby="besoins-titre">
            <h2 id="besoins-titre">{t.needs_title}</h2>
            {body}
        </section>
    }
}

fn scope_view(
    title: String,
    scope: &NeedsScopeResponse,
    themes: &[ThemeResponse],
) -> impl IntoView {
    let t = proposals::t();
    let respondents = scope.respondents.map(|n| (t.needs_respondents)(n));
    let rows = if scope.secret {
        view! { <p>{t.needs_secret}</p> }.into_any()
    } else {
        let items = scope
            .themes
            .iter()
            .map(|need| {
                let label = themes::label(themes, &need.theme);
                let share = match (need.asked, need.secret, need.share) {
                    (false, _, _) => t.needs_not_asked.to_owned(),
                    (_, true, _) | (_, _, None) => t.needs_secret.to_owned(),
                    (_, _, Some(share)) => format::percent(share, 0),
                };
                view! { <li>{(t.needs_share)(&label, &share)}</li> }
            })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    view! {
        <div class="besoins__portee">
            <h3>{title}</h3>
            {respondents.map(|r| view! { <p class="texte-doux">{r}</p> })}
            {rows}
        </div>
    }
}
