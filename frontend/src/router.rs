//! Client-side routing on the History API.
//!
//! `leptos_router` would add a dependency and weight to the bundle for what the app
//! needs: a handful of fixed paths with at most one parameter. Here the current
//! [`Location`] (path and query) is one signal; [`Route::parse`] maps the path to a page;
//! clicks on same-origin links and the browser's back/forward buttons update the signal
//! with `history.pushState` / `popstate`. The server answers every path without an
//! extension with `index.html`, so each URL also works when opened directly.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    /// `/carte`
    Carte,
    /// `/carte/ajouter`
    AddInitiative,
    /// `/initiatives/modifier/{token}`: the private edit link (`edit_url` of the API).
    EditInitiative(String),
    /// `/acteurs`
    Actors,
    /// `/acteurs/{id}`
    Actor(String),
    /// `/labels/{slug}/candidater`: an actor applies for a label (`?acteur=<id>`).
    LabelApply(String),
    /// `/labels/candidature/{token}`: the private page of a label application.
    LabelApplication(String),
    /// `/questionnaire` (the open campaign) or `/questionnaire/{campaign_id}`.
    Questionnaire(Option<String>),
    /// `/agenda`
    Agenda,
    /// `/agenda/evenement/{id}`
    Event(String),
    /// `/agenda/proposer`
    NewEvent,
    /// `/agenda/modifier/{token}`: the private edit link of an event.
    EditEvent(String),
    /// `/propositions`
    Proposals,
    /// `/propositions/nouvelle`
    NewProposal,
    /// `/propositions/{id}`
    Proposal(String),
    /// `/admin` and below: the staff console (`crate::admin`), with the path after
    /// `/admin/` (`""` for `/admin`, `moderation`, `connexion`…). The console parses it
    /// itself, so that its pages are added without touching this router.
    Admin(String),
    NotFound,
}

/// The entries of the main menu; a page belongs to at most one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Carte,
    Actors,
    Questionnaire,
    Proposals,
    Agenda,
}

impl Route {
    /// The page at `path` (the URL path, without query or fragment).
    pub fn parse(path: &str) -> Route {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match segments.as_slice() {
            [] => Route::Home,
            ["carte"] => Route::Carte,
            ["carte", "ajouter"] => Route::AddInitiative,
            ["initiatives", "modifier", token] => Route::EditInitiative((*token).to_owned()),
            ["acteurs"] => Route::Actors,
            ["acteurs", id] => Route::Actor((*id).to_owned()),
            ["labels", "candidature", token] => Route::LabelApplication((*token).to_owned()),
            ["labels", slug, "candidater"] => Route::LabelApply((*slug).to_owned()),
            ["questionnaire"] => Route::Questionnaire(None),
            ["questionnaire", id] => Route::Questionnaire(Some((*id).to_owned())),
            ["agenda"] => Route::Agenda,
            ["agenda", "evenement", id] => Route::Event((*id).to_owned()),
            ["agenda", "proposer"] => Route::NewEvent,
            ["agenda", "modifier", token] => Route::EditEvent((*token).to_owned()),
            ["propositions"] => Route::Proposals,
            ["propositions", "nouvelle"] => Route::NewProposal,
            ["propositions", id] => Route::Proposal((*id).to_owned()),
            ["admin", rest @ ..] => Route::Admin(rest.join("/")),
            _ => Route::NotFound,
        }
    }

