//! Evidence: every ad page we act on is written to a WARC file under
//! `data_dir/evidence/` as a request and a response record; the database keeps the file,
//! offset, length and the SHA-256 of the body. Files rotate by size.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use data_encoding::BASE32;
use sha2::{Digest, Sha256};
use warc::{BufferedBody, Record, RecordType, WarcHeader, WarcWriter};

use super::fetch::Response;

/// Start a new WARC file once the current one is this large.
pub const ROTATE_BYTES: u64 = 256 * 1024 * 1024;

/// Where one response record was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRef {
    /// File name relative to the evidence directory.
    pub file: String,
    pub offset: u64,
    pub length: u64,
    /// SHA-256 of the response body, hex.
    pub sha256: String,
}

/// Appends WARC records to the current file of a directory.
pub struct EvidenceWriter {
    dir: PathBuf,
    rotate_bytes: u64,
    current: Option<(String, File, u64)>,
}

impl EvidenceWriter {
    pub fn new(dir: &Path) -> std::io::Result<EvidenceWriter> {
        std::fs::create_dir_all(dir)?;
        Ok(EvidenceWriter {
            dir: dir.to_path_buf(),
            rotate_bytes: ROTATE_BYTES,
            current: None,
        })
    }

    /// Write the request and response records of one fetch; returns the response record's
    /// place and the body hash.
    pub fn write(&mut self, resp: &Response, user_agent: &str) -> std::io::Result<EvidenceRef> {
        let sha = Sha256::digest(&resp.body);
        let sha256 = hex::encode(sha);
        let date = resp.fetched_at;
        let target = resp.url.as_str();

        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {user_agent}\r\n\r\n",
            request_target(&resp.url),
            host_header(&resp.url)
        );
        let mut req = Record::<BufferedBody>::with_body(request.into_bytes());
        req.set_warc_type(RecordType::Request);
        req.set_date(date);
        set(&mut req, WarcHeader::TargetURI, target)?;
        set(
            &mut req,
            WarcHeader::ContentType,
            "application/http; msgtype=request",
        )?;

        let mut http = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
        for (name, value) in &resp.headers {
            if matches!(
                name.as_str(),
                "content-length" | "transfer-encoding" | "content-encoding"
            ) {
                continue;
            }
            http.push_str(&format!(
                "{}: {}\r\n",
                name,
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        http.push_str(&format!("Content-Length: {}\r\n\r\n", resp.body.len()));
        let mut block = http.into_bytes();
        block.extend_from_slice(&resp.body);
        let block_digest = Sha256::digest(&block);
        let mut res = Record::<BufferedBody>::with_body(block);
        res.set_warc_type(RecordType::Response);
        res.set_date(date);
        set(&mut res, WarcHeader::TargetURI, target)?;
        set(
            &mut res,
            WarcHeader::ContentType,
            "application/http; msgtype=response",
        )?;
        set(
            &mut res,
            WarcHeader::PayloadDigest,
            &format!("sha256:{}", BASE32.encode(&sha)),
        )?;
        set(
            &mut res,
            WarcHeader::BlockDigest,
            &format!("sha256:{}", BASE32.encode(&block_digest)),
        )?;
        set(&mut res, WarcHeader::ConcurrentTo, req.warc_id())?;
        if resp.truncated {
            set(&mut res, WarcHeader::Truncated, "length")?;
        }

        let mut bytes = Vec::new();
        WarcWriter::new(&mut bytes).write(&req)?;
        let req_len = bytes.len() as u64;
        WarcWriter::new(&mut bytes).write(&res)?;
        let res_len = bytes.len() as u64 - req_len;

        let (name, file, size) = self.file_for(bytes.len() as u64)?;
        file.write_all(&bytes)?;
        file.flush()?;
        let offset = *size + req_len;
        *size += bytes.len() as u64;
        Ok(EvidenceRef {
            file: name.clone(),
            offset,
            length: res_len,
            sha256,
        })
    }

    fn file_for(&mut self, incoming: u64) -> std::io::Result<(&String, &mut File, &mut u64)> {
        let rotate = match &self.current {
            Some((_, _, size)) => *size > 0 && *size + incoming > self.rotate_bytes,
            None => true,
        };
        if rotate {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
            let mut n = 0;
            let name = loop {
                let name = format!("webwacht-{stamp}-{n:03}.warc");
                if !self.dir.join(&name).exists() {
                    break name;
                }
                n += 1;
            };
            let file = OpenOptions::new()
                .create_new(true)
                .append(true)
                .open(self.dir.join(&name))?;
            self.current = Some((name, file, 0));
        }
        let (name, file, size) = self.current.as_mut().expect("set above");
        Ok((name, file, size))
    }
}

fn set(rec: &mut Record<BufferedBody>, h: WarcHeader, v: &str) -> std::io::Result<()> {
    rec.set_header(h, v)
        .map(|_| ())
        .map_err(|e| std::io::Error::other(e.to_string()))
}

fn request_target(url: &url::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

fn host_header(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// Read back the body of the response record at `offset` and check it against `sha256`.
pub fn verify(dir: &Path, r: &EvidenceRef) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = File::open(dir.join(&r.file))?;
    f.seek(SeekFrom::Start(r.offset))?;
    let mut buf = vec![0; r.length as usize];
    f.read_exact(&mut buf)?;
    let reader = warc::WarcReader::new(std::io::BufReader::new(&buf[..]));
    let Some(Ok(record)) = reader.iter_records().next() else {
        return Ok(false);
    };
    let block = record.body();
    let body = block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| &block[i + 4..])
        .unwrap_or(&[]);
    Ok(hex::encode(Sha256::digest(body)) == r.sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &[u8]) -> Response {
        Response {
            url: url::Url::parse("http://127.0.0.1:9/advertentie/1").unwrap(),
            status: 200,
            headers: Default::default(),
            body: body.to_vec(),
            truncated: false,
            fetched_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn written_records_verify_and_tampering_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = EvidenceWriter::new(dir.path()).unwrap();
        let a = w.write(&response(b"<h1>een</h1>"), "ua").unwrap();
        let b = w.write(&response(b"<h1>twee</h1>"), "ua").unwrap();
        assert_eq!(a.file, b.file);
        assert!(b.offset > a.offset);
        assert!(verify(dir.path(), &a).unwrap());
        assert!(verify(dir.path(), &b).unwrap());
        // Flip one byte of the first body.
        let path = dir.path().join(&a.file);
        let mut bytes = std::fs::read(&path).unwrap();
        let pos = bytes.windows(3).position(|w| w == b"een").unwrap();
        bytes[pos] = b'E';
        std::fs::write(&path, bytes).unwrap();
        assert!(!verify(dir.path(), &a).unwrap());
        assert!(verify(dir.path(), &b).unwrap());
    }

    #[test]
    fn rotates_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = EvidenceWriter::new(dir.path()).unwrap();
        w.rotate_bytes = 100;
        let a = w.write(&response(b"x"), "ua").unwrap();
        let b = w.write(&response(b"y"), "ua").unwrap();
        assert_ne!(a.file, b.file);
    }
}
