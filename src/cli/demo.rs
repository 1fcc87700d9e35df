//! `webwacht demo`: the whole job on the embedded default. Starts the bundled demo ad
//! site on 127.0.0.1, imports the demo register, crawls, extracts, flags and prints a
//! Dutch summary; then a demo reviewer confirms a few signals and this week's lists are
//! made (`--no-lists`: not), and it serves the review UI with two fresh demo accounts
//! until Ctrl-C (`--no-serve`: stop after the lists). Works in its own data dir (`./data/demo/`), never the user's database.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use super::Cli;
use crate::config::Config;
use crate::crawl::CrawlOptions;
use crate::demo::{self, DemoServer};
use crate::error::BadInput;
use crate::pipeline;
use crate::register::RegisterKind;
use crate::report::summary;
use crate::report::weekly::{self, model::IsoWeek};
use crate::rules::Policies;
use crate::site;
use crate::store::{self, Store};
use crate::web::auth::random_token;
use crate::web::{hash_password, Role};

pub const DEMO_DATA_DIR: &str = "./data/demo";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Stop na de samenvatting (anders draaien de demosite en de beoordelingsomgeving tot Ctrl-C)
    #[arg(long)]
    pub no_serve: bool,
    /// Alleen crawlen en signaleren: geen signalen bevestigen en geen weeklijsten maken
    /// (om de signalen zelf te beoordelen)
    #[arg(long)]
    pub no_lists: bool,
}

/// The clearly named reviewer the demo confirms signals as.
pub const DEMO_REVIEWER: &str = "demo-onderzoeker";
/// The municipality whose signals the demo confirms (Rotterdam), and how many.
const DEMO_MUNICIPALITY: &str = "GM0599";
const DEMO_CONFIRMS: i64 = 3;

pub async fn run(cli: &Cli, args: &DemoArgs) -> anyhow::Result<()> {
    // Only --data-dir and --database-url may move the demo; the user's config file and
    // environment never point it at real data.
    let data_dir = cli
        .global
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEMO_DATA_DIR));
    let mut cfg = Config::for_data_dir(&data_dir);
    if let Some(url) = &cli.global.database_url {
        cfg.database_url.clone_from(url);
    }
    if let Some(ua) = &cli.global.user_agent {
        cfg.user_agent.clone_from(ua);
    }
    let server = DemoServer::start().await.context("demosite starten")?;
    let base = server.base_url();
    println!("Demosite gestart op {base}");

    let store = Store::open(&cfg).await?;
    let other_sites: Vec<String> = store::runs::site_statuses(&store)
        .await?
        .into_iter()
        .map(|s| s.id)
        .filter(|id| id != demo::SITE_ID)
        .collect();
    if !other_sites.is_empty() {
        anyhow::bail!(BadInput(format!(
            "de database {} bevat al gegevens van andere sites ({}); de demo gebruikt alleen een \
             lege database of die van een eerdere demo",
            store::redact(&cfg.database_url),
            other_sites.join(", ")
        )));
    }
    let register_path = data_dir.join("demo-register.csv");
    std::fs::write(&register_path, demo::register_csv())
        .with_context(|| format!("{} schrijven", register_path.display()))?;
    let snap = super::register::import(
        &store,
        &register_path.display().to_string(),
        demo::register_csv().as_bytes(),
        RegisterKind::Licences,
    )
    .await?;
    println!(
        "Demoregister geïmporteerd: {} vergunningen (momentopname {}).",
        snap.row_count, snap.id
    );

    let selectors_dir = data_dir.join("selectors");
    std::fs::create_dir_all(&selectors_dir)?;
    let site_file = selectors_dir.join("demo-escort.toml");
    std::fs::write(&site_file, demo::site_toml(&base))?;
    let demo_site = site::load_file(&site_file)?;
    println!(
        "Crawlen van {} (beleefd: {} verzoeken per minuut, robots.txt gevolgd)…",
        demo_site.name, demo_site.requests_per_minute
    );

    let opts = CrawlOptions {
        user_agent: cfg.user_agent.clone(),
        max_pages: None,
        unthrottled: false,
    };
    let policies = Policies::default();
    let (reports, _) = pipeline::crawl_and_match(
        &store,
        std::slice::from_ref(&demo_site),
        &opts,
        &cfg.evidence_dir(),
        &policies,
    )
    .await?;
    let summary = summary::summarise(&store).await?;

    println!("\n== webwacht demo: samenvatting ==");
    for r in &reports {
        println!(
            "Site {}: {} pagina's opgehaald, {} advertenties gelezen, {} pagina's overgeslagen door robots.txt, {} fouten.",
            r.site_id, r.stats.pages, r.stats.ads_seen, r.stats.robots_blocked, r.stats.errors
        );
    }
    print!("{}", summary.to_text());
    let dd = data_dir.display();
    println!("\nVerder kijken:");
    println!("  webwacht --data-dir {dd} flags                          alle signalen als tabel");
    println!("  webwacht --data-dir {dd} flags --format json            als JSON");
    println!("  webwacht --data-dir {dd} flags --rule unknown_licence_number");
    println!("  webwacht --data-dir {dd} flags --municipality GM0599    alleen Rotterdam");
    println!(
        "  webwacht --data-dir {dd} extract BESTAND.html           extractie op een eigen pagina"
    );
    println!("  Bewijs (WARC): {}", cfg.evidence_dir().display());
    println!("(Niet geïnstalleerd? Vervang `webwacht` door `cargo run --release --`.)");
    if !args.no_lists {
        the_loop(&store, &data_dir).await?;
    }

    if args.no_serve {
        store.close().await;
        server.shutdown().await;
        return Ok(());
    }
    println!(
        "\nBeoordelingsomgeving: log in met een van deze demo-accounts (wachtwoord nieuw per run):"
    );
    for (name, role) in [
        ("rechercheur", Role::Researcher),
        ("coordinator", Role::Coordinator),
    ] {
        let password = &random_token()[..20];
        demo_user(&store, name, role, password).await?;
        println!("  {name:<12} {password}   ({})", role.dutch());
    }
    println!("De demosite blijft draaien op {base}.");
    // The configured port if it is free, else any free one: the demo must start anyway.
    let bind = if std::net::TcpListener::bind(&cfg.bind).is_ok() {
        cfg.bind.clone()
    } else {
        "127.0.0.1:0".to_string()
    };
    super::serve::serve_until_ctrl_c(store, &cfg, &bind).await?;
    server.shutdown().await;
    Ok(())
}

