//! `/admin/administration/comptes`: staff accounts, paged by the server; create one
//! (email, name, role, initial password of 12 characters at least), change a role,
//! disable or enable an account, each with the API's messages. Administrators only.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    AdminUserListResponse, AdminUserResponse, CreateUserRequest, UpdateUserRequest,
};

use super::campaigns::TextField;
use super::session;
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine, Pager, Table};
use super::Role;
use crate::api::ApiError;
use crate::components::form::{described_by, FieldError};
use crate::i18n::administration as i18n;
use crate::router::percent_encode;

const PER_PAGE: u64 = 25;
const ROLES: [&str; 4] = ["committee", "analyst", "moderator", "admin"];

fn role_name(role: &str) -> &'static str {
    Role::parse(role).label()
}

/// The administration's home: its pages.
#[component]
pub fn AdministrationPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.title);
    // Whoever is not an administrator reads the API's 403 here.
    let probe = crate::api::load(session::get::<AdminUserListResponse>(
        "/api/v1/admin/users?per_page=1",
    ));
    view! {
        <h1>{t.title}</h1>
        <p class="intro">{t.intro}</p>
        {move || match probe.get() {
            None => ui::loading(),
            Some(Err(error)) => ui::alert(&error),
            Some(Ok(_)) => view! {
                <ul class="console-rubriques">
                    <li><a href="/admin/administration/comptes">{t.accounts_title}</a></li>
                    <li><a href="/admin/administration/parametres">{t.settings_title}</a></li>
                    <li><a href="/admin/administration/themes">{crate::i18n::registers::t().themes_title}</a></li>
                    <li><a href="/admin/administration/labels">{crate::i18n::registers::t().labels_title}</a></li>
                    <li><a href="/admin/administration/journal">{crate::i18n::registers::t().audit_title}</a></li>
                </ul>
            }
            .into_any(),
        }}
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.accounts_title);
    let page = ui::page_param();
    let version = RwSignal::new(0u32);
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    let list: RwSignal<Option<Result<AdminUserListResponse, ApiError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        version.track();
        let url = format!(
            "/api/v1/admin/users?page={}&per_page={PER_PAGE}",
            page.get()
        );
        leptos::task::spawn_local(async move {
            let result = session::get::<AdminUserListResponse>(&url).await;
            let _ = list.try_set(Some(result));
        });
    });
    view! {
        <p><a href="/admin/administration">{t.title}</a></p>
        <h1>{t.accounts_title}</h1>
        <p class="intro">{t.accounts_intro}</p>
        <FeedbackLine feedback=feedback/>
        {move || match list.get() {
            None => ui::loading(),
            Some(Err(error)) => ui::alert(&error),
            Some(Ok(list)) => view! { <AccountTable list=list feedback=feedback version=version/> }.into_any(),
        }}
        <CreateAccount feedback=feedback version=version/>
    }
}

#[component]
fn AccountTable(
    list: AdminUserListResponse,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let rows = list
        .users
        .into_iter()
        .enumerate()
        .map(
            |(i, user)| view! { <AccountRow index=i user=user feedback=feedback version=version/> },
        )
        .collect_view();
    view! {
        <Table
            caption={(t.accounts_caption)(list.total)}
            columns=vec![
                t.col_email,
                t.col_name,
                t.col_role,
                t.col_state,
                t.col_actions,
            ]
        >
            {rows}
        </Table>
        <Pager
            path="/admin/administration/comptes"
            pairs=vec![]
            page=list.page
            per_page=list.per_page
            total=list.total
        />
    }
}

