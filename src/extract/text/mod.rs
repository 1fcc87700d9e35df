//! Shared text normalisation: HTML to visible text, link targets, and Unicode clean-up.
//!
//! For now all of it is in `html.rs`, moved here whole; the next commit splits it by
//! concern.

mod html;

pub use html::*;
