//! The initiative form, shared by « Ajouter une initiative » and the private edit page:
//! the fields the API takes (`InitiativeContentRequest`, plus who runs it when adding),
//! the place picked on a map, by coordinates or as a whole commune, and the API's 422
//! messages shown next to each field and in a summary.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    ActorListResponse, ActorResponse, ContactRequest, InitiativeContentRequest,
    InitiativeContentResponse, LocateResponse, LocationRequest, NewActorRequest,
    PublicConfigResponse, ThemeResponse,
};
use solidarites_domain::drafts;

use crate::api::{self, ApiError};
use crate::carte::leaflet::{options_json, MapController, MapView};
use crate::carte::widgets::{
    field_error, CommuneChoice, CommuneSearch, FieldError, RequiredMark, SelectField, TextField,
    ThemeIcon,
};
use crate::components::form::{
    summary_items, ErrorSummary, NotifyFields, Sending, SubmitButton, SummaryField,
};
use crate::i18n::{actors as actors_i18n, carte as i18n, common};
use crate::router::percent_encode;

/// How the place is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceMode {
    /// A point: clicked on the map, or typed as coordinates.
    Point,
    /// A whole commune.
    Commune,
}

/// Who runs the initiative (adding only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorMode {
    Existing,
    New,
}

/// One radio button of a choice between modes: checked while `mode` holds `value`.
#[component]
fn ModeChoice<M>(
    name: &'static str,
    id: &'static str,
    mode: RwSignal<M>,
    value: M,
    label: &'static str,
) -> impl IntoView
where
    M: PartialEq + Copy + Send + Sync + 'static,
{
    view! {
        <div class="choix">
            <label for=id>
                <input
                    type="radio"
                    name=name
                    id=id
                    prop:checked=move || mode.get() == value
                    on:change=move |_| mode.set(value)
                />
                <span>{label}</span>
            </label>
        </div>
    }
}

/// The form's text, as typed, before it becomes a request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentInput {
    pub title: String,
    pub description: String,
    pub main_theme: String,
    pub other_themes: Vec<String>,
    pub point: bool,
    pub lon: String,
    pub lat: String,
    pub commune_code: Option<String>,
    pub address: String,
    pub start_date: String,
    pub end_date: String,
    pub schedule: String,
    pub audience: String,
    pub email: String,
    pub phone: String,
    pub url: String,
    /// « Accueille des bénévoles ».
    pub welcomes_volunteers: bool,
}

