//! `/admin/labels`: the actors' applications for labels (pending first by default, a
//! status filter), and `/admin/labels/{id}`: one application with the label's criteria
//! next to the answers, approved until a day or refused with a reason. The committee and
//! every role above it review (the API's rule).

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    ApproveLabelApplicationRequest, LabelApplicationListResponse, LabelApplicationResponse,
    RefuseLabelApplicationRequest,
};
use solidarites_domain::labels::{ApplicationStatus, REFUSAL_REASON_MAX};

use super::campaigns::TextField;
use super::session;
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine, Pager};
use crate::api::{self, ApiError};
use crate::components::form::{described_by, help_id, FieldError};
use crate::format::date_text;
use crate::i18n::labels as i18n;
use crate::router::{self, percent_encode};

const PATH: &str = "/admin/labels";
const PER_PAGE: u64 = 20;

#[component]
pub fn LabelApplicationsPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.list_title);
    let location = router::use_location();
    let status = Memo::new(move |_| {
        location.with(|l| l.param("statut").unwrap_or_else(|| "pending".to_owned()))
    });
    let page = ui::page_param();
    let list: api::Loaded<LabelApplicationListResponse> = RwSignal::new(None);
    Effect::new(move |_| {
        let url = format!(
            "/api/v1/admin/label-applications?status={}&page={}&per_page={PER_PAGE}",
            percent_encode(&status.get()),
            page.get()
        );
        leptos::task::spawn_local(async move {
            let result = session::get::<LabelApplicationListResponse>(&url).await;
            let _ = list.try_set(Some(result));
        });
    });
    let choose = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        router::replace_query(&router::build_query(&[("statut", value.as_str())]));
    };
    let options = ApplicationStatus::ALL
        .iter()
        .map(|s| (s.as_str(), (t.status_name)(s.as_str())))
        .chain([("all", t.filter_all)]);
    view! {
        <h1>{t.list_title}</h1>
        <p class="intro">{t.list_intro}</p>
        <div class="champ">
            <label for="candidatures-statut">{t.filter_status}</label>
            <select id="candidatures-statut" class="saisie" on:change=choose>
                {options.map(|(value, name)| view! {
                    <option value=value selected=move || status.get() == value>{name}</option>
                }).collect_view()}
            </select>
        </div>
        {move || match list.get() {
            None => ui::loading(),
            Some(Err(error)) => ui::alert(&error),
            Some(Ok(list)) if list.applications.is_empty() => view! { <p>{t.empty}</p> }.into_any(),
            Some(Ok(list)) => view! { <ApplicationTable list=list status=status.get()/> }.into_any(),
        }}
    }
}

