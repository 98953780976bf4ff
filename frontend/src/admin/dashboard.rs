//! `/admin/resultats`: the results dashboard. One campaign (the latest by default), one
//! level, one question and answer, one measure and filters, all held in the URL; the
//! choropleth map of that figure with its legend, the same figures in a sortable table,
//! the question's answers over the territory as bars, and the view as CSV. Secret cells
//! are hatched and marked, never a number. From the committee role up (the API's 403
//! is shown to others).
//!
//! The pure parts (view, figures, classes, outlines, CSV) are in [`super::choropleth`].

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    AdminCampaignListResponse, IndicatorResponse, ResultCell, ResultQuestionSchema,
    ResultsResponse, ZoneListResponse,
};
use solidarites_domain::results::classes::{ClassMethod, Classes, MAX_CLASSES, MIN_CLASSES};

use super::choropleth::{
    self, class_colour, format_value, is_mean, Figure, Measure, Outline, Point, Row, View, LEVELS,
};
use super::session;
use super::shell::set_title;
use crate::api::{self, ApiError};
use crate::format;
use crate::i18n::{common, console, results as i18n};
use crate::router;

/// The id of the hatching pattern of secret cells (map and legend).
const SECRET_PATTERN: &str = "motif-secret";
/// Fill of areas nobody answered in.
const EMPTY_FILL: &str = "#d4d4d4";

/// Commune code → indicator code → value, as the results API gives them.
type IndicatorValues = BTreeMap<String, BTreeMap<String, f64>>;
/// The indicator shown beside the figures, with the values of every indicator.
type Beside = (IndicatorResponse, IndicatorValues);

/// Loaded with the URL it answers, so that a late answer to an older view is dropped.
type Keyed<T> = RwSignal<Option<(String, Result<T, ApiError>)>>;

/// Loads `url` into `target` if, when the answer comes, `current` still wants that URL.
/// `current` gives `None` once the page is gone (its signals disposed: e.g. signed out
/// while loading), and the answer is then dropped.
fn fetch_into<T: serde::de::DeserializeOwned + Send + Sync + 'static>(
    target: Keyed<T>,
    url: String,
    current: impl Fn() -> Option<String> + 'static,
) {
    leptos::task::spawn_local(async move {
        let outcome = session::get::<T>(&url).await;
        if current().as_deref() == Some(url.as_str()) {
            let _ = target.try_set(Some((url, outcome)));
        }
    });
}

/// The dashboard's path.
const PATH: &str = "/admin/resultats";

/// Replaces the view in the URL. Only on the dashboard itself: when another page has just
/// been navigated to (sign-out), the dashboard's effects may still run once before it is
/// gone, and must not write its view into that page's URL.
fn update(view: Memo<View>, change: impl FnOnce(&mut View)) {
    let here = router::use_router()
        .location
        .with_untracked(|l| l.path.trim_end_matches('/') == PATH);
    if !here {
        return;
    }
    let mut next = view.get_untracked();
    change(&mut next);
    router::replace_query(&next.to_query());
}

fn measure_label(measure: Measure) -> &'static str {
    let t = i18n::t();
    match measure {
        Measure::Count => t.measure_count,
        Measure::Share => t.measure_share,
        Measure::Rate => t.measure_rate,
    }
}

fn method_label(method: ClassMethod) -> &'static str {
    let t = i18n::t();
    match method {
        ClassMethod::Quantiles => t.method_quantiles,
        ClassMethod::Jenks => t.method_jenks,
        ClassMethod::EqualIntervals => t.method_equal,
    }
}

