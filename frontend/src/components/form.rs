//! The app's one form kit: labelled fields ([`TextField`], [`SelectField`], the bare
//! [`TextControl`], checkboxes) with their hint and error tied to the control
//! (`aria-describedby`, `aria-invalid`), a message under each bad field, a summary above
//! the form that takes the focus and links to each field, the form itself ([`AppForm`])
//! with its submit button, and the state of its sending ([`Sending`]). The commune field
//! is `components::commune`.

use std::collections::BTreeMap;
use std::future::Future;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::common;

/// `id` of the element holding the error message of the field `field_id`.
pub fn error_id(field_id: &str) -> String {
    format!("{field_id}-erreur")
}

/// `id` of the help text of the field `field_id`.
pub fn help_id(field_id: &str) -> String {
    format!("{field_id}-aide")
}

/// `aria-describedby` of a field: its help text (when it has one) and its error (when
/// there is one); `None` when neither.
pub fn described_by(field_id: &str, has_help: bool, has_error: bool) -> Option<String> {
    let ids: Vec<String> = [
        has_help.then(|| help_id(field_id)),
        has_error.then(|| error_id(field_id)),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The error message under a field, when there is one.
#[component]
pub fn FieldError(
    /// `id` of the field (the message gets [`error_id`]).
    field_id: String,
    #[prop(into)] message: Signal<Option<String>>,
) -> impl IntoView {
    let id = error_id(&field_id);
    move || {
        message.get().map(|message| {
            view! {
                <p id=id.clone() class="champ__erreur">
                    <span class="visuellement-cache">{common::t().error_prefix}" "</span>
                    {message}
                </p>
            }
        })
    }
}

/// The error of the API field `key`, if any.
pub fn field_error(
    errors: RwSignal<BTreeMap<String, String>>,
    key: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || errors.with(|e| e.get(key).cloned()))
}

/// A form's sending: the errors by API field (for the summary and the fields), a failure
/// of no field (network, server), and whether a request is under way.
#[derive(Debug, Clone, Copy)]
pub struct Sending {
    pub errors: RwSignal<BTreeMap<String, String>>,
    pub failure: RwSignal<Option<String>>,
    pub pending: RwSignal<bool>,
}

impl Default for Sending {
    fn default() -> Self {
        Self {
            errors: RwSignal::new(BTreeMap::new()),
            failure: RwSignal::new(None),
            pending: RwSignal::new(false),
        }
    }
}

impl Sending {
    /// The error of the API field `key`, if any.
    pub fn error_of(self, key: &'static str) -> Signal<Option<String>> {
        field_error(self.errors, key)
    }

    /// Errors by field found before sending: shown by their fields and in the summary,
    /// which takes the focus.
    pub fn refuse(self, errors: BTreeMap<String, String>) {
        self.failure.set(None);
        self.errors.set(errors);
        crate::browser::after_render(|| crate::browser::focus_id(SUMMARY_ID));
    }

    /// Sends `request` unless a sending is under way: `done` gets the answer, the API's
    /// errors by field are [refused](Self::refuse), another failure goes to `failure`.
    pub fn send<T: 'static>(
        self,
        request: impl Future<Output = Result<T, ApiError>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        if self.pending.get_untracked() {
            return;
        }
        self.failure.set(None);
        self.pending.set(true);
        leptos::task::spawn_local(async move {
            let result = request.await;
            self.pending.set(false);
            match result {
                Ok(answer) => done(answer),
                Err(error) if !error.fields().is_empty() => self.refuse(error.fields()),
                Err(error) => self.failure.set(Some(error.message())),
            }
        });
    }

    /// The failure, as an alert under the form.
    pub fn failure_line(self) -> impl IntoView {
        move || {
            self.failure.get().map(
                |message| view! { <p class="statut statut--erreur" role="alert">{message}</p> },
            )
        }
    }
}

/// The label's mark: « (obligatoire) » or « (facultatif) ».
#[component]
pub fn RequiredMark(required: bool) -> impl IntoView {
    let c = common::t();
    view! {
        <span class="champ__mention">
            {format!(" ({})", if required { c.required_mark } else { c.optional_mark })}
        </span>
    }
}

/// A text control: an `<input>` of type `kind`, or a `<textarea>` of `rows` lines when
/// `rows` is given, tied to its label's hint and error by `describedby`.
#[derive(Debug)]
pub struct TextControl {
    pub id: String,
    /// The control's `name`, when it has one.
    pub name: Option<String>,
    pub kind: &'static str,
    pub rows: Option<u32>,
    pub maxlength: Option<u32>,
    pub autocomplete: Option<&'static str>,
    pub inputmode: Option<&'static str>,
    pub required: bool,
    pub describedby: Signal<Option<String>>,
    pub invalid: Signal<bool>,
}

