//! `/admin/besoins`: needs versus offer. The ranked gaps of a campaign (communes where
//! many respondents report a difficulty in a theme and few initiatives of that theme are
//! near), each linking to the public map of that theme around the commune (its
//! initiatives and those nearby, nearest first). Secret counts are never ranked (the API
//! leaves them out). From the committee role up.

use std::collections::BTreeMap;

use leptos::prelude::*;
use solidarites_api_types::{AdminCampaignListResponse, GapListResponse, GapResponse};
use solidarites_domain::results::classes::{class_breaks, ClassMethod};

use super::choropleth::{self, class_colour, Outline};

use super::session;
use super::shell::set_title;
use super::ui;
use crate::api;
use crate::format;
use crate::i18n::{common, results as i18n};
use crate::router;

/// The public map of `theme` around `commune`: the initiatives of the commune and of its
/// surroundings, nearest first (the map's default radius).
pub fn map_link(theme: &str, commune: &str) -> String {
    router::with_query("/carte", &[("theme", theme), ("pres", commune)])
}

#[component]
pub fn GapsPage() -> impl IntoView {
    let t = i18n::t();
    set_title(t.gaps_title);
    let campaigns = api::load(session::get::<AdminCampaignListResponse>(
        "/api/v1/admin/campaigns?per_page=100",
    ));
    let chosen: RwSignal<String> = RwSignal::new(String::new());
    let gaps: RwSignal<Option<(String, Result<GapListResponse, api::ApiError>)>> =
        RwSignal::new(None);
    let campaign = Memo::new(move |_| {
        let wanted = chosen.get();
        campaigns.with(|c| match c {
            Some(Ok(list)) => list
                .campaigns
                .iter()
                .find(|c| c.campaign.id == wanted)
                .or(list.campaigns.first())
                .map(|c| c.campaign.id.clone()),
            _ => None,
        })
    });
    Effect::new(move |_| {
        if let Some(id) = campaign.get() {
            let url = format!(
                "/api/v1/admin/campaigns/{}/gaps?limit=100",
                router::percent_encode(&id)
            );
            leptos::task::spawn_local(async move {
                let outcome = session::get::<GapListResponse>(&url).await;
                // `None` once the page is gone (signed out while loading): dropped.
                if campaign.try_get_untracked().flatten().as_deref() == Some(id.as_str()) {
                    let _ = gaps.try_set(Some((id, outcome)));
                }
            });
        }
    });
    let picker = move || match campaigns.get() {
        Some(Ok(list)) if !list.campaigns.is_empty() => {
            let current = campaign.get().unwrap_or_default();
            ui::campaign_select(
                "besoins-campagne",
                t.field_campaign,
                &list,
                &current,
                chosen,
            )
            .into_any()
        }
        Some(Ok(_)) => view! { <p>{t.no_campaign}</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="statut statut--erreur" role="alert">{error.message()}</p> }.into_any()
        }
        None => view! {
            <p class="statut statut--attente" role="status">{common::t().loading}</p>
        }
        .into_any(),
    };
    // Commune outlines (cached by the browser with their ETag) for the gaps layer.
    let boundaries = api::load(api::get::<serde_json::Value>("/api/v1/communes.geojson"));
    let outlines = Memo::new(move |_| {
        boundaries.with(|b| match b {
            Some(Ok(collection)) => choropleth::outlines(collection),
            _ => (Vec::new(), 0.0),
        })
    });
    let list = move || match gaps.get() {
        None => ().into_any(),
        Some((_, Err(error))) => {
            view! { <p class="statut statut--erreur" role="alert">{error.message()}</p> }.into_any()
        }
        Some((_, Ok(list))) if list.gaps.is_empty() => view! { <p>{t.gaps_empty}</p> }.into_any(),
        Some((_, Ok(list))) => {
            let rows = list
                .gaps
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let link = map_link(&g.theme, &g.commune);
                    let link_text = (t.gaps_link)(&g.theme_label, &g.commune_name);
                    view! {
                        <tr data-code=g.commune.clone() data-theme=g.theme.clone()>
                            <td class="nombre">{i + 1}</td>
                            <th scope="row">{g.commune_name.clone()}</th>
                            <td>{g.theme_label.clone()}</td>
                            <td class="nombre">{format::percent(g.need_share, 1)}</td>
                            <td class="nombre">{format::count(g.respondents)}</td>
                            <td class="nombre">{format::count(u64::from(g.offer))}</td>
                            <td><a href=link>{link_text}</a></td>
                        </tr>
                    }
                })
                .collect_view();
            let (outlines, height) = outlines.get();
            view! {
                <p>{(t.gaps_distance)(&format::decimal(list.distance_km, 1))}</p>
                <GapsMap gaps=list.gaps.clone() outlines=outlines height=height/>
                <div class="tableau-defilant">
                    <table class="tableau" id="besoins-ecarts">
                        <caption>{t.gaps_caption}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t.gaps_rank}</th>
                                <th scope="col">{t.col_area}</th>
                                <th scope="col">{t.gaps_theme}</th>
                                <th scope="col">{t.gaps_need}</th>
                                <th scope="col">{t.col_respondents}</th>
                                <th scope="col">{t.gaps_offer}</th>
                                <th scope="col">{t.gaps_map}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <h1>{t.gaps_title}</h1>
        <p>{t.gaps_intro}</p>
        {picker}
        {list}
    }
}

