//! The pure parts of the results dashboard, testable without a browser: the view held in
//! the URL, the figure of each commune or zone (a value, secret, or no answer), the
//! classes and colours of the map, the SVG outlines of the communes and the CSV of the
//! view.
//!
//! The map is an SVG drawn here rather than a Leaflet layer: a choropleth of a few hundred
//! communes needs no background tiles, and SVG gives the hatching of secret cells (a
//! pattern), focusable areas and their accessible names without a JavaScript bridge.

use std::collections::BTreeMap;

use serde_json::Value;
use solidarites_api_types::{
    ResultGroup, ResultKindResponse, ResultQuestionSchema, ResultsResponse,
};
use solidarites_domain::results::classes::{
    class_breaks, ClassMethod, Classes, MAX_CLASSES, MIN_CLASSES,
};

use crate::format;
use crate::router;

/// Default number of classes.
pub const DEFAULT_CLASSES: usize = 5;

/// ColorBrewer's YlGnBu sequential palettes (colour-blind safe), light to dark, for 3 to 7
/// classes.
const PALETTES: [&[&str]; 5] = [
    &["#edf8b1", "#7fcdbb", "#2c7fb8"],
    &["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    &["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    &[
        "#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494",
    ],
    &[
        "#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84",
    ],
];

/// The colour of class `i` of `n` classes (fewer than 3 classes, from ties, take the
/// lightest and darkest colours of the 3-class palette).
pub fn class_colour(i: usize, n: usize) -> &'static str {
    let palette = PALETTES[n.clamp(MIN_CLASSES, MAX_CLASSES) - MIN_CLASSES];
    let i = if n < MIN_CLASSES && i + 1 == n && n > 1 {
        palette.len() - 1
    } else {
        i
    };
    palette
        .get(i)
        .copied()
        .unwrap_or(palette[palette.len() - 1])
}

/// What the map shows per area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Measure {
    /// Respondents who chose the option.
    #[default]
    Count,
    /// Their share of the respondents who answered the question.
    Share,
    /// Per 1,000 inhabitants (where the population is known).
    Rate,
}

impl Measure {
    pub const ALL: [Measure; 3] = [Measure::Count, Measure::Share, Measure::Rate];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Count => "nombre",
            Measure::Share => "part",
            Measure::Rate => "taux",
        }
    }

    pub fn parse(raw: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.as_str() == raw)
    }
}

/// The whole state of the dashboard, as kept in its URL.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct View {
    pub campaign: String,
    /// `commune`, `canton`, `arrondissement`, `epci` or `territory`.
    pub level: String,
    pub question: String,
    pub option: String,
    pub measure: Measure,
    pub method: ClassMethod,
    pub classes: usize,
    pub channel: String,
    pub age: String,
    pub household: String,
    /// `yes` or `no`: answer to « Avez-vous été aidé(e) ? ».
    pub helped: String,
    /// Code of the territorial indicator shown beside the figures (the first when empty).
    pub indicator: String,
    /// A choice question of the questionnaire to filter on (none when empty)…
    pub answer_question: String,
    /// …and the option values kept: respondents who gave any of them.
    pub answer_values: Vec<String>,
}

/// Levels the dashboard offers.
pub const LEVELS: [&str; 5] = ["commune", "canton", "arrondissement", "epci", "territory"];

impl View {
    /// The view of a URL query; anything unknown falls back to the default.
    pub fn from_query(query: &str) -> View {
        let get = |key| router::query_param(query, key).unwrap_or_default();
        let level = get("niveau");
        View {
            campaign: get("campagne"),
            level: if LEVELS.contains(&level.as_str()) {
                level
            } else {
                "commune".to_owned()
            },
            question: get("question"),
            option: get("option"),
            measure: Measure::parse(&get("mesure")).unwrap_or_default(),
            method: ClassMethod::parse(&get("methode")).unwrap_or_default(),
            classes: get("classes")
                .parse()
                .ok()
                .filter(|n| (MIN_CLASSES..=MAX_CLASSES).contains(n))
                .unwrap_or(DEFAULT_CLASSES),
            channel: get("canal"),
            age: get("age"),
            household: get("menage"),
            helped: get("aide"),
            indicator: get("indicateur"),
            answer_question: get("filtre"),
            answer_values: get("filtre_reponses")
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .fold(Vec::new(), |mut values, v| {
                    if !values.contains(&v) {
                        values.push(v);
                    }
                    values
                }),
        }
    }

