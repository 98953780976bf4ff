//! Lifecycles: whatever sequence of events happens, a status is only ever entered the way
//! the moderation rules say.

#![allow(clippy::unwrap_used, reason = "tests")]

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use solidarites_domain::lifecycle::{
    CampaignStatus, CampaignWindow, Decision, InitiativeEvent, InitiativeStatus, ModerationStatus,
    Phase, RevisionEvent, RevisionStatus,
};

fn initiative_event() -> impl Strategy<Value = InitiativeEvent> {
    (0..InitiativeEvent::ALL.len()).prop_map(|i| InitiativeEvent::ALL[i])
}

fn decision() -> impl Strategy<Value = Decision> {
    (0..Decision::ALL.len()).prop_map(|i| Decision::ALL[i])
}

proptest! {
    /// From a submission, along any sequence of events (refused ones change nothing):
    /// publication only ever comes from a moderator approving a pending initiative; archived
    /// and withdrawn initiatives never change again; a submitter's edit never publishes.
    #[test]
    fn initiatives_follow_the_moderation_rules(events in prop::collection::vec(initiative_event(), 0..40)) {
        let mut status = InitiativeStatus::Pending;
        for event in events {
            let Some(next) = status.after(event) else {
                continue;
            };
            prop_assert!(!status.is_closed(), "{status} changed by {event:?}");
            if next == InitiativeStatus::Published && status != InitiativeStatus::Published {
                prop_assert_eq!((status, event), (InitiativeStatus::Pending, InitiativeEvent::Moderate(Decision::Approve)));
            }
            if event == InitiativeEvent::Edit {
                prop_assert!(matches!(next, InitiativeStatus::Pending | InitiativeStatus::Published));
                prop_assert_eq!(next == InitiativeStatus::Published, status == InitiativeStatus::Published);
            }
            if next == InitiativeStatus::Withdrawn {
                prop_assert_eq!(event, InitiativeEvent::Withdraw);
            }
            status = next;
        }
    }

    /// Actors and proposals: published only from pending, never requested to change, and
    /// archiving is the only way out of a published or rejected status.
    #[test]
    fn actors_and_proposals_follow_the_moderation_rules(decisions in prop::collection::vec(decision(), 0..30)) {
        let mut status = ModerationStatus::Pending;
        for d in decisions {
            let Some(next) = status.after(d) else {
                continue;
            };
            prop_assert_ne!(d, Decision::RequestChanges);
            prop_assert_ne!(status, ModerationStatus::Archived);
            if next == ModerationStatus::Published {
                prop_assert_eq!((status, d), (ModerationStatus::Pending, Decision::Approve));
            }
            if status != ModerationStatus::Pending {
                prop_assert_eq!(next, ModerationStatus::Archived);
            }
            status = next;
        }
    }

    /// A revision is decided once: after its first transition nothing changes it.
    #[test]
    fn revisions_are_decided_once(decisions in prop::collection::vec(decision(), 1..10), supersede_first in any::<bool>()) {
        let mut status = RevisionStatus::Pending;
        let mut changes = 0;
        let events = supersede_first
            .then_some(RevisionEvent::Supersede)
            .into_iter()
            .chain(decisions.into_iter().map(RevisionEvent::Moderate));
        for event in events {
            if let Some(next) = status.after(event) {
                changes += 1;
                status = next;
            }
        }
        prop_assert!(changes <= 1);
        prop_assert!(status != RevisionStatus::Pending || changes == 0);
    }

    /// A campaign takes answers exactly when it is open and `opens_at <= now < closes_at`.
    #[test]
    fn campaigns_take_answers_only_inside_their_window(
        status in 0..3usize, opens in -1000i64..1000, length in -50i64..1000, now in -2000i64..2000,
    ) {
        let t0 = DateTime::<Utc>::UNIX_EPOCH + Duration::days(20_000);
        let window = CampaignWindow {
            status: CampaignStatus::ALL[status],
            opens_at: t0 + Duration::minutes(opens),
            closes_at: t0 + Duration::minutes(opens + length),
        };
        let now = t0 + Duration::minutes(now);
        let inside = window.opens_at <= now && now < window.closes_at;
        let phase = window.phase(now);
        prop_assert_eq!(phase == Phase::Open, window.status == CampaignStatus::Open && inside);
        prop_assert_eq!(phase == Phase::Draft, window.status == CampaignStatus::Draft);
        match window.open_now(now) {
            Ok(opened) => prop_assert_eq!(opened.phase(now), Phase::Open),
            Err(_) => prop_assert!(window.closes_at <= now),
        }
        prop_assert_eq!(window.close().phase(now), Phase::Closed);
    }
}
