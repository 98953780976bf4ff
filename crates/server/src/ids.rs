//! Typed ids: the UUID of a stored row tagged with what it identifies, so that an
//! initiative's id cannot be passed where a proposal's is expected. The HTTP edge parses
//! the path's text once (`str::parse`, then the handler's own "not found" refusal on
//! error); services and storage take and return these types.

use std::{fmt, hash::Hash, marker::PhantomData, str::FromStr};

use uuid::Uuid;

use crate::storage;

/// The id of a `T` (a storage row type).
pub struct Id<T> {
    uuid: Uuid,
    of: PhantomData<fn() -> T>,
}

pub type ActorId = Id<storage::Actor>;
pub type EventId = Id<storage::EventRow>;
pub type InitiativeId = Id<storage::Initiative>;
pub type LabelGrantId = Id<storage::LabelGrant>;
pub type ProposalId = Id<storage::Proposal>;
pub type UserId = Id<storage::users::StoredUser>;

impl<T> Id<T> {
    pub const fn new(uuid: Uuid) -> Self {
        Self {
            uuid,
            of: PhantomData,
        }
    }

    pub const fn uuid(self) -> Uuid {
        self.uuid
    }
}

// Written out rather than derived: a derive would require `T` itself to be `Copy`, `Eq`…
impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Id<T> {}
impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.uuid == other.uuid
    }
}
impl<T> Eq for Id<T> {}
impl<T> Hash for Id<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.uuid.hash(state);
    }
}
impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.uuid.cmp(&other.uuid)
    }
}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.uuid, f)
    }
}

/// The hyphenated lower-case form, as in the JSON answers.
impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.uuid, f)
    }
}

/// Any form `Uuid::parse_str` reads; surrounding blanks are not trimmed (callers that
/// accept them trim first).
impl<T> FromStr for Id<T> {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self::new)
    }
}

impl<T> From<Uuid> for Id<T> {
    fn from(uuid: Uuid) -> Self {
        Self::new(uuid)
    }
}

impl<T> From<Id<T>> for Uuid {
    fn from(id: Id<T>) -> Self {
        id.uuid
    }
}

/// Written as the bare UUID string, as before the ids were typed.
impl<T> serde::Serialize for Id<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.uuid.serialize(serializer)
    }
}

impl<'de, T> serde::Deserialize<'de> for Id<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Uuid::deserialize(deserializer).map(Self::new)
    }
}

/// So that queries compare a column with an id directly (`Column::Id.eq(id)`).
impl<T> From<Id<T>> for sea_orm::Value {
    fn from(id: Id<T>) -> Self {
        id.uuid.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_the_uuid() {
        let text = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        let id: ProposalId = text.parse().unwrap();
        assert_eq!(id.to_string(), text);
        assert_eq!(Uuid::from(id), Uuid::parse_str(text).unwrap());
        assert!("not-a-uuid".parse::<ProposalId>().is_err());
        assert!(format!(" {text}").parse::<ProposalId>().is_err());
        assert_eq!(serde_json::to_value(id).unwrap(), serde_json::json!(text));
        assert_eq!(
            serde_json::from_value::<ProposalId>(serde_json::json!(text)).unwrap(),
            id
        );
    }
}
