//! Statistical secrecy: hand-checked suppression, the JSON form of secret
//! values, and properties on random datasets: no visible value rests on
//! fewer than k respondents, no additive relation (row, column, level) has
//! exactly one hidden member, no hidden count is determined by the visible
//! ones, and levels add up.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::collections::BTreeMap;

use proptest::prelude::*;
use solidarites_domain::questionnaire::{
    AnswerValue, QuestionKind, QuestionnaireDefinition, ValidatedAnswers,
};
use solidarites_domain::results::zones::ZoneAssignment;
use solidarites_domain::results::{
    aggregate, aggregate_levels, protect, protect_levels, Cell, Channel, Dataset, Filter, Grouping,
    ResultKind, ResultsSchema, ResultsTable, SecretGroup, SecretTable, Stat, ZoneLevel,
    ZoneMapping, DEFAULT_K,
};
use solidarites_domain::Commune;

use common::{one_section, options, question, scale, square_communes as communes};

fn definition() -> QuestionnaireDefinition {
    one_section(vec![
        question("aide", QuestionKind::YesNo),
        question(
            "age",
            QuestionKind::SingleChoice {
                options: options(&["jeune", "adulte", "senior"]),
            },
        ),
        question(
            "domaines",
            QuestionKind::MultipleChoice {
                options: options(&["a", "b"]),
                allow_other: true,
                max_choices: None,
            },
        ),
        question("gravite", scale(1, 4)),
    ])
}

/// One respondent: (commune position or none, aide, age option, domaines bits, gravite).
type Row = (Option<u32>, Option<bool>, Option<usize>, u8, Option<i32>);

fn answers(row: &Row) -> ValidatedAnswers {
    let mut map = BTreeMap::new();
    if let Some(yes) = row.1 {
        map.insert("aide".to_owned(), AnswerValue::YesNo(yes));
    }
    if let Some(age) = row.2 {
        let value = ["jeune", "adulte", "senior"][age % 3];
        map.insert("age".to_owned(), AnswerValue::Choice(value.into()));
    }
    let bits = row.3 & 0b111;
    if bits != 0 {
        let values = ["a", "b"]
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, v)| (*v).to_owned())
            .collect();
        let other = (bits & 0b100 != 0).then(|| "x".to_owned());
        map.insert(
            "domaines".to_owned(),
            AnswerValue::Choices { values, other },
        );
    }
    if let Some(g) = row.4 {
        map.insert("gravite".to_owned(), AnswerValue::Scale(g));
    }
    ValidatedAnswers(map)
}

fn dataset(rows: &[Row], commune_count: usize) -> Dataset {
    let mut data = Dataset::new(ResultsSchema::from_definition(&definition()), commune_count);
    for row in rows {
        data.push(row.0, Channel::Web, &answers(row));
    }
    data
}

/// The unfiltered table of `rows` by commune, over `commune_count` communes.
fn by_commune(rows: &[Row], commune_count: usize) -> ResultsTable {
    aggregate(
        &dataset(rows, commune_count),
        &communes(commune_count),
        Grouping::Commune,
        &Filter::default(),
    )
    .unwrap()
}

/// `n` respondents of commune `pos`, all alike.
fn alike(pos: u32, n: usize, aide: bool, age: usize) -> Vec<Row> {
    vec![(Some(pos), Some(aide), Some(age), 0b001, Some(2)); n]
}

