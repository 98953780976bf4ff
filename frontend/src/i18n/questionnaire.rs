//! Strings of the needs questionnaire.

use super::{lang, Lang};

#[derive(Debug)]
pub struct Strings {
    pub title: &'static str,
}

pub const FR: Strings = Strings {
    title: "Questionnaire des besoins",
};

pub fn t() -> &'static Strings {
    match lang() {
        Lang::Fr => &FR,
    }
}