impl TextControl {
    /// The control, showing `value()` and calling `on_input` as it is typed in.
    pub fn view(
        self,
        value: impl Fn() -> String + Send + Sync + 'static,
        on_input: impl FnMut(leptos::ev::Event) + 'static,
    ) -> AnyView {
        let Self {
            id,
            name,
            kind,
            rows,
            maxlength,
            autocomplete,
            inputmode,
            required,
            describedby,
            invalid,
        } = self;
        let describedby = move || describedby.get();
        let invalid = move || invalid.get().then_some("true");
        let required = required.then_some("true");
        let shared = view! {
            <{..}
                id=id
                name=name
                class="saisie"
                maxlength=maxlength
                aria-describedby=describedby
                aria-invalid=invalid
                aria-required=required
                prop:value=value
                on:input=on_input
            />
        };
        match rows {
            Some(rows) => view! { <textarea rows={rows} {..shared}></textarea> }.into_any(),
            None => view! {
                <input type={kind} autocomplete={autocomplete} inputmode={inputmode} {..shared}/>
            }
            .into_any(),
        }
    }
}

/// A labelled text input (or `<textarea>` when `multiline`), its hint and its error.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    /// `text` (default), `email`, `tel`, `url`, `date`, `search`, `number`.
    #[prop(optional)]
    kind: Option<&'static str>,
    #[prop(optional)] multiline: bool,
    /// Lines of a multiline field (5 by default).
    #[prop(default = 5)]
    rows: u32,
    #[prop(optional)] required: bool,
    /// Say « (obligatoire) » or « (facultatif) » after the label (the public forms; the
    /// console's forms do not).
    #[prop(default = true)]
    mark: bool,
    #[prop(optional, into)] hint: Option<String>,
    /// The control's `name` (its `id` by default).
    #[prop(optional)]
    name: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    let hint_id = help_id(id);
    let has_hint = hint.is_some();
    let input = TextControl {
        id: id.to_owned(),
        name: Some(name.unwrap_or(id).to_owned()),
        kind: kind.unwrap_or("text"),
        rows: multiline.then_some(rows),
        maxlength,
        autocomplete,
        inputmode,
        required,
        describedby: Signal::derive(move || {
            described_by(id, has_hint, error.with(Option::is_some))
        }),
        invalid: Signal::derive(move || error.with(Option::is_some)),
    }
    .view(
        move || value.get(),
        move |ev| value.set(event_target_value(&ev)),
    );
    view! {
        <div class="champ" class:champ--erreur=move || error.with(Option::is_some)>
            <label for=id>
                {label}
                {mark.then(|| view! { <RequiredMark required=required/> })}
            </label>
            {hint.map(|h| view! { <p class="champ__aide" id=hint_id>{h}</p> })}
            <FieldError field_id=id.to_owned() message=error/>
            {input}
        </div>
    }
}

