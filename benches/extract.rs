//! Extraction speed: phones, licence numbers and places (`Extractor::document`) over the
//! labelled corpus, per ad and as one large plain-text blob. Criterion reports MB/s.
//!
//! `cargo bench --bench extract`

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use webwacht::extract::licence::KnownNumbers;
use webwacht::extract::{text, Extractor, Gazetteer};
use webwacht::register::parse_licences;

/// The allocator the `webwacht` binary ships with (see Cargo.toml): measured with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The `text` of every ad in the corpus (plain text or HTML, as labelled).
fn corpus_texts() -> Vec<String> {
    let path = data("extraction_corpus.jsonl");
    let corpus =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    corpus
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            let v: serde_json::Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
            v["text"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

fn register_numbers(gazetteer: &Gazetteer) -> KnownNumbers {
    let path = data("extraction_register.csv");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_licences("extraction_register.csv", &bytes, gazetteer)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|l| l.normalized)
        .collect()
}

fn extraction(c: &mut Criterion) {
    let gazetteer = Gazetteer::embedded();
    let known = register_numbers(gazetteer);
    let extractor = Extractor {
        gazetteer,
        known_numbers: &known,
    };
    let ads = corpus_texts();
    // One realistic plain-text document: every ad, HTML ones as their visible text.
    let blob = ads
        .iter()
        .map(|a| {
            if text::looks_like_html(a) {
                text::html_to_text(a)
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n");

    let mut group = c.benchmark_group("extract");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let total: usize = ads.iter().map(String::len).sum();
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("corpus_per_ad", |b| {
        b.iter(|| {
            for ad in &ads {
                black_box(extractor.document(None, black_box(ad)));
            }
        })
    });
    group.throughput(Throughput::Bytes(blob.len() as u64));
    group.bench_function("corpus_blob", |b| {
        b.iter(|| black_box(extractor.document(None, black_box(&blob))))
    });
    group.finish();
}

criterion_group!(benches, extraction);
criterion_main!(benches);
