//! Every string the app shows, in one catalogue: one module per area of the app.
//!
//! Each area has a `Strings` struct (one field per message; messages with values are
//! `fn` fields), a `FR` constant holding the French table, and `t()` returning the table
//! of the current language. Adding a language is adding a [`Lang`] variant and an `EN`
//! table next to each `FR` one and an arm to `languages!`, and a table missing a message
//! does not compile.
//!
//! Dates and numbers are written by [`crate::format`].

/// Defines an area's `t()`, the table of the current language, from the area's tables
/// (`languages!(FR)`). Adding a language adds a parameter and an arm here.
macro_rules! languages {
    ($fr:ident) => {
        /// The strings of this area in the current language.
        pub fn t() -> &'static Strings {
            match $crate::i18n::lang() {
                $crate::i18n::Lang::Fr => &$fr,
            }
        }
    };
}

pub mod actors;
pub mod admin;
pub mod administration;
pub mod agenda;
pub mod carte;
pub mod common;
pub mod console;
pub mod editor;
pub mod freshness;
pub mod home;
pub mod labels;
pub mod network;
pub mod offline;
pub mod proposals;
pub mod questionnaire;
pub mod registers;
pub mod results;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
}

impl Lang {
    /// BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
        }
    }
}

/// The language of the interface. French only for now; this is the one place that will
/// read a choice (a setting, `navigator.languages`, a menu).
pub fn lang() -> Lang {
    Lang::Fr
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_interface_is_french() {
        assert_eq!(super::lang().code(), "fr");
    }
}
