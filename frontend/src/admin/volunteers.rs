//! `/admin/benevoles`: the volunteers who consented to be contacted, filtered by commune
//! and theme and paged by the server, with the retention rule, the CSV export of the
//! same filters, and (administrators) the purge of old sign-ups. Moderators and
//! administrators; the API's 403 is shown to others.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    CommuneListResponse, PurgeVolunteersRequest, PurgeVolunteersResponse, ThemeResponse,
    VolunteerListResponse,
};

use super::campaigns::TextField;
use super::session::{self, Session};
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine, FilterSelect, Pager, Table};
use super::Role;
use crate::api::{self, Loaded};
use crate::components::themes;
use crate::i18n::console as i18n;
use crate::router;

const PER_PAGE: u64 = 25;

#[component]
pub fn VolunteersPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.volunteers_title);
    let location = router::use_location();
    let commune_filter =
        Memo::new(move |_| location.with(|l| l.param("commune").unwrap_or_default()));
    let theme_filter = Memo::new(move |_| location.with(|l| l.param("theme").unwrap_or_default()));
    let page = ui::page_param();
    let version = RwSignal::new(0u32);
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    let list = ui::reload::<VolunteerListResponse>(version, move || {
        let (commune, theme, page) = (commune_filter.get(), theme_filter.get(), page.get());
        router::with_query(
            "/api/v1/admin/volunteers",
            &[
                ("commune", commune.as_str()),
                ("theme", theme.as_str()),
                ("page", &page.to_string()),
                ("per_page", &PER_PAGE.to_string()),
            ],
        )
    });
    let communes = api::load(api::get::<CommuneListResponse>("/api/v1/communes"));
    let theme_list = api::load(themes::all());
    let is_admin = use_context::<Session>()
        .or_else(session::current)
        .is_some_and(|s| s.role() >= Role::Admin);

    let body = move || match list.get() {
        None => ui::loading(),
        Some(Err(error)) => ui::alert(&error),
        Some(Ok(list)) => {
            let filters = (commune_filter.get_untracked(), theme_filter.get_untracked());
            let retention = list.retention_months;
            view! {
                <VolunteerList list=list filters=filters communes=communes theme_list=theme_list/>
                {is_admin.then(|| view! {
                    <Purge retention=retention feedback=feedback version=version/>
                })}
            }
            .into_any()
        }
    };

    view! {
        <h1>{t.volunteers_title}</h1>
        <p class="intro">{t.volunteers_intro}</p>
        <Filters
            commune=commune_filter.get_untracked()
            theme=theme_filter.get_untracked()
            communes=communes
            theme_list=theme_list
        />
        <FeedbackLine feedback=feedback/>
        {body}
    }
}

/// The commune and theme filters; applying them changes the address.
#[component]
fn Filters(
    commune: String,
    theme: String,
    communes: Loaded<CommuneListResponse>,
    theme_list: Loaded<Vec<ThemeResponse>>,
) -> impl IntoView {
    let t = i18n::t();
    let commune = RwSignal::new(commune);
    let theme = RwSignal::new(theme);
    let commune_choices = Signal::derive(move || {
        communes.with(|c| match c {
            Some(Ok(list)) => list
                .communes
                .iter()
                .map(|c| (c.code.clone(), c.name.clone()))
                .collect(),
            _ => Vec::new(),
        })
    });
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (c, th) = (commune.get_untracked(), theme.get_untracked());
        let pairs = [("commune", c.as_str()), ("theme", th.as_str())];
        router::navigate(&router::with_query("/admin/benevoles", &pairs));
    };
    view! {
        <form class="filtres" role="search" aria-label=t.filters_title on:submit=apply>
            <div class="formulaire-console formulaire-console--ligne">
                <FilterSelect
                    id="benevoles-commune"
                    label=t.filter_commune
                    any_label=t.filter_all_f
                    value=commune
                    choices=commune_choices
                />
                <FilterSelect
                    id="benevoles-theme"
                    label=t.filter_theme
                    any_label=t.filter_all
                    value=theme
                    choices=ui::theme_choices(theme_list)
                />
                <div class="boutons">
                    <button type="submit" class="bouton">{t.filter_apply}</button>
                </div>
            </div>
        </form>
    }
}

