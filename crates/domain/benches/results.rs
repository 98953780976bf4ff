//! Results of a campaign of 1,000,000 answers to the Landes questionnaire over
//! the real Landes communes (or the demo territory when `shared/data` is not
//! beside the checkout): aggregation by commune, with a filter, by canton, at
//! every level with statistical secrecy, and the full rebuild of the dataset
//! from the stored JSON rows (the "full recomputation").
//!
//! `cargo bench -p solidarites-domain --bench results`; figures go to
//! docs/benchmarks.md. Inputs are deterministic (seeded ChaCha8).

#![allow(clippy::print_stderr, clippy::expect_used, reason = "benchmark output")]

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use solidarites_domain::demo::demo_communes;
use solidarites_domain::questionnaire::{AnswerValue, ValidatedAnswers};
use solidarites_domain::results::zones::{assign_by_polygons, parse_zones_geojson};
use solidarites_domain::results::{
    aggregate, aggregate_levels, protect_levels, protect_view, AnswerFilter, Channel, Dataset,
    Filter, Grouping, ResultsSchema, ZoneLevel, ZoneMapping, DEFAULT_K,
};
use solidarites_domain::{landes_template, parse_communes_geojson, Commune};

const ROWS: usize = 1_000_000;

/// The server's default themes (crates/server/src/storage/themes.rs).
const THEMES: [&str; 14] = [
    "aide-alimentaire",
    "isolement",
    "sante",
    "emploi",
    "logement",
    "numerique",
    "mobilite",
    "education",
    "acces-aux-droits",
    "seniors",
    "handicap",
    "violences",
    "culture-sport",
    "autre",
];

fn data_file(name: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(name);
    std::fs::read_to_string(path).ok()
}

fn territory() -> (Vec<Commune>, &'static str) {
    match data_file("communes-40-landes.geojson").map(|text| parse_communes_geojson(&text)) {
        Some(Ok(mut communes)) => {
            communes.sort_by(|a, b| a.code.cmp(&b.code));
            (communes, "landes")
        }
        _ => (demo_communes(), "demo"),
    }
}

fn pick<'a>(rng: &mut ChaCha8Rng, values: &[&'a str]) -> &'a str {
    values[rng.gen_range(0..values.len())]
}

/// One plausible respondent.
fn respondent(rng: &mut ChaCha8Rng) -> ValidatedAnswers {
    let mut answers = ValidatedAnswers::default();
    let mut put = |id: &str, value: AnswerValue| {
        answers.0.insert(id.to_owned(), value);
    };
    let difficulties = rng.gen_bool(0.6);
    put("difficultes", AnswerValue::YesNo(difficulties));
    if difficulties {
        let count = rng.gen_range(1..=3);
        let mut chosen: Vec<&str> = (0..count).map(|_| pick(rng, &THEMES)).collect();
        chosen.sort_by_key(|t| THEMES.iter().position(|x| x == t));
        chosen.dedup();
        for theme in &chosen {
            if rng.gen_bool(0.8) {
                put(
                    &format!("gravite_{}", theme.replace('-', "_")),
                    AnswerValue::Scale(rng.gen_range(1..=4)),
                );
            }
        }
        put(
            "domaines",
            AnswerValue::Choices {
                values: chosen.iter().map(|t| (*t).to_owned()).collect(),
                other: rng.gen_bool(0.05).then(|| "autre chose".to_owned()),
            },
        );
    }
    if rng.gen_bool(0.9) {
        let helped = rng.gen_bool(0.4);
        put("aide", AnswerValue::YesNo(helped));
        if helped {
            let by = [
                "famille",
                "voisins",
                "association",
                "commune_ccas",
                "departement",
            ];
            put(
                "aide_par",
                AnswerValue::Choices {
                    values: vec![pick(rng, &by).to_owned()],
                    other: None,
                },
            );
        }
    }
    if rng.gen_bool(0.3) {
        put(
            "ce_qui_aurait_aide",
            AnswerValue::Text("Un transport à la demande pour aller au marché.".into()),
        );
    }
    let role = pick(rng, &["benevole", "voisin_solidaire", "non", "non"]);
    put("role", AnswerValue::Choice(role.into()));
    let age = pick(
        rng,
        &["moins_de_25", "25_39", "40_59", "60_74", "75_et_plus"],
    );
    put("tranche_age", AnswerValue::Choice(age.into()));
    let household = [
        "seul",
        "couple_sans_enfant",
        "couple_avec_enfants",
        "famille_monoparentale",
        "autre",
    ];
    put("menage", AnswerValue::Choice(pick(rng, &household).into()));
    answers
}

/// Commune positions skewed like real populations: a few towns, many villages.
fn commune_weights(rng: &mut ChaCha8Rng, communes: usize) -> Vec<f64> {
    let mut cumulative = Vec::with_capacity(communes);
    let mut sum = 0.0;
    for _ in 0..communes {
        let u: f64 = rng.gen_range(0.0..1.0);
        sum += (1.0 / (1.0 - u * 0.999)).powf(1.5);
        cumulative.push(sum);
    }
    cumulative.iter().map(|c| c / sum).collect()
}

