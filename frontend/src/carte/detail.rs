//! An initiative as people read it: the item of a result list and the detail panel that a
//! marker or a list item opens.

use leptos::prelude::*;
use solidarites_api_types::{InitiativeContentResponse, InitiativeResponse, ThemeResponse};
use wasm_bindgen::JsCast;

use crate::carte::data::theme_or_default;
use crate::carte::widgets::{LabelBadges, ThemeBadge};
use crate::format;
use crate::i18n::{actors as actors_i18n, carte as i18n};

/// When it happens, in words: « Depuis le 3 mars 2026 », « Du … au … », …
pub fn dates_text(content: &InitiativeContentResponse) -> Option<String> {
    let t = i18n::t();
    let start = content.start_date.as_deref().map(format::date_text);
    let end = content.end_date.as_deref().map(format::date_text);
    match (start, end) {
        (Some(s), Some(e)) if s == e => Some((t.dates_on)(&s)),
        (Some(s), Some(e)) => Some((t.dates_from_to)(&s, &e)),
        (Some(s), None) => Some((t.dates_since)(&s)),
        (None, Some(e)) => Some((t.dates_until)(&e)),
        (None, None) => None,
    }
}

/// Where it happens, in words: the address and commune, or the whole commune.
pub fn place_text(content: &InitiativeContentResponse) -> String {
    let t = i18n::t();
    let commune = if content.commune.name.is_empty() {
        content.commune.code.clone()
    } else {
        content.commune.name.clone()
    };
    match (&content.address, content.has_point) {
        (_, false) => (t.place_whole_commune)(&commune),
        (Some(address), true) if !address.trim().is_empty() => format!("{address}, {commune}"),
        _ => commune,
    }
}

/// The id of the button of `id` in a result list (to give it the focus back).
pub fn item_button_id(id: &str) -> String {
    format!("initiative-{id}")
}

/// The themes of an initiative, main one first.
#[component]
pub fn ThemeList(slugs: Vec<String>, themes: Vec<ThemeResponse>) -> impl IntoView {
    view! {
        <ul class="themes">
            {slugs
                .iter()
                .map(|slug| view! { <li><ThemeBadge theme=theme_or_default(&themes, slug)/></li> })
                .collect_view()}
        </ul>
    }
}

/// One result of a list: its title opens the detail panel.
#[component]
pub fn InitiativeItem(
    item: InitiativeResponse,
    themes: Vec<ThemeResponse>,
    on_open: UnsyncCallback<String>,
    /// Whether this is the initiative shown in the panel.
    #[prop(into)]
    current: Signal<bool>,
) -> impl IntoView {
    let t = i18n::t();
    let id = item.id.clone();
    let dates = dates_text(&item.content);
    let place = place_text(&item.content);
    let actor = item.actor.name.clone();
    view! {
        <li class="resultat" class:resultat--choisi=move || current.get()>
            <h3 class="resultat__titre">
                <button
                    type="button"
                    class="lien-bouton"
                    id=item_button_id(&id)
                    aria-expanded=move || if current.get() { "true" } else { "false" }
                    aria-controls="detail-initiative"
                    on:click=move |_| on_open.run(id.clone())
                >
                    {item.content.title.clone()}
                </button>
            </h3>
            <ThemeList slugs=item.content.themes.clone() themes=themes/>
            <p class="resultat__meta">
                <span>{place}</span>
                {(!actor.is_empty()).then(|| view! { <span>{(t.run_by)(&actor)}</span> })}
                {dates.map(|d| view! { <span>{d}</span> })}
                {item.distance_km.map(|d| view! {
                    <span class="resultat__distance" data-distance=format::js_number(d)>
                        {(t.distance)(&format::decimal(d, 1))}
                    </span>
                })}
            </p>
        </li>
    }
}