    /// The path of this page (`NotFound` has none and gives `/`).
    pub fn path(&self) -> String {
        match self {
            Route::Home | Route::NotFound => "/".to_owned(),
            Route::Carte => "/carte".to_owned(),
            Route::AddInitiative => "/carte/ajouter".to_owned(),
            Route::EditInitiative(token) => {
                format!("/initiatives/modifier/{}", percent_encode(token))
            }
            Route::Actors => "/acteurs".to_owned(),
            Route::Actor(id) => format!("/acteurs/{}", percent_encode(id)),
            Route::LabelApply(slug) => format!("/labels/{}/candidater", percent_encode(slug)),
            Route::LabelApplication(token) => {
                format!("/labels/candidature/{}", percent_encode(token))
            }
            Route::Questionnaire(None) => "/questionnaire".to_owned(),
            Route::Questionnaire(Some(id)) => format!("/questionnaire/{}", percent_encode(id)),
            Route::Agenda => "/agenda".to_owned(),
            Route::Event(id) => format!("/agenda/evenement/{}", percent_encode(id)),
            Route::NewEvent => "/agenda/proposer".to_owned(),
            Route::EditEvent(token) => format!("/agenda/modifier/{}", percent_encode(token)),
            Route::Proposals => "/propositions".to_owned(),
            Route::NewProposal => "/propositions/nouvelle".to_owned(),
            Route::Proposal(id) => format!("/propositions/{}", percent_encode(id)),
            Route::Admin(rest) if rest.is_empty() => "/admin".to_owned(),
            Route::Admin(rest) => format!(
                "/admin/{}",
                rest.split('/')
                    .map(percent_encode)
                    .collect::<Vec<_>>()
                    .join("/")
            ),
        }
    }

    /// The menu entry to mark as current (`aria-current`) on this page.
    pub fn section(&self) -> Option<Section> {
        match self {
            Route::Home => Some(Section::Home),
            Route::Carte | Route::AddInitiative | Route::EditInitiative(_) => Some(Section::Carte),
            Route::Actors | Route::Actor(_) | Route::LabelApply(_) | Route::LabelApplication(_) => {
                Some(Section::Actors)
            }
            Route::Questionnaire(_) => Some(Section::Questionnaire),
            Route::Proposals | Route::NewProposal | Route::Proposal(_) => Some(Section::Proposals),
            Route::Agenda | Route::Event(_) | Route::NewEvent | Route::EditEvent(_) => {
                Some(Section::Agenda)
            }
            Route::Admin(_) | Route::NotFound => None,
        }
    }

    /// Whether this page belongs to the staff console (its own frame, no public menu).
    pub fn is_admin(&self) -> bool {
        matches!(self, Route::Admin(_))
    }
}

/// Where the app is: the URL path and query (without `?`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub path: String,
    pub query: String,
}

impl Location {
    /// The value of `key` in the query, decoded.
    pub fn param(&self, key: &str) -> Option<String> {
        query_param(&self.query, key)
    }
}

/// The router's state, shared through the Leptos context.
#[derive(Debug, Clone, Copy)]
pub struct Router {
    pub location: RwSignal<Location>,
}

thread_local! {
    /// The app's router, for code that runs outside the component tree (event handlers,
    /// async tasks), where the Leptos context is not available.
    static ROUTER: std::cell::Cell<Option<Router>> = const { std::cell::Cell::new(None) };
}

/// The router of the running app.
pub fn use_router() -> Router {
    ROUTER
        .with(std::cell::Cell::get)
        .unwrap_or_else(expect_context::<Router>)
}

/// The current location, read reactively.
pub fn use_location() -> Signal<Location> {
    let router = use_router();
    Signal::derive(move || router.location.get())
}

fn browser_location() -> Location {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return Location::default();
    };
    Location {
        path: location.pathname().unwrap_or_else(|_| "/".to_owned()),
        query: location
            .search()
            .unwrap_or_default()
            .trim_start_matches('?')
            .to_owned(),
    }
}

fn history() -> Option<web_sys::History> {
    web_sys::window()?.history().ok()
}

/// Creates the router, provides it as context and starts following links and the
/// back/forward buttons. Called once, by the root component.
pub fn provide_router() -> Router {
    let router = Router {
        location: RwSignal::new(browser_location()),
    };
    provide_context(router);
    ROUTER.with(|cell| cell.set(Some(router)));

    // Back and forward buttons.
    let handle = window_event_listener(leptos::ev::popstate, move |_| {
        router.location.set(browser_location());
        after_navigation();
    });
    // Links: same-origin `<a href>` clicks become pushState navigations.
    let click = window_event_listener(leptos::ev::click, move |event| {
        if let Some(href) = internal_link_target(&event) {
            event.prevent_default();
            navigate(&href);
        }
    });
    on_cleanup(move || {
        handle.remove();
        click.remove();
    });
    router
}

