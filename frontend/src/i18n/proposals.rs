//! Strings of the proposals pages.

use super::{lang, Lang};

#[derive(Debug)]
pub struct Strings {
    pub title: &'static str,
    pub new_title: &'static str,
    pub detail_title: &'static str,
}

pub const FR: Strings = Strings {
    title: "Propositions",
    new_title: "Faire une proposition",
    detail_title: "Proposition",
};

pub fn t() -> &'static Strings {
    match lang() {
        Lang::Fr => &FR,
    }
}
