//! `/admin/campagnes`: the campaigns, paged by the server, with their status, dates,
//! questionnaire version and number of answers; a campaign created from a questionnaire;
//! "Activer une campagne de crise" (one step: created and opened now on the default
//! questionnaire, for thirty days); open now and close on each row.
//!
//! `/admin/campagnes/{id}`: one campaign, its dates (programmed from the page), and its
//! answers per channel, per day and per commune (bars with their table).
//!
//! Analysts read; moderators and administrators act (the API's 403 says so otherwise).

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    AdminCampaignListResponse, AdminCampaignResponse, CampaignCountsResponse, CommuneListResponse,
    CreateCampaignRequest, QuestionnaireListResponse, QuestionnaireResponse, UpdateCampaignRequest,
};

use super::session::{self, Session};
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine, Pager, Table};
use super::Role;
use crate::api::{self, ApiError};
use crate::components::form::{self, described_by, FieldError};
use crate::i18n::console::{self as i18n, channel_label};
use crate::router::percent_encode;

/// Campaigns per page.
const PER_PAGE: u64 = 20;

/// The console path of a campaign.
pub fn campaign_path(id: &str) -> String {
    format!("/admin/campagnes/{}", percent_encode(id))
}

/// French status of a campaign (an open campaign whose opening is to come is "programmed").
pub fn status_label(c: &AdminCampaignResponse) -> &'static str {
    let t = i18n::t();
    match c.campaign.status.as_str() {
        "open" if c.campaign.accepting_answers => t.status_open,
        "open" => t.status_open_not_yet,
        "closed" => t.status_closed,
        _ => t.status_draft,
    }
}

/// Every questionnaire (one page of 100: a territory has a handful).
async fn questionnaires() -> Result<Vec<QuestionnaireResponse>, ApiError> {
    let list: QuestionnaireListResponse =
        session::get("/api/v1/admin/questionnaires?per_page=100").await?;
    Ok(list.questionnaires)
}

/// A campaign by id (`GET /api/v1/admin/campaigns/{id}`); `None` when it does not exist.
pub async fn find_campaign(id: &str) -> Result<Option<AdminCampaignResponse>, ApiError> {
    let url = format!("/api/v1/admin/campaigns/{}", percent_encode(id));
    match session::get::<AdminCampaignResponse>(&url).await {
        Ok(found) => Ok(Some(found)),
        Err(ApiError::Http { status: 404, .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

fn can_act() -> bool {
    use_context::<Session>()
        .or_else(session::current)
        .is_some_and(|s| s.role() >= Role::Moderator)
}

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.campaigns_title);
    let page = ui::page_param();
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    let version = RwSignal::new(0u32);
    let list: RwSignal<Option<Result<AdminCampaignListResponse, ApiError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        version.track();
        let url = format!(
            "/api/v1/admin/campaigns?page={}&per_page={PER_PAGE}",
            page.get()
        );
        leptos::task::spawn_local(async move {
            let result = session::get::<AdminCampaignListResponse>(&url).await;
            let _ = list.try_set(Some(result));
        });
    });
    let questionnaires = api::load(questionnaires());
    let acting = can_act();
    let titles = Memo::new(move |_| {
        questionnaires.with(|q| match q {
            Some(Ok(q)) => q
                .iter()
                .map(|q| (q.id.clone(), q.title.clone()))
                .collect::<BTreeMap<_, _>>(),
            _ => BTreeMap::new(),
        })
    });

    view! {
        <h1>{t.campaigns_title}</h1>
        <p class="intro">{t.campaigns_intro}</p>
        <FeedbackLine feedback=feedback/>
        {acting.then(|| view! { <Crisis questionnaires=questionnaires feedback=feedback version=version/> })}
        {move || match list.get() {
            None => ui::loading(),
            Some(Err(error)) => ui::alert(&error),
            Some(Ok(list)) => view! {
                <CampaignTable list=list titles=titles acting=acting feedback=feedback version=version/>
            }
            .into_any(),
        }}
        {acting.then(|| view! { <CreateCampaign questionnaires=questionnaires feedback=feedback version=version/> })}
    }
}

