//! `/admin/mises-en-relation`: each consented volunteer with the published initiatives
//! and actors nearby that welcome volunteers and share one of their themes
//! (`GET /api/v1/admin/volunteers/matches`), the radius in the address, and the CSV of the
//! same list for the staff who call them. Moderators and administrators; the API's 403 is
//! shown to others.

use leptos::prelude::*;
use solidarites_api_types::{VolunteerMatchListResponse, VolunteerMatchResponse};

use super::session;
use super::shell::set_title;
use super::ui::{self, Pager, Table};
use crate::api::ApiError;
use crate::i18n::network as i18n;
use crate::router;

const PER_PAGE: u64 = 25;
const PATH: &str = "/admin/mises-en-relation";

fn row(item: VolunteerMatchResponse) -> impl IntoView {
    let t = i18n::t();
    let v = item.volunteer;
    let contact = [v.email, v.phone]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let matches = item
        .matches
        .into_iter()
        .map(|m| {
            let kind = if m.kind == "actor" {
                t.kind_actor
            } else {
                t.kind_initiative
            };
            let reach = [m.contact_email, m.contact_phone, m.contact_url]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            view! {
                <li>
                    {(t.match_line)(kind, &m.name, m.distance_km)} ", " {m.commune_name}
                    {(!reach.is_empty()).then(|| view! { <br/> {reach} })}
                </li>
            }
        })
        .collect_view();
    view! {
        <tr>
            <th scope="row">{v.name}<br/>{v.availability}</th>
            <td>{contact}</td>
            <td><ul class="liste-simple">{matches}</ul></td>
        </tr>
    }
}

#[component]
pub fn MatchesPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.matches_title);
    let location = router::use_location();
    let radius = Memo::new(move |_| location.with(|l| l.param("radius_km").unwrap_or_default()));
    let page = ui::page_param();
    let list: RwSignal<Option<Result<VolunteerMatchListResponse, ApiError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let (radius, page) = (radius.get(), page.get().to_string());
        let per_page = PER_PAGE.to_string();
        let pairs = [
            ("radius_km", radius.as_str()),
            ("page", page.as_str()),
            ("per_page", per_page.as_str()),
        ];
        let pairs: Vec<(&str, &str)> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        let url = router::with_query("/api/v1/admin/volunteers/matches", &pairs);
        leptos::task::spawn_local(async move {
            let result = session::get::<VolunteerMatchListResponse>(&url).await;
            let _ = list.try_set(Some(result));
        });
    });
    let typed = RwSignal::new(radius.get_untracked());
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = typed.get_untracked();
        let pairs: Vec<(&str, &str)> = [("radius_km", value.trim())]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        router::navigate(&router::with_query(PATH, &pairs));
    };
    let body = move || match list.get() {
        None => ui::loading(),
        Some(Err(error)) => ui::alert(&error),
        Some(Ok(loaded)) => {
            let r = radius.get_untracked();
            let csv_pairs: Vec<(&str, &str)> = [("radius_km", r.as_str())]
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect();
            let csv = router::with_query("/api/v1/admin/exports/volunteer-matches.csv", &csv_pairs);
            let intro = (t.matches_intro)(loaded.radius_km, loaded.retention_months);
            if loaded.items.is_empty() {
                return view! { <p class="intro">{intro}</p> <p class="statut">{t.matches_empty}</p> }
                    .into_any();
            }
            view! {
                <p class="intro">{intro}</p>
                <p><a href=csv download="benevoles-relations.csv">{t.matches_csv}</a></p>
                <Table
                    caption={(t.matches_caption)(loaded.total)}
                    columns=vec![t.col_volunteer, t.col_contact, t.col_matches]
                >
                    {loaded.items.into_iter().map(row).collect_view()}
                </Table>
                <Pager
                    path=PATH
                    pairs=vec![("radius_km", radius.get_untracked())]
                    page=loaded.page
                    per_page=loaded.per_page
                    total=loaded.total
                />
            }
            .into_any()
        }
    };
    view! {
        <h1>{t.matches_title}</h1>
        <form class="filtres" on:submit=apply>
            <div class="champ">
                <label for="relations-rayon">{t.matches_radius}</label>
                <input id="relations-rayon" class="saisie" type="number" min="1" max="100"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))/>
            </div>
            <button type="submit" class="bouton">{t.matches_show}</button>
        </form>
        {body}
    }
}
