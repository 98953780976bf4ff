//! Browser security headers on every response: a Content-Security-Policy, framing
//! refused (clickjacking), HSTS over HTTPS, and staff answers never cached.

use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderValue},
    middleware::Next,
    ResponseError,
};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy of everything that is not the web app's HTML page (JSON, files): nothing
/// may be loaded or run in its name, and nobody may frame it.
pub const API_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// One year, in seconds: how long a browser keeps to HTTPS once told.
const HSTS: &str = "max-age=31536000";

/// The policy of the web app's HTML page, allowing the inline scripts whose SHA-256
/// `hashes` are given (the start-up script `cargo xtask frontend` writes into
/// `index.html`).
///
/// - scripts: our own files and those inline scripts only; `'wasm-unsafe-eval'` lets
///   the browser compile our WebAssembly modules (and nothing else: no `eval`);
/// - styles: our own files, and `style` attributes that Leaflet and the app set;
/// - images: our own, `data:` (Leaflet's icons) and any HTTPS tile server (the tile URL is
///   a setting);
/// - requests: our own API only; no plug-ins; no framing; forms post to us only.
pub fn page_policy<'a>(hashes: impl IntoIterator<Item = &'a str>) -> String {
    let mut scripts = String::from("'self' 'wasm-unsafe-eval'");
    for hash in hashes {
        scripts.push_str(" 'sha256-");
        scripts.push_str(hash);
        scripts.push('\'');
    }
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob: https:; font-src 'self'; connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Base64 SHA-256 of each inline `<script>` of an HTML page (those without `src`), as
/// a Content-Security-Policy `'sha256-…'` source takes them.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let open_tag = &after[..open_end];
        let body_start = &after[open_end + 1..];
        let Some(close) = body_start.find("</script>") else {
            break;
        };
        if !open_tag.contains(" src=") {
            let digest = Sha256::digest(&body_start.as_bytes()[..close]);
            hashes.push(base64::engine::general_purpose::STANDARD.encode(digest));
        }
        rest = &body_start[close..];
    }
    hashes
}

/// Adds the headers to every response (keeping a policy a handler set, e.g. the web app's
/// page with its script hashes).
pub async fn add_security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let https = req.connection_info().scheme().eq_ignore_ascii_case("https");
    let staff = is_staff_path(req.path());
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_POLICY),
        );
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if staff {
        // Staff answers hold accounts, the audit trail, internal notes, contacts: never
        // kept by a browser or a proxy.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// Longest query string accepted, in bytes: no filter of the API comes near it. Longer
/// ones get a `414` in the API's error shape (past 64 KiB the HTTP parser itself refuses
/// the request line, with a bare `400`, before any of our code runs).
pub const MAX_QUERY_LEN: usize = 8 * 1024;

/// Refuses query strings over [`MAX_QUERY_LEN`] with the API's JSON error body.
pub async fn limit_query_length(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if req.query_string().len() > MAX_QUERY_LEN {
        let response = crate::error::ApiError::UriTooLong.error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The staff API: sessions and everything under `/admin`.
fn is_staff_path(path: &str) -> bool {
    path.starts_with("/api/v1/admin") || path.starts_with("/api/v1/auth")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_inline_scripts_only() {
        let html = r#"<head><script type="module" src="/app.js"></script>
            <script type="module">import init from "/a.js";</script></head>"#;
        let hashes = inline_script_hashes(html);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(br#"import init from "/a.js";"#));
        assert_eq!(hashes, [expected]);
        assert!(page_policy(hashes.iter().map(String::as_str))
            .contains(&format!("'sha256-{}'", hashes[0])));
    }

    #[test]
    fn staff_paths_are_the_admin_and_session_routes() {
        assert!(is_staff_path("/api/v1/admin/users"));
        assert!(is_staff_path("/api/v1/auth/me"));
        assert!(!is_staff_path("/api/v1/initiatives"));
        assert!(!is_staff_path("/admin"));
    }
}