    /// The URL query of this view (defaults left out).
    pub fn to_query(&self) -> String {
        let classes = self.classes.to_string();
        let answer_values = self.answer_values.join(",");
        let pairs = [
            ("campagne", self.campaign.as_str()),
            (
                "niveau",
                if self.level == "commune" {
                    ""
                } else {
                    &self.level
                },
            ),
            ("question", &self.question),
            ("option", &self.option),
            (
                "mesure",
                if self.measure == Measure::Count {
                    ""
                } else {
                    self.measure.as_str()
                },
            ),
            (
                "methode",
                if self.method == ClassMethod::Quantiles {
                    ""
                } else {
                    self.method.as_str()
                },
            ),
            (
                "classes",
                if self.classes == DEFAULT_CLASSES {
                    ""
                } else {
                    &classes
                },
            ),
            ("canal", &self.channel),
            ("age", &self.age),
            ("menage", &self.household),
            ("aide", &self.helped),
            ("indicateur", &self.indicator),
            ("filtre", &self.answer_question),
            (
                "filtre_reponses",
                if self.answer_question.is_empty() {
                    ""
                } else {
                    &answer_values
                },
            ),
        ];
        router::build_query(&pairs)
    }

    /// The filters, as the results API reads them.
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        for (key, value) in [
            ("channel", &self.channel),
            ("age", &self.age),
            ("household", &self.household),
        ] {
            if !value.is_empty() {
                pairs.push((key, value.clone()));
            }
        }
        if !self.helped.is_empty() {
            pairs.push(("filter", format!("aide:{}", self.helped)));
        }
        if let Some(filter) = self.answer_filter() {
            pairs.push(("filter", filter));
        }
        pairs
    }

    /// The "any choice question" filter as the API's `filter` value
    /// (`question:value1|value2`), when a question and at least one value are chosen.
    pub fn answer_filter(&self) -> Option<String> {
        (!self.answer_question.is_empty() && !self.answer_values.is_empty())
            .then(|| format!("{}:{}", self.answer_question, self.answer_values.join("|")))
    }

    /// The results URL of this view's question (`question` given) or of the questions'
    /// schema (the territory level, one small group).
    pub fn results_url(&self, question: Option<&str>) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        match question {
            Some(q) => {
                pairs.push(("level", self.level.clone()));
                pairs.push(("question", q.to_owned()));
            }
            None => pairs.push(("level", "territory".to_owned())),
        }
        pairs.extend(self.filter_pairs());
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        router::with_query(
            &format!(
                "/api/v1/admin/campaigns/{}/results",
                router::percent_encode(&self.campaign)
            ),
            &borrowed,
        )
    }

    /// The export URL of this view (`name` is `results.csv`, `results.xlsx`…).
    pub fn export_url(&self, name: &str) -> String {
        let mut pairs: Vec<(&str, String)> = vec![("level", self.level.clone())];
        pairs.extend(self.filter_pairs());
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        router::with_query(
            &format!(
                "/api/v1/admin/campaigns/{}/exports/{name}",
                router::percent_encode(&self.campaign)
            ),
            &borrowed,
        )
    }
}

/// The figure of one commune or zone in the current view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// Under statistical secrecy: never a number.
    Secret,
    /// Nobody answered (or no population for a rate).
    NoAnswer,
    Value(f64),
}

