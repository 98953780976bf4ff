//! The carte des solidarités and the actors directory: what their pages share.
//!
//! - [`leaflet`]: the maps (a binding to `frontend/js/carte.js`, which drives Leaflet);
//! - [`filters`]: the filters kept in the URL, so that a filtered map can be shared;
//! - [`form`]: the initiative form (adding, editing through the private link);
//! - [`detail`]: an initiative in a result list and in the detail panel;
//! - [`widgets`]: theme and label badges, form fields, commune search, pagination;
//! - [`data`]: settings, themes and labels, fetched once;
//! - [`icons`]: the glyph of each theme.

pub mod data;
pub mod detail;
pub mod filters;
pub mod form;
pub mod icons;
pub mod leaflet;
pub mod widgets;
