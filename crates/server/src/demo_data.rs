//! Sample content for the demonstration (`solidarites demo`): actors, published
//! initiatives, an open needs campaign with a few hundred anonymous answers, and proposals
//! at every stage of their follow-up — all invented, over the fictional territory.
//!
//! Everything goes through the same parsing and storage functions as real submissions
//! (initiatives and proposals are parsed, stored pending, then approved through the
//! moderation decisions; answers are validated against the stored questionnaire), so the
//! demo shows what the platform really stores. The same code gives the same content on
//! every machine (a fixed-seed generator); only ids and dates relative to today differ.
//!
//! [`seed`] writes only into a database without any actor, initiative, proposal or
//! campaign, so running the demo again never duplicates anything.

use std::collections::BTreeMap;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use geo::InteriorPoint;
use sea_orm::DatabaseConnection;
use serde_json::{json, Value};
use solidarites_api_types::{
    ContactRequest, CreateProposalRequest, EventContentRequest, EventOccurrenceRequest,
    InitiativeContentRequest, LocationRequest, NewActorRequest, RegistrationRequest,
};
use solidarites_domain::{
    drafts, Commune, CommuneIndex, FieldErrors, LonLat, QuestionKind, QuestionnaireDefinition,
};
use uuid::Uuid;

use crate::{
    edit_token,
    storage::{
        self, audit,
        labels::GrantTarget,
        moderation::Decision,
        proposals::status,
        questionnaires::{campaign_status, NewCampaign, NewResponse},
    },
    submission::{ActorChoice, ParseContext},
};

/// Number of anonymous answers of the demo campaign.
pub const DEMO_ANSWERS: usize = 420;

/// What [`seed`] stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub actors: usize,
    pub initiatives: usize,
    pub answers: usize,
    pub proposals: usize,
    /// Published events of the agenda.
    pub events: usize,
    /// Territorial indicators (each with a value per commune).
    pub indicators: usize,
}

/// A deterministic generator (SplitMix64): the same demo everywhere.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        // 53 random bits: exact in an f64.
        #[allow(clippy::cast_precision_loss)]
        let x = (self.next() >> 11) as f64;
        x / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        // `n` is small: the modulo bias is negligible for demo data.
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// An actor of the demo: name, kind, commune (by name), description, theme of its actions,
/// whether it signed the charter.
struct DemoActor {
    name: &'static str,
    kind: &'static str,
    commune: &'static str,
    description: &'static str,
    themes: &'static [&'static str],
    charter: bool,
    label: bool,
}

const ACTORS: &[DemoActor] = &[
    DemoActor {
        name: "Épicerie solidaire du Port",
        kind: "association",
        commune: "Port-Fictif",
        description: "Épicerie à petits prix ouverte aux familles orientées par les travailleurs sociaux.",
        themes: &["aide-alimentaire", "isolement"],
        charter: true,
        label: true,
    },
    DemoActor {
        name: "CCAS de Port-Fictif",
        kind: "ccas",
        commune: "Port-Fictif",
        description: "Centre communal d'action sociale : aides facultatives, domiciliation, accompagnement.",
        themes: &["acces-aux-droits", "logement", "seniors"],
        charter: true,
        label: false,
    },
    DemoActor {
        name: "Les Voisins de Lande-Imaginaire",
        kind: "collectif",
        commune: "Lande-Imaginaire",
        description: "Collectif d'habitants qui rend visite aux personnes seules et organise des repas partagés.",
        themes: &["isolement", "seniors"],
        charter: false,
        label: false,
    },
    DemoActor {
        name: "Commune de Saint-Exemple",
        kind: "commune",
        commune: "Saint-Exemple",
        description: "La mairie accueille des permanences et prête ses salles aux associations.",
        themes: &["acces-aux-droits", "culture-sport"],
        charter: true,
        label: false,
    },
    DemoActor {
        name: "Secours alimentaire du Val",
        kind: "association",
        commune: "Val-Fictif",
        description: "Distribution de colis alimentaires et jardin solidaire.",
        themes: &["aide-alimentaire"],
        charter: true,
        label: true,
    },
    DemoActor {
        name: "Mobilité solidaire de Bois-Songé",
        kind: "association",
        commune: "Bois-Songé",
        description: "Chauffeurs bénévoles pour les rendez-vous médicaux et les courses des personnes sans voiture.",
        themes: &["mobilite", "sante"],
        charter: false,
        label: false,
    },
    DemoActor {
        name: "Maison des aidants du Mont",
        kind: "association",
        commune: "Mont-Inventé",
        description: "Écoute, répit et groupes de parole pour les proches aidants.",
        themes: &["seniors", "sante", "handicap"],
        charter: false,
        label: true,
    },
    DemoActor {
        name: "CCAS de Sables-Fictifs",
        kind: "ccas",
        commune: "Sables-Fictifs",
        description: "Aides d'urgence, accompagnement budgétaire et logement temporaire.",
        themes: &["logement", "emploi", "acces-aux-droits"],
        charter: false,
        label: false,
    },
    DemoActor {
        name: "Club numérique des Marais",
        kind: "association",
        commune: "Marais-Imaginaire",
        description: "Ateliers pour apprendre à se servir d'un ordinateur et faire ses démarches en ligne.",
        themes: &["numerique", "acces-aux-droits"],
        charter: false,
        label: false,
    },
    DemoActor {
        name: "Toit partagé de Pont-Chimère",
        kind: "association",
        commune: "Pont-Chimère",
        description: "Cohabitation entre aînés et jeunes, et hébergement temporaire.",
        themes: &["logement", "isolement", "education"],
        charter: false,
        label: false,
    },
];