/// Classes of the gaps layer.
const GAP_CLASSES: usize = 5;
/// Fill of communes with no ranked gap.
const NONE_FILL: &str = "#d4d4d4";

/// The gaps on the communes: each commune with a ranked gap coloured by the need share
/// of its largest gap (quantile classes); every other commune in one neutral style, so a
/// commune left out (too few answers, secret, no difficulty) never shows a number.
#[component]
fn GapsMap(gaps: Vec<GapResponse>, outlines: Vec<Outline>, height: f64) -> impl IntoView {
    let t = i18n::t();
    // The gaps are ranked: the first of a commune is its largest.
    let mut largest: BTreeMap<String, f64> = BTreeMap::new();
    for gap in &gaps {
        largest.entry(gap.commune.clone()).or_insert(gap.need_share);
    }
    let values: Vec<f64> = largest.values().copied().collect();
    let Ok(classes) = class_breaks(&values, ClassMethod::Quantiles, GAP_CLASSES) else {
        return ().into_any();
    };
    let n = classes.len();
    let areas = outlines
        .into_iter()
        .map(
            |o| match largest.get(&o.code).and_then(|&v| classes.class_of(v)) {
                Some(c) => view! {
                    <path class="besoins__zone besoins__zone--ecart" data-code=o.code
                        data-classe=(c + 1).to_string() fill=class_colour(c, n) d=o.path></path>
                }
                .into_any(),
                None => view! {
                    <path class="besoins__zone" fill=NONE_FILL d=o.path></path>
                }
                .into_any(),
            },
        )
        .collect_view();
    let legend = (0..n)
        .filter_map(|i| {
            let (low, high) = classes.bounds(i)?;
            let text = format!("{} – {}", format::percent(low, 1), format::percent(high, 1));
            Some(view! {
                <li data-classe=(i + 1).to_string()>
                    {swatch(class_colour(i, n))}
                    {text}
                </li>
            })
        })
        .collect_view();
    view! {
        <section aria-labelledby="besoins-carte-titre">
            <h2 id="besoins-carte-titre">{t.gaps_map_title}</h2>
            <svg class="tdb__svg besoins__svg" role="img" aria-label=(t.gaps_map_label)(largest.len())
                viewBox=format!("0 0 {} {:.0}", choropleth::MAP_WIDTH, height.max(1.0))>
                {areas}
            </svg>
            <h3 class="tdb__legende-titre">{t.gaps_legend_title}</h3>
            <ul class="tdb__legende">
                {legend}
                <li data-etat="aucun">{swatch(NONE_FILL)}{t.gaps_legend_none}</li>
            </ul>
        </section>
    }
    .into_any()
}

/// A legend swatch.
fn swatch(fill: &'static str) -> impl IntoView {
    view! {
        <svg class="tdb__pastille" width="20" height="14" viewBox="0 0 20 14" aria-hidden="true" focusable="false">
            <rect x="0.5" y="0.5" width="19" height="13" fill=fill stroke="#555555"></rect>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_gap_links_to_the_public_map_of_its_theme_near_the_commune() {
        let link = super::map_link("aide-alimentaire", "40192");
        assert_eq!(link, "/carte?theme=aide-alimentaire&pres=40192");
        // The link the public map reads as "that theme, around that commune".
        let filter = crate::carte::filters::CarteFilter::from_query(
            link.split_once('?').map_or("", |(_, q)| q),
        );
        assert_eq!(filter.themes, ["aide-alimentaire"]);
        assert_eq!(filter.near.as_deref(), Some("40192"));
        assert_eq!(filter.commune, None);
    }
}
