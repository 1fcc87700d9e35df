//! `webwacht selectors check [SITE] [--sample FILE.html]`: validate site files, and show
//! what each selector finds on a saved page.

use std::path::PathBuf;

use clap::Subcommand;

use crate::config::Config;
use crate::error::BadInput;
use crate::site::{self, parse};

#[derive(Debug, Subcommand)]
pub enum SelectorsCommand {
    /// Sitebestanden valideren; met --sample: laat zien wat elke selector vindt
    Check {
        /// Alleen deze site
        site: Option<String>,
        /// Een opgeslagen pagina (HTML) om de selectors op uit te proberen
        #[arg(long, value_name = "FILE.html", requires = "site")]
        sample: Option<PathBuf>,
    },
}

pub async fn run(cfg: &Config, cmd: &SelectorsCommand) -> anyhow::Result<()> {
    let SelectorsCommand::Check {
        site: wanted,
        sample,
    } = cmd;
    let sites = site::load_dir(&cfg.selectors_dir).map_err(|e| BadInput(e.to_string()))?;
    let sites: Vec<_> = match wanted {
        Some(id) => {
            let s: Vec<_> = sites.into_iter().filter(|s| &s.id == id).collect();
            if s.is_empty() {
                return Err(BadInput(format!(
                    "geen sitebestand {id}.toml in {}",
                    cfg.selectors_dir.display()
                ))
                .into());
            }
            s
        }
        None => sites,
    };
    if sites.is_empty() {
        println!("Geen sitebestanden in {}.", cfg.selectors_dir.display());
    }
    for s in &sites {
        println!(
            "{}: in orde ({}; {} verzoeken/min; robots.txt {}; {})",
            s.file.display(),
            s.name,
            s.requests_per_minute,
            if s.respect_robots {
                "gevolgd"
            } else {
                "genegeerd"
            },
            if s.enabled {
                "ingeschakeld"
            } else {
                "uitgeschakeld"
            }
        );
    }
    if let (Some(path), Some(s)) = (sample, sites.first()) {
        let html = std::fs::read(path).map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
        let html = String::from_utf8_lossy(&html);
        let doc = crate::extract::html_depth::parse_document(&html);
        let base = s.start_urls[0].clone();
        let listing = parse::parse_listing(s, &base, &html);
        println!(
            "listing.ad_links ({}): {} links",
            s.ad_links_css,
            listing.ad_links.len()
        );
        for u in listing.ad_links.iter().take(5) {
            println!("    {u}");
        }
        println!("listing.next_page: {} links", listing.next_pages.len());
        let f = &s.fields;
        for (name, field) in [
            ("id", f.id.as_ref()),
            ("title", Some(&f.title)),
            ("body", Some(&f.body)),
            ("advertiser", f.advertiser.as_ref()),
            ("place", f.place.as_ref()),
            ("phone", f.phone.as_ref()),
            ("licence", f.licence.as_ref()),
            ("posted", f.posted.as_ref()),
        ] {
            let Some(field) = field else { continue };
            let values = parse::values(&doc, field);
            let shown: Vec<String> = values.iter().take(3).map(|v| preview(v)).collect();
            let mark = if values.is_empty() { "LEEG" } else { "" };
            println!(
                "ad.{name:<11} ({}) {mark} {}",
                field.source,
                shown.join(" | ")
            );
        }
    }
    Ok(())
}

fn preview(v: &str) -> String {
    let one_line: String = v.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{:?}…", one_line.chars().take(80).collect::<String>())
    } else {
        format!("{one_line:?}")
    }
}
