//! The needs questionnaire: any questionnaire definition, one section per step with a
//! progress indicator, conditional questions appearing and disappearing as people answer,
//! errors next to the fields (the domain's own rules, as the server checks them), a review
//! step, the optional volunteer step, and a thank-you page. Answers in progress are kept
//! on the device (`localStorage`) until they are sent.

mod draft;
pub(crate) mod fields;
pub(crate) mod logic;
mod volunteer;
mod whole;

pub(crate) use whole::{first_field_id, WholeQuestionnaire};

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    CampaignDetailResponse, CampaignListResponse, CampaignSummary, RespondentCommune,
    SubmitResponseRequest, SubmitResponseResponse,
};
use solidarites_domain::questionnaire::QuestionnaireDefinition;

use crate::api;
use crate::app::set_page_title;
use crate::browser;
use crate::components::commune::CommunePicker;
use crate::components::form::{
    described_by, help_id, AppForm, ErrorSummary, FieldError, SubmitButton, SummaryItem, SUMMARY_ID,
};
use crate::i18n::{common, offline as offline_i18n, questionnaire};
use crate::offline::{self, PendingAnswers, QueuedAnswer, PUBLIC_OWNER};
use crate::router::{percent_encode, Route};
use draft::{Draft, Step};
use fields::{visible_questions, Form};
use logic::{field_id, FALLBACK_COMMUNE};

/// `id` of each step's heading, focused when the step changes.
const STEP_HEADING_ID: &str = "etape-titre";

#[component]
pub fn QuestionnairePage(campaign_id: Option<String>) -> impl IntoView {
    set_page_title(questionnaire::t().title);
    match campaign_id {
        Some(id) => view! { <CampaignLoader id=id/> }.into_any(),
        None => view! { <CampaignChooser/> }.into_any(),
    }
}

