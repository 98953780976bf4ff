//! `/admin/questionnaires/{id}`: the questionnaire editor.
//!
//! The definition being edited is one signal holding the domain's own
//! [`QuestionnaireDefinition`]. Fields write into it as people type; the form is only
//! rebuilt when its shape changes (a section or question added, moved, removed, a kind
//! changed), so that typing never loses the focus. Next to it, the **preview** renders the
//! same signal with the residents' renderer ([`WholeQuestionnaire`]): conditions can be
//! tried by answering it.
//!
//! Conditions (`show_if`) are built by picking an earlier choice or yes/no question, then
//! its options. Saving sends the whole definition (`PUT /api/v1/admin/questionnaires/{id}`);
//! the domain's validation errors come back keyed by path
//! (`sections[1].questions[2].kind.max`) and are shown next to the field of that path
//! (each field's `id` is [`dom_id`] of its path) and in a summary above the form. Saving a
//! version that already has answers creates a new version: the feedback says so.
//!
//! What is typed is kept in `sessionStorage` ([`super::drafts`]) until saved, so a session
//! that ends in the middle loses nothing.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    QuestionnaireResponse, SaveQuestionnaireRequest, SaveQuestionnaireResponse,
};
use solidarites_domain::questionnaire::{
    ChoiceOption, Condition, Question, QuestionKind, QuestionnaireDefinition, Section,
};

use super::drafts;
use super::session;
use super::shell::set_title;
use super::ui::{Feedback, FeedbackLine};
use crate::api::ApiError;
use crate::browser;
use crate::components::form::{
    described_by, help_id, ErrorSummary, FieldError, SummaryItem, SUMMARY_ID,
};
use crate::i18n::editor as i18n;
use crate::pages::questionnaire::fields::Form;
use crate::pages::questionnaire::WholeQuestionnaire;
use crate::router::percent_encode;

/// The `id` of the element showing the definition path `path`
/// (`sections[1].questions[0].kind.max` → `ed-sections-1-questions-0-kind-max`).
pub fn dom_id(path: &str) -> String {
    let mut id = String::from("ed-");
    for c in path.chars() {
        match c {
            '[' | '.' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

/// The path under which an error is shown: the options of a condition are one group
/// (`…show_if.any_of[2]` → `…show_if.any_of`).
pub fn shown_path(path: &str) -> String {
    match path.find(".any_of[") {
        Some(at) => format!("{}.any_of", &path[..at]),
        None => path.to_owned(),
    }
}

/// The API's (or the domain's) errors, keyed by shown path; messages of one group joined.
pub fn shown_errors(errors: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut shown: BTreeMap<String, String> = BTreeMap::new();
    for (path, message) in errors {
        shown
            .entry(shown_path(&path))
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&message);
            })
            .or_insert(message);
    }
    shown
}

/// Section and question indexes named by a path, and the path's last name.
fn parse_path(path: &str) -> (Option<usize>, Option<usize>, Option<usize>, String) {
    let index = |part: &str, name: &str| {
        part.strip_prefix(name)
            .and_then(|r| r.strip_prefix('['))
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|n| n.parse::<usize>().ok())
    };
    let (mut s, mut q, mut o) = (None, None, None);
    let mut last = String::new();
    for part in path.split('.') {
        if let Some(n) = index(part, "sections") {
            s = Some(n);
        } else if let Some(n) = index(part, "questions") {
            q = Some(n);
        } else if let Some(n) = index(part, "options") {
            o = Some(n);
            last = "options".to_owned();
        } else {
            last = part.split('[').next().unwrap_or(part).to_owned();
        }
    }
    (s, q, o, last)
}

/// A French name for the field at `path`, for the error summary
/// (« Section 2, question 3 : Maximum »).
pub fn path_label(path: &str) -> String {
    let t = i18n::t();
    let (s, q, o, last) = parse_path(path);
    let place = match (s, q) {
        (Some(s), Some(q)) => (t.question_n)(s + 1, q + 1),
        (Some(s), None) => (t.section_n)(s + 1),
        _ => t.whole_questionnaire.to_owned(),
    };
    let field = match (last.as_str(), o) {
        ("value", Some(o)) => format!("{} — {}", (t.option_n)(o + 1), t.option_value),
        ("label", Some(o)) => format!("{} — {}", (t.option_n)(o + 1), t.option_label),
        ("options", _) => t.options.to_owned(),
        ("id", _) if q.is_some() => t.question_id.to_owned(),
        ("id", _) => t.section_id.to_owned(),
        ("title", _) if s.is_some() => t.section_title.to_owned(),
        ("title", _) => t.field_title.to_owned(),
        ("label", _) => t.question_label.to_owned(),
        ("max_choices", _) => t.max_choices.to_owned(),
        ("min", _) => t.min.to_owned(),
        ("max", _) => t.max.to_owned(),
        ("max_length", _) => t.max_length.to_owned(),
        ("question", _) => t.condition_question.to_owned(),
        ("any_of", _) => t.condition_values.to_owned(),
        ("questions", _) | ("sections", _) => t.errors_of_question.to_owned(),
        (other, _) => other.to_owned(),
    };
    (t.field_label_in)(&place, &field)
}

/// The kinds, in the order of the kind menu: (`type` of the JSON, French name).
fn kinds() -> [(&'static str, &'static str); 9] {
    let t = i18n::t();
    [
        ("single_choice", t.kind_single_choice),
        ("multiple_choice", t.kind_multiple_choice),
        ("yes_no", t.kind_yes_no),
        ("scale", t.kind_scale),
        ("number", t.kind_number),
        ("short_text", t.kind_short_text),
        ("long_text", t.kind_long_text),
        ("date", t.kind_date),
        ("commune", t.kind_commune),
    ]
}

/// The `type` of a kind (as in its JSON).
pub fn kind_name(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::SingleChoice { .. } => "single_choice",
        QuestionKind::MultipleChoice { .. } => "multiple_choice",
        QuestionKind::YesNo => "yes_no",
        QuestionKind::Scale { .. } => "scale",
        QuestionKind::Number { .. } => "number",
        QuestionKind::ShortText { .. } => "short_text",
        QuestionKind::LongText { .. } => "long_text",
        QuestionKind::Date { .. } => "date",
        QuestionKind::Commune => "commune",
    }
}

