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
    fn round_trips_through_text() {
        for s in FlagStatus::ALL {
            assert_eq!(FlagStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(FlagStatus::parse("open"), None);
    }
}