/// The `path?query#hash` of the link this click follows, when the app should handle it
/// itself: a plain left click on a same-origin link to a page of the app (not `/api/`,
/// not a download, not a new window, not a fragment of the same page).
fn internal_link_target(event: &web_sys::MouseEvent) -> Option<String> {
    if event.default_prevented()
        || event.button() != 0
        || event.meta_key()
        || event.ctrl_key()
        || event.shift_key()
        || event.alt_key()
    {
        return None;
    }
    let anchor = event
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    if !anchor.target().is_empty() || anchor.has_attribute("download") {
        return None;
    }
    let here = web_sys::window()?.location();
    if anchor.origin() != here.origin().ok()? {
        return None;
    }
    let path = anchor.pathname();
    if path.starts_with("/api/") || path.rsplit('/').next().is_some_and(|s| s.contains('.')) {
        return None;
    }
    let search = anchor.search();
    let hash = anchor.hash();
    let same_page = path == here.pathname().ok()? && search == here.search().ok()?;
    if same_page && !hash.is_empty() {
        return None; // e.g. the skip link: the browser scrolls and moves the focus
    }
    Some(format!("{path}{search}{hash}"))
}

/// Goes to `href` (`/path?query`), adding a history entry.
pub fn navigate(href: &str) {
    if let Some(history) = history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href));
    }
    if let Some(router) = ROUTER.with(std::cell::Cell::get) {
        router.location.set(browser_location());
    }
    after_navigation();
}

/// Replaces the query of the current page (filters), without a new history entry and
/// without moving the focus.
pub fn replace_query(query: &str) {
    let Some(router) = ROUTER.with(std::cell::Cell::get) else {
        return;
    };
    let path = router.location.with_untracked(|l| l.path.clone());
    let href = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    if let Some(history) = history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&href));
    }
    router.location.set(browser_location());
}

/// After a page change: back to the top, and the focus on `<main>` so that keyboard and
/// screen reader users start reading the new page (the page title changes too).
fn after_navigation() {
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
    crate::browser::after_render(|| crate::browser::focus_id(crate::app::MAIN_ID));
}

/// The value of `key` in a query string (`a=1&b=x%20y`), decoded (`+` is a space).
pub fn query_param(query: &str, key: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(&k.replace('+', " ")) == key)
                .then(|| percent_decode(&v.replace('+', " ")))
        })
        .next()
}

/// A query string from pairs, skipping empty values: `[("q","a b"),("x","")]` → `q=a%20b`.
pub fn build_query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The query string of a list's page: `pairs` (empty values left out), then `page` when
/// past the first.
pub fn paged_query(pairs: &[(&str, &str)], page: u64) -> String {
    let page = if page > 1 {
        page.to_string()
    } else {
        String::new()
    };
    let mut all = pairs.to_vec();
    all.push(("page", &page));
    build_query(&all)
}

/// The API's URL of a list: `path` with `query` (a [`paged_query`]) and `per_page`.
pub fn list_api_url(path: &str, query: &str, per_page: u64) -> String {
    if query.is_empty() {
        format!("{path}?per_page={per_page}")
    } else {
        format!("{path}?{query}&per_page={per_page}")
    }
}

/// The page number of a list's address (`page`, from 1; 1 when absent or not a number).
pub fn page_param(location: &Location) -> u64 {
    location
        .param("page")
        .and_then(|p| p.trim().parse().ok())
        .filter(|&p| p >= 1)
        .unwrap_or(1)
}

