//! Evidence as an outsider checks it: a crawl of a small loopback site writes WARC files
//! (rotated at a few KB) that Python's `warcio` reads and verifies, with offsets, lengths
//! and payload hashes equal to what the database holds; `webwacht evidence verify` passes
//! on them and names a flipped byte and a deleted file; a torn tail is never appended to.
//!
//! Needs `warcio` (`pip install warcio`); the tests fail, not skip, without it.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use support::db::TestDb;
use support::site::SiteFile;

use axum::body::Body;
use axum::extract::{Path as UrlPath, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

use support::{stderr, stdout, webwacht};
use webwacht::crawl::{crawl_site_with_evidence, CrawlOptions, SiteReport};
use webwacht::evidence::EvidenceWriter;
use webwacht::site::compile::compile_str;
use webwacht::store::ads::{self, StoredEvidence};
use webwacht::store::Store;

const UA: &str = "webwacht-test/1.0 (+http://127.0.0.1/contact)";
/// Small enough that the ten ad pages land in several files.
const ROTATE_BYTES: u64 = 4 * 1024;
/// Plain ad pages; the site also has one sent chunked and one sent gzip-encoded.
const PLAIN_ADS: u32 = 8;
const CHUNKED_AD: &str = "/stream/advertentie/9";
const GZIP_AD: &str = "/gz/advertentie/10";

// ---------------------------------------------------------------- the loopback site

fn ad_html(id: u32) -> String {
    let filler = "Discreet, alleen op afspraak. ".repeat(30);
    format!(
        "<!doctype html><html><head><title>Advertentie {id}</title></head><body>\
         <article class=\"ad\"><h1>Advertentie {id}</h1>\
         <div class=\"description\">Bel 06-1234 56{id:02}. {filler}</div></article></body></html>"
    )
}

fn ad_paths() -> Vec<String> {
    let mut paths: Vec<String> = (1..=PLAIN_ADS)
        .map(|i| format!("/advertentie/{i}"))
        .collect();
    paths.push(CHUNKED_AD.into());
    paths.push(GZIP_AD.into());
    paths
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

#[derive(serde::Deserialize)]
struct Page {
    page: u32,
}

async fn get_listing(Query(p): Query<Page>) -> Response {
    let paths = ad_paths();
    let (from, to) = if p.page == 1 {
        (0, 5)
    } else {
        (5, paths.len())
    };
    let mut body = String::from("<html><body>");
    for path in &paths[from..to] {
        body.push_str(&format!(
            "<article class=\"ad\"><a class=\"more\" href=\"{path}\">meer</a></article>"
        ));
    }
    if p.page == 1 {
        body.push_str("<a rel=\"next\" href=\"/advertenties?page=2\">volgende</a>");
    }
    body.push_str("</body></html>");
    html(body)
}

async fn get_ad(UrlPath(id): UrlPath<u32>) -> Response {
    html(ad_html(id))
}

/// No Content-Length: hyper sends it chunked.
async fn get_chunked_ad(UrlPath(id): UrlPath<u32>) -> Response {
    let text = ad_html(id);
    let (a, b) = text.split_at(text.len() / 2);
    let chunks = vec![Ok::<_, std::io::Error>(a.to_string()), Ok(b.to_string())];
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        Body::from_stream(futures_util::stream::iter(chunks)),
    )
        .into_response()
}

async fn get_gzip_ad(UrlPath(id): UrlPath<u32>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_ENCODING, "gzip"),
        ],
        gzip_stored(ad_html(id).as_bytes()),
    )
        .into_response()
}

/// A valid gzip member holding `data` in one stored (uncompressed) deflate block.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    assert!(data.len() < 65_536);
    let len = data.len() as u16;
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1];
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend_from_slice(&(!crc).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// Serve the site on 127.0.0.1:0; returns its base URL. The server lives as long as the
/// test's runtime.
async fn start_site() -> String {
    let app = Router::new()
        .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }))
        .route("/advertenties", get(get_listing))
        .route("/advertentie/{id}", get(get_ad))
        .route("/stream/advertentie/{id}", get(get_chunked_ad))
        .route("/gz/advertentie/{id}", get(get_gzip_ad));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

fn site_toml(base: &str) -> String {
    SiteFile::new(
        "bewijs-test",
        "Bewijstest",
        &format!("{base}/advertenties?page=1"),
    )
    .site("max_pages", "100")
    .listing("next_page", "a[rel=next]")
    .toml()
}

// ---------------------------------------------------------------- crawl and database