fn opt(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A decimal number typed the French way (`43,89`) or not (`43.89`).
pub fn parse_decimal(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Formats a coordinate for the inputs: 6 decimals (about 10 cm), decimal comma.
pub fn format_coordinate(value: f64) -> String {
    format!("{value:.6}").replace('.', ",")
}

impl ContentInput {
    /// The request, or the errors the API could not name itself (coordinates that are not
    /// numbers cannot be sent).
    pub fn to_request(&self) -> Result<InitiativeContentRequest, BTreeMap<String, String>> {
        let t = i18n::t();
        let mut themes: Vec<String> = Vec::new();
        for slug in std::iter::once(&self.main_theme).chain(&self.other_themes) {
            if !slug.is_empty() && !themes.contains(slug) {
                themes.push(slug.clone());
            }
        }
        let location = if self.point {
            match (opt(&self.lon), opt(&self.lat)) {
                (None, None) => None,
                (lon, lat) => {
                    let (lon, lat) = (
                        lon.as_deref().and_then(parse_decimal),
                        lat.as_deref().and_then(parse_decimal),
                    );
                    if lon.is_none() || lat.is_none() {
                        return Err(BTreeMap::from([(
                            "location".to_owned(),
                            t.error_coordinates.to_owned(),
                        )]));
                    }
                    Some(LocationRequest {
                        lon,
                        lat,
                        commune_code: None,
                    })
                }
            }
        } else {
            self.commune_code.as_ref().map(|code| LocationRequest {
                lon: None,
                lat: None,
                commune_code: Some(code.clone()),
            })
        };
        Ok(InitiativeContentRequest {
            title: opt(&self.title),
            description: opt(&self.description),
            themes,
            location,
            address: opt(&self.address),
            start_date: opt(&self.start_date),
            end_date: opt(&self.end_date),
            schedule: opt(&self.schedule),
            audience: opt(&self.audience),
            contact: ContactRequest {
                email: opt(&self.email),
                phone: opt(&self.phone),
                url: opt(&self.url),
            },
            welcomes_volunteers: Some(self.welcomes_volunteers),
        })
    }

    /// The form filled with a stored initiative (the edit page).
    pub fn from_content(c: &InitiativeContentResponse) -> Self {
        ContentInput {
            title: c.title.clone(),
            description: c.description.clone(),
            main_theme: c.themes.first().cloned().unwrap_or_default(),
            other_themes: c.themes.iter().skip(1).cloned().collect(),
            point: c.has_point,
            lon: if c.has_point {
                format_coordinate(c.lon)
            } else {
                String::new()
            },
            lat: if c.has_point {
                format_coordinate(c.lat)
            } else {
                String::new()
            },
            commune_code: (!c.has_point).then(|| c.commune.code.clone()),
            address: c.address.clone().unwrap_or_default(),
            start_date: c.start_date.clone().unwrap_or_default(),
            end_date: c.end_date.clone().unwrap_or_default(),
            schedule: c.schedule.clone().unwrap_or_default(),
            audience: c.audience.clone().unwrap_or_default(),
            email: c.contact.email.clone().unwrap_or_default(),
            phone: c.contact.phone.clone().unwrap_or_default(),
            url: c.contact.url.clone().unwrap_or_default(),
            welcomes_volunteers: c.welcomes_volunteers,
        }
    }
}

/// The new actor's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewActorInput {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub website: String,
    pub email: String,
    pub phone: String,
    pub commune_code: Option<String>,
    pub welcomes_volunteers: bool,
}

impl NewActorInput {
    pub fn to_request(&self) -> NewActorRequest {
        NewActorRequest {
            name: opt(&self.name),
            kind: opt(&self.kind),
            description: opt(&self.description),
            website: opt(&self.website),
            contact_email: opt(&self.email),
            contact_phone: opt(&self.phone),
            commune_code: self.commune_code.clone(),
            welcomes_volunteers: Some(self.welcomes_volunteers),
        }
    }
}

/// The fields of the form, as signals.
#[derive(Debug, Clone, Copy)]
pub struct FormFields {
    title: RwSignal<String>,
    description: RwSignal<String>,
    main_theme: RwSignal<String>,
    other_themes: RwSignal<Vec<String>>,
    place_mode: RwSignal<PlaceMode>,
    lon: RwSignal<String>,
    lat: RwSignal<String>,
    /// The commune the point falls in (`GET /locate`), or why it cannot be used.
    point_commune: RwSignal<Option<Result<String, String>>>,
    commune: RwSignal<Option<CommuneChoice>>,
    address: RwSignal<String>,
    start_date: RwSignal<String>,
    end_date: RwSignal<String>,
    schedule: RwSignal<String>,
    audience: RwSignal<String>,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    url: RwSignal<String>,
    welcomes_volunteers: RwSignal<bool>,
    actor_mode: RwSignal<ActorMode>,
    actor: RwSignal<Option<(String, String)>>,
    new_actor_name: RwSignal<String>,
    new_actor_kind: RwSignal<String>,
    new_actor_description: RwSignal<String>,
    new_actor_website: RwSignal<String>,
    new_actor_email: RwSignal<String>,
    new_actor_phone: RwSignal<String>,
    new_actor_commune: RwSignal<Option<CommuneChoice>>,
    new_actor_welcomes_volunteers: RwSignal<bool>,
    notify_email: RwSignal<String>,
    notify_consent: RwSignal<bool>,
}

impl FormFields {
    pub fn new(initial: &ContentInput, commune: Option<CommuneChoice>) -> Self {
        FormFields {
            title: RwSignal::new(initial.title.clone()),
            description: RwSignal::new(initial.description.clone()),
            main_theme: RwSignal::new(initial.main_theme.clone()),
            other_themes: RwSignal::new(initial.other_themes.clone()),
            place_mode: RwSignal::new(if initial.point || initial.commune_code.is_none() {
                PlaceMode::Point
            } else {
                PlaceMode::Commune
            }),
            lon: RwSignal::new(initial.lon.clone()),
            lat: RwSignal::new(initial.lat.clone()),
            point_commune: RwSignal::new(None),
            commune: RwSignal::new(commune),
            address: RwSignal::new(initial.address.clone()),
            start_date: RwSignal::new(initial.start_date.clone()),
            end_date: RwSignal::new(initial.end_date.clone()),
            schedule: RwSignal::new(initial.schedule.clone()),
            audience: RwSignal::new(initial.audience.clone()),
            email: RwSignal::new(initial.email.clone()),
            phone: RwSignal::new(initial.phone.clone()),
            url: RwSignal::new(initial.url.clone()),
            welcomes_volunteers: RwSignal::new(initial.welcomes_volunteers),
            actor_mode: RwSignal::new(ActorMode::New),
            actor: RwSignal::new(None),
            new_actor_name: RwSignal::new(String::new()),
            new_actor_kind: RwSignal::new(String::new()),
            new_actor_description: RwSignal::new(String::new()),
            new_actor_website: RwSignal::new(String::new()),
            new_actor_email: RwSignal::new(String::new()),
            new_actor_phone: RwSignal::new(String::new()),
            new_actor_commune: RwSignal::new(None),
            new_actor_welcomes_volunteers: RwSignal::new(false),
            notify_email: RwSignal::new(String::new()),
            notify_consent: RwSignal::new(false),
        }
    }

    fn content_input(&self) -> ContentInput {
        ContentInput {
            title: self.title.get_untracked(),
            description: self.description.get_untracked(),
            main_theme: self.main_theme.get_untracked(),
            other_themes: self.other_themes.get_untracked(),
            point: self.place_mode.get_untracked() == PlaceMode::Point,
            lon: self.lon.get_untracked(),
            lat: self.lat.get_untracked(),
            commune_code: self.commune.get_untracked().map(|c| c.code),
            address: self.address.get_untracked(),
            start_date: self.start_date.get_untracked(),
            end_date: self.end_date.get_untracked(),
            schedule: self.schedule.get_untracked(),
            audience: self.audience.get_untracked(),
            email: self.email.get_untracked(),
            phone: self.phone.get_untracked(),
            url: self.url.get_untracked(),
            welcomes_volunteers: self.welcomes_volunteers.get_untracked(),
        }
    }

    /// Who runs it, when the form asks (adding): an existing actor's id or a new actor.
    fn actor_choice(&self, with_actor: bool) -> (Option<String>, Option<NewActorRequest>) {
        if !with_actor {
            return (None, None);
        }
        match self.actor_mode.get_untracked() {
            ActorMode::Existing => (
                Some(
                    self.actor
                        .get_untracked()
                        .map(|(id, _)| id)
                        .unwrap_or_default(),
                ),
                None,
            ),
            ActorMode::New => (None, Some(self.new_actor_input().to_request())),
        }
    }

    fn new_actor_input(&self) -> NewActorInput {
        NewActorInput {
            name: self.new_actor_name.get_untracked(),
            kind: self.new_actor_kind.get_untracked(),
            description: self.new_actor_description.get_untracked(),
            website: self.new_actor_website.get_untracked(),
            email: self.new_actor_email.get_untracked(),
            phone: self.new_actor_phone.get_untracked(),
            commune_code: self.new_actor_commune.get_untracked().map(|c| c.code),
            welcomes_volunteers: self.new_actor_welcomes_volunteers.get_untracked(),
        }
    }
}

/// What the form hands to its page on submit.
#[derive(Debug, Clone)]
pub struct Submission {
    pub content: InitiativeContentRequest,
    /// Adding only: an existing actor's id, or a new actor.
    pub actor_id: Option<String>,
    pub new_actor: Option<NewActorRequest>,
    /// Adding only: where to tell the submitter of decisions, with their consent.
    pub notify_email: Option<String>,
    pub notify_consent: bool,
}

/// The summary's entries: API field, id of its control, label.
fn summary_fields(with_actor: bool) -> Vec<SummaryField> {
    let t = i18n::t();
    let a = actors_i18n::t();
    let mut fields = vec![
        ("title", "initiative-titre", t.field_title),
        ("description", "initiative-description", t.field_description),
        ("themes", "initiative-theme-principal", t.field_main_theme),
        ("location", "lieu-point", t.field_place),
        ("address", "initiative-adresse", t.field_address),
        ("start_date", "initiative-debut", t.field_start_date),
        ("end_date", "initiative-fin", t.field_end_date),
        ("schedule", "initiative-horaires", t.field_schedule),
        ("audience", "initiative-public", t.field_audience),
        ("contact.email", "initiative-courriel", t.field_email),
        ("contact.phone", "initiative-telephone", t.field_phone),
        ("contact.url", "initiative-site", t.field_url),
    ];
    if with_actor {
        fields.extend([
            ("actor_id", "acteur-existant", t.field_actor),
            ("new_actor.name", "acteur-nom", a.field_name),
            ("new_actor.kind", "acteur-type", a.field_kind),
            (
                "new_actor.description",
                "acteur-description",
                a.field_description,
            ),
            ("new_actor.website", "acteur-site", a.field_website),
            ("new_actor.contact_email", "acteur-courriel", a.field_email),
            ("new_actor.contact_phone", "acteur-telephone", a.field_phone),
            ("new_actor.commune_code", "acteur-commune", a.field_commune),
            (
                "notify_email",
                "initiative-notify_email",
                common::t().notify_email,
            ),
            (
                "notify_consent",
                "initiative-notify_consent",
                common::t().notify_consent,
            ),
        ]);
    }
    fields
}

/// Id of the error summary: focused after a refused submission.
pub use crate::components::form::SUMMARY_ID;

/// Errors of the last answer, field → message.
type Errors = RwSignal<BTreeMap<String, String>>;

/// The form. `on_submit` sends the request and returns the API's answer; on a refusal,
/// its messages appear next to each field and in the summary, which gets the focus.
#[component]
pub fn InitiativeForm(
    config: PublicConfigResponse,
    themes: Vec<ThemeResponse>,
    initial: ContentInput,
    /// The commune of `initial` when it covers a whole commune.
    #[prop(default = None)]
    initial_commune: Option<CommuneChoice>,
    /// Adding: ask who runs it.
    #[prop(optional)]
    with_actor: bool,
    submit_label: &'static str,
    on_submit: UnsyncCallback<Submission, ()>,
    /// The last answer's errors (set by the page): by field, and `failure`, one not tied
    /// to a field, shown in the summary.
    sending: Sending,
) -> impl IntoView {
    let t = i18n::t();
    let Sending {
        errors,
        failure: general_error,
        pending,
    } = sending;
    let fields = FormFields::new(&initial, initial_commune);
    let active_themes: Vec<ThemeResponse> = themes
        .iter()
        .filter(|th| {
            !th.retired || initial.main_theme == th.slug || initial.other_themes.contains(&th.slug)
        })
        .cloned()
        .collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        general_error.set(None);
        let content = match fields.content_input().to_request() {
            Ok(content) => content,
            Err(local) => {
                errors.set(local);
                crate::browser::after_render(|| crate::browser::focus_id(SUMMARY_ID));
                return;
            }
        };
        let (actor_id, new_actor) = fields.actor_choice(with_actor);
        let notify_email = opt(&fields.notify_email.get_untracked()).filter(|_| with_actor);
        on_submit.run(Submission {
            content,
            actor_id,
            new_actor,
            notify_email,
            notify_consent: with_actor && fields.notify_consent.get_untracked(),
        });
    };
    let summary_fields = summary_fields(with_actor);
    let summary = Signal::derive(move || {
        errors.with(|e| summary_items(e, general_error.get(), &summary_fields))
    });
    let options = options_json(&config, &themes, true);
    let actor_kinds: Vec<(String, String)> = actors_i18n::KINDS
        .iter()
        .map(|k| ((*k).to_owned(), (actors_i18n::t().kind_label)(k).to_owned()))
        .collect();
    let actor_kinds = Signal::derive(move || actor_kinds.clone());

    view! {
        <form class="formulaire" novalidate on:submit=submit>
            <ErrorSummary items=summary/>
            <p class="formulaire__note">{t.form_required_note}</p>
            <InitiativeFields fields=fields errors=errors/>
            <ThemeFields fields=fields errors=errors themes=active_themes/>
            <PlaceFields fields=fields errors=errors options=options/>
            <WhenFields fields=fields errors=errors/>
            <ContactFields fields=fields errors=errors/>
            {with_actor.then(|| view! { <ActorFields fields=fields errors=errors actor_kinds=actor_kinds/> })}
            <div class="formulaire__actions">
                <SubmitButton pending=pending label=submit_label pending_label=t.sending/>
            </div>
        </form>
    }
}

