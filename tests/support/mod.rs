//! The one test-support module of the suite (`mod support;` in each test file):
//!
//! - [`bin`]: run the `webwacht` binary in a temporary data dir; the demo fixture;
//! - [`db`]: a fresh database per test on SQLite or PostgreSQL, and `both_engines!`;
//! - [`hostile`]: a web server on 127.0.0.1 that misbehaves on purpose, with a request log;
//! - [`site`]: site files for those sites, built, not copied;
//! - [`web`]: a browser for the review UI through the real router;
//! - [`e164`]: an independent phone-number validity check (also used by the fuzz target).

#![allow(dead_code, unused_imports, unused_macros)]

pub mod bin;
pub mod browser;
pub mod db;
pub mod e164;
pub mod flags;
pub mod hostile;
pub mod site;
pub mod smtp;
pub mod web;

pub use bin::*;
