//! Solidarités — the client-side rendered (CSR) Leptos app.
//!
//! The page shell (`<html lang="fr">`, `<title>`, stylesheet) lives in `frontend/index.html`;
//! this crate renders the body: skip link, header, the current page, footer.
//!
//! - [`router`]: client-side routes on the History API;
//! - [`i18n`]: every string shown, one catalogue per area;
//! - [`format`]: French dates and numbers;
//! - [`api`]: typed calls to `/api/v1`;
//! - [`pages`]: one module per area of the site;
//! - [`first_screen`]: the server's pre-rendered first screen, replaced once the first page is complete;
//! - [`offline`]: the service worker, the « hors connexion » banner, answers kept to send later;
//! - [`admin`]: the staff console (`/admin`), its own lazy area.

pub mod admin;
pub mod api;
pub mod app;
pub mod browser;
pub mod carte;
pub mod components;
pub mod first_screen;
pub mod format;
pub mod i18n;
pub mod offline;
pub mod pages;
pub mod router;

/// Installs the panic hook and mounts the app to `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    first_screen::init();
    leptos::mount::mount_to_body(app::App);
}
