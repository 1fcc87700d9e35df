//! `webwacht register import` reads register files the way municipalities export them:
//! Dutch Excel's CSV (`;`, Windows-1252 or UTF-8 with a BOM, CRLF), XLSX workbooks with
//! real date and number cells, Dutch headers and values; it stores only the register's
//! columns, stays strict where it matters, and `register show` prints what was stored.
//! Every file here is synthetic: the CSV fixtures in `tests/data/register/` (kept byte
//! for byte), the XLSX files written by `rust_xlsxwriter` below.

mod support;

use std::path::{Path, PathBuf};
use support::db::TestDb;
use webwacht::store::Engine;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use support::{stderr, stdout, webwacht};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/register")
        .join(name)
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    webwacht(dir, args)
}

fn import(dir: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["register", "import", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(dir, &args)
}

fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\n{}\n{}",
        out.status.code(),
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

fn show(dir: &Path, number: &str) -> Value {
    let text = ok(run(dir, &["register", "show", number, "--format", "json"]));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn snapshots(dir: &Path) -> String {
    ok(run(dir, &["register", "list"]))
}

/// The entry without its snapshot: what two imports of the same rows must agree on.
fn entry(dir: &Path, number: &str) -> Value {
    let mut v = show(dir, number);
    v.as_object_mut().unwrap().remove("snapshot");
    v
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

const NUMBERS: [&str; 3] = ["ESC-2026-0101", "PRV-2026-0102", "MAS-2026-0103"];

// 6. The fixtures are what Excel writes, byte for byte.
#[test]
fn fixtures_are_the_bytes_dutch_excel_writes() {
    let cp1252 = std::fs::read(fixture("excel-nl-windows-1252.csv")).unwrap();
    assert!(std::str::from_utf8(&cp1252).is_err(), "must not be UTF-8");
    assert!(
        cp1252.windows(3).any(|w| w == b"B\xE9a"),
        "é as the byte E9"
    );
    assert!(!cp1252.starts_with(b"\xEF\xBB\xBF"));
    let bom = std::fs::read(fixture("excel-nl-utf8-bom.csv")).unwrap();
    assert!(bom.starts_with(b"\xEF\xBB\xBFVergunningnummer;Houder;"));
    assert!(std::str::from_utf8(&bom).unwrap().contains("Béatrice"));
    for bytes in [&cp1252, &bom] {
        let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
        let lf = bytes.iter().filter(|&&b| b == b'\n').count();
        assert_eq!((crlf, lf), (4, 4), "every line ends in CRLF");
    }
}

// 1. Formats: Windows-1252 and UTF-8 with BOM, `;`, CRLF, quotes.
fn excel_csv_in_windows_1252_and_with_a_bom_give_the_same_register(db: &TestDb, dir: &Path) {
    let a = dir;
    let out = ok(import(a, &fixture("excel-nl-windows-1252.csv"), &[]));
    assert!(
        out.contains("Windows-1252")
            && out.contains("scheidingsteken ';'")
            && out.contains("3 rijen"),
        "{out}"
    );
    let b = tempfile::tempdir().unwrap();
    TestDb::new_blocking(db.engine, b.path())
        .unwrap()
        .write_config(b.path());
    let out = ok(import(b.path(), &fixture("excel-nl-utf8-bom.csv"), &[]));
    assert!(out.contains("UTF-8 met BOM"), "{out}");
    for n in NUMBERS {
        assert_eq!(entry(a, n), entry(b.path(), n), "{n}");
    }
    let first = show(a, "ESC-2026-0101");
    assert_eq!(first["holder"], "Béatrice Voorbeeld Escort");
    // A quoted field keeps its `;`.
    assert_eq!(first["address"], "Voorbeeldstraat 1; 3011 AA Rotterdam");
    assert_eq!(
        first["phones"],
        serde_json::json!(["+31612340101", "+31101230101"])
    );
}

fn comma_csv_with_lf_and_rfc4180_quotes_is_read(_db: &TestDb, dir: &Path) {
    let body = "licence_number,holder,business_type,municipality_code,phones,address,valid_from,valid_until,status\n\
                ESC-2026-0201,\"Escort \"\"De Test\"\", BV\",escort,GM0599,\"06-12340201\n06-12340202\",\"Teststraat 2, Rotterdam\",2026-01-01,,active\n";
    let file = write(dir, "komma.csv", body.as_bytes());
    let out = ok(import(dir, &file, &[]));
    assert!(out.contains("UTF-8, scheidingsteken ','"), "{out}");
    let e = show(dir, "ESC-2026-0201");
    assert_eq!(e["holder"], "Escort \"De Test\", BV");
    assert_eq!(
        e["phones"],
        serde_json::json!(["+31612340201", "+31612340202"])
    );
    assert_eq!(e["valid_until"], Value::Null);
}

/// A workbook as a licensing officer keeps it: an explanation sheet first would be
/// unusual, so the register is the first sheet; a second sheet holds registrations.
/// Dates are date cells, phone and municipality cells are numbers (Excel dropped the
/// phone's leading zero), one phone is text with its leading zero.
fn workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd-mm-yyyy");
    let sheet = book.add_worksheet();
    sheet.set_name("Vergunningen").unwrap();
    let headers = [
        "Status",
        "Vergunningnummer",
        "Houder",
        "Soort",
        "Gemeentecode",
        "Telefoonnummers",
        "Adres",
        "Geldig_vanaf",
        "Geldig_tot",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "Actief").unwrap();
    sheet.write_number(1, 1, 20260301.0).unwrap();
    sheet.write_string(1, 2, "Xlsx Escort Proef").unwrap();
    sheet.write_string(1, 3, "escort").unwrap();
    sheet.write_number(1, 4, 599.0).unwrap();
    sheet.write_number(1, 5, 612340301.0).unwrap();
    sheet
        .write_datetime_with_format(1, 7, ExcelDateTime::from_ymd(2026, 3, 1).unwrap(), &date)
        .unwrap();
    sheet
        .write_datetime_with_format(1, 8, ExcelDateTime::from_ymd(2028, 2, 29).unwrap(), &date)
        .unwrap();
    sheet.write_string(2, 0, "geschorst").unwrap();
    sheet.write_string(2, 1, "CLB-2026-0302").unwrap();
    sheet.write_string(2, 2, "Club Proef").unwrap();
    sheet.write_string(2, 3, "Club").unwrap();
    sheet.write_string(2, 4, "GM0518").unwrap();
    sheet.write_string(2, 5, "0612340302").unwrap();
    sheet.write_string(2, 6, "Proefweg 3").unwrap();
    sheet.write_string(2, 7, "1-3-2026").unwrap();
    let regs = book.add_worksheet();
    regs.set_name("Registraties").unwrap();
    for (c, h) in ["Registratienummer", "Geldig vanaf", "Geldig tot", "Status"]
        .iter()
        .enumerate()
    {
        regs.write_string(0, c as u16, *h).unwrap();
    }
    regs.write_number(1, 0, 12345678.0).unwrap();
    regs.write_datetime_with_format(1, 1, ExcelDateTime::from_ymd(2026, 1, 2).unwrap(), &date)
        .unwrap();
    regs.write_string(1, 3, "actief").unwrap();
    book.save_to_buffer().unwrap()
}

fn xlsx_reads_the_first_sheet_or_the_named_one_with_dates_and_numbers_as_written(
    _db: &TestDb,
    dir: &Path,
) {
    let file = write(dir, "register.xlsx", &workbook());
    let out = ok(import(dir, &file, &[]));
    assert!(
        out.contains("Excel (XLSX), werkblad \"Vergunningen\""),
        "{out}"
    );
    let e = show(dir, "20260301");
    assert_eq!(e["licence_number"], "20260301", "a number cell without .0");
    assert_eq!(e["municipality_code"], "GM0599");
    assert_eq!(e["phones"], serde_json::json!(["+31612340301"]));
    assert_eq!(
        (&e["valid_from"], &e["valid_until"]),
        (&"2026-03-01".into(), &"2028-02-29".into())
    );
    let c = show(dir, "CLB-2026-0302");
    assert_eq!(
        c["phones"],
        serde_json::json!(["+31612340302"]),
        "text keeps its zero"
    );
    assert_eq!(
        (&c["status"], &c["business_type"]),
        (&"suspended".into(), &"club".into())
    );

    let out = ok(import(
        dir,
        &file,
        &["--kind", "registrations", "--sheet", "registraties"],
    ));
    assert!(out.contains("werkblad \"Registraties\""), "{out}");
    let r = show(dir, "12345678");
    assert_eq!(
        (&r["kind"], &r["valid_from"]),
        (&"registration".into(), &"2026-01-02".into())
    );

    let out = import(dir, &file, &["--sheet", "Blad9"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("register.xlsx") && err.contains("\"Vergunningen\", \"Registraties\""),
        "{err}"
    );
}

// 2. Values as people write them.
fn dutch_headers_and_values_in_any_order_case_and_spacing(_db: &TestDb, dir: &Path) {
    let body = " STATUS ;geldig_tot;Geldig Vanaf; Adres;telefoonnummers;GEMEENTECODE;soort;houder;vergunningnummer\n\
                ACTIEF;;2026-01-01;;06-12340401;GM0599; Escort ;Een;A-1\n\
                Geschorst;;1-2-2026;;;0599;prive;Twee;A-2\n\
                ingetrokken;;01-02-2026;;;599;Privéhuis;Drie;A-3\n\
                Verlopen;;2026-01-01;;;rotterdam;RAAM;Vier;A-4\n\
                actief;;2026-01-01;;;'s-Gravenhage;thuiswerk;Vijf;A-5\n\
                actief;;2026-01-01;;;Den Haag;Massagesalon;Zes;A-6\n\
                actief;;2026-01-01;;;Bergen (NH);massage;Zeven;A-7\n\
                actief;;2026-01-01;;;gm0518;overig;Acht;A-8\n";
    let file = write(dir, "door-elkaar.csv", body.as_bytes());
    ok(import(dir, &file, &[]));
    let got: Vec<(String, String, String, String)> = (1..=8)
        .map(|i| {
            let e = show(dir, &format!("a-{i}"));
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (
                s("status"),
                s("business_type"),
                s("municipality_code"),
                s("valid_from"),
            )
        })
        .collect();
    let want = [
        ("active", "escort", "GM0599", "2026-01-01"),
        ("suspended", "prive", "GM0599", "2026-02-01"),
        ("revoked", "prive", "GM0599", "2026-02-01"),
        ("expired", "raam", "GM0599", "2026-01-01"),
        ("active", "thuiswerk", "GM0518", "2026-01-01"),
        ("active", "massage", "GM0518", "2026-01-01"),
        ("active", "massage", "GM0373", "2026-01-01"),
        ("active", "other", "GM0518", "2026-01-01"),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);
}

fn a_municipality_name_several_share_asks_for_the_code(_db: &TestDb, dir: &Path) {
    let body = "vergunningnummer;houder;soort;gemeente;telefoonnummers;adres;geldig_vanaf;geldig_tot;status\n\
                B-1;Een;escort;Bergen;;;2026-01-01;;actief\n\
                B-2;Twee;escort;Nergenshuizen;;;2026-01-01;;actief\n";
    let file = write(dir, "bergen.csv", body.as_bytes());
    let out = import(dir, &file, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bergen.csv:2: gemeente: gemeente \"Bergen\" is niet eenduidig"),
        "{err}"
    );
    assert!(err.contains("GM0373") && err.contains("GM0893"), "{err}");
    assert!(
        err.contains("bergen.csv:3: gemeente: onbekende gemeente \"Nergenshuizen\""),
        "{err}"
    );
}

// 3. Data minimisation: unused columns are never stored, named by header only.
fn columns_webwacht_does_not_use_are_never_stored_and_named_by_header_only(
    db: &TestDb,
    dir: &Path,
) {
    let secrets = ["999990013", "14-02-1987", "Geheimestraat 77"];
    let licences = format!(
        "vergunningnummer;BSN;houder;soort;gemeentecode;telefoonnummers;adres;geldig_vanaf;geldig_tot;status;Geboortedatum\n\
         M-1;{};Minimaal BV;escort;GM0599;;;2026-01-01;;actief;{}\n",
        secrets[0], secrets[1]
    );
    let file = write(dir, "met-bsn.csv", licences.as_bytes());
    let out = ok(import(dir, &file, &[]));
    assert!(out.contains("\"BSN\", \"Geboortedatum\""), "{out}");
    let registrations = format!(
        "registratienummer;woonadres;geldig_vanaf;geldig_tot;status;bsn\nR-1;{};2026-01-01;;actief;{}\n",
        secrets[2], secrets[0]
    );
    let file = write(dir, "registraties.csv", registrations.as_bytes());
    let out = ok(import(dir, &file, &["--kind", "registrations"]));
    assert!(out.contains("\"woonadres\", \"bsn\""), "{out}");
    for s in secrets {
        assert!(!out.contains(s), "the output shows a value: {out}");
    }
    // Check the whole data directory (database, WAL, anything else), not the input files;
    // on PostgreSQL also every row of every table, as text.
    std::fs::remove_file(dir.join("met-bsn.csv")).unwrap();
    std::fs::remove_file(&file).unwrap();
    let mut stored = Vec::new();
    for entry in walk(dir) {
        stored.extend(std::fs::read(&entry).unwrap());
    }
    if db.engine == Engine::Postgres {
        stored.extend(every_row_as_text(db).into_bytes());
    }
    assert!(stored.len() > 4096, "{} bytes", stored.len());
    assert!(
        stored.windows(10).any(|w| w == b"Minimaal B"),
        "the check reads the database"
    );
    for s in secrets {
        assert!(
            !stored.windows(s.len()).any(|w| w == s.as_bytes()),
            "{s:?} is in the data directory"
        );
    }
}

/// Every row of every table of the database, as PostgreSQL writes a row as text.
fn every_row_as_text(db: &TestDb) -> String {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = db.open().await;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_all(store.pool())
        .await
        .unwrap();
        let mut all = String::new();
        for t in &tables {
            let rows: Vec<String> =
                sqlx::query_scalar(&format!("SELECT CAST(t AS TEXT) FROM {t} t"))
                    .fetch_all(store.pool())
                    .await
                    .unwrap();
            all.extend(rows);
        }
        assert!(tables.len() > 10, "{tables:?}");
        all
    })
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

// 4. Still strict where it matters.
fn strict_errors_name_file_row_and_column_and_store_nothing(_db: &TestDb, dir: &Path) {
    let header = "vergunningnummer;houder;soort;gemeentecode;telefoonnummers;adres;geldig_vanaf;geldig_tot;status\n";
    let good = "S-1;Goed;escort;GM0599;06-12340501;;01-01-2026;;actief\n";
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "date that does not exist",
            "01-01-2026",
            "31-02-2026",
            "geldig_vanaf: datum \"31-02-2026\" bestaat niet",
        ),
        (
            "US order",
            "01-01-2026",
            "02/28/2026",
            "geldig_vanaf: ongeldige datum \"02/28/2026\"",
        ),
        (
            "two-digit year",
            "01-01-2026",
            "28-2-26",
            "geldig_vanaf: ongeldige datum \"28-2-26\"",
        ),
        (
            "unknown type",
            "escort",
            "bordeel",
            "soort: onbekend bedrijfstype \"bordeel\"",
        ),
        (
            "unknown status",
            "actief",
            "lopend",
            "status: onbekende status \"lopend\"",
        ),
        (
            "not a phone",
            "06-12340501",
            "06-123",
            "telefoonnummers: onleesbaar telefoonnummer \"06-123\"",
        ),
        (
            "duplicate number",
            "S-2",
            "s 1",
            "vergunningnummer: dubbel nummer \"s 1\" (ook in rij 2)",
        ),
    ];
    let first = write(dir, "eerst.csv", format!("{header}{good}").as_bytes());
    ok(import(dir, &first, &[]));
    let before = snapshots(dir);
    for (what, from, to, want) in cases {
        let second = good.replace("S-1", "S-2").replacen(from, to, 1);
        let file = write(
            dir,
            "fout.csv",
            format!("{header}{good}{second}").as_bytes(),
        );
        let out = import(dir, &file, &[]);
        assert_eq!(out.status.code(), Some(2), "{what}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("fout.csv:3: {want}")),
            "{what}: {err}"
        );
        assert!(err.contains("er is niets opgeslagen"), "{what}: {err}");
        assert_eq!(snapshots(dir), before, "{what}: something was stored");
    }
    let no_status = write(
        dir,
        "kolom.csv",
        header
            .replace(";status", "")
            .replace("\n", ";opmerking\n")
            .as_bytes(),
    );
    let out = import(dir, &no_status, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("kolom.csv:1: kolom(men) ontbreken: status") && err.contains("opmerking"),
        "{err}"
    );
    assert_eq!(snapshots(dir), before);
}

