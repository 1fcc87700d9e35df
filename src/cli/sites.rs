//! `webwacht sites`: every site's selector health and its newest runs.

use clap::Args;

use crate::config::Config;
use crate::store::runs::{self, RunSummary};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct SitesArgs {
    /// Zoveel recente rondes per site tonen
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub runs: i64,
}

pub async fn run(cfg: &Config, args: &SitesArgs) -> anyhow::Result<()> {
    let store = Store::open(cfg).await?;
    let sites = runs::site_statuses(&store).await?;
    if sites.is_empty() {
        println!("Nog geen sites gecrawld. Start met `webwacht crawl`.");
    }
    for s in &sites {
        let state = if s.health == "broken" {
            "DEFECT"
        } else {
            "in orde"
        };
        println!(
            "{} ({}): {state}, {} advertenties online",
            s.id, s.name, s.ads_current
        );
        if let Some(m) = &s.health_message {
            println!("  {m}");
        }
        for r in runs::recent_runs(&store, &s.id, args.runs.max(1)).await? {
            println!("  {}", run_line(&r));
        }
    }
    store.close().await;
    Ok(())
}

/// One run in one line, Dutch.
fn run_line(r: &RunSummary) -> String {
    let s = &r.stats;
    let status = match r.status.as_str() {
        "running" => "loopt of onderbroken",
        "finished" => "klaar",
        other => other,
    };
    let duration = r.duration_ms.map_or_else(
        || "-".to_string(),
        |ms| format!("{:.1} s", ms as f64 / 1000.0),
    );
    format!(
        "ronde {} van {} ({status}, {duration}): {} pagina's, {} advertenties, {} nieuw, {} gewijzigd, \
         {} ongewijzigd (304), {} verwijderd, {} fouten, {} geblokkeerd door robots.txt",
        r.id,
        r.started_at,
        s.pages,
        s.ads_seen,
        s.ads_new,
        s.ads_changed,
        s.ads_not_modified,
        s.ads_removed,
        s.errors,
        s.robots_blocked
    )
}