/// Initiative titles, descriptions, schedules by theme.
fn initiative_template(theme: &str, n: usize) -> (String, &'static str, &'static str) {
    let (titles, description, schedule): (&[&str], &str, &str) = match theme {
        "aide-alimentaire" => (
            &["Distribution de colis", "Épicerie à petits prix", "Jardin solidaire", "Repas partagé du jeudi"],
            "Produits frais et d'épicerie pour les foyers aux revenus modestes, sans condition de domicile.",
            "Mardi et vendredi, 14 h – 17 h",
        ),
        "isolement" => (
            &["Visites de convivialité", "Café-rencontre", "Appels aux personnes seules", "Après-midi jeux"],
            "Des bénévoles passent du temps avec les personnes seules, chez elles ou autour d'un café.",
            "Chaque semaine, sur rendez-vous",
        ),
        "sante" => (
            &["Transport vers les rendez-vous médicaux", "Permanence d'écoute", "Bus de prévention santé"],
            "Accompagnement vers les soins et écoute, en lien avec les professionnels de santé.",
            "Lundi au vendredi",
        ),
        "emploi" => (
            &["Atelier CV et entretien", "Garage solidaire", "Permanence emploi"],
            "Aide à la recherche d'emploi et aux démarches, avec des bénévoles et des professionnels.",
            "Mercredi, 9 h – 12 h",
        ),
        "logement" => (
            &["Hébergement temporaire", "Cohabitation intergénérationnelle", "Aide aux petits travaux"],
            "Solutions de logement d'urgence ou partagé, et coups de main pour rester chez soi.",
            "Sur rendez-vous",
        ),
        "numerique" => (
            &["Atelier numérique", "Aide aux démarches en ligne", "Prêt d'ordinateurs"],
            "Apprendre à utiliser un ordinateur ou un téléphone, et faire ses démarches en ligne avec de l'aide.",
            "Jeudi, 14 h – 16 h",
        ),
        "mobilite" => (
            &["Covoiturage solidaire", "Navette du marché", "Location de vélos à petit prix"],
            "Des trajets pour celles et ceux qui n'ont pas de voiture : courses, marché, rendez-vous.",
            "Mardi matin",
        ),
        "education" => (
            &["Soutien scolaire", "Café des parents", "Ludothèque"],
            "Accompagnement des enfants et des parents, dans un lieu convivial.",
            "Mercredi après-midi",
        ),
        "acces-aux-droits" => (
            &["Permanence d'accès aux droits", "Écrivain public", "Point conseil budget"],
            "Aide pour comprendre ses droits, remplir les dossiers et suivre ses démarches.",
            "Un samedi sur deux",
        ),
        "seniors" => (
            &["Répit des aidants", "Atelier mémoire", "Portage de livres à domicile"],
            "Des temps pour les aînés et leurs proches aidants, à domicile ou en salle.",
            "Vendredi après-midi",
        ),
        "handicap" => (
            &["Accompagnement aux loisirs adaptés", "Groupe de parole des familles"],
            "Activités et soutien pour les personnes en situation de handicap et leurs familles.",
            "Un samedi par mois",
        ),
        _ => (
            &["Fête de quartier", "Club de marche", "Chorale ouverte"],
            "Des activités ouvertes à tous pour se retrouver.",
            "Le week-end",
        ),
    };
    (titles[n % titles.len()].to_owned(), description, schedule)
}

struct DemoProposal {
    title: &'static str,
    description: &'static str,
    themes: &'static [&'static str],
    commune: Option<&'static str>,
    pseudonym: Option<&'static str>,
    /// Follow-up steps after publication: status and public answer.
    steps: &'static [(&'static str, &'static str)],
    supports: usize,
    priority: Option<i32>,
    note: Option<&'static str>,
    weeks_ago: i64,
}

