//! Accounts, sessions, CSRF and the login throttle.
//!
//! - Passwords: argon2id, checked under a semaphore off the async threads (see
//!   [`super::password`]). Unknown names are verified against a dummy hash, so timing
//!   does not tell which names exist.
//! - Sessions: 32 random bytes in an HttpOnly, SameSite=Strict cookie (Secure when the
//!   request came through TLS, as a reverse proxy says with `X-Forwarded-Proto: https`);
//!   the database keeps only their SHA-256. A session ends after [`SESSION_IDLE`] without
//!   use and at most [`SESSION_MAX`] after login.
//! - CSRF: a synchronizer token per session in every form, checked on every POST; the
//!   login form, which has no session yet, uses a double-submit cookie. Both compare in
//!   constant time. A foreign `Origin` on a POST is refused as well.
//! - Failed logins: counted per (name, address), per address and per name before the
//!   password is checked, and answered with 429 rather than by sleeping (see
//!   [`super::throttle`] for the policy).
//! - After login only a path on this site is followed (`next`); anything else goes to
//!   `/flags`.
//!
//! Hand-written rather than tower-sessions/axum-csrf: the whole mechanism is this folder,
//! it stores sessions in our own database (hashed), and it adds no dependency tree.
//!
//! One file per concern: `session` (the session cookie, the [`Session`] of a request and
//! the page chrome), `csrf` (tokens, the login form's double-submit cookie, the origin
//! check), `login` (the login and logout handlers) and `cookies` (reading and setting
//! cookies). Roles and random tokens are here.

mod cookies;
mod csrf;
mod login;
mod session;

pub use csrf::{CsrfForm, LOGIN_CSRF_COOKIE};
pub use login::{get_login, post_login, post_logout, ClientAddr, LoginForm, LoginQuery};
pub use session::{Chrome, LoginRequired, Session, SESSION_COOKIE, SESSION_IDLE, SESSION_MAX};

/// Shortest password accepted for a new user.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Roles are stored with the users: see [`crate::store::users::Role`].
pub use crate::store::users::Role;

/// 32 random bytes from the operating system, hex.
pub fn random_token() -> String {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).expect("the operating system has no random source");
    hex::encode(buf)
}
