//! Profiling driver: `Extractor::document` over every corpus ad, N times.
//! `valgrind --tool=callgrind --toggle-collect='*Extractor*document*' target/release/examples/prof 1`

use webwacht::extract::licence::KnownNumbers;
use webwacht::extract::{text, Extractor, Gazetteer};
use webwacht::register::parse_licences;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mode = args.next().unwrap_or_default();
    let blob_mode = mode == "blob";
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
    let gazetteer = Gazetteer::embedded();
    let bytes = std::fs::read(format!("{dir}extraction_register.csv")).unwrap();
    let known: KnownNumbers = parse_licences("r", &bytes, gazetteer)
        .unwrap()
        .into_iter()
        .map(|l| l.normalized)
        .collect();
    let ads: Vec<String> = std::fs::read_to_string(format!("{dir}extraction_corpus.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    let e = Extractor {
        gazetteer,
        known_numbers: &known,
    };
    // Warm the lazies (regexes, numbering plans per country) outside the measured calls.
    for ad in &ads {
        let (t, links) = text::html_text_and_links(ad);
        webwacht::extract::phone::find_phones(&t);
        webwacht::extract::phone::find_phones(ad);
        webwacht::extract::phone::phones_from_links(&links);
        gazetteer.find_in_text(&t);
        webwacht::extract::licence::find_licence_numbers(&t);
        webwacht::extract::licence::find_registration_numbers(&t);
    }
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
    if mode == "dump" {
        // Differential check of optimisations: every result as JSON, for the corpus and
        // variants of it that take other paths (case, line breaks, no spaces).
        for ad in &ads {
            for v in [
                ad.clone(),
                ad.to_lowercase(),
                ad.to_uppercase(),
                ad.replace(' ', "\n"),
                ad.replace(' ', ""),
                ad.replace('-', " "),
            ] {
                println!("{}", serde_json::to_string(&e.document(None, &v)).unwrap());
            }
        }
        println!(
            "{}",
            serde_json::to_string(&e.document(None, &blob)).unwrap()
        );
        return;
    }
    let mut count = 0;
    let started = std::time::Instant::now();
    for _ in 0..n {
        if blob_mode {
            count += e.document(None, &blob).phones.len();
        } else {
            for ad in &ads {
                count += e.document(None, ad).phones.len();
            }
        }
    }
    let bytes: usize = if blob_mode {
        blob.len()
    } else {
        ads.iter().map(String::len).sum()
    };
    let per_pass = started.elapsed().as_secs_f64() / n as f64;
    println!(
        "{count} phones, {bytes} bytes per pass, {:.3} ms per pass, {:.2} MiB/s",
        per_pass * 1e3,
        bytes as f64 / per_pass / (1 << 20) as f64
    );
}

/// The allocator the `webwacht` binary ships with (see Cargo.toml): measured with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
