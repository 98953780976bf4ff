//! Serves the built web app from `Settings::frontend_dir`. Client-side routes (any path
//! that is not a file and has no extension) fall back to `index.html`.

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use actix_files::NamedFile;
use actix_web::{http::header, web, HttpRequest, HttpResponse, Responder};

use crate::{
    first_screen, security_headers,
    snapshot::{Snapshot, Tagged},
    state::AppState,
};

pub async fn serve_frontend(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if req.method() != actix_web::http::Method::GET && req.method() != actix_web::http::Method::HEAD
    {
        return HttpResponse::MethodNotAllowed().finish();
    }
    let dir = &state.settings.frontend_dir;
    let Some(relative) = safe_relative_path(req.path()) else {
        return HttpResponse::NotFound().body("Introuvable");
    };
    let candidate = dir.join(&relative);
    if candidate.is_file() {
        if relative == Path::new(SERVICE_WORKER) {
            return service_worker_response(&candidate, &req);
        }
        return file_response(&candidate, &req, cache_control(&relative));
    }
    if relative.extension().is_some() {
        return HttpResponse::NotFound().body("Introuvable");
    }
    let index = dir.join("index.html");
    if !index.is_file() {
        return not_built_response();
    }
    match std::fs::read_to_string(&index) {
        Ok(html) => page_response(&req, &state, &html).await,
        Err(err) => {
            tracing::error!(error = %err, path = %index.display(), "cannot read the app's page");
            HttpResponse::InternalServerError().finish()
        }
    }
}

fn not_built_response() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/html; charset=utf-8")
        .body(
            "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Solidarités</title>\
             <h1>Solidarités</h1><p>L'application web n'est pas encore construite sur ce serveur. \
             L'API répond sous <code>/api/v1</code>. Pour construire l'application : \
             <code>cargo xtask frontend</code>.</p></html>",
        )
}

/// Files that never change under their name: Leaflet under `vendor/<package>-<version>/`
/// (crates/xtask/src/vendor.rs) and every file named with a hash of its content
/// ([`is_content_hashed`]). A browser keeps them a year without asking again; the rest
/// (manifest, icons) is revalidated at each use.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "public, max-age=0, must-revalidate";

fn cache_control(relative: &Path) -> &'static str {
    if relative.starts_with("vendor") || is_content_hashed(relative) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// Whether the file name carries a hash of its content, as `cargo xtask frontend` writes
/// them (crates/xtask/src/frontend/names.rs): 16 lower-case hexadecimal digits between
/// the last two dots, `style.0123456789abcdef.css`.
fn is_content_hashed(relative: &Path) -> bool {
    let Some(name) = relative.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    let mut parts = name.rsplit('.');
    let (Some(_extension), Some(hash), Some(_stem)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    hash.len() == 16
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The app's page for a route: `index.html` with the modules of the route's lazy area
/// preloaded ([`route_preloads`]) and, on the main public pages, the route's first screen
/// ([`first_screen`]), revalidated at each visit (`no-cache`, with an ETag),
/// under a policy that allows its own inline start-up script, by hash.
async fn page_response(req: &HttpRequest, state: &AppState, html: &str) -> HttpResponse {
    let preloads = route_preloads(&state.preloads, &state.settings.frontend_dir, req.path()).await;
    let mut html = with_preloads(html, &preloads);
    if let Some(screen) = first_screen::render(state, req.path()).await {
        html = first_screen::insert(&html, &screen);
    }
    let etag = page_etag(&html);
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::ETAG, etag));
    // On a 304 too: the browser updates its copy's headers with those of the 304, and
    // without it the files' policy (`default-src 'none'`) would replace the page's.
    let hashes = security_headers::inline_script_hashes(&html);
    let policy = security_headers::page_policy(hashes.iter().map(String::as_str));
    if let Ok(value) = header::HeaderValue::from_str(&policy) {
        response.insert_header((header::CONTENT_SECURITY_POLICY, value));
    }
    if not_modified {
        return response.finish();
    }
    response.content_type("text/html; charset=utf-8").body(html)
}

