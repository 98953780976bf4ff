//! Query-string parsing shared by the initiatives and actors lists: every bad parameter is
//! named, all at once. Repeated parameters (`theme=a&theme=b`) and comma lists
//! (`theme=a,b`) are both accepted.

use solidarites_domain::{InseeCode, LonLat};

use crate::{
    error::{ApiError, ErrorCode},
    ids::ActorId,
    search::fold,
    storage::{
        actors::ActorFilter,
        initiatives::{Near, PublicFilter},
    },
    submission::{FieldErrors, ACTOR_KINDS},
};

pub const DEFAULT_PER_PAGE: u64 = 20;
pub const MAX_PER_PAGE: u64 = 100;

/// Radius of `near` when `radius_km` is not given, km.
pub const DEFAULT_NEAR_RADIUS_KM: f64 = 20.0;
/// Smallest and largest `radius_km`, km.
pub const MIN_NEAR_RADIUS_KM: f64 = 1.0;
pub const MAX_NEAR_RADIUS_KM: f64 = 100.0;

/// The raw `key=value` pairs of a query string.
pub type Pairs = Vec<(String, String)>;

fn values<'a>(pairs: &'a Pairs, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    pairs
        .iter()
        .filter(move |(k, _)| k == key)
        .map(|(_, v)| v.trim())
}

pub(super) fn single<'a>(pairs: &'a Pairs, key: &'a str) -> Option<&'a str> {
    values(pairs, key).filter(|v| !v.is_empty()).last()
}

pub(super) fn list(pairs: &Pairs, key: &str) -> Vec<String> {
    let mut out: Vec<String> = values(pairs, key)
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect();
    out.dedup();
    out
}

pub(super) fn invalid_query(fields: FieldErrors) -> ApiError {
    ApiError::Validation {
        code: ErrorCode::InvalidQuery,
        message: "Certains paramètres de la requête sont invalides.".to_owned(),
        fields,
    }
}

/// What `parse` reads from a query, or the 422 naming every bad parameter it found.
pub(super) fn parse_query<T>(parse: impl FnOnce(&mut FieldErrors) -> T) -> Result<T, ApiError> {
    let mut errors = FieldErrors::new();
    let parsed = parse(&mut errors);
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(invalid_query(errors))
    }
}

