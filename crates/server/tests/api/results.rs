//! Results by commune over HTTP, on SQLite and PostgreSQL: aggregation, filters, levels,
//! statistical secrecy (primary, secondary, across levels), roles, gaps, indicators,
//! public results.
//!
//! The seeded answers (`seed`), hand-counted:
//! * commune A (demo commune 0): 20 respondents; difficulties for 12 (all in
//!   `aide-alimentaire`, the first 6 also in `logement`), gravity 2 for the first 6 and 3
//!   for the next 6 (mean and median 2.5); aged 75+ for the first 10, 25–39 for the others;
//! * commune B (demo commune 1): 3 respondents without difficulties (secret: fewer than 5);
//! * commune C (demo commune 2): 6 respondents without difficulties (secret by secondary
//!   suppression: otherwise B = total − A − C).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{json, Value};
use solidarites_api_types::{
    CreateCampaignRequest, GapListResponse, ResultGroup, ResultsResponse, SubmitResponseRequest,
};
use solidarites_domain::demo::demo_communes;
use solidarites_server::{auth::Role, storage};

use crate::{
    fixtures,
    helpers::{
        create_campaign, default_questionnaire_id, eventually, for_each_backend, send_answer,
        spawn_app, spawn_app_with, test_settings, StaffClient, TestApp,
    },
    initiatives::{submission, submit_published},
};

pub fn commune(n: usize) -> String {
    demo_communes()[n].code.as_str().to_owned()
}

/// An answer to the Landes questionnaire.
pub fn answer(
    commune: &str,
    difficulties: &[&str],
    gravity: Option<i32>,
    age: &str,
) -> SubmitResponseRequest {
    let mut answers = json!({
        "difficultes": !difficulties.is_empty(),
        "tranche_age": age,
        "menage": "seul",
        "commune": commune,
    });
    if !difficulties.is_empty() {
        answers["domaines"] = json!({"values": difficulties, "other": null});
    }
    if let Some(g) = gravity {
        answers["gravite_aide_alimentaire"] = json!(g);
    }
    fixtures::response(answers, commune)
}

/// An open campaign on the default questionnaire.
pub async fn open_campaign(staff: &StaffClient) -> String {
    let questionnaire = default_questionnaire_id(staff).await;
    let campaign = CreateCampaignRequest {
        title: "Consultation 2026".to_owned(),
        description: String::new(),
        ..fixtures::campaign(&questionnaire, -1, 24)
    };
    create_campaign(staff, &campaign).await
}

/// The answers described in the module comment.
pub async fn seed(app: &TestApp, campaign: &str) {
    let a = commune(0);
    for i in 0..20 {
        let age = if i < 10 { "75_et_plus" } else { "25_39" };
        let body = match i {
            0..=5 => answer(&a, &["aide-alimentaire", "logement"], Some(2), age),
            6..=11 => answer(&a, &["aide-alimentaire"], Some(3), age),
            _ => answer(&a, &[], None, age),
        };
        send_answer(app, campaign, &body).await;
    }
    for _ in 0..3 {
        send_answer(app, campaign, &answer(&commune(1), &[], None, "25_39")).await;
    }
    for _ in 0..6 {
        send_answer(app, campaign, &answer(&commune(2), &[], None, "40_59")).await;
    }
}

/// A campaign with the seeded answers, and an administrator.
pub async fn seeded_app(app: &TestApp) -> (String, StaffClient) {
    let admin = app.login_as(Role::Admin).await;
    let campaign = open_campaign(&admin).await;
    seed(app, &campaign).await;
    (campaign, admin)
}

pub async fn results(staff: &StaffClient, campaign: &str, query: &str) -> (ResultsResponse, Value) {
    let res = staff
        .get(&format!(
            "/api/v1/admin/campaigns/{campaign}/results?{query}"
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    let raw: Value = res.json().await.unwrap();
    (serde_json::from_value(raw.clone()).unwrap(), raw)
}

fn group<'a>(results: &'a ResultsResponse, code: &str) -> &'a ResultGroup {
    results
        .groups
        .iter()
        .find(|g| g.code == code)
        .unwrap_or_else(|| panic!("no group {code}"))
}

/// A perturbed count: visible and within ±2 (the perturbation bound) of `truth`.
fn near(count: Option<u64>, truth: u64) {
    let count = count.expect("visible count");
    assert!(
        count.abs_diff(truth) <= solidarites_domain::results::PERTURBATION_BOUND,
        "{count} is not {truth} ± 2"
    );
}

