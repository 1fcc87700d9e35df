//! Writing evidence: the request and response records of one [`Capture`] appended to a
//! WARC file (the format is in the module doc of [`crate::evidence`]), files rotated by
//! size.
//!
//! # Crashes
//!
//! A writer never opens an existing file: each writer starts a new file (created with
//! `create_new`), so a file left with a torn tail by a crash (`kill -9`, power loss) is never
//! appended to. Its complete records stay readable, and the database never points into the
//! torn part after a process crash: the pair is written (to the page cache, which outlives
//! the process) before the crawler stores the fetch row. Files are `fsync`ed at most every
//! [`SYNC_INTERVAL`] and when they are closed: a sync per record cost 40 % of the crawl's
//! throughput (323 instead of 530 ad pages/s in `benches/crawl.rs`). After a power loss
//! the last fraction of a second of records may be gone while SQLite (WAL, synchronous =
//! NORMAL, which can lose its last commits the same way) still points at them;
//! `webwacht evidence verify` names every such record. When
//! a write fails in a running writer, the file is cut back to its last complete record and
//! closed; the next write starts a new file. Evidence files are never rewritten otherwise.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use reqwest::header::{HeaderMap, HeaderName, CONTENT_LENGTH, TRANSFER_ENCODING};
use sha2::{Digest, Sha256};
use url::Url;

/// Close a WARC file once it is this large (the next write starts a new one).
pub const ROTATE_BYTES: u64 = 256 * 1024 * 1024;

const WARC_VERSION: &str = "WARC/1.0";

/// One HTTP response as the evidence keeps it: what the fetcher received, with the body
/// minus the transfer coding (see the module doc of [`crate::evidence`]).
#[derive(Debug, Clone, Copy)]
pub struct Capture<'a> {
    /// The URL that answered (after redirects).
    pub url: &'a Url,
    pub status: u16,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The body was longer than the fetcher's limit and was cut off.
    pub truncated: bool,
    pub fetched_at: chrono::DateTime<chrono::Utc>,
}

/// Where one response record was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRef {
    /// File name relative to the evidence directory.
    pub file: String,
    /// Byte offset of the response record (its `WARC/1.0` line) in the file.
    pub offset: u64,
    /// Length of the response record, including the two CRLFs that end it.
    pub length: u64,
    /// SHA-256 of the response body (the WARC payload), hex.
    pub sha256: String,
    /// SHA-256 of the whole response record (`length` bytes at `offset`), hex: covers the
    /// WARC headers too (capture date, target URI), which the payload hash does not.
    pub record_sha256: String,
}

/// Longest time written records may stay unsynced (see the module doc, Crashes).
pub const SYNC_INTERVAL: std::time::Duration = std::time::Duration::from_millis(250);

/// Appends WARC records to files in one directory, rotating by size.
pub struct EvidenceWriter {
    dir: PathBuf,
    rotate_bytes: u64,
    current: Option<OpenFile>,
}

struct OpenFile {
    name: String,
    file: File,
    size: u64,
    warcinfo_id: String,
    /// Last `fsync`; see [`SYNC_INTERVAL`].
    synced: std::time::Instant,
}

impl Drop for OpenFile {
    /// A file is synced when it is closed (rotation, end of the run).
    fn drop(&mut self) {
        if let Err(e) = self.file.sync_data() {
            tracing::error!(file = %self.name, error = %e, "bewijsbestand niet naar schijf geschreven");
        }
    }
}

impl EvidenceWriter {
    /// A writer that rotates at [`ROTATE_BYTES`].
    pub fn new(dir: &Path) -> std::io::Result<EvidenceWriter> {
        EvidenceWriter::with_rotate_bytes(dir, ROTATE_BYTES)
    }

    /// A writer that closes each file once it reaches `rotate_bytes`.
    pub fn with_rotate_bytes(dir: &Path, rotate_bytes: u64) -> std::io::Result<EvidenceWriter> {
        std::fs::create_dir_all(dir)?;
        Ok(EvidenceWriter {
            dir: dir.to_path_buf(),
            rotate_bytes,
            current: None,
        })
    }

