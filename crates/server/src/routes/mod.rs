//! HTTP routes. `/api/v1` is the JSON API; everything else is the web app.

mod admin;
mod auth;
mod communes;
mod frontend;
mod health;
mod locate;
mod openapi;

use actix_web::{web, HttpResponse};
use solidarites_api_types::ErrorResponse;

pub use openapi::ApiDoc;

/// The whole router, used by the binary and by the tests alike.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .service(health::get_health)
            .service(communes::get_communes_geojson)
            .service(communes::list_communes)
            .service(communes::get_commune)
            .service(locate::locate_point)
            .service(auth::login)
            .service(auth::logout)
            .service(auth::get_me)
            .service(admin::list_users)
            .service(admin::create_user)
            .service(admin::update_user)
            .service(admin::list_audit)
            .service(openapi::get_openapi)
            .default_service(web::to(api_not_found)),
    )
    .default_service(web::to(frontend::serve_frontend));
}

async fn api_not_found() -> HttpResponse {
    HttpResponse::NotFound().json(ErrorResponse {
        error: "not_found".to_owned(),
        message: "Cette adresse de l'API n'existe pas.".to_owned(),
        fields: Default::default(),
    })
}