/// The `answered` count of `question` in `group`.
fn answered_of(results: &ResultsResponse, group: &ResultGroup, question: &str) -> Option<u64> {
    let q = results
        .questions
        .iter()
        .position(|q| q.id == question)
        .unwrap();
    group.questions[q].answered.count()
}

/// (count, share) of `option` of `question` in `group`.
fn option(
    results: &ResultsResponse,
    group: &ResultGroup,
    question: &str,
    option: &str,
) -> (Option<u64>, Option<f64>) {
    let q = results
        .questions
        .iter()
        .position(|q| q.id == question)
        .unwrap();
    let cell = group.questions[q]
        .options
        .iter()
        .find(|o| o.value == option)
        .unwrap()
        .cell;
    (cell.count(), cell.share())
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn results_by_commune_count_shares_and_means_and_hide_small_communes() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (campaign, _) = seeded_app(&app).await;
        let committee = app.login_as(Role::Committee).await;
        let (r, raw) = results(&committee, &campaign, "level=commune").await;
        assert_eq!(r.level, "commune");
        assert_eq!(r.k, 5);
        assert_eq!(r.groups.len(), demo_communes().len());

        let a = group(&r, &commune(0));
        assert_eq!(a.respondents.count(), Some(20));
        assert!(!a.secret);
        assert_eq!(option(&r, a, "difficultes", "yes"), (Some(12), Some(0.6)));
        assert_eq!(option(&r, a, "difficultes", "no"), (Some(8), Some(0.4)));
        // Multiple choice: share of the respondents who answered the question.
        assert_eq!(
            option(&r, a, "domaines", "aide-alimentaire"),
            (Some(12), Some(1.0))
        );
        assert_eq!(option(&r, a, "domaines", "logement"), (Some(6), Some(0.5)));
        let g = r
            .questions
            .iter()
            .position(|q| q.id == "gravite_aide_alimentaire")
            .unwrap();
        assert_eq!(a.questions[g].answered.count(), Some(12));
        assert!(close(a.questions[g].mean.unwrap().value(), 2.5));
        assert!(close(a.questions[g].median.unwrap().value(), 2.5));

        // B has 3 respondents: secret as a whole, with no number anywhere.
        let b = group(&r, &commune(1));
        assert!(b.secret);
        assert!(b.respondents.is_secret());
        let b_raw = raw["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["code"] == commune(1).as_str())
            .unwrap();
        assert_eq!(b_raw["respondents"], "secret");
        assert!(b_raw["questions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["answered"] == "secret"));
        // C (6) is hidden too, else B = total − A − C.
        let c = group(&r, &commune(2));
        assert!(c.secret, "secondary suppression of C");
        assert_eq!(r.total.respondents.count(), Some(29));
        assert_eq!(
            option(&r, &r.total, "difficultes", "no"),
            (Some(17), Some(17.0 / 29.0))
        );
        // Population is known for demo communes: a rate per 1,000 inhabitants.
        let population = demo_communes()[0].population.unwrap();
        assert!(close(
            a.rate_per_1000.unwrap().value(),
            20.0 * 1000.0 / f64::from(population)
        ));
    })
    .await;
}

#[tokio::test]
async fn results_filter_by_channel_age_and_answer_and_refuse_bad_filters() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (campaign, admin) = seeded_app(&app).await;
        // The unfiltered view is exact.
        let (whole, _) = results(&admin, &campaign, "level=commune").await;
        assert!(!whole.perturbed);
        assert_eq!(group(&whole, &commune(0)).respondents.count(), Some(20));

        // A filtered view is perturbed: each count within ±2 of the true one.
        let query = "level=commune&age=75_et_plus";
        let (r, raw) = results(&admin, &campaign, query).await;
        assert!(r.perturbed);
        assert_eq!(raw["perturbed"], true);
        assert_eq!(r.filter.answers[0].question, "tranche_age");
        let a = group(&r, &commune(0));
        near(a.respondents.count(), 10);
        let (yes, share) = option(&r, a, "difficultes", "yes");
        near(yes, 10);
        // Shares come from the published (perturbed) counts.
        let answered = answered_of(&r, a, "difficultes").unwrap();
        assert!(close(share, yes.unwrap() as f64 / answered as f64));
        // A true zero of a filtered view is secret (an exact zero beside the exact
        // unfiltered view would tell who is not in the filter).
        assert_eq!(option(&r, a, "difficultes", "no"), (None, None));
        // The commune's rate per 1,000 inhabitants rests on the perturbed count.
        let population = demo_communes()[0].population.unwrap();
        assert!(close(
            a.rate_per_1000.unwrap().value(),
            a.respondents.count().unwrap() as f64 * 1000.0 / f64::from(population)
        ));

        // The same view gives the same figures on every request and every instance.
        let (_, again) = results(&admin, &campaign, query).await;
        assert_eq!(again, raw);
        let other = spawn_app(crate::helpers::TestDb::reopen(&app.db).await).await;
        let other_admin = other.login_as(Role::Admin).await;
        let (_, elsewhere) = results(&other_admin, &campaign, query).await;
        assert_eq!(elsewhere, raw);

        let (r, _) = results(
            &admin,
            &campaign,
            "level=territory&filter=domaines:logement",
        )
        .await;
        assert!(r.groups.is_empty());
        assert!(r.perturbed);
        near(r.total.respondents.count(), 6);

        let (r, _) = results(&admin, &campaign, "level=territory&channel=web").await;
        near(r.total.respondents.count(), 29);
        // Nobody answered by telephone: a zero of a filtered view, secret.
        let (r, _) = results(&admin, &campaign, "level=territory&channel=telephone").await;
        assert!(r.total.secret);
        assert!(r.total.respondents.is_secret());

        for (query, field) in [
            ("level=region", "level"),
            ("channel=pigeon", "channel"),
            ("filter=nope:x", "filter.nope"),
            ("filter=difficultes:peut-etre", "filter.difficultes"),
            (
                "filter=gravite_aide_alimentaire:2",
                "filter.gravite_aide_alimentaire",
            ),
            ("level=canton", "level"),
        ] {
            let res = admin
                .get(&format!(
                    "/api/v1/admin/campaigns/{campaign}/results?{query}"
                ))
                .await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            let body: Value = res.json().await.unwrap();
            assert!(body["fields"][field].is_string(), "{query}: {body}");
        }
        let missing = admin
            .get(&format!(
                "/api/v1/admin/campaigns/{}/results",
                uuid::Uuid::new_v4()
            ))
            .await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn zone_levels_aggregate_communes_and_never_reveal_a_hidden_commune() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (campaign, admin) = seeded_app(&app).await;
        let zones = vec![
            storage::zones::NewZone {
                code: "Z1".into(),
                name: "Nord".into(),
                geometry: None,
            },
            storage::zones::NewZone {
                code: "Z2".into(),
                name: "Sud".into(),
                geometry: None,
            },
        ];
        let mut map = BTreeMap::new();
        map.insert(commune(0), "Z1".to_owned());
        map.insert(commune(1), "Z1".to_owned());
        map.insert(commune(2), "Z2".to_owned());
        storage::zones::replace_level(&app.db.conn, "canton", &zones, &map, "test")
            .await
            .unwrap();

        let (cantons, _) = results(&admin, &campaign, "level=canton").await;
        assert_eq!(cantons.groups.len(), 2);
        let (communes, _) = results(&admin, &campaign, "level=commune").await;
        let z1 = group(&cantons, "Z1");
        let z2 = group(&cantons, "Z2");
        let a = group(&communes, &commune(0));
        let c = group(&communes, &commune(2));
        assert!(group(&communes, &commune(1)).respondents.is_secret());
        // Z2 holds C only: it is shown exactly when C is.
        assert_eq!(z2.respondents.is_secret(), c.respondents.is_secret());
        // Z1 = A + B: with B hidden, Z1 and A are never both visible.
        assert!(
            z1.respondents.is_secret() || a.respondents.is_secret(),
            "B = Z1 − A would be recoverable"
        );
        // Communes in no zone are reported apart; the territory adds up.
        assert_eq!(cantons.total.respondents.count(), Some(29));

        let zones: Value = admin.get_json("/api/v1/admin/zones?level=canton").await;
        assert_eq!(zones["zones"][0]["code"], "Z1");
        assert_eq!(zones["zones"][0]["communes"].as_array().unwrap().len(), 2);
    })
    .await;
}

