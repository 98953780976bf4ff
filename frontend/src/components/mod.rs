//! Pieces shared by several pages: the form kit, the commune picker, the themes, the
//! confirmation that a listing is current.

pub mod commune;
pub mod form;
pub mod freshness;
pub mod themes;
