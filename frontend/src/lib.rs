//! Solidarités — the client-side rendered (CSR) Leptos app.
//!
//! The page shell (`<html lang="fr">`, `<title>`, stylesheet) lives in `frontend/index.html`;
//! this crate renders the body: skip link, header, main content and footer.

pub mod app;
pub mod health;

/// Installs the panic hook and mounts the app to `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
