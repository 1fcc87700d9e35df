//! `webwacht register import`: every bad row is reported as `file:row: column: problem`,
//! the command exits 2, and nothing is stored (neither new rows nor a lost old snapshot).

mod support;

use std::path::Path;
use support::db::TestDb;
use support::{stderr, stdout, webwacht};

const HEADER: &str = "licence_number,holder,business_type,municipality_code,phones,address,valid_from,valid_until,status\n";
const GOOD_ROW: &str = "ESC-2024-0001,Voorbeeld Escort BV,escort,GM0599,06-12345678;010-1234567,\"Voorbeeldstraat 1, Rotterdam\",2024-01-01,2027-12-31,active\n";

fn snapshots(dir: &std::path::Path) -> String {
    let out = webwacht(dir, &["register", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

fn import(dir: &std::path::Path, name: &str, body: &str) -> std::process::Output {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    webwacht(
        dir,
        &[
            "register",
            "import",
            path.to_str().unwrap(),
            "--kind",
            "licences",
        ],
    )
}

fn good_file_is_one_snapshot_with_hash_and_count(_db: &TestDb, dir: &Path) {
    let second = GOOD_ROW.replace("ESC-2024-0001", "ESC-2024-0002");
    let out = import(dir, "reg.csv", &format!("{HEADER}{GOOD_ROW}{second}"));
    assert!(out.status.success(), "{}", stderr(&out));
    let list = snapshots(dir);
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(
        list.contains("licences") && list.contains("2 rijen"),
        "{list}"
    );
}

fn each_bad_row_is_named_and_nothing_is_stored(_db: &TestDb, dir: &Path) {
    let cases: &[(&str, &str, &str)] = &[
        ("municipality", "GM0599", "GM9999"),
        ("date", "2024-01-01", "01/01/2024"),
        ("phone", "06-12345678;", "06-123;"),
        ("status", ",active", ",lopend"),
        ("business type", ",escort,", ",bordeel,"),
    ];
    let column = |what: &str| match what {
        "municipality" => "municipality_code",
        "date" => "valid_from",
        "phone" => "phones",
        "status" => "status",
        _ => "business_type",
    };
    // A good snapshot first: a bad import must not lose it.
    assert!(import(dir, "ok.csv", &format!("{HEADER}{GOOD_ROW}"))
        .status
        .success());
    let before = snapshots(dir);
    for (what, from, to) in cases {
        let bad = GOOD_ROW
            .replace("ESC-2024-0001", "ESC-2024-0009")
            .replacen(from, to, 1);
        let body = format!("{HEADER}{GOOD_ROW}{bad}");
        let out = import(dir, "bad.csv", &body);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
        let err = stderr(&out);
        let want = format!("bad.csv:3: {}:", column(what));
        assert!(err.contains(&want), "{what}: expected {want:?} in:\n{err}");
        assert_eq!(snapshots(dir), before, "{what}: something was stored");
    }
}

fn duplicate_licence_number_names_both_rows(_db: &TestDb, dir: &Path) {
    let dup = GOOD_ROW.replace("ESC-2024-0001", "esc 2024 0001");
    let out = import(dir, "dup.csv", &format!("{HEADER}{GOOD_ROW}{dup}"));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("dup.csv:3: licence_number:") && err.contains("rij 2"),
        "{err}"
    );
    assert!(snapshots(dir).contains("Nog geen register"));
}

fn all_errors_of_a_file_are_reported_together(_db: &TestDb, dir: &Path) {
    let bad1 = GOOD_ROW.replace("GM0599", "GM9999");
    let bad2 = GOOD_ROW
        .replace("ESC-2024-0001", "ESC-2")
        .replace("active", "unknown");
    let out = import(dir, "many.csv", &format!("{HEADER}{bad1}{bad2}"));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("many.csv:2: municipality_code:"), "{err}");
    assert!(err.contains("many.csv:3: status:"), "{err}");
}

fn wrong_header_and_empty_file_are_clear_errors(_db: &TestDb, dir: &Path) {
    let out = import(dir, "hdr.csv", "licence_nr,holder\nx,y\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("hdr.csv"), "{}", stderr(&out));
    let out = import(dir, "empty.csv", HEADER);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("empty.csv"));
    assert!(snapshots(dir).contains("Nog geen register"));
}

fn registrations_import_checks_dates_and_status(_db: &TestDb, dir: &Path) {
    let path = dir.join("regs.csv");
    std::fs::write(
        &path,
        "registration_number,valid_from,valid_until,status\nREG-001,2024-01-01,,active\nREG-002,2024-13-01,,active\n",
    )
    .unwrap();
    let out = webwacht(
        dir,
        &[
            "register",
            "import",
            path.to_str().unwrap(),
            "--kind",
            "registrations",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("regs.csv:3: valid_from:"),
        "{}",
        stderr(&out)
    );
}

both_engines!(good_file_is_one_snapshot_with_hash_and_count);
both_engines!(each_bad_row_is_named_and_nothing_is_stored);
both_engines!(duplicate_licence_number_names_both_rows);
both_engines!(all_errors_of_a_file_are_reported_together);
both_engines!(wrong_header_and_empty_file_are_clear_errors);
both_engines!(registrations_import_checks_dates_and_status);
