//! Serving the web app: files from the frontend folder, client-side routes fall back to
//! `index.html`, the API keeps its JSON 404.

use std::path::PathBuf;

use reqwest::StatusCode;

use crate::helpers::{backends, spawn_app, spawn_app_with, test_settings, TestDb};

#[tokio::test]
async fn serves_files_and_falls_back_to_index_for_client_routes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Solidarités</title>",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let db = TestDb::create(&backends()[0]).await;
    let mut settings = test_settings(&db);
    settings.frontend_dir = dir.path().to_path_buf();
    let app = spawn_app_with(db, settings).await;

    for path in ["/", "/carte", "/questionnaire/abc"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("<title>Solidarités</title>"));
    }
    let res = app.get("/app.wasm").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(app.get("/missing.js").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/../Cargo.toml").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/missing").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn versioned_vendor_files_are_cached_for_long_and_the_rest_revalidated() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(dir.path().join("style.css"), "body{}").unwrap();
    let leaflet = dir.path().join("vendor").join("leaflet-1.9.4");
    std::fs::create_dir_all(&leaflet).unwrap();
    std::fs::write(leaflet.join("leaflet.js"), "window.L={};").unwrap();
    let db = TestDb::create(&backends()[0]).await;
    let mut settings = test_settings(&db);
    settings.frontend_dir = dir.path().to_path_buf();
    let app = spawn_app_with(db, settings).await;

    let res = app.get("/vendor/leaflet-1.9.4/leaflet.js").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(cache(&res), IMMUTABLE);
    let res = app.get("/style.css").await;
    assert_eq!(cache(&res), "public, max-age=0, must-revalidate");
    let res = app.get("/carte").await;
    assert_eq!(cache(&res), "no-cache");
    assert_eq!(
        app.get("/vendor/leaflet-1.9.4/missing.js").await.status(),
        StatusCode::NOT_FOUND
    );
}

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn cache(res: &reqwest::Response) -> String {
    res.headers()["cache-control"].to_str().unwrap().to_owned()
}

