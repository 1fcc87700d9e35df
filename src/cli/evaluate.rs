//! `webwacht evaluate`: score extraction against a labelled JSONL corpus.

use std::io::{BufReader, Write};
use std::path::PathBuf;

use clap::Args;

use super::OutputFormat;

use crate::error::BadInput;
use crate::extract::licence::KnownNumbers;
use crate::extract::{eval, gazetteer, Extractor, Gazetteer};
use crate::register::parse_licences;

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Gelabeld corpus: één advertentie per regel als JSON (id, class, text, phones, …)
    pub file: PathBuf,
    /// Vergunningenregister (CSV) waarvan de nummers ook zonder label gevonden worden
    #[arg(long, value_name = "FILE.csv")]
    pub register: Option<PathBuf>,
    /// Uitvoer: leesbare tekst of JSON
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Toon elke gemiste en elke fout-positieve vondst
    #[arg(long)]
    pub verbose: bool,
}

pub fn run(args: &EvaluateArgs) -> anyhow::Result<()> {
    let (municipalities, places) = gazetteer::embedded();
    let gazetteer = Gazetteer::new(municipalities, places);
    let known = match &args.register {
        Some(path) => {
            let name = path.display().to_string();
            let bytes = std::fs::read(path).map_err(|e| BadInput(format!("{name}: {e}")))?;
            parse_licences(&name, &bytes, &gazetteer)
                .map_err(|e| BadInput(e.to_string()))?
                .into_iter()
                .map(|l| l.normalized)
                .collect()
        }
        None => KnownNumbers::default(),
    };
    let extractor = Extractor {
        gazetteer: &gazetteer,
        known_numbers: &known,
    };
    let name = args.file.display().to_string();
    let file = std::fs::File::open(&args.file).map_err(|e| BadInput(format!("{name}: {e}")))?;
    let mut report = eval::evaluate(BufReader::new(file), &name, &extractor)
        .map_err(|e| BadInput(e.to_string()))?;

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        OutputFormat::Text => {
            write!(out, "{}", report.to_text())?;
            if args.verbose {
                write!(out, "\n{}", report.mistakes_text())?;
            }
        }
        OutputFormat::Json => {
            if !args.verbose {
                report.misses.clear();
                report.false_positives.clear();
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        }
    }
    out.flush()?;
    Ok(())
}