/// A question of kind `name`, keeping the options of `previous` between choice kinds.
pub fn kind_of(name: &str, previous: &QuestionKind) -> QuestionKind {
    let options = match previous {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            options.clone()
        }
        _ => vec![
            ChoiceOption {
                value: "option_1".to_owned(),
                label: "Option 1".to_owned(),
            },
            ChoiceOption {
                value: "option_2".to_owned(),
                label: "Option 2".to_owned(),
            },
        ],
    };
    match name {
        "single_choice" => QuestionKind::SingleChoice { options },
        "multiple_choice" => QuestionKind::MultipleChoice {
            options,
            allow_other: false,
            max_choices: None,
        },
        "scale" => QuestionKind::Scale {
            min: 1,
            max: 5,
            min_label: None,
            max_label: None,
        },
        "number" => QuestionKind::Number {
            min: None,
            max: None,
            integer: false,
            unit: None,
        },
        "short_text" => QuestionKind::ShortText { max_length: 200 },
        "long_text" => QuestionKind::LongText { max_length: 2000 },
        "date" => QuestionKind::Date {
            min: None,
            max: None,
        },
        "commune" => QuestionKind::Commune,
        _ => QuestionKind::YesNo,
    }
}

/// A new yes/no question for `d`, with an id no other question has.
fn new_question(d: &QuestionnaireDefinition) -> Question {
    Question {
        id: fresh_id("question", d.questions().map(|(_, _, q)| q.id.as_str())),
        label: i18n::t().new_question_label.to_owned(),
        help: None,
        required: false,
        kind: QuestionKind::YesNo,
        show_if: None,
    }
}

/// `{prefix}_{n}` with the smallest `n` from 1 that `taken` does not hold.
pub fn fresh_id<'a>(prefix: &str, taken: impl Iterator<Item = &'a str>) -> String {
    let taken: Vec<&str> = taken.collect();
    (1..)
        .map(|n| format!("{prefix}_{n}"))
        .find(|id| !taken.contains(&id.as_str()))
        .unwrap_or_else(|| prefix.to_owned())
}

/// Moves question `(s, q)` one place up (`up`) or down in display order, into the
/// neighbouring section at a section's edge. Its new place, or `None` when it cannot move.
pub fn move_question(
    d: &mut QuestionnaireDefinition,
    s: usize,
    q: usize,
    up: bool,
) -> Option<(usize, usize)> {
    let len = d.sections.get(s)?.questions.len();
    if q >= len {
        return None;
    }
    if up && q > 0 {
        d.sections[s].questions.swap(q, q - 1);
        Some((s, q - 1))
    } else if up && s > 0 {
        let question = d.sections[s].questions.remove(q);
        d.sections[s - 1].questions.push(question);
        Some((s - 1, d.sections[s - 1].questions.len() - 1))
    } else if !up && q + 1 < len {
        d.sections[s].questions.swap(q, q + 1);
        Some((s, q + 1))
    } else if !up && s + 1 < d.sections.len() {
        let question = d.sections[s].questions.remove(q);
        d.sections[s + 1].questions.insert(0, question);
        Some((s + 1, 0))
    } else {
        None
    }
}

/// An earlier question a condition may use: id, label, and the (value, label) of each
/// answer.
pub type Target = (String, String, Vec<(String, String)>);

/// The earlier questions a condition of question `(s, q)` may use.
pub fn condition_targets(d: &QuestionnaireDefinition, s: usize, q: usize) -> Vec<Target> {
    let t = i18n::t();
    d.questions()
        .take_while(|(si, qi, _)| (*si, *qi) < (s, q))
        .filter_map(|(_, _, question)| {
            let values = match &question.kind {
                QuestionKind::SingleChoice { options }
                | QuestionKind::MultipleChoice { options, .. } => options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.clone()))
                    .collect(),
                QuestionKind::YesNo => vec![
                    ("yes".to_owned(), t.yes.to_owned()),
                    ("no".to_owned(), t.no.to_owned()),
                ],
                _ => return None,
            };
            Some((question.id.clone(), question.label.clone(), values))
        })
        .collect()
}

/// The editor's state, shared by its parts.
#[derive(Clone, Copy)]
struct Editor {
    /// The definition as typed.
    def: RwSignal<QuestionnaireDefinition>,
    /// Bumped when the form must be rebuilt (its shape changed).
    shape: RwSignal<u32>,
    /// Shown path → message.
    errors: RwSignal<BTreeMap<String, String>>,
    /// What the last structural change did, said to screen readers.
    said: RwSignal<Option<Feedback>>,
}

impl Editor {
    fn error(self, path: String) -> Signal<Option<String>> {
        Signal::derive(move || self.errors.with(|e| e.get(&path).cloned()))
    }

    /// A change of shape: applied, the form rebuilt, errors checked again by the domain
    /// when some are shown (their paths may have moved), then the focus on `focus`.
    fn reshape(self, change: impl FnOnce(&mut QuestionnaireDefinition), focus: Option<String>) {
        self.def.update(change);
        if !self.errors.with_untracked(BTreeMap::is_empty) {
            let errors = self
                .def
                .with_untracked(|d| d.validate().err().map(|e| e.0).unwrap_or_default());
            self.errors.set(shown_errors(errors));
        }
        self.shape.update(|n| *n += 1);
        if let Some(id) = focus {
            browser::after_render(move || browser::focus_id(&id));
        }
    }

    fn question(self, s: usize, q: usize, f: impl FnOnce(&mut Question)) {
        self.def.update(|d| {
            if let Some(question) = d.sections.get_mut(s).and_then(|x| x.questions.get_mut(q)) {
                f(question);
            }
        });
    }
}

fn question_path(s: usize, q: usize) -> String {
    format!("sections[{s}].questions[{q}]")
}

