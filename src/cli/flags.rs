//! `webwacht flags`: list flags as a table, JSON or CSV.

use clap::Args;

use crate::config::Config;
use crate::error::BadInput;
use crate::report::flags::{render, FlagFormat};
use crate::review::FlagStatus;
use crate::rules::Rule;
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
    if let Some(s) = &args.status {
        if FlagStatus::parse(s).is_none() {
            let known: Vec<&str> = FlagStatus::ALL.iter().map(|s| s.as_str()).collect();
            return Err(BadInput(format!(
                "onbekende status {s:?}; bekend: {}",
                known.join(", ")
            ))
            .into());
        }
    }
    if let Some(r) = &args.rule {
        if Rule::parse(r).is_none() {
            let known: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
            return Err(BadInput(format!(
                "onbekende regel {r:?}; bekend: {}",
                known.join(", ")
            ))
            .into());
        }
    }
    let store = Store::open(cfg).await?;
    let filter = FlagFilter {
        status: args.status.clone(),
        municipality: args.municipality.clone(),
        rule: args.rule.clone(),
    };
    let flags = store::flags::list(&store, &filter).await?;
    store::audit::record(
        &store,
        &super::terminal_actor(),
        "flags_list",
        None,
        Some(&format!("{} signalen", flags.len())),
    )
    .await?;
    print!("{}", render(&flags, args.format)?);
    store.close().await;
    Ok(())
}
