//! The demo ad site as an in-process HTTP server on 127.0.0.1, logging every request.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::html;
use super::{ads, DemoAd};

/// The demo site's `robots.txt`: everything but `/prive/` may be crawled.
pub const ROBOTS_TXT: &str = "User-agent: *\nDisallow: /prive/\n";

/// One request the demo site received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub at: Instant,
    /// E.g. `/escorts?page=2`.
    pub path_and_query: String,
    pub user_agent: Option<String>,
}

/// Every request the demo site received, in arrival order; shared with the caller so
/// tests can check politeness (robots.txt first, no `/prive/`, request spacing).
pub type RequestLog = Arc<Mutex<Vec<LoggedRequest>>>;

#[derive(Clone)]
struct AppState {
    ads: Arc<Vec<DemoAd>>,
}

/// The demo site's routes; every request, including 404s, is appended to `log`.
pub fn router(log: RequestLog) -> Router {
    let state = AppState {
        ads: Arc::new(ads()),
    };
    Router::new()
        .route("/robots.txt", get(get_robots))
        .route("/escorts", get(get_listing))
        .route("/advertentie/{id}", get(get_ad))
        .route("/prive/advertentie/{id}", get(get_prive_ad))
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn_with_state(log, log_request))
}

async fn log_request(State(log): State<RequestLog>, request: Request, next: Next) -> Response {
    let path_and_query = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let entry = LoggedRequest {
        at: Instant::now(),
        path_and_query,
        user_agent,
    };
    log.lock().unwrap_or_else(|e| e.into_inner()).push(entry);
    next.run(request).await
}

fn html_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn get_robots() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        ROBOTS_TXT,
    )
        .into_response()
}

#[derive(Deserialize)]
struct ListingQuery {
    page: Option<String>,
}

async fn get_listing(State(state): State<AppState>, Query(query): Query<ListingQuery>) -> Response {
    let page = match query.page.as_deref() {
        None => Some(1),
        Some(text) => text.parse::<u32>().ok(),
    };
    match page {
        Some(page) if (1..=html::page_count(&state.ads)).contains(&page) => {
            html_response(StatusCode::OK, html::listing_page(&state.ads, page))
        }
        _ => not_found().await,
    }
}

async fn get_ad(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    serve_ad(&state, &id, false)
}

async fn get_prive_ad(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    serve_ad(&state, &id, true)
}

fn serve_ad(state: &AppState, id: &str, disallowed: bool) -> Response {
    match state
        .ads
        .iter()
        .find(|ad| ad.id == id && ad.disallowed == disallowed)
    {
        Some(ad) => html_response(StatusCode::OK, html::ad_page(ad)),
        None => html_response(StatusCode::NOT_FOUND, html::not_found_page()),
    }
}

async fn not_found() -> Response {
    html_response(StatusCode::NOT_FOUND, html::not_found_page())
}

/// Serve the demo site on `listener` until `shutdown` completes, then finish the
/// requests in flight and return.
pub async fn serve(
    listener: TcpListener,
    log: RequestLog,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(log))
        .with_graceful_shutdown(shutdown)
        .await
}

/// A running demo site on 127.0.0.1 (a free port), stopped with [`DemoServer::shutdown`].
#[derive(Debug)]
pub struct DemoServer {
    pub addr: SocketAddr,
    pub log: RequestLog,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl DemoServer {
    /// Bind 127.0.0.1:0 and serve the demo site in a background task.
    pub async fn start() -> std::io::Result<DemoServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let log = RequestLog::default();
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async {
            // A dropped sender also means stop.
            let _ = stopped.await;
        };
        let task = tokio::spawn(serve(listener, log.clone(), shutdown));
        Ok(DemoServer {
            addr,
            log,
            stop,
            task,
        })
    }

    /// E.g. `http://127.0.0.1:43123`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting, let requests in flight finish, and wait for the server task.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "demo site stopped with an error"),
            Err(e) => tracing::warn!(error = %e, "demo site task failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .user_agent("webwacht-test/0.1")
            .build()
            .unwrap()
    }

    async fn fetch(base: &str, path: &str) -> (u16, Option<String>, String) {
        let response = client().get(format!("{base}{path}")).send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        (status, content_type, response.text().await.unwrap())
    }

    #[tokio::test]
    async fn serves_robots_listings_and_ads_and_logs_every_request() {
        let server = DemoServer::start().await.unwrap();
        let base = server.base_url();
        assert!(server.addr.ip().is_loopback());

        let (status, content_type, robots) = fetch(&base, "/robots.txt").await;
        assert_eq!((status, robots.as_str()), (200, ROBOTS_TXT));
        assert_eq!(content_type.as_deref(), Some("text/plain; charset=utf-8"));

        let (status, content_type, page) = fetch(&base, "/escorts?page=1").await;
        assert_eq!(status, 200);
        assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
        let all = ads();
        let first = &all[0];
        assert!(page.contains(&format!("href=\"/advertentie/{}\"", first.id)));
        assert!(page.contains("rel=\"next\" href=\"/escorts?page=2\""));

        let (status, _, ad) = fetch(&base, &first.path()).await;
        assert_eq!(status, 200);
        assert!(ad.contains(&format!("data-ad-id=\"{}\"", first.id)));
        assert!(ad.contains(&html::escape(&first.title)));

        let hidden = all.iter().find(|a| a.disallowed).unwrap();
        assert_eq!(fetch(&base, &hidden.path()).await.0, 200);
        assert_eq!(
            fetch(&base, &format!("/advertentie/{}", hidden.id)).await.0,
            404
        );
        assert_eq!(fetch(&base, "/advertentie/99999").await.0, 404);
        assert_eq!(fetch(&base, "/escorts?page=99").await.0, 404);
        assert_eq!(fetch(&base, "/escorts?page=abc").await.0, 404);
        let (status, content_type, _) = fetch(&base, "/onbekend").await;
        assert_eq!(status, 404);
        assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));

        let log = server.log.lock().unwrap().clone();
        let paths: Vec<_> = log.iter().map(|r| r.path_and_query.as_str()).collect();
        assert_eq!(paths.len(), 9);
        assert_eq!(paths[0], "/robots.txt");
        assert_eq!(paths[1], "/escorts?page=1");
        assert_eq!(paths[8], "/onbekend");
        assert!(log
            .iter()
            .all(|r| r.user_agent.as_deref() == Some("webwacht-test/0.1")));
        assert!(log.windows(2).all(|w| w[0].at <= w[1].at));
        server.shutdown().await;
    }

    /// An idle keep-alive connection must not keep the server from stopping.
    #[tokio::test]
    async fn shutdown_finishes_with_an_idle_connection_open() {
        let server = DemoServer::start().await.unwrap();
        let client = client();
        let response = client
            .get(format!("{}/escorts", server.base_url()))
            .send()
            .await;
        assert_eq!(response.unwrap().status().as_u16(), 200);
        let stopped = tokio::time::timeout(Duration::from_secs(10), server.shutdown()).await;
        assert!(stopped.is_ok(), "graceful shutdown hung");
        drop(client);
    }
}
