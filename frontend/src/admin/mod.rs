//! The staff console (`/admin/…`), one lazy area of the app (`pages::lazy::area_admin`):
//! residents never download it.
//!
//! - [`session`]: who is signed in, and [`session::get`]/[`session::post`]… — the one place
//!   that calls the staff API, with the CSRF header, sending to sign-in on a 401;
//! - [`drafts`]: what is typed in console forms, kept in `sessionStorage` so that a sign-in
//!   in the middle loses nothing;
//! - [`shell`]: the frame of every console page (header with the person and
//!   "Se déconnecter", the menu by role, the page);
//! - [`style`]: the console's stylesheet, added to the page when the console first shows;
//! - one module per page.
//!
//! **Adding a page**: a [`Page`] variant (with its path in [`Page::parse`] and its view in
//! [`Page::view`]), and a [`NAV`] entry when it belongs in the menu. The API's 403 stays the
//! real guard: a page reached by URL without the role shows the API's message.

pub mod accounts;
pub mod assisted;
pub mod audit;
pub mod campaigns;
pub mod choropleth;
pub mod dashboard;
pub mod drafts;
pub mod editor;
pub mod exports;
pub mod gaps;
pub mod home;
pub mod label_applications;
pub mod label_criteria;
pub mod labels;
pub mod login;
pub mod matches;
pub mod moderation;
pub mod outbox;
pub mod password;
pub mod proposals;
pub mod questionnaires;
pub mod session;
pub mod settings;
pub mod shell;
pub mod soon;
pub mod stale;
pub mod style;
pub mod themes;
pub mod ui;
pub mod volunteers;

use leptos::prelude::*;

use crate::i18n::admin as i18n;

/// Staff roles, in increasing order of rights (as the server's `auth::Role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Committee,
    Analyst,
    Moderator,
    Admin,
}

impl Role {
    /// The role of the API's `role` string; unknown roles get the fewest rights.
    pub fn parse(role: &str) -> Role {
        match role {
            "admin" => Role::Admin,
            "moderator" => Role::Moderator,
            "analyst" => Role::Analyst,
            _ => Role::Committee,
        }
    }

    /// French name of the role.
    pub fn label(self) -> &'static str {
        let t = i18n::t();
        match self {
            Role::Committee => t.role_committee,
            Role::Analyst => t.role_analyst,
            Role::Moderator => t.role_moderator,
            Role::Admin => t.role_admin,
        }
    }
}

/// An entry of the console's menu, shown to `min_role` and above.
#[derive(Debug, Clone, Copy)]
pub struct NavEntry {
    pub label: fn() -> &'static str,
    pub path: &'static str,
    pub min_role: Role,
}

/// The console's menu, in order.
pub const NAV: &[NavEntry] = &[
    NavEntry {
        label: || i18n::t().nav_home,
        path: "/admin",
        min_role: Role::Committee,
    },
    NavEntry {
        label: || i18n::t().nav_moderation,
        path: "/admin/moderation",
        min_role: Role::Moderator,
    },
    NavEntry {
        label: || i18n::t().nav_questionnaires,
        path: "/admin/campagnes",
        min_role: Role::Analyst,
    },
    NavEntry {
        label: || crate::i18n::editor::t().list_title,
        path: "/admin/questionnaires",
        min_role: Role::Analyst,
    },
    NavEntry {
        label: || i18n::t().nav_assisted,
        path: "/admin/saisie",
        min_role: Role::Moderator,
    },
    NavEntry {
        label: || i18n::t().nav_proposals,
        path: "/admin/propositions",
        min_role: Role::Committee,
    },
    NavEntry {
        label: || crate::i18n::labels::t().nav,
        path: "/admin/labels",
        min_role: Role::Committee,
    },
    NavEntry {
        label: || crate::i18n::freshness::t().nav,
        path: "/admin/a-jour",
        min_role: Role::Moderator,
    },
    NavEntry {
        label: || i18n::t().nav_volunteers,
        path: "/admin/benevoles",
        min_role: Role::Moderator,
    },
    NavEntry {
        label: || crate::i18n::network::t().matches_nav,
        path: "/admin/mises-en-relation",
        min_role: Role::Moderator,
    },
    NavEntry {
        label: || crate::i18n::network::t().outbox_nav,
        path: "/admin/courriels",
        min_role: Role::Admin,
    },
    NavEntry {
        label: || i18n::t().nav_admin,
        path: "/admin/administration",
        min_role: Role::Admin,
    },
    NavEntry {
        label: || i18n::t().nav_results,
        path: "/admin/resultats",
        min_role: Role::Committee,
    },
    NavEntry {
        label: || crate::i18n::results::t().gaps_title,
        path: "/admin/besoins",
        min_role: Role::Committee,
    },
    NavEntry {
        label: || crate::i18n::results::t().exports_title,
        path: "/admin/exports",
        min_role: Role::Committee,
    },
];