#[component]
fn AccountRow(
    index: usize,
    user: AdminUserResponse,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let role = RwSignal::new(user.role.clone());
    let id = StoredValue::new(user.id.clone());
    let email = StoredValue::new(user.email.clone());
    let update = move |body: UpdateUserRequest| {
        let url = format!("/api/v1/admin/users/{}", percent_encode(&id.get_value()));
        leptos::task::spawn_local(async move {
            match session::patch::<_, AdminUserResponse>(&url, &body).await {
                Ok(u) => {
                    let message = if body.role.is_some() {
                        (t.role_changed)(&u.email, role_name(&u.role))
                    } else if u.disabled {
                        (t.account_disabled)(&u.email)
                    } else {
                        (t.account_enabled)(&u.email)
                    };
                    feedback.set(Some(Feedback::Done(message)));
                    version.update(|v| *v += 1);
                }
                Err(error) => feedback.set(Some(Feedback::failed(&error))),
            }
        });
    };
    let select_id = format!("compte-role-{index}");
    let disabled = user.disabled;
    let state = if user.disabled {
        t.disabled
    } else if user.locked {
        t.locked
    } else {
        t.active
    };
    view! {
        <tr>
            <th scope="row">{user.email.clone()}</th>
            <td>{user.display_name.clone()}</td>
            <td>
                <label class="visuellement-cache" for=select_id.clone()>{(t.role_of)(&user.email)}</label>
                <select class="saisie" id=select_id on:change=move |ev| role.set(event_target_value(&ev))>
                    {ROLES
                        .iter()
                        .map(|r| view! { <option value=*r selected=user.role == *r>{role_name(r)}</option> })
                        .collect_view()}
                </select>
            </td>
            <td>{state}</td>
            <td>
                <div class="boutons boutons--serres">
                    <button
                        type="button"
                        class="bouton bouton--discret"
                        aria-label=(t.change_role_of)(&user.email)
                        on:click=move |_| update(UpdateUserRequest {
                            role: Some(role.get_untracked()),
                            ..UpdateUserRequest::default()
                        })
                    >
                        {t.change_role}
                    </button>
                    <button
                        type="button"
                        class="bouton bouton--discret"
                        aria-label=if disabled { (t.enable_of)(&email.get_value()) } else { (t.disable_of)(&email.get_value()) }
                        on:click=move |_| update(UpdateUserRequest {
                            disabled: Some(!disabled),
                            ..UpdateUserRequest::default()
                        })
                    >
                        {if disabled { t.enable } else { t.disable }}
                    </button>
                </div>
            </td>
        </tr>
    }
}

#[component]
fn CreateAccount(feedback: RwSignal<Option<Feedback>>, version: RwSignal<u32>) -> impl IntoView {
    let t = i18n::t();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("committee".to_owned());
    let password = RwSignal::new(String::new());
    // A one-time link (72 h) instead of an initial password: shown once, to pass on.
    let with_link = RwSignal::new(false);
    let link: RwSignal<Option<(String, String)>> = RwSignal::new(None);
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let set_password_link = with_link.get_untracked();
        let body = CreateUserRequest {
            email: email.get_untracked().trim().to_owned(),
            display_name: name.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
            password: if set_password_link {
                String::new()
            } else {
                password.get_untracked()
            },
            set_password_link,
        };
        leptos::task::spawn_local(async move {
            match session::post::<_, AdminUserResponse>("/api/v1/admin/users", &body).await {
                Ok(u) => {
                    errors.set(BTreeMap::new());
                    email.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    let origin = web_sys::window()
                        .and_then(|w| w.location().origin().ok())
                        .unwrap_or_default();
                    link.set(u.set_password_path.as_ref().map(|path| {
                        (
                            format!("{origin}{path}"),
                            u.set_password_expires_at
                                .as_deref()
                                .map(ui::date_time)
                                .unwrap_or_default(),
                        )
                    }));
                    feedback.set(Some(Feedback::Done((t.created)(&u.email))));
                    version.update(|v| *v += 1);
                }
                Err(error) => ui::refused(errors, feedback, &error),
            }
        });
    };
    let role_error = Signal::derive(move || errors.with(|e| e.get("role").cloned()));
    view! {
        <section aria-labelledby="compte-creer-titre">
            <h2 id="compte-creer-titre">{t.create_title}</h2>
            <form class="formulaire-console" novalidate on:submit=submit>
                <TextField id="compte-email" label=t.field_email kind="email" value=email errors=errors field="email"/>
                <TextField id="compte-nom" label=t.field_name value=name errors=errors field="display_name"/>
                <div class="champ">
                    <label for="compte-role">{t.field_role}</label>
                    <FieldError field_id="compte-role".to_owned() message=role_error/>
                    <select class="saisie"
                        id="compte-role"
                        on:change=move |ev| role.set(event_target_value(&ev))
                        aria-describedby=move || described_by("compte-role", false, role_error.with(Option::is_some))
                    >
                        {ROLES
                            .iter()
                            .map(|r| view! { <option value=*r selected=*r == "committee">{role_name(r)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="champ champ--case">
                    <input id="compte-lien" type="checkbox"
                        prop:checked=move || with_link.get()
                        on:change=move |ev| with_link.set(event_target_checked(&ev))/>
                    <label for="compte-lien">{crate::i18n::registers::t().link_instead}</label>
                </div>
                <Show when=move || !with_link.get()>
                    <TextField
                        id="compte-mot-de-passe"
                        label=t.field_password
                        hint=t.password_hint
                        kind="password"
                        value=password
                        errors=errors
                        field="password"
                    />
                </Show>
                <div class="boutons">
                    <button type="submit" class="bouton bouton--plein">{t.create_button}</button>
                </div>
            </form>
            {move || link.get().map(|(url, until)| view! {
                <div class="encadre-crise" id="compte-lien-cree">
                    <p>{(crate::i18n::registers::t().link_created)(&until)}</p>
                    <p><code class="journal__id">{url}</code></p>
                </div>
            })}
        </section>
    }
}
