//! `webwacht places`: refresh the gazetteer from an official CBS export, or show it.

use std::path::PathBuf;

use clap::Subcommand;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::BadInput;
use crate::extract::gazetteer;
use crate::store::{self, Store};

#[derive(Debug, Subcommand)]
pub enum PlacesCommand {
    /// De tabel vervangen door een CBS-export "Woonplaatsen in Nederland" (CSV); alles of niets
    Import {
        /// CSV-bestand van CBS (puntkomma of komma gescheiden)
        file: PathBuf,
        /// Peildatum van de export, bv. 2026-01-01 (standaard: vandaag)
        #[arg(long)]
        vintage: Option<String>,
    },
    /// Toon bron, peildatum en aantallen van de plaatsnamentabel
    Info,
}

pub async fn run(cfg: &Config, cmd: &PlacesCommand) -> anyhow::Result<()> {
    let store = Store::open(cfg).await?;
    match cmd {
        PlacesCommand::Import { file, vintage } => {
            let bytes = std::fs::read(file).map_err(|e| {
                BadInput(format!("{}: kan bestand niet lezen: {e}", file.display()))
            })?;
            let name = file.display().to_string();
            let (municipalities, places) =
                gazetteer::parse_cbs_csv(&name, &bytes).map_err(|e| BadInput(e.to_string()))?;
            let sha = hex::encode(Sha256::digest(&bytes));
            let vintage = vintage
                .clone()
                .unwrap_or_else(|| chrono::Utc::now().date_naive().to_string());
            store::gazetteer::replace(
                &store,
                &municipalities,
                &places,
                &name,
                &vintage,
                Some(&sha),
            )
            .await?;
            store::audit::record(&store, "system", "places_import", Some(&name), Some(&sha))
                .await?;
            println!(
                "Plaatsnamentabel vervangen: {} gemeenten, {} plaatsen (peildatum {vintage}).",
                municipalities.len(),
                places.len()
            );
        }
        PlacesCommand::Info => {
            let (m, p, source, vintage) = store::gazetteer::info(&store).await?;
            println!("Bron: {source}\nPeildatum: {vintage}\nGemeenten: {m}\nPlaatsen: {p}");
        }
    }
    store.close().await;
    Ok(())
}