/// `/questionnaire`: the open campaign, or the list when several are open.
#[component]
fn CampaignChooser() -> impl IntoView {
    let t = questionnaire::t();
    let campaigns = api::load(api::get::<CampaignListResponse>("/api/v1/campaigns"));
    move || match campaigns.get() {
        None => loading().into_any(),
        Some(Err(error)) => failure(error.message()).into_any(),
        Some(Ok(list)) => match list.campaigns.as_slice() {
            [] => view! {
                <h1>{t.title}</h1>
                <p>{t.none_open}</p>
                <PublicPending/>
            }
            .into_any(),
            [only] => view! { <CampaignLoader id=only.id.clone()/> }.into_any(),
            several => view! {
                <h1>{t.choose_title}</h1>
                <p>{t.choose_intro}</p>
                <PublicPending/>
                <ul class="cartes">
                    {several
                        .iter()
                        .map(|c| {
                            let href = Route::Questionnaire(Some(c.id.clone())).path();
                            view! {
                                <li class="carte-info">
                                    <h2><a href=href>{c.title.clone()}</a></h2>
                                    <p>{c.description.clone()}</p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any(),
        },
    }
}

fn loading() -> impl IntoView {
    view! {
        <h1>{questionnaire::t().title}</h1>
        <p class="texte-doux" role="status">{common::t().loading}</p>
    }
}

fn failure(message: String) -> impl IntoView {
    view! {
        <h1>{questionnaire::t().title}</h1>
        <p class="statut statut--erreur" role="alert">{message}</p>
    }
}

/// `/questionnaire/{id}`: loads the campaign and its questionnaire.
#[component]
fn CampaignLoader(id: String) -> impl IntoView {
    let url = format!("/api/v1/campaigns/{}", percent_encode(&id));
    let detail = api::load(async move { api::get::<CampaignDetailResponse>(&url).await });
    move || match detail.get() {
        None => loading().into_any(),
        Some(Err(error)) => failure(error.message()).into_any(),
        Some(Ok(detail)) => {
            match serde_json::from_value::<QuestionnaireDefinition>(detail.definition) {
                Ok(definition) => view! {
                    <QuestionnaireForm
                        campaign=detail.campaign
                        version_id=detail.questionnaire_version_id
                        definition=definition
                    />
                }
                .into_any(),
                Err(_) => failure(common::t().error_body.to_owned()).into_any(),
            }
        }
    }
}

/// The resident's answers waiting on this device (none for most people: then nothing).
#[component]
fn PublicPending() -> impl IntoView {
    view! { <PendingAnswers owner=PUBLIC_OWNER.to_owned() csrf=Signal::derive(String::new)/> }
}

/// Moves to `step`: back to the top, focus on the step's heading.
fn show_step(step: RwSignal<Step>, to: Step) {
    step.set(to);
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
    browser::after_render(|| browser::focus_id(STEP_HEADING_ID));
}

/// The state of one questionnaire being answered, beyond its answers: the step, the
/// sending, and what the steps after the answers need.
#[derive(Clone, Copy)]
struct Flow {
    form: Form,
    step: RwSignal<Step>,
    /// The sections with a visible question, in order.
    steps: Memo<Vec<usize>>,
    pending: RwSignal<bool>,
    submit_error: RwSignal<Option<String>>,
    /// Drawn when the review shows, kept across retries of the same answer.
    idempotency_key: StoredValue<Option<String>>,
    /// What the volunteer form starts with: the commune of the answers.
    answered_commune: RwSignal<Option<(String, String)>>,
    /// Whether the answers were restored from the device.
    restored: RwSignal<bool>,
    has_commune_question: bool,
    campaign_id: StoredValue<String>,
    campaign_title: StoredValue<String>,
    version: StoredValue<String>,
    summary: Signal<Vec<SummaryItem>>,
}

impl Flow {
    /// Checks the current section; moves to the next one with a visible question, or to
    /// the review.
    fn next(self) {
        let Step::Section(current) = self.step.get_untracked() else {
            return;
        };
        let form = self.form;
        let errors = form.answers.with_untracked(|a| {
            form.texts.with_untracked(|texts| {
                form.definition
                    .with_value(|d| logic::errors(d, a, texts, Some(current)))
            })
        });
        let has_errors = !errors.is_empty();
        form.errors.set(errors);
        if has_errors {
            browser::after_render(|| browser::focus_id(SUMMARY_ID));
            return;
        }
        let next = self
            .steps
            .get_untracked()
            .into_iter()
            .find(|&s| s > current)
            .map_or(Step::Review, Step::Section);
        if next == Step::Review {
            self.idempotency_key.set_value(browser::random_id());
        }
        show_step(self.step, next);
    }

    fn previous(self) {
        let steps = self.steps.get_untracked();
        let previous = match self.step.get_untracked() {
            Step::Section(current) => steps.into_iter().rev().find(|&s| s < current),
            Step::Review => steps.last().copied(),
            _ => None,
        };
        if let Some(previous) = previous {
            self.form.errors.set(BTreeMap::new());
            show_step(self.step, Step::Section(previous));
        }
    }

    /// Forgets the answers kept on the device and starts again.
    fn start_over(self) {
        self.campaign_id.with_value(|id| draft::clear(id));
        self.form.answers.set(BTreeMap::new());
        self.form.texts.set(BTreeMap::new());
        self.form.errors.set(BTreeMap::new());
        self.restored.set(false);
        show_step(self.step, Step::Section(0));
    }

    /// Checks every answer, then sends them (or keeps them on the device when offline).
    fn submit(self) {
        if self.pending.get_untracked() {
            return; // a second click while the first is on its way
        }
        self.submit_error.set(None);
        let form = self.form;
        let body = match checked_request(form, self.has_commune_question, None) {
            Ok(body) => body,
            Err(errors) => {
                show_errors(form, self.step, errors);
                return;
            }
        };
        self.pending.set(true);
        let key = self.idempotency_key.get_value().or_else(browser::random_id);
        self.idempotency_key.set_value(key.clone());
        let (answers, texts) = (form.answers.get_untracked(), form.texts.get_untracked());
        let commune = form.definition.with_value(|d| {
            let qid = d
                .commune_question_ids()
                .into_iter()
                .next()
                .unwrap_or_else(|| FALLBACK_COMMUNE.to_owned());
            let code = answers.get(&qid).and_then(|v| v.as_str())?.to_owned();
            Some((code, texts.get(&qid).cloned().unwrap_or_default()))
        });
        leptos::task::spawn_local(self.send(body, key, commune));
    }

    async fn send(
        self,
        body: SubmitResponseRequest,
        key: Option<String>,
        commune: Option<(String, String)>,
    ) {
        let campaign_id = self.campaign_id.get_value();
        let url = format!(
            "/api/v1/campaigns/{}/responses",
            percent_encode(&campaign_id)
        );
        let headers: Vec<(&str, &str)> = key
            .as_deref()
            .map(|k| ("Idempotency-Key", k))
            .into_iter()
            .collect();
        let result = api::post::<_, SubmitResponseResponse>(&url, &body, &headers).await;
        if matches!(result, Err(api::ApiError::Network)) {
            self.keep_offline(url, body, key).await;
            return;
        }
        self.pending.set(false);
        match result {
            Ok(_) => {
                draft::clear(&campaign_id);
                self.answered_commune.set(commune);
                self.restored.set(false);
                show_step(self.step, Step::Volunteer);
            }
            Err(error) if !error.fields().is_empty() => {
                show_errors(self.form, self.step, error.fields());
            }
            Err(error) => self.submit_error.set(Some(error.message())),
        }
    }

    /// No connection: the answer is kept on the device, sent when it returns.
    async fn keep_offline(self, url: String, body: SubmitResponseRequest, key: Option<String>) {
        let campaign_id = self.campaign_id.get_value();
        let queued = QueuedAnswer {
            id: key.unwrap_or_default(),
            owner: PUBLIC_OWNER.to_owned(),
            url,
            campaign_id: campaign_id.clone(),
            campaign_title: self.campaign_title.get_value(),
            version_id: self.version.get_value(),
            channel: None,
            body,
            queued_at: String::new(),
            state: String::new(),
            message: String::new(),
        };
        let kept = !queued.id.is_empty() && offline::enqueue(queued).await;
        self.pending.set(false);
        if kept {
            draft::clear(&campaign_id);
            self.restored.set(false);
            show_step(self.step, Step::Queued);
        } else {
            let message = offline_i18n::t().queued_no_storage.to_owned();
            self.submit_error.set(Some(message));
        }
    }

    /// « Étape k sur n »: the sections with a visible question, then the review.
    fn progress(self) -> (usize, usize) {
        let steps = self.steps.get();
        let total = steps.len() + 1;
        let current = match self.step.get() {
            Step::Section(i) => steps.iter().position(|&s| s == i).map_or(1, |p| p + 1),
            _ => total,
        };
        (current, total)
    }
}

#[component]
fn QuestionnaireForm(
    campaign: CampaignSummary,
    version_id: String,
    definition: QuestionnaireDefinition,
) -> impl IntoView {
    let t = questionnaire::t();
    set_page_title(&campaign.title);
    if !campaign.accepting_answers {
        return view! {
            <h1>{campaign.title}</h1>
            <p>{t.closed}</p>
            <PublicPending/>
        }
        .into_any();
    }
    let restored_draft = draft::load(&campaign.id, &version_id);
    let restored = RwSignal::new(restored_draft.is_some());
    let (answers, texts, first_step) = match restored_draft {
        Some(d) => (d.answers, d.texts, d.step),
        None => (BTreeMap::new(), BTreeMap::new(), Step::Section(0)),
    };
    let has_commune_question = !definition.commune_question_ids().is_empty();
    let description = StoredValue::new(definition.description.clone());
    let form = Form {
        definition: StoredValue::new(definition),
        answers: RwSignal::new(answers),
        texts: RwSignal::new(texts),
        errors: RwSignal::new(BTreeMap::new()),
    };
    let step = RwSignal::new(first_step);
    let flow = Flow {
        form,
        step,
        steps: Memo::new(move |_| {
            form.answers
                .with(|a| form.definition.with_value(|d| logic::steps(d, a)))
        }),
        pending: RwSignal::new(false),
        submit_error: RwSignal::new(None),
        idempotency_key: StoredValue::new(None),
        answered_commune: RwSignal::new(None),
        restored,
        has_commune_question,
        campaign_id: StoredValue::new(campaign.id.clone()),
        campaign_title: StoredValue::new(campaign.title.clone()),
        version: StoredValue::new(version_id.clone()),
        summary: Signal::derive(move || summary_items(form)),
    };

    // Keep the answers in progress on the device.
    Effect::new(move |_| {
        let step = step.get();
        if matches!(step, Step::Section(_) | Step::Review) {
            let draft = Draft {
                version_id: version_id.clone(),
                answers: form.answers.get(),
                texts: form.texts.get(),
                step,
            };
            flow.campaign_id.with_value(|id| draft::save(id, &draft));
        }
    });

    let in_progress = move || matches!(step.get(), Step::Section(_) | Step::Review);
    let on_first_step = move || match step.get() {
        Step::Section(index) => flow
            .steps
            .with(|s| s.first().is_none_or(|&first| first == index)),
        _ => false,
    };
    view! {
        <h1>{campaign.title}</h1>
        <PublicPending/>
        <Show when=in_progress>
            // The introduction on the first step only: on a phone the questions of the
            // next steps start within the first screen.
            <Show when=on_first_step>
                <p class="intro">{description.get_value()}</p>
                <p class="texte-doux">{t.anonymous_note}</p>
            </Show>
            <Show when=move || restored.get()>
                <div class="statut statut--attente">
                    <p>{t.restored}</p>
                    <button type="button" class="bouton bouton--discret" on:click=move |_| flow.start_over()>
                        {t.start_over}
                    </button>
                </div>
            </Show>
            <Progress flow=flow/>
        </Show>
        {move || match step.get() {
            Step::Section(index) => view! { <SectionStep flow=flow index=index/> }.into_any(),
            Step::Review => view! { <ReviewStep flow=flow/> }.into_any(),
            Step::Volunteer => {
                let on_done = Callback::new(move |sent: bool| show_step(step, Step::Done(sent)));
                let commune = flow.answered_commune.get();
                view! { <volunteer::VolunteerForm commune=commune on_done=on_done/> }.into_any()
            }
            Step::Queued => queued_step().into_any(),
            Step::Done(volunteered) => done_step(volunteered).into_any(),
        }}
    }
    .into_any()
}

/// « Étape k sur n » and its progress bar.
#[component]
fn Progress(flow: Flow) -> impl IntoView {
    let t = questionnaire::t();
    view! {
        <div class="progression">
            <p class="progression__texte" id="progression-texte">
                {move || {
                    let (current, total) = flow.progress();
                    (t.step_of)(current, total)
                }}
            </p>
            <progress
                max=move || flow.progress().1
                value=move || flow.progress().0
                aria-label=t.progress_label
                aria-describedby="progression-texte"
            ></progress>
        </div>
    }
}

/// A step's form under its heading (which takes the focus between steps): submitting it
/// calls `on_submit`.
#[component]
fn StepForm(
    #[prop(into)] title: String,
    on_submit: impl Fn() + 'static,
    children: Children,
) -> impl IntoView {
    view! {
        <AppForm class="etape" on_submit=on_submit>
            <h2 id=STEP_HEADING_ID tabindex="-1">{title}</h2>
            {children()}
        </AppForm>
    }
}

/// One section of the questionnaire: its visible questions, « Précédent » (but on the
/// first step) and « Suivant ».
#[component]
fn SectionStep(flow: Flow, index: usize) -> impl IntoView {
    let t = questionnaire::t();
    let form = flow.form;
    let Some(section) = form
        .definition
        .with_value(|d| d.sections.get(index).cloned())
    else {
        return ().into_any();
    };
    let is_first = move || flow.steps.with(|s| s.first() == Some(&index));
    view! {
        <StepForm title=section.title on_submit=move || flow.next()>
            {section.description.map(|d| view! { <p>{d}</p> })}
            <ErrorSummary items=flow.summary/>
            {visible_questions(section.questions, form)}
            <div class="boutons">
                {move || {
                    (!is_first())
                        .then(|| {
                            view! {
                                <button type="button" class="bouton" on:click=move |_| flow.previous()>
                                    {t.previous}
                                </button>
                            }
                        })
                }}
                <button type="submit" class="bouton bouton--plein">{t.next}</button>
            </div>
        </StepForm>
    }
    .into_any()
}

/// The review of the answers, the commune when no question asks for it, and « Envoyer ».
#[component]
fn ReviewStep(flow: Flow) -> impl IntoView {
    let t = questionnaire::t();
    let pending = flow.pending;
    view! {
        <StepForm title=t.review_title on_submit=move || flow.submit()>
            <p>{t.review_intro}</p>
            <ErrorSummary items=flow.summary/>
            <Review form=flow.form step=flow.step/>
            {(!flow.has_commune_question).then(|| view! { <FallbackCommune form=flow.form/> })}
            {move || {
                flow.submit_error
                    .get()
                    .map(|message| {
                        view! { <p class="statut statut--erreur" role="alert">{message}</p> }
                    })
            }}
            <div class="boutons">
                <button type="button" class="bouton" on:click=move |_| flow.previous()>
                    {t.previous}
                </button>
                <SubmitButton pending=pending label=t.submit pending_label=t.submitting/>
            </div>
            <p class="visuellement-cache" role="status">
                {move || if pending.get() { t.submitting } else { "" }}
            </p>
        </StepForm>
    }
}

/// Kept on the device, to be sent when the connection returns.
fn queued_step() -> impl IntoView {
    let t = questionnaire::t();
    let o = offline_i18n::t();
    view! {
        <h2 id=STEP_HEADING_ID tabindex="-1">{o.queued_title}</h2>
        <p>{o.queued_text}</p>
        <p>{t.thanks_text}</p>
    }
}

/// The thank-you page.
fn done_step(volunteered: bool) -> impl IntoView {
    let t = questionnaire::t();
    view! {
        <h2 id=STEP_HEADING_ID tabindex="-1">{t.thanks_title}</h2>
        <p>{t.thanks_text}</p>
        {volunteered.then(|| view! { <p>{t.thanks_volunteer}</p> })}
        <ul class="liens-suite">
            <li><a href="/carte">{t.thanks_carte}</a></li>
            <li><a href="/propositions">{t.thanks_proposals}</a></li>
        </ul>
    }
}

/// Checks every answer of `form` and builds the request: the answers and, when no
/// question asks for it, the commune of the fallback field; or the errors by question id.
/// The residents' questionnaire and the staff's assisted entry send the same way.
pub(crate) fn checked_request(
    form: Form,
    has_commune_question: bool,
    channel: Option<String>,
) -> Result<SubmitResponseRequest, BTreeMap<String, String>> {
    let (answers, texts) = (form.answers.get_untracked(), form.texts.get_untracked());
    let mut errors = form
        .definition
        .with_value(|d| logic::errors(d, &answers, &texts, None));
    let fallback = answers
        .get(FALLBACK_COMMUNE)
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    if !has_commune_question && fallback.is_none() {
        let message = questionnaire::t().error_commune_pick.to_owned();
        errors.insert(FALLBACK_COMMUNE.to_owned(), message);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(SubmitResponseRequest {
        answers: form
            .definition
            .with_value(|d| logic::submission(d, &answers)),
        commune: fallback.map(|code| RespondentCommune {
            code: Some(code),
            postal_code: None,
            lon: None,
            lat: None,
        }),
        channel,
    })
}

/// Shows `errors` (question id → message) at the first step holding one, and focuses the
/// error summary.
fn show_errors(form: Form, step: RwSignal<Step>, errors: BTreeMap<String, String>) {
    let first_section = form.definition.with_value(|d| {
        d.sections
            .iter()
            .position(|s| s.questions.iter().any(|q| errors.contains_key(&q.id)))
    });
    form.errors.set(errors);
    if let Some(index) = first_section {
        step.set(Step::Section(index));
    }
    browser::after_render(|| browser::focus_id(SUMMARY_ID));
}

/// The error summary's lines, in the questions' order.
pub(crate) fn summary_items(form: Form) -> Vec<SummaryItem> {
    let t = questionnaire::t();
    form.errors.with(|errors| {
        form.definition.with_value(|d| {
            let mut items: Vec<SummaryItem> = d
                .questions()
                .filter_map(|(_, _, q)| {
                    errors.get(&q.id).map(|message| SummaryItem {
                        field_id: field_id(&q.id),
                        label: q.label.clone(),
                        message: message.clone(),
                    })
                })
                .collect();
            for (key, message) in errors {
                if d.question(key).is_none() {
                    items.push(SummaryItem {
                        field_id: field_id(FALLBACK_COMMUNE),
                        label: if key == FALLBACK_COMMUNE || key == "commune" {
                            t.commune_fallback_label.to_owned()
                        } else {
                            key.clone()
                        },
                        message: message.clone(),
                    });
                }
            }
            items
        })
    })
}

/// The review step: each step's answers, with a button to go back and change them.
#[component]
fn Review(form: Form, step: RwSignal<Step>) -> impl IntoView {
    let t = questionnaire::t();
    move || {
        let answers = form.answers.get();
        let texts = form.texts.get();
        form.definition.with_value(|d| {
            let visible = d.visible_question_ids(&answers);
            logic::steps(d, &answers)
                .into_iter()
                .filter_map(|index| d.sections.get(index).map(|s| (index, s.clone())))
                .map(|(index, section)| {
                    let rows = section
                        .questions
                        .iter()
                        .filter(|q| visible.contains(&q.id))
                        .map(|q| {
                            let shown = logic::answer_text(
                                q,
                                answers.get(&q.id),
                                texts.get(&q.id).map(String::as_str),
                            );
                            let answered = shown.is_some();
                            view! {
                                <dt>{q.label.clone()}</dt>
                                <dd class=if answered { "" } else { "texte-doux" }>
                                    {shown.unwrap_or_else(|| t.review_no_answer.to_owned())}
                                </dd>
                            }
                        })
                        .collect_view();
                    let title = section.title.clone();
                    view! {
                        <section class="relecture" aria-labelledby=format!("relecture-{index}")>
                            <h3 id=format!("relecture-{index}")>{section.title}</h3>
                            <dl>{rows}</dl>
                            <button
                                type="button"
                                class="bouton bouton--discret"
                                on:click=move |_| show_step(step, Step::Section(index))
                            >
                                {(t.review_edit)(&title)}
                            </button>
                        </section>
                    }
                })
                .collect_view()
        })
    }
}

/// The respondent's commune, asked on the review step when the questionnaire has no
/// commune question (the server needs one).
#[component]
pub(crate) fn FallbackCommune(form: Form) -> impl IntoView {
    let t = questionnaire::t();
    let fid = field_id(FALLBACK_COMMUNE);
    let error = Signal::derive(move || form.errors.with(|e| e.get(FALLBACK_COMMUNE).cloned()));
    let describedby = {
        let fid = fid.clone();
        Signal::derive(move || described_by(&fid, true, error.with(Option::is_some)))
    };
    let initial_text = form
        .texts
        .with_untracked(|t| t.get(FALLBACK_COMMUNE).cloned())
        .unwrap_or_default();
    let initially_chosen = form
        .answers
        .with_untracked(|a| a.contains_key(FALLBACK_COMMUNE));
    view! {
        <div class="champ">
            <label for=fid.clone()>
                {t.commune_fallback_label}
                <span class="champ__mention">" (" {common::t().required_mark} ")"</span>
            </label>
            <p id=help_id(&fid) class="champ__aide">{t.commune_hint}</p>
            <FieldError field_id=fid.clone() message=error/>
            <CommunePicker
                input_id=fid.clone()
                initial_text=initial_text
                initially_chosen=initially_chosen
                described_by=describedby
                invalid=Signal::derive(move || error.with(Option::is_some))
                required=true
                with_map=true
                on_text=Callback::new(move |text| form.set_text(FALLBACK_COMMUNE, text))
                on_choose=Callback::new(move |choice: Option<(String, String)>| {
                    form.set(FALLBACK_COMMUNE, choice.map(|(code, _)| serde_json::Value::String(code)));
                })
            />
        </div>
    }
}
