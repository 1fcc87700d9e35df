//! `webwacht report weekly`: make the weekly lists of confirmed signals per municipality
//! (see `report::weekly`), print where they are.

use clap::{Args, Subcommand};

use crate::clock::Clock;
use crate::config::Config;
use crate::report::weekly::{self, model::IsoWeek};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// De weeklijsten per gemeente maken: elk bevestigd signaal in het grondgebied van
    /// de gemeente dat nog op geen lijst staat en vóór het einde van de week bevestigd
    /// is, gaat op de lijst en wordt 'gemeld'. Een gemaakte lijst ligt vast: dezelfde week
    /// nog eens geeft dezelfde bestanden (CSV, XLSX, PDF in <data_dir>/reports/).
    Weekly(WeeklyArgs),
}

#[derive(Debug, Args)]
pub struct WeeklyArgs {
    /// ISO-week, bijvoorbeeld 2026-W48 (standaard: de laatste volledige week, in
    /// Nederlandse tijd)
    #[arg(long, value_name = "JJJJ-Www")]
    pub week: Option<String>,
    /// Alleen deze gemeente (CBS-code, GMxxxx); standaard elke gemeente met bevestigde
    /// signalen en elke gemeente met ontvangers in [report.recipients]
    #[arg(long, value_name = "GMxxxx")]
    pub municipality: Option<String>,
    /// De lijsten ook mailen naar de ontvangers uit [report.recipients]
    #[arg(long)]
    pub send: bool,
    /// Alleen tonen wat er op de lijsten zou komen; niets maken of wijzigen
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn run(cfg: &Config, cmd: &ReportCommand) -> anyhow::Result<()> {
    match cmd {
        ReportCommand::Weekly(args) => weekly_lists(cfg, args).await,
    }
}

async fn weekly_lists(cfg: &Config, args: &WeeklyArgs) -> anyhow::Result<()> {
    let clock = Clock::from_env()?;
    let now = clock.now();
    let week = match &args.week {
        Some(w) => IsoWeek::parse(w)?,
        None => IsoWeek::last_complete(now),
    };
    weekly::check_week(week, now)?;
    // Check the mail settings before anything is made.
    let mailer = match (args.send, args.dry_run) {
        (true, false) => Some(weekly::send::Mailer::from_config(cfg)?),
        _ => None,
    };
    let municipality = args
        .municipality
        .as_ref()
        .map(|m| m.trim().to_ascii_uppercase());
    let req = weekly::Request {
        week,
        municipality,
        recipients: cfg.report.recipients.clone(),
        dry_run: args.dry_run,
    };
    let store = Store::open(cfg).await?;
    let outcomes = weekly::run(&store, &cfg.data_dir, now, &req).await;
    let sent = match (&outcomes, &mailer) {
        (Ok(made), Some(mailer)) => {
            let ids: Vec<i64> = made.iter().filter_map(|o| o.list_id).collect();
            Some(
                weekly::send::send_due(
                    &store,
                    &cfg.data_dir,
                    mailer,
                    &cfg.report.recipients,
                    &ids,
                    now,
                )
                .await,
            )
        }
        _ => None,
    };
    store.close().await;
    let outcomes = outcomes?;
    if outcomes.is_empty() {
        println!("Week {week}: geen gemeente met nieuwe bevestigde signalen en geen vaste ontvangers; geen lijst gemaakt.");
        return Ok(());
    }
    for o in &outcomes {
        let what = match (args.dry_run, o.made, o.list_id) {
            (true, _, None) => "zou gemaakt worden",
            (true, _, Some(_)) => "bestaat al",
            (false, true, _) => "gemaakt",
            (false, false, _) => "bestond al (bestanden gecontroleerd)",
        };
        println!(
            "{} week {}: {} signalen, {what}",
            o.municipality_code, o.week, o.signals
        );
        for f in &o.files {
            println!("  {}", cfg.data_dir.join(f).display());
        }
    }
    let made = outcomes.iter().filter(|o| o.made).count();
    let signals: usize = outcomes.iter().filter(|o| o.made).map(|o| o.signals).sum();
    if !args.dry_run {
        println!("Week {week}: {made} lijsten gemaakt met samen {signals} signalen.");
    }
    if let Some(sent) = sent {
        let sent = sent?;
        for (list, to) in &sent.sent {
            println!("verstuurd: {list} aan {to}");
        }
        for (list, to, why) in &sent.failed {
            println!("niet verstuurd: {list} aan {to}: {why}");
        }
        if !sent.failed.is_empty() {
            anyhow::bail!(
                "{} berichten niet verstuurd; ze worden bij de volgende keer --send opnieuw geprobeerd",
                sent.failed.len()
            );
        }
    }
    Ok(())
}
