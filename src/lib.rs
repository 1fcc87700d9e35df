//! webwacht watches online sex-work advertisement sites for Dutch municipalities.
//!
//! A polite crawler reads the ads, the extractor pulls out phone numbers, licence and
//! registration numbers and places, the rules hold them against the licence register and
//! each municipality's policy, and every signal becomes a [`rules::Flag`] that a person
//! reviews. The tool prepares; people decide.
//!
//! # Layout
//!
//! The folders follow the pipeline, one stage each:
//!
//! | module | its one job |
//! |---|---|
//! | [`cli`] | command-line parsing (clap) and dispatch, one file per command; no logic of its own |
//! | [`pipeline`] | one pass of the stages below: crawl the sites, then match; what `webwacht crawl`, `webwacht demo` and a scheduler run |
//! | [`config`] | `webwacht.toml` + `WEBWACHT_*` environment + flags, merged into one [`config::Config`] |
//! | [`site`] | read `selectors/*.toml`, compile them into validated [`site::Site`]s, parse listing and ad pages |
//! | [`crawl`] | polite fetching: robots.txt, per-site rate limit, frontier; each ad page handed to [`evidence`] |
//! | [`evidence`] | every ad page kept as WARC records with SHA-256: writing, verifying, reading a capture back, its character encoding |
//! | [`extract`] | phones, licence and registration numbers, places (gazetteer data in `gazetteer/`) from ad text and HTML |
//! | [`register`] | the licence register: reading CSV and XLSX as municipalities export them, import with row-level validation, the model |
//! | [`rules`] | the rule engine, one file per rule family, municipal policy; produces flags |
//! | [`review`] | the flag lifecycle: statuses and the moves allowed between them |
//! | [`web`] | the review UI: axum routes, askama templates (`templates/`), sessions, CSRF, roles, login throttle, input limits, security headers |
//! | [`report`] | flag listings (table, JSON, CSV without formula cells), the demo summary, the weekly lists per municipality (`report/weekly/`: CSV, XLSX, PDF, the mail notice) |
//! | [`clock`] | the one clock "now" is read from; `WEBWACHT_NOW` or a test sets it |
//! | [`store`] | all SQL, on SQLite (WAL, the default) or PostgreSQL through sqlx's `Any` driver: one query text for both, the differences in `store/dialect.rs`, typed rows and column types in `store/types.rs`; one file per aggregate or page (queue, flag detail, decisions, search, audit, ads, flags, register, runs, users), access scope in `store/scope.rs`, migrations per engine under `migrations/` |
//! | [`demo`] | the bundled demo ad site, its site file and register, used by `webwacht demo` and the tests |
//! | [`error`] | the exit-code enum that `main` maps every result to |
//!
//! Outside `src/`: `selectors/` (site files), `migrations/` (SQL, per database),
//! `gazetteer/` (municipalities and places), `templates/` (the UI's pages), `assets/`
//! (NL Design System CSS, vendored, and ours), `tests/` (binary and servers on loopback),
//! `docs/data-model.md` (tables and the columns that hold personal data).
//!
//! `main.rs` only parses the command line, starts logging and calls [`cli::run`].

#![forbid(unsafe_code)]

pub mod cli;
pub mod clock;
pub mod config;
pub mod crawl;
pub mod demo;
pub mod error;
pub mod evidence;
pub mod extract;
pub mod pipeline;
pub mod register;
pub mod report;
pub mod review;
pub mod rules;
pub mod site;
pub mod store;
pub mod web;
