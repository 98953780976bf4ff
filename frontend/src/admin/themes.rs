//! `/admin/administration/themes`: the themes, with their colour shown under white text
//! and its contrast ratio (the domain's [`contrast_with_white`], the server's own check),
//! added, renamed, recoloured, retired (confirmed). Administrators only.
//!
//! The list is not paged: the API returns every theme (a platform has about ten).

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    CreateThemeRequest, ThemeListResponse, ThemeResponse, UpdateThemeRequest,
};
use solidarites_domain::color::{contrast_with_white, MIN_CONTRAST};

use super::campaigns::TextField;
use super::session;
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine, FormSection, Table};
use crate::api::{self, ApiError};
use crate::i18n::registers as i18n;
use crate::router::percent_encode;

/// The contrast line of a colour being typed: its ratio and whether it is enough.
pub fn contrast_text(color: &str) -> (bool, String) {
    let t = i18n::t();
    match contrast_with_white(&color.trim().to_ascii_uppercase()) {
        Some(ratio) => {
            let ok = ratio >= MIN_CONTRAST;
            let shown = crate::format::decimal(ratio, 1);
            (
                ok,
                format!(
                    "{} — {}",
                    (t.contrast)(&shown),
                    if ok { t.contrast_ok } else { t.contrast_low }
                ),
            )
        }
        None => (false, t.contrast_invalid.to_owned()),
    }
}

/// A colour field with its live contrast check and a sample of white text on it.
#[component]
fn ColorField(
    id: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<BTreeMap<String, String>>,
) -> impl IntoView {
    let t = i18n::t();
    let check = Memo::new(move |_| contrast_text(&value.get()));
    let swatch = move || {
        let color = value.get();
        let valid = contrast_with_white(&color.trim().to_ascii_uppercase()).is_some();
        let background = if valid {
            color.trim().to_owned()
        } else {
            "#000000".to_owned()
        };
        format!("background-color: {background}")
    };
    view! {
        <div class="theme-couleur">
            <TextField id=id label=t.field_color hint=t.field_color_hint value=value errors=errors field="color"/>
            <p class="theme-couleur__controle" aria-live="polite">
                <span class="theme-pastille" style=swatch>{t.sample}</span>" "
                <span class=move || if check.get().0 { "statut statut--ok" } else { "statut statut--erreur" }>
                    {move || check.get().1}
                </span>
            </p>
        </div>
    }
}

