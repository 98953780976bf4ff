//! Strings of the directory of actors.

use super::{lang, Lang};

#[derive(Debug)]
pub struct Strings {
    pub title: &'static str,
    pub actor_title: &'static str,
    pub placeholder: &'static str,
}

pub const FR: Strings = Strings {
    title: "Annuaire des acteurs",
    actor_title: "Acteur",
    placeholder: "Cette page arrive bientôt.",
};

pub fn t() -> &'static Strings {
    match lang() {
        Lang::Fr => &FR,
    }
}