/// Commune results once the territory total reaches `expected` (bounded wait).
async fn until_respondents(staff: &StaffClient, campaign: &str, expected: u64) -> ResultsResponse {
    eventually(&format!("{expected} respondents"), async || {
        let (r, _) = results(staff, campaign, "level=commune").await;
        match r.total.respondents.count() {
            Some(n) if n == expected => Ok(r),
            other => Err(format!("{other:?} respondents")),
        }
    })
    .await
}

#[tokio::test]
async fn new_answers_are_picked_up_incrementally_even_from_another_instance() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (campaign, admin) = seeded_app(&app).await;
        let (r, _) = results(&admin, &campaign, "level=territory").await;
        assert_eq!(r.total.respondents.count(), Some(29));

        // A second instance on the same database receives two answers.
        let other_db = crate::helpers::TestDb::reopen(&app.db).await;
        let other = spawn_app(other_db).await;
        for _ in 0..2 {
            send_answer(
                &other,
                &campaign,
                &answer(&commune(0), &["logement"], None, "60_74"),
            )
            .await;
        }
        // Results are served at once from the last pass and refreshed in the background:
        // the new answers show within a few requests.
        let r = until_respondents(&admin, &campaign, 31).await;
        assert_eq!(group(&r, &commune(0)).respondents.count(), Some(22));
        assert_eq!(
            option(&r, group(&r, &commune(0)), "domaines", "logement").0,
            Some(8)
        );
    })
    .await;
}

