//! The Landes "Les nouvelles solidarités, j'en parle" questionnaire.

use super::{ChoiceOption, Condition, Question, QuestionKind, QuestionnaireDefinition, Section};

/// The Landes "Les nouvelles solidarités, j'en parle" questionnaire in
/// French, with the theme list passed in as (slug, French label).
///
/// Stable question ids: `difficultes`, `domaines`, `gravite_<slug>` (slug
/// with `-` → `_`), `aide`, `aide_par`, `ce_qui_aurait_aide`,
/// `propositions`, `role`, `tranche_age`, `menage`, `commune`.
///
/// The result is valid ([`QuestionnaireDefinition::validate`]) when there
/// are at least two themes, with distinct slugs of at most 32 characters
/// among `a-z`, `0-9`, `_` and `-` (the `gravite_…` ids must stay distinct
/// and within 40 characters); `validate` names the theme otherwise.
#[must_use]
pub fn landes_template(themes: &[(String, String)]) -> QuestionnaireDefinition {
    let mut situation = vec![
        question(
            "difficultes",
            "Avez-vous rencontré des difficultés pendant et/ou après la crise sanitaire (confinements) ?",
            true,
            QuestionKind::YesNo,
            None,
        ),
        Question {
            help: Some("Plusieurs réponses possibles.".into()),
            ..question(
                "domaines",
                "Si oui, dans quel(s) domaine(s) ?",
                true,
                QuestionKind::MultipleChoice {
                    options: themes.iter().map(|(slug, label)| option(slug, label)).collect(),
                    allow_other: true,
                    max_choices: None,
                },
                Some(condition("difficultes", &["yes"])),
            )
        },
    ];
    for (slug, label) in themes {
        situation.push(question(
            &format!("gravite_{}", slug.replace('-', "_")),
            &format!("Dans le domaine « {label} », ces difficultés ont-elles été importantes ?"),
            false,
            QuestionKind::Scale {
                min: 1,
                max: 4,
                min_label: Some("Peu importantes".into()),
                max_label: Some("Très importantes".into()),
            },
            Some(condition("domaines", &[slug.as_str()])),
        ));
    }

    let aide = vec![
        question(
            "aide",
            "Avez-vous été aidé(e) ?",
            false,
            QuestionKind::YesNo,
            None,
        ),
        question(
            "aide_par",
            "Si oui, par qui ?",
            false,
            QuestionKind::MultipleChoice {
                options: vec![
                    option("famille", "Votre famille"),
                    option("voisins", "Vos voisins"),
                    option("association", "Une association"),
                    option("commune_ccas", "Votre commune ou son CCAS"),
                    option("departement", "Le Département"),
                ],
                allow_other: true,
                max_choices: None,
            },
            Some(condition("aide", &["yes"])),
        ),
        question(
            "ce_qui_aurait_aide",
            "Qu'est-ce qui vous aurait aidé(e) ?",
            false,
            QuestionKind::LongText { max_length: 2000 },
            None,
        ),
    ];

    let propositions = vec![
        question(
            "propositions",
            "Avez-vous des propositions d'actions à engager ?",
            false,
            QuestionKind::LongText { max_length: 2000 },
            None,
        ),
        question(
            "role",
            "Souhaitez-vous jouer un rôle dans ces nouvelles solidarités ?",
            false,
            QuestionKind::SingleChoice {
                options: vec![
                    option("benevole", "Oui, comme bénévole"),
                    option("voisin_solidaire", "Oui, comme voisin solidaire"),
                    option("non", "Non"),
                ],
            },
            None,
        ),
    ];

    let profil = vec![
        question(
            "tranche_age",
            "Quel est votre âge ?",
            false,
            QuestionKind::SingleChoice {
                options: vec![
                    option("moins_de_25", "Moins de 25 ans"),
                    option("25_39", "25 à 39 ans"),
                    option("40_59", "40 à 59 ans"),
                    option("60_74", "60 à 74 ans"),
                    option("75_et_plus", "75 ans et plus"),
                ],
            },
            None,
        ),
        question(
            "menage",
            "Vous vivez :",
            false,
            QuestionKind::SingleChoice {
                options: vec![
                    option("seul", "Seul(e)"),
                    option("couple_sans_enfant", "En couple sans enfant"),
                    option("couple_avec_enfants", "En couple avec enfant(s)"),
                    option("famille_monoparentale", "En famille monoparentale"),
                    option("autre", "Autre situation"),
                ],
            },
            None,
        ),
        question(
            "commune",
            "Dans quelle commune habitez-vous ?",
            true,
            QuestionKind::Commune,
            None,
        ),
    ];

    QuestionnaireDefinition {
        title: "Les nouvelles solidarités, j'en parle".into(),
        description: "La crise sanitaire a bouleversé nos vies. Dites-nous, de façon anonyme, \
                      ce que vous avez vécu, ce qui vous a aidé et ce qui pourrait être fait, \
                      pour construire ensemble les solidarités de demain dans les Landes."
            .into(),
        sections: vec![
            section("situation", "Votre situation", situation),
            section("aide", "L'aide reçue", aide),
            section("propositions", "Vos propositions", propositions),
            section("profil", "Vous concernant", profil),
        ],
    }
}

fn question(
    id: &str,
    label: &str,
    required: bool,
    kind: QuestionKind,
    show_if: Option<Condition>,
) -> Question {
    Question {
        id: id.into(),
        label: label.into(),
        help: None,
        required,
        kind,
        show_if,
    }
}

fn option(value: &str, label: &str) -> ChoiceOption {
    ChoiceOption {
        value: value.into(),
        label: label.into(),
    }
}

fn condition(question: &str, any_of: &[&str]) -> Condition {
    Condition {
        question: question.into(),
        any_of: any_of.iter().map(|&v| v.to_owned()).collect(),
    }
}

fn section(id: &str, title: &str, questions: Vec<Question>) -> Section {
    Section {
        id: id.into(),
        title: title.into(),
        description: None,
        questions,
    }
}
