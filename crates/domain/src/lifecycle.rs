//! The lifecycles of what the platform stores: campaigns, moderated submissions
//! (initiatives, their revisions, actors, proposals) and the public follow-up of proposals.
//!
//! Each status is an enum whose `as_str` is the stored and served name; each lifecycle is
//! one table of allowed transitions (`TRANSITIONS`), and `after` reads nothing else.

use chrono::{DateTime, Utc};

macro_rules! status_enum {
    ($(#[$doc:meta])* $name:ident {
        $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)?
    }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every status, in the documented order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and served name.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The status named `raw`, if any.
            #[must_use]
            pub fn parse(raw: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|s| s.as_str() == raw)
            }

            /// Every name, joined with `sep` (for messages listing the allowed values).
            #[must_use]
            pub fn names(sep: &str) -> String {
                $name::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(sep)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// What a moderator decides on a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Approve,
    Reject,
    RequestChanges,
    Archive,
}

impl Decision {
    pub const ALL: [Decision; 4] = [
        Decision::Approve,
        Decision::Reject,
        Decision::RequestChanges,
        Decision::Archive,
    ];

    /// The audit action name.
    #[must_use]
    pub const fn action(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::RequestChanges => "request_changes",
            Decision::Archive => "archive",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Initiatives

status_enum! {
    /// Where an initiative stands.
    InitiativeStatus {
        Pending => "pending",
        Published => "published",
        Rejected => "rejected",
        ChangesRequested => "changes_requested",
        Archived => "archived",
        Withdrawn => "withdrawn",
    }
}

/// What happens to an initiative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InitiativeEvent {
    /// A moderator's decision.
    Moderate(Decision),
    /// The submitter edits it with their token: back to moderation, or, once published, a
    /// revision to moderate while the published content stays.
    Edit,
    /// The submitter withdraws it.
    Withdraw,
}

impl InitiativeEvent {
    pub const ALL: [InitiativeEvent; 6] = [
        InitiativeEvent::Moderate(Decision::Approve),
        InitiativeEvent::Moderate(Decision::Reject),
        InitiativeEvent::Moderate(Decision::RequestChanges),
        InitiativeEvent::Moderate(Decision::Archive),
        InitiativeEvent::Edit,
        InitiativeEvent::Withdraw,
    ];
}

impl InitiativeStatus {
    /// Every allowed transition of an initiative; anything else is refused.
    pub const TRANSITIONS: &'static [(InitiativeStatus, InitiativeEvent, InitiativeStatus)] = {
        use Decision::*;
        use InitiativeEvent::*;
        use InitiativeStatus::*;
        &[
            (Pending, Moderate(Approve), Published),
            (Pending, Moderate(Reject), Rejected),
            (ChangesRequested, Moderate(Reject), Rejected),
            (Rejected, Moderate(Reject), Rejected),
            (Pending, Moderate(RequestChanges), ChangesRequested),
            (ChangesRequested, Moderate(RequestChanges), ChangesRequested),
            (Rejected, Moderate(RequestChanges), ChangesRequested),
            (Pending, Moderate(Archive), Archived),
            (Published, Moderate(Archive), Archived),
            (Rejected, Moderate(Archive), Archived),
            (ChangesRequested, Moderate(Archive), Archived),
            (Pending, Edit, Pending),
            (Rejected, Edit, Pending),
            (ChangesRequested, Edit, Pending),
            (Published, Edit, Published),
            (Pending, Withdraw, Withdrawn),
            (Published, Withdraw, Withdrawn),
            (Rejected, Withdraw, Withdrawn),
            (ChangesRequested, Withdraw, Withdrawn),
        ]
    };

    /// The status after `event`, or `None` when the event does not apply.
    #[must_use]
    pub fn after(self, event: InitiativeEvent) -> Option<InitiativeStatus> {
        lookup(InitiativeStatus::TRANSITIONS, self, event)
    }

    /// Whether the initiative is closed for good (archived by staff or withdrawn).
    #[must_use]
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            InitiativeStatus::Archived | InitiativeStatus::Withdrawn
        )
    }
}

status_enum! {
    /// Where a submitted change of a published initiative stands.
    RevisionStatus {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
        ChangesRequested => "changes_requested",
        /// Replaced by a newer one (or the initiative withdrawn) before moderation.
        Superseded => "superseded",
    }
}

/// What happens to a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevisionEvent {
    Moderate(Decision),
    /// A newer edit or a withdrawal replaces it.
    Supersede,
}

