//! What webwacht tells people: flag listings ([`flags`]) and the run summary
//! ([`summary`]). The weekly lists per municipality come here later.

pub mod flags;
pub mod summary;