#[test]
fn small_commune_is_secret_and_a_second_one_hides_it_from_the_total() {
    let mut rows = alike(0, 12, true, 0);
    rows.extend(alike(1, 3, true, 0));
    rows.extend(alike(2, 9, true, 0));
    rows.extend(alike(3, 20, true, 0));
    let table = by_commune(&rows, 4);
    let secret = protect(&table, 5);
    let shown: Vec<Option<u64>> = secret
        .groups
        .iter()
        .map(|g| g.respondents.count())
        .collect();
    // 3 < 5: secret; then the smallest other commune (9), or 3 = 44 - 12 - 9 - 20.
    assert_eq!(shown, [Some(12), None, None, Some(20)]);
    assert!(secret.groups[1].secret && secret.groups[2].secret);
    let hidden = &secret.groups[1];
    assert!(hidden
        .questions
        .iter()
        .all(|q| q.answered.is_secret() && q.no_answer.is_secret()));
    assert_eq!(hidden.rate_per_1000, Some(Stat::Secret));
    assert_eq!(hidden.questions[3].mean, Some(Stat::Secret));
    assert_eq!(secret.total.respondents.count(), Some(44));
    // Visible groups keep exact values, shares and statistics.
    let first = &secret.groups[0];
    assert_eq!(first.rate_per_1000, Some(Stat::Value(120.0)));
    assert_eq!(first.questions[3].mean, Some(Stat::Value(2.0)));
    assert_eq!(
        first.questions[0].options[0].cell,
        Cell::Value {
            count: 12,
            share: Some(1.0)
        }
    );
}

#[test]
fn small_option_cell_is_hidden_with_another_in_its_row_and_column() {
    // Commune 0: 20 respondents, ages 10 / 7 / 3 (3 is secret).
    // Commune 1: 30 respondents, ages 10 / 10 / 10.
    let mut rows = Vec::new();
    for (age, n) in [(0, 10), (1, 7), (2, 3)] {
        rows.extend(alike(0, n, true, age));
    }
    for age in 0..3 {
        rows.extend(alike(1, 10, false, age));
    }
    let table = by_commune(&rows, 2);
    let secret = protect(&table, 5);
    let ages = |g: &SecretGroup| -> Vec<Option<u64>> {
        g.questions[1]
            .options
            .iter()
            .map(|o| o.cell.count())
            .collect()
    };
    // Row: 3 is secret, so the smallest other option (7) is too. Column: each
    // hidden cell of commune 0 is hidden in commune 1 as well.
    assert_eq!(ages(&secret.groups[0]), [Some(10), None, None]);
    assert_eq!(ages(&secret.groups[1]), [Some(10), None, None]);
    assert_eq!(ages(&secret.total), [Some(20), Some(17), Some(13)]);
    // Shares of visible cells over a visible denominator stay.
    assert_eq!(
        secret.groups[0].questions[1].options[0].cell.share(),
        Some(0.5)
    );
    // Nothing else was touched.
    assert!(!secret.groups[0].secret && !secret.groups[1].secret);
    assert_eq!(
        secret.groups[0].questions[0].options[0].cell.count(),
        Some(20)
    );
}