    /// The evidence directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Write the request and response records of one fetch (synced per [`SYNC_INTERVAL`]); returns
    /// where the response record is and its hashes.
    pub fn write(&mut self, resp: &Capture<'_>, user_agent: &str) -> std::io::Result<EvidenceRef> {
        if self.current.is_none() {
            self.current = Some(open_new_file(&self.dir)?);
        }
        let open = self.current.as_mut().expect("opened above");

        let request_id = new_record_id();
        let response_id = new_record_id();
        let date = warc_date(resp.fetched_at);
        let target = resp.url.as_str();

        let request_block = http_request(resp.url, user_agent);
        let request = record(
            &[
                ("WARC-Type", "request"),
                ("WARC-Record-ID", &request_id),
                ("WARC-Date", &date),
                ("WARC-Target-URI", target),
                ("WARC-Concurrent-To", &response_id),
                ("WARC-Warcinfo-ID", &open.warcinfo_id),
                ("Content-Type", "application/http;msgtype=request"),
                ("WARC-Block-Digest", &digest(&request_block)),
            ],
            &request_block,
        );
        let response_block = http_response(resp);
        let mut fields: Vec<(&str, &str)> = vec![
            ("WARC-Type", "response"),
            ("WARC-Record-ID", &response_id),
            ("WARC-Date", &date),
            ("WARC-Target-URI", target),
            ("WARC-Concurrent-To", &request_id),
            ("WARC-Warcinfo-ID", &open.warcinfo_id),
            ("Content-Type", "application/http;msgtype=response"),
        ];
        let block_digest = digest(&response_block);
        let payload_digest = digest(resp.body);
        fields.push(("WARC-Block-Digest", &block_digest));
        fields.push(("WARC-Payload-Digest", &payload_digest));
        if resp.truncated {
            fields.push(("WARC-Truncated", "length"));
        }
        let response = record(&fields, &response_block);

        let offset = open.size + request.len() as u64;
        let mut bytes = request;
        bytes.extend_from_slice(&response);
        let due = open.synced.elapsed() >= SYNC_INTERVAL;
        if let Err(e) =
            open.file
                .write_all(&bytes)
                .and_then(|()| if due { open.file.sync_data() } else { Ok(()) })
        {
            // Cut the torn pair off and start a new file next time.
            let _ = open.file.set_len(open.size);
            self.current = None;
            return Err(e);
        }
        open.size += bytes.len() as u64;
        if due {
            open.synced = std::time::Instant::now();
        }
        let written = EvidenceRef {
            file: open.name.clone(),
            offset,
            length: response.len() as u64,
            sha256: hex::encode(Sha256::digest(resp.body)),
            record_sha256: hex::encode(Sha256::digest(&response)),
        };
        if open.size >= self.rotate_bytes {
            self.current = None;
        }
        Ok(written)
    }
}

/// Create a new, uniquely named file and write its `warcinfo` record.
fn open_new_file(dir: &Path) -> std::io::Result<OpenFile> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut n = 0;
    let (name, mut file) = loop {
        let name = format!("webwacht-{stamp}-{n:03}.warc");
        match OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(dir.join(&name))
        {
            Ok(f) => break (name, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
            Err(e) => return Err(e),
        }
    };
    let warcinfo_id = new_record_id();
    let block = format!(
        "software: webwacht/{}\r\nformat: WARC File Format 1.0\r\nconformsTo: {}\r\n",
        env!("CARGO_PKG_VERSION"),
        "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf"
    )
    .into_bytes();
    let info = record(
        &[
            ("WARC-Type", "warcinfo"),
            ("WARC-Record-ID", &warcinfo_id),
            ("WARC-Date", &warc_date(chrono::Utc::now())),
            ("WARC-Filename", &name),
            ("Content-Type", "application/warc-fields"),
            ("WARC-Block-Digest", &digest(&block)),
        ],
        &block,
    );
    if let Err(e) = file.write_all(&info).and_then(|()| file.sync_data()) {
        drop(file);
        let _ = std::fs::remove_file(dir.join(&name));
        return Err(e);
    }
    // Make the new directory entry durable too (best effort: not every OS can).
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(OpenFile {
        name,
        file,
        size: info.len() as u64,
        warcinfo_id,
        synced: std::time::Instant::now(),
    })
}

