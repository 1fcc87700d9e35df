//! Claimed licence and registration numbers on a corpus written apart from the extractor
//! (`tools/make_claimed_numbers_corpus.py`, two seeds: `claimed_numbers_dev.jsonl` and the
//! held-out `claimed_numbers_heldout.jsonl`): numbers followed by a phone, a date, a KvK
//! number or words; agency lists with a name per number; KvK, BTW, customer and ad
//! numbers as hard negatives. The thresholds hold on both sets.
//!
//! `cargo test --test claimed_numbers_eval -- --nocapture` shows the figures and misses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Deserialize;
use webwacht::extract::licence::KnownNumbers;
use webwacht::extract::{Extractor, Gazetteer};

#[derive(Deserialize)]
struct Ad {
    id: String,
    class: String,
    text: String,
    licence_numbers: Vec<String>,
    registration_numbers: Vec<String>,
    #[serde(default)]
    registration_names: BTreeMap<String, String>,
}

#[derive(Default, Debug)]
struct Count {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Count {
    fn add(&mut self, want: &BTreeSet<String>, got: &BTreeSet<String>) {
        self.tp += want.intersection(got).count();
        self.fp += got.difference(want).count();
        self.fn_ += want.difference(got).count();
    }
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

struct Scores {
    licence: Count,
    registration: Count,
    names_right: usize,
    names_total: usize,
    misses: Vec<String>,
    per_class: BTreeMap<String, (usize, usize)>,
}

fn score(file: &str) -> Scores {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let known = KnownNumbers::default();
    let extractor = Extractor {
        gazetteer: Gazetteer::embedded(),
        known_numbers: &known,
    };
    let mut s = Scores {
        licence: Count::default(),
        registration: Count::default(),
        names_right: 0,
        names_total: 0,
        misses: Vec::new(),
        per_class: BTreeMap::new(),
    };
    for (i, line) in text.lines().enumerate() {
        let ad: Ad = serde_json::from_str(line).unwrap_or_else(|e| panic!("{file}:{}: {e}", i + 1));
        let x = extractor.document(Some(ad.id.clone()), &ad.text);
        let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<String>>();
        let want_l = set(&ad.licence_numbers);
        let want_r = set(&ad.registration_numbers);
        let got_l: BTreeSet<String> = x
            .licence_numbers
            .iter()
            .map(|n| n.normalized.clone())
            .collect();
        let got_r: BTreeSet<String> = x
            .registration_numbers
            .iter()
            .map(|n| n.normalized.clone())
            .collect();
        s.licence.add(&want_l, &got_l);
        s.registration.add(&want_r, &got_r);
        let entry = s.per_class.entry(ad.class.clone()).or_default();
        entry.0 += 1;
        if want_l != got_l || want_r != got_r {
            entry.1 += 1;
            s.misses.push(format!(
                "{} [{}] want {:?} {:?}, got {:?} {:?}: {:?}",
                ad.id, ad.class, want_l, want_r, got_l, got_r, ad.text
            ));
        }
        for (number, name) in &ad.registration_names {
            s.names_total += 1;
            let got = x
                .registration_numbers
                .iter()
                .find(|n| &n.normalized == number)
                .and_then(|n| n.name.as_deref());
            if got == Some(name.as_str()) {
                s.names_right += 1;
            } else {
                s.misses.push(format!(
                    "{} [{}] name of {number}: want {name:?}, got {got:?}: {:?}",
                    ad.id, ad.class, ad.text
                ));
            }
        }
    }
    s
}

fn report(file: &str) -> Vec<String> {
    let s = score(file);
    println!(
        "{file}: vergunningnummers precisie {:.3} recall {:.3} ({:?}); registratienummers precisie {:.3} recall {:.3} ({:?}); namen {}/{}",
        s.licence.precision(),
        s.licence.recall(),
        s.licence,
        s.registration.precision(),
        s.registration.recall(),
        s.registration,
        s.names_right,
        s.names_total
    );
    for (class, (n, wrong)) in &s.per_class {
        println!("  {class:28} {wrong:4} van {n:4} advertenties fout");
    }
    for m in s.misses.iter().take(40) {
        println!("  mis: {m}");
    }
    let mut failed = Vec::new();
    for (what, v, min) in [
        ("licence precision", s.licence.precision(), 0.99),
        ("licence recall", s.licence.recall(), 0.98),
        ("registration precision", s.registration.precision(), 0.99),
        ("registration recall", s.registration.recall(), 0.98),
        ("names", ratio(s.names_right, s.names_total), 0.95),
    ] {
        if v < min {
            failed.push(format!("{file}: {what} {v:.3} < {min}"));
        }
    }
    assert!(
        s.licence.tp > 200 && s.registration.tp > 500,
        "{file} is too small"
    );
    failed
}

/// The blind sets (`tools/make_claimed_numbers_blind.py`), written by someone who saw
/// neither the extractor nor the other generator. Seed 4242 was measured once and then
/// used in development (figures before and after: `tests/data/README.md`); seed 4343 was kept apart
/// and measured at the end. Their figures are printed; the thresholds hold the two seeds
/// above, so a regression here shows in the output, not as a failure.
#[test]
fn claimed_numbers_on_the_blind_sets() {
    let _ = report("claimed_numbers_blind.jsonl");
    let _ = report("claimed_numbers_blind_4343.jsonl");
}

#[test]
fn claimed_numbers_meet_the_thresholds_on_both_seeds() {
    let mut failed = report("claimed_numbers_dev.jsonl");
    failed.extend(report("claimed_numbers_heldout.jsonl"));
    assert!(failed.is_empty(), "{failed:#?}");
}
