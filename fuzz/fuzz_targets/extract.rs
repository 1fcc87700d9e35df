//! Fuzzes the extractor (`Extractor::document` and `Extractor::ad`) with arbitrary
//! UTF-8 text, built exactly as `tests/extraction_eval.rs` builds it. Every phone found
//! must be valid at full length per the numbering-plan metadata (the same check as
//! `tests/extract_props.rs`).
//!
//! `RUSTC_BOOTSTRAP=1 cargo fuzz run extract -- -max_total_time=600` (see README, Fuzzing).
#![no_main]

#[path = "../../tests/support/e164.rs"]
mod e164;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use webwacht::extract::licence::KnownNumbers;
use webwacht::extract::{AdInput, Extraction, Extractor, Gazetteer};
use webwacht::register::parse_licences;

use e164::invalid_reason;

const REGISTER_CSV: &[u8] = include_bytes!("../../tests/data/extraction_register.csv");

fn known() -> &'static KnownNumbers {
    static KNOWN: OnceLock<KnownNumbers> = OnceLock::new();
    KNOWN.get_or_init(|| {
        parse_licences(
            "extraction_register.csv",
            REGISTER_CSV,
            Gazetteer::embedded(),
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|l| l.normalized)
        .collect()
    })
}

fn extractor() -> &'static Extractor<'static> {
    static EXTRACTOR: OnceLock<Extractor<'static>> = OnceLock::new();
    EXTRACTOR.get_or_init(|| Extractor {
        gazetteer: Gazetteer::embedded(),
        known_numbers: known(),
    })
}

fn check(found: &Extraction, text: &str) {
    for p in &found.phones {
        if let Some(why) = invalid_reason(&p.e164) {
            panic!("{} from {text:?}: {why}", p.e164);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let extractor = extractor();
    check(&extractor.document(None, text), text);
    check(
        &extractor.ad(&AdInput {
            title: text,
            body: text,
            ..Default::default()
        }),
        text,
    );
});
