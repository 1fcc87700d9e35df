//! Accounts, sessions, CSRF and the login throttle.
//!
//! For now all of it is in `login.rs`, moved here whole; the next commit splits it by
//! concern.

mod login;

pub use login::*;