/// A text field bound to a part of the definition; its error is the one of `path`.
#[allow(clippy::too_many_arguments)]
fn text_field(
    ed: Editor,
    path: String,
    label: String,
    hint: Option<&'static str>,
    value: String,
    kind: &'static str,
    multiline: bool,
    set: impl Fn(&mut QuestionnaireDefinition, String) + Send + Sync + 'static,
) -> impl IntoView {
    let id = dom_id(&path);
    let error = ed.error(path);
    let has_hint = hint.is_some();
    let field = id.clone();
    let describedby = move || described_by(&field, has_hint, error.with(Option::is_some));
    let invalid = move || error.with(Option::is_some).then_some("true");
    let input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        ed.def.update(|d| set(d, text));
    };
    let control = if multiline {
        view! {
            <textarea class="saisie" id=id.clone() rows="2" prop:value=value
                on:input=input aria-describedby=describedby aria-invalid=invalid></textarea>
        }
        .into_any()
    } else {
        view! {
            <input class="saisie" id=id.clone() type=kind prop:value=value
                on:input=input aria-describedby=describedby aria-invalid=invalid/>
        }
        .into_any()
    };
    view! {
        <div class="champ">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p id=help_id(&id) class="champ__aide">{h}</p> })}
            <FieldError field_id=id.clone() message=error/>
            {control}
        </div>
    }
}

/// A checkbox bound to a part of the definition.
fn check_field(
    path: String,
    label: &'static str,
    checked: bool,
    ed: Editor,
    set: impl Fn(&mut QuestionnaireDefinition, bool) + Send + Sync + 'static,
) -> impl IntoView {
    let id = dom_id(&path);
    view! {
        <div class="champ champ--case">
            <input id=id.clone() type="checkbox" prop:checked=checked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    ed.def.update(|d| set(d, on));
                }/>
            <label for=id>{label}</label>
        </div>
    }
}

/// Parses an optional number field: `Ok(None)` when empty.
fn optional<T: std::str::FromStr>(text: &str) -> Result<Option<T>, ()> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() {
        Ok(None)
    } else {
        text.parse::<T>().map(Some).map_err(|_| ())
    }
}

/// A number field: the definition changes when the text is a number of the right type,
/// else the field says what is expected (and the definition keeps its last number).
#[allow(clippy::too_many_arguments)]
fn number_field<T: std::str::FromStr + 'static>(
    ed: Editor,
    path: String,
    label: &'static str,
    hint: Option<&'static str>,
    value: String,
    required: bool,
    whole: bool,
    set: impl Fn(&mut Question, Option<T>) + Send + Sync + Copy + 'static,
    s: usize,
    q: usize,
) -> impl IntoView {
    let key = path.clone();
    text_field(
        ed,
        path,
        label.to_owned(),
        hint,
        value,
        "text",
        false,
        move |d, text| {
            let parsed = optional::<T>(&text);
            let problem = match &parsed {
                Err(()) if whole => Some("Nombre entier attendu."),
                Err(()) => Some("Nombre attendu."),
                Ok(None) if required => Some("Ce nombre est obligatoire."),
                Ok(_) => None,
            };
            // The errors are their own signal: updated from here without conflict.
            ed.errors.update(|e| match problem {
                Some(m) => {
                    e.insert(key.clone(), m.to_owned());
                }
                None => {
                    e.remove(&key);
                }
            });
            if let Ok(value) = parsed {
                if value.is_some() || !required {
                    if let Some(question) =
                        d.sections.get_mut(s).and_then(|x| x.questions.get_mut(q))
                    {
                        set(question, value);
                    }
                }
            }
        },
    )
}

fn optional_text(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}

#[component]
pub fn EditorPage(id: String) -> impl IntoView {
    let t = i18n::t();
    set_title(t.list_title);
    let loaded: RwSignal<Option<Result<QuestionnaireResponse, ApiError>>> = RwSignal::new(None);
    let url = format!("/api/v1/admin/questionnaires/{}", percent_encode(&id));
    leptos::task::spawn_local(async move {
        let result = session::get::<QuestionnaireResponse>(&url).await;
        let _ = loaded.try_set(Some(result));
    });
    view! {
        <p><a href="/admin/questionnaires">{t.back_to_list}</a></p>
        {move || match loaded.get() {
            None => view! {
                <h1>{t.list_title}</h1>
                <p class="statut statut--attente">{crate::i18n::common::t().loading}</p>
            }
            .into_any(),
            Some(Err(error)) => view! {
                <h1>{t.list_title}</h1>
                <p class="statut statut--erreur" role="alert">{error.message()}</p>
            }
            .into_any(),
            Some(Ok(q)) => match serde_json::from_value::<QuestionnaireDefinition>(q.latest.definition.clone()) {
                Ok(definition) => view! { <EditorForm questionnaire=q definition=definition/> }.into_any(),
                Err(_) => view! {
                    <h1>{t.list_title}</h1>
                    <p class="statut statut--erreur" role="alert">{crate::i18n::common::t().error_body}</p>
                }
                .into_any(),
            },
        }}
    }
}

const DRAFT_FIELD: &str = "definition";