#[tokio::test]
async fn the_secrecy_threshold_is_a_setting_and_analysts_see_the_same_rule() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let mut settings = test_settings(&db);
        settings.secrecy_k = 3;
        let app = spawn_app_with(db, settings).await;
        let (campaign, _) = seeded_app(&app).await;
        let analyst = app.login_as(Role::Analyst).await;
        let (r, _) = results(&analyst, &campaign, "level=commune").await;
        assert_eq!(r.k, 3);
        // With k = 3, B's 3 respondents are no longer secret.
        assert_eq!(group(&r, &commune(1)).respondents.count(), Some(3));
    })
    .await;
}

#[tokio::test]
async fn public_results_are_off_by_default_and_keep_secrecy_when_on() {
    for_each_backend(|db| async move {
        let db = db.with_communes(&demo_communes()).await;
        let off_db = crate::helpers::TestDb::reopen(&db).await;
        let mut settings = test_settings(&db);
        settings.public_results = true;
        let app = spawn_app_with(db, settings).await;
        let (campaign, _) = seeded_app(&app).await;
        let res = app
            .get(&format!("/api/v1/campaigns/{campaign}/results"))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let r: ResultsResponse = res.json().await.unwrap();
        assert!(group(&r, &commune(1)).secret);
        assert_eq!(group(&r, &commune(0)).respondents.count(), Some(20));

        let off = spawn_app(off_db).await;
        let res = off
            .get(&format!("/api/v1/campaigns/{campaign}/results"))
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn gaps_rank_needs_against_nearby_offer_and_map_them() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (campaign, admin) = seeded_app(&app).await;
        // One housing initiative in A itself; no food aid anywhere.
        submit_published(&app, &submission("Aide au logement", "logement", 0)).await;

        let committee = app.login_as(Role::Committee).await;
        let res = committee
            .get(&format!(
                "/api/v1/admin/campaigns/{campaign}/gaps?limit=100"
            ))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let gaps: GapListResponse = res.json().await.unwrap();
        assert_eq!(gaps.question, "domaines");
        let find = |theme: &str| {
            gaps.gaps
                .iter()
                .position(|g| g.commune == commune(0) && g.theme == theme)
                .unwrap_or_else(|| panic!("no gap for {theme}"))
        };
        let food = &gaps.gaps[find("aide-alimentaire")];
        assert_eq!((food.respondents, food.reporting, food.offer), (20, 12, 0));
        assert!((food.need_share - 0.6).abs() < 1e-9);
        assert_eq!(food.theme_label, "Aide alimentaire");
        let housing = &gaps.gaps[find("logement")];
        assert_eq!((housing.reporting, housing.offer), (6, 1));
        assert!(
            find("aide-alimentaire") < find("logement"),
            "largest gap first"
        );
        assert_eq!(gaps.gaps[0].commune, commune(0));
        // Secret communes are never ranked.
        assert!(gaps.gaps.iter().all(|g| g.commune == commune(0)));

        let res = committee
            .get(&format!(
                "/api/v1/admin/campaigns/{campaign}/gaps.geojson?theme=aide-alimentaire"
            ))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let layer: Value = res.json().await.unwrap();
        let features = layer["features"].as_array().unwrap();
        assert_eq!(features.len(), demo_communes().len());
        let a = features
            .iter()
            .find(|f| f["properties"]["code"] == commune(0).as_str())
            .unwrap();
        assert_eq!(a["properties"]["need_share"], 0.6);
        assert_eq!(a["properties"]["offer"], 0);
        let b = features
            .iter()
            .find(|f| f["properties"]["code"] == commune(1).as_str())
            .unwrap();
        assert!(b["properties"]["need_share"].is_null());
        let _ = admin;
    })
    .await;
}

