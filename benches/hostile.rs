//! Hostile markup: how long one 5 MiB page of nested elements takes to parse as a
//! listing and as an ad (the demo site's selectors), and its visible text, after the depth
//! cap of `extract::html_depth`. Two shapes: one nesting 476,000 deep, and a saw of
//! nests just under the cap over and over (the most work the cap still lets through). The target
//! of the security review: under 1 s of CPU for the page.
//!
//! `cargo bench --bench hostile`

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use webwacht::extract::text;
use webwacht::site::compile::compile_str;
use webwacht::site::parse::{parse_ad, parse_listing};

/// The allocator the `webwacht` binary ships with (see Cargo.toml): measured with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PAGE: usize = 5 * 1024 * 1024;

fn deep() -> String {
    let depth = (PAGE - 200) / 11;
    format!(
        "<html><article data-ad-id=\"1\"><h1>Diep</h1><div class=\"description\">tekst</div>{}bel 06-12345678{}</article></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    )
}

fn saw() -> String {
    let depth = webwacht::extract::html_depth::MAX_DEPTH - 1;
    let tooth = format!("{}x{}", "<div>".repeat(depth), "</div>".repeat(depth));
    let mut page =
        String::from("<html><article data-ad-id=\"1\"><h1>Zaag</h1><div class=\"description\">");
    while page.len() + tooth.len() < PAGE - 100 {
        page.push_str(&tooth);
    }
    page.push_str("</div></article></html>");
    page
}

fn hostile(c: &mut Criterion) {
    let site = compile_str(
        Path::new("demo-escort.toml"),
        &webwacht::demo::site_toml("http://127.0.0.1:8089"),
    )
    .unwrap();
    let url = url::Url::parse("http://127.0.0.1:8089/advertentie/1").unwrap();
    let mut g = c.benchmark_group("hostile");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for (name, page) in [("deep", deep()), ("saw", saw())] {
        g.throughput(Throughput::Bytes(page.len() as u64));
        g.bench_function(format!("{name}/parse_ad"), |b| {
            b.iter(|| black_box(parse_ad(&site, &url, black_box(&page))))
        });
        g.bench_function(format!("{name}/parse_listing"), |b| {
            b.iter(|| black_box(parse_listing(&site, &url, black_box(&page))))
        });
        g.bench_function(format!("{name}/text_and_links"), |b| {
            b.iter(|| black_box(text::html_text_and_links(black_box(&page))))
        });
    }
    g.finish();
}

criterion_group!(benches, hostile);
criterion_main!(benches);
