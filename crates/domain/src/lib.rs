//! Solidarités domain: communes, INSEE codes, positions, the point → commune
//! index, boundary import, map display, needs questionnaires and their
//! results, what people submit (drafts), the lifecycles of what is stored, and
//! dates in France.
//!
//! Coordinates are WGS 84 longitude/latitude in degrees everywhere (x = lon,
//! y = lat). Geometry here is planar on those degrees, which is what
//! point-in-polygon needs; distances would need Haversine or geodesic maths.
//!
//! This crate knows nothing of HTTP or SQL, so the server, the command-line
//! tools and the tests share it.

pub mod color;
pub mod commune;
pub mod contact;
pub mod demo;
pub mod display;
pub mod drafts;
pub mod freshness;
pub mod import;
pub mod index;
pub mod insee;
mod interior;
pub mod labels;
pub mod lifecycle;
pub mod mail_texts;
pub mod matching;
pub mod notify;
pub mod point;
pub mod points_csv;
pub mod questionnaire;
pub mod results;
pub mod time;

pub use commune::Commune;
pub use import::{
    apply_population, parse_communes_geojson, parse_population_csv, ImportError, ImportErrors,
};
pub use index::CommuneIndex;
pub use insee::{InseeCode, InseeCodeError};
pub use interior::interior_point;
pub use point::{CoordinateError, LonLat};
pub use questionnaire::{
    landes_template, AnswerValue, ChoiceOption, Condition, FieldErrors, Question, QuestionKind,
    QuestionnaireDefinition, Section, ValidatedAnswers,
};
