//! The filters of the carte and of the actors directory, kept in the page's URL so that a
//! filtered map can be shared: `/carte?theme=sante&theme=logement&commune=40192&q=repas`.
//!
//! The URL uses the API's own parameter names, so the map and the list ask the API exactly
//! the same question: [`CarteFilter::api_query`] is the URL query without the page. The
//! one exception is the search around a commune, `pres=40192&rayon=20` in the page's URL
//! (French and short: the needs-versus-offer page links to it) and `near=…&radius_km=…`
//! for the API.

use crate::router::{percent_decode, percent_encode};

/// Results per page of the lists.
pub const PER_PAGE: u64 = 20;

/// `key=value` pairs of a query string, decoded (`+` is a space), in order.
pub fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

/// A query string from pairs, skipping empty values.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
}

fn single(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs
        .iter()
        .rev()
        .find(|(k, v)| k == key && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
}

fn page(pairs: &[(String, String)]) -> u64 {
    single(pairs, "page")
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// Whether `code` looks like an INSEE code (`40192`, `2A004`): anything else in a shared
/// URL is dropped rather than sent to the API (which would refuse it).
fn insee_like(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && b[0].is_ascii_digit()
        && (b[1].is_ascii_digit() || (b[0] == b'2' && matches!(b[1], b'A' | b'B' | b'a' | b'b')))
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// The filters of the carte: the same as `GET /api/v1/initiatives`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CarteFilter {
    /// Theme slugs (any of them).
    pub themes: Vec<String>,
    /// INSEE code.
    pub commune: Option<String>,
    /// Label slug.
    pub label: Option<String>,
    /// Free text.
    pub q: Option<String>,
    /// INSEE code of the commune to search around (`pres`): its initiatives and those
    /// nearby, nearest first.
    pub near: Option<String>,
    /// Radius of that search in km (`rayon`, 1 to 100; the API's default when `None`).
    pub radius_km: Option<u32>,
    /// Page of the list, from 1.
    pub page: u64,
}

impl CarteFilter {
    /// Reads the filters of a page URL's query (`theme` repeated or comma-separated).
    pub fn from_query(query: &str) -> Self {
        let pairs = pairs(query);
        let mut themes: Vec<String> = Vec::new();
        for slug in pairs
            .iter()
            .filter(|(k, _)| k == "theme")
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if !themes.iter().any(|t| t == slug) {
                themes.push(slug.to_owned());
            }
        }
        CarteFilter {
            themes,
            commune: single(&pairs, "commune").filter(|c| insee_like(c)),
            label: single(&pairs, "label"),
            q: single(&pairs, "q"),
            near: single(&pairs, "pres").filter(|c| insee_like(c)),
            radius_km: single(&pairs, "rayon")
                .and_then(|r| r.parse::<u32>().ok())
                .filter(|r| (1..=100).contains(r)),
            page: page(&pairs),
        }
    }

    /// The filters as a query, `near` and `radius_km` named `near_key` and `radius_key`.
    fn query(&self, near_key: &'static str, radius_key: &'static str) -> String {
        let mut list: Vec<(&str, &str)> =
            self.themes.iter().map(|t| ("theme", t.as_str())).collect();
        list.push(("commune", self.commune.as_deref().unwrap_or_default()));
        list.push(("label", self.label.as_deref().unwrap_or_default()));
        list.push(("q", self.q.as_deref().unwrap_or_default()));
        let radius = match (&self.near, self.radius_km) {
            (Some(_), Some(r)) => r.to_string(),
            _ => String::new(),
        };
        list.push((near_key, self.near.as_deref().unwrap_or_default()));
        list.push((radius_key, &radius));
        encode(&list)
    }

    /// The filters as an API query (no page):
    /// `theme=a&theme=b&commune=…&label=…&q=…&near=…&radius_km=…`.
    pub fn api_query(&self) -> String {
        self.query("near", "radius_km")
    }

    /// The page URL's query: the filters, and the page when it is not the first.
    pub fn to_query(&self) -> String {
        with_page(self.query("pres", "rayon"), self.page)
    }

    /// `GET /api/v1/initiatives` for the current page of the list.
    pub fn list_url(&self) -> String {
        list_url("/api/v1/initiatives", &self.api_query(), self.page)
    }

    /// Whether any filter is set.
    pub fn is_filtered(&self) -> bool {
        !self.themes.is_empty()
            || self.commune.is_some()
            || self.label.is_some()
            || self.q.is_some()
            || self.near.is_some()
    }

    /// The same filters, back on the first page (any filter change starts the list again).
    pub fn first_page(mut self) -> Self {
        self.page = 1;
        self
    }
}

fn with_page(query: String, page: u64) -> String {
    match (query.is_empty(), page) {
        (_, 0 | 1) => query,
        (true, p) => format!("page={p}"),
        (false, p) => format!("{query}&page={p}"),
    }
}

fn list_url(path: &str, query: &str, page: u64) -> String {
    let page = page.max(1);
    if query.is_empty() {
        format!("{path}?page={page}&per_page={PER_PAGE}")
    } else {
        format!("{path}?{query}&page={page}&per_page={PER_PAGE}")
    }
}

/// The filters of the actors directory: the same as `GET /api/v1/actors`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorFilter {
    /// `association`, `ccas`, …
    pub kind: Option<String>,
    pub commune: Option<String>,
    /// Actors running an initiative of this theme.
    pub theme: Option<String>,
    pub label: Option<String>,
    pub q: Option<String>,
    pub page: u64,
}