/// `minLon,minLat,maxLon,maxLat` in WGS 84 degrees.
pub fn parse_bbox(raw: &str, errors: &mut FieldErrors) -> Option<[f64; 4]> {
    let parts: Vec<Option<f64>> = raw
        .split(',')
        .map(|p| p.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect();
    let message = match parts.as_slice() {
        [Some(a), Some(b), Some(c), Some(d)] => {
            let (a, b, c, d) = (*a, *b, *c, *d);
            if a.abs() > 180.0 || c.abs() > 180.0 || b.abs() > 90.0 || d.abs() > 90.0 {
                "Les longitudes doivent être entre -180 et 180, les latitudes entre -90 et 90."
            } else if a > c || b > d {
                "Le minimum doit précéder le maximum : minLon,minLat,maxLon,maxLat."
            } else {
                return Some([a, b, c, d]);
            }
        }
        _ => "Format attendu : minLon,minLat,maxLon,maxLat (4 nombres décimaux, WGS 84).",
    };
    errors.insert("bbox".to_owned(), message.to_owned());
    None
}

pub(super) fn parse_commune(pairs: &Pairs, errors: &mut FieldErrors) -> Option<String> {
    let raw = single(pairs, "commune")?;
    match InseeCode::parse(raw) {
        Ok(code) => Some(code.as_str().to_owned()),
        Err(_) => {
            errors.insert(
                "commune".to_owned(),
                "Code INSEE invalide (5 caractères, ex. 40192).".to_owned(),
            );
            None
        }
    }
}

pub(super) fn parse_q(pairs: &Pairs) -> Option<String> {
    single(pairs, "q").map(fold).filter(|q| !q.is_empty())
}

pub(super) fn parse_page(pairs: &Pairs, errors: &mut FieldErrors) -> (u64, u64) {
    let paging = super::paging::parse_paging_pairs(pairs, DEFAULT_PER_PAGE, MAX_PER_PAGE, errors);
    (paging.page, paging.per_page)
}

/// `near` (an INSEE code of the territory, resolved to its representative point by
/// `point_of`) and `radius_km` (default [`DEFAULT_NEAR_RADIUS_KM`]).
/// `radius_km`: kilometres from [`MIN_NEAR_RADIUS_KM`] to [`MAX_NEAR_RADIUS_KM`],
/// `default` when absent; `None` (and the error) when invalid.
pub(super) fn parse_radius_km(
    pairs: &Pairs,
    default: f64,
    errors: &mut FieldErrors,
) -> Option<f64> {
    let Some(raw) = single(pairs, "radius_km") else {
        return Some(default);
    };
    match raw.parse::<f64>() {
        Ok(r) if (MIN_NEAR_RADIUS_KM..=MAX_NEAR_RADIUS_KM).contains(&r) => Some(r),
        _ => {
            errors.insert(
                "radius_km".to_owned(),
                format!(
                    "Rayon attendu en kilomètres, de {MIN_NEAR_RADIUS_KM} à \
                     {MAX_NEAR_RADIUS_KM} ({default} par défaut)."
                ),
            );
            None
        }
    }
}

fn parse_near(
    pairs: &Pairs,
    point_of: &dyn Fn(&InseeCode) -> Option<LonLat>,
    errors: &mut FieldErrors,
) -> Option<Near> {
    let radius_km = parse_radius_km(pairs, DEFAULT_NEAR_RADIUS_KM, errors);
    let Some(raw) = single(pairs, "near") else {
        if single(pairs, "radius_km").is_some() {
            errors.insert(
                "radius_km".to_owned(),
                "Le rayon s'emploie avec near, le code INSEE de la commune autour de laquelle \
                 chercher."
                    .to_owned(),
            );
        }
        return None;
    };
    let Ok(code) = InseeCode::parse(raw) else {
        errors.insert(
            "near".to_owned(),
            "Code INSEE invalide (5 caractères, ex. 40192).".to_owned(),
        );
        return None;
    };
    let Some(point) = point_of(&code) else {
        errors.insert(
            "near".to_owned(),
            format!(
                "Aucune commune du territoire n'a le code INSEE « {} ».",
                code.as_str()
            ),
        );
        return None;
    };
    Some(Near {
        commune: code.as_str().to_owned(),
        point,
        radius_km: radius_km?,
    })
}

/// Filters and page of `GET /api/v1/initiatives` (and `.geojson`, which ignores the page).
/// The `actor` parameter, the id of an actor (which the lists then narrow to).
pub(super) fn parse_actor(pairs: &Pairs, errors: &mut FieldErrors) -> Option<ActorId> {
    let raw = single(pairs, "actor")?;
    match raw.parse() {
        Ok(id) => Some(id),
        Err(_) => {
            errors.insert(
                "actor".to_owned(),
                "Identifiant d'acteur invalide.".to_owned(),
            );
            None
        }
    }
}

/// `point_of` gives the representative point of a commune of the territory (for `near`).
pub fn parse_initiative_query(
    pairs: &Pairs,
    point_of: &dyn Fn(&InseeCode) -> Option<LonLat>,
) -> Result<(PublicFilter, u64, u64), ApiError> {
    let mut errors = FieldErrors::new();
    let bbox = single(pairs, "bbox").and_then(|raw| parse_bbox(raw, &mut errors));
    let commune = parse_commune(pairs, &mut errors);
    let near = parse_near(pairs, point_of, &mut errors);
    let actor = parse_actor(pairs, &mut errors);
    let (page, per_page) = parse_page(pairs, &mut errors);
    if !errors.is_empty() {
        return Err(invalid_query(errors));
    }
    let filter = PublicFilter {
        bbox,
        themes: list(pairs, "theme"),
        commune,
        actor,
        label: single(pairs, "label").map(str::to_owned),
        q: parse_q(pairs),
        near,
        welcomes_volunteers: false,
    };
    Ok((filter, page, per_page))
}

/// Filters and page of `GET /api/v1/actors`.
pub fn parse_actor_query(pairs: &Pairs) -> Result<(ActorFilter, u64, u64), ApiError> {
    let mut errors = FieldErrors::new();
    let kind = single(pairs, "kind").map(str::to_owned);
    if let Some(k) = &kind {
        if !ACTOR_KINDS.contains(&k.as_str()) {
            errors.insert(
                "kind".to_owned(),
                format!(
                    "Type d'acteur inconnu (attendu : {}).",
                    ACTOR_KINDS.join(", ")
                ),
            );
        }
    }
    let commune = parse_commune(pairs, &mut errors);
    let (page, per_page) = parse_page(pairs, &mut errors);
    if !errors.is_empty() {
        return Err(invalid_query(errors));
    }
    let filter = ActorFilter {
        kind,
        commune,
        themes: list(pairs, "theme"),
        q: parse_q(pairs),
        label: single(pairs, "label").map(str::to_owned),
    };
    Ok((filter, page, per_page))
}

/// `zoom` (0–20) and `bbox` of the clusters endpoint; `bbox` defaults to `default_bbox`.
pub fn parse_cluster_query(
    pairs: &Pairs,
    default_bbox: Option<[f64; 4]>,
) -> Result<([f64; 4], u8, Vec<String>), ApiError> {
    let mut errors = FieldErrors::new();
    let bbox = match single(pairs, "bbox") {
        Some(raw) => parse_bbox(raw, &mut errors),
        None => default_bbox,
    };
    let zoom = match single(pairs, "zoom").map(str::parse::<u8>) {
        Some(Ok(z)) if z <= crate::map::MAX_ZOOM => Some(z),
        _ => {
            errors.insert(
                "zoom".to_owned(),
                format!(
                    "Niveau de zoom obligatoire, de 0 à {}.",
                    crate::map::MAX_ZOOM
                ),
            );
            None
        }
    };
    if let (Some([a, b, c, d]), Some(z)) = (bbox, zoom) {
        let (x0, y0) = crate::map::world_px(a, d, z);
        let (x1, y1) = crate::map::world_px(c, b, z);
        if x1 - x0 > crate::map::MAX_VIEW_PX || y1 - y0 > crate::map::MAX_VIEW_PX {
            errors.insert(
                "bbox".to_owned(),
                "Zone trop grande pour ce niveau de zoom : réduisez la zone ou le zoom.".to_owned(),
            );
        }
    }
    match (bbox, zoom) {
        (Some(bbox), Some(zoom)) if errors.is_empty() => Ok((bbox, zoom, list(pairs, "theme"))),
        (None, _) if errors.is_empty() => Ok(([0.0; 4], 0, Vec::new())),
        _ => Err(invalid_query(errors)),
    }
}