/// The detail panel. `heading` gets the focus when it opens; Escape and the close button
/// call `on_close`.
#[component]
pub fn InitiativeDetail(
    initiative: InitiativeResponse,
    themes: Vec<ThemeResponse>,
    on_close: UnsyncCallback<()>,
) -> impl IntoView {
    let t = i18n::t();
    let a = actors_i18n::t();
    let c = initiative.content;
    let dates = dates_text(&c);
    let place = place_text(&c);
    let actor_href = format!(
        "/acteurs/{}",
        crate::router::percent_encode(&initiative.actor.id)
    );
    let kind = (a.kind_label)(&initiative.actor.kind);
    let contact = c.contact.clone();
    let has_contact = contact.email.is_some() || contact.phone.is_some() || contact.url.is_some();
    view! {
        <section
            class="detail"
            id="detail-initiative"
            aria-labelledby="detail-titre"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    on_close.run(());
                }
            }
        >
            <div class="detail__entete">
                <h2 id="detail-titre" tabindex="-1">{c.title.clone()}</h2>
                <button
                    type="button"
                    class="bouton bouton--discret detail__fermer"
                    on:click=move |_| on_close.run(())
                >
                    <span aria-hidden="true">"✕ "</span>
                    {t.detail_close}
                </button>
            </div>
            <ThemeList slugs=c.themes.clone() themes=themes/>
            <LabelBadges labels=initiative.labels/>
            <dl class="detail__faits">
                <dt>{t.detail_actor}</dt>
                <dd>
                    <a href=actor_href>{initiative.actor.name.clone()}</a>
                    {format!(" ({kind})")}
                </dd>
                <dt>{t.detail_place}</dt>
                <dd>{place}</dd>
                {dates.map(|d| view! { <dt>{t.detail_dates}</dt><dd>{d}</dd> })}
                {c.schedule.clone().map(|s| view! { <dt>{t.detail_schedule}</dt><dd>{s}</dd> })}
                {c.audience.clone().map(|s| view! { <dt>{t.detail_audience}</dt><dd>{s}</dd> })}
            </dl>
            <p class="detail__description">{c.description.clone()}</p>
            {has_contact.then(|| view! {
                <h3>{t.detail_contact}</h3>
                <ul class="detail__contact">
                    {contact.email.clone().map(|e| view! {
                        <li>{t.contact_email_label}" : "<a href=format!("mailto:{e}")>{e.clone()}</a></li>
                    })}
                    {contact.phone.clone().map(|p| view! {
                        <li>{t.contact_phone_label}" : "<a href=format!("tel:{}", p.replace(' ', ""))>{p.clone()}</a></li>
                    })}
                    {contact.url.clone().map(|u| view! {
                        <li>{t.contact_url_label}" : "<a href=u.clone() rel="noopener noreferrer">{u.clone()}</a></li>
                    })}
                </ul>
            })}
        </section>
    }
}

/// Remembers which element opened a panel, to give it the focus back when it closes.
#[derive(Debug, Clone, Copy)]
pub struct FocusReturn(StoredValue<Option<web_sys::Element>, LocalStorage>);

impl Default for FocusReturn {
    fn default() -> Self {
        Self::new()
    }
}

impl FocusReturn {
    pub fn new() -> Self {
        FocusReturn(StoredValue::new_local(None))
    }

    /// Notes the element that has the focus now.
    pub fn remember(&self) {
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element());
        self.0.set_value(active);
    }

    /// Focuses the remembered element if it is still on the page, else `fallback_id`.
    pub fn restore(&self, fallback_id: &str) {
        let remembered = self.0.try_update_value(Option::take).flatten();
        let target = remembered
            .filter(|e| e.is_connected() && e.tag_name() != "BODY")
            .or_else(|| {
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(fallback_id))
            });
        if let Some(element) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solidarites_api_types::{CommuneRef, ContactResponse};

    fn content() -> InitiativeContentResponse {
        InitiativeContentResponse {
            title: "Repas partagés".into(),
            description: String::new(),
            themes: vec!["isolement".into()],
            lon: 0.0,
            lat: 0.0,
            has_point: true,
            commune: CommuneRef {
                code: "40192".into(),
                name: "Mont-de-Marsan".into(),
            },
            address: Some("2 rue des Arènes".into()),
            start_date: None,
            end_date: None,
            ongoing: true,
            schedule: None,
            audience: None,
            contact: ContactResponse::default(),
            welcomes_volunteers: false,
        }
    }

    #[test]
    fn dates_read_as_sentences() {
        let mut c = content();
        assert_eq!(dates_text(&c), None);
        let (march, june) = (
            format::date_text("2026-03-01"),
            format::date_text("2026-06-30"),
        );
        assert!(
            march.starts_with("1er") && march.ends_with("mars 2026"),
            "{march}"
        );
        c.start_date = Some("2026-03-01".into());
        assert_eq!(dates_text(&c), Some(format!("Depuis le {march}")));
        c.end_date = Some("2026-06-30".into());
        assert_eq!(dates_text(&c), Some(format!("Du {march} au {june}")));
        c.end_date = Some("2026-03-01".into());
        assert_eq!(dates_text(&c), Some(format!("Le {march}")));
        c.start_date = None;
        assert_eq!(dates_text(&c), Some(format!("Jusqu’au {march}")));
    }

    #[test]
    fn places_read_as_addresses_or_whole_communes() {
        let mut c = content();
        assert_eq!(place_text(&c), "2 rue des Arènes, Mont-de-Marsan");
        c.address = None;
        assert_eq!(place_text(&c), "Mont-de-Marsan");
        c.has_point = false;
        assert_eq!(place_text(&c), "Toute la commune de Mont-de-Marsan");
    }
}