/// One page of volunteers (`filters`: the commune and theme in the address): the
/// retention rule, the CSV link, the table and the pager.
#[component]
fn VolunteerList(
    list: VolunteerListResponse,
    filters: (String, String),
    communes: Loaded<CommuneListResponse>,
    theme_list: Loaded<Vec<ThemeResponse>>,
) -> impl IntoView {
    let t = i18n::t();
    let (c, th) = filters;
    let csv_pairs = [("commune", c.as_str()), ("theme", th.as_str())];
    let csv = router::with_query("/api/v1/admin/exports/volunteers.csv", &csv_pairs);
    let commune_name = move |code: &str| {
        communes
            .with(|c| match c {
                Some(Ok(list)) => list
                    .communes
                    .iter()
                    .find(|c| c.code == code)
                    .map(|c| c.name.clone()),
                _ => None,
            })
            .unwrap_or_else(|| code.to_owned())
    };
    let rows = list
        .volunteers
        .iter()
        .map(|v| {
            let contact = [v.email.clone(), v.phone.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            let theme_names = theme_list.with(|tl| match tl {
                Some(Ok(all)) => v
                    .themes
                    .iter()
                    .map(|s| themes::label(all, s))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => v.themes.join(", "),
            });
            view! {
                <tr>
                    <th scope="row">{v.name.clone()}</th>
                    <td>{contact}</td>
                    <td>{commune_name(&v.commune)}</td>
                    <td>{theme_names}</td>
                    <td>{v.availability.clone()}</td>
                    <td>{crate::format::date_text(&v.consent_at)}</td>
                </tr>
            }
        })
        .collect_view();
    let table = if list.volunteers.is_empty() {
        view! { <p>{t.volunteers_empty}</p> }.into_any()
    } else {
        view! {
            <Table
                caption={(t.volunteers_caption)(list.total)}
                columns=vec![
                    t.col_name,
                    t.col_contact,
                    t.filter_commune,
                    t.filter_theme,
                    t.col_availability,
                    t.col_consent,
                ]
            >
                {rows}
            </Table>
            <Pager
                path="/admin/benevoles"
                pairs=vec![("commune", c.clone()), ("theme", th.clone())]
                page=list.page
                per_page=list.per_page
                total=list.total
            />
        }
        .into_any()
    };
    view! {
        <p id="conservation" class="statut statut--attente">{(t.retention)(list.retention_months)}</p>
        <p><a href=csv download="benevoles.csv">{t.csv_link}</a></p>
        {table}
    }
}

/// Administrators: delete the volunteers signed up more than N months ago, after a
/// confirmation.
#[component]
fn Purge(
    retention: u32,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let months = RwSignal::new(retention.max(1).to_string());
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let confirming = RwSignal::new(false);
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        confirming.set(true);
        crate::browser::after_render(|| crate::browser::focus_id("purge-confirmer"));
    };
    let purge = move |_| {
        let older_than_months = months.get_untracked().trim().parse::<i64>().ok();
        confirming.set(false);
        leptos::task::spawn_local(async move {
            let body = PurgeVolunteersRequest { older_than_months };
            match session::post::<_, PurgeVolunteersResponse>(
                "/api/v1/admin/volunteers/purge",
                &body,
            )
            .await
            {
                Ok(done) => {
                    errors.set(BTreeMap::new());
                    feedback.set(Some(Feedback::Done((t.purge_done)(done.deleted))));
                    version.update(|v| *v += 1);
                }
                Err(error) => ui::refused(errors, feedback, &error),
            }
        });
    };
    view! {
        <section aria-labelledby="purge-titre">
            <h2 id="purge-titre">{t.purge_title}</h2>
            <form class="formulaire-console formulaire-console--ligne" novalidate on:submit=ask>
                <TextField
                    id="purge-mois"
                    label=t.purge_label
                    kind="number"
                    value=months
                    errors=errors
                    field="older_than_months"
                />
                <div class="boutons">
                    <button type="submit" class="bouton">{t.purge_button}</button>
                </div>
            </form>
            <Show when=move || confirming.get()>
                <div class="statut statut--alerte">
                    <p>{move || (t.purge_confirm)(&months.get())}</p>
                    <div class="boutons">
                        <button id="purge-confirmer" type="button" class="bouton bouton--plein" on:click=purge>
                            {t.purge_confirm_button}
                        </button>
                        <button type="button" class="bouton" on:click=move |_| confirming.set(false)>
                            {t.cancel}
                        </button>
                    </div>
                </div>
            </Show>
        </section>
    }
}
