//! INSEE commune codes (code officiel géographique).
//!
//! A commune is identified by its 5-character INSEE code, never by its name
//! (names repeat) or its postal code (one postal code spans several communes).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A validated INSEE commune code such as `40192` (Mont-de-Marsan) or `2A004`
/// (Ajaccio).
///
/// Valid codes are exactly 5 ASCII characters: either 5 digits, or `2A`/`2B`
/// (Corsica) followed by 3 digits. Lowercase Corsican letters are accepted and
/// normalised to uppercase. Surrounding whitespace is refused rather than
/// trimmed, so that a code always round-trips unchanged.
///
/// Ordering is byte order, which is the usual INSEE order:
/// `29…` < `2A…` < `2B…` < `30…`.
///
/// ```
/// use solidarites_domain::InseeCode;
///
/// let code = InseeCode::parse("2b033").unwrap();
/// assert_eq!(code.as_str(), "2B033");
/// assert_eq!(code.departement(), "2B");
/// assert!(InseeCode::parse("4019").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InseeCode(String);

/// Why a string is not a valid INSEE commune code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InseeCodeError {
    /// The code is the empty string.
    #[error("INSEE code is empty")]
    Empty,
    /// The code does not have exactly 5 characters (`len` counts characters, not bytes).
    #[error("INSEE code must have exactly 5 characters, got {len}")]
    WrongLength {
        /// Number of characters found.
        len: usize,
    },
    /// A character is neither an ASCII digit nor, in second position, a Corsican letter.
    #[error("INSEE code has an invalid character {character:?} at position {position} (expected an ASCII digit)")]
    InvalidCharacter {
        /// 0-based character position.
        position: usize,
        /// The offending character.
        character: char,
    },
    /// The code starts with `2` and a letter other than `A` or `B`.
    #[error("INSEE code {code:?} is not a Corsican code: only 2A and 2B exist")]
    InvalidCorsica {
        /// The code as given.
        code: String,
    },
}

impl InseeCode {
    /// What [`InseeCode::parse`] accepts, as an ECMA-262 regular expression (the OpenAPI
    /// document states it): five digits, or `2A`/`2B` (either case) and three digits.
    pub const PATTERN: &'static str = "^(?:[0-9]{5}|2[AaBb][0-9]{3})$";

    /// Parses and normalises an INSEE commune code.
    ///
    /// # Errors
    /// Returns an [`InseeCodeError`] saying what is wrong with `s`.
    pub fn parse(s: &str) -> Result<InseeCode, InseeCodeError> {
        let len = s.chars().count();
        if len == 0 {
            return Err(InseeCodeError::Empty);
        }
        if len != 5 {
            return Err(InseeCodeError::WrongLength { len });
        }
        let mut normalised = String::with_capacity(5);
        for (position, character) in s.chars().enumerate() {
            if character.is_ascii_digit() {
                normalised.push(character);
            } else if position == 1 && s.starts_with('2') && character.is_ascii_alphabetic() {
                match character.to_ascii_uppercase() {
                    upper @ ('A' | 'B') => normalised.push(upper),
                    _ => return Err(InseeCodeError::InvalidCorsica { code: s.to_owned() }),
                }
            } else {
                return Err(InseeCodeError::InvalidCharacter {
                    position,
                    character,
                });
            }
        }
        Ok(InseeCode(normalised))
    }

    /// The normalised code, e.g. `"40192"` or `"2A004"`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The département part of the code: `"40"`, `"2A"`, or 3 characters for
    /// overseas départements (`"971"` … `"976"`), whose codes start with `97`.
    #[must_use]
    pub fn departement(&self) -> &str {
        let len = if self.0.starts_with("97") { 3 } else { 2 };
        self.0.get(..len).unwrap_or(&self.0)
    }
}

impl fmt::Display for InseeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for InseeCode {
    type Err = InseeCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        InseeCode::parse(s)
    }
}