struct Campaign {
    communes: Vec<Commune>,
    name: &'static str,
    schema: ResultsSchema,
    /// (commune position, channel, stored JSON) per row.
    stored: Vec<(u32, Channel, String)>,
    dataset: Dataset,
    zones: Vec<ZoneMapping>,
}

fn campaign() -> Campaign {
    let (communes, name) = territory();
    let themes: Vec<(String, String)> = THEMES
        .iter()
        .map(|t| ((*t).to_owned(), t.to_uppercase()))
        .collect();
    let schema = ResultsSchema::from_definition(&landes_template(&themes));
    let mut rng = ChaCha8Rng::seed_from_u64(2021);
    let weights = commune_weights(&mut rng, communes.len());
    let stored: Vec<(u32, Channel, String)> = (0..ROWS)
        .map(|_| {
            let u: f64 = rng.gen_range(0.0..1.0);
            let position = weights.partition_point(|&c| c < u).min(communes.len() - 1);
            let channel = if rng.gen_bool(0.9) {
                Channel::Web
            } else {
                Channel::ALL[rng.gen_range(1..4)]
            };
            let json = serde_json::to_string(&respondent(&mut rng)).expect("answers serialise");
            (
                u32::try_from(position).expect("few communes"),
                channel,
                json,
            )
        })
        .collect();
    let dataset = rebuild(&schema, communes.len(), &stored);
    let mut zones = Vec::new();
    for (level, file) in [
        (ZoneLevel::Canton, "cantons-40-landes.geojson"),
        (
            ZoneLevel::Arrondissement,
            "arrondissements-40-landes.geojson",
        ),
    ] {
        if let Some(Ok(polygons)) = data_file(file).map(|t| parse_zones_geojson(&t)) {
            let assigned = assign_by_polygons(&communes, &polygons);
            zones.push(ZoneMapping::new(level, &communes, &assigned.assignments));
        }
    }
    eprintln!(
        "{ROWS} rows over {} communes ({name}): dataset {:.1} MB on the heap ({:.1} bytes a row), \
         stored JSON {:.0} MB",
        communes.len(),
        dataset.heap_bytes() as f64 / 1e6,
        dataset.heap_bytes() as f64 / ROWS as f64,
        stored.iter().map(|s| s.2.len()).sum::<usize>() as f64 / 1e6,
    );
    Campaign {
        communes,
        name,
        schema,
        stored,
        dataset,
        zones,
    }
}

fn rebuild(schema: &ResultsSchema, communes: usize, stored: &[(u32, Channel, String)]) -> Dataset {
    let mut dataset = Dataset::new(schema.clone(), communes);
    dataset.reserve(stored.len());
    for (position, channel, json) in stored {
        dataset
            .push_stored_str(Some(*position), *channel, json)
            .expect("stored answers parse");
    }
    dataset
}

/// CPU time of this process (all threads) so far, from `/proc/self/stat`
/// (Linux; clock ticks of 10 ms): on a machine shared with other jobs, the
/// CPU time an operation takes says more than its wall time.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Prints the CPU and wall time per call of `f` over `n` calls.
fn cpu_time<T>(label: &str, n: u32, mut f: impl FnMut() -> T) {
    let (cpu, wall) = (cpu_seconds(), std::time::Instant::now());
    for _ in 0..n {
        std::hint::black_box(f());
    }
    let wall = wall.elapsed().as_secs_f64() / f64::from(n);
    if let (Some(before), Some(after)) = (cpu, cpu_seconds()) {
        eprintln!(
            "{label}: {:.1} ms CPU, {:.1} ms wall per call ({} threads)",
            (after - before) * 1000.0 / f64::from(n),
            wall * 1000.0,
            rayon::current_num_threads(),
        );
    }
}

