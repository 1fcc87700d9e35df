//! What webwacht tells people: flag listings ([`flags`]) and the run summary
//! ([`summary`]). The weekly lists per municipality come here later. Every CSV is written
//! through [`spreadsheet::SafeCsvWriter`], so no cell runs as a formula.

pub mod flags;
pub mod spreadsheet;
pub mod summary;
