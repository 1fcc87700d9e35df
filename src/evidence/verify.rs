//! Verifying evidence: every record the database refers to is re-read and re-hashed
//! (whole record, WARC block and payload digests, payload against `fetches.body_sha256`).

use std::path::Path;

use sha2::{Digest, Sha256};

use super::read::read_span;
use crate::store::ads::{self, StoredEvidence};
use crate::store::{self, Store};

/// [`verify_all`] reports progress after every this many records.
pub const PROGRESS_EVERY: u64 = 1000;

/// The outcome of checking one stored record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Ok,
    /// The file, or the record's bytes in it, are not there.
    Missing(String),
    /// The bytes are there but do not match; one Dutch reason per failed check.
    Mismatch(Vec<String>),
}

/// Read the record the database points at and check it: the whole-record SHA-256, that it
/// is one well-formed WARC response record, its block and payload digests, and the payload
/// against `fetches.body_sha256`.
pub fn check_record(dir: &Path, r: &StoredEvidence) -> Check {
    if r.file.is_empty() || r.file.contains(['/', '\\']) || r.file.starts_with('.') {
        return Check::Mismatch(vec![format!("ongeldige bestandsnaam {:?}", r.file)]);
    }
    let (Ok(offset), Ok(length)) = (u64::try_from(r.offset), u64::try_from(r.length)) else {
        return Check::Mismatch(vec!["ongeldige offset of lengte in de database".into()]);
    };
    let bytes = match read_span(&dir.join(&r.file), offset, length) {
        Ok(Some(b)) => b,
        Ok(None) => {
            return Check::Missing(format!(
                "record ontbreekt: het bestand is korter dan offset + lengte ({})",
                offset + length
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Check::Missing("bestand ontbreekt".into())
        }
        Err(e) => return Check::Missing(format!("bestand niet leesbaar: {e}")),
    };
    let mut problems = Vec::new();
    // Checked first, reported last: the payload reasons below say more to a reader.
    let record_problem = r.record_sha256.as_ref().and_then(|expected| {
        let actual = hex::encode(Sha256::digest(&bytes));
        (!actual.eq_ignore_ascii_case(expected))
            .then(|| format!("SHA-256 van het record is {actual}, de database heeft {expected}"))
    });
    let mut records = warc::WarcReader::new(&bytes[..]).iter_raw_records();
    let (headers, block) = match (records.next(), records.next()) {
        (Some(Ok(parsed)), None) => parsed,
        (Some(Err(e)), _) => {
            problems.push(format!("geen geldig WARC-record op deze plaats ({e})"));
            problems.extend(record_problem);
            return Check::Mismatch(problems);
        }
        _ => {
            problems.push("op deze plaats staat niet precies één WARC-record".into());
            problems.extend(record_problem);
            return Check::Mismatch(problems);
        }
    };
    let header = |h: warc::WarcHeader| {
        headers
            .as_ref()
            .get(&h)
            .map(|v| String::from_utf8_lossy(v).trim().to_string())
    };
    if header(warc::WarcHeader::WarcType).as_deref() != Some("response") {
        problems.push("het record is geen response-record".into());
    }
    match header(warc::WarcHeader::BlockDigest) {
        Some(d) if digest_matches(&d, &block) => {}
        Some(d) => problems.push(format!("WARC-Block-Digest klopt niet ({d})")),
        None => problems.push("WARC-Block-Digest ontbreekt".into()),
    }
    let Some(split) = block.windows(4).position(|w| w == b"\r\n\r\n") else {
        problems.push("geen volledige HTTP-kop in het record".into());
        problems.extend(record_problem);
        return Check::Mismatch(problems);
    };
    let payload = &block[split + 4..];
    let actual = hex::encode(Sha256::digest(payload));
    match &r.body_sha256 {
        Some(expected) if actual.eq_ignore_ascii_case(expected) => {}
        Some(expected) => problems.push(format!(
            "SHA-256 van de pagina is {actual}, de database heeft {expected}"
        )),
        None => problems.push("de database heeft geen SHA-256 van de pagina".into()),
    }
    match header(warc::WarcHeader::PayloadDigest) {
        Some(d) if digest_matches(&d, payload) => {}
        Some(d) => problems.push(format!("WARC-Payload-Digest klopt niet ({d})")),
        None => problems.push("WARC-Payload-Digest ontbreekt".into()),
    }
    problems.extend(record_problem);
    if problems.is_empty() {
        Check::Ok
    } else {
        Check::Mismatch(problems)
    }
}

/// Does a labelled digest (`sha256:` hex or base32) match `bytes`?
fn digest_matches(labelled: &str, bytes: &[u8]) -> bool {
    let Some((algo, value)) = labelled.split_once(':') else {
        return false;
    };
    if !algo.eq_ignore_ascii_case("sha256") {
        return false;
    }
    let sha = Sha256::digest(bytes);
    value.eq_ignore_ascii_case(&hex::encode(sha))
        || value.trim_end_matches('=') == data_encoding::BASE32_NOPAD.encode(&sha)
}

/// Counts of one verification run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct VerifySummary {
    pub checked: u64,
    pub ok: u64,
    pub mismatched: u64,
    pub missing: u64,
}

impl VerifySummary {
    pub fn all_ok(&self) -> bool {
        self.mismatched == 0 && self.missing == 0
    }
}

/// What [`verify_all`] reports while it runs.
#[derive(Debug)]
pub enum VerifyEvent<'a> {
    /// A record that is missing or does not match.
    Problem {
        record: &'a StoredEvidence,
        check: &'a Check,
    },
    /// Every [`PROGRESS_EVERY`] records.
    Progress { done: u64, total: u64 },
}

