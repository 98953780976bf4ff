//! Serves the built web app from `Settings::frontend_dir`. Client-side routes (any path
//! that is not a file and has no extension) fall back to `index.html`.

use std::path::{Component, Path, PathBuf};

use actix_files::NamedFile;
use actix_web::{http::header, web, HttpRequest, HttpResponse, Responder};

use crate::{security_headers, state::AppState};

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
        // `vendor/<package>-<version>/…` never changes content (see crates/xtask/src/vendor.rs).
        let cache = if relative.starts_with("vendor") {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=0, must-revalidate"
        };
        return file_response(&candidate, &req, cache);
    }
    if relative.extension().is_some() {
        return HttpResponse::NotFound().body("Introuvable");
    }
    let index = dir.join("index.html");
    if index.is_file() {
        let mut response = file_response(&index, &req, "no-cache");
        // The page's policy allows its own inline start-up script, by hash.
        if let Ok(html) = std::fs::read_to_string(&index) {
            let hashes = security_headers::inline_script_hashes(&html);
            let policy = security_headers::page_policy(hashes.iter().map(String::as_str));
            if let Ok(value) = header::HeaderValue::from_str(&policy) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, value);
            }
        }
        return response;
    }
    HttpResponse::ServiceUnavailable()
        .content_type("text/html; charset=utf-8")
        .body(
            "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>Solidarités</title>\
             <h1>Solidarités</h1><p>L'application web n'est pas encore construite sur ce serveur. \
             L'API répond sous <code>/api/v1</code>. Pour construire l'application : \
             <code>cargo xtask frontend</code>.</p></html>",
        )
}

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
    use super::safe_relative_path;
    use std::path::PathBuf;

    #[test]
    fn refuses_paths_that_leave_the_folder() {
        assert_eq!(safe_relative_path("/"), Some(PathBuf::new()));
        assert_eq!(safe_relative_path("/a/b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(safe_relative_path("/../etc/passwd"), None);
        assert_eq!(safe_relative_path("/.git/config"), None);
        assert_eq!(safe_relative_path("/a\\..\\b"), None);
    }
}
