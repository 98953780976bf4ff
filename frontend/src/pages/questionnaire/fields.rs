//! One question of any kind, as a form field: radio buttons (single choice, yes/no,
//! scale), checkboxes (multiple choice, with the "other" text), text fields (number, short
//! and long text, date) and the commune picker. Each field has its label, its help, its
//! error under it and `aria-describedby`/`aria-invalid` tying them together.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde_json::Value;
use solidarites_domain::questionnaire::{Question, QuestionKind, QuestionnaireDefinition};

use super::logic::{self, field_id, Answers};
use crate::components::commune::CommunePicker;
use crate::components::form::{described_by, help_id, FieldError, TextControl};
use crate::format;
use crate::i18n::{common, questionnaire};

/// The state of a questionnaire being answered, shared by its components.
#[derive(Debug, Clone, Copy)]
pub struct Form {
    pub definition: StoredValue<QuestionnaireDefinition>,
    /// Question id → answer (submission form of the API).
    pub answers: RwSignal<Answers>,
    /// Question id → text of the commune field (typed or chosen).
    pub texts: RwSignal<BTreeMap<String, String>>,
    /// Question id → error message, set when a step is checked.
    pub errors: RwSignal<BTreeMap<String, String>>,
}

impl Form {
    /// Sets (or with `None` removes) the answer to a question.
    pub fn set(&self, id: &str, value: Option<Value>) {
        self.answers.update(|answers| match value {
            Some(value) => {
                answers.insert(id.to_owned(), value);
            }
            None => {
                answers.remove(id);
            }
        });
    }

    pub fn set_text(&self, id: &str, text: String) {
        self.texts.update(|texts| {
            if text.is_empty() {
                texts.remove(id);
            } else {
                texts.insert(id.to_owned(), text);
            }
        });
    }

    fn answer(&self, id: &str) -> Option<Value> {
        self.answers.with(|a| a.get(id).cloned())
    }
}

/// The help shown under a question's label: its own help, then what the kind implies.
fn hints(question: &Question) -> Vec<String> {
    let t = questionnaire::t();
    let mut hints: Vec<String> = question.help.iter().cloned().collect();
    match &question.kind {
        QuestionKind::MultipleChoice {
            max_choices: Some(n),
            ..
        } => hints.push((t.max_choices)(*n)),
        QuestionKind::LongText { max_length } => hints.push((t.max_length)(*max_length)),
        QuestionKind::Number { min, max, unit, .. } => {
            let shown = |x: &f64| format::decimal(*x, 6);
            match (min, max) {
                (Some(min), Some(max)) => hints.push((t.number_between)(&shown(min), &shown(max))),
                (Some(min), None) => hints.push((t.number_at_least)(&shown(min))),
                (None, Some(max)) => hints.push((t.number_at_most)(&shown(max))),
                (None, None) => {}
            }
            if let Some(unit) = unit {
                hints.push(format!("({unit})"));
            }
        }
        QuestionKind::Date { .. } => hints.push(t.date_hint.to_owned()),
        QuestionKind::Commune => hints.push(t.commune_hint.to_owned()),
        _ => {}
    }
    hints
}

/// "(obligatoire)" after a required question's label: said in words, not by colour.
fn mark(required: bool) -> impl IntoView {
    let t = common::t();
    view! {
        <span class="champ__mention">
            " (" {if required { t.required_mark } else { t.optional_mark }} ")"
        </span>
    }
}

/// What every kind of question shares: its ids, its help, its error and how they are
/// tied to the control.
#[derive(Clone)]
struct Field {
    question: Question,
    form: Form,
    fid: String,
    /// The help under the label, when there is some.
    help: Option<String>,
    error: Signal<Option<String>>,
    describedby: Signal<Option<String>>,
    invalid: Signal<bool>,
}