#[component]
fn EditorForm(
    questionnaire: QuestionnaireResponse,
    definition: QuestionnaireDefinition,
) -> impl IntoView {
    let t = i18n::t();
    set_title(&(t.editor_title)(&questionnaire.title));
    let id = StoredValue::new(questionnaire.id.clone());
    let version = RwSignal::new(questionnaire.latest.version);
    let frozen = RwSignal::new(questionnaire.latest.frozen_at.is_some());
    let title = RwSignal::new(questionnaire.title.clone());
    // The saved definition, and what is typed (a draft left by an ended session first).
    let saved = RwSignal::new(definition.clone());
    let draft = drafts::stored(DRAFT_FIELD)
        .and_then(|text| serde_json::from_str::<QuestionnaireDefinition>(&text).ok())
        .filter(|d| *d != definition);
    let restored = draft.is_some();
    let ed = Editor {
        def: RwSignal::new(draft.unwrap_or(definition)),
        shape: RwSignal::new(0),
        errors: RwSignal::new(BTreeMap::new()),
        said: RwSignal::new(None),
    };
    let feedback: RwSignal<Option<Feedback>> =
        RwSignal::new(restored.then(|| Feedback::Done(t.draft_restored.to_owned())));
    let dirty = Memo::new(move |_| ed.def.with(|d| saved.with(|s| d != s)));
    let storage_key = drafts::key(&session::here(), DRAFT_FIELD);
    Effect::new(move |_| {
        if dirty.get() {
            if let Ok(text) = ed.def.with_untracked(serde_json::to_string) {
                browser::session_set(&storage_key, &text);
            }
        } else {
            browser::session_remove(&storage_key);
        }
    });

    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let definition = ed.def.get_untracked();
        let body = SaveQuestionnaireRequest {
            definition: serde_json::to_value(&definition).unwrap_or_default(),
        };
        let url = format!(
            "/api/v1/admin/questionnaires/{}",
            percent_encode(&id.get_value())
        );
        let before = version.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = session::put::<_, SaveQuestionnaireResponse>(&url, &body).await;
            busy.set(false);
            match result {
                Ok(done) => {
                    ed.errors.set(BTreeMap::new());
                    let message = if done.new_version {
                        (t.saved_new_version)(before, done.version)
                    } else {
                        (t.saved_in_place)(done.version)
                    };
                    feedback.set(Some(Feedback::Done(message)));
                    version.set(done.version);
                    frozen.set(done.questionnaire.latest.frozen_at.is_some());
                    title.set(done.questionnaire.title.clone());
                    saved.set(definition);
                }
                Err(ApiError::Http { status: 401, .. }) => {}
                Err(error) => {
                    let fields = shown_errors(error.fields());
                    let has_fields = !fields.is_empty();
                    ed.errors.set(fields);
                    feedback.set(Some(Feedback::failed(&error)));
                    if has_fields {
                        browser::after_render(|| browser::focus_id(SUMMARY_ID));
                    }
                }
            }
        });
    };
    let forget = move |_| {
        let d = saved.get_untracked();
        ed.errors.set(BTreeMap::new());
        feedback.set(None);
        ed.reshape(move |def| *def = d, None);
    };
    let summary = Signal::derive(move || {
        ed.errors.with(|errors| {
            errors
                .iter()
                .map(|(path, message)| SummaryItem {
                    field_id: dom_id(path),
                    label: path_label(path),
                    message: message.clone(),
                })
                .collect::<Vec<_>>()
        })
    });

    view! {
        <h1>{move || (t.editor_title)(&title.get())}</h1>
        <p class="intro">{t.editor_intro}</p>
        <p class="texte-doux">
            {move || (t.editing_version)(version.get())}" "
            {move || frozen.get().then_some(t.frozen_note)}
        </p>
        <FeedbackLine feedback=feedback/>
        <div class="retour-action visuellement-cache" role="status">
            {move || match ed.said.get() {
                Some(Feedback::Done(m)) | Some(Feedback::Failed(m)) => m,
                None => String::new(),
            }}
        </div>
        <div class="editeur">
            <form class="editeur__formulaire" novalidate on:submit=save>
                <ErrorSummary items=summary/>
                {move || {
                    ed.shape.track();
                    view! { <Structure ed=ed/> }
                }}
                <div class="boutons editeur__enregistrer">
                    <button type="submit" class="bouton bouton--plein"
                        aria-disabled=move || busy.get().then_some("true")>
                        {move || if busy.get() { t.saving } else { t.save }}
                    </button>
                    {move || dirty.get().then(|| view! {
                        <span class="texte-doux">{t.not_saved}</span>
                        <button type="button" class="bouton bouton--discret" on:click=forget>
                            {t.forget_draft}
                        </button>
                    })}
                </div>
            </form>
            <Preview ed=ed/>
        </div>
    }
}

/// The questionnaire as residents will see it, answerable; its answers are kept while the
/// definition changes.
#[component]
fn Preview(ed: Editor) -> impl IntoView {
    let t = i18n::t();
    let preview = Form {
        definition: StoredValue::new(ed.def.get_untracked()),
        answers: RwSignal::new(BTreeMap::new()),
        texts: RwSignal::new(BTreeMap::new()),
        errors: RwSignal::new(BTreeMap::new()),
    };
    let preview_view = move || {
        let definition = ed.def.get();
        let form = Form {
            definition: StoredValue::new(definition),
            ..preview
        };
        view! { <WholeQuestionnaire form=form/> }
    };

    view! {
        <section class="editeur__apercu" aria-labelledby="apercu-titre">
            <h2 id="apercu-titre">{t.preview_title}</h2>
            <p class="texte-doux">{t.preview_intro}</p>
            <button type="button" class="bouton bouton--discret"
                on:click=move |_| {
                    preview.answers.set(BTreeMap::new());
                    preview.texts.set(BTreeMap::new());
                }>
                {t.preview_reset}
            </button>
            <div class="editeur__rendu">{preview_view}</div>
        </section>
    }
}

/// The whole form, built from the definition as it is when the shape changes.
#[component]
fn Structure(ed: Editor) -> impl IntoView {
    let t = i18n::t();
    let d = ed.def.get_untracked();
    let sections_error = ed.error("sections".to_owned());
    let section_count = d.sections.len();
    let sections = d
        .sections
        .iter()
        .enumerate()
        .map(|(s, section)| view! { <SectionBlock ed=ed s=s section=section.clone() count=section_count/> })
        .collect_view();
    let add_section = move |_| {
        let focus = ed
            .def
            .with_untracked(|d| dom_id(&format!("sections[{}].title", d.sections.len())));
        ed.reshape(
            |d| {
                let id = fresh_id("section", d.sections.iter().map(|s| s.id.as_str()));
                let question = new_question(d);
                d.sections.push(Section {
                    id,
                    title: t.new_section_title.to_owned(),
                    description: None,
                    questions: vec![question],
                });
            },
            Some(focus),
        );
        ed.said
            .set(Some(Feedback::Done((t.added)(t.new_section_title))));
    };
    view! {
        <fieldset class="editeur__general">
            <legend>{t.general}</legend>
            {text_field(ed, "title".into(), t.field_title.into(), None, d.title.clone(), "text", false,
                |d, v| d.title = v)}
            {text_field(ed, "description".into(), t.field_description.into(), None, d.description.clone(), "text", true,
                |d, v| d.description = v)}
        </fieldset>
        <div id=dom_id("sections") tabindex="-1">
            <FieldError field_id=dom_id("sections") message=sections_error/>
            {sections}
        </div>
        <button type="button" class="bouton" on:click=add_section>{t.add_section}</button>
    }
}

/// Move up, move down and remove buttons of an item; `id_base` names them
/// (`{id_base}-monter`…) so the focus can follow the item.
fn item_buttons(
    id_base: String,
    what: String,
    can_up: bool,
    can_down: bool,
    up: impl Fn() + 'static,
    down: impl Fn() + 'static,
    remove: impl Fn() + 'static,
) -> impl IntoView {
    let t = i18n::t();
    view! {
        <div class="boutons boutons--serres">
            {item_button(format!("{id_base}-monter"), t.move_up, &what, can_up, up)}
            {item_button(format!("{id_base}-descendre"), t.move_down, &what, can_down, down)}
            {item_button(format!("{id_base}-supprimer"), t.remove, &what, true, remove)}
        </div>
    }
}