fn benches(c: &mut Criterion) {
    let campaign = campaign();
    let Campaign {
        communes,
        name,
        dataset,
        zones,
        ..
    } = &campaign;
    let zone_refs: Vec<&ZoneMapping> = zones.iter().collect();
    let not_helped_seniors = Filter {
        channels: vec![],
        answers: vec![
            AnswerFilter {
                question: "aide".into(),
                any_of: vec!["no".into()],
            },
            AnswerFilter {
                question: "tranche_age".into(),
                any_of: vec!["60_74".into(), "75_et_plus".into()],
            },
        ],
    };

    // `RESULTS_BENCH=small`: only the small campaign's served views (the secrecy
    // audit's worst case), for quick before/after comparisons.
    if std::env::var("RESULTS_BENCH").is_ok_and(|v| v == "small") {
        let small = rebuild(&campaign.schema, communes.len(), &campaign.stored[..20_000]);
        cpu_time("served view, unfiltered, 20,000 answers", 10, || {
            protect_view(&small, communes, &zone_refs, &Filter::default(), DEFAULT_K)
        });
        cpu_time("served view, filter, perturbed, 20,000 answers", 10, || {
            protect_view(&small, communes, &zone_refs, &not_helped_seniors, DEFAULT_K)
        });
        return;
    }
    cpu_time("aggregate by commune", 30, || {
        aggregate(dataset, communes, Grouping::Commune, &Filter::default())
    });
    cpu_time("aggregate by commune, filter", 30, || {
        aggregate(dataset, communes, Grouping::Commune, &not_helped_seniors)
    });
    cpu_time("all levels + secrecy", 30, || {
        let tables = aggregate_levels(dataset, communes, &zone_refs, &Filter::default());
        protect_levels(&tables.expect("valid filter"), DEFAULT_K)
    });
    cpu_time("all levels + secrecy, filter", 30, || {
        let tables = aggregate_levels(dataset, communes, &zone_refs, &not_helped_seniors);
        protect_levels(&tables.expect("valid filter"), DEFAULT_K)
    });
    // The served view of a filter: perturbed.
    let filtered_view = || {
        protect_view(
            dataset,
            communes,
            &zone_refs,
            &not_helped_seniors,
            DEFAULT_K,
        )
    };
    cpu_time(
        "served view, filter, perturbed (protect_view)",
        30,
        filtered_view,
    );
    cpu_time("served view, unfiltered (protect_view, exact)", 30, || {
        protect_view(dataset, communes, &zone_refs, &Filter::default(), DEFAULT_K)
    });
    // A small campaign over the same 330 communes: many small communes, so
    // many hidden cells for the secrecy audit (its worst case here).
    let small = rebuild(&campaign.schema, communes.len(), &campaign.stored[..20_000]);
    cpu_time("served view, unfiltered, 20,000 answers", 10, || {
        protect_view(&small, communes, &zone_refs, &Filter::default(), DEFAULT_K)
    });
    cpu_time("served view, filter, perturbed, 20,000 answers", 10, || {
        protect_view(&small, communes, &zone_refs, &not_helped_seniors, DEFAULT_K)
    });
    cpu_time("full rebuild from stored JSON", 2, || {
        rebuild(&campaign.schema, communes.len(), &campaign.stored)
    });

    let mut group = c.benchmark_group(format!("results_1m_{name}"));
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("aggregate by commune", |b| {
        b.iter(|| aggregate(dataset, communes, Grouping::Commune, &Filter::default()));
    });
    group.bench_function("aggregate by commune, filter aide=no and age 60+", |b| {
        b.iter(|| aggregate(dataset, communes, Grouping::Commune, &not_helped_seniors));
    });
    if let Some(cantons) = zones.first() {
        group.bench_function("aggregate by canton", |b| {
            b.iter(|| {
                aggregate(
                    dataset,
                    communes,
                    Grouping::Zones(cantons),
                    &Filter::default(),
                )
            });
        });
    }
    group.bench_function("all levels + secrecy (commune, zones, territory)", |b| {
        b.iter(|| {
            let tables = aggregate_levels(dataset, communes, &zone_refs, &Filter::default())
                .expect("valid filter");
            protect_levels(&tables, DEFAULT_K)
        });
    });
    group.bench_function("all levels + secrecy, filter aide=no and age 60+", |b| {
        b.iter(|| {
            let tables = aggregate_levels(dataset, communes, &zone_refs, &not_helped_seniors)
                .expect("valid filter");
            protect_levels(&tables, DEFAULT_K)
        });
    });
    group.bench_function(
        "served view perturbed (protect_view), filter aide=no and age 60+",
        |b| {
            b.iter(|| filtered_view().expect("valid filter"));
        },
    );
    let tables =
        aggregate_levels(dataset, communes, &zone_refs, &not_helped_seniors).expect("valid filter");
    group.bench_function("secrecy only, filter aide=no and age 60+", |b| {
        b.iter(|| protect_levels(&tables, DEFAULT_K));
    });
    // Full recomputation: about a second an iteration.
    group.measurement_time(std::time::Duration::from_secs(20));
    group.bench_function("full rebuild from 1M stored JSON rows", |b| {
        b.iter(|| rebuild(&campaign.schema, communes.len(), &campaign.stored));
    });
    group.finish();

    let mut push = c.benchmark_group(format!("results_push_{name}"));
    let one = serde_json::from_str::<ValidatedAnswers>(&campaign.stored[0].2).expect("parses");
    let mut growing = Dataset::new(campaign.schema.clone(), communes.len());
    push.bench_function("push one validated answer", |b| {
        b.iter(|| growing.push(Some(7), Channel::Web, &one));
    });
    push.finish();
}

criterion_group! {
    name = results;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(4));
    targets = benches
}
criterion_main!(results);
