//! One pass of the pipeline: crawl the sites, then match. The one sequence that
//! `webwacht crawl` and `webwacht demo` run, and that a scheduler will run next.

use std::path::Path;

use anyhow::Context as _;

use crate::crawl::{self, CrawlOptions, SiteReport};
use crate::rules::{self, MatchStats, Policies};
use crate::site::Site;
use crate::store::Store;

/// Crawl the sites one after another, then match every current ad against the register,
/// then leave the flags ready for the review UI's reads (`Store::tidy_for_review`).
pub async fn crawl_and_match(
    store: &Store,
    sites: &[Site],
    opts: &CrawlOptions,
    evidence_dir: &Path,
    policies: &Policies,
) -> anyhow::Result<(Vec<SiteReport>, MatchStats)> {
    let mut reports = Vec::new();
    for s in sites {
        let report = crawl::crawl_site(store, s, opts, evidence_dir)
            .await
            .with_context(|| format!("crawl van site {}", s.id))?;
        reports.push(report);
    }
    let stats = rules::run(store, policies).await.context("matching")?;
    store
        .tidy_for_review()
        .await
        .context("de signalen klaarzetten voor de beoordeling")?;
    Ok((reports, stats))
}