/// A labelled `<select>`; the first option (`""`) is `placeholder`.
#[component]
pub fn SelectField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    options: Signal<Vec<(String, String)>>,
    placeholder: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let hint_id = help_id(id);
    let describedby = move || described_by(id, hint.is_some(), error.with(Option::is_some));
    view! {
        <div class="champ" class:champ--erreur=move || error.with(Option::is_some)>
            <label for=id>{label}<RequiredMark required=required/></label>
            {hint.map(|h| view! { <p class="champ__aide" id=hint_id>{h}</p> })}
            <FieldError field_id=id.to_owned() message=error/>
            <select
                id=id
                name=id
                class="saisie"
                aria-describedby=describedby
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="" selected=move || value.with(String::is_empty)>{placeholder}</option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, l)| {
                            let selected = {
                                let v = v.clone();
                                move || value.with(|x| *x == v)
                            };
                            view! { <option value=v selected=selected>{l}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// One line of an error summary: the field's `id`, its label, the message. An empty
/// `field_id` is a line without a link (an error of no field: network, server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    pub field_id: String,
    pub label: String,
    pub message: String,
}

/// A field of a form whose errors come keyed by API field: the API's key, the `id` of its
/// control, its label.
pub type SummaryField = (&'static str, &'static str, &'static str);

/// The lines of a summary for errors keyed by API field: `general` first (an error of no
/// field), then each error of `fields` in their order, linked to its control, then the
/// errors of keys `fields` does not know, unlinked.
pub fn summary_items(
    errors: &BTreeMap<String, String>,
    general: Option<String>,
    fields: &[SummaryField],
) -> Vec<SummaryItem> {
    let unlinked = |label: &str, message: &str| SummaryItem {
        field_id: String::new(),
        label: label.to_owned(),
        message: message.to_owned(),
    };
    let mut items: Vec<SummaryItem> = general.iter().map(|m| unlinked("", m)).collect();
    items.extend(fields.iter().filter_map(|(key, target, label)| {
        errors.get(*key).map(|message| SummaryItem {
            field_id: (*target).to_owned(),
            label: (*label).to_owned(),
            message: message.clone(),
        })
    }));
    items.extend(
        errors
            .iter()
            .filter(|(key, _)| !fields.iter().any(|(known, _, _)| known == key))
            .map(|(key, message)| unlinked(key, message)),
    );
    items
}

/// The lines of a summary for errors keyed by API field, the fields in `order` first (in
/// that order), then any other key; `field_id` and `label` name each key's control.
pub fn ordered_summary(
    errors: &BTreeMap<String, String>,
    order: &[&str],
    field_id: impl Fn(&str) -> String,
    label: impl Fn(&str) -> String,
) -> Vec<SummaryItem> {
    let known = order
        .iter()
        .filter_map(|o| errors.get_key_value(*o).map(|(k, _)| k));
    let others = errors.keys().filter(|k| !order.contains(&k.as_str()));
    known
        .chain(others)
        .map(|key| SummaryItem {
            field_id: field_id(key),
            label: label(key),
            message: errors.get(key).cloned().unwrap_or_default(),
        })
        .collect()
}

/// `id` of the error summary: focus it with [`crate::browser::focus_id`] after a failed
/// submission.
pub const SUMMARY_ID: &str = "resume-erreurs";

/// The list of errors above a form, each linking to its field (a click or Enter moves the
/// focus to the field). The one error summary of the app.
#[component]
pub fn ErrorSummary(#[prop(into)] items: Signal<Vec<SummaryItem>>) -> impl IntoView {
    move || {
        let items = items.get();
        (!items.is_empty()).then(|| {
            let count = items.len();
            view! {
                <div
                    id=SUMMARY_ID
                    class="resume-erreurs"
                    tabindex="-1"
                    role="group"
                    aria-labelledby="resume-erreurs-titre"
                >
                    <h2 id="resume-erreurs-titre">{(common::t().error_summary)(count)}</h2>
                    <ul>{items.into_iter().map(summary_line).collect_view()}</ul>
                </div>
            }
        })
    }
}

/// « Label — message », a link to the field when it has one.
fn summary_line(item: SummaryItem) -> impl IntoView {
    let text = if item.label.is_empty() {
        item.message
    } else {
        format!("{} — {}", item.label, item.message)
    };
    if item.field_id.is_empty() {
        return view! { <li>{text}</li> }.into_any();
    }
    let target = item.field_id.clone();
    let focus = move |event: leptos::ev::MouseEvent| {
        event.prevent_default();
        focus_field(&target);
    };
    view! {
        <li>
            <a href=format!("#{}", item.field_id) on:click=focus>{text}</a>
        </li>
    }
    .into_any()
}

/// Moves the focus to a field and scrolls it into view.
pub fn focus_field(field_id: &str) {
    crate::browser::focus_id(field_id);
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(field_id))
    {
        element.scroll_into_view_with_bool(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Error maps and summaries written as `(key or field id, label, message)` lines.
    fn errors_of(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, m)| ((*k).to_owned(), (*m).to_owned()))
            .collect()
    }

    fn lines(items: &[SummaryItem]) -> Vec<(&str, &str, &str)> {
        items
            .iter()
            .map(|i| (i.field_id.as_str(), i.label.as_str(), i.message.as_str()))
            .collect()
    }

    #[test]
    fn summary_lines_follow_the_form_then_name_unknown_keys() {
        let errors = errors_of(&[
            ("zzz", "inconnu"),
            ("title", "obligatoire"),
            ("address", "trop long"),
        ]);
        let fields = [
            ("title", "titre", "Titre"),
            ("themes", "theme", "Thème"),
            ("address", "adresse", "Adresse"),
        ];
        let items = summary_items(&errors, Some("Réseau".into()), &fields);
        assert_eq!(
            lines(&items),
            [
                ("", "", "Réseau"),
                ("titre", "Titre", "obligatoire"),
                ("adresse", "Adresse", "trop long"),
                ("", "zzz", "inconnu"),
            ]
        );
        assert!(summary_items(&BTreeMap::new(), None, &fields).is_empty());
    }

    #[test]
    fn ordered_summaries_follow_the_order_then_the_other_keys() {
        let errors = errors_of(&[("a", "1"), ("zz", "2"), ("email", "3")]);
        let items = ordered_summary(
            &errors,
            &["email", "a"],
            |k| format!("f-{k}"),
            str::to_uppercase,
        );
        assert_eq!(
            lines(&items),
            [
                ("f-email", "EMAIL", "3"),
                ("f-a", "A", "1"),
                ("f-zz", "ZZ", "2")
            ]
        );
    }

    #[test]
    fn fields_are_described_by_their_help_and_error() {
        assert_eq!(described_by("q-age", false, false), None);
        assert_eq!(
            described_by("q-age", true, false).as_deref(),
            Some("q-age-aide")
        );
        assert_eq!(
            described_by("q-age", false, true).as_deref(),
            Some("q-age-erreur")
        );
        assert_eq!(
            described_by("q-age", true, true).as_deref(),
            Some("q-age-aide q-age-erreur")
        );
    }
}

/// A form the app checks itself (`novalidate`): submitting it (its button, Entrée) calls
/// `on_submit` instead of loading a page.
#[component]
pub fn AppForm(
    #[prop(optional)] class: Option<&'static str>,
    on_submit: impl Fn() + 'static,
    children: Children,
) -> impl IntoView {
    view! {
        <form
            class=class
            novalidate
            on:submit=move |event| {
                event.prevent_default();
                on_submit();
            }
        >
            {children()}
        </form>
    }
}

/// A form's submit button, `aria-disabled` while `pending`, then saying `pending_label`
/// (when given) instead of `label`.
#[component]
pub fn SubmitButton(
    #[prop(into)] pending: Signal<bool>,
    label: &'static str,
    #[prop(optional)] pending_label: Option<&'static str>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="bouton bouton--plein"
            aria-disabled=move || pending.get().then_some("true")
        >
            {move || match pending_label {
                Some(pending_label) if pending.get() => pending_label,
                _ => label,
            }}
        </button>
    }
}