/// One WARC record: version line, `fields`, `Content-Length`, blank line, block, CRLF CRLF.
fn record(fields: &[(&str, &str)], block: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(block.len() + 512);
    out.extend_from_slice(WARC_VERSION.as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in fields {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn new_record_id() -> String {
    warc::Record::<warc::BufferedBody>::generate_record_id()
}

/// WARC 1.0 dates have second precision.
fn warc_date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The labelled digest we write: `sha256:` + lowercase hex.
pub(super) fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The request as the fetcher sent it (reqwest adds `Accept: */*`).
fn http_request(url: &Url, user_agent: &str) -> Vec<u8> {
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    };
    format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {user_agent}\r\nAccept: */*\r\n\r\n"
    )
    .into_bytes()
}

/// Status line, headers and body; headers that no longer describe the stored body are
/// renamed (see the module docs).
fn http_response(resp: &Capture<'_>) -> Vec<u8> {
    let body_len = resp.body.len() as u64;
    let length_matches = resp
        .headers
        .get_all(CONTENT_LENGTH)
        .iter()
        .map(|v| v.to_str().ok().and_then(|s| s.trim().parse::<u64>().ok()))
        .collect::<Vec<_>>()
        == [Some(body_len)];
    let reason = reqwest::StatusCode::from_u16(resp.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", resp.status).into_bytes();
    for (name, value) in resp.headers {
        let written = if *name == TRANSFER_ENCODING || (*name == CONTENT_LENGTH && !length_matches)
        {
            format!("X-Crawler-{}", title_case(name))
        } else {
            title_case(name)
        };
        out.extend_from_slice(written.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !length_matches {
        out.extend_from_slice(format!("Content-Length: {body_len}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(resp.body);
    out
}

/// `content-type` → `Content-Type` (HTTP names are case-insensitive; this is for people).
fn title_case(name: &HeaderName) -> String {
    name.as_str()
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::check_record;
    use crate::evidence::tests::{capture, stored};
    use crate::evidence::Check;
    use reqwest::header::{HeaderValue, CONTENT_ENCODING, CONTENT_TYPE};

    fn block_text(resp: &Capture<'_>) -> String {
        String::from_utf8_lossy(&http_response(resp)).into_owned()
    }

    #[test]
    fn rotates_by_size_and_never_reopens_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = EvidenceWriter::with_rotate_bytes(dir.path(), 100).unwrap();
        let a = w.write(&capture(b"x"), "ua").unwrap();
        let b = w.write(&capture(b"y"), "ua").unwrap();
        assert_ne!(a.file, b.file);
        let mut again = EvidenceWriter::new(dir.path()).unwrap();
        let c = again.write(&capture(b"z"), "ua").unwrap();
        assert!(c.file != a.file && c.file != b.file);
        for f in [&a.file, &b.file, &c.file] {
            let bytes = std::fs::read(dir.path().join(f)).unwrap();
            assert!(bytes.starts_with(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n"));
        }
    }

    #[test]
    fn chunked_response_keeps_transfer_encoding_only_as_x_crawler() {
        let mut headers = HeaderMap::new();
        headers.insert(TRANSFER_ENCODING, HeaderValue::from_static("chunked"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        let resp = Capture {
            headers: &headers,
            ..capture(b"hallo")
        };
        let text = block_text(&resp);
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains("\r\nX-Crawler-Transfer-Encoding: chunked\r\n"));
        assert!(!text.contains("\r\nTransfer-Encoding"));
        assert!(text.contains("\r\nContent-Type: text/html\r\n"));
        assert!(
            text.ends_with("\r\nContent-Length: 5\r\n\r\nhallo"),
            "{text}"
        );
    }

    #[test]
    fn content_length_is_kept_when_it_matches_and_recomputed_when_not() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("5"));
        let resp = Capture {
            headers: &headers,
            ..capture(b"hallo")
        };
        let text = block_text(&resp);
        assert_eq!(text.matches("Content-Length").count(), 1, "{text}");
        assert!(!text.contains("X-Crawler"));

        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("900"));
        let resp = Capture {
            headers: &headers,
            truncated: true,
            ..capture(b"hallo")
        };
        let text = block_text(&resp);
        assert!(
            text.contains("\r\nX-Crawler-Content-Length: 900\r\n"),
            "{text}"
        );
        assert!(text.ends_with("\r\nContent-Length: 5\r\n\r\nhallo"));
    }

    #[test]
    fn content_encoding_describes_the_stored_body_and_stays() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        let resp = Capture {
            headers: &headers,
            ..capture(b"\x1f\x8b\x08 not really gzip")
        };
        assert!(block_text(&resp).contains("\r\nContent-Encoding: gzip\r\n"));
    }

    #[test]
    fn truncated_body_is_marked() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = EvidenceWriter::new(dir.path()).unwrap();
        let resp = Capture {
            truncated: true,
            ..capture(b"<h1>half")
        };
        let a = w.write(&resp, "ua").unwrap();
        let bytes = std::fs::read(dir.path().join(&a.file)).unwrap();
        let rec = String::from_utf8_lossy(&bytes[a.offset as usize..]);
        assert!(rec.contains("\r\nWARC-Truncated: length\r\n"));
        assert_eq!(check_record(dir.path(), &stored(&a)), Check::Ok);
    }
}