impl Figure {
    pub fn value(self) -> Option<f64> {
        match self {
            Figure::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// Whether `question` is summarised by its mean (scales, numbers) rather than options.
pub fn is_mean(question: &ResultQuestionSchema) -> bool {
    matches!(
        question.kind,
        ResultKindResponse::Scale { .. } | ResultKindResponse::Number { .. }
    )
}

/// The figure of `group` for `question` / `option` as `measure`.
pub fn figure(
    group: &ResultGroup,
    question: &ResultQuestionSchema,
    option: &str,
    measure: Measure,
) -> Figure {
    if group.secret || group.respondents.is_secret() {
        return Figure::Secret;
    }
    if group.respondents.count() == Some(0) {
        return Figure::NoAnswer;
    }
    let Some(result) = group.questions.iter().find(|q| q.id == question.id) else {
        return Figure::NoAnswer;
    };
    if is_mean(question) {
        return match result.mean {
            Some(stat) => stat.value().map_or(Figure::Secret, Figure::Value),
            None => Figure::NoAnswer,
        };
    }
    let Some(cell) = result
        .options
        .iter()
        .find(|o| o.value == option)
        .map(|o| o.cell)
    else {
        return Figure::NoAnswer;
    };
    let Some(count) = cell.count() else {
        return Figure::Secret;
    };
    match measure {
        Measure::Count => Figure::Value(count as f64),
        Measure::Share => match cell.share() {
            Some(share) => Figure::Value(share),
            None if result.answered.count() == Some(0) => Figure::NoAnswer,
            None if result.answered.is_secret() => Figure::Secret,
            None => Figure::NoAnswer,
        },
        Measure::Rate => match group.population {
            Some(population) if population > 0 => {
                Figure::Value(count as f64 * 1000.0 / population as f64)
            }
            _ => Figure::NoAnswer,
        },
    }
}

/// A value as the dashboard writes it for `measure` (French number format).
pub fn format_value(value: f64, measure: Measure, mean: bool) -> String {
    if mean {
        return format::decimal(value, 2);
    }
    match measure {
        Measure::Count => format::decimal(value, 0),
        Measure::Share => format::percent(value, 1),
        Measure::Rate => format::decimal(value, 1),
    }
}

/// One row of the view: a commune or zone and its figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub code: String,
    pub name: String,
    pub respondents: Option<u64>,
    pub figure: Figure,
    /// Class index for a value.
    pub class: Option<usize>,
}

/// A commune of the scatter: an indicator's value (x) against the view's figure (y).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub code: String,
    pub name: String,
    pub x: f64,
    pub y: f64,
}

/// The scatter of `indicator` against the rows' figures: one point per commune with a
/// value for both. Secret communes are left out and counted (the second number), so the
/// page can say how many are missing; communes without answers or without a value for
/// the indicator are simply left out.
pub fn scatter(
    rows: &[Row],
    values: &BTreeMap<String, BTreeMap<String, f64>>,
    indicator: &str,
) -> (Vec<Point>, usize) {
    let mut points = Vec::new();
    let mut secret = 0;
    for row in rows {
        let Some(&x) = values.get(&row.code).and_then(|v| v.get(indicator)) else {
            continue;
        };
        match row.figure {
            Figure::Secret => secret += 1,
            Figure::Value(y) => points.push(Point {
                code: row.code.clone(),
                name: row.name.clone(),
                x,
                y,
            }),
            Figure::NoAnswer => {}
        }
    }
    (points, secret)
}

/// The rows of `results` and the classes of their values.
pub fn rows(
    results: &ResultsResponse,
    option: &str,
    measure: Measure,
    method: ClassMethod,
    classes: usize,
) -> (Vec<Row>, Classes) {
    let Some(question) = results.questions.first() else {
        return (
            Vec::new(),
            Classes {
                min: 0.0,
                upper: Vec::new(),
            },
        );
    };
    let groups: Vec<&ResultGroup> = if results.groups.is_empty() {
        vec![&results.total]
    } else {
        results.groups.iter().collect()
    };
    let figures: Vec<Figure> = groups
        .iter()
        .map(|g| figure(g, question, option, measure))
        .collect();
    let values: Vec<f64> = figures.iter().filter_map(|f| f.value()).collect();
    let classes = class_breaks(&values, method, classes).unwrap_or(Classes {
        min: 0.0,
        upper: Vec::new(),
    });
    let rows = groups
        .iter()
        .zip(figures)
        .map(|(g, figure)| Row {
            code: g.code.clone(),
            name: g.name.clone(),
            respondents: g.respondents.count(),
            figure,
            class: figure.value().and_then(|v| classes.class_of(v)),
        })
        .collect();
    (rows, classes)
}

/// The CSV of the view (`;`, UTF-8 with BOM, decimal commas: a French Excel opens it).
/// Secret cells read `secret`, never a number.
pub fn csv(rows: &[Row], value_header: &str, measure: Measure, mean: bool) -> String {
    fn field(text: &str) -> String {
        if text.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    }
    let plain = |value: f64| {
        // No thousands separator in a spreadsheet cell; a decimal comma.
        let text = format_value(value, measure, mean)
            .replace(['\u{202f}', '\u{a0}'], "")
            .replace(" %", "")
            .replace('%', "");
        text.trim().to_owned()
    };
    let mut out = String::from("\u{feff}code;nom;répondants;");
    out.push_str(&field(value_header));
    out.push_str(";classe\r\n");
    for row in rows {
        let respondents = row
            .respondents
            .map_or_else(|| "secret".to_owned(), |n| n.to_string());
        let (value, class) = match row.figure {
            Figure::Secret => ("secret".to_owned(), String::new()),
            Figure::NoAnswer => (String::new(), String::new()),
            Figure::Value(v) => (
                plain(v),
                row.class.map_or(String::new(), |c| (c + 1).to_string()),
            ),
        };
        out.push_str(&format!(
            "{};{};{};{};{}\r\n",
            field(&row.code),
            field(&row.name),
            respondents,
            value,
            class
        ));
    }
    out
}

/// A commune outline as SVG: its code, name and path.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub code: String,
    pub name: String,
    pub path: String,
}