impl Field {
    fn new(question: Question, form: Form) -> Self {
        let fid = field_id(&question.id);
        let hints = hints(&question);
        let has_help = !hints.is_empty();
        let error = {
            let qid = question.id.clone();
            Signal::derive(move || form.errors.with(|e| e.get(&qid).cloned()))
        };
        let describedby = {
            let fid = fid.clone();
            Signal::derive(move || described_by(&fid, has_help, error.with(Option::is_some)))
        };
        Self {
            question,
            form,
            fid,
            help: has_help.then(|| hints.join(" ")),
            error,
            describedby,
            invalid: Signal::derive(move || error.with(Option::is_some)),
        }
    }

    fn required(&self) -> bool {
        self.question.required
    }

    /// The help and the error message, under the label or legend.
    fn help_and_error(&self) -> impl IntoView {
        let help = self.help.clone().map(|text| {
            view! { <p id=help_id(&self.fid) class="champ__aide">{text}</p> }
        });
        view! {
            {help}
            <FieldError field_id=self.fid.clone() message=self.error/>
        }
    }

    /// A field of one control: its label, help, error, then the control.
    fn labelled(&self, control: impl IntoView + 'static) -> AnyView {
        view! {
            <div class="champ">
                <label for=self.fid.clone()>{self.question.label.clone()} {mark(self.required())}</label>
                {self.help_and_error()}
                {control}
            </div>
        }
        .into_any()
    }

    /// A group of choices in a fieldset: its legend, help, error, the list (`class`), and
    /// what follows it.
    fn group(
        &self,
        class: &'static str,
        items: impl IntoView + 'static,
        after: impl IntoView + 'static,
    ) -> AnyView {
        let describedby = self.describedby;
        view! {
            <fieldset class="champ" aria-describedby=move || describedby.get()>
                <legend>{self.question.label.clone()} {mark(self.required())}</legend>
                {self.help_and_error()}
                <ul class=class>{items}</ul>
                {after}
            </fieldset>
        }
        .into_any()
    }

    /// The `id` of the `k`-th control of a group: the first has the field's.
    /// A short `<input>` of type `kind` (a date, a number) under the label, between the
    /// `[min, max]` bounds given, showing `text()` and calling `on_input` as it is typed in.
    fn short_input(
        &self,
        kind: &'static str,
        [min, max]: [Option<String>; 2],
        inputmode: Option<&'static str>,
        text: impl Fn() -> String + Send + Sync + 'static,
        on_input: impl FnMut(leptos::ev::Event) + 'static,
    ) -> AnyView {
        let (describedby, invalid) = (self.describedby, self.invalid);
        self.labelled(view! {
            <input
                id=self.fid.clone()
                class="saisie saisie--courte"
                type=kind
                min=min
                max=max
                inputmode=inputmode
                autocomplete="off"
                aria-describedby=move || describedby.get()
                aria-invalid=move || invalid.get().then_some("true")
                aria-required=self.required().then_some("true")
                prop:value=text
                on:input=on_input
            />
        })
    }

    /// The `k`-th choice of the question, a checkbox or a radio button (`kind`), with its
    /// label; a radio button of a required question is required.
    fn choice(
        &self,
        k: usize,
        kind: &'static str,
        value: Option<String>,
        label: String,
        checked: impl Fn() -> bool + Send + 'static,
        on_change: impl FnMut(leptos::ev::Event) + 'static,
    ) -> AnyView {
        let input_id = self.item_id(k);
        let required = kind == "radio" && self.required();
        view! {
            <li>
                <label for=input_id.clone()>
                    <input
                        type=kind
                        id=input_id.clone()
                        name=self.fid.clone()
                        value=value
                        required=required
                        prop:checked=checked
                        on:change=on_change
                    />
                    <span>{label}</span>
                </label>
            </li>
        }
        .into_any()
    }

    fn item_id(&self, k: usize) -> String {
        if k == 0 {
            self.fid.clone()
        } else {
            format!("{}-{k}", self.fid)
        }
    }
}

