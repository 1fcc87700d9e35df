//! Memory under a login flood (issue 13, point 4; not a timed test): the real `webwacht
//! serve` binary as a child process on a loopback port, and 500 logins fired at it at
//! once, each from its own loopback address (127.0.x.y, so the per-address throttle lets
//! every one through to the password check), half with the right password and half with
//! a wrong one. Prints the answers per status, the wall time and the server's peak RSS
//! (`VmHWM` in `/proc/<pid>/status`) before and after. The target: at most 200 MB.
//!
//! `cargo bench --bench login_flood`. Knobs (environment): `WEBWACHT_BENCH_LOGINS` (500),
//! `WEBWACHT_BENCH_BINARY=PATH` (measure another build of `webwacht`, e.g. one from before
//! the fix).

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use webwacht::store::{users, Store};

const PASSWORD: &str = "overstromings-proef-wachtwoord";
const TARGET_MB: f64 = 200.0;

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A field of `/proc/<pid>/status` in MB (the kernel writes kB).
fn status_mb(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1000.0)
}

/// Start `webwacht serve` on a free loopback port; returns the child and its base URL.
fn start_server(binary: &str, data_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(binary)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .current_dir(data_dir)
        .env("WEBWACHT_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start webwacht serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "webwacht luistert op http://127.0.0.1:PORT/ — stop met Ctrl-C."
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .map(|u| u.trim_end_matches('/').to_string())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    (child, base)
}

/// The `n`-th client's own loopback address: 127.0.1.1, 127.0.1.2, …
fn address(n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        127,
        0,
        1 + (n / 250) as u8,
        1 + (n % 250) as u8,
    ))
}

/// GET the form (cookie and token), wait for everyone, then POST it.
async fn login(n: usize, base: String, barrier: Arc<tokio::sync::Barrier>) -> Result<u16, String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(address(n))
        .build()
        .map_err(|e| e.to_string())?;
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .map_err(|e| e.to_string());
    let form = match page {
        Ok(page) => {
            let cookie = page
                .headers()
                .get_all(SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|v| v.starts_with("webwacht_login="))
                .and_then(|v| v.split(';').next())
                .map(str::to_string);
            let html = page.text().await.unwrap_or_default();
            let csrf = html
                .split("name=\"csrf\" value=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .map(str::to_string);
            cookie.zip(csrf).ok_or("no login form".to_string())
        }
        Err(e) => Err(e),
    };
    // Everyone waits here, also those whose form failed, so the flood starts at once.
    barrier.wait().await;
    let (cookie, csrf) = form?;
    let name = format!("gebruiker{n:03}");
    let password = if n % 2 == 0 { PASSWORD } else { "verkeerd" };
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("name", &name)
        .append_pair("password", password)
        .append_pair("csrf", &csrf)
        .append_pair("next", "/flags")
        .finish();
    client
        .post(format!("{base}/login"))
        .header(COOKIE, cookie)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map_err(|e| e.to_string())
}

fn main() {
    let logins = knob("WEBWACHT_BENCH_LOGINS", 500);
    let binary = std::env::var("WEBWACHT_BENCH_BINARY")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_webwacht").to_string());
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // Every user has the same password hash: one argon2 run to seed, not `logins` of them.
    rt.block_on(async {
        let db = dir.path().join("webwacht.db");
        let store = Store::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        let hash = webwacht::web::hash_password(PASSWORD).unwrap();
        for n in 0..logins {
            users::create_user(
                &store,
                &format!("gebruiker{n:03}"),
                &hash,
                webwacht::web::auth::Role::Researcher,
                None,
            )
            .await
            .unwrap();
        }
        store.close().await;
    });

    let (mut server, base) = start_server(&binary, dir.path());
    let pid = server.id();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "login flood: {logins} logins at once (half right, half wrong) against {binary} \
         (pid {pid}) on {cores} cores"
    );
    // One login first, so start-up work (the dummy hash, the pool) is in the baseline.
    let warm = rt.block_on(login(
        logins + 1,
        base.clone(),
        Arc::new(tokio::sync::Barrier::new(1)),
    ));
    let (before_hwm, before_rss) = (status_mb(pid, "VmHWM:"), status_mb(pid, "VmRSS:"));
    println!(
        "server before the flood: peak RSS {before_hwm:.1} MB, RSS {before_rss:.1} MB \
         (warm-up login: {warm:?})"
    );

    let t = Instant::now();
    let outcomes: Vec<Result<u16, String>> = rt.block_on(async {
        let barrier = Arc::new(tokio::sync::Barrier::new(logins));
        let tasks: Vec<_> = (0..logins)
            .map(|n| tokio::spawn(login(n, base.clone(), barrier.clone())))
            .collect();
        let mut out = Vec::with_capacity(logins);
        for task in tasks {
            out.push(task.await.unwrap());
        }
        out
    });
    let wall = t.elapsed();
    let (after_hwm, after_rss) = (status_mb(pid, "VmHWM:"), status_mb(pid, "VmRSS:"));

    let _ = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status();
    let _ = server.wait();

    let mut per_status = std::collections::BTreeMap::<String, usize>::new();
    for o in &outcomes {
        let key = match o {
            Ok(code) => code.to_string(),
            Err(_) => "connection error".to_string(),
        };
        *per_status.entry(key).or_default() += 1;
    }
    println!(
        "answers in {:.1} s: {}",
        wall.as_secs_f64(),
        per_status
            .iter()
            .map(|(k, n)| format!("{k} × {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(Err(e)) = outcomes.iter().find(|o| o.is_err()) {
        println!("first connection error: {e}");
    }
    println!("server after the flood: peak RSS {after_hwm:.1} MB, RSS {after_rss:.1} MB");
    println!(
        "\npeak RSS {after_hwm:.1} MB under {logins} logins at once: {} the target of \
         {TARGET_MB:.0} MB",
        if after_hwm <= TARGET_MB {
            "within"
        } else {
            "over"
        }
    );
}