/// The title and the description.
#[component]
fn InitiativeFields(fields: FormFields, errors: Errors) -> impl IntoView {
    let t = i18n::t();
    view! {
        <fieldset class="groupe">
            <legend>{t.section_initiative}</legend>
            <TextField
                id="initiative-titre"
                label=t.field_title
                value=fields.title
                error=field_error(errors, "title")
                required=true
                maxlength={drafts::TITLE_MAX as u32}
                hint=t.hint_title
            />
            <TextField
                id="initiative-description"
                label=t.field_description
                value=fields.description
                error=field_error(errors, "description")
                required=true
                multiline=true
                maxlength={drafts::DESCRIPTION_MAX as u32}
                hint=t.hint_description
            />
        </fieldset>
    }
}

/// The main theme and the other ones (`themes`: those offered).
#[component]
fn ThemeFields(fields: FormFields, errors: Errors, themes: Vec<ThemeResponse>) -> impl IntoView {
    let t = i18n::t();
    let c = common::t();
    let themes_error = field_error(errors, "themes");
    let theme_options = {
        let list: Vec<(String, String)> = themes
            .iter()
            .map(|th| (th.slug.clone(), th.label.clone()))
            .collect();
        Signal::derive(move || list.clone())
    };
    view! {
        <fieldset class="groupe" aria-describedby=move || themes_error.with(Option::is_some).then_some("themes-erreur")>
            <legend>{t.section_themes}</legend>
            {move || themes_error.get().map(|m| view! {
                <p class="champ__erreur" id="themes-erreur">
                    <span class="champ__erreur-prefixe">{c.error_prefix}</span>" "{m}
                </p>
            })}
            <SelectField
                id="initiative-theme-principal"
                label=t.field_main_theme
                value=fields.main_theme
                error=Signal::derive(|| None)
                options=theme_options
                placeholder=t.choose_theme
                required=true
            />
            <fieldset class="groupe groupe--interne">
                <legend>{t.field_other_themes}<RequiredMark required=false/></legend>
                <ul class="choix choix--themes">
                    {themes.into_iter().map(|theme| view! { <OtherTheme fields=fields theme=theme/> }).collect_view()}
                </ul>
            </fieldset>
        </fieldset>
    }
}