/// The menu entries `role` sees.
pub fn nav_for(role: Role) -> impl Iterator<Item = &'static NavEntry> {
    NAV.iter().filter(move |entry| role >= entry.min_role)
}

/// A page of the console.
#[derive(Debug, Clone)]
pub enum Page {
    /// `/admin/connexion` (outside the frame: no session needed).
    Login,
    /// `/admin/mot-de-passe/{token}`, a one-time set-password link (outside the frame).
    Password(String),
    /// `/admin`
    Home,
    /// `/admin/moderation`
    Moderation,
    /// `/admin/campagnes`
    Campaigns,
    /// `/admin/questionnaires`
    Questionnaires,
    /// `/admin/questionnaires/{id}`
    Questionnaire(String),
    /// `/admin/campagnes/{id}`
    Campaign(String),
    /// `/admin/saisie`
    Assisted,
    /// `/admin/propositions`
    Proposals,
    /// `/admin/propositions/{id}`
    Proposal(String),
    /// `/admin/benevoles`
    Volunteers,
    /// `/admin/a-jour`
    Stale,
    /// `/admin/mises-en-relation`
    VolunteerMatches,
    /// `/admin/courriels`
    Outbox,
    /// `/admin/administration`
    Administration,
    /// `/admin/administration/comptes`
    Accounts,
    /// `/admin/administration/parametres`
    Settings,
    /// `/admin/resultats`
    Dashboard,
    /// `/admin/exports`
    Exports,
    /// `/admin/besoins`
    Gaps,
    /// `/admin/administration/journal`
    Audit,
    /// `/admin/administration/themes`
    Themes,
    /// `/admin/administration/labels`
    Labels,
    /// `/admin/labels`: the actors' applications for labels.
    LabelApplications,
    /// `/admin/labels/{id}`: one application, approved or refused there.
    LabelApplication(String),
    /// A menu entry whose page is still to come: its title and an API route that the
    /// role needs (its 403 is shown to whoever lacks it).
    Soon {
        title: fn() -> &'static str,
        probe: Option<&'static str>,
    },
    NotFound,
}

impl Page {
    /// The page at `path`, the part of the URL path after `/admin/`.
    pub fn parse(path: &str) -> Page {
        let path = path.trim_matches('/');
        if let Some(id) = path.strip_prefix("campagnes/") {
            return Page::Campaign(crate::router::percent_decode(id));
        }
        if let Some(token) = path.strip_prefix("mot-de-passe/") {
            return Page::Password(crate::router::percent_decode(token));
        }
        if let Some(id) = path.strip_prefix("questionnaires/") {
            return Page::Questionnaire(crate::router::percent_decode(id));
        }
        if let Some(id) = path.strip_prefix("propositions/") {
            return Page::Proposal(crate::router::percent_decode(id));
        }
        if let Some(id) = path.strip_prefix("labels/") {
            return Page::LabelApplication(crate::router::percent_decode(id));
        }
        match path {
            "" => Page::Home,
            "connexion" => Page::Login,
            "moderation" => Page::Moderation,
            "campagnes" => Page::Campaigns,
            "questionnaires" => Page::Questionnaires,
            "saisie" => Page::Assisted,
            "propositions" => Page::Proposals,
            "benevoles" => Page::Volunteers,
            "a-jour" => Page::Stale,
            "mises-en-relation" => Page::VolunteerMatches,
            "courriels" => Page::Outbox,
            "administration" => Page::Administration,
            "administration/comptes" => Page::Accounts,
            "administration/parametres" => Page::Settings,
            "resultats" => Page::Dashboard,
            "exports" => Page::Exports,
            "besoins" => Page::Gaps,
            "administration/journal" => Page::Audit,
            "administration/themes" => Page::Themes,
            "administration/labels" => Page::Labels,
            "labels" => Page::LabelApplications,
            _ => Page::NotFound,
        }
    }