async fn crawl(db: &TestDb, data_dir: &Path, base: &str) -> SiteReport {
    let cfg = db.config(data_dir);
    let store = Store::open(&cfg).await.unwrap();
    let site = compile_str(Path::new("bewijs-test.toml"), &site_toml(base)).unwrap();
    let opts = CrawlOptions {
        user_agent: UA.into(),
        max_pages: None,
        unthrottled: false,
    };
    let mut writer = EvidenceWriter::with_rotate_bytes(&cfg.evidence_dir(), ROTATE_BYTES).unwrap();
    let report = crawl_site_with_evidence(&store, &site, &opts, &mut writer)
        .await
        .unwrap();
    store.close().await;
    report
}

async fn stored_evidence(db: &TestDb) -> Vec<StoredEvidence> {
    let store = db.open().await;
    let refs = ads::evidence_after(&store, 0, 10_000).await.unwrap();
    store.close().await;
    refs
}

fn warc_files(data_dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir.join("evidence"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

// ---------------------------------------------------------------- warcio

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

fn require_warcio() {
    let out = Command::new(python())
        .args(["-c", "import warcio"])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e}; these tests need Python 3 with warcio (`pip install warcio`)",
                python()
            )
        });
    assert!(
        out.status.success(),
        "Python's warcio is not importable; run `pip install warcio` (these tests read the \
         WARC files with it). {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `warcio check -v FILE`: every record's digests verified.
fn warcio_check(file: &Path) {
    let out = Command::new(python())
        .args(["-m", "warcio.cli", "check", "-v"])
        .arg(file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "warcio check {}: {text}{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("fail"), "{text}");
    let records = text.matches("WARC-Record-ID").count();
    assert!(records >= 3, "{text}");
    assert_eq!(
        text.matches("digest pass").count(),
        records,
        "every record has a digest that passes: {text}"
    );
}

/// Every record of every file as warcio reads it: type, target URI, ids, offset, length,
/// SHA-256 of the raw payload and of the decoded content, the HTTP headers.
const LIST_RECORDS: &str = r#"
import hashlib, json, sys
from warcio.archiveiterator import ArchiveIterator
for path in sys.argv[1:]:
    records = []
    with open(path, 'rb') as fh:
        it = ArchiveIterator(fh)
        for rec in it:
            h = rec.rec_headers
            out = {'file': path, 'type': rec.rec_type,
                   'uri': h.get_header('WARC-Target-URI'),
                   'id': h.get_header('WARC-Record-ID'),
                   'concurrent_to': h.get_header('WARC-Concurrent-To'),
                   'warcinfo_id': h.get_header('WARC-Warcinfo-ID'),
                   'date': h.get_header('WARC-Date')}
            if rec.http_headers is not None:
                out['http'] = [[k.lower(), v] for k, v in rec.http_headers.headers]
                out['status'] = rec.http_headers.get_statuscode()
            out['payload_sha256'] = hashlib.sha256(rec.raw_stream.read()).hexdigest()
            it.read_to_end(rec)
            out['offset'] = it.get_record_offset()
            out['length'] = it.get_record_length()
            records.append(out)
    with open(path, 'rb') as fh:
        for out, rec in zip(records, ArchiveIterator(fh)):
            out['content_sha256'] = hashlib.sha256(rec.content_stream().read()).hexdigest()
    for out in records:
        print(json.dumps(out))
"#;

fn warcio_records(files: &[PathBuf]) -> Vec<Value> {
    let out = Command::new(python())
        .args(["-c", LIST_RECORDS])
        .args(files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn file_name(v: &Value) -> String {
    Path::new(v["file"].as_str().unwrap())
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn http_header<'a>(rec: &'a Value, name: &str) -> Option<&'a str> {
    rec["http"]
        .as_array()?
        .iter()
        .find(|h| h[0] == name)
        .and_then(|h| h[1].as_str())
}

/// The structure every file must have: a warcinfo record, then request/response pairs
/// that name each other.
fn assert_well_formed(records: &[Value]) {
    let mut by_file: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for r in records {
        by_file.entry(file_name(r)).or_default().push(r);
    }
    for (file, recs) in by_file {
        assert_eq!(recs[0]["type"], "warcinfo", "{file} starts with warcinfo");
        let info_id = recs[0]["id"].as_str().unwrap();
        let pairs = &recs[1..];
        assert!(
            !pairs.is_empty() && pairs.len() % 2 == 0,
            "{file}: {pairs:?}"
        );
        for pair in pairs.chunks(2) {
            let (req, res) = (pair[0], pair[1]);
            assert_eq!(req["type"], "request", "{file}");
            assert_eq!(res["type"], "response", "{file}");
            assert_eq!(req["uri"], res["uri"]);
            assert_eq!(req["date"], res["date"]);
            assert_eq!(
                req["concurrent_to"], res["id"],
                "request names its response"
            );
            assert_eq!(
                res["concurrent_to"], req["id"],
                "response names its request"
            );
            assert_eq!(req["warcinfo_id"], info_id);
            assert_eq!(res["warcinfo_id"], info_id);
            assert_eq!(res["status"], "200");
        }
    }
}

// ---------------------------------------------------------------- tests

async fn rotated_warc_files_are_read_and_verified_by_warcio_and_match_the_database(
    db: TestDb,
    dir: PathBuf,
) {
    require_warcio();
    let base = start_site().await;
    let report = crawl(&db, dir.as_path(), &base).await;
    assert_eq!(report.stats.ads_seen, ad_paths().len() as i64, "{report:?}");

    let files = warc_files(dir.as_path());
    assert!(
        files.len() >= 3,
        "rotation at {ROTATE_BYTES} bytes: {files:?}"
    );
    for f in &files {
        warcio_check(f);
    }
    let records = warcio_records(&files);
    assert_well_formed(&records);
    let count = |t: &str| records.iter().filter(|r| r["type"] == t).count();
    assert_eq!(count("warcinfo"), files.len());
    assert_eq!(count("request"), ad_paths().len());
    assert_eq!(count("response"), ad_paths().len());
    assert_eq!(records.len(), files.len() + 2 * ad_paths().len());
    let uris: BTreeSet<String> = records
        .iter()
        .filter(|r| r["type"] == "response")
        .map(|r| r["uri"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = ad_paths().iter().map(|p| format!("{base}{p}")).collect();
    assert_eq!(uris, expected);

    // Every database reference is a response record at that offset, of that length, whose
    // payload hashes to the stored SHA-256 (warcio's length leaves out the closing CRLFs).
    let refs = stored_evidence(&db).await;
    assert_eq!(refs.len(), ad_paths().len());
    for r in &refs {
        let rec = records
            .iter()
            .find(|x| file_name(x) == r.file && x["offset"] == r.offset)
            .unwrap_or_else(|| panic!("no record at {} offset {}", r.file, r.offset));
        assert_eq!(rec["type"], "response");
        assert_eq!(rec["uri"], r.url.as_str());
        assert_eq!(rec["length"].as_i64().unwrap() + 4, r.length);
        assert_eq!(
            Some(rec["payload_sha256"].as_str().unwrap()),
            r.body_sha256.as_deref()
        );
        let bytes = std::fs::read(dir.as_path().join("evidence").join(&r.file)).unwrap();
        let span = &bytes[r.offset as usize..(r.offset + r.length) as usize];
        assert_eq!(Some(sha256_hex(span)), r.record_sha256);
    }

    // Headers that no longer describe the stored body are renamed, so readers decode
    // exactly once: warcio de-chunks nothing and gunzips the gzip page.
    let response = |path: &str| {
        records
            .iter()
            .find(|r| r["type"] == "response" && r["uri"] == format!("{base}{path}"))
            .unwrap()
    };
    let chunked = response(CHUNKED_AD);
    assert_eq!(http_header(chunked, "transfer-encoding"), None);
    assert_eq!(
        http_header(chunked, "x-crawler-transfer-encoding"),
        Some("chunked")
    );
    let html9 = ad_html(9);
    assert_eq!(
        http_header(chunked, "content-length"),
        Some(html9.len().to_string().as_str())
    );
    assert_eq!(chunked["payload_sha256"], sha256_hex(html9.as_bytes()));
    assert_eq!(chunked["content_sha256"], sha256_hex(html9.as_bytes()));
    // The crawler asks for gzip and decompresses while reading (so the body limit holds
    // for the real size); the record holds the page as decoded, and no header claims
    // otherwise.
    let gzip = response(GZIP_AD);
    assert_eq!(http_header(gzip, "content-encoding"), None);
    let html10 = ad_html(10);
    assert_eq!(gzip["payload_sha256"], sha256_hex(html10.as_bytes()));
    assert_eq!(
        http_header(gzip, "content-length"),
        Some(html10.len().to_string().as_str())
    );
    assert_eq!(gzip["content_sha256"], sha256_hex(html10.as_bytes()));
    let plain = response("/advertentie/1");
    assert_eq!(plain["content_sha256"], sha256_hex(ad_html(1).as_bytes()));
    assert_eq!(
        http_header(plain, "content-type"),
        Some("text/html; charset=utf-8")
    );
}

async fn evidence_verify_passes_then_names_a_flipped_byte_and_a_missing_file(
    db: TestDb,
    dir: PathBuf,
) {
    let base = start_site().await;
    crawl(&db, dir.as_path(), &base).await;
    let n = ad_paths().len();

    let out = webwacht(dir.as_path(), &["evidence", "verify"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains(&format!(
            "{n} records, {n} in orde, 0 afwijkend, 0 ontbrekend"
        )),
        "{}",
        stdout(&out)
    );

    let refs = stored_evidence(&db).await;
    let flipped = &refs[0];
    let gone_file = refs
        .iter()
        .rev()
        .find(|r| r.file != flipped.file)
        .unwrap()
        .file
        .clone();
    let gone: Vec<&StoredEvidence> = refs.iter().filter(|r| r.file == gone_file).collect();
    // The last payload byte sits just before the record's closing CRLF CRLF.
    let path = dir.as_path().join("evidence").join(&flipped.file);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = (flipped.offset + flipped.length - 5) as usize;
    assert_eq!(bytes[at], b'>');
    bytes[at] = b'<';
    std::fs::write(&path, bytes).unwrap();
    std::fs::remove_file(dir.as_path().join("evidence").join(&gone_file)).unwrap();

    let out = webwacht(dir.as_path(), &["evidence", "verify"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    let lines: Vec<&str> = text.lines().collect();
    let mismatch: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("afwijkend: "))
        .collect();
    assert_eq!(mismatch.len(), 1, "{text}");
    assert!(mismatch[0].contains(&flipped.file), "{text}");
    assert!(
        mismatch[0].contains(&format!("offset {}", flipped.offset)),
        "{text}"
    );
    assert!(mismatch[0].contains(&flipped.url), "{text}");
    assert!(mismatch[0].contains("SHA-256 van de pagina"), "{text}");
    let missing: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("ontbreekt: "))
        .collect();
    assert_eq!(missing.len(), gone.len(), "{text}");
    for r in &gone {
        assert!(
            missing.iter().any(|l| l.contains(&gone_file)
                && l.contains(&r.url)
                && l.contains("bestand ontbreekt")),
            "{} not reported: {text}",
            r.url
        );
    }
    let ok = n - 1 - gone.len();
    assert!(
        text.contains(&format!(
            "{n} records, {ok} in orde, 1 afwijkend, {} ontbrekend",
            gone.len()
        )),
        "{text}"
    );
    assert!(stderr(&out).contains("niet in orde"), "{}", stderr(&out));
}

async fn a_torn_tail_is_never_appended_to_and_the_next_crawl_writes_valid_files(
    db: TestDb,
    dir: PathBuf,
) {
    require_warcio();
    let base = start_site().await;
    crawl(&db, dir.as_path(), &base).await;

    // What kill -9 in the middle of a write leaves: the last file ends inside a record.
    let refs = stored_evidence(&db).await;
    let before = warc_files(dir.as_path());
    let last = before.last().unwrap();
    let last_name = last.file_name().unwrap().to_string_lossy().into_owned();
    let torn = refs.iter().rev().find(|r| r.file == last_name).unwrap();
    let cut = (torn.offset + torn.length / 2) as u64;
    std::fs::OpenOptions::new()
        .write(true)
        .open(last)
        .unwrap()
        .set_len(cut)
        .unwrap();

    crawl(&db, dir.as_path(), &base).await;
    assert_eq!(
        std::fs::metadata(last).unwrap().len(),
        cut,
        "torn file untouched"
    );
    let new: Vec<PathBuf> = warc_files(dir.as_path())
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    assert!(!new.is_empty());
    for f in &new {
        warcio_check(f);
    }
    let records = warcio_records(&new);
    assert_well_formed(&records);
    assert_eq!(
        records.iter().filter(|r| r["type"] == "response").count(),
        ad_paths().len()
    );

    // The torn record is reported missing; everything else, old and new, checks out.
    let out = webwacht(dir.as_path(), &["evidence", "verify"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let problems: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("afwijkend") || l.starts_with("ontbreekt"))
        .collect();
    assert_eq!(problems.len(), 1, "{text}");
    assert!(problems[0].starts_with("ontbreekt: "), "{text}");
    assert!(problems[0].contains(&last_name) && problems[0].contains(&torn.url));
    let n = 2 * ad_paths().len();
    assert!(
        text.contains(&format!(
            "{n} records, {} in orde, 0 afwijkend, 1 ontbrekend",
            n - 1
        )),
        "{text}"
    );
}

both_engines!(async rotated_warc_files_are_read_and_verified_by_warcio_and_match_the_database);
both_engines!(async evidence_verify_passes_then_names_a_flipped_byte_and_a_missing_file);
both_engines!(async a_torn_tail_is_never_appended_to_and_the_next_crawl_writes_valid_files);