/// "Activer une campagne de crise": created open, from now, on the default questionnaire
/// (the first one stored, the template installed at first start).
#[component]
fn Crisis(
    questionnaires: api::Loaded<Vec<QuestionnaireResponse>>,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let busy = RwSignal::new(false);
    let activate = move |_| {
        if busy.get_untracked() {
            return;
        }
        let default = questionnaires.with_untracked(|q| match q {
            Some(Ok(list)) => list
                .iter()
                .min_by(|a, b| a.created_at.cmp(&b.created_at))
                .map(|q| q.id.clone()),
            _ => None,
        });
        let Some(questionnaire_id) = default else {
            feedback.set(Some(Feedback::Failed(t.crisis_no_questionnaire.to_owned())));
            return;
        };
        let now = ui::instant_in_days(0.0);
        let title = (t.crisis_name)(&ui::date_time(&now));
        let body = CreateCampaignRequest {
            title,
            description: t.crisis_description.to_owned(),
            questionnaire_id,
            opens_at: now,
            closes_at: ui::instant_in_days(30.0),
            status: Some("open".to_owned()),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result =
                session::post::<_, AdminCampaignResponse>("/api/v1/admin/campaigns", &body).await;
            busy.set(false);
            match result {
                Ok(c) => {
                    feedback.set(Some(Feedback::Done((t.crisis_done)(&c.campaign.title))));
                    version.update(|v| *v += 1);
                }
                Err(error) => feedback.set(Some(Feedback::failed(&error))),
            }
        });
    };
    view! {
        <section class="encadre-crise" aria-labelledby="crise-titre">
            <h2 id="crise-titre">{t.crisis_title}</h2>
            <p>{t.crisis_text}</p>
            <button
                type="button"
                class="bouton bouton--plein"
                aria-disabled=move || busy.get().then_some("true")
                on:click=activate
            >
                {t.crisis_button}
            </button>
        </section>
    }
}

