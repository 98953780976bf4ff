//! Strings of the console's results pages: dashboard and exports.

#[derive(Debug)]
pub struct Strings {
    pub dashboard_title: &'static str,
    pub dashboard_intro: &'static str,
    pub view_legend: &'static str,
    pub filters_legend: &'static str,
    pub field_campaign: &'static str,
    pub field_level: &'static str,
    pub field_question: &'static str,
    pub field_option: &'static str,
    pub field_measure: &'static str,
    pub field_method: &'static str,
    pub field_classes: &'static str,
    pub field_channel: &'static str,
    pub field_age: &'static str,
    pub field_household: &'static str,
    pub field_helped: &'static str,
    pub any: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub level_commune: &'static str,
    pub level_canton: &'static str,
    pub level_arrondissement: &'static str,
    pub level_epci: &'static str,
    pub level_territory: &'static str,
    pub measure_count: &'static str,
    pub measure_share: &'static str,
    pub measure_rate: &'static str,
    pub measure_mean: &'static str,
    pub method_quantiles: &'static str,
    pub method_jenks: &'static str,
    pub method_equal: &'static str,
    pub no_campaign: &'static str,
    pub no_question: &'static str,
    pub perturbed: &'static str,
    pub map_title: &'static str,
    pub map_label: fn(&str) -> String,
    pub map_help: &'static str,
    pub legend_title: &'static str,
    /// Class `i` (from 1): lower bound (included for the first class), upper bound.
    pub legend_class: fn(usize, &str, &str, bool) -> String,
    pub legend_secret: fn(u32) -> String,
    pub legend_empty: &'static str,
    pub secret: &'static str,
    pub secret_short: &'static str,
    pub empty: &'static str,
    pub area_label: fn(&str, &str) -> String,
    pub class_n: fn(usize) -> String,
    pub details_title: &'static str,
    pub details_hint: &'static str,
    pub col_area: &'static str,
    pub col_respondents: &'static str,
    pub col_value: &'static str,
    pub table_title: &'static str,
    pub col_class: &'static str,
    pub col_option: &'static str,
    pub col_count: &'static str,
    pub col_share: &'static str,
    pub table_caption: fn(&str) -> String,
    pub sort_by: fn(&str) -> String,
    pub chart_title: &'static str,
    pub chart_caption: fn(&str) -> String,
    pub chart_mean: fn(&str) -> String,
    pub download_view: &'static str,
    pub field_indicator: &'static str,
    pub indicator_heading: fn(&str, Option<&str>) -> String,
    pub scatter_title: &'static str,
    pub scatter_svg_title: fn(&str) -> String,
    pub scatter_desc: fn(&str, &str, usize) -> String,
    pub scatter_secret_note: fn(usize) -> String,
    pub scatter_caption: fn(&str) -> String,
    pub scatter_empty: &'static str,
    pub exports_of_view: &'static str,
    pub view_file_name: &'static str,
    // Exports page
    pub exports_title: &'static str,
    pub exports_intro: &'static str,
    pub exports_campaign: &'static str,
    pub exports_other: &'static str,
    pub who_admin: &'static str,
    pub who_analyst: &'static str,
    pub who_committee: &'static str,
    pub export_answers_csv: &'static str,
    pub export_answers_xlsx: &'static str,
    pub export_results_csv: &'static str,
    pub export_results_xlsx: &'static str,
    pub export_results_geojson: &'static str,
    pub export_initiatives_csv: &'static str,
    pub export_initiatives_geojson: &'static str,
    pub export_structures: &'static str,
    pub export_services: &'static str,
    pub exports_dashboard_link: &'static str,
    // Needs versus offer
    pub gaps_title: &'static str,
    pub gaps_intro: &'static str,
    pub gaps_empty: &'static str,
    pub gaps_caption: &'static str,
    pub gaps_distance: fn(&str) -> String,
    pub gaps_rank: &'static str,
    pub gaps_theme: &'static str,
    pub gaps_need: &'static str,
    pub gaps_offer: &'static str,
    pub gaps_map: &'static str,
    pub gaps_link: fn(&str, &str) -> String,
    pub gaps_map_title: &'static str,
    pub gaps_map_label: fn(usize) -> String,
    pub gaps_legend_title: &'static str,
    pub gaps_legend_none: &'static str,
    // Filter on any choice question
    pub answer_filter_legend: &'static str,
    pub answer_filter_hint: &'static str,
    pub field_answer_filter: &'static str,
    pub answer_filter_none: &'static str,
    pub answer_filter_values: fn(&str) -> String,
    /// Between the answers kept: « Logement ou Santé ».
    pub or: &'static str,
    pub filters_caption: fn(&str) -> String,
}

