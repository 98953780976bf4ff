//! The submission parsers: typed drafts out of valid requests, every bad field named with
//! its French message (the API tests check the same messages over HTTP).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failure should stop the test loudly"
)]

use std::collections::HashSet;

use geo::InteriorPoint;
use proptest::prelude::*;
use solidarites_api_types::{
    ContactRequest, CreateProposalRequest, CreateVolunteerRequest, InitiativeContentRequest,
    LocationRequest, NewActorRequest,
};
use solidarites_domain::{
    demo::demo_communes,
    drafts::{
        parse_initiative, parse_initiative_submission, parse_proposal, parse_theme_color,
        parse_volunteer, ActorChoice, ActorKind, ParseContext, PROPOSAL_THEMES_MAX, TITLE_MAX,
    },
    CommuneIndex, InseeCode,
};

fn index() -> CommuneIndex {
    CommuneIndex::new(demo_communes())
}

fn themes() -> HashSet<String> {
    [
        "alimentation",
        "mobilite",
        "lien-social",
        "sante",
        "logement",
        "emploi",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

fn content(title: &str) -> InitiativeContentRequest {
    InitiativeContentRequest {
        title: Some(title.to_owned()),
        description: Some("  Une épicerie solidaire.\nOuverte à tous.  ".to_owned()),
        themes: vec![
            "alimentation".to_owned(),
            " sante ".to_owned(),
            "alimentation".to_owned(),
        ],
        location: Some(LocationRequest {
            lon: None,
            lat: None,
            commune_code: Some("00001".to_owned()),
        }),
        contact: ContactRequest {
            email: Some(" contact@asso.fr ".to_owned()),
            phone: Some("05 58 00 00 00".to_owned()),
            url: None,
        },
        start_date: Some("2026-01-10".to_owned()),
        end_date: Some("2026-02-10".to_owned()),
        ..InitiativeContentRequest::default()
    }
}

#[test]
fn a_valid_initiative_gives_typed_values() {
    let (index, themes) = (index(), themes());
    let ctx = ParseContext {
        communes: &index,
        allowed_themes: &themes,
    };
    let draft = parse_initiative(&content("  Épicerie  "), &ctx).unwrap();
    assert_eq!(draft.title, "Épicerie");
    assert_eq!(
        draft.description,
        "Une épicerie solidaire.\nOuverte à tous."
    );
    assert_eq!(draft.themes, ["alimentation", "sante"]);
    assert_eq!(
        draft.placement.commune_code,
        InseeCode::parse("00001").unwrap()
    );
    assert!(!draft.placement.has_point);
    assert_eq!(draft.contact_email.unwrap().as_str(), "contact@asso.fr");
    assert!(draft.contact_url.is_none());
}

#[test]
fn a_point_is_placed_in_its_commune() {
    let (index, themes) = (index(), themes());
    let ctx = ParseContext {
        communes: &index,
        allowed_themes: &themes,
    };
    let commune = index.communes()[3].clone();
    let p = commune.geometry.interior_point().unwrap();
    let mut req = content("Jardin partagé");
    req.location = Some(LocationRequest {
        lon: Some(p.x()),
        lat: Some(p.y()),
        commune_code: None,
    });
    let draft = parse_initiative(&req, &ctx).unwrap();
    assert!(draft.placement.has_point);
    assert_eq!(draft.placement.commune_code, commune.code);
}

#[test]
fn every_bad_field_is_named_in_french() {
    let (index, themes) = (index(), themes());
    let ctx = ParseContext {
        communes: &index,
        allowed_themes: &themes,
    };
    let req = InitiativeContentRequest {
        title: Some("ab".to_owned()),
        description: None,
        themes: vec!["inconnu".to_owned()],
        location: Some(LocationRequest {
            lon: Some(1.0),
            lat: None,
            commune_code: Some("00001".to_owned()),
        }),
        start_date: Some("2026-03-01".to_owned()),
        end_date: Some("2026-02-01".to_owned()),
        contact: ContactRequest {
            email: Some("pas-une-adresse".to_owned()),
            phone: Some("12345".to_owned()),
            url: Some("javascript:alert(1)".to_owned()),
        },
        ..InitiativeContentRequest::default()
    };
    let errors = parse_initiative(&req, &ctx).unwrap_err();
    let expected = [
        ("title", "Au moins 3 caractères."),
        ("description", "Ce champ est obligatoire."),
        ("themes", "Thème inconnu ou retiré : « inconnu »."),
        (
            "location",
            "Indiquez soit un point (longitude et latitude), soit une commune, pas les deux.",
        ),
        (
            "end_date",
            "La date de fin doit être postérieure ou égale à la date de début.",
        ),
        ("contact.email", "Adresse e-mail invalide."),
        (
            "contact.phone",
            "Numéro de téléphone (format français, ex. 05 58 00 00 00 ou +33 5 58 00 00 00) invalide.",
        ),
        ("contact.url", "Adresse web (http:// ou https://) invalide."),
    ];
    assert_eq!(errors.0.len(), expected.len(), "{errors}");
    for (key, message) in expected {
        assert_eq!(errors.get(key), Some(message), "{key}");
    }
}

#[test]
fn the_actor_is_an_existing_one_or_a_new_one_never_both() {
    let (index, themes) = (index(), themes());
    let ctx = ParseContext {
        communes: &index,
        allowed_themes: &themes,
    };
    let req = content("Épicerie");
    let new_actor = NewActorRequest {
        name: Some("Les Amis".to_owned()),
        kind: Some(" ccas ".to_owned()),
        commune_code: Some("00002".to_owned()),
        ..NewActorRequest::default()
    };
    let (_, choice) =
        parse_initiative_submission::<u32>(&req, None, Some(&new_actor), |_| None, &ctx).unwrap();
    let ActorChoice::New(actor) = choice else {
        panic!("a new actor")
    };
    assert_eq!(actor.kind, ActorKind::Ccas);
    assert_eq!(
        actor.commune_code.map(|c| c.to_string()).as_deref(),
        Some("00002")
    );

    let (_, choice) =
        parse_initiative_submission(&req, Some(" 7 "), None, |id| id.parse::<u32>().ok(), &ctx)
            .unwrap();
    assert_eq!(choice, ActorChoice::Existing(7));

    let both = parse_initiative_submission(&req, Some("7"), Some(&new_actor), |_| Some(7), &ctx)
        .unwrap_err();
    assert_eq!(
        both.get("actor_id"),
        Some("Choisissez un acteur existant ou décrivez-en un nouveau, pas les deux.")
    );
    let unknown =
        parse_initiative_submission::<u32>(&req, Some("7"), None, |_| None, &ctx).unwrap_err();
    assert_eq!(
        unknown.get("actor_id"),
        Some("Cet acteur n'existe pas ou n'est pas encore publié.")
    );
    let bad_kind = NewActorRequest {
        kind: Some("club".to_owned()),
        ..new_actor
    };
    let errors = parse_initiative_submission::<u32>(&req, None, Some(&bad_kind), |_| None, &ctx)
        .unwrap_err();
    assert_eq!(
        errors.get("new_actor.kind"),
        Some(
            "Le type d'acteur doit être l'un de : association, ccas, commune, collectif, \
             entreprise, particulier, autre."
        )
    );
}

#[test]
fn proposals_and_volunteers() {
    let (index, themes) = (index(), themes());
    let ctx = ParseContext {
        communes: &index,
        allowed_themes: &themes,
    };
    let mut req = CreateProposalRequest {
        title: Some("Un minibus pour le marché".to_owned()),
        description: Some("Le samedi matin.".to_owned()),
        themes: vec!["mobilite".to_owned()],
        commune_code: Some(" ".to_owned()),
        pseudonym: Some("A".to_owned()),
        notify_email: None,
        notify_consent: false,
    };
    assert_eq!(
        parse_proposal(&req, &ctx).unwrap_err().get("pseudonym"),
        Some("Au moins 2 caractères, ou rien pour rester anonyme.")
    );
    req.pseudonym = None;
    let draft = parse_proposal(&req, &ctx).unwrap();
    assert_eq!(draft.commune_code, None);
    req.themes = themes.iter().cloned().collect();
    assert_eq!(
        parse_proposal(&req, &ctx).unwrap_err().get("themes"),
        Some(format!("{PROPOSAL_THEMES_MAX} thèmes au plus.").as_str())
    );

    let mut sign_up = CreateVolunteerRequest {
        name: " Marie ".to_owned(),
        email: Some("marie@example.org".to_owned()),
        phone: None,
        commune: "00003".to_owned(),
        availability: "Le mardi".to_owned(),
        themes: vec!["sante".to_owned()],
        consent: true,
        consent_text: "J'accepte.".to_owned(),
    };
    let volunteer = parse_volunteer(&sign_up, &ctx).unwrap();
    assert_eq!(volunteer.name, "Marie");
    assert_eq!(volunteer.commune_code.as_str(), "00003");
    sign_up.consent = false;
    sign_up.email = None;
    sign_up.commune = "99999".to_owned();
    let errors = parse_volunteer(&sign_up, &ctx).unwrap_err();
    assert_eq!(
        errors.get("consent"),
        Some("Votre accord est nécessaire pour que nous conservions vos coordonnées.")
    );
    assert_eq!(
        errors.get("email"),
        Some("Indiquez une adresse électronique ou un numéro de téléphone.")
    );
    assert_eq!(
        errors.get("commune"),
        Some("Choisissez une commune du territoire.")
    );
}

#[test]
fn theme_colours_must_stay_readable_under_white_text() {
    assert_eq!(parse_theme_color(Some(" #1a5c2e ")).unwrap(), "#1A5C2E");
    assert_eq!(
        parse_theme_color(Some("#FFFF00")).unwrap_err().get("color"),
        Some("Couleur trop claire : le texte blanc doit rester lisible (contraste 4,5:1).")
    );
    assert_eq!(
        parse_theme_color(None).unwrap_err().get("color"),
        Some("Couleur attendue au format #RRGGBB.")
    );
}

#[test]
fn drafts_read_back_from_their_json() {
    let (index, themes) = (index(), themes());
    let ctx = ParseContext {
        communes: &index,
        allowed_themes: &themes,
    };
    let draft = parse_initiative(&content("Épicerie"), &ctx).unwrap();
    let json = serde_json::to_value(&draft).unwrap();
    assert_eq!(json["contact_email"], "contact@asso.fr");
    assert_eq!(json["placement"]["commune_code"], "00001");
    assert_eq!(
        serde_json::from_value::<solidarites_domain::drafts::InitiativeDraft>(json).unwrap(),
        draft
    );
}

proptest! {
    /// Whatever the title, the parser either keeps it trimmed and within the limits, or
    /// names the field: never both, never a silent change.
    #[test]
    fn titles_are_kept_trimmed_within_limits_or_refused(title in "\\PC{0,130}|[ \\t]{0,3}[a-zé]{0,125}[ \\n]{0,3}") {
        let (index, themes) = (index(), themes());
        let ctx = ParseContext { communes: &index, allowed_themes: &themes };
        match parse_initiative(&content(&title), &ctx) {
            Ok(draft) => {
                prop_assert_eq!(draft.title.as_str(), title.trim());
                let len = draft.title.chars().count();
                prop_assert!((3..=TITLE_MAX).contains(&len));
                prop_assert!(!draft.title.chars().any(char::is_control));
            }
            Err(errors) => {
                prop_assert!(errors.get("title").is_some());
                prop_assert_eq!(errors.0.len(), 1);
            }
        }
    }

    /// Any commune code the territory has is accepted (in any case), any other refused.
    #[test]
    fn proposal_communes_are_those_of_the_territory(code in "[0-9]{5}|2[aAbB][0-9]{3}|[a-z0-9 ]{0,6}") {
        let (index, themes) = (index(), themes());
        let ctx = ParseContext { communes: &index, allowed_themes: &themes };
        let req = CreateProposalRequest {
            title: Some("Un minibus".to_owned()),
            description: Some("Le samedi.".to_owned()),
            themes: vec!["mobilite".to_owned()],
            commune_code: Some(code.clone()),
            pseudonym: None,
            notify_email: None,
            notify_consent: false,
        };
        let known = InseeCode::parse(code.trim()).ok().filter(|c| index.get(c).is_some());
        match (parse_proposal(&req, &ctx), known) {
            (Ok(draft), Some(known)) => prop_assert_eq!(draft.commune_code, Some(known)),
            (Ok(draft), None) => prop_assert!(code.trim().is_empty() && draft.commune_code.is_none()),
            (Err(errors), _) => prop_assert!(errors.get("commune_code").is_some()),
        }
    }
}

#[test]
fn welcoming_volunteers_is_kept_and_defaults_to_no() {
    let (index, themes) = (index(), themes());
    let ctx = ParseContext {
        communes: &index,
        allowed_themes: &themes,
    };
    let mut req = content("Épicerie");
    assert!(!parse_initiative(&req, &ctx).unwrap().welcomes_volunteers);
    req.welcomes_volunteers = Some(true);
    assert!(parse_initiative(&req, &ctx).unwrap().welcomes_volunteers);
    let new_actor = NewActorRequest {
        name: Some("Les Amis".to_owned()),
        kind: Some("association".to_owned()),
        welcomes_volunteers: Some(true),
        ..NewActorRequest::default()
    };
    let (_, choice) =
        parse_initiative_submission::<u32>(&req, None, Some(&new_actor), |_| None, &ctx).unwrap();
    let ActorChoice::New(actor) = choice else {
        panic!("a new actor")
    };
    assert!(actor.welcomes_volunteers);
}
