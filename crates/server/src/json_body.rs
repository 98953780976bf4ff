//! JSON request bodies, with errors in the API's shape.
//!
//! actix's `web::Json` reports a type error with serde's English message, which names
//! Rust types and no field. [`ApiJson`] reads the body itself and deserialises it with
//! `serde_path_to_error`, so a bad value gives `400 invalid_body` with the path of the
//! field (`title`, `contact.email`, `themes[0]`) and a French message; a body that is not
//! `application/json` in UTF-8 gives `415`.

use std::{future::Future, ops::Deref, pin::Pin};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON body accepted, in bytes.
pub const JSON_LIMIT: usize = 256 * 1024;

/// A JSON body of type `T` (see the module documentation).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for ApiJson<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let media_type = check_media_type(req);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            media_type?;
            let bytes = bytes.await.map_err(|err| {
                if matches!(err.as_response_error().status_code().as_u16(), 413) {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::BadRequest("Le corps de la requête n'a pas pu être lu.".to_owned())
                }
            })?;
            parse(&bytes).map(ApiJson).map_err(Into::into)
        })
    }
}

/// `application/json`, with no charset or `charset=utf-8`. JSON is UTF-8 (RFC 8259): a
/// body announced in another charset or as another JSON type (`merge-patch+json`) would
/// be read differently from what its sender meant.
fn check_media_type(req: &HttpRequest) -> Result<(), ApiError> {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return Err(ApiError::UnsupportedMediaType);
    };
    let Ok(value) = value.to_str() else {
        return Err(ApiError::UnsupportedMediaType);
    };
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::UnsupportedMediaType);
    }
    for parameter in parts.filter(|p| !p.is_empty()) {
        let (name, value) = parameter.split_once('=').unwrap_or((parameter, ""));
        let value = value.trim_matches('"');
        if name.trim().eq_ignore_ascii_case("charset")
            && !(value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8"))
        {
            return Err(ApiError::UnsupportedMediaType);
        }
    }
    Ok(())
}

/// Deserialises `bytes`, naming the bad field in French when a value does not fit.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    match parse_with_path(bytes) {
        // Flattened structs hide the path from serde: find the field by trying without it.
        Err(ApiError::BadRequest(message)) => match locate_bad_field::<T>(bytes) {
            Some((field, message)) => Err(ApiError::BadBody { field, message }),
            None => Err(ApiError::BadRequest(message)),
        },
        other => other,
    }
}

/// For a JSON object that does not fit `T`: the key (or `key.subkey`) without which it
/// fits, and serde's reason in French.
fn locate_bad_field<T: DeserializeOwned>(bytes: &[u8]) -> Option<(String, String)> {
    let serde_json::Value::Object(object) = serde_json::from_slice(bytes).ok()? else {
        return None;
    };
    let reason = match serde_json::from_value::<T>(serde_json::Value::Object(object.clone())) {
        Ok(_) => return None,
        Err(err) => data_message(&err.to_string()),
    };
    let fits =
        |candidate: serde_json::Map<String, serde_json::Value>| match serde_json::from_value::<T>(
            serde_json::Value::Object(candidate),
        ) {
            Ok(_) => true,
            Err(err) => err.to_string().starts_with("missing field"),
        };
    for (key, value) in &object {
        let mut without = object.clone();
        without.remove(key);
        if !fits(without) {
            continue;
        }
        if let serde_json::Value::Object(inner) = value {
            for sub in inner.keys() {
                let mut narrowed = inner.clone();
                narrowed.remove(sub);
                let mut candidate = object.clone();
                candidate.insert(key.clone(), serde_json::Value::Object(narrowed));
                if fits(candidate) {
                    return Some((format!("{key}.{sub}"), reason));
                }
            }
        }
        return Some((key.clone(), reason));
    }
    None
}