/// One box of the other themes (disabled while it is the main theme).
#[component]
fn OtherTheme(fields: FormFields, theme: ThemeResponse) -> impl IntoView {
    let slug = theme.slug.clone();
    let id = format!("autre-theme-{}", theme.slug);
    let for_id = id.clone();
    let checked = {
        let slug = slug.clone();
        move || fields.other_themes.with(|l| l.contains(&slug))
    };
    let is_main = {
        let slug = slug.clone();
        move || fields.main_theme.with(|m| *m == slug)
    };
    let label = theme.label.clone();
    view! {
        <li>
            <label for=for_id class="choix__theme">
                <input type="checkbox" id=id
                    prop:checked=checked
                    disabled=is_main
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let slug = slug.clone();
                        fields.other_themes.update(|l| {
                            l.retain(|s| *s != slug);
                            if on {
                                l.push(slug);
                            }
                        });
                    }
                />
                <ThemeIcon theme=theme/>
                <span>{label}</span>
            </label>
        </li>
    }
}

/// Where: a point (on the map or by coordinates, with the commune it falls in) or a
/// whole commune, and the address. `options`: the map's, from [`options_json`].
#[component]
fn PlaceFields(fields: FormFields, errors: Errors, options: String) -> impl IntoView {
    let t = i18n::t();
    let map = MapController::new();
    let locate_point = move |lon: f64, lat: f64| locate(fields, lon, lat);
    let on_pick = move |(lon, lat): (f64, f64)| {
        fields.place_mode.set(PlaceMode::Point);
        fields.lon.set(format_coordinate(lon));
        fields.lat.set(format_coordinate(lat));
        map.set_picked(lon, lat, false);
        locate_point(lon, lat);
    };
    // Coordinates typed: show them on the map.
    let on_coordinates = move |_| {
        let parsed = (
            parse_decimal(&fields.lon.get_untracked()),
            parse_decimal(&fields.lat.get_untracked()),
        );
        if let (Some(lon), Some(lat)) = parsed {
            map.set_picked(lon, lat, true);
            locate_point(lon, lat);
        }
    };
    // The initial point of the edit page.
    Effect::new(move |_| show_initial_place(fields, map));
    let picked_text = move || {
        fields.point_commune.get().map(|answer| match answer {
            Ok(name) => (t.place_point_in)(&name),
            Err(message) => message,
        })
    };
    let place_error = field_error(errors, "location");
    view! {
        <fieldset class="groupe" aria-describedby=move || place_error.with(Option::is_some).then_some("lieu-erreur")>
            <legend>{t.section_place}</legend>
            <FieldError field_id="lieu".to_owned() message=place_error/>
            <ModeChoice name="lieu" id="lieu-point" mode=fields.place_mode value=PlaceMode::Point label=t.place_mode_point/>
            <ModeChoice name="lieu" id="lieu-commune" mode=fields.place_mode value=PlaceMode::Commune label=t.place_mode_commune/>
            <Show when=move || fields.place_mode.get() == PlaceMode::Commune>
                <CommuneSearch
                    id="lieu-commune-recherche"
                    label=t.field_commune
                    selected=fields.commune
                    required=true
                    show_mark=true
                    on_change={move |choice: Option<CommuneChoice>| {
                        if let Some(choice) = choice {
                            map.show_commune(&choice.code);
                        }
                    }}
                />
            </Show>
            <Show when=move || fields.place_mode.get() == PlaceMode::Point>
                <p class="champ__aide" id="lieu-aide">{t.place_point_help}</p>
                <div class="coordonnees" on:change=on_coordinates>
                    <TextField
                        id="lieu-longitude"
                        label=t.field_lon
                        value=fields.lon
                        error=Signal::derive(|| None)
                        inputmode="decimal"
                    />
                    <TextField
                        id="lieu-latitude"
                        label=t.field_lat
                        value=fields.lat
                        error=Signal::derive(|| None)
                        inputmode="decimal"
                    />
                </div>
                <p class="statut statut--attente" role="status">{picked_text}</p>
                <button type="button" class="bouton bouton--discret" on:click=move |_| map.pick_centre()>
                    {t.place_pick_centre}
                </button>
            </Show>
            <MapView
                controller=map
                options=options
                label=t.place_map_label
                class="carte-leaflet--formulaire"
                on_pick=on_pick
            />
            <TextField
                id="initiative-adresse"
                label=t.field_address
                value=fields.address
                error=field_error(errors, "address")
                autocomplete="street-address"
                hint=t.hint_address
            />
        </fieldset>
    }
}