fn dry_run_counts_per_status_and_type_and_stores_nothing(_db: &TestDb, dir: &Path) {
    let out = ok(import(
        dir,
        &fixture("excel-nl-windows-1252.csv"),
        &["--dry-run"],
    ));
    assert!(out.contains("Per status: actief 2, verlopen 1."), "{out}");
    assert!(
        out.contains("Per soort: erotische massagesalon 1, escortbedrijf 1, privéhuis 1."),
        "{out}"
    );
    assert!(
        out.contains("--dry-run") && out.contains("niets opgeslagen"),
        "{out}"
    );
    assert!(snapshots(dir).contains("Nog geen register"));
    // The bad file fails the dry run the same way.
    let bad = write(
        dir,
        "fout.csv",
        b"registratienummer,geldig_vanaf,geldig_tot,status\nR-1,31-02-2026,,actief\n",
    );
    let out = import(dir, &bad, &["--kind", "registrations", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("fout.csv:2: geldig_vanaf:"),
        "{}",
        stderr(&out)
    );
}

// 5. See what was imported.
fn show_prints_the_stored_entry_as_text_and_json(_db: &TestDb, dir: &Path) {
    ok(import(dir, &fixture("excel-nl-utf8-bom.csv"), &[]));
    let e = show(dir, "esc 2026 0101");
    assert_eq!(e["licence_number"], "ESC-2026-0101");
    assert_eq!(e["business_type"], "escort");
    assert_eq!(e["municipality_code"], "GM0599");
    assert_eq!(e["valid_from"], "2026-01-01");
    assert_eq!(e["valid_until"], "2027-12-31");
    assert_eq!(e["status"], "active");
    assert_eq!(e["snapshot"]["id"], 1);
    assert_eq!(e["snapshot"]["row_count"], 3);
    assert!(e["snapshot"]["file_name"]
        .as_str()
        .unwrap()
        .ends_with("excel-nl-utf8-bom.csv"));
    assert_eq!(e["snapshot"]["sha256"].as_str().unwrap().len(), 64);

    let text = ok(run(dir, &["register", "show", "PRV-2026-0102"]));
    for want in [
        "Vergunning PRV-2026-0102",
        "Houder:        Privéhuis De Proef",
        "Soort:         privéhuis (prive)",
        "Gemeente:      GM0518 ('s-Gravenhage)",
        "Telefoon:      +31701230102",
        "Geldig:        vanaf 2026-07-01, zonder einddatum",
        "Status:        actief (active)",
        "Momentopname:  1 (",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }

    // A number only in an older snapshot: not found now, and where it was.
    let newer = write(
        dir,
        "nieuw.csv",
        b"vergunningnummer;houder;soort;gemeentecode;telefoonnummers;adres;geldig_vanaf;geldig_tot;status\nN-1;Nieuw;escort;GM0599;;;2026-01-01;;actief\n",
    );
    ok(import(dir, &newer, &[]));
    let out = run(dir, &["register", "show", "PRV-2026-0102"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("niet in de nieuwste momentopname") && err.contains("wel in momentopname 1"),
        "{err}"
    );
    assert_eq!(show(dir, "N-1")["snapshot"]["id"], 2);
}

both_engines!(excel_csv_in_windows_1252_and_with_a_bom_give_the_same_register);
both_engines!(comma_csv_with_lf_and_rfc4180_quotes_is_read);
both_engines!(xlsx_reads_the_first_sheet_or_the_named_one_with_dates_and_numbers_as_written);
both_engines!(dutch_headers_and_values_in_any_order_case_and_spacing);
both_engines!(a_municipality_name_several_share_asks_for_the_code);
both_engines!(columns_webwacht_does_not_use_are_never_stored_and_named_by_header_only);
both_engines!(strict_errors_name_file_row_and_column_and_store_nothing);
both_engines!(dry_run_counts_per_status_and_type_and_stores_nothing);
both_engines!(show_prints_the_stored_entry_as_text_and_json);