const PROPOSALS: &[DemoProposal] = &[
    DemoProposal {
        title: "Une navette solidaire vers le marché de Port-Fictif",
        description: "Beaucoup de personnes âgées des villages n'ont plus de voiture. Une navette le mardi matin permettrait d'aller au marché et chez le médecin.",
        themes: &["mobilite", "seniors"],
        commune: Some("Bois-Songé"),
        pseudonym: Some("Josette, 78 ans"),
        steps: &[
            ("under_study", "Le service mobilité étudie un trajet avec trois arrêts et le coût d'un minibus."),
            ("accepted", "Le comité de pilotage a retenu la proposition le 12 du mois dernier."),
            ("in_progress", "Un minibus est prêté par la commune ; les premiers trajets partent le mois prochain avec des chauffeurs bénévoles."),
        ],
        supports: 48,
        priority: Some(1),
        note: Some("Financement : reliquat du fonds mobilité rurale. Contact : service transports, poste 412."),
        weeks_ago: 10,
    },
    DemoProposal {
        title: "Une épicerie solidaire itinérante",
        description: "Un camion qui passe dans les villages éloignés une fois par semaine, avec des produits à petits prix pour les familles qui ont du mal à finir le mois.",
        themes: &["aide-alimentaire"],
        commune: None,
        pseudonym: Some("Karim"),
        steps: &[
            ("under_study", "Nous étudions ce projet avec l'Épicerie solidaire du Port et le Secours alimentaire du Val."),
            ("accepted", "Retenue : un appel à projets sera lancé pour le véhicule."),
        ],
        supports: 61,
        priority: Some(2),
        note: None,
        weeks_ago: 9,
    },
    DemoProposal {
        title: "Des ateliers numériques pour les aînés",
        description: "Apprendre à faire une visio avec ses petits-enfants et ses démarches en ligne, en petits groupes, à la médiathèque.",
        themes: &["numerique", "seniors"],
        commune: Some("Marais-Imaginaire"),
        pseudonym: None,
        steps: &[("under_study", "Le Club numérique des Marais propose d'animer deux ateliers par mois : nous regardons les salles disponibles.")],
        supports: 23,
        priority: Some(3),
        note: None,
        weeks_ago: 7,
    },
    DemoProposal {
        title: "Un réseau de voisins pour appeler les personnes isolées",
        description: "Pendant les canicules et l'hiver, des voisins volontaires appellent chaque semaine les personnes seules inscrites à la mairie.",
        themes: &["isolement", "seniors"],
        commune: Some("Lande-Imaginaire"),
        pseudonym: Some("Les Voisins de Lande"),
        steps: &[
            ("accepted", "Bonne idée, déjà en partie portée par le collectif des Voisins : la mairie fournit la liste des personnes inscrites."),
            ("in_progress", "Vingt-deux voisins se sont portés volontaires."),
            ("done", "Le réseau fonctionne depuis l'été : 64 personnes sont appelées chaque semaine."),
        ],
        supports: 35,
        priority: None,
        note: None,
        weeks_ago: 12,
    },
    DemoProposal {
        title: "Une permanence d'accès aux droits à la mairie",
        description: "Une fois par mois, quelqu'un pour aider à remplir les dossiers (retraite, CAF, MDPH) sans aller jusqu'en ville.",
        themes: &["acces-aux-droits"],
        commune: Some("Saint-Exemple"),
        pseudonym: None,
        steps: &[("under_study", "Nous cherchons avec la commune un créneau pour une permanence de l'écrivain public.")],
        supports: 17,
        priority: Some(5),
        note: Some("À coupler avec la permanence France services itinérante ?"),
        weeks_ago: 6,
    },
    DemoProposal {
        title: "Des logements temporaires pour les jeunes qui commencent à travailler",
        description: "Les apprentis et les saisonniers ne trouvent rien à louer pour quelques mois. Des chambres chez l'habitant ou un foyer aideraient.",
        themes: &["logement", "emploi"],
        commune: Some("Port-Fictif"),
        pseudonym: Some("Léa, apprentie"),
        steps: &[],
        supports: 29,
        priority: None,
        note: None,
        weeks_ago: 4,
    },
    DemoProposal {
        title: "Un jardin partagé au cœur du bourg",
        description: "Transformer le terrain vague derrière l'église en jardin partagé pour cultiver et se rencontrer.",
        themes: &["isolement", "aide-alimentaire"],
        commune: Some("Bourg-Supposé"),
        pseudonym: None,
        steps: &[
            ("under_study", "Nous vérifions à qui appartient le terrain."),
            ("declined", "Le terrain est inconstructible et inondable : il ne peut pas accueillir de jardin. Le jardin solidaire du Val accueille volontiers de nouveaux jardiniers."),
        ],
        supports: 8,
        priority: None,
        note: None,
        weeks_ago: 11,
    },
    DemoProposal {
        title: "Un groupe de parole pour les proches aidants",
        description: "S'occuper d'un parent malade épuise. Se retrouver entre aidants, avec une psychologue, une fois par mois.",
        themes: &["seniors", "sante"],
        commune: Some("Mont-Inventé"),
        pseudonym: Some("Un aidant"),
        steps: &[("accepted", "La Maison des aidants du Mont animera un groupe mensuel à partir de la rentrée.")],
        supports: 14,
        priority: Some(4),
        note: None,
        weeks_ago: 8,
    },
    DemoProposal {
        title: "Du covoiturage pour les rendez-vous médicaux",
        description: "Mettre en relation les personnes qui vont en ville pour un rendez-vous et celles qui ont une place dans leur voiture.",
        themes: &["mobilite", "sante"],
        commune: Some("Val-Fictif"),
        pseudonym: None,
        steps: &[],
        supports: 19,
        priority: None,
        note: None,
        weeks_ago: 3,
    },
    DemoProposal {
        title: "Du soutien scolaire bénévole",
        description: "Des retraités et des étudiants pour aider les collégiens à faire leurs devoirs, deux soirs par semaine.",
        themes: &["education"],
        commune: None,
        pseudonym: Some("Mme Dupuy, enseignante retraitée"),
        steps: &[],
        supports: 11,
        priority: None,
        note: None,
        weeks_ago: 2,
    },
    DemoProposal {
        title: "Une épicerie sociale qui passe dans les villages",
        description: "Il faudrait une épicerie sociale mobile pour les villages sans commerce.",
        themes: &["aide-alimentaire"],
        commune: Some("Pont-Chimère"),
        pseudonym: None,
        steps: &[],
        supports: 9,
        priority: None,
        note: None,
        weeks_ago: 5,
    },
];

/// Merged into the second proposal ("Une épicerie solidaire itinérante").
const DUPLICATE_OF: (usize, usize) = (10, 1);

/// Waiting for moderation, so that the moderation queue is not empty.
const PENDING_PROPOSAL: (&str, &str, &[&str], &str) = (
    "Un café des parents",
    "Un lieu où les parents de jeunes enfants peuvent se retrouver et échanger, avec une puéricultrice de temps en temps.",
    &["education", "isolement"],
    "Pont-Chimère",
);

fn commune_by_name<'a>(communes: &'a [Commune], name: &str) -> anyhow::Result<&'a Commune> {
    communes
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| anyhow!("the demo territory has no commune named {name}"))
}

/// A point inside `commune` (WGS 84), a little off its interior point.
fn point_in(index: &CommuneIndex, commune: &Commune, rng: &mut Rng) -> (f64, f64) {
    let center = commune
        .geometry
        .interior_point()
        .map_or((0.0, 0.0), |p| (p.x(), p.y()));
    for _ in 0..30 {
        let lon = center.0 + (rng.unit() - 0.5) * 0.03;
        let lat = center.1 + (rng.unit() - 0.5) * 0.02;
        let inside = LonLat::new(lon, lat)
            .ok()
            .and_then(|p| index.locate(p))
            .is_some_and(|c| c.code == commune.code);
        if inside {
            return ((lon * 1e5).round() / 1e5, (lat * 1e5).round() / 1e5);
        }
    }
    center
}

fn fields_error(what: &str, errors: &FieldErrors) -> anyhow::Error {
    anyhow!("demo {what} refused: {errors:?}")
}