/// Where the point falls: its commune, or why it cannot be used.
fn locate(fields: FormFields, lon: f64, lat: f64) {
    fields.point_commune.set(None);
    leptos::task::spawn_local(async move {
        let url = format!("/api/v1/locate?lon={lon}&lat={lat}");
        let answer: Result<LocateResponse, ApiError> = api::get(&url).await;
        fields.point_commune.set(Some(match answer {
            Ok(found) => Ok(found.commune.name),
            Err(error) => Err(error.message()),
        }));
    });
}

/// Once the map is mounted: the form's initial point (edit page) or commune.
fn show_initial_place(fields: FormFields, map: MapController) {
    if !map.is_mounted() {
        return;
    }
    match fields.place_mode.get_untracked() {
        PlaceMode::Point => {
            if let (Some(lon), Some(lat)) = (
                parse_decimal(&fields.lon.get_untracked()),
                parse_decimal(&fields.lat.get_untracked()),
            ) {
                map.set_picked(lon, lat, true);
                locate(fields, lon, lat);
            }
        }
        PlaceMode::Commune => {
            if let Some(commune) = fields.commune.get_untracked() {
                map.show_commune(&commune.code);
            }
        }
    }
}

/// Dates, schedule, audience and whether volunteers are welcome.
#[component]
fn WhenFields(fields: FormFields, errors: Errors) -> impl IntoView {
    let t = i18n::t();
    let err = move |key: &'static str| field_error(errors, key);
    view! {
        <fieldset class="groupe">
            <legend>{t.section_when}</legend>
            <div class="deux-colonnes">
                <TextField id="initiative-debut" label=t.field_start_date value=fields.start_date error=err("start_date") kind="date"/>
                <TextField id="initiative-fin" label=t.field_end_date value=fields.end_date error=err("end_date") kind="date" hint=t.hint_end_date/>
            </div>
            <TextField id="initiative-horaires" label=t.field_schedule value=fields.schedule error=err("schedule") hint=t.hint_schedule/>
            <TextField id="initiative-public" label=t.field_audience value=fields.audience error=err("audience") hint=t.hint_audience/>
            <div class="champ champ--case">
                <input type="checkbox" id="initiative-benevoles"
                    prop:checked=move || fields.welcomes_volunteers.get()
                    on:change=move |ev| fields.welcomes_volunteers.set(event_target_checked(&ev))/>
                " "
                <label for="initiative-benevoles">{crate::i18n::freshness::t().welcomes_volunteers}</label>
            </div>
        </fieldset>
    }
}