impl ActorFilter {
    pub fn from_query(query: &str) -> Self {
        let pairs = pairs(query);
        ActorFilter {
            kind: single(&pairs, "kind"),
            commune: single(&pairs, "commune").filter(|c| insee_like(c)),
            theme: single(&pairs, "theme"),
            label: single(&pairs, "label"),
            q: single(&pairs, "q"),
            page: page(&pairs),
        }
    }

    pub fn api_query(&self) -> String {
        encode(&[
            ("kind", self.kind.as_deref().unwrap_or_default()),
            ("commune", self.commune.as_deref().unwrap_or_default()),
            ("theme", self.theme.as_deref().unwrap_or_default()),
            ("label", self.label.as_deref().unwrap_or_default()),
            ("q", self.q.as_deref().unwrap_or_default()),
        ])
    }

    pub fn to_query(&self) -> String {
        with_page(self.api_query(), self.page)
    }

    pub fn list_url(&self) -> String {
        list_url("/api/v1/actors", &self.api_query(), self.page)
    }

    pub fn is_filtered(&self) -> bool {
        self.kind.is_some()
            || self.commune.is_some()
            || self.theme.is_some()
            || self.label.is_some()
            || self.q.is_some()
    }
}

/// Number of pages for `total` results.
pub fn page_count(total: u64) -> u64 {
    total.div_ceil(PER_PAGE).max(1)
}

/// Filters that a list page keeps in its address, with the page of the list.
pub trait AddressFilter: Clone {
    fn read(query: &str) -> Self;
    fn at_page(self, page: u64) -> Self;
    fn query(&self) -> String;
}

/// Each filter reads and writes its address with its own `from_query` and `to_query`.
macro_rules! address_filters {
    ($($filter:ty),*) => {
        $(impl AddressFilter for $filter {
            fn read(query: &str) -> Self {
                Self::from_query(query)
            }
            fn at_page(self, page: u64) -> Self {
                Self { page, ..self }
            }
            fn query(&self) -> String {
                self.to_query()
            }
        })*
    };
}

