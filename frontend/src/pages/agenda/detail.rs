//! `/agenda/evenement/{id}`: one event, with its dates, place, accessibility and how to
//! register, and its `.ics` file.

use leptos::prelude::*;
use solidarites_api_types::EventResponse;

use super::{place_text, status_badge, Subscribe};
use crate::api;
use crate::app::set_page_title;
use crate::components::themes;
use crate::i18n::{agenda, common};
use crate::router::percent_encode;

#[component]
pub fn EventPage(id: String) -> impl IntoView {
    let t = agenda::t();
    set_page_title(t.title);
    let url = format!("/api/v1/events/{}", percent_encode(&id));
    let loaded = api::load(async move {
        let event = api::get::<EventResponse>(&url).await?;
        Ok((event, themes::all().await.unwrap_or_default()))
    });
    move || match loaded.get() {
        None => view! { <p role="status">{common::t().loading}</p> }.into_any(),
        Some(Err(error)) => view! {
            <h1>{t.title}</h1>
            <p class="statut statut--erreur" role="alert">{error.message()}</p>
            <p><a href="/agenda">{t.back_to_list}</a></p>
        }
        .into_any(),
        Some(Ok((event, themes))) => {
            set_page_title(&event.content.title);
            let c = event.content.clone();
            let row = |label: &'static str, value: String| {
                view! {
                    <div class="fiche__ligne">
                        <dt>{label}</dt>
                        <dd>{value}</dd>
                    </div>
                }
            };
            let dates = c
                .occurrences
                .iter()
                .map(|o| view! { <li>{(t.dates)(&o.start, &o.end)}</li> })
                .collect_view();
            let theme_names = c
                .themes
                .iter()
                .map(|s| themes::label(&themes, s))
                .collect::<Vec<_>>()
                .join(", ");
            let accessibility = if c.accessibility.is_empty() {
                None
            } else {
                Some(
                    c.accessibility
                        .iter()
                        .map(|a| (t.accessibility)(a))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            };
            let registration = match (&c.registration.kind[..], &c.registration.value) {
                ("link", Some(v)) => view! { <a href=v.clone()>{v.clone()}</a> }.into_any(),
                ("phone", Some(v)) => {
                    view! { <a href=format!("tel:{}", v.replace(' ', ""))>{v.clone()}</a> }
                        .into_any()
                }
                ("email", Some(v)) => {
                    view! { <a href=format!("mailto:{v}")>{v.clone()}</a> }.into_any()
                }
                _ => view! { <span>{t.registration_free}</span> }.into_any(),
            };
            let online = c.online_url.clone().map(|u| {
                let href = u.clone();
                view! { <p><a href=href>{t.online}" : "{u}</a></p> }
            });
            let feed = format!("/api/v1/events/{}.ics", percent_encode(&event.id));
            view! {
                <h1>{c.title.clone()}</h1>
                <p>{status_badge(&c.event_status)}</p>
                <p class="intro">{c.description.clone()}</p>
                {online}
                <dl class="fiche">
                    <div class="fiche__ligne">
                        <dt>{t.detail_dates}</dt>
                        <dd><ul>{dates}</ul></dd>
                    </div>
                    {row(t.detail_place, place_text(&event))}
                    {row(t.detail_attendance, (t.attendance)(&c.attendance_mode).to_owned())}
                    {row(t.detail_themes, theme_names)}
                    {c.audience.clone().map(|a| row(t.detail_audience, a))}
                    {row(t.detail_audience, (t.detail_ages)(c.age_min, c.age_max))}
                    {accessibility.map(|a| row(t.detail_accessibility, a))}
                    <div class="fiche__ligne">
                        <dt>{t.detail_registration}</dt>
                        <dd>{registration}</dd>
                    </div>
                    {event.actor.clone().map(|a| {
                        view! {
                            <div class="fiche__ligne">
                                <dt>{t.detail_actor}</dt>
                                <dd><a href=format!("/acteurs/{}", percent_encode(&a.id))>{a.name}</a></dd>
                            </div>
                        }
                    })}
                </dl>
                <p>
                    <a class="bouton bouton--plein" href=feed download=format!("evenement-{}.ics", event.id)>
                        {t.download_ics}
                    </a>
                </p>
                <Subscribe path=Signal::derive(|| "/api/v1/events.ics".to_owned())/>
                <p><a href="/agenda">{t.back_to_list}</a></p>
            }
            .into_any()
        }
    }
}
