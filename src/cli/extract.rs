//! `webwacht extract`: extraction on files, stdin, or `{"id","text"}` JSON lines.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Deserialize;

use crate::config::Config;
use crate::error::BadInput;
use crate::extract::licence::KnownNumbers;
use crate::extract::{Extraction, Extractor, Gazetteer};
use crate::store::{self, Store};

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Bestanden met advertentietekst of HTML (zonder bestanden: stdin als één document).
    /// Invoer die geen tekst is (een NUL-byte, of meer dan 10 % ongeldige UTF-8 of
    /// stuurtekens) wordt geweigerd met een foutmelding die het bestand noemt (exitcode 2).
    pub files: Vec<PathBuf>,
    /// Lees regels {"id": …, "text": …} van stdin; schrijf per regel één JSON-resultaat met dezelfde id
    #[arg(long)]
    pub jsonl: bool,
    /// Uitvoer: JSON (één object per document) of leesbare tekst
    #[arg(long, value_enum, default_value_t = ExtractFormat::Json)]
    pub format: ExtractFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    Json,
    Text,
}

#[derive(Deserialize)]
struct Line {
    id: serde_json::Value,
    text: String,
}

pub async fn run(cfg: &Config, args: &ExtractArgs) -> anyhow::Result<()> {
    let (gazetteer, known) = lookups(cfg).await?;
    let extractor = Extractor {
        gazetteer: &gazetteer,
        known_numbers: &known,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.jsonl {
        let stdin = std::io::stdin();
        for (i, line) in stdin.lock().lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let doc: Line = serde_json::from_str(&line).map_err(|e| {
                BadInput(format!(
                    "stdin:{}: geen geldige regel {{\"id\",\"text\"}}: {e}",
                    i + 1
                ))
            })?;
            refuse_binary(&format!("stdin:{}", i + 1), doc.text.as_bytes())?;
            let result = extractor.document(None, &doc.text);
            match args.format {
                // The id goes back exactly as it came in (a string stays a string, a
                // number a number), first in the object as DESIGN shows.
                ExtractFormat::Json => {
                    let mut line = serde_json::Map::new();
                    line.insert("id".into(), doc.id);
                    if let serde_json::Value::Object(fields) = serde_json::to_value(&result)? {
                        line.extend(fields);
                    }
                    writeln!(out, "{}", serde_json::Value::Object(line))?;
                }
                ExtractFormat::Text => {
                    let id = match doc.id {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    write(
                        &mut out,
                        &Extraction {
                            id: Some(id),
                            ..result
                        },
                        args.format,
                    )?;
                }
            }
        }
    } else if args.files.is_empty() {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| BadInput(format!("stdin: {e}")))?;
        refuse_binary("stdin", &bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        write(
            &mut out,
            &extractor.document(Some("stdin".into()), &text),
            args.format,
        )?;
    } else {
        for f in &args.files {
            let bytes = std::fs::read(f).map_err(|e| BadInput(format!("{}: {e}", f.display())))?;
            refuse_binary(&f.display().to_string(), &bytes)?;
            let text = String::from_utf8_lossy(&bytes);
            let result = extractor.document(Some(f.display().to_string()), &text);
            write(&mut out, &result, args.format)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Binary input is refused (exit 2) instead of being read as text: random bytes would
/// otherwise yield invented places and numbers. `name` is the file (or `stdin:LINE`).
fn refuse_binary(name: &str, bytes: &[u8]) -> Result<(), BadInput> {
    match crate::extract::input::not_text(bytes) {
        None => Ok(()),
        Some(why) => Err(BadInput(format!(
            "{name}: geen tekst, niet gelezen: {why}. `extract` leest alleen tekst of HTML."
        ))),
    }
}

/// The gazetteer and register numbers from the database when it exists (a PostgreSQL
/// database always does), else the embedded gazetteer: `extract` never creates a
/// SQLite file.
async fn lookups(cfg: &Config) -> anyhow::Result<(Gazetteer, KnownNumbers)> {
    let db_exists = match store::Engine::of_url(&cfg.database_url) {
        Some(store::Engine::Postgres) => true,
        Some(store::Engine::Sqlite) => cfg
            .database_url
            .strip_prefix("sqlite://")
            .is_some_and(|p| std::path::Path::new(p.split('?').next().unwrap_or(p)).exists()),
        None => false,
    };
    if db_exists {
        let store = Store::open(cfg).await?;
        let g = store::gazetteer::load(&store).await?;
        let known = store::register::newest_licences(&store).await?.numbers();
        store.close().await;
        return Ok((g, known));
    }
    let (m, p) = crate::extract::gazetteer::embedded();
    Ok((Gazetteer::new(m, p), KnownNumbers::default()))
}

fn write(out: &mut impl Write, r: &Extraction, format: ExtractFormat) -> anyhow::Result<()> {
    match format {
        ExtractFormat::Json => writeln!(out, "{}", serde_json::to_string(r)?)?,
        ExtractFormat::Text => {
            writeln!(out, "== {}", r.id.as_deref().unwrap_or("-"))?;
            for p in &r.phones {
                let obf = if p.obfuscated {
                    ", verhuld geschreven"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "telefoon      {} ({}, {}{obf}): {:?}",
                    p.e164,
                    p.kind.as_str(),
                    p.country,
                    p.raw
                )?;
            }
            for n in &r.licence_numbers {
                writeln!(
                    out,
                    "vergunning    {} ({}): {:?}",
                    n.value, n.normalized, n.raw
                )?;
            }
            for n in &r.registration_numbers {
                writeln!(
                    out,
                    "registratie   {} ({}): {:?}",
                    n.value, n.normalized, n.raw
                )?;
            }
            for p in &r.places {
                writeln!(
                    out,
                    "plaats        {} ({})",
                    p.name,
                    p.municipality_code
                        .as_deref()
                        .unwrap_or("buitenland/onbekend")
                )?;
            }
            if r.phones.is_empty()
                && r.licence_numbers.is_empty()
                && r.registration_numbers.is_empty()
                && r.places.is_empty()
            {
                writeln!(out, "(niets gevonden)")?;
            }
        }
    }
    Ok(())
}