/// The public contact: e-mail, phone, site.
#[component]
fn ContactFields(fields: FormFields, errors: Errors) -> impl IntoView {
    let t = i18n::t();
    let err = move |key: &'static str| field_error(errors, key);
    view! {
        <fieldset class="groupe">
            <legend>{t.section_contact}</legend>
            <p class="champ__aide">{t.hint_contact}</p>
            <TextField id="initiative-courriel" label=t.field_email value=fields.email error=err("contact.email") kind="email" autocomplete="email"/>
            <TextField id="initiative-telephone" label=t.field_phone value=fields.phone error=err("contact.phone") kind="tel" autocomplete="tel" hint=t.hint_phone/>
            <TextField id="initiative-site" label=t.field_url value=fields.url error=err("contact.url") kind="url" autocomplete="url" hint=t.hint_url/>
        </fieldset>
    }
}

/// « Qui mène cette initiative ? »: an actor already published, or a new one.
#[component]
fn ActorFields(
    fields: FormFields,
    errors: RwSignal<BTreeMap<String, String>>,
    actor_kinds: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let t = i18n::t();
    let a = actors_i18n::t();
    let err = move |key: &'static str| field_error(errors, key);
    let actor_error = err("actor_id");
    let search = RwSignal::new(String::new());
    let results: RwSignal<Option<Result<Vec<ActorResponse>, String>>> = RwSignal::new(None);
    let run_search = move || {
        let q = search.get_untracked();
        if q.trim().is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let url = format!("/api/v1/actors?q={}&per_page=10", percent_encode(q.trim()));
            let answer: Result<ActorListResponse, ApiError> = api::get(&url).await;
            results.set(Some(answer.map(|r| r.items).map_err(|e| e.message())));
        });
    };
    view! {
                  <fieldset class="groupe" aria-describedby=move || actor_error.with(Option::is_some).then_some("acteur-erreur")>
                      <legend>{t.section_actor}</legend>
                      <FieldError field_id="acteur".to_owned() message=actor_error/>
                      <ModeChoice name="acteur" id="acteur-nouveau" mode=fields.actor_mode value=ActorMode::New label=t.actor_mode_new/>
                      <ModeChoice name="acteur" id="acteur-existant" mode=fields.actor_mode value=ActorMode::Existing label=t.actor_mode_existing/>
                      <Show when=move || fields.actor_mode.get() == ActorMode::Existing>
                          <div class="recherche-acteur">
                              <TextField id="acteur-recherche" label=t.actor_search_label value=search error=Signal::derive(|| None) kind="search"/>
                              <button type="button" class="bouton bouton--discret" on:click=move |_| run_search()>
                                  {t.actor_search_button}
                              </button>
                          </div>
                          {move || results.get().map(|answer| match answer {
                              Err(message) => view! { <p class="statut statut--erreur" role="status">{message}</p> }.into_any(),
                              Ok(list) if list.is_empty() => view! { <p role="status">{t.actor_search_none}</p> }.into_any(),
                              Ok(list) => view! {
                                  <fieldset class="groupe groupe--interne">
                                      <legend>{(t.actor_search_results)(list.len())}</legend>
                                      {list.into_iter().map(|actor| {
                                          let id = format!("acteur-{}", actor.id);
       let for_id = id.clone();
                                          let value = (actor.id.clone(), actor.name.clone());
                                          let actor_id = actor.id.clone();
                                          let commune = actor.commune.as_ref().map(|c| format!(" — {}", c.name)).unwrap_or_default();
                                          view! {
                                              <div class="choix">
          <label for=for_id>
          <input
                                                      type="radio"
                                                      name="acteur-choisi"
                                                      id=id
                                                      prop:checked=move || fields.actor.with(|a| a.as_ref().is_some_and(|(i, _)| *i == actor_id))
                                                      on:change=move |_| fields.actor.set(Some(value.clone()))
                                                  />
          <span>{format!("{} ({}){commune}", actor.name, (a.kind_label)(&actor.kind))}</span>
          </label>
          </div>
                                          }
                                      }).collect_view()}
                                  </fieldset>
                              }.into_any(),
                          })}
                      </Show>
                      <Show when=move || fields.actor_mode.get() == ActorMode::New>
                          <TextField id="acteur-nom" label=a.field_name value=fields.new_actor_name error=err("new_actor.name") required=true autocomplete="organization"/>
                          <SelectField
                              id="acteur-type"
                              label=a.field_kind
                              value=fields.new_actor_kind
                              error=err("new_actor.kind")
                              options=actor_kinds
                              placeholder=a.choose_kind
                              required=true
                          />
                          <TextField id="acteur-description" label=a.field_description value=fields.new_actor_description error=err("new_actor.description") multiline=true/>
                          <TextField id="acteur-site" label=a.field_website value=fields.new_actor_website error=err("new_actor.website") kind="url" hint=t.hint_url/>
                          <TextField id="acteur-courriel" label=a.field_email value=fields.new_actor_email error=err("new_actor.contact_email") kind="email"/>
                          <TextField id="acteur-telephone" label=a.field_phone value=fields.new_actor_phone error=err("new_actor.contact_phone") kind="tel" hint=t.hint_phone/>
                          <div class="champ champ--case">
                              <input type="checkbox" id="acteur-benevoles"
                                  prop:checked=move || fields.new_actor_welcomes_volunteers.get()
                                  on:change=move |ev| fields.new_actor_welcomes_volunteers.set(event_target_checked(&ev))/>
                              " "
                              <label for="acteur-benevoles">{crate::i18n::freshness::t().actor_welcomes_volunteers}</label>
                          </div>
                          <CommuneSearch
                              id="acteur-commune"
                              label=a.field_commune
                              selected=fields.new_actor_commune
                              error=err("new_actor.commune_code")
    show_mark=true
                          />
                      </Show>
                  </fieldset>
                  <NotifyFields
                      prefix="initiative"
                      email=fields.notify_email
                      consent=fields.notify_consent
                      email_error=err("notify_email")
                      consent_error=err("notify_consent")
                  />
              }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ContentInput {
        ContentInput {
            title: "  Repas partagés ".into(),
            description: "Chaque jeudi.".into(),
            main_theme: "isolement".into(),
            other_themes: vec!["aide-alimentaire".into(), "isolement".into()],
            point: true,
            lon: "-0,5".into(),
            lat: "43.9".into(),
            ..ContentInput::default()
        }
    }

    #[test]
    fn the_request_holds_what_was_typed_main_theme_first() {
        let request = input().to_request().unwrap();
        assert_eq!(request.title.as_deref(), Some("Repas partagés"));
        assert_eq!(request.themes, ["isolement", "aide-alimentaire"]);
        let location = request.location.unwrap();
        assert_eq!((location.lon, location.lat), (Some(-0.5), Some(43.9)));
        assert_eq!(location.commune_code, None);
        assert_eq!(request.address, None, "blank fields are left out");
        assert_eq!(request.contact, ContactRequest::default());
    }

    #[test]
    fn a_whole_commune_or_no_place_at_all() {
        let mut whole = input();
        whole.point = false;
        whole.commune_code = Some("40192".into());
        let location = whole.to_request().unwrap().location.unwrap();
        assert_eq!(location.commune_code.as_deref(), Some("40192"));
        assert_eq!(location.lon, None);
        let mut none = input();
        none.lon.clear();
        none.lat.clear();
        assert_eq!(
            none.to_request().unwrap().location,
            None,
            "the API names the missing place"
        );
    }

    #[test]
    fn coordinates_that_are_not_numbers_are_refused_before_sending() {
        let mut bad = input();
        bad.lat = "nord".into();
        let errors = bad.to_request().unwrap_err();
        assert!(errors.contains_key("location"));
    }

    #[test]
    fn a_stored_initiative_fills_the_form_back() {
        let request = input().to_request().unwrap();
        let content = InitiativeContentResponse {
            title: request.title.clone().unwrap(),
            description: request.description.clone().unwrap(),
            themes: request.themes.clone(),
            lon: -0.5,
            lat: 43.9,
            has_point: true,
            commune: solidarites_api_types::CommuneRef {
                code: "40192".into(),
                name: "M".into(),
            },
            address: None,
            start_date: Some("2026-01-05".into()),
            end_date: None,
            ongoing: true,
            schedule: None,
            audience: None,
            contact: Default::default(),
            welcomes_volunteers: true,
        };
        let back = ContentInput::from_content(&content);
        assert_eq!(back.lon, "-0,500000");
        assert_eq!(back.start_date, "2026-01-05");
        let again = back.to_request().unwrap();
        assert_eq!(again.themes, request.themes);
        assert_eq!(again.location, request.location);
    }

    #[test]
    fn new_actors_leave_blank_fields_out() {
        let actor = NewActorInput {
            name: " Les Restos ".into(),
            kind: "association".into(),
            ..NewActorInput::default()
        }
        .to_request();
        assert_eq!(actor.name.as_deref(), Some("Les Restos"));
        assert_eq!(actor.website, None);
        assert_eq!(actor.commune_code, None);
    }

    #[test]
    fn decimals_are_read_both_ways() {
        assert_eq!(parse_decimal(" 43,5 "), Some(43.5));
        assert_eq!(parse_decimal("-1.25"), Some(-1.25));
        assert_eq!(parse_decimal("NaN"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(format_coordinate(-0.123_456_78), "-0,123457");
    }
}
