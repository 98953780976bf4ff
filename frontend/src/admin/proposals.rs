//! `/admin/propositions`: every proposal, paged by the server, filtered by status, theme
//! and text, sorted (newest, most supported, priority); in the priority order, each row
//! moves up or down with buttons.
//!
//! `/admin/propositions/{id}`: one proposal with its history; its status changed with a
//! public answer, its internal note (not sent to the committee by the API), its priority
//! rank, and its merge into another proposal found by a search.
//!
//! The committee reads and ranks; moderators and administrators act (the API's rules).

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{
    AdminProposalListResponse, AdminProposalResponse, MergeProposalRequest, MergeProposalResponse,
    ProposalNoteRequest, ProposalPriorityRequest, ProposalRank, ProposalRanksRequest,
    ProposalRanksResponse, ProposalStatusRequest, ThemeResponse,
};

use super::campaigns::TextField;
use super::session::{self, Session};
use super::shell::set_title;
use super::ui::{self, Feedback, FeedbackLine, FilterSelect, FormSection, Pager, Table};
use super::Role;
use crate::api::{self, ApiError};
use crate::components::form::{described_by, help_id, FieldError};
use crate::components::themes;
use crate::i18n::console as i18n;
use crate::i18n::proposals as public_i18n;
use crate::pages::proposals::STATUSES;
use crate::router::{self, percent_encode};

const PER_PAGE: u64 = 20;
const SORTS: [&str; 3] = ["newest", "most_supported", "priority"];

fn role() -> Role {
    use_context::<Session>()
        .or_else(session::current)
        .map_or(Role::Committee, |s| s.role())
}

fn proposal_path(id: &str) -> String {
    format!("/admin/propositions/{}", percent_encode(id))
}

fn status_name(status: &str) -> &'static str {
    (public_i18n::t().status)(status)
}

/// The list's filters, as in the URL's query (the API's names).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Filters {
    status: String,
    theme: String,
    q: String,
    sort: String,
}

impl Filters {
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("status", self.status.as_str()),
            ("theme", self.theme.as_str()),
            ("q", self.q.as_str()),
            ("sort", self.sort.as_str()),
        ]
    }
}

