//! Text folding for French search: "epicerie" finds "Épicerie", "st-paul" finds "St Paul".

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Lowercase, accents removed, every run of non-alphanumeric characters turned into one
/// space, trimmed. `Œ`/`Æ` become `oe`/`ae`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        let lowered: String = match c {
            'œ' | 'Œ' => "oe".to_owned(),
            'æ' | 'Æ' => "ae".to_owned(),
            c => c.to_lowercase().collect(),
        };
        for l in lowered.chars() {
            if l.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(l);
            } else {
                pending_space = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("Épicerie solidaire"), "epicerie solidaire");
        assert_eq!(fold("Saint-Pierre-du-Mont"), "saint pierre du mont");
        assert_eq!(fold("  L'Œuvre  "), "l oeuvre");
        assert_eq!(fold("Mont-de-Marsan"), fold("mont de marsan"));
        assert_eq!(fold(""), "");
    }
}