/// One of [`item_buttons`]: `text`, said with the item (`what`) to screen readers;
/// `act` when `enabled`.
fn item_button(
    id: String,
    text: &'static str,
    what: &str,
    enabled: bool,
    act: impl Fn() + 'static,
) -> impl IntoView {
    view! {
        <button type="button" class="bouton bouton--discret" id=id
            aria-label=(i18n::t().action_of)(text, what)
            aria-disabled=(!enabled).then_some("true")
            on:click=move |_| if enabled { act() }>
            {text}
        </button>
    }
}

#[component]
fn SectionBlock(ed: Editor, s: usize, section: Section, count: usize) -> impl IntoView {
    let t = i18n::t();
    let path = format!("sections[{s}]");
    let block_id = dom_id(&path);
    let heading_id = format!("{block_id}-titre");
    let questions_error = ed.error(format!("{path}.questions"));
    let total_questions = ed.def.with_untracked(|d| d.questions().count());
    let question_count = section.questions.len();
    let what = section.title.clone();
    let questions = section
        .questions
        .iter()
        .enumerate()
        .map(|(q, question)| {
            view! {
                <QuestionBlock ed=ed s=s q=q question=question.clone()
                    last_in_section=q + 1 == question_count last_section=s + 1 == count
                    only_question=total_questions == 1/>
            }
        })
        .collect_view();
    let moved_what = what.clone();
    let move_section = move |up: bool| {
        let target = if up { s - 1 } else { s + 1 };
        let focus = format!(
            "{}-{}",
            dom_id(&format!("sections[{target}]")),
            if up { "monter" } else { "descendre" }
        );
        ed.reshape(move |d| d.sections.swap(s, target), Some(focus));
        ed.said.set(Some(Feedback::Done((t.moved)(&moved_what))));
    };
    let removed_what = what.clone();
    let remove = move || {
        let focus = if s > 0 {
            dom_id(&format!("sections[{}]", s - 1))
        } else {
            dom_id("sections")
        };
        ed.reshape(
            move |d| {
                if s < d.sections.len() {
                    d.sections.remove(s);
                }
            },
            Some(focus),
        );
        ed.said
            .set(Some(Feedback::Done((t.removed)(&removed_what))));
    };
    let add_question = move |_| {
        let focus = dom_id(&format!("{}.label", question_path(s, question_count)));
        ed.reshape(
            move |d| {
                let question = new_question(d);
                if let Some(section) = d.sections.get_mut(s) {
                    section.questions.push(question);
                }
            },
            Some(focus),
        );
        ed.said
            .set(Some(Feedback::Done((t.added)(t.new_question_label))));
    };
    let move_up = move_section.clone();
    view! {
        <section class="editeur__section" id=block_id.clone() tabindex="-1" aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>{(t.section_heading)(s + 1, &section.title)}</h2>
            {item_buttons(block_id.clone(), what.clone(), s > 0, s + 1 < count,
                move || move_up(true), move || move_section(false), remove)}
            {text_field(ed, format!("{path}.title"), t.section_title.into(), None, section.title.clone(), "text", false,
                move |d, v| if let Some(x) = d.sections.get_mut(s) { x.title = v })}
            {text_field(ed, format!("{path}.id"), t.section_id.into(), Some(t.id_hint), section.id.clone(), "text", false,
                move |d, v| if let Some(x) = d.sections.get_mut(s) { x.id = v })}
            {text_field(ed, format!("{path}.description"), t.section_description.into(), None,
                section.description.clone().unwrap_or_default(), "text", true,
                move |d, v| if let Some(x) = d.sections.get_mut(s) { x.description = optional_text(v) })}
            <div id=dom_id(&format!("{path}.questions")) tabindex="-1">
                <FieldError field_id=dom_id(&format!("{path}.questions")) message=questions_error/>
                {questions}
            </div>
            <button type="button" class="bouton" on:click=add_question>
                {(t.add_question_to)(&what)}
            </button>
        </section>
    }
}

