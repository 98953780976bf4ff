//! What people submit, parsed into typed values ("parse, don't validate"): initiatives
//! and their actors, events, proposals, volunteers' sign-ups. Each `parse_*` takes the request as
//! it came over the wire (`solidarites_api_types`) and returns either a draft that storage
//! accepts as is, or every bad field at once, keyed by its path in the request, with a
//! French message.
//!
//! The limits and vocabularies here are the ones the web app shows in its forms.

mod event;
mod initiative;
mod proposal;
mod text;
mod volunteer;

use std::collections::HashSet;

pub use event::{
    parse_event, Accessibility, AttendanceMode, EventDraft, EventPlace, Occurrence, Registration,
    EVENT_AGE_MAX, EVENT_OCCURRENCES_MAX, EVENT_OCCURRENCE_MAX_DAYS, LOCAL_DATE_TIME_FORMAT,
};
pub use initiative::{
    parse_initiative, parse_initiative_submission, ActorChoice, ActorDraft, ActorKind,
    InitiativeDraft, Placement,
};
pub use proposal::{parse_proposal, ProposalDraft};
pub use text::parse_theme_color;
pub use volunteer::{parse_volunteer, VolunteerDraft};

use crate::CommuneIndex;

/// Initiative and proposal titles, in characters.
pub const TITLE_MIN: usize = 3;
pub const TITLE_MAX: usize = 120;
/// Initiative and proposal descriptions.
pub const DESCRIPTION_MAX: usize = 5000;
/// Address, schedule and audience of an initiative.
pub const SHORT_TEXT_MAX: usize = 500;
pub const ACTOR_NAME_MIN: usize = 2;
pub const ACTOR_NAME_MAX: usize = 200;
pub const ACTOR_DESCRIPTION_MAX: usize = 5000;
/// Most themes a proposal may carry.
pub const PROPOSAL_THEMES_MAX: usize = 5;
pub const PSEUDONYM_MIN: usize = 2;
pub const PSEUDONYM_MAX: usize = 60;
/// A volunteer's name.
pub const VOLUNTEER_NAME_MAX: usize = 120;
/// A volunteer's availability.
pub const AVAILABILITY_MAX: usize = 1_000;
/// The consent text a volunteer agreed to.
pub const CONSENT_TEXT_MAX: usize = 2_000;
/// Most themes a volunteer may choose.
pub const VOLUNTEER_THEMES_MAX: usize = 20;
/// Lowest readable contrast of white text on a theme colour (WCAG AA).
pub const THEME_COLOR_MIN_CONTRAST: f64 = 4.5;

/// What the parsers need to know of the world.
#[derive(Debug, Clone, Copy)]
pub struct ParseContext<'a> {
    /// The territory: a commune must be one of its communes, a point inside it.
    pub communes: &'a CommuneIndex,
    /// Themes the submission may use: the active ones (plus, for an edit, those it had).
    pub allowed_themes: &'a HashSet<String>,
}
