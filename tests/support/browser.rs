//! What the browser tests (headless Chromium driven by playwright-core, `tests/e2e/*.mjs`)
//! need: where the scripts are, and whether node, Chromium and the packages are there.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Debian's chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// `tests/e2e`.
pub fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e")
}

/// Node, Chromium and the npm `packages` under `tests/e2e/node_modules`, or why not.
pub fn missing_tools(packages: &[&str]) -> Option<String> {
    let node = std::process::Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        return Some("`node` is not on PATH (Debian: apt-get install -y nodejs npm)".into());
    }
    if !Path::new(CHROMIUM).exists() {
        return Some(format!(
            "{CHROMIUM} is missing (Debian: apt-get install -y chromium)"
        ));
    }
    for package in packages {
        let dir = e2e_dir().join("node_modules").join(package);
        if !dir.exists() {
            return Some(format!(
                "{} is missing (run: npm ci --prefix tests/e2e --no-audit --no-fund)",
                dir.display()
            ));
        }
    }
    None
}

/// `node tests/e2e/<script>` with `env`, stdin closed, killed when dropped, and no proxy
/// variables: loopback only, no proxy may see (or be asked for) anything.
pub fn node_command(script: &str, env: &[(&str, String)]) -> tokio::process::Command {
    let mut node = tokio::process::Command::new("node");
    node.arg(script)
        .current_dir(e2e_dir())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .kill_on_drop(true);
    for var in [
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        node.env_remove(var);
    }
    node
}
