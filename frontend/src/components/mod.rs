//! Pieces shared by several pages: form errors, the commune picker.

pub mod commune;
pub mod form;
pub mod themes;
