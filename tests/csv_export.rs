//! Spreadsheet safety of the CSV webwacht writes (issue 13, point 9), end to end: the
//! real binary makes the demo database, an ad site's hostile text is in the store, and
//! `webwacht flags --format csv` must not hand a spreadsheet anything it would run.

mod support;

use std::path::Path;
use support::db::TestDb;
use support::{stderr, stdout, webwacht};

const HOSTILE: &str = "=HYPERLINK(\"http://x\",\"klik\")";

/// Characters that start a formula in a spreadsheet cell (OWASP's list).
fn starts_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn flags_csv_holds_a_hostile_advertiser_and_keeps_phones_as_text(db: &TestDb, dir: &Path) {
    let mut demo = db.args().to_vec();
    demo.extend(["demo", "--no-serve", "--no-lists"]);
    let out = webwacht(dir, &demo);
    assert!(out.status.success(), "demo: {}", stderr(&out));
    // An ad site controls what its ads say; here the advertiser name and, to reach a
    // column of the listing, the stored address of one flagged ad.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let target: i64 = rt.block_on(async {
        let store = db.open().await;
        let ad: i64 = sqlx::query_scalar(
            "SELECT f.ad_id FROM flags f
             WHERE EXISTS (SELECT 1 FROM version_phones p WHERE p.version_id = f.version_id)
             ORDER BY f.id LIMIT 1",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        sqlx::query("UPDATE ads SET url = $1 WHERE id = $2")
            .bind(HOSTILE)
            .bind(ad)
            .execute(store.pool())
            .await
            .unwrap();
        sqlx::query("UPDATE ad_versions SET advertiser = $1 WHERE ad_id = $2")
            .bind(HOSTILE)
            .bind(ad)
            .execute(store.pool())
            .await
            .unwrap();
        store.close().await;
        ad
    });
    assert!(target > 0);

    let out = webwacht(dir, &["flags", "--format", "csv"]);
    assert!(out.status.success(), "flags: {}", stderr(&out));
    let csv = stdout(&out);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.len() > 1, "the demo has flags");
    let mut hostile_rows = 0;
    let mut phone_cells = 0;
    for row in &rows {
        for cell in row {
            assert!(!starts_formula(cell), "a formula cell: {cell:?} in {row:?}");
        }
        if row[4] == format!("'{HOSTILE}") {
            hostile_rows += 1;
        }
        if !row[7].is_empty() {
            phone_cells += 1;
            assert!(row[7].starts_with("'+31"), "phones as text: {:?}", &row[7]);
        }
    }
    assert!(hostile_rows >= 1, "the hostile ad is listed, neutralised");
    assert!(phone_cells >= 1);
}

both_engines!(flags_csv_holds_a_hostile_advertiser_and_keeps_phones_as_text);