impl RevisionStatus {
    pub const TRANSITIONS: &'static [(RevisionStatus, RevisionEvent, RevisionStatus)] = {
        use Decision::*;
        use RevisionEvent::*;
        use RevisionStatus::*;
        &[
            (Pending, Moderate(Approve), Approved),
            (Pending, Moderate(Reject), Rejected),
            (Pending, Moderate(RequestChanges), ChangesRequested),
            (Pending, Supersede, Superseded),
        ]
    };

    #[must_use]
    pub fn after(self, event: RevisionEvent) -> Option<RevisionStatus> {
        lookup(RevisionStatus::TRANSITIONS, self, event)
    }
}

// ---------------------------------------------------------------------------------------
// Events: moderated like initiatives (`InitiativeStatus`), and, apart from moderation,
// announced by their organisers as going ahead, postponed, cancelled or full.

status_enum! {
    /// What the organisers say of an event; independent of its moderation status.
    EventStatus {
        Scheduled => "scheduled",
        Postponed => "postponed",
        Cancelled => "cancelled",
        Full => "full",
    }
}

impl EventStatus {
    /// The French label shown to people.
    #[must_use]
    pub const fn label_fr(self) -> &'static str {
        match self {
            EventStatus::Scheduled => "Programmé",
            EventStatus::Postponed => "Reporté",
            EventStatus::Cancelled => "Annulé",
            EventStatus::Full => "Complet",
        }
    }
}

/// Stored (in an event's JSON content) as its name.
impl serde::Serialize for EventStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for EventStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<EventStatus, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        EventStatus::parse(&raw)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown event status {raw:?}")))
    }
}

// ---------------------------------------------------------------------------------------
// Actors and proposals share one moderation lifecycle.

status_enum! {
    /// Whether the public sees an actor or a proposal.
    ModerationStatus {
        Pending => "pending",
        Published => "published",
        Rejected => "rejected",
        Archived => "archived",
    }
}

impl ModerationStatus {
    /// Every allowed decision (requesting changes applies to initiatives only).
    pub const TRANSITIONS: &'static [(ModerationStatus, Decision, ModerationStatus)] = {
        use Decision::*;
        use ModerationStatus::*;
        &[
            (Pending, Approve, Published),
            (Pending, Reject, Rejected),
            (Pending, Archive, Archived),
            (Published, Archive, Archived),
            (Rejected, Archive, Archived),
        ]
    };

    #[must_use]
    pub fn after(self, decision: Decision) -> Option<ModerationStatus> {
        lookup(ModerationStatus::TRANSITIONS, self, decision)
    }
}

status_enum! {
    /// The public follow-up of a published proposal. Staff may move a proposal from any
    /// follow-up status to any other (a step of its public timeline each time).
    ProposalStatus {
        Submitted => "submitted",
        UnderStudy => "under_study",
        Accepted => "accepted",
        InProgress => "in_progress",
        Done => "done",
        Declined => "declined",
    }
}

impl ProposalStatus {
    /// Whether a proposal in this status still takes new supports.
    #[must_use]
    pub fn accepts_supports(self) -> bool {
        !matches!(self, ProposalStatus::Done | ProposalStatus::Declined)
    }
}

// ---------------------------------------------------------------------------------------
// Campaigns

status_enum! {
    /// The status staff give a campaign; whether it takes answers also depends on its dates
    /// ([`CampaignWindow::phase`]). Staff may set any status at any time.
    CampaignStatus {
        Draft => "draft",
        Open => "open",
        Closed => "closed",
    }
}

/// Where a campaign stands at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Not public.
    Draft,
    NotYetOpen,
    /// Takes answers.
    Open,
    Closed,
}

/// A campaign's status and dates: the rules of its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CampaignWindow {
    pub status: CampaignStatus,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// Why a campaign cannot be opened at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenNowError {
    #[error("the closing date is past")]
    ClosingPast,
}

impl CampaignWindow {
    /// Where the campaign stands at `now`: a draft is never public; a closed status or a
    /// past closing date closes it; it takes answers from `opens_at` (included) to
    /// `closes_at` (excluded).
    #[must_use]
    pub fn phase(&self, now: DateTime<Utc>) -> Phase {
        match self.status {
            CampaignStatus::Draft => Phase::Draft,
            CampaignStatus::Closed => Phase::Closed,
            CampaignStatus::Open if now >= self.closes_at => Phase::Closed,
            CampaignStatus::Open if now < self.opens_at => Phase::NotYetOpen,
            CampaignStatus::Open => Phase::Open,
        }
    }

