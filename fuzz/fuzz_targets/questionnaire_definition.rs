//! A questionnaire definition as an admin saves it: any JSON. Validation never panics,
//! and a valid definition survives a JSON round trip still valid.
#![no_main]

use libfuzzer_sys::fuzz_target;
use solidarites_domain::QuestionnaireDefinition;

fuzz_target!(|data: &[u8]| {
    let Ok(definition) = serde_json::from_slice::<QuestionnaireDefinition>(data) else {
        return;
    };
    if definition.validate().is_ok() {
        let text = serde_json::to_string(&definition).expect("serialisable");
        let again: QuestionnaireDefinition = serde_json::from_str(&text).expect("round trip");
        assert_eq!(again, definition);
        assert!(again.validate().is_ok());
        let _ = definition.commune_question_ids();
    }
});
