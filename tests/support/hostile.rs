//! A hostile web server on 127.0.0.1 for the crawler's tests: hand-written HTTP/1.1 on a
//! raw `TcpListener`, so it can hang, reset the connection, stream without end, answer
//! garbage or compress however it likes. Every request is recorded (arrival time, path,
//! User-Agent, Accept-Encoding); each answer closes the connection.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Logged {
    pub at: Instant,
    pub path: String,
    pub user_agent: Option<String>,
    pub accept_encoding: Option<String>,
}

/// What the handler sees: the path, and how often it was asked for before (0 the first
/// time), so a page can fail a few times and then recover.
#[derive(Debug, Clone)]
pub struct Request {
    pub path: String,
    pub previous: usize,
}

/// How the server answers.
pub enum Reply {
    /// A complete answer with Content-Length.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Chunks written one after another until they run out or the client goes away; the
    /// body ends when the connection closes.
    Stream {
        headers: Vec<(String, String)>,
        chunks: Box<dyn Iterator<Item = Vec<u8>> + Send>,
    },
    /// Raw bytes instead of an HTTP answer, then close.
    Raw(Vec<u8>),
    /// Read the request, never answer.
    Hang,
    /// Read the request, then drop the connection with a TCP reset.
    Reset,
}

impl Reply {
    pub fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200, &[("Content-Type", "text/html; charset=utf-8")], body)
    }

    pub fn status(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
        }
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

pub struct Hostile {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Logged>>>,
    task: JoinHandle<()>,
}

impl Hostile {
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log: Arc<Mutex<Vec<Logged>>> = Arc::default();
        let handler: Handler = Arc::new(handler);
        let task = tokio::spawn({
            let log = log.clone();
            async move {
                while let Ok((socket, _)) = listener.accept().await {
                    tokio::spawn(serve(socket, handler.clone(), log.clone()));
                }
            }
        });
        Hostile { addr, log, task }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("{}{path}", self.base())).unwrap()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().unwrap().clone()
    }

    /// Arrival times of the requests for `path`.
    pub fn times(&self, path: &str) -> Vec<Instant> {
        self.log()
            .into_iter()
            .filter(|r| r.path == path)
            .map(|r| r.at)
            .collect()
    }

    pub fn count(&self, path: &str) -> usize {
        self.times(path).len()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The gaps between consecutive instants.
pub fn gaps(times: &[Instant]) -> Vec<Duration> {
    times.windows(2).map(|p| p[1] - p[0]).collect()
}

async fn serve(mut socket: TcpStream, handler: Handler, log: Arc<Mutex<Vec<Logged>>>) {
    let Some(head) = read_head(&mut socket).await else {
        return;
    };
    let at = Instant::now();
    let mut lines = head.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("")
        .to_string();
    let mut user_agent = None;
    let mut accept_encoding = None;
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let value = Some(value.trim().to_string());
            match name.trim().to_ascii_lowercase().as_str() {
                "user-agent" => user_agent = value,
                "accept-encoding" => accept_encoding = value,
                _ => {}
            }
        }
    }
    let previous = {
        let mut log = log.lock().unwrap();
        let previous = log.iter().filter(|r| r.path == path).count();
        log.push(Logged {
            at,
            path: path.clone(),
            user_agent,
            accept_encoding,
        });
        previous
    };
    match handler(&Request { path, previous }) {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut out = head_bytes(status, &headers);
            out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
            out.extend_from_slice(&body);
            let _ = socket.write_all(&out).await;
            let _ = socket.shutdown().await;
        }
        Reply::Stream { headers, chunks } => {
            let mut out = head_bytes(200, &headers);
            out.extend_from_slice(b"\r\n");
            if socket.write_all(&out).await.is_err() {
                return;
            }
            for chunk in chunks {
                if socket.write_all(&chunk).await.is_err() {
                    return; // The client went away: good.
                }
            }
            let _ = socket.shutdown().await;
        }
        Reply::Raw(bytes) => {
            let _ = socket.write_all(&bytes).await;
            let _ = socket.shutdown().await;
        }
        Reply::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        Reply::Reset => {
            let _ = socket.set_zero_linger();
            drop(socket);
        }
    }
}

fn head_bytes(status: u16, headers: &[(String, String)]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Hostile\r\nConnection: close\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.into_bytes()
}

async fn read_head(socket: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// A gzip stream that never ends: every ~1 KiB of it unpacks to 1 MiB of zeros, so it is
/// a 1 GiB bomb after about 1 MiB and goes on from there. Made with `flate2` at start:
/// one raw deflate block sequence for 1 MiB of zeros, ended by a full flush (which resets
/// the compressor, so the same bytes can follow themselves), repeated forever.
pub fn gzip_bomb() -> Box<dyn Iterator<Item = Vec<u8>> + Send> {
    use flate2::{Compress, Compression, FlushCompress};
    let zeros = vec![0u8; 1 << 20];
    let mut deflate = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(64 * 1024);
    deflate
        .compress_vec(&zeros, &mut block, FlushCompress::Full)
        .unwrap();
    assert_eq!(deflate.total_in(), zeros.len() as u64);
    assert!(block.ends_with(&[0, 0, 0xff, 0xff]), "full flush marker");
    assert!(block.len() < 8 * 1024, "{} bytes", block.len());
    // gzip header: magic, deflate, no flags, no time, no extra flags, unknown OS.
    let header = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    // Send 64 blocks (64 MiB unpacked) per write.
    let batch = block.repeat(64);
    Box::new(std::iter::once(header).chain(std::iter::repeat(batch)))
}

/// Gzip of `data`, complete.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// Brotli of `data`, complete.
pub fn brotli(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    {
        let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
        enc.write_all(data).unwrap();
    }
    out
}