#[test]
fn secret_values_serialise_as_the_word_secret() {
    let mut rows = alike(0, 12, true, 0);
    rows.extend(alike(1, 2, true, 1));
    let table = by_commune(&rows, 2);
    let secret = protect(&table, DEFAULT_K);
    let json = serde_json::to_value(&secret).unwrap();
    assert_eq!(json["k"], 5);
    assert_eq!(json["level"], "commune");
    assert_eq!(json["groups"][1]["respondents"], "secret");
    assert_eq!(json["groups"][1]["secret"], true);
    assert_eq!(
        json["groups"][1]["questions"][0]["options"][0]["cell"],
        "secret"
    );
    assert_eq!(json["groups"][1]["questions"][3]["mean"], "secret");
    assert_eq!(json["groups"][0]["respondents"], "secret");
    assert_eq!(
        json["total"]["respondents"],
        serde_json::json!({"count": 14, "share": null})
    );
    assert_eq!(
        json["total"]["questions"][0]["options"][0],
        serde_json::json!({"value": "yes", "cell": {"count": 14, "share": 1.0}})
    );
    // No number of a secret group appears anywhere in its JSON but its
    // (public) population.
    fn numbers(value: &serde_json::Value, key: &str, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Number(_) => out.push(key.to_owned()),
            serde_json::Value::Array(items) => items.iter().for_each(|v| numbers(v, key, out)),
            serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| numbers(v, k, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    numbers(&json["groups"][1], "", &mut found);
    assert_eq!(found, ["population"]);
    let back: SecretTable = serde_json::from_value(json).unwrap();
    assert_eq!(back, secret);
    assert!(serde_json::from_str::<Cell>("\"hidden\"").is_err());
    assert_eq!(
        serde_json::from_str::<Stat>("2.5").unwrap(),
        Stat::Value(2.5)
    );
}

#[test]
fn k_of_one_hides_nothing() {
    let rows = alike(0, 1, true, 0);
    let table = by_commune(&rows, 2);
    let secret = protect(&table, 1);
    assert_eq!(secret.groups[0].respondents.count(), Some(1));
    assert_eq!(secret.groups[0].questions[3].mean, Some(Stat::Value(2.0)));
}

#[test]
fn commune_hidden_in_a_zone_cannot_be_recovered_from_the_zone_total() {
    // Zone Z has communes 0 (20 respondents) and 1 (2 respondents); commune 2 is
    // alone in zone Y. Protected alone, the commune table would show commune 0
    // and hide 1 with 2; but zone Z (22) - commune 0 (20) would give commune 1.
    let mut rows = alike(0, 20, true, 0);
    rows.extend(alike(1, 2, true, 0));
    rows.extend(alike(2, 15, true, 0));
    let communes = communes(3);
    let assign = |c: usize, z: &str| ZoneAssignment {
        commune: communes[c].code.clone(),
        zone_code: z.into(),
        zone_name: z.into(),
    };
    let zones = ZoneMapping::new(
        ZoneLevel::Canton,
        &communes,
        &[assign(0, "Z"), assign(1, "Z"), assign(2, "Y")],
    );
    let tables =
        aggregate_levels(&dataset(&rows, 3), &communes, &[&zones], &Filter::default()).unwrap();
    let secret = protect_levels(&tables, 5);
    let communes_shown: Vec<Option<u64>> = secret[0]
        .groups
        .iter()
        .map(|g| g.respondents.count())
        .collect();
    let zones_shown: Vec<Option<u64>> = secret[1]
        .groups
        .iter()
        .map(|g| g.respondents.count())
        .collect();
    assert_eq!(secret[1].groups[1].code, "Z");
    let recoverable = communes_shown[0].is_some() && zones_shown[1].is_some();
    assert!(
        !recoverable,
        "communes {communes_shown:?}, zones {zones_shown:?}"
    );
    assert_eq!(communes_shown[1], None);
}

// ---------------------------------------------------------------------------
// Properties.

/// An additive relation: `total = Σ parts`.
type Relation<'a> = (Vec<&'a Cell>, Vec<&'a Cell>);

/// The additive relations a reader can use, rebuilt here from the published
/// tables, independently of the implementation: each with the column it
/// lies along (`None` for a row within a group).
fn relations<'a>(
    tables: &'a [SecretTable],
    zones: &[ZoneMapping],
) -> Vec<(Option<usize>, Relation<'a>)> {
    let mut out: Vec<(Option<usize>, Relation<'a>)> = Vec::new();
    let cells_of = |g: &'a SecretGroup| -> Vec<&'a Cell> {
        let mut cells = vec![&g.respondents];
        for q in &g.questions {
            cells.push(&q.answered);
            cells.push(&q.no_answer);
            cells.extend(q.options.iter().map(|o| &o.cell));
            cells.extend(q.other.iter());
        }
        cells
    };
    for table in tables {
        let categorical: Vec<bool> = table
            .questions
            .iter()
            .map(|q| matches!(q.kind, ResultKind::SingleChoice | ResultKind::YesNo))
            .collect();
        let all: Vec<&SecretGroup> = table
            .groups
            .iter()
            .chain(&table.unassigned)
            .chain(std::iter::once(&table.total))
            .collect();
        // Rows.
        for g in &all {
            for (q, &additive) in g.questions.iter().zip(&categorical) {
                out.push((
                    None,
                    (vec![&g.respondents], vec![&q.answered, &q.no_answer]),
                ));
                if additive {
                    let options = q.options.iter().map(|o| &o.cell).collect();
                    out.push((None, (vec![&q.answered], options)));
                }
            }
        }
        // Columns.
        if !table.groups.is_empty() {
            let total = cells_of(&table.total);
            let parts: Vec<Vec<&Cell>> = table
                .groups
                .iter()
                .chain(&table.unassigned)
                .map(cells_of)
                .collect();
            for (i, t) in total.iter().enumerate() {
                out.push((Some(i), (vec![*t], parts.iter().map(|p| p[i]).collect())));
            }
        }
    }
    // Levels: communes of a zone sum to the zone (table 0 is the commune
    // table, table 1 + z the zone table of mapping z).
    for (z, mapping) in zones.iter().enumerate() {
        let zone_table = &tables[1 + z];
        for (zi, zone) in zone_table.groups.iter().enumerate() {
            let members: Vec<&SecretGroup> = tables[0]
                .groups
                .iter()
                .enumerate()
                .filter(|(p, _)| mapping.zone_of(*p) == Some(zi as u32))
                .map(|(_, g)| g)
                .collect();
            if members.is_empty() {
                continue;
            }
            let whole = cells_of(zone);
            let parts: Vec<Vec<&Cell>> = members.into_iter().map(cells_of).collect();
            for (i, t) in whole.iter().enumerate() {
                out.push((Some(i), (vec![*t], parts.iter().map(|p| p[i]).collect())));
            }
        }
    }
    out
}

/// The column relations (groups to total, communes to zone), by column.
fn columns<'a>(relations: &[(Option<usize>, Relation<'a>)]) -> Vec<Vec<Relation<'a>>> {
    let mut by_column: BTreeMap<usize, Vec<Relation<'a>>> = BTreeMap::new();
    for (column, relation) in relations {
        if let Some(c) = column {
            by_column.entry(*c).or_default().push(relation.clone());
        }
    }
    by_column.into_values().collect()
}