/// A labelled `<select>`: `choices` are (value, label); `current` the value chosen;
/// `on_pick` gets the value picked. The element stays in place while the view changes
/// (only its options follow), so the keyboard focus stays on it.
fn select_field(
    id: &'static str,
    label: &'static str,
    choices: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static,
    current: impl Fn() -> String + Copy + Send + Sync + 'static,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <div class="champ">
            <label for=id>{label}</label>
            <select class="saisie" id=id on:change=move |ev| on_pick(event_target_value(&ev))>
                {move || {
                    choices()
                        .into_iter()
                        .map(|(value, text)| {
                            let mine = value.clone();
                            view! {
                                <option value=value prop:selected=move || current() == mine>{text}</option>
                            }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// The options of question `id` of the schema, as select choices after "Tous".
fn answer_choices(schema: &[ResultQuestionSchema], id: &str) -> Vec<(String, String)> {
    let mut choices = vec![(String::new(), i18n::t().any.to_owned())];
    if let Some(q) = schema.iter().find(|q| q.id == id) {
        choices.extend(q.options.iter().map(|o| (o.value.clone(), o.label.clone())));
    }
    choices
}

/// The label of option `value` of question `id`, or the value itself when unknown.
fn option_label(schema: &[ResultQuestionSchema], id: &str, value: &str) -> String {
    schema
        .iter()
        .find(|q| q.id == id)
        .and_then(|q| q.options.iter().find(|o| o.value == value))
        .map_or_else(|| value.to_owned(), |o| o.label.clone())
}

/// The French name of a channel.
fn channel_label(channel: &str) -> String {
    let c = console::t();
    match channel {
        "web" => c.channel_web,
        "telephone" => c.channel_phone,
        "papier" => c.channel_paper,
        "accueil" => c.channel_desk,
        other => other,
    }
    .to_owned()
}

/// The view's filters in words (« Canal : En ligne ; Domaines : Logement ou Santé »),
/// for the captions and the CSV; `None` when the view is not filtered.
fn filters_text(v: &View, schema: &[ResultQuestionSchema]) -> Option<String> {
    let t = i18n::t();
    let mut parts = Vec::new();
    if !v.channel.is_empty() {
        parts.push(format!(
            "{} : {}",
            t.field_channel,
            channel_label(&v.channel)
        ));
    }
    for (field, question, value) in [
        (t.field_age, "tranche_age", &v.age),
        (t.field_household, "menage", &v.household),
    ] {
        if !value.is_empty() {
            parts.push(format!(
                "{field} : {}",
                option_label(schema, question, value)
            ));
        }
    }
    match v.helped.as_str() {
        "yes" => parts.push(format!("{} : {}", t.field_helped, t.yes)),
        "no" => parts.push(format!("{} : {}", t.field_helped, t.no)),
        _ => {}
    }
    if v.answer_filter().is_some() {
        let label = schema
            .iter()
            .find(|q| q.id == v.answer_question)
            .map_or_else(|| v.answer_question.clone(), |q| q.label.clone());
        let values: Vec<String> = v
            .answer_values
            .iter()
            .map(|value| option_label(schema, &v.answer_question, value))
            .collect();
        parts.push(format!("{label} : {}", values.join(t.or)));
    }
    (!parts.is_empty()).then(|| (t.filters_caption)(&parts.join(" ; ")))
}

/// The filter on any choice question: the question (a list) and the answers kept
/// (checkboxes, in a fieldset named after the question). The checkboxes stay in place
/// while they are ticked, so the keyboard focus stays where it is.
fn answer_filter_fields(
    view: Memo<View>,
    questions: Memo<Vec<ResultQuestionSchema>>,
) -> impl IntoView {
    let t = i18n::t();
    let choices = move || {
        let mut choices = vec![(String::new(), t.answer_filter_none.to_owned())];
        questions.with(|qs| {
            choices.extend(
                qs.iter()
                    .filter(|q| !is_mean(q) && !q.options.is_empty())
                    .map(|q| (q.id.clone(), q.label.clone())),
            );
        });
        choices
    };
    // The chosen question's label and options (unchanged while answers are ticked).
    let chosen = Memo::new(move |_| {
        let id = view.with(|v| v.answer_question.clone());
        questions.with(|qs| {
            qs.iter()
                .find(|q| q.id == id && !is_mean(q))
                .map(|q| (q.label.clone(), q.options.clone()))
        })
    });
    let values = move || {
        chosen.get().map(|(label, options)| {
            let order: Vec<String> = options.iter().map(|o| o.value.clone()).collect();
            let boxes = options
                .into_iter()
                .enumerate()
                .map(|(i, option)| {
                    let id = format!("tdb-filtre-reponse-{i}");
                    let value = option.value.clone();
                    let checked = {
                        let value = value.clone();
                        move || view.with(|v| v.answer_values.contains(&value))
                    };
                    let order = order.clone();
                    let toggle = move |on: bool| {
                        let value = value.clone();
                        let order = order.clone();
                        update(view, move |v| {
                            let mut kept: Vec<String> = v
                                .answer_values
                                .iter()
                                .filter(|x| **x != value)
                                .cloned()
                                .collect();
                            if on {
                                kept.push(value);
                            }
                            // In the options' order, so that a view has one URL.
                            v.answer_values =
                                order.iter().filter(|o| kept.contains(o)).cloned().collect();
                        });
                    };
                    let for_id = id.clone();
                    view! {
                        <li>
                            <label for=for_id>
                                <input type="checkbox" id=id value=option.value.clone()
                                    prop:checked=checked
                                    on:change=move |ev| toggle(event_target_checked(&ev))/>
                                <span>{option.label.clone()}</span>
                            </label>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="tdb__reponses">
                    <legend>{(t.answer_filter_values)(&label)}</legend>
                    <ul class="choix tdb__reponses-liste">{boxes}</ul>
                </fieldset>
            }
        })
    };
    view! {
        <fieldset>
            <legend>{t.answer_filter_legend}</legend>
            <p class="champ__aide">{t.answer_filter_hint}</p>
            <div class="tdb__grille">
                {select_field(
                    "tdb-filtre-question",
                    t.field_answer_filter,
                    choices,
                    move || view.with(|v| v.answer_question.clone()),
                    move |q| {
                        update(view, |v| {
                            v.answer_question = q;
                            v.answer_values.clear();
                        })
                    },
                )}
            </div>
            {values}
        </fieldset>
    }
}

/// The figures of a view: its rows and classes, the secrecy threshold, whether the answers
/// were perturbed, and whether the figure is a mean.
type Derived = ((Vec<Row>, Classes), u32, bool, bool);

/// What the dashboard loads for the view in the URL, and what it derives from it.
#[derive(Clone, Copy)]
struct Data {
    campaigns: api::Loaded<AdminCampaignListResponse>,
    /// The questions of the campaign (territory level: one small group).
    schema: Keyed<ResultsResponse>,
    questions: Memo<Vec<ResultQuestionSchema>>,
    current_question: Memo<Option<ResultQuestionSchema>>,
    /// The figures of the view's question.
    results: Keyed<ResultsResponse>,
    loading: Memo<bool>,
    outlines: Memo<(Vec<Outline>, f64)>,
    level: Memo<String>,
    zones: Keyed<ZoneListResponse>,
    derived: Memo<Option<Derived>>,
    indicators: Memo<Vec<IndicatorResponse>>,
    /// The indicator of the URL, else the first (commune level only).
    indicator: Memo<Option<IndicatorResponse>>,
    /// The area clicked on the map.
    selected: RwSignal<Option<String>>,
}

/// Campaigns: the latest opening first; the latest is the default.
fn load_campaigns(view: Memo<View>) -> api::Loaded<AdminCampaignListResponse> {
    let campaigns = api::load(session::get::<AdminCampaignListResponse>(
        "/api/v1/admin/campaigns?per_page=100",
    ));
    Effect::new(move |_| {
        if let Some(Ok(list)) = campaigns.get() {
            let current = view.with_untracked(|v| v.campaign.clone());
            if !list.campaigns.iter().any(|c| c.campaign.id == current) {
                if let Some(first) = list.campaigns.first() {
                    let id = first.campaign.id.clone();
                    update(view, |v| {
                        v.campaign = id;
                        v.question.clear();
                        v.option.clear();
                    });
                }
            }
        }
    });
    campaigns
}

/// The campaign's questions (its territory-level results), and the view's question and
/// answer defaulting to the first of each.
fn load_schema(view: Memo<View>) -> (Keyed<ResultsResponse>, Memo<Vec<ResultQuestionSchema>>) {
    let schema_url = Memo::new(move |_| {
        view.with(|v| {
            (!v.campaign.is_empty()).then(|| {
                View {
                    campaign: v.campaign.clone(),
                    ..View::default()
                }
                .results_url(None)
            })
        })
    });
    let schema: Keyed<ResultsResponse> = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(url) = schema_url.get() {
            schema.set(None);
            fetch_into(schema, url, move || {
                schema_url.try_get_untracked().flatten()
            });
        }
    });
    let questions = Memo::new(move |_| {
        schema.with(|s| match s {
            Some((_, Ok(r))) => r.questions.clone(),
            _ => Vec::new(),
        })
    });
    Effect::new(move |_| {
        let questions = questions.get();
        let Some(first) = questions.first() else {
            return;
        };
        let (question, option) = view.with(|v| (v.question.clone(), v.option.clone()));
        let chosen = questions.iter().find(|q| q.id == question).unwrap_or(first);
        let option_ok =
            chosen.options.is_empty() || chosen.options.iter().any(|o| o.value == option);
        if chosen.id != question || !option_ok {
            let id = chosen.id.clone();
            let first_option = chosen
                .options
                .first()
                .map(|o| o.value.clone())
                .unwrap_or_default();
            update(view, |v| {
                v.question = id;
                v.option = first_option;
            });
        }
    });
    (schema, questions)
}

/// The figures of the view's question, and whether they are still loading.
fn load_results(view: Memo<View>) -> (Keyed<ResultsResponse>, Memo<bool>) {
    let results_url = Memo::new(move |_| {
        view.with(|v| {
            (!v.campaign.is_empty() && !v.question.is_empty())
                .then(|| v.results_url(Some(&v.question)))
        })
    });
    let results: Keyed<ResultsResponse> = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(url) = results_url.get() {
            fetch_into(results, url, move || {
                results_url.try_get_untracked().flatten()
            });
        }
    });
    let loading = Memo::new(move |_| {
        results_url.get() != results.with(|r| r.as_ref().map(|(u, _)| u.clone()))
    });
    (results, loading)
}

/// What [`load_areas`] gives: the commune outlines with their scale, the view's level,
/// and the zones of that level.
type Areas = (
    Memo<(Vec<Outline>, f64)>,
    Memo<String>,
    Keyed<ZoneListResponse>,
);

/// Commune outlines (cached by the browser with their ETag), and zone membership.
fn load_areas(view: Memo<View>) -> Areas {
    let boundaries = api::load(api::get::<serde_json::Value>("/api/v1/communes.geojson"));
    let outlines = Memo::new(move |_| {
        boundaries.with(|b| match b {
            Some(Ok(collection)) => choropleth::outlines(collection),
            _ => (Vec::new(), 0.0),
        })
    });
    let level = Memo::new(move |_| view.with(|v| v.level.clone()));
    let zones: Keyed<ZoneListResponse> = RwSignal::new(None);
    Effect::new(move |_| {
        let level = level.get();
        if !matches!(level.as_str(), "commune" | "territory") {
            let url = format!("/api/v1/admin/zones?level={level}");
            fetch_into(zones, url, move || {
                view.try_with_untracked(|v| format!("/api/v1/admin/zones?level={}", v.level))
            });
        }
    });
    (outlines, level, zones)
}

impl Data {
    fn load(view: Memo<View>) -> Self {
        let campaigns = load_campaigns(view);
        let (schema, questions) = load_schema(view);
        let (results, loading) = load_results(view);
        let (outlines, level, zones) = load_areas(view);
        // Rows and classes of the view.
        let derived = Memo::new(move |_| {
            let (option, measure, method, classes) =
                view.with(|v| (v.option.clone(), v.measure, v.method, v.classes));
            results.with(|r| match r {
                Some((_, Ok(r))) => Some((
                    choropleth::rows(r, &option, measure, method, classes),
                    r.k,
                    r.perturbed,
                    r.questions.first().map(is_mean).unwrap_or(false),
                )),
                _ => None,
            })
        });
        let indicators = Memo::new(move |_| {
            results.with(|r| match r {
                Some((_, Ok(r))) => r.indicators.clone(),
                _ => Vec::new(),
            })
        });
        let indicator = Memo::new(move |_| {
            let code = view.with(|v| v.indicator.clone());
            indicators.with(|list| {
                list.iter()
                    .find(|i| i.code == code)
                    .or_else(|| list.first())
                    .cloned()
            })
        });
        let current_question = Memo::new(move |_| {
            let id = view.with(|v| v.question.clone());
            questions.with(|qs| qs.iter().find(|q| q.id == id).cloned())
        });
        Self {
            campaigns,
            schema,
            questions,
            current_question,
            results,
            loading,
            outlines,
            level,
            zones,
            derived,
            indicators,
            indicator,
            selected: RwSignal::new(None),
        }
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.dashboard_title);
    let location = router::use_location();
    let view = Memo::new(move |_| location.with(|l| View::from_query(&l.query)));
    let data = Data::load(view);
    let loading = data.loading;
    view! {
        <h1>{t.dashboard_title}</h1>
        <p>{t.dashboard_intro}</p>
        <form class="tdb__controles" on:submit=|ev| ev.prevent_default()>
            <ViewFields view=view data=data/>
            <FilterFields view=view questions=data.questions/>
            {answer_filter_fields(view, data.questions)}
        </form>
        <p class="visuellement-cache" role="status">
            {move || if loading.get() { common::t().loading } else { "" }}
        </p>
        <div class="tdb" aria-busy=move || loading.get().then_some("true")>
            <DashboardBody view=view data=data/>
        </div>
    }
}

/// The view's fields: campaign, level, question, answer, measure, classes, indicator.
#[component]
fn ViewFields(view: Memo<View>, data: Data) -> impl IntoView {
    let t = i18n::t();
    let Data {
        campaigns,
        questions,
        current_question,
        indicators,
        indicator,
        ..
    } = data;
    let indicator_field = move || {
        let list = indicators.get();
        (!list.is_empty()).then(|| {
            let choices: Vec<(String, String)> = list
                .iter()
                .map(|i| (i.code.clone(), i.label.clone()))
                .collect();
            select_field(
                "tdb-indicateur",
                t.field_indicator,
                move || choices.clone(),
                move || indicator.with(|i| i.as_ref().map(|i| i.code.clone()).unwrap_or_default()),
                move |code| update(view, |v| v.indicator = code),
            )
        })
    };
    let option_field = move || {
        current_question
            .get()
            .filter(|q| !q.options.is_empty())
            .map(|q| {
                let choices: Vec<(String, String)> = q
                    .options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.clone()))
                    .collect();
                select_field(
                    "tdb-option",
                    t.field_option,
                    move || choices.clone(),
                    move || view.with(|v| v.option.clone()),
                    move |o| update(view, |v| v.option = o),
                )
            })
    };
    let measure_field = move || {
        let mean = current_question.with(|q| q.as_ref().is_some_and(is_mean));
        (!mean).then(|| {
            select_field(
                "tdb-mesure",
                t.field_measure,
                || {
                    Measure::ALL
                        .into_iter()
                        .map(|m| (m.as_str().to_owned(), measure_label(m).to_owned()))
                        .collect()
                },
                move || view.with(|v| v.measure.as_str().to_owned()),
                move |m| update(view, |v| v.measure = Measure::parse(&m).unwrap_or_default()),
            )
        })
    };
    view! {
        <fieldset>
            <legend>{t.view_legend}</legend>
            <div class="tdb__grille">
                {select_field(
                    "tdb-campagne",
                    t.field_campaign,
                    move || match campaigns.get() {
                        Some(Ok(list)) => list
                            .campaigns
                            .iter()
                            .map(|c| (c.campaign.id.clone(), c.campaign.title.clone()))
                            .collect(),
                        _ => Vec::new(),
                    },
                    move || view.with(|v| v.campaign.clone()),
                    move |id| {
                        update(view, |v| {
                            v.campaign = id;
                            v.question.clear();
                            v.option.clear();
                        })
                    },
                )}
                {select_field(
                    "tdb-niveau",
                    t.field_level,
                    || {
                        LEVELS
                            .iter()
                            .map(|l| ((*l).to_owned(), i18n::level_label(l).to_owned()))
                            .collect()
                    },
                    move || view.with(|v| v.level.clone()),
                    move |l| update(view, |v| v.level = l),
                )}
                {select_field(
                    "tdb-question",
                    t.field_question,
                    move || questions.get().iter().map(|q| (q.id.clone(), q.label.clone())).collect(),
                    move || view.with(|v| v.question.clone()),
                    move |q| {
                        update(view, |v| {
                            v.question = q;
                            v.option.clear();
                        })
                    },
                )}
                {option_field}
                {measure_field}
                <ClassFields view=view/>
                {indicator_field}
            </div>
        </fieldset>
    }
}

/// The classing method and the number of classes of the map.
#[component]
fn ClassFields(view: Memo<View>) -> impl IntoView {
    let t = i18n::t();
    view! {
        {select_field(
            "tdb-methode",
            t.field_method,
            || {
                ClassMethod::ALL
                    .into_iter()
                    .map(|m| (m.as_str().to_owned(), method_label(m).to_owned()))
                    .collect()
            },
            move || view.with(|v| v.method.as_str().to_owned()),
            move |m| update(view, |v| v.method = ClassMethod::parse(&m).unwrap_or_default()),
        )}
        {select_field(
            "tdb-classes",
            t.field_classes,
            || (MIN_CLASSES..=MAX_CLASSES).map(|n| (n.to_string(), n.to_string())).collect(),
            move || view.with(|v| v.classes.to_string()),
            move |n| update(view, |v| v.classes = n.parse().unwrap_or(choropleth::DEFAULT_CLASSES)),
        )}
    }
}

/// The filters on who answered: channel, age band, household, help received.
#[component]
fn FilterFields(view: Memo<View>, questions: Memo<Vec<ResultQuestionSchema>>) -> impl IntoView {
    let t = i18n::t();
    let c = console::t();
    view! {
        <fieldset>
            <legend>{t.filters_legend}</legend>
            <div class="tdb__grille">
                {select_field(
                    "tdb-canal",
                    t.field_channel,
                    move || pairs(&[
                        ("", t.any),
                        ("web", c.channel_web),
                        ("telephone", c.channel_phone),
                        ("papier", c.channel_paper),
                        ("accueil", c.channel_desk),
                        ("visite", c.channel_visit),
                    ]),
                    move || view.with(|v| v.channel.clone()),
                    move |x| update(view, |v| v.channel = x),
                )}
                {select_field(
                    "tdb-age",
                    t.field_age,
                    move || questions.with(|qs| answer_choices(qs, "tranche_age")),
                    move || view.with(|v| v.age.clone()),
                    move |x| update(view, |v| v.age = x),
                )}
                {select_field(
                    "tdb-menage",
                    t.field_household,
                    move || questions.with(|qs| answer_choices(qs, "menage")),
                    move || view.with(|v| v.household.clone()),
                    move |x| update(view, |v| v.household = x),
                )}
                {select_field(
                    "tdb-aide",
                    t.field_helped,
                    move || pairs(&[("", t.any), ("yes", t.yes), ("no", t.no)]),
                    move || view.with(|v| v.helped.clone()),
                    move |x| update(view, |v| v.helped = x),
                )}
            </div>
        </fieldset>
    }
}

/// What the figure is, in words: « Oui — Part des répondants (%) ».
fn figure_caption(v: &View, questions: &[ResultQuestionSchema]) -> String {
    let t = i18n::t();
    let Some(q) = questions.iter().find(|q| q.id == v.question) else {
        return String::new();
    };
    if is_mean(q) {
        return format!("{} — {}", q.label, t.measure_mean);
    }
    let option = q
        .options
        .iter()
        .find(|o| o.value == v.option)
        .map_or(v.option.clone(), |o| o.label.clone());
    format!("{} : {} — {}", q.label, option, measure_label(v.measure))
}

/// Why the dashboard has no figures to show (no campaign, an error, no question,
/// loading), or `None` when they are there.
fn no_figures(data: Data) -> Option<AnyView> {
    let t = i18n::t();
    let alert = |error: &ApiError| {
        view! { <p class="statut statut--erreur" role="alert">{error.message()}</p> }.into_any()
    };
    match data.campaigns.get() {
        Some(Ok(list)) if list.campaigns.is_empty() => {
            return Some(view! { <p>{t.no_campaign}</p> }.into_any())
        }
        Some(Err(error)) => return Some(alert(&error)),
        _ => {}
    }
    match data.schema.get() {
        Some((_, Err(error))) => return Some(alert(&error)),
        Some((_, Ok(r))) if r.questions.is_empty() => {
            return Some(view! { <p>{t.no_question}</p> }.into_any())
        }
        _ => {}
    }
    if let Some((_, Err(error))) = data.results.get() {
        return Some(alert(&error));
    }
    data.derived.with(Option::is_none).then(|| {
        view! { <p class="statut statut--attente" role="status">{common::t().loading}</p> }
            .into_any()
    })
}

/// The view's figures: the map with its legend and details, the table, the downloads,
/// the scatter against the indicator and the bars of the answers.
#[component]
fn DashboardBody(view: Memo<View>, data: Data) -> impl IntoView {
    let t = i18n::t();
    let Data {
        questions,
        results,
        outlines,
        level,
        zones,
        derived,
        indicator,
        selected,
        ..
    } = data;
    // The view's filters in words, shown in the captions and written in the CSV.
    let filters = Memo::new(move |_| view.with(|v| questions.with(|qs| filters_text(v, qs))));
    move || {
        if let Some(reason) = no_figures(data) {
            return reason;
        }
        let Some(((rows, classes), k, perturbed, mean)) = derived.get() else {
            return ().into_any();
        };
        let v = view.get();
        let measure = v.measure;
        let what_text = questions.with(|qs| figure_caption(&v, qs));
        // What the figure is and under which filters: captions, map name and CSV.
        let what_filtered = match filters.get() {
            Some(f) => format!("{what_text} — {f}"),
            None => what_text.clone(),
        };
        let csv = choropleth::csv(&rows, &what_filtered, measure, mean);
        let csv_href = format!(
            "data:text/csv;charset=utf-8,{}",
            router::percent_encode(&csv)
        );
        // The chosen indicator and its values per commune.
        let beside = indicator.get().map(|i| {
            let values = results.with(|r| match r {
                Some((_, Ok(r))) => r.indicator_values.clone(),
                _ => BTreeMap::new(),
            });
            (i, values)
        });
        let scatter = beside.clone().map(|(i, values)| {
            let (points, secret) = choropleth::scatter(&rows, &values, &i.code);
            view! { <Scatter indicator=i points=points secret=secret what=what_text.clone() measure=measure mean=mean/> }
        });
        view! {
            {perturbed.then(|| view! {
                <p class="statut statut--alerte tdb__perturbe" data-perturbe="true">{t.perturbed}</p>
            })}
            <div class="tdb__vue">
                <section class="tdb__carte" aria-labelledby="tdb-carte-titre">
                    <h2 id="tdb-carte-titre">{t.map_title}</h2>
                    <p class="champ__aide">{t.map_help}</p>
                    <Map rows=rows.clone() classes=classes.clone() measure=measure mean=mean
                        what=what_filtered.clone() outlines=outlines zones=zones level=level selected=selected/>
                    <Legend classes=classes.clone() k=k measure=measure mean=mean/>
                    <Details rows=rows.clone() selected=selected measure=measure mean=mean/>
                </section>
                <section class="tdb__tableau" aria-labelledby="tdb-tableau-titre">
                    <h2 id="tdb-tableau-titre">{t.table_title}</h2>
                    <FiguresTable rows=rows what=what_filtered measure=measure mean=mean indicator=beside/>
                    <p class="boutons">
                        <a class="bouton" href=csv_href download=t.view_file_name>{t.download_view}</a>
                    </p>
                    <p>
                        {t.exports_of_view}" "
                        <a href=v.export_url("results.csv") download="">"CSV"</a>", "
                        <a href=v.export_url("results.xlsx") download="">"Excel"</a>", "
                        <a href=v.export_url("results.geojson") download="">"GeoJSON"</a>
                    </p>
                </section>
            </div>
            {scatter}
            <Chart results=results filters=filters/>
        }
        .into_any()
    }
}

/// The French text of a figure (never a number for a secret one).
fn figure_text(figure: Figure, measure: Measure, mean: bool) -> String {
    let t = i18n::t();
    match figure {
        Figure::Secret => t.secret.to_owned(),
        Figure::NoAnswer => t.empty.to_owned(),
        Figure::Value(v) => format_value(v, measure, mean),
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn Map(
    rows: Vec<Row>,
    classes: Classes,
    measure: Measure,
    mean: bool,
    what: String,
    outlines: Memo<(Vec<Outline>, f64)>,
    zones: Keyed<ZoneListResponse>,
    level: Memo<String>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = i18n::t();
    let by_code: BTreeMap<String, Row> = rows.into_iter().map(|r| (r.code.clone(), r)).collect();
    let n = classes.len();
    let areas = move || {
        let (outlines, _) = outlines.get();
        let level = level.get();
        let membership: BTreeMap<String, String> = match level.as_str() {
            "commune" => outlines
                .iter()
                .map(|o| (o.code.clone(), o.code.clone()))
                .collect(),
            "territory" => outlines
                .iter()
                .map(|o| (o.code.clone(), "territoire".to_owned()))
                .collect(),
            _ => zones.with(|z| match z {
                Some((_, Ok(z))) if z.level == level => choropleth::zone_of(z),
                _ => BTreeMap::new(),
            }),
        };
        let mut grouped: BTreeMap<String, Vec<Outline>> = BTreeMap::new();
        let mut outside: Vec<Outline> = Vec::new();
        for outline in outlines {
            match membership.get(&outline.code) {
                Some(area) => grouped.entry(area.clone()).or_default().push(outline),
                None => outside.push(outline),
            }
        }
        let outside = outside
            .into_iter()
            .map(|o| view! { <path class="tdb__hors-zone" d=o.path></path> })
            .collect_view();
        let areas = grouped
            .into_iter()
            .map(|(code, paths)| {
                let row = by_code.get(&code);
                let name = row.map_or_else(
                    || paths.first().map(|p| p.name.clone()).unwrap_or_default(),
                    |r| r.name.clone(),
                );
                let figure = row.map_or(Figure::NoAnswer, |r| r.figure);
                let class = row.and_then(|r| r.class);
                let (state, fill) = match (figure, class) {
                    (Figure::Secret, _) => ("secret", format!("url(#{SECRET_PATTERN})")),
                    (Figure::Value(_), Some(c)) => ("valeur", class_colour(c, n).to_owned()),
                    _ => ("vide", EMPTY_FILL.to_owned()),
                };
                let mut label = (t.area_label)(&name, &figure_text(figure, measure, mean));
                if let Some(c) = class {
                    label.push_str(&format!(" ({})", (t.class_n)(c + 1)));
                }
                let is_selected = {
                    let code = code.clone();
                    move || selected.get().as_deref() == Some(code.as_str())
                };
                let pick = {
                    let code = code.clone();
                    move || selected.set(Some(code.clone()))
                };
                let pick_key = pick.clone();
                let paths = paths
                    .into_iter()
                    .map(|p| view! { <path d=p.path></path> })
                    .collect_view();
                view! {
                    <g
                        class=move || if is_selected() { format!("tdb__zone tdb__zone--{state} tdb__zone--choisie") } else { format!("tdb__zone tdb__zone--{state}") }
                        data-code=code.clone()
                        data-etat=state
                        data-classe=class.map(|c| (c + 1).to_string())
                        fill=fill
                        role="button"
                        tabindex="0"
                        aria-label=label
                        on:click=move |_| pick()
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                ev.prevent_default();
                                pick_key();
                            }
                        }
                    >
                        {paths}
                    </g>
                }
            })
            .collect_view();
        (outside, areas)
    };
    let view_box = move || {
        format!(
            "0 0 {} {:.0}",
            choropleth::MAP_WIDTH,
            outlines.with(|o| o.1.max(1.0))
        )
    };
    view! {
        <svg class="tdb__svg" viewBox=view_box role="group" aria-label=(t.map_label)(&what)>
            <defs>
                <pattern id=SECRET_PATTERN width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width="6" height="6" fill="#ffffff"></rect>
                    <line x1="0" y1="0" x2="0" y2="6" stroke="#333333" stroke-width="2.5"></line>
                </pattern>
            </defs>
            {areas}
        </svg>
    }
}

/// A legend swatch.
fn swatch(fill: String, extra: &'static str) -> impl IntoView {
    view! {
        <svg class="tdb__pastille" width="20" height="14" viewBox="0 0 20 14" aria-hidden="true" focusable="false">
            <rect class=extra x="0.5" y="0.5" width="19" height="13" fill=fill stroke="#555555"></rect>
        </svg>
    }
}

#[component]
fn Legend(classes: Classes, k: u32, measure: Measure, mean: bool) -> impl IntoView {
    let t = i18n::t();
    let n = classes.len();
    let entries = (0..n)
        .filter_map(|i| {
            let (low, high) = classes.bounds(i)?;
            let text = (t.legend_class)(
                i + 1,
                &format_value(low, measure, mean),
                &format_value(high, measure, mean),
                i == 0,
            );
            Some(view! {
                <li data-classe=(i + 1).to_string() data-min=low.to_string() data-max=high.to_string()>
                    {swatch(class_colour(i, n).to_owned(), "")}
                    {text}
                </li>
            })
        })
        .collect_view();
    view! {
        <h3 class="tdb__legende-titre">{t.legend_title}</h3>
        <ul class="tdb__legende">
            {entries}
            <li data-etat="secret">{swatch(format!("url(#{SECRET_PATTERN})"), "")}{(t.legend_secret)(k)}</li>
            <li data-etat="vide">{swatch(EMPTY_FILL.to_owned(), "tdb__pastille--vide")}{t.legend_empty}</li>
        </ul>
    }
}

#[component]
fn Details(
    rows: Vec<Row>,
    selected: RwSignal<Option<String>>,
    measure: Measure,
    mean: bool,
) -> impl IntoView {
    let t = i18n::t();
    let content = move || {
        let Some(code) = selected.get() else {
            return view! { <p>{t.details_hint}</p> }.into_any();
        };
        let Some(row) = rows.iter().find(|r| r.code == code).cloned() else {
            return view! { <p>{t.details_hint}</p> }.into_any();
        };
        let respondents = row
            .respondents
            .map_or_else(|| t.secret.to_owned(), format::count);
        view! {
            <dl class="tdb__details-liste">
                <dt>{t.col_area}</dt><dd>{row.name.clone()}</dd>
                <dt>{t.col_respondents}</dt><dd>{respondents}</dd>
                <dt>{t.col_value}</dt><dd>{figure_text(row.figure, measure, mean)}</dd>
                {row.class.map(|c| view! { <dt>{t.col_class}</dt><dd>{c + 1}</dd> })}
            </dl>
        }
        .into_any()
    };
    view! {
        <div class="tdb__details" aria-live="polite">
            <h3>{t.details_title}</h3>
            {content}
        </div>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Name,
    Respondents,
    Value,
}

fn secret_mark() -> impl IntoView {
    let t = i18n::t();
    view! {
        <span class="tdb__secret">
            {swatch(format!("url(#{SECRET_PATTERN})"), "")}
            <span>{t.secret_short}</span>
        </span>
    }
}

#[component]
fn FiguresTable(
    rows: Vec<Row>,
    what: String,
    measure: Measure,
    mean: bool,
    /// The territorial indicator shown beside the figures, and the values of every
    /// indicator per commune.
    indicator: Option<Beside>,
) -> impl IntoView {
    let t = i18n::t();
    let indicator_header = indicator.as_ref().map(|(i, _)| {
        view! { <th scope="col">{(t.indicator_heading)(&i.label, i.unit.as_deref())}</th> }
    });
    let sort = RwSignal::new((SortKey::Name, true));
    let header = move |key: SortKey, label: &'static str| {
        let aria = move || {
            let (k, asc) = sort.get();
            (k == key).then_some(if asc { "ascending" } else { "descending" })
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button type="button" class="tdb__tri" title=(t.sort_by)(label)
                    on:click=move |_| sort.update(|(k, asc)| {
                        if *k == key { *asc = !*asc } else { *k = key; *asc = true }
                    })>
                    {label}
                </button>
            </th>
        }
    };
    let body = move || {
        let (key, asc) = sort.get();
        let mut sorted = rows.clone();
        sorted.sort_by(|a, b| {
            let order = match key {
                SortKey::Name => a.name.cmp(&b.name),
                SortKey::Respondents => a.respondents.cmp(&b.respondents),
                // Secret and empty cells after every value, whatever the direction.
                SortKey::Value => match (a.figure.value(), b.figure.value()) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => a.name.cmp(&b.name),
                },
            };
            if asc
                || (key == SortKey::Value
                    && (a.figure.value().is_none() || b.figure.value().is_none()))
            {
                order
            } else {
                order.reverse()
            }
        });
        sorted
            .into_iter()
            .map(|row| {
                let respondents = match row.respondents {
                    Some(n) => view! { <td class="nombre">{format::count(n)}</td> }.into_any(),
                    None => view! { <td data-etat="secret">{secret_mark()}</td> }.into_any(),
                };
                let value = match row.figure {
                    Figure::Secret => view! { <td data-etat="secret">{secret_mark()}</td> }.into_any(),
                    Figure::NoAnswer => {
                        view! { <td data-etat="vide" class="texte-doux">{t.empty}</td> }.into_any()
                    }
                    Figure::Value(v) => view! {
                        <td class="nombre" data-etat="valeur" data-valeur=v.to_string()>{format_value(v, measure, mean)}</td>
                    }
                    .into_any(),
                };
                let beside = indicator.as_ref().map(|(i, values)| {
                    match values.get(&row.code).and_then(|v| v.get(&i.code)) {
                        Some(&x) => view! {
                            <td class="nombre" data-indicateur=x.to_string()>{indicator_value(x)}</td>
                        }
                        .into_any(),
                        None => view! { <td class="texte-doux">"–"</td> }.into_any(),
                    }
                });
                view! {
                    <tr data-code=row.code.clone()>
                        <th scope="row">{row.name.clone()}</th>
                        {respondents}
                        {value}
                        <td class="nombre" data-classe=row.class.map(|c| (c + 1).to_string())>
                            {row.class.map_or_else(|| "–".to_owned(), |c| (c + 1).to_string())}
                        </td>
                        {beside}
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="tableau-defilant tdb__defilant">
            <table class="tableau" id="tdb-chiffres">
                <caption>{(t.table_caption)(&what)}</caption>
                <thead>
                    <tr>
                        {header(SortKey::Name, t.col_area)}
                        {header(SortKey::Respondents, t.col_respondents)}
                        {header(SortKey::Value, t.col_value)}
                        <th scope="col">{t.col_class}</th>
                        {indicator_header}
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

/// The question over the whole territory: bars with their figures (a table).
#[component]
fn Chart(results: Keyed<ResultsResponse>, filters: Memo<Option<String>>) -> impl IntoView {
    let t = i18n::t();
    move || {
        let Some((_, Ok(r))) = results.get() else {
            return ().into_any();
        };
        let Some(question) = r.questions.first().cloned() else {
            return ().into_any();
        };
        let Some(total) = r
            .total
            .questions
            .iter()
            .find(|q| q.id == question.id)
            .cloned()
        else {
            return ().into_any();
        };
        if is_mean(&question) {
            let text = match total.mean {
                Some(stat) => stat
                    .value()
                    .map_or_else(|| t.secret.to_owned(), |v| format::decimal(v, 2)),
                None => t.empty.to_owned(),
            };
            return view! {
                <section class="tdb__graphique" aria-labelledby="tdb-graphique-titre">
                    <h2 id="tdb-graphique-titre">{t.chart_title}</h2>
                    <p>{(t.chart_mean)(&text)}</p>
                </section>
            }
            .into_any();
        }
        let bars = question
            .options
            .iter()
            .map(|o| {
                let cell = total
                    .options
                    .iter()
                    .find(|c| c.value == o.value)
                    .map(|c| c.cell);
                let (count, share, bar) = match cell {
                    Some(ResultCell::Value { count, share }) => {
                        let pct = share.unwrap_or(0.0) * 100.0;
                        (
                            view! { <td class="nombre">{format::count(count)}</td> }.into_any(),
                            view! { <td class="nombre">{share.map_or_else(|| "–".to_owned(), |s| format::percent(s, 1))}</td> }.into_any(),
                            view! { <span class="barre" style=format!("width: {:.1}%", pct.clamp(0.0, 100.0))></span> }.into_any(),
                        )
                    }
                    _ => (
                        view! { <td data-etat="secret">{secret_mark()}</td> }.into_any(),
                        view! { <td data-etat="secret">{secret_mark()}</td> }.into_any(),
                        ().into_any(),
                    ),
                };
                view! {
                    <tr>
                        <th scope="row">{o.label.clone()}</th>
                        {count}
                        {share}
                        <td class="barre-cellule" aria-hidden="true">{bar}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="tdb__graphique" aria-labelledby="tdb-graphique-titre">
                <h2 id="tdb-graphique-titre">{t.chart_title}</h2>
                <div class="tableau-defilant">
                    <table class="tableau tableau--barres" id="tdb-graphique">
                        <caption>
                            {(t.chart_caption)(&question.label)}
                            {filters.get().map(|f| format!(" — {f}"))}
                        </caption>
                        <thead>
                            <tr>
                                <th scope="col">{t.col_option}</th>
                                <th scope="col">{t.col_count}</th>
                                <th scope="col">{t.col_share}</th>
                                <td></td>
                            </tr>
                        </thead>
                        <tbody>{bars}</tbody>
                    </table>
                </div>
            </section>
        }
        .into_any()
    }
}

/// An indicator's value in French number format.
fn indicator_value(x: f64) -> String {
    format::decimal(x, 1)
}

/// Scatter geometry (SVG user units).
const SCATTER_WIDTH: f64 = 640.0;
const SCATTER_HEIGHT: f64 = 400.0;
const SCATTER_LEFT: f64 = 80.0;
const SCATTER_RIGHT: f64 = 20.0;
const SCATTER_TOP: f64 = 20.0;
const SCATTER_BOTTOM: f64 = 60.0;

/// The range of `values` for an axis, widened when every value is the same, and by 5 %
/// on each side so that no point sits on an axis (never below 0 for positive values).
fn axis_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if !low.is_finite() {
        (0.0, 1.0)
    } else if (high - low).abs() < f64::EPSILON {
        (low - 1.0, high + 1.0)
    } else {
        let pad = (high - low) * 0.05;
        let padded = low - pad;
        (
            if low >= 0.0 { padded.max(0.0) } else { padded },
            high + pad,
        )
    }
}

/// Longest title of the vertical axis of the scatter, characters (it must fit the plot's
/// height; the whole wording is in the figure's description and its table).
const AXIS_TITLE_MAX: usize = 44;

/// The vertical axis's title: the answer and measure of `what` (« Oui — Part des
/// répondants (%) »), shortened with « … » past [`AXIS_TITLE_MAX`].
fn axis_title(what: &str) -> String {
    let short = what.rsplit_once(" : ").map_or(what, |(_, rest)| rest);
    if short.chars().count() <= AXIS_TITLE_MAX {
        short.to_owned()
    } else {
        let cut: String = short.chars().take(AXIS_TITLE_MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// One territorial indicator (x) against the view's figure (y), one point per commune
/// outside statistical secrecy, with a note counting the secret communes left out and the
/// same points as a table.
#[component]
fn Scatter(
    indicator: IndicatorResponse,
    points: Vec<Point>,
    secret: usize,
    what: String,
    measure: Measure,
    mean: bool,
) -> impl IntoView {
    let t = i18n::t();
    let x_label = (t.indicator_heading)(&indicator.label, indicator.unit.as_deref());
    let (x_low, x_high) = axis_range(points.iter().map(|p| p.x));
    let (y_low, y_high) = axis_range(points.iter().map(|p| p.y));
    let plot_w = SCATTER_WIDTH - SCATTER_LEFT - SCATTER_RIGHT;
    let plot_h = SCATTER_HEIGHT - SCATTER_TOP - SCATTER_BOTTOM;
    let px = move |x: f64| SCATTER_LEFT + (x - x_low) / (x_high - x_low) * plot_w;
    let py = move |y: f64| SCATTER_TOP + (y_high - y) / (y_high - y_low) * plot_h;
    let bottom = SCATTER_TOP + plot_h;
    let right = SCATTER_LEFT + plot_w;
    let circles = points
        .iter()
        .map(|p| {
            view! {
                <circle class="tdb__point" data-code=p.code.clone()
                    cx=format!("{:.1}", px(p.x)) cy=format!("{:.1}", py(p.y)) r="5"></circle>
            }
        })
        .collect_view();
    let rows = points
        .iter()
        .map(|p| {
            view! {
                <tr data-code=p.code.clone()>
                    <th scope="row">{p.name.clone()}</th>
                    <td class="nombre">{indicator_value(p.x)}</td>
                    <td class="nombre">{format_value(p.y, measure, mean)}</td>
                </tr>
            }
        })
        .collect_view();
    let n = points.len();
    let graph = (n > 0).then(|| {
        view! {
            <svg class="tdb__nuage" viewBox=format!("0 0 {SCATTER_WIDTH} {SCATTER_HEIGHT}") role="img"
                aria-labelledby="tdb-nuage-svg-titre tdb-nuage-svg-desc">
                <title id="tdb-nuage-svg-titre">{(t.scatter_svg_title)(&x_label)}</title>
                <desc id="tdb-nuage-svg-desc">{(t.scatter_desc)(&x_label, &what, n)}</desc>
                <line class="tdb__axe" x1=SCATTER_LEFT y1=bottom x2=right y2=bottom></line>
                <line class="tdb__axe" x1=SCATTER_LEFT y1=SCATTER_TOP x2=SCATTER_LEFT y2=bottom></line>
                <text class="tdb__graduation" x=SCATTER_LEFT y=bottom + 18.0 text-anchor="start">{indicator_value(x_low)}</text>
                <text class="tdb__graduation" x=right y=bottom + 18.0 text-anchor="end">{indicator_value(x_high)}</text>
                <text class="tdb__graduation" x=SCATTER_LEFT - 6.0 y=bottom text-anchor="end">{format_value(y_low, measure, mean)}</text>
                <text class="tdb__graduation" x=SCATTER_LEFT - 6.0 y=SCATTER_TOP + 10.0 text-anchor="end">{format_value(y_high, measure, mean)}</text>
                <text class="tdb__titre-axe" x=SCATTER_LEFT + plot_w / 2.0 y=SCATTER_HEIGHT - 10.0 text-anchor="middle">{x_label.clone()}</text>
                <text class="tdb__titre-axe" text-anchor="middle"
                    transform=format!("translate(16 {:.1}) rotate(-90)", SCATTER_TOP + plot_h / 2.0)>{axis_title(&what)}</text>
                {circles}
            </svg>
        }
    });
    view! {
        <section class="tdb__indicateur" aria-labelledby="tdb-nuage-titre">
            <h2 id="tdb-nuage-titre">{t.scatter_title}</h2>
            <p class="tdb__note-secret" data-secretes=secret.to_string()>{(t.scatter_secret_note)(secret)}</p>
            {if n == 0 { Some(view! { <p>{t.scatter_empty}</p> }) } else { None }}
            {graph}
            <div class="tableau-defilant tdb__defilant">
                <table class="tableau" id="tdb-nuage">
                    <caption>{(t.scatter_caption)(&x_label)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t.col_area}</th>
                            <th scope="col">{x_label.clone()}</th>
                            <th scope="col">{what.clone()}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::{axis_range, axis_title, AXIS_TITLE_MAX};

    #[test]
    fn the_scatter_axes_leave_room_around_the_points_and_keep_titles_short() {
        let (low, high) = axis_range([10.0, 20.0].into_iter());
        assert!((low - 9.5).abs() < 1e-9 && (high - 20.5).abs() < 1e-9);
        // Shares never get a negative bound; equal values get a range.
        assert_eq!(axis_range([0.0, 1.0].into_iter()).0, 0.0);
        assert_eq!(axis_range([3.0, 3.0].into_iter()), (2.0, 4.0));
        assert_eq!(axis_range(std::iter::empty()), (0.0, 1.0));
        assert_eq!(
            axis_title("Avez-vous rencontré des difficultés ? : Oui — Part des répondants (%)"),
            "Oui — Part des répondants (%)"
        );
        let long = axis_title(&"x".repeat(100));
        assert_eq!(long.chars().count(), AXIS_TITLE_MAX);
        assert!(long.ends_with('…'));
    }
}
