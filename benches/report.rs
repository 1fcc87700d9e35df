//! Benchmark of the weekly lists (not a timed test): 20,000 confirmed signals spread over
//! all 342 municipalities, each with recipients (so every one gets a list), made in one
//! `report::weekly::run`: CSV, XLSX and PDF per municipality. Prints the wall time and
//! the peak RSS of making them. The target: under 60 s and 300 MB.
//!
//! `cargo bench --bench report`. Knobs: `WEBWACHT_BENCH_SIGNALS` (20000),
//! `WEBWACHT_BENCH_DATABASE_URL=postgres://…` (an empty PostgreSQL database instead of
//! SQLite). The data is seeded as `benches/web.rs` seeds it (invented ads, phones and
//! evidence), every flag then confirmed in the last complete week.

#[allow(dead_code)]
#[path = "web.rs"]
mod web;

use std::time::Instant;

use webwacht::report::weekly::{self, model::IsoWeek};
use webwacht::store::{timestamp, Store};

/// Peak resident set of this process (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Start measuring the peak RSS from here (Linux: `5` to clear_refs resets VmHWM).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let signals = web::knob("WEBWACHT_BENCH_SIGNALS", 20_000);
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::var("WEBWACHT_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("webwacht.db").display()));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::connect(&url).await.unwrap();
        let t = Instant::now();
        let seeded = signals + signals / 10;
        web::seed(&store, &dir.path().join("evidence"), seeded * 6 / 10, seeded, 0).await;
        let now = chrono::Utc::now();
        let week = IsoWeek::last_complete(now);
        let confirmed_at = timestamp(week.start() + chrono::Duration::days(2));
        // `signals` located signals confirmed once, in the last complete week; the rest
        // (some seeded flags have no municipality) dismissed. The seeded history of
        // decisions spans two years up to now: replaced.
        sqlx::query("DELETE FROM decisions")
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query(
            "UPDATE flags SET status = CASE WHEN id IN (SELECT id FROM flags
             WHERE municipality_code IS NOT NULL ORDER BY id LIMIT $1) THEN 'confirmed' ELSE 'dismissed' END",
        )
        .bind(signals as i64)
        .execute(store.pool())
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO decisions (flag_id, actor, from_status, to_status, decided_at)
             SELECT id, 'onderzoeker', 'in_review', 'confirmed', $1 FROM flags WHERE status = 'confirmed'",
        )
        .bind(&confirmed_at)
        .execute(store.pool())
        .await
        .unwrap();
        let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM municipalities ORDER BY code")
            .fetch_all(store.pool())
            .await
            .unwrap();
        println!(
            "report: {signals} confirmed signals over {} municipalities ({}), seeded in {:.1} s",
            codes.len(),
            store.engine().name(),
            t.elapsed().as_secs_f64()
        );
        reset_peak_rss();
        let t = Instant::now();
        let made = weekly::run(
            &store,
            dir.path(),
            now,
            &weekly::Request {
                week,
                municipality: None,
                recipients: codes.into_iter().map(|c| (c, Vec::new())).collect(),
                dry_run: false,
            },
        )
        .await
        .unwrap();
        let took = t.elapsed();
        let listed: usize = made.iter().map(|o| o.signals).sum();
        let bytes: u64 = made
            .iter()
            .flat_map(|o| &o.files)
            .map(|f| std::fs::metadata(dir.path().join(f)).map_or(0, |m| m.len()))
            .sum();
        assert_eq!(listed, signals, "every confirmed signal on a list");
        println!(
            "made {} lists ({} files, {:.1} MiB) with {listed} signals in {:.1} s; peak RSS {:.0} MiB \
             (target: under 60 s and 300 MB)",
            made.len(),
            made.len() * weekly::KINDS.len(),
            bytes as f64 / 1_048_576.0,
            took.as_secs_f64(),
            peak_rss_mib()
        );
    });
}