/// The hidden counts determined by the visible ones through `relations`
/// (exact linear algebra): a hidden cell is determined when its unit vector
/// lies in the row space of the relations restricted to hidden cells.
fn determined_hidden_cells(relations: &[Relation<'_>]) -> Vec<*const Cell> {
    // Identify hidden cells by address.
    let mut index: BTreeMap<*const Cell, usize> = BTreeMap::new();
    let mut rows: Vec<BTreeMap<usize, f64>> = Vec::new();
    for (total, parts) in relations {
        let mut row = BTreeMap::new();
        for (cells, sign) in [(total, -1.0), (parts, 1.0)] {
            for c in cells.iter().filter(|c| c.is_secret()) {
                let n = index.len();
                let i = *index.entry(*c as *const Cell).or_insert(n);
                *row.entry(i).or_insert(0.0) += sign;
            }
        }
        row.retain(|_, v| *v != 0.0);
        if !row.is_empty() {
            rows.push(row);
        }
    }
    let n = index.len();
    let mut matrix: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| {
            let mut dense = vec![0.0; n];
            for (&i, &v) in r {
                dense[i] = v;
            }
            dense
        })
        .collect();
    // Reduced row echelon form.
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..n {
        let Some(p) = (r..matrix.len()).find(|&i| matrix[i][c].abs() > 1e-9) else {
            continue;
        };
        matrix.swap(r, p);
        let lead = matrix[r][c];
        for v in &mut matrix[r] {
            *v /= lead;
        }
        for i in 0..matrix.len() {
            if i != r && matrix[i][c].abs() > 1e-9 {
                let f = matrix[i][c];
                let (pivot_row, other) = if i < r {
                    let (a, b) = matrix.split_at_mut(r);
                    (&b[0], &mut a[i])
                } else {
                    let (a, b) = matrix.split_at_mut(i);
                    (&a[r], &mut b[0])
                };
                for (o, p) in other.iter_mut().zip(pivot_row) {
                    *o -= f * p;
                }
            }
        }
        pivots.push((r, c));
        r += 1;
        if r == matrix.len() {
            break;
        }
    }
    let by_index: BTreeMap<usize, *const Cell> = index.iter().map(|(&p, &i)| (i, p)).collect();
    pivots
        .iter()
        .filter(|&&(row, c)| {
            matrix[row]
                .iter()
                .enumerate()
                .all(|(j, v)| j == c || v.abs() < 1e-9)
        })
        .map(|&(_, c)| by_index[&c])
        .collect()
}