    /// The page's content, inside the frame.
    pub fn view(self) -> AnyView {
        match self {
            Page::Login => view! { <login::LoginPage/> }.into_any(),
            Page::Password(token) => view! { <password::PasswordPage token=token/> }.into_any(),
            Page::Home => view! { <home::HomePage/> }.into_any(),
            Page::Moderation => view! { <moderation::ModerationPage/> }.into_any(),
            Page::Campaigns => view! { <campaigns::CampaignsPage/> }.into_any(),
            Page::Campaign(id) => view! { <campaigns::CampaignPage id=id/> }.into_any(),
            Page::Questionnaires => view! { <questionnaires::QuestionnairesPage/> }.into_any(),
            Page::Questionnaire(id) => view! { <editor::EditorPage id=id/> }.into_any(),
            Page::Assisted => view! { <assisted::AssistedPage/> }.into_any(),
            Page::Proposals => view! { <proposals::ProposalsPage/> }.into_any(),
            Page::Proposal(id) => view! { <proposals::ProposalPage id=id/> }.into_any(),
            Page::Volunteers => view! { <volunteers::VolunteersPage/> }.into_any(),
            Page::Stale => view! { <stale::StalePage/> }.into_any(),
            Page::VolunteerMatches => view! { <matches::MatchesPage/> }.into_any(),
            Page::Outbox => view! { <outbox::OutboxPage/> }.into_any(),
            Page::Administration => view! { <accounts::AdministrationPage/> }.into_any(),
            Page::Accounts => view! { <accounts::AccountsPage/> }.into_any(),
            Page::Settings => view! { <settings::SettingsPage/> }.into_any(),
            Page::Dashboard => view! { <dashboard::DashboardPage/> }.into_any(),
            Page::Exports => view! { <exports::ExportsPage/> }.into_any(),
            Page::Gaps => view! { <gaps::GapsPage/> }.into_any(),
            Page::Audit => view! { <audit::AuditPage/> }.into_any(),
            Page::Themes => view! { <themes::ThemesPage/> }.into_any(),
            Page::Labels => view! { <labels::LabelsPage/> }.into_any(),
            Page::LabelApplications => {
                view! { <label_applications::LabelApplicationsPage/> }.into_any()
            }
            Page::LabelApplication(id) => {
                view! { <label_applications::LabelApplicationPage id=id/> }.into_any()
            }
            Page::Soon { title, probe } => {
                view! { <soon::SoonPage title=title() probe=probe/> }.into_any()
            }
            Page::NotFound => view! { <soon::ConsoleNotFound/> }.into_any(),
        }
    }
}

/// The console at `path` (after `/admin/`): sign-in alone, any other page in the frame.
#[component]
pub fn AdminApp(path: String) -> impl IntoView {
    match Page::parse(&path) {
        Page::Login => Page::Login.view(),
        page @ Page::Password(_) => page.view(),
        page => view! { <shell::AdminLayout page=page/> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_parsed() {
        assert!(Role::Committee < Role::Analyst);
        assert!(Role::Moderator < Role::Admin);
        assert_eq!(Role::parse("moderator"), Role::Moderator);
        assert_eq!(Role::parse("inconnu"), Role::Committee);
    }

    #[test]
    fn a_committee_member_sees_no_raw_data_volunteers_or_accounts() {
        let paths: Vec<&str> = nav_for(Role::Committee).map(|e| e.path).collect();
        assert_eq!(
            paths,
            [
                "/admin",
                "/admin/propositions",
                "/admin/labels",
                "/admin/resultats",
                "/admin/besoins",
                "/admin/exports"
            ],
            "committee menu"
        );
        assert_eq!(nav_for(Role::Admin).count(), NAV.len());
        assert!(!nav_for(Role::Moderator).any(|e| e.path == "/admin/administration"));
    }

    #[test]
    fn pages_are_found_by_path() {
        assert!(matches!(Page::parse(""), Page::Home));
        assert!(matches!(Page::parse("connexion"), Page::Login));
        assert!(matches!(Page::parse("moderation/"), Page::Moderation));
        assert!(matches!(Page::parse("nimportequoi"), Page::NotFound));
        assert!(matches!(Page::parse("campagnes"), Page::Campaigns));
        assert!(matches!(Page::parse("saisie"), Page::Assisted));
        assert!(matches!(Page::parse("campagnes/abc%20d"), Page::Campaign(id) if id == "abc d"));
        assert!(matches!(Page::parse("benevoles"), Page::Volunteers));
        assert!(matches!(Page::parse("a-jour"), Page::Stale));
        assert!(matches!(Page::parse("labels"), Page::LabelApplications));
        assert!(matches!(Page::parse("labels/a%201"), Page::LabelApplication(id) if id == "a 1"));
        assert!(matches!(Page::parse("courriels"), Page::Outbox));
        assert!(matches!(
            Page::parse("mises-en-relation"),
            Page::VolunteerMatches
        ));
        assert!(matches!(
            Page::parse("questionnaires"),
            Page::Questionnaires
        ));
        assert!(
            matches!(Page::parse("questionnaires/q%201"), Page::Questionnaire(id) if id == "q 1")
        );
    }
}