/// A strong ETag of the page as sent: the first 16 bytes of its SHA-256, in hex.
fn page_etag(html: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(html.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// `dist/preload.json`, written by `cargo xtask frontend`: for each lazy area, the URLs of
/// its modules.
const PRELOAD_MANIFEST: &str = "preload.json";

/// Each lazy area's module URLs, as `preload.json` lists them.
type Areas = HashMap<String, Vec<String>>;

/// [`PRELOAD_MANIFEST`] as last read: the project's one revisioned [`Snapshot`], with the
/// file's stamp (modification time and size, `None` without a file) as its revision. A
/// new build rewrites the file and it is read again; otherwise a page costs one `stat`.
pub type PreloadCache = Snapshot<Tagged<Option<FileStamp>, Areas>>;

type FileStamp = (SystemTime, u64);

/// An empty cache: no manifest read yet.
pub fn preload_cache() -> PreloadCache {
    Snapshot::new(Tagged {
        revision: None,
        value: Areas::new(),
    })
}

fn file_stamp(path: &Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// The manifest at `path` with the stamp read before it; no areas when it is missing or
/// unreadable (no preloads, the pages work without them).
fn read_areas(path: &Path) -> Tagged<Option<FileStamp>, Areas> {
    let revision = file_stamp(path);
    let value = match std::fs::read(path).map(|bytes| serde_json::from_slice(&bytes)) {
        Ok(Ok(areas)) => areas,
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "unreadable {PRELOAD_MANIFEST}: no preloads");
            Areas::new()
        }
        Err(_) => Areas::new(),
    };
    Tagged { revision, value }
}

/// The URLs of the modules the page at `path` needs beyond the main module, from
/// [`PRELOAD_MANIFEST`]; none for the pages of the main module, or when the build has no
/// manifest.
async fn route_preloads(preloads: &PreloadCache, dir: &Path, path: &str) -> Vec<String> {
    let Some(area) = lazy_area(path) else {
        return Vec::new();
    };
    let manifest = dir.join(PRELOAD_MANIFEST);
    let Ok(_) = preloads
        .refresh(
            || async { Ok::<_, Infallible>(file_stamp(&manifest)) },
            || async { Ok(read_areas(&manifest)) },
        )
        .await;
    preloads
        .current()
        .value
        .get(area)
        .into_iter()
        .flatten()
        // Our build's URLs; anything else is not written into the page.
        .filter(|url| {
            url.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/._-:".contains(&b))
        })
        .cloned()
        .collect()
}

/// `html` with a `<link rel="preload">` per URL of a `.wasm` module, fetched as
/// `__wasm_split.js` fetches it (`fetch()`: CORS mode, same-origin credentials), so that
/// the browser uses the preloaded answer. They go into the page's inert template of
/// preloads ([`PRELOADS_TEMPLATE`]), which the start-up script puts into the page after
/// its first frame, beside the main module's; before `</head>` in a page without one.
/// Each link carries `data-route` so that the service worker can keep the page without
/// them (sw.js).
fn with_preloads(html: &str, urls: &[String]) -> String {
    let at = html
        .find(PRELOADS_TEMPLATE)
        .and_then(|start| html[start..].find("</template>").map(|end| start + end))
        .or_else(|| html.find("</head>"));
    let Some(at) = at else {
        return html.to_owned();
    };
    let mut links = String::new();
    for url in urls {
        links.push_str(&format!(
            "<link rel=\"preload\" href=\"{url}\" as=\"fetch\" type=\"application/wasm\" crossorigin data-route>\n  "
        ));
    }
    format!("{}{links}{}", &html[..at], &html[at..])
}

/// How `cargo xtask frontend` opens the template of the page's preloads
/// (crates/xtask/src/frontend.rs, `assets_html`).
const PRELOADS_TEMPLATE: &str = "<template id=\"prechargements\">";

/// The lazy area (a `#[lazy]` function of `frontend/src/pages/lazy.rs`) that shows the
/// page at `path`, as the web app's router reads paths (`frontend/src/router.rs`,
/// `Route::parse`); `None` for the pages of the main module (the map, « page
/// introuvable »). `serves_the_built_leptos_app` (tests/api/frontend.rs) checks that the
/// build has each of these areas.
fn lazy_area(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] => Some("area_home"),
        ["carte", "ajouter"] | ["initiatives", "modifier", _] => Some("area_initiative_form"),
        ["acteurs"]
        | ["acteurs", _]
        | ["labels", "candidature", _]
        | ["labels", _, "candidater"] => Some("area_actors"),
        ["questionnaire"] | ["questionnaire", _] => Some("area_questionnaire"),
        ["propositions"] | ["propositions", _] => Some("area_proposals"),
        ["agenda"]
        | ["agenda", "evenement", _]
        | ["agenda", "proposer"]
        | ["agenda", "modifier", _] => Some("area_agenda"),
        ["admin", ..] => Some("area_admin"),
        _ => None,
    }
}

/// Every area [`lazy_area`] names.
pub const LAZY_AREAS: &[&str] = &[
    "area_home",
    "area_initiative_form",
    "area_actors",
    "area_questionnaire",
    "area_proposals",
    "area_agenda",
    "area_admin",
];

/// The service worker of the web app (`frontend/sw.js`, written into `dist/` by `cargo
/// xtask frontend`), at the root so that its scope is the whole site.
const SERVICE_WORKER: &str = "sw.js";