#[component]
fn ApplicationTable(list: LabelApplicationListResponse, status: String) -> impl IntoView {
    let t = i18n::t();
    let rows = list
        .applications
        .into_iter()
        .map(|a| {
            let href = format!("{PATH}/{}", percent_encode(&a.id));
            let label = (t.examine_of)(&a.actor_name, &a.label_name);
            view! {
                <tr>
                    <th scope="row">{a.actor_name.clone()}</th>
                    <td>{a.label_name.clone()}</td>
                    <td>{date_text(&a.created_at)}</td>
                    <td>{(t.status_name)(&a.status)}</td>
                    <td><a href=href aria-label=label>{t.examine}</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="tableau-defilant">
            <table class="tableau">
                <caption>{(t.caption)(list.total)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.col_actor}</th>
                        <th scope="col">{t.col_label}</th>
                        <th scope="col">{t.col_sent}</th>
                        <th scope="col">{t.col_status}</th>
                        <th scope="col"><span class="visuellement-cache">{t.examine}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager path=PATH pairs=vec![("statut", status)] page=list.page per_page=list.per_page total=list.total/>
    }
}

/// `/admin/labels/{id}`.
#[component]
pub fn LabelApplicationPage(id: String) -> impl IntoView {
    let t = i18n::t();
    set_title(t.list_title);
    let url = format!("/api/v1/admin/label-applications/{}", percent_encode(&id));
    let loaded: api::Loaded<LabelApplicationResponse> =
        api::load(async move { session::get(&url).await });
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    view! {
        <p><a href=PATH>{t.back_to_list}</a></p>
        {move || match loaded.get() {
            None => ui::loading(),
            Some(Err(error)) => ui::alert(&error),
            Some(Ok(app)) => {
                set_title(&(t.detail_title)(&app.actor_name, &app.label_name));
                view! { <ApplicationDetail app=app loaded=loaded feedback=feedback/> }.into_any()
            }
        }}
    }
}

#[component]
fn ApplicationDetail(
    app: LabelApplicationResponse,
    loaded: api::Loaded<LabelApplicationResponse>,
    feedback: RwSignal<Option<Feedback>>,
) -> impl IntoView {
    let t = i18n::t();
    let pending = app.status == "pending";
    let grant = app.current_expires_on.as_deref().map_or_else(
        || t.no_current_grant.to_owned(),
        |d| (t.current_grant)(&date_text(d)),
    );
    view! {
        <h1>{(t.detail_title)(&app.actor_name, &app.label_name)}</h1>
        <FeedbackLine feedback=feedback/>
        <dl class="fiche">
            <dt>{t.row_status}</dt><dd><strong>{(t.status_name)(&app.status)}</strong></dd>
            <dt>{t.row_sent}</dt><dd>{date_text(&app.created_at)}</dd>
            {app.refusal_reason.clone().map(|r| view! { <dt>{t.row_reason}</dt><dd>{r}</dd> })}
            {app.granted_until.clone().map(|d| view! { <dt>{t.row_until}</dt><dd>{date_text(&d)}</dd> })}
            {app.attachment_url.clone().map(|u| view! {
                <dt>{t.row_attachment}</dt><dd><a href=u.clone() rel="noopener noreferrer">{u.clone()}</a></dd>
            })}
        </dl>
        <p>{grant}</p>
        <p>{(t.has_email)(app.has_email)}</p>
        <div class="tableau-defilant">
            <table class="tableau">
                <caption>{t.answers_caption}</caption>
                <thead><tr><th scope="col">{t.col_criterion}</th><th scope="col">{t.col_answer}</th></tr></thead>
                <tbody>
                    {app.answers.iter().map(|a| view! {
                        <tr><th scope="row">{a.criterion.clone()}</th><td>{a.answer.clone()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {pending.then(|| view! { <Decision id=app.id.clone() loaded=loaded feedback=feedback/> })}
    }
}

#[component]
fn Decision(
    id: String,
    loaded: api::Loaded<LabelApplicationResponse>,
    feedback: RwSignal<Option<Feedback>>,
) -> impl IntoView {
    let t = i18n::t();
    let until = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let base = format!("/api/v1/admin/label-applications/{}", percent_encode(&id));
    let done =
        move |result: Result<LabelApplicationResponse, ApiError>, message: String| match result {
            Ok(app) => {
                errors.set(BTreeMap::new());
                feedback.set(Some(Feedback::Done(message)));
                loaded.set(Some(Ok(app)));
            }
            Err(error) => ui::refused(errors, feedback, &error),
        };
    let approve_url = format!("{base}/approve");
    let approve = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let url = approve_url.clone();
        let day = until.get_untracked();
        let body = ApproveLabelApplicationRequest {
            expires_on: Some(day.clone()),
        };
        leptos::task::spawn_local(async move {
            let result = session::post(&url, &body).await;
            done(result, (t.approved_done)(&date_text(&day)));
        });
    };
    let refuse_url = format!("{base}/refuse");
    let refuse = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let url = refuse_url.clone();
        let body = RefuseLabelApplicationRequest {
            reason: Some(reason.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            let result = session::post(&url, &body).await;
            done(result, t.refused_done.to_owned());
        });
    };
    let reason_error = Signal::derive(move || errors.with(|e| e.get("reason").cloned()));
    view! {
        <h2>{t.decision_title}</h2>
        <form class="formulaire-console" novalidate on:submit=approve aria-labelledby="decision-approuver">
            <h3 id="decision-approuver">{t.approve_title}</h3>
            <TextField id="decision-expiration" label=t.field_expires_on hint=t.field_expires_on_hint
                kind="date" value=until errors=errors field="expires_on"/>
            <div class="boutons"><button type="submit" class="bouton bouton--plein">{t.approve}</button></div>
        </form>
        <form class="formulaire-console" novalidate on:submit=refuse aria-labelledby="decision-refuser">
            <h3 id="decision-refuser">{t.refuse_title}</h3>
            <div class="champ">
                <label for="decision-motif">{t.field_reason}</label>
                <p id=help_id("decision-motif") class="champ__aide">{t.field_reason_hint}</p>
                <FieldError field_id="decision-motif".to_owned() message=reason_error/>
                <textarea id="decision-motif" class="saisie" rows="4" maxlength=REFUSAL_REASON_MAX
                    aria-required="true"
                    aria-describedby=move || described_by("decision-motif", true, reason_error.with(Option::is_some))
                    aria-invalid=move || reason_error.with(Option::is_some).then_some("true")
                    prop:value=move || reason.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </div>
            <div class="boutons"><button type="submit" class="bouton">{t.refuse}</button></div>
        </form>
    }
}
