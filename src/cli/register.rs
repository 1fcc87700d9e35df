//! `webwacht register import|show|list`: import a register file as a snapshot (all or
//! nothing), show one stored entry, list the snapshots.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{terminal_actor, OutputFormat};
use crate::config::Config;
use crate::error::BadInput;
use crate::extract::licence::normalize;
use crate::extract::Gazetteer;
use crate::register::sheet::{Format, MAX_FILE_BYTES};
use crate::register::{self, ImportError, Licence, RegisterKind, Registration};
use crate::store::register::{Entry, Snapshot};
use crate::store::{self, Store};

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Een registerbestand importeren als nieuwe momentopname.
    ///
    /// Leest CSV (scheidingsteken ';' of ',', UTF-8 met of zonder BOM of Windows-1252;
    /// zoals Excel het opslaat) en Excel-werkmappen (.xlsx, het eerste werkblad of
    /// --sheet). Kolommen in elke volgorde, met de Nederlandse namen (vergunningnummer,
    /// houder, soort, gemeentecode, telefoonnummers, adres, geldig_vanaf, geldig_tot,
    /// status; registratienummer) of de Engelse (licence_number, …; zie de README).
    /// Datums als 31-12-2026, 1-7-2026 of 2026-12-31. Andere kolommen (bv. een BSN)
    /// worden niet gelezen en niet opgeslagen; de import noemt alleen hun kopnaam.
    ///
    /// Alles of niets: bij één foute rij wordt niets opgeslagen en meldt webwacht elke
    /// fout als bestand:rij: kolom: probleem (exitcode 2).
    #[command(verbatim_doc_comment)]
    Import {
        /// Registerbestand: .csv of .xlsx, met kopregel
        file: PathBuf,
        /// Soort register
        #[arg(long, value_enum, default_value_t = RegisterKind::Licences)]
        kind: RegisterKind,
        /// Werkblad van een XLSX-bestand (standaard het eerste)
        #[arg(long, value_name = "NAAM")]
        sheet: Option<String>,
        /// Alleen controleren en tonen wat geïmporteerd zou worden; niets opslaan
        #[arg(long)]
        dry_run: bool,
    },
    /// Eén registerregel tonen zoals hij is opgeslagen (nieuwste momentopname)
    Show {
        /// Vergunning- of registratienummer (hoofdletters, spaties en streepjes tellen niet)
        number: String,
        /// Uitvoer: leesbare tekst of JSON
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// De geïmporteerde momentopnamen tonen, nieuwste eerst
    List,
}

