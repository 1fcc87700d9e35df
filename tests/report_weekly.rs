//! `webwacht report weekly` on the demo's flags, on both engines: what goes on a list and
//! what never does, the system's `confirmed -> reported` move, frozen lists (byte-identical
//! files on a second run), a signal confirmed later on the next list, empty weeks for
//! municipalities with recipients, a future week refused, and the files read back by real
//! readers (the `csv` crate, calamine, pdftotext).

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use support::db::TestDb;
use support::flags::{decide, status};
use support::{stderr, stdout, webwacht_env};
use webwacht::report::weekly::model::IsoWeek;
use webwacht::store::Store;

const HEADER: &str = "signaal;regel;sterkte;toelichting;gemeente;site;advertentie_url;plaats;adverteerder;telefoonnummers;vergunningnummers;eerst_gezien;laatst_gezien;bevestigd_op;bewijs_sha256";

/// Flags of the demo per municipality code, with their version: (id, version).
async fn flags_in(store: &Store, code: &str) -> Vec<(i64, i64)> {
    sqlx::query_as(
        "SELECT id, version_id FROM flags WHERE municipality_code = $1 AND status = 'new' ORDER BY id",
    )
    .bind(code)
    .fetch_all(store.pool())
    .await
    .unwrap()
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

fn sha(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// A clock a week after the real one: its last complete week is the one the test's
/// decisions (made with the real clock) fall in.
fn a_week_later() -> DateTime<Utc> {
    Utc::now() + chrono::Duration::days(7)
}

fn report(dir: &Path, now: DateTime<Utc>, args: &[&str]) -> std::process::Output {
    let now = now.to_rfc3339();
    let mut all = vec!["report", "weekly"];
    all.extend(args);
    webwacht_env(dir, &[("WEBWACHT_NOW", &now)], &all)
}

fn list_file(dir: &Path, code: &str, week: IsoWeek, kind: &str) -> PathBuf {
    dir.join("reports")
        .join(code)
        .join(format!("{week}.{kind}"))
}

fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert_eq!(text.lines().next().unwrap(), HEADER);
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

async fn a_week_lists_each_territorys_confirmed_signals_once_and_freezes(db: TestDb, dir: PathBuf) {
    let store = db.open().await;
    let rotterdam = flags_in(&store, "GM0599").await;
    let den_haag = flags_in(&store, "GM0518").await;
    assert!(
        rotterdam.len() >= 5 && !den_haag.is_empty(),
        "demo flags per territory"
    );
    for f in &rotterdam[..3] {
        decide(&store, *f, &["in_review", "confirmed"]).await;
    }
    decide(&store, den_haag[0], &["in_review", "confirmed"]).await;
    decide(&store, rotterdam[3], &["in_review", "dismissed"]).await;
    // A hostile advertiser on one listed signal.
    let hostile = format!(
        "=HYPERLINK(\"http://x\";\"klik\") <script>alert(1)</script> {}",
        "Z".repeat(5000)
    );
    sqlx::query("UPDATE ad_versions SET advertiser = $1 WHERE id = $2")
        .bind(&hostile)
        .bind(rotterdam[0].1)
        .execute(store.pool())
        .await
        .unwrap();
    let decisions_before = count(&store, "SELECT COUNT(*) FROM decisions").await;

    let now = a_week_later();
    let week = IsoWeek::last_complete(now);

    // A dry run changes nothing.
    let out = report(&dir, now, &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("GM0599 week"), "{}", stdout(&out));
    assert_eq!(status(&store, rotterdam[0].0).await, "confirmed");
    assert!(!dir.join("reports").exists());

    let out = report(&dir, now, &[]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("GM0599 week {week}: 3 signalen, gemaakt")),
        "{text}"
    );
    assert!(
        text.contains(&format!("GM0518 week {week}: 1 signalen, gemaakt")),
        "{text}"
    );

    // Listed: reported, by the system, naming the list; nothing else moved.
    for f in rotterdam[..3].iter().chain(&den_haag[..1]) {
        assert_eq!(status(&store, f.0).await, "reported");
    }
    assert_eq!(status(&store, rotterdam[3].0).await, "dismissed");
    assert_eq!(status(&store, rotterdam[4].0).await, "new");
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM decisions").await,
        decisions_before + 4
    );
    let system_moves = count(
        &store,
        "SELECT COUNT(*) FROM decisions d JOIN weekly_list_flags l ON l.list_id = d.list_id AND l.flag_id = d.flag_id
         WHERE d.actor = 'systeem' AND d.from_status = 'confirmed' AND d.to_status = 'reported'",
    )
    .await;
    assert_eq!(system_moves, 4);
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'weekly_list'"
        )
        .await,
        2
    );

    // The CSV: header, one row per signal of its own territory only.
    let csv_path = list_file(&dir, "GM0599", week, "csv");
    let rows = csv_rows(&csv_path);
    let ids: Vec<String> = rows.iter().map(|r| r["signaal"].clone()).collect();
    let want: Vec<String> = rotterdam[..3].iter().map(|f| f.0.to_string()).collect();
    assert_eq!(ids, want);
    for r in &rows {
        assert_eq!(r["gemeente"], "Rotterdam");
        assert!(
            r["bevestigd_op"].ends_with('Z') && r["bevestigd_op"].contains('T'),
            "ISO 8601"
        );
        assert_eq!(r["bewijs_sha256"].len(), 64);
        assert!(r["advertentie_url"].starts_with("http://127.0.0.1:"));
    }
    let first = &rows[0];
    assert!(
        first["adverteerder"].starts_with("'=HYPERLINK("),
        "the formula is neutralised: {}",
        &first["adverteerder"][..40]
    );
    assert_eq!(first["adverteerder"].len(), hostile.len() + 1);

    // The XLSX, read back by calamine: the same rows, dates as dates, phones as text.
    let xlsx_path = list_file(&dir, "GM0599", week, "xlsx");
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx_path).unwrap();
    assert_eq!(book.sheet_names(), vec!["Signalen", "Samenvatting"]);
    let sheet = book.worksheet_range("Signalen").unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header.join(";"), HEADER);
    assert_eq!(sheet.height(), 4);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (i, row) in sheet.rows().skip(1).enumerate() {
        assert_eq!(row[col("signaal")].to_string(), rows[i]["signaal"]);
        assert!(
            matches!(row[col("bevestigd_op")], Data::DateTime(_)),
            "{:?}",
            row[col("bevestigd_op")]
        );
        assert!(matches!(
            row[col("telefoonnummers")],
            Data::String(_) | Data::Empty
        ));
    }
    let row1 = sheet.rows().nth(1).unwrap();
    assert_eq!(
        row1[col("adverteerder")],
        Data::String(hostile.clone()),
        "XLSX keeps text as text"
    );
    let summary = book.worksheet_range("Samenvatting").unwrap();
    let summary_text: Vec<String> = summary
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        summary_text.iter().any(|c| c == "Totaal"),
        "{summary_text:?}"
    );

    // The PDF: text that pdftotext extracts.
    let pdf_path = list_file(&dir, "GM0599", week, "pdf");
    let pdf = std::process::Command::new("pdftotext")
        .arg(&pdf_path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by tools/test");
    assert!(pdf.status.success());
    let pdf_text = String::from_utf8_lossy(&pdf.stdout);
    assert!(pdf_text.contains("Rotterdam"), "{pdf_text}");
    assert!(pdf_text.contains(&week.to_string()), "{pdf_text}");
    assert!(
        pdf_text.contains(&format!("Signaal {}", rotterdam[0].0)),
        "{pdf_text}"
    );

    // The database holds each file's SHA-256.
    let files: Vec<(String, String)> = sqlx::query_as(
        "SELECT f.path, f.sha256 FROM weekly_list_files f JOIN weekly_lists l ON l.id = f.list_id
         WHERE l.municipality_code = 'GM0599' ORDER BY f.kind",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(files.len(), 3);
    for (path, hash) in &files {
        assert_eq!(&sha(&dir.join(path)), hash, "{path}");
    }

    // The same week again: the same bytes, nothing moved. A signal confirmed now does not
    // join the frozen list; it goes on the next week's.
    let hashes: Vec<String> = ["csv", "xlsx", "pdf"]
        .iter()
        .map(|k| sha(&list_file(&dir, "GM0599", week, k)))
        .collect();
    std::fs::remove_file(list_file(&dir, "GM0599", week, "pdf")).unwrap();
    decide(&store, rotterdam[4], &["in_review", "confirmed"]).await;
    let decisions_mid = count(&store, "SELECT COUNT(*) FROM decisions").await;
    let again = report(&dir, now, &["--week", &week.to_string()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains("bestond al"), "{}", stdout(&again));
    let hashes_again: Vec<String> = ["csv", "xlsx", "pdf"]
        .iter()
        .map(|k| sha(&list_file(&dir, "GM0599", week, k)))
        .collect();
    assert_eq!(
        hashes, hashes_again,
        "a list written again is byte-identical"
    );
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM decisions").await,
        decisions_mid
    );
    assert_eq!(status(&store, rotterdam[4].0).await, "confirmed");

    let next_week_now = now + chrono::Duration::days(7);
    let next = IsoWeek::last_complete(next_week_now);
    let out = report(&dir, next_week_now, &["--municipality", "GM0599"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let next_rows = csv_rows(&list_file(&dir, "GM0599", next, "csv"));
    assert_eq!(
        next_rows
            .iter()
            .map(|r| r["signaal"].clone())
            .collect::<Vec<_>>(),
        vec![rotterdam[4].0.to_string()]
    );
    assert_eq!(status(&store, rotterdam[4].0).await, "reported");

    // A week that has not begun is bad usage.
    let future = IsoWeek::of((next_week_now + chrono::Duration::days(14)).date_naive());
    let out = report(&dir, next_week_now, &["--week", &future.to_string()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("toekomst"), "{}", stderr(&out));
    store.close().await;
}
both_engines!(demo a_week_lists_each_territorys_confirmed_signals_once_and_freezes);

async fn a_municipality_with_recipients_gets_an_empty_list_and_others_none(
    db: TestDb,
    dir: PathBuf,
) {
    let mut toml = std::fs::read_to_string(dir.join("webwacht.toml")).unwrap();
    toml.push_str("[report.recipients]\nGM0363 = [\"handhaving@amsterdam.example\"]\n");
    std::fs::write(dir.join("webwacht.toml"), toml).unwrap();
    let now = a_week_later();
    let week = IsoWeek::last_complete(now);
    let out = report(&dir, now, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("GM0363 week {week}: 0 signalen, gemaakt")),
        "{}",
        stdout(&out)
    );
    // Nothing confirmed elsewhere: no other list.
    let made: Vec<_> = std::fs::read_dir(dir.join("reports")).unwrap().collect();
    assert_eq!(made.len(), 1);
    assert_eq!(csv_rows(&list_file(&dir, "GM0363", week, "csv")).len(), 0);
    let pdf = std::process::Command::new("pdftotext")
        .arg(list_file(&dir, "GM0363", week, "pdf"))
        .arg("-")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&pdf.stdout).contains("Geen nieuwe signalen"));

    // A recipient key that is no municipality code names the file and the section.
    std::fs::write(
        dir.join("webwacht.toml"),
        format!(
            "database_url = {:?}\n[report.recipients]\nRotterdam = [\"a@b.example\"]\n",
            db.url
        ),
    )
    .unwrap();
    let out = report(&dir, now, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("[report.recipients]"),
        "{}",
        stderr(&out)
    );
}
both_engines!(demo a_municipality_with_recipients_gets_an_empty_list_and_others_none);

fn write_report_config(dir: &Path, db: &TestDb, smtp_url: &str, attach: bool) {
    std::fs::write(
        dir.join("webwacht.toml"),
        format!(
            "database_url = {:?}\n[web]\npublic_url = \"https://webwacht.regio.example\"\n\
             [report]\nsmtp_url = {smtp_url:?}\nfrom = \"webwacht@regio.example\"\nattach = {attach}\n\
             [report.recipients]\nGM0599 = [\"handhaving@rotterdam.example\", \"toezicht@rotterdam.example\"]\n",
            db.url
        ),
    )
    .unwrap();
}

/// Every digit run of 6 or more in `s`: what a phone number would leave in a text.
fn digit_runs(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|d| d.len() >= 6)
        .map(str::to_string)
        .collect()
}

