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

    /// A person decided it (confirmed, dismissed, reported, closed): what they saw is
    /// pinned, and the system never rewrites it.
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            FlagStatus::Confirmed
                | FlagStatus::Dismissed
                | FlagStatus::Reported
                | FlagStatus::Closed
        )
    }

    /// May a flag move from `self` to `to`?
    pub fn can_move_to(self, to: FlagStatus) -> bool {
        use FlagStatus::*;
        matches!(
            (self, to),
            (New, InReview)
                | (InReview, Confirmed | Dismissed)
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

    /// The moves this action makes from `from`, checked against the lifecycle and who
    /// acts: every status the flag passes through, in order (a decision on a `new` flag
    /// first takes it into review), and whether it is escalated afterwards.
    pub fn apply(
        self,
        from: FlagStatus,
        escalated: bool,
        actor: Actor,
        note: &str,
    ) -> Result<Moves, Refusal> {
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
        let mut steps = Vec::new();
        let mut at = from;
        if at == FlagStatus::New {
            steps.push(FlagStatus::InReview);
            at = FlagStatus::InReview;
        }
        if at != to {
            if !at.can_move_to(to) {
                return Err(Refusal("deze statuswijziging past niet in de levenscyclus"));
            }
            steps.push(to);
        }
        if steps.is_empty() {
            // Escalating a flag already in review: the status stays, the hand-over is
            // still a decision in its history.
            steps.push(to);
        }
        Ok(Moves {
            steps,
            escalated: self == Action::Escalate,
        })
    }
}

/// What a permitted action does to a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moves {
    /// Every status the flag passes through, in order; the last is where it ends.
    pub steps: Vec<FlagStatus>,
    /// Escalated to a coordinator afterwards.
    pub escalated: bool,
}

impl Moves {
    pub fn end(&self) -> FlagStatus {
        *self.steps.last().expect("an action moves at least once")
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
        assert!(!New.can_move_to(Confirmed), "new goes through review first");
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
            Action::Dismiss
                .apply(New, false, Actor::Researcher, "prijs, geen telefoon")
                .map(|m| m.steps),
            Ok(vec![InReview, Dismissed]),
            "a decision on a new flag passes through review"
        );
    }

    #[test]
    fn escalated_flags_are_for_coordinators() {
        assert_eq!(
            Action::Escalate.apply(New, false, Actor::Researcher, ""),
            Ok(Moves {
                steps: vec![InReview],
                escalated: true
            })
        );
        assert_eq!(
            Action::Escalate.apply(InReview, false, Actor::Researcher, ""),
            Ok(Moves {
                steps: vec![InReview],
                escalated: true
            })
        );
        assert!(Action::Confirm
            .apply(InReview, true, Actor::Researcher, "")
            .is_err());
        assert_eq!(
            Action::Confirm.apply(InReview, true, Actor::Coordinator, ""),
            Ok(Moves {
                steps: vec![Confirmed],
                escalated: false
            })
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