/// The tables, one group a line, determined cells marked `!!` (for failures).
fn describe(tables: &[SecretTable], marked: &[*const Cell]) -> String {
    let mut out = String::new();
    for t in tables {
        for g in all_groups(t) {
            out.push_str(&format!(
                "\n{} {} respondents={:?}",
                t.level,
                g.code,
                g.respondents.count()
            ));
            if marked.contains(&(&g.respondents as *const Cell)) {
                out.push_str("!!");
            }
            for q in &g.questions {
                let cells = [("answered", &q.answered), ("no_answer", &q.no_answer)]
                    .into_iter()
                    .chain(q.options.iter().map(|o| (o.value.as_str(), &o.cell)))
                    .chain(q.other.iter().map(|c| ("other", c)));
                for (name, c) in cells {
                    let mark = if marked.contains(&(c as *const Cell)) {
                        "!!"
                    } else {
                        ""
                    };
                    out.push_str(&format!(" {}.{}={:?}{mark}", q.id, name, c.count()));
                }
            }
        }
    }
    out
}

fn arb_row(communes: u32) -> impl Strategy<Value = Row> {
    (
        prop::option::weighted(0.9, 0..communes),
        prop::option::weighted(0.9, any::<bool>()),
        prop::option::weighted(0.8, 0usize..3),
        0u8..8,
        prop::option::weighted(0.6, 1i32..5),
    )
}

fn arb_case() -> impl Strategy<Value = (usize, Vec<Row>, Vec<usize>, Vec<usize>, u32)> {
    (2usize..9).prop_flat_map(|n| {
        (
            Just(n),
            prop::collection::vec(arb_row(n as u32), 0..120),
            // Two zone levels: cantons (some communes in none) and arrondissements.
            prop::collection::vec(0usize..4, n),
            prop::collection::vec(0usize..2, n),
            1u32..9,
        )
    })
}

fn mappings(
    communes: &[Commune],
    cantons: &[usize],
    arrondissements: &[usize],
) -> Vec<ZoneMapping> {
    let assign = |zones: &[usize], none: Option<usize>| -> Vec<ZoneAssignment> {
        communes
            .iter()
            .zip(zones)
            .filter(|(_, &z)| Some(z) != none)
            .map(|(c, z)| ZoneAssignment {
                commune: c.code.clone(),
                zone_code: format!("Z{z}"),
                zone_name: format!("Zone {z}"),
            })
            .collect()
    };
    vec![
        ZoneMapping::new(ZoneLevel::Canton, communes, &assign(cantons, Some(3))),
        ZoneMapping::new(
            ZoneLevel::Arrondissement,
            communes,
            &assign(arrondissements, None),
        ),
    ]
}

/// A random case's zones and its unfiltered tables at every level.
fn levels(
    n: usize,
    rows: &[Row],
    cantons: &[usize],
    arrondissements: &[usize],
) -> (Vec<ZoneMapping>, Vec<ResultsTable>) {
    let communes = communes(n);
    let zones = mappings(&communes, cantons, arrondissements);
    let refs: Vec<&ZoneMapping> = zones.iter().collect();
    let raw = aggregate_levels(&dataset(rows, n), &communes, &refs, &Filter::default()).unwrap();
    (zones, raw)
}

