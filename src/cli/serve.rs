//! `webwacht serve`: the review UI on the configured address until Ctrl-C.
//!
//! The scheduler DESIGN names (daily crawl, weekly lists, retention) is not part of this
//! version yet: run `webwacht crawl` from cron or a systemd timer.

use anyhow::Context as _;
use clap::Args;

use crate::config::Config;
use crate::store::{Store, Usage};
use crate::web::{self, AppState};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Adres en poort (standaard uit webwacht.toml [web] bind, anders 127.0.0.1:8080;
    /// poort 0 kiest een vrije poort)
    #[arg(long, value_name = "ADRES:POORT")]
    pub bind: Option<String>,
}

pub async fn run(cfg: &Config, args: &ServeArgs) -> anyhow::Result<()> {
    let store = Store::open_as(cfg, Usage::Server).await?;
    let bind = args.bind.clone().unwrap_or_else(|| cfg.bind.clone());
    serve_until_ctrl_c(store, cfg, &bind).await
}

/// Bind, say where, and serve until Ctrl-C (also used by `demo`).
pub async fn serve_until_ctrl_c(store: Store, cfg: &Config, bind: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("kan niet luisteren op {bind}"))?;
    let addr = listener.local_addr()?;
    println!("webwacht luistert op http://{addr}/ — stop met Ctrl-C.");
    tracing::info!(%addr, "review UI listening");
    let state = AppState::new(store.clone(), cfg.evidence_dir());
    web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    store.close().await;
    Ok(())
}
