//! Reading a capture back: the Content-Type and body of a stored response record, only
//! after the record has been checked, for the review UI's captured page.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::verify::{check_record, Check};
use crate::store::ads::StoredEvidence;

/// The HTTP response a stored record holds: its Content-Type and its body, after the
/// whole-record SHA-256 (when stored) has been checked, so that the review UI never
/// shows a capture that differs from what was recorded.
pub fn read_response(dir: &Path, r: &StoredEvidence) -> Result<(Option<String>, Vec<u8>), String> {
    match check_record(dir, r) {
        Check::Ok => {}
        Check::Missing(why) => return Err(format!("het bewijs ontbreekt: {why}")),
        Check::Mismatch(why) => return Err(format!("het bewijs klopt niet: {}", why.join("; "))),
    }
    let bytes = read_span(&dir.join(&r.file), r.offset as u64, r.length as u64)
        .map_err(|e| format!("bestand niet leesbaar: {e}"))?
        .ok_or("het record ontbreekt")?;
    let mut records = warc::WarcReader::new(&bytes[..]).iter_raw_records();
    let Some(Ok((_, block))) = records.next() else {
        return Err("geen geldig WARC-record".into());
    };
    let split = block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("geen volledige HTTP-kop in het record")?;
    let head = String::from_utf8_lossy(&block[..split]);
    let content_type = head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("content-type")
            .then(|| v.trim().to_string())
    });
    Ok((content_type, block[split + 4..].to_vec()))
}

/// `length` bytes at `offset`, or `None` when the file ends before that.
pub(super) fn read_span(path: &Path, offset: u64, length: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut f = File::open(path)?;
    let size = f.metadata()?.len();
    if offset.checked_add(length).is_none_or(|end| end > size) {
        return Ok(None);
    }
    f.seek(SeekFrom::Start(offset))?;
    let mut buf = vec![0; length as usize];
    f.read_exact(&mut buf)?;
    Ok(Some(buf))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::tests::{capture, stored};
    use crate::evidence::{Capture, EvidenceWriter};
    use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};

    #[test]
    fn a_checked_record_gives_its_content_type_and_body_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut headers = HeaderMap::new();
        let content_type = "text/html; charset=windows-1252";
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        let resp = Capture {
            headers: &headers,
            ..capture(b"<p>caf\xe9")
        };
        let a = EvidenceWriter::new(dir.path())
            .unwrap()
            .write(&resp, "ua")
            .unwrap();
        assert_eq!(
            read_response(dir.path(), &stored(&a)),
            Ok((Some(content_type.into()), b"<p>caf\xe9".to_vec()))
        );
        // A record that no longer matches the database is not shown.
        let mut changed = stored(&a);
        changed.record_sha256 = Some("0".repeat(64));
        let why = read_response(dir.path(), &changed).unwrap_err();
        assert!(why.starts_with("het bewijs klopt niet"), "{why}");
    }
}