#[component]
pub fn ProposalsPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.proposals_title);
    let location = router::use_location();
    let filters = Memo::new(move |_| {
        location.with(|l| Filters {
            status: l.param("status").unwrap_or_default(),
            theme: l.param("theme").unwrap_or_default(),
            q: l.param("q").unwrap_or_default(),
            sort: l
                .param("sort")
                .filter(|s| SORTS.contains(&s.as_str()))
                .unwrap_or_default(),
        })
    });
    let page = ui::page_param();
    let version = RwSignal::new(0u32);
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    let list = ui::reload::<AdminProposalListResponse>(version, move || {
        let f = filters.get();
        let (page, per_page) = (page.get().to_string(), PER_PAGE.to_string());
        let mut pairs = f.pairs();
        pairs.extend([("page", page.as_str()), ("per_page", per_page.as_str())]);
        router::with_query("/api/v1/admin/proposals", &pairs)
    });
    let theme_list = api::load(themes::all());

    // The filter form: its fields start from the URL and go to it when sent.
    let status = RwSignal::new(filters.get_untracked().status);
    let theme = RwSignal::new(filters.get_untracked().theme);
    let q = RwSignal::new(filters.get_untracked().q);
    let sort = RwSignal::new(filters.get_untracked().sort);
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let f = Filters {
            status: status.get_untracked(),
            theme: theme.get_untracked(),
            q: q.get_untracked().trim().to_owned(),
            sort: sort.get_untracked(),
        };
        router::navigate(&router::with_query("/admin/propositions", &f.pairs()));
    };
    let sort_label = |s: &str| match s {
        "most_supported" => t.sort_supported,
        "priority" => t.sort_priority,
        _ => t.sort_newest,
    };

    view! {
        <h1>{t.proposals_title}</h1>
        <p class="intro">{t.proposals_intro}</p>
        <form class="filtres" role="search" aria-label=t.filters_title on:submit=apply>
            <div class="formulaire-console formulaire-console--ligne">
                <FilterSelect
                    id="filtre-statut"
                    label=t.filter_status
                    any_label=t.filter_all
                    value=status
                    choices=Signal::stored(
                        STATUSES.map(|s| (s.to_owned(), status_name(s).to_owned())).to_vec(),
                    )
                />
                <FilterSelect
                    id="filtre-theme"
                    label=t.filter_theme
                    any_label=t.filter_all
                    value=theme
                    choices=ui::theme_choices(theme_list)
                />
                <div class="champ">
                    <label for="filtre-texte">{t.filter_text}</label>
                    <input class="saisie"
                        id="filtre-texte"
                        type="search"
                        prop:value=move || q.get()
                        on:input=move |ev| q.set(event_target_value(&ev))
                    />
                </div>
                <div class="champ">
                    <label for="filtre-tri">{t.filter_sort}</label>
                    <select class="saisie" id="filtre-tri" on:change=move |ev| sort.set(event_target_value(&ev))>
                        {SORTS
                            .iter()
                            .map(|s| {
                                let selected = sort.get_untracked() == *s
                                    || (sort.get_untracked().is_empty() && *s == "newest");
                                view! { <option value=*s selected=selected>{sort_label(s)}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="boutons">
                    <button type="submit" class="bouton">{t.filter_apply}</button>
                </div>
            </div>
        </form>
        <FeedbackLine feedback=feedback/>
        {move || match list.get() {
            None => ui::loading(),
            Some(Err(error)) => ui::alert(&error),
            Some(Ok(list)) => {
                let f = filters.get_untracked();
                let by_priority = f.sort == "priority";
                view! {
                    <ProposalTable
                        list=list
                        themes=theme_list
                        filters=f
                        by_priority=by_priority
                        feedback=feedback
                        version=version
                    />
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn ProposalTable(
    list: AdminProposalListResponse,
    themes: api::Loaded<Vec<ThemeResponse>>,
    filters: Filters,
    by_priority: bool,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    if list.items.is_empty() {
        return view! { <p>{t.proposals_empty}</p> }.into_any();
    }
    let ranks = StoredValue::new(page_ranks(&list));
    let swap = move |i: usize, j: usize| swap_ranks(ranks, i, j, feedback, version);
    let count = list.items.len();
    let rows = list
        .items
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let title = p.proposal.content.title.clone();
            let theme_names = move || {
                let slugs = p.proposal.content.themes.clone();
                themes.with(|t| match t {
                    Some(Ok(list)) => slugs
                        .iter()
                        .map(|s| themes::label(list, s))
                        .collect::<Vec<_>>()
                        .join(", "),
                    _ => slugs.join(", "),
                })
            };
            let moves = by_priority.then(|| {
                view! {
                    <td>
                        <div class="boutons boutons--serres">
                            {(i > 0).then(|| view! {
                                <button
                                    type="button"
                                    class="bouton bouton--discret"
                                    aria-label=(t.move_up)(&title)
                                    on:click=move |_| swap(i, i - 1)
                                >
                                    {t.up}
                                </button>
                            })}
                            {(i + 1 < count).then(|| view! {
                                <button
                                    type="button"
                                    class="bouton bouton--discret"
                                    aria-label=(t.move_down)(&title)
                                    on:click=move |_| swap(i, i + 1)
                                >
                                    {t.down}
                                </button>
                            })}
                        </div>
                    </td>
                }
            });
            let merged = p.proposal.merged_into.is_some();
            view! {
                <tr>
                    <th scope="row">
                        <a href=proposal_path(&p.proposal.id)>{p.proposal.content.title.clone()}</a>
                        {merged.then(|| view! { <br/><span class="texte-doux">{t.merged_into}</span> })}
                    </th>
                    <td>{status_name(&p.proposal.status)}</td>
                    <td>{(t.moderation_name)(&p.moderation_status)}</td>
                    <td>{theme_names}</td>
                    <td class="nombre">{crate::format::count(p.proposal.support_count)}</td>
                    <td class="nombre">
                        {p.proposal.priority.map_or_else(|| t.rank_none.to_owned(), |r| r.to_string())}
                    </td>
                    {moves}
                </tr>
            }
        })
        .collect_view();
    view! {
        <Table
            caption={(t.proposals_caption)(list.total)}
            columns={[t.col_proposal, t.col_status, t.col_moderation, t.filter_theme, t.col_supports, t.col_rank].into_iter().chain(by_priority.then_some(t.col_actions)).collect::<Vec<_>>()}
        >
            {rows}
        </Table>
        <Pager
            path="/admin/propositions"
            pairs=filters.pairs().into_iter().map(|(k, v)| (k, v.to_owned())).collect()
            page=list.page
            per_page=list.per_page
            total=list.total
        />
    }
    .into_any()
}

/// A row's proposal: its id, title and rank.
type Ranked = (String, String, i32);

/// Ranks of the page, in order: moving a row swaps its rank with its neighbour's (a row
/// without a rank takes its position's).
fn page_ranks(list: &AdminProposalListResponse) -> Vec<Ranked> {
    let first_position = (list.page.saturating_sub(1) * list.per_page) as i32;
    list.items
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p.proposal.id.clone(),
                p.proposal.content.title.clone(),
                p.proposal.priority.unwrap_or(first_position + i as i32 + 1),
            )
        })
        .collect()
}

/// Swaps the ranks of rows `i` and `j`, both in one request (one transaction: all or
/// none).
fn swap_ranks(
    ranks: StoredValue<Vec<Ranked>>,
    i: usize,
    j: usize,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) {
    let t = i18n::t();
    let Some(((a_id, a_title, a_rank), (b_id, _, b_rank))) =
        ranks.with_value(|r| Some((r.get(i)?.clone(), r.get(j)?.clone())))
    else {
        return;
    };
    let (a_new, b_new) = if a_rank == b_rank {
        (b_rank, a_rank + if j > i { 1 } else { -1 })
    } else {
        (b_rank, a_rank)
    };
    leptos::task::spawn_local(async move {
        let body = ProposalRanksRequest {
            ranks: vec![
                ProposalRank {
                    id: a_id,
                    priority: Some(a_new.clamp(1, 999)),
                },
                ProposalRank {
                    id: b_id,
                    priority: Some(b_new.clamp(1, 999)),
                },
            ],
        };
        let result =
            session::put::<_, ProposalRanksResponse>("/api/v1/admin/proposal-priorities", &body)
                .await;
        match result {
            Ok(_) => {
                feedback.set(Some(Feedback::Done((t.ranked)(&a_title))));
                version.update(|v| *v += 1);
            }
            Err(error) => feedback.set(Some(Feedback::failed(&error))),
        }
    });
}

/// A multi-line field with its label, hint and the API's error under it.
#[component]
fn TextArea(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    value: RwSignal<String>,
    errors: RwSignal<BTreeMap<String, String>>,
    field: &'static str,
) -> impl IntoView {
    let error = Signal::derive(move || errors.with(|e| e.get(field).cloned()));
    let describedby =
        Signal::derive(move || described_by(id, hint.is_some(), error.with(Option::is_some)));
    view! {
        <div class="champ">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p id=help_id(id) class="champ__aide">{h}</p> })}
            <FieldError field_id=id.to_owned() message=error/>
            <textarea class="saisie"
                id=id
                rows="4"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-describedby=describedby
                aria-invalid=move || error.with(Option::is_some).then_some("true")
            ></textarea>
        </div>
    }
}

/// `/admin/propositions/{id}`.
#[component]
pub fn ProposalPage(id: String) -> impl IntoView {
    let t = i18n::t();
    set_title(t.proposals_title);
    let version = RwSignal::new(0u32);
    let feedback: RwSignal<Option<Feedback>> = RwSignal::new(None);
    let loaded: RwSignal<Option<Result<AdminProposalResponse, ApiError>>> = RwSignal::new(None);
    let id = StoredValue::new(id);
    Effect::new(move |_| {
        version.track();
        let url = format!(
            "/api/v1/admin/proposals/{}",
            percent_encode(&id.get_value())
        );
        leptos::task::spawn_local(async move {
            let result = session::get::<AdminProposalResponse>(&url).await;
            if let Ok(p) = &result {
                set_title(&p.proposal.content.title);
            }
            let _ = loaded.try_set(Some(result));
        });
    });
    let theme_list = api::load(themes::all());
    let role = role();
    move || match loaded.get() {
        None => view! {
            <h1>{t.proposals_title}</h1>
            <p class="statut statut--attente">{crate::i18n::common::t().loading}</p>
        }
        .into_any(),
        Some(Err(error)) => view! {
            <p><a href="/admin/propositions">{t.back_to_proposals}</a></p>
            <h1>{t.proposals_title}</h1>
            <p class="statut statut--erreur" role="alert">{error.message()}</p>
        }
        .into_any(),
        Some(Ok(p)) => {
            let themes_text = {
                let slugs = p.proposal.content.themes.clone();
                theme_list.with(|t| match t {
                    Some(Ok(list)) => slugs
                        .iter()
                        .map(|s| themes::label(list, s))
                        .collect::<Vec<_>>()
                        .join(", "),
                    _ => slugs.join(", "),
                })
            };
            let timeline = p
                .proposal
                .timeline
                .iter()
                .rev()
                .map(|e| {
                    view! {
                        <li>
                            <strong>{status_name(&e.status)}</strong>
                            " — " {ui::date_time(&e.at)}
                            {e.answer.clone().map(|a| view! { <p>{a}</p> })}
                        </li>
                    }
                })
                .collect_view();
            let public_href = format!("/propositions/{}", percent_encode(&p.proposal.id));
            view! {
                <p><a href="/admin/propositions">{t.back_to_proposals}</a></p>
                <h1>{p.proposal.content.title.clone()}</h1>
                <p class="proposition-texte">{p.proposal.content.description.clone()}</p>
                <dl class="fiche">
                    <dt>{t.col_status}</dt>
                    <dd id="proposition-statut">{status_name(&p.proposal.status)}</dd>
                    <dt>{t.col_moderation}</dt>
                    <dd>{(t.moderation_name)(&p.moderation_status)}</dd>
                    <dt>{t.proposal_themes}</dt>
                    <dd>{themes_text}</dd>
                    <dt>{t.proposal_commune}</dt>
                    <dd>{p.proposal.content.commune.as_ref().map(|c| c.name.clone()).unwrap_or_else(|| "—".to_owned())}</dd>
                    <dt>{t.col_supports}</dt>
                    <dd>{(t.supports_n)(p.proposal.support_count)}</dd>
                    <dt>{t.col_rank}</dt>
                    <dd>{p.proposal.priority.map_or_else(|| t.rank_none.to_owned(), |r| r.to_string())}</dd>
                </dl>
                {(p.moderation_status == "published").then(|| view! {
                    <p><a href=public_href>{public_i18n::t().title}" — page publique"</a></p>
                })}
                <FeedbackLine feedback=feedback/>
                {(role >= Role::Moderator).then(|| view! {
                    <StatusForm proposal=p.clone() feedback=feedback version=version/>
                })}
                <section aria-labelledby="historique-titre">
                    <h2 id="historique-titre">{t.timeline_title}</h2>
                    <ol class="historique">{timeline}</ol>
                </section>
                <PriorityForm proposal=p.clone() feedback=feedback version=version/>
                {(role >= Role::Moderator).then(|| view! {
                    <NoteForm proposal=p.clone() feedback=feedback version=version/>
                    <MergeForm proposal=p.clone() feedback=feedback version=version/>
                })}
            }
            .into_any()
        }
    }
}

fn proposal_url(id: &str, action: &str) -> String {
    format!("/api/v1/admin/proposals/{}/{action}", percent_encode(id))
}

#[component]
fn StatusForm(
    proposal: AdminProposalResponse,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let status = RwSignal::new(proposal.proposal.status.clone());
    let answer = RwSignal::new(String::new());
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let id = StoredValue::new(proposal.proposal.id.clone());
    let submit = move || {
        let body = ProposalStatusRequest {
            status: Some(status.get_untracked()),
            answer: Some(answer.get_untracked()),
        };
        let url = proposal_url(&id.get_value(), "status");
        ui::send_form(
            async move { session::post::<_, AdminProposalResponse>(&url, &body).await },
            errors,
            feedback,
            version,
            move |p| (t.status_done)(status_name(&p.proposal.status)),
        );
    };
    let status_error = Signal::derive(move || errors.with(|e| e.get("status").cloned()));
    view! {
        <FormSection heading_id="statut-titre" title=t.proposal_status_title button=t.status_button primary=true on_submit=submit>
            <div class="champ">
                <label for="proposition-nouveau-statut">{t.new_status}</label>
                <FieldError field_id="proposition-nouveau-statut".to_owned() message=status_error/>
                <select class="saisie"
                    id="proposition-nouveau-statut"
                    on:change=move |ev| status.set(event_target_value(&ev))
                    aria-describedby=move || described_by("proposition-nouveau-statut", false, status_error.with(Option::is_some))
                >
                    {STATUSES
                        .iter()
                        .map(|s| view! {
                            <option value=*s selected=status.get_untracked() == *s>{status_name(s)}</option>
                        })
                        .collect_view()}
                </select>
            </div>
            <TextArea
                id="proposition-reponse"
                label=t.public_answer
                hint=t.public_answer_hint
                value=answer
                errors=errors
                field="answer"
            />
        </FormSection>
    }
}

#[component]
fn NoteForm(
    proposal: AdminProposalResponse,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let note = RwSignal::new(
        proposal
            .internal_note
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default(),
    );
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let id = StoredValue::new(proposal.proposal.id.clone());
    let submit = move || {
        let body = ProposalNoteRequest {
            note: Some(note.get_untracked()),
        };
        let url = proposal_url(&id.get_value(), "note");
        ui::send_form(
            async move { session::put::<_, AdminProposalResponse>(&url, &body).await },
            errors,
            feedback,
            version,
            move |_| t.note_done.to_owned(),
        );
    };
    view! {
        <FormSection heading_id="note-titre" title=t.note_title button=t.note_button on_submit=submit>
            <TextArea
                id="proposition-note"
                label=t.note_label
                hint=t.note_hint
                value=note
                errors=errors
                field="note"
            />
        </FormSection>
    }
}

#[component]
fn PriorityForm(
    proposal: AdminProposalResponse,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let rank = RwSignal::new(
        proposal
            .proposal
            .priority
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let id = StoredValue::new(proposal.proposal.id.clone());
    let title = StoredValue::new(proposal.proposal.content.title.clone());
    let submit = move || {
        let text = rank.get_untracked();
        let priority = if text.trim().is_empty() {
            None
        } else {
            match text.trim().parse::<i32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.set(BTreeMap::from([(
                        "priority".to_owned(),
                        t.priority_invalid.to_owned(),
                    )]));
                    return;
                }
            }
        };
        let url = proposal_url(&id.get_value(), "priority");
        let body = ProposalPriorityRequest { priority };
        ui::send_form(
            async move { session::put::<_, AdminProposalResponse>(&url, &body).await },
            errors,
            feedback,
            version,
            move |_| (t.ranked)(&title.get_value()),
        );
    };
    view! {
        <FormSection heading_id="rang-titre" title=t.priority_title inline=true button=t.priority_button on_submit=submit>
            <TextField
                id="proposition-rang"
                label=t.priority_label
                hint=t.priority_hint
                kind="number"
                value=rank
                errors=errors
                field="priority"
            />
        </FormSection>
    }
}

