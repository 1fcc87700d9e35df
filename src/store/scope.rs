//! Who may see what: the one place where the store restricts a query to what a user's
//! role may see. Every store query that serves a page takes a [`Scope`] and applies it
//! through these methods, never by a condition of its own.
//!
//! A municipality sees only decided signals (confirmed, reported, closed) located in its
//! own territory, and of the ads behind them only what those signals rest on: the ad
//! versions they are pinned to and the register entries of its own territory. Undecided
//! suspicions and other territories never leave the review team.

use super::sql::Sql;

use crate::review::FlagStatus;

/// Which flags, ads and register entries a user may see.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    /// Researchers and coordinators: everything.
    #[default]
    All,
    /// A municipality (its CBS code, `GMxxxx`): only decided signals located in its own
    /// territory, and what they rest on.
    Municipality(String),
}

/// Statuses a municipality user may see: what a person decided holds.
pub const MUNICIPALITY_STATUSES: [FlagStatus; 3] = [
    FlagStatus::Confirmed,
    FlagStatus::Reported,
    FlagStatus::Closed,
];

/// The same statuses as an SQL list.
const MUNICIPALITY_STATUSES_SQL: &str = "('confirmed', 'reported', 'closed')";

impl Scope {
    /// May this scope see a flag with `status` located in `municipality_code`?
    pub fn sees_flag(&self, status: &str, municipality_code: Option<&str>) -> bool {
        match self {
            Scope::All => true,
            Scope::Municipality(code) => {
                municipality_code == Some(code.as_str())
                    && FlagStatus::parse(status).is_some_and(|s| MUNICIPALITY_STATUSES.contains(&s))
            }
        }
    }

    /// Is this everything (review staff)?
    pub fn is_all(&self) -> bool {
        matches!(self, Scope::All)
    }

    /// Refuse a query that only review staff may run (the audit log, the users): a
    /// municipality's scope never reaches it, whatever a handler forgets.
    pub fn require_staff(&self) -> Result<(), super::StoreError> {
        match self {
            Scope::All => Ok(()),
            Scope::Municipality(_) => Err(super::StoreError::OutOfScope),
        }
    }

    /// `AND` the condition that the flag row `alias` is visible.
    pub fn and_flag<'a>(&'a self, q: &mut Sql<'a>, alias: &str) {
        if let Scope::Municipality(code) = self {
            q.push(format!(" AND {alias}.municipality_code = "))
                .push_bind(code.as_str())
                .push(format!(
                    " AND {alias}.status IN {MUNICIPALITY_STATUSES_SQL}"
                ));
        }
    }

    /// `AND` the condition that the ad version `version_id` (an SQL expression) is one a
    /// visible flag rests on.
    pub fn and_version<'a>(&'a self, q: &mut Sql<'a>, version_id: &str) {
        if let Scope::Municipality(_) = self {
            q.push(format!(
                " AND {version_id} IN (SELECT sf.version_id FROM flags sf WHERE 1 = 1"
            ));
            self.and_flag(q, "sf");
            q.push(")");
        }
    }

    /// `AND` the condition that the ad `ad_id` (an SQL expression) carries a visible flag.
    pub fn and_ad<'a>(&'a self, q: &mut Sql<'a>, ad_id: &str) {
        if let Scope::Municipality(_) = self {
            q.push(format!(
                " AND {ad_id} IN (SELECT sf.ad_id FROM flags sf WHERE 1 = 1"
            ));
            self.and_flag(q, "sf");
            q.push(")");
        }
    }

    /// `AND` the condition that the register row `alias` (a licence) lies in the
    /// territory.
    pub fn and_licence<'a>(&'a self, q: &mut Sql<'a>, alias: &str) {
        if let Scope::Municipality(code) = self {
            q.push(format!(" AND {alias}.municipality_code = "))
                .push_bind(code.as_str());
        }
    }

    /// `AND` the condition that a municipality code column lies in the territory.
    pub fn and_municipality<'a>(&'a self, q: &mut Sql<'a>, column: &str) {
        if let Scope::Municipality(code) = self {
            q.push(format!(" AND {column} = ")).push_bind(code.as_str());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_municipality_sees_only_decided_flags_of_its_territory() {
        let s = Scope::Municipality("GM0518".into());
        assert!(s.sees_flag("confirmed", Some("GM0518")));
        assert!(s.sees_flag("reported", Some("GM0518")));
        assert!(s.sees_flag("closed", Some("GM0518")));
        for status in ["new", "in_review", "dismissed", "resolved", "bogus"] {
            assert!(!s.sees_flag(status, Some("GM0518")), "{status}");
        }
        assert!(!s.sees_flag("confirmed", Some("GM0599")));
        assert!(!s.sees_flag("confirmed", None));
        assert!(Scope::All.sees_flag("new", None));
    }

    #[test]
    fn staff_queries_refuse_a_municipality() {
        assert!(Scope::All.require_staff().is_ok());
        assert!(Scope::Municipality("GM0518".into())
            .require_staff()
            .is_err());
    }

    #[test]
    fn conditions_bind_the_code_and_add_nothing_for_staff() {
        let s = Scope::Municipality("GM0518".into());
        let mut q = Sql::new("SELECT 1 FROM flags f WHERE 1 = 1");
        s.and_flag(&mut q, "f");
        s.and_version(&mut q, "f.version_id");
        assert_eq!(
            q.sql(),
            "SELECT 1 FROM flags f WHERE 1 = 1 AND f.municipality_code = $1 AND f.status IN \
             ('confirmed', 'reported', 'closed') AND f.version_id IN (SELECT sf.version_id FROM \
             flags sf WHERE 1 = 1 AND sf.municipality_code = $2 AND sf.status IN ('confirmed', \
             'reported', 'closed'))"
        );
        let mut q = Sql::new("SELECT 1 FROM flags f WHERE 1 = 1");
        Scope::All.and_flag(&mut q, "f");
        Scope::All.and_ad(&mut q, "f.ad_id");
        assert_eq!(q.sql(), "SELECT 1 FROM flags f WHERE 1 = 1");
    }
}