fn parse_with_path<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::BadRequest(syntax_message(&inner));
        }
        let english = inner.to_string();
        // A missing field is reported at the object that lacks it.
        let missing = english
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        let field = match (missing, path.as_str()) {
            (Some(name), ".") => name.to_owned(),
            (Some(name), parent) => format!("{parent}.{name}"),
            (None, ".") => return ApiError::BadRequest(syntax_message(&inner)),
            (None, _) => path,
        };
        ApiError::BadBody {
            field,
            message: data_message(&english),
        }
    })?;
    deserializer
        .end()
        .map_err(|err| ApiError::BadRequest(syntax_message(&err)))?;
    Ok(value)
}

fn syntax_message(err: &serde_json::Error) -> String {
    if err.is_eof() {
        "Le corps JSON est incomplet.".to_owned()
    } else if err.is_data() {
        format!(
            "Le corps JSON n'a pas la forme attendue : {}",
            data_message(&err.to_string())
        )
    } else {
        format!(
            "Le corps JSON est mal formé (ligne {}, colonne {}).",
            err.line(),
            err.column()
        )
    }
}

/// A French sentence for serde's data errors ("invalid type: integer `3`, expected a
/// string at line 1 column 12"), without Rust type names.
fn data_message(english: &str) -> String {
    let english = english.split(" at line ").next().unwrap_or(english);
    if let Some(field) = english.strip_prefix("missing field `") {
        let field = field.trim_end_matches('`');
        return format!("Le champ « {field} » est obligatoire.");
    }
    if let Some(field) = english.strip_prefix("unknown field `") {
        let field = field.split('`').next().unwrap_or(field);
        return format!("Le champ « {field} » n'existe pas.");
    }
    if english.starts_with("unknown variant") {
        return "Cette valeur ne fait pas partie des valeurs possibles.".to_owned();
    }
    let expected = english
        .split_once("expected ")
        .map(|(_, e)| expected_french(e));
    match expected {
        Some(expected) => format!("Valeur invalide : {expected} est attendu."),
        None => "Valeur invalide pour ce champ.".to_owned(),
    }
}

fn expected_french(expected: &str) -> &'static str {
    let e = expected.to_ascii_lowercase();
    if e.contains("string") || e.contains("char") {
        "du texte"
    } else if e.contains("bool") {
        "vrai ou faux (true ou false)"
    } else if e.contains("f32") || e.contains("f64") || e.contains("float") {
        "un nombre"
    } else if e.contains("i8")
        || e.contains("i16")
        || e.contains("i32")
        || e.contains("i64")
        || e.contains("u8")
        || e.contains("u16")
        || e.contains("u32")
        || e.contains("u64")
        || e.contains("integer")
        || e.contains("usize")
    {
        "un nombre entier"
    } else if e.contains("sequence") || e.contains("array") || e.contains("tuple") {
        "une liste"
    } else if e.contains("map") || e.contains("struct") {
        "un objet"
    } else {
        "une autre valeur"
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        title: String,
        count: Option<u32>,
        contact: Option<Contact>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Contact {
        email: String,
    }

    fn fields(err: ApiError) -> (String, String) {
        match err {
            ApiError::BadBody { field, message } => (field, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_type_error_names_the_field_in_french() {
        let err = parse::<Body>(br#"{"title": 3}"#).unwrap_err();
        assert_eq!(
            fields(err),
            (
                "title".to_owned(),
                "Valeur invalide : du texte est attendu.".to_owned()
            )
        );
        let err = parse::<Body>(br#"{"title": "a", "count": "x"}"#).unwrap_err();
        assert_eq!(fields(err).0, "count");
        let err = parse::<Body>(br#"{"title": "a", "contact": {"email": []}}"#).unwrap_err();
        assert_eq!(fields(err).0, "contact.email");
    }

    #[test]
    fn a_missing_field_is_named() {
        let (field, message) = fields(parse::<Body>(br#"{"count": 1}"#).unwrap_err());
        assert_eq!(field, "title");
        assert!(message.contains("« title »"), "{message}");
    }

    #[test]
    fn broken_json_is_a_plain_bad_request() {
        for body in [&b"{"[..], b"{\"title\": }", b"[]x", b""] {
            let err = parse::<BTreeMap<String, String>>(body).unwrap_err();
            assert!(matches!(err, ApiError::BadRequest(_)), "{body:?}: {err:?}");
        }
    }
}
