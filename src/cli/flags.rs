//! `webwacht flags`: list flags as a table, JSON or CSV.

use clap::Args;

use crate::config::Config;
use crate::report::flags::{render, FlagFormat};
use crate::store::flags::FlagFilter;
use crate::store::{self, Store};

#[derive(Debug, Args)]
pub struct FlagsArgs {
    /// Status: new, in_review, confirmed, dismissed, reported, closed, resolved
    #[arg(long)]
    pub status: Option<String>,
    /// Gemeentecode, bv. GM0599
    #[arg(long, value_name = "GMxxxx")]
    pub municipality: Option<String>,
    /// Regelcode, bv. no_licence_number
    #[arg(long)]
    pub rule: Option<String>,
    /// Uitvoerformaat
    #[arg(long, value_enum, default_value_t = FlagFormat::Table)]
    pub format: FlagFormat,
}

pub async fn run(cfg: &Config, args: &FlagsArgs) -> anyhow::Result<()> {
    let store = Store::open(cfg).await?;
    let filter = FlagFilter {
        status: args.status.clone(),
        municipality: args.municipality.clone(),
        rule: args.rule.clone(),
    };
    let flags = store::flags::list(&store, &filter).await?;
    store::audit::record(
        &store,
        "cli",
        "flags_list",
        None,
        Some(&format!("{} signalen", flags.len())),
    )
    .await?;
    print!("{}", render(&flags, args.format)?);
    store.close().await;
    Ok(())
}