/// A question of any kind.
#[component]
pub fn QuestionField(question: Question, form: Form) -> impl IntoView {
    let t = questionnaire::t();
    let field = Field::new(question, form);
    match field.question.kind.clone() {
        QuestionKind::SingleChoice { options } => {
            let choices = options
                .into_iter()
                .map(|o| (Value::String(o.value), o.label))
                .collect();
            radio_group(&field, choices, false)
        }
        QuestionKind::YesNo => {
            let choices = vec![
                (Value::Bool(true), t.yes.to_owned()),
                (Value::Bool(false), t.no.to_owned()),
            ];
            radio_group(&field, choices, true)
        }
        QuestionKind::Scale {
            min,
            max,
            min_label,
            max_label,
        } => {
            let choices = (min..=max)
                .map(|n| {
                    let label = if n == min {
                        min_label.as_ref().map(|l| format!("{n} – {l}"))
                    } else if n == max {
                        max_label.as_ref().map(|l| format!("{n} – {l}"))
                    } else {
                        None
                    };
                    (Value::from(n), label.unwrap_or_else(|| n.to_string()))
                })
                .collect();
            radio_group(&field, choices, true)
        }
        QuestionKind::MultipleChoice {
            options,
            allow_other,
            ..
        } => {
            let boxes = options
                .into_iter()
                .enumerate()
                .map(|(k, option)| checkbox(&field, k, option.value, option.label))
                .collect_view();
            let other = allow_other.then(|| other_text(&field));
            field.group("choix", boxes, other)
        }
        QuestionKind::Number { integer, .. } => number_input(&field, integer),
        QuestionKind::ShortText { max_length } => text_input(&field, false, max_length),
        QuestionKind::LongText { max_length } => text_input(&field, true, max_length),
        QuestionKind::Date { min, max } => {
            let (text, on_input) = text_binding(form, &field.question.id);
            field.short_input("date", [min, max], None, text, on_input)
        }
        QuestionKind::Commune => commune_input(&field),
    }
}

/// One checkbox of a multiple choice question.
fn checkbox(field: &Field, k: usize, value: String, label: String) -> impl IntoView {
    let form = field.form;
    let checked = {
        let qid = field.question.id.clone();
        let value = value.clone();
        move || {
            form.answers
                .with(|a| logic::choices(a.get(&qid)).0.contains(&value))
        }
    };
    let question = field.question.clone();
    let stored = value.clone();
    let toggle = move |event: leptos::ev::Event| {
        let on = event_target_checked(&event);
        let (mut values, other) = logic::choices(form.answer(&question.id).as_ref());
        values.retain(|v| *v != stored);
        if on {
            values.push(stored.clone());
        }
        form.set(
            &question.id,
            logic::choices_value(&question, &values, &other),
        );
    };
    field.choice(k, "checkbox", Some(value), label, checked, toggle)
}

/// The « Autre » text of a multiple choice question that allows it.
fn other_text(field: &Field) -> impl IntoView {
    let form = field.form;
    let other_id = format!("{}-autre", field.fid);
    let question = field.question.clone();
    let text = {
        let qid = question.id.clone();
        move || form.answers.with(|a| logic::choices(a.get(&qid)).1)
    };
    let on_input = move |event: leptos::ev::Event| {
        let other = event_target_value(&event);
        let (values, _) = logic::choices(form.answer(&question.id).as_ref());
        form.set(
            &question.id,
            logic::choices_value(&question, &values, &other),
        );
    };
    view! {
        <div class="champ__autre">
            <label for=other_id.clone()>{questionnaire::t().other_label}</label>
            <input
                id=other_id
                class="saisie"
                type="text"
                maxlength="500"
                prop:value=text
                on:input=on_input
            />
        </div>
    }
}