#[component]
fn QuestionBlock(
    ed: Editor,
    s: usize,
    q: usize,
    question: Question,
    last_in_section: bool,
    last_section: bool,
    only_question: bool,
) -> impl IntoView {
    let t = i18n::t();
    let path = question_path(s, q);
    let block_id = dom_id(&path);
    let heading_id = format!("{block_id}-titre");
    let position = ed.def.with_untracked(|d| {
        d.questions()
            .position(|(si, qi, _)| (si, qi) == (s, q))
            .unwrap_or(0)
    });
    let what = question.label.clone();
    let can_up = position > 0;
    let can_down = !(last_in_section && last_section);
    let moved_what = what.clone();
    let move_to = move |up: bool| {
        let place = ed.def.with_untracked(|d| {
            let mut copy = d.clone();
            move_question(&mut copy, s, q, up)
        });
        let Some((ns, nq)) = place else { return };
        let focus = format!(
            "{}-{}",
            dom_id(&question_path(ns, nq)),
            if up { "monter" } else { "descendre" }
        );
        ed.reshape(
            move |d| {
                move_question(d, s, q, up);
            },
            Some(focus),
        );
        ed.said.set(Some(Feedback::Done((t.moved)(&moved_what))));
    };
    let removed_what = what.clone();
    let remove = move || {
        if only_question {
            return;
        }
        let focus = if q > 0 {
            dom_id(&question_path(s, q - 1))
        } else {
            dom_id(&format!("sections[{s}]"))
        };
        ed.reshape(
            move |d| {
                if let Some(section) = d.sections.get_mut(s) {
                    if q < section.questions.len() {
                        section.questions.remove(q);
                    }
                }
            },
            Some(focus),
        );
        ed.said
            .set(Some(Feedback::Done((t.removed)(&removed_what))));
    };
    let kind_id = dom_id(&format!("{path}.kind"));
    let current_kind = kind_name(&question.kind);
    let change_kind = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        let focus = dom_id(&format!("{}.kind", question_path(s, q)));
        ed.reshape(
            move |d| {
                if let Some(question) = d.sections.get_mut(s).and_then(|x| x.questions.get_mut(q)) {
                    question.kind = kind_of(&name, &question.kind);
                }
            },
            Some(focus),
        );
    };
    let move_up = move_to.clone();
    view! {
        <fieldset class="editeur__question" id=block_id.clone() tabindex="-1" aria-labelledby=heading_id.clone()>
            <legend class="visuellement-cache">{(t.question_n)(s + 1, q + 1)}</legend>
            <h3 id=heading_id.clone()>{(t.question_heading)(position + 1, &question.label)}</h3>
            {item_buttons(block_id.clone(), what.clone(), can_up, can_down,
                move || move_up(true), move || move_to(false), remove)}
            {text_field(ed, format!("{path}.label"), t.question_label.into(), None, question.label.clone(), "text", false,
                move |d, v| if let Some(x) = d.sections.get_mut(s).and_then(|x| x.questions.get_mut(q)) { x.label = v })}
            {text_field(ed, format!("{path}.id"), t.question_id.into(), Some(t.id_hint), question.id.clone(), "text", false,
                move |d, v| if let Some(x) = d.sections.get_mut(s).and_then(|x| x.questions.get_mut(q)) { x.id = v })}
            {text_field(ed, format!("{path}.help"), t.question_help.into(), None, question.help.clone().unwrap_or_default(), "text", false,
                move |d, v| if let Some(x) = d.sections.get_mut(s).and_then(|x| x.questions.get_mut(q)) { x.help = optional_text(v) })}
            {check_field(format!("{path}.required"), t.question_required, question.required, ed,
                move |d, on| if let Some(x) = d.sections.get_mut(s).and_then(|x| x.questions.get_mut(q)) { x.required = on })}
            <div class="champ">
                <label for=kind_id.clone()>{t.question_kind}</label>
                <select class="saisie" id=kind_id on:change=change_kind>
                    {kinds()
                        .into_iter()
                        .map(|(name, label)| view! { <option value=name selected=name == current_kind>{label}</option> })
                        .collect_view()}
                </select>
            </div>
            <KindFields ed=ed s=s q=q kind=question.kind.clone()/>
            <ConditionFields ed=ed s=s q=q condition=question.show_if.clone()/>
        </fieldset>
    }
}

/// The constraints of the question's kind.
#[component]
fn KindFields(ed: Editor, s: usize, q: usize, kind: QuestionKind) -> impl IntoView {
    let t = i18n::t();
    let path = format!("{}.kind", question_path(s, q));
    let p = move |name: &str| format!("{path}.{name}");
    match kind {
        QuestionKind::SingleChoice { options } => {
            view! { <OptionsFields ed=ed s=s q=q options=options/> }.into_any()
        }
        QuestionKind::MultipleChoice {
            options,
            allow_other,
            max_choices,
        } => view! {
            <OptionsFields ed=ed s=s q=q options=options/>
            {check_field(p("allow_other"), t.allow_other, allow_other, ed, move |d, on| {
                if let Some(QuestionKind::MultipleChoice { allow_other, .. }) = kind_mut(d, s, q) {
                    *allow_other = on;
                }
            })}
            {number_field::<u32>(ed, p("max_choices"), t.max_choices, Some(t.max_choices_hint),
                max_choices.map(|n| n.to_string()).unwrap_or_default(), false, true,
                |question, n| if let QuestionKind::MultipleChoice { max_choices, .. } = &mut question.kind {
                    *max_choices = n;
                }, s, q)}
        }
        .into_any(),
        QuestionKind::Scale {
            min,
            max,
            min_label,
            max_label,
        } => view! {
            <div class="formulaire-console--ligne">
                {number_field::<i32>(ed, p("min"), t.min, None, min.to_string(), true, true,
                    |question, n| if let (QuestionKind::Scale { min, .. }, Some(n)) = (&mut question.kind, n) { *min = n; }, s, q)}
                {number_field::<i32>(ed, p("max"), t.max, None, max.to_string(), true, true,
                    |question, n| if let (QuestionKind::Scale { max, .. }, Some(n)) = (&mut question.kind, n) { *max = n; }, s, q)}
            </div>
            {text_field(ed, p("min_label"), t.min_label.into(), None, min_label.unwrap_or_default(), "text", false,
                move |d, v| if let Some(QuestionKind::Scale { min_label, .. }) = kind_mut(d, s, q) { *min_label = optional_text(v) })}
            {text_field(ed, p("max_label"), t.max_label.into(), None, max_label.unwrap_or_default(), "text", false,
                move |d, v| if let Some(QuestionKind::Scale { max_label, .. }) = kind_mut(d, s, q) { *max_label = optional_text(v) })}
        }
        .into_any(),
        QuestionKind::Number {
            min,
            max,
            integer,
            unit,
        } => view! {
            <div class="formulaire-console--ligne">
                {number_field::<f64>(ed, p("min"), t.min, None, min.map(|x| x.to_string()).unwrap_or_default(), false, false,
                    |question, n| if let QuestionKind::Number { min, .. } = &mut question.kind { *min = n; }, s, q)}
                {number_field::<f64>(ed, p("max"), t.max, None, max.map(|x| x.to_string()).unwrap_or_default(), false, false,
                    |question, n| if let QuestionKind::Number { max, .. } = &mut question.kind { *max = n; }, s, q)}
            </div>
            {check_field(p("integer"), t.integer, integer, ed, move |d, on| {
                if let Some(QuestionKind::Number { integer, .. }) = kind_mut(d, s, q) { *integer = on; }
            })}
            {text_field(ed, p("unit"), t.unit.into(), None, unit.unwrap_or_default(), "text", false,
                move |d, v| if let Some(QuestionKind::Number { unit, .. }) = kind_mut(d, s, q) { *unit = optional_text(v) })}
        }
        .into_any(),
        QuestionKind::ShortText { max_length } | QuestionKind::LongText { max_length } => {
            number_field::<u32>(ed, p("max_length"), t.max_length, None, max_length.to_string(), true, true,
                |question, n| if let (QuestionKind::ShortText { max_length } | QuestionKind::LongText { max_length }, Some(n)) = (&mut question.kind, n) {
                    *max_length = n;
                }, s, q)
            .into_any()
        }
        QuestionKind::Date { min, max } => view! {
            <div class="formulaire-console--ligne">
                {text_field(ed, p("min"), t.date_min.into(), Some(t.date_hint), min.unwrap_or_default(), "text", false,
                    move |d, v| if let Some(QuestionKind::Date { min, .. }) = kind_mut(d, s, q) { *min = optional_text(v) })}
                {text_field(ed, p("max"), t.date_max.into(), Some(t.date_hint), max.unwrap_or_default(), "text", false,
                    move |d, v| if let Some(QuestionKind::Date { max, .. }) = kind_mut(d, s, q) { *max = optional_text(v) })}
            </div>
        }
        .into_any(),
        QuestionKind::YesNo | QuestionKind::Commune => ().into_any(),
    }
}

