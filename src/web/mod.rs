//! The review web UI: axum routes, server-rendered Dutch pages (askama templates under
//! `templates/`), sessions, CSRF and security headers.
//!
//! Every route but `/login`, `/healthz` and the static assets needs a session. Ad content
//! is attacker-controlled: templates escape everything, the captured page is shown only in
//! a sandboxed `srcdoc` iframe, and the CSP allows no script at all.

mod admin;
mod assets;
pub mod auth;
mod cache;
mod error;
mod flags;
pub mod limits;
mod pages;
pub mod password;
mod reports;
mod security;
pub mod throttle;
mod view;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;

use crate::store::Store;

pub use admin::validate_new_user;
pub use auth::Role;
pub use error::WebError;
pub use password::hash_password;

/// What every handler shares; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// `data_dir/evidence`: where the WARC files of the captured pages are.
    pub evidence_dir: PathBuf,
    /// The data directory (the parent of `evidence_dir`, as `Config` lays it out): the
    /// weekly lists' files are under `reports/`.
    pub data_dir: PathBuf,
    pub throttle: Arc<throttle::LoginThrottle>,
    /// Where every argon2 hash runs: at most one per core at a time.
    pub hashing: Arc<password::HashingPool>,
    queue_cache: Arc<cache::QueueCache>,
}

impl AppState {
    pub fn new(store: Store, evidence_dir: PathBuf) -> AppState {
        let data_dir = evidence_dir
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        AppState {
            store,
            data_dir,
            evidence_dir,
            throttle: Arc::new(throttle::LoginThrottle::default()),
            hashing: Arc::new(password::HashingPool::sized_to_cores()),
            queue_cache: Arc::new(cache::QueueCache::default()),
        }
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(flags::redirect_home))
        .route("/login", get(auth::get_login).post(auth::post_login))
        .route("/logout", post(auth::post_logout))
        .route("/flags", get(flags::get_queue))
        .route("/flags/{id}", get(flags::get_flag))
        .route("/flags/{id}/decide", post(flags::post_decision))
        .route("/phones/{e164}", get(pages::get_phone))
        .route("/ads/{id}", get(pages::get_ad))
        .route("/search", get(pages::get_search))
        .route("/monitor", get(pages::get_monitor))
        .route("/reports", get(reports::get_reports))
        .route("/reports/{id}", get(reports::get_report))
        .route("/reports/{id}/{kind}", get(reports::get_report_file))
        .route(
            "/reports/{id}/flags/{flag}/close",
            post(reports::post_close),
        )
        .route("/audit", get(admin::get_audit))
        .route("/users", get(admin::get_users).post(admin::post_user))
        .route("/users/{id}/disable", post(admin::post_disable_user))
        .route("/sites", get(admin::get_sites))
        .route("/healthz", get(pages::get_healthz))
        .route("/metrics", get(pages::get_metrics))
        .route("/assets/{*path}", get(assets::get_asset))
        .route("/favicon.ico", get(assets::get_favicon))
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(limits::refuse_large_bodies))
        .layer(axum::extract::DefaultBodyLimit::max(limits::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// Serve until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
