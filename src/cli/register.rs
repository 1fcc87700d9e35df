//! `webwacht register import FILE --kind licences|registrations`: all or nothing.

use std::path::PathBuf;

use clap::Subcommand;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::error::BadInput;
use crate::register::{self, ImportError, RegisterKind};
use crate::store::{self, Store};

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Een registerbestand (CSV) importeren als nieuwe momentopname. Alles of niets: bij
    /// één foute rij wordt niets opgeslagen en meldt webwacht elke fout als
    /// bestand:rij: kolom: probleem (exitcode 2).
    Import {
        /// CSV-bestand, UTF-8, met kopregel
        file: PathBuf,
        /// Soort register
        #[arg(long, value_enum, default_value_t = RegisterKind::Licences)]
        kind: RegisterKind,
    },
    /// De geïmporteerde momentopnamen tonen, nieuwste eerst
    List,
}

pub async fn run(cfg: &Config, cmd: &RegisterCommand) -> anyhow::Result<()> {
    match cmd {
        RegisterCommand::Import { file, kind } => {
            let bytes = std::fs::read(file).map_err(|e| {
                BadInput(format!("{}: kan bestand niet lezen: {e}", file.display()))
            })?;
            let store = Store::open(cfg).await?;
            let snap = import(&store, &file.display().to_string(), &bytes, *kind).await?;
            println!(
                "Momentopname {} geïmporteerd: {} rijen ({}) uit {}, SHA-256 {}.",
                snap.id, snap.row_count, snap.kind, snap.file_name, snap.sha256
            );
            store.close().await;
            Ok(())
        }
        RegisterCommand::List => {
            let store = Store::open(cfg).await?;
            let snaps = store::register::snapshots(&store).await?;
            if snaps.is_empty() {
                println!("Nog geen register geïmporteerd.");
            }
            for s in snaps {
                println!(
                    "{:>4}  {:<13}  {:>6} rijen  {}  {}  {}",
                    s.id, s.kind, s.row_count, s.imported_at, s.sha256, s.file_name
                );
            }
            Ok(())
        }
    }
}

/// Validate and store one register file. Any bad row: nothing is stored.
pub async fn import(
    store: &Store,
    file_name: &str,
    bytes: &[u8],
    kind: RegisterKind,
) -> anyhow::Result<store::register::Snapshot> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let bad = |e: ImportError| BadInput(e.to_string());
    let snap = match kind {
        RegisterKind::Licences => {
            let gazetteer = store::gazetteer::load(store).await?;
            let rows = register::parse_licences(file_name, bytes, &gazetteer).map_err(bad)?;
            store::register::insert_licences(store, file_name, &sha256, &rows).await?
        }
        RegisterKind::Registrations => {
            let rows = register::parse_registrations(file_name, bytes).map_err(bad)?;
            store::register::insert_registrations(store, file_name, &sha256, &rows).await?
        }
    };
    store::audit::record(
        store,
        "system",
        "register_import",
        Some(&format!("snapshot:{}", snap.id)),
        Some(&format!(
            "{} {} rijen {}",
            snap.kind, snap.row_count, snap.sha256
        )),
    )
    .await?;
    Ok(snap)
}
