//! The pages, one module per area of the site.

pub mod actors;
pub mod agenda;
pub mod carte;
pub mod home;
pub mod labels;
pub mod lazy;
pub mod listing;
pub mod not_found;
pub mod proposals;
pub mod questionnaire;