#[tokio::test]
async fn indicators_are_listed_and_shown_beside_commune_results() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (campaign, admin) = seeded_app(&app).await;
        storage::indicators::import(
            &app.db.conn,
            &[storage::indicators::IndicatorMeta {
                code: "taux_pauvrete".into(),
                label: "Taux de pauvreté".into(),
                unit: Some("%".into()),
                source: Some("Insee, Filosofi".into()),
                year: Some(2021),
            }],
            &[storage::indicators::IndicatorValue {
                indicator: "taux_pauvrete".into(),
                commune_code: commune(0),
                value: 14.5,
            }],
            "test.csv",
        )
        .await
        .unwrap();
        let committee = app.login_as(Role::Committee).await;
        let list: Value = committee.get_json("/api/v1/admin/indicators").await;
        assert_eq!(list["indicators"][0]["label"], "Taux de pauvreté");
        assert_eq!(list["values"][commune(0)]["taux_pauvrete"], 14.5);
        let (r, _) = results(&admin, &campaign, "level=commune").await;
        assert_eq!(r.indicators[0].code, "taux_pauvrete");
        assert_eq!(r.indicator_values[&commune(0)]["taux_pauvrete"], 14.5);
    })
    .await;
}

#[tokio::test]
async fn one_question_is_the_same_protected_cells_as_in_the_whole_table() {
    for_each_backend(|db| async move {
        let app = spawn_app(db.with_communes(&demo_communes()).await).await;
        let (campaign, _) = seeded_app(&app).await;
        let analyst = app.login_as(Role::Analyst).await;
        for filter in ["", "&age=75_et_plus"] {
            for level in ["commune", "territory"] {
                let query = format!("level={level}{filter}");
                let (whole, whole_raw) = results(&analyst, &campaign, &query).await;
                let (one, raw) =
                    results(&analyst, &campaign, &format!("{query}&question=domaines")).await;
                let at = whole
                    .questions
                    .iter()
                    .position(|q| q.id == "domaines")
                    .unwrap();
                assert_eq!(one.questions, [whole.questions[at].clone()], "{query}");
                assert_eq!(one.perturbed, whole.perturbed);
                assert_eq!(one.k, whole.k);
                assert_eq!(one.groups.len(), whole.groups.len());
                for (one_group, whole_group) in one
                    .groups
                    .iter()
                    .zip(&whole.groups)
                    .chain([(&one.total, &whole.total)])
                {
                    assert_eq!(one_group.code, whole_group.code);
                    assert_eq!(one_group.respondents, whole_group.respondents);
                    assert_eq!(one_group.secret, whole_group.secret);
                    assert_eq!(
                        one_group.questions,
                        [whole_group.questions[at].clone()],
                        "{query} {}",
                        one_group.code
                    );
                }
                assert!(
                    raw.to_string().len() < whole_raw.to_string().len(),
                    "one question is a smaller body"
                );
            }
        }
        // Secret cells stay secret: commune B has 3 respondents.
        let (one, raw) = results(&analyst, &campaign, "question=difficultes").await;
        assert!(group(&one, &commune(1)).secret);
        let b = raw["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["code"] == commune(1).as_str())
            .unwrap();
        assert_eq!(b["questions"][0]["answered"], "secret");
        assert_eq!(b["questions"][0]["options"][0]["cell"], "secret");

        // A free-text or unknown question is named in a 422.
        for question in ["nope", "ce_qui_aurait_aide"] {
            let res = analyst
                .get(&format!(
                    "/api/v1/admin/campaigns/{campaign}/results?question={question}"
                ))
                .await;
            assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{question}");
            let body: Value = res.json().await.unwrap();
            assert!(
                body["fields"]["question"]
                    .as_str()
                    .unwrap()
                    .contains("question"),
                "{body}"
            );
        }
    })
    .await;
}