impl AsRef<str> for InseeCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for InseeCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for InseeCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Validate on the way in: a deserialised code is as trustworthy as a parsed one.
        let raw = std::borrow::Cow::<str>::deserialize(deserializer)?;
        InseeCode::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_mainland_code() {
        let code = InseeCode::parse("40192").unwrap();
        assert_eq!(code.as_str(), "40192");
        assert_eq!(code.departement(), "40");
        assert_eq!(code.to_string(), "40192");
    }

    #[test]
    fn accepts_corsican_codes_and_normalises_case() {
        assert_eq!(InseeCode::parse("2A004").unwrap().as_str(), "2A004");
        let lower = InseeCode::parse("2b033").unwrap();
        assert_eq!(lower.as_str(), "2B033");
        assert_eq!(lower.departement(), "2B");
        assert_eq!(lower, InseeCode::parse("2B033").unwrap());
    }

    #[test]
    fn overseas_departement_has_three_characters() {
        assert_eq!(InseeCode::parse("97101").unwrap().departement(), "971");
        assert_eq!(InseeCode::parse("01004").unwrap().departement(), "01");
    }

    #[test]
    fn rejects_unknown_corsican_letter() {
        assert!(matches!(
            InseeCode::parse("2C004"),
            Err(InseeCodeError::InvalidCorsica { .. })
        ));
    }

    #[test]
    fn rejects_wrong_lengths() {
        assert_eq!(
            InseeCode::parse("4019"),
            Err(InseeCodeError::WrongLength { len: 4 })
        );
        assert_eq!(
            InseeCode::parse("401920"),
            Err(InseeCodeError::WrongLength { len: 6 })
        );
        assert_eq!(InseeCode::parse(""), Err(InseeCodeError::Empty));
    }

    #[test]
    fn rejects_invalid_characters() {
        assert_eq!(
            InseeCode::parse("4019A"),
            Err(InseeCodeError::InvalidCharacter {
                position: 4,
                character: 'A'
            })
        );
        assert!(matches!(
            InseeCode::parse("4A192"),
            Err(InseeCodeError::InvalidCharacter { position: 1, .. })
        ));
        // Letters elsewhere than position 1 are never Corsican.
        assert!(InseeCode::parse("2AA04").is_err());
    }

    #[test]
    fn rejects_surrounding_whitespace_instead_of_trimming() {
        assert!(InseeCode::parse(" 4019").is_err());
        assert!(InseeCode::parse("40192 ").is_err());
    }

    #[test]
    fn counts_characters_not_bytes_for_unicode() {
        // 5 characters, 6 bytes: the error is about the character, not the length.
        assert_eq!(
            InseeCode::parse("4019é"),
            Err(InseeCodeError::InvalidCharacter {
                position: 4,
                character: 'é'
            })
        );
        // Non-ASCII digits are not digits here.
        assert!(InseeCode::parse("４０１９２").is_err());
        assert_eq!(
            InseeCode::parse("401é"),
            Err(InseeCodeError::WrongLength { len: 4 })
        );
    }

    #[test]
    fn orders_corsica_between_29_and_30() {
        let mut codes: Vec<InseeCode> = ["30001", "2B001", "2A001", "29001", "01001"]
            .iter()
            .map(|s| InseeCode::parse(s).unwrap())
            .collect();
        codes.sort();
        let sorted: Vec<&str> = codes.iter().map(InseeCode::as_str).collect();
        assert_eq!(sorted, ["01001", "29001", "2A001", "2B001", "30001"]);
    }

    #[test]
    fn serde_round_trips_and_validates() {
        let code = InseeCode::parse("2a004").unwrap();
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, "\"2A004\"");
        let back: InseeCode = serde_json::from_str(&json).unwrap();
        assert_eq!(back, code);
        assert!(serde_json::from_str::<InseeCode>("\"4019\"").is_err());
        assert!(serde_json::from_str::<InseeCode>("40192").is_err());
    }

    #[test]
    fn error_messages_are_readable() {
        assert_eq!(
            InseeCode::parse("4019").unwrap_err().to_string(),
            "INSEE code must have exactly 5 characters, got 4"
        );
    }
}