/// Check every evidence record the database refers to, in fetch order, reading the
/// database in batches so memory stays flat on long runs.
pub async fn verify_all(
    store: &Store,
    dir: &Path,
    mut report: impl FnMut(VerifyEvent<'_>),
) -> store::Result<VerifySummary> {
    const BATCH: i64 = 500;
    let total = ads::count_evidence(store).await?.max(0) as u64;
    let mut summary = VerifySummary::default();
    let mut after = 0;
    loop {
        let batch = ads::evidence_after(store, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.fetch_id;
        for r in &batch {
            let check = check_record(dir, r);
            summary.checked += 1;
            match &check {
                Check::Ok => summary.ok += 1,
                Check::Missing(_) => summary.missing += 1,
                Check::Mismatch(_) => summary.mismatched += 1,
            }
            if check != Check::Ok {
                report(VerifyEvent::Problem {
                    record: r,
                    check: &check,
                });
            }
            if summary.checked % PROGRESS_EVERY == 0 {
                report(VerifyEvent::Progress {
                    done: summary.checked,
                    total: total.max(summary.checked),
                });
            }
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::tests::{capture, stored};
    use crate::evidence::write::digest;
    use crate::evidence::EvidenceWriter;
    use std::fs::File;

    #[test]
    fn written_records_verify_and_tampering_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = EvidenceWriter::new(dir.path()).unwrap();
        let a = w.write(&capture(b"<h1>een</h1>"), "ua").unwrap();
        let b = w.write(&capture(b"<h1>twee</h1>"), "ua").unwrap();
        assert_eq!(a.file, b.file);
        assert!(b.offset > a.offset);
        assert_eq!(check_record(dir.path(), &stored(&a)), Check::Ok);
        assert_eq!(check_record(dir.path(), &stored(&b)), Check::Ok);
        let bytes = std::fs::read(dir.path().join(&a.file)).unwrap();
        let at = &bytes[a.offset as usize..(a.offset + a.length) as usize];
        assert!(at.starts_with(b"WARC/1.0\r\nWARC-Type: response\r\n"));
        assert!(at.ends_with(b"<h1>een</h1>\r\n\r\n"));
        // Flip one byte of the first body.
        let path = dir.path().join(&a.file);
        let mut bytes = std::fs::read(&path).unwrap();
        let pos = bytes.windows(3).position(|w| w == b"een").unwrap();
        bytes[pos] = b'E';
        std::fs::write(&path, bytes).unwrap();
        let Check::Mismatch(problems) = check_record(dir.path(), &stored(&a)) else {
            panic!("tampering not detected");
        };
        assert!(problems.iter().any(|p| p.contains("SHA-256 van de pagina")));
        assert_eq!(check_record(dir.path(), &stored(&b)), Check::Ok);
    }

    #[test]
    fn header_tampering_is_caught_by_the_record_hash() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = EvidenceWriter::new(dir.path()).unwrap();
        let a = w.write(&capture(b"<h1>een</h1>"), "ua").unwrap();
        let path = dir.path().join(&a.file);
        let mut bytes = std::fs::read(&path).unwrap();
        // Move the capture date of the response record by a year (same length).
        let start = a.offset as usize;
        let pos = start
            + bytes[start..]
                .windows(11)
                .position(|w| w == b"WARC-Date: ")
                .unwrap()
            + 11;
        bytes[pos + 3] = if bytes[pos + 3] == b'0' { b'1' } else { b'0' };
        std::fs::write(&path, bytes).unwrap();
        let Check::Mismatch(problems) = check_record(dir.path(), &stored(&a)) else {
            panic!("date change not detected");
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("SHA-256 van het record"));
    }

    #[test]
    fn missing_file_and_short_file_are_missing() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = EvidenceWriter::new(dir.path()).unwrap();
        let a = w.write(&capture(b"<h1>een</h1>"), "ua").unwrap();
        let path = dir.path().join(&a.file);
        let len = std::fs::metadata(&path).unwrap().len();
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(len - 5)
            .unwrap();
        assert!(matches!(
            check_record(dir.path(), &stored(&a)),
            Check::Missing(_)
        ));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            check_record(dir.path(), &stored(&a)),
            Check::Missing("bestand ontbreekt".into())
        );
        let mut outside = stored(&a);
        outside.file = "../etc/passwd".into();
        assert!(matches!(
            check_record(dir.path(), &outside),
            Check::Mismatch(_)
        ));
    }

    #[test]
    fn digests_in_hex_and_base32_are_understood() {
        let sha = Sha256::digest(b"abc");
        assert!(digest_matches(&digest(b"abc"), b"abc"));
        let b32 = format!("sha256:{}", data_encoding::BASE32.encode(&sha));
        assert!(digest_matches(&b32, b"abc"));
        assert!(!digest_matches(&b32, b"abd"));
        assert!(!digest_matches("sha1:AAAA", b"abc"));
    }

    #[tokio::test]
    async fn verify_all_pages_through_the_database_and_reports_progress() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = crate::config::Config::for_data_dir(dir.path());
        let store = Store::open(&cfg).await.unwrap();
        let mut w = EvidenceWriter::new(&cfg.evidence_dir()).unwrap();
        let r = w.write(&capture(b"<h1>een</h1>"), "ua").unwrap();
        ads::upsert_site(&store, "s", "S").await.unwrap();
        let run = crate::store::runs::start_run(&store, "s").await.unwrap();
        let n = PROGRESS_EVERY + 1;
        for _ in 0..n {
            let fetch = ads::NewFetch {
                run_id: run,
                url: "http://127.0.0.1:9/advertentie/1?x=1".into(),
                page_kind: "ad",
                fetched_at: store::now(),
                body_sha256: Some(r.sha256.clone()),
                warc_file: Some(r.file.clone()),
                warc_offset: Some(r.offset as i64),
                warc_length: Some(r.length as i64),
                warc_record_sha256: Some(r.record_sha256.clone()),
                ..Default::default()
            };
            ads::insert_fetch(&store, &fetch).await.unwrap();
        }
        let mut progress = Vec::new();
        let summary = verify_all(&store, &cfg.evidence_dir(), |e| match e {
            VerifyEvent::Progress { done, total } => progress.push((done, total)),
            VerifyEvent::Problem { record, check } => panic!("{record:?}: {check:?}"),
        })
        .await
        .unwrap();
        assert_eq!(progress, [(PROGRESS_EVERY, n)]);
        assert_eq!(
            summary,
            VerifySummary {
                checked: n,
                ok: n,
                mismatched: 0,
                missing: 0
            }
        );
        store.close().await;
    }
}
