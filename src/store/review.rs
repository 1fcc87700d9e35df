//! What the review UI reads and writes, by the module that holds it: the queue
//! ([`super::queue`]), one flag ([`super::detail`]), decisions ([`super::decisions`]),
//! phone timeline and search ([`super::search`]), the audit log ([`super::audit`]) and
//! an ad's versions ([`super::ads`]).

pub use super::ads::{ad_detail, AdDetail, AdVersionRow, VERSIONS_LIMIT};
pub use super::audit::{audit_log, AuditRow};
pub use super::decisions::{decide, decisions, DecisionRow, NewDecision};
pub use super::detail::*;
pub use super::queue::*;
pub use super::scope::{Scope, MUNICIPALITY_STATUSES};
pub use super::search::*;