#[component]
pub fn ThemesPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.themes_title);
    let version = RwSignal::new(0u32);
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    let list: RwSignal<Option<Result<Vec<ThemeResponse>, ApiError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        version.track();
        // The public list is cached a minute by browsers: after a change, a new address.
        let url = format!("/api/v1/themes?lu={}", js_sys::Date::now());
        leptos::task::spawn_local(async move {
            let result = api::get::<ThemeListResponse>(&url).await.map(|l| l.themes);
            let _ = list.try_set(Some(result));
        });
    });
    let editing: RwSignal<Option<ThemeResponse>> = RwSignal::new(None);
    let confirming: RwSignal<Option<String>> = RwSignal::new(None);
    let changed = move |message: String| {
        crate::components::themes::forget();
        feedback.set(Some(Feedback::Done(message)));
        version.update(|v| *v += 1);
    };

    let retire = move |theme: ThemeResponse| {
        let url = format!(
            "/api/v1/admin/themes/{}/retire",
            percent_encode(&theme.slug)
        );
        leptos::task::spawn_local(async move {
            match session::post::<_, ThemeResponse>(&url, &serde_json::json!({})).await {
                Ok(done) => {
                    confirming.set(None);
                    changed((t.theme_retired)(&done.label));
                }
                Err(error) => feedback.set(Some(Feedback::failed(&error))),
            }
        });
    };

    let table = move || match list.get() {
        None => ui::loading(),
        Some(Err(error)) => ui::alert(&error),
        Some(Ok(themes)) => {
            let count = themes.len();
            let rows = themes
                .into_iter()
                .map(|theme| {
                    let label = theme.label.clone();
                    let slug = theme.slug.clone();
                    let for_edit = theme.clone();
                    let for_retire = theme.clone();
                    let asking = {
                        let slug = slug.clone();
                        move || confirming.get().as_deref() == Some(slug.as_str())
                    };
                    let ask_slug = slug.clone();
                    let actions = (!theme.retired).then(|| {
                        let label = label.clone();
                        view! {
                            <div class="boutons boutons--serres">
                                <button type="button" class="bouton bouton--discret"
                                    aria-label=(t.edit_theme)(&label)
                                    on:click=move |_| {
                                        editing.set(Some(for_edit.clone()));
                                        crate::browser::after_render(|| crate::browser::focus_id("theme-modifier-nom"));
                                    }>
                                    {t.edit}
                                </button>
                                <Show when=asking.clone() fallback={
                                    let label = label.clone();
                                    let ask_slug = ask_slug.clone();
                                    move || {
                                        let ask_slug = ask_slug.clone();
                                        view! {
                                            <button type="button" class="bouton bouton--discret"
                                                aria-label=(t.retire_of)(&label)
                                                on:click=move |_| confirming.set(Some(ask_slug.clone()))>
                                                {t.retire}
                                            </button>
                                        }
                                    }
                                }>
                                    {
                                        let for_retire = for_retire.clone();
                                        let label = label.clone();
                                        view! {
                                            <button type="button" class="bouton bouton--plein"
                                                on:click=move |_| retire(for_retire.clone())>
                                                {(t.retire_confirm)(&label)}
                                            </button>
                                            <button type="button" class="bouton bouton--discret"
                                                on:click=move |_| confirming.set(None)>
                                                {t.cancel}
                                            </button>
                                        }
                                    }
                                </Show>
                            </div>
                        }
                    });
                    view! {
                        <tr>
                            <th scope="row">
                                <span class="theme-pastille" style=format!("background-color: {}", theme.color)>
                                    {label.clone()}
                                </span>
                            </th>
                            <td><code>{slug.clone()}</code></td>
                            <td><code>{theme.color.clone()}</code></td>
                            <td>{if theme.retired { t.retired } else { t.in_use }}</td>
                            <td>{actions}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <Table
                    caption={(t.themes_caption)(count)}
                    columns=vec![
                        t.col_theme,
                        t.col_slug,
                        t.col_color,
                        t.col_state,
                        t.col_actions,
                    ]
                >
                    {rows}
                </Table>
            }
            .into_any()
        }
    };

    view! {
        <p><a href="/admin/administration">{crate::i18n::administration::t().title}</a></p>
        <h1>{t.themes_title}</h1>
        <p class="intro">{t.themes_intro}</p>
        <FeedbackLine feedback=feedback/>
        {table}
        {move || editing.get().map(|theme| view! { <EditTheme theme=theme editing=editing feedback=feedback changed=changed/> })}
        <CreateTheme feedback=feedback changed=changed/>
    }
}

#[component]
fn EditTheme(
    theme: ThemeResponse,
    editing: RwSignal<Option<ThemeResponse>>,
    feedback: RwSignal<Option<Feedback>>,
    changed: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = i18n::t();
    let label = RwSignal::new(theme.label.clone());
    let color = RwSignal::new(theme.color.clone());
    let icon = RwSignal::new(theme.icon.clone());
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let url = format!("/api/v1/admin/themes/{}", percent_encode(&theme.slug));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = UpdateThemeRequest {
            label: Some(label.get_untracked()),
            color: Some(color.get_untracked()),
            icon: Some(icon.get_untracked()),
        };
        let url = url.clone();
        leptos::task::spawn_local(async move {
            match session::patch::<_, ThemeResponse>(&url, &body).await {
                Ok(done) => {
                    editing.set(None);
                    changed((t.theme_saved)(&done.label));
                }
                Err(error) => ui::refused(errors, feedback, &error),
            }
        });
    };
    let heading = (t.edit_theme)(&theme.label);
    view! {
        <section aria-labelledby="theme-modifier-titre">
            <h2 id="theme-modifier-titre">{heading}</h2>
            <form class="formulaire-console" novalidate on:submit=submit>
                <TextField id="theme-modifier-nom" label=t.field_label value=label errors=errors field="label"/>
                <ColorField id="theme-modifier-couleur" value=color errors=errors/>
                <TextField id="theme-modifier-icone" label=t.field_icon hint=t.field_icon_hint value=icon errors=errors field="icon"/>
                <div class="boutons">
                    <button type="submit" class="bouton bouton--plein">{t.save_theme}</button>
                    <button type="button" class="bouton bouton--discret" on:click=move |_| editing.set(None)>{t.cancel}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn CreateTheme(
    feedback: RwSignal<Option<Feedback>>,
    changed: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = i18n::t();
    let slug = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let color = RwSignal::new("#1D4ED8".to_owned());
    let icon = RwSignal::new(String::new());
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let submit = move || {
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        let body = CreateThemeRequest {
            slug: text(slug),
            label: text(label),
            color: text(color),
            icon: text(icon),
        };
        leptos::task::spawn_local(async move {
            match session::post::<_, ThemeResponse>("/api/v1/admin/themes", &body).await {
                Ok(done) => {
                    errors.set(BTreeMap::new());
                    slug.set(String::new());
                    label.set(String::new());
                    icon.set(String::new());
                    changed((t.theme_created)(&done.label));
                }
                Err(error) => ui::refused(errors, feedback, &error),
            }
        });
    };
    view! {
        <FormSection heading_id="theme-creer-titre" title=t.create_theme button=t.create_button primary=true on_submit=submit>
            <TextField id="theme-nom" label=t.field_label value=label errors=errors field="label"/>
            <TextField id="theme-slug" label=t.field_slug hint=t.field_slug_hint value=slug errors=errors field="slug"/>
            <ColorField id="theme-couleur" value=color errors=errors/>
            <TextField id="theme-icone" label=t.field_icon hint=t.field_icon_hint value=icon errors=errors field="icon"/>
        </FormSection>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contrast_line_says_whether_white_text_is_readable() {
        let (ok, text) = contrast_text("#1d4ed8");
        assert!(ok, "{text}");
        assert!(text.contains("lisible"), "{text}");
        let (ok, text) = contrast_text("#FFFF00");
        assert!(!ok);
        assert!(text.contains("trop faible"), "{text}");
        let (ok, text) = contrast_text("jaune");
        assert!(!ok);
        assert!(text.contains("#RRGGBB"), "{text}");
    }
}
