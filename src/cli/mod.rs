//! The command line: clap definitions and dispatch, one file per command. No logic of its
//! own: each command calls the pipeline stages.

mod crawl;
mod demo;
mod evaluate;
mod evidence;
mod extract;
mod flags;
mod places;
mod register;
mod report;
mod selectors;
mod serve;
mod sites;
mod user;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Config, Overrides};

/// webwacht: zicht op de online advertentiemarkt voor seksbedrijven en escort.
///
/// Leest advertentiesites beleefd uit, haalt telefoonnummers, vergunningnummers en
/// plaatsen uit de advertenties, legt ze naast het vergunningenregister en maakt
/// signalen die een internetrechercheur beoordeelt. Mensen beslissen; webwacht bereidt voor.
#[derive(Debug, Parser)]
#[command(name = "webwacht", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags that hold for every command; they win over `webwacht.toml` and `WEBWACHT_*`.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuratiebestand (standaard ./webwacht.toml als het bestaat)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Map voor database, bewijs (WARC) en rapporten
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database, bv. sqlite://./data/webwacht.db
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Map met sitebestanden (selectors/*.toml)
    #[arg(long, global = true, value_name = "DIR")]
    pub selectors_dir: Option<PathBuf>,
    /// Bestand met gemeentelijk beleid
    #[arg(long, global = true, value_name = "FILE")]
    pub policies_file: Option<PathBuf>,
    /// User-Agent voor elk verzoek
    #[arg(long, global = true, value_name = "UA")]
    pub user_agent: Option<String>,
    /// Logformaat op stderr
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// Readable text or JSON: the output of commands that offer both, and the log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

pub use OutputFormat as LogFormat;

/// The person at the terminal, for the audit log (`cli:alice`).
fn terminal_actor() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "onbekend".into());
    format!("cli:{user}")
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Het hele werk op de ingebouwde demo: demosite starten, register importeren,
    /// crawlen, signaleren en een samenvatting tonen (in ./data/demo/)
    Demo(demo::DemoArgs),
    /// Ingeschakelde sites crawlen, daarna matchen en signaleren
    Crawl(crawl::CrawlArgs),
    /// Het vergunningenregister beheren
    #[command(subcommand)]
    Register(register::RegisterCommand),
    /// Telefoonnummers, vergunningnummers en plaatsen uit tekst of HTML halen
    Extract(extract::ExtractArgs),
    /// De extractie meten op een gelabeld corpus (JSONL): precisie, recall en
    /// juistheid per soort vondst
    Evaluate(evaluate::EvaluateArgs),
    /// Signalen tonen
    Flags(flags::FlagsArgs),
    /// Het bewijs (WARC-bestanden) controleren
    #[command(subcommand)]
    Evidence(evidence::EvidenceCommand),
    /// De plaatsnamentabel (gemeenten en woonplaatsen) beheren
    #[command(subcommand)]
    Places(places::PlacesCommand),
    /// Sitebestanden controleren en selectors uitproberen
    #[command(subcommand)]
    Selectors(selectors::SelectorsCommand),
    /// Gezondheid van elke site en de statistiek van de laatste crawlrondes
    Sites(sites::SitesArgs),
    /// De beoordelingsomgeving (web) starten
    Serve(serve::ServeArgs),
    /// Gebruikers van de beoordelingsomgeving beheren
    #[command(subcommand)]
    User(user::UserCommand),
    /// Rapporten voor de gemeenten: de weeklijsten van bevestigde signalen
    #[command(subcommand)]
    Report(report::ReportCommand),
}

impl Cli {
    /// The merged configuration: file, then environment, then these flags.
    pub fn config(&self) -> anyhow::Result<Config> {
        let g = &self.global;
        let overrides = Overrides {
            data_dir: g.data_dir.clone(),
            database_url: g.database_url.clone(),
            selectors_dir: g.selectors_dir.clone(),
            policies_file: g.policies_file.clone(),
            user_agent: g.user_agent.clone(),
            bind: None,
        };
        Ok(Config::load(
            g.config.as_deref(),
            std::env::vars(),
            &overrides,
        )?)
    }
}

/// Run the parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Demo(args) => demo::run(&cli, args).await,
        Command::Crawl(args) => crawl::run(&cli.config()?, args).await,
        Command::Register(cmd) => register::run(&cli.config()?, cmd).await,
        Command::Extract(args) => extract::run(&cli.config()?, args).await,
        Command::Evaluate(args) => evaluate::run(args),
        Command::Flags(args) => flags::run(&cli.config()?, args).await,
        Command::Evidence(cmd) => evidence::run(&cli.config()?, cmd).await,
        Command::Places(cmd) => places::run(&cli.config()?, cmd).await,
        Command::Selectors(cmd) => selectors::run(&cli.config()?, cmd).await,
        Command::Sites(args) => sites::run(&cli.config()?, args).await,
        Command::Serve(args) => serve::run(&cli.config()?, args).await,
        Command::User(cmd) => user::run(&cli.config()?, cmd).await,
        Command::Report(cmd) => report::run(&cli.config()?, cmd).await,
    }
}
