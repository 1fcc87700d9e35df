//! The licence register: its model ([`model`]), reading register files as
//! municipalities export them ([`sheet`]: CSV or XLSX) and the import with row-level
//! validation ([`import`]). Each import is a snapshot; matching uses the newest one.

pub mod import;
pub mod model;
pub mod sheet;

pub use import::{
    parse_licences, parse_registrations, read_licences, read_registrations, Import, ImportError,
    RegisterKind, RowError,
};
pub use model::{BusinessType, Licence, LicenceRegister, LicenceStatus, Registration};