/// A closed ring of lon/lat positions.
type Ring = Vec<(f64, f64)>;

/// Width of the map's SVG view box (its height follows the territory's shape).
pub const MAP_WIDTH: f64 = 600.0;

/// The outlines of a GeoJSON FeatureCollection of communes (WGS 84 lon/lat, `code` and
/// `name` properties), projected equirectangularly around the territory's mean latitude
/// into a view box `MAP_WIDTH` wide; and the view box's height.
pub fn outlines(collection: &Value) -> (Vec<Outline>, f64) {
    let features = collection["features"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut polygons: Vec<(String, String, Vec<Ring>)> = Vec::new();
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for feature in &features {
        let code = feature["properties"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let name = feature["properties"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let geometry = &feature["geometry"];
        let polys: Vec<&Value> = match geometry["type"].as_str() {
            Some("Polygon") => vec![&geometry["coordinates"]],
            Some("MultiPolygon") => geometry["coordinates"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut rings = Vec::new();
        for poly in polys {
            for ring in poly.as_array().into_iter().flatten() {
                let points: Vec<(f64, f64)> = ring
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
                    .collect();
                for &(x, y) in &points {
                    min_x = min_x.min(x);
                    max_x = max_x.max(x);
                    min_y = min_y.min(y);
                    max_y = max_y.max(y);
                }
                if points.len() >= 3 {
                    rings.push(points);
                }
            }
        }
        polygons.push((code, name, rings));
    }
    if !min_x.is_finite() {
        return (Vec::new(), 0.0);
    }
    let shrink = ((min_y + max_y) / 2.0).to_radians().cos();
    let width = ((max_x - min_x) * shrink).max(f64::EPSILON);
    let scale = MAP_WIDTH / width;
    let height = (max_y - min_y) * scale;
    let outlines = polygons
        .into_iter()
        .map(|(code, name, rings)| {
            let mut path = String::new();
            for ring in rings {
                for (i, (x, y)) in ring.iter().enumerate() {
                    let px = (x - min_x) * shrink * scale;
                    let py = (max_y - y) * scale;
                    path.push_str(&format!(
                        "{}{:.1} {:.1}",
                        if i == 0 { "M" } else { "L" },
                        px,
                        py
                    ));
                }
                path.push('Z');
            }
            Outline { code, name, path }
        })
        .collect();
    (outlines, height)
}

/// Commune code → zone code, from `/api/v1/admin/zones`.
pub fn zone_of(zones: &solidarites_api_types::ZoneListResponse) -> BTreeMap<String, String> {
    zones
        .zones
        .iter()
        .flat_map(|z| z.communes.iter().map(move |c| (c.clone(), z.code.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response() -> ResultsResponse {
        serde_json::from_value(json!({
            "campaign_id": "c", "level": "commune", "k": 5, "perturbed": false,
            "filter": {},
            "questions": [{"id": "difficultes", "label": "Difficultés ?", "kind": {"type": "yes_no"},
                "options": [{"value": "yes", "label": "Oui"}, {"value": "no", "label": "Non"}]}],
            "groups": [
                {"code": "40001", "name": "A", "population": 2000, "respondents": {"count": 20, "share": null},
                 "rate_per_1000": 10.0, "secret": false,
                 "questions": [{"id": "difficultes", "answered": {"count": 20, "share": 1.0},
                    "no_answer": {"count": 0, "share": 0.0},
                    "options": [{"value": "yes", "cell": {"count": 12, "share": 0.6}},
                                {"value": "no", "cell": {"count": 8, "share": 0.4}}],
                    "other": null, "mean": null, "median": null}]},
                {"code": "40002", "name": "B", "population": 100, "respondents": "secret",
                 "rate_per_1000": "secret", "secret": true,
                 "questions": [{"id": "difficultes", "answered": "secret", "no_answer": "secret",
                    "options": [{"value": "yes", "cell": "secret"}, {"value": "no", "cell": "secret"}],
                    "other": null, "mean": null, "median": null}]},
                {"code": "40003", "name": "C", "population": null, "respondents": {"count": 0, "share": null},
                 "rate_per_1000": null, "secret": false,
                 "questions": [{"id": "difficultes", "answered": {"count": 0, "share": null},
                    "no_answer": {"count": 0, "share": null},
                    "options": [{"value": "yes", "cell": {"count": 0, "share": null}},
                                {"value": "no", "cell": {"count": 0, "share": null}}],
                    "other": null, "mean": null, "median": null}]},
                {"code": "40004", "name": "D; la ville", "population": 500, "respondents": {"count": 9, "share": null},
                 "rate_per_1000": 18.0, "secret": false,
                 "questions": [{"id": "difficultes", "answered": {"count": 9, "share": 1.0},
                    "no_answer": {"count": 0, "share": 0.0},
                    "options": [{"value": "yes", "cell": "secret"},
                                {"value": "no", "cell": {"count": 6, "share": 0.6667}}],
                    "other": null, "mean": null, "median": null}]}
            ],
            "unassigned": null,
            "total": {"code": "territoire", "name": "Territoire", "population": 2600,
                "respondents": {"count": 32, "share": null}, "rate_per_1000": null, "secret": false,
                "questions": []}
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn secret_no_answer_and_values_are_told_apart() {
        let r = response();
        let q = &r.questions[0];
        let f = |i: usize, m| figure(&r.groups[i], q, "yes", m);
        assert_eq!(f(0, Measure::Count), Figure::Value(12.0));
        assert_eq!(f(0, Measure::Share), Figure::Value(0.6));
        assert_eq!(f(0, Measure::Rate), Figure::Value(6.0));
        assert_eq!(f(1, Measure::Count), Figure::Secret);
        assert_eq!(f(2, Measure::Count), Figure::NoAnswer);
        // A secret cell in a visible commune.
        assert_eq!(f(3, Measure::Share), Figure::Secret);
        // No population: no rate.
        assert_eq!(
            figure(&r.groups[2], q, "yes", Measure::Rate),
            Figure::NoAnswer
        );
    }

    #[test]
    fn rows_are_classed_and_the_csv_never_holds_a_secret_number() {
        let r = response();
        let (rows, classes) = rows(&r, "no", Measure::Count, ClassMethod::Quantiles, 5);
        assert_eq!(rows.len(), 4);
        assert_eq!(classes.upper, [6.0, 8.0]);
        assert_eq!(rows[0].class, Some(1));
        assert_eq!(rows[3].class, Some(0));
        assert_eq!(rows[1].class, None);
        let text = csv(&rows, "Non (nombre)", Measure::Count, false);
        assert!(text.starts_with("\u{feff}code;nom;répondants;Non (nombre);classe\r\n"));
        assert!(text.contains("40002;B;secret;secret;\r\n"), "{text}");
        assert!(text.contains("40003;C;0;;\r\n"), "{text}");
        assert!(text.contains("40004;\"D; la ville\";9;6;1\r\n"), "{text}");
        let shares = csv(&rows_of_share(&r), "Non (part)", Measure::Share, false);
        assert!(shares.contains("40001;A;20;40;"), "{shares}");
    }

    #[test]
    fn the_scatter_leaves_secret_communes_out_and_counts_them() {
        let r = response();
        let (rows, _) = rows(&r, "no", Measure::Count, ClassMethod::Quantiles, 5);
        let mut values = BTreeMap::new();
        for (code, v) in [("40001", 12.5), ("40002", 20.0), ("40003", 9.0)] {
            values.insert(
                code.to_owned(),
                BTreeMap::from([("taux_pauvrete".to_owned(), v)]),
            );
        }
        // 40001 visible with a value; 40002 secret (counted); 40003 without answers and
        // 40004 without an indicator value (both left out, not counted).
        let (points, secret) = scatter(&rows, &values, "taux_pauvrete");
        assert_eq!(secret, 1);
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].code, "40001");
        assert_eq!(points[0].x, 12.5);
        assert_eq!(Some(points[0].y), rows[0].figure.value());
        assert_eq!(scatter(&rows, &values, "autre"), (Vec::new(), 0));
    }

    fn rows_of_share(r: &ResultsResponse) -> Vec<Row> {
        rows(r, "no", Measure::Share, ClassMethod::Jenks, 3).0
    }

    #[test]
    fn the_view_round_trips_through_the_url() {
        let view = View {
            campaign: "abc".into(),
            level: "canton".into(),
            question: "domaines".into(),
            option: "logement".into(),
            measure: Measure::Rate,
            method: ClassMethod::Jenks,
            classes: 4,
            channel: "web".into(),
            age: "75_et_plus".into(),
            household: String::new(),
            helped: "yes".into(),
            indicator: "taux_pauvrete".into(),
            answer_question: "domaines".into(),
            answer_values: vec!["logement".into(), "sante".into()],
        };
        assert!(view
            .to_query()
            .ends_with("&filtre=domaines&filtre_reponses=logement%2Csante"));
        assert_eq!(View::from_query(&view.to_query()), view);
        let default = View::from_query("niveau=region&classes=9&mesure=x");
        assert_eq!(default.level, "commune");
        assert_eq!(default.classes, DEFAULT_CLASSES);
        assert_eq!(default.measure, Measure::Count);
        assert_eq!(
            view.results_url(Some("domaines")),
            "/api/v1/admin/campaigns/abc/results?level=canton&question=domaines&channel=web&age=75_et_plus&filter=aide%3Ayes&filter=domaines%3Alogement%7Csante"
        );
        assert_eq!(
            view.results_url(None),
            "/api/v1/admin/campaigns/abc/results?level=territory&channel=web&age=75_et_plus&filter=aide%3Ayes&filter=domaines%3Alogement%7Csante"
        );
        assert_eq!(
            view.export_url("results.csv"),
            "/api/v1/admin/campaigns/abc/exports/results.csv?level=canton&channel=web&age=75_et_plus&filter=aide%3Ayes&filter=domaines%3Alogement%7Csante"
        );
        // A question without any value chosen filters nothing, and is not kept alone.
        let undecided = View {
            answer_values: Vec::new(),
            ..view.clone()
        };
        assert_eq!(undecided.answer_filter(), None);
        assert!(undecided.to_query().ends_with("&filtre=domaines"));
        assert_eq!(
            View::from_query("filtre=domaines&filtre_reponses=sante,,sante,%20logement")
                .answer_values,
            ["sante", "logement"]
        );
    }

    #[test]
    fn outlines_project_polygons_and_multipolygons() {
        let collection = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"code": "1", "name": "Un"},
             "geometry": {"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]}},
            {"type": "Feature", "properties": {"code": "2", "name": "Deux"},
             "geometry": {"type": "MultiPolygon", "coordinates": [[[[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 0.0]]]]}}
        ]});
        let (outlines, height) = outlines(&collection);
        assert_eq!(outlines.len(), 2);
        assert!(outlines[0].path.starts_with("M0.0 "));
        assert!(outlines[1].path.ends_with('Z'));
        assert!(height > 0.0);
    }

    #[test]
    fn palettes_have_one_colour_per_class() {
        for n in 1..=MAX_CLASSES {
            let colours: Vec<_> = (0..n).map(|i| class_colour(i, n)).collect();
            let mut unique = colours.clone();
            unique.dedup();
            assert_eq!(unique.len(), n, "{n}");
        }
    }
}
