//! Results of a needs campaign: answers kept in a compact in-memory dataset,
//! aggregated by commune, by zone (canton, arrondissement, EPCI) or for the
//! whole territory, protected by statistical secrecy, compared with the offer
//! of the carte des solidarités, and read beside territorial indicators.
//!
//! The flow the server follows:
//!
//! 1. [`ResultsSchema::from_definition`] once per campaign (its questionnaire
//!    version is frozen), then [`Dataset::new`] and one [`Dataset::push`] (or
//!    [`Dataset::push_stored`] for rows read back from the database) per
//!    answer. The dataset is append-only: keep one per campaign in memory and
//!    push each new answer as it is stored; a full recomputation is a rebuild
//!    from every stored row. Commune positions are indexes into the
//!    territory's commune list ([`crate::CommuneIndex::communes`], sorted by
//!    code): rebuild the datasets when the territory is re-imported.
//!    [`Dataset::encode_rows`] / [`Dataset::append_encoded`] keep rows in a fixed
//!    binary form (communes as codes, placed again on decoding) so that a dataset
//!    can be rebuilt without parsing the answers' JSON again.
//! 2. [`aggregate`] (one level) or [`aggregate_levels`] (commune, every zone
//!    level and the territory in one pass) with a [`Filter`]: a
//!    [`ResultsTable`] of raw counts. It is deliberately **not**
//!    `Serialize`: raw counts never leave the domain.
//! 3. [`protect`] / [`protect_levels`]: primary and secondary suppression
//!    with threshold `k`, giving [`SecretTable`]s, the only form that may be
//!    returned or exported. A suppressed value is [`Cell::Secret`] /
//!    [`Stat::Secret`], serialised as `"secret"`.
//!    [`protect_view`] does steps 2 and 3 for one view as the server serves
//!    it: the unfiltered view exact, a filtered view perturbed by cell keys
//!    ([`protect_levels_perturbed`]) so that no two views subtract exactly.
//! 4. [`gaps`]: needs against offer; [`zones`]: commune → zone mappings;
//!    [`classes`]: class breaks of a choropleth map;
//!    [`indicators`]: territorial indicators from CSV.

mod accumulate;
mod aggregate;
mod dataset;
mod encoded;
mod schema;
mod secrecy;

pub mod classes;
pub mod gaps;
pub mod indicators;
pub mod zones;

pub use aggregate::{
    aggregate, aggregate_levels, aggregate_levels_keys, protect_view, AnswerFilter, Filter,
    GroupResult, Grouping, QuestionResult, ResultsTable, COMMUNE_LEVEL, TERRITORY_CODE,
    TERRITORY_LEVEL, UNASSIGNED_CODE,
};
pub use dataset::{Channel, Dataset, StoredAnswersError};
pub use encoded::{AppendedRows, EncodedRowsError};
pub use schema::{themes_question, ResultKind, ResultsSchema, SchemaQuestion};
pub use secrecy::{
    perturb_count, protect, protect_levels, protect_levels_perturbed, Cell, SecretGroup,
    SecretOption, SecretQuestion, SecretTable, Stat, DEFAULT_K, PERTURBATION_BOUND,
};
pub use zones::{ZoneLevel, ZoneMapping};
