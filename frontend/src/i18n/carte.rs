//! Strings of the carte des solidarités (map, add and edit an initiative).

use super::{lang, Lang};

#[derive(Debug)]
pub struct Strings {
    pub title: &'static str,
    pub add_title: &'static str,
    pub edit_title: &'static str,
    pub placeholder: &'static str,
}

pub const FR: Strings = Strings {
    title: "Carte des solidarités",
    add_title: "Ajouter une initiative",
    edit_title: "Modifier mon initiative",
    placeholder: "Cette page arrive bientôt.",
};

pub fn t() -> &'static Strings {
    match lang() {
        Lang::Fr => &FR,
    }
}
