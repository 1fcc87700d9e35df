//! `webwacht evidence verify`: read back every WARC record the database refers to and
//! check its hashes; one Dutch line per problem, a summary, exit 1 when anything is wrong.

use clap::Subcommand;

use crate::config::Config;
use crate::evidence::{self, Check, VerifyEvent};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Elk bewijsrecord uit de database opnieuw lezen en hashen; meldt afwijkende en
    /// ontbrekende records (exitcode 1 als er iets niet klopt)
    Verify,
}

pub async fn run(cfg: &Config, cmd: &EvidenceCommand) -> anyhow::Result<()> {
    match cmd {
        EvidenceCommand::Verify => verify(cfg).await,
    }
}

async fn verify(cfg: &Config) -> anyhow::Result<()> {
    let store = Store::open(cfg).await?;
    let dir = cfg.evidence_dir();
    let summary = evidence::verify_all(&store, &dir, |event| match event {
        VerifyEvent::Problem { record, check } => {
            let (kind, detail) = match check {
                Check::Missing(why) => ("ontbreekt", why.clone()),
                Check::Mismatch(why) => ("afwijkend", why.join("; ")),
                Check::Ok => return,
            };
            println!(
                "{kind}: {} offset {} ({}): {detail}",
                dir.join(&record.file).display(),
                record.offset,
                record.url
            );
        }
        VerifyEvent::Progress { done, total } => {
            eprintln!("… {done} van {total} records gecontroleerd");
        }
    })
    .await?;
    store.close().await;
    println!(
        "Bewijs gecontroleerd in {}: {} records, {} in orde, {} afwijkend, {} ontbrekend.",
        dir.display(),
        summary.checked,
        summary.ok,
        summary.mismatched,
        summary.missing
    );
    if !summary.all_ok() {
        anyhow::bail!(
            "het bewijs is niet in orde: {} afwijkend, {} ontbrekend",
            summary.mismatched,
            summary.missing
        );
    }
    Ok(())
}
