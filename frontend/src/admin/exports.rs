//! `/admin/exports`: every export of the API as a download, with a line on what it holds
//! and who may take it. A role sees only the files it may take (raw answers: admins; the
//! map's files: analysts up; aggregates under secrecy: everyone from the committee up);
//! the API's 403 stays the real guard.

use leptos::prelude::*;
use solidarites_api_types::AdminCampaignListResponse;

use super::session::{self, Session};
use super::shell::set_title;
use super::ui;
use super::Role;
use crate::api;
use crate::i18n::{common, results as i18n};
use crate::router;

/// An export: its path (`{id}` for the campaign), file name, description, lowest role.
#[derive(Debug, Clone, Copy)]
pub struct Export {
    pub path: &'static str,
    pub file: &'static str,
    pub describe: fn() -> &'static str,
    pub min_role: Role,
}

/// Exports of one campaign.
pub const CAMPAIGN_EXPORTS: &[Export] = &[
    Export {
        path: "/api/v1/admin/campaigns/{id}/exports/results.csv",
        file: "resultats.csv",
        describe: || i18n::t().export_results_csv,
        min_role: Role::Committee,
    },
    Export {
        path: "/api/v1/admin/campaigns/{id}/exports/results.xlsx",
        file: "resultats.xlsx",
        describe: || i18n::t().export_results_xlsx,
        min_role: Role::Committee,
    },
    Export {
        path: "/api/v1/admin/campaigns/{id}/exports/results.geojson",
        file: "resultats.geojson",
        describe: || i18n::t().export_results_geojson,
        min_role: Role::Committee,
    },
    Export {
        path: "/api/v1/admin/campaigns/{id}/exports/answers.csv",
        file: "reponses.csv",
        describe: || i18n::t().export_answers_csv,
        min_role: Role::Admin,
    },
    Export {
        path: "/api/v1/admin/campaigns/{id}/exports/answers.xlsx",
        file: "reponses.xlsx",
        describe: || i18n::t().export_answers_xlsx,
        min_role: Role::Admin,
    },
];

/// Exports of the carte des solidarités.
pub const MAP_EXPORTS: &[Export] = &[
    Export {
        path: "/api/v1/admin/exports/initiatives.csv",
        file: "initiatives.csv",
        describe: || i18n::t().export_initiatives_csv,
        min_role: Role::Analyst,
    },
    Export {
        path: "/api/v1/admin/exports/initiatives.geojson",
        file: "initiatives.geojson",
        describe: || i18n::t().export_initiatives_geojson,
        min_role: Role::Analyst,
    },
    Export {
        path: "/api/v1/admin/exports/data-inclusion/structures.json",
        file: "structures.json",
        describe: || i18n::t().export_structures,
        min_role: Role::Analyst,
    },
    Export {
        path: "/api/v1/admin/exports/data-inclusion/services.json",
        file: "services.json",
        describe: || i18n::t().export_services,
        min_role: Role::Analyst,
    },
];

/// The exports `role` may take.
pub fn exports_for(
    exports: &'static [Export],
    role: Role,
) -> impl Iterator<Item = &'static Export> {
    exports.iter().filter(move |e| role >= e.min_role)
}

fn who(role: Role) -> &'static str {
    let t = i18n::t();
    match role {
        Role::Admin => t.who_admin,
        Role::Analyst | Role::Moderator => t.who_analyst,
        Role::Committee => t.who_committee,
    }
}

fn export_list(exports: Vec<&'static Export>, campaign: Option<String>) -> impl IntoView {
    let items = exports
        .into_iter()
        .map(|e| {
            let href = match &campaign {
                Some(id) => e.path.replace("{id}", &router::percent_encode(id)),
                None => e.path.to_owned(),
            };
            view! {
                <li class="exports__element">
                    <a href=href download=e.file data-export=e.file>{e.file}</a>
                    <p>{(e.describe)()}" "<span class="texte-doux">{who(e.min_role)}</span></p>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="exports">{items}</ul> }
}

#[component]
pub fn ExportsPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.exports_title);
    let role = use_context::<Session>()
        .or_else(session::current)
        .map_or(Role::Committee, |s| s.role());
    let campaigns = api::load(session::get::<AdminCampaignListResponse>(
        "/api/v1/admin/campaigns?per_page=100",
    ));
    let chosen: RwSignal<String> = RwSignal::new(String::new());
    let campaign_part = move || match campaigns.get() {
        None => view! {
            <p class="statut statut--attente" role="status">{common::t().loading}</p>
        }
        .into_any(),
        Some(Err(error)) => {
            view! { <p class="statut statut--erreur" role="alert">{error.message()}</p> }.into_any()
        }
        Some(Ok(list)) if list.campaigns.is_empty() => view! { <p>{t.no_campaign}</p> }.into_any(),
        Some(Ok(list)) => {
            let current = chosen.get();
            let current = if list.campaigns.iter().any(|c| c.campaign.id == current) {
                current
            } else {
                list.campaigns[0].campaign.id.clone()
            };
            view! {
                {ui::campaign_select("exports-campagne", t.field_campaign, &list, &current, chosen)}
                {export_list(exports_for(CAMPAIGN_EXPORTS, role).collect(), Some(current))}
            }
            .into_any()
        }
    };
    let map_exports: Vec<&'static Export> = exports_for(MAP_EXPORTS, role).collect();
    view! {
        <h1>{t.exports_title}</h1>
        <p>{t.exports_intro}</p>
        <section aria-labelledby="exports-campagne-titre">
            <h2 id="exports-campagne-titre">{t.exports_campaign}</h2>
            {campaign_part}
            <p>
                <a href="/admin/resultats">{t.exports_dashboard_link}</a>
            </p>
        </section>
        {(!map_exports.is_empty()).then(|| view! {
            <section aria-labelledby="exports-carte-titre">
                <h2 id="exports-carte-titre">{t.exports_other}</h2>
                {export_list(map_exports, None)}
            </section>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_answers_are_for_admins_and_the_committee_takes_aggregates_only() {
        let committee: Vec<&str> = exports_for(CAMPAIGN_EXPORTS, Role::Committee)
            .chain(exports_for(MAP_EXPORTS, Role::Committee))
            .map(|e| e.file)
            .collect();
        assert_eq!(
            committee,
            ["resultats.csv", "resultats.xlsx", "resultats.geojson"]
        );
        assert!(!exports_for(CAMPAIGN_EXPORTS, Role::Moderator).any(|e| e.path.contains("answers")));
        assert_eq!(
            exports_for(CAMPAIGN_EXPORTS, Role::Admin).count()
                + exports_for(MAP_EXPORTS, Role::Admin).count(),
            CAMPAIGN_EXPORTS.len() + MAP_EXPORTS.len()
        );
    }
}