/// A number, typed as text (a comma or a point as decimal separator).
fn number_input(field: &Field, integer: bool) -> AnyView {
    let form = field.form;
    let text = {
        let qid = field.question.id.clone();
        move || {
            form.answers
                .with(|a| a.get(&qid).map(logic::number_text).unwrap_or_default())
        }
    };
    let on_input = {
        let qid = field.question.id.clone();
        move |event: leptos::ev::Event| {
            form.set(&qid, logic::parse_number(&event_target_value(&event)));
        }
    };
    let inputmode = if integer { "numeric" } else { "decimal" };
    field.short_input("text", [None, None], Some(inputmode), text, on_input)
}

/// A short text (`<input>`) or a long one (`<textarea>`).
fn text_input(field: &Field, long: bool, max_length: u32) -> AnyView {
    let (text, on_input) = text_binding(field.form, &field.question.id);
    let input = TextControl {
        id: field.fid.clone(),
        name: None,
        kind: "text",
        rows: long.then_some(5),
        maxlength: Some(max_length),
        autocomplete: None,
        inputmode: None,
        required: field.required(),
        describedby: field.describedby,
        invalid: field.invalid,
    }
    .view(text, on_input);
    field.labelled(input)
}

/// The commune, through the app's commune picker (with its map).
fn commune_input(field: &Field) -> AnyView {
    let form = field.form;
    let qid = field.question.id.clone();
    let initial_text = form
        .texts
        .with_untracked(|t| t.get(&qid).cloned())
        .unwrap_or_default();
    let initially_chosen = form.answers.with_untracked(|a| a.contains_key(&qid));
    let on_text = {
        let qid = qid.clone();
        Callback::new(move |text: String| form.set_text(&qid, text))
    };
    let on_choose = Callback::new(move |choice: Option<(String, String)>| {
        form.set(&qid, choice.map(|(code, _)| Value::String(code)));
    });
    field.labelled(view! {
        <CommunePicker
            input_id=field.fid.clone()
            initial_text=initial_text
            initially_chosen=initially_chosen
            described_by=field.describedby
            invalid=field.invalid
            required=field.required()
            with_map=true
            on_text=on_text
            on_choose=on_choose
        />
    })
}

/// The fields of `questions`, each shown while its conditions hold.
pub fn visible_questions(questions: Vec<Question>, form: Form) -> impl IntoView {
    questions
        .into_iter()
        .map(|question| {
            let qid = question.id.clone();
            let visible = move || {
                form.answers.with(|a| {
                    form.definition
                        .with_value(|d| d.visible_question_ids(a).contains(&qid))
                })
            };
            view! {
                <Show when=visible>
                    <QuestionField question=question.clone() form=form/>
                </Show>
            }
        })
        .collect_view()
}

/// A text answer (short/long text, date) bound to an input: its value, and the handler
/// that stores what is typed (an emptied field removes the answer).
fn text_binding(
    form: Form,
    qid: &str,
) -> (
    impl Fn() -> String + Clone + Send + Sync + 'static,
    impl Fn(leptos::ev::Event) + Clone + 'static,
) {
    let text = {
        let qid = qid.to_owned();
        move || {
            form.answers.with(|a| {
                a.get(&qid)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            })
        }
    };
    let on_input = {
        let qid = qid.to_owned();
        move |event: leptos::ev::Event| {
            let value = event_target_value(&event);
            form.set(&qid, (!value.is_empty()).then_some(Value::String(value)));
        }
    };
    (text, on_input)
}

/// Radio buttons in a fieldset; `inline` lays them out in a row (yes/no, scales).
fn radio_group(field: &Field, choices: Vec<(Value, String)>, inline: bool) -> AnyView {
    let form = field.form;
    let radios = choices
        .into_iter()
        .enumerate()
        .map(|(k, (value, label))| {
            let qid = field.question.id.clone();
            let checked = {
                let qid = qid.clone();
                let value = value.clone();
                move || form.answers.with(|a| a.get(&qid) == Some(&value))
            };
            let choose = move |_| form.set(&qid, Some(value.clone()));
            field.choice(k, "radio", None, label, checked, choose)
        })
        .collect_view();
    let class = if inline {
        "choix choix--ligne"
    } else {
        "choix"
    };
    field.group(class, radios, ())
}