/// Stores the demo content unless the database already has actors, initiatives,
/// proposals or campaigns. Returns what it stored, or `None` when it did nothing.
pub async fn seed(db: &DatabaseConnection) -> anyhow::Result<Option<DemoSummary>> {
    if storage::has_content(db).await? {
        return Ok(None);
    }
    storage::themes::seed_defaults(db).await?;
    storage::questionnaires::seed_default(db).await?;
    let communes = storage::communes::load_all(db).await?;
    if communes.is_empty() {
        anyhow::bail!("load the demo territory before the demo data");
    }
    let index = CommuneIndex::new(communes.clone());
    let mut rng = Rng(0x5011_DA21_7E5D_0002);
    let mut summary = DemoSummary::default();

    let actor_ids = seed_carte(db, &communes, &index, &mut rng, &mut summary).await?;
    seed_labels(db, &actor_ids).await?;
    summary.events = seed_events(db, &communes, &index, &actor_ids).await?;
    summary.answers = seed_answers(db, &communes, &mut rng).await?;
    summary.proposals = seed_proposals(db, &index).await?;
    summary.indicators = seed_indicators(db, &communes).await?;

    audit::record(
        db,
        None,
        "cli.demo.seed",
        "demo",
        "demo",
        None,
        Some(json!({
            "actors": summary.actors,
            "initiatives": summary.initiatives,
            "answers": summary.answers,
            "proposals": summary.proposals,
            "events": summary.events,
            "indicators": summary.indicators,
        })),
    )
    .await?;
    Ok(Some(summary))
}

/// The `n`-th initiative of actor `a`, in `commune` at `point` (WGS 84 lon/lat).
fn initiative_request(
    actor: &DemoActor,
    (a, n): (usize, usize),
    commune: &Commune,
    (lon, lat): (f64, f64),
    rng: &mut Rng,
    today: NaiveDate,
) -> InitiativeContentRequest {
    let theme = actor.themes[n % actor.themes.len()];
    let (title, description, schedule) = initiative_template(theme, a + n);
    let ongoing = n != 2;
    InitiativeContentRequest {
        title: Some(format!("{title} — {}", commune.name)),
        description: Some(format!("{description} Proposé par {}.", actor.name)),
        themes: vec![theme.to_owned()],
        location: Some(LocationRequest {
            lon: Some(lon),
            lat: Some(lat),
            commune_code: None,
        }),
        address: Some(format!(
            "{} rue de la Mairie, {}",
            1 + rng.below(40),
            commune.name
        )),
        start_date: Some(
            (today - Duration::days(30 + 10 * i64::try_from(n).unwrap_or(0))).to_string(),
        ),
        end_date: (!ongoing).then(|| (today + Duration::days(120)).to_string()),
        schedule: Some(schedule.to_owned()),
        audience: Some(
            if theme == "seniors" {
                "Personnes âgées et aidants"
            } else {
                "Tout public"
            }
            .to_owned(),
        ),
        contact: ContactRequest {
            email: Some(format!("contact{}@demo.example.org", a + 1)),
            phone: Some(format!("05 36 49 00 {:02}", a * 4 + n)),
            url: None,
        },
        // Some demo initiatives and actors welcome volunteers, for the matching.
        welcomes_volunteers: Some(n.is_multiple_of(2)),
    }
}

/// Actor `a` as submitted with its first initiative.
fn new_actor_request(actor: &DemoActor, a: usize, home: &Commune) -> NewActorRequest {
    NewActorRequest {
        name: Some(actor.name.to_owned()),
        kind: Some(actor.kind.to_owned()),
        description: Some(actor.description.to_owned()),
        website: Some(format!("https://acteur{}.demo.example.org", a + 1)),
        contact_email: Some(format!("contact{}@demo.example.org", a + 1)),
        contact_phone: Some(format!("05 36 49 01 {:02}", a)),
        commune_code: Some(home.code.as_str().to_owned()),
        welcomes_volunteers: Some(a.is_multiple_of(2)),
    }
}

/// Actors and their published initiatives; returns the actors' ids in [`ACTORS`] order.
async fn seed_carte(
    db: &DatabaseConnection,
    communes: &[Commune],
    index: &CommuneIndex,
    rng: &mut Rng,
    summary: &mut DemoSummary,
) -> anyhow::Result<Vec<Uuid>> {
    let allowed = storage::themes::active_slugs(db).await?;
    let ctx = ParseContext {
        communes: index,
        allowed_themes: &allowed,
    };
    let today = solidarites_domain::time::today_in_paris(Utc::now());
    let mut actor_ids = Vec::with_capacity(ACTORS.len());
    // 40 initiatives: four per actor.
    for (a, actor) in ACTORS.iter().enumerate() {
        let home = commune_by_name(communes, actor.commune)?;
        let mut actor_id: Option<Uuid> = None;
        for n in 0..4 {
            // Most actions happen in the actor's commune, some in another one nearby.
            let commune = if n == 3 && rng.chance(0.7) {
                rng.pick(communes)
            } else {
                home
            };
            let point = point_in(index, commune, rng);
            let request = initiative_request(actor, (a, n), commune, point, rng, today);
            let draft = drafts::parse_initiative(&request, &ctx)
                .map_err(|e| fields_error("initiative", &e))?;
            let choice = match actor_id {
                Some(id) => ActorChoice::Existing(id),
                None => {
                    let new_actor = new_actor_request(actor, a, home);
                    drafts::parse_initiative_submission(
                        &request,
                        None,
                        Some(&new_actor),
                        |_| None,
                        &ctx,
                    )
                    .map_err(|e| fields_error("actor", &e))?
                    .1
                }
            };
            let id = publish_initiative(db, &draft, &choice).await?;
            summary.initiatives += 1;
            if actor_id.is_none() {
                actor_id = Some(actor_of(db, id, today).await?);
                summary.actors += 1;
            }
        }
        let id = actor_id.context("demo actor without initiative")?;
        if actor.charter {
            let signed = Utc::now() - Duration::days(60 + 15 * i64::try_from(a).unwrap_or(0));
            storage::actors::set_charter_signed(db, id.into(), Some(signed)).await?;
        }
        actor_ids.push(id);
    }
    Ok(actor_ids)
}

