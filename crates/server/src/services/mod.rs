//! Services: one module per area, between the HTTP handlers and storage. A service takes
//! the database and a typed command, owns its transaction (and the audit line written in
//! it), applies the domain's rules and returns a typed outcome or a typed refusal. It
//! knows nothing of HTTP: no request, no status code; the handler maps its outcome.

pub mod accounts;
pub mod answers;
pub mod carte;
pub mod events;
pub mod freshness;
pub mod label_applications;
pub mod moderation;
pub mod notifications;
pub mod proposals;