address_filters!(CarteFilter, ActorFilter);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_url_gives_back_its_filters() {
        let filter = CarteFilter {
            themes: vec!["sante".into(), "aide-alimentaire".into()],
            commune: Some("2A004".into()),
            label: Some("anti-solitude".into()),
            q: Some("repas & café".into()),
            near: None,
            radius_km: None,
            page: 3,
        };
        let query = filter.to_query();
        assert_eq!(
            query,
            "theme=sante&theme=aide-alimentaire&commune=2A004&label=anti-solitude&q=repas%20%26%20caf%C3%A9&page=3"
        );
        assert_eq!(CarteFilter::from_query(&query), filter);
        assert_eq!(CarteFilter::from_query(&format!("?{query}")), filter);
    }

    #[test]
    fn the_list_and_the_map_ask_the_same_question() {
        let filter = CarteFilter::from_query("theme=logement&q=aide&page=2");
        assert_eq!(filter.api_query(), "theme=logement&q=aide");
        assert_eq!(
            filter.list_url(),
            "/api/v1/initiatives?theme=logement&q=aide&page=2&per_page=20"
        );
        assert!(filter.is_filtered());
        let none = CarteFilter::from_query("");
        assert_eq!(none.page, 1);
        assert!(!none.is_filtered());
        assert_eq!(none.to_query(), "");
        assert_eq!(none.list_url(), "/api/v1/initiatives?page=1&per_page=20");
        assert_eq!(CarteFilter { page: 4, ..none }.to_query(), "page=4");
    }

    #[test]
    fn the_search_around_a_commune_has_french_keys_in_the_page_and_api_keys_for_the_api() {
        let filter = CarteFilter::from_query("theme=aide-alimentaire&pres=00023&rayon=15");
        assert_eq!(filter.near.as_deref(), Some("00023"));
        assert_eq!(filter.radius_km, Some(15));
        assert!(filter.is_filtered());
        assert_eq!(
            filter.to_query(),
            "theme=aide-alimentaire&pres=00023&rayon=15"
        );
        assert_eq!(
            filter.list_url(),
            "/api/v1/initiatives?theme=aide-alimentaire&near=00023&radius_km=15&page=1&per_page=20"
        );
        // The API's default radius; a radius alone, or out of bounds, is dropped.
        let default = CarteFilter::from_query("pres=00023");
        assert_eq!(default.api_query(), "near=00023");
        assert_eq!(CarteFilter::from_query("rayon=15").to_query(), "");
        assert_eq!(
            CarteFilter::from_query("pres=00023&rayon=500").radius_km,
            None
        );
        assert_eq!(CarteFilter::from_query("pres=Paris").near, None);
    }

    #[test]
    fn odd_urls_are_read_forgivingly() {
        let filter = CarteFilter::from_query(
            "theme=a,b&theme=a&theme=&commune=Paris&q=+le+marché+&page=-2&x=1",
        );
        assert_eq!(filter.themes, ["a", "b"]);
        assert_eq!(filter.commune, None, "not an INSEE code");
        assert_eq!(filter.q.as_deref(), Some("le marché"));
        assert_eq!(filter.page, 1);
        assert_eq!(filter.clone().first_page().page, 1);
    }

    #[test]
    fn actor_filters_round_trip() {
        let filter = ActorFilter {
            kind: Some("association".into()),
            commune: Some("40192".into()),
            theme: Some("sante".into()),
            label: None,
            q: Some("Café".into()),
            page: 1,
        };
        let query = filter.to_query();
        assert_eq!(
            query,
            "kind=association&commune=40192&theme=sante&q=Caf%C3%A9"
        );
        assert_eq!(ActorFilter::from_query(&query), filter);
        assert_eq!(
            filter.list_url(),
            "/api/v1/actors?kind=association&commune=40192&theme=sante&q=Caf%C3%A9&page=1&per_page=20"
        );
        assert!(!ActorFilter::from_query("page=2").is_filtered());
    }

    #[test]
    fn pages_are_counted() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(20), 1);
        assert_eq!(page_count(21), 2);
    }
}