/// Stores an initiative and approves it at once.
async fn publish_initiative(
    db: &DatabaseConnection,
    draft: &drafts::InitiativeDraft,
    choice: &ActorChoice,
) -> anyhow::Result<Uuid> {
    let token_hash = edit_token::hash(&edit_token::generate());
    let id = storage::initiatives::create(db, draft, choice, &token_hash).await?;
    storage::moderation::decide(db, id, &Decision::Approve)
        .await
        .map_err(|e| anyhow!("demo initiative not published: {e}"))?;
    Ok(id)
}

/// The actor of a published initiative.
async fn actor_of(
    db: &DatabaseConnection,
    initiative: Uuid,
    today: NaiveDate,
) -> anyhow::Result<Uuid> {
    let day = storage::freshness::PublicDay::new(
        today,
        solidarites_domain::freshness::FreshnessPolicy::default(),
    );
    let row = storage::initiatives::get_public(db, initiative.into(), &day)
        .await?
        .context("demo initiative not visible")?;
    Ok(row.actor_id)
}

/// A demo event: title, description, theme, actor index, commune name (`None`: online),
/// dates, the organisers' status, registration (kind, value).
type DemoEvent = (
    &'static str,
    &'static str,
    &'static str,
    usize,
    Option<&'static str>,
    Vec<EventOccurrenceRequest>,
    &'static str,
    (&'static str, Option<&'static str>),
);

/// A few events of the agenda in the weeks after `today`: a weekly one, one over several
/// days, an online one, a cancelled one.
fn demo_events(today: NaiveDate) -> Vec<DemoEvent> {
    let at = |days: i64, time: &str| format!("{}T{time}", today + Duration::days(days));
    let date = |days: i64, start: &str, end: &str| EventOccurrenceRequest {
        start: Some(at(days, start)),
        end: Some(at(days, end)),
    };
    vec![
        (
            "Café des aidants",
            "Un moment d'échange entre proches aidants, autour d'un café, avec une psychologue.",
            "isolement",
            0,
            Some("Port-Fictif"),
            (0..4).map(|w| date(3 + 7 * w, "14:00", "16:00")).collect(),
            "scheduled",
            ("free", None),
        ),
        (
            "Forum des associations et du bénévolat",
            "Deux jours pour rencontrer les associations du territoire, trouver une mission de \
             bénévolat, s'inscrire aux activités de l'année.",
            "culture-sport",
            1,
            Some("Val-Fictif"),
            vec![EventOccurrenceRequest {
                start: Some(at(12, "10:00")),
                end: Some(at(13, "18:00")),
            }],
            "scheduled",
            ("link", Some("https://forum.demo.example.org")),
        ),
        (
            "Permanence numérique en ligne",
            "Aide aux démarches en ligne (impôts, CAF, santé) par visioconférence.",
            "acces-aux-droits",
            2,
            None,
            vec![date(5, "09:30", "11:30"), date(19, "09:30", "11:30")],
            "full",
            ("phone", Some("05 36 49 02 00")),
        ),
        (
            "Repas partagé de quartier",
            "Chacun apporte un plat ; repas reporté pour cause de travaux dans la salle.",
            "aide-alimentaire",
            0,
            Some("Port-Fictif"),
            vec![date(8, "12:00", "14:30")],
            "cancelled",
            ("email", Some("repas@demo.example.org")),
        ),
    ]
}

/// The request of a demo event, in `commune` or online.
fn event_request(event: DemoEvent, commune: Option<&Commune>) -> EventContentRequest {
    let (title, description, theme, _, _, occurrences, status, registration) = event;
    let online = commune.is_none();
    EventContentRequest {
        title: Some(title.to_owned()),
        description: Some(description.to_owned()),
        themes: vec![theme.to_owned()],
        occurrences,
        attendance_mode: Some(if online { "online" } else { "in_person" }.to_owned()),
        location: commune.map(|c| LocationRequest {
            commune_code: Some(c.code.as_str().to_owned()),
            ..LocationRequest::default()
        }),
        address: commune.map(|_| "Salle des fêtes".to_owned()),
        online_url: online.then(|| "https://visio.demo.example.org".to_owned()),
        audience: Some("Tout public".to_owned()),
        age_min: None,
        age_max: None,
        accessibility: vec!["motor".to_owned(), "hearing".to_owned()],
        registration: Some(RegistrationRequest {
            kind: Some(registration.0.to_owned()),
            value: registration.1.map(str::to_owned),
        }),
        event_status: Some(status.to_owned()),
    }
}

/// A few events of the agenda, by some of the demo actors, in the weeks to come
/// ([`demo_events`]).
async fn seed_events(
    db: &DatabaseConnection,
    communes: &[Commune],
    index: &CommuneIndex,
    actor_ids: &[Uuid],
) -> anyhow::Result<usize> {
    let allowed = storage::themes::active_slugs(db).await?;
    let ctx = ParseContext {
        communes: index,
        allowed_themes: &allowed,
    };
    let today = solidarites_domain::time::today_in_paris(Utc::now());
    let mut stored = 0;
    for event in demo_events(today) {
        let (actor, commune) = (event.3, event.4);
        let commune = match commune {
            Some(name) => Some(commune_by_name(communes, name)?),
            None => None,
        };
        let request = event_request(event, commune);
        let draft = drafts::parse_event(&request, &ctx).map_err(|e| fields_error("event", &e))?;
        let token_hash = edit_token::hash(&edit_token::generate());
        let id = crate::services::events::submit(
            db,
            &draft,
            actor_ids.get(actor).copied(),
            &token_hash,
            None,
        )
        .await?;
        storage::moderation::decide(db, id, &Decision::Approve)
            .await
            .map_err(|e| anyhow!("demo event not published: {e}"))?;
        stored += 1;
    }
    Ok(stored)
}