fn kind_mut(d: &mut QuestionnaireDefinition, s: usize, q: usize) -> Option<&mut QuestionKind> {
    d.sections
        .get_mut(s)
        .and_then(|x| x.questions.get_mut(q))
        .map(|x| &mut x.kind)
}

fn options_mut(
    d: &mut QuestionnaireDefinition,
    s: usize,
    q: usize,
) -> Option<&mut Vec<ChoiceOption>> {
    match kind_mut(d, s, q)? {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options, .. } => {
            Some(options)
        }
        _ => None,
    }
}

/// The options of a choice question: value and label of each, add and remove.
#[component]
fn OptionsFields(ed: Editor, s: usize, q: usize, options: Vec<ChoiceOption>) -> impl IntoView {
    let t = i18n::t();
    let path = format!("{}.kind.options", question_path(s, q));
    let group_id = dom_id(&path);
    let error = ed.error(path.clone());
    let count = options.len();
    let question_label = ed.def.with_untracked(|d| {
        d.sections
            .get(s)
            .and_then(|x| x.questions.get(q))
            .map(|x| x.label.clone())
            .unwrap_or_default()
    });
    let rows = options
        .into_iter()
        .enumerate()
        .map(|(k, option)| {
            let op = format!("{path}[{k}]");
            let label = question_label.clone();
            let remove = move |_| {
                let focus = dom_id(&format!("{}.kind.options", question_path(s, q)));
                ed.reshape(
                    move |d| {
                        if let Some(options) = options_mut(d, s, q) {
                            if k < options.len() {
                                options.remove(k);
                            }
                        }
                    },
                    Some(focus),
                );
            };
            view! {
                <div class="editeur__option">
                    {text_field(ed, format!("{op}.label"), format!("{} — {}", (t.option_n)(k + 1), t.option_label), None,
                        option.label.clone(), "text", false,
                        move |d, v| if let Some(o) = options_mut(d, s, q).and_then(|o| o.get_mut(k)) { o.label = v })}
                    {text_field(ed, format!("{op}.value"), format!("{} — {}", (t.option_n)(k + 1), t.option_value), None,
                        option.value.clone(), "text", false,
                        move |d, v| if let Some(o) = options_mut(d, s, q).and_then(|o| o.get_mut(k)) { o.value = v })}
                    <button type="button" class="bouton bouton--discret"
                        aria-label=(t.remove_option)(k + 1, &label) on:click=remove>
                        {t.remove}
                    </button>
                </div>
            }
        })
        .collect_view();
    let add = move |_| {
        let focus = dom_id(&format!(
            "{}.kind.options[{count}].label",
            question_path(s, q)
        ));
        ed.reshape(
            move |d| {
                if let Some(options) = options_mut(d, s, q) {
                    let value = fresh_id("option", options.iter().map(|o| o.value.as_str()));
                    options.push(ChoiceOption {
                        label: value.replace('_', " "),
                        value,
                    });
                }
            },
            Some(focus),
        );
    };
    view! {
        <fieldset class="editeur__options" id=group_id.clone() tabindex="-1">
            <legend>{t.options}</legend>
            <FieldError field_id=group_id.clone() message=error/>
            {rows}
            <button type="button" class="bouton bouton--discret" on:click=add>{t.add_option}</button>
        </fieldset>
    }
}

