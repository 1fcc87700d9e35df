//! `webwacht crawl`: crawl enabled sites, then match and flag.

use clap::Args;

use crate::config::Config;
use crate::crawl::CrawlOptions;
use crate::error::BadInput;
use crate::pipeline::crawl_and_match;
use crate::rules::Policies;
use crate::site::{self, Site};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Alleen deze site(s) (id uit selectors/<id>.toml); herhaalbaar
    #[arg(long = "site", value_name = "ID")]
    pub sites: Vec<String>,
    /// Hoogstens zoveel pagina's per site in deze ronde
    #[arg(long, value_name = "N")]
    pub max_pages: Option<u32>,
}

pub async fn run(cfg: &Config, args: &CrawlArgs) -> anyhow::Result<()> {
    let all = site::load_dir(&cfg.selectors_dir).map_err(|e| BadInput(e.to_string()))?;
    let sites = choose(all, &args.sites)?;
    if sites.is_empty() {
        println!(
            "Geen ingeschakelde sites in {}. Voeg een sitebestand toe (zie README, 'Een site toevoegen').",
            cfg.selectors_dir.display()
        );
        return Ok(());
    }
    let policies = Policies::load(&cfg.policies_file)?;
    let store = Store::open(cfg).await?;
    let opts = CrawlOptions {
        user_agent: cfg.user_agent.clone(),
        max_pages: args.max_pages,
        unthrottled: false,
    };
    let (reports, stats) =
        crawl_and_match(&store, &sites, &opts, &cfg.evidence_dir(), &policies).await?;
    for r in &reports {
        let s = &r.stats;
        println!(
            "{}: {} pagina's, {} advertenties ({} nieuw, {} gewijzigd, {} ongewijzigd (304), {} verwijderd), {} geblokkeerd door robots.txt, {} fouten",
            r.site_id,
            s.pages,
            s.ads_seen,
            s.ads_new,
            s.ads_changed,
            s.ads_not_modified,
            s.ads_removed,
            s.robots_blocked,
            s.errors
        );
        if let Some(message) = &r.health.message {
            println!("  {message}");
        }
    }
    println!(
        "Matching: {} advertenties beoordeeld; {} nieuwe signalen, {} bijgewerkt, {} opgelost, {} heropend.",
        stats.ads, stats.flags_new, stats.flags_updated, stats.flags_resolved, stats.flags_reopened
    );
    store.close().await;
    let broken: Vec<&str> = reports
        .iter()
        .filter(|r| r.health.broken)
        .map(|r| r.site_id.as_str())
        .collect();
    if !broken.is_empty() {
        anyhow::bail!(
            "site(s) defect: {}; zie `webwacht sites` en `webwacht selectors check`",
            broken.join(", ")
        );
    }
    Ok(())
}

/// Enabled sites, or exactly the ones asked for (an unknown id is bad usage).
fn choose(all: Vec<Site>, wanted: &[String]) -> anyhow::Result<Vec<Site>> {
    if wanted.is_empty() {
        return Ok(all.into_iter().filter(|s| s.enabled).collect());
    }
    for w in wanted {
        if !all.iter().any(|s| &s.id == w) {
            let known: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
            return Err(BadInput(format!(
                "onbekende site {w:?}; bekend: {}",
                known.join(", ")
            ))
            .into());
        }
    }
    Ok(all.into_iter().filter(|s| wanted.contains(&s.id)).collect())
}
