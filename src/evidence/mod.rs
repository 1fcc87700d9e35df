//! Evidence: every ad page we act on is kept as WARC records under `data_dir/evidence/`,
//! so that what a flag rests on can be shown and proved later. The database keeps the
//! file, offset and length of the response record, the SHA-256 of the payload (the body)
//! and the SHA-256 of the whole record.
//!
//! - `write`: [`EvidenceWriter`] appends the request and response records of one
//!   [`Capture`], rotating files by size;
//! - `verify`: [`check_record`] re-reads and re-hashes one record, [`verify_all`] every
//!   record the database refers to (`webwacht evidence verify`);
//! - `read`: [`read_response`] gives a checked record's Content-Type and body back, for the
//!   review UI;
//! - [`charset`]: the character encoding of a page, as a browser finds it.
//!
//! # The files
//!
//! Uncompressed WARC 1.0 (`webwacht-<UTC time>-<n>.warc`), readable by standard tools
//! (`warcio`, `jwat`, pywb). Each file starts with a `warcinfo` record. Each fetch is a
//! `request` record followed by a `response` record; the two name each other in
//! `WARC-Concurrent-To`. Every record has `WARC-Block-Digest`; the response also has
//! `WARC-Payload-Digest`. Digests are `sha256:` followed by lowercase hex, so the payload
//! digest is the same value as `fetches.body_sha256`. A file is closed once it is at least
//! the writer's rotation size, so a file can exceed it by one request/response pair.
//!
//! The response record holds the full HTTP response as received (status line, headers,
//! body) as `application/http;msgtype=response`. The fetcher hands over the body as it came
//! off the wire minus the transfer coding, so:
//! - `Transfer-Encoding` is written as `X-Crawler-Transfer-Encoding` (the chunks are gone);
//! - `Content-Length` is kept when it equals the stored body; otherwise (chunked, truncated,
//!   or dropped by a decoding client) the server's value is kept as
//!   `X-Crawler-Content-Length` and a `Content-Length` of the stored body is written;
//! - `Content-Encoding` is kept: reqwest is built without decompression, so a gzip body is
//!   stored gzipped and readers decode it as the header says. (A reqwest that decompresses
//!   removes `Content-Encoding` and `Content-Length` itself, so the header never lies.)
//!
//! This is the convention of Common Crawl and StormCrawler, so readers never de-chunk or
//! decode a body twice.

pub mod charset;
mod read;
mod verify;
mod write;

pub use read::read_response;
pub use verify::{check_record, verify_all, Check, VerifyEvent, VerifySummary, PROGRESS_EVERY};
pub use write::{Capture, EvidenceRef, EvidenceWriter, ROTATE_BYTES, SYNC_INTERVAL};

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use reqwest::header::HeaderMap;
    use url::Url;

    use super::{Capture, EvidenceRef};
    use crate::store::ads::StoredEvidence;

    const URL: &str = "http://127.0.0.1:9/advertentie/1?x=1";

    /// A 200 answer with `body` and no headers, fetched now.
    pub(super) fn capture(body: &[u8]) -> Capture<'_> {
        static ADDRESS: LazyLock<Url> = LazyLock::new(|| Url::parse(URL).unwrap());
        static NO_HEADERS: LazyLock<HeaderMap> = LazyLock::new(HeaderMap::new);
        Capture {
            url: &ADDRESS,
            status: 200,
            headers: &NO_HEADERS,
            body,
            truncated: false,
            fetched_at: chrono::Utc::now(),
        }
    }

    /// The database row the crawler would store for `r`.
    pub(super) fn stored(r: &EvidenceRef) -> StoredEvidence {
        StoredEvidence {
            fetch_id: 1,
            url: URL.into(),
            file: r.file.clone(),
            offset: r.offset as i64,
            length: r.length as i64,
            body_sha256: Some(r.sha256.clone()),
            record_sha256: Some(r.record_sha256.clone()),
        }
    }
}