#[component]
fn CampaignTable(
    list: AdminCampaignListResponse,
    titles: Memo<BTreeMap<String, String>>,
    acting: bool,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    if list.campaigns.is_empty() {
        return view! { <p>{t.list_empty}</p> }.into_any();
    }
    let rows = list
        .campaigns
        .into_iter()
        .map(|c| {
            let id = c.campaign.id.clone();
            let title = c.campaign.title.clone();
            let counts = api::load({
                let url = format!("/api/v1/admin/campaigns/{}/counts", percent_encode(&id));
                async move { session::get::<CampaignCountsResponse>(&url).await }
            });
            let questionnaire_id = c.questionnaire_id.clone();
            let version_no = c.version;
            let questionnaire = move || {
                let title = titles
                    .with(|m| m.get(&questionnaire_id).cloned())
                    .unwrap_or_default();
                (t.version)(&title, version_no)
            };
            let actions = acting.then(|| {
                view! {
                    <CampaignActions campaign=c.clone() feedback=feedback version=version/>
                }
            });
            view! {
                <tr>
                    <th scope="row"><a href=campaign_path(&id)>{title}</a></th>
                    <td>{status_label(&c)}</td>
                    <td>
                        {(t.dates_from_to)(
                            &ui::date_time(&c.campaign.opens_at),
                            &ui::date_time(&c.campaign.closes_at),
                        )}
                    </td>
                    <td>{questionnaire}</td>
                    <td class="nombre">
                        {move || match counts.get() {
                            Some(Ok(counts)) => crate::format::count(counts.total),
                            Some(Err(_)) => "—".to_owned(),
                            None => "…".to_owned(),
                        }}
                    </td>
                    {acting.then(|| view! { <td>{actions}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <Table
            caption={(t.list_caption)(list.total)}
            columns={[t.col_campaign, t.col_status, t.col_dates, t.col_questionnaire, t.col_answers].into_iter().chain(acting.then_some(t.col_actions)).collect::<Vec<_>>()}
        >
            {rows}
        </Table>
        <Pager
            path="/admin/campagnes"
            pairs=vec![]
            page=list.page
            per_page=list.per_page
            total=list.total
        />
    }
    .into_any()
}

/// "Ouvrir maintenant" (unless open and accepting) and "Clôturer" (unless closed).
#[component]
fn CampaignActions(
    campaign: AdminCampaignResponse,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let id = StoredValue::new(campaign.campaign.id.clone());
    let title = StoredValue::new(campaign.campaign.title.clone());
    let act = move |action: &'static str| {
        let url = format!(
            "/api/v1/admin/campaigns/{}/{action}",
            percent_encode(&id.get_value())
        );
        leptos::task::spawn_local(async move {
            let result =
                session::post::<_, AdminCampaignResponse>(&url, &serde_json::json!({})).await;
            match result {
                Ok(c) => {
                    let message = if action == "close" {
                        (t.closed)(&c.campaign.title)
                    } else {
                        (t.opened)(&c.campaign.title)
                    };
                    feedback.set(Some(Feedback::Done(message)));
                    version.update(|v| *v += 1);
                }
                Err(error) => feedback.set(Some(Feedback::failed(&error))),
            }
        });
    };
    // The button of `action`, named with the campaign's title for screen readers.
    let button = move |action: &'static str, text: &'static str, named: fn(&str) -> String| {
        view! {
            <button
                type="button"
                class="bouton bouton--discret"
                aria-label=named(&title.get_value())
                on:click=move |_| act(action)
            >
                {text}
            </button>
        }
    };
    let can_open = !campaign.campaign.accepting_answers;
    let can_close = campaign.campaign.status != "closed";
    view! {
        <div class="boutons boutons--serres">
            {can_open.then(|| button("open-now", t.open_now, t.open_now_of))}
            {can_close.then(|| button("close", t.close, t.close_of))}
        </div>
    }
}

/// A text field of a console form with its label, hint and the API's error under it: the
/// form kit's field, without the « (facultatif) » mark, its error read from `errors`.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<BTreeMap<String, String>>,
    /// The API's name of the field.
    field: &'static str,
) -> impl IntoView {
    let error = form::field_error(errors, field);
    match hint {
        Some(hint) => view! {
            <form::TextField id=id label=label hint=hint kind=kind value=value error=error mark=false/>
        }
        .into_any(),
        None => view! {
            <form::TextField id=id label=label kind=kind value=value error=error mark=false/>
        }
        .into_any(),
    }
}

#[component]
fn CreateCampaign(
    questionnaires: api::Loaded<Vec<QuestionnaireResponse>>,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let questionnaire = RwSignal::new(String::new());
    let opens = RwSignal::new(ui::local_of_instant(&ui::instant_in_days(0.0)));
    let closes = RwSignal::new(ui::local_of_instant(&ui::instant_in_days(30.0)));
    let open = RwSignal::new(false);
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let body = CreateCampaignRequest {
            title: title.get_untracked(),
            description: description.get_untracked(),
            questionnaire_id: questionnaire.get_untracked(),
            opens_at: ui::instant_of_local(&opens.get_untracked()).unwrap_or_default(),
            closes_at: ui::instant_of_local(&closes.get_untracked()).unwrap_or_default(),
            status: Some(
                if open.get_untracked() {
                    "open"
                } else {
                    "draft"
                }
                .to_owned(),
            ),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result =
                session::post::<_, AdminCampaignResponse>("/api/v1/admin/campaigns", &body).await;
            busy.set(false);
            match result {
                Ok(c) => {
                    errors.set(BTreeMap::new());
                    title.set(String::new());
                    description.set(String::new());
                    feedback.set(Some(Feedback::Done((t.created)(&c.campaign.title))));
                    version.update(|v| *v += 1);
                }
                Err(error) => ui::refused(errors, feedback, &error),
            }
        });
    };
    let q_error = Signal::derive(move || errors.with(|e| e.get("questionnaire_id").cloned()));
    view! {
        <section aria-labelledby="creer-titre">
            <h2 id="creer-titre">{t.create_title}</h2>
            <form class="formulaire-console" novalidate on:submit=submit>
                <TextField id="campagne-titre" label=t.field_title value=title errors=errors field="title"/>
                <TextField
                    id="campagne-description"
                    label=t.field_description
                    value=description
                    errors=errors
                    field="description"
                />
                <div class="champ">
                    <label for="campagne-questionnaire">{t.field_questionnaire}</label>
                    <FieldError field_id="campagne-questionnaire".to_owned() message=q_error/>
                    <select class="saisie"
                        id="campagne-questionnaire"
                        on:change=move |ev| questionnaire.set(event_target_value(&ev))
                        aria-describedby=move || described_by("campagne-questionnaire", false, q_error.with(Option::is_some))
                        aria-invalid=move || q_error.with(Option::is_some).then_some("true")
                    >
                        <option value="">{i18n::t().assisted_choose}</option>
                        {move || match questionnaires.get() {
                            Some(Ok(list)) => list
                                .into_iter()
                                .map(|q| {
                                    let label = (t.version)(&q.title, q.latest.version);
                                    view! { <option value=q.id>{label}</option> }
                                })
                                .collect_view()
                                .into_any(),
                            _ => ().into_any(),
                        }}
                    </select>
                </div>
                <TextField
                    id="campagne-ouverture"
                    label=t.field_opens
                    hint=t.dates_hint
                    kind="datetime-local"
                    value=opens
                    errors=errors
                    field="opens_at"
                />
                <TextField
                    id="campagne-cloture"
                    label=t.field_closes
                    kind="datetime-local"
                    value=closes
                    errors=errors
                    field="closes_at"
                />
                <div class="champ champ--case">
                    <input
                        id="campagne-ouvrir"
                        type="checkbox"
                        prop:checked=move || open.get()
                        on:change=move |ev| open.set(event_target_checked(&ev))
                    />
                    <label for="campagne-ouvrir">{t.field_open_status}</label>
                </div>
                <div class="boutons">
                    <button
                        type="submit"
                        class="bouton bouton--plein"
                        aria-disabled=move || busy.get().then_some("true")
                    >
                        {move || if busy.get() { t.working } else { t.create_button }}
                    </button>
                </div>
            </form>
        </section>
    }
}

/// `/admin/campagnes/{id}`.
#[component]
pub fn CampaignPage(id: String) -> impl IntoView {
    let t = i18n::t();
    set_title(t.campaigns_title);
    let version = RwSignal::new(0u32);
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    let campaign: RwSignal<Option<Result<Option<AdminCampaignResponse>, ApiError>>> =
        RwSignal::new(None);
    let counts: RwSignal<Option<Result<CampaignCountsResponse, ApiError>>> = RwSignal::new(None);
    let id = StoredValue::new(id);
    Effect::new(move |_| {
        version.track();
        let id = id.get_value();
        leptos::task::spawn_local(async move {
            let found = find_campaign(&id).await;
            if let Ok(Some(c)) = &found {
                set_title(&c.campaign.title);
            }
            let _ = campaign.try_set(Some(found));
            let url = format!("/api/v1/admin/campaigns/{}/counts", percent_encode(&id));
            let result = session::get::<CampaignCountsResponse>(&url).await;
            let _ = counts.try_set(Some(result));
        });
    });
    let communes = api::load(api::get::<CommuneListResponse>("/api/v1/communes"));
    let acting = can_act();
    move || {
        match campaign.get() {
        None => view! {
            <h1>{t.campaigns_title}</h1>
            <p class="statut statut--attente">{crate::i18n::common::t().loading}</p>
        }
        .into_any(),
        Some(Err(error)) => view! {
            <h1>{t.campaigns_title}</h1>
            <p class="statut statut--erreur" role="alert">{error.message()}</p>
        }
        .into_any(),
        Some(Ok(None)) => view! {
            <h1>{t.campaigns_title}</h1>
            <p>{t.campaign_not_found}</p>
            <p><a href="/admin/campagnes">{t.back_to_list}</a></p>
        }
        .into_any(),
        Some(Ok(Some(c))) => view! {
            <p><a href="/admin/campagnes">{t.back_to_list}</a></p>
            <h1>{c.campaign.title.clone()}</h1>
            <p class="intro">{c.campaign.description.clone()}</p>
            <dl class="fiche">
                <dt>{t.col_status}</dt>
                <dd id="campagne-statut">{status_label(&c)}</dd>
                <dt>{t.col_dates}</dt>
                <dd>
                    {(t.dates_from_to)(
                        &ui::date_time(&c.campaign.opens_at),
                        &ui::date_time(&c.campaign.closes_at),
                    )}
                </dd>
                <dt>{t.col_questionnaire}</dt>
                <dd>{format!("version {}", c.version)}</dd>
            </dl>
            <FeedbackLine feedback=feedback/>
            {(acting && c.campaign.accepting_answers).then(|| {
                let href = crate::router::with_query("/admin/saisie", &[("campagne", &c.campaign.id)]);
                view! { <p><a href=href>{t.enter_answers}</a></p> }
            })}
            {acting.then(|| view! {
                <CampaignActions campaign=c.clone() feedback=feedback version=version/>
                <Schedule campaign=c.clone() feedback=feedback version=version/>
            })}
            <Counts counts=counts communes=communes/>
        }
        .into_any(),
    }
    }
}

/// Dates of the campaign, saved with the status "open": it accepts answers from the
/// opening on.
#[component]
fn Schedule(
    campaign: AdminCampaignResponse,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let opens = RwSignal::new(ui::local_of_instant(&campaign.campaign.opens_at));
    let closes = RwSignal::new(ui::local_of_instant(&campaign.campaign.closes_at));
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let id = StoredValue::new(campaign.campaign.id.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = UpdateCampaignRequest {
            opens_at: Some(ui::instant_of_local(&opens.get_untracked()).unwrap_or_default()),
            closes_at: Some(ui::instant_of_local(&closes.get_untracked()).unwrap_or_default()),
            status: Some("open".to_owned()),
            ..UpdateCampaignRequest::default()
        };
        let url = format!(
            "/api/v1/admin/campaigns/{}",
            percent_encode(&id.get_value())
        );
        leptos::task::spawn_local(async move {
            match session::patch::<_, AdminCampaignResponse>(&url, &body).await {
                Ok(c) => {
                    errors.set(BTreeMap::new());
                    feedback.set(Some(Feedback::Done((t.scheduled)(&c.campaign.title))));
                    version.update(|v| *v += 1);
                }
                Err(error) => ui::refused(errors, feedback, &error),
            }
        });
    };
    view! {
        <section aria-labelledby="programmer-titre">
            <h2 id="programmer-titre">{t.schedule_title}</h2>
            <form class="formulaire-console formulaire-console--ligne" novalidate on:submit=submit>
                <TextField
                    id="programmer-ouverture"
                    label=t.field_opens
                    hint=t.dates_hint
                    kind="datetime-local"
                    value=opens
                    errors=errors
                    field="opens_at"
                />
                <TextField
                    id="programmer-cloture"
                    label=t.field_closes
                    kind="datetime-local"
                    value=closes
                    errors=errors
                    field="closes_at"
                />
                <div class="boutons">
                    <button type="submit" class="bouton">{t.schedule_button}</button>
                </div>
            </form>
        </section>
    }
}

/// A table whose count column carries a bar: the numbers are the text alternative.
fn bar_table(
    id: &'static str,
    caption: &'static str,
    head: &'static str,
    detail_head: Option<&'static str>,
    rows: Vec<(String, u64, Option<String>)>,
) -> impl IntoView {
    let t = i18n::t();
    let max = rows.iter().map(|(_, n, _)| *n).max().unwrap_or(0).max(1);
    let body = rows
        .into_iter()
        .map(|(label, n, detail)| {
            // Whole percent steps: the width is only a picture of the number beside it.
            let width = format!("width: {}%", n.saturating_mul(100) / max);
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    <td class="nombre">{crate::format::count(n)}</td>
                    <td class="barre-cellule" aria-hidden="true">
                        <span class="barre" style=width></span>
                    </td>
                    {detail.map(|d| view! { <td>{d}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="tableau tableau--barres" id=id>
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">{head}</th>
                    <th scope="col">{t.col_count}</th>
                    <td aria-hidden="true"></td>
                    {detail_head.map(|h| view! { <th scope="col">{h}</th> })}
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
}

#[component]
fn Counts(
    counts: RwSignal<Option<Result<CampaignCountsResponse, ApiError>>>,
    communes: api::Loaded<CommuneListResponse>,
) -> impl IntoView {
    let t = i18n::t();
    let body = move || match counts.get() {
        None => view! { <p class="statut statut--attente">{crate::i18n::common::t().loading}</p> }
            .into_any(),
        Some(Err(error)) => {
            view! { <p class="statut statut--erreur">{error.message()}</p> }.into_any()
        }
        Some(Ok(counts)) => {
            let total = view! { <p id="reponses-total">{(t.counts_total)(counts.total)}</p> };
            if counts.total == 0 {
                return total.into_any();
            }
            let channels: Vec<(String, u64, Option<String>)> = counts
                .by_channel
                .iter()
                .map(|(channel, n)| (channel_label(channel), *n, None))
                .collect();
            let days: Vec<(String, u64, Option<String>)> = counts
                .by_day
                .iter()
                .map(|day| {
                    let detail = day
                        .by_channel
                        .iter()
                        .map(|(c, n)| format!("{}\u{a0}: {n}", channel_label(c)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    (crate::format::date_text(&day.date), day.total, Some(detail))
                })
                .collect();
            let names: BTreeMap<String, String> = communes.with(|c| match c {
                Some(Ok(list)) => list
                    .communes
                    .iter()
                    .map(|c| (c.code.clone(), c.name.clone()))
                    .collect(),
                _ => BTreeMap::new(),
            });
            let by_commune: Vec<(String, u64, Option<String>)> = counts
                .by_commune
                .iter()
                .map(|(code, n)| {
                    let name = names.get(code).cloned().unwrap_or_else(|| code.clone());
                    (name, *n, None)
                })
                .collect();
            view! {
                {total}
                {bar_table("par-canal", t.by_channel_title, t.col_channel, None, channels)}
                {bar_table("par-jour", t.by_day_title, t.col_day, Some(t.by_channel_title), days)}
                {bar_table("par-commune", t.by_commune_title, t.col_commune, None, by_commune)}
            }
            .into_any()
        }
    };
    view! {
        <section aria-labelledby="reponses-titre">
            <h2 id="reponses-titre">{t.counts_title}</h2>
            {body}
        </section>
    }
}
