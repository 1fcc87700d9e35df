//! Progress of one site's run: an indicatif bar on a terminal (pages, ads, rate), plain
//! log lines otherwise (a line every [`LOG_EVERY`] or at the end).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::store::runs::RunStats;

/// Without a terminal: one progress line this often.
pub const LOG_EVERY: Duration = Duration::from_secs(15);

pub struct Progress {
    site: String,
    bar: Option<ProgressBar>,
    started: Instant,
    last_log: Instant,
}

impl Progress {
    /// A bar when stderr is a terminal, log lines otherwise.
    pub fn new(site: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let style = ProgressStyle::with_template(
                "{prefix:>16} [{bar:30}] {pos}/{len} pagina's, {msg} ({per_sec}, {elapsed})",
            )
            .expect("a valid template")
            .progress_chars("=> ");
            let bar = ProgressBar::new(0).with_style(style);
            bar.set_prefix(site.to_string());
            bar
        });
        let now = Instant::now();
        Progress {
            site: site.to_string(),
            bar,
            started: now,
            last_log: now,
        }
    }

    /// After every page: `pending` URLs are still queued.
    pub fn update(&mut self, stats: &RunStats, pending: usize) {
        let done = stats.pages + stats.robots_blocked;
        match &self.bar {
            Some(bar) => {
                bar.set_length((done as u64) + pending as u64);
                bar.set_position(done as u64);
                bar.set_message(format!(
                    "{} advertenties, {} nieuw, {} fouten",
                    stats.ads_seen, stats.ads_new, stats.errors
                ));
            }
            None if self.last_log.elapsed() >= LOG_EVERY => {
                self.last_log = Instant::now();
                let secs = self.started.elapsed().as_secs_f64().max(0.001);
                tracing::info!(
                    site = %self.site, pages = stats.pages, pending, ads = stats.ads_seen,
                    new = stats.ads_new, errors = stats.errors,
                    rate = format!("{:.1}/s", stats.pages as f64 / secs),
                    "voortgang"
                );
            }
            None => {}
        }
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
