//! Extraction quality on the labelled corpus in `tests/data/` (built by
//! `tools/make_extraction_corpus.py`): the thresholds extraction must keep.
//!
//! `cargo test --test extraction_eval -- --nocapture` shows the figures.

use std::io::BufReader;
use std::path::PathBuf;

use webwacht::extract::eval::{evaluate, Report};
use webwacht::extract::licence::KnownNumbers;
use webwacht::extract::{Extractor, Gazetteer};
use webwacht::register::parse_licences;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn corpus_report() -> Report {
    let gazetteer = Gazetteer::embedded();
    let register = data("extraction_register.csv");
    let bytes = std::fs::read(&register).unwrap_or_else(|e| panic!("{}: {e}", register.display()));
    let known: KnownNumbers = parse_licences("extraction_register.csv", &bytes, gazetteer)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|l| l.normalized)
        .collect();
    let extractor = Extractor {
        gazetteer,
        known_numbers: &known,
    };
    let corpus = data("extraction_corpus.jsonl");
    let file = std::fs::File::open(&corpus).unwrap_or_else(|e| panic!("{}: {e}", corpus.display()));
    evaluate(BufReader::new(file), "extraction_corpus.jsonl", &extractor)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn extraction_meets_the_thresholds() {
    let r = corpus_report();
    println!("{}", r.to_text());

    let mut failed = Vec::new();
    let mut check = |what: &str, value: Option<f64>, min: f64| {
        if value.is_none_or(|v| v < min) {
            failed.push(format!("{what}: {value:?} < {min}"));
        }
    };
    check("phone precision", r.phones.precision, 0.995);
    check("phone recall", r.phones.recall, 0.98);
    check("licence-number recall", r.licence_numbers.recall, 0.98);
    check("municipality accuracy", r.municipality.accuracy, 0.95);
    if r.ads < 600 {
        failed.push(format!("corpus has {} ads, want at least 600", r.ads));
    }
    if r.negatives.ads < 300 {
        let n = r.negatives.ads;
        failed.push(format!("corpus has {n} hard negatives, want at least 300"));
    }
    if !failed.is_empty() {
        println!("{}", r.mistakes_text());
        panic!("extraction below threshold:\n  {}", failed.join("\n  "));
    }
}