fn all_groups(table: &SecretTable) -> impl Iterator<Item = &SecretGroup> {
    table
        .groups
        .iter()
        .chain(&table.unassigned)
        .chain(std::iter::once(&table.total))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_visible_value_rests_on_fewer_than_k_respondents(
        (n, rows, cantons, arrondissements, k) in arb_case()
    ) {
        let (_, raw) = levels(n, &rows, &cantons, &arrondissements);
        let k64 = u64::from(k);
        for table in protect_levels(&raw, k) {
            for g in all_groups(&table) {
                if let Some(r) = g.respondents.count() {
                    prop_assert!(r == 0 || r >= k64, "group {} shows {} respondents", g.code, r);
                }
                prop_assert_eq!(g.secret, g.respondents.is_secret());
                for q in &g.questions {
                    let cells = [&q.answered, &q.no_answer]
                        .into_iter()
                        .chain(q.options.iter().map(|o| &o.cell))
                        .chain(q.other.iter());
                    for cell in cells {
                        if let Some(c) = cell.count() {
                            prop_assert!(c == 0 || c >= k64, "{}.{} shows {}", g.code, q.id, c);
                        }
                        if g.secret {
                            prop_assert!(cell.is_secret());
                        }
                    }
                    if let Some(Stat::Value(_)) = q.mean {
                        prop_assert!(q.answered.count().is_some_and(|a| a >= k64));
                    }
                    if let Some(Stat::Value(_)) = q.median {
                        prop_assert!(q.answered.count().is_some_and(|a| a >= k64));
                    }
                    // A share is never shown beside a hidden denominator.
                    for o in &q.options {
                        if o.cell.share().is_some() {
                            prop_assert!(!q.answered.is_secret());
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn no_relation_has_one_hidden_member_and_no_column_determines_a_hidden_count(
        (n, rows, cantons, arrondissements, k) in arb_case()
    ) {
        let (zones, raw) = levels(n, &rows, &cantons, &arrondissements);
        let secret = protect_levels(&raw, k);
        let relations = relations(&secret, &zones);
        for (_, (total, parts)) in &relations {
            let hidden = total.iter().chain(parts).filter(|c| c.is_secret()).count();
            prop_assert!(hidden != 1, "a relation has exactly one hidden member");
        }
        for column in columns(&relations) {
            let determined = determined_hidden_cells(&column);
            prop_assert!(determined.is_empty(), "{}", describe(&secret, &determined));
        }
    }

    #[test]
    fn visible_values_are_the_raw_values_and_levels_add_up(
        (n, rows, cantons, arrondissements, k) in arb_case()
    ) {
        let (zones, raw) = levels(n, &rows, &cantons, &arrondissements);
        let secret = protect_levels(&raw, k);
        // Unsuppressed data adds up at every level.
        let total = raw[0].total.respondents;
        prop_assert_eq!(total, rows.len() as u64);
        for table in &raw {
            prop_assert_eq!(&table.total, &raw[0].total);
            if !table.groups.is_empty() {
                let sum: u64 = table.groups.iter().chain(&table.unassigned).map(|g| g.respondents).sum();
                prop_assert_eq!(sum, total);
            }
        }
        for (z, mapping) in zones.iter().enumerate() {
            for (zi, zone) in raw[1 + z].groups.iter().enumerate() {
                let sum: u64 = raw[0].groups.iter().enumerate()
                    .filter(|(p, _)| mapping.zone_of(*p) == Some(zi as u32))
                    .map(|(_, g)| g.respondents)
                    .sum();
                prop_assert_eq!(sum, zone.respondents);
            }
        }
        // What is shown is exact.
        for (raw_table, shown) in raw.iter().zip(&secret) {
            prop_assert_eq!(shown.groups.len(), raw_table.groups.len());
            let pairs = raw_table.groups.iter().zip(&shown.groups)
                .chain(raw_table.unassigned.iter().zip(&shown.unassigned))
                .chain(std::iter::once((&raw_table.total, &shown.total)));
            for (r, s) in pairs {
                prop_assert_eq!(&r.code, &s.code);
                if let Some(c) = s.respondents.count() {
                    prop_assert_eq!(c, r.respondents);
                }
                for (rq, sq) in r.questions.iter().zip(&s.questions) {
                    if let Some(c) = sq.answered.count() {
                        prop_assert_eq!(c, rq.answered);
                    }
                    for (ro, so) in rq.options.iter().zip(&sq.options) {
                        if let Some(c) = so.cell.count() {
                            prop_assert_eq!(c, *ro);
                        }
                    }
                    if let Some(Stat::Value(m)) = sq.mean {
                        prop_assert_eq!(Some(m), rq.mean);
                    }
                }
            }
        }
    }
}

#[test]
fn protect_alone_equals_protect_levels_of_one_table() {
    let mut rows = alike(0, 12, true, 0);
    rows.extend(alike(1, 3, false, 2));
    rows.extend(alike(2, 7, true, 1));
    let table = by_commune(&rows, 3);
    assert_eq!(
        protect_levels(std::slice::from_ref(&table), 5),
        vec![protect(&table, 5)]
    );
}
