//! The licence register: its model ([`model`]) and the CSV import with row-level
//! validation ([`import`]). Each import is a snapshot; matching uses the newest one.

pub mod import;
pub mod model;

pub use import::{parse_licences, parse_registrations, ImportError, RegisterKind, RowError};
pub use model::{BusinessType, Licence, LicenceRegister, LicenceStatus, Registration};