    /// Whether the dates are in order: the closing strictly after the opening.
    #[must_use]
    pub fn is_ordered(&self) -> bool {
        self.closes_at > self.opens_at
    }

    /// The campaign opened at `now` (a crisis): status open, opening now. Refused when the
    /// closing date is past.
    ///
    /// # Errors
    /// [`OpenNowError::ClosingPast`] when `closes_at <= now`.
    pub fn open_now(self, now: DateTime<Utc>) -> Result<CampaignWindow, OpenNowError> {
        if self.closes_at <= now {
            return Err(OpenNowError::ClosingPast);
        }
        Ok(CampaignWindow {
            status: CampaignStatus::Open,
            opens_at: now,
            ..self
        })
    }

    /// The campaign closed: it takes no more answers.
    #[must_use]
    pub fn close(self) -> CampaignWindow {
        CampaignWindow {
            status: CampaignStatus::Closed,
            ..self
        }
    }
}

fn lookup<S: Copy + PartialEq, E: Copy + PartialEq>(
    table: &[(S, E, S)],
    from: S,
    event: E,
) -> Option<S> {
    table
        .iter()
        .find(|(f, e, _)| *f == from && *e == event)
        .map(|(_, _, to)| *to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn names_round_trip_and_keep_the_stored_spelling() {
        for s in InitiativeStatus::ALL {
            assert_eq!(InitiativeStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(
            ProposalStatus::names(", "),
            "submitted, under_study, accepted, in_progress, done, declined"
        );
        assert_eq!(CampaignStatus::names(", "), "draft, open, closed");
        assert_eq!(ModerationStatus::parse("Pending"), None);
    }

    #[test]
    fn each_table_has_one_target_per_status_and_event() {
        fn unique<S: PartialEq, E: PartialEq>(t: &[(S, E, S)]) -> bool {
            t.iter().enumerate().all(|(i, (f, e, _))| {
                t.iter()
                    .skip(i + 1)
                    .all(|(f2, e2, _)| !(f == f2 && e == e2))
            })
        }
        assert!(unique(InitiativeStatus::TRANSITIONS));
        assert!(unique(RevisionStatus::TRANSITIONS));
        assert!(unique(ModerationStatus::TRANSITIONS));
    }

    #[test]
    fn initiative_moderation_as_the_moderators_know_it() {
        use InitiativeEvent::Moderate;
        use InitiativeStatus::*;
        assert_eq!(Pending.after(Moderate(Decision::Approve)), Some(Published));
        assert_eq!(Rejected.after(Moderate(Decision::Approve)), None);
        assert_eq!(Published.after(Moderate(Decision::Reject)), None);
        assert_eq!(Published.after(InitiativeEvent::Edit), Some(Published));
        assert_eq!(Withdrawn.after(Moderate(Decision::Archive)), None);
        assert_eq!(Archived.after(InitiativeEvent::Withdraw), None);
        assert!(Archived.is_closed() && Withdrawn.is_closed() && !Published.is_closed());
    }

    #[test]
    fn campaign_window_phases() {
        let t0 = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
        let w = CampaignWindow {
            status: CampaignStatus::Open,
            opens_at: t0,
            closes_at: t0 + Duration::days(10),
        };
        assert_eq!(w.phase(t0 - Duration::seconds(1)), Phase::NotYetOpen);
        assert_eq!(w.phase(t0), Phase::Open);
        assert_eq!(w.phase(t0 + Duration::days(10)), Phase::Closed);
        assert_eq!(w.close().phase(t0), Phase::Closed);
        let draft = CampaignWindow {
            status: CampaignStatus::Draft,
            ..w
        };
        assert_eq!(draft.phase(t0 + Duration::days(1)), Phase::Draft);
        let opened = draft.open_now(t0 - Duration::days(3));
        assert_eq!(
            opened.map(|o| (o.status, o.opens_at)),
            Ok((CampaignStatus::Open, t0 - Duration::days(3)))
        );
        assert_eq!(
            w.open_now(t0 + Duration::days(10)),
            Err(OpenNowError::ClosingPast)
        );
        assert!(w.is_ordered());
        assert!(!CampaignWindow { closes_at: t0, ..w }.is_ordered());
    }
}
