//! A resident's answers validated against a definition. The input is the answers JSON
//! object, validated against the Landes questionnaire; or `definition\0answers`, with a
//! definition that passes validation. Never panics; accepted answers only answer
//! questions of the definition, and validating them again gives the same answers.
#![no_main]

use std::{collections::BTreeMap, sync::OnceLock};

use libfuzzer_sys::fuzz_target;
use solidarites_domain::{landes_template, InseeCode, QuestionnaireDefinition};

fn landes() -> &'static QuestionnaireDefinition {
    static LANDES: OnceLock<QuestionnaireDefinition> = OnceLock::new();
    LANDES.get_or_init(|| {
        let themes = [
            ("isolement", "Isolement"),
            ("sante", "Santé"),
            ("mobilite", "Mobilité"),
            ("aide-alimentaire", "Aide alimentaire"),
        ];
        landes_template(
            &themes
                .iter()
                .map(|(s, l)| ((*s).to_owned(), (*l).to_owned()))
                .collect::<Vec<_>>(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let (definition, answers) = match data.iter().position(|&b| b == 0) {
        Some(split) => {
            let Ok(definition) = serde_json::from_slice::<QuestionnaireDefinition>(&data[..split])
            else {
                return;
            };
            if definition.validate().is_err() {
                return;
            }
            (definition, &data[split + 1..])
        }
        None => (landes().clone(), data),
    };
    let Ok(raw) = serde_json::from_slice::<BTreeMap<String, serde_json::Value>>(answers) else {
        return;
    };
    let is_commune = |code: &InseeCode| code.as_str().starts_with("40");
    let _ = definition.visible_question_ids(&raw);
    if let Ok(valid) = definition.validate_answers(&raw, &is_commune) {
        let submitted = valid.to_submission();
        for id in submitted.keys() {
            assert!(definition.question(id).is_some(), "{id} is not a question");
        }
        let again = definition
            .validate_answers(&submitted, &is_commune)
            .expect("validated answers validate again");
        assert_eq!(again, valid);
    }
});