/// Proposals found for a merge: id and title.
type Found = Result<Vec<(String, String)>, ApiError>;

#[component]
fn MergeForm(
    proposal: AdminProposalResponse,
    feedback: RwSignal<Option<Feedback>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = i18n::t();
    let own_id = StoredValue::new(proposal.proposal.id.clone());
    let search = RwSignal::new(String::new());
    let results: RwSignal<Option<Found>> = RwSignal::new(None);
    let chosen = RwSignal::new(String::new());
    let errors: RwSignal<BTreeMap<String, String>> = RwSignal::new(BTreeMap::new());
    let kept: RwSignal<Option<String>> = RwSignal::new(None);
    let find = move |_| {
        let url = router::with_query(
            "/api/v1/admin/proposals",
            &[
                ("q", search.get_untracked().trim()),
                ("moderation", "published"),
                ("per_page", "10"),
            ],
        );
        leptos::task::spawn_local(async move {
            let result = session::get::<AdminProposalListResponse>(&url)
                .await
                .map(|list| {
                    list.items
                        .into_iter()
                        .filter(|p| {
                            p.proposal.id != own_id.get_value() && p.proposal.merged_into.is_none()
                        })
                        .map(|p| (p.proposal.id, p.proposal.content.title))
                        .collect::<Vec<_>>()
                });
            chosen.set(String::new());
            results.set(Some(result));
        });
    };
    let merge = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let into = chosen.get_untracked();
        if into.is_empty() {
            errors.set(BTreeMap::from([(
                "into".to_owned(),
                t.merge_pick.to_owned(),
            )]));
            return;
        }
        let url = proposal_url(&own_id.get_value(), "merge");
        leptos::task::spawn_local(async move {
            match session::post::<_, MergeProposalResponse>(
                &url,
                &MergeProposalRequest { into: Some(into) },
            )
            .await
            {
                Ok(outcome) => {
                    errors.set(BTreeMap::new());
                    kept.set(Some(outcome.kept_id.clone()));
                    feedback.set(Some(Feedback::Done((t.merge_done)(outcome.moved_supports))));
                    version.update(|v| *v += 1);
                }
                Err(error) => ui::refused(errors, feedback, &error),
            }
        });
    };
    let into_error = Signal::derive(move || errors.with(|e| e.get("into").cloned()));
    view! {
        <section aria-labelledby="fusion-titre">
            <h2 id="fusion-titre">{t.merge_title}</h2>
            <p>{t.merge_intro}</p>
            <div class="formulaire-console formulaire-console--ligne">
                <div class="champ">
                    <label for="fusion-recherche">{t.merge_search}</label>
                    <input class="saisie"
                        id="fusion-recherche"
                        type="search"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                        on:keydown=move |ev| {
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                find(());
                            }
                        }
                    />
                </div>
                <div class="boutons">
                    <button type="button" class="bouton" on:click=move |_| find(())>{t.merge_search_button}</button>
                </div>
            </div>
            {move || match results.get() {
                None => ().into_any(),
                Some(Err(error)) => view! { <p class="statut statut--erreur">{error.message()}</p> }.into_any(),
                Some(Ok(found)) if found.is_empty() => view! { <p>{t.merge_none_found}</p> }.into_any(),
                Some(Ok(found)) => view! {
                    <form novalidate on:submit=merge>
                        <fieldset
                            class="champ"
                            aria-describedby=move || described_by("fusion-cible", false, into_error.with(Option::is_some))
                        >
                            <legend>{t.merge_results}</legend>
                            <FieldError field_id="fusion-cible".to_owned() message=into_error/>
                            {found
                                .into_iter()
                                .enumerate()
                                .map(|(i, (id, title))| {
                                    let input_id = format!("fusion-cible-{i}");
                                    let value = id.clone();
                                    view! {
                                        <div class="champ--case">
                                            <input
                                                type="radio"
                                                name="fusion-cible"
                                                id=input_id.clone()
                                                value=id
                                                on:change=move |_| chosen.set(value.clone())
                                            />
                                            <label for=input_id>{title}</label>
                                        </div>
                                    }
                                })
                                .collect_view()}
                        </fieldset>
                        <div class="boutons">
                            <button type="submit" class="bouton">{t.merge_button}</button>
                        </div>
                    </form>
                }
                .into_any(),
            }}
            {move || kept.get().map(|id| view! {
                <p><a href=proposal_path(&id)>{t.merge_see_kept}</a></p>
            })}
        </section>
    }
}