/// The `href` of each `<link rel="preload" … as="fetch" …>` of a page.
fn preloaded_fetches(html: &str) -> Vec<String> {
    html.split("<link ")
        .skip(1)
        .map(|tag| &tag[..tag.find('>').unwrap()])
        .filter(|tag| tag.contains(r#"rel="preload""#) && tag.contains(r#"as="fetch""#))
        .map(|tag| {
            let href = &tag[tag.find(r#"href=""#).unwrap() + 6..];
            href[..href.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// Issue 17, point 6: files named after their content (as `cargo xtask frontend` names
/// them) are kept a year; the page and the service worker are asked for at each visit; the
/// page of a route preloads the modules of the route's area, as `preload.json` lists them.
#[tokio::test]
async fn hashed_files_are_immutable_and_each_page_preloads_its_modules() {
    let dir = tempfile::tempdir().unwrap();
    let boot = "import init from \"/solidarites.0123456789abcdef.js\"; init();";
    std::fs::write(
        dir.path().join("index.html"),
        format!(
            "<!doctype html><html lang=\"fr\"><head>\n<link rel=\"preload\" \
             href=\"/solidarites_bg.00000000000000aa.wasm\" as=\"fetch\" crossorigin>\n\
             <script type=\"module\">{boot}</script>\n</head><body></body></html>"
        ),
    )
    .unwrap();
    let questionnaire = "/split_area_questionnaire_3.0123456789abcdef.wasm";
    let chunk = "/chunk_7.fedcba9876543210.wasm";
    let home = "/split_area_home_1.00112233445566ff.wasm";
    for (name, bytes) in [
        ("style.0123456789abcdef.css", &b"body{}"[..]),
        (
            "solidarites.0123456789abcdef.js",
            b"export default () => {};",
        ),
        (&questionnaire[1..], b"\0asm\x01\0\0\0"),
        (&chunk[1..], b"\0asm\x01\0\0\0"),
        (&home[1..], b"\0asm\x01\0\0\0"),
        ("sw.js", b"self.addEventListener('fetch', () => {});"),
        ("manifest.webmanifest", b"{}"),
    ] {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let manifest = serde_json::json!({
        "area_questionnaire": [questionnaire, chunk],
        "area_home": [home],
        "area_proposals": ["/x\"><script>alert(1)</script>.wasm"],
    });
    std::fs::write(dir.path().join("preload.json"), manifest.to_string()).unwrap();
    let db = TestDb::create(&backends()[0]).await;
    let mut settings = test_settings(&db);
    settings.frontend_dir = dir.path().to_path_buf();
    let app = spawn_app_with(db, settings).await;

    for path in [
        "/style.0123456789abcdef.css",
        "/solidarites.0123456789abcdef.js",
        questionnaire,
        chunk,
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(cache(&res), IMMUTABLE, "{path}");
    }
    assert_eq!(
        app.get(questionnaire).await.headers()["content-type"],
        "application/wasm"
    );
    assert_eq!(
        cache(&app.get("/manifest.webmanifest").await),
        "public, max-age=0, must-revalidate"
    );
    assert_eq!(cache(&app.get("/sw.js").await), "no-cache");

    // Each page: revalidated, with its area's modules preloaded beside the main module.
    let main = "/solidarites_bg.00000000000000aa.wasm".to_owned();
    for (path, expected) in [
        ("/questionnaire", vec![questionnaire, chunk]),
        ("/questionnaire/abc", vec![questionnaire, chunk]),
        ("/", vec![home]),
        ("/carte", vec![]),
        ("/page/inconnue", vec![]),
        // An entry that is not one of our URLs is left out.
        ("/propositions/abc", vec![]),
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(cache(&res), "no-cache", "{path}");
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = res.text().await.unwrap();
        let mut wanted = vec![main.clone()];
        wanted.extend(expected.iter().map(|u| (*u).to_owned()));
        assert_eq!(preloaded_fetches(&html), wanted, "{path}: {html}");
        assert!(!html.contains("alert"), "{html}");
        assert!(
            html.contains(&format!(r#"<link rel="preload" href="{}" as="fetch" type="application/wasm" crossorigin data-route>"#, wanted.last().unwrap()))
                || expected.is_empty(),
            "{html}"
        );
        // The start-up script is still allowed by its hash.
        use base64::Engine;
        use sha2::Digest;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(boot));
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    }

    // A page unchanged since the browser's copy: 304, nothing sent.
    let res = app.get("/questionnaire").await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .get_with_header("/questionnaire", "If-None-Match", &etag)
        .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(cache(&again), "no-cache");
    // The browser updates its copy's headers from the 304: the page's policy, not the
    // files' one, or the page could no longer start.
    let policy = again.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    // Another route's page differs (its preloads), so its tag does not match.
    let other = app.get_with_header("/", "If-None-Match", &etag).await;
    assert_eq!(other.status(), StatusCode::OK);
}

/// Issue 19: the service worker is asked for again at every visit (so that a new version
/// of the app is picked up) and may fetch from the site, which the files' policy forbids.
#[tokio::test]
async fn the_service_worker_is_never_cached_and_may_fetch_from_the_site() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(
        dir.path().join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.js"), "export {};").unwrap();
    let db = TestDb::create(&backends()[0]).await;
    let mut settings = test_settings(&db);
    settings.frontend_dir = dir.path().to_path_buf();
    let app = spawn_app_with(db, settings).await;

    let res = app.get("/sw.js").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let policy = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    // Other files keep the policy that forbids everything.
    let res = app.get("/app.js").await;
    let policy = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(!policy.contains("connect-src"), "{policy}");
}

#[tokio::test]
async fn explains_in_french_when_the_app_is_not_built() {
    let db = TestDb::create(&backends()[0]).await;
    let app = spawn_app(db).await;
    let res = app.get("/").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.text().await.unwrap().contains("pas encore construite"));
}

/// The real WASM app built by `cargo xtask frontend` (run by `cargo xtask test`, which
/// passes `--include-ignored`).
#[tokio::test]
#[ignore = "needs the WASM build: run through `cargo xtask test`"]
async fn serves_the_built_leptos_app() {
    let dist = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../frontend/dist");
    assert!(
        dist.join("index.html").is_file(),
        "frontend/dist/index.html missing: run `cargo xtask frontend`"
    );
    let db = TestDb::create(&backends()[0]).await;
    let mut settings = test_settings(&db);
    settings.frontend_dir = dist.clone();
    let app = spawn_app_with(db, settings).await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("<title>Solidarités</title>"), "{html}");
    assert!(html.contains("lang=\"fr\""));
    let wasm = std::fs::read_dir(&dist)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "wasm"))
        .expect("a .wasm file in frontend/dist");
    let res = app
        .get(&format!("/{}", wasm.file_name().to_string_lossy()))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert!(res.bytes().await.unwrap().starts_with(b"\0asm"));

    // Leaflet and its clustering plug-in are served by us (no CDN), listed for carte.js.
    let start = html
        .find(r#"<script type="application/json" id="carte-assets">"#)
        .expect("the carte-assets block in index.html");
    let block = &html[start..];
    let json = &block[block.find('>').unwrap() + 1..block.find("</script>").unwrap()];
    let assets: serde_json::Value = serde_json::from_str(json).unwrap();
    let urls: Vec<&str> = ["css", "js"]
        .iter()
        .flat_map(|k| assets[k].as_array().unwrap())
        .map(|u| u.as_str().unwrap())
        .collect();
    assert!(urls.iter().any(|u| u.ends_with("/leaflet.js")), "{urls:?}");
    assert!(
        urls.iter()
            .any(|u| u.ends_with("/leaflet.markercluster.js")),
        "{urls:?}"
    );
    for url in urls {
        assert!(url.starts_with("/vendor/"), "{url}");
        let res = app.get(url).await;
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        assert!(res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable"));
    }

    // Issue 17, point 6: every file the page names is named after its content and kept a
    // year; each lazy area the server preloads for is in the build, its modules too.
    for url in html
        .split(['"', '\''])
        .filter(|s| {
            s.starts_with('/')
                && (s.ends_with(".js") || s.ends_with(".css") || s.ends_with(".wasm"))
        })
        .filter(|s| !s.starts_with("/vendor/"))
    {
        let res = app.get(url).await;
        assert_eq!(res.status(), StatusCode::OK, "{url}");
        assert_eq!(cache(&res), IMMUTABLE, "{url}");
    }
    let preload: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join("preload.json")).unwrap()).unwrap();
    for area in solidarites_server::routes::LAZY_AREAS {
        let modules = preload[area]
            .as_array()
            .unwrap_or_else(|| panic!("{area} in preload.json"));
        assert!(!modules.is_empty(), "{area}");
        for url in modules {
            let res = app.get(url.as_str().unwrap()).await;
            assert_eq!(res.status(), StatusCode::OK, "{url}");
            assert_eq!(cache(&res), IMMUTABLE, "{url}");
        }
    }
    let page = app.get("/questionnaire").await.text().await.unwrap();
    let questionnaire: Vec<String> = preload["area_questionnaire"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect();
    for url in &questionnaire {
        assert!(preloaded_fetches(&page).contains(url), "{url}: {page}");
    }
    assert_eq!(cache(&app.get("/sw.js").await), "no-cache");
}

fn header(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// Clickjacking, script injection and cached staff data: the headers every answer carries,
/// on the web app's page, its files and the API, anonymous and signed in.
#[tokio::test]
async fn every_answer_carries_the_browser_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let boot = "\n      import init from \"/solidarites.js\";\n      init();\n    ";
    std::fs::write(
        dir.path().join("index.html"),
        format!("<!doctype html><head><script type=\"module\">{boot}</script></head>"),
    )
    .unwrap();
    std::fs::write(dir.path().join("style.css"), "body{}").unwrap();
    let db = TestDb::create(&backends()[0]).await;
    let mut settings = test_settings(&db);
    settings.frontend_dir = dir.path().to_path_buf();
    let app = spawn_app_with(db, settings).await;

    // The page: its inline start-up script allowed by hash, WebAssembly allowed, no framing.
    let res = app.get("/admin/moderation").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = header(&res, "content-security-policy").unwrap();
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(boot));
    for part in [
        format!("'sha256-{hash}'"),
        "'wasm-unsafe-eval'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
        "object-src 'none'".to_owned(),
    ] {
        assert!(csp.contains(&part), "{part} missing from {csp}");
    }
    assert!(!csp.contains("'unsafe-eval'") && !csp.contains("script-src 'self' 'unsafe-inline'"));
    assert_eq!(header(&res, "x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(
        header(&res, "strict-transport-security"),
        None,
        "plain HTTP"
    );

    // Files and the API: the strictest policy, no framing.
    for path in [
        "/style.css",
        "/api/v1/health",
        "/api/v1/missing",
        "/api/v1/themes",
    ] {
        let res = app.get(path).await;
        assert_eq!(
            header(&res, "content-security-policy").as_deref(),
            Some(solidarites_server::security_headers::API_POLICY),
            "{path}"
        );
        assert_eq!(
            header(&res, "x-frame-options").as_deref(),
            Some("DENY"),
            "{path}"
        );
    }

    // Over HTTPS (a proxy says so): HSTS.
    let res = app
        .get_with_header("/api/v1/health", "X-Forwarded-Proto", "https")
        .await;
    assert_eq!(
        header(&res, "strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );

    // Staff answers are never stored by a browser or a proxy, whatever the route.
    let admin = app.login_as(solidarites_server::auth::Role::Admin).await;
    for path in [
        "/api/v1/auth/me",
        "/api/v1/admin/users",
        "/api/v1/admin/audit",
        "/api/v1/admin/moderation",
        "/api/v1/admin/proposals",
        "/api/v1/admin/questionnaires",
        "/api/v1/admin/campaigns",
        "/api/v1/admin/volunteers",
        "/api/v1/admin/labels",
        "/api/v1/admin/indicators",
        "/api/v1/admin/zones?level=canton",
    ] {
        let res = admin.get(path).await;
        assert!(res.status().is_success(), "{path}: {}", res.status());
        assert_eq!(
            header(&res, "cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
    // Refused answers too.
    let res = app.get("/api/v1/admin/users").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&res, "cache-control").as_deref(), Some("no-store"));
}

/// The main public pages carry their first screen (frame and top of the page, from the
/// database where it shows data), escaped, with the current menu entry; other pages and
/// unknown proposals have none.
#[tokio::test]
async fn main_public_pages_carry_their_first_screen() {
    use solidarites_api_types::{first_screen, CreateProposalRequest, CreateProposalResponse};
    use solidarites_server::auth::Role;

    use crate::{fixtures, helpers::*};

    for_each_backend(|db| async move {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.html"),
            "<!doctype html><html lang=\"fr\"><head></head><body>\n<noscript>JS</noscript>\n</body></html>",
        )
        .unwrap();
        let mut settings = test_settings(&db);
        settings.frontend_dir = dir.path().to_path_buf();
        let app = spawn_app_with(db, settings).await;
        let home = screen(&page(&app, "/").await).expect("first screen of /");
        assert!(home.contains(&format!("<h1>{}</h1>", first_screen::HOME_HEADING)));
        assert!(home.contains("href=\"/\" aria-current=\"page\""));
        assert!(home.ends_with("</div>\n</body></html>"), "{home}");
        let carte = screen(&page(&app, "/carte").await).expect("first screen of /carte");
        assert!(carte.contains("class=\"conteneur conteneur--large\""));
        assert!(carte.contains("href=\"/carte\" aria-current=\"page\""));
        // No campaign open: the page's heading.
        let questionnaire = screen(&page(&app, "/questionnaire").await).unwrap();
        assert!(questionnaire.contains(&format!("<h1>{}</h1>", first_screen::QUESTIONNAIRE_TITLE)));
        for path in ["/agenda", "/admin", "/propositions/nouvelle", "/propositions/00000000-0000-0000-0000-000000000000"] {
            assert_eq!(screen(&page(&app, path).await), None, "{path}");
        }

        let admin = app.login_as(Role::Admin).await;
        let questionnaire_id = default_questionnaire_id(&admin).await;
        let mut campaign = fixtures::campaign(&questionnaire_id, -1, 24);
        campaign.title = "Vos besoins <cet hiver> & après".to_owned();
        create_campaign(&admin, &campaign).await;
        let questionnaire = screen(&page(&app, "/questionnaire").await).unwrap();
        assert!(questionnaire.contains("<h1>Vos besoins &lt;cet hiver&gt; &amp; après</h1>"));
        assert!(questionnaire.contains(&format!("<p class=\"intro\">{}</p>", campaign.description)));

        let proposal = CreateProposalRequest {
            title: Some("Un jardin <partagé>".to_owned()),
            description: Some("Des bacs & des graines, près de la mairie.".to_owned()),
            themes: fixtures::strings(&["isolement"]),
            ..CreateProposalRequest::default()
        };
        let res = app.post_json("/api/v1/proposals", &proposal).await;
        let created: CreateProposalResponse =
            serde_json::from_str(&expect_status(res, StatusCode::CREATED).await).unwrap();
        let path = format!("/propositions/{}", created.id);
        // Not published yet: no first screen (the app says it is not found).
        assert_eq!(screen(&page(&app, &path).await), None);
        approve(&app.login_as(Role::Moderator).await, &created.id).await;
        let shown = screen(&page(&app, &path).await).expect("first screen of a published proposal");
        assert!(shown.contains("<h1>Un jardin &lt;partagé&gt;</h1>"));
        assert!(shown.contains("<div class=\"texte-libre\">Des bacs &amp; des graines, près de la mairie.</div>"));
        assert!(shown.contains("href=\"/propositions\" aria-current=\"page\""));
    })
    .await;
}

/// The page the server sends for `path`; panics unless it is a 200.
async fn page(app: &crate::helpers::TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

/// The first screen written into `html` and what follows it, if any.
fn screen(html: &str) -> Option<String> {
    html.find("<div class=\"premier-ecran\">")
        .map(|start| html[start..].to_owned())
}