async fn seed_labels(db: &DatabaseConnection, actor_ids: &[Uuid]) -> anyhow::Result<()> {
    let label = storage::labels::create(
        db,
        "accueil-inconditionnel",
        "Accueil inconditionnel",
        "Accueille toute personne sans condition de ressources ni de domicile, gratuitement, et oriente vers les bons interlocuteurs.",
    )
    .await?;
    let expires = solidarites_domain::time::today_in_paris(Utc::now()) + Duration::days(365);
    for (actor, id) in ACTORS.iter().zip(actor_ids) {
        if actor.label {
            storage::labels::grant(db, label.id, GrantTarget::Actor(*id), expires).await?;
        }
    }
    Ok(())
}

/// The demo's territorial indicators: code, label, unit, source (all invented).
const DEMO_INDICATORS: [(&str, &str, &str, &str); 2] = [
    (
        "taux_pauvrete",
        "Taux de pauvreté",
        "%",
        "Insee, Filosofi (valeurs fictives)",
    ),
    (
        "part_75_seuls",
        "Part des 75 ans et plus vivant seuls",
        "%",
        "Insee, recensement (valeurs fictives)",
    ),
];

/// Year of the demo indicators.
const DEMO_INDICATOR_YEAR: i32 = 2021;

/// Plausible values of [`DEMO_INDICATORS`] for `commune`, one decimal: poverty higher in
/// the towns (17–23 %) than in the countryside (9–16 %), older people living alone more
/// often in the countryside (6–12 %) than in the towns (4–7 %). From a generator of its
/// own, seeded by the commune's code, so the rest of the demo is unchanged.
fn demo_indicator_values(commune: &Commune) -> [f64; 2] {
    let code: u64 = commune
        .code
        .as_str()
        .bytes()
        .fold(0, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let mut rng = Rng(0x5011_DA21_7E5D_0003 ^ code);
    let urban = commune.population.unwrap_or(0) > 5_000;
    let one_decimal = |x: f64| (x * 10.0).round() / 10.0;
    let poverty = if urban {
        17.0 + 6.0 * rng.unit()
    } else {
        9.0 + 7.0 * rng.unit()
    };
    let alone = if urban {
        4.0 + 3.0 * rng.unit()
    } else {
        6.0 + 6.0 * rng.unit()
    };
    [one_decimal(poverty), one_decimal(alone)]
}

/// The demo's territorial indicators, a value per commune, stored as
/// `solidarites indicators import` stores them (so the dashboard shows its indicator
/// column and scatter). Returns how many indicators.
async fn seed_indicators(db: &DatabaseConnection, communes: &[Commune]) -> anyhow::Result<usize> {
    let metas: Vec<storage::indicators::IndicatorMeta> = DEMO_INDICATORS
        .iter()
        .map(
            |(code, label, unit, source)| storage::indicators::IndicatorMeta {
                code: (*code).to_owned(),
                label: (*label).to_owned(),
                unit: Some((*unit).to_owned()),
                source: Some((*source).to_owned()),
                year: Some(DEMO_INDICATOR_YEAR),
            },
        )
        .collect();
    let values: Vec<storage::indicators::IndicatorValue> = communes
        .iter()
        .flat_map(|commune| {
            DEMO_INDICATORS
                .iter()
                .zip(demo_indicator_values(commune))
                .map(|((code, ..), value)| storage::indicators::IndicatorValue {
                    indicator: (*code).to_owned(),
                    commune_code: commune.code.as_str().to_owned(),
                    value,
                })
        })
        .collect();
    storage::indicators::import(db, &metas, &values, "demo").await?;
    Ok(metas.len())
}

/// Theme slugs offered by the questionnaire's `domaines` question.
fn domain_options(definition: &QuestionnaireDefinition) -> Vec<String> {
    definition
        .sections
        .iter()
        .flat_map(|s| &s.questions)
        .filter(|q| q.id == "domaines")
        .flat_map(|q| match &q.kind {
            QuestionKind::MultipleChoice { options, .. } => {
                options.iter().map(|o| o.value.clone()).collect()
            }
            _ => Vec::new(),
        })
        .collect()
}

/// Themes more often reported in a commune, so that the needs differ from place to place:
/// the main town reports housing and food, rural communes mobility and isolation.
fn weighted_themes(commune: &Commune, options: &[String], rng: &mut Rng) -> Vec<String> {
    let urban = commune.population.unwrap_or(0) > 5_000;
    let weight = |slug: &str| -> f64 {
        match (slug, urban) {
            ("logement" | "aide-alimentaire" | "emploi", true) => 0.45,
            ("mobilite" | "isolement" | "numerique", false) => 0.4,
            ("sante" | "acces-aux-droits", _) => 0.25,
            ("autre", _) => 0.03,
            _ => 0.12,
        }
    };
    let mut chosen: Vec<String> = options
        .iter()
        .filter(|slug| rng.chance(weight(slug)))
        .cloned()
        .collect();
    if chosen.is_empty() {
        chosen.push(rng.pick(options).clone());
    }
    chosen.truncate(4);
    chosen
}

/// A complete, valid answer to the Landes questionnaire from `commune`.
fn demo_answer(commune: &Commune, options: &[String], rng: &mut Rng) -> BTreeMap<String, Value> {
    let mut a = BTreeMap::new();
    let difficulties = rng.chance(if commune.population.unwrap_or(0) > 5_000 {
        0.72
    } else {
        0.6
    });
    a.insert("difficultes".to_owned(), json!(difficulties));
    if difficulties {
        let themes = weighted_themes(commune, options, rng);
        for t in &themes {
            if rng.chance(0.8) {
                a.insert(
                    format!("gravite_{}", t.replace('-', "_")),
                    json!(1 + rng.below(4)),
                );
            }
        }
        a.insert(
            "domaines".to_owned(),
            json!({"values": themes, "other": null}),
        );
    }
    let helped = rng.chance(0.45);
    a.insert("aide".to_owned(), json!(helped));
    if helped {
        let by: Vec<&str> = [
            "famille",
            "voisins",
            "association",
            "commune_ccas",
            "departement",
        ]
        .into_iter()
        .filter(|_| rng.chance(0.35))
        .collect();
        if !by.is_empty() {
            a.insert("aide_par".to_owned(), json!({"values": by, "other": null}));
        }
    }
    if rng.chance(0.2) {
        let text = *rng.pick(&[
            "Un appel de la mairie de temps en temps.",
            "Savoir à qui m'adresser pour les démarches.",
            "Un transport pour aller faire mes courses.",
            "Quelqu'un pour garder les enfants quelques heures.",
        ]);
        a.insert("ce_qui_aurait_aide".to_owned(), json!(text));
    }
    a.insert(
        "role".to_owned(),
        json!(rng.pick(&["benevole", "voisin_solidaire", "non", "non"])),
    );
    a.insert(
        "tranche_age".to_owned(),
        json!(rng.pick(&["moins_de_25", "25_39", "40_59", "60_74", "75_et_plus"])),
    );
    a.insert(
        "menage".to_owned(),
        json!(rng.pick(&[
            "seul",
            "couple_sans_enfant",
            "couple_avec_enfants",
            "famille_monoparentale",
            "autre"
        ])),
    );
    a.insert("commune".to_owned(), json!(commune.code.as_str()));
    a
}

/// An open campaign of the default questionnaire and [`DEMO_ANSWERS`] anonymous answers,
/// communes drawn in proportion to their population.
async fn seed_answers(
    db: &DatabaseConnection,
    communes: &[Commune],
    rng: &mut Rng,
) -> anyhow::Result<usize> {
    let questionnaire = storage::questionnaires::get(db, storage::questionnaires::DEFAULT_ID)
        .await?
        .context("the default questionnaire is missing")?;
    let version = questionnaire
        .latest()
        .context("the default questionnaire has no version")?
        .clone();
    let definition: QuestionnaireDefinition = serde_json::from_str(&version.definition)?;
    let options = domain_options(&definition);
    let now = Utc::now();
    let opened: DateTime<Utc> = now - Duration::days(35);
    let campaign = storage::questionnaires::create_campaign_from_cli(
        db,
        NewCampaign {
            title: "Les nouvelles solidarités, j'en parle — édition de démonstration".to_owned(),
            description: "Dites-nous, de façon anonyme, ce que vous avez vécu et ce qui pourrait être fait près de chez vous.".to_owned(),
            questionnaire_version_id: version.id.clone(),
            opens_at: opened,
            closes_at: now + Duration::days(25),
            status: campaign_status::OPEN.to_owned(),
        },
    )
    .await?;
    let total_population: f64 = communes
        .iter()
        .map(|c| f64::from(c.population.unwrap_or(0)) + 400.0)
        .sum();
    let is_commune =
        |code: &solidarites_domain::InseeCode| communes.iter().any(|c| &c.code == code);
    let mut stored = 0;
    for _ in 0..DEMO_ANSWERS {
        // Population-weighted, with a floor so that small communes answer too.
        let mut target = rng.unit() * total_population;
        let commune = communes
            .iter()
            .find(|c| {
                target -= f64::from(c.population.unwrap_or(0)) + 400.0;
                target <= 0.0
            })
            .unwrap_or(&communes[0]);
        let raw = demo_answer(commune, &options, rng);
        let validated = definition
            .validate_answers(&raw, &is_commune)
            .map_err(|e| anyhow!("demo answer refused: {:?}", e.0))?;
        let days_ago = i64::try_from(rng.below(35)).unwrap_or(0);
        let day: NaiveDate = (now - Duration::days(days_ago)).date_naive();
        let channel = if rng.chance(0.1) {
            "papier"
        } else {
            crate::questionnaire::WEB
        };
        storage::questionnaires::store_response(
            db,
            &NewResponse {
                campaign_id: &campaign.id,
                version_id: &version.id,
                commune: &commune.code,
                channel,
                answers: &validated,
                submitted_on: day,
                idempotency_key_hash: None,
            },
        )
        .await?;
        stored += 1;
    }
    Ok(stored)
}

/// The proposals: published ones at every stage of their follow-up, with supports,
/// priorities and notes, one duplicate merged, one waiting for moderation.
async fn seed_proposals(db: &DatabaseConnection, index: &CommuneIndex) -> anyhow::Result<usize> {
    let allowed = storage::themes::active_slugs(db).await?;
    let ctx = ParseContext {
        communes: index,
        allowed_themes: &allowed,
    };
    let communes = index.communes();
    let now = Utc::now();
    let mut ids = Vec::with_capacity(PROPOSALS.len());
    for p in PROPOSALS {
        let request = CreateProposalRequest {
            title: Some(p.title.to_owned()),
            description: Some(p.description.to_owned()),
            themes: p.themes.iter().map(|t| (*t).to_owned()).collect(),
            commune_code: match p.commune {
                Some(name) => Some(commune_by_name(communes, name)?.code.as_str().to_owned()),
                None => None,
            },
            pseudonym: p.pseudonym.map(str::to_owned),
            notify_email: None,
            notify_consent: false,
        };
        let draft =
            drafts::parse_proposal(&request, &ctx).map_err(|e| fields_error("proposal", &e))?;
        let published_at = now - Duration::weeks(p.weeks_ago);
        let id =
            storage::proposals::create_at(db, &draft, published_at - Duration::days(2)).await?;
        storage::moderation::decide(db, id, &Decision::Approve)
            .await
            .map_err(|e| anyhow!("demo proposal not published: {e}"))?;
        storage::proposals::backdate_publication(db, id, published_at).await?;
        // Steps spread evenly between the publication and today.
        let steps = i32::try_from(p.steps.len()).unwrap_or(1);
        for (k, (new_status, answer)) in (1..).zip(p.steps) {
            let at = published_at + Duration::weeks(p.weeks_ago) * k / (steps + 1);
            debug_assert!(status::ALL.contains(new_status));
            storage::proposals::set_status(db, id.into(), new_status, answer, at)
                .await
                .map_err(|e| anyhow!("demo proposal status: {e}"))?;
        }
        storage::proposals::add_demo_supports(db, id, p.supports).await?;
        if let Some(rank) = p.priority {
            storage::proposals::set_priority(db, id.into(), Some(rank), now)
                .await
                .map_err(|e| anyhow!("demo proposal priority: {e}"))?;
        }
        if let Some(note) = p.note {
            storage::proposals::set_note(db, id.into(), Some(note), now)
                .await
                .map_err(|e| anyhow!("demo proposal note: {e}"))?;
        }
        ids.push(id);
    }
    let (dup, kept) = DUPLICATE_OF;
    storage::proposals::merge(db, ids[dup].into(), ids[kept].into(), now)
        .await
        .map_err(|e| anyhow!("demo merge: {e}"))?;

    let (title, description, themes, commune) = PENDING_PROPOSAL;
    let request = CreateProposalRequest {
        title: Some(title.to_owned()),
        description: Some(description.to_owned()),
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        commune_code: Some(commune_by_name(communes, commune)?.code.as_str().to_owned()),
        pseudonym: None,
        notify_email: None,
        notify_consent: false,
    };
    let draft = drafts::parse_proposal(&request, &ctx).map_err(|e| fields_error("proposal", &e))?;
    storage::proposals::create(db, &draft).await?;
    Ok(ids.len() + 1)
}

/// What [`prepare`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPrepared {
    /// The content stored, or `None` when the database already had some.
    pub content: Option<DemoSummary>,
    pub accounts: DemoAccounts,
}