async fn notices_go_to_each_recipient_without_personal_data_and_failed_sends_are_retried(
    db: TestDb,
    dir: PathBuf,
) {
    use support::smtp::{closed_port, SmtpSink};
    let store = db.open().await;
    let rotterdam = flags_in(&store, "GM0599").await;
    for f in &rotterdam[..2] {
        decide(&store, *f, &["in_review", "confirmed"]).await;
    }
    let now = a_week_later();
    let week = IsoWeek::last_complete(now);

    // Made without --send: the notices are noted with the list, to go with the next
    // --send (whichever week it is for).
    write_report_config(
        &dir,
        &db,
        &format!("smtp://127.0.0.1:{}", closed_port()),
        false,
    );
    let out = report(&dir, now, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM weekly_list_sends WHERE sent_at IS NULL AND attempts = 0"
        )
        .await,
        2
    );

    // The mail server is down: the sends fail and stay unsent.
    let out = report(&dir, now, &["--send"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("niet verstuurd"), "{}", stdout(&out));
    assert!(list_file(&dir, "GM0599", week, "csv").exists());
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM weekly_list_sends WHERE sent_at IS NULL AND attempts = 1 AND last_error IS NOT NULL").await,
        2
    );

    // It is back: the next run sends both, once.
    let sink = SmtpSink::start();
    write_report_config(&dir, &db, &sink.url(), false);
    let out = report(&dir, now, &["--send"]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let mails = sink.messages();
    assert_eq!(mails.len(), 2, "{mails:?}");
    let mut to: Vec<String> = mails
        .iter()
        .map(|m| m["rcpt_tos"][0].as_str().unwrap().to_string())
        .collect();
    to.sort();
    assert_eq!(
        to,
        ["handhaving@rotterdam.example", "toezicht@rotterdam.example"]
    );
    let phones: Vec<String> = csv_rows(&list_file(&dir, "GM0599", week, "csv"))
        .iter()
        .flat_map(|r| {
            r["telefoonnummers"]
                .split(" | ")
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty())
        .collect();
    assert!(!phones.is_empty(), "the listed signals have phones");
    for m in &mails {
        let subject = m["subject"].as_str().unwrap();
        assert_eq!(
            subject,
            format!("webwacht: signalenlijst week {week} voor Rotterdam (2 signalen)")
        );
        let body = m["body"].as_str().unwrap();
        assert!(
            body.contains("https://webwacht.regio.example/reports"),
            "{body}"
        );
        assert!(body.contains("geen persoonsgegevens"), "{body}");
        assert!(m["attachments"].as_array().unwrap().is_empty());
        let raw = m["raw"].as_str().unwrap();
        for p in &phones {
            let national = format!("0{}", p.trim_start_matches("+31"));
            assert!(
                !raw.contains(p.as_str()) && !raw.contains(&national),
                "{p} in the mail"
            );
        }
        assert!(
            digit_runs(body).is_empty(),
            "no number that could be a phone: {body}"
        );
    }
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM weekly_list_sends WHERE sent_at IS NOT NULL AND attempts = 2"
        )
        .await,
        2
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'weekly_list_sent'"
        )
        .await,
        2
    );
    // Nothing is sent twice.
    let out = report(&dir, now, &["--send"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sink.messages().len(), 2);

    // With attach = true the next week's notice carries the archived XLSX and PDF.
    decide(&store, rotterdam[2], &["in_review", "confirmed"]).await;
    write_report_config(&dir, &db, &sink.url(), true);
    let next_now = now + chrono::Duration::days(7);
    let next = IsoWeek::last_complete(next_now);
    let out = report(&dir, next_now, &["--send"]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let mails = sink.messages();
    assert_eq!(mails.len(), 4);
    for m in &mails[2..] {
        let atts = m["attachments"].as_array().unwrap();
        assert_eq!(atts.len(), 2, "{m}");
        for a in atts {
            let kind = if a["content_type"] == "application/pdf" {
                "pdf"
            } else {
                "xlsx"
            };
            assert_eq!(
                a["sha256"].as_str().unwrap(),
                sha(&list_file(&dir, "GM0599", next, kind)),
                "the attached {kind} is the archived file"
            );
        }
    }
    store.close().await;
}
both_engines!(demo notices_go_to_each_recipient_without_personal_data_and_failed_sends_are_retried);
