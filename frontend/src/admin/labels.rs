//! `/admin/administration/labels`: labels and their grants. First « Labels à renouveler »
//! (grants in force ending within the configured window, 60 days unless set otherwise,
//! across labels, with « Inviter à renouveler » when the holder's last applicant left a
//! consented address), then the grants of the label chosen (`?label=<slug>`) and the
//! editor of its criteria, both lists paged by the server with a revoke button on each
//! grant in force; then a label granted to an actor found by name until a day.
//!
//! Moderators grant and revoke (the API's rule); the page sits in the administration.
//! Labels are granted to actors here; the API also grants them to initiatives.

use leptos::prelude::*;
use solidarites_api_types::{
    ActorListResponse, AdminLabelGrantListResponse, AdminLabelGrantResponse, GrantLabelRequest,
    LabelGrantResponse, LabelListResponse, RenewalInvitationResponse,
};

use super::campaigns::TextField;
use super::label_criteria::CriteriaEditor;
use super::session;
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine, Pager, Table};
use crate::api::{self, ApiError};
use crate::i18n::registers as i18n;
use crate::router::{self, percent_encode};

const PATH: &str = "/admin/administration/labels";
const PER_PAGE: u64 = 20;

#[component]
pub fn LabelsPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.labels_title);
    let location = router::use_location();
    let chosen = Memo::new(move |_| location.with(|l| l.param("label").unwrap_or_default()));
    let page = ui::page_param();
    let version = RwSignal::new(0u32);
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    let labels = api::load(session::get::<LabelListResponse>("/api/v1/admin/labels"));

    let expiring: RwSignal<Option<Result<AdminLabelGrantListResponse, ApiError>>> =
        RwSignal::new(None);
    let of_label: RwSignal<Option<Result<AdminLabelGrantListResponse, ApiError>>> =
        RwSignal::new(None);
    Effect::new(move |_| {
        version.track();
        leptos::task::spawn_local(async move {
            let result = session::get::<AdminLabelGrantListResponse>(
                "/api/v1/admin/label-grants?per_page=50",
            )
            .await;
            let _ = expiring.try_set(Some(result));
        });
    });
    Effect::new(move |_| {
        version.track();
        let slug = chosen.get();
        if slug.is_empty() {
            of_label.set(None);
            return;
        }
        let url = format!(
            "/api/v1/admin/labels/{}/grants?page={}&per_page={PER_PAGE}",
            percent_encode(&slug),
            page.get()
        );
        leptos::task::spawn_local(async move {
            let result = session::get::<AdminLabelGrantListResponse>(&url).await;
            let _ = of_label.try_set(Some(result));
        });
    });

    let revoke = move |grant: AdminLabelGrantResponse| {
        let url = format!("/api/v1/admin/label-grants/{}", percent_encode(&grant.id));
        leptos::task::spawn_local(async move {
            match session::delete::<LabelGrantResponse>(&url).await {
                Ok(_) => {
                    feedback.set(Some(Feedback::Done((t.revoked_done)(
                        &grant.label_name,
                        &holder(&grant),
                    ))));
                    version.update(|v| *v += 1);
                }
                Err(error) => feedback.set(Some(Feedback::failed(&error))),
            }
        });
    };

    let invite = move |grant| invite_renewal(grant, feedback, version);
    let expiring_view = move || {
        match expiring.get() {
        None => ui::loading(),
        Some(Err(error)) => ui::alert(&error),
        Some(Ok(list)) if list.grants.is_empty() => view! { <p>{t.expiring_empty}</p> }.into_any(),
        Some(Ok(list)) => {
            view! { <GrantTable list=list caption=t.expiring_caption revoke=revoke invite=invite pager=None/> }
                .into_any()
        }
    }
    };
    let label_links = move || {
        match labels.get() {
        Some(Ok(list)) => list
            .labels
            .into_iter()
            .map(|l| {
                let href = router::with_query(PATH, &[("label", l.slug.as_str())]);
                let current = (chosen.get() == l.slug).then_some("page");
                view! {
                    <li><a href=href aria-current=current aria-label=(t.show_grants_of)(&l.name)>{l.name.clone()}</a></li>
                }
            })
            .collect_view()
            .into_any(),
        Some(Err(error)) => {
            view! { <li class="statut statut--erreur">{error.message()}</li> }.into_any()
        }
        None => ().into_any(),
    }
    };
    let of_label_view = move || {
        let slug = chosen.get();
        let label = labels.with(|l| match l {
            Some(Ok(list)) => list.labels.iter().find(|x| x.slug == slug).cloned(),
            _ => None,
        });
        match of_label.get() {
            None => ().into_any(),
            Some(Err(error)) => view! {
                <p class="statut statut--erreur" role="alert">{error.message()}</p>
            }
            .into_any(),
            Some(Ok(list)) => {
                let name = label.as_ref().map(|x| x.name.clone());
                let heading = (t.grants_of)(&name.unwrap_or(slug.clone()));
                let body = if list.grants.is_empty() {
                    view! { <p>{t.grants_empty}</p> }.into_any()
                } else {
                    let pager = Some((slug, list.page, list.per_page, list.total));
                    view! { <GrantTable list=list caption=t.grants_caption revoke=revoke invite=invite pager=pager/> }
                        .into_any()
                };
                view! {
                    <section aria-labelledby="label-attributions">
                        <h2 id="label-attributions">{heading}</h2>
                        {body}
                    </section>
                    {label.map(|label| view! { <CriteriaEditor label=label feedback=feedback/> })}
                }
                .into_any()
            }
        }
    };

    view! {
        <p><a href="/admin/administration">{crate::i18n::administration::t().title}</a></p>
        <h1>{t.labels_title}</h1>
        <p class="intro">{t.labels_intro}</p>
        <FeedbackLine feedback=feedback/>
        <section aria-labelledby="labels-echeance">
            <h2 id="labels-echeance">{t.expiring_title}</h2>
            {expiring_view}
        </section>
        <nav aria-label=t.labels_title>
            <ul class="console-rubriques">{label_links}</ul>
        </nav>
        {of_label_view}
        <GrantForm labels=labels feedback=feedback version=version/>
    }
}