/// The rest of the loop: the demo reviewer confirms a few of Rotterdam's strongest
/// signals (once: a second run confirms nothing more), and this week's lists are made.
async fn the_loop(store: &Store, data_dir: &std::path::Path) -> anyhow::Result<()> {
    let done_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM decisions WHERE actor = $1")
        .bind(DEMO_REVIEWER)
        .fetch_one(store.pool())
        .await?;
    if done_before == 0 {
        let picks: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, version_id FROM flags WHERE municipality_code = $1 AND status = 'new'
             ORDER BY strength DESC, id LIMIT $2",
        )
        .bind(DEMO_MUNICIPALITY)
        .bind(DEMO_CONFIRMS)
        .fetch_all(store.pool())
        .await?;
        for (id, version) in picks {
            store::decisions::decide(
                store,
                &store::decisions::NewDecision {
                    flag_id: id,
                    actor: DEMO_REVIEWER,
                    expected_status: "new",
                    expected_version: version,
                    steps: &["in_review", "confirmed"],
                    escalate: false,
                    note: Some("Demo: bevestigd door de demo-onderzoeker"),
                    action: "confirm",
                },
            )
            .await?;
        }
    }
    let now = crate::clock::Clock::from_env()?.now();
    let week = IsoWeek::of(
        now.with_timezone(&chrono_tz::Europe::Amsterdam)
            .date_naive(),
    );
    let lists = weekly::run(
        store,
        data_dir,
        now,
        &weekly::Request {
            week,
            municipality: None,
            recipients: Default::default(),
            dry_run: false,
        },
    )
    .await?;
    if lists.is_empty() {
        println!(
            "\n== de weeklijst ==\nGeen nieuwe bevestigde signalen voor week {week}; eerdere lijsten staan in {}.",
            data_dir.join("reports").display()
        );
        return Ok(());
    }
    println!(
        "\n== de weeklijst ==\nDe {DEMO_REVIEWER} bevestigde signalen in Rotterdam; de weeklijst van week {week} staat klaar (signalen gaan van bevestigd naar gemeld):"
    );
    for o in &lists {
        println!(
            "  {} week {}: {} signalen",
            o.municipality_code, o.week, o.signals
        );
        for f in &o.files {
            println!("    {}", data_dir.join(f).display());
        }
    }
    println!("Dit krijgt een gemeente elke week: de lijst als CSV en XLSX (voor Excel) en als PDF (voor het dossier).");
    Ok(())
}

/// Create a demo account, or give an existing one this run's password.
async fn demo_user(store: &Store, name: &str, role: Role, password: &str) -> anyhow::Result<()> {
    let hash = hash_password(password).map_err(anyhow::Error::msg)?;
    if !crate::store::users::set_password(store, name, &hash).await? {
        crate::store::users::create_user(store, name, &hash, role, None).await?;
    }
    Ok(())
}
