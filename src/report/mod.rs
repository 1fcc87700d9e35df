//! What webwacht tells people: flag listings ([`flags`]) and the run summary
//! ([`summary`]), and the weekly lists per municipality ([`weekly`]). Every CSV is written
//! through [`spreadsheet::SafeCsvWriter`], so no cell runs as a formula.

pub mod flags;
pub mod spreadsheet;
pub mod summary;
pub mod weekly;