pub async fn run(cfg: &Config, cmd: &RegisterCommand) -> anyhow::Result<()> {
    match cmd {
        RegisterCommand::Import {
            file,
            kind,
            sheet,
            dry_run,
        } => {
            let name = file.display().to_string();
            let bytes = read_file(file)?;
            let store = Store::open(cfg).await?;
            let read = read(&store, &name, &bytes, *kind, sheet.as_deref()).await?;
            print!("{}", read.summary(&name));
            if *dry_run {
                println!("Proefimport (--dry-run): er is niets opgeslagen.");
            } else {
                let snap = save(&store, &name, &bytes, &read).await?;
                println!(
                    "Momentopname {} geïmporteerd: {} rijen ({}) uit {}, SHA-256 {}.",
                    snap.id, snap.row_count, snap.kind, snap.file_name, snap.sha256
                );
            }
            store.close().await;
            Ok(())
        }
        RegisterCommand::Show { number, format } => {
            let normalized = normalize(number);
            if normalized.is_empty() {
                return Err(BadInput(format!("{number:?} bevat geen letters of cijfers")).into());
            }
            let store = Store::open(cfg).await?;
            let entry = store::register::find(&store, &normalized).await?;
            store::audit::record(
                &store,
                &terminal_actor(),
                "register_show",
                Some(&format!("register:{normalized}")),
                Some(if entry.is_some() {
                    "gevonden"
                } else {
                    "niet gevonden"
                }),
            )
            .await?;
            let Some(entry) = entry else {
                let older = store::register::older_snapshots_with(&store, &normalized).await?;
                store.close().await;
                let mut msg = format!("nummer {number:?} staat niet in de nieuwste momentopname");
                if let Some(s) = older.first() {
                    msg.push_str(&format!(
                        "; wel in momentopname {} ({}, {})",
                        s.id, s.file_name, s.imported_at
                    ));
                }
                anyhow::bail!(msg);
            };
            let gazetteer = store::gazetteer::load(&store).await?;
            store.close().await;
            match format {
                OutputFormat::Json => {
                    println!("{}", serde_json::to_string_pretty(&entry_json(&entry))?)
                }
                OutputFormat::Text => print!("{}", entry_text(&entry, &gazetteer)),
            }
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

fn read_file(file: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let bad = |e: &dyn std::fmt::Display| BadInput(format!("{}: {e}", file.display()));
    let size = std::fs::metadata(file)
        .map_err(|e| bad(&format!("kan bestand niet lezen: {e}")))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(bad(&format!(
            "bestand is groter dan {} MiB",
            MAX_FILE_BYTES / 1024 / 1024
        ))
        .into());
    }
    Ok(std::fs::read(file).map_err(|e| bad(&format!("kan bestand niet lezen: {e}")))?)
}

/// A register file read and validated, not yet stored.
pub struct Read {
    format: Format,
    ignored: Vec<String>,
    rows: Rows,
}

enum Rows {
    Licences(Vec<Licence>),
    Registrations(Vec<Registration>),
}

impl Read {
    fn len(&self) -> usize {
        match &self.rows {
            Rows::Licences(l) => l.len(),
            Rows::Registrations(r) => r.len(),
        }
    }

    /// What was read: format, ignored columns (by header), rows per status and type.
    fn summary(&self, name: &str) -> String {
        let mut out = format!("Gelezen: {name} ({}), {} rijen.\n", self.format, self.len());
        if !self.ignored.is_empty() {
            out.push_str(&format!(
                "Niet gelezen en niet opgeslagen: {} kolom(men): {}.\n",
                self.ignored.len(),
                self.ignored
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let count = |words: Vec<&'static str>| {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for w in words {
                *counts.entry(w).or_default() += 1;
            }
            counts
                .iter()
                .map(|(w, n)| format!("{w} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let statuses = match &self.rows {
            Rows::Licences(l) => l.iter().map(|l| l.status.dutch()).collect(),
            Rows::Registrations(r) => r.iter().map(|r| r.status.dutch()).collect(),
        };
        out.push_str(&format!("Per status: {}.\n", count(statuses)));
        if let Rows::Licences(l) = &self.rows {
            let types = l.iter().map(|l| l.business_type.dutch()).collect();
            out.push_str(&format!("Per soort: {}.\n", count(types)));
        }
        out
    }
}

/// Read and validate a register file (nothing stored). Bad rows: a [`BadInput`] with
/// every problem.
pub async fn read(
    store: &Store,
    file_name: &str,
    bytes: &[u8],
    kind: RegisterKind,
    sheet: Option<&str>,
) -> anyhow::Result<Read> {
    let bad = |e: ImportError| BadInput(e.to_string());
    Ok(match kind {
        RegisterKind::Licences => {
            let gazetteer = store::gazetteer::load(store).await?;
            let i = register::read_licences(file_name, bytes, sheet, &gazetteer).map_err(bad)?;
            Read {
                format: i.format,
                ignored: i.ignored,
                rows: Rows::Licences(i.rows),
            }
        }
        RegisterKind::Registrations => {
            let i = register::read_registrations(file_name, bytes, sheet).map_err(bad)?;
            Read {
                format: i.format,
                ignored: i.ignored,
                rows: Rows::Registrations(i.rows),
            }
        }
    })
}

/// Store a read file as one snapshot, all or nothing, and note it in the audit log.
async fn save(
    store: &Store,
    file_name: &str,
    bytes: &[u8],
    read: &Read,
) -> anyhow::Result<Snapshot> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let snap = match &read.rows {
        Rows::Licences(rows) => {
            store::register::insert_licences(store, file_name, &sha256, rows).await?
        }
        Rows::Registrations(rows) => {
            store::register::insert_registrations(store, file_name, &sha256, rows).await?
        }
    };
    store::audit::record(
        store,
        &terminal_actor(),
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

/// Validate and store one register file (CSV, or the first sheet of an XLSX file). Any
/// bad row: nothing is stored.
pub async fn import(
    store: &Store,
    file_name: &str,
    bytes: &[u8],
    kind: RegisterKind,
) -> anyhow::Result<Snapshot> {
    let read = read(store, file_name, bytes, kind, None).await?;
    save(store, file_name, bytes, &read).await
}

fn snapshot_json(s: &Snapshot) -> serde_json::Value {
    json!({
        "id": s.id,
        "kind": s.kind,
        "file_name": s.file_name,
        "sha256": s.sha256,
        "row_count": s.row_count,
        "imported_at": s.imported_at,
    })
}

fn entry_json(entry: &Entry) -> serde_json::Value {
    match entry {
        Entry::Licence(l, snap) => json!({
            "kind": "licence",
            "licence_number": l.licence_number,
            "normalized": l.normalized,
            "holder": l.holder,
            "business_type": l.business_type.as_str(),
            "municipality_code": l.municipality_code,
            "phones": l.phones,
            "address": l.address,
            "valid_from": l.valid_from.to_string(),
            "valid_until": l.valid_until.map(|d| d.to_string()),
            "status": l.status.as_str(),
            "snapshot": snapshot_json(snap),
        }),
        Entry::Registration(r, snap) => json!({
            "kind": "registration",
            "registration_number": r.registration_number,
            "normalized": r.normalized,
            "valid_from": r.valid_from.to_string(),
            "valid_until": r.valid_until.map(|d| d.to_string()),
            "status": r.status.as_str(),
            "snapshot": snapshot_json(snap),
        }),
    }
}

fn entry_text(entry: &Entry, gazetteer: &Gazetteer) -> String {
    let validity = |from: chrono::NaiveDate, until: Option<chrono::NaiveDate>| match until {
        Some(u) => format!("{from} t/m {u}"),
        None => format!("vanaf {from}, zonder einddatum"),
    };
    let snapshot = |s: &Snapshot| {
        format!(
            "  Momentopname:  {} ({}, geïmporteerd {}, SHA-256 {})\n",
            s.id, s.file_name, s.imported_at, s.sha256
        )
    };
    match entry {
        Entry::Licence(l, snap) => {
            let phones = if l.phones.is_empty() {
                "(geen)".to_string()
            } else {
                l.phones.join(", ")
            };
            format!(
                "Vergunning {}\n  Houder:        {}\n  Soort:         {} ({})\n  Gemeente:      {}\n  Telefoon:      {}\n  Adres:         {}\n  Geldig:        {}\n  Status:        {} ({})\n{}",
                l.licence_number,
                l.holder,
                l.business_type.dutch(),
                l.business_type.as_str(),
                match gazetteer.municipality_name(&l.municipality_code) {
                    Some(name) => format!("{} ({name})", l.municipality_code),
                    None => l.municipality_code.clone(),
                },
                phones,
                l.address.as_deref().unwrap_or("(geen)"),
                validity(l.valid_from, l.valid_until),
                l.status.dutch(),
                l.status.as_str(),
                snapshot(snap),
            )
        }
        Entry::Registration(r, snap) => format!(
            "Registratie {}\n  Geldig:        {}\n  Status:        {} ({})\n{}",
            r.registration_number,
            validity(r.valid_from, r.valid_until),
            r.status.dutch(),
            r.status.as_str(),
            snapshot(snap),
        ),
    }
}