/// Everything `solidarites demo` does before serving: the fictional territory when no
/// commune is stored, the demo content ([`seed`]) and the demo staff accounts
/// ([`seed_accounts`]). Idempotent.
pub async fn prepare(db: &DatabaseConnection) -> anyhow::Result<DemoPrepared> {
    if storage::communes::load_all(db).await?.is_empty() {
        let communes = solidarites_domain::demo::demo_communes();
        storage::communes::replace_all(db, &communes, "demo").await?;
        tracing::info!(
            communes = communes.len(),
            "fictional demonstration territory loaded"
        );
    }
    let content = seed(db).await?;
    let accounts = seed_accounts(db).await?;
    Ok(DemoPrepared { content, accounts })
}

/// Domain of the demo staff accounts (`.invalid` is reserved: no mail ever goes there).
pub const DEMO_ACCOUNT_DOMAIN: &str = "demo.solidarites.invalid";
/// The one password of every demo account. Public on purpose: the demo database holds
/// only invented content, and these accounts are never created elsewhere (see
/// [`seed_accounts`]).
pub const DEMO_PASSWORD: &str = "demo-solidarites";

/// One demo staff account per role: `admin@`, `moderator@`, `analyst@`, `committee@`
/// [`DEMO_ACCOUNT_DOMAIN`].
pub fn demo_accounts() -> Vec<(String, crate::auth::Role)> {
    crate::auth::Role::ALL
        .iter()
        .rev()
        .map(|role| (format!("{role}@{DEMO_ACCOUNT_DOMAIN}"), *role))
        .collect()
}