/// Policy of the service worker: a worker runs under the policy of its own script, and
/// the files' `default-src 'none'` would forbid it to fetch anything, even from us.
pub const SERVICE_WORKER_POLICY: &str =
    "default-src 'none'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The service worker: never kept in a cache (`no-cache`: the browser asks each time
/// whether a new version is there), under [`SERVICE_WORKER_POLICY`].
fn service_worker_response(path: &Path, req: &HttpRequest) -> HttpResponse {
    let mut response = file_response(path, req, "no-cache");
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(SERVICE_WORKER_POLICY),
    );
    response
}

fn file_response(path: &Path, req: &HttpRequest, cache: &'static str) -> HttpResponse {
    match NamedFile::open(path) {
        Ok(file) => {
            let mut response = file.respond_to(req).map_into_boxed_body();
            if let Ok(value) = header::HeaderValue::from_str(cache) {
                response.headers_mut().insert(header::CACHE_CONTROL, value);
            }
            response
        }
        Err(err) => {
            tracing::error!(error = %err, path = %path.display(), "cannot open frontend file");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// The request path as a relative path with only normal components (no `..`, no root, no
/// hidden files); `None` when it tries to leave the folder.
fn safe_relative_path(request_path: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for segment in request_path.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains('\\') {
            return None;
        }
        match Path::new(segment).components().next() {
            Some(Component::Normal(part)) => out.push(part),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_folder() {
        assert_eq!(safe_relative_path("/"), Some(PathBuf::new()));
        assert_eq!(safe_relative_path("/a/b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(safe_relative_path("/../etc/passwd"), None);
        assert_eq!(safe_relative_path("/.git/config"), None);
        assert_eq!(safe_relative_path("/a\\..\\b"), None);
    }

    #[test]
    fn content_hashed_names_are_recognised() {
        for name in [
            "style.0123456789abcdef.css",
            "snippets/x-1/js/carte.0123456789abcdef.js",
            "split_area_home_12.fedcba9876543210.wasm",
        ] {
            assert!(is_content_hashed(Path::new(name)), "{name}");
        }
        for name in [
            "style.css",
            "sw.js",
            "0123456789abcdef.css",
            "style.0123456789ABCDEF.css",
            "style.0123456789abcde.css",
            "icons/icon-192.png",
        ] {
            assert!(!is_content_hashed(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn each_route_preloads_its_area() {
        assert_eq!(lazy_area("/"), Some("area_home"));
        assert_eq!(lazy_area("/carte"), None);
        assert_eq!(lazy_area("/carte/ajouter"), Some("area_initiative_form"));
        assert_eq!(lazy_area("/questionnaire"), Some("area_questionnaire"));
        assert_eq!(lazy_area("/propositions/abc"), Some("area_proposals"));
        assert_eq!(lazy_area("/labels/x/candidater"), Some("area_actors"));
        assert_eq!(lazy_area("/admin/moderation"), Some("area_admin"));
        assert_eq!(lazy_area("/nulle/part"), None);
        let html = with_preloads("<head>\n</head>", &["/a.0.wasm".to_owned()]);
        assert!(html.starts_with("<head>\n<link rel=\"preload\" href=\"/a.0.wasm\" as=\"fetch\""));
        assert!(html.ends_with("</head>"));
        // Into the inert template when the page has one.
        let page = "<head><template id=\"prechargements\">\n<link rel=\"modulepreload\" href=\"/m.js\">\n</template><template></template></head>";
        let html = with_preloads(page, &["/a.0.wasm".to_owned()]);
        assert!(html.starts_with("<head><template id=\"prechargements\">\n<link rel=\"modulepreload\" href=\"/m.js\">\n<link rel=\"preload\" href=\"/a.0.wasm\""));
        assert!(
            html.ends_with("data-route>\n  </template><template></template></head>"),
            "{html}"
        );
    }

    #[tokio::test]
    async fn the_preload_manifest_is_read_again_when_a_build_replaces_it() {
        let dir = tempfile::tempdir().unwrap();
        let cache = preload_cache();
        assert!(route_preloads(&cache, dir.path(), "/").await.is_empty());
        let manifest = dir.path().join(PRELOAD_MANIFEST);
        std::fs::write(&manifest, r#"{"area_home":["/a.0.wasm"]}"#).unwrap();
        assert_eq!(route_preloads(&cache, dir.path(), "/").await, ["/a.0.wasm"]);
        assert_eq!(route_preloads(&cache, dir.path(), "/").await, ["/a.0.wasm"]);
        assert!(route_preloads(&cache, dir.path(), "/carte")
            .await
            .is_empty());
        std::fs::write(&manifest, r#"{"area_home":["/b.1.wasm","/c<.wasm"]}"#).unwrap();
        assert_eq!(route_preloads(&cache, dir.path(), "/").await, ["/b.1.wasm"]);
    }
}
