//! Public contact details: e-mail addresses, French phone numbers and web addresses.
//!
//! Each type can only be built through its `parse`, which trims the input and refuses
//! what a person could not use to get in touch.

use std::fmt;

/// Why a contact detail is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("not an e-mail address")]
    Email,
    #[error("not a French phone number")]
    Phone,
    #[error("not an http(s) address")]
    Url,
    #[error("too long")]
    TooLong,
}

/// An e-mail address (shape checked: `local@domain.tld`, no spaces, at most 254 bytes).
///
/// ```
/// use solidarites_domain::contact::Email;
/// assert!(Email::parse(" contact@asso.fr ").is_ok());
/// assert!(Email::parse("contact@asso").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, ContactError> {
        let s = raw.trim();
        if s.len() > 254 {
            return Err(ContactError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(ContactError::Email)?;
        let ok = !local.is_empty()
            && !domain.contains('@')
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>\"(),;:[]\\".contains(c))
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.starts_with('-');
        if ok {
            Ok(Email(s.to_owned()))
        } else {
            Err(ContactError::Email)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A French phone number: `0X XX XX XX XX` or `+33 X XX XX XX XX` (spaces, dots and dashes
/// allowed), stored as written (trimmed).
///
/// ```
/// use solidarites_domain::contact::FrenchPhone;
/// assert!(FrenchPhone::parse("05 58 00 00 00").is_ok());
/// assert!(FrenchPhone::parse("+33 5 58 00 00 00").is_ok());
/// assert!(FrenchPhone::parse("12345").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrenchPhone(String);

impl FrenchPhone {
    pub fn parse(raw: &str) -> Result<FrenchPhone, ContactError> {
        let s = raw.trim();
        if s.len() > 32 {
            return Err(ContactError::TooLong);
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_digit() || " .-+()".contains(c))
        {
            return Err(ContactError::Phone);
        }
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let national = if let Some(rest) = s.strip_prefix("+33") {
            let rest: String = rest
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>();
            // "+33 (0)5 …" is a common way of writing it.
            let rest = if rest.len() == 10 && rest.starts_with('0') {
                rest[1..].to_owned()
            } else {
                rest
            };
            format!("0{rest}")
        } else if s.contains('+') {
            return Err(ContactError::Phone);
        } else if let Some(rest) = digits.strip_prefix("0033") {
            format!("0{rest}")
        } else {
            digits
        };
        let bytes = national.as_bytes();
        if bytes.len() == 10 && bytes[0] == b'0' && bytes[1] != b'0' {
            Ok(FrenchPhone(s.to_owned()))
        } else {
            Err(ContactError::Phone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An `http://` or `https://` address with a host, at most 2,000 bytes.
///
/// ```
/// use solidarites_domain::contact::WebUrl;
/// assert!(WebUrl::parse("https://asso.example.org/agenda").is_ok());
/// assert!(WebUrl::parse("javascript:alert(1)").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebUrl(String);

impl WebUrl {
    pub fn parse(raw: &str) -> Result<WebUrl, ContactError> {
        let s = raw.trim();
        if s.len() > 2000 {
            return Err(ContactError::TooLong);
        }
        let lower = s.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .ok_or(ContactError::Url)?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_alphanumeric() || ".-:[]".contains(c))
            && !host.starts_with('.');
        if host_ok && !s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Ok(WebUrl(s.to_owned()))
        } else {
            Err(ContactError::Url)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Contact details travel and are stored as their text; reading one back parses it again.
macro_rules! serde_as_text {
    ($($name:ident),+) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let raw = String::deserialize(d)?;
                $name::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    )+};
}

serde_as_text!(Email, FrenchPhone, WebUrl);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_french_phone_notations() {
        for ok in [
            "0558000000",
            "05 58 00 00 00",
            "05.58.00.00.00",
            "06-12-34-56-78",
            "+33 5 58 00 00 00",
            "+33558000000",
            "+33 (0)5 58 00 00 00",
            "0033 5 58 00 00 00",
        ] {
            assert!(FrenchPhone::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "12345",
            "0058000000",
            "+44 20 7946 0000",
            "05 58 00 00",
            "05 58 00 00 00 0",
            "tel:0558000000",
        ] {
            assert!(FrenchPhone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_malformed_emails_and_urls() {
        for bad in [
            "a", "a@b", "@b.fr", "a b@c.fr", "a@b..fr", "a@.fr", "<a@b.fr>",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        for bad in [
            "ftp://x.fr",
            "https://",
            "https:// x.fr",
            "javascript:alert(1)",
            "//x.fr",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad}");
        }
        assert!(WebUrl::parse("http://localhost:8080/x?y#z").is_ok());
    }
}
