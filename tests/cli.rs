//! The command line as a user meets it: `extract` output shape, configuration errors,
//! `places import`, bad site files and bad filters.

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use support::db::TestDb;

use support::{stderr, stdout, webwacht};

#[test]
fn extract_jsonl_keeps_ids_and_the_design_shape() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_webwacht"))
        .args(["--data-dir"])
        .arg(dir.path())
        .args(["extract", "--jsonl"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let input = concat!(
        r#"{"id": "a1", "text": "Bel 06-1234 5678 in Rhoon. Vergunningnummer: ESC-2024-0153"}"#,
        "\n",
        r#"{"id": 7, "text": "Alleen vandaag €150, 23 jaar"}"#,
        "\n"
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // Key order as DESIGN shows it (serde_json keeps insertion order in this crate).
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let first = &lines[0];
    let keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "phones",
            "licence_numbers",
            "registration_numbers",
            "places"
        ]
    );
    assert_eq!(first["id"], "a1");
    assert_eq!(first["phones"][0]["e164"], "+31612345678");
    assert_eq!(first["phones"][0]["raw"], "06-1234 5678");
    assert_eq!(first["phones"][0]["kind"], "mobile");
    assert_eq!(first["phones"][0]["country"], "NL");
    assert_eq!(first["phones"][0]["obfuscated"], false);
    assert_eq!(first["licence_numbers"][0]["normalized"], "ESC20240153");
    assert_eq!(first["licence_numbers"][0]["value"], "ESC-2024-0153");
    assert_eq!(first["places"][0]["municipality_code"], "GM0613");
    assert_eq!(lines[1]["id"], 7, "the id comes back as it went in");
    assert_eq!(lines[1]["phones"].as_array().unwrap().len(), 0);
}

#[test]
fn extract_jsonl_bad_line_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = support::webwacht_with_stdin(
        dir.path(),
        &["extract", "--jsonl"],
        "{\"id\":\"a\",\"text\":\"x\"}\nnot json\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("stdin:2"), "{}", stderr(&out));
}

#[test]
fn extract_file_uses_the_file_name_as_id_and_reads_html_links() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("ad.html");
    std::fs::write(
        &page,
        r#"<h1>Mila</h1><p>Den Bosch</p><a href="tel:+31687654321">bel</a>"#,
    )
    .unwrap();
    let out = webwacht(dir.path(), &["extract", page.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert!(v["id"].as_str().unwrap().ends_with("ad.html"));
    assert_eq!(v["phones"][0]["e164"], "+31687654321");
    assert_eq!(v["places"][0]["municipality_code"], "GM0796");
}

/// Issue 13, point 10: random bytes gave exit 0 and invented places ("Reth", "Ee").
#[test]
fn extract_refuses_binary_input_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = 13u64;
    let mut random = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 56) as u8
            })
            .collect()
    };
    let with_nul = dir.path().join("dump.bin");
    std::fs::write(&with_nul, random(64 * 1024)).unwrap();
    // Without NUL bytes: only invalid UTF-8 and control characters give it away.
    let no_nul = dir.path().join("plaatje.jpg");
    let bytes: Vec<u8> = random(64 * 1024).into_iter().map(|b| b.max(1)).collect();
    std::fs::write(&no_nul, bytes).unwrap();
    for file in [&with_nul, &no_nul] {
        let out = webwacht(dir.path(), &["extract", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(stderr(&out).contains(name), "{}", stderr(&out));
        assert!(stderr(&out).contains("geen tekst"), "{}", stderr(&out));
        assert!(!stdout(&out).contains("places"), "{}", stdout(&out));
    }
    let out = support::webwacht_with_stdin(dir.path(), &["extract"], "Ee Reth\0 binair");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("stdin"), "{}", stderr(&out));
    // A Latin-1 ad is still text.
    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(
        &latin1,
        b"Nieuw in Rotterdam! Caf\xe9 Zaln\xe9, bel 06-12345678.",
    )
    .unwrap();
    let out = webwacht(dir.path(), &["extract", latin1.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("GM0599"), "{}", stdout(&out));
}

#[test]
fn unknown_config_key_names_key_and_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("webwacht.toml"),
        "data_dir = \"x\"\nuser_agnet = \"y\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_webwacht"))
        .args(["flags"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("user_agnet") && err.contains("webwacht.toml"),
        "{err}"
    );
}

fn places_import_replaces_the_gazetteer_or_changes_nothing(_db: &TestDb, dir: &Path) {
    let info = |d: &std::path::Path| stdout(&webwacht(d, &["places", "info"]));
    let before = info(dir);
    assert!(before.contains("Gemeenten: 342"), "{before}");

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "Woonplaats;Gemeentenaam;Gemeentecode\nRhoon;Albrandswaard;GM0613\nX;Y;G0613\n",
    )
    .unwrap();
    let out = webwacht(dir, &["places", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.csv:3"), "{}", stderr(&out));
    assert_eq!(info(dir), before, "a bad file changes nothing");

    let good = dir.join("cbs.csv");
    std::fs::write(
        &good,
        "\"ID\";\"Woonplaatsen\";\"Naam_1\";\"Code_2\";\"Naam_3\";\"Code_4\"\n\
         \"0\";\"WP1\";\"Rhoon\";\"WP1\";\"Albrandswaard\";\"GM0613\"\n\
         \"1\";\"WP2\";\"Poortugaal\";\"WP2\";\"Albrandswaard\";\"GM0613\"\n\
         \"2\";\"WP3\";\"Rotterdam\";\"WP3\";\"Rotterdam\";\"GM0599\"\n",
    )
    .unwrap();
    let out = webwacht(
        dir,
        &[
            "places",
            "import",
            good.to_str().unwrap(),
            "--vintage",
            "2026-01-01",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let after = info(dir);
    assert!(
        after.contains("Gemeenten: 2")
            && after.contains("Plaatsen: 3")
            && after.contains("2026-01-01"),
        "{after}"
    );
}

#[test]
fn bad_site_file_is_named_with_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let sel = dir.path().join("selectors");
    std::fs::create_dir(&sel).unwrap();
    std::fs::write(
        sel.join("kapot.toml"),
        "[site]\nid = \"kapot\"\nname = \"K\"\nstart_urls = [\"http://127.0.0.1:1/\"]\n\
         [listing]\nad_links = \"a[\"\n[ad]\ntitle = \"h1\"\nbody = \"p\"\n",
    )
    .unwrap();
    let out = webwacht(
        dir.path(),
        &["--selectors-dir", sel.to_str().unwrap(), "crawl"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("kapot.toml") && err.contains("listing.ad_links"),
        "{err}"
    );
}

#[test]
fn unknown_rule_or_status_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    let out = webwacht(dir.path(), &["flags", "--rule", "no_such_rule"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no_licence_number"));
    let out = webwacht(dir.path(), &["flags", "--status", "open"]);
    assert_eq!(out.status.code(), Some(2));
    let out = webwacht(dir.path(), &["flags"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("Geen signalen"));
}

both_engines!(places_import_replaces_the_gazetteer_or_changes_nothing);