/// The condition: an earlier choice or yes/no question, then the answers that show this one.
#[component]
fn ConditionFields(ed: Editor, s: usize, q: usize, condition: Option<Condition>) -> impl IntoView {
    let t = i18n::t();
    let path = format!("{}.show_if", question_path(s, q));
    let select_id = dom_id(&format!("{path}.question"));
    let values_id = dom_id(&format!("{path}.any_of"));
    let question_error = ed.error(format!("{path}.question"));
    let values_error = ed.error(format!("{path}.any_of"));
    let targets = Memo::new(move |_| ed.def.with(|d| condition_targets(d, s, q)));
    // The question the condition is on, as typed (its id).
    let target = Memo::new(move |_| {
        ed.def.with(|d| {
            d.sections
                .get(s)
                .and_then(|x| x.questions.get(q))
                .and_then(|x| x.show_if.as_ref())
                .map(|c| c.question.clone())
        })
    });
    let initial = condition.map(|c| c.question);
    let choose = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        ed.question(s, q, |question| {
            question.show_if = (!chosen.is_empty()).then(|| Condition {
                question: chosen,
                any_of: Vec::new(),
            });
        });
    };
    let select_described = {
        let id = select_id.clone();
        move || described_by(&id, false, question_error.with(Option::is_some))
    };
    let values = move || {
        let chosen = target.get()?;
        let answers = targets.with(|list| {
            list.iter()
                .find(|(id, _, _)| *id == chosen)
                .map(|(_, _, values)| values.clone())
        })?;
        let group = values_id.clone();
        let boxes = answers
            .into_iter()
            .enumerate()
            .map(|(k, (value, label))| {
                let box_id = format!("{group}-{k}");
                let v = value.clone();
                let checked = move || {
                    ed.def.with(|d| {
                        d.sections
                            .get(s)
                            .and_then(|x| x.questions.get(q))
                            .and_then(|x| x.show_if.as_ref())
                            .is_some_and(|c| c.any_of.contains(&v))
                    })
                };
                let toggle = move |ev: leptos::ev::Event| {
                    let on = event_target_checked(&ev);
                    let value = value.clone();
                    ed.question(s, q, move |question| {
                        if let Some(condition) = question.show_if.as_mut() {
                            condition.any_of.retain(|x| *x != value);
                            if on {
                                condition.any_of.push(value);
                            }
                        }
                    });
                };
                view! {
                    <div class="champ champ--case">
                        <input type="checkbox" id=box_id.clone() prop:checked=checked on:change=toggle/>
                        <label for=box_id>{label}</label>
                    </div>
                }
            })
            .collect_view();
        let described = {
            let id = group.clone();
            move || described_by(&id, false, values_error.with(Option::is_some))
        };
        Some(view! {
            <fieldset class="editeur__valeurs" id=group.clone() tabindex="-1" aria-describedby=described>
                <legend>{t.condition_values}</legend>
                <FieldError field_id=group.clone() message=values_error/>
                {boxes}
            </fieldset>
        })
    };
    view! {
        <fieldset class="editeur__condition">
            <legend>{t.condition}</legend>
            <div class="champ">
                <label for=select_id.clone()>{t.condition_question}</label>
                <FieldError field_id=select_id.clone() message=question_error/>
                <select class="saisie" id=select_id on:change=choose
                    aria-describedby=select_described
                    aria-invalid=move || question_error.with(Option::is_some).then_some("true")>
                    <option value="" selected=initial.is_none()>{t.condition_always}</option>
                    {move || {
                        let current = target.get_untracked();
                        let mut list: Vec<(String, String)> = targets
                            .get()
                            .into_iter()
                            .map(|(id, label, _)| (id, label))
                            .collect();
                        // A condition on a question that is no longer before this one
                        // stays listed, so that its error can be read and fixed.
                        if let Some(current) = current.as_ref() {
                            if !list.iter().any(|(id, _)| id == current) {
                                list.push((current.clone(), current.clone()));
                            }
                        }
                        list.into_iter()
                            .map(|(id, label)| {
                                let selected = current.as_deref() == Some(id.as_str());
                                view! { <option value=id.clone() selected=selected>{format!("{label} ({id})")}</option> }
                            })
                            .collect_view()
                    }}
                </select>
                {move || targets.with(Vec::is_empty).then(|| view! {
                    <p class="champ__aide">{t.condition_none_possible}</p>
                })}
            </div>
            {values}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solidarites_domain::questionnaire::landes_template;

    fn template() -> QuestionnaireDefinition {
        landes_template(&[
            ("alimentation".to_owned(), "Alimentation".to_owned()),
            ("lien-social".to_owned(), "Lien social".to_owned()),
        ])
    }

    #[test]
    fn each_error_path_has_one_element_id() {
        assert_eq!(
            dom_id("sections[1].questions[0].kind.max"),
            "ed-sections-1-questions-0-kind-max"
        );
        assert_eq!(
            dom_id("sections[0].questions[2].kind.options[1].value"),
            "ed-sections-0-questions-2-kind-options-1-value"
        );
        assert_eq!(dom_id("title"), "ed-title");
        assert_eq!(
            shown_path("sections[0].questions[3].show_if.any_of[1]"),
            "sections[0].questions[3].show_if.any_of"
        );
    }

    #[test]
    fn the_domains_errors_are_shown_at_their_fields() {
        let mut d = template();
        d.sections[1].questions[0].id = "Aide !".to_owned();
        d.sections[1].questions[1].show_if = Some(Condition {
            question: "difficultes".to_owned(),
            any_of: vec!["peut-etre".to_owned(), "jamais".to_owned()],
        });
        let errors = shown_errors(d.validate().unwrap_err().0);
        assert!(
            errors.contains_key("sections[1].questions[0].id"),
            "{errors:?}"
        );
        let any_of = &errors["sections[1].questions[1].show_if.any_of"];
        assert!(
            any_of.contains("peut-etre") && any_of.contains("jamais"),
            "{any_of}"
        );
        assert_eq!(
            path_label("sections[1].questions[0].id"),
            "Section 2, question 1\u{a0}: Identifiant"
        );
        assert_eq!(
            path_label("sections[0].questions[1].kind.options[2].value"),
            "Section 1, question 2\u{a0}: Option 3 — Valeur"
        );
    }

    #[test]
    fn questions_move_within_and_across_sections() {
        let mut d = template();
        let first = d.sections[1].questions[0].id.clone();
        assert_eq!(move_question(&mut d, 1, 0, false), Some((1, 1)));
        assert_eq!(d.sections[1].questions[1].id, first);
        let last_of_first = d.sections[0].questions.len();
        assert_eq!(move_question(&mut d, 1, 0, true), Some((0, last_of_first)));
        assert_eq!(move_question(&mut d, 0, 0, true), None);
        let s = d.sections.len() - 1;
        let q = d.sections[s].questions.len() - 1;
        assert_eq!(move_question(&mut d, s, q, false), None);
        assert_eq!(move_question(&mut d, s, q + 1, false), None);
    }

    #[test]
    fn conditions_offer_earlier_choice_and_yes_no_questions_only() {
        let d = template();
        // The first question has nothing before it.
        assert!(condition_targets(&d, 0, 0).is_empty());
        let targets = condition_targets(&d, 1, 1);
        let ids: Vec<&str> = targets.iter().map(|(id, _, _)| id.as_str()).collect();
        assert_eq!(ids, ["difficultes", "domaines", "aide"]);
        assert_eq!(targets[2].2[0], ("yes".to_owned(), "Oui".to_owned()));
    }

    #[test]
    fn every_kind_can_be_chosen_and_is_valid_by_default() {
        let previous = QuestionKind::SingleChoice {
            options: vec![
                ChoiceOption {
                    value: "a".into(),
                    label: "A".into(),
                },
                ChoiceOption {
                    value: "b".into(),
                    label: "B".into(),
                },
            ],
        };
        for (name, _) in kinds() {
            let kind = kind_of(name, &QuestionKind::YesNo);
            assert_eq!(kind_name(&kind), name);
            let mut d = template();
            d.sections[0].questions[0].kind = kind;
            d.sections[0].questions[1].show_if = None;
            for question in &mut d.sections[0].questions[2..] {
                question.show_if = None;
            }
            assert!(
                d.validate().is_ok(),
                "{name}: {}",
                d.validate().unwrap_err()
            );
        }
        // Options survive a change between choice kinds.
        match kind_of("multiple_choice", &previous) {
            QuestionKind::MultipleChoice { options, .. } => assert_eq!(options.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fresh_ids_are_free() {
        let taken = ["question_1", "question_3"];
        assert_eq!(fresh_id("question", taken.iter().copied()), "question_2");
        assert_eq!(fresh_id("section", [].iter().copied()), "section_1");
    }
}
