//! The flag lifecycle: which statuses a flag can have and which moves between them are
//! allowed. People move flags (confirm, dismiss, escalate); the system only creates,
//! resolves and reopens them. Every move is stored as an append-only decision.
//!
//! `new → in_review → confirmed | dismissed`; `confirmed → reported → closed` (DESIGN),
//! plus `resolved`: the system's mark for an undecided flag whose cause has gone.

use std::fmt;

/// Status of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlagStatus {
    New,
    InReview,
    Confirmed,
    Dismissed,
    Reported,
    Closed,
    Resolved,
}

impl FlagStatus {
    pub const ALL: [FlagStatus; 7] = [
        FlagStatus::New,
        FlagStatus::InReview,
        FlagStatus::Confirmed,
        FlagStatus::Dismissed,
        FlagStatus::Reported,
        FlagStatus::Closed,
        FlagStatus::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FlagStatus::New => "new",
            FlagStatus::InReview => "in_review",
            FlagStatus::Confirmed => "confirmed",
            FlagStatus::Dismissed => "dismissed",
            FlagStatus::Reported => "reported",
            FlagStatus::Closed => "closed",
            FlagStatus::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<FlagStatus> {
        FlagStatus::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Dutch label for people.
    pub fn dutch(self) -> &'static str {
        match self {
            FlagStatus::New => "nieuw",
            FlagStatus::InReview => "in behandeling",
            FlagStatus::Confirmed => "bevestigd",
            FlagStatus::Dismissed => "afgewezen",
            FlagStatus::Reported => "gemeld",
            FlagStatus::Closed => "afgesloten",
            FlagStatus::Resolved => "opgelost",
        }
    }

    /// Still waiting for a person's decision: the system may resolve it.
    pub fn is_open(self) -> bool {
        matches!(self, FlagStatus::New | FlagStatus::InReview)
    }

    /// May a flag move from `self` to `to`?
    pub fn can_move_to(self, to: FlagStatus) -> bool {
        use FlagStatus::*;
        matches!(
            (self, to),
            (New, InReview)
                | (New | InReview, Confirmed | Dismissed)
                | (Confirmed, Reported)
                | (Reported, Closed)
                | (New | InReview, Resolved)
                | (Resolved, New)
        )
    }
}

impl fmt::Display for FlagStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a person can do with a flag on its review screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The signal holds: it goes to enforcement and on the weekly list.
    Confirm,
    /// The signal does not hold; a note saying why is required.
    Dismiss,
    /// Hand the flag to a coordinator; it stays in review.
    Escalate,
}

/// Who is acting, as far as the lifecycle cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Researcher,
    Coordinator,
}

/// Why an action is refused; the text is for people (Dutch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub &'static str);

impl Action {
    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "confirm" => Some(Action::Confirm),
            "dismiss" => Some(Action::Dismiss),
            "escalate" => Some(Action::Escalate),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Confirm => "confirm",
            Action::Dismiss => "dismiss",
            Action::Escalate => "escalate",
        }
    }

    /// The move this action makes from `from`, checked against the lifecycle and who acts.
    /// Returns the new status and whether the flag is (still) escalated afterwards.
    pub fn apply(
        self,
        from: FlagStatus,
        escalated: bool,
        actor: Actor,
        note: &str,
    ) -> Result<(FlagStatus, bool), Refusal> {
        if !from.is_open() {
            return Err(Refusal(
                "over dit signaal is al beslist; het kan niet opnieuw beoordeeld worden",
            ));
        }
        if escalated && actor != Actor::Coordinator {
            return Err(Refusal(
                "dit signaal is voorgelegd aan een coördinator; alleen een coördinator beslist",
            ));
        }
        let to = match self {
            Action::Confirm => FlagStatus::Confirmed,
            Action::Dismiss if note.trim().is_empty() => {
                return Err(Refusal("een toelichting is verplicht bij afwijzen"))
            }
            Action::Dismiss => FlagStatus::Dismissed,
            Action::Escalate if escalated => {
                return Err(Refusal("dit signaal is al voorgelegd aan een coördinator"))
            }
            Action::Escalate => FlagStatus::InReview,
        };
        if from != to && !from.can_move_to(to) {
            return Err(Refusal("deze statuswijziging past niet in de levenscyclus"));
        }
        Ok((to, self == Action::Escalate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FlagStatus::*;

    #[test]
    fn lifecycle_follows_design() {
        assert!(New.can_move_to(InReview));
        assert!(InReview.can_move_to(Confirmed));
        assert!(InReview.can_move_to(Dismissed));
        assert!(Confirmed.can_move_to(Reported));
        assert!(Reported.can_move_to(Closed));
        assert!(!Dismissed.can_move_to(Confirmed));
        assert!(!Closed.can_move_to(New));
        assert!(
            !Confirmed.can_move_to(Resolved),
            "a decided flag keeps its status"
        );
    }

    #[test]
    fn dismissal_needs_a_note() {
        let r = Action::Dismiss.apply(New, false, Actor::Researcher, "  ");
        assert!(r.is_err());
        assert_eq!(
            Action::Dismiss.apply(New, false, Actor::Researcher, "prijs, geen telefoon"),
            Ok((Dismissed, false))
        );
    }

    #[test]
    fn escalated_flags_are_for_coordinators() {
        assert_eq!(
            Action::Escalate.apply(New, false, Actor::Researcher, ""),
            Ok((InReview, true))
        );
        assert!(Action::Confirm
            .apply(InReview, true, Actor::Researcher, "")
            .is_err());
        assert_eq!(
            Action::Confirm.apply(InReview, true, Actor::Coordinator, ""),
            Ok((Confirmed, false))
        );
        assert!(Action::Escalate
            .apply(InReview, true, Actor::Coordinator, "")
            .is_err());
    }

    #[test]
    fn decided_flags_stay_decided() {
        for from in [Confirmed, Dismissed, Reported, Closed, Resolved] {
            assert!(Action::Confirm
                .apply(from, false, Actor::Coordinator, "x")
                .is_err());
        }
    }

    #[test]
    fn round_trips_through_text() {
        for s in FlagStatus::ALL {
            assert_eq!(FlagStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(FlagStatus::parse("open"), None);
    }
}