/// `path` followed by `?query` when the query is not empty.
pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let query = build_query(pairs);
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes `%XX` sequences (invalid ones are kept as they are; invalid UTF-8 is replaced).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let hex = |k: usize| bytes.get(k).and_then(|b| char::from(*b).to_digit(16));
        match (byte, hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 3;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_its_path() {
        let routes = [
            ("/", Route::Home),
            ("/carte", Route::Carte),
            ("/carte/ajouter", Route::AddInitiative),
            (
                "/initiatives/modifier/abc-123",
                Route::EditInitiative("abc-123".into()),
            ),
            ("/acteurs", Route::Actors),
            ("/acteurs/a1", Route::Actor("a1".into())),
            (
                "/labels/anti-solitude/candidater",
                Route::LabelApply("anti-solitude".into()),
            ),
            (
                "/labels/candidature/tok-1",
                Route::LabelApplication("tok-1".into()),
            ),
            ("/questionnaire", Route::Questionnaire(None)),
            (
                "/questionnaire/c-1",
                Route::Questionnaire(Some("c-1".into())),
            ),
            ("/propositions", Route::Proposals),
            ("/propositions/nouvelle", Route::NewProposal),
            ("/propositions/p1", Route::Proposal("p1".into())),
            ("/admin", Route::Admin(String::new())),
            ("/admin/moderation", Route::Admin("moderation".into())),
            ("/admin/connexion", Route::Admin("connexion".into())),
        ];
        for (path, route) in routes {
            assert_eq!(Route::parse(path), route, "{path}");
            assert_eq!(route.path(), path);
        }
    }

    #[test]
    fn unknown_paths_are_not_found_and_slashes_are_forgiven() {
        assert_eq!(Route::parse("/carte/"), Route::Carte);
        assert_eq!(Route::parse("//propositions//"), Route::Proposals);
        assert_eq!(Route::parse("/nimportequoi"), Route::NotFound);
        assert_eq!(Route::parse("/acteurs/a/b"), Route::NotFound);
        assert_eq!(Route::NotFound.section(), None);
        assert_eq!(
            Route::Proposal("x".into()).section(),
            Some(Section::Proposals)
        );
        assert_eq!(Route::AddInitiative.section(), Some(Section::Carte));
    }

    #[test]
    fn a_list_page_is_in_its_query_past_the_first() {
        assert_eq!(
            paged_query(&[("theme", "a b"), ("commune", "")], 1),
            "theme=a%20b"
        );
        assert_eq!(paged_query(&[("theme", "")], 3), "page=3");
        assert_eq!(list_api_url("/api/v1/x", "", 10), "/api/v1/x?per_page=10");
        assert_eq!(
            list_api_url("/api/v1/x", "q=a", 10),
            "/api/v1/x?q=a&per_page=10"
        );
        let at = |query: &str| Location {
            query: query.to_owned(),
            ..Location::default()
        };
        assert_eq!(page_param(&at("?page=4")), 4);
        assert_eq!(page_param(&at("?page=0")), 1);
        assert_eq!(page_param(&at("?page=x")), 1);
        assert_eq!(page_param(&at("")), 1);
    }

    #[test]
    fn ids_are_percent_encoded_both_ways() {
        let route = Route::Actor("é x/y".into());
        assert_eq!(route.path(), "/acteurs/%C3%A9%20x%2Fy");
        assert_eq!(Route::parse(&route.path()), route);
    }

    #[test]
    fn queries_are_read_and_built() {
        assert_eq!(
            query_param("?a=1&q=aide+%C3%A0%20domicile", "q").as_deref(),
            Some("aide à domicile")
        );
        assert_eq!(query_param("a=1&b", "b").as_deref(), Some(""));
        assert_eq!(query_param("a=1", "z"), None);
        assert_eq!(
            build_query(&[("q", "a b&c"), ("theme", ""), ("tri", "recent")]),
            "q=a%20b%26c&tri=recent"
        );
        assert_eq!(with_query("/propositions", &[("q", "")]), "/propositions");
        assert_eq!(
            with_query("/propositions", &[("q", "x")]),
            "/propositions?q=x"
        );
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