pub const FR: Strings = Strings {
    answer_filter_legend: "Filtre sur une réponse",
    answer_filter_hint: "Ne compter que les répondants ayant donné l'une des réponses \
        cochées à une question à choix.",
    field_answer_filter: "Question filtrée",
    answer_filter_none: "Aucune",
    answer_filter_values: |q| format!("Réponses retenues à « {q} »"),
    or: " ou ",
    filters_caption: |list| format!("filtres : {list}"),
    gaps_map_title: "Carte des écarts",
    gaps_map_label: |n| {
        format!(
            "Carte des communes classées parmi les écarts ({n} communes), colorées selon la \
             part de répondants déclarant une difficulté dans leur plus grand écart ; le \
             détail est dans le tableau qui suit."
        )
    },
    gaps_legend_title: "Part déclarant une difficulté (plus grand écart de la commune)",
    gaps_legend_none: "aucun écart classé (pas assez de réponses, secret statistique ou \
        aucune difficulté déclarée)",
    field_indicator: "Indicateur territorial",
    indicator_heading: |label, unit| match unit {
        Some(unit) => format!("{label} ({unit})"),
        None => label.to_owned(),
    },
    scatter_title: "Indicateur territorial et résultat par commune",
    scatter_svg_title: |indicator| {
        format!("Nuage de points : {indicator} et résultat de l'enquête")
    },
    scatter_desc: |indicator, what, n| {
        format!(
            "En abscisse {indicator}, en ordonnée {what} ; un point par commune hors secret \
             statistique, {n} au total. Les valeurs sont dans le tableau qui suit."
        )
    },
    scatter_secret_note: |n| match n {
        0 => "Aucune commune sous secret statistique n'est écartée.".to_owned(),
        1 => "1 commune sous secret statistique n'est pas représentée.".to_owned(),
        n => format!("{n} communes sous secret statistique ne sont pas représentées."),
    },
    scatter_caption: |indicator| {
        format!("Valeurs du nuage de points : {indicator} et résultat de l'enquête par commune")
    },
    scatter_empty: "Aucune commune hors secret statistique n'a à la fois des réponses et une \
        valeur pour cet indicateur.",
    dashboard_title: "Tableau de bord des résultats",
    dashboard_intro: "Les réponses de la campagne par commune ou par zone, sous secret \
        statistique : un chiffre calculé sur trop peu de réponses n'est jamais affiché. \
        Toute la vue est dans l'adresse de la page : copiez-la pour la partager.",
    view_legend: "Vue",
    filters_legend: "Filtres",
    field_campaign: "Campagne",
    field_level: "Niveau",
    field_question: "Question",
    field_option: "Réponse",
    field_measure: "Mesure",
    field_method: "Classes par",
    field_classes: "Nombre de classes",
    field_channel: "Canal",
    field_age: "Tranche d'âge",
    field_household: "Ménage",
    field_helped: "A été aidé(e)",
    any: "Tous",
    yes: "Oui",
    no: "Non",
    level_commune: "Commune",
    level_canton: "Canton",
    level_arrondissement: "Arrondissement",
    level_epci: "EPCI",
    level_territory: "Territoire",
    measure_count: "Nombre de répondants",
    measure_share: "Part des répondants (%)",
    measure_rate: "Pour 1 000 habitants",
    measure_mean: "Moyenne",
    method_quantiles: "Quantiles",
    method_jenks: "Seuils naturels (Jenks)",
    method_equal: "Intervalles égaux",
    no_campaign: "Aucune campagne n'a encore été ouverte.",
    no_question: "Ce questionnaire n'a aucune question agrégée.",
    perturbed: "Valeurs perturbées : une vue filtrée décale chaque nombre de 2 au plus, \
        pour qu'aucune soustraction entre deux vues ne désigne une personne.",
    map_title: "Carte",
    map_label: |what| format!("Carte de « {what} »"),
    map_help: "Cliquez sur une zone, ou atteignez-la avec Tab et appuyez sur Entrée, \
        pour lire ses chiffres. Le tableau à côté donne les mêmes chiffres.",
    legend_title: "Légende",
    legend_class: |i, low, high, first| {
        if first {
            format!("Classe {i} : de {low} à {high}")
        } else {
            format!("Classe {i} : plus de {low} à {high}")
        }
    },
    legend_secret: |k| format!("secret statistique : moins de {k} réponses"),
    legend_empty: "aucune réponse",
    secret: "secret statistique",
    secret_short: "secret",
    empty: "aucune réponse",
    area_label: |name, what| format!("{name} : {what}"),
    class_n: |i| format!("classe {i}"),
    details_title: "Zone choisie",
    details_hint: "Aucune zone choisie.",
    col_area: "Commune ou zone",
    col_respondents: "Répondants",
    col_value: "Valeur",
    table_title: "Tableau des chiffres",
    col_class: "Classe",
    col_option: "Réponse",
    col_count: "Nombre",
    col_share: "Part",
    table_caption: |what| format!("Chiffres de la carte : {what}"),
    sort_by: |col| format!("Trier par {col}"),
    chart_title: "Ensemble du territoire",
    chart_caption: |q| format!("Réponses à « {q} » sur le territoire"),
    chart_mean: |v| format!("Moyenne sur le territoire : {v}"),
    download_view: "Télécharger cette vue (CSV)",
    exports_of_view: "Exports de cette vue :",
    view_file_name: "tableau-de-bord.csv",
    exports_title: "Exports",
    exports_intro: "Chaque fichier est tiré de l'API au moment du téléchargement et \
        chaque téléchargement est inscrit au journal. Les résultats agrégés restent sous \
        secret statistique (« secret » à la place des petits nombres).",
    exports_campaign: "Fichiers de la campagne",
    exports_other: "Fichiers de la carte des solidarités",
    who_admin: "Administrateurs seulement.",
    who_analyst: "Chargés d'études, modérateurs et administrateurs.",
    who_committee: "Tous les rôles du personnel, comité compris.",
    export_answers_csv: "Réponses brutes (CSV) : une ligne par réponse anonyme, une \
        colonne par question, pour Excel.",
    export_answers_xlsx: "Réponses brutes (Excel) : les mêmes réponses en classeur.",
    export_results_csv: "Résultats agrégés par commune (CSV) : une ligne par commune, \
        question et réponse, sous secret statistique.",
    export_results_xlsx: "Résultats agrégés par commune (Excel) : une feuille de synthèse \
        et une feuille par question, sous secret statistique.",
    export_results_geojson: "Résultats agrégés par commune (GeoJSON) : les contours des \
        communes et leurs valeurs, pour QGIS ; une valeur secrète est vide.",
    export_initiatives_csv: "Initiatives publiées (CSV) : celles de la carte publique.",
    export_initiatives_geojson: "Initiatives publiées (GeoJSON) : points en WGS 84.",
    export_structures: "Structures au format data·inclusion (JSON).",
    export_services: "Services au format data·inclusion (JSON).",
    exports_dashboard_link: "Les chiffres d'une vue du tableau de bord se téléchargent \
        depuis le tableau de bord même.",
    gaps_title: "Besoins et offre",
    gaps_intro: "Les communes où beaucoup de répondants disent une difficulté dans un \
        domaine et où peu d'initiatives de ce domaine sont proches, les plus grands écarts \
        d'abord. Les chiffres sous secret statistique ne sont jamais classés.",
    gaps_empty: "Aucun écart mesurable : pas encore assez de réponses hors secret statistique.",
    gaps_caption: "Écarts entre besoins et offre, du plus grand au plus petit",
    gaps_distance: |km| format!("Initiatives comptées dans la commune ou à moins de {km} km."),
    gaps_rank: "Rang",
    gaps_theme: "Domaine",
    gaps_need: "Part déclarant une difficulté",
    gaps_offer: "Initiatives proches",
    gaps_map: "Sur la carte",
    gaps_link: |theme, commune| format!("Initiatives « {theme} » près de {commune}"),
};

languages!(FR);

/// French name of a results level.
pub fn level_label(level: &str) -> &'static str {
    let t = t();
    match level {
        "canton" => t.level_canton,
        "arrondissement" => t.level_arrondissement,
        "epci" => t.level_epci,
        "territory" => t.level_territory,
        _ => t.level_commune,
    }
}