/// « Inviter à renouveler »: queues the e-mail to the last applicant of the grant's holder.
fn invite_renewal(
    grant: AdminLabelGrantResponse,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) {
    let url = format!(
        "/api/v1/admin/label-grants/{}/renewal-invitation",
        percent_encode(&grant.id)
    );
    leptos::task::spawn_local(async move {
        let li = crate::i18n::labels::t();
        match session::post::<_, RenewalInvitationResponse>(&url, &()).await {
            Ok(_) => {
                feedback.set(Some(Feedback::Done((li.invited_done)(&holder(&grant)))));
                version.update(|v| *v += 1);
            }
            Err(error) => feedback.set(Some(Feedback::failed(&error))),
        }
    });
}

fn holder(grant: &AdminLabelGrantResponse) -> String {
    grant
        .holder_name
        .clone()
        .or_else(|| grant.actor_id.clone())
        .or_else(|| grant.initiative_id.clone())
        .unwrap_or_default()
}

#[component]
fn GrantTable(
    list: AdminLabelGrantListResponse,
    caption: fn(u64) -> String,
    revoke: impl Fn(AdminLabelGrantResponse) + Copy + Send + Sync + 'static,
    /// « Inviter à renouveler »: queues the e-mail to the holder's last applicant.
    invite: impl Fn(AdminLabelGrantResponse) + Copy + Send + Sync + 'static,
    /// Label slug, page, items per page and total, when the table pages.
    pager: Option<(String, u64, u64, u64)>,
) -> impl IntoView {
    let t = i18n::t();
    let rows = list
        .grants
        .into_iter()
        .map(|g| {
            let who = holder(&g);
            let state = if g.revoked {
                t.grant_revoked.to_owned()
            } else if g.expired {
                t.grant_expired.to_owned()
            } else {
                (t.days_left)(g.days_left)
            };
            let in_force = !g.revoked && !g.expired;
            let label = (t.revoke_of)(&g.label_name, &who);
            let li = crate::i18n::labels::t();
            let invite_label = (li.invite_of)(&who, &g.label_name);
            let invited = g
                .renewal_invited_at
                .as_deref()
                .map(|at| (li.invited_on)(&crate::format::date_text(at)));
            let can_invite = g.can_invite;
            let to_invite = g.clone();
            view! {
                <tr>
                    <th scope="row">{who.clone()}</th>
                    <td>{g.label_name.clone()}</td>
                    <td>{crate::format::date_text(&g.expires_on)}" ("{state}")"</td>
                    <td>
                        {invited.map(|text| view! { <span>{text}" "</span> })}
                        {can_invite.then(|| view! {
                            <button type="button" class="bouton bouton--discret" aria-label=invite_label
                                on:click=move |_| invite(to_invite.clone())>
                                {li.invite}
                            </button>
                        })}
                        {in_force.then(|| view! {
                            <button type="button" class="bouton bouton--discret" aria-label=label
                                on:click=move |_| revoke(g.clone())>
                                {t.revoke}
                            </button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Table
            caption={caption(list.total)}
            columns=vec![t.col_holder, t.col_label, t.col_expires, t.col_actions]
        >
            {rows}
        </Table>
        {pager.map(|(slug, page, per_page, total)| view! {
            <Pager path=PATH pairs=vec![("label", slug)] page=page per_page=per_page total=total/>
        })}
    }
}

#[component]
fn GrantForm(
    labels: api::Loaded<LabelListResponse>,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let label = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let found: RwSignal<Option<Vec<(String, String)>>> = RwSignal::new(None);
    let actor = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let errors = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let look_up = move |_| {
        let url = router::with_query(
            "/api/v1/actors",
            &[("q", search.get_untracked().trim()), ("per_page", "20")],
        );
        leptos::task::spawn_local(async move {
            match api::get::<ActorListResponse>(&url).await {
                Ok(list) => {
                    let actors: Vec<(String, String)> =
                        list.items.into_iter().map(|a| (a.id, a.name)).collect();
                    actor.set(actors.first().map(|a| a.0.clone()).unwrap_or_default());
                    found.set(Some(actors));
                }
                Err(error) => feedback.set(Some(Feedback::failed(&error))),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let slug = label.get_untracked();
        let mut local = std::collections::BTreeMap::new();
        if slug.is_empty() {
            local.insert("label".to_owned(), t.choose.to_owned());
        }
        if actor.get_untracked().is_empty() {
            local.insert("actor_id".to_owned(), t.no_actor_found.to_owned());
        }
        if !local.is_empty() {
            errors.set(local);
            return;
        }
        let body = GrantLabelRequest {
            actor_id: Some(actor.get_untracked()),
            initiative_id: None,
            expires_on: Some(until.get_untracked()),
        };
        let names = (
            labels.with_untracked(|l| match l {
                Some(Ok(list)) => list
                    .labels
                    .iter()
                    .find(|x| x.slug == slug)
                    .map(|x| x.name.clone()),
                _ => None,
            }),
            found.with_untracked(|f| {
                f.as_ref().and_then(|list| {
                    list.iter()
                        .find(|(id, _)| *id == actor.get_untracked())
                        .map(|(_, name)| name.clone())
                })
            }),
        );
        let url = format!("/api/v1/admin/labels/{}/grants", percent_encode(&slug));
        leptos::task::spawn_local(async move {
            match session::post::<_, LabelGrantResponse>(&url, &body).await {
                Ok(_) => {
                    errors.set(Default::default());
                    feedback.set(Some(Feedback::Done((t.granted)(
                        &names.0.unwrap_or(slug),
                        &names.1.unwrap_or_default(),
                    ))));
                    version.update(|v| *v += 1);
                }
                Err(error) => ui::refused(errors, feedback, &error),
            }
        });
    };
    let label_error = Signal::derive(move || errors.with(|e| e.get("label").cloned()));
    let actor_error = Signal::derive(move || errors.with(|e| e.get("actor_id").cloned()));
    view! {
        <section aria-labelledby="label-attribuer">
            <h2 id="label-attribuer">{t.grant_title}</h2>
            <form class="formulaire-console" novalidate on:submit=submit>
                <div class="champ">
                    <label for="label-choix">{t.field_label_choice}</label>
                    <crate::components::form::FieldError field_id="label-choix".to_owned() message=label_error/>
                    <select class="saisie" id="label-choix" on:change=move |ev| label.set(event_target_value(&ev))>
                        <option value="">{t.choose}</option>
                        {move || match labels.get() {
                            Some(Ok(list)) => list
                                .labels
                                .into_iter()
                                .map(|l| view! { <option value=l.slug.clone()>{l.name.clone()}</option> })
                                .collect_view()
                                .into_any(),
                            _ => ().into_any(),
                        }}
                    </select>
                </div>
                <div class="formulaire-console--ligne">
                    <TextField id="label-recherche" label=t.field_actor_search hint=t.field_actor_search_hint
                        value=search errors=errors field="q"/>
                    <div class="champ">
                        <button type="button" class="bouton" on:click=look_up>{t.search}</button>
                    </div>
                </div>
                {move || found.get().map(|actors| if actors.is_empty() {
                    view! { <p class="statut statut--erreur">{t.no_actor_found}</p> }.into_any()
                } else {
                    view! {
                        <div class="champ">
                            <label for="label-acteur">{t.field_actor}</label>
                            <crate::components::form::FieldError field_id="label-acteur".to_owned() message=actor_error/>
                            <select class="saisie" id="label-acteur" on:change=move |ev| actor.set(event_target_value(&ev))>
                                {actors
                                    .into_iter()
                                    .map(|(id, name)| {
                                        let selected = actor.get_untracked() == id;
                                        view! { <option value=id selected=selected>{name}</option> }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                    }
                    .into_any()
                })}
                <TextField id="label-echeance" label=t.field_expires_on kind="date" value=until
                    errors=errors field="expires_on"/>
                <div class="boutons">
                    <button type="submit" class="bouton bouton--plein">{t.grant_button}</button>
                </div>
            </form>
        </section>
    }
}