/// A list item with a checkbox for `value` (`label` beside it), ticked while `selected`
/// holds it: one of several choices.
#[component]
pub fn CheckboxItem(
    id: String,
    value: String,
    #[prop(into)] label: String,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    let checked = {
        let value = value.clone();
        move || selected.with(|s| s.contains(&value))
    };
    view! {
        <li>
            <label for=id.clone()>
                <input
                    type="checkbox"
                    id=id.clone()
                    prop:checked=checked
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        selected.update(|s| {
                            s.retain(|other| *other != value);
                            if on {
                                s.push(value.clone());
                            }
                        });
                    }
                />
                <span>{label}</span>
            </label>
        </li>
    }
}

/// A checkbox giving a consent (`label`), with its error.
#[component]
pub fn ConsentBox(
    id: String,
    label: &'static str,
    checked: RwSignal<bool>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let described = {
        let id = id.clone();
        move || described_by(&id, false, error.with(Option::is_some))
    };
    view! {
        <FieldError field_id=id.clone() message=error/>
        <div class="choix">
            <label for=id.clone()>
                <input
                    type="checkbox"
                    id=id.clone()
                    aria-describedby=described
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    prop:checked=move || checked.get()
                    on:change=move |event| checked.set(event_target_checked(&event))
                />
                <span>{label}</span>
            </label>
        </div>
    }
}

/// The optional « e-mail pour être prévenu » of a submission (API fields `notify_email`
/// and `notify_consent`): the address, its help text, the consent box, and their errors.
/// The controls get the ids `{prefix}-notify_email` and `{prefix}-notify_consent`, as the
/// forms' `fid` make them, so that the error summary links to them.
#[component]
pub fn NotifyFields(
    /// The form's id prefix (`initiative`, `evenement`).
    prefix: &'static str,
    email: RwSignal<String>,
    consent: RwSignal<bool>,
    #[prop(into)] email_error: Signal<Option<String>>,
    #[prop(into)] consent_error: Signal<Option<String>>,
) -> impl IntoView {
    let t = common::t();
    let email_id = format!("{prefix}-notify_email");
    let consent_id = format!("{prefix}-notify_consent");
    let eid = email_id.clone();
    let email_described = move || described_by(&eid, true, email_error.with(Option::is_some));
    view! {
        <div class="champ">
            <label for=email_id.clone()>
                {t.notify_email}
                <span class="champ__mention">" (" {t.optional_mark} ")"</span>
            </label>
            <p id=help_id(&email_id) class="champ__aide">{t.notify_email_hint}</p>
            <FieldError field_id=email_id.clone() message=email_error/>
            <input
                id=email_id.clone()
                class="saisie"
                type="email"
                maxlength="254"
                autocomplete="email"
                aria-describedby=email_described
                aria-invalid=move || email_error.with(Option::is_some).then_some("true")
                prop:value=move || email.get()
                on:input=move |event| email.set(event_target_value(&event))
            />
            <ConsentBox id=consent_id label=t.notify_consent checked=consent error=consent_error/>
        </div>
    }
}