/// What [`seed_accounts`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoAccounts {
    /// The demo accounts exist (`created` of them were created just now).
    Ready { created: usize },
    /// The database holds other staff accounts: it is not a demo database, so no account
    /// with a public password was created.
    Skipped { other_accounts: usize },
}

/// Creates the demo staff accounts that are missing, with [`DEMO_PASSWORD`], audited as
/// `cli.demo.account`. Idempotent: existing demo accounts are left as they are. Does
/// nothing on a database that has any account outside [`DEMO_ACCOUNT_DOMAIN`], so that
/// `solidarites demo` pointed at a real database never opens it with a known password.
pub async fn seed_accounts(db: &DatabaseConnection) -> anyhow::Result<DemoAccounts> {
    let suffix = format!("@{DEMO_ACCOUNT_DOMAIN}");
    let others = storage::users::list(db)
        .await?
        .iter()
        .filter(|u| !u.email.ends_with(&suffix))
        .count();
    if others > 0 {
        return Ok(DemoAccounts::Skipped {
            other_accounts: others,
        });
    }
    let mut created = 0;
    for (email, role) in demo_accounts() {
        if storage::users::find_by_email(db, &email).await?.is_some() {
            continue;
        }
        let new = storage::users::NewUser {
            email: email.clone(),
            display_name: format!("Démo {}", role_label(role)),
            role,
            password_hash: crate::auth::hash_password(DEMO_PASSWORD.to_owned()).await?,
        };
        match storage::users::create(db, new, None, "cli.demo.account").await {
            Ok(_) => created += 1,
            // Another demo process created it meanwhile.
            Err(storage::users::CreateUserError::EmailTaken) => {}
            Err(storage::users::CreateUserError::Db(err)) => return Err(err.into()),
        }
    }
    Ok(DemoAccounts::Ready { created })
}

fn role_label(role: crate::auth::Role) -> &'static str {
    match role {
        crate::auth::Role::Admin => "administration",
        crate::auth::Role::Moderator => "modération",
        crate::auth::Role::Analyst => "analyse",
        crate::auth::Role::Committee => "comité",
    }
}
